/* Time series: transactions and per-point sightings land in the window of
 * their time, every window from the first to the last has its row (silent
 * ones too), percentiles per component come from one pass over the
 * window's histogram, sums give mean and standard deviation, late ones are
 * counted, rows beyond the kept number give way and are counted. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <cmocka.h>
#include "analysis/results/series.h"
#include "common/hist.h"

#define S 1000000000ull
#define MS 1000000ull

static struct txn mk(int proto, int64_t total, int64_t link)
{
	struct txn t;
	memset(&t, 0, sizeof t);
	t.proto = (uint8_t)proto;
	t.total_ns = total;
	t.link_ns = link;
	t.client_ns = t.bridge_ns = t.guest_ns = t.network_ns = t.server_ns = TXN_NS_NONE;
	return t;
}

/* A point's counters as the point would have them: one more DNS query (and
 * packet) seen, or one more response. */
static void query(struct series *w, struct pt_counts *c, uint8_t point, uint64_t ts)
{
	c->packets++;
	c->dns_queries++;
	ser_point(w, point, ts, c);
}

static void response(struct series *w, struct pt_counts *c, uint8_t point, uint64_t ts)
{
	c->packets++;
	c->dns_responses++;
	ser_point(w, point, ts, c);
}

static void test_rows(void **st)
{
	(void)st;
	struct series *w = ser_new(7, S, 0);
	assert_non_null(w);
	struct pt_counts cc = { 0 }, cv = { 0 };
	uint64_t t0 = 1000 * S;
	struct txn lost = mk(TXN_DNS, TXN_NS_NONE, TXN_NS_NONE);
	lost.lost_at = LOST_LINK;
	ser_txn(w, &lost, 0);		/* "now" before any window: late */
	for (int i = 0; i < 100; i++) {
		uint64_t t = t0 + (uint64_t)i * 10 * MS;	/* 100 in the first second */
		query(w, &cc, PT_CLIENT, t);
		query(w, &cv, PT_VIF, t);
		response(w, &cc, PT_CLIENT, t + 1000);
		struct txn x = mk(TXN_DNS, 1000 * (i + 1), 500);
		ser_txn(w, &x, t + 1000);
	}
	struct txn h = mk(TXN_HTTP, 7000, 3000);
	h.lost_at = LOST_GUEST;
	ser_txn(w, &h, t0 + 2 * S + 5);		/* the third second; the second stays empty */
	ser_txn(w, &h, t0 + 9 * S);		/* moves time on: the first windows close */
	ser_txn(w, &h, t0 + 1 * S);		/* too late now */
	ser_txn(w, &lost, 0);			/* a loss found now: the newest window */
	ser_finish(w);
	struct res_series *r = ser_take(w);
	assert_non_null(r);
	assert_int_equal(r->late, 2);
	assert_int_equal(r->n, 10);		/* every second from t0 to t0 + 9 s */
	const struct ser_row *r0 = ser_row(r, 0), *r1 = ser_row(r, 1), *r2 = ser_row(r, 2);
	assert_int_equal(r0->start_ns, t0);
	assert_int_equal(r0->txns[SER_DNS], 100);
	assert_int_equal(r0->req[SER_DNS][PT_CLIENT], 100);
	assert_int_equal(r0->resp[SER_DNS][PT_CLIENT], 100);
	assert_int_equal(r0->req[SER_DNS][PT_VIF], 100);
	assert_int_equal(r0->resp[SER_DNS][PT_VIF], 0);
	assert_int_equal(r0->packets[PT_CLIENT], 200);
	assert_int_equal(ser_requests(r0, PT_CLIENT), 100);
	/* p50 of 1..100 us within the histogram's 1% */
	int64_t p50 = r0->lat[SER_DNS][SC_TOTAL].pct[0];
	assert_true(p50 >= 49500 && p50 <= 50500);
	assert_int_equal(r0->lat[SER_DNS][SC_LINK].n, 100);
	assert_int_equal(r0->lat[SER_DNS][SC_CLIENT].n, 0);	/* not measured */
	/* exact mean 50.5 us; standard deviation of 1..100 us: sqrt((100^2 - 1) / 12) us */
	assert_true(fabs(ser_lat_mean(&r0->lat[SER_DNS][SC_TOTAL]) - 50500) < 1e-6);
	assert_true(fabs(ser_lat_stddev(&r0->lat[SER_DNS][SC_TOTAL]) - 1000 * sqrt(9999.0 / 12)) < 1e-3);
	assert_true(fabs(ser_lat_stddev(&r0->lat[SER_DNS][SC_LINK])) < 1e-6);
	/* the second is silent: its row is there, empty */
	assert_int_equal(r1->start_ns, t0 + S);
	assert_int_equal(r1->txns[SER_DNS] + r1->txns[SER_HTTP] + r1->packets[PT_CLIENT], 0);
	assert_int_equal(r2->start_ns, t0 + 2 * S);
	assert_int_equal(r2->txns[SER_HTTP], 1);
	assert_int_equal(r2->lost[SER_HTTP], 1);
	assert_int_equal(ser_row(r, 9)->start_ns, t0 + 9 * S);
	assert_int_equal(ser_row(r, 9)->lost[SER_DNS], 1);
	assert_null(ser_row(r, 10));
	ser_free_rows(r);
	ser_free(w);
}

static unsigned hook_rows;
static uint64_t hook_pkts[8];

static void on_row(void *ctx, const struct res_series *rs, const struct ser_row *row)
{
	(void)ctx, (void)rs;
	if (hook_rows < 8)
		hook_pkts[hook_rows] = row->packets[PT_CLIENT];
	hook_rows++;
}

/* A point's sightings wait for their row until the point moves to another
 * window or the window closes: packets back and forth between two open
 * windows land in their own, one for a closed window is late (and not
 * added later), and the row hook sees each row whole as it closes. */
static void test_sightings_settle(void **st)
{
	(void)st;
	struct series *w = ser_new(1, S, 0);
	ser_set_row_hook(w, on_row, NULL);
	hook_rows = 0;
	struct pt_counts c = { 0 };
	uint64_t t0 = 100 * S;
	query(w, &c, PT_CLIENT, t0);
	query(w, &c, PT_CLIENT, t0 + S);
	query(w, &c, PT_CLIENT, t0 + S / 2);		/* back to the first */
	query(w, &c, PT_CLIENT, t0 + S / 2 + 1);
	query(w, &c, PT_CLIENT, t0 + S + 1);
	ser_advance(w, t0 + 5 * S);			/* the first two close */
	assert_int_equal(hook_rows, 2);
	assert_int_equal(hook_pkts[0], 3);
	assert_int_equal(hook_pkts[1], 2);
	query(w, &c, PT_CLIENT, t0 + S + 2);		/* late */
	query(w, &c, PT_CLIENT, t0 + 5 * S);
	ser_finish(w);
	struct res_series *r = ser_take(w);
	assert_int_equal(r->late, 1);
	assert_int_equal(r->n, 6);
	assert_int_equal(hook_rows, 6);
	for (size_t i = 2; i < 5; i++)
		assert_int_equal(ser_row(r, i)->packets[PT_CLIENT], 0);
	assert_int_equal(ser_row(r, 5)->packets[PT_CLIENT], 1);
	assert_int_equal(ser_row(r, 5)->req[SER_DNS][PT_CLIENT], 1);
	assert_int_equal(hook_pkts[5], 1);
	ser_free_rows(r);
	ser_free(w);
}

/* Time alone moves the series on: a silent stretch gives a row per window. */
static void test_empty_windows(void **st)
{
	(void)st;
	struct series *w = ser_new(1, 100 * MS, 0);
	struct pt_counts c = { 0 };
	uint64_t t0 = 5 * S + 30 * MS;
	query(w, &c, PT_CLIENT, t0);
	ser_advance(w, t0 + 2 * S);			/* 2 s of nothing */
	query(w, &c, PT_CLIENT, t0 + 2 * S + 10 * MS);
	ser_finish(w);
	struct res_series *r = ser_take(w);
	assert_int_equal(r->n, 21);			/* 5.0 .. 7.0 s in 100 ms steps */
	assert_int_equal(ser_row(r, 0)->start_ns, 5 * S);
	for (size_t i = 1; i < 20; i++) {
		assert_int_equal(ser_row(r, i)->start_ns, 5 * S + i * 100 * MS);
		assert_int_equal(ser_row(r, i)->req[SER_DNS][PT_CLIENT], 0);
	}
	assert_int_equal(ser_row(r, 20)->req[SER_DNS][PT_CLIENT], 1);
	assert_int_equal(r->late, 0);
	ser_free_rows(r);
	ser_free(w);
}

/* Sightings and transactions for a window already closed are counted late
 * and change no row; a transaction at the edge of the open ones still lands. */
static void test_late(void **st)
{
	(void)st;
	struct series *w = ser_new(1, S, 0);
	struct pt_counts c = { 0 };
	query(w, &c, PT_CLIENT, 10 * S);
	ser_advance(w, 10 * S + SER_OPEN * S);		/* window 10 closes */
	struct txn t = mk(TXN_DNS, 5000, TXN_NS_NONE);
	ser_txn(w, &t, 10 * S + 500 * MS);		/* late */
	query(w, &c, PT_CLIENT, 10 * S + 900 * MS);	/* late */
	ser_txn(w, &t, 11 * S);				/* the oldest open window */
	query(w, &c, PT_CLIENT, 11 * S);
	ser_finish(w);
	struct res_series *r = ser_take(w);
	assert_int_equal(r->late, 2);
	assert_int_equal(r->n, SER_OPEN + 1);
	assert_int_equal(ser_row(r, 0)->req[SER_DNS][PT_CLIENT], 1);
	assert_int_equal(ser_row(r, 0)->txns[SER_DNS], 0);
	assert_int_equal(ser_row(r, 1)->txns[SER_DNS], 1);
	/* the late query's counters were taken as seen: the next one counts once */
	assert_int_equal(ser_row(r, 1)->req[SER_DNS][PT_CLIENT], 1);
	ser_free_rows(r);
	ser_free(w);
}

/* Percentiles of a window: the same values hist_percentile gives one by one. */
static void test_window_percentiles(void **st)
{
	(void)st;
	struct series *w = ser_new(1, S, 0);
	struct hist *h = hist_new();
	uint64_t seed = 7;
	for (int i = 0; i < 5000; i++) {
		seed = seed * 6364136223846793005ull + 1442695040888963407ull;
		int64_t v = (int64_t)(seed >> 40) - 200000;	/* some negative, as components can be */
		struct txn t = mk(TXN_HTTP, 1000, v);
		ser_txn(w, &t, 3 * S + (uint64_t)i);
		hist_record(h, v);
	}
	ser_finish(w);
	struct res_series *r = ser_take(w);
	const struct ser_lat *l = &ser_row(r, 0)->lat[SER_HTTP][SC_LINK];
	assert_int_equal(l->n, 5000);
	for (int k = 0; k < SER_PCTS; k++)
		assert_int_equal(l->pct[k], hist_percentile(h, ser_pct_q[k]));
	hist_free(h);
	ser_free_rows(r);
	ser_free(w);
}

static unsigned hooked;
static uint64_t hooked_last;

static void hook(void *ctx, const struct res_series *rs, const struct ser_row *row)
{
	(void)ctx;
	assert_int_equal(rs->window_ns, (int64_t)S);
	assert_true(!hooked || row->start_ns == hooked_last + S);	/* in time order, none skipped */
	hooked_last = row->start_ns;
	hooked++;
}

/* Rows beyond max_rows: the oldest give way, counted; the hook sees every
 * row as it closes; a gap much longer than the kept rows is not walked. */
static void test_ring_and_hook(void **st)
{
	(void)st;
	struct series *w = ser_new(1, S, 8);
	ser_set_row_hook(w, hook, NULL);
	struct pt_counts c = { 0 };
	hooked = 0;
	for (uint64_t s = 0; s < 20; s++)
		query(w, &c, PT_CLIENT, (100 + s) * S);
	ser_finish(w);
	assert_int_equal(hooked, 20);
	struct res_series *r = ser_take(w);
	assert_int_equal(r->n, 8);
	assert_int_equal(r->dropped, 12);
	for (size_t i = 0; i < 8; i++)
		assert_int_equal(ser_row(r, i)->start_ns, (112 + i) * S);
	ser_free_rows(r);
	ser_free(w);

	w = ser_new(1, S, 8);
	query(w, &c, PT_CLIENT, 100 * S);
	query(w, &c, PT_CLIENT, 100 * S + 1000000 * S);	/* 11 days later */
	ser_finish(w);
	r = ser_take(w);
	assert_int_equal(r->n, 8);
	assert_int_equal(r->dropped, 1000001 - 8);
	assert_int_equal(ser_row(r, 7)->start_ns, 100 * S + 1000000 * S);
	assert_int_equal(ser_row(r, 7)->req[SER_DNS][PT_CLIENT], 1);
	ser_free_rows(r);
	ser_free(w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows),
		cmocka_unit_test(test_sightings_settle),
		cmocka_unit_test(test_empty_windows),
		cmocka_unit_test(test_late),
		cmocka_unit_test(test_window_percentiles),
		cmocka_unit_test(test_ring_and_hook),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
