/* Guest-silence detector, driven by generated packet timelines: no alert
 * while the guest answers; one alert once it has been silent past the
 * threshold with requests still arriving (not before, not with one request
 * too few); what went unanswered by kind, and the last answer; the whole
 * guest silent (a guest closing its last exchange before the silence still
 * is; ARP requests alone make one; its own ARP requests do not answer) or
 * one service silent while the guest's stack answers (app_only, one per
 * service; not when the stack's last answer is older than the threshold);
 * lost in the bridge or on the link, for the whole guest or one service,
 * decided at the innermost point the silence shows; resumption; no alert
 * when the client stops sending or sends only what makes no silence.
 * Also tcpdump's rotation names. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <stdio.h>
#include <errno.h>
#include <netinet/in.h>
#include <cmocka.h>
#include "analysis/detect/silence.h"
#include "capture/capture.h"

#define MS 1000000ull
#define T0 (1700000000ull * 1000000000ull)
#define CLIENT "10.0.0.1"
#define GUEST "10.0.0.2"

struct seen {
	int n;
	struct sil_alert last, all[8];
};

static void on_alert(void *ctx, const struct sil_alert *a)
{
	struct seen *s = ctx;
	if (s->n < 8)
		s->all[s->n] = *a;
	s->n++;
	s->last = *a;
}

/* ---- packets ---- */

static struct dec_pkt ip(const char *src, const char *dst, uint8_t proto)
{
	struct dec_pkt d;
	memset(&d, 0, sizeof d);
	d.ipver = 4;
	d.proto = proto;
	ipaddr_parse(src, &d.src);
	ipaddr_parse(dst, &d.dst);
	return d;
}

static struct dec_pkt udp(const char *src, const char *dst, uint16_t sport, uint16_t dport)
{
	struct dec_pkt d = ip(src, dst, IPPROTO_UDP);
	d.sport = sport;
	d.dport = dport;
	d.payload_wire = 40;
	return d;
}

static struct dec_pkt tcp(const char *src, const char *dst, uint16_t sport, uint16_t dport, uint8_t flags,
			  uint32_t len)
{
	struct dec_pkt d = ip(src, dst, IPPROTO_TCP);
	d.sport = sport;
	d.dport = dport;
	d.tcp.flags = flags;
	d.payload_wire = len;
	return d;
}

static struct dec_pkt icmp(const char *src, const char *dst, uint8_t type)
{
	struct dec_pkt d = ip(src, dst, IPPROTO_ICMP);
	d.icmp_type = type;
	return d;
}

static struct dec_pkt arp(uint16_t op, const char *sender, const char *target)
{
	struct dec_pkt d;
	struct ipaddr s, t;
	memset(&d, 0, sizeof d);
	ipaddr_parse(sender, &s);
	ipaddr_parse(target, &t);
	d.ethertype = 0x0806;
	d.arp_op = op;
	memcpy(d.arp_spa, s.b, 4);
	memcpy(d.arp_tpa, t.b, 4);
	return d;
}

static struct dec_pkt query(void) { return udp(CLIENT, GUEST, 40000, 53); }
static struct dec_pkt answer(void) { return udp(GUEST, CLIENT, 53, 40000); }

static struct silence *setup(struct seen *s)
{
	struct sil_config c;
	sil_config_default(&c);
	memset(s, 0, sizeof *s);
	struct silence *h = sil_new(&c, on_alert, s);
	assert_non_null(h);
	return h;
}

static void feed(struct silence *h, uint8_t pt, uint64_t t, struct dec_pkt d)
{
	sil_packet(h, pt, t, &d);
}

/* Queries every 10 ms answered for 1 s from T0; returns the time reached. */
static uint64_t answering(struct silence *h, uint8_t pt)
{
	uint64_t t = T0;
	for (int i = 0; i < 100; i++, t += 10 * MS) {
		feed(h, pt, t, query());
		feed(h, pt, t + MS / 5, answer());
	}
	return t;
}

static void test_silence_alert(void **state)
{
	(void)state;
	struct seen s;
	struct silence *h = setup(&s);
	uint64_t t = answering(h, PT_VIF);
	assert_int_equal(s.n, 0);
	uint64_t silent_from = t;
	for (; t < silent_from + 2000 * MS; t += 10 * MS) {
		feed(h, PT_VIF, t, query());
		if (t < silent_from + 1000 * MS)
			assert_int_equal(s.n, 0);
	}
	assert_int_equal(s.n, 1);		/* once, not per packet */
	const struct sil_alert *a = &s.all[0];
	assert_int_equal(a->kind, INC_SILENT);
	assert_int_equal(a->point, PT_VIF);
	assert_int_equal(a->service, INC_SVC_NONE);
	assert_false(a->resumed);
	assert_true(a->at_ns >= silent_from + 1000 * MS && a->at_ns <= silent_from + 1020 * MS);
	assert_int_equal(a->first_unanswered_ns, silent_from);
	assert_int_equal(a->last_answer_kind, INC_ANS_DNS);
	assert_int_equal(a->last_answer_ns, silent_from - 10 * MS + MS / 5);
	assert_int_equal(a->unanswered, 101);
	assert_int_equal(a->by_kind[INC_REQ_DNS], 101);
	assert_int_equal(a->requests[PT_VIF], 101);
	char ip[64];
	assert_string_equal(ipaddr_str(&a->guest, ip, sizeof ip), GUEST);
	struct sil_alert cur;
	assert_int_equal(sil_current(h, a->id, t, &cur), 0);	/* open: counts so far */
	assert_int_equal(cur.unanswered, 200);
	assert_int_equal(cur.requests[PT_VIF], 200);
	feed(h, PT_VIF, t, answer());
	assert_int_equal(s.n, 2);
	assert_true(s.last.resumed);
	assert_int_equal(s.last.id, a->id);
	assert_int_equal(s.last.at_ns, t);
	assert_int_equal(s.last.by_kind[INC_REQ_DNS], 200);
	assert_int_equal(sil_current(h, a->id, t, &cur), -ENOENT);
	assert_int_equal(sil_alerts(h), 1);
	sil_free(h);
}

/* Borderline: the threshold is reached with one request too few (none),
 * then with exactly min_requests (one alert). */
static void test_min_requests(void **state)
{
	(void)state;
	struct seen s;
	struct silence *h = setup(&s);
	uint64_t t = answering(h, PT_VIF);
	feed(h, PT_VIF, t, query());
	feed(h, PT_VIF, t + 900 * MS, query());
	sil_advance(h, t + 1000 * MS);
	sil_advance(h, t + 1800 * MS);
	assert_int_equal(s.n, 0);		/* two unanswered, past the threshold */
	feed(h, PT_VIF, t + 1850 * MS, query());
	assert_int_equal(s.n, 1);
	assert_int_equal(s.last.unanswered, 3);
	assert_int_equal(s.last.first_unanswered_ns, t);
	sil_free(h);
}

/* The guest's stack answers (ICMP port unreachable) while DNS does not. */
static void test_app_only(void **state)
{
	(void)state;
	struct seen s;
	struct silence *h = setup(&s);
	uint64_t t = answering(h, PT_VIF), t1 = t;
	for (; t < t1 + 1500 * MS; t += 10 * MS) {
		feed(h, PT_VIF, t, query());
		feed(h, PT_VIF, t + MS, icmp(GUEST, CLIENT, 3));
	}
	assert_int_equal(s.n, 1);
	assert_int_equal(s.last.kind, INC_APP_ONLY);
	assert_int_equal(s.last.service, INC_SVC_DNS);
	assert_int_equal(s.last.port, 53);
	assert_int_equal(s.last.first_unanswered_ns, t1);
	assert_int_equal(s.last.by_kind[INC_REQ_DNS], s.last.unanswered);
	sil_free(h);
}

/* The guest closing its last answered exchange (a FIN) before requests go
 * unanswered says nothing about its stack: silent at all layers. */
static void test_close_then_silent(void **state)
{
	(void)state;
	struct seen s;
	struct silence *h = setup(&s);
	uint64_t t = answering(h, PT_VIF), t1 = t;
	feed(h, PT_VIF, t, tcp(GUEST, CLIENT, 80, 5000, TCP_FIN | TCP_ACK, 0));
	for (t += 5 * MS; t < t1 + 1500 * MS; t += 10 * MS)
		feed(h, PT_VIF, t, query());
	assert_int_equal(s.n, 1);
	assert_int_equal(s.last.kind, INC_SILENT);
	assert_int_equal(s.last.first_unanswered_ns, t1 + 5 * MS);
	assert_int_equal(s.last.unanswered, 101);
	struct ipaddr client;
	ipaddr_parse(CLIENT, &client);
	assert_true(sil_known(h, &s.last.guest));
	assert_false(sil_known(h, &client));	/* the client never answered */
	sil_free(h);
}

static void test_client_stops(void **state)
{
	(void)state;
	struct seen s;
	struct silence *h = setup(&s);
	uint64_t t = answering(h, PT_VIF);
	feed(h, PT_VIF, t, query());		/* one last query, then nothing */
	sil_advance(h, t + 5000 * MS);
	assert_int_equal(s.n, 0);		/* nobody asks: not a hang */
	sil_free(h);
}

/* What the guest is asked besides DNS, in 10 ms rounds from t to end: an
 * ARP request, a ping, a SYN and a request to port 80, a query, and a
 * datagram to port 9999 (other) every round. */
static void ask_everything(struct silence *h, uint64_t t, uint64_t end)
{
	for (; t < end; t += 10 * MS) {
		feed(h, PT_VIF, t, arp(1, CLIENT, GUEST));
		feed(h, PT_VIF, t + 1, icmp(CLIENT, GUEST, 8));
		feed(h, PT_VIF, t + 2, tcp(CLIENT, GUEST, 41000, 80, TCP_SYN, 0));
		feed(h, PT_VIF, t + 3, tcp(CLIENT, GUEST, 41001, 80, TCP_ACK | TCP_PSH, 80));
		feed(h, PT_VIF, t + 4, query());
		feed(h, PT_VIF, t + 5, udp(CLIENT, GUEST, 41002, 9999));
	}
}

/* A second of every kind answered (ARP reply, echo reply, SYN-ACK, HTTP
 * response, DNS response), the HTTP response last. */
static uint64_t answering_everything(struct silence *h)
{
	uint64_t t = T0;
	for (; t < T0 + 1000 * MS; t += 10 * MS) {
		ask_everything(h, t, t + 1);
		feed(h, PT_VIF, t + MS, arp(2, GUEST, CLIENT));
		feed(h, PT_VIF, t + MS + 1, icmp(GUEST, CLIENT, 0));
		feed(h, PT_VIF, t + MS + 2, tcp(GUEST, CLIENT, 80, 41000, TCP_SYN | TCP_ACK, 0));
		feed(h, PT_VIF, t + MS + 3, answer());
		feed(h, PT_VIF, t + MS + 4, tcp(GUEST, CLIENT, 80, 41001, TCP_ACK | TCP_PSH, 700));
	}
	return t;
}

/* Silent at all layers: every kind counted, the last answer named. */
static void test_unanswered_by_kind(void **state)
{
	(void)state;
	struct seen s;
	struct silence *h = setup(&s);
	uint64_t t = answering_everything(h);
	ask_everything(h, t, t + 1500 * MS);
	assert_int_equal(s.n, 1);
	const struct sil_alert *a = &s.all[0];
	assert_int_equal(a->kind, INC_SILENT);
	assert_int_equal(a->service, INC_SVC_NONE);
	assert_int_equal(a->last_answer_kind, INC_ANS_HTTP);
	assert_int_equal(a->last_answer_ns, t - 10 * MS + MS + 4);
	assert_int_equal(a->first_unanswered_ns, t);
	/* noticed at the first request past the threshold: 101 rounds of arp,
	 * icmp, SYN, data, query (5 each), and the round's first (arp) */
	for (int k = 0; k < INC_REQ_N; k++)
		assert_int_equal(a->by_kind[k], k == INC_REQ_ARP ? 101 : 100);
	assert_int_equal(a->unanswered, 101 + 4 * 100);	/* `other` is no request of a silence */
	struct sil_alert cur;
	assert_int_equal(sil_current(h, a->id, t + 1500 * MS, &cur), 0);
	for (int k = 0; k < INC_REQ_N; k++)
		assert_int_equal(cur.by_kind[k], 150);
	sil_free(h);
}

/* The client's ARP cache expired: only ARP requests for the guest reach the
 * wire, one a second (Linux's retransmission), none answered; the guest's
 * own ARP requests (it still sends) answer nothing. The second request is
 * the client asking again: the alert comes with it, a second after the
 * first (with three, 2 s). One request alone, however long: none. */
static void test_arp_only(void **state)
{
	(void)state;
	struct seen s;
	struct silence *h = setup(&s);
	uint64_t t = answering(h, PT_VIF) + 5000 * MS;
	feed(h, PT_VIF, t - 3000 * MS, arp(1, CLIENT, GUEST));
	sil_advance(h, t - 2500 * MS);
	sil_advance(h, t - 2000 * MS);
	assert_int_equal(s.n, 0);			/* one: no silence */
	feed(h, PT_VIF, t - 1999 * MS, arp(2, GUEST, CLIENT));
	for (int i = 0; i < 3; i++) {
		feed(h, PT_VIF, t + (uint64_t)i * 1000 * MS, arp(1, CLIENT, GUEST));
		feed(h, PT_VIF, t + (uint64_t)i * 1000 * MS + 100 * MS, arp(1, GUEST, "10.0.0.254"));
		feed(h, PT_VIF, t + (uint64_t)i * 1000 * MS + 200 * MS, arp(1, GUEST, GUEST));	/* gratuitous */
		if (i < 1)
			assert_int_equal(s.n, 0);
	}
	assert_int_equal(s.n, 1);
	assert_int_equal(s.last.kind, INC_SILENT);
	assert_int_equal(s.last.at_ns, t + 1000 * MS);
	assert_int_equal(s.last.by_kind[INC_REQ_ARP], 2);
	assert_int_equal(s.last.unanswered, 2);
	assert_int_equal(s.last.first_unanswered_ns, t);
	struct sil_alert cur;
	assert_int_equal(sil_current(h, s.last.id, t + 2500 * MS, &cur), 0);
	assert_int_equal(cur.by_kind[INC_REQ_ARP], 3);
	feed(h, PT_VIF, t + 2500 * MS, arp(2, GUEST, CLIENT));	/* an ARP reply: answers again */
	assert_int_equal(s.n, 2);
	assert_true(s.last.resumed);
	sil_free(h);
}

/* ARP requests answered keep the guest from a silence (the borderline of
 * test_arp_only), and so do IPv6 neighbour solicitations and
 * advertisements. A datagram of no service unanswered makes none. */
static void test_arp_answered(void **state)
{
	(void)state;
	struct seen s;
	struct silence *h = setup(&s);
	uint64_t t = answering(h, PT_VIF);
	for (int i = 0; i < 5; i++, t += 1000 * MS) {
		feed(h, PT_VIF, t, arp(1, CLIENT, GUEST));
		feed(h, PT_VIF, t + MS, arp(2, GUEST, CLIENT));
	}
	for (uint64_t t1 = t; t < t1 + 3000 * MS; t += 10 * MS)
		feed(h, PT_VIF, t, udp(CLIENT, GUEST, 41002, 9999));
	assert_int_equal(s.n, 0);
	sil_free(h);
}

static struct dec_pkt ns6(const char *src, const char *target, uint8_t *buf)
{
	struct dec_pkt d = ip(src, "ff02::1:ff00:2", IPPROTO_ICMPV6);
	d.ipver = 6;
	struct ipaddr tg;
	ipaddr_parse(target, &tg);
	memset(buf, 0, 4);
	memcpy(buf + 4, tg.b, 16);
	d.icmp_type = 135;
	d.payload = cur_make(buf, 20);
	return d;
}

/* IPv6: neighbour solicitations for the guest count as `arp`. */
static void test_neighbour_solicitation(void **state)
{
	(void)state;
	struct seen s;
	struct silence *h = setup(&s);
	uint8_t buf[20];
	uint64_t t = T0;
	for (; t < T0 + 500 * MS; t += 10 * MS) {
		feed(h, PT_VIF, t, udp("2001:db8::1", "2001:db8::2", 40000, 53));
		feed(h, PT_VIF, t + MS, udp("2001:db8::2", "2001:db8::1", 53, 40000));
	}
	for (uint64_t t1 = t; t < t1 + 1500 * MS; t += 100 * MS)
		feed(h, PT_VIF, t, ns6("2001:db8::1", "2001:db8::2", buf));
	assert_int_equal(s.n, 1);
	assert_int_equal(s.last.kind, INC_SILENT);
	assert_int_equal(s.last.by_kind[INC_REQ_ARP], s.last.unanswered);
	struct dec_pkt cut = ns6("2001:db8::1", "2001:db8::2", buf);
	cut.payload = cur_make(buf, 19);	/* a target cut short: nothing */
	sil_packet(h, PT_VIF, t, &cut);
	sil_free(h);
}

/* The server processes stopped (kill -STOP): ARP, ping, SYN-ACKs and ACKs
 * still come from the guest's kernel; DNS and HTTP answer nothing. One
 * app_only per service, no silence of the whole guest. */
static void test_app_only_per_service(void **state)
{
	(void)state;
	struct seen s;
	struct silence *h = setup(&s);
	uint64_t t = answering_everything(h), t1 = t;
	for (; t < t1 + 1500 * MS; t += 10 * MS) {
		ask_everything(h, t, t + 1);
		feed(h, PT_VIF, t + MS, arp(2, GUEST, CLIENT));
		feed(h, PT_VIF, t + MS + 1, icmp(GUEST, CLIENT, 0));
		feed(h, PT_VIF, t + MS + 2, tcp(GUEST, CLIENT, 80, 41000, TCP_SYN | TCP_ACK, 0));
		feed(h, PT_VIF, t + MS + 3, tcp(GUEST, CLIENT, 80, 41001, TCP_ACK, 0));
	}
	assert_int_equal(s.n, 2);
	const struct sil_alert *dns = &s.all[0], *http = &s.all[1];
	if (dns->service != INC_SVC_DNS) {
		dns = &s.all[1];
		http = &s.all[0];
	}
	assert_int_equal(dns->kind, INC_APP_ONLY);
	assert_int_equal(dns->service, INC_SVC_DNS);
	assert_int_equal(dns->port, 53);
	assert_int_equal(dns->last_answer_kind, INC_ANS_DNS);
	assert_int_equal(dns->by_kind[INC_REQ_DNS], dns->unanswered);
	assert_int_equal(http->kind, INC_APP_ONLY);
	assert_int_equal(http->service, INC_SVC_HTTP);
	assert_int_equal(http->port, 80);
	assert_int_equal(http->last_answer_kind, INC_ANS_HTTP);
	assert_int_equal(http->first_unanswered_ns, t1 + 2);		/* the first SYN to port 80 */
	/* noticed at the first SYN past the threshold, before its SYN-ACK: the
	 * SYNs the stack answered are not unanswered, the requests are */
	assert_int_equal(http->unanswered, 101);
	assert_int_equal(http->by_kind[INC_REQ_TCP_SYN], 1);
	assert_int_equal(http->by_kind[INC_REQ_TCP_DATA], 100);
	assert_int_equal(http->by_kind[INC_REQ_ARP], 0);
	sil_free(h);
}

/* Queries every 10 ms from the end of answering() for 2.5 s, unanswered;
 * the stack's one answer (port unreachable) `after` the first of them. */
static uint64_t one_stack_answer(struct silence *h, uint64_t after)
{
	uint64_t t = answering(h, PT_VIF), t1 = t;
	for (; t < t1 + 2500 * MS; t += 10 * MS) {
		feed(h, PT_VIF, t, query());
		if (t + 10 * MS > t1 + after && t <= t1 + after)
			feed(h, PT_VIF, t1 + after, icmp(GUEST, CLIENT, 3));
	}
	return t1;
}

/* httperf falling behind: it opens connections (SYN-ACKs come at once) and
 * sends its requests late; each answered at once. Between two requests a
 * second of SYNs only: no silence of the HTTP service. */
static void test_client_late(void **state)
{
	(void)state;
	struct seen s;
	struct silence *h = setup(&s);
	uint64_t t = answering_everything(h);
	for (int round = 0; round < 3; round++) {
		feed(h, PT_VIF, t, tcp(CLIENT, GUEST, 41001, 80, TCP_ACK | TCP_PSH, 80));
		feed(h, PT_VIF, t + MS, tcp(GUEST, CLIENT, 80, 41001, TCP_ACK | TCP_PSH, 700));
		for (uint64_t t1 = t; t < t1 + 1500 * MS; t += MS) {
			feed(h, PT_VIF, t + 2 * MS, tcp(CLIENT, GUEST, 41000, 80, TCP_SYN, 0));
			feed(h, PT_VIF, t + 2 * MS + 100, tcp(GUEST, CLIENT, 80, 41000, TCP_SYN | TCP_ACK, 0));
		}
	}
	assert_int_equal(s.n, 0);
	sil_free(h);
}

/* lighttpd stopped with its accept queue full: SYNs to port 80 get no
 * SYN-ACK, pings are answered. app_only for HTTP, its SYNs unanswered. */
static void test_app_only_backlog_full(void **state)
{
	(void)state;
	struct seen s;
	struct silence *h = setup(&s);
	uint64_t t = answering_everything(h), t1 = t;
	for (; t < t1 + 1500 * MS; t += 10 * MS) {
		feed(h, PT_VIF, t, tcp(CLIENT, GUEST, 41000, 80, TCP_SYN, 0));
		feed(h, PT_VIF, t + 1, icmp(CLIENT, GUEST, 8));
		feed(h, PT_VIF, t + MS, icmp(GUEST, CLIENT, 0));
	}
	assert_int_equal(s.n, 1);
	assert_int_equal(s.last.kind, INC_APP_ONLY);
	assert_int_equal(s.last.service, INC_SVC_HTTP);
	assert_int_equal(s.last.by_kind[INC_REQ_TCP_SYN], 101);
	assert_int_equal(s.last.unanswered, 101);
	sil_free(h);
}

/* The whole guest silent 2 s (pings and queries), then back: its stack
 * answers 50 ms before DNS does. One silence of the guest, no app_only.
 * Then DNS stays dead while pings are answered: app_only, a threshold after
 * the guest came back. */
static void test_guest_back_before_service(void **state)
{
	(void)state;
	struct seen s;
	struct silence *h = setup(&s);
	uint64_t t = answering(h, PT_VIF), t1 = t, back = t1 + 2000 * MS, dns_back = back + 50 * MS;
	for (int dead_dns = 0; dead_dns < 2; dead_dns++) {
		for (; t < t1 + 4000 * MS; t += 10 * MS) {
			feed(h, PT_VIF, t, query());
			feed(h, PT_VIF, t + 1, icmp(CLIENT, GUEST, 8));
			if (t >= back)
				feed(h, PT_VIF, t + MS, icmp(GUEST, CLIENT, 0));
			if (t >= dns_back && !dead_dns)
				feed(h, PT_VIF, t + MS + 1, answer());
		}
		if (!dead_dns) {
			assert_int_equal(s.n, 2);		/* silent, resumed */
			assert_int_equal(s.all[0].kind, INC_SILENT);
			assert_true(s.all[1].resumed);
			assert_int_equal(s.all[1].at_ns, back + MS);
			sil_free(h);
			h = setup(&s);
			t = answering(h, PT_VIF);
		}
	}
	assert_int_equal(s.n, 3);			/* silent, resumed, app_only */
	assert_int_equal(s.all[2].kind, INC_APP_ONLY);
	assert_int_equal(s.all[2].service, INC_SVC_DNS);
	assert_int_equal(s.all[2].at_ns, back + 1000 * MS + 10 * MS);	/* the first query a second after */
	assert_int_equal(s.all[2].first_unanswered_ns, t1);
	sil_free(h);
}

/* Borderline of app_only: the stack answered once after the service's
 * first unanswered query, then nothing. 1 ms after (more than half a
 * threshold old when the service's threshold runs out): the whole guest is
 * silent, no app_only. 600 ms after (400 ms old then): app_only, and the
 * whole guest's silence a threshold after that answer. */
static void test_stack_answer_too_old(void **state)
{
	(void)state;
	struct seen s;
	struct silence *h = setup(&s);
	uint64_t t1 = one_stack_answer(h, MS + 1);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.last.kind, INC_SILENT);
	assert_int_equal(s.last.last_answer_kind, INC_ANS_ICMP);
	assert_int_equal(s.last.first_unanswered_ns, t1 + 10 * MS);
	sil_free(h);
	h = setup(&s);
	t1 = one_stack_answer(h, 600 * MS + 1);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.all[0].kind, INC_APP_ONLY);
	assert_int_equal(s.all[0].at_ns, t1 + 1000 * MS);
	assert_int_equal(s.all[1].kind, INC_SILENT);
	assert_int_equal(s.all[1].first_unanswered_ns, t1 + 610 * MS);
	sil_free(h);
}

/* One query at t through the points in mask (client, uplink, vif; 100 us
 * apart), stopped before point upto; its answer leaves the vif 1 ms later
 * and is seen from point back inwards (back > PT_VIF: no answer). */
static void cross(struct silence *h, unsigned mask, uint64_t t, int upto, int back)
{
	for (int p = 0; p < upto; p++)
		if (mask & 1u << p)
			feed(h, (uint8_t)p, t + (uint64_t)p * MS / 10, query());
	for (int p = PT_VIF; p >= back; p--)
		if (mask & 1u << p)
			feed(h, (uint8_t)p, t + MS + (uint64_t)(PT_VIF - p) * MS / 10, answer());
	sil_advance(h, t + 2 * MS);
}

/* A ping at t through every point in mask, answered. */
static void ping(struct silence *h, unsigned mask, uint64_t t)
{
	for (int p = 0; p < PT_N; p++)
		if (mask & 1u << p)
			feed(h, (uint8_t)p, t + (uint64_t)p * MS / 10, icmp(CLIENT, GUEST, 8));
	for (int p = PT_VIF; p >= 0; p--)
		if (mask & 1u << p)
			feed(h, (uint8_t)p, t + MS + (uint64_t)(PT_VIF - p) * MS / 10, icmp(GUEST, CLIENT, 0));
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
 * 2.5 s of queries that stop before upto with answers seen from back (and,
 * with pings, answered pings throughout); the alerts so far in *s. */
static uint64_t incident_pings(struct silence **h, struct seen *s, unsigned mask, int upto, int back,
			       int pings)
{
	*h = setup(s);
	uint64_t t = T0;
	for (; t < T0 + 1000 * MS; t += 10 * MS) {
		cross(*h, mask, t, PT_N, 0);
		if (pings)
			ping(*h, mask, t + 5 * MS);
	}
	for (uint64_t t1 = t; t < t1 + 2500 * MS; t += 10 * MS) {
		cross(*h, mask, t, upto, back);
		if (pings)
			ping(*h, mask, t + 5 * MS);
	}
	return t;
}

static uint64_t incident(struct silence **h, struct seen *s, unsigned mask, int upto, int back)
{
	return incident_pings(h, s, mask, upto, back, 0);
}

/* Every point sees the queries and no answer: silent at the vif, though
 * the client's and the uplink's seconds run out first; every point's
 * requests counted. */
static void test_silent_three_points(void **state)
{
	(void)state;
	struct silence *h;
	struct seen s;
	incident(&h, &s, ALL, PT_N, NO_ANSWER);
	one_alert(&s, PT_VIF, INC_SILENT);
	for (int p = 0; p < PT_N; p++)
		assert_true(s.last.requests[p] >= 100);
	assert_true(s.last.requests[PT_CLIENT] >= s.last.requests[PT_VIF]);
	sil_free(h);
}

/* Queries pass the uplink and never reach the vif; then answered again. */
static void test_lost_in_bridge(void **state)
{
	(void)state;
	struct silence *h;
	struct seen s;
	uint64_t t = incident(&h, &s, ALL, PT_VIF, NO_ANSWER);
	one_alert(&s, PT_UPLINK, INC_LOST_BRIDGE);
	assert_false(s.last.resumed);
	assert_true(s.last.unanswered >= 100);
	assert_int_equal(s.last.requests[PT_VIF], 0);
	cross(h, ALL, t, PT_N, 0);
	assert_int_equal(s.n, 2);
	assert_true(s.last.resumed);
	assert_int_equal(s.last.point, PT_UPLINK);
	assert_int_equal(s.last.kind, INC_LOST_BRIDGE);
	assert_int_equal(sil_alerts(h), 1);
	sil_free(h);
}

/* The bridge loses DNS only: pings pass and are answered. A loss in the
 * bridge for the DNS service, not a silence of the whole guest. */
static void test_service_lost_in_bridge(void **state)
{
	(void)state;
	struct silence *h;
	struct seen s;
	incident_pings(&h, &s, ALL, PT_VIF, NO_ANSWER, 1);
	one_alert(&s, PT_UPLINK, INC_LOST_BRIDGE);
	assert_int_equal(s.last.service, INC_SVC_DNS);
	assert_int_equal(s.last.port, 53);
	sil_free(h);
	/* ... and with the DNS queries reaching the vif unanswered: app_only there */
	incident_pings(&h, &s, ALL, PT_N, NO_ANSWER, 1);
	one_alert(&s, PT_VIF, INC_APP_ONLY);
	sil_free(h);
}

/* The guest answers, the answers stop between the vif and the uplink. */
static void test_answers_lost_in_bridge(void **state)
{
	(void)state;
	struct silence *h;
	struct seen s;
	incident(&h, &s, ALL, PT_N, PT_VIF);
	one_alert(&s, PT_UPLINK, INC_LOST_BRIDGE);
	sil_free(h);
}

/* Queries leave the client and never reach Dom0: on the link, with the
 * uplink or (merged, as in attribution) with the vif alone. */
static void test_lost_on_link(void **state)
{
	(void)state;
	struct silence *h;
	struct seen s;
	incident(&h, &s, ALL, PT_UPLINK, NO_ANSWER);
	one_alert(&s, PT_CLIENT, INC_LOST_LINK);
	sil_free(h);
	incident(&h, &s, (1u << PT_CLIENT) | (1u << PT_VIF), PT_UPLINK, NO_ANSWER);
	one_alert(&s, PT_CLIENT, INC_LOST_LINK);
	sil_free(h);
	incident(&h, &s, ALL, PT_N, PT_UPLINK);	/* answers stop at the uplink */
	one_alert(&s, PT_CLIENT, INC_LOST_LINK);
	sil_free(h);
}

/* The vif capture holds another guest: this guest's silence at the uplink
 * is its own, not a loss in the bridge. */
static void test_vif_of_another_guest(void **state)
{
	(void)state;
	struct seen s;
	struct silence *h = setup(&s);
	const char *other = "10.0.0.3";
	uint64_t t = T0;
	for (; t < T0 + 1000 * MS; t += 10 * MS) {
		cross(h, 1u << PT_UPLINK, t, PT_N, 0);
		feed(h, PT_VIF, t, udp(CLIENT, other, 40000, 53));
		feed(h, PT_VIF, t + MS, udp(other, CLIENT, 53, 40000));
	}
	for (uint64_t t1 = t; t < t1 + 2500 * MS; t += 10 * MS) {
		cross(h, 1u << PT_UPLINK, t, PT_N, NO_ANSWER);
		feed(h, PT_VIF, t, udp(CLIENT, other, 40000, 53));
		feed(h, PT_VIF, t + MS, udp(other, CLIENT, 53, 40000));
	}
	one_alert(&s, PT_UPLINK, INC_SILENT);
	sil_free(h);
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(inc_kind_key(INC_SILENT), "silent");
	assert_string_equal(inc_kind_key(INC_PORT_EXHAUSTION), "client_port_exhaustion");
	assert_string_equal(inc_kind_text(INC_LOST_BRIDGE), "lost in the bridge");
	assert_string_equal(inc_kind_key(0), "?");
	assert_string_equal(inc_kind_key(INC_N), "?");
	assert_string_equal(inc_req_key(INC_REQ_TCP_SYN), "tcp_syn");
	assert_string_equal(inc_answer_key(INC_ANS_HTTP), "http");
	assert_null(inc_service_key(INC_SVC_NONE));
	assert_string_equal(inc_service_key(INC_SVC_DNS), "dns");
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
		cmocka_unit_test(test_min_requests),
		cmocka_unit_test(test_app_only),
		cmocka_unit_test(test_close_then_silent),
		cmocka_unit_test(test_client_stops),
		cmocka_unit_test(test_unanswered_by_kind),
		cmocka_unit_test(test_arp_only),
		cmocka_unit_test(test_arp_answered),
		cmocka_unit_test(test_neighbour_solicitation),
		cmocka_unit_test(test_app_only_per_service),
		cmocka_unit_test(test_client_late),
		cmocka_unit_test(test_app_only_backlog_full),
		cmocka_unit_test(test_stack_answer_too_old),
		cmocka_unit_test(test_guest_back_before_service),
		cmocka_unit_test(test_silent_three_points),
		cmocka_unit_test(test_lost_in_bridge),
		cmocka_unit_test(test_service_lost_in_bridge),
		cmocka_unit_test(test_answers_lost_in_bridge),
		cmocka_unit_test(test_lost_on_link),
		cmocka_unit_test(test_vif_of_another_guest),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_rotation_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
