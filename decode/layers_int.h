/* Inside the decoders: the layers nearly every packet takes (Ethernet,
 * IPv4, UDP, TCP), inline. dec_packet runs them as one function with its
 * cursor in registers, where calls to the public dec_* (link.c, ip.c and
 * transport.c wrap these) cost about 60 instructions a packet more: the
 * calls, the saved registers, and the cursor stored and loaded at every
 * layer.
 * Not for other modules: they call the dec_* of layers.h.
 *
 * The cursor these take must not be one whose address went elsewhere (a
 * copy in the caller, see dec_on_copy): the byte stores into out could
 * alias it (char types), and every step would reload it from memory. */
#ifndef HOPLAT_LAYERS_INT_H
#define HOPLAT_LAYERS_INT_H

#include "decode/layers.h"

#define DEC_INLINE static inline __attribute__((always_inline))

enum {
	ETH_IP4 = 0x0800, ETH_ARP = 0x0806, ETH_IP6 = 0x86dd,
	ETH_8021Q = 0x8100, ETH_8021AD = 0x88a8, ETH_QINQ_OLD = 0x9100,
};
enum { IPP_ICMP = 1, IPP_TCP = 6, IPP_UDP = 17, IPP_ICMPV6 = 58 };

/* Out of line, behind the inline layers: what few packets carry. */
int dec_vlan_tags(struct cur *c, struct dec_pkt *out, uint16_t type);	/* link.c */
int dec_ip4_options(struct cur opt);		/* ip.c: DEC_OK or DEC_R_IP4_OPT */
int dec_tcp_options(struct cur opt, struct dec_tcp *t);	/* transport.c */

/* A layer out of line on a copy of *c, so that *c stays in registers. */
DEC_INLINE int dec_on_copy(int (*layer)(struct cur *, struct dec_pkt *), struct cur *c,
			   struct dec_pkt *out)
{
	struct cur t = *c;
	int rc = layer(&t, out);
	*c = t;
	return rc;
}

DEC_INLINE int dec_ether_inl(struct cur *c, struct dec_pkt *out)
{
	struct cur_fix h;	/* destination and source MAC, then the type */
	if (!cur_fixed(c, 14, &h))
		return DEC_R_L2_TRUNC;
	uint16_t type = fix_be16(&h, 12);
	if (type >= ETH_8021Q && (type == ETH_8021Q || type == ETH_8021AD || type == ETH_QINQ_OLD)) {
		struct cur t = *c;
		int rc = dec_vlan_tags(&t, out, type);
		*c = t;
		return rc;
	}
	out->ethertype = type;
	return DEC_OK;
}

/* The wire length of the payload behind an IP header; a length field of 0
 * (TSO/GSO super-packets captured on the sending host; IPv6 jumbograms) means
 * "all there is", as Wireshark reads it. Never beyond what the frame held on
 * the wire, so a lying length cannot invent bytes. */
DEC_INLINE uint32_t dec_ip_payload_wire(const struct dec_pkt *out, uint32_t total, uint32_t hdr,
					const struct cur *c)
{
	uint32_t frame = out->wire_left;	/* bytes from the IP header on */
	if (total == 0)
		total = frame ? frame : hdr + (uint32_t)cur_left(c);
	else if (frame && total > frame)
		total = frame;
	return total > hdr ? total - hdr : 0;
}

DEC_INLINE int dec_ip4_inl(struct cur *c, struct dec_pkt *out)
{
	out->l3 = cur_view(c);

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

	if (hl > 20) {	/* the options cursor built only then: 7 instructions less without */
		struct cur opt = cur_take(c, hl - 20);
		if (!cur_ok(c))
			return DEC_R_IP4_TRUNC;
		out->warn = (uint8_t)dec_ip4_options(opt);
	}

	out->frag_off = (frag & 0x1fffu) * 8u;
	out->frag_more = (frag & 0x2000) != 0;
	out->is_frag = out->frag_more || out->frag_off;
	out->frag_id = id;

	out->l3_payload_wire = dec_ip_payload_wire(out, total, hl, c);
	*c = cur_take_upto(c, out->l3_payload_wire);	/* drops Ethernet padding */
	out->l3_payload = *c;
	return DEC_OK;
}

/* Wire length of the segment at c: from the IP header, else what is there. */
DEC_INLINE uint32_t dec_seg_wire(const struct cur *c, const struct dec_pkt *out)
{
	return out->l3_payload_wire ? out->l3_payload_wire : (uint32_t)cur_left(c);
}

DEC_INLINE int dec_udp_inl(struct cur *c, struct dec_pkt *out)
{
	uint32_t wire = dec_seg_wire(c, out);
	struct cur_fix h;	/* checksum at 6 */
	if (!cur_fixed(c, 8, &h))
		return DEC_R_UDP_TRUNC;
	out->sport = fix_be16(&h, 0);
	out->dport = fix_be16(&h, 2);
	uint16_t len = fix_be16(&h, 4);
	if (len < 8 || len > wire)
		return DEC_R_UDP_LEN;
	out->payload_wire = len - 8u;
	out->payload = cur_take_upto(c, out->payload_wire);	/* IP padding trimmed */
	return DEC_OK;
}

/* NOP, NOP, timestamps (RFC 7323 appendix A's layout): the options of
 * nearly every segment after a Linux handshake, read here as the walk
 * (dec_tcp_options) reads them: about 90 instructions a segment less.
 * 1 when they were these. */
DEC_INLINE int dec_tcp_ts_only(struct cur opt, struct dec_tcp *t)
{
	struct cur_fix h;
	if (cur_left(&opt) != 12 || !cur_fixed(&opt, 12, &h) || fix_be32(&h, 0) != 0x0101080a)
		return 0;
	t->has_ts = 1;
	t->tsval = fix_be32(&h, 4);
	t->tsecr = fix_be32(&h, 8);
	return 1;
}

DEC_INLINE int dec_tcp_inl(struct cur *c, struct dec_pkt *out)
{
	struct dec_tcp *t = &out->tcp;
	uint32_t wire = dec_seg_wire(c, out);
	struct cur_fix h;	/* checksum and urgent pointer at 16 */
	if (!cur_fixed(c, 20, &h))
		return DEC_R_TCP_TRUNC;
	out->sport = fix_be16(&h, 0);
	out->dport = fix_be16(&h, 2);
	t->seq = fix_be32(&h, 4);
	t->ack = fix_be32(&h, 8);
	uint8_t doff = fix_u8(&h, 12);
	t->flags = fix_u8(&h, 13);
	t->win = fix_be16(&h, 14);

	uint32_t hl = (doff >> 4) * 4u;
	t->hdr_len = (uint8_t)hl;
	if (hl < 20 || hl > wire)
		return DEC_R_TCP_DOFF;
	/* Options cut by the snaplen: the segment is still usable (ports,
	 * sequence numbers, the length from IP), as tshark reads it; counted
	 * as a warning, and the options are read as far as they were captured. */
	struct cur opt = cur_take_upto(c, hl - 20);
	int cut = cur_left(&opt) < hl - 20;
	if (hl > 20 && !dec_tcp_ts_only(opt, t)) {
		int rc = dec_tcp_options(opt, t);
		if (rc && !cut)
			out->warn = (uint8_t)rc;
	}
	if (cut)
		out->warn = DEC_R_TCP_TRUNC;
	out->payload_wire = wire - hl;
	out->payload = cur_take_upto(c, out->payload_wire);
	return DEC_OK;
}

#endif
