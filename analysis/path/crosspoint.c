/* The cross-point part of the engine; see xeng.h. */
#include <stdlib.h>
#include <string.h>
#include "analysis/path/crosspoint.h"
#include "analysis/path/pktmatch.h"
#include "analysis/path/clock_pass.h"
#include "analysis/path/attrib.h"
#include "analysis/results/series.h"

#define CROSS_WINDOW_NS 200000000ll	/* a packet's crossings of the path (delay lines of 100 ms too) */

struct cross {
	struct eng_config cfg;
	struct pktm *xpt;
	struct attrib *att;
	struct series *win;
	struct txn_sink final, joiner;
};

/* Attributed transactions: into the time series, then on. */
static void on_final(void *ctx, const struct txn *t)
{
	struct cross *x = ctx;
	/* placed by its end (the last response packet at the head); a loss when
	 * it is found (0: the newest window) */
	uint64_t start = t->point == PT_CLIENT ? clk_to_dom0(&x->cfg.clock, t->start_ns) : t->start_ns;
	ser_txn(x->win, t, t->total_ns != TXN_NS_NONE ? start + (uint64_t)t->total_ns : 0);
	txn_emit(&x->final, t);
}

/* Every point's own transactions: counted per point per window, then joined. */
static void on_point_txn(void *ctx, const struct txn *t)
{
	struct cross *x = ctx;
	struct txn_times tt = t->t;
	if (t->point == PT_CLIENT) {
		uint64_t *f[] = { &tt.req_first, &tt.req_last, &tt.resp_last };
		for (unsigned k = 0; k < 3; k++)
			if (*f[k])
				*f[k] = clk_to_dom0(&x->cfg.clock, *f[k]);
	}
	ser_point(x->win, t->point, tt.req_first ? tt.req_first : tt.req_last, tt.resp_last);
	txn_emit(&x->joiner, t);
}

struct cross *cross_new(const struct eng_config *cfg, struct txn_sink final)
{
	struct cross *x = calloc(1, sizeof *x);
	if (!x)
		return NULL;
	x->cfg = *cfg;
	x->final = final;
	struct pktm_config xc;
	pktm_config_default(&xc);
	xc.roles = cfg->roles;
	xc.window_ns = CROSS_WINDOW_NS;
	struct attrib_config ac;
	attrib_config_default(&ac);
	ac.roles = cfg->roles;
	ac.out = (struct txn_sink){ on_final, x };
	x->xpt = pktm_new(&xc);
	x->att = attrib_new(&ac);
	x->win = ser_new(cfg->roles, cfg->window_ns);
	if (!x->xpt || !x->att || !x->win) {
		cross_free(x);
		return NULL;
	}
	attrib_set_clock(x->att, &cfg->clock);
	x->joiner = attrib_sink(x->att);
	return x;
}

struct txn_sink cross_point_sink(struct cross *x)
{
	return (struct txn_sink){ on_point_txn, x };
}

uint64_t cross_time(const struct cross *x, const struct pkt *p)
{
	return p->point == PT_CLIENT ? clk_to_dom0(&x->cfg.clock, p->ts_ns) : p->ts_ns;
}

void cross_packet(void *ctx, const struct pkt *p, const struct dec_pkt *d)
{
	struct cross *x = ctx;
	uint64_t fp = pktm_fingerprint(d);
	if (fp)
		pktm_observe(x->xpt, p->point, cross_time(x, p), p->ts_ns, fp,
			    pt_dir(&x->cfg.pt, &x->cfg.guest, d));
}

void cross_advance(struct cross *x, uint64_t now_ns)
{
	pktm_advance(x->xpt, now_ns);
	attrib_advance(x->att, now_ns);
}

void cross_finish(struct cross *x, struct results *r)
{
	pktm_finish(x->xpt);
	attrib_finish(x->att);
	for (uint8_t a = 0; a < PT_N; a++)
		for (uint8_t b = a + 1; b < PT_N; b++) {
			if (!(x->cfg.roles & 1u << a) || !(x->cfg.roles & 1u << b))
				continue;
			const struct pktm_pair *p = pktm_pair(x->xpt, a, b);
			r->match[a][b] = (struct res_match){ 1, p->matched, p->only_first, p->only_second };
		}
	const struct clk_est *c = &x->cfg.clock;
	if (c->ok)
		r->clock = (struct res_clock){ 1, c->offset_ns, c->skew_ppm, c->split_uncertainty_ns,
					       c->samples[0] + c->samples[1] };
	/* the capture span over all points on one clock (the Dom0 one) */
	r->first_ns = r->last_ns = 0;
	for (int p = 0; p < PT_N; p++) {
		const struct res_point *rp = &r->point[p];
		if (!rp->present || !rp->last_ns)
			continue;
		uint64_t f = p == PT_CLIENT ? clk_to_dom0(c, rp->first_ns) : rp->first_ns;
		uint64_t l = p == PT_CLIENT ? clk_to_dom0(c, rp->last_ns) : rp->last_ns;
		if (!r->first_ns || f < r->first_ns)
			r->first_ns = f;
		if (l > r->last_ns)
			r->last_ns = l;
	}
	ser_finish(x->win);
	r->windows = ser_take(x->win);
	r->windows_free = ser_free_rows;
}

void cross_free(struct cross *x)
{
	if (!x)
		return;
	pktm_free(x->xpt);
	attrib_free(x->att);
	ser_free(x->win);
	free(x);
}
