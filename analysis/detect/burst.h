/* Bursts of events in time: SYN retransmissions at the client-most point,
 * transactions lost on a hop.
 *
 * The rule: a burst begins when min_events events fall within window_ns
 * (the first of them is its start, and it is raised with the last); it goes
 * on while each next event follows the one before by less than window_ns,
 * and ends at its last event once window_ns passes without one. Defaults:
 * 5 events within 1 s. So a steady trickle under 5 per second is never a
 * burst, and a burst is raised at most window_ns after it began.
 *
 * Events come in time order; one earlier than the last is taken at the
 * last's time (lost transactions are final a little out of order). Each
 * event has a tag (< BURST_TAGS) counted apart: the hop of a loss, or
 * whether a SYN retransmission is its connection's first. Memory: the last
 * min_events events, in the handle allocated at burst_new. */
#ifndef HOPLAT_BURST_H
#define HOPLAT_BURST_H

#include <stdint.h>

#define BURST_MAX_EVENTS 64	/* bound of min_events */
#define BURST_TAGS 4

struct burst_config {
	unsigned min_events;		/* default 5 */
	int64_t window_ns;		/* default 1 s */
};

/* A burst as it stands: when begun (ended 0), when over (ended 1). */
struct burst_state {
	uint64_t start_ns, last_ns;	/* its first and (so far) last event */
	uint64_t count;			/* events in it */
	uint64_t tag[BURST_TAGS];	/* ... by tag */
	uint8_t ended;
};

typedef void (*burst_fn)(void *ctx, const struct burst_state *s);

struct burst;

void burst_config_default(struct burst_config *cfg);
/* NULL when out of memory or min_events is 0 or above BURST_MAX_EVENTS. */
struct burst *burst_new(const struct burst_config *cfg, burst_fn fn, void *ctx);
void burst_free(struct burst *b);
/* One event at ts_ns. */
void burst_event(struct burst *b, uint64_t ts_ns, unsigned tag);
/* Time passed: a burst with no event for window_ns ends. */
void burst_advance(struct burst *b, uint64_t now_ns);
/* The burst going on now (at the end of input: one still going): 0 and
 * *s, or -ENOENT when none. */
int burst_current(const struct burst *b, struct burst_state *s);
uint64_t burst_count(const struct burst *b);	/* bursts begun so far */

#endif
