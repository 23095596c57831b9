/* Endpoint keys for the matchers' hash tables: a 64-bit FNV-1a over the
 * address family, the address and the port, and endpoint equality. */
#ifndef HOPLAT_ENDPOINT_H
#define HOPLAT_ENDPOINT_H

#include <stddef.h>
#include <stdint.h>
#include "analysis/point/txn.h"

#define FNV64_BASIS 14695981039346656037ull

static inline uint64_t fnv64(uint64_t h, const void *p, size_t n)
{
	const uint8_t *b = p;
	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 1099511628211ull;
	return h;
}

/* Only the address bytes the family uses are hashed (as ipaddr_eq compares). */
static inline uint64_t ep_hash64(uint64_t h, const struct endpoint *e)
{
	h = fnv64(h, &e->ip.family, 1);
	h = fnv64(h, e->ip.b, e->ip.family == 4 ? 4 : 16);
	return fnv64(h, &e->port, sizeof e->port);
}

static inline int ep_eq(const struct endpoint *a, const struct endpoint *b)
{
	return a->port == b->port && ipaddr_eq(&a->ip, &b->ip);
}

#endif
