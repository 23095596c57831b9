/* DNS messages whose question does not parse (analysis/point: point.c,
 * dns_match.c's dnsm_malformed). Queries and responses carry the same broken
 * question, as a server echoes it. A name hoplat refuses but Wireshark reads
 * (a compression pointer forward, a bit label, a name over 255 bytes): the
 * response answers its query by id and ports, as tshark pairs them
 * (tests/tools/hostile.py's dns-badnames.pcap: tshark times the same 9 of
 * 12), and is counted as malformed. A question cut short: Wireshark stops
 * before dns.time, so the response is counted, not paired. A response of
 * fewer than 12 bytes has no id: counted as malformed packet only. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "analysis/point/point.h"
#define TL_TXNS 64
#include "tests/testlib.h"

#define T0 1700000000000000000ull
#define MS 1000000ull

static const struct {
	const char *what;
	const char *q;		/* the question as on the wire */
	size_t len;
	int paired;
} cases[] = {
#define Q(s) s, sizeof s - 1
	{ "pointer forward", Q("\xc0\x12\0\x01\0\x01\x03www\x07" "example\x00"), 1 },
	{ "bit label", Q("\x41\x08\xff\x03" "com\x00\0\x01\0\x01"), 1 },
	{ "cut short", Q("\x3f" "short"), 0 },
#undef Q
};

/* An IPv4/UDP frame (raw IP) of a DNS message: header, then the question. */
static size_t frame(uint8_t *f, uint16_t id, int response, uint16_t cport, const char *q,
		    size_t qlen)
{
	uint8_t *d = f + 28;
	memset(f, 0, 40);
	d[0] = (uint8_t)(id >> 8), d[1] = (uint8_t)id;
	d[2] = response ? 0x81 : 0x01, d[3] = response ? 0x80 : 0x00;
	d[5] = 1;				/* one question */
	memcpy(d + 12, q, qlen);
	size_t n = 12 + qlen;
	f[0] = 0x45, f[8] = 64, f[9] = 17;
	f[2] = (uint8_t)((28 + n) >> 8), f[3] = (uint8_t)(28 + n);
	uint8_t cli[4] = { 10, 0, 0, 1 }, srv[4] = { 10, 0, 0, 53 };
	memcpy(f + 12, response ? srv : cli, 4);
	memcpy(f + 16, response ? cli : srv, 4);
	uint16_t sp = response ? 53 : cport, dp = response ? cport : 53;
	f[20] = (uint8_t)(sp >> 8), f[21] = (uint8_t)sp, f[22] = (uint8_t)(dp >> 8), f[23] = (uint8_t)dp;
	f[24] = (uint8_t)((8 + n) >> 8), f[25] = (uint8_t)(8 + n);
	return 28 + n;
}

static void feed(struct point *pt, const uint8_t *f, size_t n, uint64_t ts)
{
	struct pkt p = { .ts_ns = ts, .caplen = (uint32_t)n, .wirelen = (uint32_t)n,
			 .linktype = LT_RAW, .data = f };
	pt_feed(pt, &p);
}

static struct point *point(void)
{
	struct pt_config cfg;
	pt_config_default(&cfg);
	ngot = 0;
	struct point *pt = pt_new(&cfg, PT_CLIENT, (struct txn_sink){ collect, NULL });
	assert_non_null(pt);
	return pt;
}

static void test_paired_by_id(void **state)
{
	(void)state;
	for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
		struct point *pt = point();
		uint8_t f[512];
		feed(pt, f, frame(f, 7, 0, 4000, cases[k].q, cases[k].len), T0);
		feed(pt, f, frame(f, 7, 1, 4000, cases[k].q, cases[k].len), T0 + MS);
		pt_finish(pt);
		const struct pt_counts *c = pt_counts(pt);
		assert_int_equal(ngot, 1);
		if (got[0].answered != cases[k].paired)
			fail_msg("%s: answered %d", cases[k].what, got[0].answered);
		assert_int_equal(got[0].total_ns, cases[k].paired ? (int64_t)MS : TXN_NS_NONE);
		assert_int_equal(c->dns_malformed_responses, 1);
		assert_int_equal(c->dns_responses, cases[k].paired);
		assert_int_equal(c->dns_unmatched_responses, 0);
		pt_free(pt);
	}
}

/* The id and the ports decide: another id, another port is not the answer. */
static void test_pairing_keys(void **state)
{
	(void)state;
	struct point *pt = point();
	uint8_t f[512];
	feed(pt, f, frame(f, 7, 0, 4000, cases[0].q, cases[0].len), T0);
	feed(pt, f, frame(f, 8, 1, 4000, cases[0].q, cases[0].len), T0 + MS);
	feed(pt, f, frame(f, 7, 1, 4001, cases[0].q, cases[0].len), T0 + 2 * MS);
	feed(pt, f, frame(f, 7, 1, 4000, cases[0].q, cases[0].len), T0 + 3 * MS);
	pt_finish(pt);
	assert_int_equal(ngot, 1);
	assert_int_equal(got[0].total_ns, 3 * MS);
	assert_int_equal(pt_counts(pt)->dns_malformed_responses, 3);
	assert_int_equal(pt_counts(pt)->dns_unmatched_responses, 2);
	pt_free(pt);
}

/* Shorter than a header: no id, nothing to pair; a malformed packet. */
static void test_no_header(void **state)
{
	(void)state;
	struct point *pt = point();
	uint8_t f[512];
	size_t n = frame(f, 7, 1, 4000, "", 0) - 6;
	f[3] = (uint8_t)n, f[25] = (uint8_t)(n - 20);
	feed(pt, f, n, T0);
	pt_finish(pt);
	assert_int_equal(pt_counts(pt)->dns_malformed_responses, 0);
	assert_int_equal(pt_counts(pt)->malformed.reason[DEC_R_DNS_TRUNC], 1);
	pt_free(pt);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_paired_by_id),
		cmocka_unit_test(test_pairing_keys),
		cmocka_unit_test(test_no_header),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
