/* Classic pcap: a 24-byte file header, then 16-byte record headers each
 * followed by its packet. Magic a1b2c3d4 (us) or a1b23c4d (ns), written in
 * either byte order. */
#include "decode/capfile_int.h"

#include <errno.h>
#include <stdio.h>

#define PCAP_HDR 24
#define PCAP_REC 16

int cf_pcap_start(struct capfile *cf)
{
	if (!cf_fill(cf, PCAP_HDR))
		return cf_fail(cf, -EBADMSG, "truncated pcap file header (%zu of %d bytes)",
			       cf_avail(cf), PCAP_HDR);
	struct cur c = cur_make(cf_ptr(cf), PCAP_HDR);
	uint32_t magic = cur_be32(&c);
	cf->be = magic == 0xa1b2c3d4 || magic == 0xa1b23c4d;
	cf->ns = magic == 0xa1b23c4d || magic == 0x4d3cb2a1;
	uint16_t major = cf_u16(&c, cf->be);
	cur_skip(&c, 2 + 4 + 4);		/* minor, thiszone, sigfigs */
	uint32_t snaplen = cf_u32(&c, cf->be);
	uint32_t network = cf_u32(&c, cf->be);
	if (major != 2)
		return cf_fail(cf, -EINVAL, "unsupported pcap version %u", major);
	/* the link type is the low 16 bits; the upper ones carry FCS information */
	struct cf_iface *ifc = cf_add_iface(cf, network & 0xFFFF, snaplen);
	if (!ifc)
		return cf_fail(cf, -ENOMEM, "out of memory");
	snprintf(cf->format, sizeof cf->format, cf->ns ? "pcap-ns" : "pcap");
	cf_consume(cf, PCAP_HDR);
	return 0;
}

/* A record the general way: refills as needed, says what is wrong; those
 * of a file whose one interface is kept out (capfile_keep) are checked and
 * stepped over. */
static __attribute__((noinline)) int rec_general(struct capfile *cf, struct pkt *out)
{
	for (;;) {
		uint64_t off = cf_off(cf);
		if (!cf_fill(cf, PCAP_REC))
			return cf_short(cf, off, "record header");
		struct cur c = cur_make(cf_ptr(cf), PCAP_REC);
		uint64_t sec = cf_u32(&c, cf->be);
		uint64_t frac = cf_u32(&c, cf->be);
		uint32_t caplen = cf_u32(&c, cf->be);
		uint32_t wirelen = cf_u32(&c, cf->be);
		if (caplen > CF_MAX_CAPLEN)
			return cf_fail(cf, -EBADMSG, "bad record length %u at offset %llu", caplen,
				       (unsigned long long)off);
		if (!cf_fill(cf, PCAP_REC + caplen))
			return cf_short(cf, off, "record");
		if (cf->ifs[0].skip) {
			cf_consume(cf, PCAP_REC + caplen);
			continue;
		}
		struct cur rec = cur_make(cf_ptr(cf), PCAP_REC + caplen);
		cur_skip(&rec, PCAP_REC);
		out->data = cur_take(&rec, caplen).base;
		out->ts_ns = sec * 1000000000u + (cf->ns ? frac : frac * 1000u);
		out->caplen = caplen;
		out->wirelen = wirelen;
		out->linktype = cf->ifs[0].linktype;
		out->iface = 0;
		cf_consume(cf, PCAP_REC + caplen);
		return 1;
	}
}

/* The common record, whole in the buffer, its length right: its header
 * under one bounds check, in a leaf without calls (48 instructions a
 * record instead of 66); any other goes the general way, which reads it
 * the same or says what is wrong. */
int cf_pcap_next(struct capfile *cf, struct pkt *out)
{
	struct cur c = cur_make(cf_ptr(cf), cf_avail(cf));
	struct cur_fix h;
	if (!cur_fixed(&c, PCAP_REC, &h))
		return rec_general(cf, out);
	int be = cf->be;
	uint32_t caplen = cf_fix32(&h, 8, be);
	if (caplen > CF_MAX_CAPLEN || caplen > cur_left(&c) || cf->ifs[0].skip)
		return rec_general(cf, out);
	uint64_t sec = cf_fix32(&h, 0, be), frac = cf_fix32(&h, 4, be);
	out->data = cur_take(&c, caplen).base;
	out->ts_ns = sec * 1000000000u + (cf->ns ? frac : frac * 1000u);
	out->caplen = caplen;
	out->wirelen = cf_fix32(&h, 12, be);
	out->linktype = cf->ifs[0].linktype;
	out->iface = 0;
	cf_consume(cf, PCAP_REC + caplen);
	return 1;
}
