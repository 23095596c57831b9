/* One measurement point: the input guard, decode, IP reassembly, DNS over
 * UDP to the matcher, TCP on DNS and HTTP ports to the tracker. The
 * per-packet path is one hash of the frame, decode and one table lookup;
 * nothing is allocated after pt_new. */
#include <stdlib.h>
#include <string.h>
#include "analysis/point/point.h"
#include "analysis/point/dns_match.h"
#include "analysis/point/tcp_track.h"
#include "analysis/point/ipfrag.h"
#include "decode/dns.h"

#define PT_FRAG_SLOTS 64
#define PT_FRAG_TIMEOUT_NS 30000000000LL	/* Linux ipfrag_time */

struct point {
	struct pt_config cfg;
	uint8_t role;
	struct pt_counts counts;
	struct dnsm *dns;
	struct tcpt *tcp;
	struct ipfrag *frag;
	struct guard guard;
	struct txn_sink out;		/* where the point's transactions go */
	pt_packet_hook hook;
	void *hook_ctx;
	struct dns_msg msg;		/* scratch, reused */
	uint8_t port_kind[PT_PORTS];	/* pt_port_kinds */
};

/* A time that came out negative (packets out of order within the guard's
 * tolerance) is no latency: the transaction stays, answered, but untimed
 * (its response times cleared, so no later step times it either). The TCP
 * tracker's transactions come through here; the DNS matcher does the same
 * itself and emits to the point's sink directly. */
static void on_txn(void *ctx, const struct txn *t)
{
	struct point *pt = ctx;
	int neg = (t->total_ns != TXN_NS_NONE && t->total_ns < 0) ||
		  (t->response_ns != TXN_NS_NONE && t->response_ns < 0);
	if (!neg) {
		txn_emit(&pt->out, t);
		return;
	}
	struct txn u = *t;
	u.total_ns = u.response_ns = TXN_NS_NONE;
	u.t.resp_first = u.t.resp_last = 0;
	pt->counts.input.negative_durations++;
	txn_emit(&pt->out, &u);
}

struct point *pt_new(const struct pt_config *cfg, uint8_t role, struct txn_sink out)
{
	struct point *pt = calloc(1, sizeof *pt);
	if (!pt)
		return NULL;
	pt->cfg = *cfg;
	pt->role = role;
	pt->out = out;
	guard_init(&pt->guard);
	struct txn_sink sink = { on_txn, pt };
	pt_port_kinds(cfg, pt->port_kind);
	pt->dns = dnsm_new(&pt->cfg, role, out, &pt->counts);
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

/* udp_dns and transport are always inlined into pt_feed (and reassemble):
 * the calls between them and their saved registers were a fifth of the
 * dispatch (one point: 103 -> 86 instructions a packet for the three). */
#define PT_INLINE static inline __attribute__((always_inline))

PT_INLINE void udp_dns(struct point *pt, const struct pkt *p, const struct dec_pkt *d)
{
	struct cur c = d->payload;
	struct endpoint src = { d->src, d->sport }, dst = { d->dst, d->dport };
	int rc = dec_dns(&c, &pt->msg);
	if (rc != DEC_OK) {
		bad(pt, rc);
		/* without a header there is no id to pair it by */
		if (cur_left(&d->payload) >= 12)
			dnsm_malformed(pt->dns, &pt->msg, rc, &src, &dst, p->ts_ns, 0);
		return;
	}
	if (pt->msg.rr_error) {
		/* a bad record after the question: counted; the message is still
		 * timed (Wireshark too, unless the bytes run out) */
		bad(pt, pt->msg.rr_error);
	}
	dnsm_message(pt->dns, &pt->msg, &src, &dst, p->ts_ns, 0);
}

/* Transport dispatch on a whole datagram (unfragmented or reassembled). */
PT_INLINE void transport(struct point *pt, const struct pkt *p, const struct dec_pkt *d)
{
	uint8_t kind = pt->port_kind[d->sport] | pt->port_kind[d->dport];
	if (!kind)
		return;
	if (d->proto == 17 && (kind & PT_PORT_DNS))
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

int pt_admit(struct point *pt, const struct pkt *p)
{
	return guard_check(&pt->guard, p, &pt->counts.input) == GUARD_TAKE;
}

uint64_t pt_admit_n(struct point *pt, const struct pkt *p, unsigned n)
{
	return guard_check_n(&pt->guard, p, n, &pt->counts.input);
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
