/* A transaction as analysis hands it to the summary and the reports:
 * one DNS query/response or one HTTP request/response, timed at one point,
 * and (after cross-point attribution) split into client, link, bridge, guest. */
#ifndef HOPLAT_TXN_H
#define HOPLAT_TXN_H

#include <stdint.h>
#include "decode/layers.h"

enum txn_proto { TXN_DNS = 1, TXN_HTTP = 2 };

/* Measurement points on the path. */
enum pt_role { PT_CLIENT = 0, PT_UPLINK = 1, PT_VIF = 2, PT_N = 3, PT_SINGLE = PT_CLIENT };

/* Where a transaction's query or request stopped (cross-point only). */
enum txn_lost { LOST_NONE = 0, LOST_LINK, LOST_BRIDGE, LOST_GUEST };

#define TXN_NAME_MAX 264
#define TXN_NS_NONE INT64_MIN	/* a duration that could not be measured */

struct endpoint {
	struct ipaddr ip;
	uint16_t port;
};

/* Timestamps of the critical packets at one point (0: not seen there).
 * DNS: req_last = query, resp_last = response (first answer matched).
 * HTTP: syn, synack, req_first/req_last (request's first and last data
 * packet), resp_first/resp_last (response's first and last data packet). */
struct txn_times {
	uint64_t syn, synack, req_first, req_last, resp_first, resp_last;
};

struct txn {
	uint8_t proto;			/* TXN_DNS, TXN_HTTP */
	uint8_t answered;
	uint8_t first_on_conn;		/* HTTP: the connection's first request */
	uint8_t point;			/* enum pt_role where it was timed */
	struct endpoint client, server;
	uint32_t id;			/* DNS id; HTTP request index on its connection */
	uint32_t conn_isn;		/* HTTP: client's initial sequence number (join key) */
	uint16_t qtype;			/* DNS */
	int status;			/* DNS rcode or HTTP status; -1 unanswered */
	char name[TXN_NAME_MAX];	/* query name, or "GET /path" */
	uint64_t start_ns;		/* first packet of the transaction */
	struct txn_times t;		/* at `point` */
	int64_t total_ns;		/* TXN_NS_NONE when not answered */
	int64_t response_ns;		/* HTTP: last request pkt -> last response pkt */
	/* cross-point attribution (TXN_NS_NONE where not separable) */
	int64_t client_ns, link_ns, bridge_ns, guest_ns, network_ns;
	int64_t link_in_ns, link_out_ns;
	uint8_t lost_at;		/* enum txn_lost */
	/* merged components when a point is missing (analysis/attrib.c):
	 * server = bridge + guest (no vif point), client_link = client + link
	 * round trip (no client point); TXN_NS_NONE otherwise */
	int64_t server_ns, client_link_ns;
	uint8_t merged;			/* TXN_M_* bits: which of those two are set */
};
enum { TXN_M_SERVER = 1, TXN_M_CLIENT_LINK = 2 };

/* Where transactions go: the summary, a JSONL writer, the cross-point joiner. */
struct txn_sink {
	void (*emit)(void *ctx, const struct txn *t);
	void *ctx;
};

static inline void txn_emit(const struct txn_sink *s, const struct txn *t)
{
	if (s && s->emit)
		s->emit(s->ctx, t);
}

/* Clears the attribution fields to "not measured". */
void txn_clear_attribution(struct txn *t);
/* "10.0.0.1:53", "[2001:db8::1]:53" */
char *endpoint_str(const struct endpoint *e, char *dst, unsigned cap);

#endif
