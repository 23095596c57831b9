/* Results: transactions counted by protocol, answer, loss and status, every
 * measured component into its histogram (merged ones only when merged);
 * the reference point's counters and every point's added; the capture
 * span; the loss counters' names; the time series freed with the results. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "analysis/results/results.h"

static struct txn mk(int proto, int answered, int status)
{
	struct txn t;
	memset(&t, 0, sizeof t);
	t.proto = (uint8_t)proto;
	t.answered = (uint8_t)answered;
	t.status = status;
	t.start_ns = 5000;
	t.total_ns = answered ? 3000 : TXN_NS_NONE;
	t.response_ns = proto == TXN_HTTP && answered ? 1000 : TXN_NS_NONE;
	txn_clear_attribution(&t);
	return t;
}

static void test_add_txn(void **st)
{
	(void)st;
	struct results *r = res_new();
	assert_non_null(r);
	struct txn t = mk(TXN_DNS, 1, 3);		/* NXDOMAIN */
	t.link_ns = 200;
	t.guest_ns = -5;				/* clock error: negative, still recorded */
	res_add_txn(r, &t);
	t = mk(TXN_DNS, 0, -1);
	t.lost_at = LOST_BRIDGE;
	t.start_ns = 9000;
	res_add_txn(r, &t);
	t = mk(TXN_DNS, 1, 40);				/* past the counted rcodes: "other" */
	t.start_ns = 1000;
	res_add_txn(r, &t);
	t = mk(TXN_HTTP, 1, 404);
	t.server_ns = 700;				/* not merged: not a server sample */
	res_add_txn(r, &t);
	t.merged = TXN_M_SERVER;
	res_add_txn(r, &t);
	t = mk(TXN_HTTP, 1, 99);
	res_add_txn(r, &t);

	assert_int_equal(r->dns.transactions, 3);
	assert_int_equal(r->dns.answered, 2);
	assert_int_equal(r->dns.unanswered, 1);
	assert_int_equal(r->dns.lost[LOST_BRIDGE], 1);
	assert_int_equal(r->dns.status[3], 1);
	assert_int_equal(r->dns.status[RES_RCODES - 1], 1);
	assert_int_equal(r->dns.first_ns, 1000);
	assert_int_equal(r->dns.last_ns, 9000);
	assert_int_equal(hist_count(r->dns.lat[RC_TOTAL]), 2);
	assert_int_equal(hist_count(r->dns.lat[RC_LINK]), 1);
	assert_int_equal(hist_min(r->dns.lat[RC_GUEST]), -5);
	assert_int_equal(hist_count(r->dns.lat[RC_RESPONSE]), 0);	/* DNS has none */
	assert_int_equal(r->http.transactions, 3);
	assert_int_equal(r->http.status_class[4], 2);
	assert_int_equal(r->http.status_class[0], 1);			/* 99: other */
	assert_int_equal(hist_count(r->http.lat[RC_RESPONSE]), 3);
	assert_int_equal(hist_count(r->http.lat[RC_SERVER]), 1);
	assert_ptr_equal(res_proto_of(r, TXN_HTTP), &r->http);
	assert_string_equal(res_comp_name(RC_CLIENT_LINK), "client_link");
	assert_string_equal(res_comp_name(RC_N), "?");
	res_free(r);
}

/* Every component res_comp_value gives (measured) lands in its histogram,
 * and only those: an HTTP transaction with every field set, merged and not. */
static void test_components_as_comp_value(void **st)
{
	(void)st;
	for (int merged = 0; merged <= (TXN_M_SERVER | TXN_M_CLIENT_LINK); merged++)
		for (int proto = TXN_DNS; proto <= TXN_HTTP; proto++) {
			struct results *r = res_new();
			assert_non_null(r);
			struct txn t = mk(proto, 1, 200);
			int64_t *f[] = { &t.response_ns, &t.client_ns, &t.link_ns, &t.bridge_ns,
					 &t.guest_ns, &t.network_ns, &t.link_in_ns, &t.link_out_ns,
					 &t.server_ns, &t.client_link_ns };
			for (unsigned k = 0; k < sizeof f / sizeof f[0]; k++)
				*f[k] = 100 + (int64_t)k;
			t.merged = (uint8_t)merged;
			res_add_txn(r, &t);
			const struct res_proto *p = res_proto_of(r, proto);
			for (int c = 0; c < RC_N; c++) {
				int64_t v = res_comp_value(&t, c);
				assert_int_equal(hist_count(p->lat[c]), v != TXN_NS_NONE);
				if (v != TXN_NS_NONE)
					assert_int_equal(hist_min(p->lat[c]), v);
			}
			res_free(r);
		}
}

static void test_counts_and_span(void **st)
{
	(void)st;
	struct results *r = res_new();
	for (int p = 0; p < PT_N; p++) {
		r->point[p].present = p != PT_UPLINK;
		r->point[p].counts.packets = 10u + (uint64_t)p;
		r->point[p].counts.tcp_evicted = 1;
		r->point[p].counts.malformed.reason[1] = 2;
	}
	r->ref_point = PT_VIF;
	assert_int_equal(res_ref_counts(r)->packets, 12);
	struct pt_counts s;
	res_sum_counts(r, &s);
	assert_int_equal(s.packets, 22);		/* the uplink is not given */
	assert_int_equal(s.tcp_evicted, 2);
	assert_int_equal(s.malformed.reason[1], 4);
	res_saw_packet(r, PT_VIF, 700);
	res_saw_packet(r, PT_VIF, 500);
	res_saw_packet(r, PT_CLIENT, 900);
	assert_int_equal(r->point[PT_VIF].first_ns, 500);
	assert_int_equal(r->point[PT_VIF].last_ns, 700);
	assert_int_equal(r->point[PT_CLIENT].first_ns, 900);
	assert_int_equal(r->point[PT_CLIENT].last_ns, 900);
	res_free(r);
}

/* Keys are unique JSON names; each counter reads back under its own. */
static void test_loss_names(void **st)
{
	(void)st;
	struct res_losses l;
	memset(&l, 0, sizeof l);
	l.windows_late = 7;
	l.clock_out_of_order = 9;
	for (int i = 0; i < RES_LOSS_N; i++) {
		const char *k = res_loss_key(i);
		assert_true(strlen(k) > 0 && strspn(k, "abcdefghijklmnopqrstuvwxyz_") == strlen(k));
		assert_true(strlen(res_loss_text(i)) > 10);
		for (int j = 0; j < i; j++)
			assert_true(strcmp(k, res_loss_key(j)) != 0);
		uint64_t want = !strcmp(k, "windows_late") ? 7 : !strcmp(k, "clock_out_of_order") ? 9 : 0;
		assert_int_equal(res_loss_value(&l, i), want);
	}
	assert_string_equal(res_loss_key(RES_LOSS_N), "?");
	assert_int_equal(RES_LOSS_N * sizeof(uint64_t), sizeof l);
}

/* The series' rows belong to the results once handed over. */
static void test_windows_freed(void **st)
{
	(void)st;
	struct results *r = res_new();
	struct series *s = ser_new(1, 1000, 0);
	ser_advance(s, 5000);
	ser_advance(s, 50000);
	ser_finish(s);
	r->windows = ser_take(s);
	ser_free(s);
	assert_int_equal(r->windows->n, 46);
	res_free(r);	/* the sanitizer build checks nothing leaks */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_add_txn),
		cmocka_unit_test(test_components_as_comp_value),
		cmocka_unit_test(test_counts_and_span),
		cmocka_unit_test(test_loss_names),
		cmocka_unit_test(test_windows_freed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
