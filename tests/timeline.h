/* Generated timelines for the diagnosis tests (test_steps.c, test_verdict.c):
 * DNS queries or HTTP connections at a rate for a while, answered (or not)
 * after chosen client, link and guest times, turned into the packets each
 * point sees and the attributed transactions, fed in time order through
 * analysis/diagnose/diagnose.h. Header only, like testlib.h. */
#ifndef HOPLAT_TIMELINE_H
#define HOPLAT_TIMELINE_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <netinet/in.h>
#include "analysis/diagnose/diagnose.h"

#define S 1000000000ull
#define MS 1000000ull
#define US 1000ull
#define T0 (1700000000ull * S)

enum { TL_DNS_Q, TL_DNS_R, TL_SYN, TL_SYNACK, TL_HREQ, TL_HRESP, TL_TXN };

struct tl_ev {
	uint64_t t;
	uint8_t kind, point, answered;
	uint64_t start;			/* TL_TXN */
	int64_t total, client, link, guest;
};

/* How one run of transactions looks. */
struct tl_load {
	double rate;			/* per s */
	double seconds;
	int poisson;			/* exponential gaps instead of regular ones */
	int http;			/* one connection per request (httperf) */
	int64_t link_ns;		/* client <-> vif, each way */
	int64_t guest_ns;		/* the guest's time per answer */
	int64_t guest_step_ns;		/* added per transaction (a queue building up) */
	int64_t client_ns;		/* HTTP: handshake done -> request sent */
	double answer_fraction;		/* 1: all answered (0 taken as 1) */
	int calls;			/* HTTP: requests per connection, each after the last answer */
	int vif;			/* also the vif point */
};

struct tl {
	struct tl_ev *e;
	size_t n, cap;
	uint64_t rng;
};

static inline void tl_push(struct tl *tl, struct tl_ev ev)
{
	if (tl->n == tl->cap) {
		tl->cap = tl->cap ? tl->cap * 2 : 4096;
		tl->e = realloc(tl->e, tl->cap * sizeof *tl->e);
	}
	tl->e[tl->n++] = ev;
}

static inline double tl_rand(struct tl *tl)	/* (0, 1) */
{
	tl->rng ^= tl->rng << 13;
	tl->rng ^= tl->rng >> 7;
	tl->rng ^= tl->rng << 17;
	return ((tl->rng >> 11) + 0.5) / 9007199254740992.0;
}

static inline void tl_at(struct tl *tl, uint64_t t, uint8_t kind, uint8_t point)
{
	tl_push(tl, (struct tl_ev){ .t = t, .kind = kind, .point = point });
}

/* One transaction starting at q: its packets at the client (and the vif),
 * and the attributed transaction shortly after its end. */
static inline void tl_one(struct tl *tl, const struct tl_load *l, uint64_t q, int64_t guest, int answered)
{
	uint64_t L = (uint64_t)l->link_ns, G = (uint64_t)guest, C = (uint64_t)l->client_ns;
	uint64_t in = q, out;
	if (l->http) {
		tl_at(tl, q, TL_SYN, 0);
		if (l->vif)
			tl_at(tl, q + L, TL_SYN, 2);
		if (answered && l->vif)
			tl_at(tl, q + L + 50 * US, TL_SYNACK, 2);
		if (!answered)
			goto txn;
		tl_at(tl, q + 2 * L + 50 * US, TL_SYNACK, 0);
		in = q + 2 * L + 50 * US + C;
	}
	tl_at(tl, in, l->http ? TL_HREQ : TL_DNS_Q, 0);
	if (l->vif)
		tl_at(tl, in + L, l->http ? TL_HREQ : TL_DNS_Q, 2);
	if (!answered)
		goto txn;
	out = in + 2 * L + G;
	if (l->vif)
		tl_at(tl, in + L + G, l->http ? TL_HRESP : TL_DNS_R, 2);
	tl_at(tl, out, l->http ? TL_HRESP : TL_DNS_R, 0);
txn:;
	int64_t total = answered ? (int64_t)((l->http ? 2 * L + 50 * US + C : 0) + 2 * L + G) : INT64_MIN;
	tl_push(tl, (struct tl_ev){ .t = q + (uint64_t)(answered ? total : 2 * (int64_t)S) + MS, .kind = TL_TXN,
				     .answered = (uint8_t)answered, .start = q, .total = total,
				     .client = answered && l->http ? l->client_ns : (l->http ? INT64_MIN : 0),
				     .link = answered ? 2 * l->link_ns * (l->http ? 2 : 1) : INT64_MIN,
				     .guest = answered ? guest + (l->http ? 50 * (int64_t)US : 0) : INT64_MIN });
}

/* An HTTP session from q (httperf --num-calls): the handshake, then calls
 * requests, each as soon as the last answer came (client_ns later), all
 * answered; a transaction per request. */
static inline void tl_session(struct tl *tl, const struct tl_load *l, uint64_t q)
{
	int64_t L = l->link_ns, G = l->guest_ns, C = l->client_ns, hs = 2 * L + 50 * (int64_t)US;
	tl_at(tl, q, TL_SYN, 0);
	tl_at(tl, q + (uint64_t)hs, TL_SYNACK, 0);
	uint64_t in = q + (uint64_t)(hs + C);
	for (int i = 0; i < l->calls; i++) {
		uint64_t out = in + (uint64_t)(2 * L + G);
		tl_at(tl, in, TL_HREQ, 0);
		tl_at(tl, out, TL_HRESP, 0);
		tl_push(tl, (struct tl_ev){ .t = out + MS, .kind = TL_TXN, .answered = 1, .start = i ? in : q,
					     .total = (int64_t)(out - (i ? in : q)), .client = i ? 0 : C,
					     .link = 2 * L * (i ? 1 : 2), .guest = G + (i ? 0 : 50 * (int64_t)US) });
		in = out + (uint64_t)C;
	}
}

/* A run from t0; returns its end. */
static inline uint64_t tl_run(struct tl *tl, uint64_t t0, const struct tl_load *l)
{
	double t = 0, frac = l->answer_fraction > 0 ? l->answer_fraction : 1, owed = 0;
	int64_t guest = l->guest_ns;
	long n = l->poisson ? -1 : lround(l->rate * l->seconds);
	for (long i = 0; l->poisson ? t < l->seconds : i < n; i++) {
		owed += frac;
		int answered = owed >= 1 - 1e-9;
		if (answered)
			owed -= 1;
		if (l->calls > 1)
			tl_session(tl, l, t0 + (uint64_t)(t * 1e9));
		else
			tl_one(tl, l, t0 + (uint64_t)(t * 1e9), guest, answered);
		guest += l->guest_step_ns;
		t = l->poisson ? t - log(tl_rand(tl)) / l->rate : (double)(i + 1) / l->rate;
	}
	return t0 + (uint64_t)(l->seconds * 1e9);
}

static inline int tl_cmp(const void *a, const void *b)
{
	const struct tl_ev *x = a, *y = b;
	return (x->t > y->t) - (x->t < y->t);
}

static inline struct dec_pkt tl_pkt(const struct tl_ev *ev)
{
	static const uint8_t q[12] = { 0x12, 0x34, 0x01, 0x00 }, r[12] = { 0x12, 0x34, 0x81, 0x80 };
	static const char get[] = "GET / HTTP/1.0\r\n", ok[] = "HTTP/1.1 200 OK\r\n";
	struct dec_pkt d;
	memset(&d, 0, sizeof d);
	d.ipver = 4;
	int toward = ev->kind == TL_DNS_Q || ev->kind == TL_SYN || ev->kind == TL_HREQ;
	ipaddr_parse(toward ? "10.0.0.1" : "10.0.0.10", &d.src);
	ipaddr_parse(toward ? "10.0.0.10" : "10.0.0.1", &d.dst);
	uint16_t svc = ev->kind <= TL_DNS_R ? 53 : 80;
	d.sport = toward ? 40000 : svc;
	d.dport = toward ? svc : 40000;
	d.proto = ev->kind <= TL_DNS_R ? IPPROTO_UDP : IPPROTO_TCP;
	if (ev->kind == TL_DNS_Q || ev->kind == TL_DNS_R)
		d.payload = cur_make(ev->kind == TL_DNS_Q ? q : r, 12);
	else if (ev->kind == TL_HREQ || ev->kind == TL_HRESP)
		d.payload = cur_make(ev->kind == TL_HREQ ? get : ok, strlen(ev->kind == TL_HREQ ? get : ok));
	d.payload_wire = (uint32_t)d.payload.len;
	d.tcp.flags = ev->kind == TL_SYN ? TCP_SYN : ev->kind == TL_SYNACK ? TCP_SYN | TCP_ACK : TCP_ACK;
	return d;
}

static inline struct txn tl_txn(const struct tl_ev *ev)
{
	struct txn t;
	memset(&t, 0, sizeof t);
	txn_clear_attribution(&t);
	t.proto = TXN_DNS;
	t.answered = ev->answered;
	t.start_ns = ev->start;
	t.total_ns = ev->total;
	t.client_ns = ev->client;
	t.link_ns = ev->link;
	t.guest_ns = ev->guest;
	t.lost_at = ev->answered ? LOST_NONE : LOST_GUEST;
	return t;
}

/* Every event into a fresh diagnosis over r, in time order; r is finished. */
static inline void tl_feed(struct tl *tl, struct results *r, int64_t window_ns, int vif,
			   step_fn on_step, void *ctx)
{
	struct pt_config pc;
	pt_config_default(&pc);
	r->point[PT_CLIENT].present = 1;
	r->point[PT_VIF].present = (uint8_t)vif;
	r->npoints = vif ? 2 : 1;
	struct diag_config dc = { .pt = &pc, .head = PT_CLIENT, .window_ns = window_ns, .on_step = on_step,
				  .ctx = ctx };
	struct diag *d = diag_new(&dc, r);
	qsort(tl->e, tl->n, sizeof *tl->e, tl_cmp);
	for (size_t i = 0; i < tl->n; i++) {
		const struct tl_ev *ev = &tl->e[i];
		if (ev->kind == TL_TXN) {
			struct txn t = tl_txn(ev);
			r->dns.transactions++;
			*(t.answered ? &r->dns.answered : &r->dns.unanswered) += 1;
			diag_txn(d, &t, t.start_ns);
		} else {
			struct dec_pkt p = tl_pkt(ev);
			diag_packet(d, ev->point, ev->t, &p);
		}
	}
	diag_finish(d);
	diag_free(d);
	free(tl->e);
	memset(tl, 0, sizeof *tl);
}

#endif
