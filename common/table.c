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

/* ---- age lists and entries (table.h has the inline ones) ---- */

void tbl_touch(struct tbl *t, uint32_t i)
{
	if (t->newest[t->age[i].list] == i + 1)
		return;		/* already the newest: the common case under load */
	tbl_age_unlink(t, i);
	tbl_age_append(t, i, t->age[i].list);
}

void tbl_move(struct tbl *t, uint32_t i, unsigned list)
{
	tbl_move_inline(t, i, list);
}

uint32_t tbl_add(struct tbl *t, uint64_t hash, unsigned list)
{
	return tbl_add_inline(t, hash, list);
}

void tbl_del(struct tbl *t, uint32_t i)
{
	tbl_del_inline(t, i);
}
