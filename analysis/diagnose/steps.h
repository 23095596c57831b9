/* Load steps, found online from the load leaving the client-most point
 * (docs/diagnosis.md, "Steps").
 *
 * Input, window by window in time order (struct step_window_in): what each
 * point saw in each tenth of the window (requests, responses, connection
 * attempts and SYN-ACKs; the schedule aggregates of the client-most point)
 * and the pauses in sending there. The load of a bin is the larger of its
 * requests and its connection attempts at the client-most point (httperf
 * opens one connection per request on its schedule; kept-alive clients
 * send several requests per connection).
 *
 * A step ends at a pause in sending (the input says where: a gap of at
 * least STEP_PAUSE_MIN_NS and 20 typical gaps), or where the rate changes:
 * two windows in a row off the step's rate in the same direction by more
 * than STEP_REL of it and STEP_Z standard deviations of a Poisson count;
 * the change is placed at the tenth of the first window that fits the two
 * rates best. A capture without a ramp is one step.
 *
 * Attributed transactions (step_txn) go to the step containing their start;
 * those that arrive before their window is decided wait in a queue (grown by
 * doubling to a bound, not per transaction). A step that ended stays open
 * for its transactions for hold_ns, then is judged (verdict.h), appended to
 * the results and handed to on_step. Late transactions still count in the
 * step's transactions and answered fraction. */
#ifndef HOPLAT_STEPS_H
#define HOPLAT_STEPS_H

#include <stdint.h>
#include <stddef.h>
#include "analysis/point/txn.h"
#include "analysis/results/results.h"
#include "analysis/diagnose/sched.h"

#define STEP_BINS 10
#define STEP_PAUSE_MIN_NS 200000000ll	/* 200 ms */
#define STEP_PAUSE_INTERVALS 20
#define STEP_REL 0.10
#define STEP_Z 3.0
#define STEP_MIN_SENDS 5		/* fewer: stray sends in a pause, no step */
#define STEP_HOLD_NS 3000000000ll	/* past attribution's 2 s wait for a join */
#define STEP_CALLS_PER_CONN 10		/* up to this many requests per connection: the
					 * connections are the schedule (sched.h) */

enum { STEP_REQ = 0, STEP_CONN = 1 };	/* the two schedules of sched[] */

struct step_bin {
	uint32_t req[PT_N], resp[PT_N], syn[PT_N], synack[PT_N];
	struct sched_bin sched[2];	/* at the client-most point: requests, connection attempts */
};

struct step_window_in {
	uint64_t start_ns;
	int64_t duration_ns;
	struct step_bin bin[STEP_BINS];
	/* a pause in sending that ended in this window: its last send before and
	 * first after (pause_from 0: the first send of all); pause_to 0: none */
	uint64_t pause_from, pause_to;
	uint64_t tail_from;		/* a pause going on at the window's end began after this send */
	uint64_t last_send;		/* the last send up to the window's end (0: none yet) */
};

typedef void (*step_fn)(void *ctx, const struct res_step *s, size_t index);

struct step_config {
	uint8_t head;			/* the client-most point (enum pt_role) */
	int64_t hold_ns;		/* 0: STEP_HOLD_NS */
	step_fn on_step;		/* a step was judged and stored (live prints it) */
	void *ctx;
};

struct steps;

/* Steps go into r (res_add_step), judged against the steps before them. */
struct steps *step_new(const struct step_config *cfg, struct results *r);
void step_window(struct steps *s, const struct step_window_in *w);
/* A transaction that started at start_ns (the windows' clock). */
void step_txn(struct steps *s, const struct txn *t, uint64_t start_ns);
/* The same for one point's transaction (see res_add_point_txn). */
void step_point_txn(struct steps *s, const struct txn *t, uint64_t start_ns);
/* End of input: the open step ends at its last send; all are stored. */
void step_finish(struct steps *s);
void step_free(struct steps *s);

/* The load of a bin at the head (see above). */
uint32_t step_bin_load(const struct step_bin *b, uint8_t head);

#endif
