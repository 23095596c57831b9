/* One measurement point: packets in, transactions out.
 * decode -> IP reassembly -> DNS over UDP / TCP tracker (DNS over TCP, HTTP).
 * State is bounded by the tables sized here and expired by time. */
#ifndef HOPLAT_POINT_H
#define HOPLAT_POINT_H

#include <stdint.h>
#include "decode/pkt.h"
#include "decode/layers.h"
#include "analysis/txn.h"

#define PT_MAX_PORTS 16

struct pt_config {
	uint16_t dns_ports[PT_MAX_PORTS];
	unsigned n_dns_ports;		/* default: 53 */
	uint16_t http_ports[PT_MAX_PORTS];
	unsigned n_http_ports;		/* default: 80 */
	int64_t dns_timeout_ns;		/* a query unanswered this long is counted unanswered */
	int64_t tcp_idle_ns;		/* a connection idle this long is expired */
	unsigned max_flows;		/* bound of every flow table (DNS pending, TCP, fragments) */
};

void pt_config_default(struct pt_config *cfg);
int pt_is_dns_port(const struct pt_config *cfg, uint16_t port);
int pt_is_http_port(const struct pt_config *cfg, uint16_t port);

/* Counters of one point, drawn by the reports. */
struct pt_counts {
	uint64_t packets, bytes;
	uint64_t ip_fragments, reassembled;
	uint64_t dns_queries, dns_responses, dns_retransmissions, dns_unmatched_responses;
	uint64_t dns_dup_responses;	/* retransmitted responses (not timed, as Wireshark) */
	uint64_t tcp_connections, tcp_handshakes, tcp_retransmissions, tcp_resets;
	uint64_t tcp_closed_by_client, tcp_closed_by_server;	/* that side holds TIME_WAIT */
	uint64_t http_requests, http_responses;
	uint64_t table_full;		/* flows dropped because a table was full */
	uint64_t http_connections;	/* TCP connections on HTTP ports (tcp_track) */
	uint64_t http_refused;		/* HTTP connection attempts answered by a RST, no SYN-ACK */
	uint64_t http_syn_unanswered;	/* HTTP connection attempts never answered (no SYN-ACK,
					 * no request): each is an unanswered transaction */
	struct dec_stats malformed;
};

struct point;

/* Called for every decoded packet (cross-point matching hooks in here). */
typedef void (*pt_packet_hook)(void *ctx, const struct pkt *p, const struct dec_pkt *d);

struct point *pt_new(const struct pt_config *cfg, uint8_t role, struct txn_sink sink);
void pt_set_packet_hook(struct point *pt, pt_packet_hook fn, void *ctx);
void pt_feed(struct point *pt, const struct pkt *p);
/* Time moved on to now_ns (packet time): expire what timed out. */
void pt_advance(struct point *pt, uint64_t now_ns);
/* End of input: emit what is pending (unanswered queries, open requests). */
void pt_finish(struct point *pt);
const struct pt_counts *pt_counts(const struct point *pt);
/* Handshake RTT samples etc. live in the TCP tracker; the summary asks it. */
struct tcpt *pt_tcp(struct point *pt);
void pt_free(struct point *pt);

#endif
