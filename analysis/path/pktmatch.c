/* Cross-point matching of the same packet; see xpt.h.
 *
 * Records sit in a ring in order of their first sighting (sightings arrive
 * in time order, so the ring is also in expiry order) and in a hash table of
 * chains by fingerprint for lookup. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "analysis/path/pktmatch.h"

#define PKTM_NIL UINT32_MAX
#define PKTM_PAYLOAD_HASH 32	/* payload bytes in the fingerprint: fits a 128-byte snaplen */

struct xrec {
	struct pktm_rec r;
	uint64_t first_ts;
	uint32_t next;		/* hash chain */
	uint8_t live;
};

struct pktm {
	struct pktm_config cfg;
	struct xrec *pool;	/* ring of cfg.max_records */
	uint32_t head, count;	/* oldest record, records in the ring */
	uint32_t *bucket;
	uint32_t nbucket;	/* power of two */
	struct pktm_pair pair[PT_N][PT_N];
	uint64_t evicted, sightings;
	pktm_done_fn done;
	void *done_ctx;
};

void pktm_config_default(struct pktm_config *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	cfg->roles = 1u << PT_CLIENT;
	cfg->window_ns = 20 * 1000 * 1000;
	cfg->max_records = 1u << 17;
}

/* splitmix64 finaliser, folding one field in at a time. */
static uint64_t mix(uint64_t h, uint64_t v)
{
	h ^= v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
	h ^= h >> 30;
	h *= 0xbf58476d1ce4e5b9ull;
	h ^= h >> 27;
	h *= 0x94d049bb133111ebull;
	return h ^ (h >> 31);
}

static uint64_t mix_addr(uint64_t h, const struct ipaddr *a)
{
	unsigned n = a->family == 4 ? 4 : 16;
	uint64_t w = 0;
	for (unsigned i = 0; i < n; i++) {
		w = w << 8 | a->b[i];
		if (i % 8 == 7 || i == n - 1) {
			h = mix(h, w);
			w = 0;
		}
	}
	return h;
}

/* TTL and checksums are left out: a router changes them, a bridge does not. */
uint64_t pktm_fingerprint(const struct dec_pkt *d)
{
	if (d->ipver != 4 && d->ipver != 6)
		return 0;
	uint64_t h = mix(0x686f706c6174ull, d->ipver);
	h = mix_addr(h, &d->src);
	h = mix_addr(h, &d->dst);
	h = mix(h, (uint64_t)d->proto << 32 | (uint64_t)d->ip_id << 16 | d->ip_len);
	if (d->is_frag) {
		struct cur c = d->l3_payload;
		h = mix(h, (uint64_t)d->frag_off << 32 | d->frag_id);
		return mix(h, cur_hash(&c, PKTM_PAYLOAD_HASH)) | 1;
	}
	h = mix(h, (uint64_t)d->sport << 16 | d->dport);
	if (d->proto == 6)
		h = mix(h, (uint64_t)d->tcp.seq << 32 | d->tcp.ack) ^ d->tcp.flags;
	else if (d->proto == 1 || d->proto == 58)
		h = mix(h, (uint64_t)d->icmp_type << 40 | (uint64_t)d->icmp_code << 32 |
			   (uint64_t)d->icmp_id << 16 | d->icmp_seq);
	struct cur c = d->payload;
	h = mix(h, (uint64_t)d->payload_wire << 32 | cur_hash(&c, PKTM_PAYLOAD_HASH));
	return h | 1;	/* never 0 */
}

struct pktm *pktm_new(const struct pktm_config *cfg)
{
	struct pktm *x = calloc(1, sizeof *x);
	if (!x)
		return NULL;
	x->cfg = *cfg;
	if (x->cfg.max_records < 16)
		x->cfg.max_records = 16;
	x->nbucket = 16;
	while (x->nbucket < x->cfg.max_records)
		x->nbucket <<= 1;
	x->pool = calloc(x->cfg.max_records, sizeof *x->pool);
	x->bucket = malloc(x->nbucket * sizeof *x->bucket);
	if (!x->pool || !x->bucket) {
		pktm_free(x);
		return NULL;
	}
	memset(x->bucket, 0xff, x->nbucket * sizeof *x->bucket);
	/* The ring walks through the whole pool as time goes on: touch it now,
	 * so that memory is what it will be from the start (not growing with
	 * the capture's length). */
	for (uint32_t i = 0; i < x->cfg.max_records; i++)
		x->pool[i].next = PKTM_NIL;
	return x;
}

void pktm_set_done(struct pktm *x, pktm_done_fn fn, void *ctx)
{
	x->done = fn;
	x->done_ctx = ctx;
}

static uint32_t *chain_of(struct pktm *x, uint64_t fp)
{
	return &x->bucket[(fp ^ fp >> 32) & (x->nbucket - 1)];
}

static void unlink_rec(struct pktm *x, uint32_t idx)
{
	uint32_t *p = chain_of(x, x->pool[idx].r.fp);
	while (*p != PKTM_NIL && *p != idx)
		p = &x->pool[*p].next;
	if (*p == idx)
		*p = x->pool[idx].next;
}

/* Counts a retired record for every pair of given points. */
static void tally(struct pktm *x, const struct pktm_rec *r)
{
	for (unsigned a = 0; a < PT_N; a++)
		for (unsigned b = a + 1; b < PT_N; b++) {
			if (!(x->cfg.roles & 1u << a) || !(x->cfg.roles & 1u << b))
				continue;
			int sa = r->seen >> a & 1, sb = r->seen >> b & 1;
			if (sa && sb)
				x->pair[a][b].matched++;
			else if (sa)
				x->pair[a][b].only_first++;
			else if (sb)
				x->pair[a][b].only_second++;
		}
}

static void retire_oldest(struct pktm *x)
{
	struct xrec *e = &x->pool[x->head];
	unlink_rec(x, x->head);
	e->live = 0;
	tally(x, &e->r);
	if (x->done)
		x->done(x->done_ctx, &e->r);
	x->head = (x->head + 1) % x->cfg.max_records;
	x->count--;
}

void pktm_advance(struct pktm *x, uint64_t now_ns)
{
	while (x->count && x->pool[x->head].first_ts + (uint64_t)x->cfg.window_ns < now_ns)
		retire_oldest(x);
}

void pktm_finish(struct pktm *x)
{
	while (x->count)
		retire_oldest(x);
}

/* The oldest live record with this fingerprint not yet seen at point and
 * within the window of ts; PKTM_NIL when none. */
static uint32_t find_match(struct pktm *x, uint64_t fp, uint8_t point, uint64_t ts)
{
	uint32_t best = PKTM_NIL;
	for (uint32_t i = *chain_of(x, fp); i != PKTM_NIL; i = x->pool[i].next) {
		const struct xrec *e = &x->pool[i];
		if (e->r.fp != fp || (e->r.seen & 1u << point))
			continue;
		uint64_t d = ts > e->first_ts ? ts - e->first_ts : e->first_ts - ts;
		if (d > (uint64_t)x->cfg.window_ns)
			continue;
		if (best == PKTM_NIL || e->first_ts < x->pool[best].first_ts)
			best = i;
	}
	return best;
}

int pktm_observe(struct pktm *x, uint8_t point, uint64_t ts, uint64_t raw, uint64_t fp, uint8_t dir)
{
	if (point >= PT_N || !fp)
		return 0;
	x->sightings++;
	pktm_advance(x, ts);
	uint32_t i = find_match(x, fp, point, ts);
	if (i != PKTM_NIL) {
		struct pktm_rec *r = &x->pool[i].r;
		r->seen |= (uint8_t)(1u << point);
		r->ts[point] = ts;
		r->raw[point] = raw;
		if (!r->dir)
			r->dir = dir;
		return 1;
	}
	if (x->count == x->cfg.max_records) {
		x->evicted++;
		retire_oldest(x);
	}
	uint32_t idx = (x->head + x->count) % x->cfg.max_records;
	struct xrec *e = &x->pool[idx];
	memset(e, 0, sizeof *e);
	e->r.fp = fp;
	e->r.dir = dir;
	e->r.seen = (uint8_t)(1u << point);
	e->r.ts[point] = ts;
	e->r.raw[point] = raw;
	e->first_ts = ts;
	e->live = 1;
	uint32_t *b = chain_of(x, fp);
	e->next = *b;
	*b = idx;
	x->count++;
	return 0;
}

const struct pktm_pair *pktm_pair(const struct pktm *x, uint8_t a, uint8_t b)
{
	if (a >= PT_N || b >= PT_N || a == b)
		return NULL;
	return a < b ? &x->pair[a][b] : &x->pair[b][a];
}

uint64_t pktm_evicted(const struct pktm *x) { return x->evicted; }
uint64_t pktm_sightings(const struct pktm *x) { return x->sightings; }

void pktm_free(struct pktm *x)
{
	if (!x)
		return;
	free(x->pool);
	free(x->bucket);
	free(x);
}
