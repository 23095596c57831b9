/* DNS messages: header, first question, every record of the later sections
 * walked and its names checked, EDNS0 OPT. Names are checked as Knot's
 * knot_dname_wire_check does, a little stricter: a compression pointer must
 * point before the start of the run of labels that holds it (the name's
 * start, or the previous pointer's target), so every jump goes strictly
 * backwards past everything read so far and no loop can form. */
#include <stddef.h>
#include <string.h>
#include "decode/dns.h"
#include "decode/layers.h"

enum { DNS_T_NS = 2, DNS_T_CNAME = 5, DNS_T_SOA = 6, DNS_T_PTR = 12, DNS_T_MX = 15,
       DNS_T_SRV = 33, DNS_T_DNAME = 39, DNS_T_OPT = 41 };

#define DNS_HEADER_LEN 12	/* the first question's name starts here */

/* The common name: written out in full (no pointer) inside the message.
 * Its labels are walked in place, over a window of the message (reads at
 * offsets): its length, for one copy of exactly its bytes (copying the rest
 * of the message up to DNS_NAME_WIRE first, then walking the copy, cost as
 * much again). 0 when it is not that simple (a pointer, an odd label, the
 * message ends first): the general walk then decides, from the start.
 * A step ends in one condition (the root, or the window's end) after its
 * read, which needs no check of its own (i < n at each step); the length
 * bytes are or-ed and their top bits tested once at the end (a pointer's
 * byte only makes the walk jump, still inside the window). Shaped as a
 * check before the read, then the root, the walk's end was missed once a
 * name by cachegrind's predictor (7 bits of history); so, it is not.
 * Always inlined: as a call of its own it cost 15 instructions more.
 * *labels is the count of labels when each is under 32 bytes, else 0 (the
 * question's fast text needs both). */
static inline __attribute__((always_inline)) unsigned name_whole(const struct cur_fix *w,
								   uint8_t *labels)
{
	size_t i = 0, n = w->n;
	unsigned k = 0, lens = 0;
	uint8_t b;
	if (!n)
		return 0;
	do {	/* i < n here */
		b = fix_u8(w, i);
		lens |= b;
		k++;
		i += 1u + b;
	} while ((b != 0) & (i < n));
	if (b || (lens & 0xc0))
		return 0;
	*labels = lens < 0x20 ? (uint8_t)(k - 1) : 0;
	return (unsigned)i;
}

/* The two names a record most often has, settled from their first bytes
 * (the general walk costs more than both checks): the root (EDNS0's OPT)
 * and a pointer to the first question's name, once that one is read and
 * valid. 1 when c was moved past such a name, 0 for the general walk.
 * Always inlined: as a call for every record it cost 10 more. */
static inline __attribute__((always_inline)) int name_short(struct cur *c,
								 const struct dns_msg *m)
{
	struct cur_fix w;
	cur_window(c, 2, &w);
	uint8_t b = fix_u8(&w, 0);
	if (b == 0 && w.n) {
		cur_skip(c, 1);
		return 1;
	}
	/* the pointer must point before its own position, as in name_read */
	if (b == 0xc0 && fix_u8(&w, 1) == DNS_HEADER_LEN && m->has_question &&
	    cur_pos(c) > DNS_HEADER_LEN) {
		cur_skip(c, 2);
		return 1;
	}
	return 0;
}

/* One name at *pos in msg (a copy of the whole message's cursor) into
 * wire, letters as on the wire; wire NULL only checks it (the records'
 * names: no copy). A pointer to the first question's name, once that name
 * is read and valid (m->has_question), ends the walk: its labels were
 * checked, only the length is added. On success *pos is where the name
 * ends. (Positions, not the caller's cursor: a cursor whose address
 * reaches this call lives in memory, and dec_dns's own one then cost about
 * 10 loads and stores a message; the message's cursor by value for the
 * same reason: by address, dec_dns stored it for every message, 4 stores,
 * where a copy is made only for the call.) */
static int name_walk(struct cur r, const struct dns_msg *m, size_t *pos,
		     uint8_t *wire, uint8_t *wlen)
{
	unsigned n = 0;
	cur_seek(&r, *pos);
	size_t run = *pos;		/* start of the current run of labels */
	size_t end = 0;			/* where c resumes after a first pointer */

	for (;;) {
		uint8_t b = cur_u8(&r);
		if (!cur_ok(&r))
			return DEC_R_DNS_TRUNC;
		if ((b & 0xc0) == 0xc0) {
			size_t ptr = (size_t)(b & 0x3f) << 8 | cur_u8(&r);
			if (!cur_ok(&r))
				return DEC_R_DNS_TRUNC;
			if (!end)
				end = cur_pos(&r);
			if (ptr >= run)
				return DEC_R_DNS_PTR;
			if (!wire && m && m->has_question && ptr == DNS_HEADER_LEN) {
				if (n + m->qname_wlen > DNS_NAME_WIRE)
					return DEC_R_DNS_NAME_LEN;
				n += m->qname_wlen;
				break;
			}
			run = ptr;
			cur_seek(&r, ptr);
			continue;
		}
		if (b & 0xc0)
			return DEC_R_DNS_LABEL_TYPE;	/* 0x40 extended, 0x80 reserved */
		/* the label, its length byte and the root's zero must fit in 255 */
		if (n + 1u + b + (b ? 1u : 0u) > DNS_NAME_WIRE)
			return DEC_R_DNS_NAME_LEN;
		if (wire)
			wire[n] = b;
		n++;
		if (b == 0)
			break;
		if (wire)
			cur_copy(&r, wire + n, b);
		else
			cur_skip(&r, b);
		if (!cur_ok(&r))
			return DEC_R_DNS_TRUNC;
		n += b;
	}
	*pos = end ? end : cur_pos(&r);
	if (wlen)
		*wlen = (uint8_t)n;
	return DEC_OK;
}

/* The name at c (positions as in msg) by name_walk; c is left after it. */
static inline int name_read(struct cur *c, const struct cur *msg, const struct dns_msg *m,
			    uint8_t *wire, uint8_t *wlen)
{
	size_t pos = cur_pos(c);
	int rc = name_walk(*msg, m, &pos, wire, wlen);
	if (rc == DEC_OK)
		cur_seek(c, pos);
	return rc;
}

/* A name into wire (and its length): the whole name at once when it is
 * written whole, else the general walk. */
static int name_copy(struct cur *c, const struct cur *msg, const struct dns_msg *m,
		     uint8_t *wire, uint8_t *wlen)
{
	struct cur_fix w;
	uint8_t labels;
	cur_window(c, DNS_NAME_WIRE, &w);
	unsigned n = name_whole(&w, &labels);
	if (!n)
		return name_read(c, msg, m, wire, wlen);
	cur_copy(c, wire, n);
	*wlen = (uint8_t)n;
	return DEC_OK;
}

/* A record's name, checked and stepped over (no copy). */
static inline int name_check(struct cur *c, const struct cur *msg, const struct dns_msg *m)
{
	return name_short(c, m) ? DEC_OK : name_read(c, msg, m, NULL, NULL);
}

static void name_lower(uint8_t *wire, unsigned wlen)
{
	/* length bytes are <= 63, below 'A', so every byte can be folded */
	for (unsigned i = 0; i < wlen; i++)
		if (wire[i] >= 'A' && wire[i] <= 'Z')
			wire[i] += 32;
}

int dec_dns_name(struct cur *c, const struct cur *msg, uint8_t *wire, uint8_t *wlen)
{
	int rc = name_copy(c, msg, NULL, wire, wlen);
	if (rc == DEC_OK)
		name_lower(wire, *wlen);
	return rc;
}

/* The bytes that stand for themselves in the presentation form: 0x21..0x7e
 * but '.' and '\\', one bit each (a lookup instead of four compares: the
 * text of every new transaction's name is scanned byte by byte). */
static const uint64_t text_plain_bits[4] = {
	0xffffbffe00000000ull,	/* 0x21..0x3f but '.' (0x2e) */
	0x7fffffffefffffffull,	/* 0x40..0x7e but '\\' (0x5c) */
	0, 0,
};

static int text_plain(uint8_t ch)
{
	return (int)(text_plain_bits[ch >> 6] >> (ch & 63) & 1);
}

/* Appends one byte's presentation form. */
static unsigned text_byte(uint8_t ch, char *dst, unsigned n, unsigned cap)
{
	if (text_plain(ch)) {
		if (n + 1 < cap)	/* the common case: the byte itself */
			dst[n++] = (char)ch;
		return n;
	}
	char tmp[4];
	unsigned k = 0;
	tmp[k++] = '\\';
	if (ch == '.' || ch == '\\') {
		tmp[k++] = (char)ch;
	} else {
		tmp[k++] = (char)('0' + ch / 100);
		tmp[k++] = (char)('0' + ch / 10 % 10);
		tmp[k++] = (char)('0' + ch % 10);
	}
	for (unsigned i = 0; i < k && n + 1 < cap; i++)
		dst[n++] = tmp[i];
	return n;
}

#define ONES8 0x0101010101010101ull
#define TOPS8 0x8080808080808080ull

/* The last (n % 8) bytes of a word read 8 back from the end: the bytes
 * kept, in memory order, whatever the host's byte order. */
static const uint8_t text_tail_keep[16] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
};

/* 8 bytes at once: 1 in each byte lane that does not stand for itself in
 * the presentation form (outside 0x21..0x7e, or '.' or '\\'), as
 * text_plain tells one byte. Exact per byte: the adds work on the low 7
 * bits, so no carry crosses into the next byte. (Said as what is odd, not
 * as what is plain then inverted: 5 instructions a word less.) At most 32
 * words are summed: no lane overflows. */
static uint64_t text_odd8(uint64_t x)
{
	uint64_t low = x & ~TOPS8;
	uint64_t plain = (low + (0x80 - 0x21) * ONES8)		/* top bit: low >= 0x21 */
		& ((low ^ '.' * ONES8) + ~TOPS8)		/* top bit: low != '.' */
		& ((low ^ '\\' * ONES8) + ~TOPS8);		/* top bit: low != '\\' */
	uint64_t odd = ~plain | (low + ONES8) | x;	/* or low == 0x7f, or x >= 0x80 */
	return (odd & TOPS8) >> 7;
}

/* The lanes' sum (the top byte of the product; at most 255 here). */
static unsigned lanes_sum(uint64_t v)
{
	return (unsigned)((v * ONES8) >> 56);
}

/* The common name of 8 text bytes or more, every byte plain and every
 * label under 33 bytes, the whole text within cap. Its labels (the wire
 * form less its first length byte and the root's zero) are copied and
 * checked 8 bytes at a time in one pass: the only bytes that are not plain
 * may be the length bytes between labels, all under 0x21 by the condition
 * (never plain), so their count tells that no label byte needs an escape.
 * Then each length byte becomes a dot. (A byte at a time this cost about
 * 5 instructions a byte, on every new transaction's name; always inlined:
 * as a call of its own it cost 10 more a name.) The text length, or -1 when
 * the name is not that simple: the byte-by-byte walk then writes it. */
static inline __attribute__((always_inline)) int text_whole(const uint8_t *wire, unsigned wlen,
							   char *dst, unsigned cap)
{
	if (wlen < 10 || wlen - 1 > cap)
		return -1;
	unsigned n = wlen - 2, i = 0, p = 0, labels = 0;
	const uint8_t *text = wire + 1;	/* the name's copy (qname_raw), not packet bytes */
	uint64_t odd = 0, x;
	for (; i + 8 <= n; i += 8) {
		memcpy(&x, text + i, 8);
		memcpy(dst + i, &x, 8);
		odd += text_odd8(x);
	}
	if (i < n) {
		/* the last bytes, in the word that ends the text; the ones
		 * counted already become plain filler ('a') */
		uint64_t keep;
		memcpy(&x, text + n - 8, 8);
		memcpy(dst + n - 8, &x, 8);
		memcpy(&keep, text_tail_keep + (n - i), 8);
		odd += text_odd8((x & keep) | ('a' * ONES8 & ~keep));
	}
	for (uint8_t len = wire[0]; len; len = wire[p]) {
		if (p + len > n || (p && len > 0x20))	/* the label is dst[p .. p + len - 1] */
			return -1;
		if (p)
			dst[p - 1] = '.';
		labels++;
		p += 1u + len;
	}
	if (p != n + 1 || lanes_sum(odd) != labels - 1)
		return -1;	/* the root's zero ends it, and nothing else */
	dst[n] = 0;
	return (int)n;
}

unsigned dec_dns_name_text(const uint8_t *wire, unsigned wlen, char *dst, unsigned cap)
{
	if (cap == 0)
		return 0;
	int fast = text_whole(wire, wlen, dst, cap);
	if (fast >= 0)
		return (unsigned)fast;
	struct cur w = cur_make(wire, wlen);
	unsigned n = 0;
	for (;;) {
		uint8_t len = cur_u8(&w);
		if (len == 0 || !cur_ok(&w))
			break;
		if (n && n + 1 < cap)
			dst[n++] = '.';
		struct cur label = cur_take_upto(&w, len);	/* a cut label: what is there */
		for (size_t i = cur_left(&label); i; i--)
			n = text_byte(cur_u8(&label), dst, n, cap);
		if (cur_pos(&label) < len)
			break;
	}
	if (n == 0 && cap > 1)
		dst[n++] = '.';		/* the root */
	dst[n] = 0;
	return n;
}

/* The flag fields of the flags word's high byte (qr, opcode, aa, tc, rd;
 * ra and rcode, of the low byte, 0): one load and one store of all the
 * flag fields instead of a shift and a mask each (about 20 instructions a
 * message less). */
#define FLAGS_HI(b) { .qr = (b) >> 7, .opcode = (b) >> 3 & 15, .aa = (b) >> 2 & 1, \
		      .tc = (b) >> 1 & 1, .rd = (b) & 1 }
#define FLAGS_HI4(b) FLAGS_HI(b), FLAGS_HI((b) + 1), FLAGS_HI((b) + 2), FLAGS_HI((b) + 3)
#define FLAGS_HI16(b) FLAGS_HI4(b), FLAGS_HI4((b) + 4), FLAGS_HI4((b) + 8), FLAGS_HI4((b) + 12)
#define FLAGS_HI64(b) FLAGS_HI16(b), FLAGS_HI16((b) + 16), FLAGS_HI16((b) + 32), \
		      FLAGS_HI16((b) + 48)
static const struct dns_flag_fields flags_hi[256] = {
	FLAGS_HI64(0), FLAGS_HI64(64), FLAGS_HI64(128), FLAGS_HI64(192),
};

/* 0, or -ERANGE when the 12 bytes are not there (m untouched). */
static int dns_header(struct cur *c, struct dns_msg *m)
{
	struct cur_fix h;
	if (!cur_fixed(c, 12, &h))
		return -ERANGE;
	uint16_t flags = fix_be16(&h, 2);
	m->id = fix_be16(&h, 0);
	m->flags = flags;
	m->qdcount = fix_be16(&h, 4);
	m->ancount = fix_be16(&h, 6);
	m->nscount = fix_be16(&h, 8);
	m->arcount = fix_be16(&h, 10);
	m->flag_fields = flags_hi[flags >> 8];
	m->ra = (flags >> 7) & 1;
	m->rcode = flags & 0x0f;
	return 0;
}

/* 'A'..'Z' to lower case in 8 bytes at once: a byte's top bit, after
 * adding to its low 7 bits, tells >= 'A' and > 'Z'; bytes >= 0x80 stay. */
static uint64_t fold8(uint64_t x)
{
	const uint64_t ones = 0x0101010101010101ull, tops = 0x8080808080808080ull;
	uint64_t low = x & ~tops;
	uint64_t ge_a = low + (0x80 - 'A') * ones, gt_z = low + (0x80 - 'Z' - 1) * ones;
	uint64_t upper = (ge_a ^ gt_z) & ~x & tops;
	return x | upper >> 2;	/* 0x80 >> 2: the case bit 0x20 */
}

/* The lowercased copy the matcher keys on (length bytes are <= 63: never
 * letters), and its hash: hash_bytes(HASH_SEED, wire, wlen), made from the
 * words as they are folded. Over 8 bytes, hash_bytes takes the same words
 * the fold does: those that end before the last byte, then the last 8 (the
 * fold's overlapping tail word); a second pass over the copy cost about 30
 * instructions a message. */
static uint64_t name_fold(const uint8_t *raw, uint8_t *wire, unsigned wlen)
{
	if (wlen <= 8) {
		for (unsigned i = 0; i < wlen; i++)
			wire[i] = raw[i] >= 'A' && raw[i] <= 'Z' ? raw[i] + 32 : raw[i];
		return hash_bytes(HASH_SEED, wire, wlen);
	}
	uint64_t h = hash_word(HASH_SEED, wlen), w;
	for (unsigned i = 0; i + 8 < wlen; i += 8) {
		memcpy(&w, raw + i, 8);
		w = fold8(w);
		memcpy(wire + i, &w, 8);
		h = hash_word(h, w);
	}
	/* the last 8 bytes, partly folded already: folding is idempotent */
	memcpy(&w, raw + wlen - 8, 8);
	w = fold8(w);
	memcpy(wire + wlen - 8, &w, 8);
	return hash_word(h, w);
}

/* The question's name written whole and over 8 bytes (the common one),
 * from q (the name, then its type and class): copied as written into raw,
 * folded into wire and hashed, a word at a time in one pass (name_fold's
 * words, read from the message: a copy first and then the fold over it
 * cost about 25 instructions more). Its hash, as name_fold gives it. */
static uint64_t name_take(const struct cur_fix *q, size_t n, uint8_t *raw, uint8_t *wire)
{
	uint64_t h = hash_word(HASH_SEED, n), x;
	for (size_t i = 0; i + 8 < n; i += 8) {
		x = fix_word(q, i);
		memcpy(raw + i, &x, 8);
		x = fold8(x);
		memcpy(wire + i, &x, 8);
		h = hash_word(h, x);
	}
	x = fix_word(q, n - 8);	/* the last 8, as in name_fold */
	memcpy(raw + n - 8, &x, 8);
	x = fold8(x);
	memcpy(wire + n - 8, &x, 8);
	return hash_word(h, x);
}

/* The first question: its name into qname_raw (as written) and qname_wire
 * (folded), its hash, qname_labels for its text, qtype and qclass. The
 * common name (written whole, over 8 bytes) and the 4 bytes after it are
 * taken in one step (one bounds check), the name's words from there. */
static int dns_question(struct cur *c, const struct cur *msg, struct dns_msg *m)
{
	struct cur_fix w, q;
	uint64_t hash;
	cur_window(c, DNS_NAME_WIRE, &w);
	size_t n = name_whole(&w, &m->qname_labels);
	if (n > 8) {
		if (!cur_span(c, n + 4, &q))
			return DEC_R_DNS_TRUNC;
		hash = name_take(&q, n, m->qname_raw, m->qname_wire);
		m->qname_wlen = (uint8_t)n;
	} else {
		m->qname_labels = 0;
		if (n) {
			cur_copy(c, m->qname_raw, n);
			m->qname_wlen = (uint8_t)n;
		} else {
			int rc = name_read(c, msg, m, m->qname_raw, &m->qname_wlen);
			if (rc)
				return rc;
		}
		hash = name_fold(m->qname_raw, m->qname_wire, m->qname_wlen);
		n = 0;
		if (!cur_span(c, 4, &q))
			return DEC_R_DNS_TRUNC;
	}
	uint32_t tc = fix_be32(&q, n);	/* type and class: one read, one check */
	m->qtype = (uint16_t)(tc >> 16);
	m->qclass = (uint16_t)tc;
	m->qname_hash = hash;
	m->has_question = 1;
	return DEC_OK;
}

/* The question's text when dec_dns found its name written whole, labels
 * of it (m->qname_labels), each under 32 bytes: then the labels' length
 * bytes are sound and all below 0x21, so the text (the wire form less its
 * first length byte and the root's zero) needs no label walk. Its bytes
 * are copied and checked 8 at a time: the ones that are not plain must be
 * the labels - 1 length bytes between labels and nothing else, and those
 * become dots in the same pass. (text_whole's walk of the labels to place
 * the dots cost about 60 instructions a name, and its call layers 30.)
 * The text length, or -1 when a byte needs an escape: the byte-by-byte
 * walk then writes it. Always inlined: where the text is known to be at
 * most 16 bytes (dec_dns_qname_text) the loop is gone and fewer registers
 * are saved (as a call of its own it cost about 17 instructions more). */
static inline __attribute__((always_inline)) int text_known(const uint8_t *wire, unsigned wlen,
							    unsigned labels, char *dst, unsigned cap)
{
	if (wlen < 10 || wlen - 1 > cap)
		return -1;
	size_t n = wlen - 2, i = 0;
	const uint8_t *text = wire + 1;	/* the name's copy (qname_raw), not packet bytes */
	uint64_t odd = 0, x, at, keep;
	for (; i + 8 < n; i += 8) {
		memcpy(&x, text + i, 8);
		at = text_odd8(x);
		odd += at;
		x ^= (x ^ '.' * ONES8) & at * 0xff;	/* a dot where not plain */
		memcpy(dst + i, &x, 8);
	}
	/* the word that ends the text (1 to 8 bytes not counted yet): the
	 * bytes counted already are written again, the same */
	memcpy(&x, text + n - 8, 8);
	memcpy(&keep, text_tail_keep + (n - i), 8);
	at = text_odd8(x);
	odd += at & keep;
	x ^= (x ^ '.' * ONES8) & at * 0xff;
	memcpy(dst + n - 8, &x, 8);
	if (lanes_sum(odd) != labels - 1)
		return -1;
	dst[n] = 0;
	return (int)n;
}

/* The question's text when it has more than 16 bytes: text_known's loop,
 * or the walk. */
static __attribute__((noinline)) unsigned qname_text_long(const struct dns_msg *m, char *dst,
							 unsigned cap)
{
	int n = text_known(m->qname_raw, m->qname_wlen, m->qname_labels, dst, cap);
	if (n >= 0)
		return (unsigned)n;
	return dec_dns_name_text(m->qname_raw, m->qname_wlen, dst, cap);
}

unsigned dec_dns_qname_text(const struct dns_msg *m, char *dst, unsigned cap)
{
	if (!m->has_question) {
		if (cap)
			dst[0] = 0;
		return 0;
	}
	if (m->qname_labels && m->qname_wlen > 18)
		return qname_text_long(m, dst, cap);
	if (m->qname_labels) {
		int n = text_known(m->qname_raw, m->qname_wlen, m->qname_labels, dst, cap);
		if (n >= 0)
			return (unsigned)n;
	}
	return dec_dns_name_text(m->qname_raw, m->qname_wlen, dst, cap);
}

/* Checks the names inside the RDATA of the types that carry them; the
 * names must end inside the RDATA (start .. end in msg). The cursor is made
 * only for those types (most records, A, AAAA, OPT, have no names: making
 * it for every record cost more than their switch). */
static int rdata_names(const struct cur *msg, const struct dns_msg *m, uint16_t type,
		       size_t start, size_t end)
{
	int names = 1, rc;
	size_t fixed_before = 0, fixed_after = 0;

	switch (type) {	/* those of RDATA_NAMED */
	case DNS_T_NS: case DNS_T_CNAME: case DNS_T_PTR: case DNS_T_DNAME:
		break;
	case DNS_T_MX:
		fixed_before = 2;
		break;
	case DNS_T_SRV:
		fixed_before = 6;
		break;
	case DNS_T_SOA:
		names = 2;
		fixed_after = 20;
		break;
	default:
		return DEC_OK;
	}
	struct cur c = *msg;
	cur_seek(&c, start);
	if (fixed_before)
		cur_skip(&c, fixed_before);
	while (names--) {
		if ((rc = name_check(&c, msg, m)))
			return rc;
	}
	if (!cur_ok(&c) || cur_pos(&c) + fixed_after > end)
		return DEC_R_DNS_RR;
	return DEC_OK;
}

/* EDNS0 (RFC 6891): class is the UDP size, TTL holds the extended rcode,
 * version and the DO bit. */
static void dns_opt(struct dns_msg *m, uint16_t klass, uint32_t ttl)
{
	m->has_edns = 1;
	m->edns_udp_size = klass;
	m->edns_version = (uint8_t)(ttl >> 16);
	m->edns_do = (ttl >> 15) & 1;
	m->rcode = (uint16_t)((ttl >> 24) << 4 | (m->flags & 0x0f));
}

/* The types whose RDATA holds names (rdata_names), one bit each: a test of
 * one bit instead of the switch for every record (most are A, AAAA, OPT). */
#define RDATA_NAMED (1ull << DNS_T_NS | 1ull << DNS_T_CNAME | 1ull << DNS_T_SOA | \
		     1ull << DNS_T_PTR | 1ull << DNS_T_MX | 1ull << DNS_T_SRV | \
		     1ull << DNS_T_DNAME)

static int dns_rr(struct cur *c, const struct cur *msg, struct dns_msg *m, int additional)
{
	int rc = name_check(c, msg, m);
	if (rc)
		return rc;
	struct cur_fix h;
	cur_fixed(c, 10, &h);	/* an overrun is seen after the RDATA's skip */
	uint16_t type = fix_be16(&h, 0);
	uint16_t rdlen = fix_be16(&h, 8);
	size_t start = cur_pos(c);
	cur_skip(c, rdlen);
	if (!cur_ok(c))
		return DEC_R_DNS_TRUNC;
	if (type < 64 && (RDATA_NAMED >> type & 1) &&
	    (rc = rdata_names(msg, m, type, start, start + rdlen)))
		return rc;
	if (type == DNS_T_OPT && additional && !m->has_edns)
		dns_opt(m, fix_be16(&h, 2), fix_be32(&h, 4));
	return DEC_OK;
}

/* Everything after the first question. Errors here leave the message usable:
 * they are recorded in rr_error and the walk stops. The three sections'
 * records are walked in one loop (the additional ones are the last
 * arcount): a loop per section cost about 20 instructions a message, most
 * of them for sections that are empty. */
static void dns_sections(struct cur *c, const struct cur *msg, struct dns_msg *m)
{
	for (unsigned i = 1; i < m->qdcount; i++) {
		int rc = name_check(c, msg, m);
		cur_skip(c, 4);
		if (rc || !cur_ok(c)) {
			m->rr_error = (uint8_t)(rc ? rc : DEC_R_DNS_TRUNC);
			return;
		}
	}
	unsigned later = (unsigned)m->ancount + m->nscount, all = later + m->arcount, i;
	int rc = 0;
	for (i = 0; i < all && !rc; i++)
		rc = dns_rr(c, msg, m, i >= later);
	/* the answers that were valid: all of them unless the walk stopped there */
	unsigned ok = rc ? i - 1 : i;
	m->rrs_ok = (uint16_t)ok;
	m->answers_ok = (uint16_t)(ok < m->ancount ? ok : m->ancount);
	if (rc) {
		m->rr_error = (uint8_t)rc;
		return;
	}
	m->sections_ok = 1;
}

int dec_dns(struct cur *c, struct dns_msg *m)
{
	/* clear all but the name buffers, which get their length below */
	memset(m, 0, offsetof(struct dns_msg, qname_wire));
	memset(&m->answers_ok, 0, sizeof *m - offsetof(struct dns_msg, answers_ok));
	m->qname_wlen = 0;
	m->qname_hash = 0;

	struct cur msg = cur_rest(c);	/* positions from the message's first byte */
	struct cur r = msg;
	if (dns_header(&r, m))
		return DEC_R_DNS_TRUNC;
	if (m->qdcount) {
		int rc = dns_question(&r, &msg, m);
		if (rc)
			return rc;
	}
	dns_sections(&r, &msg, m);
	return DEC_OK;
}

const char *dec_dns_rcode_name(unsigned rcode, char *buf, unsigned cap)
{
	static const char *const names[] = {
		"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED",
		"YXDOMAIN", "YXRRSET", "NXRRSET", "NOTAUTH", "NOTZONE", "DSOTYPENI",
		[16] = "BADVERS", "BADKEY", "BADTIME", "BADMODE", "BADNAME", "BADALG",
		"BADTRUNC", "BADCOOKIE",
	};
	if (rcode < sizeof names / sizeof names[0] && names[rcode])
		return names[rcode];
	if (cap) {
		/* the number, without stdio (decoders never print) */
		char tmp[12];
		unsigned k = 0, n = 0;
		do
			tmp[k++] = (char)('0' + rcode % 10);
		while ((rcode /= 10) && k < sizeof tmp);
		while (k && n + 1 < cap)
			buf[n++] = tmp[--k];
		buf[n] = 0;
	}
	return buf;
}
