/* Link layers (Ethernet with 802.1Q/QinQ, Linux cooked SLL and SLL2, BSD
 * loopback, raw IP) and dec_packet, the whole stack for one frame. */
#include <string.h>
#include "decode/layers.h"

enum {
	ETH_IP4 = 0x0800, ETH_ARP = 0x0806, ETH_IP6 = 0x86dd,
	ETH_8021Q = 0x8100, ETH_8021AD = 0x88a8, ETH_QINQ_OLD = 0x9100,
};

static int is_vlan_tpid(uint16_t t)
{
	return t == ETH_8021Q || t == ETH_8021AD || t == ETH_QINQ_OLD;
}

/* Steps over any VLAN tags (the first two are kept) and sets out->ethertype
 * to the type that follows them. */
static int dec_vlan_tags(struct cur *c, struct dec_pkt *out, uint16_t type)
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
	struct cur_fix h;	/* destination and source MAC, then the type */
	if (!cur_fixed(c, 14, &h))
		return DEC_R_L2_TRUNC;
	return dec_vlan_tags(c, out, fix_be16(&h, 12));
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

int dec_packet(const struct pkt *p, struct dec_pkt *out)
{
	memset(out, 0, sizeof *out);
	out->tcp.wscale = 0xff;

	struct cur c = cur_make(p->data, p->caplen);
	int rc = dec_link(&c, p->linktype, out);
	if (rc)
		return rc;

	/* Wire bytes after the link header; some writers leave wirelen 0 or
	 * below caplen, then the captured length is all we know. */
	uint32_t wire = p->wirelen > p->caplen ? p->wirelen : p->caplen;
	uint32_t hdr = (uint32_t)cur_pos(&c);
	out->wire_left = wire > hdr ? wire - hdr : 0;

	switch (p->linktype == LT_RAW ? 1 : out->ethertype) {
	case 1:
		rc = dec_ip(&c, out);
		out->ethertype = out->ipver == 6 ? ETH_IP6 : ETH_IP4;
		break;
	case ETH_IP4:
		rc = dec_ip4(&c, out);
		break;
	case ETH_IP6:
		rc = dec_ip6(&c, out);
		break;
	case ETH_ARP:
		return dec_arp(&c, out);
	default:
		return DEC_OK;	/* not IP: nothing for hoplat, not malformed */
	}
	if (rc || out->is_frag)
		return rc;
	return dec_transport(&c, out->l3_payload_wire, out);
}
