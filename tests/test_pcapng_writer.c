/* pcapng writer: block layout read back by an independent walker here, by
 * hoplat's reader (decode/capfile.c), and by tshark (the oracle); a full disk (tiny tmpfs, root
 * only) and a file size limit (RLIMIT_FSIZE) leave a file that ends on whole
 * blocks, and the error sticks. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "capture/pcapng_writer.h"
#include "decode/capfile.h"
#include "decode/cursor.h"
#include "tests/testlib.h"

#define T0 1700000000123456789ull	/* a timestamp with all nine digits used */

static int setup(void **state)
{
	(void)state;
	return tl_tmpdir_make("hoplat-pngw");
}

static int teardown(void **state)
{
	(void)state;
	return tl_tmpdir_remove();
}

static uint8_t *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	uint8_t *p = malloc((size_t)n + 1);
	assert_non_null(p);
	assert_int_equal(fread(p, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return p;
}

/* ---- an independent block walker (little-endian host, as written) ---- */

struct walk {
	unsigned shb, idb, epb, isb;
	char shb_comment[128], shb_appl[32];
	char if_name[4][32], if_desc[4][64], if_filter[4][64];
	uint8_t if_res[4];
	uint32_t if_snap[4], if_lt[4];
	uint64_t epb_ts[64];
	uint32_t epb_if[64], epb_cap[64], epb_wire[64];
	uint32_t epb_seq_bad;		/* payload sequence numbers out of order */
	uint64_t isb_opt[4][8];		/* per interface, option code -> value */
	size_t end;			/* offset after the last whole block */
};

static void opt_str(struct cur *v, char *dst, size_t cap)
{
	cur_peek_str(v, dst, cap);
}

static void walk_opts(struct cur *c, struct walk *w, uint32_t type, unsigned ifn)
{
	while (cur_left(c) >= 4) {
		uint16_t code = cur_le16(c), len = cur_le16(c);
		struct cur v = cur_take(c, len);
		cur_skip(c, (4 - (len & 3)) & 3);
		assert_true(cur_ok(c));
		if (code == 0)
			break;
		if (type == 0x0A0D0D0A && code == 1)
			opt_str(&v, w->shb_comment, sizeof w->shb_comment);
		if (type == 0x0A0D0D0A && code == 4)
			opt_str(&v, w->shb_appl, sizeof w->shb_appl);
		if (type == 1 && ifn < 4 && code == 2)
			opt_str(&v, w->if_name[ifn], sizeof w->if_name[ifn]);
		if (type == 1 && ifn < 4 && code == 3)
			opt_str(&v, w->if_desc[ifn], sizeof w->if_desc[ifn]);
		if (type == 1 && ifn < 4 && code == 11) {
			assert_int_equal(cur_u8(&v), 0);
			opt_str(&v, w->if_filter[ifn], sizeof w->if_filter[ifn]);
		}
		if (type == 1 && ifn < 4 && code == 9)
			w->if_res[ifn] = cur_u8(&v);
		if (type == 5 && ifn < 4 && code < 8) {
			assert_int_equal(len, 8);
			if (code == 2 || code == 3) {
				uint64_t hi = cur_le32(&v);
				w->isb_opt[ifn][code] = hi << 32 | cur_le32(&v);
			} else {
				w->isb_opt[ifn][code] = cur_le64(&v);
			}
		}
	}
}

static void walk_block(struct cur *b, uint32_t type, struct walk *w)
{
	if (type == 0x0A0D0D0A) {
		assert_int_equal(cur_le32(b), 0x1A2B3C4D);
		assert_int_equal(cur_le16(b), 1);
		assert_int_equal(cur_le16(b), 0);
		cur_skip(b, 8);
		walk_opts(b, w, type, 0);
		w->shb++;
	} else if (type == 1) {
		unsigned i = w->idb++;
		uint32_t lt = cur_le16(b);
		cur_skip(b, 2);
		uint32_t snap = cur_le32(b);
		if (i < 4) {
			w->if_lt[i] = lt;
			w->if_snap[i] = snap;
		}
		walk_opts(b, w, type, i);
	} else if (type == 6) {
		unsigned i = w->epb++;
		uint32_t ifc = cur_le32(b);
		uint64_t hi = cur_le32(b);
		uint64_t ts = hi << 32 | cur_le32(b);
		uint32_t cap = cur_le32(b), wire = cur_le32(b);
		/* the test payloads start with their sequence number */
		uint32_t seq = cur_le32(b);
		if (seq != i)
			w->epb_seq_bad++;
		if (i < 64) {
			w->epb_if[i] = ifc;
			w->epb_ts[i] = ts;
			w->epb_cap[i] = cap;
			w->epb_wire[i] = wire;
		}
	} else if (type == 5) {
		uint32_t ifc = cur_le32(b);
		cur_skip(b, 8);
		walk_opts(b, w, type, ifc);
		w->isb++;
	}
	assert_true(cur_ok(b));
}

/* Walks every block; the file must end exactly after a whole block. */
static void walk_file(const char *path, struct walk *w)
{
	size_t len;
	uint8_t *p = slurp(path, &len);
	struct cur c = cur_make(p, len);
	memset(w, 0, sizeof *w);
	while (cur_left(&c) > 0) {
		size_t start = cur_pos(&c);
		uint32_t type = cur_le32(&c), total = cur_le32(&c);
		assert_true(cur_ok(&c));
		assert_true(total >= 12 && total % 4 == 0);
		assert_true(start + total <= len);
		struct cur b = cur_take(&c, total - 12);
		assert_int_equal(cur_le32(&c), total);
		walk_block(&b, type, w);
		w->end = cur_pos(&c);
	}
	assert_int_equal(w->end, len);
	free(p);
}

static void fill_payload(uint8_t *buf, uint32_t seq, uint32_t len)
{
	for (uint32_t i = 0; i < len; i++)
		buf[i] = (uint8_t)(i * 7 + seq);
	memcpy(buf, &seq, 4);
}

/* ---- the round trip ---- */

static const struct pcapng_iface IF_NS = {
	.name = "br0-up", .description = "bridge uplink", .filter = "udp port 53 or tcp port 80",
	.linktype = 1, .snaplen = 262144, .tsresol = 0 /* default: 9 */,
};
static const struct pcapng_iface IF_US = {
	.name = "vif1.0", .description = NULL, .filter = NULL,
	.linktype = 113, .snaplen = 128, .tsresol = 6,
};

#define NPKT 40

static uint64_t pkt_ts(unsigned i) { return T0 + (uint64_t)i * 1000000007ull; }
static uint32_t pkt_if(unsigned i) { return i % 3 == 2; }
static uint32_t pkt_cap(unsigned i) { return 4 + i * 13 % 97; }

static void write_sample(const char *path)
{
	char err[PCAPNG_ERRBUF];
	struct pcapng_w *w = pcapng_w_open(path, "host test, clock: host", err);
	assert_non_null(w);
	assert_int_equal(pcapng_w_add_iface(w, &IF_NS), 0);
	assert_int_equal(pcapng_w_add_iface(w, &IF_US), 1);
	uint8_t buf[256];
	for (unsigned i = 0; i < NPKT; i++) {
		fill_payload(buf, i, pkt_cap(i));
		assert_int_equal(pcapng_w_packet(w, pkt_if(i), pkt_ts(i), buf, pkt_cap(i),
						 pkt_cap(i) + 10), 0);
		if (i == NPKT / 2)
			assert_int_equal(pcapng_w_flush(w), 0);
	}
	struct pcapng_isb s0 = { .start_ns = T0, .end_ns = pkt_ts(NPKT), .ifrecv = 27,
				 .ifdrop = 1, .filteraccept = 26, .osdrop = 0 };
	struct pcapng_isb s1 = { .start_ns = T0, .end_ns = UINT64_MAX, .ifrecv = 13,
				 .ifdrop = UINT64_MAX, .filteraccept = UINT64_MAX, .osdrop = 2 };
	assert_int_equal(pcapng_w_stats(w, 0, pkt_ts(NPKT), &s0), 0);
	assert_int_equal(pcapng_w_stats(w, 1, pkt_ts(NPKT), &s1), 0);
	assert_true(pcapng_w_bytes(w) > 1000);
	assert_int_equal(pcapng_w_close(w), 0);
}

static void test_layout(void **state)
{
	(void)state;
	char path[128];
	tl_tmp_path(path, sizeof path, "sample.pcapng");
	write_sample(path);
	struct walk w;
	walk_file(path, &w);
	assert_int_equal(w.shb, 1);
	assert_string_equal(w.shb_comment, "host test, clock: host");
	assert_string_equal(w.shb_appl, "hoplat");
	assert_int_equal(w.idb, 2);
	assert_string_equal(w.if_name[0], "br0-up");
	assert_string_equal(w.if_desc[0], "bridge uplink");
	assert_string_equal(w.if_filter[0], "udp port 53 or tcp port 80");
	assert_string_equal(w.if_name[1], "vif1.0");
	assert_string_equal(w.if_filter[1], "");
	assert_int_equal(w.if_res[0], 9);
	assert_int_equal(w.if_res[1], 6);
	assert_int_equal(w.if_lt[1], 113);
	assert_int_equal(w.if_snap[0], 262144);
	assert_int_equal(w.epb, NPKT);
	assert_int_equal(w.epb_seq_bad, 0);
	for (unsigned i = 0; i < NPKT; i++) {
		uint64_t want = pkt_if(i) ? pkt_ts(i) / 1000 : pkt_ts(i);
		assert_int_equal(w.epb_if[i], pkt_if(i));
		assert_int_equal(w.epb_ts[i], want);
		assert_int_equal(w.epb_cap[i], pkt_cap(i));
		assert_int_equal(w.epb_wire[i], pkt_cap(i) + 10);
	}
	assert_int_equal(w.isb, 2);
	assert_int_equal(w.isb_opt[0][2], T0);
	assert_int_equal(w.isb_opt[0][3], pkt_ts(NPKT));
	assert_int_equal(w.isb_opt[0][4], 27);
	assert_int_equal(w.isb_opt[0][5], 1);
	assert_int_equal(w.isb_opt[0][6], 26);
	assert_int_equal(w.isb_opt[0][7], 0);
	assert_int_equal(w.isb_opt[1][2], T0 / 1000);
	assert_int_equal(w.isb_opt[1][3], 0);	/* left out */
	assert_int_equal(w.isb_opt[1][4], 13);
	assert_int_equal(w.isb_opt[1][7], 2);
}

/* hoplat's own reader gets the same packets back. */
static void test_reader_roundtrip(void **state)
{
	(void)state;
	char path[128], err[CAPFILE_ERRBUF];
	tl_tmp_path(path, sizeof path, "rt.pcapng");
	write_sample(path);
	struct capfile *cf = capfile_open(path, err);
	assert_non_null(cf);
	struct pkt p;
	unsigned n = 0;
	int rc;
	while ((rc = capfile_next(cf, &p)) == 1) {
		uint64_t want = pkt_if(n) ? pkt_ts(n) / 1000 * 1000 : pkt_ts(n);
		assert_int_equal(p.ts_ns, want);
		assert_int_equal(p.iface, pkt_if(n));
		assert_int_equal(p.caplen, pkt_cap(n));
		assert_int_equal(p.wirelen, pkt_cap(n) + 10);
		assert_int_equal(p.linktype, pkt_if(n) ? 113 : 1);
		uint8_t buf[256];
		fill_payload(buf, n, pkt_cap(n));
		assert_memory_equal(p.data, buf, pkt_cap(n));
		n++;
	}
	assert_int_equal(rc, 0);
	assert_int_equal(n, NPKT);
	assert_int_equal(capfile_iface_count(cf), 2);
	assert_string_equal(capfile_iface_name(cf, 0), "br0-up");
	assert_string_equal(capfile_iface_name(cf, 1), "vif1.0");
	assert_string_equal(capfile_format(cf), "pcapng");
	capfile_close(cf);
}

static int have_tool(const char *name)
{
	char cmd[128];
	snprintf(cmd, sizeof cmd, "command -v %s >/dev/null 2>&1", name);
	return system(cmd) == 0;
}

/* tshark reads the file: interface names, exact ns timestamps, lengths. */
static void test_tshark_reads(void **state)
{
	(void)state;
	if (!have_tool("tshark"))
		skip();
	char path[128], cmd[512];
	tl_tmp_path(path, sizeof path, "ts.pcapng");
	write_sample(path);
	snprintf(cmd, sizeof cmd, "tshark -r '%s' -T fields -e frame.interface_name "
		 "-e frame.time_epoch -e frame.cap_len -e frame.len 2>/dev/null", path);
	FILE *f = popen(cmd, "r");
	assert_non_null(f);
	char line[256];
	unsigned n = 0;
	while (fgets(line, sizeof line, f)) {
		char name[64], ep[64];
		unsigned cap, len;
		assert_int_equal(sscanf(line, "%63s %63s %u %u", name, ep, &cap, &len), 4);
		assert_true(n < NPKT);
		uint64_t ts = pkt_if(n) ? pkt_ts(n) / 1000 * 1000 : pkt_ts(n);
		char want[64];
		snprintf(want, sizeof want, "%llu.%09llu", (unsigned long long)(ts / 1000000000),
			 (unsigned long long)(ts % 1000000000));
		assert_string_equal(ep, want);
		assert_string_equal(name, pkt_if(n) ? "vif1.0" : "br0-up");
		assert_int_equal(cap, pkt_cap(n));
		assert_int_equal(len, pkt_cap(n) + 10);
		n++;
	}
	assert_int_equal(pclose(f), 0);
	assert_int_equal(n, NPKT);
}

/* capinfos sees the statistics blocks and the section comment. */
static void test_capinfos_stats(void **state)
{
	(void)state;
	if (!have_tool("capinfos"))
		skip();
	char path[128], cmd[512];
	tl_tmp_path(path, sizeof path, "ci.pcapng");
	write_sample(path);
	snprintf(cmd, sizeof cmd, "capinfos '%s' 2>&1", path);
	FILE *f = popen(cmd, "r");
	assert_non_null(f);
	char line[512];
	unsigned stat_lines = 0, comment = 0, appl = 0;
	while (fgets(line, sizeof line, f)) {
		if (strstr(line, "Number of stat entries = 1"))
			stat_lines++;
		if (strstr(line, "host test, clock: host"))
			comment++;
		if (strstr(line, "hoplat"))
			appl++;
	}
	assert_int_equal(pclose(f), 0);
	assert_int_equal(stat_lines, 2);
	assert_int_equal(comment, 1);
	assert_true(appl >= 1);
}

static void test_bad_calls(void **state)
{
	(void)state;
	char path[128], err[PCAPNG_ERRBUF];
	tl_tmp_path(path, sizeof path, "bad.pcapng");
	struct pcapng_w *w = pcapng_w_open(path, NULL, err);
	assert_non_null(w);
	uint8_t buf[16] = { 0 };
	assert_int_equal(pcapng_w_packet(w, 0, T0, buf, 16, 16), -EINVAL);	/* no interface */
	assert_non_null(strstr(pcapng_w_error(w), "packet for undeclared interface 0"));
	struct pcapng_iface bad = IF_US;
	bad.tsresol = 12;
	assert_int_equal(pcapng_w_add_iface(w, &bad), -EINVAL);
	assert_int_equal(pcapng_w_add_iface(w, &IF_US), 0);
	static uint8_t big[2 << 20];
	assert_int_equal(pcapng_w_packet(w, 0, T0, big, sizeof big, sizeof big), -EMSGSIZE);
	assert_non_null(strstr(pcapng_w_error(w), "too large"));
	/* those errors were the caller's, not the file's: writing goes on */
	assert_int_equal(pcapng_w_packet(w, 0, T0, buf, 16, 16), 0);
	assert_int_equal(pcapng_w_close(w), 0);

	assert_null(pcapng_w_open("/nonexistent-dir/x.pcapng", NULL, err));
	assert_non_null(strstr(err, "/nonexistent-dir/x.pcapng"));
}

static int reader_count(const char *path)
{
	char err[CAPFILE_ERRBUF];
	struct capfile *cf = capfile_open(path, err);
	assert_non_null(cf);
	struct pkt p;
	int n = 0, rc;
	while ((rc = capfile_next(cf, &p)) == 1)
		n++;
	assert_int_equal(rc, 0);
	capfile_close(cf);
	return n;
}

/* Packets tshark reads from path without complaint; -1 without tshark. */
static int tshark_count(const char *path)
{
	if (!have_tool("tshark"))
		return -1;
	/* tshark exits non-zero on a file "cut short in the middle of a packet" */
	char cmd[512];
	snprintf(cmd, sizeof cmd, "n=$(tshark -r '%s' -T fields -e frame.number 2>/dev/null) "
		 "|| exit 3; printf '%%s\\n' \"$n\" | sed '/^$/d' | wc -l", path);
	FILE *f = popen(cmd, "r");
	assert_non_null(f);
	int n = -1;
	assert_int_equal(fscanf(f, "%d", &n), 1);
	assert_int_equal(pclose(f), 0);
	return n;
}

/* Writes numbered packets until the file refuses; checks the sticky error,
 * the message and that the file holds a prefix of whole packets. */
static void fill_until_error(const char *path, int want_err, const char *want_msg)
{
	char err[PCAPNG_ERRBUF];
	struct pcapng_w *w = pcapng_w_open(path, "fill", err);
	assert_non_null(w);
	assert_int_equal(pcapng_w_add_iface(w, &IF_NS), 0);
	uint8_t buf[1500];
	int rc = 0;
	unsigned i;
	for (i = 0; i < 100000 && rc == 0; i++) {
		uint32_t len = 60 + i * 31 % 1400;
		fill_payload(buf, i, len);
		rc = pcapng_w_packet(w, 0, pkt_ts(i), buf, len, len);
	}
	assert_int_equal(rc, want_err);
	assert_int_equal(pcapng_w_packet(w, 0, T0, buf, 64, 64), want_err);
	assert_int_equal(pcapng_w_flush(w), want_err);
	struct pcapng_isb st = { UINT64_MAX, UINT64_MAX, 1, 1, 1, 1 };
	assert_int_equal(pcapng_w_stats(w, 0, T0, &st), want_err);
	char msg[PCAPNG_ERRBUF];
	snprintf(msg, sizeof msg, "%s", pcapng_w_error(w));
	assert_non_null(strstr(msg, path));
	assert_non_null(strstr(msg, "write failed after "));
	assert_non_null(strstr(msg, want_msg));
	unsigned long long after = 0;
	sscanf(strstr(msg, "after ") + 6, "%llu", &after);
	assert_int_equal(pcapng_w_close(w), want_err);

	struct stat sb;
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal((unsigned long long)sb.st_size, after);
	struct walk wk;
	walk_file(path, &wk);	/* ends on a whole block */
	assert_int_equal(wk.shb, 1);
	assert_int_equal(wk.idb, 1);
	assert_true(wk.epb > 0);
	assert_int_equal(wk.epb_seq_bad, 0);
	assert_int_equal(reader_count(path), wk.epb);	/* and hoplat's reader, to a clean end */
	int nt = tshark_count(path);
	if (nt >= 0)
		assert_int_equal(nt, wk.epb);	/* tshark reads it cleanly too */
	print_message("    %s: %u whole packets kept, %llu bytes, then: %s\n", want_msg, wk.epb,
		      after, msg);
}

/* Option lengths are 16 bits: a 100 kB comment is cut, the file stays valid. */
static void test_long_strings(void **state)
{
	(void)state;
	char path[128], err[PCAPNG_ERRBUF];
	tl_tmp_path(path, sizeof path, "long.pcapng");
	static char big[100000];
	memset(big, 'c', sizeof big - 1);
	struct pcapng_w *w = pcapng_w_open(path, big, err);
	assert_non_null(w);
	struct pcapng_iface ifc = IF_NS;
	ifc.description = big;
	ifc.filter = big;
	assert_int_equal(pcapng_w_add_iface(w, &ifc), 0);
	uint8_t buf[64];
	fill_payload(buf, 0, sizeof buf);
	assert_int_equal(pcapng_w_packet(w, 0, T0, buf, sizeof buf, sizeof buf), 0);
	assert_int_equal(pcapng_w_close(w), 0);
	struct walk wk;
	walk_file(path, &wk);
	assert_int_equal(wk.epb, 1);
	assert_int_equal(strlen(wk.shb_comment), sizeof wk.shb_comment - 1);
	assert_int_equal(reader_count(path), 1);
	int nt = tshark_count(path);
	if (nt >= 0)
		assert_int_equal(nt, 1);
}

static void test_file_size_limit(void **state)
{
	(void)state;
	char path[128];
	tl_tmp_path(path, sizeof path, "limit.pcapng");
	struct rlimit old, lim;
	getrlimit(RLIMIT_FSIZE, &old);
	lim = old;
	lim.rlim_cur = 1500000;	/* mid-block, past the first 1 MiB flush */
	signal(SIGXFSZ, SIG_IGN);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
	fill_until_error(path, -EFBIG, "File too large");
	setrlimit(RLIMIT_FSIZE, &old);
	signal(SIGXFSZ, SIG_DFL);
}

static void test_full_disk(void **state)
{
	(void)state;
	if (geteuid() != 0)
		skip();
	char mnt[128], path[160];
	tl_tmp_path(mnt, sizeof mnt, "tiny");
	assert_int_equal(mkdir(mnt, 0755), 0);
	if (mount("tmpfs", mnt, "tmpfs", 0, "size=64k") != 0) {
		rmdir(mnt);
		skip();
	}
	snprintf(path, sizeof path, "%s/full.pcapng", mnt);
	fill_until_error(path, -ENOSPC, "No space left on device");

	/* a second file on the full disk cannot take even its header */
	char second[192], err[PCAPNG_ERRBUF], want[320];
	snprintf(second, sizeof second, "%s/second.pcapng", mnt);
	assert_null(pcapng_w_open(second, "no room", err));
	snprintf(want, sizeof want, "%s: write failed after 0 bytes: No space left on device", second);
	assert_string_equal(err, want);
	assert_int_equal(access(second, F_OK), -1);	/* no empty file left behind */
}

/* A path that exists is never removed, even when not even the header can
 * be written: a symlink to /dev/full (any user), and a device node made
 * here (root: mknod 1,7, never the host's node). */
static void test_existing_kept(void **state)
{
	(void)state;
	char link[128], node[128], err[PCAPNG_ERRBUF];
	struct stat st;
	tl_tmp_path(link, sizeof link, "full-link");
	assert_int_equal(symlink("/dev/full", link), 0);
	assert_null(pcapng_w_open(link, NULL, err));
	assert_int_equal(errno, ENOSPC);
	assert_non_null(strstr(err, "No space left on device"));
	assert_int_equal(lstat(link, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	if (geteuid() != 0)
		return;
	tl_tmp_path(node, sizeof node, "full-node");
	assert_int_equal(mknod(node, S_IFCHR | 0600, makedev(1, 7)), 0);
	assert_null(pcapng_w_open(node, NULL, err));
	assert_int_equal(stat(node, &st), 0);
	assert_true(S_ISCHR(st.st_mode) && st.st_rdev == makedev(1, 7));
}

/* pcapng_w_discard removes a file the writer made, never one that was there. */
static void test_discard(void **state)
{
	(void)state;
	char made[128], there[128], err[PCAPNG_ERRBUF];
	tl_tmp_path(made, sizeof made, "made.pcapng");
	tl_tmp_path(there, sizeof there, "there.pcapng");
	FILE *f = fopen(there, "w");
	assert_non_null(f);
	fclose(f);
	struct pcapng_w *w = pcapng_w_open(made, NULL, err);
	assert_non_null(w);
	pcapng_w_discard(w);
	assert_int_equal(access(made, F_OK), -1);
	w = pcapng_w_open(there, NULL, err);
	assert_non_null(w);
	pcapng_w_discard(w);
	assert_int_equal(access(there, F_OK), 0);
}

/* "-" into a pipe whose reader goes away: the bytes counted are those of
 * the whole blocks that went in, and the message says the pipe closed. */
static void test_closed_pipe(void **state)
{
	(void)state;
	int p[2], saved = dup(STDOUT_FILENO);
	char err[PCAPNG_ERRBUF];
	assert_int_equal(pipe(p), 0);
	assert_int_equal(fcntl(p[1], F_SETPIPE_SZ, 65536) > 0, 1);
	dup2(p[1], STDOUT_FILENO);
	close(p[1]);
	signal(SIGPIPE, SIG_IGN);
	struct pcapng_w *w = pcapng_w_open("-", NULL, err);
	assert_non_null(w);
	assert_int_equal(pcapng_w_add_iface(w, &IF_NS), 0);
	uint8_t buf[1000];
	fill_payload(buf, 0, sizeof buf);
	assert_int_equal(pcapng_w_packet(w, 0, T0, buf, sizeof buf, sizeof buf), 0);
	assert_int_equal(pcapng_w_flush(w), 0);
	uint64_t went = pcapng_w_bytes(w);
	close(p[0]);		/* the reader goes away */
	assert_int_equal(pcapng_w_packet(w, 0, T0, buf, sizeof buf, sizeof buf), 0);
	assert_int_equal(pcapng_w_flush(w), -EPIPE);
	assert_int_equal(pcapng_w_bytes(w), went);
	assert_non_null(strstr(pcapng_w_error(w), "standard output: the reader closed the pipe after"));
	assert_int_equal(pcapng_w_close(w), -EPIPE);
	dup2(saved, STDOUT_FILENO);
	close(saved);
	signal(SIGPIPE, SIG_DFL);
}

/* Runs even when the test failed part way: never leave the tmpfs mounted. */
static int full_disk_teardown(void **state)
{
	(void)state;
	char mnt[128];
	tl_tmp_path(mnt, sizeof mnt, "tiny");
	umount(mnt);
	rmdir(mnt);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_reader_roundtrip),
		cmocka_unit_test(test_tshark_reads),
		cmocka_unit_test(test_capinfos_stats),
		cmocka_unit_test(test_bad_calls),
		cmocka_unit_test(test_long_strings),
		cmocka_unit_test(test_file_size_limit),
		cmocka_unit_test(test_existing_kept),
		cmocka_unit_test(test_discard),
		cmocka_unit_test(test_closed_pipe),
		cmocka_unit_test_teardown(test_full_disk, full_disk_teardown),
	};
	return cmocka_run_group_tests_name("pcapng_writer", tests, setup, teardown);
}
