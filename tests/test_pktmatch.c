/* Cross-point matching: fingerprints, in-order matching of identical
 * fingerprints, per-pair counts, losses, expiry and a full pool. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "analysis/path/pktmatch.h"

static const uint8_t payload[] = "\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00\x03www\x07""example\x03""com\x00\x00\x01\x00\x01";

static struct dec_pkt udp_pkt(uint16_t ipid, uint8_t ttl)
{
	struct dec_pkt d;
	memset(&d, 0, sizeof d);
	d.ipver = 4;
	d.src.family = d.dst.family = 4;
	memcpy(d.src.b, "\x0a\x00\x00\x01", 4);
	memcpy(d.dst.b, "\x0a\x00\x00\x02", 4);
	d.proto = 17;
	d.ttl = ttl;
	d.ip_id = ipid;
	d.ip_len = 28 + sizeof payload - 1;
	d.sport = 40000;
	d.dport = 53;
	d.payload = cur_make(payload, sizeof payload - 1);
	d.payload_wire = sizeof payload - 1;
	return d;
}

static void test_fingerprint_fields(void **st)
{
	(void)st;
	struct dec_pkt a = udp_pkt(7, 64), b = udp_pkt(7, 63);
	uint64_t fa = pktm_fingerprint(&a);
	assert_true(fa != 0);
	assert_true(fa == pktm_fingerprint(&b));	/* TTL is not in it */
	b = udp_pkt(8, 64);
	assert_true(fa != pktm_fingerprint(&b));	/* IP ID is */
	b = udp_pkt(7, 64);
	b.payload = cur_make(payload + 1, sizeof payload - 2);
	assert_true(fa != pktm_fingerprint(&b));	/* payload bytes are */
	b = udp_pkt(7, 64);
	b.proto = 6;
	b.tcp.seq = 1;
	uint64_t f1 = pktm_fingerprint(&b);
	b.tcp.seq = 2;
	assert_true(f1 != pktm_fingerprint(&b));	/* TCP seq is */
	b.tcp.seq = 1;
	b.tcp.flags = TCP_ACK;
	assert_true(f1 != pktm_fingerprint(&b));	/* TCP flags are */
	b = udp_pkt(7, 64);
	b.payload = cur_make(payload, 10);		/* a shorter snaplen: fewer bytes hashed */
	assert_true(fa != pktm_fingerprint(&b));
	struct dec_pkt arp;
	memset(&arp, 0, sizeof arp);
	assert_true(pktm_fingerprint(&arp) == 0);
}

struct seen { struct pktm_rec r[64]; unsigned n; };
static void on_done(void *ctx, const struct pktm_rec *r)
{
	struct seen *s = ctx;
	if (s->n < 64)
		s->r[s->n++] = *r;
}

static struct pktm *mk(unsigned roles, int64_t win, unsigned pool, struct seen *s)
{
	struct pktm_config c;
	pktm_config_default(&c);
	c.roles = roles;
	c.window_ns = win;
	c.max_records = pool;
	struct pktm *x = pktm_new(&c);
	assert_non_null(x);
	memset(s, 0, sizeof *s);
	pktm_set_done(x, on_done, s);
	return x;
}

static void test_three_points_and_loss(void **st)
{
	(void)st;
	struct seen s;
	struct pktm *x = mk(7, 1000000, 64, &s);
	/* packet A crosses everything; B is lost on the bridge; C lost on the link */
	pktm_observe(x, PT_CLIENT, 100, 5100, 0xA, PT_DIR_TO_SERVER);
	pktm_observe(x, PT_CLIENT, 110, 5110, 0xB, PT_DIR_TO_SERVER);
	pktm_observe(x, PT_CLIENT, 120, 5120, 0xC, PT_DIR_TO_SERVER);
	assert_int_equal(pktm_observe(x, PT_UPLINK, 150, 150, 0xA, PT_DIR_TO_SERVER), 1);
	assert_int_equal(pktm_observe(x, PT_UPLINK, 160, 160, 0xB, PT_DIR_TO_SERVER), 1);
	assert_int_equal(pktm_observe(x, PT_VIF, 170, 170, 0xA, PT_DIR_TO_SERVER), 1);
	/* a packet only at the vif (a guest-originated one lost on the way out) */
	assert_int_equal(pktm_observe(x, PT_VIF, 180, 180, 0xD, PT_DIR_TO_CLIENT), 0);
	pktm_finish(x);
	const struct pktm_pair cu = pktm_pair(x, PT_CLIENT, PT_UPLINK);
	const struct pktm_pair uv = pktm_pair(x, PT_UPLINK, PT_VIF);
	const struct pktm_pair cv = pktm_pair(x, PT_VIF, PT_CLIENT);	/* either order */
	assert_int_equal(cu.matched, 2);
	assert_int_equal(cu.only_first, 1);
	assert_int_equal(cu.only_second, 0);
	assert_int_equal(uv.matched, 1);
	assert_int_equal(uv.only_first, 1);
	assert_int_equal(uv.only_second, 1);
	assert_int_equal(cv.matched, 1);
	assert_int_equal(cv.only_first, 2);
	assert_int_equal(cv.only_second, 1);
	assert_int_equal(s.n, 4);
	assert_int_equal(s.r[0].seen, 7);
	assert_int_equal(s.r[0].raw[PT_CLIENT], 5100);
	assert_int_equal(s.r[0].ts[PT_VIF], 170);
	pktm_free(x);
}

/* Retransmissions: the same fingerprint twice; the first copy is lost on
 * the link, the second crosses. Matching in order inside the window pairs
 * the uplink copy with the first client copy only when it is in the window. */
static void test_identical_in_order(void **st)
{
	(void)st;
	struct seen s;
	struct pktm *x = mk(3, 50, 64, &s);
	pktm_observe(x, PT_CLIENT, 1000, 1000, 0x77, 1);	/* lost */
	pktm_observe(x, PT_CLIENT, 2000, 2000, 0x77, 1);	/* 1 us later: beyond the window */
	assert_int_equal(pktm_observe(x, PT_UPLINK, 2030, 2030, 0x77, 1), 1);
	pktm_finish(x);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.r[0].seen, 1);
	assert_int_equal(s.r[1].seen, 3);
	assert_int_equal(s.r[1].ts[PT_UPLINK], 2030);

	/* inside the window: two copies at each point pair up oldest first */
	x = (pktm_free(x), mk(3, 1000, 64, &s));
	pktm_observe(x, PT_CLIENT, 100, 100, 0x55, 1);
	pktm_observe(x, PT_CLIENT, 110, 110, 0x55, 1);
	pktm_observe(x, PT_UPLINK, 140, 140, 0x55, 1);
	pktm_observe(x, PT_UPLINK, 150, 150, 0x55, 1);
	pktm_finish(x);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.r[0].ts[PT_UPLINK], 140);
	assert_int_equal(s.r[1].ts[PT_UPLINK], 150);
	assert_int_equal(pktm_pair(x, 0, 1).matched, 2);
	pktm_free(x);
}

static void test_expiry_and_full_pool(void **st)
{
	(void)st;
	struct seen s;
	struct pktm *x = mk(3, 100, 16, &s);
	for (unsigned i = 0; i < 40; i++)
		pktm_observe(x, PT_CLIENT, 1000 + i, 1000 + i, 0x100 + i, 1);
	assert_int_equal(pktm_evicted(x), 24);
	/* records still in the pool are matched */
	assert_int_equal(pktm_observe(x, PT_UPLINK, 1045, 1045, 0x100 + 39, 1), 1);
	/* later time retires everything older than the window */
	pktm_advance(x, 5000);
	assert_int_equal(s.n, 40);
	assert_int_equal(pktm_pair(x, 0, 1).only_first, 39);
	assert_int_equal(pktm_pair(x, 0, 1).matched, 1);
	/* a late copy after expiry opens a new record instead of matching */
	assert_int_equal(pktm_observe(x, PT_UPLINK, 5001, 5001, 0x100, 1), 0);
	pktm_free(x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fingerprint_fields),
		cmocka_unit_test(test_three_points_and_loss),
		cmocka_unit_test(test_identical_in_order),
		cmocka_unit_test(test_expiry_and_full_pool),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
