/* A point's configuration (service ports, timeouts, table bounds) and its
 * counters: what the per-point modules share, below the point that owns
 * them (analysis/point/point.h). */
#ifndef HOPLAT_PT_CONFIG_H
#define HOPLAT_PT_CONFIG_H

#include <stdint.h>
#include "decode/layers.h"
#include "analysis/point/guard.h"

#define PT_MAX_PORTS 16
#define PT_DNS_PORT 53		/* the default service ports */
#define PT_HTTP_PORT 80

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
/* Whether port is one of the DNS (HTTP) service ports. Inline: asked
 * several times for every packet (matching, direction, detectors). */
static inline int pt_port_in(const uint16_t *ports, unsigned n, uint16_t port)
{
	for (unsigned i = 0; i < n && i < PT_MAX_PORTS; i++)
		if (ports[i] == port)
			return 1;
	return 0;
}

static inline int pt_is_dns_port(const struct pt_config *cfg, uint16_t port)
{
	return pt_port_in(cfg->dns_ports, cfg->n_dns_ports, port);
}

static inline int pt_is_http_port(const struct pt_config *cfg, uint16_t port)
{
	return pt_port_in(cfg->http_ports, cfg->n_http_ports, port);
}

/* What every port number is to a configuration (PT_PORT_* bits; cfg NULL:
 * the default ports), for those who ask at every packet: one lookup in
 * kind[port] instead of a search of the port lists. */
enum { PT_PORT_DNS = 1, PT_PORT_HTTP = 2 };
#define PT_PORTS 65536
void pt_port_kinds(const struct pt_config *cfg, uint8_t kind[PT_PORTS]);

/* Which way a packet goes between a client and a server (the guest). */
enum pt_dir { PT_DIR_UNKNOWN = 0, PT_DIR_TO_SERVER = 1, PT_DIR_TO_CLIENT = 2 };

/* The one decision of which side is the client, first rule that applies:
 *  1. the guest's address (guest non-NULL with a family): toward it is to
 *     the server, from it to the client, whatever the protocol;
 *  2. service traffic: TCP or UDP with a DNS port, or TCP with an HTTP
 *     port, on either side. A TCP SYN is the client's and a SYN-ACK the
 *     server's; any other segment or datagram goes to the server when its
 *     destination port is a service port, else back to the client;
 *  3. ICMP and ICMPv6 echo: the request goes to the server, the reply back.
 * Anything else is PT_DIR_UNKNOWN (other ports, other protocols, and a
 * fragment, which has no transport fields, unless rule 1 applies). cfg
 * NULL: the default ports. The silence detector calls it with
 * guest NULL: it learns its guests from their answers. */
enum pt_dir pt_dir(const struct pt_config *cfg, const struct ipaddr *guest,
		   const struct dec_pkt *d);

/* Counters of one point, drawn by the reports. */
struct pt_counts {
	uint64_t packets, bytes;
	uint64_t ip_fragments, reassembled;
	uint64_t dns_queries, dns_responses, dns_retransmissions, dns_unmatched_responses;
	uint64_t dns_dup_responses;	/* retransmitted responses (not timed, as Wireshark) */
	uint64_t dns_malformed_responses;	/* responses whose question did not parse */
	uint64_t tcp_connections, tcp_handshakes, tcp_retransmissions, tcp_resets;
	uint64_t tcp_closed_by_client, tcp_closed_by_server;	/* that side holds TIME_WAIT */
	uint64_t http_requests, http_responses;
	uint64_t table_full;		/* a table was full: the four below added */
	uint64_t tcp_evicted;		/* TCP connections recycled while open (tcp_track) */
	uint64_t dns_evicted;		/* DNS queries dropped unanswered from a full table */
	uint64_t http_queue_overflows;	/* HTTP connections given up: request queue full */
	uint64_t buffers_exhausted;	/* HTTP heads, DNS-over-TCP messages not kept: no buffer */
	uint64_t ip_fragments_evicted;	/* datagrams evicted from the reassembly table */
	uint64_t http_connections;	/* TCP connections on HTTP ports (tcp_track) */
	uint64_t http_refused;		/* HTTP connection attempts answered by a RST, no SYN-ACK */
	uint64_t http_syn_unanswered;	/* HTTP connection attempts never answered (no SYN-ACK,
					 * no request): each is an unanswered transaction */
	struct dec_stats malformed;
	/* packets and transactions the input guard kept out (guard.h); every
	 * field is a uint64_t like the rest (results add points' counters) */
	struct guard_counts input;
};

#endif
