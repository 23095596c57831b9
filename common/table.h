/* The one index table of hoplat's state tables (DNS queries, TCP
 * connections, IP fragments, cross-point records and joins): which entries
 * of a caller-owned array are in use, hash chains to find them, and age
 * lists to expire and recycle them. The table holds indexes only; the
 * caller keeps its entries in an array of tbl.cap elements, indexed alike.
 *
 *   tbl_init(&t, max)            once; nothing is allocated afterwards
 *   i = tbl_add(&t, h, list)     TBL_NONE when full: the caller recycles
 *                                tbl_oldest(&t, list) of the list it
 *                                chooses (tbl_del) and adds again
 *   for (i = tbl_first(&t, h); i != TBL_NONE; i = tbl_next(&t, i))
 *           if (key_eq(&e[i], key)) break;     newest first
 *   tbl_touch(&t, i)             newest of its list (activity)
 *   tbl_move(&t, i, list)        newest of another list (a state change)
 *   while ((i = tbl_oldest(&t, list)) != TBL_NONE && expired(&e[i]))
 *           tbl_del(&t, i);
 *
 * h is a 64-bit hash (common/hash.h, after hash_end); its low 32 bits pick
 * the bucket and are kept per entry, so a chain walk skips entries of other
 * hashes without touching the caller's array: tbl_first and tbl_next only
 * return entries of the same 32-bit hash, and the caller compares its key
 * (no callback). Every entry in use is on one chain and on one of up to
 * TBL_LISTS age lists, oldest first. Buckets are a power of two, at least
 * twice the entries (chains stay short). Free entries come from
 * common/slots.h: lowest index first, then the last released first (memory
 * in use stays compact).
 *
 * Inside, links hold index + 1 so that zeroed memory means "none": setup
 * needs no pass over the arrays, and pages are touched only when used. */
#ifndef HOPLAT_TABLE_H
#define HOPLAT_TABLE_H

#include <stdint.h>
#include "common/slots.h"

#define TBL_NONE UINT32_MAX	/* no entry */
#define TBL_LISTS 4		/* age lists per table */
#define TBL_MAX_CAP (1u << 30)

struct tbl_chain {
	uint32_t next;		/* index + 1 of the next entry on the chain, 0 at its end */
	uint32_t hash;		/* low 32 bits of the entry's hash */
};

struct tbl_age {
	uint32_t older, newer;	/* index + 1 on the entry's list, 0 at its ends */
	uint8_t list;
};

struct tbl {
	uint32_t cap;		/* entries: the caller's array has this many */
	uint32_t mask;		/* buckets - 1 */
	uint32_t *bucket;	/* index + 1 of each chain's newest entry, 0 when empty */
	struct tbl_chain *chain;
	struct tbl_age *age;
	struct slots free;
	uint32_t oldest[TBL_LISTS], newest[TBL_LISTS];	/* index + 1, 0 when empty */
};

/* The smallest power of two >= n (1 for 0); n <= 2^31. */
uint32_t tbl_pow2(uint32_t n);

/* A table of cap entries (1 .. TBL_MAX_CAP), all free: 0, -EINVAL or
 * -ENOMEM. tbl_fini frees it (also after a failed init). */
int tbl_init(struct tbl *t, uint32_t cap);
void tbl_fini(struct tbl *t);

/* A free entry, on the chain of hash and newest on list (< TBL_LISTS);
 * TBL_NONE when every entry is in use. */
uint32_t tbl_add(struct tbl *t, uint64_t hash, unsigned list);
/* Entry i (in use) leaves its chain and its list and is free. */
void tbl_del(struct tbl *t, uint32_t i);
/* Entry i (in use) becomes the newest of its list. */
void tbl_touch(struct tbl *t, uint32_t i);
/* Entry i (in use) becomes the newest of list. */
void tbl_move(struct tbl *t, uint32_t i, unsigned list);

/* The newest entry added with this hash (its low 32 bits); TBL_NONE. */
static inline uint32_t tbl_first(const struct tbl *t, uint64_t hash)
{
	uint32_t h = (uint32_t)hash, i = t->bucket[h & t->mask] - 1;
	while (i != TBL_NONE && t->chain[i].hash != h)
		i = t->chain[i].next - 1;
	return i;
}

/* The next older entry on i's chain with i's hash; TBL_NONE. */
static inline uint32_t tbl_next(const struct tbl *t, uint32_t i)
{
	uint32_t h = t->chain[i].hash;
	i = t->chain[i].next - 1;
	while (i != TBL_NONE && t->chain[i].hash != h)
		i = t->chain[i].next - 1;
	return i;
}

/* The oldest entry of list; TBL_NONE when it is empty. */
static inline uint32_t tbl_oldest(const struct tbl *t, unsigned list)
{
	return t->oldest[list] - 1;
}

/* The list entry i (in use) is on. */
static inline unsigned tbl_list(const struct tbl *t, uint32_t i)
{
	return t->age[i].list;
}

/* Entries in use. */
static inline uint32_t tbl_used(const struct tbl *t)
{
	return t->cap - t->free.nfree;
}

static inline int tbl_full(const struct tbl *t)
{
	return t->free.nfree == 0;
}

/* ---- inside: tbl_add, tbl_del and tbl_move inline, for a table that
 * does one of them for nearly every packet (dns_match: a call, its
 * arguments and the registers around it cost about 8 instructions a
 * message); table.c's functions are these. Links are index + 1. ---- */

#define TBL_INLINE static inline __attribute__((always_inline))

TBL_INLINE void tbl_age_unlink(struct tbl *t, uint32_t i)
{
	struct tbl_age *a = &t->age[i];
	if (a->older)
		t->age[a->older - 1].newer = a->newer;
	else
		t->oldest[a->list] = a->newer;
	if (a->newer)
		t->age[a->newer - 1].older = a->older;
	else
		t->newest[a->list] = a->older;
}

TBL_INLINE void tbl_age_append(struct tbl *t, uint32_t i, unsigned list)
{
	struct tbl_age *a = &t->age[i];
	a->list = (uint8_t)list;
	a->newer = 0;
	a->older = t->newest[list];
	if (a->older)
		t->age[a->older - 1].newer = i + 1;
	else
		t->oldest[list] = i + 1;
	t->newest[list] = i + 1;
}

/* tbl_add, inline. */
TBL_INLINE uint32_t tbl_add_inline(struct tbl *t, uint64_t hash, unsigned list)
{
	if (!t->free.nfree)
		return TBL_NONE;
	uint32_t i = slots_get(&t->free);
	uint32_t h = (uint32_t)hash, *b = &t->bucket[h & t->mask];
	t->chain[i].hash = h;
	t->chain[i].next = *b;		/* newest first */
	*b = i + 1;
	tbl_age_append(t, i, list);
	return i;
}

/* tbl_del, inline. */
TBL_INLINE void tbl_del_inline(struct tbl *t, uint32_t i)
{
	uint32_t *p = &t->bucket[t->chain[i].hash & t->mask];
	while (*p != i + 1)
		p = &t->chain[*p - 1].next;
	*p = t->chain[i].next;
	tbl_age_unlink(t, i);
	slots_put(&t->free, i);
}

/* tbl_move, inline. */
TBL_INLINE void tbl_move_inline(struct tbl *t, uint32_t i, unsigned list)
{
	tbl_age_unlink(t, i);
	tbl_age_append(t, i, list);
}

#endif
