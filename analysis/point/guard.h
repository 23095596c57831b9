/* The input guard of one point: packets that must not reach the analysis.
 *
 * Captures are damaged in ways the file format cannot see: the clock steps
 * back (an NTP step, a VM restored), one packet is stamped 0, the same
 * packet is written twice (two captures of one interface merged), the whole
 * capture is appended to itself (mergecap -a, cat of two pcapng files).
 * Taken at face value these give negative latencies, a 50-year maximum, or
 * every transaction twice. The guard sees each packet before it is decoded,
 * in the order of the file, and keeps out:
 *
 *  - time going backwards: a packet more than GUARD_TOLERANCE_NS older than
 *    the newest one taken. Less than that is the ordinary disorder of a
 *    capture over several CPUs or interfaces: taken as it comes (the
 *    matchers tolerate it, as before).
 *  - an exact duplicate: the same bytes (and length and interface) as one of
 *    the last GUARD_DUP_WINDOW packets, less than GUARD_DUP_NS apart. That is
 *    editcap -d's window (5 packets, same length and bytes), with a time
 *    bound added so that a retransmission (a DNS query resent, a TCP segment
 *    sent again, seconds or milliseconds later) stays a retransmission. The
 *    interface is part of the key: a bridge's frame seen on two of its ports
 *    is two observations, not a duplicate.
 *  - a capture appended to itself: the point's first packet again, same
 *    bytes and same timestamp, after time moved on. From there, every packet
 *    up to the newest time seen before is the copy (whatever its length, the
 *    tolerance above does not apply).
 *
 * Fixed memory (a ring of the last packets' hashes), nothing allocated. */
#ifndef HOPLAT_GUARD_H
#define HOPLAT_GUARD_H

#include <stdint.h>
#include "decode/pkt.h"

#define GUARD_TOLERANCE_NS 1000000000ull	/* out of order by up to 1 s: taken */
#define GUARD_DUP_WINDOW 8			/* last packets compared for duplicates */
#define GUARD_DUP_NS 1000000ull			/* a duplicate is within 1 ms of its original */

/* What was kept out, per point (JSON points.<role>.input, one text line). */
struct guard_counts {
	uint64_t time_backwards;	/* packets behind the newest by more than the tolerance */
	uint64_t time_jumps;		/* times the capture's time went back (runs of those) */
	uint64_t time_jump_max_ns;	/* the largest step back (a maximum: not to be added) */
	uint64_t duplicates;		/* exact duplicate packets */
	uint64_t appended_copies;	/* times the capture starts over (appended to itself) */
	uint64_t appended_packets;	/* packets of those copies */
	uint64_t negative_durations;	/* transactions whose time came out negative: not timed */
};

enum guard_verdict { GUARD_TAKE = 0, GUARD_BACKWARDS, GUARD_DUPLICATE, GUARD_APPENDED };

struct guard_frame {
	uint64_t hash, ts;
	uint32_t caplen, wirelen, iface;
};

struct guard {
	uint8_t any;			/* a packet was taken */
	uint8_t in_jump;		/* the last packet was kept out as backwards */
	uint64_t newest;		/* newest timestamp taken */
	uint64_t copy_until;		/* inside an appended copy: its packets end here */
	struct guard_frame first;
	struct guard_frame recent[GUARD_DUP_WINDOW];
	uint8_t tag[GUARD_DUP_WINDOW];	/* a byte of each recent hash: matched all at once */
	unsigned next;			/* ring position */
};

void guard_init(struct guard *g);
/* The verdict on one packet; counted in c when it is kept out. */
enum guard_verdict guard_check(struct guard *g, const struct pkt *p, struct guard_counts *c);
/* guard_check on p[0..n) in order (n <= 64): bit i set when p[i] is taken. */
uint64_t guard_check_n(struct guard *g, const struct pkt *p, unsigned n, struct guard_counts *c);
/* True when any packet or transaction was kept out. */
int guard_any(const struct guard_counts *c);
/* 64-bit hash of the packet's bytes (only compared: hash_bytes_frame). */
uint64_t guard_hash(const struct pkt *p);

#endif
