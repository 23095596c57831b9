/* The input guard of a point (analysis/point/guard.c): time that goes
 * backwards (beyond the tolerance: kept out, counted, the largest step;
 * within it: taken), exact duplicates (same bytes, length and interface,
 * within the window and 1 ms; a retransmission later, another interface, or
 * further back than the window: taken), a capture appended to itself once
 * or twice, short or long, numbered anew (cat of pcapng files); packets
 * without timestamps. Then through the engine: a capture appended to itself,
 * time stepping back an hour, a query stamped 0 give the clean capture's
 * results, and a transaction whose time comes out negative stays untimed. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "analysis/point/guard.h"
#include "analysis/point/point.h"
#include "analysis/engine/engine.h"
#include "analysis/results/results.h"
#define TL_TXNS 256
#define TL_DNS_FRAMES
#include "tests/testlib.h"

#define S 1000000000ull
#define T0 (1700000000ull * S)

static enum guard_verdict check(struct guard *g, struct guard_counts *c, const uint8_t *f,
				size_t n, uint64_t ts, uint32_t iface)
{
	struct pkt p = tl_pkt(f, n, ts, 0);
	p.iface = iface;
	return guard_check(g, &p, c);
}

/* Frame k of a made-up capture: a DNS query with id k. */
static size_t frame(uint8_t *f, unsigned k)
{
	return tl_dns_frame(f, (uint16_t)k, (uint16_t)(1024 + k), 0);
}

static void test_in_order(void **state)
{
	(void)state;
	struct guard g;
	struct guard_counts c = { 0 };
	uint8_t f[TL_DNS_FRAME_MAX];
	guard_init(&g);
	for (unsigned k = 0; k < 100; k++)
		assert_int_equal(check(&g, &c, f, frame(f, k), T0 + k * 1000, 0), GUARD_TAKE);
	assert_false(guard_any(&c));
}

static void test_backwards(void **state)
{
	(void)state;
	struct guard g;
	struct guard_counts c = { 0 };
	uint8_t f[TL_DNS_FRAME_MAX];
	guard_init(&g);
	assert_int_equal(check(&g, &c, f, frame(f, 1), T0 + 10 * S, 0), GUARD_TAKE);
	/* out of order within the tolerance: taken as it comes */
	assert_int_equal(check(&g, &c, f, frame(f, 2), T0 + 10 * S - S / 2, 0), GUARD_TAKE);
	/* an hour back, three packets: one step */
	for (unsigned k = 3; k < 6; k++)
		assert_int_equal(check(&g, &c, f, frame(f, k), T0 + 10 * S - 3600 * S + k, 0),
				 GUARD_BACKWARDS);
	assert_int_equal(check(&g, &c, f, frame(f, 6), T0 + 11 * S, 0), GUARD_TAKE);
	/* time 0: a second step, the largest */
	assert_int_equal(check(&g, &c, f, frame(f, 7), 0, 0), GUARD_BACKWARDS);
	assert_int_equal(c.time_backwards, 4);
	assert_int_equal(c.time_jumps, 2);
	assert_int_equal(c.time_jump_max_ns, T0 + 11 * S);
	assert_int_equal(c.duplicates + c.appended_packets, 0);
	assert_true(guard_any(&c));
}

static void test_duplicates(void **state)
{
	(void)state;
	struct guard g;
	struct guard_counts c = { 0 };
	uint8_t f[TL_DNS_FRAME_MAX], o[TL_DNS_FRAME_MAX];
	guard_init(&g);
	size_t n = frame(f, 1);
	assert_int_equal(check(&g, &c, f, n, T0, 0), GUARD_TAKE);
	assert_int_equal(check(&g, &c, f, n, T0, 0), GUARD_DUPLICATE);		/* same time */
	assert_int_equal(check(&g, &c, f, n, T0 + 7000, 0), GUARD_DUPLICATE);	/* 7 us later */
	assert_int_equal(check(&g, &c, f, n, T0 + 20000, 1), GUARD_TAKE);	/* another interface */
	/* a retransmission: the same bytes 1 s later */
	assert_int_equal(check(&g, &c, f, n, T0 + S, 0), GUARD_TAKE);
	/* one byte apart is another packet */
	memcpy(o, f, n);
	o[n - 1] ^= 1;
	assert_int_equal(check(&g, &c, o, n, T0 + S, 0), GUARD_TAKE);
	/* further back than the window: not compared */
	for (unsigned k = 2; k < 2 + GUARD_DUP_WINDOW; k++)
		assert_int_equal(check(&g, &c, o, frame(o, k), T0 + S + k, 0), GUARD_TAKE);
	assert_int_equal(check(&g, &c, f, n, T0 + S + 100, 0), GUARD_TAKE);
	assert_int_equal(c.duplicates, 2);
	assert_int_equal(c.time_backwards + c.appended_packets, 0);
}

/* A duplicate of the frame at each place of the window (the ring's every
 * position), none of the one just beyond; and a frame whose hash shares its
 * tag byte (matched eight at once) with one there, but not the rest, taken. */
static void test_window_places(void **state)
{
	(void)state;
	struct guard g;
	struct guard_counts c = { 0 };
	uint8_t f[TL_DNS_FRAME_MAX];
	for (unsigned back = 1; back <= GUARD_DUP_WINDOW; back++) {
		guard_init(&g);
		unsigned last = 20 + back;
		for (unsigned k = 0; k <= last; k++)
			assert_int_equal(check(&g, &c, f, frame(f, k), T0 + k, 0), GUARD_TAKE);
		unsigned k = last + 1 - back;
		assert_int_equal(check(&g, &c, f, frame(f, k), T0 + 100, 0), GUARD_DUPLICATE);
		assert_int_equal(check(&g, &c, f, frame(f, k - 1), T0 + 100, 0), back < GUARD_DUP_WINDOW ?
				 GUARD_DUPLICATE : GUARD_TAKE);
	}
	uint8_t o[TL_DNS_FRAME_MAX];
	size_t n = frame(f, 0);
	struct pkt p = tl_pkt(f, n, T0, 0), q;
	uint64_t h = guard_hash(&p);
	unsigned k = 1;
	for (;; k++) {
		q = tl_pkt(o, frame(o, k), T0, 0);
		if (q.caplen == n && guard_hash(&q) >> 56 == h >> 56)
			break;
	}
	assert_true(guard_hash(&q) != h);
	guard_init(&g);
	assert_int_equal(check(&g, &c, f, n, T0, 0), GUARD_TAKE);
	assert_int_equal(check(&g, &c, o, n, T0 + 1, 0), GUARD_TAKE);
	assert_int_equal(check(&g, &c, f, n, T0 + 2, 0), GUARD_DUPLICATE);
}

/* A capture of n frames 1 ms apart, fed `copies` times; iface_step numbers
 * the interfaces of each copy anew (cat of pcapng files). */
static void feed_copies(struct guard *g, struct guard_counts *c, unsigned n, unsigned copies,
			uint32_t iface_step)
{
	uint8_t f[TL_DNS_FRAME_MAX];
	for (unsigned r = 0; r < copies; r++)
		for (unsigned k = 0; k < n; k++) {
			enum guard_verdict v = check(g, c, f, frame(f, k), T0 + k * 1000000ull,
						     r * iface_step);
			assert_int_equal(v, r ? GUARD_APPENDED : GUARD_TAKE);
		}
}

static void test_appended(void **state)
{
	(void)state;
	struct guard g;
	struct guard_counts c = { 0 };
	guard_init(&g);
	feed_copies(&g, &c, 50, 2, 0);		/* 50 ms: well inside the tolerance */
	assert_int_equal(c.appended_copies, 1);
	assert_int_equal(c.appended_packets, 50);
	assert_int_equal(c.time_backwards + c.duplicates, 0);

	memset(&c, 0, sizeof c);
	guard_init(&g);
	feed_copies(&g, &c, 3000, 3, 1);	/* 3 s, three times, interfaces renumbered */
	assert_int_equal(c.appended_copies, 2);
	assert_int_equal(c.appended_packets, 6000);
	assert_int_equal(c.time_backwards + c.duplicates, 0);

	/* after the copy, newer packets are taken again */
	uint8_t f[TL_DNS_FRAME_MAX];
	assert_int_equal(check(&g, &c, f, frame(f, 9999), T0 + 4 * S, 0), GUARD_TAKE);
}

/* pcapng simple packet blocks have no timestamp (0): no time rule applies,
 * and the first packet again is not an appended copy. */
static void test_no_timestamps(void **state)
{
	(void)state;
	struct guard g;
	struct guard_counts c = { 0 };
	uint8_t f[TL_DNS_FRAME_MAX];
	guard_init(&g);
	for (unsigned r = 0; r < 2; r++)
		for (unsigned k = 0; k < 20; k++)
			assert_int_equal(check(&g, &c, f, frame(f, k), 0, 0), GUARD_TAKE);
	assert_false(guard_any(&c));
}

/* ---- through the engine ---- */

/* n DNS queries 20 ms apart, each answered 1 ms later, from t0; from packet
 * step_at on (when not negative) every time moved by step. */
/* guard_check_n over batches of 1..64 gives the verdicts and counts of
 * guard_check one by one, on a capture with every kind of damage: frames
 * again (duplicates, within and beyond 1 ms), time stepping back beyond
 * and within the tolerance, the capture appended to itself. */
static void test_batches(void **state)
{
	(void)state;
	enum { N = 3000 };
	static uint8_t fr[N][TL_DNS_FRAME_MAX];
	static struct pkt p[N];
	uint32_t seed = 7;
	for (unsigned i = 0; i < N; i++) {
		seed = seed * 1103515245u + 12345u;
		unsigned r = seed >> 16;
		unsigned k = i % 1000;		/* the second and third thousand: the copy */
		uint64_t ts = T0 + k * 100000ull;
		if (r % 17 == 0 && k)		/* the frame before again */
			k--;
		if (r % 23 == 0)
			ts -= 2 * S;		/* behind beyond the tolerance */
		else if (r % 29 == 0)
			ts += 2000000;		/* 2 ms later */
		p[i] = tl_pkt(fr[i], frame(fr[i], k), ts, 0);
		p[i].iface = r % 31 == 0;
	}
	for (unsigned batch = 1; batch <= 64; batch += 7) {
		struct guard g1, g2;
		struct guard_counts c1 = { 0 }, c2 = { 0 };
		guard_init(&g1);
		guard_init(&g2);
		for (unsigned i = 0; i < N; i += batch) {
			unsigned n = N - i < batch ? N - i : batch;
			uint64_t taken = guard_check_n(&g2, &p[i], n, &c2);
			for (unsigned j = 0; j < n; j++)
				assert_int_equal(guard_check(&g1, &p[i + j], &c1) == GUARD_TAKE,
						 (int)(taken >> j & 1));
		}
		assert_memory_equal(&c1, &c2, sizeof c1);
		assert_true(c1.duplicates && c1.time_backwards && c1.appended_packets);
	}
}

static void feed_dns(struct engine *e, unsigned n, uint64_t t0, int64_t step_at, int64_t step)
{
	uint8_t f[TL_DNS_FRAME_MAX];
	for (unsigned k = 0; k < n; k++)
		for (int resp = 0; resp < 2; resp++) {
			uint64_t ts = t0 + k * 20000000ull + (uint64_t)resp * 1000000;
			if (step_at >= 0 && 2 * k + (unsigned)resp >= (unsigned)step_at)
				ts += (uint64_t)step;
			struct pkt p = tl_pkt(f, tl_dns_frame(f, (uint16_t)k, (uint16_t)(2000 + k), resp),
					      ts, PT_SINGLE);
			eng_feed(e, &p);
		}
}

static struct engine *engine(void)
{
	struct eng_config cfg;
	eng_config_default(&cfg);
	ngot = 0;
	cfg.out = (struct txn_sink){ collect, NULL };
	struct engine *e = eng_new(&cfg);
	assert_non_null(e);
	return e;
}

static void assert_all_timed(const struct results *r, uint64_t n)
{
	assert_int_equal(r->dns.transactions, n);
	assert_int_equal(r->dns.answered, n);
	assert_int_equal(hist_count(r->dns.lat[RC_TOTAL]), n);
	assert_int_equal(hist_min(r->dns.lat[RC_TOTAL]), 1000000);
	assert_int_equal(hist_max(r->dns.lat[RC_TOTAL]), 1000000);
}

static void test_engine_appended(void **state)
{
	(void)state;
	struct engine *e = engine();
	feed_dns(e, 50, T0, -1, 0);
	feed_dns(e, 50, T0, -1, 0);	/* mergecap -a of the capture and itself */
	eng_finish(e);
	const struct results *r = eng_results(e);
	assert_all_timed(r, 50);
	assert_int_equal(r->point[PT_SINGLE].counts.input.appended_packets, 100);
	assert_int_equal(r->point[PT_SINGLE].counts.packets, 100);
	assert_int_equal(r->last_ns - r->first_ns, 49 * 20000000ull + 1000000);
	eng_free(e);
}

static void test_engine_clock_step(void **state)
{
	(void)state;
	struct engine *e = engine();
	/* an hour back between query 25 and its answer */
	feed_dns(e, 50, T0, 51, -(int64_t)(3600 * S));
	eng_finish(e);
	const struct results *r = eng_results(e);
	assert_int_equal(r->dns.transactions, 26);	/* 25 answered, query 25 not */
	assert_int_equal(r->dns.answered, 25);
	assert_int_equal(hist_min(r->dns.lat[RC_TOTAL]), 1000000);
	assert_int_equal(hist_max(r->dns.lat[RC_TOTAL]), 1000000);
	const struct guard_counts *c = &r->point[PT_SINGLE].counts.input;
	assert_int_equal(c->time_backwards, 49);
	assert_int_equal(c->time_jumps, 1);
	/* the capture span is what was analyzed */
	assert_int_equal(r->first_ns, T0);
	assert_int_equal(r->last_ns, T0 + 25 * 20000000ull);
	eng_free(e);
}

/* A step back of half a second, inside the tolerance: the answer split from
 * its query comes out at -499 ms; it stays answered, untimed. */
static void test_engine_negative(void **state)
{
	(void)state;
	struct engine *e = engine();
	feed_dns(e, 50, T0, 51, -(int64_t)(S / 2));
	eng_finish(e);
	const struct results *r = eng_results(e);
	assert_int_equal(r->dns.transactions, 50);
	assert_int_equal(r->dns.answered, 50);
	assert_int_equal(hist_count(r->dns.lat[RC_TOTAL]), 49);
	assert_true(hist_min(r->dns.lat[RC_TOTAL]) >= 0);
	assert_int_equal(r->point[PT_SINGLE].counts.input.negative_durations, 1);
	for (int i = 0; i < ngot; i++)
		assert_true(got[i].total_ns == TXN_NS_NONE || got[i].total_ns > 0);
	eng_free(e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_in_order),
		cmocka_unit_test(test_backwards),
		cmocka_unit_test(test_duplicates),
		cmocka_unit_test(test_window_places),
		cmocka_unit_test(test_appended),
		cmocka_unit_test(test_no_timestamps),
		cmocka_unit_test(test_batches),
		cmocka_unit_test(test_engine_appended),
		cmocka_unit_test(test_engine_clock_step),
		cmocka_unit_test(test_engine_negative),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
