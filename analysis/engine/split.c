/* The points read apart: a thread per point reads its capture, decodes
 * and matches its transactions (eng_point_feed), and writes what that did
 * to the engine as events into batches; the joiner (the calling thread)
 * takes the points' packets in the order one thread would (by Dom0 time,
 * ties to the first source, the client's by the clock estimate of the
 * moment) and plays each packet's events into the engine: the cross-point
 * matching, the detectors, the series and the results see the very calls
 * eng_feed makes, so the results are the same.
 *
 * A packet's events, in the order eng_feed makes the calls:
 *   EV_PKT (its time) [EV_CNT: state expiry's counters] [EV_TXN ...]
 *   [EV_HOOK: the decoded packet] [EV_TXN ...] EV_END or EV_END_ABS (its counters after)
 * and between packets EV_ERR (a damaged file), last EV_DONE.
 *
 * Queues: per point WK_BATCHES batches of WK_BATCH bytes go round between
 * its thread and the joiner (two lists under one lock: full ones to the
 * joiner, used ones back): bounded memory, one lock per batch (hundreds
 * of packets), a thread waits only when it is that far ahead. */
#include <errno.h>
#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include "analysis/engine/engine_int.h"
#include "analysis/point/point.h"
#include "analysis/path/pktmatch.h"
#include "analysis/results/series.h"
#include "capture/input.h"

#define WK_BATCH (256u << 10)
#define WK_BATCHES 4
#define WK_PAYLOAD 32	/* payload bytes a decoded packet carries along (the detectors
			 * peek at a DNS header's flags, an ICMPv6 target: 20 at most) */

enum { EV_PKT = 1, EV_CNT, EV_TXN, EV_HOOK, EV_END, EV_END_ABS, EV_ERR, EV_DONE };

struct ev {
	uint32_t type, size;	/* size: of the whole record, a multiple of 8 */
};

struct ev_pkt {
	struct ev h;
	uint64_t ts;
};

/* The counters after a packet, for eng_post: those the series counts
 * (series.h, ser_seen_of); the others change the joiner's copy at EV_CNT, as
 * they change the results' in one thread. tests/it/analyze_threads.sh
 * holds the two ways to the same results. Sent as their growth since the
 * last EV_END or EV_CNT, a byte each (a packet adds one or two: 16 bytes
 * instead of 56 for every packet); EV_END_ABS, the values, when a growth
 * does not fit in a byte. */
struct ev_end {
	struct ev h;
	uint8_t d[SER_SEEN_N];
};

struct ev_end_abs {
	struct ev h;
	uint64_t v[SER_SEEN_N];
};

struct ev_cnt {
	struct ev h;
	struct pt_counts c;
};

/* A transaction without the unused end of its name: its fields before
 * the name, the name with its NUL, then the fields after (TXN_TAIL), or
 * only those before the attribution (TXN_TIMED) when it is clear, as a
 * point's transactions have it (txn_clear_attribution): 88 bytes less. */
#define TXN_HEAD offsetof(struct txn, name)
#define TXN_TAIL (sizeof(struct txn) - offsetof(struct txn, start_ns))
#define TXN_TIMED (offsetof(struct txn, client_ns) - offsetof(struct txn, start_ns))
_Static_assert(offsetof(struct txn, response_ns) < offsetof(struct txn, client_ns) &&
	       offsetof(struct txn, server_ns) > offsetof(struct txn, client_ns) &&
	       offsetof(struct txn, merged) > offsetof(struct txn, client_link_ns),
	       "struct txn: the attribution's fields come last, from client_ns on");

struct ev_txn {
	struct ev h;
	uint16_t name_len;
	uint8_t clear;		/* the attribution is clear: TXN_TIMED follows the name */
	uint8_t bytes[];	/* TXN_HEAD, name_len + 1, TXN_TAIL or TXN_TIMED */
};

/* The decoded packet as the detectors read it (silence, ports, diagnose:
 * addresses, ports, protocol, fragment, ARP, ICMP type, TCP flags and
 * sequence, the payload's length and first WK_PAYLOAD bytes), not the whole
 * dec_pkt: every packet's events cross from one core to the other, and
 * those bytes cost more than anything done with them (a whole dec_pkt made
 * a thread per point slower than one thread). The fingerprint, which reads
 * the IP bytes, is computed in the point's thread. */
struct ev_hook {
	struct ev h;
	uint64_t raw, fp;
	struct ipaddr src, dst;
	uint32_t tcp_seq, payload_wire, frag_off;
	uint16_t sport, dport, arp_op;
	uint8_t dir, proto, ipver, is_frag, tcp_flags, icmp_type, npayload;
	uint8_t arp_spa[4], arp_tpa[4];
	uint8_t payload[WK_PAYLOAD];
};

struct ev_err {
	struct ev h;
	char msg[IN_ERRBUF];
};

struct batch {
	size_t used;
	_Alignas(8) uint8_t buf[WK_BATCH];
};

struct eng_worker {
	struct engine *e;
	struct eng_point *ep;
	struct in_set *in;
	unsigned src;
	pthread_t th;
	int started;
	/* the queue */
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct batch *full[WK_BATCHES], *spare[WK_BATCHES];
	unsigned fhead, nfull, nspare;
	int go;			/* 1: read; -1: stop before reading (a thread did not start) */
	/* the thread's side, on cache lines of its own: each side writes its
	 * fields at every event, and a line written by both would go from one
	 * core to the other at every event (measured: a thread per point then
	 * took 1.8 times the CPU of one thread) */
	_Alignas(64) struct batch *out;
	uint64_t sent[SER_SEEN_N];		/* the counters as the events told them so far */
	/* the joiner's side */
	_Alignas(64) struct batch *rb;
	size_t roff;
	const struct ev_pkt *head;	/* the next packet, when known */
	const struct ev_pkt *key_of;	/* the head whose merge key is key, */
	unsigned key_gen;		/* under the clock of this many changes */
	uint64_t key;
	struct pt_counts mirror;	/* the counters as the events tell them */
	struct dec_pkt dec;		/* the decoded packet as an EV_HOOK tells it */
};

/* ---- the thread's side ---- */

/* The filled batch to the joiner, and (but for the last) an empty one
 * back, waited for when the thread is WK_BATCHES ahead. */
static void publish(struct eng_worker *w, int last)
{
	pthread_mutex_lock(&w->mu);
	w->full[(w->fhead + w->nfull++) % WK_BATCHES] = w->out;
	w->out = NULL;
	pthread_cond_broadcast(&w->cv);
	while (!last && !w->nspare)
		pthread_cond_wait(&w->cv, &w->mu);
	if (!last)
		w->out = w->spare[--w->nspare];
	pthread_mutex_unlock(&w->mu);
	if (w->out)
		w->out->used = 0;
}

/* Room for a record of size bytes (rounded to 8) in the batch being filled. */
static void *put(struct eng_worker *w, uint32_t type, size_t size)
{
	size = (size + 7) & ~(size_t)7;
	if (w->out->used + size > WK_BATCH)
		publish(w, 0);
	struct ev *h = (struct ev *)(w->out->buf + w->out->used);
	w->out->used += size;
	h->type = type;
	h->size = (uint32_t)size;
	return h;
}

static int attribution_clear(const struct txn *t)
{
	return t->client_ns == TXN_NS_NONE && t->link_ns == TXN_NS_NONE && t->bridge_ns == TXN_NS_NONE &&
	       t->guest_ns == TXN_NS_NONE && t->network_ns == TXN_NS_NONE &&
	       t->link_in_ns == TXN_NS_NONE && t->link_out_ns == TXN_NS_NONE &&
	       t->lost_at == LOST_NONE && t->server_ns == TXN_NS_NONE &&
	       t->client_link_ns == TXN_NS_NONE && !t->merged;
}

void eng_wk_txn(struct eng_worker *w, const struct txn *t)
{
	size_t n = strnlen(t->name, TXN_NAME_MAX - 1);
	int clear = attribution_clear(t);
	size_t tail = clear ? TXN_TIMED : TXN_TAIL;
	struct ev_txn *v = put(w, EV_TXN, sizeof *v + TXN_HEAD + n + 1 + tail);
	v->name_len = (uint16_t)n;
	v->clear = (uint8_t)clear;
	memcpy(v->bytes, t, TXN_HEAD);
	memcpy(v->bytes + TXN_HEAD, t->name, n);
	v->bytes[TXN_HEAD + n] = 0;
	memcpy(v->bytes + TXN_HEAD + n + 1, &t->start_ns, tail);
}

/* The transaction again (its name's unused end zero: a C string either way). */
static void txn_of(const struct ev_txn *v, struct txn *t)
{
	size_t n = v->name_len;
	memcpy(t, v->bytes, TXN_HEAD);
	memcpy(t->name, v->bytes + TXN_HEAD, n);
	memset(t->name + n, 0, TXN_NAME_MAX - n);
	if (!v->clear) {
		memcpy(&t->start_ns, v->bytes + TXN_HEAD + n + 1, TXN_TAIL);
		return;
	}
	memcpy(&t->start_ns, v->bytes + TXN_HEAD + n + 1, TXN_TIMED);
	memset(&t->client_ns, 0, sizeof *t - offsetof(struct txn, client_ns));
	txn_clear_attribution(t);
}

void eng_wk_counts(struct eng_worker *w, const struct pt_counts *c)
{
	struct ev_cnt *v = put(w, EV_CNT, sizeof *v);
	v->c = *c;
	ser_seen_of(c, w->sent);
}

/* The point's counters after a packet: their growth, or their values. */
static void put_end(struct eng_worker *w, const struct pt_counts *c)
{
	uint64_t v[SER_SEEN_N], big = 0;
	ser_seen_of(c, v);
	for (int k = 0; k < SER_SEEN_N; k++)
		big |= (v[k] - w->sent[k]) >> 8;
	if (big) {
		struct ev_end_abs *a = put(w, EV_END_ABS, sizeof *a);
		memcpy(a->v, v, sizeof a->v);
	} else {
		struct ev_end *e = put(w, EV_END, sizeof *e);
		for (int k = 0; k < SER_SEEN_N; k++)
			e->d[k] = (uint8_t)(v[k] - w->sent[k]);
	}
	memcpy(w->sent, v, sizeof v);
}

void eng_wk_packet(struct eng_worker *w, const struct pkt *p, const struct dec_pkt *d)
{
	const struct engine *e = w->e;
	struct ev_hook *v = put(w, EV_HOOK, sizeof *v);
	v->raw = p->ts_ns;
	v->fp = e->x ? pktm_fingerprint(d) : 0;
	v->dir = v->fp ? (uint8_t)pt_dir(&e->cfg.pt, &e->cfg.guest, d) : 0;
	v->src = d->src, v->dst = d->dst;
	v->tcp_seq = d->tcp.seq, v->payload_wire = d->payload_wire, v->frag_off = d->frag_off;
	v->sport = d->sport, v->dport = d->dport, v->arp_op = d->arp_op;
	v->proto = d->proto, v->ipver = d->ipver, v->is_frag = d->is_frag;
	v->tcp_flags = d->tcp.flags, v->icmp_type = d->icmp_type;
	memcpy(v->arp_spa, d->arp_spa, 4);
	memcpy(v->arp_tpa, d->arp_tpa, 4);
	struct cur c = d->payload;
	size_t n = cur_left(&c) < WK_PAYLOAD ? cur_left(&c) : WK_PAYLOAD;
	cur_copy(&c, v->payload, n);
	v->npayload = (uint8_t)n;
}

/* The decoded packet again, in the joiner's dec_pkt: the fields the event
 * carries are written, the others stay zero (the payload cursor is on the
 * event's bytes, the IP cursors empty). */
static const struct dec_pkt *hook_pkt(struct eng_worker *w, const struct ev_hook *v)
{
	struct dec_pkt *d = &w->dec;
	d->src = v->src, d->dst = v->dst;
	d->tcp.seq = v->tcp_seq, d->payload_wire = v->payload_wire, d->frag_off = v->frag_off;
	d->sport = v->sport, d->dport = v->dport, d->arp_op = v->arp_op;
	d->proto = v->proto, d->ipver = v->ipver, d->is_frag = v->is_frag;
	d->tcp.flags = v->tcp_flags, d->icmp_type = v->icmp_type;
	memcpy(d->arp_spa, v->arp_spa, 4);
	memcpy(d->arp_tpa, v->arp_tpa, 4);
	d->payload = cur_make(v->payload, v->npayload);
	return d;
}

static void put_err(struct eng_worker *w, const char *msg)
{
	struct ev_err *v = put(w, EV_ERR, sizeof *v);
	strncpy(v->msg, msg, sizeof v->msg - 1);
	v->msg[sizeof v->msg - 1] = 0;
}

/* Waits for the joiner's word: read, or stop before anything is read. */
static int may_go(struct eng_worker *w)
{
	pthread_mutex_lock(&w->mu);
	while (!w->go)
		pthread_cond_wait(&w->cv, &w->mu);
	int go = w->go > 0;
	pthread_mutex_unlock(&w->mu);
	return go;
}

static void *worker_main(void *arg)
{
	struct eng_worker *w = arg;
	if (!may_go(w))
		return NULL;
	struct pkt p;
	int rc;
	while ((rc = in_next_src(w->in, w->src, &p)) != 0) {
		if (rc < 0) {
			put_err(w, in_src_error(w->in, w->src));
			continue;
		}
		if (!pt_admit(w->ep->pt, &p))	/* kept out by the point's input guard */
			continue;
		struct ev_pkt *v = put(w, EV_PKT, sizeof *v);
		v->ts = p.ts_ns;
		eng_point_feed(w->ep, &p);
		put_end(w, pt_counts(w->ep->pt));
	}
	put(w, EV_DONE, sizeof(struct ev));
	publish(w, 1);
	return NULL;
}

/* ---- the joiner's side ---- */

/* The worker's next record, waiting for its next batch when needed. */
static const struct ev *next_rec(struct eng_worker *w)
{
	if (w->rb && w->roff < w->rb->used) {
		const struct ev *h = (const struct ev *)(w->rb->buf + w->roff);
		w->roff += h->size;
		return h;
	}
	pthread_mutex_lock(&w->mu);
	if (w->rb)
		w->spare[w->nspare++] = w->rb;
	pthread_cond_broadcast(&w->cv);
	while (!w->nfull)
		pthread_cond_wait(&w->cv, &w->mu);
	w->rb = w->full[w->fhead];
	w->fhead = (w->fhead + 1) % WK_BATCHES;
	w->nfull--;
	pthread_mutex_unlock(&w->mu);
	w->roff = 0;
	return next_rec(w);	/* a batch is never published empty */
}

struct split {
	struct engine *e;
	struct eng_worker *w[IN_MAX_SOURCES];
	unsigned n;
	void (*on_error)(void *ctx, const char *msg);
	void (*on_packet)(void *ctx);
	void *ctx;
};

/* The worker's next packet into w->head (NULL at its end), the damaged
 * files met before it said on the way, as in_next returns them. */
static void fill(struct split *s, struct eng_worker *w)
{
	for (;;) {
		const struct ev *h = next_rec(w);
		if (h->type == EV_PKT) {
			w->head = (const struct ev_pkt *)h;
			return;
		}
		if (h->type == EV_DONE) {
			w->head = NULL;
			return;
		}
		const struct ev_err *v = (const struct ev_err *)h;	/* EV_ERR */
		if (s->on_error)
			s->on_error(s->ctx, v->msg);
		eng_input_error(s->e, v->msg);
	}
}

/* The packet at w->head through the engine, as eng_feed would. */
static void play(struct engine *e, struct eng_worker *w)
{
	uint8_t role = w->ep->role;
	eng_pre(e, role, w->head->ts);
	for (;;) {
		const struct ev *h = next_rec(w);
		switch (h->type) {
		case EV_CNT:
			w->mirror = ((const struct ev_cnt *)h)->c;
			eng_counts(e, role, &w->mirror);
			break;
		case EV_TXN: {
			struct txn t;
			txn_of((const struct ev_txn *)h, &t);
			eng_txn(e, &t);
			break;
		}
		case EV_HOOK: {
			const struct ev_hook *v = (const struct ev_hook *)h;
			eng_packet(e, role, hook_pkt(w, v), v->raw, v->fp, v->dir);
			break;
		}
		case EV_END_ABS:
			ser_seen_set(&w->mirror, ((const struct ev_end_abs *)h)->v);
			eng_post(e, role, &w->mirror);
			return;
		default: {	/* EV_END */
			const struct ev_end *v = (const struct ev_end *)h;
			uint64_t now[SER_SEEN_N];
			ser_seen_of(&w->mirror, now);
			for (int k = 0; k < SER_SEEN_N; k++)
				now[k] += v->d[k];
			ser_seen_set(&w->mirror, now);
			eng_post(e, role, &w->mirror);
			return;
		}
		}
	}
}

/* The worker whose packet comes next: the least Dom0 time, then the
 * first source (in_next's heap); -1 when every one has ended. */
static int pick(struct split *s)
{
	int best = -1;
	uint64_t bk = 0;
	unsigned gen = eng_clock_changes(s->e);
	for (unsigned i = 0; i < s->n; i++) {
		struct eng_worker *w = s->w[i];
		if (!w || !w->head)
			continue;
		if (w->key_of != w->head || w->key_gen != gen) {	/* its key once per head and clock */
			w->key = w->ep->role == PT_CLIENT ? clk_to_dom0(eng_clock(s->e), w->head->ts)
							  : w->head->ts;
			w->key_of = w->head, w->key_gen = gen;
		}
		uint64_t k = w->key;
		if (best < 0 || k < bk)
			best = (int)i, bk = k;
	}
	return best;
}

static void join(struct split *s)
{
	unsigned pending = 0;
	for (unsigned i = 0; i < s->n; i++)
		if (s->w[i])
			pending |= 1u << i;
	for (;;) {
		while (pending) {
			unsigned i = (unsigned)__builtin_ctz(pending);
			fill(s, s->w[i]);
			pending &= ~(1u << i);
		}
		int i = pick(s);
		if (i < 0)
			return;
		play(s->e, s->w[i]);
		if (s->on_packet)
			s->on_packet(s->ctx);
		pending |= 1u << i;
	}
}

/* ---- setup ---- */

static void worker_free(struct eng_worker *w)
{
	if (!w)
		return;
	for (unsigned k = 0; k < w->nspare; k++)
		free(w->spare[k]);
	for (unsigned k = 0; k < w->nfull; k++)
		free(w->full[(w->fhead + k) % WK_BATCHES]);
	free(w->out);
	free(w->rb);
	pthread_mutex_destroy(&w->mu);
	pthread_cond_destroy(&w->cv);
	free(w);
}

static struct eng_worker *worker_new(struct engine *e, struct eng_point *ep, struct in_set *in,
				     unsigned src)
{
	struct eng_worker *w = aligned_alloc(64, sizeof *w);	/* its sides' lines apart */
	if (!w)
		return NULL;
	*w = (struct eng_worker){ .e = e, .ep = ep, .in = in, .src = src };
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->cv, NULL);
	w->out = malloc(sizeof *w->out);
	for (; w->nspare < WK_BATCHES - 1; w->nspare++)
		if (!(w->spare[w->nspare] = malloc(sizeof *w->spare[0])))
			break;
	if (!w->out || w->nspare < WK_BATCHES - 1) {
		worker_free(w);
		return NULL;
	}
	w->out->used = 0;
	return w;
}

static void say_go(struct eng_worker *w, int go)
{
	pthread_mutex_lock(&w->mu);
	w->go = go;
	pthread_cond_broadcast(&w->cv);
	pthread_mutex_unlock(&w->mu);
}

/* A worker per source whose point the engine has, each thread started
 * and waiting for the word: 0, or -errno with none left. */
static int start(struct split *s, struct in_set *in)
{
	struct engine *e = s->e;
	s->n = in_count(in);
	for (unsigned i = 0; i < s->n; i++) {
		uint8_t role = in_point(in, i);
		if (role >= PT_N || !e->p[role].pt)
			continue;
		struct eng_worker *w = worker_new(e, &e->p[role], in, i);
		if (!w)
			return -ENOMEM;
		s->w[i] = w;
		int rc = pthread_create(&w->th, NULL, worker_main, w);
		if (rc)
			return -rc;
		w->started = 1;
	}
	return 0;
}

static void stop(struct split *s, int go)
{
	for (unsigned i = 0; i < s->n; i++)
		if (s->w[i] && s->w[i]->started)
			say_go(s->w[i], go);
	for (unsigned i = 0; i < s->n; i++) {
		struct eng_worker *w = s->w[i];
		if (!w)
			continue;
		if (w->started)
			pthread_join(w->th, NULL);
		w->ep->wk = NULL;
		worker_free(w);
	}
}

int eng_run_split(struct engine *e, struct in_set *in, void (*on_error)(void *ctx, const char *msg),
		  void (*on_packet)(void *ctx), void *ctx)
{
	struct split s = { .e = e, .on_error = on_error, .on_packet = on_packet, .ctx = ctx };
	int rc = start(&s, in);
	if (rc) {
		stop(&s, -1);	/* nothing was read: the caller reads in one thread */
		return rc;
	}
	in_split(in);
	for (unsigned i = 0; i < s.n; i++)
		if (s.w[i])
			s.w[i]->ep->wk = s.w[i];
	for (unsigned i = 0; i < s.n; i++)
		if (s.w[i])
			say_go(s.w[i], 1);
	join(&s);
	stop(&s, 1);
	return 0;
}
