/* HTTP/1.x heads: requests and responses as lighttpd and httperf write
 * them, every cut (need more until the blank line, never malformed),
 * headers split over segments, Content-Length rules, keep-alive defaults,
 * pipelining, garbage; the chunked walker fed in every split. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "decode/http.h"
#include "decode/layers.h"

static struct http_head h;

/* Parses s[0..n) from an exact-size copy (overreads are sanitizer errors). */
static int parse(const char *s, size_t n, int request)
{
	char *b = malloc(n ? n : 1);
	memcpy(b, s, n);
	struct cur c = cur_make(b, n);
	int rc = request ? dec_http_request(&c, &h) : dec_http_response(&c, &h);
	assert_int_equal(cur_pos(&c), 0);	/* never moves c */
	free(b);
	assert_true(rc <= (int)n);
	return rc;
}
static int req(const char *s) { return parse(s, strlen(s), 1); }
static int rsp(const char *s) { return parse(s, strlen(s), 0); }

static const char httperf_get[] =
	"GET /index.html HTTP/1.1\r\nUser-Agent: httperf/0.9.0\r\nHost: 10.0.0.2\r\n\r\n";
static const char lighttpd_200[] =
	"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nAccept-Ranges: bytes\r\n"
	"ETag: \"3434529836\"\r\nLast-Modified: Mon, 02 Nov 2026 10:00:00 GMT\r\n"
	"Content-Length: 4096\r\nDate: Fri, 27 Nov 2026 05:00:00 GMT\r\n"
	"Server: lighttpd/1.4.69\r\n\r\n";

static void test_request(void **state)
{
	(void)state;
	assert_int_equal(req(httperf_get), strlen(httperf_get));
	assert_true(h.is_request);
	assert_string_equal(h.method, "GET");
	assert_string_equal(h.path, "/index.html");
	assert_int_equal(h.version_minor, 1);
	assert_int_equal(h.content_length, -1);
	assert_true(h.keep_alive);
	assert_false(h.chunked);
	/* a POST with a body: the head's length is where the body starts */
	const char *post = "POST /cgi-bin/x?a=1 HTTP/1.0\r\nContent-Length: 11\r\n"
			   "Connection: Keep-Alive\r\n\r\nhello=world";
	assert_int_equal(req(post), strlen(post) - 11);
	assert_string_equal(h.method, "POST");
	assert_string_equal(h.path, "/cgi-bin/x?a=1");
	assert_int_equal(h.content_length, 11);
	assert_true(h.keep_alive);		/* 1.0 with keep-alive */
	/* bare LF line ends, an empty line before the request (RFC 9112 2.2) */
	assert_int_equal(req("\r\nHEAD / HTTP/1.0\nHost: a\n\n"), 27);
	assert_string_equal(h.method, "HEAD");
	assert_false(h.keep_alive);		/* 1.0 default */
	/* a target longer than the buffer is cut, not rejected */
	char big[600] = "GET /";
	memset(big + 5, 'x', 400);
	strcpy(big + 405, " HTTP/1.1\r\n\r\n");
	assert_int_equal(req(big), strlen(big));
	assert_int_equal(strlen(h.path), HTTP_PATH_MAX - 1);
	/* Connection: upgrade */
	assert_true(req("GET /ws HTTP/1.1\r\nConnection: keep-alive, Upgrade\r\nUpgrade: websocket\r\n\r\n") > 0);
	assert_true(h.upgrade);
	assert_true(h.keep_alive);
}

static void test_response(void **state)
{
	(void)state;
	assert_int_equal(rsp(lighttpd_200), strlen(lighttpd_200));
	assert_false(h.is_request);
	assert_int_equal(h.status, 200);
	assert_int_equal(h.content_length, 4096);
	assert_true(h.keep_alive);
	assert_true(rsp("HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n") > 0);
	assert_int_equal(h.status, 404);
	assert_int_equal(h.content_length, 0);
	assert_false(h.keep_alive);
	assert_true(rsp("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, Chunked\r\n\r\n") > 0);
	assert_true(h.chunked);
	assert_true(rsp("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\n") > 0);
	assert_false(h.chunked);		/* chunked must be the last coding */
	assert_true(rsp("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n") > 0);
	assert_true(h.upgrade);
	assert_true(rsp("HTTP/1.0 304\r\n\r\n") > 0);	/* no reason phrase */
	assert_int_equal(h.status, 304);
	assert_int_equal(h.version_minor, 0);
	/* same Content-Length twice, or as a list of one value: fine */
	assert_true(rsp("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-length:5 \r\n\r\n") > 0);
	assert_true(rsp("HTTP/1.1 200 OK\r\nContent-Length: 7, 7\r\n\r\n") > 0);
	assert_int_equal(h.content_length, 7);
	/* folded header line (obs-fold) continues the previous one */
	assert_true(rsp("HTTP/1.1 200 OK\r\nX-A: 1\r\n  2\r\n\r\n") > 0);
}

/* Every cut of a complete head is "need more"; never malformed, never a length. */
static void every_cut(const char *s, int request)
{
	size_t n = strlen(s);
	assert_int_equal(parse(s, n, request), n);
	for (size_t k = 0; k < n; k++)
		assert_int_equal(parse(s, k, request), HTTP_NEED_MORE);
}

static void test_every_cut(void **state)
{
	(void)state;
	every_cut(httperf_get, 1);
	every_cut(lighttpd_200, 0);
	every_cut("POST /x HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n", 1);
}

/* Pipelining: heads and bodies back to back, walked by the lengths. */
static void test_pipelining(void **state)
{
	(void)state;
	char buf[1024] = "";
	for (int i = 0; i < 3; i++)
		strcat(buf, httperf_get);
	size_t off = 0, heads = 0;
	while (off < strlen(buf)) {
		int rc = parse(buf + off, strlen(buf) - off, 1);
		assert_true(rc > 0);
		off += (size_t)rc;
		heads++;
	}
	assert_int_equal(heads, 3);
	const char *two = "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabcHTTP/1.1 204 No Content\r\n\r\n";
	int rc = rsp(two);
	assert_true(rc > 0);
	assert_int_equal(h.content_length, 3);
	const char *next = two + rc + h.content_length;
	assert_int_equal(rsp(next), strlen(next));
	assert_int_equal(h.status, 204);
}

static void test_malformed(void **state)
{
	(void)state;
	const char *bad_req[] = {
		"GET /a HTTP/2.0\r\n\r\n",			/* not 1.x */
		"GET  /a HTTP/1.1\r\n\r\n",			/* two spaces */
		"GET /a\r\n\r\n",				/* HTTP/0.9 */
		"G(T /a HTTP/1.1\r\n\r\n",			/* not a token */
		"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n",	/* TLS ClientHello */
		"GET /a HTTP/1.1 \r\n\r\n",			/* trailing junk */
	};
	for (size_t i = 0; i < sizeof bad_req / sizeof bad_req[0]; i++)
		assert_int_equal(req(bad_req[i]), -DEC_R_HTTP_LINE);
	const char *bad_hdr[] = {
		"GET / HTTP/1.1\r\nContent-Length: -1\r\n\r\n",
		"GET / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
		"GET / HTTP/1.1\r\nContent-Length: 3, 4\r\n\r\n",
		"GET / HTTP/1.1\r\nContent-Length: 99999999999999999999999\r\n\r\n",
		"GET / HTTP/1.1\r\nContent-Length: 0x10\r\n\r\n",
		"GET / HTTP/1.1\r\nContent-Length:\r\n\r\n",
		"GET / HTTP/1.1\r\nHost : a\r\n\r\n",		/* space before the colon */
		"GET / HTTP/1.1\r\nno colon here\r\n\r\n",
		"GET / HTTP/1.1\r\n: empty name\r\n\r\n",
		"GET / HTTP/1.1\r\n folded first\r\n\r\n",
		"GET / HTTP/1.1\r\nX: a\x01b\r\n\r\n",		/* control byte in a value */
	};
	for (size_t i = 0; i < sizeof bad_hdr / sizeof bad_hdr[0]; i++)
		assert_int_equal(req(bad_hdr[i]), -DEC_R_HTTP_HEADER);
	assert_int_equal(rsp("HTTP/1.1 20 OK\r\n\r\n"), -DEC_R_HTTP_LINE);
	assert_int_equal(rsp("HTTP/1.1 2000 OK\r\n\r\n"), -DEC_R_HTTP_LINE);
	assert_int_equal(rsp("HTTP/1.1 200OK\r\n\r\n"), -DEC_R_HTTP_LINE);
	assert_int_equal(rsp("ICY 200 OK\r\n\r\n"), -DEC_R_HTTP_LINE);
	/* garbage is reported before a line end arrives */
	assert_int_equal(req("\x80\x81garbage"), -DEC_R_HTTP_LINE);
	assert_int_equal(rsp("HTTX"), -DEC_R_HTTP_LINE);
	/* an endless head */
	size_t n = HTTP_HEAD_MAX + 100;
	char *big = malloc(n + 1);
	memcpy(big, "GET / HTTP/1.1\r\n", 16);
	for (size_t i = 16; i < n; i++)
		big[i] = (i % 40 == 39) ? '\n' : 'a';
	for (size_t i = 16; i < n; i += 40)
		big[i] = 'X', big[i + 1] = ':';
	big[n] = 0;
	assert_int_equal(parse(big, n, 1), -DEC_R_HTTP_HEADER);
	free(big);
	/* random bytes: never a crash, never a length past the input */
	uint32_t x = 2463534242u;
	char rnd[200];
	for (int round = 0; round < 20000; round++) {
		size_t len = (size_t)(x % sizeof rnd);
		for (size_t i = 0; i < len; i++) {
			x ^= x << 13; x ^= x >> 17; x ^= x << 5;
			rnd[i] = "GET /HTP1.\r\n: \x00\xff-a"[x % 18];
		}
		parse(rnd, len, (int)(x & 1));
	}
}

static void test_looks(void **state)
{
	(void)state;
	struct cur c = cur_make(httperf_get, 20);
	assert_true(dec_http_looks_request(&c));
	c = cur_make("OPTIONS * HTTP/1.1", 18);
	assert_true(dec_http_looks_request(&c));
	c = cur_make("GET", 3);
	assert_false(dec_http_looks_request(&c));
	c = cur_make("get / HTTP/1.1", 14);
	assert_false(dec_http_looks_request(&c));
	c = cur_make("\x16\x03\x01", 3);
	assert_false(dec_http_looks_request(&c));
	c = cur_make(lighttpd_200, 12);
	assert_true(dec_http_looks_response(&c));
	assert_false(dec_http_looks_request(&c));
	c = cur_make(lighttpd_200, 11);
	assert_false(dec_http_looks_response(&c));
	c = cur_make("HTTP/2 200 ", 11);
	assert_false(dec_http_looks_response(&c));
}

/* Feeds body in pieces of size step; returns bytes consumed or -reason. */
static long feed(const char *body, size_t len, size_t step, struct http_chunked *st)
{
	memset(st, 0, sizeof *st);
	size_t used = 0;
	for (size_t off = 0; off < len && !st->done; off += step) {
		size_t n = len - off < step ? len - off : step;
		struct cur c = cur_make(body + off, n);
		int rc = dec_http_chunked_feed(st, &c);
		if (rc)
			return rc;
		used += cur_pos(&c);
		if (cur_left(&c))
			break;		/* done: the rest belongs to the next message */
	}
	return (long)used;
}

static void test_chunked(void **state)
{
	(void)state;
	const char body[] = "4\r\nWiki\r\n7;ext=1\r\npedia i\r\nB\r\nn \r\nchunks.\r\n"
			    "0\r\nX-Trailer: 1\r\n\r\nHTTP/1.1 200 OK";
	size_t end = strlen(body) - strlen("HTTP/1.1 200 OK");
	struct http_chunked st;
	for (size_t step = 1; step <= strlen(body); step++) {
		assert_int_equal(feed(body, strlen(body), step, &st), end);
		assert_true(st.done);
	}
	/* not done while cut */
	for (size_t n = 0; n < end; n++) {
		feed(body, n, n ? n : 1, &st);
		assert_false(st.done);
	}
	const char simple[] = "a\r\n0123456789\r\n0\r\n\r\n";
	assert_int_equal(feed(simple, strlen(simple), 5, &st), strlen(simple));
	assert_true(st.done);
	const char lf[] = "3\nabc\n0\n\n";		/* bare LFs */
	assert_int_equal(feed(lf, strlen(lf), 1, &st), strlen(lf));
	assert_true(st.done);
	assert_int_equal(feed("zz\r\n", 4, 4, &st), -DEC_R_HTTP_CHUNK);
	assert_int_equal(feed("3\r\nabc\r\n\r\n", 10, 10, &st), -DEC_R_HTTP_CHUNK);	/* no size */
	assert_int_equal(feed("\r\n", 2, 2, &st), -DEC_R_HTTP_CHUNK);
	assert_int_equal(feed("3\r\nabcX", 7, 7, &st), -DEC_R_HTTP_CHUNK);	/* no CRLF after data */
	assert_int_equal(feed("fffffffffffffffffff\r\n", 21, 21, &st), -DEC_R_HTTP_CHUNK);
	assert_int_equal(feed("0\r\nX\r\n\rX", 8, 8, &st), -DEC_R_HTTP_CHUNK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_request),
		cmocka_unit_test(test_response),
		cmocka_unit_test(test_every_cut),
		cmocka_unit_test(test_pipelining),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_looks),
		cmocka_unit_test(test_chunked),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
