/* Guest-silence detector (see hang.h). */
#include <string.h>
#include <netinet/in.h>
#include "analysis/hang.h"

static const char *const kind_text[] = {
	[HANG_SILENT] = "silent at all layers", [HANG_APP_ONLY] = "application only",
	[HANG_LOST_BRIDGE] = "lost in the bridge", [HANG_LOST_LINK] = "lost on the link",
};
static const char *const kind_key[] = {
	[HANG_SILENT] = "silent", [HANG_APP_ONLY] = "app_only",
	[HANG_LOST_BRIDGE] = "lost_bridge", [HANG_LOST_LINK] = "lost_link",
};

const char *hang_kind_text(int k) { return k >= HANG_SILENT && k <= HANG_LOST_LINK ? kind_text[k] : "?"; }
const char *hang_kind_key(int k) { return k >= HANG_SILENT && k <= HANG_LOST_LINK ? kind_key[k] : "?"; }

void hang_config_default(struct hang_config *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	cfg->silence_ns = 1000000000LL;
	cfg->min_requests = 3;
}

void hang_init(struct hang *h, const struct hang_config *cfg, hang_alert_fn fn, void *ctx)
{
	memset(h, 0, sizeof *h);
	h->cfg = *cfg;
	h->fn = fn;
	h->ctx = ctx;
}

static int is_dns(const struct hang *h, uint16_t port)
{
	return h->cfg.pt ? pt_is_dns_port(h->cfg.pt, port) : port == 53;
}

static int is_http(const struct hang *h, uint16_t port)
{
	return h->cfg.pt ? pt_is_http_port(h->cfg.pt, port) : port == 80;
}

/* The guest's entry; a new one when create (the oldest-silent slot is not
 * recycled: 64 servers on one path is far beyond the testbed). Slots are
 * taken in order and never released, so the first unused one ends the
 * search: every packet looks up here, and most are not from a guest. */
static struct hang_guest *guest(struct hang *h, const struct ipaddr *ip, int create)
{
	struct hang_guest *free_slot = NULL;
	for (unsigned i = 0; i < HANG_MAX_GUESTS; i++) {
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
static int classify(const struct hang *h, const struct dec_pkt *d)
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

static void alert(struct hang *h, struct hang_guest *g, uint8_t point, uint64_t now, int resumed)
{
	const struct hang_pt *p = &g->pt[point];
	struct hang_alert a = {
		.guest = g->ip, .point = point, .resumed = (uint8_t)resumed,
		.last_answer_ns = p->last_answer_ns, .first_unanswered_ns = p->first_unanswered_ns,
		.at_ns = now, .unanswered = p->unanswered,
	};
	/* Anything else from the guest once requests went unanswered: its stack
	 * lives. (Not merely since its last answer: the FIN closing the last
	 * answered exchange comes after that answer and says nothing.) */
	a.kind = p->last_any_ns > p->first_unanswered_ns ? HANG_APP_ONLY : HANG_SILENT;
	if (point == PT_UPLINK && (h->roles & (1u << PT_VIF)) &&
	    g->pt[PT_VIF].last_req_ns + (uint64_t)h->cfg.silence_ns < p->last_req_ns)
		a.kind = HANG_LOST_BRIDGE;
	if (point == PT_CLIENT && (h->roles & (1u << PT_UPLINK)) &&
	    g->pt[PT_UPLINK].last_req_ns + (uint64_t)h->cfg.silence_ns < p->last_req_ns)
		a.kind = HANG_LOST_LINK;
	if (!resumed)
		h->alerts++;
	if (h->fn)
		h->fn(h->ctx, &a);
}

/* The innermost point this host sees decides (vif, else uplink, else client). */
static int deciding_point(const struct hang *h)
{
	for (int p = PT_VIF; p >= PT_CLIENT; p--)
		if (h->roles & (1u << p))
			return p;
	return -1;
}

static void check(struct hang *h, struct hang_guest *g, uint64_t now)
{
	int pt = deciding_point(h);
	if (pt < 0 || g->silent || !g->answered_ever)
		return;
	const struct hang_pt *p = &g->pt[pt];
	if (p->unanswered >= h->cfg.min_requests &&
	    now >= p->first_unanswered_ns + (uint64_t)h->cfg.silence_ns &&
	    now <= p->last_req_ns + (uint64_t)h->cfg.silence_ns) {
		g->silent = 1;
		alert(h, g, (uint8_t)pt, now, 0);
	}
}

void hang_packet(struct hang *h, uint8_t point, uint64_t ts_ns, const struct dec_pkt *d)
{
	if (point >= PT_N || !d->ipver)
		return;
	h->roles |= 1u << point;
	int dir = classify(h, d);
	struct hang_guest *g;

	if (dir > 0 && (g = guest(h, &d->dst, 0))) {
		struct hang_pt *p = &g->pt[point];
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
	struct hang_pt *p = &g->pt[point];
	p->last_any_ns = ts_ns;
	if (dir < 0) {
		if (g->silent && (int)point == deciding_point(h)) {
			g->silent = 0;
			alert(h, g, point, ts_ns, 1);	/* with the silence's times */
		}
		p->answers++;
		p->last_answer_ns = ts_ns;
		p->unanswered = 0;
		g->answered_ever = 1;
	}
}

void hang_pkt(struct hang *h, const struct pkt *p)
{
	struct dec_pkt d;
	/* a transport truncated past the IP header still tells who talks to whom */
	if (dec_packet(p, &d) == DEC_OK || d.ipver)
		hang_packet(h, p->point, p->ts_ns, &d);
}

void hang_advance(struct hang *h, uint64_t now_ns)
{
	for (unsigned i = 0; i < HANG_MAX_GUESTS; i++)
		if (h->g[i].used)
			check(h, &h->g[i], now_ns);
}

const struct hang_guest *hang_find(const struct hang *h, const struct ipaddr *ip)
{
	return guest((struct hang *)h, ip, 0);
}
