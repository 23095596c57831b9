/* Client source ports: exhaustion and SYN retransmissions (see ports.h). */
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include "analysis/detect/ports.h"

#define NPORTS 65536u
#define MS 1000000ull

enum { P_NEVER = 0, P_TRYING, P_OPEN, P_HELD, P_FREE };

struct port {
	uint32_t isn;
	uint32_t closed_ms;		/* the client's FIN, ms after the group's first SYN */
	uint8_t state;
	uint8_t cli_closed;		/* closed first by the client (held, or its TIME_WAIT over) */
	uint8_t srv_fin;		/* the server closed first */
	uint8_t retx;			/* its SYN was retransmitted */
};

/* Ports closed first by the client, in closing order: their TIME_WAIT ends
 * in this order. A port reused and closed again has a later entry; its
 * earlier one no longer matches its close time and is skipped. */
struct closes {
	uint16_t *port;
	uint32_t *ms;
	unsigned head, n;
};

struct group {
	uint8_t full, stalled;
	uint8_t await_reuse;		/* no port closed by the client reused since the stall began */
	struct ports_state st;
	uint64_t base_ns;		/* the first SYN: port times count from here */
	uint64_t last_new_ns;		/* the last new connection's SYN */
	uint64_t full_ns;		/* when it became full */
	uint64_t stall_start_ns;
	uint64_t checked_ns;		/* the last check's time (checked): every change of
					 * the group ends with a check, and a check again at
					 * the same time does nothing (ports_advance skips it),
					 * unless it stalled */
	uint8_t checked;
	struct port *port;		/* [NPORTS] */
	struct closes tw;
};

struct ports {
	struct ports_config cfg;
	struct ports_hooks hooks;
	struct ports_stats stats;
	struct group *g;		/* [cfg.max_groups] */
	unsigned n_groups;		/* used, taken in order (ports_advance, at every
					 * packet, looks at no group without one) */
	uint32_t tw_ms;			/* time_wait_ns in ms */
};

void ports_config_default(struct ports_config *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	cfg->max_groups = 4;
	cfg->min_ports = 64;
	cfg->time_wait_ns = 60 * 1000 * MS;
	cfg->stall_ns = 1000 * MS;
}

struct ports *ports_new(const struct ports_config *cfg, const struct ports_hooks *hooks)
{
	struct ports *p = calloc(1, sizeof *p);
	if (!p || !cfg->max_groups)
		goto fail;
	p->cfg = *cfg;
	p->hooks = *hooks;
	p->tw_ms = (uint32_t)(cfg->time_wait_ns / (int64_t)MS);
	p->g = calloc(cfg->max_groups, sizeof *p->g);
	if (!p->g)
		goto fail;
	for (unsigned i = 0; i < cfg->max_groups; i++) {
		struct group *g = &p->g[i];
		g->port = calloc(NPORTS, sizeof *g->port);
		g->tw.port = calloc(NPORTS, sizeof *g->tw.port);
		g->tw.ms = calloc(NPORTS, sizeof *g->tw.ms);
		if (!g->port || !g->tw.port || !g->tw.ms)
			goto fail;
	}
	return p;
fail:
	ports_free(p);
	return NULL;
}

void ports_free(struct ports *p)
{
	if (!p)
		return;
	for (unsigned i = 0; p->g && i < p->cfg.max_groups; i++) {
		free(p->g[i].port);
		free(p->g[i].tw.port);
		free(p->g[i].tw.ms);
	}
	free(p->g);
	free(p);
}

const struct ports_stats *ports_stats(const struct ports *p)
{
	return &p->stats;
}

static int is_service(const struct ports *p, uint16_t port)
{
	const struct pt_config *pt = p->cfg.pt;
	return pt ? pt_is_dns_port(pt, port) || pt_is_http_port(pt, port) : port == 53 || port == 80;
}

/* ts after the group's first SYN, in ns (0 before it). */
static uint64_t since(const struct group *g, uint64_t ts)
{
	return ts > g->base_ns ? ts - g->base_ns : 0;
}

static uint32_t ms_of(const struct group *g, uint64_t ts)
{
	return (uint32_t)(since(g, ts) / MS);
}

/* Whether x (ms as ms_of counts) is still ahead of d (since()): x > d / MS
 * in ms_of's 32 bits, without the division while d / MS fits them (x >
 * floor(d / MS) exactly when x * MS > d): expire() runs twice per packet. */
static int ahead(uint32_t x, uint64_t d)
{
	return d < ((uint64_t)1 << 32) * MS ? (uint64_t)x * MS > d : x > (uint32_t)(d / MS);
}

/* The group of (client, server:port); a new one when create. Groups are
 * taken in order and never released. */
static struct group *group(struct ports *p, const struct ipaddr *client, const struct ipaddr *server,
			   uint16_t sport, int create)
{
	for (unsigned i = 0; i < p->n_groups; i++) {
		const struct ports_state *st = &p->g[i].st;
		if (st->server.port == sport && ipaddr_eq(&st->server.ip, server) && ipaddr_eq(&st->client, client))
			return &p->g[i];
	}
	if (!create)
		return NULL;
	if (p->n_groups == p->cfg.max_groups) {
		p->stats.groups_full++;
		return NULL;
	}
	struct group *g = &p->g[p->n_groups++];
	g->st.client = *client;
	g->st.server.ip = *server;
	g->st.server.port = sport;
	return g;
}

/* ---- held ports (TIME_WAIT) ---- */

static void unhold(struct group *g, struct port *pt, uint8_t state)
{
	pt->state = state;
	g->st.held--;
}

/* The oldest close leaves the ring; still held with that close time, its
 * TIME_WAIT is over (or, forced by a full ring, taken as over). */
static void pop_close(struct group *g)
{
	struct port *pt = &g->port[g->tw.port[g->tw.head]];
	if (pt->state == P_HELD && pt->closed_ms == g->tw.ms[g->tw.head])
		unhold(g, pt, P_FREE);
	g->tw.head = (g->tw.head + 1) % NPORTS;
	g->tw.n--;
}

static void expire(const struct ports *p, struct group *g, uint64_t now)
{
	uint64_t d = since(g, now);
	while (g->tw.n) {
		unsigned k = g->tw.head;
		const struct port *pt = &g->port[g->tw.port[k]];
		int stale = pt->state != P_HELD || pt->closed_ms != g->tw.ms[k];
		if (!stale && ahead(g->tw.ms[k] + p->tw_ms, d))
			break;
		pop_close(g);
	}
}

static void hold(struct group *g, uint16_t port, uint64_t ts)
{
	struct port *pt = &g->port[port];
	if (g->tw.n == NPORTS)
		pop_close(g);
	pt->state = P_HELD;
	pt->cli_closed = 1;
	pt->closed_ms = ms_of(g, ts);
	g->st.held++;
	g->st.closed_by_client++;
	unsigned k = (g->tw.head + g->tw.n++) % NPORTS;
	g->tw.port[k] = port;
	g->tw.ms[k] = pt->closed_ms;
}

/* ---- exhaustion ---- */

/* All but 1% of the observed range open or held, over enough ports. */
static int full(const struct ports *p, const struct group *g)
{
	uint32_t span = (uint32_t)g->st.port_max - g->st.port_min + 1u;
	return g->st.ports_seen >= p->cfg.min_ports && g->st.open + g->st.held >= span - span / 100;
}

static void emit(struct ports *p, const struct group *g, uint8_t event, uint64_t now, uint16_t port,
		 int64_t reuse_ns)
{
	struct ports_alert a = {
		.id = (unsigned)(g - p->g), .event = event, .st = g->st, .start_ns = g->stall_start_ns,
		.at_ns = now, .port = port, .reuse_ns = reuse_ns,
	};
	if (p->hooks.alert)
		p->hooks.alert(p->hooks.ctx, &a);
}

static void stall(struct ports *p, struct group *g, uint64_t now)
{
	g->checked = 0;		/* a check again may end await_reuse (stall_start_ns moved) */
	g->stalled = g->await_reuse = 1;
	g->stall_start_ns = g->last_new_ns;
	p->stats.stalls++;
	emit(p, g, PORTS_STALLED, now, 0, -1);
}

static void check(struct ports *p, struct group *g, uint64_t now)
{
	expire(p, g, now);
	if (g->await_reuse && now > g->stall_start_ns + 2 * (uint64_t)p->cfg.time_wait_ns)
		g->await_reuse = 0;	/* its ports had every chance to come back */
	int was = g->full;
	g->full = full(p, g);
	if (g->full && !was)
		g->full_ns = now;
	g->checked = 1;
	g->checked_ns = now;
	uint64_t due = g->last_new_ns + (uint64_t)p->cfg.stall_ns;
	/* noticed when the rule held, not at the packet or tick that told */
	if (g->full && !g->stalled && now >= due)
		stall(p, g, due > g->full_ns ? due : g->full_ns);
}

/* A new connection on port since a stall began: the stall's end (the
 * first), and the reuse interval (the first on a port the client closed);
 * reuse_ns: -1 when the port was not closed first by the client. */
static void after_stall(struct ports *p, struct group *g, uint16_t port, uint64_t ts, int64_t reuse_ns)
{
	int reused = g->await_reuse && reuse_ns >= 0;
	if (g->stalled)
		emit(p, g, PORTS_RESUMED, ts, port, reused ? reuse_ns : -1);
	else if (reused)
		emit(p, g, PORTS_REUSED, ts, port, reuse_ns);
	g->stalled = 0;
	if (reused)
		g->await_reuse = 0;
}

/* ---- connections ---- */

/* A port used for the first time: seen, and the range observed. */
static void first_use(struct ports_state *st, uint16_t port)
{
	if (!st->ports_seen || port < st->port_min)
		st->port_min = port;
	if (!st->ports_seen || port > st->port_max)
		st->port_max = port;
	st->ports_seen++;
}

static void new_connection(struct ports *p, struct group *g, uint16_t port, uint32_t isn, uint64_t ts)
{
	struct port *pt = &g->port[port];
	int64_t reuse_ns = -1;
	if (!g->base_ns)
		g->base_ns = ts;
	expire(p, g, ts);
	if (pt->state == P_NEVER)
		first_use(&g->st, port);
	else if (pt->state == P_HELD)
		unhold(g, pt, P_FREE);
	else if (pt->state == P_OPEN)
		g->st.open--;
	if (pt->cli_closed)
		reuse_ns = (int64_t)(ms_of(g, ts) - pt->closed_ms) * (int64_t)MS;
	memset(pt, 0, sizeof *pt);
	pt->state = P_TRYING;
	pt->isn = isn;
	if (g->stalled || g->await_reuse)
		after_stall(p, g, port, ts, reuse_ns);
	g->last_new_ns = ts;
	check(p, g, ts);
}

static void on_syn(struct ports *p, uint64_t ts, const struct dec_pkt *d)
{
	struct group *g = group(p, &d->src, &d->dst, d->dport, 1);
	if (!g)
		return;
	struct port *pt = &g->port[d->sport];
	if ((pt->state == P_TRYING || pt->state == P_OPEN) && pt->isn == d->tcp.seq) {
		int first = !pt->retx;
		pt->retx = 1;
		p->stats.syn_retransmits++;
		if (p->hooks.syn_retransmit)
			p->hooks.syn_retransmit(p->hooks.ctx, ts, first);
		return;
	}
	new_connection(p, g, d->sport, d->tcp.seq, ts);
}

/* A segment of a watched connection: from the client (dir 0) or the server. */
static void on_segment(struct ports *p, struct group *g, uint16_t port, int dir, uint8_t f, uint64_t ts)
{
	struct port *pt = &g->port[port];
	if (pt->state == P_TRYING && dir == 1 && (f & TCP_SYN) && (f & TCP_ACK)) {
		pt->state = P_OPEN;
		g->st.open++;
	}
	if (f & TCP_RST) {
		if (pt->state == P_OPEN)
			g->st.open--;
		if (pt->state == P_HELD)
			unhold(g, pt, P_FREE);
		else if (pt->state == P_TRYING || pt->state == P_OPEN)
			pt->state = P_FREE;
	} else if ((f & TCP_FIN) && dir == 1 && pt->state == P_OPEN)
		pt->srv_fin = 1;
	else if ((f & TCP_FIN) && dir == 0 && pt->state == P_OPEN) {
		g->st.open--;
		if (pt->srv_fin)
			pt->state = P_FREE;	/* the server holds the TIME_WAIT */
		else
			hold(g, port, ts);
	}
	check(p, g, ts);
}

static void segment(struct ports *p, uint64_t ts_ns, const struct dec_pkt *d)
{
	uint8_t f = d->tcp.flags;
	struct group *g;
	if ((f & TCP_SYN) && !(f & TCP_ACK)) {
		if (is_service(p, d->dport))
			on_syn(p, ts_ns, d);
	} else if ((g = group(p, &d->src, &d->dst, d->dport, 0)))
		on_segment(p, g, d->sport, 0, f, ts_ns);
	else if ((g = group(p, &d->dst, &d->src, d->sport, 0)))
		on_segment(p, g, d->dport, 1, f, ts_ns);
}

/* The test apart from segment(): most packets are not TCP, and return
 * before segment() saves its registers. */
unsigned ports_packet(struct ports *p, uint64_t ts_ns, const struct dec_pkt *d)
{
	if (d->proto == IPPROTO_TCP && d->ipver && !d->is_frag)
		segment(p, ts_ns, d);
	return p->n_groups;
}

/* The packet's own group was checked at its time already (on_segment,
 * new_connection): the others only. */
void ports_advance(struct ports *p, uint64_t now_ns)
{
	for (unsigned i = 0; i < p->n_groups; i++)
		if (!p->g[i].checked || p->g[i].checked_ns != now_ns)
			check(p, &p->g[i], now_ns);
}

void ports_finish(struct ports *p, uint64_t now_ns)
{
	for (unsigned i = 0; i < p->n_groups; i++) {
		struct group *g = &p->g[i];
		check(p, g, now_ns);
		if (g->full && !g->stalled)
			stall(p, g, now_ns);
	}
}
