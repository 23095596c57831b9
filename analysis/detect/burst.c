/* Bursts of events in time (see burst.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "analysis/detect/burst.h"

struct burst {
	struct burst_config cfg;
	burst_fn fn;
	void *ctx;
	/* outside a burst: the last events, oldest at head */
	uint64_t ts[BURST_MAX_EVENTS];
	uint8_t tag[BURST_MAX_EVENTS];
	unsigned n, head;
	uint8_t active;
	struct burst_state cur;
	uint64_t bursts;
};

void burst_config_default(struct burst_config *cfg)
{
	cfg->min_events = 5;
	cfg->window_ns = 1000000000LL;
}

struct burst *burst_new(const struct burst_config *cfg, burst_fn fn, void *ctx)
{
	if (!cfg->min_events || cfg->min_events > BURST_MAX_EVENTS || cfg->window_ns <= 0)
		return NULL;
	struct burst *b = calloc(1, sizeof *b);
	if (!b)
		return NULL;
	b->cfg = *cfg;
	b->fn = fn;
	b->ctx = ctx;
	return b;
}

void burst_free(struct burst *b)
{
	free(b);
}

static void end(struct burst *b)
{
	b->active = 0;
	b->cur.ended = 1;
	if (b->fn)
		b->fn(b->ctx, &b->cur);
}

/* The last min_events events are within the window: they begin a burst. */
static void begin(struct burst *b)
{
	unsigned cap = b->cfg.min_events;
	memset(&b->cur, 0, sizeof b->cur);
	b->cur.start_ns = b->ts[b->head];
	for (unsigned i = 0; i < b->n; i++) {
		unsigned k = (b->head + i) % cap;
		b->cur.tag[b->tag[k]]++;
		b->cur.last_ns = b->ts[k];
	}
	b->cur.count = b->n;
	b->n = b->head = 0;
	b->active = 1;
	b->bursts++;
	if (b->fn)
		b->fn(b->ctx, &b->cur);
}

/* Outside a burst: keep the event among the last min_events. */
static void remember(struct burst *b, uint64_t ts, unsigned tag)
{
	unsigned cap = b->cfg.min_events;
	unsigned k = (b->head + b->n) % cap;
	if (b->n == cap)
		b->head = (b->head + 1) % cap;	/* k was the oldest */
	else
		b->n++;
	b->ts[k] = ts;
	b->tag[k] = (uint8_t)tag;
	if (b->n == cap && ts - b->ts[b->head] < (uint64_t)b->cfg.window_ns)
		begin(b);
}

void burst_event(struct burst *b, uint64_t ts, unsigned tag)
{
	if (tag >= BURST_TAGS)
		tag = BURST_TAGS - 1;
	if (b->active && ts >= b->cur.last_ns + (uint64_t)b->cfg.window_ns)
		end(b);
	if (!b->active) {
		uint64_t last = b->n ? b->ts[(b->head + b->n - 1) % b->cfg.min_events] : 0;
		remember(b, ts > last ? ts : last, tag);
		return;
	}
	if (ts > b->cur.last_ns)
		b->cur.last_ns = ts;
	b->cur.count++;
	b->cur.tag[tag]++;
}

void burst_advance(struct burst *b, uint64_t now_ns)
{
	if (b->active && now_ns >= b->cur.last_ns + (uint64_t)b->cfg.window_ns)
		end(b);
}

int burst_current(const struct burst *b, struct burst_state *s)
{
	if (!b->active)
		return -ENOENT;
	*s = b->cur;
	return 0;
}

uint64_t burst_count(const struct burst *b)
{
	return b->bursts;
}
