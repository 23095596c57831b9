/* Client source ports, driven by generated connection timelines: httperf
 * with its ports narrowed to 200, every connection closed first by the
 * client, stalls when they are all in TIME_WAIT and goes on 61 s later on
 * the same ports (one alert at the stall, within a second; resumed with the
 * reuse interval, or the reuse later when a fresh port ended the stall);
 * borderlines: 3 ports of the range never used (1% is 2),
 * fewer than min_ports, a pause under the stall threshold, ports closed
 * first by the server or reset (never held), ports whose TIME_WAIT is over;
 * the input ending while full; SYN retransmissions (first and later, a new
 * ISN on the same port is a new connection); groups. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <netinet/in.h>
#include <cmocka.h>
#include "analysis/detect/ports.h"

#define MS 1000000ull
#define T0 (1700000000ull * 1000000000ull)
#define CLIENT "10.0.0.1"
#define SERVER "10.0.0.2"

struct seen {
	int n, syn_first, syn_later;
	struct ports_alert all[4];
	uint64_t syn_ts;
};

static void on_alert(void *ctx, const struct ports_alert *a)
{
	struct seen *s = ctx;
	if (s->n < 4)
		s->all[s->n] = *a;
	s->n++;
}

static void on_syn(void *ctx, uint64_t ts, int first)
{
	struct seen *s = ctx;
	*(first ? &s->syn_first : &s->syn_later) += 1;
	s->syn_ts = ts;
}

static struct ports *setup(struct seen *s)
{
	struct ports_config c;
	ports_config_default(&c);
	memset(s, 0, sizeof *s);
	struct ports_hooks hk = { on_alert, on_syn, s };
	struct ports *p = ports_new(&c, &hk);
	assert_non_null(p);
	return p;
}

static void seg(struct ports *p, uint64_t t, int from_client, uint16_t cport, uint8_t flags, uint32_t seq)
{
	struct dec_pkt d;
	memset(&d, 0, sizeof d);
	d.ipver = 4;
	d.proto = IPPROTO_TCP;
	ipaddr_parse(from_client ? CLIENT : SERVER, &d.src);
	ipaddr_parse(from_client ? SERVER : CLIENT, &d.dst);
	d.sport = from_client ? cport : 80;
	d.dport = from_client ? 80 : cport;
	d.tcp.flags = flags;
	d.tcp.seq = seq;
	ports_packet(p, t, &d);
}

enum close_by { BY_CLIENT, BY_SERVER, BY_RESET };

/* One connection from port at t, 5 ms long, closed as told. */
static void connection(struct ports *p, uint64_t t, uint16_t port, enum close_by by)
{
	uint32_t isn = (uint32_t)t ^ port;
	seg(p, t, 1, port, TCP_SYN, isn);
	seg(p, t + 1 * MS, 0, port, TCP_SYN | TCP_ACK, 7);
	seg(p, t + 2 * MS, 1, port, TCP_ACK | TCP_PSH, isn + 1);
	if (by == BY_RESET) {
		seg(p, t + 4 * MS, 1, port, TCP_RST | TCP_ACK, isn + 80);
		return;
	}
	seg(p, t + 4 * MS, by == BY_CLIENT, port, TCP_FIN | TCP_ACK, isn + 80);
	seg(p, t + 5 * MS, by != BY_CLIENT, port, TCP_FIN | TCP_ACK, isn + 80);
}

/* Connections every 3 ms from port first on, every step-th port, n of
 * them; returns the last SYN's time. */
static uint64_t run_step(struct ports *p, uint64_t t, uint16_t first, unsigned n, unsigned step,
			 enum close_by by)
{
	for (unsigned i = 0; i < n; i++, t += 3 * MS)
		connection(p, t, (uint16_t)(first + i * step), by);
	return t - 3 * MS;
}

static uint64_t run(struct ports *p, uint64_t t, uint16_t first, unsigned n, enum close_by by)
{
	return run_step(p, t, first, n, 1, by);
}

static void test_exhaustion(void **state)
{
	(void)state;
	struct seen s;
	struct ports *p = setup(&s);
	uint64_t last = run(p, T0, 40000, 200, BY_CLIENT);
	ports_advance(p, last + 999 * MS);
	assert_int_equal(s.n, 0);
	ports_advance(p, last + 1000 * MS);		/* a second without a new connection */
	assert_int_equal(s.n, 1);
	const struct ports_alert *a = &s.all[0];
	assert_int_equal(a->event, PORTS_STALLED);
	char ip[64];
	assert_string_equal(ipaddr_str(&a->st.client, ip, sizeof ip), CLIENT);
	assert_string_equal(ipaddr_str(&a->st.server.ip, ip, sizeof ip), SERVER);
	assert_int_equal(a->st.server.port, 80);
	assert_int_equal(a->st.ports_seen, 200);
	assert_int_equal(a->st.port_min, 40000);
	assert_int_equal(a->st.port_max, 40199);
	assert_int_equal(a->st.held, 200);
	assert_int_equal(a->st.open, 0);
	assert_int_equal(a->st.closed_by_client, 200);
	assert_int_equal(a->start_ns, last);
	assert_int_equal(a->at_ns, last + 1000 * MS);
	/* TIME_WAIT over 60 s after each close: the same ports again */
	uint64_t again = T0 + 61000 * MS;
	run(p, again, 40000, 10, BY_CLIENT);
	assert_int_equal(s.n, 2);
	a = &s.all[1];
	assert_int_equal(a->event, PORTS_RESUMED);
	assert_int_equal(a->port, 40000);
	assert_int_equal(a->start_ns, last);
	assert_int_equal(a->at_ns, again);
	assert_int_equal(a->reuse_ns, (int64_t)(61000 - 4) * (int64_t)MS);	/* from the client's FIN */
	assert_int_equal(ports_stats(p)->stalls, 1);
	ports_free(p);
}

/* 197 of a range of 200 used: 3 free, more than 1% */
static void test_three_free(void **state)
{
	(void)state;
	struct seen s;
	struct ports *p = setup(&s);
	uint64_t last = run(p, T0, 40000, 196, BY_CLIENT);
	connection(p, last + 3 * MS, 40199, BY_CLIENT);
	ports_advance(p, last + 5000 * MS);
	ports_finish(p, last + 6000 * MS);
	assert_int_equal(s.n, 0);
	ports_free(p);
	/* 198 of 200 (2 free, 1%): full */
	p = setup(&s);
	last = run(p, T0, 40000, 197, BY_CLIENT);
	connection(p, last + 3 * MS, 40199, BY_CLIENT);
	ports_advance(p, last + 5000 * MS);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.all[0].st.ports_seen, 198);
	assert_int_equal(s.all[0].at_ns, last + 1003 * MS);	/* when the rule held, not when told */
	ports_free(p);
}

/* A narrowed range of 50: fewer ports than min_ports (64). */
static void test_few_ports(void **state)
{
	(void)state;
	struct seen s;
	struct ports *p = setup(&s);
	uint64_t last = run(p, T0, 40000, 50, BY_CLIENT);
	ports_advance(p, last + 5000 * MS);
	assert_int_equal(s.n, 0);
	ports_free(p);
}

/* Full, a pause of 999 ms, then a connection on a port never seen: no
 * stall. A pause of a second: a stall, ended on a fresh port (reuse -1). */
static void test_pause(void **state)
{
	(void)state;
	struct seen s;
	struct ports *p = setup(&s);
	uint64_t last = run(p, T0, 40000, 200, BY_CLIENT);
	connection(p, last + 999 * MS, 40200, BY_CLIENT);
	assert_int_equal(s.n, 0);
	last += 999 * MS;
	ports_advance(p, last + 1000 * MS);
	assert_int_equal(s.n, 1);
	connection(p, last + 1500 * MS, 40201, BY_CLIENT);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.all[1].event, PORTS_RESUMED);
	assert_int_equal(s.all[1].reuse_ns, -1);
	ports_free(p);
}

/* The stall ends on a port never seen (pcaps' real port-exhaustion: one
 * port of the range was not the client's to use before); the first port
 * the client closed and reuses later gives the reuse interval, once. */
static void test_reuse_after_resume(void **state)
{
	(void)state;
	struct seen s;
	struct ports *p = setup(&s);
	uint64_t last = run(p, T0, 40000, 200, BY_CLIENT);
	ports_advance(p, last + 1000 * MS);
	assert_int_equal(s.n, 1);
	connection(p, T0 + 59000 * MS, 40200, BY_CLIENT);	/* a fresh port ends the stall */
	assert_int_equal(s.n, 2);
	assert_int_equal(s.all[1].event, PORTS_RESUMED);
	assert_int_equal(s.all[1].port, 40200);
	assert_int_equal(s.all[1].reuse_ns, -1);
	run(p, T0 + 61000 * MS, 40005, 3, BY_CLIENT);		/* 40005 back 61 s after its SYN */
	assert_int_equal(s.n, 3);
	assert_int_equal(s.all[2].event, PORTS_REUSED);
	assert_int_equal(s.all[2].port, 40005);
	assert_int_equal(s.all[2].reuse_ns, (int64_t)(61000 - 15 - 4) * (int64_t)MS);
	ports_free(p);
}

/* Closed first by the server, or reset: never held. */
static void test_not_held(void **state)
{
	(void)state;
	struct seen s;
	struct ports *p = setup(&s);
	uint64_t last = run(p, T0, 40000, 200, BY_SERVER);
	ports_advance(p, last + 5000 * MS);
	assert_int_equal(s.n, 0);
	ports_free(p);
	p = setup(&s);
	last = run(p, T0, 40000, 200, BY_RESET);
	ports_advance(p, last + 5000 * MS);
	assert_int_equal(s.n, 0);
	ports_free(p);
}

/* 200 ports over 120 s: those closed over 60 s before are free again. */
static void test_time_wait_over(void **state)
{
	(void)state;
	struct seen s;
	struct ports *p = setup(&s);
	uint64_t t = T0;
	for (unsigned i = 0; i < 200; i++, t += 600 * MS)
		connection(p, t, (uint16_t)(40000 + i), BY_CLIENT);
	ports_advance(p, t + 5000 * MS);
	assert_int_equal(s.n, 0);
	ports_free(p);
}

/* The input ends 10 ms after the last free port was taken: the stall runs
 * to the end (pcaps/port-exhaustion). */
static void test_input_ends_full(void **state)
{
	(void)state;
	struct seen s;
	struct ports *p = setup(&s);
	uint64_t last = run(p, T0, 40000, 200, BY_CLIENT);
	ports_finish(p, last + 10 * MS);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.all[0].start_ns, last);
	assert_int_equal(s.all[0].at_ns, last + 10 * MS);
	ports_free(p);
	p = setup(&s);					/* every other port (as Linux): not full */
	last = run_step(p, T0, 40000, 100, 2, BY_CLIENT);
	ports_finish(p, last + 10 * MS);
	assert_int_equal(s.n, 0);
	ports_free(p);
}

static void test_syn_retransmits(void **state)
{
	(void)state;
	struct seen s;
	struct ports *p = setup(&s);
	seg(p, T0, 1, 40000, TCP_SYN, 1000);
	seg(p, T0 + 1000 * MS, 1, 40000, TCP_SYN, 1000);
	seg(p, T0 + 3000 * MS, 1, 40000, TCP_SYN, 1000);
	assert_int_equal(s.syn_first, 1);
	assert_int_equal(s.syn_later, 1);
	assert_int_equal(s.syn_ts, T0 + 3000 * MS);
	seg(p, T0 + 4000 * MS, 1, 40000, TCP_SYN, 2000);	/* a new ISN: a new connection */
	seg(p, T0 + 4001 * MS, 1, 40001, TCP_SYN, 1000);	/* another port */
	assert_int_equal(s.syn_first + s.syn_later, 2);
	seg(p, T0 + 5000 * MS, 1, 40000, TCP_SYN, 2000);
	assert_int_equal(s.syn_first, 2);
	assert_int_equal(ports_stats(p)->syn_retransmits, 3);
	ports_free(p);
}

/* Groups: SYNs to a port of no service are not watched; beyond max_groups counted. */
static void test_groups(void **state)
{
	(void)state;
	struct seen s;
	struct ports *p = setup(&s);
	struct dec_pkt d;
	memset(&d, 0, sizeof d);
	d.ipver = 4;
	d.proto = IPPROTO_TCP;
	d.tcp.flags = TCP_SYN;
	ipaddr_parse(CLIENT, &d.src);
	d.sport = 40000;
	d.dport = 22;
	ipaddr_parse(SERVER, &d.dst);
	ports_packet(p, T0, &d);
	ports_packet(p, T0 + 1000 * MS, &d);
	assert_int_equal(s.syn_first, 0);		/* ssh: not watched */
	d.dport = 80;
	for (int i = 0; i < 5; i++) {
		d.dst.b[3] = (uint8_t)(10 + i);
		ports_packet(p, T0 + 2000 * MS, &d);
	}
	assert_int_equal(ports_stats(p)->groups_full, 1);
	ports_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exhaustion),
		cmocka_unit_test(test_three_free),
		cmocka_unit_test(test_few_ports),
		cmocka_unit_test(test_pause),
		cmocka_unit_test(test_reuse_after_resume),
		cmocka_unit_test(test_not_held),
		cmocka_unit_test(test_time_wait_over),
		cmocka_unit_test(test_input_ends_full),
		cmocka_unit_test(test_syn_retransmits),
		cmocka_unit_test(test_groups),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
