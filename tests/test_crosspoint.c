/* The cross-point part alone (no engine): three points' own DNS
 * transactions and packets in, attributed transactions and the counters out.
 * The client's clock runs 2.5 s ahead and the estimate given corrects it.
 * One query is lost on the link, one in the bridge, and one exchange is
 * seen only at Dom0 (another client's): the joins, incomplete joins,
 * headless ones and the packet matches per pair of points are counted in
 * cross_stats. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "decode/pkt.h"
#include "analysis/point/point.h"
#include "analysis/path/crosspoint.h"
#define TL_TXNS 16
#define TL_DNS_FRAMES
#include "testlib.h"

#define US 1000ull
#define S 1000000000ull
#define T0 (2000 * S)
#define CLIENT_AHEAD (2500000000ull)

struct ev {
	uint64_t dom0;		/* the time on Dom0's clock (the feeding order) */
	uint8_t point, response;
	uint16_t id, cport;
};

static struct ev evs[64];
static unsigned nev;

static const uint64_t q_at[PT_N] = { 0, 100 * US, 150 * US };
static const uint64_t r_at[PT_N] = { 1150 * US, 1050 * US, 1000 * US };

/* An exchange crossing the points from `from` to `to` (inclusive) on its
 * way in; answered: back out the same way. */
static void exchange(unsigned i, uint8_t from, uint8_t to, int answered, uint16_t cport)
{
	uint64_t t = T0 + i * 100000000ull;
	for (uint8_t p = from; p <= to; p++) {
		evs[nev++] = (struct ev){ t + q_at[p], p, 0, (uint16_t)(i + 1), cport };
		if (answered)
			evs[nev++] = (struct ev){ t + r_at[p], p, 1, (uint16_t)(i + 1), cport };
	}
}

static int cmp_ev(const void *a, const void *b)
{
	const struct ev *x = a, *y = b;
	return (x->dom0 > y->dom0) - (x->dom0 < y->dom0);
}

static void test_joins_and_counters(void **st)
{
	(void)st;
	struct cross_config cfg = { .roles = 7 };
	pt_config_default(&cfg.pt);
	cfg.clock = (struct clk_est){ .ok = 1, .origin_ns = T0, .offset_ns = (int64_t)CLIENT_AHEAD };
	struct cross *x = cross_new(&cfg, (struct txn_sink){ collect, NULL });
	assert_non_null(x);
	struct point *pt[PT_N];
	for (uint8_t p = 0; p < PT_N; p++) {
		pt[p] = pt_new(&cfg.pt, p, cross_point_sink(x));
		pt_set_packet_hook(pt[p], cross_packet, x);
	}
	nev = 0;
	for (unsigned i = 0; i < 3; i++)
		exchange(i, PT_CLIENT, PT_VIF, 1, 40000);
	exchange(3, PT_CLIENT, PT_CLIENT, 0, 40000);	/* lost on the link */
	exchange(4, PT_CLIENT, PT_UPLINK, 0, 40000);	/* lost in the bridge */
	exchange(5, PT_UPLINK, PT_VIF, 1, 40001);	/* another client's: Dom0 only */
	qsort(evs, nev, sizeof evs[0], cmp_ev);
	ngot = 0;
	uint8_t f[TL_DNS_FRAME_MAX];
	for (unsigned i = 0; i < nev; i++) {
		uint64_t ts = evs[i].dom0 + (evs[i].point == PT_CLIENT ? CLIENT_AHEAD : 0);
		struct pkt p = tl_pkt(f, tl_dns_frame(f, evs[i].id, evs[i].cport, evs[i].response), ts,
				      evs[i].point);
		assert_int_equal(cross_time(x, &p), evs[i].dom0);
		cross_advance(x, evs[i].dom0);
		pt_feed(pt[p.point], &p);
	}
	for (int p = 0; p < PT_N; p++)
		pt_finish(pt[p]);
	struct cross_stats cs;
	cross_finish(x, &cs);

	assert_int_equal(ngot, 5);		/* the client's five; the Dom0-only one is not reported */
	int answered = 0, lost[4] = { 0 };
	for (int i = 0; i < ngot; i++) {
		lost[got[i].lost_at]++;
		if (!got[i].answered)
			continue;
		answered++;
		assert_int_equal(got[i].total_ns, (int64_t)(1150 * US));
		assert_int_equal(got[i].link_ns, (int64_t)(200 * US));
		assert_int_equal(got[i].bridge_ns, (int64_t)(100 * US));
		assert_int_equal(got[i].guest_ns, (int64_t)(850 * US));
	}
	assert_int_equal(answered, 3);
	assert_int_equal(lost[LOST_LINK], 1);
	assert_int_equal(lost[LOST_BRIDGE], 1);
	assert_int_equal(cs.attrib.joined, 3);
	assert_int_equal(cs.attrib.incomplete, 2);
	assert_int_equal(cs.attrib.headless, 1);
	assert_int_equal(cs.attrib.evicted, 0);
	assert_int_equal(cs.match_evicted, 0);
	assert_true(cs.pair_valid[PT_CLIENT][PT_UPLINK] && cs.pair_valid[PT_UPLINK][PT_VIF]);
	assert_false(cs.pair_valid[PT_UPLINK][PT_CLIENT]);
	const struct pktm_pair *cu = &cs.pair[PT_CLIENT][PT_UPLINK], *uv = &cs.pair[PT_UPLINK][PT_VIF];
	assert_int_equal(cu->matched, 3 * 2 + 1);	/* the bridge-lost query got past the link */
	assert_int_equal(cu->only_first, 1);		/* the link-lost query */
	assert_int_equal(cu->only_second, 2);		/* the Dom0-only exchange */
	assert_int_equal(uv->matched, 3 * 2 + 2);
	assert_int_equal(uv->only_first, 1);		/* the bridge-lost query */
	assert_int_equal(uv->only_second, 0);
	for (int p = 0; p < PT_N; p++)
		pt_free(pt[p]);
	cross_free(x);
}

/* Two points (client and vif): the hop between them is the network. */
static void test_two_points(void **st)
{
	(void)st;
	struct cross_config cfg = { .roles = 1u << PT_CLIENT | 1u << PT_VIF };
	pt_config_default(&cfg.pt);
	struct cross *x = cross_new(&cfg, (struct txn_sink){ collect, NULL });
	struct point *c = pt_new(&cfg.pt, PT_CLIENT, cross_point_sink(x));
	struct point *v = pt_new(&cfg.pt, PT_VIF, cross_point_sink(x));
	pt_set_packet_hook(c, cross_packet, x);
	pt_set_packet_hook(v, cross_packet, x);
	nev = 0;
	exchange(0, PT_CLIENT, PT_VIF, 1, 40000);
	qsort(evs, nev, sizeof evs[0], cmp_ev);
	ngot = 0;
	uint8_t f[TL_DNS_FRAME_MAX];
	for (unsigned i = 0; i < nev; i++) {
		if (evs[i].point == PT_UPLINK)
			continue;
		struct pkt p = tl_pkt(f, tl_dns_frame(f, evs[i].id, 40000, evs[i].response), evs[i].dom0,
				      evs[i].point);
		pt_feed(p.point == PT_CLIENT ? c : v, &p);
	}
	pt_finish(c);
	pt_finish(v);
	struct cross_stats cs;
	cross_finish(x, &cs);
	assert_int_equal(ngot, 1);
	assert_int_equal(got[0].network_ns, (int64_t)(300 * US));
	assert_int_equal(got[0].guest_ns, (int64_t)(850 * US));
	assert_int_equal(cs.pair[PT_CLIENT][PT_VIF].matched, 2);
	assert_false(cs.pair_valid[PT_CLIENT][PT_UPLINK]);
	assert_int_equal(cs.attrib.joined, 1);
	pt_free(c);
	pt_free(v);
	cross_free(x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_joins_and_counters),
		cmocka_unit_test(test_two_points),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
