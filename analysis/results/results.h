/* Statistics kept as data: what the engine measured, drawn by every report
 * (text, JSON, JSONL, CSV). Reports never recompute; they read this.
 *
 * One point fills the per-point counters and, per protocol, the total (and
 * for HTTP response) histograms, and the time series. Cross-point analysis
 * fills the other components, loss, matching and clock. */
#ifndef HOPLAT_RESULTS_H
#define HOPLAT_RESULTS_H

#include <stdint.h>
#include "analysis/point/point.h"
#include "analysis/point/txn.h"
#include "common/hist.h"
#include "analysis/results/series.h"
#include "analysis/detect/incident.h"
#include "analysis/detect/ports.h"

/* Latency components, in JSON key order. */
#define RES_COMPONENTS(X) \
	X(TOTAL, "total") X(RESPONSE, "response") X(CLIENT, "client") \
	X(LINK, "link") X(BRIDGE, "bridge") X(GUEST, "guest") \
	X(NETWORK, "network") X(LINK_IN, "link_in") X(LINK_OUT, "link_out") \
	X(SERVER, "server") X(CLIENT_LINK, "client_link")

enum res_comp {
#define X(n, s) RC_##n,
	RES_COMPONENTS(X)
#undef X
	RC_N
};
const char *res_comp_name(int c);		/* "total", ... */
/* The component's value in a transaction (TXN_NS_NONE when not measured). */
int64_t res_comp_value(const struct txn *t, int c);

#define RES_RCODES 24	/* DNS rcodes 0..22 counted apart, the rest in the last */

struct res_proto {
	uint64_t transactions, answered, unanswered;
	uint64_t lost[4];		/* by enum txn_lost (index 0 unused) */
	uint64_t status[RES_RCODES];	/* DNS: by rcode */
	uint64_t status_class[6];	/* HTTP: 1xx..5xx by first digit, [0] other */
	struct hist *lat[RC_N];		/* allocated once in res_new */
	uint64_t first_ns, last_ns;	/* start_ns of the first and last transaction */
};

struct res_point {
	uint8_t present;
	char source[512];		/* "FILE" or "FILE#IFACE" */
	struct pt_counts counts;
	uint64_t first_ns, last_ns;	/* packet timestamps seen at this point */
	struct hist *tcp_handshake;	/* SYN -> ACK (tshark's tcp.analysis.initial_rtt), at the end */
	struct hist *tcp_synack;	/* SYN -> SYN-ACK: at the client its RTT, at the vif the guest's part */
};

/* Cross-point pieces (filled by the cross-point engine). */
struct res_match {
	uint8_t valid;
	uint64_t matched, only_first, only_second;
};

struct res_clock {
	uint8_t valid;
	int64_t client_offset_ns;	/* client clock minus Dom0 clock at the client's first packet */
	double client_skew_ppm;		/* positive when the client runs fast */
	int64_t split_uncertainty_ns;
	uint64_t samples;
};

/* Data hoplat could not keep, each counter under its own name (JSON key,
 * text). The per-point ones are every point's added (points.<role> has
 * each point's own). */
#define RES_LOSSES(X) \
	X(tcp_evicted, "TCP connections evicted (table full)") \
	X(dns_evicted, "DNS queries evicted before their answer (table full)") \
	X(http_queue_overflows, "HTTP connections given up (request queue full)") \
	X(buffers_exhausted, "HTTP heads or DNS-over-TCP messages not kept (buffers full)") \
	X(ip_fragments_evicted, "IP datagrams evicted before reassembly (table full)") \
	X(attribution_evicted, "transactions joined early (attribution table full)") \
	X(attribution_incomplete, "transactions not reported by every point") \
	X(attribution_headless, "transactions seen only past the first point (not reported)") \
	X(match_evicted, "packets retired early from cross-point matching (table full)") \
	X(windows_late, "transactions or packets too late for their window") \
	X(windows_dropped, "windows not kept (the oldest, beyond the rows kept)") \
	X(clock_out_of_order, "clock samples out of time order (not used)")

struct res_losses {
#define X(key, text) uint64_t key;
	RES_LOSSES(X)
#undef X
};
enum {
#define X(key, text) RES_LOSS_##key,
	RES_LOSSES(X)
#undef X
	RES_LOSS_N
};
const char *res_loss_key(int i);	/* "tcp_evicted", ... */
const char *res_loss_text(int i);
uint64_t res_loss_value(const struct res_losses *l, int i);

/* An incident a detector reported (analysis/detect: incident.h names the
 * kinds), kept as data with its evidence for every report and for the
 * diagnosis. Times on the Dom0 clock when several points are given (the
 * client's corrected), else the one capture's. The first fields serve every
 * kind; then each kind's own (the others' stay zero). */
#define RES_MAX_INCIDENTS 64
struct res_incident {
	uint8_t kind;			/* enum inc_kind */
	uint8_t point;			/* silences: the point that decided (the innermost seen);
					 * the others: the client-most point */
	uint8_t open;			/* still going at the end of the input (end_ns 0) */
	uint64_t start_ns;		/* silences: the first request there after the last answer;
					 * port exhaustion: the stall's start (the last new connection);
					 * bursts: their first event */
	uint64_t end_ns;		/* answered again; the next new connection; the last event */
	uint64_t detected_ns;		/* when the detector noticed (raised it) */
	/* silences: silent, app_only, lost_bridge, lost_link */
	struct ipaddr guest;
	uint8_t service;		/* enum inc_service: INC_SVC_NONE for the whole guest */
	uint16_t port;			/* the service's port */
	uint64_t last_answer_ns;	/* the last answer at point before the silence (the
					 * service's own for a service) */
	uint8_t last_answer_kind;	/* enum inc_answer */
	uint64_t unanswered[INC_REQ_N];	/* requests at point during the silence, by kind */
	uint64_t requests[PT_N];	/* requests that reached each point during the silence */
	/* client_port_exhaustion */
	struct ports_state ports;	/* the client's ports when it was raised */
	uint16_t resumed_port;		/* the new connection that ended the stall */
	uint16_t reused_port;		/* the first port closed by the client and reused
					 * since the stall began (that one, or later) */
	int64_t reuse_ns;		/* ... from its close to its reuse; -1: none seen */
	/* syn_retransmits, loss_burst (burst.h: the rule) */
	struct res_burst {
		uint64_t count;		/* events: SYN retransmissions, lost transactions */
		uint64_t connections;	/* syn_retransmits: connections with a SYN retransmitted */
		uint64_t lost[4];	/* loss_burst: by enum txn_lost (link, bridge) */
	} burst;
};


/* ---- load steps and the run's verdict (analysis/diagnose; docs/diagnosis.md) ---- */

/* Who limits a step, and the run. */
enum res_limit {
	RES_LIMIT_NONE = 0, RES_LIMIT_SERVER, RES_LIMIT_CLIENT, RES_LIMIT_NETWORK,
	RES_LIMIT_GUEST_HANG, RES_LIMIT_N
};
const char *res_limit_name(int limit);	/* "none", "server", "client", "network", "guest_hang" */

/* A figure a rule used: key (a static string, the JSON key) and its value. */
struct res_figure {
	const char *key;
	double value;
};

#define RES_FIGURES 10
/* A rule's decision: the limit, one sentence why, the figures it used. */
struct res_judgement {
	uint8_t limit;			/* enum res_limit */
	char why[384];
	struct res_figure ev[RES_FIGURES];
	unsigned n_ev;
};

/* Per step, the latency components the paper plots (JSON key order). */
#define RES_STEP_COMPS 6
enum { RS_TOTAL, RS_CLIENT, RS_LINK, RS_BRIDGE, RS_GUEST, RS_SERVER };	/* index in res_step.comp */
extern const uint8_t res_step_comp[RES_STEP_COMPS];	/* its enum res_comp: RC_TOTAL, ... */

struct res_stat {
	uint64_t count;
	int64_t p50, p90, p99;		/* ns */
	double mean, stddev;		/* ns */
};

/* Whether the client's load kept its schedule (docs/diagnosis.md, "schedule"). */
struct res_schedule {
	uint8_t of_connections;		/* 1: the stream of connection attempts (SYNs), 0: requests */
	uint64_t sends;			/* its events in the step */
	double interarrival_cv;		/* -1: fewer than two gaps */
	int64_t max_gap_ns;
	int64_t stalled_ns;		/* gaps in which the server answered nothing (first half) */
	uint64_t omitted;		/* requests due in those gaps but not sent (coordinated omission) */
	int64_t idle_stall_ns;		/* server idle while the client did not send */
	uint8_t kept;
};

struct res_step {
	uint64_t start_ns, end_ns;	/* Dom0 clock when several points are given */
	double duration_s;
	double request_rate, response_rate, connection_rate;	/* at the client-most point, per s */
	double answered_fraction;	/* answered / transactions; -1 without transactions */
	/* at each point, by the packets' own times: DNS queries and HTTP requests,
	 * their responses, TCP connection attempts (SYN) and SYN-ACKs */
	uint64_t requests[PT_N], responses[PT_N], attempts[PT_N], accepted[PT_N];
	uint64_t transactions, answered, lost[4];	/* started in the step; lost by enum txn_lost */
	struct res_stat comp[RES_STEP_COMPS];
	struct res_schedule sched;
	uint8_t after_gap;		/* it began after a pause in sending */
	struct res_judgement judged;
};

struct results {
	struct res_proto dns, http;
	struct res_point point[PT_N];
	unsigned npoints;
	/* The point whose counters the protocol summaries (dns, http, tcp) show:
	 * the client when given, else the first point on the path. Counting at
	 * every point and adding would count each packet once per point. */
	uint8_t ref_point;
	uint64_t first_ns, last_ns;	/* capture span over all points (at the end) */
	int64_t window_ns;
	struct res_match match[PT_N][PT_N];	/* [a][b], a < b */
	struct res_clock clock;
	struct res_series *windows;	/* the time series (NULL only when out of memory) */
	struct res_losses losses;
	struct res_incident incident[RES_MAX_INCIDENTS];	/* in the order they were raised */
	unsigned n_incidents;
	uint64_t incidents_total;	/* beyond RES_MAX_INCIDENTS counted, not kept */
	/* load steps in time order, and the run's verdict (analysis/diagnose) */
	struct res_step *steps;
	size_t n_steps, steps_cap;
	uint8_t head_point;		/* where steps count requests: the client-most point */
	uint8_t verdict_valid;
	struct res_judgement verdict;
	int verdict_step;		/* index of the first step with the verdict's limit, -1 none */
	uint64_t steps_outside;		/* transactions that began in no step (pauses) */
	/* input side (files): a read error stops that input; results so far stay */
	int read_error;
	char read_error_msg[512];
};

struct results *res_new(void);
void res_free(struct results *r);
/* A finished transaction into the statistics. */
void res_add_txn(struct results *r, const struct txn *t);
/* The same for a transaction of one point with no cross-point attribution
 * (txn_clear_attribution's: every component but the total and the
 * response TXN_NS_NONE, lost_at LOST_NONE, merged 0), as one point's are. */
void res_add_point_txn(struct results *r, const struct txn *t);
static inline struct res_proto *res_proto_of(struct results *r, int proto)
{
	return proto == TXN_HTTP ? &r->http : &r->dns;
}
/* Counters of the reference point (ref_point), or of the only point. */
const struct pt_counts *res_ref_counts(const struct results *r);
/* Every point's counters added (what was read: packets, bytes, malformed). */
void res_sum_counts(const struct results *r, struct pt_counts *sum);
/* A packet seen at a point: the point's first_ns and last_ns. (The span
 * over all points, first_ns and last_ns of the results, is the engine's at
 * the end, on one clock.) Inline: it runs for every packet. */
static inline void res_saw_packet(struct results *r, int role, uint64_t ts_ns)
{
	struct res_point *pt = &r->point[role];
	if (!pt->first_ns || ts_ns < pt->first_ns)
		pt->first_ns = ts_ns;
	if (ts_ns > pt->last_ns)
		pt->last_ns = ts_ns;
}
/* A closed step appended (copied); its index, or -ENOMEM. */
long res_add_step(struct results *r, const struct res_step *s);
/* A figure added to a judgement (beyond RES_FIGURES: dropped). */
void res_figure_add(struct res_judgement *j, const char *key, double value);

#endif
