/* The engine on generated DNS traffic, with one point and with three: a
 * guest answers for 2 s, then goes silent while queries keep coming.
 * Checks the transactions (and their split across the points), the time
 * series (a row per second of the capture, the silent seconds included,
 * requests counted when seen), the incident, the counters, the sources and
 * read errors the input side reports. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "decode/pkt.h"
#include "analysis/engine/engine.h"
#include "analysis/results/results.h"
#define TL_TXNS 256
#define TL_DNS_FRAMES
#include "testlib.h"

#define US 1000ull
#define MS 1000000ull
#define S 1000000000ull
#define T0 (1000 * S + 300 * MS)	/* not on a window boundary */
#define QPS 10
#define SECONDS 5
#define ANSWERED_S 2			/* the guest answers this long, then is silent */

/* One sighting of a packet at a point. */
struct ev {
	uint64_t ts;
	uint8_t point, response;
	uint16_t id;
};

static struct ev evs[4096];
static unsigned nev;

/* Where a query and its answer are seen, relative to the query leaving
 * the client: in through uplink and vif, the guest answers in 850 us, out
 * the same way. */
static const uint64_t q_at[PT_N] = { 0, 100 * US, 150 * US };
static const uint64_t r_at[PT_N] = { 1150 * US, 1050 * US, 1000 * US };

static int cmp_ev(const void *a, const void *b)
{
	const struct ev *x = a, *y = b;
	return (x->ts > y->ts) - (x->ts < y->ts);
}

static void timeline(unsigned roles)
{
	nev = 0;
	for (unsigned i = 0; i < QPS * SECONDS; i++) {
		uint64_t t = T0 + i * (S / QPS);
		int answered = i < QPS * ANSWERED_S;
		for (uint8_t p = 0; p < PT_N; p++) {
			if (!(roles & 1u << p))
				continue;
			evs[nev++] = (struct ev){ t + q_at[p], p, 0, (uint16_t)(i + 1) };
			if (answered)
				evs[nev++] = (struct ev){ t + r_at[p], p, 1, (uint16_t)(i + 1) };
		}
	}
	qsort(evs, nev, sizeof evs[0], cmp_ev);
}

static unsigned rows_hooked;

static void on_row(void *ctx, const struct res_series *rs, const struct ser_row *row)
{
	(void)ctx, (void)rs;
	assert_int_equal(row->start_ns, 1000 * S + rows_hooked * S);
	rows_hooked++;
}

static struct engine *run(unsigned roles)
{
	struct eng_config cfg;
	eng_config_default(&cfg);
	cfg.roles = roles;
	cfg.out = (struct txn_sink){ collect, NULL };
	cfg.on_window = on_row;
	ngot = 0;
	rows_hooked = 0;
	struct engine *e = eng_new(&cfg);
	assert_non_null(e);
	timeline(roles);
	uint8_t f[TL_DNS_FRAME_MAX];
	for (unsigned i = 0; i < nev; i++) {
		size_t n = tl_dns_frame(f, evs[i].id, 40000, evs[i].response);
		struct pkt p = tl_pkt(f, n, evs[i].ts, evs[i].point);
		eng_feed(e, &p);
	}
	eng_finish(e);
	return e;
}

/* Rows: 1000 s .. 1005 s (the last query leaves at 1005.2 s). Queries are
 * counted in the window they are seen in at every point, answered or not. */
static void check_windows(const struct results *r, unsigned roles)
{
	static const uint64_t queries[] = { 7, 10, 10, 10, 10, 3 };
	static const uint64_t responses[] = { 7, 10, 3, 0, 0, 0 };
	const struct res_series *w = r->windows;
	assert_non_null(w);
	assert_int_equal(w->n, 6);
	assert_int_equal(rows_hooked, 6);
	assert_int_equal(w->late, 0);
	uint64_t txns = 0;
	for (size_t i = 0; i < w->n; i++) {
		const struct ser_row *row = ser_row(w, i);
		assert_int_equal(row->start_ns, 1000 * S + i * S);
		for (int p = 0; p < PT_N; p++) {
			if (!(roles & 1u << p))
				continue;
			assert_int_equal(row->req[SER_DNS][p], queries[i]);
			assert_int_equal(row->resp[SER_DNS][p], responses[i]);
			assert_int_equal(row->packets[p], queries[i] + responses[i]);
		}
		txns += row->txns[SER_DNS];
	}
	assert_int_equal(txns, QPS * SECONDS);
	/* the unanswered ones are found at the end: the last window */
	assert_int_equal(ser_row(w, 5)->txns[SER_DNS], QPS * (SECONDS - ANSWERED_S));
	assert_int_equal(ser_row(w, 1)->lat[SER_DNS][SC_TOTAL].n, 10);
	assert_int_equal(ser_row(w, 3)->lat[SER_DNS][SC_TOTAL].n, 0);
}

static void check_common(const struct results *r, unsigned roles)
{
	assert_int_equal(ngot, QPS * SECONDS);
	assert_int_equal(r->dns.transactions, QPS * SECONDS);
	assert_int_equal(r->dns.answered, QPS * ANSWERED_S);
	for (int p = 0; p < PT_N; p++) {
		assert_int_equal(r->point[p].present, !!(roles & 1u << p));
		if (roles & 1u << p) {
			assert_int_equal(r->point[p].counts.dns_queries, QPS * SECONDS);
			assert_int_equal(r->point[p].counts.dns_responses, QPS * ANSWERED_S);
		}
	}
	/* the guest went silent while asked: one incident, to the end */
	assert_int_equal(r->incidents_total, 1);
	assert_true(r->incident[0].open);
	assert_int_equal(r->incident[0].kind, INC_SILENT);
	for (int p = 0; p < PT_N; p++)
		assert_int_equal(r->incident[0].requests[p],
				 roles & 1u << p ? QPS * (SECONDS - ANSWERED_S) : 0);
	for (int i = 0; i < RES_LOSS_N; i++)
		assert_int_equal(res_loss_value(&r->losses, i), 0);
	check_windows(r, roles);
}

static void test_one_point(void **st)
{
	(void)st;
	struct engine *e = run(1u << PT_CLIENT);
	const struct results *r = eng_results(e);
	check_common(r, 1u << PT_CLIENT);
	assert_int_equal(r->npoints, 1);
	assert_int_equal(got[0].total_ns, (int64_t)(1150 * US));
	assert_int_equal(got[0].point, PT_CLIENT);
	assert_int_equal(r->first_ns, T0);
	assert_false(r->match[PT_CLIENT][PT_VIF].valid);
	/* the window's latency percentiles: every answer took 1150 us */
	int64_t p50 = ser_row(r->windows, 1)->lat[SER_DNS][SC_TOTAL].pct[0];
	assert_true(p50 >= 1140 * (int64_t)US && p50 <= 1160 * (int64_t)US);
	eng_free(e);
}

static void test_three_points(void **st)
{
	(void)st;
	unsigned roles = 1u << PT_CLIENT | 1u << PT_UPLINK | 1u << PT_VIF;
	struct engine *e = run(roles);
	const struct results *r = eng_results(e);
	check_common(r, roles);
	int answered = 0;
	for (int i = 0; i < ngot; i++) {
		const struct txn *t = &got[i];
		if (!t->answered) {
			assert_int_equal(t->lost_at, LOST_GUEST);
			continue;
		}
		answered++;
		assert_int_equal(t->total_ns, (int64_t)(1150 * US));
		assert_int_equal(t->link_ns, (int64_t)(200 * US));
		assert_int_equal(t->bridge_ns, (int64_t)(100 * US));
		assert_int_equal(t->guest_ns, (int64_t)(850 * US));
	}
	assert_int_equal(answered, QPS * ANSWERED_S);
	assert_int_equal(r->dns.lost[LOST_GUEST], QPS * (SECONDS - ANSWERED_S));
	/* every packet matched between each pair of points */
	assert_true(r->match[PT_CLIENT][PT_UPLINK].valid);
	assert_int_equal(r->match[PT_UPLINK][PT_VIF].matched, QPS * SECONDS + QPS * ANSWERED_S);
	assert_int_equal(r->match[PT_CLIENT][PT_VIF].only_first, 0);
	/* the series' rows hold the split per component */
	const struct ser_row *row = ser_row(r->windows, 1);
	assert_int_equal(row->lat[SER_DNS][SC_GUEST].n, 10);
	assert_true(row->lat[SER_DNS][SC_LINK].sum == 10 * 200.0 * US);
	assert_int_equal(ser_row(r->windows, 5)->lost[SER_DNS], QPS * (SECONDS - ANSWERED_S));
	eng_free(e);
}

/* What the input side tells the engine ends up in the results. */
static void test_sources_and_errors(void **st)
{
	(void)st;
	struct eng_config cfg;
	eng_config_default(&cfg);
	struct engine *e = eng_new(&cfg);
	eng_set_source(e, PT_CLIENT, "a.pcapng#eth0");
	eng_input_error(e, "a.pcapng: truncated block at offset 1234");
	eng_input_error(e, "a later one");
	eng_finish(e);
	const struct results *r = eng_results(e);
	assert_string_equal(r->point[PT_CLIENT].source, "a.pcapng#eth0");
	assert_true(r->read_error);
	assert_string_equal(r->read_error_msg, "a.pcapng: truncated block at offset 1234");
	assert_non_null(r->windows);
	assert_int_equal(r->windows->n, 0);	/* no packet, no window */
	eng_free(e);
}

/* Time alone (live's tick) closes silent windows: their rows come out
 * while nothing arrives. */
static void test_advance_closes_windows(void **st)
{
	(void)st;
	struct eng_config cfg;
	eng_config_default(&cfg);
	cfg.on_window = on_row;
	rows_hooked = 0;
	struct engine *e = eng_new(&cfg);
	uint8_t f[TL_DNS_FRAME_MAX];
	size_t n = tl_dns_frame(f, 1, 40000, 0);
	struct pkt p = tl_pkt(f, n, 1000 * S + 5 * MS, PT_CLIENT);
	eng_feed(e, &p);
	eng_advance(e, 1000 * S + 10 * S);
	assert_int_equal(rows_hooked, 10 - SER_OPEN + 1);
	eng_finish(e);
	assert_int_equal(rows_hooked, 11);
	eng_free(e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_one_point),
		cmocka_unit_test(test_three_points),
		cmocka_unit_test(test_sources_and_errors),
		cmocka_unit_test(test_advance_closes_windows),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
