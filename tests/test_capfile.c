/* Capture file reader: classic pcap in both byte orders and both
 * resolutions, pcapng with several sections (one big-endian), interfaces
 * with if_tsresol as powers of 10 and of 2 and if_tsoffset, EPB/SPB/PB,
 * skipped blocks, gzip; every fixture cut at every length; hostile lengths. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include "capture/pcapng_writer.h"
#include "decode/capfile.h"
#include "decode/capfile_int.h"
#include "tests/testlib.h"

#define T0 1700000000123456789ull

static int setup(void **state)
{
	(void)state;
	return tl_tmpdir_make("hoplat-capf");
}

static int teardown(void **state)
{
	(void)state;
	if (getenv("HOPLAT_KEEP"))	/* keep the fixtures for a look */
		return 0;
	return tl_tmpdir_remove();
}

/* ---- fixture builder: bytes in either order, with every clean end noted ---- */

struct fx {
	uint8_t *b;
	size_t len, cap;
	int be;
	size_t blk;		/* start of the open block */
	size_t ends[256];	/* offsets where the file may end cleanly */
	unsigned nends;
};

static void fx_raw(struct fx *f, const void *p, size_t n)
{
	if (f->len + n > f->cap) {
		f->cap = (f->len + n) * 2 + 256;
		f->b = realloc(f->b, f->cap);
		assert_non_null(f->b);
	}
	if (n)
		memcpy(f->b + f->len, p, n);
	f->len += n;
}

static void fx_u8(struct fx *f, uint8_t v) { fx_raw(f, &v, 1); }

static void fx_u16(struct fx *f, uint16_t v)
{
	uint8_t b[2] = { (uint8_t)v, (uint8_t)(v >> 8) };
	if (f->be) {
		b[0] = (uint8_t)(v >> 8);
		b[1] = (uint8_t)v;
	}
	fx_raw(f, b, 2);
}

static void fx_u32(struct fx *f, uint32_t v)
{
	if (f->be) {
		fx_u16(f, (uint16_t)(v >> 16));
		fx_u16(f, (uint16_t)v);
	} else {
		fx_u16(f, (uint16_t)v);
		fx_u16(f, (uint16_t)(v >> 16));
	}
}

static void fx_u64(struct fx *f, uint64_t v)
{
	if (f->be) {
		fx_u32(f, (uint32_t)(v >> 32));
		fx_u32(f, (uint32_t)v);
	} else {
		fx_u32(f, (uint32_t)v);
		fx_u32(f, (uint32_t)(v >> 32));
	}
}

static void fx_pad(struct fx *f)
{
	while (f->len % 4)
		fx_u8(f, 0);
}

static void fx_end_ok(struct fx *f)
{
	assert_true(f->nends < 256);
	f->ends[f->nends++] = f->len;
}

static void fx_payload(struct fx *f, uint32_t seq, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		fx_u8(f, (uint8_t)(seq * 31 + i));
}

/* pcapng block: type, a length patched at the end, body, the length again */
static void blk_open(struct fx *f, uint32_t type)
{
	f->blk = f->len;
	fx_u32(f, type);
	fx_u32(f, 0);
}

static void blk_close(struct fx *f)
{
	fx_pad(f);
	uint32_t total = (uint32_t)(f->len - f->blk + 4);
	size_t save = f->len;
	f->len = f->blk + 4;
	fx_u32(f, total);
	f->len = save;
	fx_u32(f, total);
	fx_end_ok(f);
}

static void opt(struct fx *f, uint16_t code, const void *v, uint16_t n)
{
	fx_u16(f, code);
	fx_u16(f, n);
	fx_raw(f, v, n);
	fx_pad(f);
}

static void opt_end(struct fx *f) { fx_u32(f, 0); }

static void shb(struct fx *f, int be)
{
	f->be = be;
	blk_open(f, 0x0A0D0D0A);
	fx_u32(f, 0x1A2B3C4D);
	fx_u16(f, 1);
	fx_u16(f, 0);
	fx_u64(f, UINT64_MAX);
	opt(f, 1, "a comment", 9);
	opt_end(f);
	blk_close(f);
}

/* IDB; tsresol 0xff means "no if_tsresol option" (microseconds) */
static void idb(struct fx *f, uint16_t lt, uint32_t snap, const char *name, uint8_t tsresol,
		int64_t tsoffset)
{
	blk_open(f, 1);
	fx_u16(f, lt);
	fx_u16(f, 0);
	fx_u32(f, snap);
	if (name)
		opt(f, 2, name, (uint16_t)strlen(name));
	if (tsresol != 0xff)
		opt(f, 9, &tsresol, 1);
	if (tsoffset) {
		fx_u16(f, 14);
		fx_u16(f, 8);
		fx_u64(f, (uint64_t)tsoffset);
	}
	opt_end(f);
	blk_close(f);
}

static void epb(struct fx *f, uint32_t ifc, uint64_t ts, uint32_t cap, uint32_t wire, uint32_t seq)
{
	blk_open(f, 6);
	fx_u32(f, ifc);
	fx_u32(f, (uint32_t)(ts >> 32));
	fx_u32(f, (uint32_t)ts);
	fx_u32(f, cap);
	fx_u32(f, wire);
	fx_payload(f, seq, cap);
	fx_pad(f);
	opt(f, 1, "pkt comment", 11);
	opt_end(f);
	blk_close(f);
}

static void pb(struct fx *f, uint16_t ifc, uint64_t ts, uint32_t cap, uint32_t wire, uint32_t seq)
{
	blk_open(f, 2);
	fx_u16(f, ifc);
	fx_u16(f, 0);
	fx_u32(f, (uint32_t)(ts >> 32));
	fx_u32(f, (uint32_t)ts);
	fx_u32(f, cap);
	fx_u32(f, wire);
	fx_payload(f, seq, cap);
	blk_close(f);
}

static void spb(struct fx *f, uint32_t wire, uint32_t cap, uint32_t seq)
{
	blk_open(f, 3);
	fx_u32(f, wire);
	fx_payload(f, seq, cap);
	blk_close(f);
}

/* A block hoplat steps over: zeros for the standard types (tshark parses
 * those: an all-zero ISB, NRB or DSB is well-formed), a pattern otherwise. */
static void other_block(struct fx *f, uint32_t type, uint32_t body)
{
	blk_open(f, type);
	for (uint32_t i = 0; i < body; i++)
		fx_u8(f, type < 0x100 ? 0 : (uint8_t)i);
	blk_close(f);
}

static void fx_save(const struct fx *f, size_t len, const char *path)
{
	FILE *o = fopen(path, "wb");
	assert_non_null(o);
	assert_int_equal(fwrite(f->b, 1, len, o), len);
	fclose(o);
}

/* ---- expected packets ---- */

struct want {
	uint64_t ts;
	uint32_t iface, lt, cap, wire, seq;
};

struct got {
	unsigned n;
	int rc;
	char err[CAPFILE_ERRBUF];
	char fmt[16];
	struct want p[64];
	uint32_t seq_ok[64];
};

static uint32_t payload_ok(const struct pkt *p, uint32_t seq)
{
	for (uint32_t i = 0; i < p->caplen; i++)
		if (p->data[i] != (uint8_t)(seq * 31 + i))
			return 0;
	return 1;
}

/* Reads a whole file; the open failing shows as n = 0, rc = -1, err set. */
static void read_all(const char *path, const struct want *w, unsigned nw, struct got *g)
{
	memset(g, 0, sizeof *g);
	struct capfile *cf = capfile_open(path, g->err);
	if (!cf) {
		g->rc = -1;
		return;
	}
	snprintf(g->fmt, sizeof g->fmt, "%s", capfile_format(cf));
	struct pkt p;
	while ((g->rc = capfile_next(cf, &p)) == 1) {
		assert_true(g->n < 64);
		struct want *o = &g->p[g->n];
		o->ts = p.ts_ns;
		o->iface = p.iface;
		o->lt = p.linktype;
		o->cap = p.caplen;
		o->wire = p.wirelen;
		g->seq_ok[g->n] = g->n < nw && payload_ok(&p, w[g->n].seq);
		g->n++;
	}
	if (g->rc < 0) {
		snprintf(g->err, sizeof g->err, "%s", capfile_error(cf));
		struct pkt again;
		assert_int_equal(capfile_next(cf, &again), g->rc);	/* the error sticks */
	}
	capfile_close(cf);
}

static void assert_prefix(const struct got *g, const struct want *w, unsigned nw)
{
	assert_true(g->n <= nw);
	for (unsigned i = 0; i < g->n; i++) {
		assert_int_equal(g->p[i].ts, w[i].ts);
		assert_int_equal(g->p[i].iface, w[i].iface);
		assert_int_equal(g->p[i].lt, w[i].lt);
		assert_int_equal(g->p[i].cap, w[i].cap);
		assert_int_equal(g->p[i].wire, w[i].wire);
		assert_true(g->seq_ok[i]);
	}
}

static void expect_all(const char *path, const struct want *w, unsigned nw, const char *fmt)
{
	struct got g;
	read_all(path, w, nw, &g);
	if (g.rc != 0)
		print_message("%s\n", g.err);
	assert_int_equal(g.rc, 0);
	assert_int_equal(g.n, nw);
	assert_prefix(&g, w, nw);
	if (fmt)
		assert_string_equal(g.fmt, fmt);
}

/* Every cut of the file: the packets read are a prefix of the whole file's;
 * the read ends cleanly exactly at the fixture's clean ends, else with an
 * error naming the file and an offset (or the open fails naming the file). */
static void cut_everywhere(const struct fx *f, const char *name, const struct want *w,
			   unsigned nw)
{
	char path[128];
	tl_tmp_path(path, sizeof path, name);
	for (size_t cut = 0; cut < f->len; cut++) {
		fx_save(f, cut, path);
		struct got g;
		read_all(path, w, nw, &g);
		assert_prefix(&g, w, nw);
		int clean = 0;
		for (unsigned i = 0; i < f->nends; i++)
			clean |= f->ends[i] == cut;
		if (g.rc == 0 && !clean)
			fail_msg("%s cut at %zu read to a clean end", name, cut);
		if (g.rc < 0 && clean)
			fail_msg("%s cut at %zu (a clean end): %s", name, cut, g.err);
		if (g.rc < 0) {
			assert_non_null(strstr(g.err, path));
			if (g.n > 0)
				assert_non_null(strstr(g.err, "offset"));
		}
	}
	unlink(path);
}

static int have_tshark(void)
{
	return system("command -v tshark >/dev/null 2>&1") == 0;
}

/* tshark's timestamps (ns) and captured lengths of a file's packets; the
 * count, or -1 without tshark. */
static int tshark_packets(const char *path, uint64_t *ts, uint32_t *cap, int max)
{
	if (!have_tshark())
		return -1;
	char cmd[384], line[128];
	snprintf(cmd, sizeof cmd, "tshark -r '%s' -T fields -e frame.time_epoch -e frame.cap_len "
		 "2>/dev/null", path);
	FILE *o = popen(cmd, "r");
	assert_non_null(o);
	int n = 0;
	while (fgets(line, sizeof line, o)) {
		unsigned long long s, frac;
		unsigned c;
		assert_true(n < max);
		assert_int_equal(sscanf(line, "%llu.%llu %u", &s, &frac, &c), 3);
		ts[n] = s * 1000000000ull + frac;
		cap[n++] = c;
	}
	assert_int_equal(pclose(o), 0);
	return n;
}

/* ---- classic pcap ---- */

static const struct want PCAP_W[] = {
	{ T0, 0, 1, 60, 60, 0 },
	{ T0 + 1000, 0, 1, 0, 0, 1 },
	{ T0 + 5000000000ull, 0, 1, 100, 1514, 2 },
	{ 999999000, 0, 1, 1, 64, 3 },
};
#define NPCAP (sizeof PCAP_W / sizeof PCAP_W[0])

static void build_pcap(struct fx *f, int be, int ns, uint32_t linktype_field)
{
	memset(f, 0, sizeof *f);
	f->be = be;
	fx_u32(f, ns ? 0xa1b23c4d : 0xa1b2c3d4);
	fx_u16(f, 2);
	fx_u16(f, 4);
	fx_u32(f, 0);
	fx_u32(f, 0);
	fx_u32(f, 65535);
	fx_u32(f, linktype_field);
	fx_end_ok(f);
	for (unsigned i = 0; i < NPCAP; i++) {
		const struct want *w = &PCAP_W[i];
		/* us files cannot hold the ns digits: the want list is rounded below */
		uint64_t frac = ns ? w->ts % 1000000000 : w->ts % 1000000000 / 1000;
		fx_u32(f, (uint32_t)(w->ts / 1000000000));
		fx_u32(f, (uint32_t)frac);
		fx_u32(f, w->cap);
		fx_u32(f, w->wire);
		fx_payload(f, w->seq, w->cap);
		fx_end_ok(f);
	}
}

static void pcap_want(struct want *w, int ns)
{
	memcpy(w, PCAP_W, sizeof PCAP_W);
	for (unsigned i = 0; i < NPCAP; i++)
		if (!ns)
			w[i].ts = w[i].ts / 1000 * 1000;
}

static void test_pcap_variants(void **state)
{
	(void)state;
	static const char *fmt[2] = { "pcap", "pcap-ns" };
	for (int be = 0; be < 2; be++)
		for (int ns = 0; ns < 2; ns++) {
			struct fx f;
			struct want w[NPCAP];
			char path[128];
			/* upper bits of the link type field carry FCS info: ignored */
			build_pcap(&f, be, ns, be ? 0x10000001 : 1);
			pcap_want(w, ns);
			tl_tmp_path(path, sizeof path, "v.pcap");
			fx_save(&f, f.len, path);
			expect_all(path, w, NPCAP, fmt[ns]);
			uint64_t tts[8];
			uint32_t tcap[8];
			int tn = tshark_packets(path, tts, tcap, 8);
			if (tn >= 0) {	/* the oracle reads the same, both byte orders */
				assert_int_equal(tn, NPCAP);
				for (unsigned i = 0; i < NPCAP; i++) {
					assert_int_equal(tts[i], w[i].ts);
					assert_int_equal(tcap[i], w[i].cap);
				}
			}
			char errbuf[CAPFILE_ERRBUF];
			struct capfile *cf = capfile_open(path, errbuf);
			assert_non_null(cf);
			assert_int_equal(capfile_iface_count(cf), 1);
			assert_int_equal(capfile_iface_linktype(cf, 0), 1);
			assert_null(capfile_iface_name(cf, 0));
			assert_string_equal(capfile_path(cf), path);
			capfile_close(cf);
			cut_everywhere(&f, "v-cut.pcap", w, NPCAP);
			free(f.b);
		}
}

/* ---- pcapng: three sections ---- */

/* Section 1 (via hoplat's writer): if 0 ns "w0", if 1 us "w1".
 * Section 2 (big-endian, hand-built): if 2 tsresol 2^-20 with tsoffset +100 s,
 *   if 3 unnamed without if_tsresol (us), SLL; EPB, PB, SPB, skipped blocks.
 * Section 3 (little-endian): if 4 tsresol 10^-10 with tsoffset -2 s, an NRB and a
 *   custom block. */
#define NNG 12
static struct want NG_W[NNG];

static void ng_section1(const char *path)
{
	char err[PCAPNG_ERRBUF];
	struct pcapng_w *w = pcapng_w_open(path, "section 1", err);
	assert_non_null(w);
	struct pcapng_iface i0 = { .name = "w0", .linktype = 1, .snaplen = 65535, .tsresol = 9 };
	struct pcapng_iface i1 = { .name = "w1", .linktype = 1, .snaplen = 65535, .tsresol = 6 };
	assert_int_equal(pcapng_w_add_iface(w, &i0), 0);
	assert_int_equal(pcapng_w_add_iface(w, &i1), 1);
	uint8_t buf[128];
	for (unsigned i = 0; i < 4; i++) {
		struct want *x = &NG_W[i];
		x->iface = i % 2;
		x->lt = 1;
		x->cap = 20 + i;
		x->wire = 40 + i;
		x->seq = i;
		uint64_t ts = T0 + i * 777777777ull;
		x->ts = x->iface ? ts / 1000 * 1000 : ts;
		for (uint32_t k = 0; k < x->cap; k++)
			buf[k] = (uint8_t)(i * 31 + k);
		assert_int_equal(pcapng_w_packet(w, x->iface, ts, buf, x->cap, x->wire), 0);
	}
	struct pcapng_isb st = { T0, T0 + 5, 4, 0, 4, 0 };
	assert_int_equal(pcapng_w_stats(w, 0, T0 + 5, &st), 0);
	assert_int_equal(pcapng_w_close(w), 0);
}

static void ng_section2(struct fx *f)
{
	shb(f, 1);
	idb(f, 1, 0, "be2", 0x80 | 20, 100);	/* 2^-20 s units, +100 s */
	other_block(f, 5, 20);			/* ISB: skipped */
	idb(f, 113, 64, NULL, 0xff, 0);		/* microseconds by default */
	/* 2^-20 units: 1700000000 s + 0.5 s + one unit (953.674 ns, truncated) */
	uint64_t t = (1700000000ull << 20) + (1u << 19) + 1;
	epb(f, 0, t, 33, 33, 4);
	NG_W[4] = (struct want){ (1700000100ull) * 1000000000 + 500000000 + 953, 2, 1, 33, 33, 4 };
	pb(f, 1, 1700000001000001ull, 7, 9, 5);
	NG_W[5] = (struct want){ 1700000001000001000ull, 3, 113, 7, 9, 5 };
	other_block(f, 0x0000000A, 8);		/* DSB: skipped */
	other_block(f, 0x40000BAD, 4);		/* custom (PEN only): skipped */
	spb(f, 50, 50, 6);			/* SPB on if 2 (snaplen 0: no limit) */
	NG_W[6] = (struct want){ 0, 2, 1, 50, 50, 6 };
	epb(f, 1, 1700000002000002ull, 0, 60, 7);
	NG_W[7] = (struct want){ 1700000002000002000ull, 3, 113, 0, 60, 7 };
}

static void ng_section3(struct fx *f)
{
	shb(f, 0);
	other_block(f, 4, 12);			/* NRB: skipped */
	idb(f, 101, 262144, "ds4", 10, -2);	/* 10^-10 s units (the finest a u64 holds today), -2 s */
	uint64_t frac = 1234567891;		/* 0.1234567891 s */
	for (unsigned i = 0; i < 4; i++) {
		/* the tenth digit is below a ns: truncated */
		uint64_t units = 1700000003ull * 10000000000ull + frac + i * 7;
		epb(f, 0, units, 10 + i, 10 + i, 8 + i);
		NG_W[8 + i] = (struct want){ units / 10 - 2000000000ull, 4, 101, 10 + i, 10 + i, 8 + i };
	}
	other_block(f, 0x00000BAD, 8);		/* custom: skipped */
}

/* The three sections in one fixture (section 1 read back from the writer). */
static void build_ng(struct fx *f)
{
	char p1[128];
	tl_tmp_path(p1, sizeof p1, "s1.pcapng");
	ng_section1(p1);
	memset(f, 0, sizeof *f);
	FILE *in = fopen(p1, "rb");
	assert_non_null(in);
	uint8_t buf[4096];
	size_t n = fread(buf, 1, sizeof buf, in);
	fclose(in);
	/* the file may end after any of the writer's blocks */
	for (size_t off = 0; off + 8 <= n;) {
		uint32_t total;
		memcpy(&total, buf + off + 4, 4);	/* the writer's (host) order */
		fx_raw(f, buf + off, total);
		fx_end_ok(f);
		off += total;
	}
	assert_int_equal(f->len, n);
	ng_section2(f);
	ng_section3(f);
}

static void test_pcapng_sections(void **state)
{
	(void)state;
	struct fx f;
	build_ng(&f);
	char path[128];
	tl_tmp_path(path, sizeof path, "ng.pcapng");
	fx_save(&f, f.len, path);
	expect_all(path, NG_W, NNG, "pcapng");
	char errbuf[CAPFILE_ERRBUF];
	struct capfile *cf = capfile_open(path, errbuf);
	assert_non_null(cf);
	struct pkt p;
	while (capfile_next(cf, &p) == 1)
		;
	assert_int_equal(capfile_iface_count(cf), 5);
	assert_string_equal(capfile_iface_name(cf, 0), "w0");
	assert_string_equal(capfile_iface_name(cf, 1), "w1");
	assert_string_equal(capfile_iface_name(cf, 2), "be2");
	assert_null(capfile_iface_name(cf, 3));
	assert_string_equal(capfile_iface_name(cf, 4), "ds4");
	assert_int_equal(capfile_iface_linktype(cf, 3), 113);
	assert_int_equal(capfile_iface_linktype(cf, 4), 101);
	assert_int_equal(capfile_iface_linktype(cf, 9), 0);
	capfile_close(cf);
	free(f.b);
}

/* tshark agrees on the hand-built sections' timestamps (powers of 2 and
 * 10^-10 units, offsets, big-endian), lengths and per-section interface ids. */
static void test_pcapng_vs_tshark(void **state)
{
	(void)state;
	if (!have_tshark())
		skip();
	struct fx f;
	build_ng(&f);
	char path[128], cmd[384];
	tl_tmp_path(path, sizeof path, "ts.pcapng");
	fx_save(&f, f.len, path);
	snprintf(cmd, sizeof cmd, "tshark -r '%s' -T fields -e frame.time_epoch "
		 "-e frame.section_number -e frame.interface_id -e frame.cap_len 2>/dev/null", path);
	FILE *o = popen(cmd, "r");
	assert_non_null(o);
	static const unsigned base[4] = { 0, 0, 2, 4 };	/* file-wide id of each section's if 0 */
	char line[256];
	unsigned n = 0;
	while (fgets(line, sizeof line, o)) {
		/* time, section, interface, caplen; fields may be empty */
		char *f[4] = { 0 }, *p = line;
		for (int k = 0; k < 4; k++)
			f[k] = strsep(&p, "\t\n");
		assert_non_null(f[3]);
		if (!*f[2])
			continue;	/* tshark lists custom blocks as records: not packets */
		unsigned long long sec_s = 0, frac = 0;
		unsigned sec = (unsigned)atoi(f[1]), id = (unsigned)atoi(f[2]);
		assert_true(n < NNG && sec >= 1 && sec <= 3);
		if (*f[0]) {
			assert_int_equal(sscanf(f[0], "%llu.%llu", &sec_s, &frac), 2);
			assert_int_equal(sec_s * 1000000000ull + frac, NG_W[n].ts);
		} else {
			assert_int_equal(NG_W[n].ts, 0);	/* SPB: no timestamp */
		}
		assert_int_equal(base[sec] + id, NG_W[n].iface);
		assert_int_equal((unsigned)atoi(f[3]), NG_W[n].cap);
		n++;
	}
	assert_int_equal(pclose(o), 0);
	assert_int_equal(n, NNG);
	free(f.b);
}

static void test_pcapng_cuts(void **state)
{
	(void)state;
	struct fx f;
	build_ng(&f);
	cut_everywhere(&f, "ng-cut.pcapng", NG_W, NNG);
	free(f.b);
}

/* ---- one interface kept (capfile_keep) ---- */

/* Reads a file keeping one interface (name, else index); a struct got. */
static void read_kept(const char *path, const char *name, long index, struct got *g)
{
	memset(g, 0, sizeof *g);
	struct capfile *cf = capfile_open(path, g->err);
	if (!cf) {
		g->rc = -1;
		return;
	}
	capfile_keep(cf, name, index);
	struct pkt p;
	while ((g->rc = capfile_next(cf, &p)) == 1) {
		assert_true(g->n < 64);
		g->p[g->n++] = (struct want){ p.ts_ns, p.iface, p.linktype, p.caplen, p.wirelen, 0 };
	}
	if (g->rc < 0)
		snprintf(g->err, sizeof g->err, "%s", capfile_error(cf));
	capfile_close(cf);
}

/* The same read with the filter applied to every packet afterwards, as
 * the input layer did before the reader kept one interface itself. */
static void read_filtered(const char *path, const char *name, long index, struct got *g)
{
	memset(g, 0, sizeof *g);
	struct capfile *cf = capfile_open(path, g->err);
	if (!cf) {
		g->rc = -1;
		return;
	}
	struct pkt p;
	while ((g->rc = capfile_next(cf, &p)) == 1) {
		const char *n = capfile_iface_name(cf, p.iface);
		if (index >= 0 ? p.iface != (unsigned long)index : !n || strcmp(n, name))
			continue;
		g->p[g->n++] = (struct want){ p.ts_ns, p.iface, p.linktype, p.caplen, p.wirelen, 0 };
	}
	if (g->rc < 0)
		snprintf(g->err, sizeof g->err, "%s", capfile_error(cf));
	capfile_close(cf);
}

static void same_got(const struct got *a, const struct got *b)
{
	assert_int_equal(a->rc, b->rc);
	assert_string_equal(a->err, b->err);
	assert_int_equal(a->n, b->n);
	assert_memory_equal(a->p, b->p, a->n * sizeof a->p[0]);
}

/* Keeping one interface by name or number gives what the whole read gives
 * filtered afterwards, cut at every length too (the same packets before the
 * damage, the same message: the others' blocks are still checked), in the
 * sections of both byte orders, with SPB and PB. */
static void test_keep(void **state)
{
	(void)state;
	struct fx f;
	build_ng(&f);
	char path[128];
	tl_tmp_path(path, sizeof path, "keep.pcapng");
	fx_save(&f, f.len, path);
	static const char *names[] = { "w0", "w1", "be2", "ds4", "nothing",
				       "an interface name longer than any pcapng writer's: 64 bytes +" };
	struct got a, b;
	unsigned kept = 0;
	for (unsigned k = 0; k < 6; k++) {
		read_kept(path, names[k], -1, &a);
		read_filtered(path, names[k], -1, &b);
		same_got(&a, &b);
		kept += a.n;
		read_kept(path, NULL, k, &a);
		read_filtered(path, NULL, k, &b);
		same_got(&a, &b);
	}
	assert_true(kept > 0 && kept < 2 * NNG);
	for (size_t cut = 0; cut < f.len; cut++) {
		fx_save(&f, cut, path);
		read_kept(path, "w1", -1, &a);
		read_filtered(path, "w1", -1, &b);
		same_got(&a, &b);
		read_kept(path, NULL, 2, &a);
		read_filtered(path, NULL, 2, &b);
		same_got(&a, &b);
	}
	free(f.b);
	/* a pcap's one interface: number 0 keeps every record, anything else none */
	build_pcap(&f, 1, 1, 1);
	for (size_t cut = 0; cut <= f.len; cut++) {
		fx_save(&f, cut, path);
		for (long k = 0; k < 2; k++) {
			read_kept(path, NULL, k, &a);
			read_filtered(path, NULL, k, &b);
			same_got(&a, &b);
		}
		read_kept(path, "eth0", -1, &a);
		read_filtered(path, "eth0", -1, &b);
		same_got(&a, &b);
	}
	free(f.b);
}

/* ---- gzip ---- */

static void gz_save(const struct fx *f, const char *path)
{
	gzFile z = gzopen(path, "wb6");
	assert_non_null(z);
	assert_int_equal(gzwrite(z, f->b, (unsigned)f->len), (int)f->len);
	assert_int_equal(gzclose(z), Z_OK);
}

static void test_gzip(void **state)
{
	(void)state;
	struct fx f;
	char path[128];
	build_ng(&f);
	tl_tmp_path(path, sizeof path, "ng.pcapng.gz");
	gz_save(&f, path);
	expect_all(path, NG_W, NNG, "pcapng+gz");
	free(f.b);

	struct want w[NPCAP];
	build_pcap(&f, 1, 1, 1);
	pcap_want(w, 1);
	tl_tmp_path(path, sizeof path, "compressed");	/* no .gz: found by its magic */
	gz_save(&f, path);
	expect_all(path, w, NPCAP, "pcap-ns+gz");
	free(f.b);

	/* the compressed file cut at every length: whole packets, then an end or an error */
	uint8_t *z;
	size_t zlen;
	FILE *in = fopen(path, "rb");
	assert_non_null(in);
	z = malloc(1 << 16);
	zlen = fread(z, 1, 1 << 16, in);
	fclose(in);
	struct fx zf = { .b = z, .len = zlen };
	char cpath[128];
	tl_tmp_path(cpath, sizeof cpath, "gzcut");
	for (size_t cut = 0; cut < zlen; cut++) {
		fx_save(&zf, cut, cpath);
		struct got g;
		read_all(cpath, w, NPCAP, &g);
		assert_prefix(&g, w, NPCAP);
		assert_true(g.rc < 0);		/* a cut gzip stream is always an error */
		assert_non_null(strstr(g.err, cpath));
		if (g.n > 0)
			assert_non_null(strstr(g.err, ": gzip: unexpected end of file at offset "));
	}
	free(z);
}

/* A small gzip file whose trailer is damaged (CRC, length): every packet
 * first, then one error naming the file, zlib's reason and the offset. zlib's
 * gzread used to drop all it had inflated in that call: nothing at all from
 * a file smaller than one read. With members > 1 the file is cut in two
 * gzip members (gzip -c a b), the last one damaged. */
static void damaged_gz(const struct fx *f, const struct want *w, size_t trailer_byte,
		       const char *why, int members)
{
	char path[128];
	tl_tmp_path(path, sizeof path, "damaged.gz");
	size_t half = members > 1 ? f->len / 2 + 3 : 0;
	gzFile zo = gzopen(path, "wb6");
	assert_non_null(zo);
	assert_int_equal(gzwrite(zo, f->b, (unsigned)half), (int)half);
	assert_int_equal(gzclose(zo), Z_OK);
	zo = gzopen(path, "ab6");	/* a new member */
	assert_non_null(zo);
	assert_int_equal(gzwrite(zo, f->b + half, (unsigned)(f->len - half)), (int)(f->len - half));
	assert_int_equal(gzclose(zo), Z_OK);
	FILE *io = fopen(path, "r+b");
	assert_non_null(io);
	assert_int_equal(fseek(io, -8 + (long)trailer_byte, SEEK_END), 0);
	int ch = getc(io);
	assert_int_equal(fseek(io, -8 + (long)trailer_byte, SEEK_END), 0);
	putc(ch ^ 0xff, io);
	fclose(io);

	struct got g;
	read_all(path, w, NPCAP, &g);
	assert_int_equal(g.n, NPCAP);
	assert_prefix(&g, w, NPCAP);
	assert_true(g.rc < 0);
	if (!strstr(g.err, path) || !strstr(g.err, why) || !strstr(g.err, " at offset "))
		fail_msg("error \"%s\" lacks \"%s\" or the offset", g.err, why);
}

static void test_gzip_damaged_trailer(void **state)
{
	(void)state;
	struct fx f;
	struct want w[NPCAP];
	build_pcap(&f, 0, 0, 1);
	pcap_want(w, 0);
	damaged_gz(&f, w, 0, "gzip: incorrect data check", 1);
	damaged_gz(&f, w, 4, "gzip: incorrect length check", 1);
	damaged_gz(&f, w, 0, "gzip: incorrect data check", 2);
	free(f.b);
}

/* Through a pipe (no peeking, no seeking): plain and compressed. */
static void read_from_pipe(const char *src, const struct want *w, unsigned nw, const char *fmt)
{
	int fds[2];
	assert_int_equal(pipe(fds), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(fds[0]);
		FILE *in = fopen(src, "rb");
		char b[4096];
		size_t n;
		while (in && (n = fread(b, 1, sizeof b, in)) > 0)
			if (write(fds[1], b, n) != (ssize_t)n)
				break;
		_exit(0);
	}
	close(fds[1]);
	char path[64];
	snprintf(path, sizeof path, "/dev/fd/%d", fds[0]);
	expect_all(path, w, nw, fmt);
	close(fds[0]);
	int st;
	waitpid(pid, &st, 0);
}

static void test_pipe(void **state)
{
	(void)state;
	struct fx f;
	char path[128];
	build_ng(&f);
	tl_tmp_path(path, sizeof path, "p.pcapng");
	fx_save(&f, f.len, path);
	read_from_pipe(path, NG_W, NNG, "pcapng");
	tl_tmp_path(path, sizeof path, "p.pcapng.gz");
	gz_save(&f, path);
	read_from_pipe(path, NG_W, NNG, "pcapng+gz");
	free(f.b);
}

/* ---- bad files ---- */

static void expect_open_error(const uint8_t *b, size_t n, const char *want)
{
	char path[128], err[CAPFILE_ERRBUF];
	tl_tmp_path(path, sizeof path, "bad-open");
	struct fx f = { .b = (uint8_t *)b, .len = n };
	fx_save(&f, n, path);
	assert_null(capfile_open(path, err));
	if (!strstr(err, want) || !strstr(err, path))
		fail_msg("error \"%s\" lacks \"%s\"", err, want);
}

static void test_not_capture(void **state)
{
	(void)state;
	char err[CAPFILE_ERRBUF];
	assert_null(capfile_open("/nonexistent/x.pcap", err));
	assert_string_equal(err, "/nonexistent/x.pcap: No such file or directory");
	expect_open_error((const uint8_t *)"hello, world\n", 13,
			  "not a pcap or pcapng file (magic 0x68656c6c)");
	expect_open_error((const uint8_t *)"", 0, "empty file");
	static const uint8_t shorthdr[] = { 0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0 };
	expect_open_error(shorthdr, sizeof shorthdr, "truncated pcap file header (8 of 24 bytes)");
	static const uint8_t v3[24] = { 0xd4, 0xc3, 0xb2, 0xa1, 3, 0, 4, 0 };
	expect_open_error(v3, sizeof v3, "unsupported pcap version 3");
}

/* A damaged pcapng: one good packet, then the damage; the packet stays good
 * and the error names the file and says what and where. */
static void expect_ng_error(struct fx *f, const char *want)
{
	char path[128];
	tl_tmp_path(path, sizeof path, "bad.pcapng");
	fx_save(f, f->len, path);
	struct want w[1] = { { 5000000000ull, 0, 1, 16, 16, 0 } };
	struct got g;
	read_all(path, w, 1, &g);
	assert_int_equal(g.n, 1);
	assert_prefix(&g, w, 1);
	assert_true(g.rc < 0);
	char full[CAPFILE_ERRBUF + 160];
	snprintf(full, sizeof full, "%s: %s", path, want);
	if (strcmp(g.err, full) != 0)
		fail_msg("got \"%s\", want \"%s\"", g.err, full);
}

static void ng_good_start(struct fx *f)
{
	memset(f, 0, sizeof *f);
	shb(f, 0);
	idb(f, 1, 0, "e", 9, 0);
	epb(f, 0, 5000000000ull, 16, 16, 0);
}

static void patch32(struct fx *f, size_t at, uint32_t v)
{
	size_t save = f->len;
	f->len = at;
	fx_u32(f, v);
	f->len = save;
}

static void test_hostile_lengths(void **state)
{
	(void)state;
	struct fx f;
	static const uint32_t bad[] = { 0, 8, 13, 0xFFFFFFF0u, 0x7FFFFFFCu, 1u << 20 };
	for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		ng_good_start(&f);
		size_t at = f.len;
		epb(&f, 0, 1, 4, 4, 1);
		patch32(&f, at + 4, bad[i]);
		char want[128];
		snprintf(want, sizeof want, "bad block length %u at offset %zu", bad[i], at);
		/* a sane length, but too large for a packet block */
		if (bad[i] >= 12 && bad[i] % 4 == 0 && bad[i] <= (64u << 20))
			snprintf(want, sizeof want, "bad block length %u at offset %zu (larger than "
				 "hoplat reads)", bad[i], at);
		expect_ng_error(&f, want);
		free(f.b);
	}

	/* trailer disagrees */
	ng_good_start(&f);
	size_t at = f.len;
	epb(&f, 0, 1, 4, 4, 1);
	patch32(&f, f.len - 4, 48);
	char want[128];
	snprintf(want, sizeof want, "bad block length %zu at offset %zu (the block ends with 48)",
		 f.len - at, at);
	expect_ng_error(&f, want);
	free(f.b);

	/* a block shorter than its fixed fields (EPB of 12 bytes) */
	ng_good_start(&f);
	at = f.len;
	blk_open(&f, 6);
	blk_close(&f);
	snprintf(want, sizeof want, "bad block length 12 at offset %zu (packet block)", at);
	expect_ng_error(&f, want);
	free(f.b);

	/* captured length past the block */
	ng_good_start(&f);
	at = f.len;
	epb(&f, 0, 1, 8, 8, 1);
	patch32(&f, at + 20, 4000);
	snprintf(want, sizeof want, "bad captured length 4000 in block at offset %zu", at);
	expect_ng_error(&f, want);
	free(f.b);

	/* undeclared interface */
	ng_good_start(&f);
	at = f.len;
	epb(&f, 7, 1, 8, 8, 1);
	snprintf(want, sizeof want, "packet for undeclared interface 7 at offset %zu", at);
	expect_ng_error(&f, want);
	free(f.b);

	/* a new section with a bad byte-order magic */
	ng_good_start(&f);
	at = f.len;
	shb(&f, 0);
	patch32(&f, at + 8, 0x11223344);
	snprintf(want, sizeof want, "bad byte-order magic 0x44332211 in section header at offset %zu",
		 at);
	expect_ng_error(&f, want);
	free(f.b);

	/* a section header too short to be one */
	ng_good_start(&f);
	at = f.len;
	blk_open(&f, 0x0A0D0D0A);
	fx_u32(&f, 0x1A2B3C4D);
	blk_close(&f);
	snprintf(want, sizeof want, "bad block length 16 at offset %zu (section header)", at);
	expect_ng_error(&f, want);
	free(f.b);

	/* a timestamp resolution no clock has */
	ng_good_start(&f);
	at = f.len;
	idb(&f, 1, 0, "x", 99, 0);
	snprintf(want, sizeof want, "bad if_tsresol 0x63 in interface block at offset %zu", at);
	expect_ng_error(&f, want);
	free(f.b);

	/* a packet larger than hoplat accepts (in a block it would read) */
	ng_good_start(&f);
	at = f.len;
	epb(&f, 0, 1, 262145, 262145, 1);
	snprintf(want, sizeof want, "bad captured length 262145 in block at offset %zu", at);
	expect_ng_error(&f, want);
	free(f.b);
}

static void test_pcap_hostile(void **state)
{
	(void)state;
	struct fx f;
	build_pcap(&f, 0, 0, 1);
	size_t at = f.ends[1];		/* the second record */
	patch32(&f, at + 8, 0x7fffffff);
	char path[128];
	tl_tmp_path(path, sizeof path, "bad.pcap");
	fx_save(&f, f.len, path);
	struct want w[NPCAP];
	pcap_want(w, 0);
	struct got g;
	read_all(path, w, NPCAP, &g);
	assert_int_equal(g.n, 1);
	assert_prefix(&g, w, 1);
	char want[256];
	snprintf(want, sizeof want, "%s: bad record length 2147483647 at offset %zu", path, at);
	assert_string_equal(g.err, want);
	free(f.b);
}

/* Big blocks: a 262144-byte packet is read; a 3 MiB unknown block (three
 * read buffers) is stepped over in a stream. */
static void test_big_blocks(void **state)
{
	(void)state;
	struct fx f;
	memset(&f, 0, sizeof f);
	shb(&f, 0);
	idb(&f, 1, 0, "big", 9, 0);
	epb(&f, 0, 1, 262144, 262144, 0);
	other_block(&f, 0x0BADC0DE, 3u << 20);
	epb(&f, 0, 2, 100, 100, 1);
	char path[128];
	tl_tmp_path(path, sizeof path, "big.pcapng");
	fx_save(&f, f.len, path);
	struct want w[2] = { { 1, 0, 1, 262144, 262144, 0 }, { 2, 0, 1, 100, 100, 1 } };
	expect_all(path, w, 2, "pcapng");
	free(f.b);
}

/* Many packets over several read buffers (1 MiB each), so that blocks and
 * records are cut by a buffer's end at every alignment: pcapng (both byte
 * orders, two interfaces, ns and us) and pcap (both orders): each packet
 * as written, the last cut short says where. */
#define NMANY 40000u

static void many_check(const char *path, int pcapng, int cut)
{
	char err[CAPFILE_ERRBUF];
	struct capfile *cf = capfile_open(path, err);
	assert_non_null(cf);
	struct pkt p;
	unsigned n = 0;
	int rc;
	while ((rc = capfile_next(cf, &p)) == 1) {
		uint32_t cap = n % 97 * 2, iface = pcapng ? n % 2 : 0;
		assert_int_equal(p.caplen, cap);
		assert_int_equal(p.wirelen, cap + n % 3);
		assert_int_equal(p.iface, iface);
		assert_int_equal(p.ts_ns, T0 / 1000 * 1000 + n * 1000ull);
		assert_true(payload_ok(&p, n));
		n++;
	}
	assert_int_equal(n, cut ? NMANY - 1 : NMANY);
	assert_int_equal(rc, cut ? -EBADMSG : 0);
	if (cut)
		assert_non_null(strstr(capfile_error(cf), "truncated"));
	capfile_close(cf);
}

static void test_across_buffers(void **state)
{
	(void)state;
	char path[128];
	tl_tmp_path(path, sizeof path, "many.cap");
	for (int form = 0; form < 4; form++) {
		struct fx f;
		memset(&f, 0, sizeof f);
		int pcapng = form < 2, be = form % 2;
		uint64_t t0 = T0 / 1000;	/* us */
		if (pcapng) {
			shb(&f, be);
			idb(&f, 1, 0, "a", 0xff, 0);	/* us */
			idb(&f, 1, 0, "b", 9, 0);	/* ns */
		} else {
			f.be = be;
			fx_u32(&f, 0xa1b2c3d4);
			fx_u16(&f, 2);
			fx_u16(&f, 4);
			fx_u32(&f, 0);		/* thiszone */
			fx_u32(&f, 0);		/* sigfigs */
			fx_u32(&f, 262144);	/* snaplen */
			fx_u32(&f, 1);		/* Ethernet */
		}
		for (uint32_t n = 0; n < NMANY; n++) {
			uint32_t cap = n % 97 * 2, wire = cap + n % 3;
			uint64_t us = t0 + n;
			if (pcapng) {
				epb(&f, n % 2, n % 2 ? us * 1000 : us, cap, wire, n);
				f.nends = 0;	/* the clean ends are not looked at here */
				continue;
			}
			fx_u32(&f, (uint32_t)(us / 1000000));
			fx_u32(&f, (uint32_t)(us % 1000000));
			fx_u32(&f, cap);
			fx_u32(&f, wire);
			fx_payload(&f, n, cap);
		}
		assert_true(f.len > (2u << 20));
		fx_save(&f, f.len, path);
		many_check(path, pcapng, 0);
		fx_save(&f, f.len - 3, path);	/* the last packet cut */
		many_check(path, pcapng, 1);
		free(f.b);
	}
}

/* Random damage (a fixed seed): bytes flipped, lengths and all. Whatever
 * comes back must be a packet or a clean result; never a crash (this test is
 * worth most under make asan's flags). */
static void test_random_damage(void **state)
{
	(void)state;
	struct fx f;
	build_ng(&f);
	struct fx m = { 0 };
	fx_raw(&m, f.b, f.len);
	char path[128];
	tl_tmp_path(path, sizeof path, "damaged.pcapng");
	unsigned seed = 12345, errors = 0, clean = 0;
	for (unsigned iter = 0; iter < 3000; iter++) {
		memcpy(m.b, f.b, f.len);
		unsigned flips = 1 + rand_r(&seed) % 4;
		for (unsigned k = 0; k < flips; k++)
			m.b[rand_r(&seed) % f.len] = (uint8_t)rand_r(&seed);
		fx_save(&m, f.len, path);
		char err[CAPFILE_ERRBUF];
		struct capfile *cf = capfile_open(path, err);
		if (!cf) {
			errors++;
			continue;
		}
		struct pkt p;
		int rc, n = 0;
		while ((rc = capfile_next(cf, &p)) == 1) {
			assert_true(p.caplen <= 262144);
			assert_true(p.iface < capfile_iface_count(cf));
			n++;
		}
		assert_true(n <= NNG + 1);
		if (rc < 0) {
			errors++;
			assert_non_null(strstr(capfile_error(cf), path));
		} else {
			clean++;
		}
		capfile_close(cf);
	}
	print_message("    3000 damaged files: %u errors, %u read to the end\n", errors, clean);
	assert_true(errors > 0);
	free(f.b);
	free(m.b);
}


/* ---- one file, two readers (the Dom0 capture: uplink and vif) ---- */

#define SH_N 60000	/* 180-byte packets: about 14 MB */

/* Interface 0 (eth0) has every packet but those in [SH_N/3, 2*SH_N/3),
 * which are interface 1's (vif1.0) and only those: each reader finds a
 * stretch of several megabytes without a packet of its own. */
static uint32_t sh_iface(uint32_t i) { return i >= SH_N / 3 && i < 2 * SH_N / 3; }

static void build_shared(struct fx *f)
{
	memset(f, 0, sizeof *f);
	shb(f, 0);
	idb(f, 1, 65535, "eth0", 9, 0);
	idb(f, 1, 65535, "vif1.0", 9, 0);
	for (uint32_t i = 0; i < SH_N; i++) {
		epb(f, sh_iface(i), T0 + i * 1000ull, 180, 180, i);
		f->nends = 0;	/* the clean ends are not used here, and there are too many */
	}
}

struct sh_reader {
	struct capfile *cf;
	uint32_t iface, next, n;	/* next: the packet index it expects */
	int rc;
};

static void sh_open(struct sh_reader *r, const char *path, uint32_t iface)
{
	char err[CAPFILE_ERRBUF];
	memset(r, 0, sizeof *r);
	r->iface = iface;
	r->cf = capfile_open(path, err);
	assert_non_null(r->cf);
	capfile_keep(r->cf, iface ? "vif1.0" : "eth0", -1);
	while (r->next < SH_N && sh_iface(r->next) != iface)
		r->next++;
}

/* One packet: the next of its interface, bytes and all; 0 at the end. */
static int sh_step(struct sh_reader *r)
{
	struct pkt p;
	r->rc = capfile_next(r->cf, &p);
	if (r->rc != 1)
		return 0;
	assert_int_equal(p.ts_ns, T0 + r->next * 1000ull);
	assert_int_equal(p.caplen, 180);
	assert_true(payload_ok(&p, r->next));
	r->n++;
	do
		r->next++;
	while (r->next < SH_N && sh_iface(r->next) != r->iface);
	return 1;
}

static void sh_done(struct sh_reader *r, uint32_t want)
{
	assert_int_equal(r->rc, 0);
	assert_int_equal(r->n, want);
	capfile_close(r->cf);
}

/* Readers of one file read its chunks once: in step, and when one of them
 * stops taking packets (the other is let go on alone, no wait for ever). */
static void shared_reads(const char *path)
{
	uint32_t n1 = 2 * SH_N / 3 - SH_N / 3, n0 = SH_N - n1;
	struct sh_reader a, b;
	sh_open(&a, path, 0);
	sh_open(&b, path, 1);
	assert_true(cf_ahead_shares(a.cf, b.cf));
	for (int more = 1; more;)
		more = sh_step(&a) | sh_step(&b);
	sh_done(&a, n0);
	sh_done(&b, n1);

	/* a to its end while b waits at its first packet, then b */
	sh_open(&a, path, 0);
	sh_open(&b, path, 1);
	assert_true(cf_ahead_shares(a.cf, b.cf));
	assert_true(sh_step(&b));
	while (sh_step(&a))
		continue;
	while (sh_step(&b))
		continue;
	sh_done(&a, n0);
	sh_done(&b, n1);

	/* the other way round, b closed half-way */
	sh_open(&a, path, 0);
	sh_open(&b, path, 1);
	while (b.n < n1 / 2)
		assert_true(sh_step(&b));
	capfile_close(b.cf);
	while (sh_step(&a))
		continue;
	sh_done(&a, n0);
}

static void test_shared_reading(void **state)
{
	(void)state;
	struct fx f;
	char path[128];
	build_shared(&f);
	tl_tmp_path(path, sizeof path, "shared.pcapng");
	fx_save(&f, f.len, path);
	shared_reads(path);
	tl_tmp_path(path, sizeof path, "shared.pcapng.gz");
	gz_save(&f, path);
	shared_reads(path);
	free(f.b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pcap_variants),
		cmocka_unit_test(test_pcapng_sections),
		cmocka_unit_test(test_pcapng_vs_tshark),
		cmocka_unit_test(test_pcapng_cuts),
		cmocka_unit_test(test_keep),
		cmocka_unit_test(test_gzip),
		cmocka_unit_test(test_gzip_damaged_trailer),
		cmocka_unit_test(test_pipe),
		cmocka_unit_test(test_not_capture),
		cmocka_unit_test(test_hostile_lengths),
		cmocka_unit_test(test_pcap_hostile),
		cmocka_unit_test(test_big_blocks),
		cmocka_unit_test(test_across_buffers),
		cmocka_unit_test(test_random_damage),
		cmocka_unit_test(test_shared_reading),
	};
	return cmocka_run_group_tests_name("capfile", tests, setup, teardown);
}
