/* ipfrag: reassembly in order, out of order, with overlaps, with a missing
 * fragment (expiry), bad fragments, a full table, IPv6. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "analysis/point/ipfrag.h"

static uint8_t dgram[4000];

static void fill(void)
{
	for (size_t i = 0; i < sizeof dgram; i++)
		dgram[i] = (uint8_t)(i * 7 + i / 251);
}

static struct dec_pkt frag(uint32_t id, uint32_t off, uint32_t len, int more)
{
	struct dec_pkt d;
	memset(&d, 0, sizeof d);
	d.ipver = 4;
	d.src.family = d.dst.family = 4;
	d.src.b[0] = 10, d.src.b[3] = 1;
	d.dst.b[0] = 10, d.dst.b[3] = 2;
	d.proto = 17;
	d.is_frag = 1;
	d.frag_id = id;
	d.frag_off = off;
	d.frag_more = (uint8_t)more;
	d.l3_payload = cur_make(dgram + off, len);
	d.l3_payload_wire = len;
	return d;
}

static int add(struct ipfrag *f, struct dec_pkt d, uint64_t ts, struct cur *out, uint32_t *wl)
{
	return ipfrag_add(f, &d, ts, out, wl);
}

static void check_whole(struct cur out, uint32_t wl, uint32_t total)
{
	assert_int_equal(wl, total);
	assert_int_equal(cur_left(&out), total);
	uint8_t buf[4000];
	cur_copy(&out, buf, total);
	assert_memory_equal(buf, dgram, total);
}

static void test_in_order(void **state)
{
	(void)state;
	fill();
	struct ipfrag *f = ipfrag_new(4, 1000);
	struct cur out;
	uint32_t wl;
	assert_int_equal(add(f, frag(1, 0, 1480, 1), 1, &out, &wl), 0);
	assert_int_equal(add(f, frag(1, 1480, 1480, 1), 2, &out, &wl), 0);
	assert_int_equal(add(f, frag(1, 2960, 500, 0), 3, &out, &wl), 1);
	check_whole(out, wl, 3460);
	assert_int_equal(ipfrag_pending(f), 0);
	assert_int_equal(ipfrag_stats(f)->reassembled, 1);
	ipfrag_free(f);
}

static void test_out_of_order_and_interleaved(void **state)
{
	(void)state;
	fill();
	struct ipfrag *f = ipfrag_new(4, 1000);
	struct cur out;
	uint32_t wl;
	assert_int_equal(add(f, frag(2, 2960, 500, 0), 1, &out, &wl), 0);
	assert_int_equal(add(f, frag(3, 800, 200, 0), 1, &out, &wl), 0);
	assert_int_equal(add(f, frag(2, 0, 1480, 1), 2, &out, &wl), 0);
	assert_int_equal(add(f, frag(3, 0, 800, 1), 2, &out, &wl), 1);
	check_whole(out, wl, 1000);
	assert_int_equal(add(f, frag(2, 1480, 1480, 1), 3, &out, &wl), 1);
	check_whole(out, wl, 3460);
	ipfrag_free(f);
}

static void test_overlapping(void **state)
{
	(void)state;
	fill();
	struct ipfrag *f = ipfrag_new(4, 1000);
	struct cur out;
	uint32_t wl;
	assert_int_equal(add(f, frag(4, 0, 1000, 1), 1, &out, &wl), 0);
	assert_int_equal(add(f, frag(4, 800, 1200, 1), 2, &out, &wl), 0);	/* overlaps 800..1000 */
	assert_int_equal(add(f, frag(4, 0, 1000, 1), 2, &out, &wl), 0);	/* duplicate */
	assert_int_equal(add(f, frag(4, 1600, 900, 0), 3, &out, &wl), 1);	/* overlaps 1600..2000 */
	check_whole(out, wl, 2500);
	ipfrag_free(f);
}

static void test_missing_expires(void **state)
{
	(void)state;
	fill();
	struct ipfrag *f = ipfrag_new(4, 1000);
	struct cur out;
	uint32_t wl;
	assert_int_equal(add(f, frag(5, 0, 1480, 1), 100, &out, &wl), 0);
	assert_int_equal(add(f, frag(5, 2960, 500, 0), 200, &out, &wl), 0);	/* 1480.. missing */
	assert_int_equal(ipfrag_advance(f, 1099), 0);
	assert_int_equal(ipfrag_pending(f), 1);
	assert_int_equal(ipfrag_advance(f, 1100), 1);
	assert_int_equal(ipfrag_pending(f), 0);
	assert_int_equal(ipfrag_stats(f)->expired, 1);
	/* the missing fragment arriving late starts a new datagram that never completes */
	assert_int_equal(add(f, frag(5, 1480, 1480, 1), 1200, &out, &wl), 0);
	ipfrag_free(f);
}

static void test_bad_fragments(void **state)
{
	(void)state;
	fill();
	struct ipfrag *f = ipfrag_new(4, 1000);
	struct cur out;
	uint32_t wl;
	assert_int_equal(add(f, frag(6, 3, 8, 1), 1, &out, &wl), -DEC_R_FRAG);	/* offset not /8 */
	assert_int_equal(add(f, frag(6, 0, 13, 1), 1, &out, &wl), -DEC_R_FRAG);	/* middle not /8 */
	struct dec_pkt d = frag(6, 0, 16, 1);
	d.l3_payload_wire = 24;		/* cut by snaplen */
	assert_int_equal(ipfrag_add(f, &d, 1, &out, &wl), -DEC_R_FRAG);
	d = frag(6, 65528, 16, 0);		/* past 64 KiB */
	d.l3_payload = cur_make(dgram, 16);
	assert_int_equal(ipfrag_add(f, &d, 1, &out, &wl), -DEC_R_FRAG);
	assert_int_equal(ipfrag_stats(f)->bad, 4);
	ipfrag_free(f);
}

static void test_full_table_evicts_oldest(void **state)
{
	(void)state;
	fill();
	struct ipfrag *f = ipfrag_new(2, 1000);
	struct cur out;
	uint32_t wl;
	add(f, frag(10, 0, 8, 1), 1, &out, &wl);
	add(f, frag(11, 0, 8, 1), 2, &out, &wl);
	add(f, frag(12, 0, 8, 1), 3, &out, &wl);	/* evicts 10 */
	assert_int_equal(ipfrag_stats(f)->evicted, 1);
	assert_int_equal(add(f, frag(11, 8, 8, 0), 4, &out, &wl), 1);
	assert_int_equal(add(f, frag(10, 8, 8, 0), 5, &out, &wl), 0);
	ipfrag_free(f);
}

static void test_ipv6_keyed_apart(void **state)
{
	(void)state;
	fill();
	struct ipfrag *f = ipfrag_new(4, 1000);
	struct cur out;
	uint32_t wl;
	struct dec_pkt a = frag(7, 0, 8, 1), b = frag(7, 8, 8, 0);
	b.ipver = 6;
	b.src.family = b.dst.family = 6;
	assert_int_equal(ipfrag_add(f, &a, 1, &out, &wl), 0);
	assert_int_equal(ipfrag_add(f, &b, 2, &out, &wl), 0);	/* another datagram */
	b = frag(7, 8, 8, 0);
	assert_int_equal(ipfrag_add(f, &b, 3, &out, &wl), 1);
	check_whole(out, wl, 16);
	ipfrag_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_in_order),
		cmocka_unit_test(test_out_of_order_and_interleaved),
		cmocka_unit_test(test_overlapping),
		cmocka_unit_test(test_missing_expires),
		cmocka_unit_test(test_bad_fragments),
		cmocka_unit_test(test_full_table_evicts_oldest),
		cmocka_unit_test(test_ipv6_keyed_apart),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
