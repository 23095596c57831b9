/* The one streaming path: packets tagged with their point in, transactions
 * out to the sink and into the results.
 *
 * One point: each transaction the point times is final. Several points:
 * the cross-point engine (pktm_*, clk_*, attribution) joins the points'
 * transactions before they are final; until it is wired in here, the
 * transactions of the first point on the path (client, else uplink, else
 * vif) are the ones reported.
 *
 * The guest-silence detector (hang.c) sees every decoded packet of every
 * point here, so `analyze` and `live` report the same incidents. */
#include <stdlib.h>
#include <string.h>
#include "analysis/engine/engine.h"
#include "analysis/results/results.h"
#include "analysis/point/tcp_track.h"
#include "common/hist.h"
#include "analysis/path/crosspoint.h"
#include "analysis/diagnose/diagnose.h"

#define ENG_TICK_NS 10000000ull	/* expire state every 10 ms of packet time */

struct engine;

struct eng_point {
	struct engine *e;
	uint8_t role;
	struct point *pt;
	uint64_t next_tick;
};

struct engine {
	struct eng_config cfg;
	struct eng_point p[PT_N];
	unsigned npoints;
	uint8_t primary;		/* the point whose transactions are reported */
	struct results *res;
	struct cross *x;			/* cross-point part, two or three points (xeng.c) */
	struct txn_sink joiner;		/* the points' transactions when x is set */
	struct silence hang;		/* guest-silence detector */
	struct diag *diag;		/* load steps and the verdict */
	/* per kept incident and point: the request counter when it began */
	uint64_t inc_base[RES_MAX_INCIDENTS][PT_N];
};

void eng_config_default(struct eng_config *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	pt_config_default(&cfg->pt);
	cfg->roles = 1u << PT_SINGLE;
	cfg->window_ns = 1000000000LL;
	sil_config_default(&cfg->hang);
}

static void finalize(struct engine *e, const struct txn *t)
{
	res_add_txn(e->res, t);
	/* on the windows' clock: a client's start is moved to the Dom0 one */
	diag_txn(e->diag, t, e->x && t->point == PT_CLIENT ? clk_to_dom0(&e->cfg.clock, t->start_ns) : t->start_ns);
	txn_emit(&e->cfg.out, t);
}

static void on_final(void *ctx, const struct txn *t)
{
	finalize(ctx, t);
}

static void on_txn(void *ctx, const struct txn *t)
{
	struct eng_point *ep = ctx;
	if (ep->e->x)
		txn_emit(&ep->e->joiner, t);
	else if (ep->e->npoints == 1 || ep->role == ep->e->primary)
		finalize(ep->e, t);
}

/* Requests that reached each point since the incident began. */
static void incident_requests(struct engine *e, unsigned i)
{
	struct res_incident *in = &e->res->incident[i];
	const struct sil_guest *g = sil_find(&e->hang, &in->guest);
	for (int p = 0; g && p < PT_N; p++)
		in->requests[p] = g->pt[p].requests - e->inc_base[i][p];
}

static void incident_open(struct engine *e, const struct sil_alert *a)
{
	struct results *r = e->res;
	r->incidents_total++;
	if (r->n_incidents >= RES_MAX_INCIDENTS)
		return;
	unsigned i = r->n_incidents++;
	r->incident[i] = (struct res_incident){
		.guest = a->guest, .kind = a->kind, .point = a->point, .open = 1,
		.start_ns = a->first_unanswered_ns, .last_answer_ns = a->last_answer_ns,
		.detected_ns = a->at_ns,
	};
	/* at each point, the requests since the guest's last answer there are
	 * part of the silence (at the deciding point exactly the alert's) */
	const struct sil_guest *g = sil_find(&e->hang, &a->guest);
	for (int p = 0; g && p < PT_N; p++)
		e->inc_base[i][p] = g->pt[p].requests - g->pt[p].unanswered;
	incident_requests(e, i);
}

static void incident_close(struct engine *e, const struct sil_alert *a)
{
	for (unsigned i = e->res->n_incidents; i-- > 0;) {
		struct res_incident *in = &e->res->incident[i];
		if (in->open && ipaddr_eq(&in->guest, &a->guest)) {
			incident_requests(e, i);
			in->open = 0;
			in->end_ns = a->at_ns;
			return;
		}
	}
}

static void on_alert(void *ctx, const struct sil_alert *a)
{
	struct engine *e = ctx;
	if (a->resumed)
		incident_close(e, a);
	else
		incident_open(e, a);
	if (e->cfg.on_alert)
		e->cfg.on_alert(e->cfg.alert_ctx, a);
}

/* pt_packet_hook: every decoded packet of every point. */
static void on_packet(void *ctx, const struct pkt *p, const struct dec_pkt *d)
{
	struct engine *e = ctx;
	if (e->x)
		cross_packet(e->x, p, d);
	uint64_t t = e->x ? cross_time(e->x, p) : p->ts_ns;
	sil_packet(&e->hang, p->point, t, d);
	diag_packet(e->diag, p->point, t, d);
}

struct engine *eng_new(const struct eng_config *cfg)
{
	struct engine *e = calloc(1, sizeof *e);
	if (!e)
		return NULL;
	e->cfg = *cfg;
	e->res = res_new();
	if (!e->res)
		goto fail;
	e->res->window_ns = cfg->window_ns;
	struct sil_config hc = cfg->hang;
	hc.pt = &e->cfg.pt;
	sil_init(&e->hang, &hc, on_alert, e);
	e->primary = PT_N;
	for (uint8_t role = 0; role < PT_N; role++) {
		if (!(cfg->roles & (1u << role)))
			continue;
		struct eng_point *ep = &e->p[role];
		ep->e = e;
		ep->role = role;
		struct txn_sink s = { on_txn, ep };
		ep->pt = pt_new(&e->cfg.pt, role, s);
		if (!ep->pt)
			goto fail;
		if (e->primary == PT_N)
			e->primary = role;
		e->res->point[role].present = 1;
		e->npoints++;
	}
	e->res->npoints = e->npoints;
	e->res->ref_point = e->primary < PT_N ? e->primary : PT_CLIENT;
	if (!e->npoints)
		goto fail;
	/* one point: its transactions are final when answered, a step need not wait for joins */
	struct diag_config dc = { .pt = &e->cfg.pt, .head = e->primary, .window_ns = cfg->window_ns,
				  .hold_ns = e->npoints > 1 ? 0 : cfg->window_ns,
				  .on_step = cfg->on_step, .ctx = cfg->step_ctx };
	if (!(e->diag = diag_new(&dc, e->res)))
		goto fail;
	if (e->npoints > 1) {
		e->x = cross_new(&e->cfg, (struct txn_sink){ on_final, e });
		if (!e->x)
			goto fail;
		e->joiner = cross_point_sink(e->x);
	}
	for (int role = 0; role < PT_N; role++)
		if (e->p[role].pt)
			pt_set_packet_hook(e->p[role].pt, on_packet, e);
	return e;
fail:
	eng_free(e);
	return NULL;
}

static void sync_counts(struct engine *e, struct eng_point *ep)
{
	e->res->point[ep->role].counts = *pt_counts(ep->pt);
}

void eng_feed(struct engine *e, const struct pkt *p)
{
	if (p->point >= PT_N || !e->p[p->point].pt)
		return;
	struct eng_point *ep = &e->p[p->point];
	res_saw_packet(e->res, ep->role, p->ts_ns);
	if (e->x)
		cross_advance(e->x, cross_time(e->x, p));
	if (p->ts_ns >= ep->next_tick) {
		pt_advance(ep->pt, p->ts_ns);
		sync_counts(e, ep);
		ep->next_tick = p->ts_ns + ENG_TICK_NS;
	}
	pt_feed(ep->pt, p);
}

void eng_advance(struct engine *e, uint64_t now_ns)
{
	sil_advance(&e->hang, now_ns);
	diag_advance(e->diag, now_ns);
}

void eng_finish(struct engine *e)
{
	for (int role = 0; role < PT_N; role++) {
		struct eng_point *ep = &e->p[role];
		if (!ep->pt)
			continue;
		pt_finish(ep->pt);
		sync_counts(e, ep);
		const struct hist *hs = tcpt_handshake_hist(pt_tcp(ep->pt));
		if (hs)
			hist_merge(e->res->point[role].tcp_handshake, hs);
		const struct hist *sa = tcpt_synack_hist(pt_tcp(ep->pt));
		if (sa)
			hist_merge(e->res->point[role].tcp_synack, sa);
	}
	if (e->x)
		cross_finish(e->x, e->res);
	for (unsigned i = 0; i < e->res->n_incidents; i++)
		if (e->res->incident[i].open)
			incident_requests(e, i);
	diag_finish(e->diag);	/* after the incidents: the verdict reads them */
}

const struct results *eng_results(const struct engine *e)
{
	return e->res;
}

/* Results stay the caller's to report and adjust (read errors). */
struct results *eng_results_mut(struct engine *e)
{
	return e->res;
}

void eng_free(struct engine *e)
{
	if (!e)
		return;
	for (int role = 0; role < PT_N; role++)
		pt_free(e->p[role].pt);
	cross_free(e->x);
	diag_free(e->diag);
	res_free(e->res);
	free(e);
}
