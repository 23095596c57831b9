/* The cross-point part of the engine; see xeng.h. */
#include <stdlib.h>
#include <string.h>
#include "analysis/xeng.h"
#include "analysis/xpt.h"
#include "analysis/xpass.h"
#include "analysis/attrib.h"
#include "analysis/windows.h"

#define XENG_WINDOW_NS 200000000ll	/* a packet's crossings of the path (delay lines of 100 ms too) */

struct xeng {
	struct eng_config cfg;
	struct xpt *xpt;
	struct attrib *att;
	struct win *win;
	struct txn_sink final, joiner;
};

/* Attributed transactions: into the time series, then on. */
static void on_final(void *ctx, const struct txn *t)
{
	struct xeng *x = ctx;
	/* placed by its end (the last response packet at the head); a loss when
	 * it is found (0: the newest window) */
	uint64_t start = t->point == PT_CLIENT ? clk_to_dom0(&x->cfg.clock, t->start_ns) : t->start_ns;
	win_txn(x->win, t, t->total_ns != TXN_NS_NONE ? start + (uint64_t)t->total_ns : 0);
	txn_emit(&x->final, t);
}

/* Every point's own transactions: counted per point per window, then joined. */
static void on_point_txn(void *ctx, const struct txn *t)
{
	struct xeng *x = ctx;
	struct txn_times tt = t->t;
	if (t->point == PT_CLIENT) {
		uint64_t *f[] = { &tt.req_first, &tt.req_last, &tt.resp_last };
		for (unsigned k = 0; k < 3; k++)
			if (*f[k])
				*f[k] = clk_to_dom0(&x->cfg.clock, *f[k]);
	}
	win_point(x->win, t->point, tt.req_first ? tt.req_first : tt.req_last, tt.resp_last);
	txn_emit(&x->joiner, t);
}

struct xeng *xeng_new(const struct eng_config *cfg, struct txn_sink final)
{
	struct xeng *x = calloc(1, sizeof *x);
	if (!x)
		return NULL;
	x->cfg = *cfg;
	x->final = final;
	struct xpt_config xc;
	xpt_config_default(&xc);
	xc.roles = cfg->roles;
	xc.window_ns = XENG_WINDOW_NS;
	struct attrib_config ac;
	attrib_config_default(&ac);
	ac.roles = cfg->roles;
	ac.out = (struct txn_sink){ on_final, x };
	x->xpt = xpt_new(&xc);
	x->att = attrib_new(&ac);
	x->win = win_new(cfg->roles, cfg->window_ns);
	if (!x->xpt || !x->att || !x->win) {
		xeng_free(x);
		return NULL;
	}
	attrib_set_clock(x->att, &cfg->clock);
	x->joiner = attrib_sink(x->att);
	return x;
}

struct txn_sink xeng_point_sink(struct xeng *x)
{
	return (struct txn_sink){ on_point_txn, x };
}

uint64_t xeng_time(const struct xeng *x, const struct pkt *p)
{
	return p->point == PT_CLIENT ? clk_to_dom0(&x->cfg.clock, p->ts_ns) : p->ts_ns;
}

void xeng_packet(void *ctx, const struct pkt *p, const struct dec_pkt *d)
{
	struct xeng *x = ctx;
	uint64_t fp = xpt_fingerprint(d);
	if (fp)
		xpt_observe(x->xpt, p->point, xeng_time(x, p), p->ts_ns, fp,
			    xpass_dir(d, &x->cfg.pt, &x->cfg.guest));
}

void xeng_advance(struct xeng *x, uint64_t now_ns)
{
	xpt_advance(x->xpt, now_ns);
	attrib_advance(x->att, now_ns);
}

void xeng_finish(struct xeng *x, struct results *r)
{
	xpt_finish(x->xpt);
	attrib_finish(x->att);
	for (uint8_t a = 0; a < PT_N; a++)
		for (uint8_t b = a + 1; b < PT_N; b++) {
			if (!(x->cfg.roles & 1u << a) || !(x->cfg.roles & 1u << b))
				continue;
			const struct xpt_pair *p = xpt_pair(x->xpt, a, b);
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
	win_finish(x->win);
	r->windows = win_take(x->win);
	r->windows_free = win_free_rows;
}

void xeng_free(struct xeng *x)
{
	if (!x)
		return;
	xpt_free(x->xpt);
	attrib_free(x->att);
	win_free(x->win);
	free(x);
}
