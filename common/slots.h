/* The free slots of a table sized at setup, as a stack of indexes: entries
 * are recycled, never allocated per packet. Slots are handed out lowest
 * index first. */
#ifndef HOPLAT_SLOTS_H
#define HOPLAT_SLOTS_H

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

struct slots {
	uint32_t *idx;		/* idx[0 .. nfree): the free slots, next on top */
	unsigned nfree;
};

/* Slots 0 .. n-1, all free: 0, or -ENOMEM. */
static inline int slots_init(struct slots *s, unsigned n)
{
	s->idx = calloc(n ? n : 1, sizeof *s->idx);
	if (!s->idx)
		return -ENOMEM;
	s->nfree = n;
	for (unsigned i = 0; i < n; i++)
		s->idx[i] = n - 1 - i;
	return 0;
}

static inline void slots_fini(struct slots *s)
{
	free(s->idx);
	s->idx = NULL;
	s->nfree = 0;
}

/* A free slot; only when s->nfree > 0. */
static inline uint32_t slots_get(struct slots *s)
{
	return s->idx[--s->nfree];
}

static inline void slots_put(struct slots *s, uint32_t i)
{
	s->idx[s->nfree++] = i;
}

#endif
