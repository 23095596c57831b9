/* Attribution: components from per-point critical times sum to the total and
 * equal the hop delays put in; losses land on the right hop; joins by key
 * across points in any order, with the client clock corrected. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <stdio.h>
#include <cmocka.h>
#include "analysis/path/attrib.h"

/* Hop delays of one synthetic exchange. */
struct path { int64_t lin, bin, lout, bout, guest, think; };
#define T0 1000000000000ull

/* Times at the three points of a DNS query/response or an HTTP first request
 * (SYN, SYN-ACK, request, response), crossing the path p. */
static void make_times(int http_first, const struct path *p, struct txn_times t[PT_N])
{
	memset(t, 0, sizeof(struct txn_times) * PT_N);
	uint64_t c = T0;
	if (http_first) {
		t[PT_CLIENT].syn = c;
		t[PT_UPLINK].syn = c + p->lin;
		t[PT_VIF].syn = c + p->lin + p->bin;
		t[PT_VIF].synack = t[PT_VIF].syn + 3000;
		t[PT_UPLINK].synack = t[PT_VIF].synack + p->bout;
		t[PT_CLIENT].synack = t[PT_UPLINK].synack + p->lout;
		c = t[PT_CLIENT].synack + p->think;
	}
	t[PT_CLIENT].req_first = t[PT_CLIENT].req_last = c;
	t[PT_UPLINK].req_first = t[PT_UPLINK].req_last = c + p->lin;
	t[PT_VIF].req_first = t[PT_VIF].req_last = c + p->lin + p->bin;
	t[PT_VIF].resp_first = t[PT_VIF].resp_last = t[PT_VIF].req_last + p->guest;
	t[PT_UPLINK].resp_first = t[PT_UPLINK].resp_last = t[PT_VIF].resp_last + p->bout;
	t[PT_CLIENT].resp_first = t[PT_CLIENT].resp_last = t[PT_UPLINK].resp_last + p->lout;
}

static struct txn base_txn(int proto, int first)
{
	struct txn x;
	memset(&x, 0, sizeof x);
	x.proto = (uint8_t)proto;
	x.first_on_conn = (uint8_t)first;
	x.answered = 1;
	x.client.ip.family = x.server.ip.family = 4;
	memcpy(x.client.ip.b, "\x0a\x00\x00\x01", 4);
	memcpy(x.server.ip.b, "\x0a\x00\x00\x02", 4);
	x.client.port = 40000;
	x.server.port = proto == TXN_HTTP ? 80 : 53;
	x.id = 7;
	x.conn_isn = 12345;
	strcpy(x.name, proto == TXN_HTTP ? "GET /" : "www.example.com");
	return x;
}

static const uint8_t all3[PT_N] = { 1, 1, 1 };

static void test_dns_three_points(void **st)
{
	(void)st;
	struct path p = { 50000, 4000, 70000, 6000, 90000, 0 };
	struct txn_times t[PT_N];
	make_times(0, &p, t);
	struct txn o = base_txn(TXN_DNS, 0);
	attrib_compute(7, all3, all3, t, &o);
	assert_int_equal(o.total_ns, 50000 + 4000 + 70000 + 6000 + 90000);
	assert_int_equal(o.link_ns, 120000);
	assert_int_equal(o.bridge_ns, 10000);
	assert_int_equal(o.guest_ns, 90000);
	assert_true(o.client_ns == TXN_NS_NONE);	/* one packet: no client part (null, not 0) */
	assert_int_equal(o.link_in_ns, 50000);
	assert_int_equal(o.link_out_ns, 70000);
	assert_int_equal(o.lost_at, LOST_NONE);
	assert_true(o.network_ns == TXN_NS_NONE);
}

static void test_http_first_and_later(void **st)
{
	(void)st;
	struct path p = { 50000, 4000, 70000, 6000, 250000, 33000 };
	struct txn_times t[PT_N];
	make_times(1, &p, t);
	struct txn o = base_txn(TXN_HTTP, 1);
	attrib_compute(7, all3, all3, t, &o);
	assert_int_equal(o.client_ns, 33000);
	assert_int_equal(o.link_ns, 2 * 120000);
	assert_int_equal(o.bridge_ns, 2 * 10000);
	assert_int_equal(o.guest_ns, 3000 + 250000);
	assert_int_equal(o.total_ns, o.client_ns + o.link_ns + o.bridge_ns + o.guest_ns);
	assert_int_equal(o.total_ns, (int64_t)(t[PT_CLIENT].resp_last - t[PT_CLIENT].syn));
	assert_int_equal(o.link_in_ns + o.link_out_ns, o.link_ns);

	make_times(0, &p, t);
	o = base_txn(TXN_HTTP, 0);
	t[PT_CLIENT].req_first -= 1500;	/* a two-segment request: client time */
	attrib_compute(7, all3, all3, t, &o);
	assert_int_equal(o.client_ns, 1500);
	assert_int_equal(o.link_ns, 120000);
	assert_int_equal(o.guest_ns, 250000);
	assert_int_equal(o.total_ns, 1500 + 120000 + 10000 + 250000);
}

/* Every pair of points: merged components named, sums exact. */
static void test_pairs(void **st)
{
	(void)st;
	struct path p = { 50000, 4000, 70000, 6000, 250000, 33000 };
	struct txn_times t[PT_N];
	make_times(1, &p, t);
	struct txn o = base_txn(TXN_HTTP, 1);
	attrib_compute(1 << PT_CLIENT | 1 << PT_VIF, all3, all3, t, &o);
	assert_int_equal(o.network_ns, 2 * 130000);
	assert_true(o.link_ns == TXN_NS_NONE && o.bridge_ns == TXN_NS_NONE);
	assert_int_equal(o.total_ns, o.client_ns + o.network_ns + o.guest_ns);

	o = base_txn(TXN_HTTP, 1);
	attrib_compute(1 << PT_CLIENT | 1 << PT_UPLINK, all3, all3, t, &o);
	assert_int_equal(o.link_ns, 240000);
	assert_int_equal(o.server_ns, 20000 + 253000);
	assert_true(o.guest_ns == TXN_NS_NONE);
	assert_int_equal(o.total_ns, o.client_ns + o.link_ns + o.server_ns);

	o = base_txn(TXN_HTTP, 1);
	attrib_compute(1 << PT_UPLINK | 1 << PT_VIF, all3, all3, t, &o);
	assert_int_equal(o.bridge_ns, 20000);
	assert_int_equal(o.guest_ns, 253000);
	assert_int_equal(o.client_link_ns, 120000 + 33000);
	assert_true(o.client_ns == TXN_NS_NONE && o.link_in_ns == TXN_NS_NONE);
	assert_int_equal(o.total_ns, o.client_link_ns + o.bridge_ns + o.guest_ns);

	make_times(0, &p, t);	/* DNS at uplink and vif: no client_link (was a column of zeros) */
	o = base_txn(TXN_DNS, 0);
	attrib_compute(1 << PT_UPLINK | 1 << PT_VIF, all3, all3, t, &o);
	assert_true(o.client_link_ns == TXN_NS_NONE && !(o.merged & TXN_M_CLIENT_LINK));
	assert_int_equal(o.total_ns, o.bridge_ns + o.guest_ns);
}

static void test_losses(void **st)
{
	(void)st;
	struct path p = { 50000, 4000, 70000, 6000, 90000, 0 };
	struct txn_times t[PT_N];
	make_times(0, &p, t);
	struct txn o = base_txn(TXN_DNS, 0);
	uint8_t have[PT_N], ans[PT_N] = { 0, 0, 0 };
	memcpy(have, (uint8_t[]){ 1, 0, 0 }, 3);
	attrib_compute(7, have, ans, t, &o);
	assert_int_equal(o.lost_at, LOST_LINK);
	memcpy(have, (uint8_t[]){ 1, 1, 0 }, 3);
	attrib_compute(7, have, ans, t, &o);
	assert_int_equal(o.lost_at, LOST_BRIDGE);
	memcpy(have, (uint8_t[]){ 1, 1, 1 }, 3);
	attrib_compute(7, have, ans, t, &o);
	assert_int_equal(o.lost_at, LOST_GUEST);
	/* answered by the guest, the answer lost on the bridge on its way back */
	memcpy(ans, (uint8_t[]){ 0, 0, 1 }, 3);
	attrib_compute(7, have, ans, t, &o);
	assert_int_equal(o.lost_at, LOST_BRIDGE);
	assert_true(o.total_ns == TXN_NS_NONE);
	/* client and vif only: not at the vif -> link (link and bridge merged) */
	memcpy(have, (uint8_t[]){ 1, 0, 0 }, 3);
	memset(ans, 0, 3);
	attrib_compute(1 << PT_CLIENT | 1 << PT_VIF, have, ans, t, &o);
	assert_int_equal(o.lost_at, LOST_LINK);
}

struct got { struct txn t[8]; unsigned n; };
static void collect(void *ctx, const struct txn *t)
{
	struct got *g = ctx;
	if (g->n < 8)
		g->t[g->n++] = *t;
}

/* Joins in the streaming order (vif, uplink, then client), with the client
 * clock 2 s ahead; an unanswered query waits and then expires as a loss. */
static void test_join_stream(void **st)
{
	(void)st;
	struct got g = { .n = 0 };
	struct attrib_config c;
	attrib_config_default(&c);
	c.wait_ns = 1000000000;
	c.max_pending = 4;
	c.out = (struct txn_sink){ collect, &g };
	struct attrib *a = attrib_new(&c);
	assert_non_null(a);
	struct clk_est e = { .ok = 1, .origin_ns = T0, .offset_ns = 2000000000 };
	attrib_set_clock(a, &e);
	struct path p = { 50000, 4000, 70000, 6000, 90000, 0 };
	struct txn_times t[PT_N];
	make_times(0, &p, t);
	struct txn_sink in = attrib_sink(a);
	for (int q = PT_VIF; q >= PT_CLIENT; q--) {
		struct txn x = base_txn(TXN_DNS, 0);
		x.point = (uint8_t)q;
		x.t = t[q];
		if (q == PT_CLIENT) {	/* as the client's clock reads them */
			x.t.req_first += 2000000000;
			x.t.req_last += 2000000000;
			x.t.resp_first += 2000000000;
			x.t.resp_last += 2000000000;
			x.start_ns = x.t.req_last;
		}
		attrib_advance(a, T0 + 300000);
		assert_int_equal(g.n, 0);
		txn_emit(&in, &x);
	}
	assert_int_equal(g.n, 1);
	assert_int_equal(g.t[0].point, PT_CLIENT);
	assert_int_equal(g.t[0].start_ns, T0 + 2000000000);	/* as written in the capture */
	assert_int_equal(g.t[0].link_ns, 120000);
	assert_int_equal(g.t[0].link_in_ns, 50000);
	assert_int_equal(g.t[0].guest_ns, 90000);
	/* a query seen only at the client: waits, then is lost on the link */
	struct txn x = base_txn(TXN_DNS, 0);
	x.id = 8;
	x.answered = 0;
	x.point = PT_CLIENT;
	txn_emit(&in, &x);
	attrib_advance(a, T0 + 900000000);
	assert_int_equal(g.n, 1);
	attrib_advance(a, T0 + 1400000000);
	assert_int_equal(g.n, 2);
	assert_int_equal(g.t[1].lost_at, LOST_LINK);
	assert_int_equal(attrib_stats(a)->lost[LOST_LINK], 1);
	/* other traffic seen only at the vif is not a client transaction */
	x.point = PT_VIF;
	x.id = 9;
	txn_emit(&in, &x);
	attrib_finish(a);
	assert_int_equal(g.n, 2);
	assert_int_equal(attrib_stats(a)->headless, 1);
	assert_int_equal(attrib_stats(a)->joined, 1);
	attrib_free(a);
}

/* Names of different lengths, one the other's start, are different keys:
 * two queries from one socket with one id join each with its own reports. */
static void test_join_names(void **st)
{
	(void)st;
	struct got g = { .n = 0 };
	struct attrib_config c;
	attrib_config_default(&c);
	c.out = (struct txn_sink){ collect, &g };
	struct attrib *a = attrib_new(&c);
	assert_non_null(a);
	struct path p = { 50000, 4000, 70000, 6000, 90000, 0 };
	struct txn_times t[PT_N];
	make_times(0, &p, t);
	struct txn_sink in = attrib_sink(a);
	const char *names[] = { "www.example.com", "www.example.co", "www.example.com.au" };
	for (int q = PT_VIF; q >= PT_CLIENT; q--)
		for (unsigned k = 0; k < 3; k++) {
			struct txn x = base_txn(TXN_DNS, 0);
			strcpy(x.name, names[k]);
			x.point = (uint8_t)q;
			x.t = t[q];
			x.t.resp_last += k;	/* each its own answer time */
			txn_emit(&in, &x);
		}
	assert_int_equal(g.n, 3);
	for (unsigned k = 0; k < 3; k++) {
		assert_string_equal(g.t[k].name, names[k]);
		assert_int_equal(g.t[k].guest_ns, 90000 + (int64_t)k);
	}
	assert_int_equal(attrib_stats(a)->joined, 3);
	attrib_free(a);
}

/* Connection attempts never answered (a SYN without SYN-ACK, as tcp_track
 * reports them: id 0, no name, only t.syn): joined across points by ISN and
 * placed by where the SYN was last seen: vif -> guest, uplink -> bridge,
 * client only -> link. Each point's SYN time differs (the path's delays). */
static void test_syn_attempts(void **st)
{
	(void)st;
	struct got g = { .n = 0 };
	struct attrib_config c;
	attrib_config_default(&c);
	c.out = (struct txn_sink){ collect, &g };
	struct attrib *a = attrib_new(&c);
	assert_non_null(a);
	struct txn_sink in = attrib_sink(a);
	for (unsigned reach = 1; reach <= 3; reach++) {	/* points the SYN reached */
		for (unsigned q = 0; q < reach; q++) {
			struct txn x;
			memset(&x, 0, sizeof x);
			x.proto = TXN_HTTP;
			x.point = (uint8_t)q;
			x.first_on_conn = 1;
			x.status = -1;
			x.client = base_txn(TXN_HTTP, 1).client;
			x.server = base_txn(TXN_HTTP, 1).server;
			x.conn_isn = 1000 + reach;
			x.t.syn = x.start_ns = T0 + reach * 1000000 + q * 50000;
			x.total_ns = x.response_ns = TXN_NS_NONE;
			txn_emit(&in, &x);
		}
	}
	attrib_finish(a);
	assert_int_equal(g.n, 3);
	uint8_t want[4] = { 0, LOST_LINK, LOST_BRIDGE, LOST_GUEST };
	for (unsigned k = 0; k < 3; k++) {
		unsigned reach = g.t[k].conn_isn - 1000;
		assert_int_equal(g.t[k].point, PT_CLIENT);
		assert_int_equal(g.t[k].lost_at, want[reach]);
		assert_int_equal(g.t[k].start_ns, T0 + reach * 1000000);
		assert_true(g.t[k].total_ns == TXN_NS_NONE);
		assert_true(g.t[k].guest_ns == TXN_NS_NONE);
	}
	assert_int_equal(attrib_stats(a)->lost[LOST_GUEST], 1);
	assert_int_equal(attrib_stats(a)->lost[LOST_BRIDGE], 1);
	assert_int_equal(attrib_stats(a)->lost[LOST_LINK], 1);
	attrib_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dns_three_points),
		cmocka_unit_test(test_http_first_and_later),
		cmocka_unit_test(test_pairs),
		cmocka_unit_test(test_losses),
		cmocka_unit_test(test_join_stream),
		cmocka_unit_test(test_join_names),
		cmocka_unit_test(test_syn_attempts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
