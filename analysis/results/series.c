/* The time series; see series.h. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "analysis/results/series.h"
#include "common/hist_int.h"

const char *const ser_comp_name[SER_COMPS] = { "total", "client", "link", "bridge", "guest",
					       "network", "server" };
const double ser_pct_q[SER_PCTS] = { 50, 90, 99 };
const char *const ser_pct_name[SER_PCTS] = { "p50", "p90", "p99" };

struct open_win {
	int used;			/* something landed in it */
	uint64_t start;
	struct ser_row row;
	struct hist *h[SER_PROTOS][SER_COMPS];
};

/* A point's counters as the series sees them. Their growth is added to a
 * row when the point's packets move to another window or the window
 * closes, not after every packet: a packet in the same window as the last
 * costs a copy of six counters (subtracting, testing and adding them after
 * every packet cost 55 instructions more). The counters at its last
 * ser_point, and owed's start, are in head.pt (series.h). */
struct ser_pt {
	struct open_win *owed;		/* open: last - base belongs to its row; NULL: none */
	uint64_t base[SER_SEEN_N];	/* the counters when that growth began (last when none) */
};

struct series {
	struct ser_head head;		/* first (series.h); newest: the start of the
					 * window time has reached; len: width once any,
					 * while rows are held, else 0; pt: see owe */
	uint64_t width;
	int any;
	uint64_t next_close;		/* start of the oldest window not closed yet */
	struct open_win o[SER_OPEN];
	struct ser_pt pt[PT_N];
	struct open_win *hot;		/* open, the last packet's or transaction's (slot) */
	ser_row_fn fn;
	void *ctx;
	struct res_series *rows;
};

/* ---- reading rows ---- */

const struct ser_row *ser_row(const struct res_series *rs, size_t i)
{
	return i < rs->n ? &rs->rows[(rs->first + i) % rs->cap] : NULL;
}

double ser_lat_mean(const struct ser_lat *l)
{
	return l->n ? l->sum / (double)l->n : 0;
}

double ser_lat_stddev(const struct ser_lat *l)
{
	if (!l->n)
		return 0;
	double m = ser_lat_mean(l), v = l->sumsq / (double)l->n - m * m;
	return v > 0 ? sqrt(v) : 0;	/* rounding can leave a tiny negative */
}

uint64_t ser_requests(const struct ser_row *r, int point)
{
	return r->req[SER_DNS][point] + r->req[SER_HTTP][point];
}

uint64_t ser_responses(const struct ser_row *r, int point)
{
	return r->resp[SER_DNS][point] + r->resp[SER_HTTP][point];
}

/* ---- setup ---- */

struct series *ser_new(unsigned roles, int64_t window_ns, size_t max_rows)
{
	struct series *s = calloc(1, sizeof *s);
	if (!s)
		return NULL;
	s->width = window_ns > 0 ? (uint64_t)window_ns : 1000000000ull;
	s->rows = calloc(1, sizeof *s->rows);
	if (!s->rows)
		goto fail;
	s->rows->window_ns = (int64_t)s->width;
	s->rows->roles = roles;
	s->rows->max_rows = max_rows ? max_rows : SER_MAX_ROWS_DEFAULT;
	for (int i = 0; i < SER_OPEN; i++)
		for (int p = 0; p < SER_PROTOS; p++)
			for (int c = 0; c < SER_COMPS; c++)
				if (!(s->o[i].h[p][c] = hist_new()))
					goto fail;
	return s;
fail:
	ser_free(s);
	return NULL;
}

void ser_set_row_hook(struct series *s, ser_row_fn fn, void *ctx)
{
	s->fn = fn;
	s->ctx = ctx;
}

/* ---- closing windows into rows ---- */

/* Room for one more row: grows while under max_rows, then the oldest gives
 * way. NULL when memory ran out (the row is counted as dropped). */
static struct ser_row *append(struct res_series *r)
{
	if (r->n == r->cap && r->cap < r->max_rows) {	/* not wrapped yet: first is 0 */
		size_t cap = r->cap ? r->cap * 2 : 64;
		cap = cap < r->max_rows ? cap : r->max_rows;
		struct ser_row *n = realloc(r->rows, cap * sizeof *n);
		if (n) {
			r->rows = n;
			r->cap = cap;
		}
	}
	if (r->n < r->cap)
		return &r->rows[(r->first + r->n++) % r->cap];
	r->dropped++;
	if (!r->cap)
		return NULL;
	struct ser_row *oldest = &r->rows[r->first];
	r->first = (r->first + 1) % r->cap;
	return oldest;
}

static void emit(struct series *s, const struct ser_row *row)
{
	struct ser_row *to = append(s->rows);
	if (to)
		*to = *row;
	if (s->fn)
		s->fn(s->ctx, s->rows, to ? to : row);
}

/* The counters' growth d (in ser_seen_of's order) into a row's columns of point p. */
static void seen_add(struct ser_row *r, const uint64_t d[SER_SEEN_N], uint8_t p)
{
	r->packets[p] += d[SER_SEEN_PKTS];
	r->req[SER_DNS][p] += d[SER_SEEN_DNS_Q];
	r->resp[SER_DNS][p] += d[SER_SEEN_DNS_R];
	r->req[SER_HTTP][p] += d[SER_SEEN_HTTP_Q];
	r->resp[SER_HTTP][p] += d[SER_SEEN_HTTP_R];
	r->conns[p] += d[SER_SEEN_HTTP_C];
}

/* Point p's growth owed to o from now (NULL: to none), in head.pt too:
 * ser_point's test is that of the window's start (owed's start, width). */
static void owe(struct series *s, uint8_t p, struct open_win *o)
{
	s->pt[p].owed = o;
	s->head.pt[p].lo = o ? o->start : 0;
	s->head.pt[p].len = o ? s->width : 0;
}

/* Point p's growth owed to a window into its row: up to its last ser_point. */
static void settle(struct series *s, uint8_t p)
{
	struct ser_pt *sp = &s->pt[p];
	const uint64_t *last = s->head.pt[p].last;
	if (!sp->owed)
		return;
	uint64_t d[SER_SEEN_N];
	for (int k = 0; k < SER_SEEN_N; k++)
		d[k] = last[k] - sp->base[k];
	seen_add(&sp->owed->row, d, p);
	memcpy(sp->base, last, sizeof sp->base);
	owe(s, p, NULL);
}

/* The window's percentiles out of its histograms, which are emptied. */
static void close_win(struct series *s, struct open_win *o)
{
	for (uint8_t p = 0; p < PT_N; p++)
		if (s->pt[p].owed == o)
			settle(s, p);
	for (int p = 0; p < SER_PROTOS; p++)
		for (int c = 0; c < SER_COMPS; c++) {
			struct ser_lat *l = &o->row.lat[p][c];
			if (!(l->n = hist_count(o->h[p][c])))
				continue;
			hist_percentiles(o->h[p][c], ser_pct_q, SER_PCTS, l->pct);
			hist_reset(o->h[p][c]);
		}
	emit(s, &o->row);
	o->used = 0;
	if (s->hot == o)
		s->hot = NULL;	/* hot is only ever an open window */
}

static struct open_win *win_of(struct series *s, uint64_t start)
{
	return &s->o[(start / s->width) % SER_OPEN];
}

/* The oldest window still open closes: its row, or an empty one. */
static void close_next(struct series *s)
{
	struct open_win *o = win_of(s, s->next_close);
	if (o->used && o->start == s->next_close) {
		close_win(s, o);
	} else {
		struct ser_row empty;
		memset(&empty, 0, sizeof empty);
		empty.start_ns = s->next_close;
		emit(s, &empty);
	}
	s->next_close += s->width;
}

/* A gap longer than the rows kept: what is open closes, and the empty
 * windows that would only scroll out of the kept rows are counted, not made. */
static void skip_gap(struct series *s, uint64_t w)
{
	uint64_t keep = s->rows->max_rows + SER_OPEN;
	if ((w - s->next_close) / s->width <= keep)
		return;
	while (s->next_close <= s->head.newest)
		close_next(s);
	uint64_t skip = (w - s->next_close) / s->width - keep;
	s->rows->dropped += skip;
	s->next_close += skip * s->width;
}

/* ser_advance past the newest window (or the first time). */
static __attribute__((noinline)) void advance_to(struct series *s, uint64_t now_ns)
{
	uint64_t w = now_ns - now_ns % s->width;
	if (!s->any) {
		s->any = 1;
		s->next_close = s->head.newest = w;
		s->head.len = s->width;
		return;
	}
	if (w <= s->head.newest)
		return;
	skip_gap(s, w);
	s->head.newest = w;
	while (s->head.newest - s->next_close >= SER_OPEN * s->width)
		close_next(s);
}

/* ser_advance's way out of the newest window (series.h: in it, nearly
 * always, nothing moves, with no division: newest is a window's start, so
 * now's would be newest). */
void ser_advance_to(struct series *s, uint64_t now_ns)
{
	if (!s->rows)
		return;		/* handed over: the series is final */
	if (s->any && now_ns - s->head.newest < s->width)
		return;
	advance_to(s, now_ns);
}

void ser_finish(struct series *s)
{
	while (s->rows && s->any && s->next_close <= s->head.newest)
		close_next(s);
}

/* ---- filling the open windows ---- */

/* slot() past the hot window: time moves on to t's window when it is
 * ahead; NULL when it has closed already. */
static __attribute__((noinline)) struct open_win *slot_move(struct series *s, uint64_t t)
{
	ser_advance(s, t);
	uint64_t w = t - t % s->width;
	if (w < s->next_close)
		return NULL;
	struct open_win *o = win_of(s, w);
	if (!o->used || o->start != w) {
		o->used = 1;
		o->start = w;
		for (uint8_t p = 0; p < PT_N; p++)	/* as ser_point read owed's start */
			if (s->pt[p].owed == o)
				s->head.pt[p].lo = w;
		memset(&o->row, 0, sizeof o->row);
		o->row.start_ns = w;
	}
	s->hot = o;
	return o;
}

/* The open window holding t, or NULL when it has closed already. The
 * window of the last packet again (nearly always): nothing moves, as
 * ser_advance does nothing for a time inside an open window, and no
 * division (three per packet otherwise); one test, as hot is only ever an
 * open window (close_win forgets it) and t before its start wraps. */
static inline struct open_win *slot(struct series *s, uint64_t t)
{
	struct open_win *h = s->hot;
	if (h && t - h->start < s->width)
		return h;
	return slot_move(s, t);
}

void ser_seen_set(struct pt_counts *c, const uint64_t v[SER_SEEN_N])
{
	c->packets = v[SER_SEEN_PKTS];
	c->dns_queries = v[SER_SEEN_DNS_Q];
	c->dns_responses = v[SER_SEEN_DNS_R];
	c->http_requests = v[SER_SEEN_HTTP_Q];
	c->http_responses = v[SER_SEEN_HTTP_R];
	c->http_connections = v[SER_SEEN_HTTP_C];
}

/* ser_point when point's packets move to another window (or start): what
 * was owed settles, this packet's growth is owed to its window (counted
 * late, and dropped, when that has closed). */
void ser_point_moves(struct series *s, uint8_t point, uint64_t ts_ns, const struct pt_counts *c)
{
	if (point >= PT_N || !s->rows)
		return;
	struct ser_pt *sp = &s->pt[point];
	uint64_t *last = s->head.pt[point].last;
	settle(s, point);
	uint64_t v[SER_SEEN_N], any = 0;
	ser_seen_of(c, v);
	for (int k = 0; k < SER_SEEN_N; k++)
		any |= v[k] - last[k];
	memcpy(last, v, sizeof v);
	if (!any)
		return;		/* no growth: no window (base is last) */
	struct open_win *o = slot(s, ts_ns);
	if (o) {
		owe(s, point, o);	/* from base, the counters before this packet */
	} else {
		s->rows->late++;
		memcpy(sp->base, v, sizeof v);
	}
}

/* A component's value v (TXN_NS_NONE: not measured) into window o's
 * column c of protocol p. */
static inline void lat_add(struct open_win *o, int p, int c, int64_t v)
{
	if (v == TXN_NS_NONE)
		return;
	hist_add_dist(o->h[p][c], v);	/* the row keeps the sums */
	o->row.lat[p][c].sum += (double)v;
	o->row.lat[p][c].sumsq += (double)v * (double)v;
}

/* The window of a transaction that ended at end_ns (see ser_txn), its
 * count in it; NULL when it has closed (counted late). */
static inline struct open_win *txn_win(struct series *s, const struct txn *t, uint64_t end_ns)
{
	if (!s->rows)
		return NULL;
	struct open_win *o = end_ns ? slot(s, end_ns) : s->any ? slot(s, s->head.newest) : NULL;
	if (!o) {
		s->rows->late++;
		return NULL;
	}
	o->row.txns[t->proto == TXN_HTTP]++;
	return o;
}

void ser_txn(struct series *s, const struct txn *t, uint64_t end_ns)
{
	struct open_win *o = txn_win(s, t, end_ns);
	if (!o)
		return;
	int p = t->proto == TXN_HTTP;
	if (t->lost_at)
		o->row.lost[p]++;
	/* in a straight line: a loop cost a switch per component */
	lat_add(o, p, SC_TOTAL, t->total_ns);
	lat_add(o, p, SC_CLIENT, t->client_ns);
	lat_add(o, p, SC_LINK, t->link_ns);
	lat_add(o, p, SC_BRIDGE, t->bridge_ns);
	lat_add(o, p, SC_GUEST, t->guest_ns);
	lat_add(o, p, SC_NETWORK, t->network_ns);
	/* as in the summary (results.c): only where the vif was missing */
	lat_add(o, p, SC_SERVER, t->merged & TXN_M_SERVER ? t->server_ns : TXN_NS_NONE);
}

/* ser_point_txn's every way. */
static __attribute__((noinline)) void point_txn_any(struct series *s, const struct txn *t, uint64_t end_ns)
{
	struct open_win *o = txn_win(s, t, end_ns);
	if (o)
		lat_add(o, t->proto == TXN_HTTP, SC_TOTAL, t->total_ns);
}

/* One point's: the total only (the six tests of the others, all
 * TXN_NS_NONE, and lost_at's cost 15 instructions a transaction). An
 * answered one that ended in the hot window (nearly all) is counted here
 * with no call, so nothing is saved; the others out of line. */
void ser_point_txn(struct series *s, const struct txn *t, uint64_t end_ns)
{
	struct open_win *o = s->hot;
	if (!end_ns || !o || end_ns - o->start >= s->width || !s->rows) {
		point_txn_any(s, t, end_ns);
		return;
	}
	int p = t->proto == TXN_HTTP;
	o->row.txns[p]++;	/* txn_win's */
	lat_add(o, p, SC_TOTAL, t->total_ns);
}

/* ---- handing over ---- */

struct res_series *ser_take(struct series *s)
{
	struct res_series *r = s->rows;
	s->rows = NULL;
	s->head.len = 0;	/* ser_advance_to's every time: it returns at once */
	for (uint8_t p = 0; p < PT_N; p++)
		s->head.pt[p].len = 0;	/* ser_point_moves' likewise */
	return r;
}

void ser_free_rows(struct res_series *r)
{
	if (!r)
		return;
	free(r->rows);
	free(r);
}

void ser_free(struct series *s)
{
	if (!s)
		return;
	for (int i = 0; i < SER_OPEN; i++)
		for (int p = 0; p < SER_PROTOS; p++)
			for (int c = 0; c < SER_COMPS; c++)
				hist_free(s->o[i].h[p][c]);
	ser_free_rows(s->rows);
	free(s);
}
