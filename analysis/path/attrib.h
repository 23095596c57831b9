/* Per-transaction attribution across points: the transactions each point
 * timed on its own (struct txn with the critical-packet times t) are joined
 * by key and their time split into client, link, bridge and guest
 * (docs/attribution.md has the formulas).
 *
 * Join keys: DNS (client, server, id, query name); HTTP (client, server,
 * client ISN, request index). The first point on the path that is given
 * (normally the client) is the head: a joined transaction is emitted when
 * every point has reported, or `wait_ns` (Dom0 time) after it was first
 * seen. Pending joins come from a pool allocated once; when it is full the
 * oldest is emitted early. Client times are moved to the Dom0 clock with the
 * clock estimate before anything is subtracted, and the components are
 * computed so that they sum exactly to total_ns. */
#ifndef HOPLAT_ATTRIB_H
#define HOPLAT_ATTRIB_H

#include <stdint.h>
#include "analysis/point/txn.h"
#include "analysis/path/clock.h"

struct attrib_config {
	unsigned roles;			/* bit (1 << PT_*) per point given (two or three) */
	int64_t wait_ns;		/* how long a join waits for the other points */
	unsigned max_pending;		/* pool size */
	struct txn_sink out;		/* attributed transactions (head's txn, fields filled) */
};

void attrib_config_default(struct attrib_config *cfg);

struct attrib_stats {
	uint64_t joined;		/* emitted with every point's txn */
	uint64_t incomplete;		/* emitted while some point never reported */
	uint64_t headless;		/* seen only at later points (not the head's traffic) */
	uint64_t evicted;		/* emitted early because the pool was full */
	uint64_t lost[4];		/* by enum txn_lost */
};

struct attrib;

struct attrib *attrib_new(const struct attrib_config *cfg);
/* The sink every point's transactions go to (t->point says which). */
struct txn_sink attrib_sink(struct attrib *a);
/* Clock estimate for client times (copied; identity until set). */
void attrib_set_clock(struct attrib *a, const struct clk_est *e);
/* Dom0 time moved on: emit joins that waited long enough. */
void attrib_advance(struct attrib *a, uint64_t now_ns);
/* End of input (after every point finished): emit everything. */
void attrib_finish(struct attrib *a);
const struct attrib_stats *attrib_stats(const struct attrib *a);
void attrib_free(struct attrib *a);

/* The computation alone, for one joined transaction: have[p] says whether
 * point p reported, t[p] and answered[p] what it saw (client times already
 * on the Dom0 clock). Fills out's attribution fields and total_ns. */
void attrib_compute(unsigned roles, const uint8_t have[PT_N], const uint8_t answered[PT_N],
		    const struct txn_times t[PT_N], struct txn *out);

#endif
