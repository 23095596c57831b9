/* The clock estimate (analysis/path/clock_pass.c, refined by the engine as
 * it reads) on captures made here with a known client clock: DNS queries
 * every 10 ms seen at the client and at the Dom0 uplink, one-way delays of
 * a minimum plus jitter, the client clock C(t) = t + offset + skew * (t - t0).
 * The estimate must find the offset (plus half the link's asymmetry, which
 * no clock estimate can tell from an offset) and the skew: an offset of
 * seconds or of a day, either sign, a drift that outruns the matching
 * window, a client capture that starts long before Dom0's (found the other
 * way round; beyond the look-ahead, from the files read once more), the
 * client capture in three files or through a FIFO (the same estimate as in
 * one file), both points in one file (one host, one clock), and no packet
 * in common (no clock). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "analysis/path/clock_pass.h"
#include "analysis/engine/engine.h"
#include "capture/input.h"
#include "tests/testlib.h"
#include "tests/testcap.h"

#define T0 1700000000000000000ull
#define GAP_NS 10000000ull		/* one query every 10 ms */
#define CLIENT 0x0a000001u
#define SERVER 0x0a000002u

struct scen {
	int64_t offset_ns;
	double skew_ppm;
	int64_t in_ns, out_ns;		/* minimum one-way delays, client -> Dom0 and back */
	int64_t jitter_ns;		/* mean of the exponential jitter on each crossing */
	unsigned n;			/* transactions */
	unsigned lead;			/* the first ones happen before Dom0's capture starts */
	unsigned files;			/* client capture in this many files */
	int one_file;			/* both points in one file (eth0 and peth0) */
	int disjoint;			/* Dom0 sees other queries than the client's */
	int fifo;			/* the client's capture read through a FIFO */
};

static int setup(void **state)
{
	(void)state;
	return tl_tmpdir_make("hoplat-clkpass");
}

static int teardown(void **state)
{
	(void)state;
	return tl_tmpdir_remove();
}

static uint64_t rng = 88172645463325252ull;

static int64_t jitter(int64_t mean)
{
	rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
	double u = ((double)(rng >> 11) + 0.5) / 9007199254740992.0;
	return (int64_t)(-log(u) * (double)mean);
}

static uint64_t client_clock(const struct scen *c, uint64_t t)
{
	return t + (uint64_t)c->offset_ns + (uint64_t)(int64_t)(c->skew_ppm * 1e-6 * (double)(t - T0));
}

static struct pcapng_w *open_w(const char *name, const char *ifname)
{
	char path[256];
	tl_tmp_path(path, sizeof path, name);
	return tc_open(path, &ifname, 1, LT_ETHERNET);
}

/* Query i and its answer: at the client (its clock) and at the uplink. */
static void transaction(const struct scen *c, unsigned i, struct pcapng_w *cw, struct pcapng_w *dw,
			uint32_t dw_if)
{
	uint16_t port = (uint16_t)(10000 + i % 50000);
	struct tc_frame q = tc_packet(17, CLIENT, port, SERVER, 53, (uint16_t)i, i);
	struct tc_frame r = tc_packet(17, SERVER, 53, CLIENT, port, (uint16_t)(i + 7), i);
	uint64_t sent = T0 + i * GAP_NS;
	uint64_t at_dom0 = sent + (uint64_t)(c->in_ns + jitter(c->jitter_ns));
	uint64_t back = at_dom0 + 200000 + (uint64_t)jitter(c->jitter_ns);	/* the guest's time */
	uint64_t home = back + (uint64_t)(c->out_ns + jitter(c->jitter_ns));
	tc_write(cw, 0, client_clock(c, sent), &q, LT_ETHERNET);
	tc_write(cw, 0, client_clock(c, home), &r, LT_ETHERNET);
	if (i < c->lead)
		return;
	if (c->disjoint) {
		q = tc_packet(17, CLIENT + 5, port, SERVER, 53, (uint16_t)i, i);
		r = tc_packet(17, SERVER, 53, CLIENT + 5, port, (uint16_t)(i + 7), i);
	}
	tc_write(dw, dw_if, at_dom0, &q, LT_ETHERNET);
	tc_write(dw, dw_if, back, &r, LT_ETHERNET);
}

/* Writes the scenario's captures. */
static void write_scen(const struct scen *c)
{
	rng = 88172645463325252ull;
	const char *both[] = { "eth0", "peth0" };
	char path[256], spec[64];
	struct pcapng_w *dw, *cw = NULL;
	if (c->one_file) {
		tl_tmp_path(path, sizeof path, "host.pcapng");
		dw = cw = tc_open(path, both, 2, LT_ETHERNET);
	} else {
		dw = open_w("dom0.pcapng", "peth0");
	}
	unsigned files = c->files ? c->files : 1, per = c->n / files;
	for (unsigned i = 0; i < c->n; i++) {
		if (!c->one_file && (i % per == 0 && i / per < files)) {
			if (cw)
				tc_close(cw);
			snprintf(spec, sizeof spec, "client_%u.pcapng", i / per);
			cw = open_w(spec, "eth0");
		}
		transaction(c, i, cw, dw, c->one_file ? 1 : 0);
	}
	if (cw != dw)
		tc_close(cw);
	tc_close(dw);
}

static uint64_t merge_key(void *ctx, uint8_t point, uint64_t ts)
{
	return point == PT_CLIENT ? clk_to_dom0(eng_clock(ctx), ts) : ts;
}

/* As analyze does: the estimate from the captures' starts, then the one
 * pass of the engine over them, which refines it; *e: the final one. */
static int analyze(struct in_set *in, struct clk_est *e)
{
	struct eng_config cfg;
	eng_config_default(&cfg);
	cfg.roles = 1u << PT_CLIENT | 1u << PT_UPLINK;
	char err[256] = "";
	int rc = clkpass_start(in, &cfg.pt, &cfg.guest, &cfg.clock, &cfg.clock_track, err, sizeof err);
	if (rc)
		return rc;
	struct engine *eng = eng_new(&cfg);
	assert_non_null(eng);
	in_map(in, merge_key, eng);
	struct pkt p;
	unsigned changes = 0;
	while ((rc = in_next(in, &p, NULL)) != 0) {
		assert_true(rc > 0);
		eng_feed(eng, &p);
		if (eng_clock_changes(eng) != changes) {
			changes = eng_clock_changes(eng);
			in_remap(in);
		}
	}
	eng_finish(eng);
	*e = *eng_clock(eng);
	eng_free(eng);
	return 0;
}

/* Writes the scenario's captures and estimates the clock from them. */
static int estimate(const struct scen *c, struct clk_est *e)
{
	write_scen(c);
	char path[256], fifo[256];
	pid_t pid = -1;
	struct in_set *in = in_new();
	assert_non_null(in);
	tl_tmp_path(path, sizeof path, c->one_file ? "host.pcapng#eth0" : "client_*.pcapng");
	if (c->fifo) {
		tl_tmp_path(fifo, sizeof fifo, "client.fifo");
		assert_int_equal(mkfifo(fifo, 0600), 0);
		tl_tmp_path(path, sizeof path, "client_0.pcapng");
		pid = tl_feed(path, fifo);
		assert_true(pid > 0);
		snprintf(path, sizeof path, "%s", fifo);
	}
	assert_int_equal(in_add(in, path, PT_CLIENT), 0);
	tl_tmp_path(path, sizeof path, c->one_file ? "host.pcapng#peth0" : "dom0.pcapng");
	assert_int_equal(in_add(in, path, PT_UPLINK), 1);
	assert_int_equal(in_open(in, ~0u), 0);	/* as analyze does before the pass */
	int rc = analyze(in, e);
	in_free(in);
	if (pid > 0) {
		int status;
		kill(pid, SIGTERM);	/* a reader that stopped early leaves it blocked */
		waitpid(pid, &status, 0);
	}
	char rm[300];
	snprintf(rm, sizeof rm, "rm -f %s/*.pcapng %s/*.fifo", tl_tmpdir, tl_tmpdir);
	assert_int_equal(system(rm), 0);
	return rc;
}

/* The estimate against the truth: offset (client - Dom0 at the client's
 * first packet, which is the first query: t0) off by half the asymmetry. */
static void check(const struct scen *c, int64_t offset_tol_ns, double skew_tol_ppm)
{
	struct clk_est e;
	assert_int_equal(estimate(c, &e), 0);
	assert_true(e.ok);
	int64_t want = c->offset_ns + (c->out_ns - c->in_ns) / 2;
	printf("    offset %lld ns (truth %lld, error %lld), skew %.4f ppm (truth %.4f), split +-%lld ns, "
	       "samples %llu/%llu\n", (long long)e.offset_ns, (long long)want,
	       (long long)(e.offset_ns - want), e.skew_ppm, c->skew_ppm,
	       (long long)e.split_uncertainty_ns, (unsigned long long)e.samples[0],
	       (unsigned long long)e.samples[1]);
	assert_true(llabs(e.offset_ns - want) <= offset_tol_ns);
	assert_true(fabs(e.skew_ppm - c->skew_ppm) <= skew_tol_ppm);
	/* every query and answer at both points is a sample: none left unmatched */
	assert_int_equal(e.samples[0], c->n - c->lead);
	assert_int_equal(e.samples[1], c->n - c->lead);
	int64_t half_rtt = (c->in_ns + c->out_ns) / 2;
	assert_true(llabs(e.split_uncertainty_ns - half_rtt) <= offset_tol_ns);
}

static void test_ahead_fast(void **st)
{
	(void)st;
	struct scen c = { .offset_ns = 2500000000ll, .skew_ppm = 40, .in_ns = 60000, .out_ns = 60000,
			  .jitter_ns = 10000, .n = 6000 };
	check(&c, 2000, 0.05);
}

/* Behind and slow, an asymmetric link (its half is in the offset). */
static void test_behind_slow_asymmetric(void **st)
{
	(void)st;
	struct scen c = { .offset_ns = -7300000000ll, .skew_ppm = -85, .in_ns = 40000, .out_ns = 140000,
			  .jitter_ns = 20000, .n = 6000 };
	check(&c, 2000, 0.05);
}

/* A day off, and 1000 ppm: over 4 minutes the client clock moves 240 ms,
 * more than the fine pass's matching window; the pass must track it. */
static void test_day_off_drifting(void **st)
{
	(void)st;
	struct scen c = { .offset_ns = 86400000000000ll, .skew_ppm = 1000, .in_ns = 50000, .out_ns = 50000,
			  .jitter_ns = 10000, .n = 24000 };
	check(&c, 2000, 0.05);
}

/* The client capture starts 30 s before Dom0's: its first seconds are not
 * in Dom0's, so Dom0's start is looked up in the client's. */
static void test_client_starts_first(void **st)
{
	(void)st;
	struct scen c = { .offset_ns = 1500000000ll, .skew_ppm = 20, .in_ns = 60000, .out_ns = 60000,
			  .jitter_ns = 10000, .n = 9000, .lead = 3000 };
	check(&c, 2000, 0.05);
}

static void same_estimate(const struct clk_est *a, const struct clk_est *b)
{
	assert_true(a->ok && b->ok);
	assert_int_equal(a->offset_ns, b->offset_ns);
	assert_true(a->skew_ppm == b->skew_ppm);
	assert_int_equal(a->origin_ns, b->origin_ns);
	assert_int_equal(a->samples[0], b->samples[0]);
	assert_int_equal(a->samples[1], b->samples[1]);
}

/* The client's capture in three files: the very same estimate as in one. */
static void test_several_files(void **st)
{
	(void)st;
	struct scen c = { .offset_ns = 2500000000ll, .skew_ppm = 40, .in_ns = 60000, .out_ns = 80000,
			  .jitter_ns = 10000, .n = 6000 };
	struct clk_est one, three;
	assert_int_equal(estimate(&c, &one), 0);
	c.files = 3;
	assert_int_equal(estimate(&c, &three), 0);
	same_estimate(&one, &three);
}

/* The client's capture through a FIFO: read once, the very same estimate. */
static void test_fifo(void **st)
{
	(void)st;
	struct scen c = { .offset_ns = 2500000000ll, .skew_ppm = 40, .in_ns = 60000, .out_ns = 80000,
			  .jitter_ns = 10000, .n = 6000 };
	struct clk_est file, fifo;
	assert_int_equal(estimate(&c, &file), 0);
	c.fifo = 1;
	assert_int_equal(estimate(&c, &fifo), 0);
	same_estimate(&file, &fifo);
}

/* The client capture starts 25 minutes before Dom0's, 150,000 packets
 * before: beyond what is read ahead (131,072 packets), so the coarse offset
 * comes from the files read once more; a FIFO cannot be: no clock, said. */
static void test_client_starts_long_before(void **st)
{
	(void)st;
	struct scen c = { .offset_ns = 1500000000ll, .skew_ppm = 20, .in_ns = 60000, .out_ns = 60000,
			  .jitter_ns = 10000, .n = 81000, .lead = 75000 };
	check(&c, 2000, 0.05);
	c.fifo = 1;
	struct clk_est e;
	assert_int_equal(estimate(&c, &e), 0);
	assert_false(e.ok);
}

/* Client and uplink interfaces in one file: one host, one clock. */
static void test_one_file(void **st)
{
	(void)st;
	struct scen c = { .offset_ns = 0, .in_ns = 60000, .out_ns = 60000, .jitter_ns = 10000, .n = 100,
			  .one_file = 1 };
	struct clk_est e;
	assert_int_equal(estimate(&c, &e), 0);
	assert_true(e.ok);
	assert_int_equal(e.offset_ns, 0);
	assert_true(e.skew_ppm == 0);
}

/* Nothing in common: no clock (and no error). */
static void test_nothing_in_common(void **st)
{
	(void)st;
	struct scen c = { .offset_ns = 1000000, .in_ns = 60000, .out_ns = 60000, .jitter_ns = 10000,
			  .n = 500, .disjoint = 1 };
	struct clk_est e;
	assert_int_equal(estimate(&c, &e), 0);
	assert_false(e.ok);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ahead_fast),
		cmocka_unit_test(test_behind_slow_asymmetric),
		cmocka_unit_test(test_day_off_drifting),
		cmocka_unit_test(test_client_starts_first),
		cmocka_unit_test(test_several_files),
		cmocka_unit_test(test_fifo),
		cmocka_unit_test(test_client_starts_long_before),
		cmocka_unit_test(test_one_file),
		cmocka_unit_test(test_nothing_in_common),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
