/* Guest-silence detector and tcpdump's rotation names: no alert while the
 * guest answers; one alert once it has been silent past the threshold with
 * requests still arriving (not before); kinds (silent at all layers vs
 * application only; a guest closing its last exchange before the silence is
 * still silent at all layers; lost in the bridge or on the link, either way,
 * decided at the innermost point the silence shows, however the points'
 * thresholds run out); resumption; no alert when the client stops sending. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <stdio.h>
#include <netinet/in.h>
#include <cmocka.h>
#include "analysis/detect/silence.h"
#include "capture/capture.h"

#define MS 1000000ull
#define T0 (1700000000ull * 1000000000ull)

struct seen {
	int n;
	struct sil_alert last;
};

static void on_alert(void *ctx, const struct sil_alert *a)
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

static void setup(struct silence *h, struct seen *s)
{
	struct sil_config c;
	sil_config_default(&c);
	memset(s, 0, sizeof *s);
	sil_init(h, &c, on_alert, s);
}

/* Queries every 10 ms answered for 1 s from T0; returns the time reached. */
static uint64_t answering(struct silence *h, uint8_t pt)
{
	uint64_t t = T0;
	for (int i = 0; i < 100; i++, t += 10 * MS) {
		struct dec_pkt q = query(), a = answer();
		sil_packet(h, pt, t, &q);
		sil_packet(h, pt, t + MS / 5, &a);
	}
	return t;
}

static void test_silence_alert(void **state)
{
	(void)state;
	struct silence h;
	struct seen s;
	setup(&h, &s);
	uint64_t t = answering(&h, PT_VIF);
	assert_int_equal(s.n, 0);
	uint64_t silent_from = t;
	for (; t < silent_from + 2000 * MS; t += 10 * MS) {
		struct dec_pkt q = query();
		sil_packet(&h, PT_VIF, t, &q);
		if (t < silent_from + 1000 * MS)
			assert_int_equal(s.n, 0);
	}
	assert_int_equal(s.n, 1);		/* once, not per packet */
	assert_int_equal(s.last.kind, SIL_SILENT);
	assert_int_equal(s.last.point, PT_VIF);
	assert_false(s.last.resumed);
	assert_true(s.last.at_ns >= silent_from + 1000 * MS && s.last.at_ns <= silent_from + 1020 * MS);
	char ip[64];
	assert_string_equal(ipaddr_str(&s.last.guest, ip, sizeof ip), "10.0.0.2");
	struct dec_pkt a = answer();
	sil_packet(&h, PT_VIF, t, &a);
	assert_int_equal(s.n, 2);
	assert_true(s.last.resumed);
	assert_int_equal(h.alerts, 1);
}

static void test_app_only(void **state)
{
	(void)state;
	struct silence h;
	struct seen s;
	setup(&h, &s);
	uint64_t t = answering(&h, PT_VIF), t1 = t;
	for (; t < t1 + 1500 * MS; t += 10 * MS) {
		struct dec_pkt q = query(), icmp = udp("10.0.0.2", "10.0.0.1", 0, 0);
		icmp.proto = IPPROTO_ICMP;
		icmp.icmp_type = 3;		/* port unreachable: the stack lives */
		sil_packet(&h, PT_VIF, t, &q);
		sil_packet(&h, PT_VIF, t + MS, &icmp);
	}
	assert_int_equal(s.n, 1);
	assert_int_equal(s.last.kind, SIL_APP_ONLY);
}

/* The guest closing its last answered exchange (a FIN, here any packet)
 * before requests go unanswered says nothing about its stack: silent. */
static void test_close_then_silent(void **state)
{
	(void)state;
	struct silence h;
	struct seen s;
	setup(&h, &s);
	uint64_t t = answering(&h, PT_VIF), t1 = t;
	struct dec_pkt fin = udp("10.0.0.2", "10.0.0.1", 5000, 6000);
	sil_packet(&h, PT_VIF, t, &fin);
	for (t += 5 * MS; t < t1 + 1500 * MS; t += 10 * MS) {
		struct dec_pkt q = query();
		sil_packet(&h, PT_VIF, t, &q);
	}
	assert_int_equal(s.n, 1);
	assert_int_equal(s.last.kind, SIL_SILENT);
	assert_int_equal(s.last.first_unanswered_ns, t1 + 5 * MS);
	assert_non_null(sil_find(&h, &s.last.guest));
	const struct sil_pt *p = &sil_find(&h, &s.last.guest)->pt[PT_VIF];
	assert_int_equal(p->requests, 99 + 150);	/* answered ones (the first came before the guest was known), then the silence's */
	assert_int_equal(p->unanswered, 150);
	struct dec_pkt other = query();
	assert_null(sil_find(&h, &other.src));	/* the client never answered */
}

static void test_client_stops(void **state)
{
	(void)state;
	struct silence h;
	struct seen s;
	setup(&h, &s);
	uint64_t t = answering(&h, PT_VIF);
	struct dec_pkt q = query();
	sil_packet(&h, PT_VIF, t, &q);		/* one last query, then nothing */
	sil_advance(&h, t + 5000 * MS);
	assert_int_equal(s.n, 0);		/* nobody asks: not a hang */
}

/* One query at t through the points in mask (client, uplink, vif; 100 us
 * apart), stopped before point upto; its answer leaves the vif 1 ms later
 * and is seen from point back inwards (back > PT_VIF: no answer). */
static void cross(struct silence *h, unsigned mask, uint64_t t, int upto, int back)
{
	struct dec_pkt q = query(), a = answer();
	for (int p = 0; p < upto; p++)
		if (mask & 1u << p)
			sil_packet(h, (uint8_t)p, t + (uint64_t)p * MS / 10, &q);
	for (int p = PT_VIF; p >= back; p--)
		if (mask & 1u << p)
			sil_packet(h, (uint8_t)p, t + MS + (uint64_t)(PT_VIF - p) * MS / 10, &a);
	sil_advance(h, t + 2 * MS);
}

#define ALL ((1u << PT_CLIENT) | (1u << PT_UPLINK) | (1u << PT_VIF))
#define NO_ANSWER (PT_VIF + 1)

/* Exactly one alert so far, at point, of kind. */
static void one_alert(const struct seen *s, int point, int kind)
{
	assert_int_equal(s->n, 1);
	assert_int_equal(s->last.point, point);
	assert_int_equal(s->last.kind, kind);
}

/* A second of answered queries every 10 ms at the points in mask, then
 * 2.5 s of queries that stop before upto with answers seen from back; the
 * alerts so far in *s. Returns the time reached. */
static uint64_t incident(struct silence *h, struct seen *s, unsigned mask, int upto, int back)
{
	setup(h, s);
	uint64_t t = T0;
	for (; t < T0 + 1000 * MS; t += 10 * MS)
		cross(h, mask, t, PT_N, 0);
	for (uint64_t t1 = t; t < t1 + 2500 * MS; t += 10 * MS)
		cross(h, mask, t, upto, back);
	return t;
}

/* Every point sees the queries and no answer: silent at the vif, though
 * the client's and the uplink's seconds run out first. */
static void test_silent_three_points(void **state)
{
	(void)state;
	struct silence h;
	struct seen s;
	incident(&h, &s, ALL, PT_N, NO_ANSWER);
	one_alert(&s, PT_VIF, SIL_SILENT);
}

/* Queries pass the uplink and never reach the vif; then answered again. */
static void test_lost_in_bridge(void **state)
{
	(void)state;
	struct silence h;
	struct seen s;
	uint64_t t = incident(&h, &s, ALL, PT_VIF, NO_ANSWER);
	one_alert(&s, PT_UPLINK, SIL_LOST_BRIDGE);
	assert_false(s.last.resumed);
	assert_true(s.last.unanswered >= 100);
	cross(&h, ALL, t, PT_N, 0);
	assert_int_equal(s.n, 2);
	assert_true(s.last.resumed);
	assert_int_equal(s.last.point, PT_UPLINK);
	assert_int_equal(s.last.kind, SIL_LOST_BRIDGE);
	assert_int_equal(h.alerts, 1);
}

/* The guest answers, the answers stop between the vif and the uplink. */
static void test_answers_lost_in_bridge(void **state)
{
	(void)state;
	struct silence h;
	struct seen s;
	incident(&h, &s, ALL, PT_N, PT_VIF);
	one_alert(&s, PT_UPLINK, SIL_LOST_BRIDGE);
}

/* Queries leave the client and never reach Dom0: on the link, with the
 * uplink or (merged, as in attribution) with the vif alone. */
static void test_lost_on_link(void **state)
{
	(void)state;
	struct silence h;
	struct seen s;
	incident(&h, &s, ALL, PT_UPLINK, NO_ANSWER);
	one_alert(&s, PT_CLIENT, SIL_LOST_LINK);
	incident(&h, &s, (1u << PT_CLIENT) | (1u << PT_VIF), PT_UPLINK, NO_ANSWER);
	one_alert(&s, PT_CLIENT, SIL_LOST_LINK);
	incident(&h, &s, ALL, PT_N, PT_UPLINK);	/* answers stop at the uplink */
	one_alert(&s, PT_CLIENT, SIL_LOST_LINK);
}

/* The vif capture holds another guest: this guest's silence at the uplink
 * is its own, not a loss in the bridge. */
static void test_vif_of_another_guest(void **state)
{
	(void)state;
	struct silence h;
	struct seen s;
	setup(&h, &s);
	struct dec_pkt oq = udp("10.0.0.1", "10.0.0.3", 40000, 53), oa = udp("10.0.0.3", "10.0.0.1", 53, 40000);
	uint64_t t = T0;
	for (; t < T0 + 1000 * MS; t += 10 * MS) {
		cross(&h, 1u << PT_UPLINK, t, PT_N, 0);
		sil_packet(&h, PT_VIF, t, &oq);
		sil_packet(&h, PT_VIF, t + MS, &oa);
	}
	for (uint64_t t1 = t; t < t1 + 2500 * MS; t += 10 * MS) {
		cross(&h, 1u << PT_UPLINK, t, PT_N, NO_ANSWER);
		sil_packet(&h, PT_VIF, t, &oq);
		sil_packet(&h, PT_VIF, t + MS, &oa);
	}
	one_alert(&s, PT_UPLINK, SIL_SILENT);
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
		cmocka_unit_test(test_silent_three_points),
		cmocka_unit_test(test_lost_in_bridge),
		cmocka_unit_test(test_answers_lost_in_bridge),
		cmocka_unit_test(test_lost_on_link),
		cmocka_unit_test(test_vif_of_another_guest),
		cmocka_unit_test(test_rotation_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
