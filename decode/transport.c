/* Transport layers: UDP, TCP (with options), ICMP/ICMPv6 echo; and ARP. */
#include "decode/layers_int.h"

int dec_udp(struct cur *c, struct dec_pkt *out)
{
	struct cur in = *c;	/* layers_int.h: in registers */
	int rc = dec_udp_inl(&in, out);
	*c = in;
	return rc;
}

/* SACK blocks: 8 bytes each, at most 4 fit in 40 bytes of options. */
static int tcp_sack(struct cur *o, uint8_t len, struct dec_tcp *t)
{
	if (len < 10 || (len - 2) % 8)
		return DEC_R_TCP_OPT;
	for (unsigned i = 0; i < (len - 2u) / 8u; i++) {
		uint32_t l = cur_be32(o), r = cur_be32(o);
		if (t->nsack < 4) {
			t->sack[t->nsack][0] = l;
			t->sack[t->nsack][1] = r;
			t->nsack++;
		}
	}
	return DEC_OK;
}

/* One option with a length byte: o holds its value, checked to fit. */
static int tcp_option(struct cur *o, uint8_t kind, struct dec_tcp *t)
{
	uint8_t len = (uint8_t)(cur_left(o) + 2);	/* the option's length byte */
	switch (kind) {
	case 2:
		if (len != 4)
			return DEC_R_TCP_OPT;
		t->mss = cur_be16(o);
		return DEC_OK;
	case 3:
		if (len != 3)
			return DEC_R_TCP_OPT;
		t->wscale = cur_u8(o);
		return DEC_OK;
	case 4:
		if (len != 2)
			return DEC_R_TCP_OPT;
		t->sack_ok = 1;
		return DEC_OK;
	case 5:
		return tcp_sack(o, len, t);
	case 8:
		if (len != 10)
			return DEC_R_TCP_OPT;
		t->has_ts = 1;
		t->tsval = cur_be32(o);
		t->tsecr = cur_be32(o);
		return DEC_OK;
	default:
		cur_skip(o, len - 2u);
		return DEC_OK;
	}
}

/* Walks the options; stops at the first malformed one (what was read stays). */
int dec_tcp_options(struct cur opt, struct dec_tcp *t)
{
	uint8_t kind;
	struct cur o;
	int more;
	while ((more = cur_opt_next(&opt, &kind, &o)) > 0) {
		int rc = tcp_option(&o, kind, t);
		if (rc)
			return rc;
	}
	return more < 0 ? DEC_R_TCP_OPT : DEC_OK;
}

int dec_tcp(struct cur *c, struct dec_pkt *out)
{
	struct cur in = *c;
	int rc = dec_tcp_inl(&in, out);
	*c = in;
	return rc;
}

/* ICMP and ICMPv6: type and code; echo request/reply also id and sequence. */
int dec_icmp(struct cur *c, struct dec_pkt *out)
{
	uint32_t wire = dec_seg_wire(c, out);
	out->icmp_type = cur_u8(c);
	out->icmp_code = cur_u8(c);
	cur_skip(c, 2);		/* checksum */
	if (!cur_ok(c))
		return DEC_R_ICMP_TRUNC;
	uint8_t ty = out->icmp_type;
	int echo = out->proto == IPP_ICMPV6 ? (ty == 128 || ty == 129) : (ty == 8 || ty == 0);
	if (echo) {
		out->icmp_id = cur_be16(c);
		out->icmp_seq = cur_be16(c);
		if (!cur_ok(c))
			return DEC_R_ICMP_TRUNC;
	}
	uint32_t hdr = echo ? 8 : 4;
	out->payload_wire = wire > hdr ? wire - hdr : 0;
	out->payload = cur_rest(c);
	return DEC_OK;
}

/* ARP: the operation always; addresses for Ethernet/IPv4 (hlen 6, plen 4). */
int dec_arp(struct cur *c, struct dec_pkt *out)
{
	uint16_t htype = cur_be16(c);
	uint16_t ptype = cur_be16(c);
	uint8_t hlen = cur_u8(c);
	uint8_t plen = cur_u8(c);
	out->arp_op = cur_be16(c);
	if (!cur_ok(c))
		return DEC_R_ARP_TRUNC;
	if (htype != 1 || ptype != 0x0800 || hlen != 6 || plen != 4)
		return DEC_OK;
	cur_copy(c, out->arp_sha, 6);
	cur_copy(c, out->arp_spa, 4);
	cur_skip(c, 6);		/* target hardware address */
	cur_copy(c, out->arp_tpa, 4);
	return cur_ok(c) ? DEC_OK : DEC_R_ARP_TRUNC;
}

int dec_transport(struct cur *c, uint32_t wire_len, struct dec_pkt *out)
{
	out->l3_payload_wire = wire_len;
	switch (out->proto) {
	case IPP_TCP:
		return dec_tcp(c, out);
	case IPP_UDP:
		return dec_udp(c, out);
	case IPP_ICMP:
		if (out->ipver == 4)
			return dec_icmp(c, out);
		break;
	case IPP_ICMPV6:
		if (out->ipver == 6)
			return dec_icmp(c, out);
		break;
	}
	out->payload_wire = wire_len;
	out->payload = cur_rest(c);
	return DEC_OK;
}
