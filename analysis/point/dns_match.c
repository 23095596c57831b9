/* DNS query/response matching at one point, as Wireshark 4.0's dns.time.
 *
 * Wireshark (epan/dissectors/packet-dns.c, dissect_dns_common, one pass)
 * keeps per conversation (both addresses and ports, UDP and TCP apart) a
 * tree of transactions keyed by DNS id and frame number, and looks up the
 * latest transaction with the message's id:
 *  - query: a new transaction unless the latest one is unanswered and its
 *    first query is less than dns.retransmission_timer (5 s) old; then the
 *    query is a retransmission and the transaction keeps its first query's
 *    time (responses are timed from the first query).
 *  - response: the latest transaction's first response is timed
 *    (dns.time = response - first query); later ones are retransmitted
 *    responses and not timed, except for AXFR/IXFR (multiple responses, each
 *    timed). No transaction: unsolicited.
 * hoplat adds the question to the key: a query is a retransmission only of
 * a transaction with the same question (qname, qtype, qclass), else it opens
 * its own; a response goes to the newest transaction with its question, and
 * when there is none (a server that mangles the question) to the newest with
 * its id, as Wireshark does. This agrees with Wireshark whenever an id is not
 * reused for another name inside 5 s, and times correctly when it is
 * (benchmark clients reuse ids).
 *
 * Memory: max_flows entries allocated at setup in an index table
 * (common/table.h: chains newest first) on two age lists: pending (by first
 * query) and answered (kept 2 s to recognise duplicate responses, by
 * response time); the list is the entry's state. State
 * expires by packet time: a query unanswered for dns_timeout is emitted
 * unanswered; a full pool drops the oldest answered entry, else the oldest
 * pending one (emitted unanswered, counted in table_full). */
#include <stdlib.h>
#include <string.h>
#include "analysis/point/dns_match.h"
#include "analysis/point/endpoint.h"
#include "common/table.h"

#define DNSM_RETRANS_NS 5000000000LL	/* Wireshark's dns.retransmission_timer */
/* Answered entries stay this long to tell duplicate responses from
 * unsolicited ones (neither is timed); short, so memory follows the rate
 * of queries, not the length of the capture. */
#define DNSM_LINGER_NS 2000000000LL
/* The age lists, which are also the entries' states. */
enum { L_PENDING, L_ANSWERED };

/* A transaction's key in two words, built once per message: the table's
 * hash and every comparison of a chain walk use them (comparing the
 * endpoints field by field, twice per message, cost more than hashing).
 * IPv4 both ways, the common case, is whole in the two words; other
 * addresses put a hash of both endpoints in the first word, and a lookup
 * compares the endpoints too when the words match. */
struct dkey {
	uint64_t addr;		/* IPv4: client << 32 | server; else a hash of both endpoints */
	uint64_t meta;		/* id (top 16 bits); over TCP, IPv4; client port, server port */
};
#define DKEY_V4 (1ull << 32)
#define DKEY_ID_SHIFT 48

/* The fields a lookup reads come first (one cache line, mostly). */
struct dq {
	struct dkey key;
	uint64_t qhash;		/* question_hash; 0 without a question (fits any) */
	uint64_t req_ts, resp_ts;
	uint16_t id, qtype;
	uint8_t multi;
	int status;
	struct endpoint client, server;
	uint16_t name_len;	/* strlen(name) */
	char name[TXN_NAME_MAX];
};

struct dnsm {
	const struct pt_config *cfg;
	uint8_t role;
	struct txn_sink sink;
	struct pt_counts *counts;
	int64_t timeout_ns;
	struct dq *e;			/* e[tbl.cap] */
	struct tbl tbl;
	/* The transaction handed out, its fixed fields set once (dnsm_new)
	 * and the rest rewritten by each emit: a fresh one, zeroed, cost a
	 * quarter of the emit (sinks take it const and copy what they keep). */
	struct txn out;
};

/* ---- keys ---- */

/* Conversation and id (the question is compared apart). */
static struct dkey key_of(const struct endpoint *c, const struct endpoint *s, uint16_t id,
			  int over_tcp)
{
	struct dkey k;
	int v4 = c->ip.family == 4 && s->ip.family == 4;
	k.meta = (uint64_t)id << DKEY_ID_SHIFT | (uint64_t)over_tcp << 33 | (v4 ? DKEY_V4 : 0) |
		 (uint64_t)c->port << 16 | s->port;
	if (v4)
		k.addr = hash_load32(c->ip.b) << 32 | hash_load32(s->ip.b);
	else
		k.addr = ep_hash(ep_hash(HASH_SEED, c), s);
	return k;
}

/* The table hash of a key (only this table uses the value; which chain an
 * entry is on never changes which entry a lookup finds): the conversation
 * (addresses, ports, TCP) hashed, plus the id. Ids go in sequence (a
 * client's ids, dnsperf's), so a conversation's next query's bucket is
 * next to its last one's, in a cache line just used, and the entries
 * answered together and deleted together two seconds later share lines
 * too: a hash of the whole key put every new query's bucket, and every
 * deletion's, in a line of its own, a cache miss each (the bucket array is
 * 2 MiB at the default max_flows). The conversation through two hash_word
 * steps, whose low bits (the product's high ones, after the rotation)
 * depend on both words (the ports are in the low bits of meta, so the
 * multiply carries them up): a step cheaper than the finaliser. For one
 * conversation, ids stay apart (at most 2^16 buckets on). */
static uint64_t key_hash(const struct dkey *k)
{
	uint64_t conv = hash_word(hash_word(HASH_SEED, k->addr), k->meta & ~(0xffffull << DKEY_ID_SHIFT));
	return conv + (k->meta >> DKEY_ID_SHIFT);
}

/* Always inlined: as a call (the compiler's choice) it cost about 10
 * instructions a response in moves around it. */
static inline __attribute__((always_inline)) int key_eq(const struct dq *q, const struct dkey *k,
							const struct endpoint *c,
							const struct endpoint *s)
{
	return q->key.addr == k->addr && q->key.meta == k->meta &&
	       ((k->meta & DKEY_V4) || (ep_eq(&q->client, c) && ep_eq(&q->server, s)));
}

/* The question's hash, only ever compared for equality (no table indexes
 * it), so no finaliser: hash_end is a bijection, so it adds no distinction
 * (two questions share a value with the same odds, 1 in 2^63, either way).
 * qname_hash: hash_bytes of qname_wire, made by the decoder. */
static uint64_t question_hash(const struct dns_msg *msg)
{
	return hash_word(msg->qname_hash, (uint64_t)msg->qtype << 16 | msg->qclass) | 1; /* never 0 */
}

static int pending(const struct dnsm *m, uint32_t i)
{
	return tbl_list(&m->tbl, i) == L_PENDING;
}

/* ---- entries ---- */

struct dnsm *dnsm_new(const struct pt_config *cfg, uint8_t role, struct txn_sink sink,
		      struct pt_counts *counts)
{
	struct dnsm *m = calloc(1, sizeof *m);
	if (!m)
		return NULL;
	m->cfg = cfg;
	m->role = role;
	m->sink = sink;
	m->counts = counts;
	m->timeout_ns = cfg->dns_timeout_ns > 0 ? cfg->dns_timeout_ns : 10000000000LL;
	/* what emit never changes (the rest of it calloc zeroed: fields
	 * others add later start zeroed) */
	m->out.proto = TXN_DNS;
	m->out.point = role;
	m->out.response_ns = TXN_NS_NONE;
	txn_clear_attribution(&m->out);
	uint32_t cap = cfg->max_flows ? cfg->max_flows : 1024;
	/* calloc: pages are touched only as entries are used (lowest first) */
	m->e = calloc(cap, sizeof *m->e);
	if (tbl_init(&m->tbl, cap) < 0 || !m->e) {
		dnsm_free(m);
		return NULL;
	}
	return m;
}

void dnsm_free(struct dnsm *m)
{
	if (!m)
		return;
	free(m->e);
	tbl_fini(&m->tbl);
	free(m);
}

/* ---- transactions out ---- */

static void emit(struct dnsm *m, const struct dq *q, int answered, uint64_t resp_ts, int status)
{
	struct txn *t = &m->out;
	t->client = q->client;
	t->server = q->server;
	t->id = q->id;
	t->qtype = q->qtype;
	/* to its NUL: every reader of txn.name stops there; a name under 32
	 * bytes in a copy of fixed size, which needs no call (the bytes after
	 * the NUL are of no account) */
	_Static_assert(TXN_NAME_MAX >= 32, "both names hold 32 bytes");
	if (q->name_len < 32)
		memcpy(t->name, q->name, 32);
	else
		memcpy(t->name, q->name, q->name_len + 1u);
	t->start_ns = q->req_ts;
	t->t.req_first = t->t.req_last = q->req_ts;
	t->answered = (uint8_t)answered;
	t->status = answered ? status : -1;
	t->t.resp_first = t->t.resp_last = resp_ts;
	t->total_ns = answered ? (int64_t)(resp_ts - q->req_ts) : TXN_NS_NONE;
	if (answered && t->total_ns < 0) {
		/* the response before its query (out of order within the input
		 * guard's tolerance): answered but untimed, as point.c's on_txn
		 * makes TCP's (done here, the sink is the point's own: one call
		 * less for every DNS transaction) */
		t->total_ns = TXN_NS_NONE;
		t->t.resp_first = t->t.resp_last = 0;
		m->counts->input.negative_durations++;
	}
	txn_emit(&m->sink, t);
}

/* The pending entry leaves unanswered. */
static void drop_pending(struct dnsm *m, uint32_t i)
{
	emit(m, &m->e[i], 0, 0, -1);
	tbl_del(&m->tbl, i);
}

/* A new pending entry on the chain of hash h. */
static uint32_t entry_alloc(struct dnsm *m, uint64_t h)
{
	if (tbl_full(&m->tbl)) {
		/* an answered entry only serves to spot duplicate responses: it
		 * goes first, and quietly */
		uint32_t old = tbl_oldest(&m->tbl, L_ANSWERED);
		if (old != TBL_NONE) {
			tbl_del(&m->tbl, old);
		} else {
			m->counts->table_full++;
			m->counts->dns_evicted++;
			drop_pending(m, tbl_oldest(&m->tbl, L_PENDING));
		}
	}
	return tbl_add_inline(&m->tbl, h, L_PENDING);	/* once a query: inline */
}

/* A question that is not there (qh or q->qhash 0) fits any. */
static int question_fits(const struct dq *q, uint64_t qh)
{
	return !q->qhash || !qh || q->qhash == qh;
}

/* The newest entry for this conversation, id and question; *any (when not
 * NULL) the newest for this conversation and id, whatever its question, or
 * TBL_NONE: both in one walk of the chain. */
static inline __attribute__((always_inline)) uint32_t
lookup(struct dnsm *m, uint64_t h, const struct dkey *k,
		       const struct endpoint *c, const struct endpoint *s, uint64_t qh,
		       uint32_t *any)
{
	uint32_t first = TBL_NONE;
	for (uint32_t i = tbl_first(&m->tbl, h); i != TBL_NONE; i = tbl_next(&m->tbl, i)) {
		const struct dq *q = &m->e[i];
		if (!key_eq(q, k, c, s))
			continue;
		if (question_fits(q, qh))
			return i;
		if (first == TBL_NONE)
			first = i;
	}
	if (any)
		*any = first;
	return TBL_NONE;
}

static void new_query(struct dnsm *m, uint64_t h, const struct dkey *k,
		      const struct dns_msg *msg, uint64_t qh, const struct endpoint *c,
		      const struct endpoint *s, uint64_t ts)
{
	uint32_t i = entry_alloc(m, h);
	struct dq *q = &m->e[i];
	q->key = *k;
	q->client = *c;
	q->server = *s;
	q->id = msg->id;
	q->qtype = msg->has_question ? msg->qtype : 0;
	q->qhash = qh;
	q->multi = msg->has_question && (msg->qtype == 251 || msg->qtype == 252); /* IXFR, AXFR */
	q->req_ts = ts;
	q->resp_ts = 0;
	q->status = -1;
	/* a new transaction: its name's text */
	q->name_len = (uint16_t)dec_dns_qname_text(msg, q->name, sizeof q->name);
}

/* What both sides of a message look up by, made once per message. */
struct dlook {
	const struct endpoint *c, *s;
	struct dkey k;
	uint64_t h, qh;		/* key_hash; question_hash, 0 without a question */
};

static void on_query(struct dnsm *m, const struct dns_msg *msg, const struct dlook *l,
		     uint64_t ts)
{
	const struct endpoint *c = l->c, *s = l->s;
	uint64_t qh = l->qh, h = l->h;
	uint32_t i = lookup(m, h, &l->k, c, s, qh, NULL);
	m->counts->dns_queries++;
	if (i != TBL_NONE && pending(m, i) && (int64_t)(ts - m->e[i].req_ts) < DNSM_RETRANS_NS) {
		m->counts->dns_retransmissions++;
		return;
	}
	/* Wireshark never finds the older transaction again: it is done */
	if (i != TBL_NONE && pending(m, i))
		drop_pending(m, i);
	else if (i != TBL_NONE)
		tbl_del(&m->tbl, i);
	new_query(m, h, &l->k, msg, qh, c, s, ts);
}

static void on_response(struct dnsm *m, const struct dns_msg *msg, const struct dlook *l,
			uint64_t ts)
{
	uint32_t any, i = lookup(m, l->h, &l->k, l->c, l->s, l->qh, &any);
	/* a response whose question was mangled still answers its id (Wireshark
	 * matches on the id alone) */
	if (i == TBL_NONE)
		i = any;
	m->counts->dns_responses++;
	if (i == TBL_NONE) {
		m->counts->dns_unmatched_responses++;
		return;
	}
	struct dq *q = &m->e[i];
	if (!pending(m, i) && !q->multi) {
		m->counts->dns_dup_responses++;
		return;
	}
	if (!q->name[0] && msg->has_question)
		q->name_len = (uint16_t)dec_dns_qname_text(msg, q->name, sizeof q->name);
	emit(m, q, 1, ts, msg->rcode);
	if (pending(m, i))
		tbl_move_inline(&m->tbl, i, L_ANSWERED);	/* once a response */
	q->resp_ts = ts;
	q->status = msg->rcode;
}

void dnsm_message(struct dnsm *m, const struct dns_msg *msg, const struct endpoint *src,
		  const struct endpoint *dst, uint64_t ts_ns, int over_tcp)
{
	struct dlook l;
	l.c = msg->qr ? dst : src;
	l.s = msg->qr ? src : dst;
	l.k = key_of(l.c, l.s, msg->id, over_tcp ? 1 : 0);
	l.h = key_hash(&l.k);
	l.qh = msg->has_question ? question_hash(msg) : 0;
	if (msg->qr)
		on_response(m, msg, &l, ts_ns);
	else
		on_query(m, msg, &l, ts_ns);
}

void dnsm_advance(struct dnsm *m, uint64_t now_ns)
{
	uint32_t i;
	while ((i = tbl_oldest(&m->tbl, L_PENDING)) != TBL_NONE &&
	       (int64_t)(now_ns - m->e[i].req_ts) >= m->timeout_ns)
		drop_pending(m, i);
	int64_t linger = m->timeout_ns < DNSM_LINGER_NS ? m->timeout_ns : DNSM_LINGER_NS;
	while ((i = tbl_oldest(&m->tbl, L_ANSWERED)) != TBL_NONE &&
	       (int64_t)(now_ns - m->e[i].resp_ts) >= linger)
		tbl_del_inline(&m->tbl, i);	/* nearly once a query, two seconds on */
}

void dnsm_finish(struct dnsm *m)
{
	uint32_t i;
	while ((i = tbl_oldest(&m->tbl, L_PENDING)) != TBL_NONE)
		drop_pending(m, i);
	while ((i = tbl_oldest(&m->tbl, L_ANSWERED)) != TBL_NONE)
		tbl_del(&m->tbl, i);
}

/* ---- messages whose question did not parse ---- */

/* Their header did: a query opens a transaction without a question, as
 * before; a response answers the newest transaction with its id and ports
 * (a question that is not there matches any), as Wireshark pairs them when
 * it reads a name hoplat refuses (a forward pointer, a bit label, a name
 * over 255 bytes). Where the bytes run out inside the question Wireshark
 * stops before dns.time: that response is counted, not timed. */
void dnsm_malformed(struct dnsm *m, const struct dns_msg *msg, int reason,
		    const struct endpoint *src, const struct endpoint *dst, uint64_t ts_ns,
		    int over_tcp)
{
	if (msg->qr) {
		m->counts->dns_malformed_responses++;
		if (reason == DEC_R_DNS_TRUNC)
			return;
	}
	dnsm_message(m, msg, src, dst, ts_ns, over_tcp);
}
