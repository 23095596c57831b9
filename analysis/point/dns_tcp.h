/* DNS over TCP (RFC 1035 4.2.2): a 2-byte length before every message.
 * Several messages may share a segment and a message may span several.
 * After a hole in the stream the framing restarts at the first byte after
 * it, reading its first two bytes as a length, as Wireshark does (so a lost
 * length prefix swallows what follows, exactly as Wireshark shows it). */
#ifndef HOPLAT_DNS_TCP_H
#define HOPLAT_DNS_TCP_H

#include <stdint.h>
#include "analysis/point/tcp_stream.h"
#include "analysis/point/dns_match.h"

/* Framing state of one direction. */
struct dnst_dir {
	uint8_t state;		/* DNST_LEN0, DNST_LEN1, DNST_MSG, DNST_LOST */
	uint8_t len_hi;
	uint16_t need;		/* message length */
	uint16_t have;		/* message bytes seen (wire) */
	uint16_t kept;		/* captured message bytes in buf */
	uint32_t buf;		/* tcps_bufs index or TCPS_NONE */
};

struct dnst {
	struct dnsm *dns;
	struct tcps_bufs *bufs;
	struct pt_counts *counts;
	struct dns_msg msg;	/* scratch, one message decoded at a time */
};

void dnst_init(struct dnst *t, struct dnsm *dns, struct tcps_bufs *bufs, struct pt_counts *counts);
void dnst_dir_init(struct dnst_dir *d);
/* Stream bytes of one direction, from src to dst. */
void dnst_chunk(struct dnst *t, struct dnst_dir *d, const struct endpoint *src,
		const struct endpoint *dst, const struct tcps_chunk *ch);
/* Connection over: a partial message is dropped. */
void dnst_release(struct dnst *t, struct dnst_dir *d);

#endif
