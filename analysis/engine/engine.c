/* The one streaming path: packets tagged with their point in, transactions
 * out to the sink and into the results.
 *
 * One point: each transaction the point times is final. Several points:
 * the cross-point engine (pktm_*, clk_*, attribution) joins the points'
 * transactions before they are final; until it is wired in here, the
 * transactions of the first point on the path (client, else uplink, else
 * vif) are the ones reported.
 *
 * The detectors (watch.c) see every decoded packet of every point and the
 * final transactions here, so `analyze` and `live` report the same
 * incidents. */
#include <stdlib.h>
#include <string.h>
#include "analysis/engine/engine.h"
#include "analysis/results/results.h"
#include "analysis/point/tcp_track.h"
#include "common/hist.h"
#include "analysis/path/crosspoint.h"

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
	struct watch *w;		/* the detectors: incidents */
};

void eng_config_default(struct eng_config *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	pt_config_default(&cfg->pt);
	cfg->roles = 1u << PT_SINGLE;
	cfg->window_ns = 1000000000LL;
	struct watch_config wc;
	watch_config_default(&wc);
	cfg->hang = wc.silence;
	cfg->ports = wc.ports;
	cfg->syn_bursts = wc.syn_bursts;
	cfg->loss_bursts = wc.loss_bursts;
}

static void finalize(struct engine *e, const struct txn *t)
{
	res_add_txn(e->res, t);
	watch_txn(e->w, t);
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

/* pt_packet_hook: every decoded packet of every point. */
static void on_packet(void *ctx, const struct pkt *p, const struct dec_pkt *d)
{
	struct engine *e = ctx;
	if (e->x)
		cross_packet(e->x, p, d);
	watch_packet(e->w, p->point, e->x ? cross_time(e->x, p) : p->ts_ns, d);
}

/* The detectors, on the engine's copy of the configuration. */
static struct watch *new_watch(struct engine *e)
{
	const struct eng_config *c = &e->cfg;
	struct watch_config wc = {
		.silence = c->hang, .ports = c->ports, .syn_bursts = c->syn_bursts,
		.loss_bursts = c->loss_bursts, .roles = c->roles, .pt = &c->pt, .clock = &c->clock,
		.on_incident = c->on_incident, .ctx = c->alert_ctx,
	};
	return watch_new(&wc, e->res);
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
	e->w = new_watch(e);
	if (!e->w)
		goto fail;
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
	watch_advance(e->w, now_ns);
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
	watch_finish(e->w);
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
	watch_free(e->w);
	res_free(e->res);
	free(e);
}
