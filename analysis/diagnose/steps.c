/* Load steps found online; see steps.h. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "analysis/diagnose/steps.h"
#include "analysis/diagnose/verdict.h"
#include "common/hist_int.h"

/* A transaction's way inline whole where gcc left it out of line (each
 * call saved and restored registers): step_txn's, drain's. */
#define ALWAYS_INLINE static inline __attribute__((always_inline))

#define STEP_ACCS 4			/* the open step and the ones waiting for transactions */
#define QUEUE_FIRST 4096
#define QUEUE_MAX (1u << 18)		/* 8 MB: 1.1 windows of 1 s up to 238,000 requests/s */

struct moments {
	double n;			/* a count (exact to 2^53): not converted per sample */
	double mean, m2;		/* Welford */
};

/* A transaction as a step needs it, queued until its window is decided:
 * 32 bytes (at 100,000 requests/s a window's worth is 3 MB). Its start,
 * loss and answer in one word, made with shifts (rec_key; bit-fields were
 * built on the stack, cleared first, then copied: a fifth of step_txn). */
struct rec {
	uint64_t key;			/* start ns << 3 (until the year 2043) | enum txn_lost << 1
					 * | answered */
	float v[RES_STEP_COMPS];	/* ns, NAN: not measured; 7 digits, ample for percentiles */
};

static uint64_t rec_key(uint64_t start_ns, unsigned lost, int answered)
{
	return start_ns << 3 | (uint64_t)(lost & 3) << 1 | (answered != 0);
}

static uint64_t rec_start(const struct rec *r)
{
	return r->key >> 3;
}

static unsigned rec_lost(const struct rec *r)
{
	return (unsigned)(r->key >> 1) & 3;
}

static unsigned rec_answered(const struct rec *r)
{
	return (unsigned)r->key & 1;
}

struct acc {
	uint8_t used, closed, after_gap;
	uint64_t start, end;		/* end: once closed */
	struct step_bin sum;
	uint64_t load;			/* step_bin_load summed */
	double cov_ns;			/* time the bins added cover */
	double set_load, set_ns;	/* full windows only: the rate a change is tested against */
	struct hist *h[RES_STEP_COMPS];
	struct moments m[RES_STEP_COMPS];
	uint64_t txns, answered, lost[4];
};

struct steps {
	struct step_config cfg;
	struct results *r;
	struct acc acc[STEP_ACCS];
	int cur;			/* the open step, -1 none */
	struct step_window_in pend;	/* a window off the rate, waiting for the next */
	int has_pend;
	uint64_t decided;		/* before this, every time is in a step or in none */
	uint64_t now, last_send;
	int64_t bin_ns;
	struct rec *q;
	size_t nq, capq;
	unsigned measured;		/* bit c: component c was measured in a transaction:
					 * the others are not looked at (one point: only the total) */
};

uint32_t step_bin_load(const struct step_bin *b, uint8_t head)
{
	return b->req[head] > b->syn[head] ? b->req[head] : b->syn[head];
}

struct steps *step_new(const struct step_config *cfg, struct results *r)
{
	struct steps *s = calloc(1, sizeof *s);
	if (!s)
		return NULL;
	s->cfg = *cfg;
	if (s->cfg.hold_ns <= 0)
		s->cfg.hold_ns = STEP_HOLD_NS;
	s->r = r;
	s->cur = -1;
	for (int i = 0; i < STEP_ACCS; i++)
		for (int c = 0; c < RES_STEP_COMPS; c++)
			if (!(s->acc[i].h[c] = hist_new())) {
				step_free(s);
				return NULL;
			}
	return s;
}

void step_free(struct steps *s)
{
	if (!s)
		return;
	for (int i = 0; i < STEP_ACCS; i++)
		for (int c = 0; c < RES_STEP_COMPS; c++)
			hist_free(s->acc[i].h[c]);
	free(s->q);
	free(s);
}

/* ---- a step's accumulator ---- */

static void bin_add(struct step_bin *d, const struct step_bin *b)
{
	for (int p = 0; p < PT_N; p++) {
		d->req[p] += b->req[p];
		d->resp[p] += b->resp[p];
		d->syn[p] += b->syn[p];
		d->synack[p] += b->synack[p];
	}
	sched_bin_add(&d->sched[STEP_REQ], &b->sched[STEP_REQ]);
	sched_bin_add(&d->sched[STEP_CONN], &b->sched[STEP_CONN]);
}

static uint32_t load_of(const struct steps *s, const struct step_window_in *w, unsigned lo, unsigned hi)
{
	uint32_t n = 0;
	for (unsigned i = lo; i < hi; i++)
		n += step_bin_load(&w->bin[i], s->cfg.head);
	return n;
}

/* Bins [lo, hi) of w into a; settle: a whole window, part of the rate. */
static void acc_add(struct steps *s, struct acc *a, const struct step_window_in *w, unsigned lo,
		    unsigned hi, int settle)
{
	uint32_t n = load_of(s, w, lo, hi);
	for (unsigned i = lo; i < hi; i++)
		bin_add(&a->sum, &w->bin[i]);
	a->load += n;
	a->cov_ns += (double)(hi - lo) * (double)s->bin_ns;
	if (settle) {
		a->set_load += n;
		a->set_ns += (double)(hi - lo) * (double)s->bin_ns;
	}
}

/* Load per ns: of the whole windows, else of what was added. */
static double acc_rate(const struct acc *a)
{
	if (a->set_ns > 0)
		return a->set_load / a->set_ns;
	return a->cov_ns > 0 ? (double)a->load / a->cov_ns : 0;
}

/* The typical gap between sends, for a step that ends at a pause: it ends
 * one gap after its last send, so that rate = sends / duration. */
static uint64_t acc_interval(const struct acc *a)
{
	double r = acc_rate(a);
	return r > 1.0 / STEP_PAUSE_MIN_NS ? (uint64_t)(1.0 / r) : (uint64_t)STEP_PAUSE_MIN_NS;
}

static void retire_one(struct steps *s, struct acc *a);

static int acc_open(struct steps *s, uint64_t start, int after_gap)
{
	int slot = -1;
	for (int i = 0; i < STEP_ACCS && slot < 0; i++)
		if (!s->acc[i].used)
			slot = i;
	if (slot < 0) {		/* all waiting: the oldest is stored early */
		slot = s->cur == 0 ? 1 : 0;
		for (int i = 0; i < STEP_ACCS; i++)
			if (i != s->cur && s->acc[i].start < s->acc[slot].start)
				slot = i;
		retire_one(s, &s->acc[slot]);
	}
	struct acc *a = &s->acc[slot];
	struct hist *h[RES_STEP_COMPS];
	memcpy(h, a->h, sizeof h);
	memset(a, 0, sizeof *a);
	memcpy(a->h, h, sizeof h);
	for (int c = 0; c < RES_STEP_COMPS; c++)
		hist_reset(a->h[c]);
	a->used = 1;
	a->start = start;
	a->after_gap = (uint8_t)after_gap;
	s->cur = slot;
	return slot;
}

static void acc_close(struct steps *s, uint64_t end)
{
	struct acc *a = &s->acc[s->cur];
	a->end = end > a->start ? end : a->start + 1;
	a->closed = 1;
	s->cur = -1;
}

/* ---- transactions ---- */

static void moments_add(struct moments *m, double v)
{
	m->n += 1;
	double d = v - m->mean;
	m->mean += d / m->n;
	m->m2 += d * (v - m->mean);
}

/* t into a, its components among those measured at all (the others are NAN). */
ALWAYS_INLINE void acc_txn(struct acc *a, const struct rec *t, unsigned measured)
{
	a->txns++;
	a->answered += rec_answered(t);
	if (rec_lost(t))
		a->lost[rec_lost(t)]++;
	for (; measured; measured &= measured - 1) {
		int c = __builtin_ctz(measured);
		if (!isnan(t->v[c])) {
			hist_add_dist(a->h[c], (int64_t)t->v[c]);	/* the sums: m[c] */
			moments_add(&a->m[c], t->v[c]);
		}
	}
}

/* A transaction whose step is already stored: its counts still grow. */
static void late(struct steps *s, const struct rec *t)
{
	struct results *r = s->r;
	size_t lo = 0, hi = r->n_steps;
	while (lo < hi) {	/* the last step starting at or before t */
		size_t mid = (lo + hi) / 2;
		if (r->steps[mid].start_ns <= rec_start(t))
			lo = mid + 1;
		else
			hi = mid;
	}
	struct res_step *st = lo ? &r->steps[lo - 1] : NULL;
	if (!st || rec_start(t) >= st->end_ns) {
		r->steps_outside++;
		return;
	}
	st->transactions++;
	st->answered += rec_answered(t);
	if (rec_lost(t))
		st->lost[rec_lost(t)]++;
	st->answered_fraction = (double)st->answered / (double)st->transactions;
}

static struct acc *home(struct steps *s, uint64_t t)
{
	for (int i = 0; i < STEP_ACCS; i++) {
		struct acc *a = &s->acc[i];
		if (a->used && t >= a->start && (!a->closed || t < a->end))
			return a;
	}
	return NULL;
}

/* Into its step, or (stored already) late. Inline: drain's every record. */
ALWAYS_INLINE void place(struct steps *s, const struct rec *t)
{
	struct acc *a = home(s, rec_start(t));
	if (a)
		acc_txn(a, t, s->measured);
	else
		late(s, t);
}

/* Whether t's window is decided (force: place it anyway). */
static int decided(const struct steps *s, const struct rec *t, int force)
{
	return rec_start(t) < s->decided || force;
}

static void drain(struct steps *s, int force)
{
	size_t k = 0;
	for (size_t i = 0; i < s->nq; i++)
		if (decided(s, &s->q[i], force))
			place(s, &s->q[i]);
		else
			s->q[k++] = s->q[i];
	s->nq = k;
}

/* Room for one more in the queue: 0, or -1 at its bound. */
static int room(struct steps *s)
{
	if (s->nq == s->capq) {
		size_t cap = s->capq ? s->capq * 2 : QUEUE_FIRST;
		struct rec *n = cap <= QUEUE_MAX ? realloc(s->q, cap * sizeof *n) : NULL;
		if (!n)
			return -1;
		s->q = n;
		s->capq = cap;
	}
	return 0;
}

/* Component c as queued: NAN when not measured, else its bit in *m. */
static float comp(int64_t v, int c, unsigned *m)
{
	if (v == TXN_NS_NONE)
		return NAN;
	*m |= 1u << c;
	return (float)v;
}

/* t's components in the steps' order (RS_*, res_step_comp's), read
 * directly: res_comp_value, a switch behind a call, six times per
 * transaction cost more than the rest of step_txn. The server's has a rule
 * (set only when merged): res_comp_value's. Returns the measured ones' bits. */
ALWAYS_INLINE unsigned comps_of(const struct txn *t, float v[RES_STEP_COMPS])
{
	unsigned m = 0;
	v[RS_TOTAL] = comp(t->total_ns, RS_TOTAL, &m);
	/* one point's every transaction: the others NAN at once, not one by one
	 * (a branch each); several points' fail at the first test */
	if (t->client_ns == TXN_NS_NONE && t->link_ns == TXN_NS_NONE && t->bridge_ns == TXN_NS_NONE &&
	    t->guest_ns == TXN_NS_NONE && !t->merged) {
		for (int c = RS_CLIENT; c <= RS_SERVER; c++)
			v[c] = NAN;
		return m;
	}
	v[RS_CLIENT] = comp(t->client_ns, RS_CLIENT, &m);
	v[RS_LINK] = comp(t->link_ns, RS_LINK, &m);
	v[RS_BRIDGE] = comp(t->bridge_ns, RS_BRIDGE, &m);
	v[RS_GUEST] = comp(t->guest_ns, RS_GUEST, &m);
	v[RS_SERVER] = comp(t->merged ? res_comp_value(t, RC_SERVER) : TXN_NS_NONE, RS_SERVER, &m);
	return m;
}

/* step_txn's every way: queued, or placed now when its window is decided
 * (or the queue is at its bound: then what waits is placed by its best
 * guess). */
static __attribute__((noinline)) void txn_any(struct steps *s, const struct txn *t, uint64_t key)
{
	struct rec r, *q = &r;
	int wait = key >> 3 >= s->decided, queued = wait && room(s) == 0;
	if (queued)
		q = &s->q[s->nq++];
	q->key = key;
	s->measured |= comps_of(t, q->v);
	if (queued)
		return;
	if (wait)
		drain(s, 1);
	place(s, q);
}

/* The usual one (its window not decided, room in the queue, no merged
 * component to compute) written where it waits, with no call: nothing to
 * save (the registers were a fifth of step_txn); the others out of line. */
void step_txn(struct steps *s, const struct txn *t, uint64_t start_ns)
{
	uint64_t key = rec_key(start_ns, t->lost_at, t->answered);
	if (key >> 3 < s->decided || s->nq == s->capq || t->merged) {
		txn_any(s, t, key);
		return;
	}
	struct rec *q = &s->q[s->nq++];
	q->key = key;
	s->measured |= comps_of(t, q->v);
}

/* One point's (see res_add_point_txn): only its total is measured, it is
 * never lost nor merged; step_txn's usual way without those tests. */
void step_point_txn(struct steps *s, const struct txn *t, uint64_t start_ns)
{
	uint64_t key = rec_key(start_ns, LOST_NONE, t->answered);
	if (key >> 3 < s->decided || s->nq == s->capq) {
		txn_any(s, t, key);
		return;
	}
	struct rec *q = &s->q[s->nq++];
	q->key = key;
	unsigned m = 0;
	q->v[RS_TOTAL] = comp(t->total_ns, RS_TOTAL, &m);
	for (int c = RS_CLIENT; c <= RS_SERVER; c++)
		q->v[c] = NAN;
	s->measured |= m;
}

/* ---- judging and storing a step ---- */

static void stat_of(const struct acc *a, int c, struct res_stat *o)
{
	const struct hist *h = a->h[c];
	const struct moments *m = &a->m[c];
	static const double q[3] = { 50, 90, 99 };
	int64_t v[3] = { 0, 0, 0 };
	o->count = hist_count(h);
	if (o->count)
		hist_percentiles(h, q, 3, v);	/* one pass over the buckets */
	o->p50 = v[0], o->p90 = v[1], o->p99 = v[2];
	o->mean = m->mean;
	o->stddev = m->n > 1 ? sqrt(m->m2 / (m->n - 1)) : 0;
}

static void row_of(const struct steps *s, const struct acc *a, struct res_step *o)
{
	memset(o, 0, sizeof *o);
	uint8_t h = s->cfg.head;
	o->start_ns = a->start;
	o->end_ns = a->end;
	o->duration_s = (double)(a->end - a->start) / 1e9;
	for (int p = 0; p < PT_N; p++) {
		o->requests[p] = a->sum.req[p];
		o->responses[p] = a->sum.resp[p];
		o->attempts[p] = a->sum.syn[p];
		o->accepted[p] = a->sum.synack[p];
	}
	o->request_rate = (double)o->requests[h] / o->duration_s;
	o->response_rate = (double)o->responses[h] / o->duration_s;
	o->connection_rate = (double)o->attempts[h] / o->duration_s;
	o->transactions = a->txns;
	o->answered = a->answered;
	memcpy(o->lost, a->lost, sizeof o->lost);
	o->answered_fraction = a->txns ? (double)a->answered / (double)a->txns : -1;
	for (int c = 0; c < RES_STEP_COMPS; c++)
		stat_of(a, c, &o->comp[c]);
	/* httperf's schedule is its connections (with --num-calls, a few
	 * requests on each, closed-loop); a client that keeps a few connections
	 * for many requests (wrk2) paces its requests */
	int conn = o->attempts[h] && o->attempts[h] * STEP_CALLS_PER_CONN >= o->requests[h];
	o->sched.of_connections = (uint8_t)conn;
	sched_summary(&a->sum.sched[conn ? STEP_CONN : STEP_REQ], conn ? o->connection_rate : o->request_rate,
		      (int64_t)(a->end - a->start), &o->sched);
	o->after_gap = a->after_gap;
}

static void retire_one(struct steps *s, struct acc *a)
{
	if (a->load >= STEP_MIN_SENDS) {
		struct res_step row;
		row_of(s, a, &row);
		verdict_judge(s->r, &row);
		long i = res_add_step(s->r, &row);
		if (i >= 0 && s->cfg.on_step)
			s->cfg.on_step(s->cfg.ctx, &s->r->steps[i], (size_t)i);
	} else {
		s->r->steps_outside += a->txns;
	}
	a->used = 0;
}

/* Closed steps whose hold is over (all when force), oldest first. */
static void retire(struct steps *s, int force)
{
	for (;;) {
		struct acc *old = NULL;
		for (int i = 0; i < STEP_ACCS; i++) {
			struct acc *a = &s->acc[i];
			if (a->used && a->closed && (!old || a->start < old->start))
				old = a;
		}
		if (!old || (!force && s->now < old->end + (uint64_t)s->cfg.hold_ns))
			return;
		retire_one(s, old);
	}
}

/* ---- finding the steps ---- */

static unsigned bin_at(const struct steps *s, const struct step_window_in *w, uint64_t t)
{
	if (t <= w->start_ns)
		return 0;
	uint64_t i = (t - w->start_ns) / (uint64_t)s->bin_ns;
	return i < STEP_BINS ? (unsigned)i : STEP_BINS;
}

/* -1, 0, +1: n below, within, above what rate e predicts (STEP_REL, STEP_Z). */
static int deviation(double n, double e)
{
	double tol = fmax(fmax(STEP_REL * e, STEP_Z * sqrt(e)), 2.0);
	return n > e + tol ? 1 : n < e - tol ? -1 : 0;
}

/* The tenth of w where the load moves from e_old to e_new per window
 * (least squares); 0: all of w is new. */
static unsigned best_split(const struct steps *s, const struct step_window_in *w, double e_old, double e_new)
{
	double lo = e_old / STEP_BINS, hi = e_new / STEP_BINS, best = INFINITY;
	unsigned at = 0;
	for (unsigned j = 0; j <= STEP_BINS; j++) {
		double err = 0;
		for (unsigned i = 0; i < STEP_BINS; i++) {
			double d = step_bin_load(&w->bin[i], s->cfg.head) - (i < j ? lo : hi);
			err += d * d;
		}
		if (err < best) {
			best = err;
			at = j;
		}
	}
	return at;
}

static void commit_pend(struct steps *s)
{
	if (s->has_pend && s->cur >= 0)
		acc_add(s, &s->acc[s->cur], &s->pend, 0, STEP_BINS, 0);
	s->has_pend = 0;
}

/* A pause ended in w: the open step ends at its last send, a new one
 * begins at the first send after it. */
static void on_pause(struct steps *s, const struct step_window_in *w)
{
	uint64_t wend = w->start_ns + (uint64_t)w->duration_ns;
	commit_pend(s);
	if (s->cur >= 0) {
		struct acc *a = &s->acc[s->cur];
		acc_add(s, a, w, 0, bin_at(s, w, w->pause_from / 2 + w->pause_to / 2), 0);
		acc_close(s, w->pause_from + acc_interval(a));
	}
	struct acc *n = &s->acc[acc_open(s, w->pause_to, w->pause_from != 0)];
	unsigned b = bin_at(s, w, w->pause_to);
	acc_add(s, n, w, b < STEP_BINS ? b : STEP_BINS - 1, STEP_BINS, 0);
	n->cov_ns = (double)(wend - w->pause_to);
}

/* The rate changed: the part of the pending window before the change
 * ends the open step, the rest and w begin the next. */
static void on_change(struct steps *s, const struct step_window_in *w, double e_old, double e_new)
{
	unsigned j = best_split(s, &s->pend, e_old, e_new);
	acc_add(s, &s->acc[s->cur], &s->pend, 0, j, 0);
	acc_close(s, s->pend.start_ns + (uint64_t)j * (uint64_t)s->bin_ns);
	struct acc *n = &s->acc[acc_open(s, s->pend.start_ns + (uint64_t)j * (uint64_t)s->bin_ns, 0)];
	acc_add(s, n, &s->pend, j, STEP_BINS, j == 0);
	acc_add(s, n, w, 0, STEP_BINS, 1);
	s->has_pend = 0;
}

/* A whole window inside the open step: same rate, a first window off it
 * (pending), or the second that confirms a change. */
static void on_load(struct steps *s, const struct step_window_in *w)
{
	struct acc *a = &s->acc[s->cur];
	double c = load_of(s, w, 0, STEP_BINS);
	if (a->set_ns <= 0) {	/* the first whole window sets the rate */
		acc_add(s, a, w, 0, STEP_BINS, 1);
		return;
	}
	double e = a->set_load / a->set_ns * (double)w->duration_ns;
	int dev = deviation(c, e);
	if (!dev) {
		commit_pend(s);
		acc_add(s, a, w, 0, STEP_BINS, 1);
	} else if (!s->has_pend) {
		s->pend = *w;
		s->has_pend = 1;
	} else if (deviation(load_of(s, &s->pend, 0, STEP_BINS), e) == dev) {
		on_change(s, w, e, c);
	} else {	/* off in the other direction: the pending one was a blip */
		commit_pend(s);
		s->pend = *w;
		s->has_pend = 1;
	}
}

void step_window(struct steps *s, const struct step_window_in *w)
{
	uint64_t wend = w->start_ns + (uint64_t)w->duration_ns;
	s->bin_ns = w->duration_ns / STEP_BINS > 0 ? w->duration_ns / STEP_BINS : 1;
	if (w->pause_to)
		on_pause(s, w);
	else if (s->cur >= 0)
		on_load(s, w);
	if (w->tail_from && s->cur >= 0 && w->tail_from >= s->acc[s->cur].start) {
		commit_pend(s);
		acc_close(s, w->tail_from + acc_interval(&s->acc[s->cur]));
	}
	if (w->last_send)
		s->last_send = w->last_send;
	s->decided = s->has_pend ? s->pend.start_ns : wend;
	s->now = wend;
	drain(s, 0);
	retire(s, 0);
}

void step_finish(struct steps *s)
{
	commit_pend(s);
	if (s->cur >= 0)
		acc_close(s, (s->last_send > s->acc[s->cur].start ? s->last_send : s->acc[s->cur].start) +
				     acc_interval(&s->acc[s->cur]));
	s->decided = UINT64_MAX;
	drain(s, 1);
	retire(s, 1);
}
