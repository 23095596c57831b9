/* pcapng: blocks of (type, total length, body, total length again).
 *
 * Every section header may change the byte order and restarts the interface
 * numbering; hoplat numbers interfaces file-wide (section base + local id).
 * Packet blocks (EPB, SPB, obsolete PB) and interface blocks are parsed whole
 * from the read buffer; every other block is stepped over in a stream. */
#include "decode/capfile_int.h"
#include "decode/pcapng.h"

#include <errno.h>
#include <stdio.h>


/* ---- block framing ---- */

struct blk {
	uint64_t off;		/* file offset of the block */
	uint32_t type, total;
	struct cur body;	/* between the two lengths (when parsed whole) */
};

static int bad_len(struct capfile *cf, const struct blk *b, const char *why)
{
	return cf_fail(cf, -EBADMSG, "bad block length %u at offset %llu%s", b->total,
		       (unsigned long long)b->off, why);
}

static int parsed_whole(uint32_t type)
{
	return type == PCAPNG_SHB || type == PCAPNG_IDB || type == PCAPNG_EPB || type == PCAPNG_SPB ||
	       type == PCAPNG_PB;
}

/* A section header declares its byte order in the 4 bytes after the length. */
static int shb_order(struct capfile *cf, const struct blk *b)
{
	if (!cf_fill(cf, 12))
		return cf_trunc(cf, b->off, "section header");
	struct cur c = cur_make(cf_ptr(cf), 12);
	cur_skip(&c, 8);
	uint32_t bom = cur_be32(&c);
	if (bom == PCAPNG_BOM)
		cf->be = 1;
	else if (bom == 0x4D3C2B1A)
		cf->be = 0;
	else
		return cf_fail(cf, -EBADMSG, "bad byte-order magic 0x%08x in section header at "
			       "offset %llu", bom, (unsigned long long)b->off);
	return 0;
}

/* Reads type and length at the read position and checks the length: 0,
 * 1 at a clean end of the file, or <0. The section header is read in the
 * byte order it declares. */
static int blk_head(struct capfile *cf, struct blk *b)
{
	b->off = cf_off(cf);
	if (!cf_fill(cf, 8)) {
		int rc = cf_short(cf, b->off, "block header");
		return rc < 0 ? rc : 1;
	}
	struct cur c = cur_make(cf_ptr(cf), 8);
	b->type = cur_be32(&c);	/* the SHB type reads the same in both orders */
	if (b->type == PCAPNG_SHB) {
		int rc = shb_order(cf, b);
		if (rc)
			return rc;
	}
	c = cur_make(cf_ptr(cf), 8);
	b->type = cf_u32(&c, cf->be);
	b->total = cf_u32(&c, cf->be);
	if (b->total < 12 || b->total % 4 != 0 || b->total > CF_MAX_BLOCK)
		return bad_len(cf, b, "");
	if (b->type == PCAPNG_SHB && b->total < 28)
		return bad_len(cf, b, " (section header)");
	if (parsed_whole(b->type) && b->total > CF_MAX_PARSED)
		return bad_len(cf, b, " (larger than hoplat reads)");
	return 0;
}

static int trailer_check(struct capfile *cf, const struct blk *b, struct cur *t)
{
	uint32_t last = cf_u32(t, cf->be);
	if (last != b->total)
		return cf_fail(cf, -EBADMSG, "bad block length %u at offset %llu (the block "
			       "ends with %u)", b->total, (unsigned long long)b->off, last);
	return 0;
}

/* The whole block into the buffer; its body as a cursor. */
static int blk_load(struct capfile *cf, struct blk *b)
{
	if (!cf_fill(cf, b->total))
		return cf_trunc(cf, b->off, "block");
	struct cur all = cur_make(cf_ptr(cf), b->total);
	cur_skip(&all, 8);
	b->body = cur_take(&all, b->total - 12);
	return trailer_check(cf, b, &all);
}

/* Steps over a block not parsed here (NRB, ISB, DSB, custom, unknown). */
static int blk_skip(struct capfile *cf, struct blk *b)
{
	if (cf_skip(cf, b->total - 4) < 0 || !cf_fill(cf, 4))
		return cf_trunc(cf, b->off, "block");
	struct cur t = cur_make(cf_ptr(cf), 4);
	cf_consume(cf, 4);
	return trailer_check(cf, b, &t);
}

/* ---- options ---- */

/* Next option of an options list: 1 with code and value, 0 at the end
 * (opt_endofopt, the end of the block, or a malformed list, which ends it:
 * options are not worth failing a file over). */
static int opt_next(struct capfile *cf, struct cur *c, uint16_t *code, struct cur *val)
{
	if (cur_left(c) < 4)
		return 0;
	*code = cf_u16(c, cf->be);
	uint16_t len = cf_u16(c, cf->be);
	*val = cur_take(c, len);
	cur_skip(c, (4u - (len & 3u)) & 3u);
	if (*code == 0 || !cur_ok(val))
		return 0;
	return 1;
}

/* ---- blocks ---- */

static int do_shb(struct capfile *cf, struct blk *b)
{
	cur_skip(&b->body, 4);		/* byte-order magic, already read */
	uint16_t major = cf_u16(&b->body, cf->be);
	if (major != 1)
		return cf_fail(cf, -EINVAL, "unsupported pcapng version %u in section header at "
			       "offset %llu", major, (unsigned long long)b->off);
	cf->sect_base = cf->nif;
	cf->sect_nif = 0;
	return 0;
}

/* if_tsresol: a power of 10, or of 2 when the top bit is set. */
static int set_tsresol(struct cf_iface *ifc, uint8_t v)
{
	unsigned exp = v & 0x7f;
	uint64_t units = 1;
	if (v & 0x80) {
		if (exp > 63)
			return -1;
		units = (uint64_t)1 << exp;
	} else {
		if (exp > 19)
			return -1;
		while (exp--)
			units *= 10;
	}
	ifc->units = units;
	ifc->mul = units <= 1000000000u && 1000000000u % units == 0 ? 1000000000u / units : 0;
	return 0;
}

static int idb_option(struct capfile *cf, struct cf_iface *ifc, uint16_t code, struct cur *v,
		      const struct blk *b)
{
	if (code == PCAPNG_IF_NAME) {
		cur_peek_str(v, ifc->name, sizeof ifc->name);
		ifc->named = 1;
	} else if (code == PCAPNG_IF_TSRESOL && cur_left(v) >= 1) {
		uint8_t r = cur_u8(v);
		if (set_tsresol(ifc, r) < 0)
			return cf_fail(cf, -EBADMSG, "bad if_tsresol 0x%02x in interface block at "
				       "offset %llu", r, (unsigned long long)b->off);
	} else if (code == PCAPNG_IF_TSOFFSET && cur_left(v) >= 8) {
		ifc->offset_ns = cf_u64(v, cf->be) * 1000000000u;
	}
	return 0;
}

static int do_idb(struct capfile *cf, struct blk *b)
{
	uint32_t linktype = cf_u16(&b->body, cf->be);
	cur_skip(&b->body, 2);
	uint32_t snaplen = cf_u32(&b->body, cf->be);
	if (!cur_ok(&b->body))
		return bad_len(cf, b, " (interface block)");
	struct cf_iface *ifc = cf_add_iface(cf, linktype, snaplen);
	if (!ifc)
		return cf_fail(cf, -ENOMEM, "too many interfaces at offset %llu",
			       (unsigned long long)b->off);
	cf->sect_nif++;
	set_tsresol(ifc, 6);	/* microseconds unless if_tsresol says otherwise */
	uint16_t code;
	struct cur v;
	while (opt_next(cf, &b->body, &code, &v))
		if (idb_option(cf, ifc, code, &v, b) < 0)
			return cf->errc;
	cf_judge_iface(cf, cf->nif - 1);	/* its name known now */
	return 0;
}

static int pkt_iface(struct capfile *cf, const struct blk *b, uint32_t local, uint32_t *id)
{
	if (local >= cf->sect_nif)
		return cf_fail(cf, -EBADMSG, "packet for undeclared interface %u at offset %llu",
			       local, (unsigned long long)b->off);
	*id = cf->sect_base + local;
	return 0;
}

/* Packet bytes: caplen of them must be in the body. 1, 0 when the
 * interface's packets are kept out (checked all the same), or <0. */
static int pkt_data(struct capfile *cf, struct blk *b, uint32_t id, uint32_t caplen,
		    struct pkt *out)
{
	if (caplen > CF_MAX_CAPLEN || caplen > cur_left(&b->body))
		return cf_fail(cf, -EBADMSG, "bad captured length %u in block at offset %llu",
			       caplen, (unsigned long long)b->off);
	if (cf->ifs[id].skip)
		return 0;
	struct cur d = cur_take(&b->body, caplen);
	out->data = d.base;
	out->caplen = caplen;
	return 1;
}

static void pkt_fill(struct capfile *cf, uint32_t id, uint64_t ts, uint32_t wirelen,
		     struct pkt *out)
{
	const struct cf_iface *ifc = &cf->ifs[id];
	out->iface = id;
	out->linktype = ifc->linktype;
	out->ts_ns = cf_ts_ns(ifc, ts);
	out->wirelen = wirelen;
}

/* EPB and PB after the interface: timestamp (high, low), caplen, wire
 * length, data. */
static int pkt_rest(struct capfile *cf, struct blk *b, uint32_t local, struct pkt *out)
{
	uint32_t id = 0;
	uint64_t hi = cf_u32(&b->body, cf->be);
	uint64_t ts = hi << 32 | cf_u32(&b->body, cf->be);
	uint32_t caplen = cf_u32(&b->body, cf->be);
	uint32_t wirelen = cf_u32(&b->body, cf->be);
	if (!cur_ok(&b->body))
		return bad_len(cf, b, " (packet block)");
	if (pkt_iface(cf, b, local, &id) < 0)
		return cf->errc;
	int rc = pkt_data(cf, b, id, caplen, out);
	if (rc <= 0)
		return rc;
	pkt_fill(cf, id, ts, wirelen, out);
	return 1;
}

/* EPB: a 32-bit interface, then the rest. */
static int do_epb(struct capfile *cf, struct blk *b, struct pkt *out)
{
	uint32_t local = cf_u32(&b->body, cf->be);
	return pkt_rest(cf, b, local, out);
}

/* Obsolete PB: a 16-bit interface and a drop count, then as EPB. */
static int do_pb(struct capfile *cf, struct blk *b, struct pkt *out)
{
	uint32_t local = cf_u16(&b->body, cf->be);
	cur_skip(&b->body, 2);
	return pkt_rest(cf, b, local, out);
}

/* SPB: the section's first interface, no timestamp; the captured length is
 * the wire length cut to the interface's snaplen and to the block. */
static int do_spb(struct capfile *cf, struct blk *b, struct pkt *out)
{
	uint32_t wirelen = cf_u32(&b->body, cf->be), id = 0;
	if (!cur_ok(&b->body))
		return bad_len(cf, b, " (simple packet block)");
	if (pkt_iface(cf, b, 0, &id) < 0)
		return cf->errc;
	uint32_t caplen = wirelen;
	uint32_t snap = cf->ifs[id].snaplen;
	if (snap && caplen > snap)
		caplen = snap;
	if (caplen > cur_left(&b->body))
		caplen = (uint32_t)cur_left(&b->body);
	int rc = pkt_data(cf, b, id, caplen, out);
	if (rc <= 0)
		return rc;
	pkt_fill(cf, id, 0, wirelen, out);
	out->ts_ns = 0;		/* no timestamp: not even the interface's offset */
	return 1;
}

static int do_block(struct capfile *cf, struct blk *b, struct pkt *out)
{
	switch (b->type) {
	case PCAPNG_SHB: return do_shb(cf, b);
	case PCAPNG_IDB: return do_idb(cf, b);
	case PCAPNG_EPB: return do_epb(cf, b, out);
	case PCAPNG_SPB: return do_spb(cf, b, out);
	case PCAPNG_PB: return do_pb(cf, b, out);
	}
	return 0;
}

/* ---- the reader ---- */

int cf_pcapng_start(struct capfile *cf)
{
	snprintf(cf->format, sizeof cf->format, "pcapng");
	struct blk b;
	int rc = blk_head(cf, &b);
	if (rc > 0)
		rc = cf_trunc(cf, 0, "section header");
	if (rc == 0)
		rc = blk_load(cf, &b);
	if (rc == 0)
		rc = do_shb(cf, &b);
	if (rc < 0)
		return rc;
	cf_consume(cf, b.total);
	return 0;
}

/* One block the general way: 1 a packet in *out, 0 none (a block that is
 * not a packet, or the clean end: cf->done), <0 damaged. */
static int blk_next(struct capfile *cf, struct pkt *out)
{
	struct blk b;
	int rc = blk_head(cf, &b);
	if (rc)
		return rc > 0 ? 0 : rc;
	if (!parsed_whole(b.type))
		return blk_skip(cf, &b);
	rc = blk_load(cf, &b);
	if (rc == 0)
		rc = do_block(cf, &b, out);
	if (rc < 0)
		return rc;
	cf_consume(cf, b.total);
	return rc;
}

/* ---- the common block, the short way ----
 *
 * Nearly every block is an EPB of a declared interface, whole in the read
 * buffer. Its fixed part (type, length, interface, timestamp, the two
 * lengths: 28 bytes) is read under one bounds check, its trailer where it
 * is, without a struct blk or a cursor per field: capfile_next costs 85
 * instructions per packet instead of 287. Any other block, one the
 * buffer cuts, or any damage goes the general way (blk_next), which then
 * takes the same bytes to the same packet or says what is wrong: the short
 * way takes only blocks the general one takes, and only as it does. */
#define EPB_FIXED 28
#define EPB_MIN (EPB_FIXED + 4)		/* and the trailing length */

/* 1: a packet in *out; 0: one of an interface kept out (capfile_keep),
 * checked and stepped over, before anything else is read of it; -1: not
 * this way (nothing read). A leaf: units that need a division (not ns, us
 * or another divisor of 1e9) go the general way too, so that nothing here
 * is a call. */
static inline __attribute__((always_inline)) int epb_quick(struct capfile *cf, struct pkt *out, int be)
{
	struct cur c = cur_make(cf_ptr(cf), cf_avail(cf));
	struct cur_fix h;
	if (!cur_fixed(&c, EPB_FIXED, &h))
		return -1;
	uint32_t total = cf_fix32(&h, 4, be), local = cf_fix32(&h, 8, be);
	uint32_t caplen = cf_fix32(&h, 20, be);
	if (cf_fix32(&h, 0, be) != PCAPNG_EPB || total > cf_avail(cf) || total > CF_MAX_PARSED ||
	    total % 4 || total < EPB_MIN || local >= cf->sect_nif || caplen > CF_MAX_CAPLEN ||
	    caplen > total - EPB_MIN)
		return -1;
	const uint8_t *data = cur_take(&c, caplen).base;
	cur_seek(&c, total - 4);
	uint32_t id = cf->sect_base + local;
	const struct cf_iface *ifc = &cf->ifs[id];
	if (cf_u32(&c, be) != total)
		return -1;
	if (ifc->skip) {
		cf_consume(cf, total);
		return 0;
	}
	if (!ifc->mul)
		return -1;
	out->data = data;
	out->ts_ns = ((uint64_t)cf_fix32(&h, 12, be) << 32 | cf_fix32(&h, 16, be)) * ifc->mul +
		     ifc->offset_ns;	/* cf_ts_ns without its division */
	out->caplen = caplen;
	out->wirelen = cf_fix32(&h, 24, be);
	out->linktype = ifc->linktype;
	out->iface = id;
	cf_consume(cf, total);
	return 1;
}

/* Blocks the general way, up to a packet (1), the clean end (0) or damage. */
static __attribute__((noinline)) int next_general(struct capfile *cf, struct pkt *out)
{
	for (;;) {
		int rc = blk_next(cf, out);
		if (rc || cf->done)
			return rc;
		do
			rc = epb_quick(cf, out, cf->be);
		while (rc == 0);
		if (rc > 0)
			return rc;
	}
}

/* The short way's few registers are all the common case pays for: the
 * general way is a call of its own (noinline), not inlined beside it. */
int cf_pcapng_next(struct capfile *cf, struct pkt *out)
{
	int rc;
	do	/* a copy for each byte order: each reads its fields without a test */
		rc = cf->be ? epb_quick(cf, out, 1) : epb_quick(cf, out, 0);
	while (rc == 0);
	return rc > 0 ? 1 : next_general(cf, out);
}

/* cf_pcapng_more's loop in one byte order, epb_quick inlined in it: one
 * call for the batch, not one per packet (a call of its own per byte
 * order, so that each loop's values fit the registers). */
static inline __attribute__((always_inline)) unsigned more_in(struct capfile *cf, struct pkt *out,
							      unsigned n, int be)
{
	unsigned k = 0;
	while (k < n) {
		int rc = epb_quick(cf, &out[k], be);
		if (rc < 0)
			break;
		k += (unsigned)rc;
	}
	return k;
}

static __attribute__((noinline)) unsigned more_le(struct capfile *cf, struct pkt *out, unsigned n)
{
	return more_in(cf, out, n, 0);
}

static __attribute__((noinline)) unsigned more_be(struct capfile *cf, struct pkt *out, unsigned n)
{
	return more_in(cf, out, n, 1);
}

/* The short way only: nothing is refilled, so the packets given before
 * keep their bytes (see capfile_next_n). */
unsigned cf_pcapng_more(struct capfile *cf, struct pkt *out, unsigned n)
{
	return cf->be ? more_be(cf, out, n) : more_le(cf, out, n);
}
