/* Parsing what dnsperf and httperf print (their real output, cut at every length). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "bridge-setup/testbed/tb_bench.h"

static const char dnsperf_out[] =
	"DNS Performance Testing Tool\n"
	"Version 2.10.0\n"
	"\n"
	"[Status] Command line: dnsperf -s 10.77.0.10 -d /run/hoplat-testbed/queries.txt -l 2 -Q 500 -c 1 -T 1 -t 2\n"
	"[Status] Sending queries (to 10.77.0.10:53)\n"
	"[Status] Started at: Fri Nov 27 05:30:28 2026\n"
	"[Status] Stopping after 2.000000 seconds\n"
	"[Status] Testing complete (time limit)\n"
	"\n"
	"Statistics:\n"
	"\n"
	"  Queries sent:         1000\n"
	"  Queries completed:    1000 (100.00%)\n"
	"  Queries lost:         0 (0.00%)\n"
	"\n"
	"  Response codes:       NOERROR 1000 (100.00%)\n"
	"  Average packet size:  request 33, response 49\n"
	"  Run time (s):         2.001062\n"
	"  Queries per second:   499.734641\n"
	"\n"
	"  Average Latency (s):  0.002819 (min 0.002669, max 0.010480)\n"
	"  Latency StdDev (s):   0.000637\n"
	"\n";

static const char httperf_out[] =
	"httperf: warning: open file limit > FD_SETSIZE; limiting max. # of open files to FD_SETSIZE\n"
	"httperf: connection failed with unexpected error 99\n"
	"httperf --timeout=2 --client=0/1 --server=10.77.0.10 --port=80 --uri=/index.html --rate=300 --send-buffer=4096 --recv-buffer=16384 --num-conns=600 --num-calls=1\n"
	"Maximum connect burst length: 3\n"
	"\n"
	"Total: connections 600 requests 180 replies 180 test-duration 1.997 s\n"
	"\n"
	"Connection rate: 300.5 conn/s (3.3 ms/conn, <=3 concurrent connections)\n"
	"Connection time [ms]: min 5.3 avg 5.5 max 9.9 median 5.5 stddev 0.6\n"
	"Connection time [ms]: connect 2.7\n"
	"Connection length [replies/conn]: 1.000\n"
	"\n"
	"Request rate: 90.1 req/s (11.1 ms/req)\n"
	"Request size [B]: 73.0\n"
	"\n"
	"Reply rate [replies/s]: min 0.0 avg 0.0 max 0.0 stddev 0.0 (0 samples)\n"
	"Reply time [ms]: response 2.8 transfer 0.0\n"
	"Reply size [B]: header 215.0 content 504.0 footer 0.0 (total 719.0)\n"
	"Reply status: 1xx=0 2xx=180 3xx=0 4xx=0 5xx=0\n"
	"\n"
	"CPU time [s]: user 0.19 system 1.45 (user 9.4% system 72.7% total 82.1%)\n"
	"Net I/O: 69.7 KB/s (0.6*10^6 bps)\n"
	"\n"
	"Errors: total 420 client-timo 0 socket-timo 0 connrefused 0 connreset 0\n"
	"Errors: fd-unavail 0 addrunavail 0 ftab-full 0 other 420\n";

static void dnsperf_fields(void **state)
{
	(void)state;
	struct tb_dnsperf d;
	assert_int_equal(tb_parse_dnsperf(dnsperf_out, &d), 7);
	assert_int_equal(d.sent, 1000);
	assert_int_equal(d.completed, 1000);
	assert_int_equal(d.lost, 0);
	assert_true(d.qps > 499.73 && d.qps < 499.74);
	assert_true(d.avg_latency_s > 0.0028185 && d.avg_latency_s < 0.0028195);
	assert_true(d.min_latency_s > 0.0026685 && d.min_latency_s < 0.0026695);
	assert_true(d.max_latency_s > 0.010479 && d.max_latency_s < 0.010481);
}

static void httperf_fields(void **state)
{
	(void)state;
	struct tb_httperf h;
	assert_int_equal(tb_parse_httperf(httperf_out, &h), 9);
	assert_int_equal(h.conns, 600);
	assert_int_equal(h.requests, 180);
	assert_int_equal(h.replies, 180);
	assert_true(h.conn_rate > 300.4 && h.conn_rate < 300.6);
	assert_true(h.connect_time_ms > 2.69 && h.connect_time_ms < 2.71);
	assert_true(h.reply_time_ms > 2.79 && h.reply_time_ms < 2.81);
	assert_int_equal(h.errors, 420);
	assert_int_equal(h.other, 420);
	assert_int_equal(h.addrunavail, 0);
}

static void foreign_text(void **state)
{
	(void)state;
	struct tb_dnsperf d;
	struct tb_httperf h;
	assert_int_equal(tb_parse_dnsperf(httperf_out, &d), 0);
	assert_int_equal(tb_parse_httperf(dnsperf_out, &h), 0);
	assert_int_equal(tb_parse_dnsperf("", &d), 0);
	assert_int_equal(tb_parse_httperf("Errors: total x", &h), 0);
}

/* Every prefix of the outputs: no overrun, and never more fields than the whole. */
static void cut_everywhere(void **state)
{
	(void)state;
	const char *texts[] = { dnsperf_out, httperf_out };
	for (int k = 0; k < 2; k++) {
		size_t n = strlen(texts[k]);
		for (size_t i = 0; i <= n; i++) {
			char *cut = malloc(i + 1);
			memcpy(cut, texts[k], i);
			cut[i] = 0;
			struct tb_dnsperf d;
			struct tb_httperf h;
			assert_true(tb_parse_dnsperf(cut, &d) <= 7);
			assert_true(tb_parse_httperf(cut, &h) <= 9);
			free(cut);
		}
	}
}

int main(void)
{
	const struct CMUnitTest t[] = {
		cmocka_unit_test(dnsperf_fields),
		cmocka_unit_test(httperf_fields),
		cmocka_unit_test(foreign_text),
		cmocka_unit_test(cut_everywhere),
	};
	return cmocka_run_group_tests(t, NULL, NULL);
}
