/* Inside the engine: its state, and the steps of one packet that the one
 * thread (engine.c: eng_feed) and the points' threads (split.c) share.
 * Not for other modules. */
#ifndef HOPLAT_ENGINE_INT_H
#define HOPLAT_ENGINE_INT_H

#include "analysis/engine/engine.h"
#include "analysis/path/crosspoint.h"

struct engine;
struct eng_worker;		/* split.c: a point read and matched in its own thread */

/* Each point's part on cache lines of its own, and the joiner's per-packet
 * fields (now, pkt_t) on theirs: with a thread per point, a line that one
 * thread reads at every packet and another writes would go from core to
 * core at every packet (split.c). */
struct eng_point {
	_Alignas(64) struct engine *e;
	uint8_t role;
	struct point *pt;
	const struct pt_counts *counts;	/* pt_counts(pt), taken once: no call per packet */
	uint64_t next_tick;
	struct eng_worker *wk;	/* while the point runs in its thread: its events go there */
};

struct engine {
	struct eng_config cfg;
	struct eng_point p[PT_N];
	unsigned npoints;
	_Alignas(64) uint64_t now;			/* the newest packet time, Dom0 clock */
	uint64_t pkt_t;			/* the packet being fed, Dom0 clock (once per packet) */
	/* each point's first and last packet times (res_saw_packet's rule), into
	 * the results at the end: here they are two words of a line already
	 * written per packet, not fields 1 KB apart in the results (8 instructions) */
	uint64_t first_ns[PT_N], last_ns[PT_N];
	struct results *res;
	struct series *ser;		/* the time series, until eng_finish hands it to res */
	struct cross *x;		/* cross-point part, two or three points */
	struct txn_sink joiner;		/* the points' transactions when x is set */
	struct watch *w;		/* the detectors: incidents */
	struct diag *diag;		/* load steps and the verdict */
	unsigned clock_changes;
};

/* A packet of point role at ts (its capture's clock): what the engine does
 * before the point sees it (the merge's side: time, series, matching expiry,
 * the clock's refinement). */
void eng_pre(struct engine *e, uint8_t role, uint64_t ts);
/* The point's own work on the packet (state expiry every 10 ms, decode,
 * matching): the hooks below run inside it. */
void eng_point_feed(struct eng_point *ep, const struct pkt *p);
/* After the point saw it: its counters into the series. */
void eng_post(struct engine *e, uint8_t role, const struct pt_counts *c);
/* A transaction of a point, a decoded packet of a point (fp, dir: its
 * cross-point fingerprint and direction), the point's counters at its
 * state expiry: as the one thread handles them. */
void eng_txn(struct engine *e, const struct txn *t);
void eng_packet(struct engine *e, uint8_t role, const struct dec_pkt *d, uint64_t raw_ts, uint64_t fp,
		uint8_t dir);
void eng_counts(struct engine *e, uint8_t role, const struct pt_counts *c);

/* split.c: the worker side of those hooks. */
void eng_wk_txn(struct eng_worker *w, const struct txn *t);
void eng_wk_packet(struct eng_worker *w, const struct pkt *p, const struct dec_pkt *d);
void eng_wk_counts(struct eng_worker *w, const struct pt_counts *c);

#endif
