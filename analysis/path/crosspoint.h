/* The cross-point part of the engine (engine.c calls it when two or three
 * points are given): client times onto the Dom0 clock, same-packet matching
 * (xpt), joining and attributing the points' transactions (attrib), the time
 * series (windows), and their results. */
#ifndef HOPLAT_CROSSPOINT_H
#define HOPLAT_CROSSPOINT_H

#include <stdint.h>
#include "analysis/engine/engine.h"
#include "analysis/results/results.h"

struct cross;

/* final: where attributed transactions go (the engine's results and sinks). */
struct cross *cross_new(const struct eng_config *cfg, struct txn_sink final);
/* The sink for every point's own transactions. */
struct txn_sink cross_point_sink(struct cross *x);
/* pt_packet_hook: every decoded packet of every point (ctx: the xeng). */
void cross_packet(void *ctx, const struct pkt *p, const struct dec_pkt *d);
/* A packet's time on the Dom0 clock (the merge order). */
uint64_t cross_time(const struct cross *x, const struct pkt *p);
/* Time (Dom0 clock) moved on: expire matches and joins. */
void cross_advance(struct cross *x, uint64_t now_ns);
/* After every point finished: flush, and put matching, clock, windows into r. */
void cross_finish(struct cross *x, struct results *r);
void cross_free(struct cross *x);

#endif
