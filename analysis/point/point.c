/* One measurement point: decode, IP reassembly, DNS over UDP to the
 * matcher, TCP on DNS and HTTP ports to the tracker. The per-packet path is
 * decode + one table lookup; nothing is allocated after pt_new. */
#include <stdlib.h>
#include <string.h>
#include "analysis/point/point.h"
#include "analysis/point/dns_match.h"
#include "analysis/point/tcp_track.h"
#include "analysis/point/ipfrag.h"
#include "decode/dns.h"

#define PT_FRAG_SLOTS 64
#define PT_FRAG_TIMEOUT_NS 30000000000LL	/* Linux ipfrag_time */

enum { PORT_DNS = 1, PORT_HTTP = 2 };

struct point {
	struct pt_config cfg;
	uint8_t role;
	struct pt_counts counts;
	struct dnsm *dns;
	struct tcpt *tcp;
	struct ipfrag *frag;
	pt_packet_hook hook;
	void *hook_ctx;
	struct dns_msg msg;		/* scratch, reused */
	uint8_t port_kind[65536];	/* PORT_* by port number */
};

struct point *pt_new(const struct pt_config *cfg, uint8_t role, struct txn_sink sink)
{
	struct point *pt = calloc(1, sizeof *pt);
	if (!pt)
		return NULL;
	pt->cfg = *cfg;
	pt->role = role;
	for (unsigned i = 0; i < cfg->n_dns_ports && i < PT_MAX_PORTS; i++)
		pt->port_kind[cfg->dns_ports[i]] |= PORT_DNS;
	for (unsigned i = 0; i < cfg->n_http_ports && i < PT_MAX_PORTS; i++)
		pt->port_kind[cfg->http_ports[i]] |= PORT_HTTP;
	pt->dns = dnsm_new(&pt->cfg, role, sink, &pt->counts);
	pt->frag = ipfrag_new(PT_FRAG_SLOTS, PT_FRAG_TIMEOUT_NS);
	if (pt->dns)
		pt->tcp = tcpt_new(&pt->cfg, role, sink, pt->dns, &pt->counts);
	if (!pt->dns || !pt->frag || !pt->tcp) {
		pt_free(pt);
		return NULL;
	}
	return pt;
}

void pt_set_packet_hook(struct point *pt, pt_packet_hook fn, void *ctx)
{
	pt->hook = fn;
	pt->hook_ctx = ctx;
}

static void bad(struct point *pt, int reason)
{
	if (reason > 0 && reason < DEC_R_MAX)
		pt->counts.malformed.reason[reason]++;
}

static void udp_dns(struct point *pt, const struct pkt *p, const struct dec_pkt *d)
{
	struct cur c = d->payload;
	int rc = dec_dns(&c, &pt->msg);
	if (rc != DEC_OK) {
		bad(pt, rc);
		/* Wireshark keeps state for any message with a header; a response
		 * whose question is broken is not timed there (the dissector stops
		 * before dns.time), so only queries go on. */
		if (cur_left(&d->payload) < 12 || pt->msg.qr)
			return;
	} else if (pt->msg.rr_error) {
		/* a bad record after the question: counted; the message is still
		 * timed (Wireshark too, unless the bytes run out) */
		bad(pt, pt->msg.rr_error);
	}
	struct endpoint src = { d->src, d->sport }, dst = { d->dst, d->dport };
	dnsm_message(pt->dns, &pt->msg, &src, &dst, p->ts_ns, 0);
}

/* Transport dispatch on a whole datagram (unfragmented or reassembled). */
static void transport(struct point *pt, const struct pkt *p, const struct dec_pkt *d)
{
	uint8_t kind = pt->port_kind[d->sport] | pt->port_kind[d->dport];
	if (!kind)
		return;
	if (d->proto == 17 && (kind & PORT_DNS))
		udp_dns(pt, p, d);
	else if (d->proto == 6)
		tcpt_packet(pt->tcp, p, d);
}

static void reassemble(struct point *pt, const struct pkt *p, struct dec_pkt *d)
{
	struct cur c;
	uint32_t wire;
	pt->counts.ip_fragments++;
	int rc = ipfrag_add(pt->frag, d, p->ts_ns, &c, &wire);
	if (rc < 0)
		bad(pt, -rc);
	if (rc != 1)
		return;
	pt->counts.reassembled++;
	d->is_frag = 0;
	rc = dec_transport(&c, wire, d);
	if (rc != DEC_OK) {
		bad(pt, rc);
		return;
	}
	transport(pt, p, d);
}

void pt_feed(struct point *pt, const struct pkt *p)
{
	struct dec_pkt d;
	pt->counts.packets++;
	pt->counts.bytes += p->wirelen;
	int rc = dec_packet(p, &d);
	if (d.warn)
		bad(pt, d.warn);
	if (rc != DEC_OK) {
		bad(pt, rc);
		return;
	}
	if (pt->hook)
		pt->hook(pt->hook_ctx, p, &d);
	if (!d.ipver)
		return;
	if (d.is_frag)
		reassemble(pt, p, &d);
	else
		transport(pt, p, &d);
}

void pt_advance(struct point *pt, uint64_t now_ns)
{
	unsigned n = ipfrag_advance(pt->frag, now_ns);
	pt->counts.malformed.reason[DEC_R_FRAG] += n;
	pt->counts.ip_fragments_evicted = ipfrag_stats(pt->frag)->evicted;
	dnsm_advance(pt->dns, now_ns);
	tcpt_advance(pt->tcp, now_ns);
}

void pt_finish(struct point *pt)
{
	pt->counts.malformed.reason[DEC_R_FRAG] +=
		ipfrag_pending(pt->frag) + ipfrag_stats(pt->frag)->evicted;
	pt->counts.ip_fragments_evicted = ipfrag_stats(pt->frag)->evicted;
	tcpt_finish(pt->tcp);
	dnsm_finish(pt->dns);
}

const struct pt_counts *pt_counts(const struct point *pt) { return &pt->counts; }
struct tcpt *pt_tcp(struct point *pt) { return pt->tcp; }

void pt_free(struct point *pt)
{
	if (!pt)
		return;
	tcpt_free(pt->tcp);
	dnsm_free(pt->dns);
	ipfrag_free(pt->frag);
	free(pt);
}
