/* Endpoint keys for the state tables (common/table.h): an address and a
 * port folded into the one hash (common/hash.h), and endpoint equality. */
#ifndef HOPLAT_ENDPOINT_H
#define HOPLAT_ENDPOINT_H

#include <stdint.h>
#include "common/hash.h"
#include "analysis/point/txn.h"

/* An address and a 16-bit value beside it (a port; 0 when there is none):
 * one word for IPv4, three for IPv6. Only the address bytes the family uses
 * count, as ipaddr_eq compares. */
static inline uint64_t ep_hash_addr(uint64_t h, const struct ipaddr *a, uint16_t port)
{
	uint64_t w = (uint64_t)a->family << 48 | (uint64_t)port << 32;
	if (a->family == 4)
		return hash_word(h, w | hash_load32(a->b));
	h = hash_word(h, hash_load64(a->b));
	h = hash_word(h, hash_load64(a->b + 8));
	return hash_word(h, w);
}

static inline uint64_t ep_hash(uint64_t h, const struct endpoint *e)
{
	return ep_hash_addr(h, &e->ip, e->port);
}

static inline int ep_eq(const struct endpoint *a, const struct endpoint *b)
{
	return a->port == b->port && ipaddr_eq(&a->ip, &b->ip);
}

#endif
