/* Guest-silence detector and tcpdump's rotation names: no alert while the
 * guest answers; one alert once it has been silent past the threshold with
 * requests still arriving (not before); kinds (silent at all layers vs
 * application only vs lost in the bridge; a guest closing its last exchange
 * before the silence is still silent at all layers); resumption; no alert when the
 * client stops sending. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <stdio.h>
#include <netinet/in.h>
#include <cmocka.h>
#include "analysis/hang.h"
#include "capture/capture.h"

#define MS 1000000ull
#define T0 (1700000000ull * 1000000000ull)

struct seen {
	int n;
	struct hang_alert last;
};

static void on_alert(void *ctx, const struct hang_alert *a)
{
	struct seen *s = ctx;
	s->n++;
	s->last = *a;
}

static struct dec_pkt udp(const char *src, const char *dst, uint16_t sport, uint16_t dport)
{
	struct dec_pkt d;
	memset(&d, 0, sizeof d);
	d.ipver = 4;
	d.proto = IPPROTO_UDP;
	ipaddr_parse(src, &d.src);
	ipaddr_parse(dst, &d.dst);
	d.sport = sport;
	d.dport = dport;
	return d;
}

static struct dec_pkt query(void) { return udp("10.0.0.1", "10.0.0.2", 40000, 53); }
static struct dec_pkt answer(void) { return udp("10.0.0.2", "10.0.0.1", 53, 40000); }

static void setup(struct hang *h, struct seen *s)
{
	struct hang_config c;
	hang_config_default(&c);
	memset(s, 0, sizeof *s);
	hang_init(h, &c, on_alert, s);
}

/* Queries every 10 ms answered for 1 s from T0; returns the time reached. */
static uint64_t answering(struct hang *h, uint8_t pt)
{
	uint64_t t = T0;
	for (int i = 0; i < 100; i++, t += 10 * MS) {
		struct dec_pkt q = query(), a = answer();
		hang_packet(h, pt, t, &q);
		hang_packet(h, pt, t + MS / 5, &a);
	}
	return t;
}

static void test_silence_alert(void **state)
{
	(void)state;
	struct hang h;
	struct seen s;
	setup(&h, &s);
	uint64_t t = answering(&h, PT_VIF);
	assert_int_equal(s.n, 0);
	uint64_t silent_from = t;
	for (; t < silent_from + 2000 * MS; t += 10 * MS) {
		struct dec_pkt q = query();
		hang_packet(&h, PT_VIF, t, &q);
		if (t < silent_from + 1000 * MS)
			assert_int_equal(s.n, 0);
	}
	assert_int_equal(s.n, 1);		/* once, not per packet */
	assert_int_equal(s.last.kind, HANG_SILENT);
	assert_int_equal(s.last.point, PT_VIF);
	assert_false(s.last.resumed);
	assert_true(s.last.at_ns >= silent_from + 1000 * MS && s.last.at_ns <= silent_from + 1020 * MS);
	char ip[64];
	assert_string_equal(ipaddr_str(&s.last.guest, ip, sizeof ip), "10.0.0.2");
	struct dec_pkt a = answer();
	hang_packet(&h, PT_VIF, t, &a);
	assert_int_equal(s.n, 2);
	assert_true(s.last.resumed);
	assert_int_equal(h.alerts, 1);
}

static void test_app_only(void **state)
{
	(void)state;
	struct hang h;
	struct seen s;
	setup(&h, &s);
	uint64_t t = answering(&h, PT_VIF), t1 = t;
	for (; t < t1 + 1500 * MS; t += 10 * MS) {
		struct dec_pkt q = query(), icmp = udp("10.0.0.2", "10.0.0.1", 0, 0);
		icmp.proto = IPPROTO_ICMP;
		icmp.icmp_type = 3;		/* port unreachable: the stack lives */
		hang_packet(&h, PT_VIF, t, &q);
		hang_packet(&h, PT_VIF, t + MS, &icmp);
	}
	assert_int_equal(s.n, 1);
	assert_int_equal(s.last.kind, HANG_APP_ONLY);
}

/* The guest closing its last answered exchange (a FIN, here any packet)
 * before requests go unanswered says nothing about its stack: silent. */
static void test_close_then_silent(void **state)
{
	(void)state;
	struct hang h;
	struct seen s;
	setup(&h, &s);
	uint64_t t = answering(&h, PT_VIF), t1 = t;
	struct dec_pkt fin = udp("10.0.0.2", "10.0.0.1", 5000, 6000);
	hang_packet(&h, PT_VIF, t, &fin);
	for (t += 5 * MS; t < t1 + 1500 * MS; t += 10 * MS) {
		struct dec_pkt q = query();
		hang_packet(&h, PT_VIF, t, &q);
	}
	assert_int_equal(s.n, 1);
	assert_int_equal(s.last.kind, HANG_SILENT);
	assert_int_equal(s.last.first_unanswered_ns, t1 + 5 * MS);
	assert_non_null(hang_find(&h, &s.last.guest));
	const struct hang_pt *p = &hang_find(&h, &s.last.guest)->pt[PT_VIF];
	assert_int_equal(p->requests, 99 + 150);	/* answered ones (the first came before the guest was known), then the silence's */
	assert_int_equal(p->unanswered, 150);
	struct dec_pkt other = query();
	assert_null(hang_find(&h, &other.src));	/* the client never answered */
}

static void test_client_stops(void **state)
{
	(void)state;
	struct hang h;
	struct seen s;
	setup(&h, &s);
	uint64_t t = answering(&h, PT_VIF);
	struct dec_pkt q = query();
	hang_packet(&h, PT_VIF, t, &q);		/* one last query, then nothing */
	hang_advance(&h, t + 5000 * MS);
	assert_int_equal(s.n, 0);		/* nobody asks: not a hang */
}

static void test_lost_in_bridge(void **state)
{
	(void)state;
	struct hang h;
	struct seen s;
	setup(&h, &s);
	uint64_t t = T0;
	for (int i = 0; i < 100; i++, t += 10 * MS) {	/* both points see the exchange */
		struct dec_pkt q = query(), a = answer();
		hang_packet(&h, PT_UPLINK, t, &q);
		hang_packet(&h, PT_VIF, t + MS / 10, &q);
		hang_packet(&h, PT_VIF, t + MS / 5, &a);
		hang_packet(&h, PT_UPLINK, t + MS / 4, &a);
	}
	uint64_t t1 = t;
	for (; t < t1 + 2500 * MS; t += 10 * MS) {	/* queries stop at the bridge */
		struct dec_pkt q = query();
		hang_packet(&h, PT_UPLINK, t, &q);
		hang_advance(&h, t);
	}
	/* the vif sees no requests, so the guest is not "silent while asked" there */
	assert_int_equal(s.n, 0);
	assert_true(h.g[0].pt[PT_UPLINK].unanswered > 100);
	assert_true(h.g[0].pt[PT_VIF].last_req_ns < t1);
}

static void test_rotation_names(void **state)
{
	(void)state;
	char b[256];
	capture_filename(b, sizeof b, "cap.pcapng", 0, 0, 0, 0);
	assert_string_equal(b, "cap.pcapng");
	capture_filename(b, sizeof b, "cap.pcapng", 0, 2, 0, 0);
	assert_string_equal(b, "cap.pcapng2");
	capture_filename(b, sizeof b, "cap.pcapng", 0, 0, 2, 0);	/* -W 100: two digits */
	assert_string_equal(b, "cap.pcapng00");
	capture_filename(b, sizeof b, "x-%Y.pcapng", 1, 0, 0, 86400 * 400);
	assert_string_equal(b, "x-1971.pcapng");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_silence_alert),
		cmocka_unit_test(test_app_only),
		cmocka_unit_test(test_close_then_silent),
		cmocka_unit_test(test_client_stops),
		cmocka_unit_test(test_lost_in_bridge),
		cmocka_unit_test(test_rotation_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
