/* Old versus new on random streams (tests/bench/detect_equiv.sh builds it):
 * the silence detector's alerts and its state at the end, the watch's
 * incidents (silences, client ports, SYN and loss bursts) and the results
 * they leave, the diagnosis' steps (each as handed to on_step, then all
 * stored) and verdict. Old: a base commit's objects with their symbols
 * renamed old_*. The streams are plausible rather than real: DNS and HTTP
 * over UDP and TCP, ICMP, ARP, neighbour solicitations, fragments, other
 * protocols, three points, phases in which a guest stops answering at a
 * point, clients cycling through source ports, packets a little out of
 * order, long gaps, transactions arriving late, random thresholds.
 *   equiv [SEEDS [PACKETS [WHICH]]]   (SEED=first, DUMP=1: the incidents
 *   around the first difference) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include "analysis/engine/watch.h"
#include "analysis/diagnose/diagnose.h"
#include "analysis/detect/silence.h"

struct silence *old_sil_new(const struct sil_config *cfg, sil_alert_fn fn, void *ctx);
void old_sil_free(struct silence *h);
void old_sil_packet(struct silence *h, uint8_t point, uint64_t ts_ns, const struct dec_pkt *d);
void old_sil_advance(struct silence *h, uint64_t now_ns);
int old_sil_current(const struct silence *h, unsigned id, uint64_t now_ns, struct sil_alert *a);
int old_sil_known(const struct silence *h, const struct ipaddr *ip);
uint64_t old_sil_alerts(const struct silence *h);
struct watch *old_watch_new(const struct watch_config *cfg, struct results *res);
void old_watch_packet(struct watch *w, uint8_t point, uint64_t ts_ns, const struct dec_pkt *d);
void old_watch_txn(struct watch *w, const struct txn *t);
void old_watch_advance(struct watch *w, uint64_t now_ns);
void old_watch_finish(struct watch *w);
void old_watch_free(struct watch *w);
struct diag *old_diag_new(const struct diag_config *cfg, struct results *r);
void old_diag_packet(struct diag *d, uint8_t point, uint64_t ts_ns, const struct dec_pkt *p);
void old_diag_txn(struct diag *d, const struct txn *t, uint64_t start_ns);
void old_diag_advance(struct diag *d, uint64_t now_ns);
void old_diag_finish(struct diag *d);
void old_diag_free(struct diag *d);

static uint64_t rs;
static uint64_t rnd(void)
{
	rs ^= rs << 13;
	rs ^= rs >> 7;
	rs ^= rs << 17;
	return rs;
}
static uint64_t below(uint64_t n) { return n ? rnd() % n : 0; }
static int chance(unsigned pct) { return below(100) < pct; }

/* ---- a log of what came out, compared byte by byte ---- */
struct log {
	unsigned char *b;
	size_t n, cap;
	unsigned events;
};
static void put(struct log *l, const void *p, size_t n)
{
	if (l->n + n > l->cap) {
		l->cap = (l->n + n) * 2 + 4096;
		l->b = realloc(l->b, l->cap);
	}
	memcpy(l->b + l->n, p, n);
	l->n += n;
}
static void on_alert(void *ctx, const struct sil_alert *a) { put(ctx, a, sizeof *a); ((struct log *)ctx)->events++; }
static unsigned long kinds[16];
static void on_inc(void *ctx, const struct res_incident *in) { put(ctx, in, sizeof *in); ((struct log *)ctx)->events++; kinds[in->kind & 15]++; }
static void on_step(void *ctx, const struct res_step *s, size_t i)
{
	put(ctx, &i, sizeof i);
	put(ctx, s, sizeof *s);
	((struct log *)ctx)->events++;
}
static int same(const char *what, unsigned long seed, struct log *a, struct log *b)
{
	if (a->n == b->n && !memcmp(a->b, b->b, a->n) && a->events == b->events)
		return 1;
	size_t i = 0;
	while (i < a->n && i < b->n && a->b[i] == b->b[i])
		i++;
	if (getenv("DUMP") && !strcmp(what, "watch incidents")) {
		size_t k = i / sizeof(struct res_incident);
		for (size_t j = k ? k - 1 : 0; j <= k + 1; j++)
			for (int w = 0; w < 2; w++) {
				struct log *l = w ? b : a;
				if ((j + 1) * sizeof(struct res_incident) > l->n)
					continue;
				const struct res_incident *in = (const void *)(l->b + j * sizeof *in);
				fprintf(stderr, "%s #%zu kind %d open %d point %d start %lu detected %lu end %lu\n",
					w ? "new" : "old", j, in->kind, in->open, in->point,
					(unsigned long)in->start_ns, (unsigned long)in->detected_ns, (unsigned long)in->end_ns);
			}
	}
	fprintf(stderr, "seed %lu: %s differ (%zu vs %zu bytes, %u vs %u events, first at %zu)\n", seed, what,
		a->n, b->n, a->events, b->events, i);
	return 0;
}

/* ---- packets ---- */
static struct pt_config ptc;
static struct ipaddr ip[8];	/* 0,3,6: clients; 1,2,7: guests; 4,5 others */
static unsigned char dnsq[16], dnsr[16], tdnsq[16], tdnsr[16];
static const char httpq[] = "GET / HTTP/1.1\r\n", httpr[] = "HTTP/1.1 200 OK\r\n", junk[] = "xyzzy";
static unsigned char nsol[24];

struct gen {
	unsigned roles;
	uint64_t ts;
	int mean_gap_ns;	/* phase */
	int mute[3][3];		/* [guest][point]: answers dropped there */
	int phase_left;
	unsigned storm;
	int quiet_tcp;
	int storm_stop;		/* phase: the storm's client closes and opens nothing */		/* run: TCP off the service ports but for the storms */		/* phase: ports a client cycles through (0: none) */
	uint32_t seq[16];
};

static int pick_point(struct gen *g)
{
	if (chance(1))
		return 3;	/* out of range */
	for (;;) {
		int p = (int)below(3);
		if (g->roles & (1u << p))
			return p;
	}
}

static void next_ts(struct gen *g)
{
	if (--g->phase_left <= 0) {
		static const int gaps[] = { 100000, 500000, 2000000, 10000000, 40000 };
		g->mean_gap_ns = gaps[below(5)];
		g->phase_left = 200 + (int)below(3000);
		if (!g->storm || !chance(50))
			g->storm = chance(60) ? 2 + (unsigned)below(30) : 0;
		g->storm_stop = chance(40);
		for (int a = 0; a < 3; a++)
			for (int p = 0; p < 3; p++)
				g->mute[a][p] = chance(25);
	}
	uint64_t r = below(1000);
	if (r < 5)
		g->ts += 300000000 + below(2700000000ull);
	else if (r < 30)
		g->ts += below(400000000);
	else
		g->ts += below((uint64_t)g->mean_gap_ns * 2 + 1);
}

static void set_pay(struct dec_pkt *d, const void *p, size_t n)
{
	d->payload = cur_make(p, n);
	d->payload_wire = (uint32_t)n + (chance(5) ? 100 : 0);
}

static void v4(struct dec_pkt *d, int s, int t)
{
	d->ipver = ip[s].family;
	d->src = ip[s];
	d->dst = ip[t];
	if (ip[t].family != ip[s].family)
		d->dst = ip[s].family == 4 ? ip[1] : ip[7];
}

static const int guests[3] = { 1, 2, 7 }, clients[3] = { 0, 3, 6 };

/* One packet, more or less plausible. */
static void gen_pkt(struct gen *g, struct dec_pkt *d, int *point)
{
	memset(d, 0, sizeof *d);
	*point = pick_point(g);
	int gi = (int)below(3), gsv = guests[gi], cl = clients[below(3)];
	if (ip[gsv].family != ip[cl].family)
		cl = ip[gsv].family == 4 ? 0 : 6;
	if (chance(3))
		gsv = 4 + (int)below(2);
	int answer = chance(48);
	int pt = *point < 3 ? *point : 0;
	if (answer && gi < 3 && g->mute[gi][pt] && chance(95))
		answer = 0;
	uint16_t dnsport = chance(10) ? 5353 : 53, httpport = chance(10) ? 8080 : 80;
	uint16_t cport = (uint16_t)(40000 + below(chance(50) ? 12 : 3000));
	unsigned kind = (unsigned)below(100);
	if (answer)
		v4(d, gsv, cl);
	else
		v4(d, cl, gsv);
	if (kind < 45) {	/* DNS over UDP */
		d->proto = IPPROTO_UDP;
		if (answer) { d->sport = dnsport; d->dport = cport; set_pay(d, dnsr, chance(3) ? 2 : 12); }
		else { d->sport = cport; d->dport = dnsport; set_pay(d, dnsq, chance(3) ? 2 : 12); }
		if (chance(3))
			set_pay(d, answer ? dnsq : dnsr, 12);	/* wrong QR */
	} else if (kind < 52) {	/* UDP elsewhere */
		d->proto = IPPROTO_UDP;
		d->sport = (uint16_t)below(2000);
		d->dport = (uint16_t)below(2000);
		set_pay(d, junk, 5);
	} else if (kind < 80 && g->storm && chance(60)) {	/* a client opening and closing connections */
		static uint16_t lport;
		static uint32_t lseq;
		d->proto = IPPROTO_TCP;
		v4(d, 4, 5);
		uint16_t port = (uint16_t)(41000 + below(g->storm));
		unsigned f = (unsigned)below(10);
		if (chance(80))
			*point = __builtin_ctz(g->roles);
		if (g->storm_stop)
			f = chance(50) ? 7 : 5;
		if (f < 5) {
			d->tcp.flags = TCP_SYN;
			if (chance(25))
				port = lport;
			else
				lseq = (uint32_t)rnd();
			lport = port;
			d->tcp.seq = lseq;
			d->sport = port;
			d->dport = 80;
		} else if (f < 7) {
			v4(d, 5, 4);
			d->tcp.flags = TCP_SYN | TCP_ACK;
			d->sport = 80;
			d->dport = port;
		} else {
			d->tcp.flags = f < 9 ? TCP_FIN | TCP_ACK : TCP_RST;
			if (!g->storm_stop && chance(30)) {
				v4(d, 5, 4);
				d->sport = 80;
				d->dport = port;
			} else {
				d->sport = port;
				d->dport = 80;
			}
		}
	} else if (kind < 80) {	/* TCP */
		int port = g->quiet_tcp ? 5000 : chance(60) ? httpport : chance(50) ? dnsport : 5000;
		d->proto = IPPROTO_TCP;
		unsigned f = (unsigned)below(10);
		uint8_t flags;
		const void *pay = NULL;
		size_t n = 0;
		if (!answer) {
			flags = f < 4 ? TCP_SYN : f < 7 ? TCP_ACK | TCP_PSH : f < 8 ? TCP_FIN | TCP_ACK : f < 9 ? TCP_RST : TCP_ACK;
			if (f >= 4 && f < 7) { pay = port == httpport ? (const void *)httpq : port == dnsport ? (const void *)tdnsq : junk; n = port == httpport ? 16 : port == dnsport ? 16 : 5; }
			d->sport = cport;
			d->dport = (uint16_t)port;
			unsigned k = cport % 16;
			if (flags == TCP_SYN && !chance(15))
				g->seq[k] = (uint32_t)rnd();
			d->tcp.seq = g->seq[k];
		} else {
			flags = f < 3 ? TCP_SYN | TCP_ACK : f < 6 ? TCP_ACK | TCP_PSH : f < 7 ? TCP_FIN : f < 8 ? TCP_RST : f < 9 ? TCP_FIN | TCP_ACK : TCP_ACK;
			if (f >= 3 && f < 6) { pay = port == httpport ? (const void *)httpr : port == dnsport ? (const void *)tdnsr : junk; n = port == httpport ? 17 : port == dnsport ? 16 : 5; }
			if (chance(5)) { pay = junk; n = 5; }
			d->sport = (uint16_t)port;
			d->dport = cport;
		}
		d->tcp.flags = flags;
		if (n)
			set_pay(d, pay, n);
	} else if (kind < 88) {	/* ICMP */
		int six = d->ipver == 6;
		d->proto = six ? IPPROTO_ICMPV6 : IPPROTO_ICMP;
		static const uint8_t t4q[] = { 8, 13 }, t4a[] = { 0, 3, 11, 12, 5 };
		static const uint8_t t6q[] = { 128, 135, 133 }, t6a[] = { 129, 1, 2, 3, 4, 136 };
		if (six) {
			d->icmp_type = answer ? t6a[below(6)] : t6q[below(3)];
			if (d->icmp_type == 135) {
				memcpy(nsol + 4, ip[gsv].b, 16);
				set_pay(d, nsol, chance(5) ? 10 : 20);
			}
		} else
			d->icmp_type = answer ? t4a[below(5)] : t4q[below(2)];
	} else if (kind < 95) {	/* ARP */
		d->ipver = 0;
		d->arp_op = answer ? 2 : chance(10) ? 3 : 1;
		memcpy(d->arp_spa, ip[answer ? gsv : cl].b, 4);
		memcpy(d->arp_tpa, ip[answer ? cl : gsv].b, 4);
		if (chance(5))
			memcpy(d->arp_tpa, d->arp_spa, 4);	/* gratuitous */
		memset(&d->src, 0, sizeof d->src);
		memset(&d->dst, 0, sizeof d->dst);
	} else if (kind < 97) {	/* fragments */
		d->proto = IPPROTO_UDP;
		d->is_frag = 1;
		d->frag_off = chance(50) ? 0 : 1480;
		d->sport = cport;
		d->dport = dnsport;
		set_pay(d, dnsq, 12);
	} else if (kind < 98) {
		d->ipver = 0;	/* neither IP nor ARP */
	} else {
		d->proto = 47;
	}
}

static void gen_init(struct gen *g, unsigned roles, uint64_t t0)
{
	memset(g, 0, sizeof *g);
	g->roles = roles;
	g->ts = t0;
	g->quiet_tcp = chance(50);
}

static void gen_txn(struct gen *g, struct txn *t)
{
	memset(t, 0, sizeof *t);
	t->point = (uint8_t)below(3);
	t->start_ns = g->ts > 3000000000ull ? g->ts - below(chance(90) ? 20000000 : 3000000000ull) : g->ts;
	t->answered = !chance(10);
	t->lost_at = chance(85) ? LOST_NONE : (uint8_t)below(4);
	int64_t *c[] = { &t->total_ns, &t->client_ns, &t->link_ns, &t->bridge_ns, &t->guest_ns, &t->server_ns };
	for (unsigned i = 0; i < 6; i++)
		*c[i] = chance(30) ? TXN_NS_NONE : (int64_t)below(chance(90) ? 2000000 : 3000000000ull);
	t->merged = (uint8_t)below(4);
	t->proto = chance(50) ? TXN_DNS : TXN_HTTP;
}

static unsigned rand_roles(void)
{
	unsigned r;
	do
		r = (unsigned)below(8);
	while (!r);
	return r;
}

/* ---- the three harnesses ---- */

static int run_sil(unsigned long seed, unsigned n)
{
	rs = seed * 2654435761u + 1;
	struct sil_config c;
	sil_config_default(&c);
	c.pt = &ptc;
	if (chance(50))
		c.silence_ns = (int64_t)(50000000 + below(1500000000));
	c.min_requests = (unsigned)below(5);
	struct log la = { 0 }, lb = { 0 };
	struct silence *a = old_sil_new(&c, on_alert, &la), *b = sil_new(&c, on_alert, &lb);
	struct gen g;
	gen_init(&g, rand_roles(), 1700000000000000000ull + below(1000000000000ull));
	for (unsigned i = 0; i < n; i++) {
		struct dec_pkt d;
		int pt;
		next_ts(&g);
		gen_pkt(&g, &d, &pt);
		uint64_t ts = chance(3) && g.ts > 10000000 ? g.ts - below(5000000) : g.ts;
		old_sil_packet(a, (uint8_t)pt, ts, &d);
		sil_packet(b, (uint8_t)pt, ts, &d);
		if (chance(1)) {
			uint64_t now = g.ts + below(2000000000);
			old_sil_advance(a, now);
			sil_advance(b, now);
		}
	}
	for (unsigned id = 0; id < SIL_MAX_IDS; id++) {
		struct sil_alert x, y;
		memset(&x, 0, sizeof x);
		memset(&y, 0, sizeof y);
		int rx = old_sil_current(a, id, g.ts, &x), ry = sil_current(b, id, g.ts, &y);
		put(&la, &rx, sizeof rx);
		put(&lb, &ry, sizeof ry);
		put(&la, &x, sizeof x);
		put(&lb, &y, sizeof y);
	}
	for (int i = 0; i < 8; i++) {
		int kx = old_sil_known(a, &ip[i]), ky = sil_known(b, &ip[i]);
		put(&la, &kx, sizeof kx);
		put(&lb, &ky, sizeof ky);
	}
	uint64_t ax = old_sil_alerts(a), ay = sil_alerts(b);
	put(&la, &ax, sizeof ax);
	put(&lb, &ay, sizeof ay);
	int ok = same("silence", seed, &la, &lb);
	static unsigned long tot;
	tot += la.events;
	if (seed % 200 == 199)
		fprintf(stderr, "silence: %lu alerts so far\n", tot);
	old_sil_free(a);
	sil_free(b);
	free(la.b);
	free(lb.b);
	return ok;
}

static int cmp_results(const char *what, unsigned long seed, const struct results *x, const struct results *y)
{
	struct log la = { 0 }, lb = { 0 };
	put(&la, &x->n_incidents, sizeof x->n_incidents);
	put(&lb, &y->n_incidents, sizeof y->n_incidents);
	put(&la, &x->incidents_total, sizeof x->incidents_total);
	put(&lb, &y->incidents_total, sizeof y->incidents_total);
	put(&la, x->incident, sizeof x->incident[0] * x->n_incidents);
	put(&lb, y->incident, sizeof y->incident[0] * y->n_incidents);
	put(&la, &x->n_steps, sizeof x->n_steps);
	put(&lb, &y->n_steps, sizeof y->n_steps);
	if (x->n_steps == y->n_steps) {
		put(&la, x->steps, sizeof x->steps[0] * x->n_steps);
		put(&lb, y->steps, sizeof y->steps[0] * y->n_steps);
	}
	put(&la, &x->head_point, 1);
	put(&lb, &y->head_point, 1);
	put(&la, &x->verdict_valid, 1);
	put(&lb, &y->verdict_valid, 1);
	put(&la, &x->verdict, sizeof x->verdict);
	put(&lb, &y->verdict, sizeof y->verdict);
	put(&la, &x->verdict_step, sizeof x->verdict_step);
	put(&lb, &y->verdict_step, sizeof y->verdict_step);
	put(&la, &x->steps_outside, sizeof x->steps_outside);
	put(&lb, &y->steps_outside, sizeof y->steps_outside);
	int ok = same(what, seed, &la, &lb);
	free(la.b);
	free(lb.b);
	return ok;
}

static int run_watch(unsigned long seed, unsigned n)
{
	rs = seed * 40503u + 7;
	struct watch_config c;
	watch_config_default(&c);
	c.pt = &ptc;
	c.roles = rand_roles();
	if (chance(50))
		c.silence.silence_ns = (int64_t)(50000000 + below(1500000000));
	c.silence.min_requests = (unsigned)below(5);
	c.ports.min_ports = 2 + (unsigned)below(10);
	c.ports.stall_ns = (int64_t)(50000000 + below(1000000000));
	c.ports.time_wait_ns = (int64_t)(100000000 + below(3000000000ull));
	c.ports.max_groups = 1 + (unsigned)below(4);
	c.syn_bursts.min_events = 2 + (unsigned)below(6);
	c.loss_bursts.min_events = 2 + (unsigned)below(6);
	c.syn_bursts.window_ns = c.loss_bursts.window_ns = (int64_t)(100000000 + below(2000000000));
	struct log la = { 0 }, lb = { 0 };
	struct results *ra = res_new(), *rb = res_new();
	c.on_incident = on_inc;
	c.ctx = &la;
	struct watch *a = old_watch_new(&c, ra);
	c.ctx = &lb;
	struct watch *b = watch_new(&c, rb);
	struct gen g;
	gen_init(&g, c.roles, 1700000000000000000ull + below(1000000000000ull));
	for (unsigned i = 0; i < n; i++) {
		struct dec_pkt d;
		int pt;
		next_ts(&g);
		gen_pkt(&g, &d, &pt);
		uint64_t ts = chance(3) && g.ts > 10000000 ? g.ts - below(5000000) : g.ts;
		old_watch_packet(a, (uint8_t)pt, ts, &d);
		watch_packet(b, (uint8_t)pt, ts, &d);
		if (chance(20)) {
			struct txn t;
			gen_txn(&g, &t);
			old_watch_txn(a, &t);
			watch_txn(b, &t);
		}
		if (chance(1)) {
			uint64_t now = g.ts + below(2000000000);
			old_watch_advance(a, now);
			watch_advance(b, now);
		}
	}
	old_watch_finish(a);
	watch_finish(b);
	int ok = same("watch incidents", seed, &la, &lb) && cmp_results("watch results", seed, ra, rb);
	static unsigned long tot;
	tot += la.events;
	if (seed % 200 == 199)
		fprintf(stderr, "watch: %lu incident events so far\n", tot);
	old_watch_free(a);
	watch_free(b);
	res_free(ra);
	res_free(rb);
	free(la.b);
	free(lb.b);
	return ok;
}

static int run_diag(unsigned long seed, unsigned n)
{
	rs = seed * 69069u + 3;
	struct diag_config c;
	memset(&c, 0, sizeof c);
	c.pt = &ptc;
	unsigned roles = rand_roles();
	c.head = (uint8_t)__builtin_ctz(roles);
	c.window_ns = chance(60) ? 1000000000 : (int64_t)(20000000 + below(1000000000));
	c.hold_ns = chance(50) ? 0 : (int64_t)below(3000000000ull);
	c.on_step = on_step;
	struct log la = { 0 }, lb = { 0 };
	struct results *ra = res_new(), *rb = res_new();
	c.ctx = &la;
	struct diag *a = old_diag_new(&c, ra);
	c.ctx = &lb;
	struct diag *b = diag_new(&c, rb);
	struct gen g;
	gen_init(&g, roles, 1700000000000000000ull + below(1000000000000ull));
	for (unsigned i = 0; i < n; i++) {
		struct dec_pkt d;
		int pt;
		next_ts(&g);
		gen_pkt(&g, &d, &pt);
		if (chance(50) && pt < 3)
			pt = c.head;
		uint64_t ts = chance(3) && g.ts > 10000000 ? g.ts - below(chance(90) ? 5000000 : 2000000000) : g.ts;
		old_diag_packet(a, (uint8_t)pt, ts, &d);
		diag_packet(b, (uint8_t)pt, ts, &d);
		if (chance(45)) {
			struct txn t;
			gen_txn(&g, &t);
			old_diag_txn(a, &t, t.start_ns);
			diag_txn(b, &t, t.start_ns);
		}
		if (chance(1)) {
			uint64_t now = g.ts + below(2000000000);
			old_diag_advance(a, now);
			diag_advance(b, now);
		}
	}
	old_diag_finish(a);
	diag_finish(b);
	int ok = same("steps", seed, &la, &lb) && cmp_results("diag results", seed, ra, rb);
	static unsigned long tot;
	tot += la.events;
	if (seed % 200 == 199)
		fprintf(stderr, "diag: %lu steps so far\n", tot);
	old_diag_free(a);
	diag_free(b);
	res_free(ra);
	res_free(rb);
	free(la.b);
	free(lb.b);
	return ok;
}

int main(int argc, char **argv)
{
	unsigned long seeds = argc > 1 ? strtoul(argv[1], NULL, 10) : 1000;
	unsigned n = argc > 2 ? (unsigned)strtoul(argv[2], NULL, 10) : 20000;
	const char *which = argc > 3 ? argv[3] : "swd";
	pt_config_default(&ptc);
	ptc.dns_ports[ptc.n_dns_ports++] = 5353;
	ptc.http_ports[ptc.n_http_ports++] = 8080;
	ptc.http_ports[ptc.n_http_ports++] = 53;	/* both: DNS's */
	const char *a4[] = { "10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.5", "192.168.1.9", "192.168.1.10",
			     "fd00::1", "fd00::2" };
	for (int i = 0; i < 8; i++)
		ipaddr_parse(a4[i], &ip[i]);
	dnsq[2] = 0x01;
	dnsr[2] = 0x81;
	tdnsq[1] = 12;
	tdnsq[4] = 0x01;
	tdnsr[1] = 12;
	tdnsr[4] = 0x81;
	nsol[0] = 0;
	int bad = 0;
	unsigned long s0 = getenv("SEED") ? strtoul(getenv("SEED"), NULL, 10) : 0;
	for (unsigned long s = s0; s < s0 + seeds; s++) {
		if (strchr(which, 's'))
			bad += !run_sil(s, n);
		if (strchr(which, 'w'))
			bad += !run_watch(s, n);
		if (strchr(which, 'd'))
			bad += !run_diag(s, n);
		if (bad > 5)
			break;
	}
	for (int k = 0; k < 16; k++)
		if (kinds[k])
			fprintf(stderr, "incident kind %d: %lu\n", k, kinds[k] / 2);
	printf("%s: %lu seeds x %u packets, %d differ\n", bad ? "FAIL" : "ok", seeds, n, bad);
	return bad != 0;
}
