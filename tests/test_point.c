/* point: decode -> reassembly -> DNS matcher, on hand-made frames: a DNS
 * response in IPv4 fragments arriving out of order is timed at the fragment
 * that completes it; malformed frames are counted by reason; other ports
 * are ignored; the packet hook sees every decoded packet; --dns-port adds a
 * port; expiry runs on packet time. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "analysis/point/point.h"

#define MAXT 16
static struct txn got[MAXT];
static int ngot, nhook;

static void collect(void *ctx, const struct txn *t)
{
	(void)ctx;
	if (ngot < MAXT)
		got[ngot++] = *t;
}

static void hook(void *ctx, const struct pkt *p, const struct dec_pkt *d)
{
	(void)ctx, (void)p, (void)d;
	nhook++;
}

static size_t put16(uint8_t *b, size_t o, unsigned v)
{
	b[o] = (uint8_t)(v >> 8);
	b[o + 1] = (uint8_t)v;
	return o + 2;
}

/* DNS message for "www.example.com" A; response with one A record. */
static size_t dns_msg(uint8_t *b, uint16_t id, int response, size_t pad)
{
	size_t o = 0;
	o = put16(b, o, id);
	o = put16(b, o, response ? 0x8180 : 0x0100);
	o = put16(b, o, 1);
	o = put16(b, o, response ? 1 : 0);
	o = put16(b, o, 0);
	o = put16(b, o, pad ? 1 : 0);
	static const uint8_t name[] = "\3www\7example\3com";
	memcpy(b + o, name, sizeof name);
	o += sizeof name;
	o = put16(b, o, 1);
	o = put16(b, o, 1);
	if (response) {
		o = put16(b, o, 0xc00c);
		o = put16(b, o, 1);
		o = put16(b, o, 1);
		o = put16(b, o, 0);
		o = put16(b, o, 300);
		o = put16(b, o, 4);
		b[o++] = 192, b[o++] = 0, b[o++] = 2, b[o++] = 1;
	}
	if (pad) {	/* a big TXT record in additional: strings of up to 255 'x' */
		b[o++] = 0;
		o = put16(b, o, 16);
		o = put16(b, o, 1);
		o = put16(b, o, 0);
		o = put16(b, o, 0);
		o = put16(b, o, (unsigned)pad);
		memset(b + o, 'x', pad);
		for (size_t k = 0; k < pad; k += 256)
			b[o + k] = (uint8_t)(pad - k - 1 > 255 ? 255 : pad - k - 1);
		o += pad;
	}
	return o;
}

/* Ethernet + IPv4 (+ fragment fields) around a UDP datagram's bytes. */
static size_t frame(uint8_t *f, const uint8_t *udp, size_t off, size_t len, int more, int to_server,
		    uint16_t ipid)
{
	memset(f, 0, 14);
	f[5] = 1, f[11] = 2;
	f[12] = 0x08, f[13] = 0x00;
	uint8_t *ip = f + 14;
	memset(ip, 0, 20);
	ip[0] = 0x45;
	put16(ip, 2, (unsigned)(20 + len));
	put16(ip, 4, ipid);
	put16(ip, 6, (unsigned)((more ? 0x2000 : 0) | (off / 8)));
	ip[8] = 64, ip[9] = 17;
	uint8_t a[4] = { 10, 0, 0, 1 }, s[4] = { 10, 0, 0, 53 };
	memcpy(ip + 12, to_server ? a : s, 4);
	memcpy(ip + 16, to_server ? s : a, 4);
	memcpy(ip + 20, udp + off, len);
	return 14 + 20 + len;
}

static size_t udp(uint8_t *u, uint16_t sport, uint16_t dport, const uint8_t *payload, size_t n)
{
	put16(u, 0, sport);
	put16(u, 2, dport);
	put16(u, 4, (unsigned)(8 + n));
	put16(u, 6, 0);
	memcpy(u + 8, payload, n);
	return 8 + n;
}

static void feed(struct point *pt, const uint8_t *f, size_t n, uint64_t ts)
{
	struct pkt p = { .ts_ns = ts, .caplen = (uint32_t)n, .wirelen = (uint32_t)n,
			 .linktype = LT_ETHERNET, .data = f };
	pt_feed(pt, &p);
}

static struct point *new_point(struct pt_config *cfg)
{
	ngot = nhook = 0;
	struct txn_sink s = { collect, NULL };
	struct point *pt = pt_new(cfg, PT_CLIENT, s);
	assert_non_null(pt);
	pt_set_packet_hook(pt, hook, NULL);
	return pt;
}

static void test_fragmented_response_out_of_order(void **state)
{
	(void)state;
	struct pt_config cfg;
	pt_config_default(&cfg);
	struct point *pt = new_point(&cfg);
	uint8_t dns[3000], u[3100], f[1600];
	size_t n = dns_msg(dns, 0x1234, 0, 0);
	size_t un = udp(u, 40000, 53, dns, n);
	feed(pt, f, frame(f, u, 0, un, 0, 1, 1), 1000000);
	n = dns_msg(dns, 0x1234, 1, 2000);
	un = udp(u, 53, 40000, dns, n);
	assert_true(un > 1480 && un <= 2960);
	/* second half first, then the first: complete at the third packet's time */
	feed(pt, f, frame(f, u, 1480, un - 1480, 0, 0, 7), 1500000);
	assert_int_equal(ngot, 0);
	feed(pt, f, frame(f, u, 0, 1480, 1, 0, 7), 1700000);
	assert_int_equal(ngot, 1);
	assert_true(got[0].answered);
	assert_int_equal(got[0].total_ns, 700000);
	assert_int_equal(got[0].id, 0x1234);
	assert_string_equal(got[0].name, "www.example.com");
	const struct pt_counts *c = pt_counts(pt);
	assert_int_equal(c->ip_fragments, 2);
	assert_int_equal(c->reassembled, 1);
	assert_int_equal(c->dns_queries, 1);
	assert_int_equal(c->dns_responses, 1);
	assert_int_equal(nhook, 3);
	pt_free(pt);
}

static void test_malformed_and_other_ports(void **state)
{
	(void)state;
	struct pt_config cfg;
	pt_config_default(&cfg);
	struct point *pt = new_point(&cfg);
	uint8_t dns[600], u[700], f[800];
	size_t n = dns_msg(dns, 1, 0, 0);
	/* port 5353 is not DNS by default */
	size_t un = udp(u, 40000, 5353, dns, n);
	feed(pt, f, frame(f, u, 0, un, 0, 1, 2), 1);
	assert_int_equal(pt_counts(pt)->dns_queries, 0);
	/* IHL below 5 */
	size_t fl = frame(f, u, 0, un, 0, 1, 3);
	f[14] = 0x44;
	feed(pt, f, fl, 2);
	assert_int_equal(pt_counts(pt)->malformed.reason[DEC_R_IP4_IHL], 1);
	/* a DNS header cut short */
	un = udp(u, 40000, 53, dns, 7);
	feed(pt, f, frame(f, u, 0, un, 0, 1, 4), 3);
	assert_int_equal(pt_counts(pt)->malformed.reason[DEC_R_DNS_TRUNC], 1);
	assert_int_equal(pt_counts(pt)->packets, 3);
	assert_int_equal(ngot, 0);
	pt_free(pt);

	/* with --dns-port 5353 it is a query; unanswered after the timeout */
	cfg.dns_ports[cfg.n_dns_ports++] = 5353;
	cfg.dns_timeout_ns = 1000;
	pt = new_point(&cfg);
	un = udp(u, 40000, 5353, dns, n);
	feed(pt, f, frame(f, u, 0, un, 0, 1, 5), 10);
	assert_int_equal(pt_counts(pt)->dns_queries, 1);
	pt_advance(pt, 500);
	assert_int_equal(ngot, 0);
	pt_advance(pt, 1010);
	assert_int_equal(ngot, 1);
	assert_false(got[0].answered);
	assert_int_equal(got[0].server.port, 5353);
	pt_finish(pt);
	assert_int_equal(ngot, 1);
	pt_free(pt);
}

static void test_missing_fragment_counted(void **state)
{
	(void)state;
	struct pt_config cfg;
	pt_config_default(&cfg);
	struct point *pt = new_point(&cfg);
	uint8_t dns[3000], u[3100], f[1600];
	size_t n = dns_msg(dns, 9, 1, 2000);
	size_t un = udp(u, 53, 40000, dns, n);
	feed(pt, f, frame(f, u, 0, 1480, 1, 0, 8), 1);
	pt_finish(pt);
	assert_int_equal(pt_counts(pt)->malformed.reason[DEC_R_FRAG], 1);
	assert_int_equal(pt_counts(pt)->reassembled, 0);
	(void)un;
	pt_free(pt);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fragmented_response_out_of_order),
		cmocka_unit_test(test_malformed_and_other_ports),
		cmocka_unit_test(test_missing_fragment_counted),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
