/* The detectors' alerts as incidents (analysis/engine/watch.c), driven by
 * generated packets and transactions: a silence raised with its counts,
 * ended with the counts to its end, and one still open at the end of input
 * given its counts so far; a port exhaustion with its stall, its end and
 * the reuse that came after; a burst of SYN retransmissions at the
 * client-most point only; a loss burst from transactions lost on the link
 * or in the bridge (not at the guest), noticed when they are final; more
 * incidents than kept: counted, announced (raised and ended), not kept. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <stdio.h>
#include <netinet/in.h>
#include <cmocka.h>
#include "analysis/engine/watch.h"

#define MS 1000000ull
#define T0 (1700000000ull * 1000000000ull)
#define CLIENT "10.0.0.1"
#define GUEST "10.0.0.2"

struct seen {
	int raised, ended;
	struct res_incident last;
};

static void on_incident(void *ctx, const struct res_incident *in)
{
	struct seen *s = ctx;
	*(in->open ? &s->raised : &s->ended) += 1;
	s->last = *in;
}

struct fixture {
	struct results *r;
	struct watch *w;
	struct seen s;
	struct pt_config pt;
};

static struct fixture *setup(unsigned roles)
{
	static struct fixture f;
	memset(&f, 0, sizeof f);
	f.r = res_new();
	assert_non_null(f.r);
	pt_config_default(&f.pt);
	struct watch_config c;
	watch_config_default(&c);
	c.roles = roles;
	c.pt = &f.pt;
	c.on_incident = on_incident;
	c.ctx = &f.s;
	f.w = watch_new(&c, f.r);
	assert_non_null(f.w);
	return &f;
}

static void teardown_fixture(struct fixture *f)
{
	watch_free(f->w);
	res_free(f->r);
}

static void pkt(struct fixture *f, uint8_t point, uint64_t t, const char *src, const char *dst, uint8_t proto,
		uint16_t sport, uint16_t dport, uint8_t flags, uint32_t seq)
{
	struct dec_pkt d;
	memset(&d, 0, sizeof d);
	d.ipver = 4;
	d.proto = proto;
	ipaddr_parse(src, &d.src);
	ipaddr_parse(dst, &d.dst);
	d.sport = sport;
	d.dport = dport;
	d.tcp.flags = flags;
	d.tcp.seq = seq;
	d.payload_wire = proto == IPPROTO_UDP ? 40 : 0;
	watch_packet(f->w, point, t, &d);
}

static void query(struct fixture *f, uint8_t point, uint64_t t)
{
	pkt(f, point, t, CLIENT, GUEST, IPPROTO_UDP, 40000, 53, 0, 0);
}

static void answer(struct fixture *f, uint8_t point, uint64_t t)
{
	pkt(f, point, t, GUEST, CLIENT, IPPROTO_UDP, 53, 40000, 0, 0);
}

/* A second of answered queries at the vif, then unanswered ones to end. */
static uint64_t dns_silence(struct fixture *f, uint64_t end)
{
	uint64_t t = T0;
	for (; t < T0 + 1000 * MS; t += 10 * MS) {
		query(f, PT_VIF, t);
		answer(f, PT_VIF, t + MS);
	}
	for (; t < end; t += 10 * MS)
		query(f, PT_VIF, t);
	return t;
}

static void test_silence(void **state)
{
	(void)state;
	struct fixture *f = setup(1u << PT_VIF);
	uint64_t t = dns_silence(f, T0 + 2500 * MS);
	assert_int_equal(f->s.raised, 1);
	assert_int_equal(f->r->n_incidents, 1);
	const struct res_incident *in = &f->r->incident[0];
	assert_int_equal(in->kind, INC_SILENT);
	assert_true(in->open);
	assert_int_equal(in->start_ns, T0 + 1000 * MS);
	assert_int_equal(in->detected_ns, T0 + 2000 * MS);
	assert_int_equal(in->unanswered[INC_REQ_DNS], 101);
	assert_int_equal(in->last_answer_kind, INC_ANS_DNS);
	answer(f, PT_VIF, t);
	assert_int_equal(f->s.ended, 1);
	assert_false(in->open);
	assert_int_equal(in->end_ns, t);
	assert_int_equal(in->unanswered[INC_REQ_DNS], 150);	/* to its end */
	assert_int_equal(in->requests[PT_VIF], 150);
	assert_int_equal(in->detected_ns, T0 + 2000 * MS);	/* kept */
	teardown_fixture(f);
}

static void test_silence_open_at_end(void **state)
{
	(void)state;
	struct fixture *f = setup(1u << PT_VIF);
	dns_silence(f, T0 + 3000 * MS);
	watch_finish(f->w);
	const struct res_incident *in = &f->r->incident[0];
	assert_true(in->open);
	assert_int_equal(in->end_ns, 0);
	assert_int_equal(in->unanswered[INC_REQ_DNS], 200);	/* so far */
	assert_int_equal(f->s.ended, 0);
	teardown_fixture(f);
}

/* httperf on 200 ports, closed first by it, at the client (the client-most
 * point of client and vif); the stall, a fresh port ending it, a reuse. */
static void connection(struct fixture *f, uint8_t point, uint64_t t, uint16_t port)
{
	uint32_t isn = (uint32_t)t ^ port;
	pkt(f, point, t, CLIENT, GUEST, IPPROTO_TCP, port, 80, TCP_SYN, isn);
	pkt(f, point, t + MS, GUEST, CLIENT, IPPROTO_TCP, 80, port, TCP_SYN | TCP_ACK, 7);
	pkt(f, point, t + 4 * MS, CLIENT, GUEST, IPPROTO_TCP, port, 80, TCP_FIN | TCP_ACK, isn + 1);
	pkt(f, point, t + 5 * MS, GUEST, CLIENT, IPPROTO_TCP, 80, port, TCP_FIN | TCP_ACK, 8);
}

static void test_ports(void **state)
{
	(void)state;
	struct fixture *f = setup((1u << PT_CLIENT) | (1u << PT_VIF));
	uint64_t t = T0;
	for (unsigned i = 0; i < 200; i++, t += 3 * MS)
		connection(f, PT_CLIENT, t, (uint16_t)(40000 + i));
	for (unsigned i = 0; i < 200; i++)
		connection(f, PT_VIF, T0 + i * 3 * MS, (uint16_t)(40000 + i));	/* not the client-most */
	watch_advance(f->w, t + 1000 * MS);
	assert_int_equal(f->r->n_incidents, 1);
	const struct res_incident *in = &f->r->incident[0];
	assert_int_equal(in->kind, INC_PORT_EXHAUSTION);
	assert_int_equal(in->point, PT_CLIENT);
	assert_int_equal(in->start_ns, t - 3 * MS);
	assert_int_equal(in->ports.ports_seen, 200);
	assert_int_equal(in->reuse_ns, -1);
	connection(f, PT_CLIENT, T0 + 59000 * MS, 40200);
	assert_int_equal(f->s.ended, 1);
	assert_false(in->open);
	assert_int_equal(in->end_ns, T0 + 59000 * MS);
	assert_int_equal(in->resumed_port, 40200);
	connection(f, PT_CLIENT, T0 + 61000 * MS, 40000);
	assert_int_equal(in->reused_port, 40000);
	assert_int_equal(in->reuse_ns, (int64_t)(61000 - 4) * (int64_t)MS);
	assert_int_equal(f->s.ended, 1);			/* a reuse is no new event */
	teardown_fixture(f);
}

static void test_syn_burst(void **state)
{
	(void)state;
	struct fixture *f = setup((1u << PT_CLIENT) | (1u << PT_VIF));
	for (unsigned i = 0; i < 6; i++) {		/* SYNs, each retransmitted 1 s later */
		uint64_t t = T0 + i * 100 * MS;
		pkt(f, PT_CLIENT, t, CLIENT, GUEST, IPPROTO_TCP, (uint16_t)(41000 + i), 80, TCP_SYN, i);
		pkt(f, PT_VIF, t, CLIENT, GUEST, IPPROTO_TCP, (uint16_t)(41000 + i), 80, TCP_SYN, i);
	}
	for (unsigned i = 0; i < 6; i++) {
		uint64_t t = T0 + 1000 * MS + i * 100 * MS;
		pkt(f, PT_VIF, t, CLIENT, GUEST, IPPROTO_TCP, (uint16_t)(41000 + i), 80, TCP_SYN, i);
		pkt(f, PT_CLIENT, t, CLIENT, GUEST, IPPROTO_TCP, (uint16_t)(41000 + i), 80, TCP_SYN, i);
	}
	assert_int_equal(f->r->n_incidents, 1);
	const struct res_incident *in = &f->r->incident[0];
	assert_int_equal(in->kind, INC_SYN_RETRANSMITS);
	assert_int_equal(in->point, PT_CLIENT);
	assert_int_equal(in->start_ns, T0 + 1000 * MS);
	assert_int_equal(in->detected_ns, T0 + 1400 * MS);
	watch_finish(f->w);				/* still going at the end: open, counts so far */
	assert_true(in->open);
	assert_int_equal(in->burst.count, 6);
	assert_int_equal(in->burst.connections, 6);
	teardown_fixture(f);
}

static void lost(struct fixture *f, uint64_t start, uint8_t where)
{
	struct txn t;
	memset(&t, 0, sizeof t);
	t.proto = TXN_DNS;
	t.point = PT_UPLINK;
	t.start_ns = start;
	t.lost_at = where;
	watch_txn(f->w, &t);
}

static void test_loss_burst(void **state)
{
	(void)state;
	struct fixture *f = setup((1u << PT_UPLINK) | (1u << PT_VIF));
	query(f, PT_UPLINK, T0 + 12000 * MS);		/* the time now: the losses are final late */
	for (unsigned i = 0; i < 10; i++)
		lost(f, T0 + i * 10 * MS, LOST_GUEST);	/* a silent guest: no loss on a hop */
	assert_int_equal(f->r->n_incidents, 0);
	for (unsigned i = 0; i < 6; i++)
		lost(f, T0 + 2000 * MS + i * 10 * MS, i ? LOST_BRIDGE : LOST_LINK);
	assert_int_equal(f->r->n_incidents, 1);
	const struct res_incident *in = &f->r->incident[0];
	assert_int_equal(in->kind, INC_LOSS_BURST);
	assert_int_equal(in->start_ns, T0 + 2000 * MS);
	assert_int_equal(in->detected_ns, T0 + 12000 * MS);
	watch_finish(f->w);				/* every transaction final: over */
	assert_false(in->open);
	assert_int_equal(in->end_ns, T0 + 2050 * MS);
	assert_int_equal(in->burst.count, 6);
	assert_int_equal(in->burst.lost[LOST_LINK], 1);
	assert_int_equal(in->burst.lost[LOST_BRIDGE], 5);
	teardown_fixture(f);
}

/* 70 silences of one guest, each answered again: 64 kept, 70 counted, and
 * every one announced when raised and when ended (one not kept too). */
static void test_beyond_kept(void **state)
{
	(void)state;
	struct fixture *f = setup(1u << PT_VIF);
	uint64_t t = dns_silence(f, T0 + 2200 * MS);
	for (int i = 1; i < 70; i++) {
		answer(f, PT_VIF, t);
		for (uint64_t t1 = t += MS; t < t1 + 1200 * MS; t += 10 * MS)
			query(f, PT_VIF, t);
	}
	answer(f, PT_VIF, t);
	assert_int_equal(f->r->incidents_total, 70);
	assert_int_equal(f->r->n_incidents, RES_MAX_INCIDENTS);
	assert_int_equal(f->s.raised, 70);
	assert_int_equal(f->s.ended, 70);
	assert_int_equal(f->s.last.kind, INC_SILENT);
	assert_int_equal(f->s.last.end_ns, t);
	assert_int_equal(f->s.last.unanswered[INC_REQ_DNS], 120);
	for (unsigned i = 0; i < RES_MAX_INCIDENTS; i++)
		assert_false(f->r->incident[i].open);
	teardown_fixture(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_silence),
		cmocka_unit_test(test_silence_open_at_end),
		cmocka_unit_test(test_ports),
		cmocka_unit_test(test_syn_burst),
		cmocka_unit_test(test_loss_burst),
		cmocka_unit_test(test_beyond_kept),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
