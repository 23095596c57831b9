/* Who limits each load step, and the run (docs/diagnosis.md: every rule,
 * its threshold and why).
 *
 * A step is judged against the run's unloaded level: per latency
 * component, the p90 of the step with the lowest load among those with at
 * least VERDICT_BASE_MIN samples of it. The rules are tried in order and
 * the first that holds decides, with one sentence why and the figures it
 * used:
 *   server   the guest's time (p90) grew past its unloaded level (queueing),
 *            or the responses (or SYN-ACKs) at the innermost point fell
 *            short of the requests (SYNs) there;
 *   network  the link's or the bridge's time grew likewise, or the loss
 *            between two points grew past the unloaded step's (or is
 *            past 5% at any load);
 *   client   with the server at its unloaded speed: the client's source
 *            ports ran out (incident), its requests followed the handshake
 *            late (client time grew), its sending stalled while the server
 *            waited, it opened connections without sending requests on them,
 *            or its rate stopped growing with the ramp;
 *   none     otherwise.
 * The run: guest_hang when a silent or app_only incident accounts for the
 * unanswered transactions, network when a lost_bridge or lost_link one does,
 * client when the client's ports ran out; else the first step limited by
 * the server, else by the network, else by the client; else none. */
#ifndef HOPLAT_VERDICT_H
#define HOPLAT_VERDICT_H

#include "analysis/results/results.h"

#define VERDICT_BASE_MIN 20		/* samples a step needs to set the unloaded level */
#define VERDICT_MIN_SAMPLES 10		/* samples a step needs to be judged on a component */
#define VERDICT_GUEST_RATIO 3.0		/* guest p90 above 3x the unloaded p90 ... */
#define VERDICT_GUEST_ABS_NS 1000000ll	/* ... and 1 ms above it */
#define VERDICT_NET_RATIO 2.0		/* link or bridge p90 above 2x the unloaded p90 ... */
#define VERDICT_NET_ABS_NS 500000ll	/* ... and 0.5 ms above it */
#define VERDICT_CLIENT_RATIO 3.0	/* client p90 above 3x the unloaded p90, ... */
#define VERDICT_CLIENT_ABS_NS 2000000ll	/* 2 ms above it (httperf's timer ticks every 1 ms) ... */
					/* ... and above the unloaded total p90 */
#define VERDICT_SHORT 0.05		/* answers short of requests by more than 5% ... */
#define VERDICT_SHORT_MIN 5		/* ... and by at least 5 */
#define VERDICT_LOSS 0.01		/* loss on a hop 1 point above the unloaded step's, */
					/* or above VERDICT_SHORT whatever the load */
#define VERDICT_FLAT 1.05		/* a step within 5% of the one before: the rate stopped growing */
#define VERDICT_EXPLAIN 0.5		/* an incident explains the failures: half the unanswered */

/* s against the steps already in r (its unloaded level, the steps before). */
void verdict_judge(const struct results *r, struct res_step *s);
/* At the end: every step judged again against the final unloaded level,
 * then the run's verdict (r->verdict, verdict_step, verdict_valid). */
void verdict_run(struct results *r);
/* The load of a step per s: the larger of its request and connection rates. */
double verdict_load(const struct res_step *s);

#endif
