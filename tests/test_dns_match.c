/* dns_match: Wireshark's dns.time rules with retransmitted queries,
 * duplicate responses, unanswered timeouts, id reuse on another port,
 * id reuse for another question, AXFR, and a full table. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <ctype.h>
#include <string.h>
#include <cmocka.h>
#include "analysis/point/dns_match.h"
#define TL_TXNS 64
#include "tests/testlib.h"

#define MS 1000000ull
#define SEC 1000000000ull

static struct pt_config cfg;
static struct pt_counts counts;

static struct dnsm *setup_m(unsigned max_flows, int64_t timeout)
{
	memset(&cfg, 0, sizeof cfg);
	memset(&counts, 0, sizeof counts);
	ngot = 0;
	cfg.max_flows = max_flows;
	cfg.dns_timeout_ns = timeout;
	struct txn_sink s = { collect, NULL };
	return dnsm_new(&cfg, 0, s, &counts);
}

static struct endpoint ep(const char *ip, uint16_t port)
{
	struct endpoint e = { .port = port };
	e.ip.family = 4;
	unsigned a, b, c, d;
	sscanf(ip, "%u.%u.%u.%u", &a, &b, &c, &d);
	e.ip.b[0] = (uint8_t)a, e.ip.b[1] = (uint8_t)b, e.ip.b[2] = (uint8_t)c, e.ip.b[3] = (uint8_t)d;
	return e;
}

static struct dns_msg msg(uint16_t id, int qr, const char *name, uint16_t qtype, int rcode)
{
	struct dns_msg m;
	memset(&m, 0, sizeof m);
	m.id = id;
	m.qr = (uint8_t)qr;
	m.rcode = (uint16_t)rcode;
	m.qdcount = 1;
	m.has_question = 1;
	m.qtype = qtype;
	m.qclass = 1;
	/* the wire form: a label per dot-separated part, then the root */
	unsigned n = 0;
	for (const char *p = name; *p;) {
		size_t len = strcspn(p, ".");
		m.qname_raw[n++] = (uint8_t)len;
		memcpy(m.qname_raw + n, p, len);
		n += (unsigned)len;
		p += len + (p[len] == '.');
	}
	m.qname_raw[n++] = 0;
	m.qname_wlen = (uint8_t)n;
	for (unsigned i = 0; i < n; i++)
		m.qname_wire[i] = (uint8_t)tolower(m.qname_raw[i]);
	m.qname_hash = hash_bytes(HASH_SEED, m.qname_wire, n);
	return m;
}

static struct endpoint C, S;

static void q(struct dnsm *m, uint16_t id, const char *name, uint64_t ts)
{
	struct dns_msg d = msg(id, 0, name, 1, 0);
	dnsm_message(m, &d, &C, &S, ts, 0);
}

static void r(struct dnsm *m, uint16_t id, const char *name, uint64_t ts, int rcode)
{
	struct dns_msg d = msg(id, 1, name, 1, rcode);
	dnsm_message(m, &d, &S, &C, ts, 0);
}

static int setup(void **state)
{
	(void)state;
	C = ep("10.0.0.1", 40000);
	S = ep("10.0.0.2", 53);
	return 0;
}

static void test_simple_and_names(void **state)
{
	(void)state;
	struct dnsm *m = setup_m(16, 5 * SEC);
	q(m, 7, "a.example", 1 * SEC);
	r(m, 7, "a.example", 1 * SEC + 250000, 3);
	assert_int_equal(ngot, 1);
	assert_true(got[0].answered);
	assert_int_equal(got[0].total_ns, 250000);
	assert_int_equal(got[0].status, 3);
	assert_string_equal(got[0].name, "a.example");
	assert_int_equal(got[0].start_ns, 1 * SEC);
	assert_int_equal(got[0].id, 7);
	assert_int_equal(got[0].client.port, 40000);
	assert_int_equal(got[0].server.port, 53);
	assert_true(got[0].link_ns == TXN_NS_NONE);
	dnsm_free(m);
}

/* A query sent again within 5 s is a retransmission: the response is timed
 * from the first query. After 5 s it is a new transaction and the first one
 * is unanswered. */
static void test_retransmitted_query(void **state)
{
	(void)state;
	struct dnsm *m = setup_m(16, 10 * SEC);
	q(m, 9, "b.example", 0);
	q(m, 9, "b.example", 1 * SEC);
	q(m, 9, "b.example", 2 * SEC);
	r(m, 9, "b.example", 2 * SEC + 5 * MS, 0);
	assert_int_equal(ngot, 1);
	assert_int_equal(got[0].total_ns, 2 * SEC + 5 * MS);
	assert_int_equal(counts.dns_retransmissions, 2);

	q(m, 10, "c.example", 10 * SEC);
	q(m, 10, "c.example", 15 * SEC);	/* 5 s later: new transaction */
	assert_int_equal(ngot, 2);
	assert_false(got[1].answered);
	assert_int_equal(got[1].status, -1);
	assert_int_equal(got[1].start_ns, 10 * SEC);
	r(m, 10, "c.example", 15 * SEC + 1 * MS, 0);
	assert_int_equal(ngot, 3);
	assert_int_equal(got[2].total_ns, 1 * MS);
	dnsm_free(m);
}

/* A second copy of a response is not timed (Wireshark: retransmitted
 * response); a response with no query is unsolicited. */
static void test_duplicate_response(void **state)
{
	(void)state;
	struct dnsm *m = setup_m(16, 5 * SEC);
	q(m, 1, "d.example", 0);
	r(m, 1, "d.example", 3 * MS, 0);
	r(m, 1, "d.example", 4 * MS, 0);
	assert_int_equal(ngot, 1);
	assert_int_equal(counts.dns_dup_responses, 1);
	r(m, 2, "d.example", 5 * MS, 0);
	assert_int_equal(ngot, 1);
	assert_int_equal(counts.dns_unmatched_responses, 1);
	/* the same id answered before: a new query is a new transaction */
	q(m, 1, "d.example", 6 * MS);
	r(m, 1, "d.example", 8 * MS, 0);
	assert_int_equal(ngot, 2);
	assert_int_equal(got[1].total_ns, 2 * MS);
	dnsm_free(m);
}

/* AXFR: every response is timed. */
static void test_axfr_multiple_responses(void **state)
{
	(void)state;
	struct dnsm *m = setup_m(16, 5 * SEC);
	struct dns_msg d = msg(5, 0, "zone", 252, 0);
	dnsm_message(m, &d, &C, &S, 0, 1);
	d = msg(5, 1, "zone", 252, 0);
	dnsm_message(m, &d, &S, &C, 1 * MS, 1);
	dnsm_message(m, &d, &S, &C, 2 * MS, 1);
	assert_int_equal(ngot, 2);
	assert_int_equal(got[1].total_ns, 2 * MS);
	/* over UDP that is another conversation: unsolicited */
	dnsm_message(m, &d, &S, &C, 3 * MS, 0);
	assert_int_equal(ngot, 2);
	dnsm_free(m);
}

static void test_unanswered_timeout(void **state)
{
	(void)state;
	struct dnsm *m = setup_m(16, 2 * SEC);
	q(m, 3, "e.example", 1 * SEC);
	q(m, 4, "f.example", 2 * SEC);
	dnsm_advance(m, 2 * SEC + 999 * MS);
	assert_int_equal(ngot, 0);
	dnsm_advance(m, 3 * SEC);
	assert_int_equal(ngot, 1);
	assert_false(got[0].answered);
	assert_string_equal(got[0].name, "e.example");
	assert_true(got[0].total_ns == TXN_NS_NONE);
	/* the late response finds nothing */
	r(m, 3, "e.example", 3 * SEC + 1, 0);
	assert_int_equal(ngot, 1);
	assert_int_equal(counts.dns_unmatched_responses, 1);
	dnsm_finish(m);
	assert_int_equal(ngot, 2);
	assert_string_equal(got[1].name, "f.example");
	assert_false(got[1].answered);
	dnsm_free(m);
}

/* The same id from another client port is another conversation. */
static void test_id_reuse_other_port(void **state)
{
	(void)state;
	struct dnsm *m = setup_m(16, 5 * SEC);
	struct endpoint C2 = ep("10.0.0.1", 40001);
	struct dns_msg d = msg(77, 0, "g.example", 1, 0);
	dnsm_message(m, &d, &C, &S, 0, 0);
	dnsm_message(m, &d, &C2, &S, 1 * MS, 0);
	assert_int_equal(counts.dns_retransmissions, 0);
	d = msg(77, 1, "g.example", 1, 0);
	dnsm_message(m, &d, &S, &C2, 3 * MS, 0);
	dnsm_message(m, &d, &S, &C, 7 * MS, 0);
	assert_int_equal(ngot, 2);
	assert_int_equal(got[0].client.port, 40001);
	assert_int_equal(got[0].total_ns, 2 * MS);
	assert_int_equal(got[1].client.port, 40000);
	assert_int_equal(got[1].total_ns, 7 * MS);
	dnsm_free(m);
}

/* An id reused for another name within 5 s is another transaction (the
 * question is part of the key); each response is timed from its own query. */
static void test_id_reuse_other_question(void **state)
{
	(void)state;
	struct dnsm *m = setup_m(16, 5 * SEC);
	q(m, 12, "h.example", 0);
	q(m, 12, "i.example", 1 * MS);
	r(m, 12, "h.example", 4 * MS, 0);
	r(m, 12, "i.example", 5 * MS, 0);
	assert_int_equal(ngot, 2);
	assert_string_equal(got[0].name, "h.example");
	assert_int_equal(got[0].total_ns, 4 * MS);
	assert_string_equal(got[1].name, "i.example");
	assert_int_equal(got[1].total_ns, 4 * MS);
	/* a response with a mangled question answers the newest query of its id */
	q(m, 13, "j.example", 10 * MS);
	r(m, 13, "j.exbmple", 12 * MS, 0);
	assert_int_equal(ngot, 3);
	assert_string_equal(got[2].name, "j.example");
	assert_int_equal(got[2].total_ns, 2 * MS);
	dnsm_free(m);
}

/* A full table drops the oldest answered entry, then the oldest pending. */
static void test_full_table(void **state)
{
	(void)state;
	struct dnsm *m = setup_m(4, 100 * SEC);
	q(m, 1, "x", 0);
	r(m, 1, "x", 1, 0);
	for (uint16_t id = 2; id <= 6; id++)
		q(m, id, "x", id);
	/* 1 answered + 5 pending into 4 slots: 1 answered dropped, then id 2 */
	assert_int_equal(counts.table_full, 1);
	assert_int_equal(ngot, 2);
	assert_false(got[1].answered);
	assert_int_equal(got[1].id, 2);
	r(m, 6, "x", 100, 0);
	assert_int_equal(ngot, 3);
	assert_int_equal(got[2].total_ns, 94);
	dnsm_finish(m);
	assert_int_equal(ngot, 6);
	dnsm_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_simple_and_names, setup),
		cmocka_unit_test_setup(test_retransmitted_query, setup),
		cmocka_unit_test_setup(test_duplicate_response, setup),
		cmocka_unit_test_setup(test_axfr_multiple_responses, setup),
		cmocka_unit_test_setup(test_unanswered_timeout, setup),
		cmocka_unit_test_setup(test_id_reuse_other_port, setup),
		cmocka_unit_test_setup(test_id_reuse_other_question, setup),
		cmocka_unit_test_setup(test_full_table, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
