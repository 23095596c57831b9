/* Per-transaction attribution across points; see attrib.h and
 * docs/attribution.md. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "analysis/path/attrib.h"
#include "analysis/point/endpoint.h"
#include "common/table.h"

#define L_CREATED 0	/* the one age list: joins in order of their first report */

/* ---- the arithmetic ---------------------------------------------------- */

/* The packets that cross the path for one transaction: in[k] goes toward the
 * guest, out[k] comes back as its answer (SYN/SYN-ACK, request/response). */
struct legs {
	unsigned n;
	uint64_t in[2], out[2];
	uint64_t start, end;	/* total = end - start at the head */
	uint64_t mark;		/* client time = in[n-1] - mark */
};

/* 0 and *l, or -EINVAL when a time the legs need was not seen. With one
 * leg, in[1] and out[1] stay unset (nothing reads them). */
static int legs_of(const struct txn *proto, const struct txn_times *t, struct legs *l)
{
	l->end = t->resp_last;
	if (proto->proto == TXN_HTTP && proto->first_on_conn) {
		l->n = 2;
		l->in[0] = l->start = t->syn;
		l->out[0] = l->mark = t->synack;
		l->in[1] = t->req_last;
		l->out[1] = t->resp_last;
		return t->syn && t->synack && t->req_last && t->resp_last ? 0 : -EINVAL;
	}
	l->n = 1;
	l->mark = l->start = proto->proto == TXN_HTTP && t->req_first ? t->req_first : t->req_last;
	l->in[0] = t->req_last;
	l->out[0] = t->resp_last;
	return t->req_last && t->resp_last && l->mark ? 0 : -EINVAL;
}

static int64_t dt(uint64_t a, uint64_t b) { return (int64_t)(a - b); }

/* Time spent between point a and the later point b (both directions). */
static int64_t hop(const struct legs *a, const struct legs *b, int64_t *in, int64_t *out)
{
	*in = *out = 0;
	for (unsigned k = 0; k < a->n; k++) {
		*in += dt(b->in[k], a->in[k]);
		*out += dt(a->out[k], b->out[k]);
	}
	return *in + *out;
}

/* Time spent beyond the last point (answering). */
static int64_t beyond(const struct legs *l)
{
	int64_t s = 0;
	for (unsigned k = 0; k < l->n; k++)
		s += dt(l->out[k], l->in[k]);
	return s;
}

static unsigned points_of(unsigned roles, uint8_t pts[PT_N])
{
	unsigned n = 0;
	for (unsigned p = 0; p < PT_N; p++)
		if (roles & 1u << p)
			pts[n++] = (uint8_t)p;
	return n;
}

/* The loss of a hop between points a < b (client-vif merged: reported as link). */
static uint8_t hop_loss(uint8_t a, uint8_t b)
{
	(void)a;
	return b == PT_VIF && a == PT_UPLINK ? LOST_BRIDGE : LOST_LINK;
}

/* Where an unanswered transaction stopped. */
static uint8_t find_loss(const uint8_t *pts, unsigned n, const uint8_t have[PT_N],
			 const uint8_t answered[PT_N])
{
	for (unsigned i = 1; i < n; i++)
		if (!have[pts[i]])
			return hop_loss(pts[i - 1], pts[i]);	/* the request stopped here */
	if (!answered[pts[n - 1]])
		return LOST_GUEST;	/* reached the last point, never answered */
	for (unsigned i = n - 1; i > 0; i--)
		if (!answered[pts[i - 1]])
			return hop_loss(pts[i - 1], pts[i]);	/* the answer stopped here */
	return LOST_NONE;
}

static void put_hop(struct txn *o, uint8_t a, uint8_t b, int64_t v, int64_t in, int64_t out)
{
	if (a == PT_CLIENT) {
		o->link_in_ns = in;
		o->link_out_ns = out;
	}
	if (a == PT_CLIENT && b == PT_UPLINK)
		o->link_ns = v;
	else if (a == PT_UPLINK)
		o->bridge_ns = v;
	else
		o->network_ns = v;	/* client-vif: link + bridge */
}

static void clear(struct txn *o)
{
	o->client_ns = o->link_ns = o->bridge_ns = o->guest_ns = o->network_ns = TXN_NS_NONE;
	o->link_in_ns = o->link_out_ns = o->server_ns = o->client_link_ns = TXN_NS_NONE;
	o->lost_at = LOST_NONE;
	o->merged = 0;
}

/* attrib_compute with the points given (pts[0..n), on the path's order). */
static void compute(const uint8_t *pts, unsigned n, const uint8_t have[PT_N],
		    const uint8_t answered[PT_N], const struct txn_times t[PT_N], struct txn *o)
{
	clear(o);
	if (!n || !have[pts[0]])
		return;
	uint8_t head = pts[0];
	if (!answered[head] || n < 2) {
		o->total_ns = TXN_NS_NONE;
		if (n >= 2)
			o->lost_at = find_loss(pts, n, have, answered);
		return;
	}
	struct legs l[PT_N];
	int ok[PT_N];
	for (unsigned i = 0; i < n; i++)
		ok[i] = have[pts[i]] && answered[pts[i]] && legs_of(o, &t[pts[i]], &l[i]) == 0;
	if (!ok[0]) {
		o->total_ns = TXN_NS_NONE;
		return;
	}
	o->total_ns = dt(l[0].end, l[0].start);
	int64_t client = dt(l[0].in[l[0].n - 1], l[0].mark);
	if (o->proto != TXN_HTTP) {
		/* a DNS query is one packet: no client part to give (null, not 0) */
	} else if (head == PT_CLIENT) {
		o->client_ns = client;
	} else {
		o->client_link_ns = client;
		o->merged |= TXN_M_CLIENT_LINK;
	}
	for (unsigned i = 0; i + 1 < n; i++) {
		if (!ok[i] || !ok[i + 1])
			continue;
		int64_t in, out, v = hop(&l[i], &l[i + 1], &in, &out);
		put_hop(o, pts[i], pts[i + 1], v, in, out);
	}
	if (ok[n - 1]) {
		if (pts[n - 1] == PT_VIF)
			o->guest_ns = beyond(&l[n - 1]);
		else {
			o->server_ns = beyond(&l[n - 1]);
			o->merged |= TXN_M_SERVER;
		}
	}
}

void attrib_compute(unsigned roles, const uint8_t have[PT_N], const uint8_t answered[PT_N],
		    const struct txn_times t[PT_N], struct txn *o)
{
	uint8_t pts[PT_N];
	unsigned n = points_of(roles, pts);
	compute(pts, n, have, answered, t, o);
}

/* ---- joining the points' transactions ---------------------------------- */

/* A join waiting for the other points. Only what was reported is set: t[p]
 * where have[p], and txn whole once the head reported, before that only its
 * join key (what key_eq reads): opening a join copies no more than that. */
struct pend {
	uint64_t created;	/* Dom0 time of the first report */
	uint8_t have[PT_N], answered[PT_N];
	uint8_t reported;	/* have[] as bits (1 << PT_*) */
	uint16_t name_len;	/* DNS: strnlen of txn.name */
	struct txn_times t[PT_N];
	struct txn txn;		/* the head's (or the first report's key until the head's arrives) */
};

struct attrib {
	struct attrib_config cfg;
	uint8_t head;
	uint8_t pts[PT_N];	/* the points given, in path order (points_of) */
	unsigned npts;
	unsigned all;		/* their bits: a join is complete when reported equals it */
	/* the oldest join's end (created + wait_ns): nothing is due before a
	 * time past it (UINT64_MAX: no join); one compare per packet */
	uint64_t due;
	struct pend *pool;	/* pool[tbl.cap] */
	struct tbl tbl;
	uint64_t now;
	struct clk_est clock;
	struct attrib_stats st;
};

void attrib_config_default(struct attrib_config *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	cfg->roles = 1u << PT_CLIENT | 1u << PT_UPLINK | 1u << PT_VIF;
	cfg->wait_ns = 2000000000ll;
	cfg->max_pending = 1u << 14;
}

/* A DNS transaction's name length, its part of the key (0 for HTTP, whose
 * key has the connection's ISN instead). */
static size_t name_len(const struct txn *t)
{
	return t->proto == TXN_HTTP ? 0 : strnlen(t->name, TXN_NAME_MAX);
}

/* The key's hash leaves the DNS name out: the socket pair and the id all
 * but tell queries apart already, and key_eq compares the name; hashing it
 * cost as much as the rest of a report's lookup. (Equal keys still hash
 * alike, so a lookup finds the same join, newest first, as before.) */
static uint64_t key_hash(const struct txn *t)
{
	uint64_t h = hash_word(HASH_SEED, (uint64_t)t->proto << 32 | t->id);
	h = ep_hash(h, &t->client);
	h = ep_hash(h, &t->server);
	if (t->proto == TXN_HTTP)
		h = hash_word(h, t->conn_isn);
	return hash_end(h);
}

/* Names of equal lengths (strnlen) compared as bytes: strncmp's answer
 * without its byte-at-a-time search for the end. */
static int key_eq(const struct pend *p, const struct txn *b, size_t len)
{
	const struct txn *a = &p->txn;
	if (a->proto != b->proto || a->id != b->id || !ep_eq(&a->client, &b->client) ||
	    !ep_eq(&a->server, &b->server))
		return 0;
	if (a->proto == TXN_HTTP)
		return a->conn_isn == b->conn_isn;
	return p->name_len == len && memcmp(a->name, b->name, len) == 0;
}

/* The join key of t (len: name_len) into o; the rest of o stays as it was. */
static void copy_key(struct txn *o, const struct txn *t, size_t len)
{
	o->proto = t->proto;
	o->id = t->id;
	o->client = t->client;
	o->server = t->server;
	o->conn_isn = t->conn_isn;
	memcpy(o->name, t->name, len < TXN_NAME_MAX ? len + 1 : len);
}

struct attrib *attrib_new(const struct attrib_config *cfg)
{
	struct attrib *a = calloc(1, sizeof *a);
	if (!a)
		return NULL;
	a->cfg = *cfg;
	if (a->cfg.max_pending < 4)
		a->cfg.max_pending = 4;
	a->npts = points_of(cfg->roles, a->pts);
	a->head = a->pts[0];
	a->all = cfg->roles & ((1u << PT_N) - 1);
	a->due = UINT64_MAX;
	a->pool = malloc((size_t)a->cfg.max_pending * sizeof *a->pool);	/* cleared as joins open */
	if (tbl_init(&a->tbl, a->cfg.max_pending) < 0 || !a->pool) {
		attrib_free(a);
		return NULL;
	}
	return a;
}

void attrib_free(struct attrib *a)
{
	if (!a)
		return;
	free(a->pool);
	tbl_fini(&a->tbl);
	free(a);
}

void attrib_set_clock(struct attrib *a, const struct clk_est *e)
{
	a->clock = *e;
}

const struct attrib_stats *attrib_stats(const struct attrib *a) { return &a->st; }

/* The oldest join may have changed: its end again. */
static void head_moved(struct attrib *a)
{
	uint32_t i = tbl_oldest(&a->tbl, L_CREATED);
	a->due = i == TBL_NONE ? UINT64_MAX : a->pool[i].created + (uint64_t)a->cfg.wait_ns;
}

static void emit(struct attrib *a, uint32_t i)
{
	struct pend *p = &a->pool[i];
	if (!p->have[a->head]) {
		a->st.headless++;
		tbl_del(&a->tbl, i);
		head_moved(a);
		return;
	}
	if (p->reported == a->all)
		a->st.joined++;
	else
		a->st.incomplete++;
	struct txn *o = &p->txn;
	compute(a->pts, a->npts, p->have, p->answered, p->t, o);
	if (o->lost_at && o->lost_at < 4)
		a->st.lost[o->lost_at]++;
	txn_emit(&a->cfg.out, o);
	tbl_del(&a->tbl, i);
	head_moved(a);
}

/* A client time onto the Dom0 clock (0: not seen, stays 0). */
static uint64_t at_dom0(const struct clk_est *e, uint64_t ts)
{
	return ts ? clk_to_dom0(e, ts) : 0;
}

static void to_dom0(const struct clk_est *e, const struct txn_times *t, struct txn_times *c)
{
	c->syn = at_dom0(e, t->syn);
	c->synack = at_dom0(e, t->synack);
	c->req_first = at_dom0(e, t->req_first);
	c->req_last = at_dom0(e, t->req_last);
	c->resp_first = at_dom0(e, t->resp_first);
	c->resp_last = at_dom0(e, t->resp_last);
}

static uint32_t lookup(struct attrib *a, const struct txn *t, size_t len, uint64_t h)
{
	for (uint32_t i = tbl_first(&a->tbl, h); i != TBL_NONE; i = tbl_next(&a->tbl, i)) {
		struct pend *p = &a->pool[i];
		if (!p->have[t->point] && key_eq(p, t, len))
			return i;
	}
	return TBL_NONE;
}

static uint32_t open_pend(struct attrib *a, const struct txn *t, size_t len, uint64_t h)
{
	if (tbl_full(&a->tbl)) {
		a->st.evicted++;
		emit(a, tbl_oldest(&a->tbl, L_CREATED));
	}
	uint32_t i = tbl_add(&a->tbl, h, L_CREATED);
	struct pend *p = &a->pool[i];
	p->created = a->now;
	memset(p->have, 0, sizeof p->have);
	memset(p->answered, 0, sizeof p->answered);
	p->reported = 0;
	p->name_len = (uint16_t)len;
	copy_key(&p->txn, t, len);
	if (tbl_oldest(&a->tbl, L_CREATED) == i)
		head_moved(a);
	return i;
}

static void on_txn(void *ctx, const struct txn *t)
{
	struct attrib *a = ctx;
	if (t->point >= PT_N || !(a->cfg.roles & 1u << t->point))
		return;
	size_t len = name_len(t);
	uint64_t h = key_hash(t);
	uint32_t i = lookup(a, t, len, h);
	if (i == TBL_NONE)
		i = open_pend(a, t, len, h);
	struct pend *p = &a->pool[i];
	p->have[t->point] = 1;
	p->reported |= (uint8_t)(1u << t->point);
	p->answered[t->point] = t->answered;
	if (t->point == PT_CLIENT)
		to_dom0(&a->clock, &t->t, &p->t[t->point]);
	else
		p->t[t->point] = t->t;
	if (t->point == a->head)
		p->txn = *t;
	if (p->reported == a->all)
		emit(a, i);
}

struct txn_sink attrib_sink(struct attrib *a)
{
	struct txn_sink s = { on_txn, a };
	return s;
}

void attrib_advance(struct attrib *a, uint64_t now_ns)
{
	if (now_ns > a->now)
		a->now = now_ns;
	while (a->due < a->now)
		emit(a, tbl_oldest(&a->tbl, L_CREATED));
}

void attrib_finish(struct attrib *a)
{
	uint32_t i;
	while ((i = tbl_oldest(&a->tbl, L_CREATED)) != TBL_NONE)
		emit(a, i);
}
