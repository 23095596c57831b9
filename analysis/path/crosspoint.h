/* The cross-point part of the engine (two or three points): client times
 * onto the Dom0 clock, same-packet matching (pktmatch), joining and
 * attributing the points' transactions (attrib). It knows nothing of the
 * engine or the results: the engine gives it a cross_config and copies the
 * cross_stats it fills into the results. */
#ifndef HOPLAT_CROSSPOINT_H
#define HOPLAT_CROSSPOINT_H

#include <stdint.h>
#include "decode/pkt.h"
#include "decode/layers.h"
#include "analysis/point/pt_config.h"
#include "analysis/point/txn.h"
#include "analysis/path/clock.h"
#include "analysis/path/pktmatch.h"
#include "analysis/path/attrib.h"
#include "analysis/path/clock_pass.h"

struct cross_config {
	struct pt_config pt;		/* service ports: which side is the client */
	unsigned roles;			/* bit (1 << PT_*) per point given, two or three */
	struct ipaddr guest;		/* family 0: told from the traffic */
	struct clk_est clock;		/* client clock vs Dom0 (ok 0: identity), to start with */
	struct clkpass_trk track;	/* refining it as packets match (ref PT_N: not) */
};

/* What the cross-point part counted, for the results. */
struct cross_stats {
	uint8_t pair_valid[PT_N][PT_N];		/* [a][b], a < b: both points given */
	struct pktm_pair pair[PT_N][PT_N];	/* packets matched per pair of points */
	uint64_t match_evicted;			/* packets retired early: matching pool full */
	struct attrib_stats attrib;		/* joins: complete, incomplete, headless, evicted */
};

struct cross;

/* final: where attributed transactions go (the engine). */
struct cross *cross_new(const struct cross_config *cfg, struct txn_sink final);
/* The sink for every point's own transactions. */
struct txn_sink cross_point_sink(struct cross *x);
/* pt_packet_hook: every decoded packet of every point (ctx: the cross). */
void cross_packet(void *ctx, const struct pkt *p, const struct dec_pkt *d);
/* The same with the packet's time on the Dom0 clock already known (t). */
void cross_packet_at(struct cross *x, const struct pkt *p, const struct dec_pkt *d, uint64_t t);
/* The same with its fingerprint (pktm_fingerprint, not 0) and direction
 * (pt_dir) known: raw is its time in its capture. */
void cross_observe(struct cross *x, uint8_t point, uint64_t t, uint64_t raw, uint64_t fp, uint8_t dir);
/* A packet's time on the Dom0 clock (the merge order). */
uint64_t cross_time(const struct cross *x, const struct pkt *p);
/* Time (Dom0 clock) moved on: expire matches and joins. 1 when the clock
 * estimate in use changed (cross_clock), else 0. */
int cross_advance(struct cross *x, uint64_t now_ns);
/* The clock estimate in use; after cross_finish the final one. */
const struct clk_est *cross_clock(const struct cross *x);
/* After every point finished: flush, and fill *st. */
void cross_finish(struct cross *x, struct cross_stats *st);
void cross_free(struct cross *x);

#endif
