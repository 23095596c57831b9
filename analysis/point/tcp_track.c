/* TCP connections at one point; see tcp_track.h.
 *
 * Connections live in an index table allocated once (common/table.h,
 * pt_config.max_flows entries), found through a hash of the 4-tuple (both
 * directions hash alike) and kept on three age lists in order of last
 * activity: open ones expire after tcp_idle_ns, closed ones (both FINs or a
 * RST) linger briefly so their last ACKs do not look like new connections,
 * unanswered attempts go after SYN_TIMEOUT_NS. A SYN with a new ISN on a
 * tuple replaces what was there (ports are reused quickly under load). */
#include <stdlib.h>
#include <string.h>
#include "analysis/point/tcp_track.h"
#include "analysis/point/endpoint.h"
#include "common/table.h"
#include "analysis/point/tcp_stream.h"
#include "analysis/point/http_match.h"
#include "analysis/point/dns_tcp.h"
#include "common/hist.h"

#define CLOSED_LINGER_NS 1000000000LL	/* closed connections kept 1 s (or idle, if less) */
/* A SYN the server never answered ends the attempt after this long without
 * a retransmission (or idle, if less): longer than the largest gap between
 * Linux's SYN retransmissions (32 s with tcp_syn_retries 6), so they stay
 * one attempt, and far shorter than the idle timeout for live analysis. */
#define SYN_TIMEOUT_NS 60000000000LL

enum { APP_NONE, APP_HTTP, APP_DNS };
/* the age lists: open, closed, and attempts (a SYN, nothing from the server yet) */
enum { L_OPEN, L_CLOSED, L_SYN, L_N };
_Static_assert(L_N <= TBL_LISTS, "one table list per state");

struct conn {
	struct endpoint cli, srv;
	uint32_t isn, srv_isn;
	uint8_t has_isn, app, syn_seen, synack_seen, ack_seen;
	uint8_t fin_by;			/* 0, 1 client, 2 server: who closed first */
	uint8_t fin_seen[2], reset, ended;
	uint8_t srv_pkt;		/* the server sent something (SYN-ACK, RST, data) */
	uint64_t t_syn, t_synack, t_ack, t_last;
	struct tcps_dir dir[2];		/* 0: client -> server, 1: server -> client */
	union {
		struct httpm_conn http;
		struct dnst_dir dns[2];
	} u;
};

struct tcpt {
	struct pt_config cfg;
	uint8_t role;
	struct pt_counts *counts;
	struct conn *conns;	/* conns[tbl.cap] */
	struct tbl tbl;		/* on lists L_* */
	int64_t linger_ns, syn_timeout_ns;
	struct tcps_pool *pool;
	struct tcps_bufs *bufs;
	struct httpm *http;
	struct dnst dns;
	struct hist *rtt;
	struct hist *synack_rtt;	/* SYN -> SYN-ACK at this point */
	uint8_t eof;			/* in tcpt_finish: the input ended */
};

/* What a stream chunk is delivered to. */
struct deliver_ctx {
	struct tcpt *t;
	struct conn *c;
	int dir;
};

/* ---- setup ---- */

struct tcpt *tcpt_new(const struct pt_config *cfg, uint8_t role, struct txn_sink http_sink,
		      struct dnsm *dns, struct pt_counts *counts)
{
	struct tcpt *t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->cfg = *cfg;
	t->role = role;
	t->counts = counts;
	unsigned n = cfg->max_flows ? cfg->max_flows : 1024;
	int tbl_rc = tbl_init(&t->tbl, n);
	t->conns = calloc(n, sizeof(*t->conns));
	/* held segments and message buffers: far fewer than connections are
	 * ever mid-message across segments or out of order at once */
	unsigned nslots = (n < 2048 ? n : 2048) + 64;
	unsigned nreq = (n < 16384 ? n : 16384) + 256;
	t->pool = tcps_pool_new(nslots);
	t->bufs = tcps_bufs_new(nslots);
	t->http = httpm_new(nreq, role, http_sink, t->bufs, counts);
	t->rtt = hist_new();
	t->synack_rtt = hist_new();
	_Static_assert(sizeof(struct conn) <= 512, "struct conn grew: max_flows of them are allocated");
	if (!t->conns || tbl_rc < 0 || !t->pool || !t->bufs || !t->http || !t->rtt ||
	    !t->synack_rtt) {
		tcpt_free(t);
		return NULL;
	}
	t->linger_ns = cfg->tcp_idle_ns > 0 && cfg->tcp_idle_ns < CLOSED_LINGER_NS ?
		       cfg->tcp_idle_ns : CLOSED_LINGER_NS;
	t->syn_timeout_ns = cfg->tcp_idle_ns > 0 && cfg->tcp_idle_ns < SYN_TIMEOUT_NS ?
			    cfg->tcp_idle_ns : SYN_TIMEOUT_NS;
	dnst_init(&t->dns, dns, t->bufs, counts);
	return t;
}

void tcpt_free(struct tcpt *t)
{
	if (!t)
		return;
	free(t->conns);
	tbl_fini(&t->tbl);
	tcps_pool_free(t->pool);
	tcps_bufs_free(t->bufs);
	httpm_free(t->http);
	hist_free(t->rtt);
	hist_free(t->synack_rtt);
	free(t);
}

const struct hist *tcpt_handshake_hist(const struct tcpt *t)
{
	return t->rtt;
}

const struct hist *tcpt_synack_hist(const struct tcpt *t)
{
	return t->synack_rtt;
}

/* ---- table ---- */

static uint64_t tuple_hash(const struct endpoint *a, const struct endpoint *b)
{
	return hash_end(ep_hash(HASH_SEED, a) + ep_hash(HASH_SEED, b));	/* symmetric */
}

static uint32_t idx(const struct tcpt *t, const struct conn *c)
{
	return (uint32_t)(c - t->conns);
}

static struct conn *lookup(struct tcpt *t, const struct endpoint *src, const struct endpoint *dst)
{
	for (uint32_t i = tbl_first(&t->tbl, tuple_hash(src, dst)); i != TBL_NONE;
	     i = tbl_next(&t->tbl, i)) {
		struct conn *c = &t->conns[i];
		if ((ep_eq(&c->cli, src) && ep_eq(&c->srv, dst)) ||
		    (ep_eq(&c->cli, dst) && ep_eq(&c->srv, src)))
			return c;
	}
	return NULL;
}

/* The age list the connection is on (L_*). */
static unsigned list_of(const struct tcpt *t, const struct conn *c)
{
	return tbl_list(&t->tbl, idx(t, c));
}

static void touch(struct tcpt *t, struct conn *c, uint64_t ts)
{
	if (ts > c->t_last)
		c->t_last = ts;
	tbl_touch(&t->tbl, idx(t, c));
}

static struct httpm_info info_of(const struct conn *c)
{
	struct httpm_info ci = { .client = c->cli, .server = c->srv,
				 .isn = c->has_isn ? c->isn : 0,
				 .syn = c->syn_seen ? c->t_syn : 0,
				 .synack = c->synack_seen ? c->t_synack : 0 };
	return ci;
}

static void on_chunk(void *ctx, const struct tcps_chunk *ch)
{
	struct deliver_ctx *dc = ctx;
	struct conn *c = dc->c;

	if (c->app == APP_HTTP) {
		struct httpm_info ci = info_of(c);
		httpm_chunk(dc->t->http, &c->u.http, &ci, dc->dir, ch);
	} else if (c->app == APP_DNS) {
		const struct endpoint *src = dc->dir ? &c->srv : &c->cli;
		const struct endpoint *dst = dc->dir ? &c->cli : &c->srv;
		dnst_chunk(&dc->t->dns, &c->u.dns[dc->dir], src, dst, ch);
	}
}

/* A connection attempt the server never answered: its SYN (and the SYN's
 * retransmissions, same ISN) got no SYN-ACK, no RST, nothing at all, and no
 * request went out on it. Issue 3 counts an HTTP transaction from its SYN,
 * so this is an unanswered transaction (the guest hung, or the SYN was lost
 * further on). A request sent without a SYN-ACK seen here is timed as a
 * request (unanswered or not) instead. */
static int attempt_unanswered(const struct conn *c)
{
	return c->syn_seen && !c->synack_seen && !c->srv_pkt && c->u.http.n_req == 0;
}

/* The connection is over: held data goes out, pending transactions too. */
static void conn_end(struct tcpt *t, struct conn *c)
{
	if (c->ended)
		return;
	c->ended = 1;
	for (int d = 0; d < 2; d++) {
		struct deliver_ctx dc = { t, c, d };
		tcps_flush(t->pool, &c->dir[d], on_chunk, &dc);
		tcps_release(t->pool, &c->dir[d]);
	}
	if (c->app == APP_HTTP) {
		struct httpm_info ci = info_of(c);
		httpm_end(t->http, &c->u.http, &ci, t->eof);
		if (attempt_unanswered(c))
			httpm_attempt(t->http, &ci);
	} else if (c->app == APP_DNS) {
		dnst_release(&t->dns, &c->u.dns[0]);
		dnst_release(&t->dns, &c->u.dns[1]);
	}
}

static void conn_free(struct tcpt *t, struct conn *c)
{
	conn_end(t, c);
	tbl_del(&t->tbl, idx(t, c));
}

static void conn_close(struct tcpt *t, struct conn *c)
{
	conn_end(t, c);
	tbl_move(&t->tbl, idx(t, c), L_CLOSED);
}

static int app_of(const struct tcpt *t, uint16_t server_port)
{
	if (pt_is_http_port(&t->cfg, server_port))
		return APP_HTTP;
	if (pt_is_dns_port(&t->cfg, server_port))
		return APP_DNS;
	return APP_NONE;
}

static struct conn *conn_new(struct tcpt *t, const struct endpoint *cli,
			     const struct endpoint *srv, uint64_t ts)
{
	if (tbl_full(&t->tbl)) {
		/* full: recycle the longest-closed connection, else the oldest
		 * unanswered attempt, else the most idle */
		uint32_t victim = tbl_oldest(&t->tbl, L_CLOSED);
		if (victim == TBL_NONE)
			victim = tbl_oldest(&t->tbl, L_SYN);
		if (victim == TBL_NONE)
			victim = tbl_oldest(&t->tbl, L_OPEN);
		if (victim == TBL_NONE)
			return NULL;
		if (tbl_list(&t->tbl, victim) != L_CLOSED) {
			t->counts->table_full++;
			t->counts->tcp_evicted++;
		}
		conn_free(t, &t->conns[victim]);
	}
	uint32_t i = tbl_add(&t->tbl, tuple_hash(cli, srv), L_OPEN);
	struct conn *c = &t->conns[i];
	memset(c, 0, offsetof(struct conn, u));
	c->cli = *cli;
	c->srv = *srv;
	c->t_last = ts;
	c->app = (uint8_t)app_of(t, srv->port);
	if (c->app == APP_HTTP) {
		httpm_conn_init(&c->u.http);
		t->counts->http_connections++;
	} else {
		dnst_dir_init(&c->u.dns[0]);
		dnst_dir_init(&c->u.dns[1]);
	}
	t->counts->tcp_connections++;
	return c;
}

/* ---- packets ---- */

/* Which end is the client when the SYN was not seen (pt_dir); when nothing
 * tells, the one on the higher (likely ephemeral) port. */
static int src_is_client(const struct tcpt *t, const struct dec_pkt *d)
{
	enum pt_dir dir = pt_dir(&t->cfg, NULL, d);
	return dir == PT_DIR_UNKNOWN ? d->sport > d->dport : dir == PT_DIR_TO_SERVER;
}

/* A SYN without ACK: a new connection, or a retransmitted SYN. */
static void on_syn(struct tcpt *t, struct conn *c, const struct endpoint *src,
		   const struct endpoint *dst, const struct dec_pkt *d, uint64_t ts)
{
	if (c && c->has_isn && c->isn == d->tcp.seq && ep_eq(&c->cli, src) && !c->ended) {
		t->counts->tcp_retransmissions++;
		touch(t, c, ts);
		return;
	}
	if (c)
		conn_free(t, c);
	c = conn_new(t, src, dst, ts);
	if (!c)
		return;
	c->has_isn = 1;
	c->isn = d->tcp.seq;
	c->syn_seen = 1;
	c->t_syn = ts;
	tbl_move(&t->tbl, idx(t, c), L_SYN);	/* until the server sends something */
	tcps_init(&c->dir[0], d->tcp.seq + 1);
}

static void on_synack(struct tcpt *t, struct conn *c, const struct dec_pkt *d, uint64_t ts)
{
	if (c->synack_seen) {
		t->counts->tcp_retransmissions++;
		return;
	}
	c->synack_seen = 1;
	c->t_synack = ts;
	if (c->syn_seen)
		hist_record(t->synack_rtt, (int64_t)(ts - c->t_syn));
	c->srv_isn = d->tcp.seq;
	tcps_init(&c->dir[1], d->tcp.seq + 1);
	if (!c->dir[0].init)		/* SYN not seen: the client's stream starts at the ack */
		tcps_init(&c->dir[0], d->tcp.ack);
}

static void on_ack(struct tcpt *t, struct conn *c, int dir, const struct dec_pkt *d, uint64_t ts)
{
	if (dir == 0 && c->synack_seen && !c->ack_seen && d->tcp.ack == c->srv_isn + 1) {
		c->ack_seen = 1;
		c->t_ack = ts;
		t->counts->tcp_handshakes++;
		if (c->syn_seen)
			hist_record(t->rtt, (int64_t)(ts - c->t_syn));
	}
	struct deliver_ctx dc = { t, c, !dir };
	tcps_ack(t->pool, &c->dir[!dir], d->tcp.ack, on_chunk, &dc);
}

static void on_data(struct tcpt *t, struct conn *c, int dir, const struct dec_pkt *d, uint64_t ts)
{
	struct cur data = d->payload;
	uint32_t wire = d->payload_wire;
	uint32_t seq = d->tcp.seq + ((d->tcp.flags & TCP_SYN) ? 1 : 0);

	data = cur_take_upto(&data, wire);	/* no link padding */
	struct deliver_ctx dc = { t, c, dir };
	if (tcps_segment(t->pool, &c->dir[dir], seq, data, wire, ts, on_chunk, &dc) == TCPS_OLD)
		t->counts->tcp_retransmissions++;
}

static void on_fin(struct tcpt *t, struct conn *c, int dir, const struct dec_pkt *d, uint64_t ts)
{
	if (c->fin_seen[dir])
		return;
	c->fin_seen[dir] = 1;
	if (!c->fin_by) {
		c->fin_by = (uint8_t)(dir + 1);
		if (dir == 0)
			t->counts->tcp_closed_by_client++;
		else
			t->counts->tcp_closed_by_server++;
	}
	/* the application hears of it when the stream reaches it (on_chunk) */
	struct deliver_ctx dc = { t, c, dir };
	uint32_t fin_seq = d->tcp.seq + d->payload_wire + ((d->tcp.flags & TCP_SYN) ? 1 : 0);
	tcps_fin(t->pool, &c->dir[dir], fin_seq, ts, on_chunk, &dc);
	if (c->fin_seen[0] && c->fin_seen[1])
		conn_close(t, c);
}

void tcpt_packet(struct tcpt *t, const struct pkt *p, const struct dec_pkt *d)
{
	struct endpoint src = { d->src, d->sport }, dst = { d->dst, d->dport };
	uint8_t fl = d->tcp.flags;
	uint64_t ts = p->ts_ns;
	struct conn *c = lookup(t, &src, &dst);

	if ((fl & (TCP_SYN | TCP_ACK)) == TCP_SYN) {
		on_syn(t, c, &src, &dst, d, ts);
		return;
	}
	if (!c) {
		if (fl & TCP_RST)
			return;
		c = src_is_client(t, d) ? conn_new(t, &src, &dst, ts) : conn_new(t, &dst, &src, ts);
		if (!c)
			return;
	}
	int dir = ep_eq(&src, &c->cli) ? 0 : 1;
	touch(t, c, ts);
	if (c->ended)			/* closed: late ACKs and retransmissions */
		return;
	if (dir == 1 && (fl & TCP_RST) && !c->synack_seen && !c->srv_pkt && c->app == APP_HTTP)
		t->counts->http_refused++;	/* the attempt was answered: refused */
	if (dir == 1 && !c->srv_pkt) {
		c->srv_pkt = 1;
		if (list_of(t, c) == L_SYN)	/* answered: an open connection */
			tbl_move(&t->tbl, idx(t, c), L_OPEN);
	}
	if ((fl & TCP_SYN) && dir == 1) {
		on_synack(t, c, d, ts);
		return;
	}
	if (fl & TCP_ACK)
		on_ack(t, c, dir, d, ts);
	if (d->payload_wire)
		on_data(t, c, dir, d, ts);
	if (fl & TCP_RST) {
		t->counts->tcp_resets++;
		c->reset = 1;
		conn_close(t, c);
		return;
	}
	if (fl & TCP_FIN)
		on_fin(t, c, dir, d, ts);
}

/* Frees the connections of list idle longer than max_ns, oldest first. */
static void expire(struct tcpt *t, unsigned list, uint64_t now_ns, int64_t max_ns)
{
	uint32_t i;
	while ((i = tbl_oldest(&t->tbl, list)) != TBL_NONE &&
	       (int64_t)(now_ns - t->conns[i].t_last) > max_ns)
		conn_free(t, &t->conns[i]);
}

void tcpt_advance(struct tcpt *t, uint64_t now_ns)
{
	expire(t, L_OPEN, now_ns, t->cfg.tcp_idle_ns > 0 ? t->cfg.tcp_idle_ns : 60000000000LL);
	expire(t, L_CLOSED, now_ns, t->linger_ns);
	expire(t, L_SYN, now_ns, t->syn_timeout_ns);
}

void tcpt_finish(struct tcpt *t)
{
	/* in order of last activity, so transactions come out roughly in time order */
	t->eof = 1;
	uint32_t i;
	for (unsigned l = 0; l < L_N; l++)
		while ((i = tbl_oldest(&t->tbl, l)) != TBL_NONE)
			conn_free(t, &t->conns[i]);
	t->eof = 0;
}
