/* The free slots of a table sized at setup: entries are recycled, never
 * allocated per packet. Slots are handed out lowest index first, then the
 * last released first (so memory in use stays compact). Released slots sit
 * on a stack; the ones never used are a range, so setup walks nothing. */
#ifndef HOPLAT_SLOTS_H
#define HOPLAT_SLOTS_H

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

struct slots {
	uint32_t *idx;		/* idx[0 .. nrel): released slots, the last on top */
	unsigned nrel;
	unsigned fresh, n;	/* slots fresh .. n-1 were never handed out */
	unsigned nfree;		/* free slots: nrel + n - fresh */
};

/* Slots 0 .. n-1, all free: 0, or -ENOMEM. */
static inline int slots_init(struct slots *s, unsigned n)
{
	s->idx = malloc((n ? n : 1) * sizeof *s->idx);	/* written before read */
	s->nrel = s->fresh = 0;
	s->n = s->nfree = n;
	return s->idx ? 0 : -ENOMEM;
}

static inline void slots_fini(struct slots *s)
{
	free(s->idx);
	s->idx = NULL;
	s->nfree = s->n = s->fresh = s->nrel = 0;
}

/* A free slot; only when s->nfree > 0. */
static inline uint32_t slots_get(struct slots *s)
{
	s->nfree--;
	return s->nrel ? s->idx[--s->nrel] : s->fresh++;
}

static inline void slots_put(struct slots *s, uint32_t i)
{
	s->idx[s->nrel++] = i;
	s->nfree++;
}

#endif
