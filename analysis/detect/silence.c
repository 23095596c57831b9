/* Guest-silence detector (see silence.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include "decode/cursor.h"
#include "analysis/detect/silence.h"

#define SIL_TIERS (SIL_MAX_IDS / SIL_MAX_GUESTS)	/* [0]: the whole guest; then its services */

/* One layer (the whole guest, or one service) at one point. */
struct sil_pt {
	uint64_t last_req_ns, last_answer_ns, first_unanswered_ns;
	uint64_t unanswered;		/* requests since the last answer (not `other`) */
	uint64_t requests, answers;	/* all along (not `other`) */
	uint64_t by_kind[INC_REQ_N];	/* requests since the last answer, by kind */
	uint64_t gap_end_ns;		/* the answer that ended the last silence_ns or more
					 * without one while asked (a silence, raised or not) */
	uint8_t last_answer_kind;	/* enum inc_answer */
	/* 128 bytes (asserted): a layer's point is found by a shift, not a
	 * multiply by 112 (three instructions, three or four times a packet) */
	uint8_t spare[23];
};
_Static_assert(sizeof(struct sil_pt) == 128, "sil_pt: a power of two");

struct sil_tier {
	uint8_t used, service;		/* enum inc_service; INC_SVC_NONE: the whole guest */
	uint16_t port;
	uint8_t silent, silent_pt, silent_kind;	/* silent: an alert is out */
	uint64_t base[PT_N];		/* per point: requests before the silence began */
	struct sil_pt pt[PT_N];
};

struct sil_guest {
	struct ipaddr ip;
	uint8_t used, answered_ever;
	/* no layer can go silent before this: the earliest first unanswered
	 * request plus silence_ns over the layers asked and unanswered (lowered
	 * as they are asked; 0: unknown). Until then check() is skipped: it
	 * would find nothing, and most packets are requests to a guest. */
	uint64_t due_ns;
	/* per point: the first service's layer there (t[1]) moves in step with
	 * the whole guest's (t[0]): a DNS server's every request and answer is
	 * its service's, and counting it twice was a fifth of the detector's
	 * cost. While twin, t[1]'s counts are not kept but follow from t[0]'s
	 * (untwin): every field the same but requests and answers, which are
	 * fewer by the twin_* offsets, and gap_end_ns (only a whole guest's is
	 * kept). t[1] is not silent while twin; whatever reads t[1] (check, and
	 * the packets that count on one layer only) untwins it first. twin:
	 * 0, or t[1]'s twin_key (one compare tells a packet of t[1]'s). */
	uint32_t twin[PT_N];
	uint64_t twin_requests[PT_N], twin_answers[PT_N];
	struct sil_tier t[SIL_TIERS];
};

struct silence {
	struct sil_config cfg;
	sil_alert_fn fn;
	void *ctx;
	unsigned roles;			/* points seen (1 << role) */
	uint64_t alerts;
	struct sil_guest *last;		/* the guest found last: most packets are its;
					 * &none before any (no test of NULL per packet) */
	struct sil_guest none;		/* all zero: no address (family 0), never twin */
	struct sil_guest g[SIL_MAX_GUESTS];
	uint8_t port_kind[PT_PORTS];	/* pt_port_kinds of cfg.pt */
};

void sil_config_default(struct sil_config *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	cfg->silence_ns = 1000000000LL;
	cfg->min_requests = 3;
}

struct silence *sil_new(const struct sil_config *cfg, sil_alert_fn fn, void *ctx)
{
	struct silence *h = calloc(1, sizeof *h);
	if (!h)
		return NULL;
	h->cfg = *cfg;
	h->fn = fn;
	h->ctx = ctx;
	h->last = &h->none;
	pt_port_kinds(h->cfg.pt, h->port_kind);
	return h;
}

void sil_free(struct silence *h)
{
	free(h);
}

uint64_t sil_alerts(const struct silence *h)
{
	return h->alerts;
}

/* ---- state ---- */

/* The slot of ip's guest, else the first unused one (SIL_MAX_GUESTS: none).
 * Slots are taken in order and never released, so the first unused one
 * ends the search: every packet looks up here, and most are not from a
 * guest. */
static unsigned find(const struct silence *h, const struct ipaddr *ip)
{
	unsigned i = 0;
	while (i < SIL_MAX_GUESTS && h->g[i].used && !ipaddr_eq(&h->g[i].ip, ip))
		i++;
	return i;
}

/* The guest's entry, or a new one when create (slots are never recycled:
 * 64 servers on one path is far beyond the testbed). */
static struct sil_guest *lookup(struct silence *h, const struct ipaddr *ip, int create)
{
	unsigned i = find(h, ip);
	if (i == SIL_MAX_GUESTS)
		return NULL;
	struct sil_guest *g = &h->g[i];
	if (!g->used) {
		if (!create)
			return NULL;
		memset(g, 0, sizeof *g);
		g->used = 1;
		g->ip = *ip;
		g->t[0].used = 1;
	}
	h->last = g;
	return g;
}

/* The last guest found first: most packets are the same guest's. */
static inline struct sil_guest *guest(struct silence *h, const struct ipaddr *ip, int create)
{
	if (h->last != &h->none && ipaddr_eq(&h->last->ip, ip))
		return h->last;
	return lookup(h, ip, create);
}

/* The guest's layer for a service; a new one when create (a service is
 * watched once seen answering). NULL when none, or all taken. */
static struct sil_tier *service_tier(struct sil_guest *g, uint8_t svc, uint16_t port, int create)
{
	if (g->t[1].service == svc && g->t[1].port == port)	/* most guests have one service */
		return &g->t[1];
	for (unsigned i = 1; i < SIL_TIERS; i++) {
		struct sil_tier *t = &g->t[i];
		if (!t->used) {
			if (!create)
				return NULL;
			t->used = 1;
			t->service = svc;
			t->port = port;
			g->due_ns = 0;	/* a new layer (see next_due) */
			return t;
		}
		if (t->service == svc && t->port == port)
			return t;
	}
	return NULL;
}

static void fill(const struct silence *h, const struct sil_guest *g, const struct sil_tier *t,
		 uint64_t now, int resumed, struct sil_alert *a)
{
	const struct sil_pt *p = &t->pt[t->silent_pt];
	memset(a, 0, sizeof *a);
	a->guest = g->ip;
	a->id = (unsigned)((g - h->g) * SIL_TIERS + (t - g->t));
	a->point = t->silent_pt;
	a->kind = t->silent_kind;
	a->resumed = (uint8_t)resumed;
	a->service = t->service;
	a->port = t->port;
	a->last_answer_kind = p->last_answer_kind;
	a->last_answer_ns = p->last_answer_ns;
	a->first_unanswered_ns = p->first_unanswered_ns;
	a->at_ns = now;
	a->unanswered = p->unanswered;
	memcpy(a->by_kind, p->by_kind, sizeof a->by_kind);
	for (int q = 0; q < PT_N; q++)
		a->requests[q] = t->pt[q].requests - t->base[q];
}

static void alert(struct silence *h, const struct sil_guest *g, const struct sil_tier *t, uint64_t now,
		  int resumed)
{
	struct sil_alert a;
	fill(h, g, t, now, resumed, &a);
	if (!resumed)
		h->alerts++;
	if (h->fn)
		h->fn(h->ctx, &a);
}

/* ---- the silence rules ---- */

/* The next point inside pt (towards the guest) on this guest's path: one
 * where the guest was seen at all, so a vif capture of another guest does
 * not count. -1: pt is the innermost. */
static int inner_point(const struct silence *h, const struct sil_guest *g, int pt)
{
	for (int q = pt + 1; q < PT_N; q++)
		if ((h->roles & (1u << q)) && (g->t[0].pt[q].requests || g->t[0].pt[q].answers))
			return q;
	return -1;
}

/* Requests unanswered at this point for the silence threshold, and still
 * arriving (a client that stopped asking is no hang): min_requests of them,
 * or two ARP requests (a client asks again, a second later on Linux, only
 * when it got no reply: with the third at 2 s the alert would come late). */
static int silent_at(const struct silence *h, const struct sil_pt *p, uint64_t now)
{
	uint64_t s = (uint64_t)h->cfg.silence_ns;
	int enough = p->unanswered >= h->cfg.min_requests || p->by_kind[INC_REQ_ARP] >= 2;
	return enough && now >= p->first_unanswered_ns + s && now <= p->last_req_ns + s;
}

/* Whether the inner point q lies beyond a loss from a silence that began at
 * the outer point p: no request reached q since (lost on the way in), or q
 * saw answers that never came out (lost on the way back). Otherwise q is
 * still asked and unanswered, and its own verdict decides. */
static int cut_off(const struct sil_pt *q, const struct sil_pt *p)
{
	return q->last_req_ns < p->first_unanswered_ns || q->last_answer_ns > p->first_unanswered_ns;
}

/* The guest's stack still answers at this point (whole: the guest's layer
 * there) while a service is silent there (p): an answer since the service's
 * first unanswered request, within the last half threshold, and none of
 * the guest's own silences (a threshold without an answer) in the last
 * threshold. Half: an answer just after the first unanswered request may be
 * the stack's last act before the whole guest stops (an ACK to a FIN sent
 * before), and at the service's threshold it is then a whole threshold old.
 * The guest's own silence: when the guest comes back, its stack answers a
 * little before its services do; the service counts from there. */
static int alive(const struct silence *h, const struct sil_pt *whole, const struct sil_pt *p, uint64_t now)
{
	uint64_t s = (uint64_t)h->cfg.silence_ns;
	return whole->last_answer_ns > p->first_unanswered_ns && now < whole->last_answer_ns + s / 2 &&
	       now >= whole->gap_end_ns + s;
}

static void begin(struct silence *h, struct sil_guest *g, struct sil_tier *t, int pt, uint8_t kind,
		  uint64_t now)
{
	t->silent = 1;
	t->silent_pt = (uint8_t)pt;
	t->silent_kind = kind;
	for (int q = 0; q < PT_N; q++)	/* the requests since the last answer there are the silence's */
		t->base[q] = t->pt[q].requests - t->pt[q].unanswered;
	alert(h, g, t, now, 0);
}

/* The innermost point where the layer went silent decides: the vif when
 * requests reach it unanswered; an outer point when its requests stop short
 * of the next point, or the answers the next point sees never arrive. An
 * outer point's clock runs out first (it saw the first request earlier), so
 * it waits while the next point is still being asked. A service's silence
 * waits while the guest's stack answers nothing (the whole guest decides). */
static void check_tier(struct silence *h, struct sil_guest *g, struct sil_tier *t, uint64_t now)
{
	if (t->silent || !g->answered_ever)
		return;
	for (int pt = PT_N - 1; pt >= 0; pt--) {
		const struct sil_pt *p = &t->pt[pt];
		if (!(h->roles & (1u << pt)) || !silent_at(h, p, now))
			continue;
		int q = inner_point(h, g, pt), whole = t == g->t;
		if (q >= 0 && !cut_off(&t->pt[q], p))
			return;
		if (!whole && !alive(h, &g->t[0].pt[pt], p, now))
			return;
		uint8_t kind = q >= 0 ? (pt == PT_UPLINK ? INC_LOST_BRIDGE : INC_LOST_LINK)
				      : whole ? INC_SILENT : INC_APP_ONLY;
		begin(h, g, t, pt, kind, now);
		return;
	}
}

/* Whether the layer p could be silent at some time: asked and unanswered
 * (silent_at's `enough` needs a request unanswered, unless min_requests is 0). */
static int asked(const struct silence *h, const struct sil_pt *p)
{
	return p->unanswered || !h->cfg.min_requests;
}

/* The earliest time a layer of g could go silent (silent_at): its first
 * unanswered request plus silence_ns, over the layers still watched. */
static uint64_t next_due(const struct silence *h, const struct sil_guest *g)
{
	uint64_t due = UINT64_MAX, s = (uint64_t)h->cfg.silence_ns;
	for (unsigned i = 0; i < SIL_TIERS; i++) {
		const struct sil_tier *t = &g->t[i];
		if (!t->used || t->silent)
			continue;
		for (int pt = 0; pt < PT_N; pt++)
			if ((h->roles & (1u << pt)) && asked(h, &t->pt[pt]) &&
			    t->pt[pt].first_unanswered_ns + s < due)
				due = t->pt[pt].first_unanswered_ns + s;
	}
	return due;
}

/* What twin holds while t[1], the service svc on port, is twin. */
static uint32_t twin_key(uint8_t svc, uint16_t port)
{
	return 1u << 24 | (uint32_t)svc << 16 | port;
}

/* t[1] at point q with its own counts again (see sil_guest). */
static void untwin(struct sil_guest *g, int q)
{
	const struct sil_pt *whole = &g->t[0].pt[q];
	struct sil_pt *p = &g->t[1].pt[q];
	uint64_t gap_end = p->gap_end_ns;
	*p = *whole;
	p->requests -= g->twin_requests[q];
	p->answers -= g->twin_answers[q];
	p->gap_end_ns = gap_end;
	g->twin[q] = 0;
}

/* After an answer that both t[0] and t[1] counted at q: twin when the
 * rest of their counts is the same (an answer leaves nothing unanswered).
 * DNS layers only: an HTTP server's stack answers every connection
 * (SYN-ACK, ACK) on one layer, and untwinning each time cost more than
 * counting twice. */
static void twin(struct sil_guest *g, int q)
{
	const struct sil_pt *whole = &g->t[0].pt[q], *p = &g->t[1].pt[q];
	if (g->t[1].service != INC_SVC_DNS || g->t[1].silent || whole->last_req_ns != p->last_req_ns ||
	    whole->first_unanswered_ns != p->first_unanswered_ns)
		return;
	g->twin_requests[q] = whole->requests - p->requests;
	g->twin_answers[q] = whole->answers - p->answers;
	g->twin[q] = twin_key(g->t[1].service, g->t[1].port);
}

/* check's part past the due time: out of line (see udp). */
static __attribute__((noinline)) void check_due(struct silence *h, struct sil_guest *g, uint64_t now)
{
	for (int q = 0; q < PT_N; q++)
		if (g->twin[q])
			untwin(g, q);
	for (unsigned i = 0; i < SIL_TIERS; i++)
		if (g->t[i].used)
			check_tier(h, g, &g->t[i], now);
	g->due_ns = next_due(h, g);
}

/* Before g->due_ns no layer is silent_at, so check_tier would do nothing. */
static inline void check(struct silence *h, struct sil_guest *g, uint64_t now)
{
	if (now >= g->due_ns)
		check_due(h, g, now);
}

/* A request at point p of g: the layer's first unanswered one lowers g's due time. */
static void count_request(const struct silence *h, struct sil_guest *g, struct sil_pt *p, uint8_t kind,
			  uint64_t ts)
{
	p->by_kind[kind]++;
	if (kind == INC_REQ_OTHER)
		return;
	p->requests++;
	p->last_req_ns = ts;
	if (!p->unanswered++) {
		p->first_unanswered_ns = ts;
		if (ts + (uint64_t)h->cfg.silence_ns < g->due_ns)
			g->due_ns = ts + (uint64_t)h->cfg.silence_ns;
	}
}

/* Nothing unanswered any more. by_kind holds what unanswered counts plus
 * `other`: cleared only when one of them is not zero (most answers follow
 * one request). */
static void answered(struct sil_pt *p)
{
	if (p->unanswered || p->by_kind[INC_REQ_OTHER])
		memset(p->by_kind, 0, sizeof p->by_kind);
	p->unanswered = 0;
}

/* The answer's counts at p. */
static void answer_at(const struct silence *h, const struct sil_guest *g, const struct sil_tier *t,
		      struct sil_pt *p, uint64_t ts, uint8_t kind)
{
	if (t == g->t && p->unanswered && ts >= p->first_unanswered_ns + (uint64_t)h->cfg.silence_ns)
		p->gap_end_ns = ts;
	p->answers++;
	p->last_answer_ns = ts;
	p->last_answer_kind = kind;
	answered(p);
}

/* A silent layer answered at the point that decided: the silence ends (its
 * alert with the silence's counts), then the answer counts. Out of line, so
 * that count_answer calls nothing on its usual way (inlined, the alert on
 * the stack gave every answer a 168-byte frame and six saved registers). */
static __attribute__((noinline)) void resume(struct silence *h, struct sil_guest *g, struct sil_tier *t,
					     uint8_t point, uint64_t ts, uint8_t kind)
{
	t->silent = 0;
	g->due_ns = 0;	/* its layers are watched again (see next_due) */
	alert(h, g, t, ts, 1);
	answer_at(h, g, t, &t->pt[point], ts, kind);
}

static inline void count_answer(struct silence *h, struct sil_guest *g, struct sil_tier *t, uint8_t point,
			 uint64_t ts, uint8_t kind)
{
	if (t->silent && point == t->silent_pt)
		resume(h, g, t, point, ts, kind);
	else
		answer_at(h, g, t, &t->pt[point], ts, kind);
}

/* A service's SYN answered by its guest's stack (SYN-ACK, RST): no longer
 * unanswered. Only the service answers its requests, but a client that
 * opens connections and sends its requests late (a client falling behind)
 * leaves none of them unanswered. Which SYN it was is not kept: a SYN
 * waiting behind an unanswered request keeps that request's start. */
static void syn_answered(struct sil_pt *p)
{
	if (!p->by_kind[INC_REQ_TCP_SYN])
		return;
	p->by_kind[INC_REQ_TCP_SYN]--;
	p->unanswered--;
}

/* A point seen for the first time: layers there are watched from now (see next_due). */
static void new_point(struct silence *h, uint8_t point)
{
	h->roles |= 1u << point;
	for (unsigned i = 0; i < SIL_MAX_GUESTS && h->g[i].used; i++)
		h->g[i].due_ns = 0;
}

/* ---- what a packet is, counted as it is found ---- */

/* request_to and answer_from: inline in each of their out-of-line callers
 * below (tcp; request and answer for ICMP and ARP; the datagrams'
 * dns_request, dns_answer, other_request, whose kinds are then constants). */
#define SIL_INLINE static inline __attribute__((always_inline))

/* A request towards who at point at ts, of kind (enum inc_req), for the
 * service svc on port (svc 0: none): counted when who is a guest (1). */
SIL_INLINE int request_to(struct silence *h, uint8_t point, uint64_t ts, const struct ipaddr *who,
			     uint8_t kind, uint8_t svc, uint16_t port)
{
	struct sil_guest *g = guest(h, who, 0);
	if (!g)
		return 0;
	if (g->twin[point] && g->twin[point] != twin_key(svc, port))
		untwin(g, point);	/* not t[1]'s request */
	count_request(h, g, &g->t[0].pt[point], kind, ts);
	struct sil_tier *s = svc && !g->twin[point] ? service_tier(g, svc, port, 0) : NULL;
	if (s)
		count_request(h, g, &s->pt[point], kind, ts);
	check(h, g, ts);
	return 1;
}

/* An answer from who, of kind (enum inc_answer), from the service svc on
 * port (svc 0: none). creates: it makes its sender a guest; syn_answer:
 * the stack answering a SYN to the service (SYN-ACK, RST). */
SIL_INLINE void answer_from(struct silence *h, uint8_t point, uint64_t ts, const struct ipaddr *who,
			       uint8_t kind, uint8_t svc, uint16_t port, int creates, int syn_answer)
{
	struct sil_guest *g = guest(h, who, creates);
	if (!g)
		return;
	int own = kind == INC_ANS_DNS || kind == INC_ANS_HTTP;	/* the service's, not its stack's */
	if (g->twin[point] && !(own && g->twin[point] == twin_key(svc, port)))
		untwin(g, point);	/* not t[1]'s answer */
	g->answered_ever = 1;
	count_answer(h, g, &g->t[0], point, ts, kind);
	if (g->twin[point])
		return;			/* t[1] answered alike */
	struct sil_tier *s = svc ? service_tier(g, svc, port, own) : NULL;
	if (s && own) {
		count_answer(h, g, s, point, ts, kind);
		if (s == &g->t[1])
			twin(g, point);
	} else if (s && syn_answer)
		syn_answered(&s->pt[point]);
}

static __attribute__((noinline)) int request(struct silence *h, uint8_t point, uint64_t ts,
					     const struct ipaddr *who, uint8_t kind, uint8_t svc, uint16_t port)
{
	return request_to(h, point, ts, who, kind, svc, port);
}

static __attribute__((noinline)) void answer(struct silence *h, uint8_t point, uint64_t ts,
					     const struct ipaddr *who, uint8_t kind, uint8_t svc, uint16_t port,
					     int creates, int syn_answer)
{
	answer_from(h, point, ts, who, kind, svc, port, creates, syn_answer);
}

/* A port both DNS and HTTP is DNS's (as the port lists were searched). */
static uint8_t service_of(const struct silence *h, uint16_t port)
{
	uint8_t k = h->port_kind[port];
	return k & PT_PORT_DNS ? INC_SVC_DNS : k & PT_PORT_HTTP ? INC_SVC_HTTP : INC_SVC_NONE;
}

static void ip4(struct ipaddr *a, const uint8_t b[4])
{
	memset(a, 0, sizeof *a);
	a->family = 4;
	memcpy(a->b, b, 4);
}

/* ARP request (not a gratuitous one: the sender announcing itself) and reply. */
static __attribute__((noinline)) void arp(struct silence *h, uint8_t point, uint64_t ts,
					   const struct dec_pkt *d)
{
	struct ipaddr spa, tpa;
	ip4(&spa, d->arp_spa);
	ip4(&tpa, d->arp_tpa);
	if (d->arp_op == 1 && !ipaddr_eq(&spa, &tpa))
		request(h, point, ts, &tpa, INC_REQ_ARP, 0, 0);
	else if (d->arp_op == 2)
		answer(h, point, ts, &spa, INC_ANS_ARP, 0, 0, 0, 0);
}

/* IPv6 neighbour solicitation: its target follows 4 reserved bytes. */
static int ns_target(const struct dec_pkt *d, struct ipaddr *t)
{
	struct cur c = d->payload;
	memset(t, 0, sizeof *t);
	cur_skip(&c, 4);
	cur_copy(&c, t->b, 16);
	t->family = 6;
	return cur_ok(&c);
}

static __attribute__((noinline)) void icmp(struct silence *h, uint8_t point, uint64_t ts,
					    const struct dec_pkt *d)
{
	uint8_t ty = d->icmp_type;
	struct ipaddr target;
	if (d->proto == IPPROTO_ICMP) {
		if (ty == 8)
			request(h, point, ts, &d->dst, INC_REQ_ICMP, 0, 0);
		else if (ty == 0 || ty == 3 || ty == 11 || ty == 12)
			answer(h, point, ts, &d->src, INC_ANS_ICMP, 0, 0, ty == 0, 0);
		return;
	}
	if (ty == 128)
		request(h, point, ts, &d->dst, INC_REQ_ICMP, 0, 0);
	else if (ty == 135 && ns_target(d, &target))
		request(h, point, ts, &target, INC_REQ_ARP, 0, 0);
	else if (ty == 136)
		answer(h, point, ts, &d->src, INC_ANS_ARP, 0, 0, 0, 0);
	else if (ty == 129 || (ty >= 1 && ty <= 4))
		answer(h, point, ts, &d->src, INC_ANS_ICMP, 0, 0, ty == 129, 0);
}

/* Its stack answering: SYN-ACK, ACK, RST; not a bare FIN. */
static int tcp_stack_answer(uint8_t f)
{
	return (f & (TCP_ACK | TCP_RST)) && !(f & TCP_FIN);
}

/* Towards a service, or off the service ports (then a request to a guest,
 * else an answer from one). */
static __attribute__((noinline)) void tcp(struct silence *h, uint8_t point, uint64_t ts,
					   const struct dec_pkt *d)
{
	uint8_t f = d->tcp.flags, sd = service_of(h, d->dport), ss = service_of(h, d->sport);
	int data = d->payload_wire > 0, syn = (f & TCP_SYN) && !(f & TCP_ACK), rst = f & TCP_RST;
	if (!ss && (syn || data) && !rst &&
	    request_to(h, point, ts, &d->dst,
		       syn ? INC_REQ_TCP_SYN : sd == INC_SVC_DNS ? INC_REQ_DNS : INC_REQ_TCP_DATA, sd, d->dport))
		return;
	if (sd)
		return;
	int creates = ss && (data || (f & TCP_SYN)), syn_answer = ss && !data && (f & (TCP_SYN | TCP_RST));
	if (ss && data)
		answer_from(h, point, ts, &d->src, ss == INC_SVC_DNS ? INC_ANS_DNS : INC_ANS_HTTP, ss, d->sport,
			    creates, syn_answer);
	else if (tcp_stack_answer(f) || (data && !ss))
		answer_from(h, point, ts, &d->src, INC_ANS_TCP, ss, d->sport, creates, syn_answer);
}

/* A datagram's request or answer the general way (udp's other ways out):
 * four arguments, so that udp's calls to them are its last act (jumps). */
static __attribute__((noinline)) void dns_request(struct silence *h, uint8_t point, uint64_t ts,
						  const struct dec_pkt *d)
{
	request_to(h, point, ts, &d->dst, INC_REQ_DNS, INC_SVC_DNS, d->dport);
}

static __attribute__((noinline)) void dns_answer(struct silence *h, uint8_t point, uint64_t ts,
						 const struct dec_pkt *d)
{
	answer_from(h, point, ts, &d->src, INC_ANS_DNS, INC_SVC_DNS, d->sport, 1, 0);
}

static __attribute__((noinline)) void other_request(struct silence *h, uint8_t point, uint64_t ts,
						    const struct dec_pkt *d)
{
	request_to(h, point, ts, &d->dst, INC_REQ_OTHER, 0, 0);
}

/* ipaddr_eq, with no call in it (gcc called memcmp for IPv6's 16 bytes
 * there, which cost udp's way its registers). */
static inline int same_ip(const struct ipaddr *a, const struct ipaddr *b)
{
	uint64_t a0, a1, b0, b1;
	uint32_t a4, b4;
	if (a->family != b->family)
		return 0;
	if (a->family == 4) {
		memcpy(&a4, a->b, 4);
		memcpy(&b4, b->b, 4);
		return a4 == b4;
	}
	memcpy(&a0, a->b, 8);
	memcpy(&a1, a->b + 8, 8);
	memcpy(&b0, b->b, 8);
	memcpy(&b1, b->b + 8, 8);
	return a0 == b0 && a1 == b1;
}

/* g, found last, is who, and its first service's layer (t[1]) is the
 * service svc on port and twin with the whole guest's at point. */
static inline int twin_at(const struct sil_guest *g, const struct ipaddr *who, uint8_t point, uint8_t svc,
			  uint16_t port)
{
	return g->twin[point] == twin_key(svc, port) && same_ip(&g->ip, who);	/* none: twin 0 */
}

/* DNS queries and responses; any other datagram to a guest is `other`.
 * Most packets of a DNS run come this way, to and from a guest found last
 * whose DNS layer is twin at the point: then one layer counts (request_to
 * and answer_from's way in that case), with no call but the last, so that
 * sil_packet saves no register (which cost a sixth of it); else those
 * two out of line. */
static inline void udp(struct silence *h, uint8_t point, uint64_t ts, const struct dec_pkt *d)
{
	struct sil_guest *g = h->last;
	if (h->port_kind[d->dport] & PT_PORT_DNS) {
		if (!twin_at(g, &d->dst, point, INC_SVC_DNS, d->dport)) {
			dns_request(h, point, ts, d);
			return;
		}
		count_request(h, g, &g->t[0].pt[point], INC_REQ_DNS, ts);
		check(h, g, ts);
	} else if (h->port_kind[d->sport] & PT_PORT_DNS) {
		if (!twin_at(g, &d->src, point, INC_SVC_DNS, d->sport) ||
		    (g->t[0].silent && point == g->t[0].silent_pt)) {	/* resume's */
			dns_answer(h, point, ts, d);
			return;
		}
		answer_at(h, g, &g->t[0], &g->t[0].pt[point], ts, INC_ANS_DNS);	/* answered_ever: since twin */
	} else
		other_request(h, point, ts, d);
}

/* A point seen for the first time, then its packet (out of line: see
 * udp); none beyond PT_N. */
static __attribute__((noinline)) void first_at(struct silence *h, uint8_t point, uint64_t ts_ns,
					       const struct dec_pkt *d)
{
	if (point >= PT_N)
		return;
	new_point(h, point);
	sil_packet(h, point, ts_ns, d);
}

/* Fragments after the first carry no ports: left out (the first, or the
 * reassembled datagram, counts). A point out of range goes the first
 * time's way, which drops it: one test for both (its own cost gcc a
 * jump to the rest split off). */
void sil_packet(struct silence *h, uint8_t point, uint64_t ts_ns, const struct dec_pkt *d)
{
	if (point >= PT_N || !(h->roles & (1u << point))) {
		first_at(h, point, ts_ns, d);
		return;
	}
	if (!d->ipver) {
		if (d->arp_op)
			arp(h, point, ts_ns, d);
	} else if (d->is_frag)
		return;
	else if (d->proto == IPPROTO_UDP)
		udp(h, point, ts_ns, d);
	else if (d->proto == IPPROTO_TCP)
		tcp(h, point, ts_ns, d);
	else if (d->proto == IPPROTO_ICMP || d->proto == IPPROTO_ICMPV6)
		icmp(h, point, ts_ns, d);
	else
		other_request(h, point, ts_ns, d);
}

void sil_advance(struct silence *h, uint64_t now_ns)
{
	for (unsigned i = 0; i < SIL_MAX_GUESTS && h->g[i].used; i++)
		check(h, &h->g[i], now_ns);
}

int sil_current(const struct silence *h, unsigned id, uint64_t now_ns, struct sil_alert *a)
{
	if (id >= SIL_MAX_IDS)
		return -ENOENT;
	const struct sil_guest *g = &h->g[id / SIL_TIERS];
	const struct sil_tier *t = &g->t[id % SIL_TIERS];
	if (!g->used || !t->silent)
		return -ENOENT;
	fill(h, g, t, now_ns, 0, a);
	return 0;
}

int sil_known(const struct silence *h, const struct ipaddr *ip)
{
	unsigned i = find(h, ip);
	return i < SIL_MAX_GUESTS && h->g[i].used;
}
