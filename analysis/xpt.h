/* Cross-point matching: the same packet seen at several points on the path
 * (client NIC, Dom0 uplink, guest vif).
 *
 * A packet is recognised by a fingerprint of what a bridge (and a router,
 * except TTL and checksums) leaves unchanged: addresses, protocol, IP ID,
 * IP length, ports, TCP seq/ack/flags, transport length, a hash of the first
 * payload bytes, ICMP id/seq. Identical fingerprints (retransmissions, stacks
 * that send a constant IP ID) are matched oldest first inside the window.
 *
 * Sightings come in time order (times already corrected to the Dom0 clock).
 * A record lives for `window_ns` after its first sighting, then it is counted
 * per pair of points and handed to the done hook (clock samples, loss). All
 * records come from one pool allocated at setup; when it is full the oldest
 * record is retired early (counted in `evicted`). */
#ifndef HOPLAT_XPT_H
#define HOPLAT_XPT_H

#include <stdint.h>
#include "decode/layers.h"
#include "analysis/txn.h"

/* Direction of a packet on the path. */
enum xpt_dir { XPT_DIR_UNKNOWN = 0, XPT_DIR_IN = 1 /* toward the guest */, XPT_DIR_OUT = 2 };

struct xpt_config {
	unsigned roles;		/* bit (1 << PT_*) per point given */
	int64_t window_ns;	/* longest time between two sightings of one packet */
	unsigned max_records;	/* pool size */
};

void xpt_config_default(struct xpt_config *cfg);

/* Per pair of points a < b (on the path order client, uplink, vif). */
struct xpt_pair {
	uint64_t matched, only_first, only_second;
};

/* A retired record: where and when one packet was seen. */
struct xpt_rec {
	uint64_t fp;
	uint8_t seen;			/* bit (1 << PT_*) per point */
	uint8_t dir;			/* enum xpt_dir */
	uint64_t ts[PT_N];		/* corrected time at each point seen */
	uint64_t raw[PT_N];		/* time as written in that point's capture */
};

typedef void (*xpt_done_fn)(void *ctx, const struct xpt_rec *r);

/* 64-bit fingerprint of a decoded packet; 0 when it has no IP layer. */
uint64_t xpt_fingerprint(const struct dec_pkt *d);

struct xpt;

struct xpt *xpt_new(const struct xpt_config *cfg);
void xpt_set_done(struct xpt *x, xpt_done_fn fn, void *ctx);
/* One sighting at `point`: ts is the corrected time (the merge order), raw
 * the capture's own. Returns 1 when it matched an earlier sighting, 0 when
 * it opened a new record, -ENOSPC-free: never fails (pool full retires). */
int xpt_observe(struct xpt *x, uint8_t point, uint64_t ts, uint64_t raw, uint64_t fp,
		uint8_t dir);
/* Time moved on (corrected): retire records older than the window. */
void xpt_advance(struct xpt *x, uint64_t now_ns);
/* End of input: retire everything. */
void xpt_finish(struct xpt *x);

const struct xpt_pair *xpt_pair(const struct xpt *x, uint8_t a, uint8_t b);
uint64_t xpt_evicted(const struct xpt *x);
uint64_t xpt_sightings(const struct xpt *x);
void xpt_free(struct xpt *x);

#endif
