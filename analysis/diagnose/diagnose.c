/* Diagnosis fed by the engine; see diagnose.h. */
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include "analysis/diagnose/diagnose.h"
#include "analysis/diagnose/verdict.h"
#include "decode/http.h"

#define PAUSE_EWMA (1.0 / 16)
#define GAP_WINDOWS 2			/* empty windows handed on over a long gap, then a jump */

enum { EV_NONE, EV_REQ, EV_RESP, EV_SYN, EV_SYNACK };

/* A DNS datagram's way inline whole (gcc left count and head_send out of
 * line, or split them): see count. */
#define ALWAYS_INLINE static inline __attribute__((always_inline))

struct diag {
	struct diag_config cfg;
	struct results *r;
	struct steps *steps;
	struct step_window_in w[2];	/* the open windows: [newest % 2] and the one before */
	uint64_t newest;		/* index of the newest open window */
	int any, has_prev;		/* has_prev: the one before it is open too */
	uint64_t last_send;		/* at the head, any request or attempt */
	uint64_t emitted_last_send;	/* the last send up to the last window handed on */
	double interval;		/* typical gap between sends (EWMA) */
	int64_t pause;			/* a pause in sending: this long at least (of interval) */
	struct sched sched[2];		/* STEP_REQ, STEP_CONN */
	/* the bin of the last packet: the next packet in [bin_lo, bin_lo +
	 * bin_len) goes there with no division; bin_len ends at emit_at too (when
	 * the window before the newest is handed on), and is 0 when the windows
	 * moved (bin_lo + bin_len - 1 at most: one unsigned compare) */
	struct step_bin *bin;
	struct step_window_in *bin_w;
	uint64_t bin_lo, bin_len;
	uint8_t port[PT_PORTS];		/* pt_port_kinds of cfg.pt */
};

/* The typical gap, and the pause it makes (asked twice per send). */
static void set_interval(struct diag *d, double interval)
{
	double v = STEP_PAUSE_INTERVALS * interval;
	d->interval = interval;
	d->pause = v > STEP_PAUSE_MIN_NS ? (int64_t)v : STEP_PAUSE_MIN_NS;
}

struct diag *diag_new(const struct diag_config *cfg, struct results *r)
{
	struct diag *d = calloc(1, sizeof *d);
	if (!d)
		return NULL;
	d->cfg = *cfg;
	if (d->cfg.window_ns <= 0)
		d->cfg.window_ns = 1000000000ll;
	d->r = r;
	pt_port_kinds(cfg->pt, d->port);
	r->head_point = cfg->head;
	struct step_config sc = { .head = cfg->head, .hold_ns = cfg->hold_ns, .on_step = cfg->on_step,
				  .ctx = cfg->ctx };
	d->steps = step_new(&sc, r);
	if (!d->steps) {
		free(d);
		return NULL;
	}
	set_interval(d, 0);
	sched_init(&d->sched[STEP_REQ]);
	sched_init(&d->sched[STEP_CONN]);
	return d;
}

void diag_free(struct diag *d)
{
	if (!d)
		return;
	step_free(d->steps);
	free(d);
}

/* ---- what a packet is ---- */

static int service(const struct diag *d, uint16_t port)
{
	return d->port[port] != 0;
}

static int is_dns(const struct diag *d, uint16_t port)
{
	return d->port[port] & PT_PORT_DNS;
}

static int is_http(const struct diag *d, uint16_t port)
{
	return d->port[port] & PT_PORT_HTTP;
}

/* DNS header flags: QR set (1), clear (0), or not captured (-1). */
static int dns_qr(const struct cur *payload, size_t at)
{
	return cur_left(payload) > at ? cur_peek(payload, at) >> 7 : -1;
}

/* A DNS message whose header flags are at offset at of the payload (2
 * over UDP; 4 over TCP, after the length). */
static inline int classify_dns(const struct diag *d, const struct dec_pkt *p, size_t at)
{
	if (is_dns(d, p->dport) && dns_qr(&p->payload, at) == 0)
		return EV_REQ;
	if (is_dns(d, p->sport) && dns_qr(&p->payload, at) == 1)
		return EV_RESP;
	return EV_NONE;
}

/* DNS over TCP: a segment that begins a message (length, then header). */
static int classify_tcp(const struct diag *d, const struct dec_pkt *p)
{
	uint8_t f = p->tcp.flags;
	if (f & TCP_RST)
		return EV_NONE;
	if (f & TCP_SYN)
		return !(f & TCP_ACK) && service(d, p->dport) ? EV_SYN
			: (f & TCP_ACK) && service(d, p->sport) ? EV_SYNACK : EV_NONE;
	if (!p->payload_wire)
		return EV_NONE;
	if (is_http(d, p->dport))
		return dec_http_looks_request(&p->payload) ? EV_REQ : EV_NONE;
	if (is_http(d, p->sport))
		return dec_http_looks_response(&p->payload) ? EV_RESP : EV_NONE;
	return classify_dns(d, p, 4);
}

/* ---- windows ---- */

static struct step_window_in *win(struct diag *d, uint64_t index)
{
	return &d->w[index % 2];
}

static void win_open(struct diag *d, uint64_t index)
{
	struct step_window_in *w = win(d, index);
	d->bin_len = 0;
	memset(w, 0, sizeof *w);
	w->start_ns = index * (uint64_t)d->cfg.window_ns;
	w->duration_ns = d->cfg.window_ns;
}

static int64_t pause_ns(const struct diag *d)
{
	return d->pause;
}

/* Handed to the step finder, with the pause going on at its end, if any. */
static void win_emit(struct diag *d, struct step_window_in *w)
{
	d->bin_len = 0;
	if (w->last_send)
		d->emitted_last_send = w->last_send;
	w->last_send = d->emitted_last_send;
	uint64_t end = w->start_ns + (uint64_t)w->duration_ns;
	if (w->last_send && end - w->last_send >= (uint64_t)pause_ns(d))
		w->tail_from = w->last_send;
	step_window(d->steps, w);
}

/* Time moved to window index: the windows it leaves behind are handed on. */
static void advance_to(struct diag *d, uint64_t index)
{
	if (!d->any) {
		d->any = 1;
		d->newest = index;
		win_open(d, index);
		return;
	}
	if (index > d->newest + GAP_WINDOWS + 1) {	/* a long gap: a few empty windows, then a jump */
		advance_to(d, d->newest + GAP_WINDOWS + 1);
		win_emit(d, win(d, d->newest - 1));
		win_emit(d, win(d, d->newest));
		d->newest = index;
		d->has_prev = 0;
		win_open(d, index);
		return;
	}
	while (d->newest < index) {
		if (d->has_prev)
			win_emit(d, win(d, d->newest - 1));
		d->newest++;
		d->has_prev = 1;
		win_open(d, d->newest);
	}
}

/* The window before the newest is handed on a tenth of a window after its
 * end: enough for packets a little out of order across points, and the
 * transactions waiting for their step are the fewer. */
static void emit_due(struct diag *d, uint64_t ts)
{
	if (!d->has_prev)
		return;
	struct step_window_in *w = win(d, d->newest - 1);
	if (ts >= w->start_ns + (uint64_t)(w->duration_ns + w->duration_ns / STEP_BINS)) {
		win_emit(d, w);
		d->has_prev = 0;
	}
}

/* The window before the newest is handed on at this time (emit_due). */
static uint64_t emit_time(const struct diag *d)
{
	if (!d->has_prev)
		return UINT64_MAX;
	const struct step_window_in *w = &d->w[(d->newest - 1) % 2];
	return w->start_ns + (uint64_t)(w->duration_ns + w->duration_ns / STEP_BINS);
}

/* The window and bin of ts (a packet older than the open windows counts in
 * the older), remembered for the packets after it. */
static struct step_bin *bin_find(struct diag *d, uint64_t ts, struct step_window_in **wp)
{
	uint64_t index = ts / (uint64_t)d->cfg.window_ns;
	advance_to(d, index);
	emit_due(d, ts);
	uint64_t oldest = d->has_prev ? d->newest - 1 : d->newest;
	int older = index < oldest;
	if (older)
		index = oldest;
	struct step_window_in *w = win(d, index);
	uint64_t off = ts > w->start_ns ? ts - w->start_ns : 0, bin_ns = (uint64_t)(w->duration_ns / STEP_BINS);
	uint64_t b = off / bin_ns;
	if (b > STEP_BINS - 1)
		b = STEP_BINS - 1;
	*wp = w;
	if (older)
		return &w->bin[b];
	uint64_t lo = w->start_ns + b * bin_ns;
	uint64_t hi = b < STEP_BINS - 1 ? lo + bin_ns : w->start_ns + (uint64_t)w->duration_ns;
	uint64_t emit_at = emit_time(d);
	if (emit_at < hi)
		hi = emit_at;
	d->bin = &w->bin[b];
	d->bin_w = w;
	d->bin_lo = lo;
	d->bin_len = hi > lo ? hi - lo : 0;
	return d->bin;
}

/* A send at the head: pauses (the longest that ended in its window kept)
 * and the typical gap. */
ALWAYS_INLINE void head_send(struct diag *d, struct step_window_in *w, uint64_t ts)
{
	if (d->last_send && ts < d->last_send)
		ts = d->last_send;
	int64_t g = d->last_send ? (int64_t)(ts - d->last_send) : 0;
	if (!d->last_send || g >= pause_ns(d)) {
		if (!w->pause_to || (int64_t)(w->pause_to - w->pause_from) < g || !d->last_send) {
			w->pause_from = d->last_send;
			w->pause_to = ts;
		}
	} else if (!d->interval) {
		set_interval(d, (double)g);
	} else {
		double v = (double)g < 4 * d->interval ? (double)g : 4 * d->interval;
		set_interval(d, d->interval + PAUSE_EWMA * (v - d->interval));
	}
	d->last_send = ts;
	if (ts > w->last_send)
		w->last_send = ts;
}

/* The packet's event into bin b of window w, and at the head the sends'
 * pauses and schedule. */
ALWAYS_INLINE void count_in(struct diag *d, struct step_window_in *w, struct step_bin *b, uint8_t point,
			    uint64_t ts, int ev)
{
	switch (ev) {
	case EV_REQ: b->req[point]++; break;
	case EV_RESP: b->resp[point]++; break;
	case EV_SYN: b->syn[point]++; break;
	default: b->synack[point]++; break;
	}
	if (point != d->cfg.head)
		return;
	int k = ev == EV_SYN || ev == EV_SYNACK ? STEP_CONN : STEP_REQ;
	if (ev == EV_REQ || ev == EV_SYN) {
		head_send(d, w, ts);
		sched_send(&d->sched[k], ts, pause_ns(d), &b->sched[k]);
	} else {
		sched_answer(&d->sched[k], ts);
	}
}

/* A packet out of the last one's bin: its bin found (by division), then counted. */
static __attribute__((noinline)) void count_found(struct diag *d, uint8_t point, uint64_t ts, int ev)
{
	struct step_window_in *w;
	struct step_bin *b = bin_find(d, ts, &w);
	count_in(d, w, b, point, ts, ev);
}

/* Most packets fall in the bin of the one before: no division, no window
 * moved (advance_to and emit_due would do nothing). The other way out of
 * line, and the schedule's calls last: the usual way saves no register
 * (a fifth of diag_packet's own cost went to saving and restoring them). */
ALWAYS_INLINE void count(struct diag *d, uint8_t point, uint64_t ts, int ev)
{
	if (ts - d->bin_lo >= d->bin_len)
		count_found(d, point, ts, ev);
	else
		count_in(d, d->bin_w, d->bin, point, ts, ev);
}

/* Out of line: HTTP's classification calls, and DNS's packets (datagrams)
 * then save no register (see count). */
static __attribute__((noinline)) void tcp_packet(struct diag *d, uint8_t point, uint64_t ts,
						 const struct dec_pkt *p)
{
	int ev = classify_tcp(d, p);
	if (ev != EV_NONE)
		count(d, point, ts, ev);
}

void diag_packet(struct diag *d, uint8_t point, uint64_t ts_ns, const struct dec_pkt *p)
{
	if (point >= PT_N || !p->ipver || (p->is_frag && p->frag_off))
		return;
	if (p->proto == IPPROTO_UDP) {
		int ev = classify_dns(d, p, 2);
		if (ev != EV_NONE)
			count(d, point, ts_ns, ev);
	} else if (p->proto == IPPROTO_TCP)
		tcp_packet(d, point, ts_ns, p);
}

void diag_txn(struct diag *d, const struct txn *t, uint64_t start_ns)
{
	step_txn(d->steps, t, start_ns);
}

void diag_point_txn(struct diag *d, const struct txn *t, uint64_t start_ns)
{
	step_point_txn(d->steps, t, start_ns);
}

void diag_advance(struct diag *d, uint64_t now_ns)
{
	if (d->any) {
		advance_to(d, now_ns / (uint64_t)d->cfg.window_ns);
		emit_due(d, now_ns);
	}
}

void diag_finish(struct diag *d)
{
	if (d->any) {
		if (d->has_prev)
			win_emit(d, win(d, d->newest - 1));
		win_emit(d, win(d, d->newest));
	}
	step_finish(d->steps);
	verdict_run(d->r);
}
