/* Diagnosis, fed by the engine (analyze and live alike): every decoded
 * packet of every point and every attributed transaction in, load steps
 * and the run's verdict out into the results (docs/diagnosis.md).
 *
 * It classifies each packet (DNS query or response, HTTP request or
 * response by its first bytes, TCP SYN or SYN-ACK to a service port),
 * counts them per point in tenths of windows of packet time (the Dom0
 * clock with several points), runs the schedule checks (sched.h) and finds
 * pauses in sending at the client-most point, and hands each window to the
 * step finder (steps.h) a tenth of a window after it ended, so packets that
 * arrive a little out of order across points still count. No allocation
 * per packet. */
#ifndef HOPLAT_DIAGNOSE_H
#define HOPLAT_DIAGNOSE_H

#include <stdint.h>
#include "decode/layers.h"
#include "analysis/point/pt_config.h"
#include "analysis/point/txn.h"
#include "analysis/results/results.h"
#include "analysis/diagnose/steps.h"

struct diag_config {
	const struct pt_config *pt;	/* service ports, read by diag_new */
	uint8_t head;			/* the client-most point given (enum pt_role) */
	int64_t window_ns;		/* default 1 s */
	int64_t hold_ns;		/* a step waits this long for its transactions (0: STEP_HOLD_NS,
					 * for attribution's joins; one point needs about a window) */
	step_fn on_step;		/* each step once judged (live prints it) */
	void *ctx;
};

struct diag;

struct diag *diag_new(const struct diag_config *cfg, struct results *r);
/* One decoded packet seen at point at ts_ns (the windows' clock). */
void diag_packet(struct diag *d, uint8_t point, uint64_t ts_ns, const struct dec_pkt *p);
/* An attributed transaction; start_ns on the windows' clock. */
void diag_txn(struct diag *d, const struct txn *t, uint64_t start_ns);
/* The same for one point's transaction (see res_add_point_txn). */
void diag_point_txn(struct diag *d, const struct txn *t, uint64_t start_ns);
/* Packet time moved on to now_ns with no packet (live, once a second). */
void diag_advance(struct diag *d, uint64_t now_ns);
/* End of input, after the incidents in r are final: steps stored, verdict decided. */
void diag_finish(struct diag *d);
void diag_free(struct diag *d);

#endif
