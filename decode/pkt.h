/* A captured packet as every source hands it on: file readers (decode/),
 * live backends (capture/) and the replay backend. */
#ifndef HOPLAT_PKT_H
#define HOPLAT_PKT_H

#include <stdint.h>

/* Link types hoplat decodes (LINKTYPE_* values as written in pcap files). */
enum {
	LT_NULL = 0,
	LT_ETHERNET = 1,
	LT_RAW = 101,		/* raw IPv4/IPv6 */
	LT_LINUX_SLL = 113,
	LT_IPV4 = 228,
	LT_IPV6 = 229,
	LT_LINUX_SLL2 = 276,
};

struct pkt {
	uint64_t ts_ns;		/* timestamp as written in the capture, ns since the epoch */
	uint32_t caplen;	/* bytes captured (data holds this many) */
	uint32_t wirelen;	/* bytes on the wire */
	uint32_t linktype;	/* LT_* */
	uint32_t iface;		/* interface index, file-wide across pcapng sections; 0 for pcap */
	uint8_t point;		/* measurement point (enum pt_role), set by whoever feeds analysis */
	const uint8_t *data;	/* caplen bytes, valid until the source's next read */
};

#endif
