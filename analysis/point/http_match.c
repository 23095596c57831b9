/* HTTP request/response pairing per connection; see http_match.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "analysis/point/http_match.h"
#include "common/slots.h"
#include "decode/layers.h"

enum { HM_IDLE, HM_HEAD, HM_BODY, HM_CHUNKED, HM_UNKNOWN, HM_CLOSE, HM_SKIP };

struct hm_req {
	uint64_t first, last;
	uint32_t next, index;
	uint8_t complete, is_head;
	char name[TXN_NAME_MAX];
};

struct httpm {
	uint8_t role;
	struct txn_sink sink;
	struct tcps_bufs *bufs;
	struct pt_counts *counts;
	struct hm_req *reqs;
	struct slots free;
	struct http_head head;	/* scratch */
	struct txn txn;		/* scratch */
};

struct httpm *httpm_new(unsigned max_pending, uint8_t role, struct txn_sink sink,
			struct tcps_bufs *bufs, struct pt_counts *counts)
{
	struct httpm *m = calloc(1, sizeof(*m));
	if (!m)
		return NULL;
	m->reqs = calloc(max_pending, sizeof(*m->reqs));
	if (!m->reqs || slots_init(&m->free, max_pending) < 0) {
		httpm_free(m);
		return NULL;
	}
	m->role = role;
	m->sink = sink;
	m->bufs = bufs;
	m->counts = counts;
	return m;
}

void httpm_free(struct httpm *m)
{
	if (!m)
		return;
	free(m->reqs);
	slots_fini(&m->free);
	free(m);
}

static void dir_init(struct httpm_dir *d)
{
	memset(d, 0, sizeof(*d));
	d->state = HM_IDLE;
	d->buf = TCPS_NONE;
}

void httpm_conn_init(struct httpm_conn *c)
{
	memset(c, 0, sizeof(*c));
	dir_init(&c->dir[0]);
	dir_init(&c->dir[1]);
	c->q_head = c->q_tail = TCPS_NONE;
}

/* ---- the FIFO of outstanding requests ---- */

static struct hm_req *q_push(struct httpm *m, struct httpm_conn *c)
{
	if (m->free.nfree == 0) {
		/* untracked requests would pair responses wrongly: give up on it */
		m->counts->table_full++;
		m->counts->http_queue_overflows++;
		c->dead = 1;
		return NULL;
	}
	uint32_t i = slots_get(&m->free);
	struct hm_req *r = &m->reqs[i];
	memset(r, 0, offsetof(struct hm_req, name));
	r->name[0] = 0;
	r->next = TCPS_NONE;
	r->index = c->n_req++;
	if (c->q_tail != TCPS_NONE)
		m->reqs[c->q_tail].next = i;
	else
		c->q_head = i;
	c->q_tail = i;
	c->q_len++;
	return r;
}

static struct hm_req *q_front(struct httpm *m, struct httpm_conn *c)
{
	return c->q_head == TCPS_NONE ? NULL : &m->reqs[c->q_head];
}

/* The request being read from the client is the newest one, while incomplete. */
static struct hm_req *q_reading(struct httpm *m, struct httpm_conn *c)
{
	if (c->q_tail == TCPS_NONE || m->reqs[c->q_tail].complete)
		return NULL;
	return &m->reqs[c->q_tail];
}

static void q_pop(struct httpm *m, struct httpm_conn *c)
{
	uint32_t i = c->q_head;
	if (i == TCPS_NONE)
		return;
	c->q_head = m->reqs[i].next;
	if (c->q_head == TCPS_NONE)
		c->q_tail = TCPS_NONE;
	c->q_len--;
	slots_put(&m->free, i);
}

/* ---- transactions ---- */

/* The connection's part of a transaction: the rest zero. */
static struct txn *hm_txn_start(struct httpm *m, const struct httpm_info *ci)
{
	struct txn *t = &m->txn;

	memset(t, 0, sizeof(*t));
	t->proto = TXN_HTTP;
	t->point = m->role;
	t->client = ci->client;
	t->server = ci->server;
	t->conn_isn = ci->isn;
	return t;
}

static void emit(struct httpm *m, struct httpm_conn *c, const struct httpm_info *ci,
		 const struct hm_req *r, const struct httpm_dir *resp, int answered)
{
	struct txn *t = &m->txn;
	const struct httpm_dir *rq = &c->dir[0];
	uint64_t req_last = r->complete ? r->last : (rq->active ? rq->last_ts : r->first);

	hm_txn_start(m, ci);
	t->id = r->index;
	t->first_on_conn = r->index == 0 && ci->syn != 0;
	memcpy(t->name, r->name, sizeof(t->name));
	if (t->first_on_conn) {
		t->t.syn = ci->syn;
		t->t.synack = ci->synack;
	}
	t->t.req_first = r->first;
	t->t.req_last = req_last;
	t->start_ns = t->first_on_conn ? ci->syn : r->first;
	t->answered = (uint8_t)answered;
	if (answered) {
		t->status = resp->status;
		t->t.resp_first = resp->first_ts;
		t->t.resp_last = resp->last_ts;
		t->total_ns = (int64_t)(resp->last_ts - t->start_ns);
		t->response_ns = (int64_t)(resp->last_ts - req_last);
	} else {
		t->status = -1;
		t->total_ns = TXN_NS_NONE;
		t->response_ns = TXN_NS_NONE;
	}
	/* all of them: a server_ns left 0 was counted in the windows as a
	 * measured 0 ns */
	txn_clear_attribution(t);
	txn_emit(&m->sink, t);
}

static void msg_reset(struct httpm *m, struct httpm_dir *d)
{
	tcps_buf_put(m->bufs, d->buf);
	d->buf = TCPS_NONE;
	d->kept = 0;
	d->active = 0;
	d->broken = 0;
	d->state = HM_IDLE;
}

/* The request being read is complete at its last packet so far. */
static void req_done(struct httpm *m, struct httpm_conn *c)
{
	struct hm_req *r = q_reading(m, c);
	if (r) {
		r->last = c->dir[0].last_ts;
		r->complete = 1;
	}
	msg_reset(m, &c->dir[0]);
}

/* The response being read is complete (answered) or broken (not timed). */
static void resp_done(struct httpm *m, struct httpm_conn *c, const struct httpm_info *ci,
		      int answered)
{
	struct httpm_dir *d = &c->dir[1];
	struct hm_req *r = q_front(m, c);

	/* a response answers a request seen before it began (not one that came
	 * while an unsolicited response was going on) */
	if (d->active && r && r->first <= d->first_ts) {
		if (!r->complete && c->dir[0].active && q_reading(m, c) == r)
			req_done(m, c);
		emit(m, c, ci, r, d, answered && !d->broken);
		q_pop(m, c);
	}
	msg_reset(m, d);
}

/* ---- parsing ---- */

static struct cur chunk_at(const struct tcps_chunk *ch, uint32_t off)
{
	struct cur c = ch->data;
	if (off >= cur_left(&c))
		return cur_make(NULL, 0);
	cur_skip(&c, off);
	return cur_rest(&c);
}

static int looks_head(const struct cur *c, int from_server)
{
	return from_server ? dec_http_looks_response(c) : dec_http_looks_request(c);
}

/* Too few bytes to tell, but they could begin a head (a head split after
 * its first bytes): "HTTP/1" for a response, capitals for a method. */
static int head_prefix(const struct cur *c, int from_server)
{
	size_t n = cur_left(c);
	if (n == 0 || n >= 16)
		return 0;
	if (from_server)
		return cur_starts(c, "HTTP/1.", n < 7 ? n : 7, 0);
	for (size_t i = 0; i < n; i++) {
		uint8_t b = cur_peek(c, i);
		if (b == ' ' && i >= 3)
			return 1;
		if (b < 'A' || b > 'Z')
			return 0;
	}
	return 1;
}

/* From a head cut short (snaplen): "METHOD /path" or the status code. */
static void partial_start_line(struct cur c, int from_server, char *name, uint16_t *status)
{
	char line[TXN_NAME_MAX];
	long eol = cur_find(&c, '\r');
	struct cur l = cur_take_upto(&c, eol >= 0 ? (size_t)eol : cur_left(&c));
	cur_peek_str(&l, line, sizeof(line));
	if (from_server) {
		unsigned st = 0;
		if (sscanf(line, "HTTP/%*u.%*u %3u", &st) == 1)
			*status = (uint16_t)st;
		return;
	}
	/* request line: keep "METHOD target" (drop " HTTP/1.x" when present) */
	char *sp = strchr(line, ' ');
	char *sp2 = sp ? strchr(sp + 1, ' ') : NULL;
	if (sp2)
		*sp2 = 0;
	snprintf(name, TXN_NAME_MAX, "%s", line);
}

static void start_unknown(struct httpm *m, struct httpm_conn *c, int from_server,
			  struct cur start)
{
	struct httpm_dir *d = &c->dir[from_server];
	uint16_t status = 0;
	char name[TXN_NAME_MAX] = "";

	partial_start_line(start, from_server, name, &status);
	msg_reset(m, d);
	d->active = 1;
	d->state = HM_UNKNOWN;
	if (from_server) {
		d->status = status;
		m->counts->http_responses++;
		return;
	}
	struct hm_req *r = q_push(m, c);
	if (r) {
		r->first = d->first_ts;
		memcpy(r->name, name, sizeof(r->name));
		r->is_head = strncmp(name, "HEAD ", 5) == 0;
	}
	m->counts->http_requests++;
}

static void request_head(struct httpm *m, struct httpm_conn *c, const struct http_head *h)
{
	struct httpm_dir *d = &c->dir[0];
	struct hm_req *r = q_push(m, c);

	m->counts->http_requests++;
	if (r) {
		r->first = d->first_ts;
		snprintf(r->name, sizeof(r->name), "%s %s", h->method, h->path);
		r->is_head = strcmp(h->method, "HEAD") == 0;
	}
	if (h->chunked) {
		d->state = HM_CHUNKED;
		memset(&d->chunk, 0, sizeof(d->chunk));
	} else if (h->content_length > 0) {
		d->state = HM_BODY;
		d->left = (uint64_t)h->content_length;
	} else {
		req_done(m, c);
	}
}

static void response_head(struct httpm *m, struct httpm_conn *c, const struct httpm_info *ci,
			  const struct http_head *h)
{
	struct httpm_dir *d = &c->dir[1];
	struct hm_req *r = q_front(m, c);

	d->status = h->status;
	m->counts->http_responses++;
	if (h->status == 101 || h->upgrade) {	/* not HTTP any more */
		resp_done(m, c, ci, 1);
		c->dead = 1;
		return;
	}
	if (h->status / 100 == 1) {		/* interim: the final one follows */
		msg_reset(m, d);
		return;
	}
	if ((r && r->is_head) || h->status == 204 || h->status == 304) {
		resp_done(m, c, ci, 1);
	} else if (h->chunked) {
		d->state = HM_CHUNKED;
		memset(&d->chunk, 0, sizeof(d->chunk));
	} else if (h->content_length > 0) {
		d->state = HM_BODY;
		d->left = (uint64_t)h->content_length;
	} else if (h->content_length == 0) {
		resp_done(m, c, ci, 1);
	} else {
		d->state = HM_CLOSE;	/* body ends at the server's FIN */
	}
}

static int parse_head(struct httpm *m, int from_server, const struct cur *c)
{
	return from_server ? dec_http_response(c, &m->head) : dec_http_request(c, &m->head);
}

/* Parses the head from this chunk's bytes at off, after what earlier chunks
 * left in the buffer. Returns the parser's result; *used: bytes of this
 * chunk in the head (when complete); *cut: bytes after the captured ones
 * were not captured, or the head outgrew the buffer. */
static int parse_more(struct httpm *m, struct httpm_dir *d, int from_server, struct cur at,
		      uint32_t wire_left, size_t *used, int *cut)
{
	size_t got = cur_left(&at);
	int rc;

	*cut = got < wire_left;
	*used = got;
	if (d->kept == 0) {
		rc = parse_head(m, from_server, &at);
		if (rc > 0)
			*used = (size_t)rc;
		return rc;
	}
	size_t room = TCPS_BUF_BYTES - d->kept, k = got < room ? got : room;
	uint8_t *b = tcps_buf(m->bufs, d->buf);
	if (k)
		cur_copy(&at, b + d->kept, k);
	d->kept = (uint16_t)(d->kept + k);
	struct cur whole = cur_make(b, d->kept);
	rc = parse_head(m, from_server, &whole);
	if (rc > 0)
		*used = (size_t)rc - (d->kept - k);
	else if (k < got)
		*cut = 1;
	return rc;
}

/* The head is cut (snaplen): its end and the body's length are unknown. */
static void head_cut(struct httpm *m, struct httpm_conn *c, int from_server, struct cur at,
		     uint64_t ts)
{
	struct httpm_dir *d = &c->dir[from_server];
	uint64_t first = d->first_ts;
	char tmp[TXN_NAME_MAX];

	if (d->kept) {			/* the start line is in the buffer, which goes */
		struct cur b = cur_make(tcps_buf(m->bufs, d->buf), d->kept);
		at = cur_make(tmp, cur_peek_str(&b, tmp, sizeof(tmp)));
	}
	start_unknown(m, c, from_server, at);
	d->first_ts = first;
	if (!from_server && q_reading(m, c))
		q_reading(m, c)->first = first;
	d->last_ts = ts;
}

/* Reads head bytes at *off; the head may span chunks (kept in a buffer). */
static void read_head(struct httpm *m, struct httpm_conn *c, const struct httpm_info *ci,
		      int from_server, const struct tcps_chunk *ch, uint32_t *off)
{
	struct httpm_dir *d = &c->dir[from_server];
	struct cur at = chunk_at(ch, *off);
	size_t used;
	int cut;
	int rc = parse_more(m, d, from_server, at, ch->wire - *off, &used, &cut);

	if (rc > 0) {
		*off += (uint32_t)used;
		tcps_buf_put(m->bufs, d->buf);
		d->buf = TCPS_NONE;
		d->kept = 0;
		if (from_server)
			response_head(m, c, ci, &m->head);
		else
			request_head(m, c, &m->head);
		return;
	}
	*off = ch->wire;
	if (rc < 0) {			/* malformed: skip to the next head */
		if (-rc < DEC_R_MAX)
			m->counts->malformed.reason[-rc]++;
		msg_reset(m, d);
		d->state = HM_SKIP;
		return;
	}
	if (!cut && d->kept == 0) {	/* the head goes on in the next segment */
		d->buf = tcps_buf_get(m->bufs);
		if (d->buf != TCPS_NONE) {
			d->kept = (uint16_t)used;
			if (used)
				cur_copy(&at, tcps_buf(m->bufs, d->buf), used);
			return;
		}
		m->counts->table_full++;
		m->counts->buffers_exhausted++;
	} else if (!cut) {
		return;			/* kept in the buffer already */
	}
	head_cut(m, c, from_server, at, ch->ts_ns);
}

/* A new message starts at *off in this chunk. */
static void begin(struct httpm *m, struct httpm_conn *c, int from_server,
		  const struct tcps_chunk *ch, uint32_t *off)
{
	struct httpm_dir *d = &c->dir[from_server];
	struct httpm_dir *other = &c->dir[!from_server];
	struct cur at = chunk_at(ch, *off);

	if (cur_left(&at) && !looks_head(&at, from_server) &&
	    !(cur_left(&at) == ch->wire - *off && head_prefix(&at, from_server))) {
		d->state = HM_SKIP;	/* not HTTP here: wait for a segment that is */
		*off = ch->wire;
		return;
	}
	if (from_server) {
		/* the request a response answers has ended */
		if (other->active && other->state == HM_UNKNOWN)
			req_done(m, c);
	} else if (other->active && other->state == HM_UNKNOWN) {
		/* The next request: the response of unknown length has ended at
		 * its last packet, unless the request was pipelined and the
		 * response goes on; the server's next segment tells (a head, or
		 * bytes not captured at all: ended; other bytes: goes on). */
		c->resp_maybe_done = 1;
	}
	d->active = 1;
	d->first_ts = d->last_ts = ch->ts_ns;
	if (cur_left(&at) == 0) {	/* starts in bytes not captured */
		start_unknown(m, c, from_server, at);
		d->first_ts = d->last_ts = ch->ts_ns;
		if (!from_server && q_reading(m, c))
			q_reading(m, c)->first = ch->ts_ns;
		*off = ch->wire;
		return;
	}
	d->state = HM_HEAD;
}

static void read_chunked(struct httpm *m, struct httpm_conn *c, const struct httpm_info *ci,
			 int from_server, const struct tcps_chunk *ch, uint32_t *off)
{
	struct httpm_dir *d = &c->dir[from_server];
	struct cur at = chunk_at(ch, *off);
	size_t got = cur_left(&at);

	if (got == 0) {			/* chunk sizes not captured */
		d->state = HM_UNKNOWN;
		*off = ch->wire;
		return;
	}
	int rc = dec_http_chunked_feed(&d->chunk, &at);
	size_t used = cur_pos(&at);
	if (rc < 0) {
		m->counts->malformed.reason[DEC_R_HTTP_CHUNK]++;
		d->state = HM_UNKNOWN;
		*off = ch->wire;
		return;
	}
	*off += (uint32_t)used;
	if (d->chunk.done) {
		if (from_server)
			resp_done(m, c, ci, 1);
		else
			req_done(m, c);
	} else if (used < got) {	/* stuck: treat the rest as unknown */
		d->state = HM_UNKNOWN;
		*off = ch->wire;
	}
}

/* A hole before this chunk: a message in progress cannot be reassembled
 * (Wireshark does not time it either). */
static void on_gap(struct httpm *m, struct httpm_conn *c, const struct httpm_info *ci,
		   int from_server)
{
	struct httpm_dir *d = &c->dir[from_server];
	if (d->state == HM_UNKNOWN) {	/* its end is found as without the hole */
		d->broken = d->active;
		return;
	}
	if (d->active && from_server)
		resp_done(m, c, ci, 0);
	else if (d->active)
		req_done(m, c);
	msg_reset(m, d);
}

void httpm_chunk(struct httpm *m, struct httpm_conn *c, const struct httpm_info *ci,
		 int from_server, const struct tcps_chunk *ch)
{
	struct httpm_dir *d = &c->dir[from_server];
	uint32_t off = 0;

	if (c->dead)
		return;
	if (ch->gap)
		on_gap(m, c, ci, from_server);
	if (ch->fin) {
		httpm_fin(m, c, ci, from_server, ch->ts_ns);
		return;
	}
	if (from_server && c->resp_maybe_done && ch->wire) {
		struct cur at = chunk_at(ch, 0);
		c->resp_maybe_done = 0;
		if (d->state == HM_UNKNOWN && d->active && ch->wire && cur_left(&at) == 0)
			resp_done(m, c, ci, 1);
	}
	/* a segment that starts like a head ends a message of unknown length */
	if (d->state == HM_UNKNOWN || d->state == HM_SKIP) {
		struct cur at = chunk_at(ch, 0);
		if (cur_left(&at) && looks_head(&at, from_server)) {
			if (d->state == HM_UNKNOWN && from_server)
				resp_done(m, c, ci, 1);
			else if (d->state == HM_UNKNOWN)
				req_done(m, c);
			d->state = HM_IDLE;
		}
	}
	while (off < ch->wire && !c->dead) {
		uint32_t n;
		if (d->state != HM_IDLE && d->state != HM_SKIP)
			d->last_ts = ch->ts_ns;
		switch (d->state) {
		case HM_IDLE:
			begin(m, c, from_server, ch, &off);
			break;
		case HM_HEAD:
			read_head(m, c, ci, from_server, ch, &off);
			break;
		case HM_BODY:
			n = ch->wire - off;
			if (n > d->left)
				n = (uint32_t)d->left;
			d->left -= n;
			off += n;
			if (d->left == 0 && from_server)
				resp_done(m, c, ci, 1);
			else if (d->left == 0)
				req_done(m, c);
			break;
		case HM_CHUNKED:
			read_chunked(m, c, ci, from_server, ch, &off);
			break;
		default:		/* HM_UNKNOWN, HM_CLOSE, HM_SKIP: all of it */
			off = ch->wire;
			break;
		}
	}
}

void httpm_fin(struct httpm *m, struct httpm_conn *c, const struct httpm_info *ci,
	       int from_server, uint64_t ts)
{
	struct httpm_dir *srv = &c->dir[1], *cli = &c->dir[0];

	if (c->dead)
		return;
	if (from_server && srv->active && srv->state == HM_CLOSE) {
		/* Wireshark completes a close-delimited body at the FIN */
		srv->last_ts = ts;
		resp_done(m, c, ci, 1);
	}
	/* either side closing ends messages of unknown length */
	if (cli->active && cli->state == HM_UNKNOWN)
		req_done(m, c);
	if (srv->active && srv->state == HM_UNKNOWN)
		resp_done(m, c, ci, 1);
}

void httpm_attempt(struct httpm *m, const struct httpm_info *ci)
{
	struct txn *t = hm_txn_start(m, ci);

	t->first_on_conn = 1;
	t->t.syn = ci->syn;
	t->start_ns = ci->syn;
	t->status = -1;
	t->total_ns = t->response_ns = TXN_NS_NONE;
	txn_clear_attribution(t);
	m->counts->http_syn_unanswered++;
	txn_emit(&m->sink, t);
}

void httpm_end(struct httpm *m, struct httpm_conn *c, const struct httpm_info *ci, int eof)
{
	struct httpm_dir *srv = &c->dir[1], *cli = &c->dir[0];

	if (cli->active && cli->state == HM_UNKNOWN)
		req_done(m, c);
	if (srv->active)
		resp_done(m, c, ci, !eof && (srv->state == HM_UNKNOWN || srv->state == HM_CLOSE));
	while (c->q_len) {
		emit(m, c, ci, q_front(m, c), srv, 0);
		q_pop(m, c);
	}
	msg_reset(m, cli);
	msg_reset(m, srv);
}
