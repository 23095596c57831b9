/* The client clock's offset and skew relative to Dom0 from the capture
 * files, in the one pass over them that the analysis makes.
 *
 * 1. Before the analysis (clkpass_start), from the captures' starts read
 *    ahead (in_ahead: kept, and analysed after, so nothing is read twice):
 *    a coarse offset: the client's first packets are fingerprinted and
 *    looked up in the Dom0 point's (uplink, else vif) (or the other way
 *    round when the client's start is not there); fingerprints unique on
 *    both sides give time differences whose median is the offset within
 *    the link delay, whatever the offset (seconds or hours). Then a first
 *    fine estimate: the two starts merged by coarse-corrected time, packets
 *    matched (pktm) in a wide window, their one-way delays into the clock
 *    estimator (clk).
 * 2. During the analysis (clkpass_track): the cross-point part hands over
 *    every packet it matched at the client and at that Dom0 point; once a
 *    second (of packet time) the estimate over all so far replaces the one
 *    in use, so the analysis follows the drift; at the end the estimate
 *    over every sample is the one reported.
 * Only when the starts have nothing in common within the look-ahead's
 * bound (the client's capture began long before or after Dom0's) and both
 * are files, the coarse offset is searched in the whole files, which reads
 * them once more; a pipe then gives no clock.
 * Memory: the look-ahead (bounded, freed as the analysis reads it), the
 * fixed tables of pktm and clk. */
#ifndef HOPLAT_CLOCK_PASS_H
#define HOPLAT_CLOCK_PASS_H

#include <stddef.h>
#include <stdint.h>
#include "analysis/point/point.h"
#include "analysis/path/clock.h"
#include "analysis/path/pktmatch.h"
#include "capture/input.h"

/* What the analysis needs to refine the estimate as it reads. */
struct clkpass_trk {
	uint8_t ref;		/* the Dom0 point measured against; PT_N: nothing to refine */
	int64_t coarse_ns;	/* the coarse offset: the answer if one direction never matches */
};

/* Before the analysis: sources by point (in_point: enum pt_role), open
 * (in_open) and not read yet. 0 with *out (ok 0 when there is no client
 * and Dom0 pair, or nothing matched; ok with no refining when both are in
 * one file: one host, one clock) and *trk; -errno with a one-line message
 * in err when a file cannot be read. The set stays open for the analysis. */
int clkpass_start(struct in_set *in, const struct pt_config *pc, const struct ipaddr *guest,
		  struct clk_est *out, struct clkpass_trk *trk, char *err, size_t errcap);

/* During the analysis. */
struct clkpass_track;

/* start: the estimate clkpass_start gave (its origin is kept). */
struct clkpass_track *clkpass_track_new(const struct clkpass_trk *cfg, const struct clk_est *start);
/* A packet the cross-point part retired: pktm's done hook (a pktm_done_fn,
 * track: the struct clkpass_track). */
void clkpass_track_rec(void *track, const struct pktm_rec *r);
/* Time (Dom0 clock) moved on: 1 with *e replaced once a second when both
 * directions have samples enough, else 0. */
int clkpass_track_advance(struct clkpass_track *t, uint64_t now_ns, struct clk_est *e);
/* The time (Dom0 clock) before which clkpass_track_advance does nothing. */
uint64_t clkpass_track_next(const struct clkpass_track *t);
/* After the last packet: *e over every sample. */
void clkpass_track_finish(struct clkpass_track *t, struct clk_est *e);
void clkpass_track_free(struct clkpass_track *t);

#endif
