/* IPv4 and IPv6 fragment reassembly at one point.
 *
 * A bounded table of datagrams in reassembly (allocated once; each slot
 * holds up to 64 KiB). Fragments may come in any order, overlap (the later
 * copy's bytes win, as Wireshark's defragmentation copies in offset order)
 * or go missing: an incomplete datagram expires after the timeout (packet
 * time) or is evicted, oldest first, when the table is full; both are
 * counted. A datagram completes in the packet that fills its last hole, and
 * is timed there (as Wireshark does). */
#ifndef HOPLAT_IPFRAG_H
#define HOPLAT_IPFRAG_H

#include <stdint.h>
#include "decode/layers.h"

#define IPFRAG_MAX_LEN 65535u

struct ipfrag;

struct ipfrag_stats {
	uint64_t fragments, reassembled, expired, evicted, bad;
};

struct ipfrag *ipfrag_new(unsigned slots, int64_t timeout_ns);
void ipfrag_free(struct ipfrag *f);
/* One fragment (d->is_frag) seen at ts_ns. Returns 1 when it completed its
 * datagram: *out covers the reassembled transport bytes (valid until the next
 * call) and *wire_len is their length; 0 when more fragments are needed;
 * -DEC_R_FRAG when the fragment is unusable (dropped). */
int ipfrag_add(struct ipfrag *f, const struct dec_pkt *d, uint64_t ts_ns, struct cur *out,
	       uint32_t *wire_len);
/* Expires datagrams whose first fragment is older than the timeout;
 * returns how many. */
unsigned ipfrag_advance(struct ipfrag *f, uint64_t now_ns);
/* Datagrams still incomplete (end of input). */
unsigned ipfrag_pending(const struct ipfrag *f);
const struct ipfrag_stats *ipfrag_stats(const struct ipfrag *f);

#endif
