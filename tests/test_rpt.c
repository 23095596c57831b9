/* Reports: microsecond formatting, JSON/CSV escaping, the exact
 * transaction keys, and the JSON summary keys other tools rely on. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "analysis/report/rpt.h"
#define TL_RENDER
#include "tests/testlib.h"

static void test_us(void **state)
{
	(void)state;
	char b[32];
	assert_string_equal(rpt_us(0, b, sizeof b), "0.000");
	assert_string_equal(rpt_us(1, b, sizeof b), "0.001");
	assert_string_equal(rpt_us(1989000, b, sizeof b), "1989.000");
	assert_string_equal(rpt_us(123456789, b, sizeof b), "123456.789");
	assert_string_equal(rpt_us(-5, b, sizeof b), "-0.005");
	assert_string_equal(rpt_us(-1234567, b, sizeof b), "-1234.567");
}

static struct txn sample(int proto)
{
	struct txn t;
	memset(&t, 0, sizeof t);
	t.proto = (uint8_t)proto;
	t.answered = 1;
	ipaddr_parse("10.0.0.1", &t.client.ip);
	t.client.port = 40000;
	ipaddr_parse("2001:db8::1", &t.server.ip);
	t.server.port = 53;
	t.id = 4660;
	t.status = proto == TXN_DNS ? 3 : 200;
	snprintf(t.name, sizeof t.name, "%s", proto == TXN_DNS ? "a\"b,c.example" : "GET /x");
	t.start_ns = 1700000000123456789ull;
	t.total_ns = 250001;
	t.response_ns = 120000;
	txn_clear_attribution(&t);
	t.link_ns = 7;
	return t;
}

static char *capture(void (*fn)(void *, const struct txn *), const struct txn *t)
{
	char *buf = NULL;
	size_t len = 0;
	struct rpt_out o = { open_memstream(&buf, &len), 0 };
	fn(&o, t);
	fclose(o.f);
	return buf;
}

static void test_jsonl_keys(void **state)
{
	(void)state;
	struct txn t = sample(TXN_DNS);
	char *s = capture(rpt_jsonl_txn, &t);
	assert_non_null(strstr(s, "\"proto\":\"dns\""));
	assert_non_null(strstr(s, "\"client_ip\":\"10.0.0.1\",\"client_port\":40000,"));
	assert_non_null(strstr(s, "\"server_ip\":\"2001:db8::1\",\"server_port\":53,"));
	assert_non_null(strstr(s, "\"id\":4660"));
	assert_non_null(strstr(s, "\"name\":\"a\\\"b,c.example\""));
	assert_non_null(strstr(s, "\"dns_rcode\":\"NXDOMAIN\",\"http_status\":null"));
	assert_non_null(strstr(s, "\"start_ns\":1700000000123456789"));
	assert_non_null(strstr(s, "\"total_us\":250.001"));
	assert_non_null(strstr(s, "\"response_us\":null"));
	assert_non_null(strstr(s, "\"link_us\":0.007"));
	assert_non_null(strstr(s, "\"guest_us\":null"));
	assert_non_null(strstr(s, "\"lost_hop\":null"));
	assert_non_null(strstr(s, "\"client_link_us\":null"));	/* every key on every row */
	assert_non_null(strstr(s, "\"server_us\":null"));
	free(s);
	t = sample(TXN_HTTP);
	t.lost_at = LOST_BRIDGE;
	s = capture(rpt_jsonl_txn, &t);
	assert_non_null(strstr(s, "\"proto\":\"http\""));
	assert_non_null(strstr(s, "\"qtype\":null,\"dns_rcode\":null,\"http_status\":200,"));
	assert_non_null(strstr(s, "\"response_us\":120.000"));
	assert_non_null(strstr(s, "\"lost_hop\":\"bridge\""));
	free(s);
	t = sample(TXN_DNS);
	t.answered = 0;
	t.status = -1;
	t.total_ns = TXN_NS_NONE;
	s = capture(rpt_jsonl_txn, &t);
	assert_non_null(strstr(s, "\"dns_rcode\":null,\"http_status\":null"));
	assert_non_null(strstr(s, "\"total_us\":null"));
	free(s);
}

/* A connection attempt never answered: no request, name null. */
static void test_jsonl_attempt(void **state)
{
	(void)state;
	struct txn t = sample(TXN_HTTP);
	t.answered = 0;
	t.status = -1;
	t.name[0] = 0;
	t.id = 0;
	t.t.syn = t.start_ns;
	t.total_ns = t.response_ns = TXN_NS_NONE;
	t.lost_at = LOST_GUEST;
	char *s = capture(rpt_jsonl_txn, &t);
	assert_non_null(strstr(s, "\"id\":0,\"name\":null,\"qtype\":null,\"dns_rcode\":null,\"http_status\":null"));
	assert_non_null(strstr(s, "\"lost_hop\":\"guest\""));
	free(s);
	t.t.req_first = t.t.req_last = t.start_ns + 1;	/* a request whose line was not captured */
	s = capture(rpt_jsonl_txn, &t);
	assert_non_null(strstr(s, "\"name\":\"\""));
	free(s);
}

static void test_csv_row(void **state)
{
	(void)state;
	struct txn t = sample(TXN_DNS);
	char *s = capture(rpt_csv_txn, &t);
	assert_string_equal(s, "\"dns\",\"10.0.0.1\",40000,\"2001:db8::1\",53,4660,\"a\"\"b,c.example\",0,"
			       "\"NXDOMAIN\",,1700000000123456789,250.001,,,0.007,,,,,,,,,\"client\"\n");
	free(s);
	s = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&s, &len);
	rpt_csv_header(f);
	fclose(f);
	assert_string_equal(s, "proto,client_ip,client_port,server_ip,server_port,id,name,qtype,dns_rcode,"
			       "http_status,start_ns,total_us,response_us,client_us,link_us,bridge_us,guest_us,"
			       "network_us,server_us,client_link_us,link_in_us,link_out_us,lost_hop,point\n");
	free(s);
}

static void test_json_summary_keys(void **state)
{
	(void)state;
	struct results *r = res_new();
	r->point[0].present = 1;
	r->npoints = 1;
	struct txn t = sample(TXN_DNS);
	res_add_txn(r, &t);
	t = sample(TXN_HTTP);
	res_add_txn(r, &t);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_int_equal(rpt_json(f, r), 0);
	fclose(f);
	const char *keys[] = { "\"dns\":{\"transactions\":1,\"answered\":1,\"unanswered\":0",
			       "\"latency_us\":{\"total\":{\"count\":1,\"p50\":",
			       "\"http\":{\"transactions\":1", "\"connections\":",
			       "\"response\":{\"count\":1,\"p50\":120.000,\"p90\":120.000,\"p99\":120.000,"
			       "\"p999\":120.000,\"min\":120.000,\"max\":120.000,\"mean\":120.000,\"stddev\":0.000,"
			       "\"cdf\":[[0,120.000],",
			       "[99.99,120.000],[100,120.000]],\"buckets\":[[120.000,1]]}",
			       "\"malformed\":{\"total\":0}", "\"packets\":" };
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
		if (!strstr(buf, keys[i]))
			fail_msg("missing %s in %s", keys[i], buf);
	free(buf);
	res_free(r);
}

/* Several points: protocol counters from the reference point, every point's
 * own under points.<role>; packets are what was read (all points). */
static void test_json_per_point(void **state)
{
	(void)state;
	struct results *r = res_new();
	for (int i = 0; i < PT_N; i++) {
		r->point[i].present = 1;
		r->point[i].counts.packets = 100 + (uint64_t)i;
		r->point[i].counts.tcp_connections = 300;
		r->point[i].counts.http_connections = 300;
		r->point[i].counts.dns_queries = 10 + (uint64_t)i;
		r->point[i].counts.http_syn_unanswered = (uint64_t)i;
	}
	r->npoints = 3;
	r->ref_point = PT_CLIENT;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_int_equal(rpt_json(f, r), 0);
	fclose(f);
	const char *keys[] = { "{\"packets\":303,", "\"reference_point\":\"client\"",
			       "\"queries\":10,", "\"connections\":300,\"requests\"",
			       "\"tcp\":{\"connections\":300,", "\"attempts_unanswered\":0,",
			       "\"vif\":{\"source\":\"\",\"packets\":102,",
			       "\"dns_queries\":12,", "\"http_attempts_unanswered\":2,",
			       "\"syn_synack_us\":{\"count\":0" };
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
		if (!strstr(buf, keys[i]))
			fail_msg("missing %s in %s", keys[i], buf);
	free(buf);
	buf = NULL;
	f = open_memstream(&buf, &len);
	assert_int_equal(rpt_text(f, r), 0);
	fclose(f);
	if (!strstr(buf, "TCP (at client): 300 connections") || !strstr(buf, "per point:"))
		fail_msg("text: %s", buf);
	free(buf);
	res_free(r);
}

/* The DNS formulas (docs/attribution.md) have no client component: no client row in the
 * text breakdown even when the transactions carry a zero there; HTTP keeps it. */
static void test_text_dns_no_client(void **state)
{
	(void)state;
	struct results *r = res_new();
	r->point[0].present = 1;
	r->npoints = 1;
	struct txn t = sample(TXN_DNS);	/* as attribution gives it: no client part */
	t.guest_ns = 90000;
	t.link_in_ns = 1005567;
	t.link_out_ns = 1004936;
	res_add_txn(r, &t);
	r->clock.valid = 1;
	r->clock.split_uncertainty_ns = 1003188;
	char *s = render(rpt_text, r);
	if (strstr(s, "    client ") || strstr(s, "client_link") || !strstr(s, "    guest ") ||
	    !strstr(s, "    link "))
		fail_msg("DNS rows: %s", s);
	/* percentiles to 3 significant digits, max and mean exact */
	if (!strstr(s, "    total               1          250          250          250          250      250.001      250.001\n"))
		fail_msg("total row: %s", s);
	if (!strstr(s, "percentiles to 3 significant digits"))
		fail_msg("no precision note: %s", s);
	/* one-way figures rounded to their uncertainty, said beside them */
	if (!strstr(s, "    link_in             1         1000         1000         1000         1000         1000         1000  +- 1000 (one-way: clock split)\n"))
		fail_msg("link_in row: %s", s);
	free(s);
	s = render(rpt_json, r);	/* a component never measured has no key */
	assert_null(strstr(s, "\"client\":{\"count\""));
	assert_non_null(strstr(s, "\"link_in\":{\"count\":1,\"p50\":1005.567,"));	/* JSON: as measured */
	free(s);
	t = sample(TXN_HTTP);
	t.client_ns = 3000;
	res_add_txn(r, &t);
	s = render(rpt_text, r);
	if (!strstr(s, "    client "))
		fail_msg("HTTP client row: %s", s);
	free(s);
	res_free(r);
}

static int csv_windows(FILE *f, const struct results *r)
{
	rpt_csv_windows(f, r);
	return 0;
}

/* The time series drawn: a JSON row per window (silent ones too) with rates
 * per point, per-protocol counts and latency (percentiles, mean, stddev);
 * a CSV section with its header and a row per window. */
static void test_windows(void **state)
{
	(void)state;
	struct results *r = res_new();
	r->point[PT_CLIENT].present = r->point[PT_VIF].present = 1;
	r->npoints = 2;
	r->window_ns = 1000000000;
	struct series *w = ser_new(7, r->window_ns, 0);
	struct pt_counts c = { 0 }, v = { 0 };
	uint64_t t0 = 1000000000000ull;
	for (int i = 0; i < 100; i++) {
		uint64_t t = t0 + (uint64_t)i * 10000000;
		c.dns_queries++, v.dns_queries++;
		ser_point(w, PT_CLIENT, t, &c);
		ser_point(w, PT_VIF, t, &v);
		c.dns_responses++;
		ser_point(w, PT_CLIENT, t + 1000, &c);
		struct txn x = sample(TXN_DNS);
		x.total_ns = 1000 * (i + 1);
		ser_txn(w, &x, t + 1000);
	}
	ser_advance(w, t0 + 2500000000ull);	/* two more seconds, silent */
	ser_finish(w);
	r->windows = ser_take(w);
	ser_free(w);
	char *s = render(rpt_json, r);
	const char *keys[] = { "\"window_s\":1.000000,\"windows\":[{\"start_ns\":1000000000000",
			       "\"requests_per_s\":{\"client\":100.000,\"uplink\":0.000,\"vif\":100.000}",
			       "\"dns\":{\"transactions\":100,\"lost\":0,\"requests\":{\"client\":100,",
			       "\"latency_us\":{\"total\":{\"count\":100,\"p50\":",
			       ",\"mean\":50.500,\"stddev\":28.866}",
			       "{\"start_ns\":1002000000000,\"packets\":{\"client\":0,\"uplink\":0,\"vif\":0}" };
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
		if (!strstr(s, keys[i]))
			fail_msg("missing %s in %s", keys[i], s);
	free(s);
	s = render(csv_windows, r);
	assert_true(strncmp(s, "start_ns,window_s,client_requests_per_s", 39) == 0);
	unsigned rows = 0;
	for (char *p = s; (p = strstr(p, "\n1")); p++)
		rows++;
	assert_int_equal(rows, 3);
	assert_non_null(strstr(s, "\n1001000000000,1.000000,0.000,0.000,"));
	free(s);
	res_free(r);
}

/* Every counter of data hoplat could not keep: always in the JSON, in the
 * text only when one is not zero, each under its own name. */
static void test_losses(void **state)
{
	(void)state;
	struct results *r = res_new();
	r->point[0].present = 1;
	r->npoints = 1;
	char *s = render(rpt_json, r);
	for (int i = 0; i < RES_LOSS_N; i++) {
		char key[64];
		snprintf(key, sizeof key, "\"%s\":0", res_loss_key(i));
		if (!strstr(s, key))
			fail_msg("missing %s in %s", key, s);
	}
	assert_non_null(strstr(s, "\"losses\":{\"tcp_evicted\":0,"));
	free(s);
	s = render(rpt_text, r);
	assert_null(strstr(s, "could not keep"));
	free(s);
	r->losses.attribution_incomplete = 3;
	r->losses.windows_late = 2;
	r->point[0].counts.tcp_evicted = 5;	/* each point's own, under points.<role> */
	s = render(rpt_json, r);
	assert_non_null(strstr(s, "\"attribution_incomplete\":3"));
	assert_non_null(strstr(s, "\"windows_late\":2"));
	assert_non_null(strstr(s, "\"client\":{\"source\":"));
	assert_non_null(strstr(s, "\"tcp_evicted\":5"));
	free(s);
	s = render(rpt_text, r);
	if (!strstr(s, "data hoplat could not keep: transactions not reported by every point 3; "
		       "transactions or packets too late for their window 2\n"))
		fail_msg("text: %s", s);
	free(s);
	res_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_us),
		cmocka_unit_test(test_text_dns_no_client),
		cmocka_unit_test(test_jsonl_keys),
		cmocka_unit_test(test_jsonl_attempt),
		cmocka_unit_test(test_json_per_point),
		cmocka_unit_test(test_csv_row),
		cmocka_unit_test(test_json_summary_keys),
		cmocka_unit_test(test_windows),
		cmocka_unit_test(test_losses),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
