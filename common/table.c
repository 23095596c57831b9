/* The index table; see table.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "common/table.h"

uint32_t tbl_pow2(uint32_t n)
{
	uint32_t p = 1;
	while (p < n)
		p <<= 1;
	return p;
}

int tbl_init(struct tbl *t, uint32_t cap)
{
	memset(t, 0, sizeof *t);
	if (cap == 0 || cap > TBL_MAX_CAP)
		return -EINVAL;
	t->cap = cap;
	t->mask = tbl_pow2(2 * cap) - 1;
	/* calloc: zero is "none" (table.h), so nothing is walked here; an
	 * entry's links are written when it is added, before any read */
	t->bucket = calloc((size_t)t->mask + 1, sizeof *t->bucket);
	t->chain = malloc((size_t)cap * sizeof *t->chain);
	t->age = malloc((size_t)cap * sizeof *t->age);
	int rc = slots_init(&t->free, cap);
	return t->bucket && t->chain && t->age && rc == 0 ? 0 : -ENOMEM;
}

void tbl_fini(struct tbl *t)
{
	free(t->bucket);
	free(t->chain);
	free(t->age);
	slots_fini(&t->free);
	memset(t, 0, sizeof *t);
}

/* ---- age lists (links are index + 1) ---- */

/* Always inlined: a call for each of a few lines cost as much as the
 * lines (tbl_move, tbl_add and tbl_del run for every DNS message). */
#define TBL_INLINE static inline __attribute__((always_inline))

TBL_INLINE void age_unlink(struct tbl *t, uint32_t i)
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

TBL_INLINE void age_append(struct tbl *t, uint32_t i, unsigned list)
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

void tbl_touch(struct tbl *t, uint32_t i)
{
	if (t->newest[t->age[i].list] == i + 1)
		return;		/* already the newest: the common case under load */
	age_unlink(t, i);
	age_append(t, i, t->age[i].list);
}

void tbl_move(struct tbl *t, uint32_t i, unsigned list)
{
	age_unlink(t, i);
	age_append(t, i, list);
}

/* ---- entries ---- */

uint32_t tbl_add(struct tbl *t, uint64_t hash, unsigned list)
{
	if (!t->free.nfree)
		return TBL_NONE;
	uint32_t i = slots_get(&t->free);
	uint32_t h = (uint32_t)hash, *b = &t->bucket[h & t->mask];
	t->chain[i].hash = h;
	t->chain[i].next = *b;		/* newest first */
	*b = i + 1;
	age_append(t, i, list);
	return i;
}

void tbl_del(struct tbl *t, uint32_t i)
{
	uint32_t *p = &t->bucket[t->chain[i].hash & t->mask];
	while (*p != i + 1)
		p = &t->chain[*p - 1].next;
	*p = t->chain[i].next;
	age_unlink(t, i);
	slots_put(&t->free, i);
}
