/* Whether the client kept its schedule (docs/diagnosis.md, "Schedule"):
 * one stream of sends at the client-most point (requests, or connection
 * attempts) and of the answers to them, in time order. Each gap between two
 * sends is judged when the second leaves, into the aggregate of the bin it
 * ends in (struct sched_bin: small, summed per step):
 *
 * - every gap shorter than a pause: count, sum and sum of squares (the
 *   inter-arrival coefficient of variation), the largest;
 * - a server stall: a gap of at least SCHED_STALL_INTERVALS typical gaps
 *   (and SCHED_STALL_MIN_NS) in whose first half no answer came back: the
 *   server produced nothing while the client held back; the requests due in
 *   it and not sent are coordinated omission;
 * - an idle stall: a gap of at least SCHED_IDLE_INTERVALS typical gaps (and
 *   SCHED_IDLE_MIN_NS) whose answers all came in its first half: the server
 *   had caught up and waited for the client.
 *
 * The typical gap is a running average that a single long gap cannot pull
 * up (each gap counts at most four times the average). No allocation. */
#ifndef HOPLAT_SCHED_H
#define HOPLAT_SCHED_H

#include <stdint.h>
#include "analysis/results/results.h"

#define SCHED_STALL_INTERVALS 4
#define SCHED_STALL_MIN_NS 1000000ll		/* 1 ms */
#define SCHED_IDLE_INTERVALS 10
#define SCHED_IDLE_MIN_NS 10000000ll		/* 10 ms */
#define SCHED_IDLE_SHARE 0.10		/* idle stalls beyond this share of a step: not kept */
#define SCHED_KEPT_OMITTED 0.001		/* omitted beyond this share of the sends: not kept */

struct sched_bin {
	uint32_t sends, gaps;
	double sum, sumsq;		/* gap lengths, ns */
	int64_t max;
	int64_t stalled, idle;		/* ns: server stalls; idle stalls (from the last answer) */
	uint32_t stalled_n, idle_n;
};

struct sched {
	uint64_t last_send;		/* 0: none yet */
	uint64_t first_answer, last_answer;	/* since the last send (0: none) */
	double interval;		/* typical gap, ns (0: not known yet) */
};

void sched_init(struct sched *s);
/* A send at ts; the gap it ends goes into *bin unless it is at least
 * pause_ns long (a pause between steps, not part of any). */
void sched_send(struct sched *s, uint64_t ts, int64_t pause_ns, struct sched_bin *bin);
/* An answer at ts (one since the last send: the gap's first and last).
 * Inline: half the packets of a DNS run at the head come here. */
static inline void sched_answer(struct sched *s, uint64_t ts)
{
	if (!s->last_send || ts < s->last_send)
		return;
	if (!s->first_answer)
		s->first_answer = ts;
	s->last_answer = ts;
}
void sched_bin_add(struct sched_bin *dst, const struct sched_bin *src);
/* A step's schedule from its aggregate: rate_per_s of the stream's sends,
 * duration_ns of the step. */
void sched_summary(const struct sched_bin *b, double rate_per_s, int64_t duration_ns,
		   struct res_schedule *out);

#endif
