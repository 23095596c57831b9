/* A client's source ports toward one server, at the client-most point: port
 * exhaustion, and SYN retransmissions.
 *
 * Watched per group (client address, server address, server port on a DNS
 * or HTTP port), the first max_groups groups seen. Each source port is
 * never used, trying (SYN sent), open (SYN-ACK seen), held (closed first by
 * the client: its TIME_WAIT, time_wait_ns from the client's FIN, unless
 * reused or reset before), or free (closed first by the server, or reset).
 *
 * Client port exhaustion: the group is full while at least min_ports
 * distinct ports were seen and the open and held ones cover all but 1% of
 * the observed range (lowest to highest port seen), and it stalls when no
 * new connection follows for stall_ns: an alert, the stall starting at the
 * last new connection. The first new connection ends it (resumed). The
 * first connection since the stall began on a port closed first by the
 * client gives the reuse interval (from that close to the reuse): with the
 * resumed alert when it is that one, else an alert of its own (reused).
 * When the input ends while full and not stalled yet, the stall runs to the
 * end (ports_finish alerts it). Linux picks source ports spread over its range,
 * so the observed range is the real one only once nearly all of it was used;
 * a client that hands out ports in sequence looks full early, and a pause of
 * stall_ns would pass for a stall (its stall then ends on a port never seen,
 * and no reuse follows soon).
 *
 * SYN retransmissions: a SYN with its connection's ISN again, handed to
 * the syn hook with whether it is its connection's first.
 *
 * Memory: per group a table of all 65536 ports and a ring of closes,
 * allocated at ports_new; nothing per packet. */
#ifndef HOPLAT_PORTS_H
#define HOPLAT_PORTS_H

#include <stdint.h>
#include "decode/layers.h"
#include "analysis/point/pt_config.h"
#include "analysis/point/txn.h"

struct ports_config {
	unsigned max_groups;		/* default 4 */
	unsigned min_ports;		/* default 64 */
	int64_t time_wait_ns;		/* default 60 s (Linux's TCP_TIMEWAIT_LEN) */
	int64_t stall_ns;		/* default 1 s */
	const struct pt_config *pt;	/* service ports; NULL: 53 and 80 */
};

enum ports_event {
	PORTS_STALLED = 0,		/* out of ports, no new connection for stall_ns */
	PORTS_RESUMED,			/* a new connection again */
	PORTS_REUSED,			/* later, the first reuse of a port the client closed */
};

/* A group's ports as they stand: what an alert carries, and what the
 * results keep of an exhaustion. */
struct ports_state {
	struct ipaddr client;
	struct endpoint server;
	uint32_t ports_seen;		/* distinct source ports */
	uint16_t port_min, port_max;	/* the range observed */
	uint32_t held, open;		/* ports in TIME_WAIT, and of open connections */
	uint64_t closed_by_client;	/* connections closed first by the client, so far */
};

struct ports_alert {
	unsigned id;			/* the group */
	uint8_t event;			/* enum ports_event */
	struct ports_state st;		/* when noticed */
	uint64_t start_ns;		/* the stall's start: the last new connection */
	uint64_t at_ns;			/* stalled: when the rule held (stall_ns after the last
					 * new connection, or when full if later; at the end of
					 * input, its end); resumed, reused: that connection's SYN */
	uint16_t port;			/* resumed, reused: that connection's port */
	int64_t reuse_ns;		/* its port's close by the client to its reuse; -1: the
					 * port was not closed first by the client */
};

struct ports_hooks {
	void (*alert)(void *ctx, const struct ports_alert *a);
	/* A retransmitted SYN at ts_ns; first: its connection's first. */
	void (*syn_retransmit)(void *ctx, uint64_t ts_ns, int first);
	void *ctx;
};

struct ports_stats {
	uint64_t groups_full;		/* SYNs of groups beyond max_groups (not watched) */
	uint64_t syn_retransmits;
	uint64_t stalls;
};

struct ports;

void ports_config_default(struct ports_config *cfg);
/* NULL when out of memory or max_groups is 0. */
struct ports *ports_new(const struct ports_config *cfg, const struct ports_hooks *hooks);
void ports_free(struct ports *p);
/* One decoded packet of the client-most point at ts_ns (only TCP counts:
 * a caller may skip the others). Returns the groups watched so far:
 * ports_advance has nothing to do without one. */
unsigned ports_packet(struct ports *p, uint64_t ts_ns, const struct dec_pkt *d);
/* Time passed: a full group with no new connection for stall_ns stalls. */
void ports_advance(struct ports *p, uint64_t now_ns);
/* End of input at now_ns: a full group not stalled yet stalls (to the end). */
void ports_finish(struct ports *p, uint64_t now_ns);
const struct ports_stats *ports_stats(const struct ports *p);

#endif
