/* The input layer (capture/input.c): the heap; the merge by time across
 * sources, with ties and a mapped clock; #IFACE, #INDEX and the pick by
 * name (interface blocks after the first packet too), a wrong one refused
 * at open with what the file has, one numbering across files; several
 * files of one point read as one capture whatever order they are given in
 * (and a glob); a damaged file in the middle; the BPF filter; pipes. Every
 * capture is written here by hoplat's pcapng writer. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "capture/input.h"
#include "tests/testlib.h"
#include "tests/testcap.h"

#define T0 1700000000000000000ull
#define CLIENT 0x0a000001u
#define SERVER 0x0a000002u

static int setup(void **state)
{
	(void)state;
	return tl_tmpdir_make("hoplat-input");
}

static int teardown(void **state)
{
	(void)state;
	return tl_tmpdir_remove();
}

/* A file of one interface: packets at T0 + ts[i] us, the DNS id of each
 * its time in us (so every packet tells where it came from). */
static void write_times(const char *name, const char *ifname, const uint64_t *us, unsigned n)
{
	char path[256];
	tl_tmp_path(path, sizeof path, name);
	struct pcapng_w *w = tc_open(path, &ifname, 1, LT_ETHERNET);
	for (unsigned i = 0; i < n; i++) {
		struct tc_frame f = tc_packet(17, CLIENT, 40000, SERVER, 53, (uint16_t)i, (uint32_t)us[i]);
		tc_write(w, 0, T0 + us[i] * 1000, &f, LT_ETHERNET);
	}
	tc_close(w);
}

static struct in_set *set_of(const char *const *specs, const uint8_t *points, unsigned n)
{
	struct in_set *s = in_new();
	assert_non_null(s);
	for (unsigned i = 0; i < n; i++) {
		char path[256];
		tl_tmp_path(path, sizeof path, specs[i]);
		assert_true(in_add(s, path, points[i]) >= 0);
	}
	return s;
}

/* Reads everything: the times (us after T0) and the points, in order. */
static unsigned read_all(struct in_set *s, uint64_t *us, uint8_t *point, unsigned cap)
{
	struct pkt p;
	unsigned n = 0;
	int rc;
	while ((rc = in_next(s, &p, NULL)) == 1) {
		assert_true(n < cap);
		us[n] = (p.ts_ns - T0) / 1000;
		if (point)
			point[n] = p.point;
		n++;
	}
	assert_int_equal(rc, 0);
	return n;
}

static void test_heap_order(void **st)
{
	(void)st;
	struct in_hent buf[64];
	struct in_heap h = { buf, 0 };
	uint64_t x = 12345;
	for (unsigned i = 0; i < 64; i++) {
		x = x * 6364136223846793005ull + 1442695040888963407ull;
		in_heap_push(&h, (struct in_hent){ .key = (x >> 60), .tie = i, .a = i });
	}
	uint64_t last_key = 0, last_tie = 0;
	for (unsigned i = 0; i < 64; i++) {
		struct in_hent t = h.e[0];
		assert_true(t.key > last_key || (t.key == last_key && (i == 0 || t.tie > last_tie)));
		last_key = t.key, last_tie = t.tie;
		in_heap_pop(&h);
	}
	assert_int_equal(h.n, 0);
}

/* Three sources interleaved, two packets at one time: time order, equal
 * times in the order the sources were added; each packet with its point. */
static void test_merge_order(void **st)
{
	(void)st;
	const uint64_t a[] = { 10, 40, 70, 100 }, b[] = { 20, 40, 80 }, c[] = { 5, 41, 90, 200 };
	write_times("a.pcapng", "eth0", a, 4);
	write_times("b.pcapng", "eth0", b, 3);
	write_times("c.pcapng", "eth0", c, 4);
	const char *specs[] = { "a.pcapng", "b.pcapng", "c.pcapng" };
	const uint8_t points[] = { 2, 0, 1 };
	struct in_set *s = set_of(specs, points, 3);
	assert_int_equal(in_count(s), 3);
	assert_int_equal(in_open(s, ~0u), 0);
	uint64_t us[16];
	uint8_t pt[16];
	assert_int_equal(read_all(s, us, pt, 16), 11);
	const uint64_t want[] = { 5, 10, 20, 40, 40, 41, 70, 80, 90, 100, 200 };
	const uint8_t want_pt[] = { 1, 2, 0, 2, 0, 1, 2, 0, 1, 2, 1 };
	for (unsigned i = 0; i < 11; i++) {
		assert_int_equal(us[i], want[i]);
		assert_int_equal(pt[i], want_pt[i]);
	}
	/* opened again: the same from the start */
	assert_int_equal(in_open(s, ~0u), 0);
	assert_int_equal(read_all(s, us, NULL, 16), 11);
	/* one source alone */
	assert_int_equal(in_open(s, 1u << 1), 0);
	assert_int_equal(read_all(s, us, pt, 16), 3);
	assert_int_equal(pt[0], 0);
	in_free(s);
}

/* Point 0's clock is 25 us ahead: its packets merge at their time - 25. */
static uint64_t minus25(void *ctx, uint8_t point, uint64_t ts)
{
	uint64_t *shift = ctx;
	return point == 0 ? ts - *shift : ts;
}

static void test_merge_mapped(void **st)
{
	(void)st;
	const uint64_t a[] = { 30, 60, 90 }, b[] = { 10, 40, 70 };
	write_times("ma.pcapng", "eth0", a, 3);
	write_times("mb.pcapng", "peth0", b, 3);
	const char *specs[] = { "ma.pcapng", "mb.pcapng" };
	const uint8_t points[] = { 0, 1 };
	struct in_set *s = set_of(specs, points, 2);
	uint64_t shift = 25000;
	in_map(s, minus25, &shift);
	assert_int_equal(in_open(s, ~0u), 0);
	struct pkt p;
	uint64_t key, got[6];
	const uint64_t want[] = { 5, 10, 35, 40, 65, 70 };	/* keys in us */
	for (unsigned i = 0; i < 6; i++) {
		assert_int_equal(in_next(s, &p, &key), 1);
		got[i] = (key - T0) / 1000;
		assert_int_equal(got[i], want[i]);
		assert_int_equal(p.ts_ns - key, p.point == 0 ? shift : 0);	/* the packet keeps its time */
	}
	/* the mapping changes midway: what waits takes its new key */
	assert_int_equal(in_open(s, ~0u), 0);
	assert_int_equal(in_next(s, &p, &key), 1);	/* a's 30 at 5 */
	assert_int_equal(in_next(s, &p, &key), 1);	/* b's 10 */
	shift = 0;
	in_remap(s);
	assert_int_equal(in_next(s, &p, &key), 1);
	assert_int_equal((key - T0) / 1000, 40);	/* b's 40 before a's 60 now */
	assert_int_equal(p.point, 1);
	in_free(s);
}

/* One source open (in_next's way without the merge): its packets in order,
 * the key mapped when asked for, 0 again after its end; the second source
 * alone too (opened by the mask). */
static void test_alone(void **st)
{
	(void)st;
	const uint64_t a[] = { 30, 60, 90 }, b[] = { 10, 40 };
	write_times("la.pcapng", "eth0", a, 3);
	write_times("lb.pcapng", "peth0", b, 2);
	const char *specs[] = { "la.pcapng", "lb.pcapng" };
	const uint8_t points[] = { 0, 1 };
	struct in_set *s = set_of(specs, points, 2);
	uint64_t shift = 25000, key, us[4];
	uint8_t pt[4];
	in_map(s, minus25, &shift);
	assert_int_equal(in_open(s, 1u), 0);
	struct pkt p;
	for (unsigned i = 0; i < 3; i++) {
		assert_int_equal(in_next(s, &p, i == 1 ? NULL : &key), 1);
		assert_int_equal((p.ts_ns - T0) / 1000, a[i]);
		assert_int_equal(p.point, 0);
		if (i != 1)
			assert_int_equal((key - T0) / 1000, a[i] - 25);
	}
	assert_int_equal(in_next(s, &p, &key), 0);
	assert_int_equal(in_next(s, &p, &key), 0);
	assert_int_equal(in_open(s, 2u), 0);
	assert_int_equal(read_all(s, us, pt, 4), 2);
	assert_int_equal(us[0], 10);
	assert_int_equal(us[1], 40);
	assert_int_equal(pt[1], 1);
	in_free(s);
}

/* A Dom0 capture: peth0 and vif1.0 each see the query (ids 1..n) */
static void write_dom0(const char *name, const char *n0, const char *n1)
{
	char path[256];
	const char *names[] = { n0, n1 };
	tl_tmp_path(path, sizeof path, name);
	struct pcapng_w *w = tc_open(path, names, 2, LT_ETHERNET);
	for (unsigned i = 0; i < 5; i++) {
		struct tc_frame f = tc_packet(17, CLIENT, 40000, SERVER, 53, (uint16_t)i, i);
		tc_write(w, 0, T0 + i * 1000000, &f, LT_ETHERNET);
		tc_write(w, 1, T0 + i * 1000000 + 300000, &f, LT_ETHERNET);
	}
	struct tc_frame f = tc_packet(17, CLIENT, 40000, SERVER, 53, 99, 99);
	tc_write(w, 1, T0 + 9000000, &f, LT_ETHERNET);	/* the vif has one more */
	tc_close(w);
}

static unsigned count_spec(const char *spec, int pick, char *picked)
{
	struct in_set *s = in_new();
	char path[256];
	tl_tmp_path(path, sizeof path, spec);
	int src = in_add(s, path, 1);
	assert_int_equal(src, 0);
	if (pick)
		in_pick(s, 0, (enum ifrole)pick);
	assert_int_equal(in_open(s, ~0u), 0);
	uint64_t us[32];
	unsigned n = read_all(s, us, NULL, 32);
	if (picked)
		snprintf(picked, 64, "%s", in_picked(s, 0) ? in_picked(s, 0) : "-");
	in_free(s);
	return n;
}

static void test_iface_select(void **st)
{
	(void)st;
	write_dom0("dom0.pcapng", "peth0", "vif1.0");
	char picked[64];
	assert_int_equal(count_spec("dom0.pcapng", 0, picked), 11);	/* every interface */
	assert_string_equal(picked, "-");
	assert_int_equal(count_spec("dom0.pcapng#peth0", 0, NULL), 5);
	assert_int_equal(count_spec("dom0.pcapng#vif1.0", 0, NULL), 6);
	assert_int_equal(count_spec("dom0.pcapng#0", 0, NULL), 5);	/* by number */
	assert_int_equal(count_spec("dom0.pcapng#1", 0, NULL), 6);
	/* by the role its name says */
	assert_int_equal(count_spec("dom0.pcapng", IFROLE_VIF, picked), 6);
	assert_string_equal(picked, "vif1.0");
	assert_int_equal(count_spec("dom0.pcapng", IFROLE_UPLINK, picked), 5);
	assert_string_equal(picked, "peth0");
	/* names that say nothing: no pick, every interface */
	write_dom0("renamed.pcapng", "porta", "portb");
	assert_int_equal(count_spec("renamed.pcapng", IFROLE_VIF, picked), 11);
	assert_string_equal(picked, "-");
}

/* A wrong #IFACE or #INDEX fails at open, before a packet is handed out,
 * saying what the file has. */
static void test_iface_unknown(void **st)
{
	(void)st;
	write_dom0("dom0.pcapng", "peth0", "vif1.0");
	const char *bad[] = { "dom0.pcapng#vif1.1", "dom0.pcapng#2", "dom0.pcapng#-1" };
	for (unsigned i = 0; i < 3; i++) {
		struct in_set *s = in_new();
		char path[256];
		tl_tmp_path(path, sizeof path, bad[i]);
		assert_int_equal(in_add(s, path, 0), 0);
		assert_int_equal(in_open(s, ~0u), -ENOENT);
		assert_non_null(strstr(in_error(s), "has no interface named"));
		assert_non_null(strstr(in_error(s), "(it has: #0 peth0, #1 vif1.0)"));
		struct pkt p;
		assert_int_equal(in_next(s, &p, NULL), 0);	/* nothing open */
		in_free(s);
	}
}

/* tcpdump -i any on Dom0: Linux cooked v2, one link-layer interface, each
 * packet with its kernel ifindex (33 for the uplink's 5 packets, 34 for the
 * vif's 6, 1 for one on lo). */
static void write_cooked(const char *name)
{
	char path[256];
	const char *names[] = { NULL };
	tl_tmp_path(path, sizeof path, name);
	struct pcapng_w *w = tc_open(path, names, 1, LT_LINUX_SLL2);
	for (unsigned i = 0; i < 12; i++) {
		struct tc_frame e = tc_packet(17, CLIENT, 40000, SERVER, 53, (uint16_t)i, i), f = { .len = e.len + 6 };
		uint32_t ix = i < 5 ? 33 : i < 11 ? 34 : 1;
		f.b[0] = 0x08;						/* protocol: IPv4 */
		f.b[4] = (uint8_t)(ix >> 24), f.b[5] = (uint8_t)(ix >> 16), f.b[6] = (uint8_t)(ix >> 8), f.b[7] = (uint8_t)ix;
		f.b[9] = 1, f.b[11] = 6;				/* ARPHRD_ETHER, address length */
		memcpy(f.b + 20, e.b + 14, e.len - 14);
		tc_write(w, 0, T0 + i * 1000000, &f, LT_LINUX_SLL2);
	}
	tc_close(w);
}

/* The cooked capture: #INDEX is the kernel's ifindex; #NAME needs
 * --ifnames (refused with the indexes seen, else); the pick by role works
 * on the names --ifnames gives, in its three forms. */
static void test_cooked(void **st)
{
	(void)st;
	char path[256], names[256], picked[64];
	write_cooked("any.pcapng");
	assert_int_equal(count_spec("any.pcapng#33", 0, NULL), 5);
	assert_int_equal(count_spec("any.pcapng#34", 0, NULL), 6);
	assert_int_equal(count_spec("any.pcapng", 0, NULL), 12);
	struct in_set *s = in_new();
	tl_tmp_path(path, sizeof path, "any.pcapng#peth0");
	assert_int_equal(in_add(s, path, 1), 0);
	assert_int_equal(in_open(s, ~0u), -ENOENT);
	assert_non_null(strstr(in_error(s), "is Linux cooked v2 (tcpdump -i any): its packets carry interface "
				"indexes, not names (in the capture: 33, 34, 1); name them with --ifnames"));
	in_free(s);
	const char *forms[] = { "33 peth0\n34 vif1.0\n",
				"1: lo: <LOOPBACK,UP> mtu 65536\n33: peth0@if2: <BROADCAST> mtu 1500\n"
				"    link/ether 02:00:00:00:00:01 brd ff:ff:ff:ff:ff:ff\n34: vif1.0@if3: <UP> mtu 1500\n",
				"{\"bridges\":[],\"ports\":[{\"name\":\"peth0\",\"ifindex\":33},"
				"{\"name\":\"vif1.0\",\"ifindex\":34}],\"guests\":[]}" };
	for (unsigned k = 0; k < 3; k++) {
		tl_tmp_path(names, sizeof names, "names");
		FILE *f = fopen(names, "w");
		fputs(forms[k], f);
		fclose(f);
		for (int role = IFROLE_UPLINK; role <= IFROLE_VIF; role++) {
			s = in_new();
			tl_tmp_path(path, sizeof path, "any.pcapng");
			assert_int_equal(in_ifnames(s, names), 0);
			assert_int_equal(in_add(s, path, 1), 0);
			in_pick(s, 0, (enum ifrole)role);
			assert_int_equal(in_open(s, ~0u), 0);
			uint64_t us[32];
			assert_int_equal(read_all(s, us, NULL, 32), role == IFROLE_UPLINK ? 5 : 6);
			snprintf(picked, sizeof picked, "%s", in_picked(s, 0) ? in_picked(s, 0) : "-");
			assert_string_equal(picked, role == IFROLE_UPLINK ? "peth0" : "vif1.0");
			in_free(s);
		}
	}
	s = in_new();
	assert_int_equal(in_ifnames(s, path), -EINVAL);	/* a capture is no list of names */
	assert_non_null(strstr(in_error(s), ":1: not 'INDEX NAME'"));
	in_free(s);
}

/* A Dom0 capture as a replay's -w writes it: an interface block when the
 * interface's first packet comes, so vif1.0 is declared after packets;
 * first is the name declared first. */
static void write_lazy(const char *name, const char *first, const char *second)
{
	char path[256], err[PCAPNG_ERRBUF];
	tl_tmp_path(path, sizeof path, name);
	struct pcapng_w *w = pcapng_w_open(path, NULL, err);
	assert_non_null(w);
	struct pcapng_iface a = { .name = first, .linktype = LT_ETHERNET, .snaplen = 262144, .tsresol = 9 };
	struct pcapng_iface b = a;
	b.name = second;
	assert_int_equal(pcapng_w_add_iface(w, &a), 0);
	struct tc_frame f = tc_packet(17, CLIENT, 40000, SERVER, 53, 1, 1);
	tc_write(w, 0, T0, &f, LT_ETHERNET);
	tc_write(w, 0, T0 + 1000, &f, LT_ETHERNET);
	assert_int_equal(pcapng_w_add_iface(w, &b), 1);
	tc_write(w, 1, T0 + 2000, &f, LT_ETHERNET);
	tc_close(w);
}

static void test_iface_late_block(void **st)
{
	(void)st;
	write_lazy("lazy.pcapng", "peth0", "vif1.0");
	char picked[64];
	assert_int_equal(count_spec("lazy.pcapng", IFROLE_VIF, picked), 1);
	assert_string_equal(picked, "vif1.0");
	assert_int_equal(count_spec("lazy.pcapng#vif1.0", 0, NULL), 1);
	assert_int_equal(count_spec("lazy.pcapng#1", 0, NULL), 1);
}

/* Rotated files need not declare their interfaces in one order: one name
 * is one interface of the source, numbered as in the first file. */
static void test_iface_numbers_across_files(void **st)
{
	(void)st;
	write_lazy("r_1.pcapng", "peth0", "vif1.0");
	write_lazy("r_2.pcapng", "vif1.0", "peth0");	/* same times: read after r_1 */
	const char *specs[] = { "r_*.pcapng" };
	const uint8_t points[] = { 1 };
	struct in_set *s = set_of(specs, points, 1);
	assert_int_equal(in_open(s, ~0u), 0);
	struct pkt p;
	const uint32_t want[] = { 0, 0, 1, 1, 1, 0 };	/* peth0 peth0 vif, then vif vif peth0 */
	for (unsigned i = 0; i < 6; i++) {
		assert_int_equal(in_next(s, &p, NULL), 1);
		assert_int_equal(p.iface, want[i]);
	}
	assert_int_equal(in_next(s, &p, NULL), 0);
	assert_int_equal(in_iface_count(s, 0), 2);
	assert_string_equal(in_iface_name(s, 0, 0), "peth0");
	assert_string_equal(in_iface_name(s, 0, 1), "vif1.0");
	assert_int_equal(in_iface_linktype(s, 0, 1), LT_ETHERNET);
	in_free(s);
}

/* One interface kept across rotated files, by name or by number (resolved
 * in each file: vif1.0 is #1 in the first, #0 in the second, declared after
 * the first packets), through in_next and through in_next_src. */
static void test_iface_kept_across_files(void **st)
{
	(void)st;
	write_lazy("k_1.pcapng", "peth0", "vif1.0");
	write_lazy("k_2.pcapng", "vif1.0", "peth0");
	static const struct {
		const char *spec;
		unsigned n;
		uint32_t iface[4];
	} cases[] = {
		{ "k_*.pcapng#vif1.0", 3, { 1, 1, 1 } },
		{ "k_*.pcapng#peth0", 3, { 0, 0, 0 } },
		{ "k_*.pcapng#1", 2, { 1, 0 } },	/* vif1.0 in k_1, peth0 in k_2 */
		{ "k_*.pcapng#0", 4, { 0, 0, 1, 1 } },
	};
	for (unsigned c = 0; c < sizeof cases / sizeof cases[0]; c++)
		for (int apart = 0; apart < 2; apart++) {
			const char *specs[] = { cases[c].spec };
			const uint8_t points[] = { 1 };
			struct in_set *s = set_of(specs, points, 1);
			assert_int_equal(in_open(s, ~0u), 0);
			if (apart)
				in_split(s);
			struct pkt p;
			unsigned n = 0;
			while ((apart ? in_next_src(s, 0, &p) : in_next(s, &p, NULL)) == 1) {
				assert_true(n < cases[c].n);
				assert_int_equal(p.iface, cases[c].iface[n]);
				assert_int_equal(p.point, 1);
				n++;
			}
			assert_int_equal(n, cases[c].n);
			in_free(s);
		}
}

/* A path holding '#' that exists is a file, not FILE#IFACE. */
static void test_hash_in_path(void **st)
{
	(void)st;
	const uint64_t a[] = { 1, 2 };
	write_times("x#eth0", "eth0", a, 2);
	assert_int_equal(count_spec("x#eth0", 0, NULL), 2);
	assert_int_equal(count_spec("x#eth0#eth0", 0, NULL), 2);
}

/* One capture split in three, given in any order or as a glob: read as
 * the whole, with the files' boundaries between equal times kept. */
static void test_several_files(void **st)
{
	(void)st;
	uint64_t all[30];
	for (unsigned i = 0; i < 30; i++)
		all[i] = 100 + i * 10 - (i == 10 ? 15 : 0);	/* one packet out of order at a boundary */
	write_times("whole.pcapng", "eth0", all, 30);
	write_times("g_1.pcapng", "eth0", all, 10);
	write_times("g_2.pcapng", "eth0", all + 10, 10);
	write_times("g_3.pcapng", "eth0", all + 20, 10);
	const char *orders[][3] = { { "g_1.pcapng", "g_2.pcapng", "g_3.pcapng" },
				    { "g_3.pcapng", "g_1.pcapng", "g_2.pcapng" } };
	for (unsigned o = 0; o < 2; o++) {
		const uint8_t points[] = { 0, 0, 0 };
		struct in_set *s = set_of(orders[o], points, 3);
		assert_int_equal(in_count(s), 1);	/* one point */
		assert_int_equal(in_open(s, ~0u), 0);
		uint64_t us[40];
		assert_int_equal(read_all(s, us, NULL, 40), 30);
		for (unsigned i = 0; i < 30; i++)
			assert_int_equal(us[i], all[i]);
		in_free(s);
	}
	const char *glob_spec[] = { "g_*.pcapng" };
	const uint8_t p0[] = { 1 };
	struct in_set *s = set_of(glob_spec, p0, 1);
	assert_int_equal(in_open(s, ~0u), 0);
	uint64_t us[40];
	assert_int_equal(read_all(s, us, NULL, 40), 30);
	assert_int_equal(us[10], all[10]);
	in_free(s);
	/* a pattern that names nothing */
	s = in_new();
	char path[256];
	tl_tmp_path(path, sizeof path, "nothing_*.pcapng");
	assert_int_equal(in_add(s, path, 0), -ENOENT);
	assert_non_null(strstr(in_error(s), "no file matches"));
	in_free(s);
}

/* The middle file of three is cut short: its packets up to the cut, one
 * error naming it, then the third file; the other source goes on. */
/* PREFIX_1..3.pcapng (10 20 | 30 40 50 | 60 70 us), the second cut into its
 * last packet, and other.pcapng (15 45 65): a set of the two, open. */
static struct in_set *damaged_set(const char *prefix)
{
	const uint64_t a[] = { 10, 20 }, b[] = { 30, 40, 50 }, c[] = { 60, 70 }, o[] = { 15, 45, 65 };
	const uint64_t *t[] = { a, b, c };
	const unsigned n[] = { 2, 3, 2 };
	char name[64], path[256], glob[64];
	for (unsigned k = 0; k < 3; k++) {
		snprintf(name, sizeof name, "%s_%u.pcapng", prefix, k + 1);
		write_times(name, "eth0", t[k], n[k]);
	}
	write_times("other.pcapng", "peth0", o, 3);
	struct stat sb;
	snprintf(name, sizeof name, "%s_2.pcapng", prefix);
	tl_tmp_path(path, sizeof path, name);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(truncate(path, sb.st_size - 10), 0);
	snprintf(glob, sizeof glob, "%s_*.pcapng", prefix);
	const char *specs[] = { glob, "other.pcapng" };
	const uint8_t points[] = { 0, 1 };
	struct in_set *s = set_of(specs, points, 2);
	assert_int_equal(in_open(s, ~0u), 0);
	return s;
}

static void test_damaged_middle(void **st)
{
	(void)st;
	struct in_set *s = damaged_set("d");
	struct pkt p;
	uint64_t got[16];
	unsigned n = 0, errors = 0;
	int rc;
	while ((rc = in_next(s, &p, NULL)) != 0) {
		if (rc < 0) {
			errors++;
			assert_non_null(strstr(in_error(s), "d_2.pcapng"));
			continue;
		}
		got[n++] = (p.ts_ns - T0) / 1000;
	}
	assert_int_equal(errors, 1);
	const uint64_t want[] = { 10, 15, 20, 30, 40, 45, 60, 65, 70 };
	assert_int_equal(n, 9);
	for (unsigned i = 0; i < n; i++)
		assert_int_equal(got[i], want[i]);
	in_free(s);
}

/* Reading ahead (the clock estimate's look at the captures' starts): the
 * analysis then gets every packet once, in the same order, the damaged
 * file's error at its place; no reading ahead once in_next has begun. */
static void test_ahead(void **st)
{
	(void)st;
	struct in_set *s = damaged_set("e");
	struct pkt p;
	assert_int_equal(in_ahead(s, 1, 1, &p), 1);	/* other's 45 (15 read ahead too) */
	assert_int_equal((p.ts_ns - T0) / 1000, 45);
	assert_int_equal(p.point, 1);
	assert_int_equal(in_ahead(s, 0, 2, &p), 1);	/* 10, 20, 30 */
	assert_int_equal((p.ts_ns - T0) / 1000, 30);
	assert_int_equal(in_ahead(s, 0, 0, &p), 1);	/* still there */
	assert_int_equal((p.ts_ns - T0) / 1000, 10);
	assert_int_equal(in_ahead(s, 0, 4, &p), -EBADMSG);	/* e_2's cut packet */
	assert_non_null(strstr(in_error(s), "e_2.pcapng"));
	uint64_t got[16];
	unsigned n = 0, errors = 0;
	int rc;
	while ((rc = in_next(s, &p, NULL)) != 0) {
		if (rc < 0) {
			errors++;
			assert_non_null(strstr(in_error(s), "e_2.pcapng"));
			assert_int_equal(got[n - 1], 40);	/* at its place */
			continue;
		}
		got[n++] = (p.ts_ns - T0) / 1000;
		assert_int_equal(in_ahead(s, 1, 0, &p), -EBUSY);
	}
	assert_int_equal(errors, 1);
	const uint64_t want[] = { 10, 15, 20, 30, 40, 45, 60, 65, 70 };
	assert_int_equal(n, 9);
	for (unsigned i = 0; i < n; i++)
		assert_int_equal(got[i], want[i]);
	/* to a source's end, and opened again: read from the start */
	assert_int_equal(in_open(s, 1u << 1), 0);
	assert_int_equal(in_ahead(s, 1, 2, &p), 1);
	assert_int_equal(in_ahead(s, 1, 3, &p), 0);
	uint64_t us[8];
	assert_int_equal(read_all(s, us, NULL, 8), 3);
	assert_int_equal(us[0], 15);
	in_free(s);
}

/* Mixed traffic: UDP to port 53, TCP to port 80, from two clients. */
static void write_mixed(const char *name, uint32_t linktype)
{
	char path[256];
	const char *ifname = "eth0";
	tl_tmp_path(path, sizeof path, name);
	struct pcapng_w *w = tc_open(path, &ifname, 1, linktype);
	for (unsigned i = 0; i < 40; i++) {
		uint32_t src = i % 4 == 3 ? 0x0a000009u : CLIENT;
		struct tc_frame f = i % 2 ? tc_packet(6, src, 41000, SERVER, 80, (uint16_t)i, i)
					  : tc_packet(17, src, 40000, SERVER, 53, (uint16_t)i, i);
		tc_write(w, 0, T0 + i * 1000, &f, linktype);
	}
	tc_close(w);
}

static unsigned count_filtered(const char *name, const char *expr)
{
	const char *specs[] = { name };
	const uint8_t points[] = { 0 };
	struct in_set *s = set_of(specs, points, 1);
	assert_int_equal(in_filter(s, expr), 0);
	assert_int_equal(in_open(s, ~0u), 0);
	uint64_t us[64];
	unsigned n = read_all(s, us, NULL, 64);
	in_free(s);
	return n;
}

static void test_filter(void **st)
{
	(void)st;
	write_mixed("mixed.pcapng", LT_ETHERNET);
	write_mixed("raw.pcapng", LT_RAW);
	for (unsigned k = 0; k < 2; k++) {
		const char *f = k ? "raw.pcapng" : "mixed.pcapng";
		assert_int_equal(count_filtered(f, "udp port 53"), 20);
		assert_int_equal(count_filtered(f, "tcp and dst port 80"), 20);
		assert_int_equal(count_filtered(f, "host 10.0.0.9"), 10);	/* i % 4 == 3: TCP */
		assert_int_equal(count_filtered(f, "udp and host 10.0.0.9"), 0);
		assert_int_equal(count_filtered(f, "src host 10.0.0.1 and port 53"), 20);
	}
	/* a filter that does not compile: refused before any file */
	struct in_set *s = in_new();
	assert_int_equal(in_filter(s, "host 10.0.0.1 and prot 53"), -EINVAL);
	assert_non_null(strstr(in_error(s), "filter 'host 10.0.0.1 and prot 53'"));
	in_free(s);
	/* one that compiles but not for the file's link type: refused at open */
	const char *specs[] = { "raw.pcapng" };
	const uint8_t points[] = { 0 };
	s = set_of(specs, points, 1);
	assert_int_equal(in_filter(s, "ether host 02:00:00:00:00:01"), 0);
	assert_int_equal(in_open(s, ~0u), -EINVAL);
	assert_non_null(strstr(in_error(s), "raw.pcapng"));
	in_free(s);
}

/* A child writes file into fifo (once a reader opens it). */
static pid_t feed(const char *file, const char *fifo)
{
	pid_t pid = tl_feed(file, fifo);
	assert_true(pid >= 0);
	return pid;
}

static void fed(pid_t pid)
{
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_int_equal(status, 0);
}

/* A FIFO is read once: by one point, and not a second time. */
static void test_pipes(void **st)
{
	(void)st;
	char fifo[256], file[256];
	tl_tmp_path(fifo, sizeof fifo, "fifo");
	tl_tmp_path(file, sizeof file, "f.pcapng");
	const uint64_t a[] = { 1, 2, 3 };
	write_times("f.pcapng", "eth0", a, 3);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	struct in_set *s = in_new();
	assert_int_equal(in_add(s, "-", 0), 0);
	assert_int_equal(in_add(s, file, 1), 1);
	assert_int_equal(in_add(s, fifo, 2), 2);
	assert_int_equal(in_rereadable(s, 0), 0);
	assert_int_equal(in_rereadable(s, 1), 1);
	assert_int_equal(in_rereadable(s, 2), 0);
	in_free(s);
	/* one FIFO for two points (two readers would split its bytes) */
	s = in_new();
	char spec[300];
	snprintf(spec, sizeof spec, "%s#peth0", fifo);
	in_add(s, spec, 1);
	snprintf(spec, sizeof spec, "%s#vif1.0", fifo);
	in_add(s, spec, 2);
	assert_int_equal(in_open(s, ~0u), -EINVAL);	/* before opening it: no wait for a writer */
	assert_non_null(strstr(in_error(s), "read once"));
	in_free(s);
	/* read through a FIFO: once */
	pid_t pid = feed(file, fifo);
	s = in_new();
	assert_int_equal(in_add(s, fifo, 0), 0);
	assert_int_equal(in_open(s, ~0u), 0);
	uint64_t us[8];
	assert_int_equal(read_all(s, us, NULL, 8), 3);
	assert_int_equal(in_open(s, ~0u), -EINVAL);
	assert_non_null(strstr(in_error(s), "read once"));
	in_free(s);
	fed(pid);
	/* opened, not read, while the set reads another source alone (the
	 * clock pass): still whole at the next open */
	pid = feed(file, fifo);
	s = in_new();
	assert_int_equal(in_add(s, file, 0), 0);
	assert_int_equal(in_add(s, fifo, 1), 1);
	assert_int_equal(in_open(s, ~0u), 0);
	assert_int_equal(in_open(s, 1u << 0), 0);
	assert_int_equal(read_all(s, us, NULL, 8), 3);
	in_close(s);
	assert_int_equal(in_open(s, ~0u), 0);
	assert_int_equal(read_all(s, us, NULL, 8), 6);
	in_free(s);
	fed(pid);
	/* a FIFO read ahead, then read: every packet once */
	pid = feed(file, fifo);
	s = in_new();
	assert_int_equal(in_add(s, fifo, 0), 0);
	assert_int_equal(in_open(s, ~0u), 0);
	struct pkt p;
	assert_int_equal(in_ahead(s, 0, 1, &p), 1);
	assert_int_equal(read_all(s, us, NULL, 8), 3);
	assert_int_equal(us[0], 1);
	in_free(s);
	fed(pid);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_heap_order),
		cmocka_unit_test(test_merge_order),
		cmocka_unit_test(test_merge_mapped),
		cmocka_unit_test(test_alone),
		cmocka_unit_test(test_iface_select),
		cmocka_unit_test(test_iface_unknown),
		cmocka_unit_test(test_cooked),
		cmocka_unit_test(test_iface_late_block),
		cmocka_unit_test(test_iface_numbers_across_files),
		cmocka_unit_test(test_iface_kept_across_files),
		cmocka_unit_test(test_hash_in_path),
		cmocka_unit_test(test_several_files),
		cmocka_unit_test(test_damaged_middle),
		cmocka_unit_test(test_ahead),
		cmocka_unit_test(test_filter),
		cmocka_unit_test(test_pipes),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
