/* Cross-point matching of the same packet; see pktmatch.h.
 *
 * Records sit in an index table (common/table.h) by fingerprint, on one age
 * list in order of their first sighting (sightings arrive in time order, so
 * that is also their expiry order). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "analysis/path/pktmatch.h"
#include "analysis/point/endpoint.h"
#include "common/table.h"

#define PKTM_PAYLOAD_HASH 32	/* payload bytes in the fingerprint: fits a 128-byte snaplen */
#define L_SEEN 0		/* the one age list: records by first sighting */

struct xrec {
	struct pktm_rec r;
	uint64_t first_ts;
};

struct pktm {
	struct pktm_config cfg;
	struct xrec *pool;	/* pool[tbl.cap] */
	struct tbl tbl;
	/* the oldest record's end (first_ts + window): nothing retires before
	 * a time past it (UINT64_MAX: no record); one compare per sighting */
	uint64_t head_end;
	/* retired records by their seen bits: the pairs' counts come from them
	 * when asked (pktm_pair), not per record and pair */
	uint64_t by_seen[1u << PT_N];
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

/* The fields of the fingerprint after the addresses and ports: what
 * identifies the packet in its protocol, and its payload's first bytes. */
static uint64_t fp_transport(uint64_t h, const struct dec_pkt *d)
{
	struct cur c = d->is_frag ? d->l3_payload : d->payload;
	if (d->is_frag)
		h = hash_word(h, (uint64_t)d->frag_off << 32 | d->frag_id);
	else if (d->proto == 6)
		h = hash_word(h, (uint64_t)d->tcp.seq << 32 | d->tcp.ack);
	else if (d->proto == 1 || d->proto == 58)
		h = hash_word(h, (uint64_t)d->icmp_type << 40 | (uint64_t)d->icmp_code << 32 |
				 (uint64_t)d->icmp_id << 16 | d->icmp_seq);
	if (!d->is_frag)
		h = hash_word(h, d->payload_wire);
	return hash_word(h, cur_hash(&c, PKTM_PAYLOAD_HASH));
}

/* TTL and checksums are left out: a router changes them, a bridge does not.
 * A fragment has no ports or transport fields (dec_packet stops at layer 3:
 * they are zero); its fragment offset and id stand in for them. */
uint64_t pktm_fingerprint(const struct dec_pkt *d)
{
	if (d->ipver != 4 && d->ipver != 6)
		return 0;
	uint64_t flags = d->proto == 6 && !d->is_frag ? d->tcp.flags : 0;
	uint64_t h = hash_word(HASH_SEED, flags << 48 | (uint64_t)d->ipver << 40 |
				       (uint64_t)d->proto << 32 | (uint64_t)d->ip_id << 16 | d->ip_len);
	h = ep_hash_addr(h, &d->src, d->is_frag ? 0 : d->sport);
	h = ep_hash_addr(h, &d->dst, d->is_frag ? 0 : d->dport);
	return hash_end(fp_transport(h, d)) | 1;	/* never 0 */
}

struct pktm *pktm_new(const struct pktm_config *cfg)
{
	struct pktm *x = calloc(1, sizeof *x);
	if (!x)
		return NULL;
	x->cfg = *cfg;
	if (x->cfg.max_records < 16)
		x->cfg.max_records = 16;
	/* not cleared (a record is when it opens): pages are touched only as
	 * records are used, and the table hands out released records first, so
	 * memory follows the records alive */
	x->pool = malloc((size_t)x->cfg.max_records * sizeof *x->pool);
	if (tbl_init(&x->tbl, x->cfg.max_records) < 0 || !x->pool) {
		pktm_free(x);
		return NULL;
	}
	x->head_end = UINT64_MAX;
	return x;
}

void pktm_set_done(struct pktm *x, pktm_done_fn fn, void *ctx)
{
	x->done = fn;
	x->done_ctx = ctx;
}

/* The age list's head changed: its end again. */
static void head_moved(struct pktm *x)
{
	uint32_t i = tbl_oldest(&x->tbl, L_SEEN);
	x->head_end = i == TBL_NONE ? UINT64_MAX : x->pool[i].first_ts + (uint64_t)x->cfg.window_ns;
}

/* The oldest record (the age list's head) leaves, counted and handed on. */
static void retire_oldest(struct pktm *x)
{
	uint32_t i = tbl_oldest(&x->tbl, L_SEEN);
	struct xrec *e = &x->pool[i];
	tbl_del(&x->tbl, i);
	x->by_seen[e->r.seen]++;
	if (x->done)
		x->done(x->done_ctx, &e->r);
	head_moved(x);
}

void pktm_advance(struct pktm *x, uint64_t now_ns)
{
	while (x->head_end < now_ns)
		retire_oldest(x);
}

void pktm_finish(struct pktm *x)
{
	while (tbl_oldest(&x->tbl, L_SEEN) != TBL_NONE)
		retire_oldest(x);
}

/* The oldest live record with this fingerprint not yet seen at point and
 * within the window of ts; TBL_NONE when none. */
static uint32_t find_match(struct pktm *x, uint64_t fp, uint8_t point, uint64_t ts)
{
	uint32_t best = TBL_NONE;
	for (uint32_t i = tbl_first(&x->tbl, fp); i != TBL_NONE; i = tbl_next(&x->tbl, i)) {
		const struct xrec *e = &x->pool[i];
		if (e->r.fp != fp || (e->r.seen & 1u << point))
			continue;
		uint64_t d = ts > e->first_ts ? ts - e->first_ts : e->first_ts - ts;
		if (d > (uint64_t)x->cfg.window_ns)
			continue;
		if (best == TBL_NONE || e->first_ts < x->pool[best].first_ts)
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
	if (i != TBL_NONE) {
		struct pktm_rec *r = &x->pool[i].r;
		r->seen |= (uint8_t)(1u << point);
		r->ts[point] = ts;
		r->raw[point] = raw;
		if (!r->dir)
			r->dir = dir;
		return 1;
	}
	if (tbl_full(&x->tbl)) {
		x->evicted++;
		retire_oldest(x);
	}
	i = tbl_add(&x->tbl, fp, L_SEEN);
	struct xrec *e = &x->pool[i];
	memset(e, 0, sizeof *e);
	e->r.fp = fp;
	e->r.dir = dir;
	e->r.seen = (uint8_t)(1u << point);
	e->r.ts[point] = ts;
	e->r.raw[point] = raw;
	e->first_ts = ts;
	if (tbl_oldest(&x->tbl, L_SEEN) == i)
		head_moved(x);
	return 0;
}

struct pktm_pair pktm_pair(const struct pktm *x, uint8_t a, uint8_t b)
{
	struct pktm_pair p = { 0 };
	if (a > b) {
		uint8_t t = a;
		a = b, b = t;
	}
	if (b >= PT_N || a == b || !(x->cfg.roles & 1u << a) || !(x->cfg.roles & 1u << b))
		return p;
	for (unsigned m = 0; m < 1u << PT_N; m++) {
		int sa = m >> a & 1, sb = m >> b & 1;
		if (sa && sb)
			p.matched += x->by_seen[m];
		else if (sa)
			p.only_first += x->by_seen[m];
		else if (sb)
			p.only_second += x->by_seen[m];
	}
	return p;
}

uint64_t pktm_evicted(const struct pktm *x) { return x->evicted; }
uint64_t pktm_sightings(const struct pktm *x) { return x->sightings; }

void pktm_free(struct pktm *x)
{
	if (!x)
		return;
	free(x->pool);
	tbl_fini(&x->tbl);
	free(x);
}
