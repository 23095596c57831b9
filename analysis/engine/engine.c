/* The one streaming path: packets tagged with their point in, transactions
 * out to the sink and into the results.
 *
 * One point: each transaction the point times is final. Several points:
 * the cross-point part (crosspoint.c: matching, attribution) joins the
 * points' transactions before they are final.
 *
 * Every point's counters feed the time series after each packet (requests
 * and responses are counted when they are seen), and every final
 * transaction lands in the window where it ended. The detectors (watch.c)
 * see every decoded packet of every point and the final transactions here,
 * so `analyze` and `live` report the same windows and the same incidents. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "analysis/engine/engine_int.h"
#include "analysis/results/results.h"
#include "analysis/point/tcp_track.h"
#include "analysis/path/crosspoint.h"
#include "common/hist.h"
#include "analysis/diagnose/diagnose.h"

#define ENG_TICK_NS 10000000ull	/* expire state every 10 ms of packet time */

void eng_config_default(struct eng_config *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	pt_config_default(&cfg->pt);
	cfg->roles = 1u << PT_SINGLE;
	cfg->clock_track.ref = PT_N;
	cfg->window_ns = 1000000000LL;
	struct watch_config wc;
	watch_config_default(&wc);
	cfg->silence = wc.silence;
	cfg->ports = wc.ports;
	cfg->syn_bursts = wc.syn_bursts;
	cfg->loss_bursts = wc.loss_bursts;
}

/* A time at a point on the common clock: the client's moved onto Dom0's
 * (identity without a clock estimate, so with one point). */
static uint64_t dom0_ns(const struct engine *e, uint8_t role, uint64_t ts)
{
	return role == PT_CLIENT ? clk_to_dom0(&e->cfg.clock, ts) : ts;
}

/* Where a final transaction ends (start: its start on the Dom0 clock): its
 * last response packet; 0 when unanswered (it ends when hoplat finds it so,
 * i.e. now). */
static uint64_t txn_end(const struct txn *t, uint64_t start)
{
	if (t->total_ns == TXN_NS_NONE)
		return 0;
	return start + (uint64_t)t->total_ns;
}

/* Out of line (as when eng_txn called it too): tests/bench/stages.sh
 * counts the final transactions' stage by its name. */
static __attribute__((noinline)) void finalize(struct engine *e, const struct txn *t)
{
	/* on the windows' clock: a client's start is moved to the Dom0 one (once) */
	uint64_t start = dom0_ns(e, t->point, t->start_ns);
	res_add_txn(e->res, t);
	ser_txn(e->ser, t, txn_end(t, start));
	watch_txn(e->w, t);
	diag_txn(e->diag, t, start);
	txn_emit(&e->cfg.out, t);
}

static void on_final(void *ctx, const struct txn *t)
{
	finalize(ctx, t);
}

/* finalize for one point's transaction: no cross-point attribution (see
 * res_add_point_txn) and no loss to place (watch_txn's bursts). Out of
 * line: inlined, eng_txn grew past being inlined in on_txn (a call more
 * per transaction with several points). */
static __attribute__((noinline)) void finalize_point(struct engine *e, const struct txn *t)
{
	uint64_t start = dom0_ns(e, t->point, t->start_ns);
	res_add_point_txn(e->res, t);
	ser_point_txn(e->ser, t, txn_end(t, start));
	diag_point_txn(e->diag, t, start);
	txn_emit(&e->cfg.out, t);
}

void eng_txn(struct engine *e, const struct txn *t)
{
	if (e->x)
		txn_emit(&e->joiner, t);
	else
		finalize_point(e, t);
}

/* A point's transaction sink. */
static void on_txn(void *ctx, const struct txn *t)
{
	struct eng_point *ep = ctx;
	if (ep->wk)
		eng_wk_txn(ep->wk, t);
	else
		eng_txn(ep->e, t);
}

/* The per-packet steps (eng_packet, eng_pre, eng_point_feed) are inline in
 * the one thread's way (on_packet, eng_feed), and public for split.c's:
 * the calls between them cost about 30 instructions a packet. */
#define ENG_INLINE static inline __attribute__((always_inline))

ENG_INLINE void packet(struct engine *e, uint8_t role, const struct dec_pkt *d, uint64_t raw_ts,
		       uint64_t fp, uint8_t dir)
{
	uint64_t t = e->pkt_t;	/* this runs for the packet eng_pre saw last */
	if (e->x && fp)
		cross_observe(e->x, role, t, raw_ts, fp, dir);
	watch_packet(e->w, role, t, d);
	diag_packet(e->diag, role, t, d);
}

void eng_packet(struct engine *e, uint8_t role, const struct dec_pkt *d, uint64_t raw_ts, uint64_t fp,
		uint8_t dir)
{
	packet(e, role, d, raw_ts, fp, dir);
}

/* pt_packet_hook: every decoded packet of every point. */
static void on_packet(void *ctx, const struct pkt *p, const struct dec_pkt *d)
{
	struct eng_point *ep = ctx;
	struct engine *e = ep->e;
	if (ep->wk) {
		eng_wk_packet(ep->wk, p, d);
		return;
	}
	uint64_t fp = e->x ? pktm_fingerprint(d) : 0;
	uint8_t dir = fp ? (uint8_t)pt_dir(&e->cfg.pt, &e->cfg.guest, d) : 0;
	packet(e, p->point, d, p->ts_ns, fp, dir);
}

/* on_packet of the one point: no fingerprint, no cross-point part to tell
 * (the tests of e->x, fp and the direction spared per packet). */
static void on_packet_one(void *ctx, const struct pkt *p, const struct dec_pkt *d)
{
	struct eng_point *ep = ctx;
	if (ep->wk) {
		eng_wk_packet(ep->wk, p, d);
		return;
	}
	struct engine *e = ep->e;
	watch_packet(e->w, p->point, e->pkt_t, d);
	diag_packet(e->diag, p->point, e->pkt_t, d);
}

/* The detectors, on the engine's copy of the configuration. */
static struct watch *new_watch(struct engine *e)
{
	const struct eng_config *c = &e->cfg;
	struct watch_config wc = {
		.silence = c->silence, .ports = c->ports, .syn_bursts = c->syn_bursts,
		.loss_bursts = c->loss_bursts, .roles = c->roles, .pt = &c->pt, .clock = &c->clock,
		.on_incident = c->on_incident, .ctx = c->alert_ctx,
	};
	return watch_new(&wc, e->res);
}

/* ---- setup ---- */

static int add_point(struct engine *e, uint8_t role)
{
	struct eng_point *ep = &e->p[role];
	ep->e = e;
	ep->role = role;
	ep->pt = pt_new(&e->cfg.pt, role, (struct txn_sink){ on_txn, ep });
	if (!ep->pt)
		return -1;
	ep->counts = pt_counts(ep->pt);
	if (!e->npoints++)
		e->res->ref_point = role;	/* the first on the path */
	e->res->point[role].present = 1;
	return 0;
}

static int add_cross(struct engine *e)
{
	struct cross_config xc = { .pt = e->cfg.pt, .roles = e->cfg.roles, .guest = e->cfg.guest,
				   .clock = e->cfg.clock, .track = e->cfg.clock_track };
	e->x = cross_new(&xc, (struct txn_sink){ on_final, e });
	if (!e->x)
		return -1;
	e->joiner = cross_point_sink(e->x);
	return 0;
}

struct engine *eng_new(const struct eng_config *cfg)
{
	struct engine *e = aligned_alloc(64, sizeof *e);	/* engine_int.h: lines apart */
	if (!e)
		return NULL;
	memset(e, 0, sizeof *e);
	e->cfg = *cfg;
	e->res = res_new();
	e->ser = ser_new(cfg->roles, cfg->window_ns, cfg->max_windows);
	if (!e->res || !e->ser)
		goto fail;
	e->res->window_ns = cfg->window_ns;
	ser_set_row_hook(e->ser, cfg->on_window, cfg->window_ctx);
	e->w = new_watch(e);
	if (!e->w)
		goto fail;
	for (uint8_t role = 0; role < PT_N; role++)
		if ((cfg->roles & (1u << role)) && add_point(e, role))
			goto fail;
	e->res->npoints = e->npoints;
	if (!e->npoints || (e->npoints > 1 && add_cross(e)))
		goto fail;
	/* one point: its transactions are final when answered, a step need not wait for joins */
	struct diag_config dc = { .pt = &e->cfg.pt, .head = e->res->ref_point, .window_ns = cfg->window_ns,
				  .hold_ns = e->npoints > 1 ? 0 : cfg->window_ns,
				  .on_step = cfg->on_step, .ctx = cfg->step_ctx };
	if (!(e->diag = diag_new(&dc, e->res)))
		goto fail;
	for (int role = 0; role < PT_N; role++)
		if (e->p[role].pt)
			pt_set_packet_hook(e->p[role].pt, e->x ? on_packet : on_packet_one, &e->p[role]);
	return e;
fail:
	eng_free(e);
	return NULL;
}

void eng_set_source(struct engine *e, int role, const char *text)
{
	if (role >= 0 && role < PT_N)
		snprintf(e->res->point[role].source, sizeof e->res->point[role].source, "%s", text);
}

void eng_input_error(struct engine *e, const char *msg)
{
	if (e->res->read_error)
		return;
	e->res->read_error = 1;
	snprintf(e->res->read_error_msg, sizeof e->res->read_error_msg, "%s", msg);
}

/* ---- the stream ---- */

void eng_counts(struct engine *e, uint8_t role, const struct pt_counts *c)
{
	e->res->point[role].counts = *c;
}

/* The packet's times: ts at the point, now on the Dom0 clock. */
ENG_INLINE void times(struct engine *e, uint8_t role, uint64_t ts, uint64_t now)
{
	e->pkt_t = now;
	if (now > e->now)
		e->now = now;
	if (!e->first_ns[role] || ts < e->first_ns[role])	/* as res_saw_packet */
		e->first_ns[role] = ts;
	if (ts > e->last_ns[role])
		e->last_ns[role] = ts;
	ser_advance(e->ser, now);
}

/* 1 when the clock estimate changed. */
ENG_INLINE int pre(struct engine *e, uint8_t role, uint64_t ts)
{
	uint64_t now = dom0_ns(e, role, ts);
	times(e, role, ts, now);
	if (e->x && cross_advance(e->x, now)) {
		/* the refined estimate for all that follows (the detectors read it here) */
		e->cfg.clock = *cross_clock(e->x);
		e->clock_changes++;
		return 1;
	}
	return 0;
}

void eng_pre(struct engine *e, uint8_t role, uint64_t ts)
{
	pre(e, role, ts);
}

ENG_INLINE void point_feed(struct eng_point *ep, const struct pkt *p)
{
	if (p->ts_ns >= ep->next_tick) {
		pt_advance(ep->pt, p->ts_ns);
		if (ep->wk)
			eng_wk_counts(ep->wk, pt_counts(ep->pt));
		else
			eng_counts(ep->e, ep->role, pt_counts(ep->pt));
		ep->next_tick = p->ts_ns + ENG_TICK_NS;
	}
	pt_feed(ep->pt, p);
}

void eng_point_feed(struct eng_point *ep, const struct pkt *p)
{
	point_feed(ep, p);
}

void eng_post(struct engine *e, uint8_t role, const struct pt_counts *c)
{
	ser_point(e->ser, role, e->pkt_t, c);
}

ENG_INLINE int feed(struct engine *e, const struct pkt *p)
{
	if (p->point >= PT_N || !e->p[p->point].pt)
		return 0;
	struct eng_point *ep = &e->p[p->point];
	/* kept out by the point's input guard: not even the clock sees it */
	if (!pt_admit(ep->pt, p))
		return 0;
	int changed = pre(e, ep->role, p->ts_ns);
	point_feed(ep, p);
	eng_post(e, ep->role, ep->counts);
	return changed;
}

int eng_feed(struct engine *e, const struct pkt *p)
{
	return feed(e, p);
}

/* feed for a packet pt_admit_n took: the same steps after the guard. */
ENG_INLINE int feed_taken(struct engine *e, struct eng_point *ep, const struct pkt *p)
{
	int changed = pre(e, ep->role, p->ts_ns);
	point_feed(ep, p);
	eng_post(e, ep->role, ep->counts);
	return changed;
}

/* One call for n packets of one point: the registers saved once, not per
 * packet. The batch goes through the point's guard first, in one call
 * (pt_admit_n): the guard reads nothing the other steps change, and they
 * read none of its counts (only the results at the end do), so that is the
 * same as the guard at each packet (one point: 21 instructions a packet
 * fewer). With no cross-point part the clock stays as it is through the
 * batch, and when it moves no time (not the client's, or no estimate) the
 * packets take the plain way: no test of either per packet. */
int eng_feed_n(struct engine *e, const struct pkt *p, unsigned n)
{
	int changed = 0;
	if (!n || n > 64 || p[0].point >= PT_N || !e->p[p[0].point].pt) {
		for (unsigned i = 0; i < n; i++)
			changed |= feed(e, &p[i]);
		return changed;
	}
	struct eng_point *ep = &e->p[p[0].point];
	uint8_t role = ep->role;
	uint64_t taken = pt_admit_n(ep->pt, p, n);
	if (!e->x && (role != PT_CLIENT || !e->cfg.clock.ok)) {
		for (const struct pkt *q = p, *end = p + n; q < end; q++, taken >>= 1) {
			if (!(taken & 1))
				continue;
			times(e, ep->role, q->ts_ns, q->ts_ns);
			point_feed(ep, q);
			eng_post(e, ep->role, ep->counts);
		}
		return 0;
	}
	for (unsigned i = 0; i < n; i++)
		if (taken >> i & 1)
			changed |= feed_taken(e, ep, &p[i]);
	return changed;
}

void eng_advance(struct engine *e, uint64_t now_ns)
{
	ser_advance(e->ser, now_ns);
	watch_advance(e->w, now_ns);
	diag_advance(e->diag, now_ns);
}

/* ---- the end: everything into the results ---- */

static void finish_point(struct engine *e, struct eng_point *ep)
{
	struct res_point *rp = &e->res->point[ep->role];
	pt_finish(ep->pt);
	eng_counts(e, ep->role, pt_counts(ep->pt));
	ser_point(e->ser, ep->role, e->now, pt_counts(ep->pt));
	const struct hist *hs = tcpt_handshake_hist(pt_tcp(ep->pt));
	if (hs)
		hist_merge(rp->tcp_handshake, hs);
	const struct hist *sa = tcpt_synack_hist(pt_tcp(ep->pt));
	if (sa)
		hist_merge(rp->tcp_synack, sa);
}

static void cross_results(struct engine *e, const struct cross_stats *cs)
{
	struct results *r = e->res;
	for (int a = 0; a < PT_N; a++)
		for (int b = a + 1; b < PT_N; b++)
			if (cs->pair_valid[a][b])
				r->match[a][b] = (struct res_match){ 1, cs->pair[a][b].matched,
					cs->pair[a][b].only_first, cs->pair[a][b].only_second };
	const struct clk_est *c = &e->cfg.clock;
	if (c->ok)
		r->clock = (struct res_clock){ 1, c->offset_ns, c->skew_ppm, c->split_uncertainty_ns,
					       c->samples[0] + c->samples[1] };
	r->losses.attribution_evicted = cs->attrib.evicted;
	r->losses.attribution_incomplete = cs->attrib.incomplete;
	r->losses.attribution_headless = cs->attrib.headless;
	r->losses.match_evicted = cs->match_evicted;
}

/* The capture span over all points on one clock (the Dom0 one). */
static void capture_span(struct engine *e)
{
	struct results *r = e->res;
	r->first_ns = r->last_ns = 0;
	for (uint8_t p = 0; p < PT_N; p++) {
		const struct res_point *rp = &r->point[p];
		if (!rp->present || !rp->last_ns)
			continue;
		uint64_t f = dom0_ns(e, p, rp->first_ns), l = dom0_ns(e, p, rp->last_ns);
		if (!r->first_ns || f < r->first_ns)
			r->first_ns = f;
		if (l > r->last_ns)
			r->last_ns = l;
	}
}

/* Every point's loss counters added; the clock's and the series' own. */
static void point_losses(struct engine *e)
{
	struct res_losses *l = &e->res->losses;
	struct pt_counts s;
	res_sum_counts(e->res, &s);
	l->tcp_evicted = s.tcp_evicted;
	l->dns_evicted = s.dns_evicted;
	l->http_queue_overflows = s.http_queue_overflows;
	l->buffers_exhausted = s.buffers_exhausted;
	l->ip_fragments_evicted = s.ip_fragments_evicted;
	l->clock_out_of_order = e->cfg.clock.out_of_order;
}

static void take_series(struct engine *e)
{
	ser_finish(e->ser);
	struct results *r = e->res;
	r->windows = ser_take(e->ser);
	r->losses.windows_late = r->windows ? r->windows->late : 0;
	r->losses.windows_dropped = r->windows ? r->windows->dropped : 0;
}

void eng_finish(struct engine *e)
{
	for (int role = 0; role < PT_N; role++) {
		e->res->point[role].first_ns = e->first_ns[role];
		e->res->point[role].last_ns = e->last_ns[role];
	}
	for (int role = 0; role < PT_N; role++)
		if (e->p[role].pt)
			finish_point(e, &e->p[role]);
	if (e->x) {
		struct cross_stats cs;
		cross_finish(e->x, &cs);
		e->cfg.clock = *cross_clock(e->x);	/* over every sample */
		cross_results(e, &cs);
	}
	capture_span(e);
	point_losses(e);
	take_series(e);
	watch_finish(e->w);
	diag_finish(e->diag);	/* after the incidents: the verdict reads them */
}

const struct results *eng_results(const struct engine *e)
{
	return e->res;
}

const struct clk_est *eng_clock(const struct engine *e) { return &e->cfg.clock; }
unsigned eng_clock_changes(const struct engine *e) { return e->clock_changes; }

void eng_free(struct engine *e)
{
	if (!e)
		return;
	for (int role = 0; role < PT_N; role++)
		pt_free(e->p[role].pt);
	cross_free(e->x);
	ser_free(e->ser);
	watch_free(e->w);
	diag_free(e->diag);
	res_free(e->res);
	free(e);
}
