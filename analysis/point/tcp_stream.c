/* In-order byte delivery for one TCP direction; see tcp_stream.h. */
#include <stdlib.h>
#include "analysis/point/tcp_stream.h"
#include "common/slots.h"

struct tcps_slot {
	uint32_t seq, wire, cap;
	uint64_t ts_ns;
	uint8_t bytes[TCPS_SLOT_BYTES];
};

struct tcps_pool {
	struct slots free;
	struct tcps_slot *slots;
};

struct tcps_pool *tcps_pool_new(unsigned nslots)
{
	struct tcps_pool *p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	p->slots = calloc(nslots ? nslots : 1, sizeof(*p->slots));
	if (!p->slots || slots_init(&p->free, nslots) < 0) {
		tcps_pool_free(p);
		return NULL;
	}
	return p;
}

void tcps_pool_free(struct tcps_pool *p)
{
	if (!p)
		return;
	free(p->slots);
	slots_fini(&p->free);
	free(p);
}

void tcps_init(struct tcps_dir *d, uint32_t seq)
{
	d->next = seq;
	d->init = 1;
}

/* Hands out [seq, seq + wire) after trimming what was delivered already. */
static void deliver(struct tcps_dir *d, uint32_t seq, struct cur data, uint32_t wire,
		    uint64_t ts, tcps_fn fn, void *ctx)
{
	struct tcps_chunk ch = { .ts_ns = ts };
	int32_t off = tcps_diff(seq, d->next);

	if (off + (int64_t)wire <= 0)
		return;
	if (off < 0) {			/* overlap with delivered bytes */
		uint32_t trim = (uint32_t)-off;
		size_t left = cur_left(&data);
		cur_skip(&data, trim < left ? trim : left);
		data = cur_rest(&data);
		wire -= trim;
		seq = d->next;
	} else if (off > 0) {
		ch.gap = 1;
		ch.gap_bytes = (uint32_t)off;
	}
	ch.data = data;
	ch.seq = seq;
	ch.wire = wire;
	d->next = seq + wire;
	d->delivered += wire;
	fn(ctx, &ch);
}

/* Delivers the first held segment. ts: the packet that released it when it
 * filled the hole before it (reassembly completes there), else 0. */
static void pop_held(struct tcps_pool *p, struct tcps_dir *d, uint64_t ts, tcps_fn fn, void *ctx)
{
	uint32_t i = d->held[0];
	struct tcps_slot *s = &p->slots[i];

	for (unsigned k = 1; k < d->nheld; k++)
		d->held[k - 1] = d->held[k];
	d->nheld--;
	deliver(d, s->seq, cur_make(s->bytes, s->cap), s->wire, ts > s->ts_ns ? ts : s->ts_ns,
		fn, ctx);
	slots_put(&p->free, i);
}

/* Held segments that now continue the stream go out. */
static void drain(struct tcps_pool *p, struct tcps_dir *d, uint64_t ts, tcps_fn fn, void *ctx)
{
	while (d->nheld && tcps_diff(p->slots[d->held[0]].seq, d->next) <= 0)
		pop_held(p, d, ts, fn, ctx);
}

/* Keeps a copy of a segment ahead of the stream; 0 when it cannot. */
static int hold(struct tcps_pool *p, struct tcps_dir *d, uint32_t seq, struct cur data,
		uint32_t wire, uint64_t ts)
{
	if (d->nheld == TCPS_HOLD_MAX || p->free.nfree == 0)
		return 0;
	unsigned pos = d->nheld;
	while (pos > 0 && tcps_diff(p->slots[d->held[pos - 1]].seq, seq) > 0)
		pos--;
	if (pos > 0) {			/* same start seen: a retransmission of held data */
		struct tcps_slot *prev = &p->slots[d->held[pos - 1]];
		if (prev->seq == seq && prev->wire >= wire)
			return 1;
	}
	uint32_t i = slots_get(&p->free);
	struct tcps_slot *s = &p->slots[i];
	size_t cap = cur_left(&data);
	if (cap > TCPS_SLOT_BYTES)
		cap = TCPS_SLOT_BYTES;
	s->seq = seq;
	s->wire = wire;
	s->cap = (uint32_t)cap;
	s->ts_ns = ts;
	if (cap)
		cur_copy(&data, s->bytes, cap);
	for (unsigned k = d->nheld; k > pos; k--)
		d->held[k] = d->held[k - 1];
	d->held[pos] = i;
	d->nheld++;
	return 1;
}

/* The FIN is reached once every byte before it went out. */
static void fin_check(struct tcps_dir *d, uint64_t ts, tcps_fn fn, void *ctx)
{
	if (!d->fin || d->fin_done || d->nheld || tcps_diff(d->fin_seq, d->next) > 0)
		return;
	struct tcps_chunk ch = { .data = cur_make(NULL, 0), .seq = d->fin_seq, .fin = 1,
				 .ts_ns = ts > d->fin_ts ? ts : d->fin_ts };
	d->fin_done = 1;
	fn(ctx, &ch);
}

int tcps_segment(struct tcps_pool *p, struct tcps_dir *d, uint32_t seq, struct cur data,
		 uint32_t wire, uint64_t ts_ns, tcps_fn fn, void *ctx)
{
	if (wire == 0)
		return TCPS_OLD;
	if (!d->init)
		tcps_init(d, seq);
	int32_t off = tcps_diff(seq, d->next);
	if (off + (int64_t)wire <= 0)
		return TCPS_OLD;
	/* Ahead of the stream: hold it, unless the peer already acknowledged
	 * the bytes before it (they were sent and will not be seen). */
	if (off > 0 && !(d->has_ack && tcps_diff(d->peer_ack, d->next) > 0 &&
			 tcps_diff(seq, d->peer_ack) <= 0)) {
		if (hold(p, d, seq, data, wire, ts_ns))
			return TCPS_HELD;
	}
	/* what is held before it goes out first, with its gaps */
	while (off > 0 && d->nheld && tcps_diff(p->slots[d->held[0]].seq, seq) < 0)
		pop_held(p, d, 0, fn, ctx);
	deliver(d, seq, data, wire, ts_ns, fn, ctx);
	drain(p, d, ts_ns, fn, ctx);
	fin_check(d, ts_ns, fn, ctx);
	return TCPS_NEW;
}

/* Bytes up to seq were never seen: the consumer hears of the hole now. */
static void gap_to(struct tcps_dir *d, uint32_t seq, tcps_fn fn, void *ctx)
{
	struct tcps_chunk ch = { .data = cur_make(NULL, 0), .seq = seq, .gap = 1,
				 .gap_bytes = (uint32_t)tcps_diff(seq, d->next) };
	d->next = seq;
	fn(ctx, &ch);
}

void tcps_fin(struct tcps_pool *p, struct tcps_dir *d, uint32_t fin_seq, uint64_t ts,
	      tcps_fn fn, void *ctx)
{
	(void)p;
	if (!d->init)
		tcps_init(d, fin_seq);
	if (!d->fin) {
		d->fin = 1;
		d->fin_seq = fin_seq;
		d->fin_ts = ts;
	}
	fin_check(d, ts, fn, ctx);
}

void tcps_ack(struct tcps_pool *p, struct tcps_dir *d, uint32_t ack, tcps_fn fn, void *ctx)
{
	if (!d->has_ack || tcps_diff(ack, d->peer_ack) > 0) {
		d->peer_ack = ack;
		d->has_ack = 1;
	}
	/* A hole the peer has acknowledged past will not fill. */
	while (d->init && d->nheld && tcps_diff(d->peer_ack, d->next) > 0 &&
	       tcps_diff(p->slots[d->held[0]].seq, d->peer_ack) <= 0) {
		pop_held(p, d, 0, fn, ctx);
		drain(p, d, 0, fn, ctx);
	}
	/* A FIN waiting behind a hole the peer acknowledged: the hole is for
	 * good. (Without a FIN or held data nothing waits: an ACK captured just
	 * before the data it answers, as multi-queue capture points can do,
	 * must not turn that data into a retransmission.) The FIN takes a
	 * sequence number that carries no byte. */
	uint32_t upto = tcps_diff(d->peer_ack, d->fin_seq) > 0 ? d->fin_seq : d->peer_ack;
	if (d->init && d->nheld == 0 && d->fin && tcps_diff(upto, d->next) > 0)
		gap_to(d, upto, fn, ctx);
	fin_check(d, 0, fn, ctx);
}

void tcps_flush(struct tcps_pool *p, struct tcps_dir *d, tcps_fn fn, void *ctx)
{
	while (d->nheld)
		pop_held(p, d, 0, fn, ctx);
	if (d->fin && tcps_diff(d->fin_seq, d->next) > 0)
		gap_to(d, d->fin_seq, fn, ctx);
	fin_check(d, 0, fn, ctx);
}

void tcps_release(struct tcps_pool *p, struct tcps_dir *d)
{
	for (unsigned k = 0; k < d->nheld; k++)
		slots_put(&p->free, d->held[k]);
	d->nheld = 0;
}

/* Message buffers. */
struct tcps_bufs {
	struct slots free;
	uint8_t (*bytes)[TCPS_BUF_BYTES];
};

struct tcps_bufs *tcps_bufs_new(unsigned n)
{
	struct tcps_bufs *b = calloc(1, sizeof(*b));
	if (!b)
		return NULL;
	b->bytes = calloc(n ? n : 1, TCPS_BUF_BYTES);
	if (!b->bytes || slots_init(&b->free, n) < 0) {
		tcps_bufs_free(b);
		return NULL;
	}
	return b;
}

void tcps_bufs_free(struct tcps_bufs *b)
{
	if (!b)
		return;
	free(b->bytes);
	slots_fini(&b->free);
	free(b);
}

uint32_t tcps_buf_get(struct tcps_bufs *b)
{
	return b->free.nfree ? slots_get(&b->free) : TCPS_NONE;
}

void tcps_buf_put(struct tcps_bufs *b, uint32_t i)
{
	if (i != TCPS_NONE)
		slots_put(&b->free, i);
}

uint8_t *tcps_buf(struct tcps_bufs *b, uint32_t i)
{
	return b->bytes[i];
}
