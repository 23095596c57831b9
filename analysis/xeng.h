/* The cross-point part of the engine (engine.c calls it when two or three
 * points are given): client times onto the Dom0 clock, same-packet matching
 * (xpt), joining and attributing the points' transactions (attrib), the time
 * series (windows), and their results. */
#ifndef HOPLAT_XENG_H
#define HOPLAT_XENG_H

#include <stdint.h>
#include "analysis/engine.h"
#include "analysis/results.h"

struct xeng;

/* final: where attributed transactions go (the engine's results and sinks). */
struct xeng *xeng_new(const struct eng_config *cfg, struct txn_sink final);
/* The sink for every point's own transactions. */
struct txn_sink xeng_point_sink(struct xeng *x);
/* pt_packet_hook: every decoded packet of every point (ctx: the xeng). */
void xeng_packet(void *ctx, const struct pkt *p, const struct dec_pkt *d);
/* A packet's time on the Dom0 clock (the merge order). */
uint64_t xeng_time(const struct xeng *x, const struct pkt *p);
/* Time (Dom0 clock) moved on: expire matches and joins. */
void xeng_advance(struct xeng *x, uint64_t now_ns);
/* After every point finished: flush, and put matching, clock, windows into r. */
void xeng_finish(struct xeng *x, struct results *r);
void xeng_free(struct xeng *x);

#endif
