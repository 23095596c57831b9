/* The clock pass over capture files (the input layer, capture/input.h),
 * before the analysis pass: the client
 * clock's offset and skew relative to Dom0, so that the analysis can merge
 * the points by corrected time and match packets in a narrow window.
 *
 * 1. Coarse offset: the first packets of the client capture are
 *    fingerprinted and looked up in the Dom0 point's (uplink, else vif)
 *    stream (or the other way round when the client's start is not there);
 *    fingerprints unique on both sides give time differences whose median is
 *    the offset within the link delay, whatever the offset (seconds or hours).
 * 2. Fine: one streaming pass merges the two by coarse-corrected time,
 *    matches packets (xpt) in a wide window, feeds the one-way delays to the
 *    clock estimator (clk) and tracks the drift (skew) as it goes.
 * Memory: the prefix sample (bounded) and the fixed tables of xpt and clk. */
#ifndef HOPLAT_CLOCK_PASS_H
#define HOPLAT_CLOCK_PASS_H

#include <stddef.h>
#include <stdint.h>
#include "analysis/point/point.h"
#include "analysis/path/clock.h"
#include "analysis/path/pktmatch.h"
#include "capture/input.h"

/* The sources (bit per index of in) the pass reads before the analysis
 * does, each once more: the client's and the Dom0 point's it is measured
 * against. 0: no pass (no client and Dom0 pair, or both in one file: one
 * host, one clock). A pipe cannot be one of them. */
unsigned clkpass_reads(const struct in_set *in);

/* Sources by point (in_point: enum pt_role), read with the set's filter;
 * the set is closed and its mapping unset afterwards. 0 with *out filled
 * (out->ok 0 when there is no client and Dom0 pair, or nothing matched);
 * -errno with a one-line message in err when a file cannot be read. */
int clkpass_clock(struct in_set *in, const struct pt_config *pc, const struct ipaddr *guest,
		  struct clk_est *out, char *err, size_t errcap);

#endif
