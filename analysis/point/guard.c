/* The input guard of one point (guard.h). */
#include <string.h>
#include "analysis/point/guard.h"
#include "decode/cursor.h"

void guard_init(struct guard *g)
{
	memset(g, 0, sizeof *g);
}

int guard_any(const struct guard_counts *c)
{
	return c->time_backwards || c->duplicates || c->appended_packets || c->negative_durations;
}

/* Every byte of the frame, 32 at a time in two lanes (hash_bytes_frame:
 * the multiply step of hash_bytes_wide, half the steps of the tables' hash;
 * a loop that turns twice on every frame of 65..96 bytes, so its exit is
 * predicted): one bounds check for the frame, not one per word. Only
 * compared, so not finalised. */
static inline uint64_t frame_hash(const struct pkt *p)
{
	struct cur c = cur_make(p->data, p->caplen);
	return cur_hash_frame(&c, p->caplen);
}

uint64_t guard_hash(const struct pkt *p)
{
	return frame_hash(p);
}

static int same_bytes(const struct guard_frame *a, const struct guard_frame *b)
{
	return a->hash == b->hash && a->caplen == b->caplen && a->wirelen == b->wirelen;
}

/* The point's first packet again, after time moved on: the capture starts
 * over. Packets without a timestamp (pcapng SPB: 0) never qualify. The
 * interface is not compared: cat of two pcapng files numbers them anew. */
static int starts_over(const struct guard *g, const struct guard_frame *f)
{
	return f->ts && f->ts == g->first.ts && g->newest > g->first.ts && same_bytes(f, &g->first);
}

/* The byte of a hash kept in the window's tags. */
static uint8_t tag_of(uint64_t hash)
{
	return (uint8_t)(hash >> 56);
}

/* True when a recent frame's tag is the frame's: the eight tags xored with
 * it, and a zero byte looked for in one word (SwissTable's portable group
 * match). Nearly always false, and then no entry is read: comparing the
 * eight hashes one by one was a quarter of the guard. */
static int tag_seen(const struct guard *g, uint8_t tag)
{
	_Static_assert(GUARD_DUP_WINDOW == 8, "the tags are one 64-bit word");
	const uint64_t ones = 0x0101010101010101ull;
	uint64_t tags;
	memcpy(&tags, g->tag, sizeof tags);
	uint64_t x = tags ^ ones * tag;	/* a zero byte where the tag is the same */
	return ((x - ones) & ~x & ones << 7) != 0;
}

static int duplicate(const struct guard *g, const struct guard_frame *f)
{
	if (!tag_seen(g, tag_of(f->hash)))
		return 0;
	for (unsigned i = 0; i < GUARD_DUP_WINDOW; i++) {
		const struct guard_frame *r = &g->recent[i];
		uint64_t gap = f->ts > r->ts ? f->ts - r->ts : r->ts - f->ts;
		if (same_bytes(f, r) && f->iface == r->iface && gap <= GUARD_DUP_NS)
			return 1;
	}
	return 0;
}

static void backwards(struct guard *g, const struct guard_frame *f, struct guard_counts *c)
{
	uint64_t step = g->newest - f->ts;
	c->time_backwards++;
	if (!g->in_jump)
		c->time_jumps++;
	if (step > c->time_jump_max_ns)
		c->time_jump_max_ns = step;
	g->in_jump = 1;
}

static void take(struct guard *g, const struct guard_frame *f)
{
	if (!g->any)
		g->first = *f;
	g->any = 1;
	g->in_jump = 0;
	if (f->ts > g->newest)
		g->newest = f->ts;
	g->recent[g->next] = *f;
	g->tag[g->next] = tag_of(f->hash);
	g->next = (g->next + 1) % GUARD_DUP_WINDOW;
}

/* Inside an appended copy: its packets, up to the newest time seen before. */
static int in_copy(struct guard *g, const struct guard_frame *f, struct guard_counts *c)
{
	if (!g->copy_until)
		return 0;
	if (f->ts <= g->copy_until) {
		c->appended_packets++;
		return 1;
	}
	g->copy_until = 0;
	return 0;
}

enum guard_verdict guard_check(struct guard *g, const struct pkt *p, struct guard_counts *c)
{
	struct guard_frame f = { frame_hash(p), p->ts_ns, p->caplen, p->wirelen, p->iface };
	if (g->any && starts_over(g, &f)) {
		c->appended_copies++;
		c->appended_packets++;
		if (!g->copy_until)
			g->copy_until = g->newest;
		g->in_jump = 0;
		return GUARD_APPENDED;
	}
	if (in_copy(g, &f, c))
		return GUARD_APPENDED;
	if (g->any && f.ts < g->newest && g->newest - f.ts > GUARD_TOLERANCE_NS) {
		backwards(g, &f, c);
		return GUARD_BACKWARDS;
	}
	if (g->any && duplicate(g, &f)) {
		c->duplicates++;
		return GUARD_DUPLICATE;
	}
	take(g, &f);
	return GUARD_TAKE;
}

/* One call for a batch (a point's packets from eng_feed_n): guard_check
 * and all it calls inlined in the loop (flatten), the registers saved once,
 * not per packet (one point: 1,656 -> 1,635 instructions a packet). */
__attribute__((flatten)) uint64_t guard_check_n(struct guard *g, const struct pkt *p, unsigned n,
						struct guard_counts *c)
{
	uint64_t taken = 0;
	for (unsigned i = 0; i < n; i++)
		taken |= (uint64_t)(guard_check(g, &p[i], c) == GUARD_TAKE) << i;
	return taken;
}
