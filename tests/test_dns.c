/* DNS messages: a query and a compressed response decoded whole and cut at
 * every length; names (escapes, case, root, the 255 limit); hostile names
 * (compression loops, forward pointers, label types, overlong names);
 * later sections malformed while the question stays usable. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "decode/dns.h"
#include "decode/layers.h"

struct msg {
	uint8_t b[1024];
	size_t n;
};

static void put8(struct msg *m, unsigned v) { m->b[m->n++] = (uint8_t)v; }
static void put16(struct msg *m, unsigned v) { put8(m, v >> 8); put8(m, v); }
static void put32(struct msg *m, uint32_t v) { put16(m, v >> 16); put16(m, v & 0xffff); }
/* "www.example.com" as labels, then the root (or nothing when ptr_to >= 0: a pointer). */
static void name(struct msg *m, const char *dotted, int ptr_to)
{
	while (*dotted) {
		const char *dot = strchr(dotted, '.');
		size_t n = dot ? (size_t)(dot - dotted) : strlen(dotted);
		put8(m, (unsigned)n);
		memcpy(m->b + m->n, dotted, n);
		m->n += n;
		dotted += n + (dot ? 1 : 0);
	}
	if (ptr_to >= 0)
		put16(m, 0xc000u | (unsigned)ptr_to);
	else
		put8(m, 0);
}
static void header(struct msg *m, unsigned id, unsigned flags, unsigned qd, unsigned an,
		   unsigned ns, unsigned ar)
{
	m->n = 0;
	put16(m, id); put16(m, flags); put16(m, qd); put16(m, an); put16(m, ns); put16(m, ar);
}
static void rr(struct msg *m, unsigned type, unsigned klass, uint32_t ttl)
{
	put16(m, type); put16(m, klass); put32(m, ttl);
}

/* The question's text (two at a time: the buffers take turns). */
static const char *qtext(const struct dns_msg *m)
{
	static char buf[2][DNS_NAME_TEXT];
	static unsigned k;
	char *t = buf[k++ % 2];
	unsigned n = dec_dns_qname_text(m, t, DNS_NAME_TEXT);
	assert_true(strlen(t) == n);
	return t;
}

static int decode(const struct msg *m, size_t n, struct dns_msg *out)
{
	uint8_t *b = malloc(n ? n : 1);	/* exact size: overreads are sanitizer errors */
	memcpy(b, m->b, n);
	struct cur c = cur_make(b, n);
	int rc = dec_dns(&c, out);
	free(b);
	assert_true(rc >= 0 && rc < DEC_R_MAX);
	qtext(out);
	assert_true(out->answers_ok <= out->ancount && out->rrs_ok >= out->answers_ok);
	return rc;
}

static struct dns_msg dm;

/* www.example.com A? with EDNS0, DO set, 1232-byte UDP size */
static size_t query(struct msg *m)
{
	header(m, 0xbeef, 0x0120, 1, 0, 0, 1);
	name(m, "WwW.ExAmple.COM", -1);
	put16(m, 1); put16(m, 1);
	size_t q_end = m->n;
	put8(m, 0);
	rr(m, 41, 1232, 0x00008000);
	put16(m, 0);
	return q_end;
}

/* A response: CNAME to web.example.com (compressed), A, NS in authority,
 * OPT in additional with an extended rcode. */
static size_t response(struct msg *m, unsigned ext_rcode)
{
	header(m, 0xbeef, 0x8180 | 0, 1, 2, 1, 1);
	name(m, "www.example.com", -1);
	put16(m, 1); put16(m, 1);
	size_t q_end = m->n;
	put16(m, 0xc00c);			/* www.example.com */
	rr(m, 5, 1, 300);
	put16(m, 6);
	name(m, "web", 16);			/* web + example.com */
	size_t web = m->n - 6;
	put16(m, 0xc000u | (unsigned)web);
	rr(m, 1, 1, 300);
	put16(m, 4); put32(m, 0x0a000002);
	put16(m, 0xc010);			/* example.com */
	rr(m, 2, 1, 3600);
	put16(m, 5);
	name(m, "ns", 16);
	put8(m, 0);
	rr(m, 41, 4096, (uint32_t)ext_rcode << 24);
	put16(m, 0);
	return q_end;
}

static void test_query(void **state)
{
	(void)state;
	struct msg m;
	query(&m);
	assert_int_equal(decode(&m, m.n, &dm), DEC_OK);
	assert_int_equal(dm.id, 0xbeef);
	assert_int_equal(dm.qr, 0);
	assert_int_equal(dm.rd, 1);
	assert_int_equal(dm.opcode, 0);
	assert_int_equal(dm.qdcount, 1);
	assert_int_equal(dm.arcount, 1);
	assert_true(dm.has_question);
	assert_int_equal(dm.qtype, 1);
	assert_int_equal(dm.qclass, 1);
	assert_string_equal(qtext(&dm), "WwW.ExAmple.COM");	/* as written */
	assert_int_equal(dm.qname_wlen, 17);
	assert_memory_equal(dm.qname_wire, "\3www\7example\3com", 17);	/* lowercased */
	assert_true(dm.has_edns);
	assert_int_equal(dm.edns_udp_size, 1232);
	assert_int_equal(dm.edns_do, 1);
	assert_int_equal(dm.edns_version, 0);
	assert_true(dm.sections_ok);
	assert_int_equal(dm.rr_error, 0);
	assert_int_equal(dm.rrs_ok, 1);
}

static void test_response(void **state)
{
	(void)state;
	struct msg m;
	response(&m, 0);
	assert_int_equal(decode(&m, m.n, &dm), DEC_OK);
	assert_int_equal(dm.qr, 1);
	assert_int_equal(dm.ra, 1);
	assert_int_equal(dm.ancount, 2);
	assert_int_equal(dm.answers_ok, 2);
	assert_int_equal(dm.rrs_ok, 4);
	assert_true(dm.sections_ok);
	assert_int_equal(dm.rcode, 0);
	assert_int_equal(dm.edns_udp_size, 4096);
	assert_string_equal(qtext(&dm), "www.example.com");
	char buf[16];
	assert_string_equal(dec_dns_rcode_name(dm.rcode, buf, sizeof buf), "NOERROR");
	/* EDNS0's upper rcode bits: 1 << 4 | 0 = 16, BADVERS */
	response(&m, 1);
	assert_int_equal(decode(&m, m.n, &dm), DEC_OK);
	assert_int_equal(dm.rcode, 16);
	assert_string_equal(dec_dns_rcode_name(dm.rcode, buf, sizeof buf), "BADVERS");
	/* NXDOMAIN from the header */
	m.b[3] = 0x83;
	response(&m, 0);
	m.b[3] = 0x83;
	assert_int_equal(decode(&m, m.n, &dm), DEC_OK);
	assert_string_equal(dec_dns_rcode_name(dm.rcode, buf, sizeof buf), "NXDOMAIN");
}

/* Cut at every length: before the question ends an error; after it DEC_OK,
 * with the cut showing as rr_error until the message is whole. */
static void every_cut(const struct msg *m, size_t q_end)
{
	struct dns_msg full;
	assert_int_equal(decode(m, m->n, &full), DEC_OK);
	for (size_t n = 0; n < m->n; n++) {
		int rc = decode(m, n, &dm);
		if (n < q_end) {
			assert_int_equal(rc, n < 12 ? DEC_R_DNS_TRUNC : rc);
			assert_int_not_equal(rc, DEC_OK);
			continue;
		}
		assert_int_equal(rc, DEC_OK);
		assert_string_equal(qtext(&dm), qtext(&full));
		assert_int_equal(dm.id, full.id);
		assert_false(dm.sections_ok);
		assert_int_equal(dm.rr_error, DEC_R_DNS_TRUNC);
		assert_true(dm.rrs_ok < full.rrs_ok);
	}
}

static void test_every_cut(void **state)
{
	(void)state;
	struct msg m;
	every_cut(&m, query(&m));
	every_cut(&m, response(&m, 0));
}

static void test_escapes_and_root(void **state)
{
	(void)state;
	struct msg m;
	header(&m, 1, 0x0100, 1, 0, 0, 0);
	const uint8_t odd[] = { 8, 'a', '.', 'b', '\\', 4, ' ', 'D', 0x80, 2, 'c', 'n', 0 };
	memcpy(m.b + m.n, odd, sizeof odd);
	m.n += sizeof odd;
	put16(&m, 1); put16(&m, 1);
	assert_int_equal(decode(&m, m.n, &dm), DEC_OK);
	assert_string_equal(qtext(&dm), "a\\.b\\\\\\004\\032D\\128.cn");
	assert_int_equal(dm.qname_wire[7], 'd');	/* lowercased in wire form */
	/* letters folded 8 bytes at a time: the bytes around 'A'..'Z', and above 0x7f, stay */
	header(&m, 3, 0x0100, 1, 0, 0, 0);
	const uint8_t edge[] = { 12, '@', 'A', 'Z', '[', '`', 'a', 'z', '{', 0xc1, 0xda, 'Q', 'm', 0 };
	memcpy(m.b + m.n, edge, sizeof edge);
	m.n += sizeof edge;
	put16(&m, 1); put16(&m, 1);
	assert_int_equal(decode(&m, m.n, &dm), DEC_OK);
	const uint8_t folded[] = { 12, '@', 'a', 'z', '[', '`', 'a', 'z', '{', 0xc1, 0xda, 'q', 'm', 0 };
	assert_memory_equal(dm.qname_wire, folded, sizeof folded);
	assert_memory_equal(dm.qname_raw, edge, sizeof edge);
	header(&m, 1, 0x0100, 1, 0, 0, 0);
	memcpy(m.b + m.n, odd, sizeof odd);
	m.n += sizeof odd;
	put16(&m, 1); put16(&m, 1);
	assert_int_equal(decode(&m, m.n, &dm), DEC_OK);
	/* cut short, the text is the full text's start (a transaction's name
	 * field holds the first bytes), escapes cut too */
	const char *full = qtext(&dm);
	for (unsigned cap = 1; cap <= strlen(full) + 1; cap++) {
		char cut[64];
		assert_int_equal(dec_dns_qname_text(&dm, cut, cap), cap - 1);
		assert_int_equal(strncmp(cut, full, cap - 1), 0);
	}
	/* the root: NS . */
	header(&m, 2, 0x0100, 1, 0, 0, 0);
	put8(&m, 0);
	put16(&m, 2); put16(&m, 1);
	assert_int_equal(decode(&m, m.n, &dm), DEC_OK);
	assert_string_equal(qtext(&dm), ".");
	assert_int_equal(dm.qname_wlen, 1);
	/* no question at all */
	header(&m, 3, 0x8180, 0, 0, 0, 0);
	assert_int_equal(decode(&m, m.n, &dm), DEC_OK);
	assert_false(dm.has_question);
	assert_string_equal(qtext(&dm), "");
	char buf[16];
	assert_string_equal(dec_dns_rcode_name(3841, buf, sizeof buf), "3841");
	assert_string_equal(dec_dns_rcode_name(12, buf, sizeof buf), "12");
	assert_string_equal(dec_dns_rcode_name(5, buf, sizeof buf), "REFUSED");
}

/* The word-at-a-time text (names of 8 text bytes or more): against a byte
 * by byte reference, with an odd byte ('.', '\\', a space, 0x7f, 0x80) put
 * at every position of every label split, and labels of 32 and 33 bytes
 * (33 is '!' as a length byte: the word path leaves those to the walk).
 * Also the question's hash, made while folding, against hash_bytes. */
static unsigned ref_text(const uint8_t *wire, char *dst)
{
	unsigned n = 0, p = 0;
	for (uint8_t len; (len = wire[p]) != 0; p += 1u + len) {
		if (p)
			dst[n++] = '.';
		for (unsigned i = 1; i <= len; i++) {
			uint8_t ch = wire[p + i];
			if (ch == '.' || ch == '\\')
				n += (unsigned)sprintf(dst + n, "\\%c", ch);
			else if (ch < 0x21 || ch > 0x7e)
				n += (unsigned)sprintf(dst + n, "\\%03u", ch);
			else
				dst[n++] = (char)ch;
		}
	}
	if (!n)
		dst[n++] = '.';
	dst[n] = 0;
	return n;
}

static void check_text(const uint8_t *wire, unsigned wlen)
{
	char want[DNS_NAME_TEXT], got[DNS_NAME_TEXT];
	unsigned n = ref_text(wire, want);
	assert_int_equal(dec_dns_name_text(wire, wlen, got, sizeof got), n);
	assert_string_equal(got, want);
	/* and through a message: the text, and the hash made while folding */
	struct msg m;
	header(&m, 7, 0x0100, 1, 0, 0, 0);
	memcpy(m.b + m.n, wire, wlen);
	m.n += wlen;
	put16(&m, 1); put16(&m, 1);
	assert_int_equal(decode(&m, m.n, &dm), DEC_OK);
	assert_string_equal(qtext(&dm), want);
	assert_true(dm.qname_hash == hash_bytes(HASH_SEED, dm.qname_wire, dm.qname_wlen));
}

static void test_text_words(void **state)
{
	(void)state;
	static const uint8_t odd[] = { '.', '\\', ' ', 0x7f, 0x80, 'Q' };
	for (unsigned total = 1; total <= 40; total++) {	/* label bytes in all */
		for (unsigned first = 1; first <= total; first++) {	/* two labels, or one */
			uint8_t wire[64];
			unsigned wlen = 0, second = total - first;
			wire[wlen++] = (uint8_t)first;
			for (unsigned i = 0; i < first; i++)
				wire[wlen++] = (uint8_t)('a' + i % 26);
			if (second) {
				wire[wlen++] = (uint8_t)second;
				for (unsigned i = 0; i < second; i++)
					wire[wlen++] = (uint8_t)('A' + i % 26);
			}
			wire[wlen++] = 0;
			check_text(wire, wlen);
			for (unsigned at = 0; at < wlen - 1; at++) {
				if (at == 0 || (second && at == first + 1))
					continue;	/* a length byte */
				for (unsigned k = 0; k < sizeof odd; k++) {
					uint8_t w2[64];
					memcpy(w2, wire, wlen);
					w2[at] = odd[k];
					check_text(w2, wlen);
				}
			}
		}
	}
	/* three to five labels (the question's text counts them while
	 * decoding): every label length to 31 in turn, the others short, and an
	 * odd byte in the last label */
	for (unsigned labels = 3; labels <= 5; labels++) {
		for (unsigned len = 1; len <= 32; len++) {
			for (unsigned k = 0; k <= sizeof odd; k++) {
				uint8_t wire[200];
				unsigned wlen = 0;
				for (unsigned l = 0; l < labels; l++) {
					unsigned n = l == labels / 2 ? len : l + 1;
					wire[wlen++] = (uint8_t)n;
					for (unsigned i = 0; i < n; i++)
						wire[wlen++] = (uint8_t)('a' + (i + l) % 26);
				}
				if (k < sizeof odd)
					wire[wlen - 1] = odd[k];
				wire[wlen++] = 0;
				check_text(wire, wlen);
			}
		}
	}
	/* a label of 32 bytes (length byte 0x20), then one of 33 ('!') */
	for (unsigned len = 32; len <= 33; len++) {
		uint8_t wire[80];
		unsigned wlen = 0;
		wire[wlen++] = 3;
		memcpy(wire + wlen, "www", 3);
		wlen += 3;
		wire[wlen++] = (uint8_t)len;
		memset(wire + wlen, 'x', len);
		wlen += len;
		wire[wlen++] = 0;
		check_text(wire, wlen);
	}
}

/* Names of exactly 255 bytes pass; 256 do not, whether written out or
 * assembled through a pointer. */
static void test_name_length(void **state)
{
	(void)state;
	char l63[64], l61[62], l62[63];
	memset(l63, 'a', 63); l63[63] = 0;
	memset(l61, 'b', 61); l61[61] = 0;
	memset(l62, 'b', 62); l62[62] = 0;
	char n255[300], n256[300];
	snprintf(n255, sizeof n255, "%s.%s.%s.%s", l63, l63, l63, l61);	/* 3*64 + 62 + 1 */
	snprintf(n256, sizeof n256, "%s.%s.%s.%s", l63, l63, l63, l62);
	struct msg m;
	header(&m, 1, 0x0100, 1, 0, 0, 0);
	name(&m, n255, -1);
	put16(&m, 1); put16(&m, 1);
	assert_int_equal(decode(&m, m.n, &dm), DEC_OK);
	assert_int_equal(dm.qname_wlen, 255);
	assert_int_equal(strlen(qtext(&dm)), 253);
	header(&m, 1, 0x0100, 1, 0, 0, 0);
	name(&m, n256, -1);
	put16(&m, 1); put16(&m, 1);
	assert_int_equal(decode(&m, m.n, &dm), DEC_R_DNS_NAME_LEN);
	/* 190 bytes written out, then a pointer to a 66-byte name: 256 */
	header(&m, 1, 0x8100, 1, 1, 0, 0);
	char l64name[80];
	snprintf(l64name, sizeof l64name, "%s.x", l62);			/* 63 + 2 + 1 = 66 */
	name(&m, l64name, -1);
	put16(&m, 1); put16(&m, 1);
	char pre[200];
	snprintf(pre, sizeof pre, "%s.%s.%.61s", l63, l63, l63);	/* 64 + 64 + 62 = 190 */
	name(&m, pre, 12);
	rr(&m, 1, 1, 0);
	put16(&m, 0);
	assert_int_equal(decode(&m, m.n, &dm), DEC_OK);
	assert_int_equal(dm.rr_error, DEC_R_DNS_NAME_LEN);
	assert_int_equal(dm.answers_ok, 0);
}

static void test_hostile_names(void **state)
{
	(void)state;
	struct msg m;
	/* a pointer to itself */
	header(&m, 1, 0x0100, 1, 0, 0, 0);
	put16(&m, 0xc00c);
	put16(&m, 1); put16(&m, 1);
	assert_int_equal(decode(&m, m.n, &dm), DEC_R_DNS_PTR);
	/* a label, then a pointer back to that label: a loop with a label in it */
	header(&m, 1, 0x0100, 1, 0, 0, 0);
	name(&m, "a", 12);
	put16(&m, 1); put16(&m, 1);
	assert_int_equal(decode(&m, m.n, &dm), DEC_R_DNS_PTR);
	/* two pointers pointing at each other */
	header(&m, 1, 0x0100, 1, 0, 0, 0);
	put16(&m, 0xc00e);
	put16(&m, 0xc00c);
	put16(&m, 1); put16(&m, 1);
	assert_int_equal(decode(&m, m.n, &dm), DEC_R_DNS_PTR);
	/* an answer name jumping back to a name that jumps back into the
	 * answer name's own run (legal for Knot, a loop bounded only by 255) */
	header(&m, 1, 0x8100, 1, 1, 0, 0);
	name(&m, "q", -1);
	put16(&m, 1); put16(&m, 1);
	size_t an = m.n;
	name(&m, "a", (int)an + 2);	/* a, then a pointer to itself */
	rr(&m, 1, 1, 0);
	put16(&m, 0);
	assert_int_equal(decode(&m, m.n, &dm), DEC_OK);
	assert_int_equal(dm.rr_error, DEC_R_DNS_PTR);
	m.b[an + 3] = (uint8_t)an;	/* a, then a pointer back to the "a" */
	assert_int_equal(decode(&m, m.n, &dm), DEC_OK);
	assert_int_equal(dm.rr_error, DEC_R_DNS_PTR);
	/* a forward pointer in the question */
	header(&m, 1, 0x0100, 1, 0, 0, 0);
	put16(&m, 0xc012);
	put16(&m, 1); put16(&m, 1);
	put8(&m, 0);
	assert_int_equal(decode(&m, m.n, &dm), DEC_R_DNS_PTR);
	/* a pointer past the end of the message */
	header(&m, 1, 0x8100, 1, 1, 0, 0);
	name(&m, "q", -1);
	put16(&m, 1); put16(&m, 1);
	put16(&m, 0xc000 | 0x3fff);
	rr(&m, 1, 1, 0);
	put16(&m, 0);
	assert_int_equal(decode(&m, m.n, &dm), DEC_OK);
	assert_int_equal(dm.rr_error, DEC_R_DNS_PTR);
	/* label length 64 (0x40, the extended label type) and 0x80 */
	for (unsigned t = 0x40; t <= 0x80; t += 0x40) {
		header(&m, 1, 0x0100, 1, 0, 0, 0);
		put8(&m, t);
		for (int i = 0; i < 64; i++)
			put8(&m, 'a');
		put8(&m, 0);
		put16(&m, 1); put16(&m, 1);
		assert_int_equal(decode(&m, m.n, &dm), DEC_R_DNS_LABEL_TYPE);
	}
	/* a label running past the end */
	header(&m, 1, 0x0100, 1, 0, 0, 0);
	put8(&m, 20);
	put8(&m, 'a');
	assert_int_equal(decode(&m, m.n, &dm), DEC_R_DNS_TRUNC);
}

/* A long chain of pointers, each strictly backwards: allowed, and bounded. */
static void test_pointer_chain(void **state)
{
	(void)state;
	struct msg m;
	header(&m, 1, 0x8100, 1, 40, 0, 0);
	name(&m, "example.com", -1);
	put16(&m, 1); put16(&m, 1);
	size_t prev = 12;
	for (int i = 0; i < 40; i++) {
		size_t at = m.n;
		put8(&m, 1);
		put8(&m, 'a' + i % 26);
		put16(&m, 0xc000u | (unsigned)prev);	/* a + the previous owner name */
		prev = at;
		rr(&m, 16, 1, 0);
		put16(&m, 0);
	}
	assert_int_equal(decode(&m, m.n, &dm), DEC_OK);
	assert_int_equal(dm.answers_ok, 40);
	assert_true(dm.sections_ok);
	/* dec_dns_name on the last owner name: 40 one-letter labels + example.com */
	struct cur msg = cur_make(m.b, m.n), c = msg;
	cur_seek(&c, prev);
	uint8_t wire[DNS_NAME_WIRE], wlen = 0;
	assert_int_equal(dec_dns_name(&c, &msg, wire, &wlen), DEC_OK);
	assert_int_equal(wlen, 40 * 2 + 13);
	assert_int_equal(cur_pos(&c), prev + 4);	/* left after the pointer */
	char text[DNS_NAME_TEXT];
	dec_dns_name_text(wire, wlen, text, sizeof text);
	assert_int_equal(strlen(text), 40 * 2 + 11);
	assert_int_equal(dec_dns_name_text(wire, wlen, text, 5), 4);	/* cut, terminated */
	assert_int_equal(strlen(text), 4);
}

/* A record whose RDATA names run past RDLENGTH, an RDLENGTH past the end;
 * Wireshark still times such responses, so the message stays DEC_OK. */
static void test_bad_records(void **state)
{
	(void)state;
	struct msg m;
	header(&m, 7, 0x8180, 1, 2, 0, 0);
	name(&m, "www.example.com", -1);
	put16(&m, 1); put16(&m, 1);
	put16(&m, 0xc00c);
	rr(&m, 1, 1, 60);
	put16(&m, 4); put32(&m, 0x01020304);
	put16(&m, 0xc00c);
	rr(&m, 5, 1, 60);
	put16(&m, 3);			/* the CNAME target is longer than 3 */
	name(&m, "web", 16);
	assert_int_equal(decode(&m, m.n, &dm), DEC_OK);
	assert_int_equal(dm.answers_ok, 1);
	assert_int_equal(dm.rr_error, DEC_R_DNS_RR);
	assert_false(dm.sections_ok);
	m.b[m.n - 6 - 1] = 200;		/* RDLENGTH past the end */
	assert_int_equal(decode(&m, m.n, &dm), DEC_OK);
	assert_int_equal(dm.rr_error, DEC_R_DNS_TRUNC);
	/* counts larger than the records present (nDPI's malformed_dns) */
	header(&m, 8, 0x8180, 1, 65535, 65535, 65535);
	name(&m, "x", -1);
	put16(&m, 1); put16(&m, 1);
	assert_int_equal(decode(&m, m.n, &dm), DEC_OK);
	assert_int_equal(dm.rr_error, DEC_R_DNS_TRUNC);
	/* the question itself cut: not usable */
	header(&m, 9, 0x8180, 1, 0, 0, 0);
	name(&m, "x", -1);
	put16(&m, 1);
	assert_int_equal(decode(&m, m.n, &dm), DEC_R_DNS_TRUNC);
	/* a second question that is bad */
	header(&m, 10, 0x0100, 2, 0, 0, 0);
	name(&m, "x", -1);
	put16(&m, 1); put16(&m, 1);
	put16(&m, 0xc0ff);
	assert_int_equal(decode(&m, m.n, &dm), DEC_OK);
	assert_int_equal(dm.rr_error, DEC_R_DNS_PTR);
	assert_string_equal(qtext(&dm), "x");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_query),
		cmocka_unit_test(test_response),
		cmocka_unit_test(test_every_cut),
		cmocka_unit_test(test_escapes_and_root),
		cmocka_unit_test(test_text_words),
		cmocka_unit_test(test_name_length),
		cmocka_unit_test(test_hostile_names),
		cmocka_unit_test(test_pointer_chain),
		cmocka_unit_test(test_bad_records),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
