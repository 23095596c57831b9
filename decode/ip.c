/* IPv4 (options walked, fragments flagged) and IPv6 (extension headers). */
#include "decode/layers_int.h"

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
int dec_ip4_options(struct cur opt)
{
	uint8_t kind;
	struct cur val;
	int rc;
	while ((rc = cur_opt_next(&opt, &kind, &val)) > 0)
		continue;	/* only checked: no IPv4 option is used */
	return rc < 0 ? DEC_R_IP4_OPT : DEC_OK;
}

int dec_ip4(struct cur *c, struct dec_pkt *out)
{
	struct cur in = *c;	/* layers_int.h: in registers */
	int rc = dec_ip4_inl(&in, out);
	*c = in;
	return rc;
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

	uint32_t wire = dec_ip_payload_wire(out, plen ? 40u + plen : 0, 40, c);
	out->ip_len = (uint16_t)(plen ? 40u + plen > 0xffff ? 0xffff : 40u + plen : 0);
	*c = cur_take_upto(c, wire);	/* drops Ethernet padding */
	int rc = ip6_ext_chain(c, &wire, nh, out);
	out->l3_payload_wire = wire;
	out->l3_payload = *c;
	return rc;
}
