/* Link layers (Ethernet with 802.1Q/QinQ, Linux cooked SLL and SLL2, BSD
 * loopback, raw IP) and dec_packet, the whole stack for one frame. */
#include <stddef.h>
#include <string.h>
#include "decode/layers_int.h"

static int is_vlan_tpid(uint16_t t)
{
	return t == ETH_8021Q || t == ETH_8021AD || t == ETH_QINQ_OLD;
}

/* Steps over any VLAN tags (the first two are kept) and sets out->ethertype
 * to the type that follows them. */
int dec_vlan_tags(struct cur *c, struct dec_pkt *out, uint16_t type)
{
	while (is_vlan_tpid(type)) {
		uint16_t tci = cur_be16(c);
		type = cur_be16(c);
		if (!cur_ok(c))
			return DEC_R_VLAN_TRUNC;
		if (out->nvlan < 2)
			out->vlan[out->nvlan++] = tci & 0x0fff;
	}
	out->ethertype = type;
	return DEC_OK;
}

int dec_ether(struct cur *c, struct dec_pkt *out)
{
	struct cur in = *c;	/* layers_int.h: in registers */
	int rc = dec_ether_inl(&in, out);
	*c = in;
	return rc;
}

/* Linux cooked v1: packet type, ARPHRD, address length, 8 address bytes, protocol. */
int dec_sll(struct cur *c, struct dec_pkt *out)
{
	cur_skip(c, 14);
	uint16_t type = cur_be16(c);
	if (!cur_ok(c))
		return DEC_R_L2_TRUNC;
	return dec_vlan_tags(c, out, type);
}

/* Linux cooked v2: protocol, reserved, ifindex, ARPHRD, packet type,
 * address length, 8 address bytes. */
int dec_sll2(struct cur *c, struct dec_pkt *out)
{
	uint16_t type = cur_be16(c);
	cur_skip(c, 18);
	if (!cur_ok(c))
		return DEC_R_L2_TRUNC;
	return dec_vlan_tags(c, out, type);
}

int dec_sll2_ifindex(const struct pkt *p, uint32_t *ifindex)
{
	struct cur c = cur_make(p->data, p->caplen);
	cur_skip(&c, 4);	/* protocol, reserved */
	*ifindex = cur_be32(&c);
	return p->linktype == LT_LINUX_SLL2 && cur_ok(&c) ? 0 : -1;
}

/* BSD loopback: the address family in the capturing host's byte order, so
 * both orders are accepted. AF_INET6 differs by OS: 10 Linux, 24 NetBSD/
 * OpenBSD, 28 FreeBSD, 30 macOS. */
static int dec_null(struct cur *c, struct dec_pkt *out)
{
	uint32_t fam = cur_le32(c);
	if (!cur_ok(c))
		return DEC_R_L2_TRUNC;
	if (fam > 0xffff)
		fam = __builtin_bswap32(fam);
	if (fam == 2)
		out->ethertype = ETH_IP4;
	else if (fam == 10 || fam == 24 || fam == 28 || fam == 30)
		out->ethertype = ETH_IP6;
	else
		out->ethertype = 0;
	return DEC_OK;
}

static int dec_link(struct cur *c, uint32_t linktype, struct dec_pkt *out)
{
	switch (linktype) {
	case LT_ETHERNET:
		return dec_ether(c, out);
	case LT_LINUX_SLL:
		return dec_sll(c, out);
	case LT_LINUX_SLL2:
		return dec_sll2(c, out);
	case LT_NULL:
		return dec_null(c, out);
	case LT_RAW:
		return DEC_OK;	/* dec_ip picks the version */
	case LT_IPV4:
		out->ethertype = ETH_IP4;
		return DEC_OK;
	case LT_IPV6:
		out->ethertype = ETH_IP6;
		return DEC_OK;
	default:
		return DEC_R_LINKTYPE;
	}
}

/* Every field zero (wscale: absent). In pieces of 64 bytes, unrolled: GCC
 * stores each with four 16-byte moves, where one memset of the whole
 * struct becomes rep stosq (an instruction per 8 bytes and its setup:
 * about 25 instructions a packet more). */
static inline void dec_clear(struct dec_pkt *out)
{
	unsigned char *b = (unsigned char *)out;
	size_t i = 0;
#pragma GCC unroll 8
	for (; i + 64 <= sizeof *out; i += 64)
		memset(b + i, 0, 64);
	memset(b + i, 0, sizeof *out - i);
	out->tcp.wscale = 0xff;
}

/* The link layers other than Ethernet, on a copy of the cursor (dec_on_copy). */
static int other_link(struct cur *c, uint32_t linktype, struct dec_pkt *out)
{
	struct cur t = *c;
	int rc = dec_link(&t, linktype, out);
	*c = t;
	return rc;
}

/* The transport layers other than UDP and TCP (the cursor is not used after). */
static int other_transport(struct cur c, struct dec_pkt *out)
{
	return dec_transport(&c, out->l3_payload_wire, out);
}

/* One function over the whole stack (layers_int.h): Ethernet, IPv4, UDP or
 * TCP inline, the others called on copies of the cursor. Every frame the
 * short way (dec_packet) does not take, from the start. */
static __attribute__((noinline)) int dec_packet_all(const struct pkt *p, struct dec_pkt *out)
{
	dec_clear(out);

	struct cur c = cur_make(p->data, p->caplen);
	int rc = p->linktype == LT_ETHERNET ? dec_ether_inl(&c, out) : other_link(&c, p->linktype, out);
	if (rc)
		return rc;

	/* Wire bytes after the link header; some writers leave wirelen 0 or
	 * below caplen, then the captured length is all we know. */
	uint32_t wire = p->wirelen > p->caplen ? p->wirelen : p->caplen;
	uint32_t hdr = (uint32_t)cur_pos(&c);
	out->wire_left = wire > hdr ? wire - hdr : 0;

	/* IPv4 first, as nearly every packet. Raw IP has no ethertype (0); an
	 * ethertype of 1 has always been read as raw IP too. */
	if (out->ethertype == ETH_IP4)
		rc = dec_ip4_inl(&c, out);
	else if (out->ethertype == ETH_IP6)
		rc = dec_on_copy(dec_ip6, &c, out);
	else if (p->linktype == LT_RAW || out->ethertype == 1) {
		rc = dec_on_copy(dec_ip, &c, out);
		out->ethertype = out->ipver == 6 ? ETH_IP6 : ETH_IP4;
	} else if (out->ethertype == ETH_ARP)
		return dec_on_copy(dec_arp, &c, out);
	else
		return DEC_OK;	/* not IP: nothing for hoplat, not malformed */
	if (rc || out->is_frag)
		return rc;
	/* dec_transport with the wire length the IP layer set */
	if (out->proto == IPP_UDP)
		return dec_udp_inl(&c, out);
	if (out->proto == IPP_TCP)
		return dec_tcp_inl(&c, out);
	return other_transport(c, out);
}

/* The fields the short way (common_way) does not write, zero (wscale:
 * absent): the link's tags, the address bytes beyond IPv4's, TCP's, ICMP's
 * and ARP's, the warning; 11 stores where dec_clear makes 18. The bytes
 * from TCP to the payload in two pieces (64 and the rest), as dec_clear
 * does: one memset of them became rep stosq. */
static inline void dec_clear_rare(struct dec_pkt *out)
{
	enum { TCP_TO_PAYLOAD = offsetof(struct dec_pkt, payload) - offsetof(struct dec_pkt, tcp) };
	_Static_assert(TCP_TO_PAYLOAD > 64 && TCP_TO_PAYLOAD <= 128, "two pieces");
	unsigned char *t = (unsigned char *)&out->tcp;
	memset(out, 0, offsetof(struct dec_pkt, ip_len));
	memset(t, 0, 64);
	memset(t + 64, 0, TCP_TO_PAYLOAD - 64);
	out->tcp.wscale = 0xff;
	out->warn = 0;
}

/* Ethernet (tags or not), IPv4 unfragmented, then UDP or TCP, all well
 * formed: what nearly every packet is. It writes every field dec_clear_rare
 * does not clear, as dec_packet_all does, so the packet comes out the
 * same; 0 at anything else (then dec_packet_all starts over). */
static inline __attribute__((always_inline)) int common_way(const struct pkt *p, struct dec_pkt *out)
{
	dec_clear_rare(out);
	struct cur c = cur_make(p->data, p->caplen);
	if (dec_ether_inl(&c, out) || out->ethertype != ETH_IP4)
		return 0;
	uint32_t wire = p->wirelen > p->caplen ? p->wirelen : p->caplen;
	uint32_t hdr = (uint32_t)cur_pos(&c);
	out->wire_left = wire > hdr ? wire - hdr : 0;
	if (dec_ip4_inl(&c, out) || out->is_frag)
		return 0;
	if (out->proto == IPP_UDP)
		return dec_udp_inl(&c, out) == DEC_OK;
	if (out->proto == IPP_TCP)
		return dec_tcp_inl(&c, out) == DEC_OK;
	return 0;
}

/* The common packet the short way: 7 of dec_clear's 18 stores fewer, and
 * a layer in error is only a way out, no reason carried to the end (one
 * point: dec_packet 214 -> 184 instructions a packet); any other from the
 * start (dec_packet_all clears the whole struct again, so the fields of a
 * packet in error are what they were). */
int dec_packet(const struct pkt *p, struct dec_pkt *out)
{
	if (p->linktype == LT_ETHERNET && common_way(p, out))
		return DEC_OK;
	return dec_packet_all(p, out);
}
