/* Time series: transactions and per-point requests land in the window of
 * their time, percentiles per component, late ones counted, JSON and CSV. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "analysis/results/series.h"

#define S 1000000000ull

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

static void test_rows(void **st)
{
	(void)st;
	struct series *w = ser_new(7, S);
	assert_non_null(w);
	uint64_t t0 = 1000 * S;
	struct txn lost = mk(TXN_DNS, TXN_NS_NONE, TXN_NS_NONE);
	lost.lost_at = LOST_LINK;
	ser_txn(w, &lost, 0);		/* "now" before any window: late */
	for (int i = 0; i < 100; i++) {
		struct txn t = mk(TXN_DNS, 1000 * (i + 1), 500);
		ser_txn(w, &t, t0 + (uint64_t)i * 10000000ull);	/* 100 in the first second */
		ser_point(w, PT_CLIENT, t0 + (uint64_t)i * 10000000ull, t0 + (uint64_t)i * 10000000ull + 1000);
		ser_point(w, PT_VIF, t0 + (uint64_t)i * 10000000ull, 0);
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
	assert_int_equal(r->n, 3);
	assert_int_equal(r->rows[0].start_ns, t0);
	assert_int_equal(r->rows[0].txns[0], 100);
	assert_int_equal(r->rows[0].req[PT_CLIENT], 100);
	assert_int_equal(r->rows[0].resp[PT_CLIENT], 100);
	assert_int_equal(r->rows[0].resp[PT_VIF], 0);
	/* p50 of 1..100 us within the histogram's 1% */
	int64_t p50 = r->rows[0].pct[0][0][0];
	assert_true(p50 >= 49500 && p50 <= 50500);
	assert_int_equal(r->rows[0].n[0][2], 100);	/* link */
	assert_int_equal(r->rows[0].n[0][1], 0);	/* client: not measured */
	assert_int_equal(r->rows[1].start_ns, t0 + 2 * S);
	assert_int_equal(r->rows[1].txns[1], 1);
	assert_int_equal(r->rows[1].lost[1], 1);
	assert_int_equal(r->rows[2].start_ns, t0 + 9 * S);
	assert_int_equal(r->rows[2].lost[0], 1);

	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	ser_json(f, r);
	fclose(f);
	assert_non_null(strstr(buf, "\"windows\":[{\"start_ns\":1000000000000"));
	assert_non_null(strstr(buf, "\"requests_per_s\":{\"client\":100.000,\"uplink\":0.000,\"vif\":100.000}"));
	free(buf);
	f = open_memstream(&buf, &len);
	ser_csv(f, r);
	fclose(f);
	assert_true(strncmp(buf, "kind,start_ns,window_s,client_requests_per_s", 44) == 0);
	unsigned rows = 0;
	for (char *p = buf; (p = strstr(p, "\nwindow,")); p++)
		rows++;
	assert_int_equal(rows, 3);
	free(buf);
	ser_free_rows(r);
	ser_free(w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
