/* http_match on its own: stream chunks in, transactions out. Heads and
 * chunked bodies split at every byte, interim 1xx, close-delimited bodies
 * ending at the FIN, 204, HEAD, malformed heads, Upgrade, snaplen-cut
 * pipelining, and the request FIFO. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "analysis/point/http_match.h"
#define TL_TXNS 16
#include "tests/testlib.h"

static struct pt_counts counts;
static struct tcps_bufs *B;
static struct httpm *M;
static struct httpm_conn C;
static struct httpm_info I;

static int setup(void **state)
{
	(void)state;
	memset(&counts, 0, sizeof counts);
	ngot = 0;
	B = tcps_bufs_new(8);
	struct txn_sink s = { collect, NULL };
	M = httpm_new(8, 0, s, B, &counts);
	httpm_conn_init(&C);
	memset(&I, 0, sizeof I);
	I.client.port = 40000;
	I.server.port = 80;
	I.isn = 7;
	I.syn = 1000;
	I.synack = 1100;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	httpm_free(M);
	tcps_bufs_free(B);
	return 0;
}

/* n bytes of s (cap of them captured, wire on the wire: 0 = n) at ts. */
static void feed(int from_server, const char *s, size_t n, size_t cap, uint32_t wire, uint64_t ts)
{
	struct tcps_chunk ch = { .data = cur_make(s, cap < n ? cap : n),
				 .wire = wire ? wire : (uint32_t)n, .ts_ns = ts };
	httpm_chunk(M, &C, &I, from_server, &ch);
}

static void str(int from_server, const char *s, uint64_t ts)
{
	feed(from_server, s, strlen(s), strlen(s), 0, ts);
}

#define REQ "GET /x HTTP/1.1\r\nHost: h\r\n\r\n"

static void test_chunked_split_everywhere(void **state)
{
	(void)state;
	const char *r = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
			"4\r\nwxyz\r\n10\r\n0123456789abcdef\r\n0\r\nX-T: 1\r\n\r\n";
	size_t n = strlen(r);
	for (size_t i = 1; i < n; i++) {
		setup(NULL);
		str(0, REQ, 2000);
		feed(1, r, i, i, 0, 3000);
		feed(1, r + i, n - i, n - i, 0, 4000);
		httpm_end(M, &C, &I, 1);
		assert_int_equal(ngot, 1);
		assert_true(got[0].answered);
		assert_int_equal(got[0].t.resp_last, 4000);
		assert_int_equal(got[0].response_ns, 2000);
		assert_int_equal(got[0].total_ns, 3000);	/* from the SYN */
		teardown(NULL);
	}
}

static void test_request_head_split_everywhere(void **state)
{
	(void)state;
	const char *q = "POST /form HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc";
	size_t n = strlen(q);
	for (size_t i = 1; i < n; i++) {
		setup(NULL);
		feed(0, q, i, i, 0, 2000);
		feed(0, q + i, n - i, n - i, 0, 2500);
		str(1, "HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n", 3000);
		httpm_end(M, &C, &I, 1);
		assert_int_equal(ngot, 1);
		assert_string_equal(got[0].name, "POST /form");
		assert_int_equal(got[0].status, 201);
		assert_int_equal(got[0].t.req_first, 2000);
		assert_int_equal(got[0].t.req_last, 2500);
		assert_int_equal(got[0].response_ns, 500);
		teardown(NULL);
	}
}

static void test_interim_then_final(void **state)
{
	(void)state;
	str(0, REQ, 2000);
	str(1, "HTTP/1.1 100 Continue\r\n\r\n", 2100);
	str(1, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", 2300);
	httpm_end(M, &C, &I, 1);
	assert_int_equal(ngot, 1);
	assert_int_equal(got[0].status, 200);
	assert_int_equal(got[0].response_ns, 300);
}

static void test_close_delimited_ends_at_fin(void **state)
{
	(void)state;
	str(0, "GET / HTTP/1.0\r\n\r\n", 2000);
	str(1, "HTTP/1.0 200 OK\r\n\r\nsome", 2100);
	str(1, "more", 2200);
	httpm_fin(M, &C, &I, 0, 2250);		/* the client's FIN does not end it */
	assert_int_equal(ngot, 0);
	httpm_fin(M, &C, &I, 1, 2400);
	assert_int_equal(ngot, 1);
	assert_int_equal(got[0].response_ns, 400);
}

static void test_no_body_statuses_and_head(void **state)
{
	(void)state;
	str(0, REQ "HEAD /h HTTP/1.1\r\n\r\n" REQ, 2000);
	str(1, "HTTP/1.1 204 No Content\r\n\r\n", 2100);
	str(1, "HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\n", 2200);
	str(1, "HTTP/1.1 304 Not Modified\r\nContent-Length: 50\r\n\r\n", 2300);
	httpm_end(M, &C, &I, 1);
	assert_int_equal(ngot, 3);
	assert_int_equal(got[0].status, 204);
	assert_string_equal(got[1].name, "HEAD /h");
	assert_int_equal(got[1].response_ns, 200);
	assert_int_equal(got[2].id, 2);
	assert_int_equal(got[2].response_ns, 300);
	assert_int_equal(counts.http_requests, 3);
}

static void test_malformed_head_skipped(void **state)
{
	(void)state;
	str(0, REQ, 2000);
	str(1, "HTTP/1.1 2x0 Bad\r\n\r\n", 2100);	/* not a status code */
	str(1, "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nz", 2200);
	httpm_end(M, &C, &I, 1);
	assert_int_equal(ngot, 1);
	assert_int_equal(got[0].status, 200);
	assert_int_equal(got[0].response_ns, 200);
}

static void test_upgrade_stops(void **state)
{
	(void)state;
	str(0, "GET /ws HTTP/1.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n", 2000);
	str(1, "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\n\r\n", 2100);
	str(1, "HTTP/1.1 200 this is websocket data now\r\n\r\n", 2200);
	str(0, "GET /not-http HTTP/1.1\r\n\r\n", 2300);
	httpm_end(M, &C, &I, 1);
	assert_int_equal(ngot, 1);
	assert_int_equal(got[0].status, 101);
}

/* Snaplen: pipelined requests each in its own segment, responses each
 * starting a segment: boundaries from the captured starts. */
static void test_snaplen_pipelined(void **state)
{
	(void)state;
	const char *big = "HTTP/1.1 200 OK\r\nContent-Length: 5000\r\nServer: x\r\n\r\n";
	feed(0, REQ, strlen(REQ), 10, 0, 2000);
	feed(0, "GET /y HTTP/1.1\r\nHost: h\r\n\r\n", 28, 9, 0, 2010);
	feed(1, big, strlen(big), 12, 1448, 2100);
	feed(1, "body", 4, 4, 1448, 2110);
	feed(1, big, strlen(big), 12, 1448, 2200);	/* the second response */
	feed(1, "body", 4, 2, 1448, 2220);
	httpm_fin(M, &C, &I, 0, 2300);
	assert_int_equal(ngot, 2);
	assert_string_equal(got[0].name, "GET /x");
	assert_int_equal(got[0].t.resp_last, 2110);
	assert_string_equal(got[1].name, "GET /y");
	assert_int_equal(got[1].t.resp_last, 2220);
	assert_int_equal(got[1].response_ns, 210);
}

/* Snaplen keep-alive where nothing of the payload is captured: each new
 * segment after the other side spoke starts a new message. */
static void test_snaplen_nothing_captured(void **state)
{
	(void)state;
	for (int i = 0; i < 3; i++) {
		uint64_t t0 = 2000 + (uint64_t)i * 1000;
		feed(0, "", 0, 0, 80, t0);
		feed(1, "", 0, 0, 1448, t0 + 100);
		feed(1, "", 0, 0, 500, t0 + 150 + (uint64_t)i);
	}
	httpm_fin(M, &C, &I, 0, 9000);
	assert_int_equal(ngot, 3);
	for (int i = 0; i < 3; i++) {
		assert_true(got[i].answered);
		assert_int_equal(got[i].response_ns, 150 + i);
	}
}

static void test_fifo_full_gives_up(void **state)
{
	(void)state;
	for (int i = 0; i < 10; i++)		/* pool of 8 */
		str(0, REQ, 2000 + (uint64_t)i);
	str(1, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 3000);
	httpm_end(M, &C, &I, 1);
	assert_true(counts.table_full > 0);
	for (int i = 0; i < ngot; i++)		/* nothing paired wrongly */
		assert_false(got[i].answered && got[i].id != 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_chunked_split_everywhere),
		cmocka_unit_test(test_request_head_split_everywhere),
		cmocka_unit_test_setup_teardown(test_interim_then_final, setup, teardown),
		cmocka_unit_test_setup_teardown(test_close_delimited_ends_at_fin, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_body_statuses_and_head, setup, teardown),
		cmocka_unit_test_setup_teardown(test_malformed_head_skipped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_upgrade_stops, setup, teardown),
		cmocka_unit_test_setup_teardown(test_snaplen_pipelined, setup, teardown),
		cmocka_unit_test_setup_teardown(test_snaplen_nothing_captured, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fifo_full_gives_up, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
