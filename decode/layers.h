/* Protocol layers from link to transport: one function per layer,
 * (cursor *, out *) -> rc. Decoders never allocate or print. */
#ifndef HOPLAT_LAYERS_H
#define HOPLAT_LAYERS_H

#include <stdint.h>
#include "decode/cursor.h"
#include "decode/pkt.h"

/* Why a packet (or a message inside it) was malformed. Counted per reason,
 * shown in reports; never fatal. X-macro keeps enum and names together. */
#define DEC_REASONS(X) \
	X(L2_TRUNC, "link header truncated") \
	X(LINKTYPE, "unsupported link type") \
	X(VLAN_TRUNC, "802.1Q tag truncated") \
	X(IP4_TRUNC, "IPv4 header truncated") \
	X(IP4_IHL, "IPv4 IHL below 5") \
	X(IP4_LEN, "IPv4 total length below header") \
	X(IP4_OPT, "IPv4 option malformed") \
	X(IP6_TRUNC, "IPv6 header truncated") \
	X(IP6_EXT, "IPv6 extension header malformed") \
	X(IP_VERSION, "IP version not 4 or 6") \
	X(UDP_TRUNC, "UDP header truncated") \
	X(UDP_LEN, "UDP length inconsistent") \
	X(TCP_TRUNC, "TCP header truncated") \
	X(TCP_DOFF, "TCP data offset invalid") \
	X(TCP_OPT, "TCP option malformed") \
	X(ICMP_TRUNC, "ICMP header truncated") \
	X(ARP_TRUNC, "ARP truncated") \
	X(FRAG, "IP fragment reassembly failed") \
	X(DNS_TRUNC, "DNS message truncated") \
	X(DNS_LABEL, "DNS label longer than 63") \
	X(DNS_NAME_LEN, "DNS name longer than 255") \
	X(DNS_PTR, "DNS compression pointer not backwards") \
	X(DNS_LABEL_TYPE, "DNS label type reserved") \
	X(DNS_RR, "DNS record malformed") \
	X(DNS_TCP_LEN, "DNS over TCP length invalid") \
	X(HTTP_LINE, "HTTP start line malformed") \
	X(HTTP_HEADER, "HTTP header malformed") \
	X(HTTP_CHUNK, "HTTP chunk size malformed")

enum dec_reason {
	DEC_OK = 0,
#define X(name, text) DEC_R_##name,
	DEC_REASONS(X)
#undef X
	DEC_R_MAX
};

const char *dec_reason_text(int reason);	/* "IPv4 IHL below 5" */
const char *dec_reason_key(int reason);		/* "ip4_ihl" (JSON keys) */

struct dec_stats {
	uint64_t reason[DEC_R_MAX];
};

struct ipaddr {
	uint8_t family;		/* 4 or 6, 0 when none */
	uint8_t b[16];		/* IPv4 in b[0..3] */
};

enum { TCP_FIN = 0x01, TCP_SYN = 0x02, TCP_RST = 0x04, TCP_PSH = 0x08,
       TCP_ACK = 0x10, TCP_URG = 0x20, TCP_ECE = 0x40, TCP_CWR = 0x80 };

struct dec_tcp {
	uint32_t seq, ack;
	uint16_t win;
	uint8_t flags;		/* TCP_* */
	uint8_t hdr_len;	/* bytes, from the data offset */
	uint16_t mss;		/* 0 when absent */
	uint8_t wscale;		/* 0xff when absent */
	uint8_t sack_ok;
	uint8_t nsack;		/* SACK blocks present */
	uint8_t has_ts;
	uint32_t tsval, tsecr;
	uint32_t sack[4][2];
};

/* A field added here: dec_packet's short way (link.c: common_way) must
 * write it, or dec_clear_rare clear it. */
struct dec_pkt {
	/* link */
	uint16_t vlan[2];
	uint8_t nvlan;
	uint16_t ethertype;
	/* network */
	uint8_t ipver;		/* 4, 6, or 0 (ARP or other) */
	struct ipaddr src, dst;
	uint8_t proto;		/* IPPROTO_* of the transport (after IPv6 extensions) */
	uint8_t ttl;		/* TTL or hop limit */
	uint16_t ip_id;		/* IPv4 id; IPv6: low 16 bits of the fragment id, else 0 */
	uint16_t ip_len;	/* IPv4 total length / IPv6 40 + payload length, from the header */
	uint8_t is_frag;	/* a fragment (offset != 0 or more-fragments set) */
	uint8_t frag_more;	/* more fragments follow */
	uint32_t frag_off;	/* fragment offset in bytes */
	uint32_t frag_id;	/* IPv4 id / IPv6 identification */
	struct cur l3_payload;	/* captured bytes after the IP header(s): fragment data */
	uint32_t l3_payload_wire; /* its length on the wire, from the IP header */
	/* transport */
	uint16_t sport, dport;
	struct dec_tcp tcp;
	uint8_t icmp_type, icmp_code;
	uint16_t icmp_id, icmp_seq;
	/* ARP */
	uint16_t arp_op;
	uint8_t arp_sha[6];
	uint8_t arp_spa[4], arp_tpa[4];
	/* payload of the transport (UDP/TCP data), captured part */
	struct cur payload;
	uint32_t payload_wire;	/* its length on the wire, from IP/UDP lengths */
	/* added by the decoders */
	uint8_t warn;		/* a non-fatal DEC_R_* (IP4_OPT, TCP_OPT, TCP_TRUNC for
				 * options cut by the snaplen): count it, the
				 * packet is still usable (Wireshark dissects it too); 0 none */
	uint32_t wire_left;	/* set by dec_packet: wire bytes after the link header (from
				 * pkt.wirelen), bounds IP lengths; 0 = unknown (unit tests) */
	struct cur l3;		/* the IP header and all after it, as captured (fingerprints) */
};

/* Whole stack from the link type down: fills out, returns DEC_OK or a
 * DEC_R_* reason (positive). Fragments (is_frag) stop at layer 3.
 * Non-IP frames (unknown ethertype, ARP) are DEC_OK with ipver 0. An unknown
 * transport protocol is DEC_OK with payload = the IP payload.
 * Snaplen: a cut *payload* is not an error (payload holds what was captured,
 * payload_wire the length from the headers); a cut *header* is (*_TRUNC),
 * except TCP options: with the fixed 20 bytes there the segment is DEC_OK
 * with warn = DEC_R_TCP_TRUNC (tshark still reads it).
 * Fields of the layers before the one in error are kept (a header cut short
 * leaves its own fields zero: each fixed header is checked once, whole). */
int dec_packet(const struct pkt *p, struct dec_pkt *out);

/* The layers one by one; each reads its header from c and leaves c at its
 * payload (for IP: *c becomes the payload, bounded by the IP length, so
 * Ethernet padding is gone). Zero *out before the first layer; dec_udp and
 * dec_tcp take the wire length of their segment from out->l3_payload_wire
 * (0: the captured length). */
int dec_ether(struct cur *c, struct dec_pkt *out);	/* with 802.1Q / QinQ */
int dec_sll(struct cur *c, struct dec_pkt *out);
int dec_sll2(struct cur *c, struct dec_pkt *out);
/* The interface index a Linux cooked v2 frame carries (tcpdump -i any):
 * 0, or -1 when p is not SLL2 or too short. */
int dec_sll2_ifindex(const struct pkt *p, uint32_t *ifindex);
int dec_ip(struct cur *c, struct dec_pkt *out);	/* by version nibble */
int dec_ip4(struct cur *c, struct dec_pkt *out);
int dec_ip6(struct cur *c, struct dec_pkt *out);
int dec_udp(struct cur *c, struct dec_pkt *out);
int dec_tcp(struct cur *c, struct dec_pkt *out);
int dec_icmp(struct cur *c, struct dec_pkt *out);	/* ICMP and ICMPv6 echo */
int dec_arp(struct cur *c, struct dec_pkt *out);
/* Transport layer on a reassembled datagram (after IP reassembly): c holds
 * the datagram's transport bytes, wire_len their length on the wire; uses
 * out->proto and out->ipver, sets l3_payload_wire = wire_len, leaves is_frag. */
int dec_transport(struct cur *c, uint32_t wire_len, struct dec_pkt *out);

/* Same family and address (4 bytes for IPv4, else 16). Inline: the
 * detectors and tables compare addresses at every packet. */
static inline int ipaddr_eq(const struct ipaddr *a, const struct ipaddr *b)
{
	if (a->family != b->family)
		return 0;
	return a->family == 4 ? memcmp(a->b, b->b, 4) == 0 : memcmp(a->b, b->b, 16) == 0;
}
/* "10.0.0.1" or "2001:db8::1"; returns dst. cap >= 46. */
char *ipaddr_str(const struct ipaddr *a, char *dst, unsigned cap);
/* Parses a dotted or colon form; 0 on success. */
int ipaddr_parse(const char *s, struct ipaddr *out);

#endif
