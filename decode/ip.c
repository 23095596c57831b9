/* IPv4 (options walked, fragments flagged) and IPv6 (extension headers). */
#include "decode/layers.h"

enum {
	IPP_HOPOPTS = 0, IPP_ROUTING = 43, IPP_FRAGMENT = 44, IPP_ESP = 50,
	IPP_AH = 51, IPP_NONE = 59, IPP_DSTOPTS = 60,
};

int dec_ip(struct cur *c, struct dec_pkt *out)
{
	if (cur_left(c) == 0)
		return DEC_R_IP4_TRUNC;
	switch (cur_peek(c, 0) >> 4) {
	case 4:
		return dec_ip4(c, out);
	case 6:
		return dec_ip6(c, out);
	default:
		return DEC_R_IP_VERSION;
	}
}

/* Walks the IPv4 options: EOL ends them, NOP is one byte, every other
 * option carries a length of at least 2 that must fit. */
static int ip4_options(struct cur opt)
{
	uint8_t kind;
	struct cur val;
	int rc;
	while ((rc = cur_opt_next(&opt, &kind, &val)) > 0)
		continue;	/* only checked: no IPv4 option is used */
	return rc < 0 ? DEC_R_IP4_OPT : DEC_OK;
}

/* The wire length of the payload behind an IP header; a length field of 0
 * (TSO/GSO super-packets captured on the sending host; IPv6 jumbograms) means
 * "all there is", as Wireshark reads it. Never beyond what the frame held on
 * the wire, so a lying length cannot invent bytes. */
static uint32_t ip_payload_wire(const struct dec_pkt *out, uint32_t total, uint32_t hdr,
				const struct cur *c)
{
	uint32_t frame = out->wire_left;	/* bytes from the IP header on */
	if (total == 0)
		total = frame ? frame : hdr + (uint32_t)cur_left(c);
	else if (frame && total > frame)
		total = frame;
	return total > hdr ? total - hdr : 0;
}

int dec_ip4(struct cur *c, struct dec_pkt *out)
{
	struct cur all = *c;
	out->l3 = cur_rest(&all);

	struct cur_fix h;		/* DSCP/ECN at 1, checksum at 10 (offloading leaves it wrong) */
	if (!cur_fixed(c, 20, &h))
		return DEC_R_IP4_TRUNC;
	uint8_t vhl = fix_u8(&h, 0);
	uint16_t total = fix_be16(&h, 2);
	uint16_t id = fix_be16(&h, 4);
	uint16_t frag = fix_be16(&h, 6);
	uint8_t ttl = fix_u8(&h, 8);
	uint8_t proto = fix_u8(&h, 9);
	fix_copy(&h, 12, out->src.b, 4);
	fix_copy(&h, 16, out->dst.b, 4);
	if (vhl >> 4 != 4)
		return DEC_R_IP_VERSION;

	uint32_t hl = (vhl & 0x0f) * 4u;
	out->ipver = 4;
	out->src.family = out->dst.family = 4;
	out->proto = proto;
	out->ttl = ttl;
	out->ip_id = id;
	out->ip_len = total;
	if (hl < 20)
		return DEC_R_IP4_IHL;
	if (total != 0 && total < hl)
		return DEC_R_IP4_LEN;

	struct cur opt = cur_take(c, hl - 20);
	if (!cur_ok(c))
		return DEC_R_IP4_TRUNC;
	if (hl > 20)
		out->warn = (uint8_t)ip4_options(opt);

	out->frag_off = (frag & 0x1fffu) * 8u;
	out->frag_more = (frag & 0x2000) != 0;
	out->is_frag = out->frag_more || out->frag_off;
	out->frag_id = id;

	out->l3_payload_wire = ip_payload_wire(out, total, hl, c);
	*c = cur_take_upto(c, out->l3_payload_wire);	/* drops Ethernet padding */
	out->l3_payload = *c;
	return DEC_OK;
}

/* Length in bytes of an IPv6 extension header from its length byte. */
static uint32_t ip6_ext_len(uint8_t type, uint8_t len)
{
	if (type == IPP_FRAGMENT)
		return 8;
	if (type == IPP_AH)
		return (len + 2u) * 4u;
	return (len + 1u) * 8u;
}

/* The IPv6 fragment header (after its next-header byte). */
static void ip6_fragment(struct cur *h, struct dec_pkt *out)
{
	cur_skip(h, 1);			/* reserved */
	uint16_t offlg = cur_be16(h);
	uint32_t id = cur_be32(h);
	out->frag_off = offlg & 0xfff8u;
	out->frag_more = offlg & 1;
	out->frag_id = id;
	out->ip_id = (uint16_t)id;
	/* an atomic fragment (offset 0, no more) is a whole datagram (RFC 6946) */
	out->is_frag = out->frag_off || out->frag_more;
}

/* Walks the extension headers in the payload p (wire length *wire); leaves
 * p at the transport header and sets out->proto. A header reaching past the
 * payload length is malformed; one past a snaplen cut is truncation. */
static int ip6_ext_chain(struct cur *p, uint32_t *wire, uint8_t nh, struct dec_pkt *out)
{
	for (;;) {
		out->proto = nh;
		if (nh != IPP_HOPOPTS && nh != IPP_ROUTING && nh != IPP_FRAGMENT &&
		    nh != IPP_DSTOPTS && nh != IPP_AH)
			return DEC_OK;	/* transport, ESP, no next header, unknown */
		if (*wire < 8)
			return DEC_R_IP6_EXT;
		uint8_t next = cur_peek(p, 0);
		uint8_t len = cur_peek(p, 1);
		if (cur_left(p) < 2)
			return DEC_R_IP6_TRUNC;
		uint32_t n = ip6_ext_len(nh, len);
		if (n > *wire)
			return DEC_R_IP6_EXT;
		struct cur h = cur_take(p, n);
		if (!cur_ok(p))
			return DEC_R_IP6_TRUNC;
		*wire -= n;
		if (nh == IPP_FRAGMENT) {
			cur_skip(&h, 1);
			ip6_fragment(&h, out);
			if (out->is_frag) {
				out->proto = next;
				return DEC_OK;
			}
		}
		nh = next;
	}
}

int dec_ip6(struct cur *c, struct dec_pkt *out)
{
	struct cur all = *c;
	out->l3 = cur_rest(&all);

	struct cur_fix h;
	if (!cur_fixed(c, 40, &h))
		return DEC_R_IP6_TRUNC;
	uint32_t vtf = fix_be32(&h, 0);
	uint16_t plen = fix_be16(&h, 4);
	uint8_t nh = fix_u8(&h, 6);
	uint8_t hlim = fix_u8(&h, 7);
	fix_copy(&h, 8, out->src.b, 16);
	fix_copy(&h, 24, out->dst.b, 16);
	if (vtf >> 28 != 6)
		return DEC_R_IP_VERSION;
	out->ipver = 6;
	out->src.family = out->dst.family = 6;
	out->ttl = hlim;
	out->proto = nh;

	uint32_t wire = ip_payload_wire(out, plen ? 40u + plen : 0, 40, c);
	out->ip_len = (uint16_t)(plen ? 40u + plen > 0xffff ? 0xffff : 40u + plen : 0);
	*c = cur_take_upto(c, wire);	/* drops Ethernet padding */
	int rc = ip6_ext_chain(c, &wire, nh, out);
	out->l3_payload_wire = wire;
	out->l3_payload = *c;
	return rc;
}
