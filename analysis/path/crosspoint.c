/* The cross-point part of the engine; see crosspoint.h. */
#include <stdlib.h>
#include <string.h>
#include "analysis/path/crosspoint.h"

#define CROSS_WINDOW_NS 200000000ll	/* a packet's crossings of the path (delay lines of 100 ms too) */

struct cross {
	struct cross_config cfg;
	struct pktm *xpt;
	struct attrib *att;
	struct txn_sink joiner;
	struct clkpass_track *track;	/* refines cfg.clock; NULL when not */
	uint64_t refine_at;		/* the track's next re-estimate (UINT64_MAX: no track) */
};

struct cross *cross_new(const struct cross_config *cfg, struct txn_sink final)
{
	struct cross *x = calloc(1, sizeof *x);
	if (!x)
		return NULL;
	x->cfg = *cfg;
	struct pktm_config xc;
	pktm_config_default(&xc);
	xc.roles = cfg->roles;
	xc.window_ns = CROSS_WINDOW_NS;
	struct attrib_config ac;
	attrib_config_default(&ac);
	ac.roles = cfg->roles;
	ac.out = final;
	x->xpt = pktm_new(&xc);
	x->att = attrib_new(&ac);
	if (cfg->track.ref < PT_N && cfg->clock.ok)
		x->track = clkpass_track_new(&cfg->track, &cfg->clock);
	if (!x->xpt || !x->att || (cfg->track.ref < PT_N && cfg->clock.ok && !x->track)) {
		cross_free(x);
		return NULL;
	}
	x->refine_at = x->track ? clkpass_track_next(x->track) : UINT64_MAX;
	if (x->track)
		pktm_set_done(x->xpt, clkpass_track_rec, x->track);	/* packets matched: clock samples */
	attrib_set_clock(x->att, &cfg->clock);
	x->joiner = attrib_sink(x->att);
	return x;
}

struct txn_sink cross_point_sink(struct cross *x)
{
	return x->joiner;
}

uint64_t cross_time(const struct cross *x, const struct pkt *p)
{
	return p->point == PT_CLIENT ? clk_to_dom0(&x->cfg.clock, p->ts_ns) : p->ts_ns;
}

void cross_observe(struct cross *x, uint8_t point, uint64_t t, uint64_t raw, uint64_t fp, uint8_t dir)
{
	pktm_observe(x->xpt, point, t, raw, fp, dir);
}

void cross_packet_at(struct cross *x, const struct pkt *p, const struct dec_pkt *d, uint64_t t)
{
	uint64_t fp = pktm_fingerprint(d);
	if (fp)
		cross_observe(x, p->point, t, p->ts_ns, fp, (uint8_t)pt_dir(&x->cfg.pt, &x->cfg.guest, d));
}

void cross_packet(void *ctx, const struct pkt *p, const struct dec_pkt *d)
{
	struct cross *x = ctx;
	cross_packet_at(x, p, d, cross_time(x, p));
}

/* A new estimate for everything after: matching, joins. */
static void use_clock(struct cross *x, const struct clk_est *e)
{
	x->cfg.clock = *e;
	attrib_set_clock(x->att, e);
}

/* The track's re-estimate, when due. Apart from cross_advance, whose
 * usual path then keeps no estimate on its stack. */
static __attribute__((noinline)) int refine(struct cross *x, uint64_t now_ns)
{
	struct clk_est e;
	int changed = clkpass_track_advance(x->track, now_ns, &e);
	x->refine_at = clkpass_track_next(x->track);
	if (changed)
		use_clock(x, &e);
	return changed;
}

int cross_advance(struct cross *x, uint64_t now_ns)
{
	pktm_advance(x->xpt, now_ns);
	attrib_advance(x->att, now_ns);
	return now_ns >= x->refine_at ? refine(x, now_ns) : 0;
}

const struct clk_est *cross_clock(const struct cross *x)
{
	return &x->cfg.clock;
}

void cross_finish(struct cross *x, struct cross_stats *st)
{
	pktm_finish(x->xpt);
	if (x->track) {
		struct clk_est e;
		clkpass_track_finish(x->track, &e);
		use_clock(x, &e);
	}
	attrib_finish(x->att);
	memset(st, 0, sizeof *st);
	for (uint8_t a = 0; a < PT_N; a++)
		for (uint8_t b = a + 1; b < PT_N; b++)
			if ((x->cfg.roles & 1u << a) && (x->cfg.roles & 1u << b)) {
				st->pair_valid[a][b] = 1;
				st->pair[a][b] = pktm_pair(x->xpt, a, b);
			}
	st->match_evicted = pktm_evicted(x->xpt);
	st->attrib = *attrib_stats(x->att);
}

void cross_free(struct cross *x)
{
	if (!x)
		return;
	pktm_free(x->xpt);
	attrib_free(x->att);
	clkpass_track_free(x->track);
	free(x);
}
