/* gen_hops: derives client, uplink and vif captures from one real capture of
 * client <-> server traffic (DNS, HTTP), with known per-hop delays, losses and
 * a client clock that is off and fast, and writes the truth.
 *
 *   gen_hops --in CAP --out DIR [options]
 *     --layout combined|separate  combined: DIR/client.pcapng (eth0) and
 *                                 DIR/dom0.pcapng (peth0, vif1.0); separate:
 *                                 DIR/client.pcapng, DIR/uplink.pcapng, DIR/vif.pcapng
 *     --link-in US --link-out US  minimum one-way link delays (asymmetric link)
 *     --bridge US                 minimum bridge delay, each direction
 *     --jitter US                 mean of the exponential jitter added per hop
 *     --offset-ns N --skew-ppm X  client clock: C = t + N + X*1e-6*(t - t_first)
 *     --drop HOP:K                transaction K's query/request is lost on HOP
 *                                 (link, bridge, or guest = never answered), or its
 *                                 answer on the way back (link-back, bridge-back:
 *                                 the answer stops there, the client sends no more
 *                                 on that connection); or its connection's SYN
 *                                 (link-syn, bridge-syn, guest-syn = the SYN reached
 *                                 the vif and got no SYN-ACK; K must be a
 *                                 connection's first request); repeatable
 *     --repeat N                  the input N times over, back to back
 *     --port N                    a server port beyond 53 and 80 (repeatable)
 *     --router                    a router on the link: TTL one lower past it
 *                                 (IPv4 header checksum fixed); the bridge changes nothing
 *     --seed N
 *
 * Timing model. Packets keep their original order per flow and the gaps the
 * original capture shows between them: a packet sent by the side that also
 * sent the previous one leaves that gap after it; a packet answering the
 * other side leaves that gap after the previous packet arrived. Each hop
 * delays a packet by its minimum plus exponential jitter and never reorders
 * (FIFO per hop and direction). The bridge leaves every byte unchanged.
 *
 * Truth (DIR/truth.jsonl, one line per transaction; DIR/truth.json): the
 * components computed from the true times with the formulas of
 * docs/attribution.md, the clock, the losses. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "decode/capfile.h"
#include "decode/layers.h"
#include "capture/pcapng_writer.h"

enum { C = 0, U = 1, V = 2, NP = 3 };
enum { DIR_IN = 0, DIR_OUT = 1 };
enum { HOP_LINK = 1, HOP_BRIDGE = 2, HOP_GUEST = 3 };
/* --drop names; link-back and bridge-back lose the answer on its way back,
 * the -syn ones the connection's SYN (never answered) */
enum { HOP_LINK_BACK = 4, HOP_BRIDGE_BACK = 5, HOP_LINK_SYN = 6, HOP_GUEST_SYN = 8, HOP_NAMES = 9 };
static const char *hop_name[] = { "none", "link", "bridge", "guest", "link-back", "bridge-back",
				  "link-syn", "bridge-syn", "guest-syn" };
static const char *lost_name[] = { "none", "link", "bridge", "guest", "link", "bridge",
				   "link", "bridge", "guest" };

struct gpkt {
	uint64_t orig;
	uint32_t caplen, wirelen, linktype;
	uint8_t *data;
	int dir;
	int flow;
	uint64_t at[NP];	/* true times; 0 = not present at that point */
};

struct flow {
	struct ipaddr cip, sip;
	uint16_t cport, sport;
	uint8_t tcp;
	uint16_t dns_id;	/* UDP: one flow per query */
	int started, dead, lost, last_dir;
	int ans_hop, ans_from;	/* the answer from packet ans_from on is lost on this hop */
	uint64_t fifo[2][2];
	uint64_t last_orig, last_send, last_arrive;
	/* TCP: the connection's transactions */
	uint32_t isn;
	int syn, synack;	/* packet indexes, -1 */
	int ntx;
	int open_tx;		/* transaction being filled, -1 */
	int in_response;
};

struct gtx {
	int flow, index, dns;
	uint16_t dns_id;
	int first;
	int syn, synack, req_first, req_last, resp_first, resp_last;	/* packet indexes, -1 */
	int lost;		/* HOP_* */
	int seq;		/* order of start at the client */
};

static struct gpkt *P;
static size_t np, capn;
static struct flow *F;
static size_t nf, capf;
static struct gtx *X;
static size_t nx, capx;

static uint16_t ports[16] = { 53, 80 };
static unsigned nports = 2;
static double link_in = 60, link_out = 80, bridge = 15, jitter = 10, skew_ppm = 40;
static int64_t offset_ns = 2500000000ll;
static uint64_t seed = 12345;
static int repeat = 1;
static struct { int hop, k; } drops[16];
static unsigned ndrops;

static double urand(void)
{
	seed ^= seed << 13;
	seed ^= seed >> 7;
	seed ^= seed << 17;
	return (double)(seed >> 11) / 9007199254740992.0;
}

/* A hop's delay in ns: minimum plus exponential jitter. */
static uint64_t delay(double min_us)
{
	return (uint64_t)llround((min_us + jitter * -log(1 - urand())) * 1000);
}

static void *grow(void *p, size_t *cap, size_t n, size_t sz)
{
	if (n < *cap)
		return p;
	*cap = *cap ? *cap * 2 : 1024;
	p = realloc(p, *cap * sz);
	if (!p) {
		fprintf(stderr, "gen_hops: out of memory\n");
		exit(1);
	}
	return p;
}

static int is_port(uint16_t p)
{
	for (unsigned i = 0; i < nports; i++)
		if (ports[i] == p)
			return 1;
	return 0;
}

static int read_input(const char *path)
{
	char err[CAPFILE_ERRBUF];
	struct capfile *cf = capfile_open(path, err);
	if (!cf) {
		fprintf(stderr, "gen_hops: %s\n", err);
		return -1;
	}
	struct pkt p;
	int rc;
	while ((rc = capfile_next(cf, &p)) == 1) {
		P = grow(P, &capn, np, sizeof *P);
		struct gpkt *g = &P[np++];
		memset(g, 0, sizeof *g);
		g->orig = p.ts_ns;
		g->caplen = p.caplen;
		g->wirelen = p.wirelen;
		g->linktype = p.linktype;
		g->data = malloc(p.caplen ? p.caplen : 1);
		memcpy(g->data, p.data, p.caplen);
	}
	if (rc < 0)
		fprintf(stderr, "gen_hops: %s\n", capfile_error(cf));
	capfile_close(cf);
	return rc < 0 ? -1 : 0;
}

static int decode(const struct gpkt *g, struct dec_pkt *d)
{
	struct pkt p = { .ts_ns = g->orig, .caplen = g->caplen, .wirelen = g->wirelen,
			 .linktype = g->linktype, .data = g->data };
	return dec_packet(&p, d);
}

static int find_flow(const struct dec_pkt *d, int dir, uint16_t dns_id, int new_conn)
{
	const struct ipaddr *cip = dir == DIR_IN ? &d->src : &d->dst;
	const struct ipaddr *sip = dir == DIR_IN ? &d->dst : &d->src;
	uint16_t cport = dir == DIR_IN ? d->sport : d->dport;
	uint16_t sport = dir == DIR_IN ? d->dport : d->sport;
	int tcp = d->proto == 6;
	if (!new_conn)
		for (size_t i = nf; i-- > 0;) {
			struct flow *f = &F[i];
			if (f->tcp == tcp && f->cport == cport && f->sport == sport &&
			    ipaddr_eq(&f->cip, cip) && ipaddr_eq(&f->sip, sip) &&
			    (tcp || f->dns_id == dns_id))
				return f->dead && !tcp ? -1 : (int)i;
		}
	F = grow(F, &capf, nf, sizeof *F);
	struct flow *f = &F[nf];
	memset(f, 0, sizeof *f);
	f->cip = *cip;
	f->sip = *sip;
	f->cport = cport;
	f->sport = sport;
	f->tcp = (uint8_t)tcp;
	f->dns_id = dns_id;
	f->syn = f->synack = f->open_tx = -1;
	return (int)nf++;
}

static struct gtx *new_tx(int flow)
{
	X = grow(X, &capx, nx, sizeof *X);
	struct gtx *x = &X[nx];
	memset(x, 0, sizeof *x);
	x->flow = flow;
	x->syn = x->synack = x->req_first = x->req_last = x->resp_first = x->resp_last = -1;
	x->seq = (int)nx;
	nx++;
	return x;
}

static int looks_request(const struct dec_pkt *d)
{
	static const char *m[] = { "GET ", "POST ", "HEAD ", "PUT ", "DELETE ", "OPTIONS " };
	for (unsigned i = 0; i < sizeof m / sizeof m[0]; i++)
		if (cur_starts(&d->payload, m[i], strlen(m[i]), 0))
			return 1;
	return 0;
}

/* Assigns each packet to a flow and each flow's packets to transactions. */
static void classify(void)
{
	for (size_t i = 0; i < np; i++) {
		struct gpkt *g = &P[i];
		struct dec_pkt d;
		g->flow = -1;
		if (decode(g, &d) != DEC_OK || (d.proto != 6 && d.proto != 17) || d.is_frag)
			continue;
		if (is_port(d.dport))
			g->dir = DIR_IN;
		else if (is_port(d.sport))
			g->dir = DIR_OUT;
		else
			continue;
		if (d.proto == 17) {
			struct cur c = d.payload;
			uint16_t id = cur_be16(&c);
			if (!cur_ok(&c))
				continue;
			int fi = find_flow(&d, g->dir, id, g->dir == DIR_IN);
			if (fi < 0)
				continue;
			g->flow = fi;
			if (g->dir == DIR_IN) {
				struct gtx *x = new_tx(fi);
				x->dns = 1;
				x->dns_id = id;
				x->req_first = x->req_last = (int)i;
				F[fi].open_tx = (int)(x - X);
			} else if (F[fi].open_tx >= 0 && X[F[fi].open_tx].resp_last < 0) {
				X[F[fi].open_tx].resp_first = X[F[fi].open_tx].resp_last = (int)i;
				F[fi].dead = 1;	/* later copies are not this flow's */
			} else {
				g->flow = -1;
			}
			continue;
		}
		int syn = (d.tcp.flags & (TCP_SYN | TCP_ACK)) == TCP_SYN;
		int fi = find_flow(&d, g->dir, 0, syn);
		g->flow = fi;
		struct flow *f = &F[fi];
		if (syn) {
			f->syn = (int)i;
			f->isn = d.tcp.seq;
		} else if ((d.tcp.flags & (TCP_SYN | TCP_ACK)) == (TCP_SYN | TCP_ACK)) {
			f->synack = (int)i;
		}
		if (!d.payload_wire)
			continue;
		if (g->dir == DIR_IN && looks_request(&d)) {
			struct gtx *x = new_tx(fi);
			x->index = f->ntx++;
			x->first = x->index == 0 && f->syn >= 0;
			x->syn = f->syn;
			x->synack = f->synack;
			x->req_first = x->req_last = (int)i;
			f->open_tx = (int)(x - X);
			f->in_response = 0;
		} else if (g->dir == DIR_IN && f->open_tx >= 0 && !f->in_response) {
			X[f->open_tx].req_last = (int)i;
		} else if (g->dir == DIR_OUT && f->open_tx >= 0) {
			if (!f->in_response)
				X[f->open_tx].resp_first = (int)i;
			X[f->open_tx].resp_last = (int)i;
			f->in_response = 1;
		}
	}
}

/* FIFO per flow, hop and direction: never before the packet ahead of it.
 * (Across flows the hops may reorder; a queue shared by flows whose timing
 * drifted apart would add large, unrealistic waits.) */
static uint64_t fifo(struct flow *f, int hop, int dir, uint64_t t)
{
	uint64_t *l = &f->fifo[hop][dir];
	if (t < *l)
		t = *l;
	*l = t;
	return t;
}

static uint8_t *req_lost;	/* per packet: the hop its request is lost on */

static int lost_hop_of_packet(size_t i)
{
	return req_lost ? req_lost[i] : 0;
}

/* Gives every packet its true time at each point it reaches. */
static void retime(uint64_t base)
{
	for (size_t i = 0; i < np; i++) {
		struct gpkt *g = &P[i];
		if (g->flow < 0)
			continue;
		struct flow *f = &F[g->flow];
		if (f->lost)
			continue;
		uint64_t send;
		if (!f->started)
			send = base + (g->orig - P[0].orig);
		else if (g->dir == f->last_dir)
			send = f->last_send + (g->orig - f->last_orig);
		else
			send = f->last_arrive + (g->orig - f->last_orig);
		f->started = 1;
		if (f->ans_hop && (int)i >= f->ans_from) {
			/* the answer goes as far as the hop; the client never sends again */
			if (g->dir == DIR_IN)
				continue;
			g->at[V] = send;
			if (f->ans_hop == HOP_LINK_BACK)
				g->at[U] = fifo(f, 1, DIR_OUT, send + delay(bridge));
			f->last_dir = g->dir;
			f->last_orig = g->orig;
			f->last_send = f->last_arrive = send;
			continue;
		}
		int lost = g->dir == DIR_IN ? lost_hop_of_packet(i) : 0;
		if (g->dir == DIR_IN) {
			g->at[C] = send;
			if (lost != HOP_LINK)
				g->at[U] = fifo(f, 0, DIR_IN, send + delay(link_in));
			if (g->at[U] && lost != HOP_BRIDGE)
				g->at[V] = fifo(f, 1, DIR_IN, g->at[U] + delay(bridge));
		} else {
			g->at[V] = send;
			g->at[U] = fifo(f, 1, DIR_OUT, send + delay(bridge));
			g->at[C] = fifo(f, 0, DIR_OUT, g->at[U] + delay(link_out));
		}
		if (lost) {	/* nothing more of this exchange: the server never answers */
			f->lost = 1;
			continue;
		}
		f->last_dir = g->dir;
		f->last_orig = g->orig;
		f->last_send = send;
		f->last_arrive = g->dir == DIR_IN ? g->at[V] : g->at[C];
	}
}

static uint64_t client_clock(uint64_t t, uint64_t t_first)
{
	return t + (uint64_t)offset_ns + (uint64_t)llround(skew_ppm * 1e-6 * (double)(int64_t)(t - t_first));
}

/* --router: the link has a router: TTL one lower past it, IPv4 header
 * checksum fixed (RFC 1624). A bridge changes nothing. */
static int router;
static uint8_t routed_buf[262144];

static const uint8_t *routed(const struct gpkt *g)
{
	struct dec_pkt d;
	if (g->caplen > sizeof routed_buf || decode(g, &d) != DEC_OK || !d.l3.base)
		return g->data;
	memcpy(routed_buf, g->data, g->caplen);
	size_t ip = (size_t)(d.l3.base - g->data);
	if (d.ipver == 6 && ip + 8 <= g->caplen) {
		routed_buf[ip + 7]--;
	} else if (d.ipver == 4 && ip + 12 <= g->caplen) {
		uint16_t old = (uint16_t)(routed_buf[ip + 8] << 8 | routed_buf[ip + 9]);
		routed_buf[ip + 8]--;
		uint16_t neu = (uint16_t)(routed_buf[ip + 8] << 8 | routed_buf[ip + 9]);
		uint16_t cs = (uint16_t)(routed_buf[ip + 10] << 8 | routed_buf[ip + 11]);
		uint32_t sum = (uint16_t)~cs + (uint32_t)(uint16_t)~old + neu;
		sum = (sum & 0xffff) + (sum >> 16);
		sum = (sum & 0xffff) + (sum >> 16);
		cs = (uint16_t)~sum;
		routed_buf[ip + 10] = (uint8_t)(cs >> 8);
		routed_buf[ip + 11] = (uint8_t)cs;
	}
	return routed_buf;
}

struct wr { struct pcapng_w *w; int iface; };
struct ev { uint64_t t; size_t pkt; int point; };

static int cmp_ev(const void *a, const void *b)
{
	const struct ev *x = a, *y = b;
	return (x->t > y->t) - (x->t < y->t);
}

static struct pcapng_w *open_w(const char *dir, const char *name)
{
	char path[4096], err[PCAPNG_ERRBUF];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	struct pcapng_w *w = pcapng_w_open(path, "gen_hops", err);
	if (!w)
		fprintf(stderr, "gen_hops: %s\n", err);
	return w;
}

static int add_if(struct pcapng_w *w, const char *name)
{
	struct pcapng_iface i = { .name = name, .linktype = P[0].linktype, .snaplen = 262144,
				  .tsresol = 9 };
	return pcapng_w_add_iface(w, &i);
}

static uint64_t t_first_client;

static int write_points(const char *dir, int separate)
{
	struct wr wr[NP];
	struct pcapng_w *wc = open_w(dir, "client.pcapng");
	struct pcapng_w *wu = open_w(dir, separate ? "uplink.pcapng" : "dom0.pcapng");
	struct pcapng_w *wv = separate ? open_w(dir, "vif.pcapng") : wu;
	if (!wc || !wu || !wv)
		return -1;
	wr[C] = (struct wr){ wc, add_if(wc, "eth0") };
	wr[U] = (struct wr){ wu, add_if(wu, "peth0") };
	wr[V] = (struct wr){ wv, add_if(wv, "vif1.0") };
	size_t ne = 0;
	struct ev *ev = malloc(np * NP * sizeof *ev);
	for (size_t i = 0; i < np; i++)
		for (int q = 0; q < NP; q++)
			if (P[i].flow >= 0 && P[i].at[q])
				ev[ne++] = (struct ev){ P[i].at[q], i, q };
	qsort(ev, ne, sizeof *ev, cmp_ev);
	t_first_client = 0;
	for (size_t k = 0; k < ne; k++)
		if (ev[k].point == C) {
			t_first_client = ev[k].t;
			break;
		}
	for (size_t k = 0; k < ne; k++) {
		const struct gpkt *g = &P[ev[k].pkt];
		uint64_t ts = ev[k].point == C ? client_clock(ev[k].t, t_first_client) : ev[k].t;
		struct wr *w = &wr[ev[k].point];
		const uint8_t *bytes = g->data;
		if (router && (ev[k].point == C) != (g->dir == DIR_IN))
			bytes = routed(g);	/* crossed the router on the link */
		if (pcapng_w_packet(w->w, (uint32_t)w->iface, ts, bytes, g->caplen, g->wirelen) < 0) {
			fprintf(stderr, "gen_hops: %s\n", pcapng_w_error(w->w));
			return -1;
		}
	}
	free(ev);
	pcapng_w_close(wc);
	pcapng_w_close(wu);
	if (separate)
		pcapng_w_close(wv);
	return 0;
}

/* ---- truth ---- */

static int64_t T(int pkt, int q) { return pkt < 0 ? 0 : (int64_t)P[pkt].at[q]; }

static void put_us(FILE *f, const char *k, int64_t ns, int ok)
{
	if (ok)
		fprintf(f, ",\"%s\":%.3f", k, (double)ns / 1000.0);
	else
		fprintf(f, ",\"%s\":null", k);
}

static void write_tx(FILE *f, const struct gtx *x)
{
	const struct flow *fl = &F[x->flow];
	char c[64], s[64];
	ipaddr_str(&fl->cip, c, sizeof c);
	ipaddr_str(&fl->sip, s, sizeof s);
	int n = x->first ? 2 : 1;
	int in[2], out[2];
	in[n - 1] = x->req_last;
	out[n - 1] = x->resp_last;
	if (n == 2) {
		in[0] = x->syn;
		out[0] = x->synack;
	}
	int start = x->first ? x->syn : x->req_first;
	fprintf(f, "{\"proto\":\"%s\",\"client\":\"%s:%u\",\"server\":\"%s:%u\",\"id\":%d",
		x->dns ? "dns" : "http", c, fl->cport, s, fl->sport, x->dns ? x->dns_id : x->index);
	fprintf(f, ",\"start_ns\":%llu,\"start_true_ns\":%llu",
		(unsigned long long)client_clock((uint64_t)T(start, C), t_first_client),
		(unsigned long long)T(start, C));
	int ok = !x->lost && x->resp_last >= 0 && T(x->resp_last, C);
	for (int k = 0; k < n && ok; k++)
		ok = in[k] >= 0 && out[k] >= 0;
	int64_t link = 0, br = 0, guest = 0, lin = 0, lout = 0;
	for (int k = 0; k < n && ok; k++) {
		lin += T(in[k], U) - T(in[k], C);
		lout += T(out[k], C) - T(out[k], U);
		br += T(in[k], V) - T(in[k], U) + T(out[k], U) - T(out[k], V);
		guest += T(out[k], V) - T(in[k], V);
	}
	link = lin + lout;
	int64_t client = ok ? (x->first ? T(x->req_last, C) - T(x->synack, C)
					: T(x->req_last, C) - T(x->req_first, C)) : 0;
	int64_t total = ok ? T(x->resp_last, C) - T(start, C) : 0;
	put_us(f, "total_us", total, ok);
	put_us(f, "client_us", client, ok);
	put_us(f, "link_us", link, ok);
	put_us(f, "bridge_us", br, ok);
	put_us(f, "guest_us", guest, ok);
	put_us(f, "link_in_us", lin, ok);
	put_us(f, "link_out_us", lout, ok);
	put_us(f, "network_us", link + br, ok);
	put_us(f, "server_us", br + guest, ok);
	if (x->lost)
		fprintf(f, ",\"lost_at\":\"%s\"}\n", lost_name[x->lost]);
	else if (x->resp_last < 0)	/* unanswered in the input itself: by the guest */
		fprintf(f, ",\"lost_at\":\"guest\"}\n");
	else
		fprintf(f, ",\"lost_at\":null}\n");
}

static int write_truth(const char *dir)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/truth.jsonl", dir);
	FILE *f = fopen(path, "w");
	if (!f)
		return -1;
	for (size_t k = 0; k < nx; k++) {
		const struct gtx *x = &X[k];
		int start = x->first ? x->syn : x->req_first;	/* its first packet */
		if (start < 0 || !P[start].at[C])
			continue;
		write_tx(f, x);
	}
	fclose(f);
	snprintf(path, sizeof path, "%s/truth.json", dir);
	f = fopen(path, "w");
	if (!f)
		return -1;
	fprintf(f, "{\"client_offset_ns\":%lld,\"client_skew_ppm\":%.6f,\"link_in_min_us\":%.3f,"
		"\"link_out_min_us\":%.3f,\"bridge_min_us\":%.3f,\"jitter_us\":%.3f,"
		"\"half_asymmetry_ns\":%.0f,\"transactions\":%zu,\"drops\":[",
		(long long)offset_ns, skew_ppm, link_in, link_out, bridge, jitter,
		fabs(link_out - link_in) * 500, nx);
	for (unsigned i = 0; i < ndrops; i++)
		fprintf(f, "%s{\"hop\":\"%s\",\"k\":%d}", i ? "," : "", hop_name[drops[i].hop], drops[i].k);
	fprintf(f, "]}\n");
	fclose(f);
	return 0;
}

/* Moves a copy's client port so that each copy is its own conversation, and
 * fixes the transport checksum incrementally (RFC 1624). */
static void shift_port(struct gpkt *g, int r)
{
	struct dec_pkt d;
	if (decode(g, &d) != DEC_OK || (d.proto != 6 && d.proto != 17) || d.is_frag)
		return;
	int in = is_port(d.dport);
	if (!in && !is_port(d.sport))
		return;
	uint16_t old = in ? d.sport : d.dport;
	uint16_t neu = (uint16_t)(1024 + ((unsigned)old - 1024 + (unsigned)r * 9973u) % 64512u);
	/* the transport header starts this far into the captured bytes */
	size_t l4 = (size_t)(d.payload.base - g->data) - (d.proto == 6 ? d.tcp.hdr_len : 8);
	size_t port_at = l4 + (in ? 0 : 2), sum_at = l4 + (d.proto == 6 ? 16 : 6);
	if (sum_at + 2 > g->caplen)
		return;
	g->data[port_at] = (uint8_t)(neu >> 8);
	g->data[port_at + 1] = (uint8_t)neu;
	uint16_t cs = (uint16_t)(g->data[sum_at] << 8 | g->data[sum_at + 1]);
	if (d.proto == 17 && cs == 0)
		return;	/* no UDP checksum */
	uint32_t s = (uint16_t)~cs + (uint32_t)(uint16_t)~old + neu;
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	cs = (uint16_t)~s;
	g->data[sum_at] = (uint8_t)(cs >> 8);
	g->data[sum_at + 1] = (uint8_t)cs;
}

/* The input again, later, as many times as asked; each copy's clients on
 * other ports. */
static void replicate(void)
{
	if (repeat <= 1 || !np)
		return;
	size_t n0 = np;
	uint64_t span = P[n0 - 1].orig - P[0].orig + 50000000ull;
	for (int r = 1; r < repeat; r++)
		for (size_t i = 0; i < n0; i++) {
			P = grow(P, &capn, np, sizeof *P);
			P[np] = P[i];
			P[np].orig += span * (uint64_t)r;
			P[np].data = malloc(P[i].caplen ? P[i].caplen : 1);
			memcpy(P[np].data, P[i].data, P[i].caplen);
			shift_port(&P[np], r);
			np++;
		}
}

static int parse_drop(const char *s)
{
	char h[16];
	int k;
	if (ndrops == 16 || sscanf(s, "%15[a-z-]:%d", h, &k) != 2)
		return -1;
	for (int i = 1; i < HOP_NAMES; i++)
		if (!strcmp(h, hop_name[i])) {
			drops[ndrops].hop = i;
			drops[ndrops++].k = k;
			return 0;
		}
	return -1;
}

int main(int argc, char **argv)
{
	const char *in = NULL, *out = NULL;
	int separate = 0;
	static const struct option opts[] = {
		{ "in", 1, 0, 'i' }, { "out", 1, 0, 'o' }, { "layout", 1, 0, 'L' },
		{ "link-in", 1, 0, 'a' }, { "link-out", 1, 0, 'b' }, { "bridge", 1, 0, 'B' },
		{ "jitter", 1, 0, 'j' }, { "offset-ns", 1, 0, 'O' }, { "skew-ppm", 1, 0, 'S' },
		{ "drop", 1, 0, 'd' }, { "repeat", 1, 0, 'r' }, { "port", 1, 0, 'p' },
		{ "seed", 1, 0, 's' }, { "router", 0, 0, 'R' }, { 0, 0, 0, 0 }
	};
	int o;
	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (o) {
		case 'i': in = optarg; break;
		case 'o': out = optarg; break;
		case 'L': separate = !strcmp(optarg, "separate"); break;
		case 'a': link_in = atof(optarg); break;
		case 'b': link_out = atof(optarg); break;
		case 'B': bridge = atof(optarg); break;
		case 'j': jitter = atof(optarg); break;
		case 'O': offset_ns = strtoll(optarg, NULL, 10); break;
		case 'S': skew_ppm = atof(optarg); break;
		case 'r': repeat = atoi(optarg); break;
		case 'R': router = 1; break;
		case 's': seed = strtoull(optarg, NULL, 10) | 1; break;
		case 'p':
			if (nports < 16)
				ports[nports++] = (uint16_t)atoi(optarg);
			break;
		case 'd':
			if (parse_drop(optarg) < 0) {
				fprintf(stderr, "gen_hops: --drop wants link|bridge|guest[-syn]|link-back|bridge-back:K, got '%s'\n", optarg);
				return 2;
			}
			break;
		default:
			return 2;
		}
	}
	if (!in || !out) {
		fprintf(stderr, "usage: gen_hops --in CAP --out DIR [options] (see the source's head)\n");
		return 2;
	}
	if (read_input(in) < 0 || !np)
		return 1;
	replicate();
	classify();
	for (unsigned i = 0; i < ndrops; i++)
		if (drops[i].k >= 0 && (size_t)drops[i].k < nx)
			X[drops[i].k].lost = drops[i].hop;
	req_lost = calloc(np ? np : 1, 1);
	for (size_t k = 0; k < nx; k++)
		if (X[k].lost >= HOP_LINK_SYN) {
			if (!X[k].first || X[k].syn < 0) {
				fprintf(stderr, "gen_hops: --drop %s:%zu: not a connection's first request\n",
					hop_name[X[k].lost], k);
				return 2;
			}
			req_lost[X[k].syn] = (uint8_t)(X[k].lost - HOP_LINK_SYN + HOP_LINK);
		} else if (X[k].lost && X[k].lost <= HOP_GUEST) {
			if (X[k].req_first >= 0)
				req_lost[X[k].req_first] = (uint8_t)X[k].lost;
			if (X[k].req_last >= 0)
				req_lost[X[k].req_last] = (uint8_t)X[k].lost;
		}
	for (size_t k = 0; k < nx; k++)
		if ((X[k].lost == HOP_LINK_BACK || X[k].lost == HOP_BRIDGE_BACK) && X[k].resp_first >= 0) {
			F[X[k].flow].ans_hop = X[k].lost;
			F[X[k].flow].ans_from = X[k].resp_first;
		}
	retime(P[0].orig);
	if (write_points(out, separate) < 0 || write_truth(out) < 0)
		return 1;
	return 0;
}
