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
#ifndef HOPLAT_PKTMATCH_H
#define HOPLAT_PKTMATCH_H

#include <stdint.h>
#include "decode/layers.h"
#include "analysis/point/txn.h"
#include "analysis/point/pt_config.h"

struct pktm_config {
	unsigned roles;		/* bit (1 << PT_*) per point given */
	int64_t window_ns;	/* longest time between two sightings of one packet */
	unsigned max_records;	/* pool size */
};

void pktm_config_default(struct pktm_config *cfg);

/* Per pair of points a < b (on the path order client, uplink, vif). */
struct pktm_pair {
	uint64_t matched, only_first, only_second;
};

/* A retired record: where and when one packet was seen. */
struct pktm_rec {
	uint64_t fp;
	uint8_t seen;			/* bit (1 << PT_*) per point */
	uint8_t dir;			/* enum pt_dir, of the first sighting that knew it */
	uint64_t ts[PT_N];		/* corrected time at each point seen */
	uint64_t raw[PT_N];		/* time as written in that point's capture */
};

typedef void (*pktm_done_fn)(void *ctx, const struct pktm_rec *r);

/* 64-bit fingerprint of a decoded packet; 0 when it has no IP layer. */
uint64_t pktm_fingerprint(const struct dec_pkt *d);

struct pktm;

struct pktm *pktm_new(const struct pktm_config *cfg);
void pktm_set_done(struct pktm *x, pktm_done_fn fn, void *ctx);
/* One sighting at `point`: ts is the corrected time (the merge order), raw
 * the capture's own. Returns 1 when it matched an earlier sighting, 0 when
 * it opened a new record, -ENOSPC-free: never fails (pool full retires). */
int pktm_observe(struct pktm *x, uint8_t point, uint64_t ts, uint64_t raw, uint64_t fp,
		uint8_t dir);
/* Time moved on (corrected): retire records older than the window. */
void pktm_advance(struct pktm *x, uint64_t now_ns);
/* End of input: retire everything. */
void pktm_finish(struct pktm *x);

/* The retired records of points a and b (either order; zeros unless both
 * are given and differ). */
struct pktm_pair pktm_pair(const struct pktm *x, uint8_t a, uint8_t b);
uint64_t pktm_evicted(const struct pktm *x);
uint64_t pktm_sightings(const struct pktm *x);
void pktm_free(struct pktm *x);

#endif
