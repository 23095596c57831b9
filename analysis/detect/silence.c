/* Guest-silence detector (see hang.h). */
#include <string.h>
#include <netinet/in.h>
#include "analysis/detect/silence.h"

static const char *const kind_text[] = {
	[SIL_SILENT] = "silent at all layers", [SIL_APP_ONLY] = "application only",
	[SIL_LOST_BRIDGE] = "lost in the bridge", [SIL_LOST_LINK] = "lost on the link",
};
static const char *const kind_key[] = {
	[SIL_SILENT] = "silent", [SIL_APP_ONLY] = "app_only",
	[SIL_LOST_BRIDGE] = "lost_bridge", [SIL_LOST_LINK] = "lost_link",
};

const char *sil_kind_text(int k) { return k >= SIL_SILENT && k <= SIL_LOST_LINK ? kind_text[k] : "?"; }
const char *sil_kind_key(int k) { return k >= SIL_SILENT && k <= SIL_LOST_LINK ? kind_key[k] : "?"; }

void sil_config_default(struct sil_config *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	cfg->silence_ns = 1000000000LL;
	cfg->min_requests = 3;
}

void sil_init(struct silence *h, const struct sil_config *cfg, sil_alert_fn fn, void *ctx)
{
	memset(h, 0, sizeof *h);
	h->cfg = *cfg;
	h->fn = fn;
	h->ctx = ctx;
}

static int is_dns(const struct silence *h, uint16_t port)
{
	return h->cfg.pt ? pt_is_dns_port(h->cfg.pt, port) : port == 53;
}

static int is_http(const struct silence *h, uint16_t port)
{
	return h->cfg.pt ? pt_is_http_port(h->cfg.pt, port) : port == 80;
}

/* The guest's entry; a new one when create (the oldest-silent slot is not
 * recycled: 64 servers on one path is far beyond the testbed). Slots are
 * taken in order and never released, so the first unused one ends the
 * search: every packet looks up here, and most are not from a guest. */
static struct sil_guest *guest(struct silence *h, const struct ipaddr *ip, int create)
{
	struct sil_guest *free_slot = NULL;
	for (unsigned i = 0; i < SIL_MAX_GUESTS; i++) {
		if (!h->g[i].used) {
			free_slot = &h->g[i];
			break;
		}
		if (ipaddr_eq(&h->g[i].ip, ip))
			return &h->g[i];
	}
	if (!create || !free_slot)
		return NULL;
	memset(free_slot, 0, sizeof *free_slot);
	free_slot->used = 1;
	free_slot->ip = *ip;
	return free_slot;
}

/* +1: a request towards d->dst; -1: an answer from d->src; 0: neither. */
static int classify(const struct silence *h, const struct dec_pkt *d)
{
	if (d->proto == IPPROTO_UDP) {
		if (is_dns(h, d->dport))
			return 1;
		if (is_dns(h, d->sport))
			return -1;
	} else if (d->proto == IPPROTO_TCP) {
		int data = d->payload_wire > 0, syn = d->tcp.flags & TCP_SYN;
		if (is_http(h, d->dport) || is_dns(h, d->dport))
			return (data || syn) && !(d->tcp.flags & TCP_RST) ? 1 : 0;
		if (is_http(h, d->sport) || is_dns(h, d->sport))
			return data || (syn && (d->tcp.flags & TCP_ACK)) ? -1 : 0;
	} else if (d->proto == IPPROTO_ICMP || d->proto == IPPROTO_ICMPV6) {
		if (d->icmp_type == 8 || d->icmp_type == 128)
			return 1;
		if (d->icmp_type == 0 || d->icmp_type == 129)
			return -1;
	}
	return 0;
}

/* The next point inside pt (towards the guest) on this guest's path: one
 * where the guest was seen at all, so a vif capture of another guest does
 * not count. -1: pt is the innermost. */
static int inner_point(const struct silence *h, const struct sil_guest *g, int pt)
{
	for (int q = pt + 1; q < PT_N; q++)
		if ((h->roles & (1u << q)) && (g->pt[q].requests || g->pt[q].answers))
			return q;
	return -1;
}

/* Requests unanswered at this point for the silence threshold, and still
 * arriving (a client that stopped asking is no hang). */
static int silent_at(const struct silence *h, const struct sil_pt *p, uint64_t now)
{
	uint64_t s = (uint64_t)h->cfg.silence_ns;
	return p->unanswered >= h->cfg.min_requests && now >= p->first_unanswered_ns + s &&
	       now <= p->last_req_ns + s;
}

/* Whether the inner point q lies beyond a loss from a silence that began at
 * the outer point p: no request reached q since (lost on the way in), or q
 * saw answers that never came out (lost on the way back). Otherwise q is
 * still asked and unanswered, and its own verdict decides. */
static int cut_off(const struct sil_pt *q, const struct sil_pt *p)
{
	return q->last_req_ns < p->first_unanswered_ns || q->last_answer_ns > p->first_unanswered_ns;
}

/* The kind of a silence at pt; inner: the next point in (inner_point). */
static uint8_t kind_at(const struct sil_pt *p, int pt, int inner)
{
	if (inner >= 0)	/* client-vif without the uplink: the link, as in attrib */
		return pt == PT_UPLINK ? SIL_LOST_BRIDGE : SIL_LOST_LINK;
	/* Anything else from the guest once requests went unanswered: its stack
	 * lives. (Not merely since its last answer: the FIN closing the last
	 * answered exchange comes after that answer and says nothing.) */
	return p->last_any_ns > p->first_unanswered_ns ? SIL_APP_ONLY : SIL_SILENT;
}

static void alert(struct silence *h, struct sil_guest *g, uint8_t point, uint64_t now, int resumed)
{
	const struct sil_pt *p = &g->pt[point];
	struct sil_alert a = {
		.guest = g->ip, .point = point, .resumed = (uint8_t)resumed,
		.kind = g->silent_kind,
		.last_answer_ns = p->last_answer_ns, .first_unanswered_ns = p->first_unanswered_ns,
		.at_ns = now, .unanswered = p->unanswered,
	};
	if (!resumed)
		h->alerts++;
	if (h->fn)
		h->fn(h->ctx, &a);
}

/* The innermost point where the guest went silent decides: the vif when
 * requests reach it unanswered; an outer point when its requests stop short
 * of the next point, or the answers the next point sees never arrive. An
 * outer point's clock runs out first (it saw the first request earlier), so
 * it waits while the next point is still being asked. */
static void check(struct silence *h, struct sil_guest *g, uint64_t now)
{
	if (g->silent || !g->answered_ever)
		return;
	for (int pt = PT_N - 1; pt >= 0; pt--) {
		const struct sil_pt *p = &g->pt[pt];
		if (!(h->roles & (1u << pt)) || !silent_at(h, p, now))
			continue;
		int q = inner_point(h, g, pt);
		if (q >= 0 && !cut_off(&g->pt[q], p))
			return;
		g->silent = 1;
		g->silent_pt = (uint8_t)pt;
		g->silent_kind = kind_at(p, pt, q);
		alert(h, g, (uint8_t)pt, now, 0);
		return;
	}
}

void sil_packet(struct silence *h, uint8_t point, uint64_t ts_ns, const struct dec_pkt *d)
{
	if (point >= PT_N || !d->ipver)
		return;
	h->roles |= 1u << point;
	int dir = classify(h, d);
	struct sil_guest *g;

	if (dir > 0 && (g = guest(h, &d->dst, 0))) {
		struct sil_pt *p = &g->pt[point];
		p->requests++;
		p->last_req_ns = ts_ns;
		if (!p->unanswered++)
			p->first_unanswered_ns = ts_ns;
		check(h, g, ts_ns);
		return;
	}
	g = guest(h, &d->src, dir < 0);
	if (!g)
		return;
	struct sil_pt *p = &g->pt[point];
	p->last_any_ns = ts_ns;
	if (dir < 0) {
		if (g->silent && point == g->silent_pt) {
			g->silent = 0;
			alert(h, g, point, ts_ns, 1);	/* with the silence's times */
		}
		p->answers++;
		p->last_answer_ns = ts_ns;
		p->unanswered = 0;
		g->answered_ever = 1;
	}
}

void sil_pkt(struct silence *h, const struct pkt *p)
{
	struct dec_pkt d;
	/* a transport truncated past the IP header still tells who talks to whom */
	if (dec_packet(p, &d) == DEC_OK || d.ipver)
		sil_packet(h, p->point, p->ts_ns, &d);
}

void sil_advance(struct silence *h, uint64_t now_ns)
{
	for (unsigned i = 0; i < SIL_MAX_GUESTS; i++)
		if (h->g[i].used)
			check(h, &h->g[i], now_ns);
}

const struct sil_guest *sil_find(const struct silence *h, const struct ipaddr *ip)
{
	return guest((struct silence *)h, ip, 0);
}

uint64_t sil_requests(const struct silence *h, const struct ipaddr *guest, int point)
{
	const struct sil_guest *g = sil_find(h, guest);
	return g && point >= 0 && point < PT_N ? g->pt[point].requests : 0;
}

uint64_t sil_unanswered(const struct silence *h, const struct ipaddr *guest, int point)
{
	const struct sil_guest *g = sil_find(h, guest);
	return g && point >= 0 && point < PT_N ? g->pt[point].unanswered : 0;
}
