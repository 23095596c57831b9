/* Guest-silence detector, shared by `analyze` and `live`: fed with every
 * decoded packet of each point, it alerts when a guest that was answering
 * stops answering for longer than silence_ns while requests keep reaching it.
 *
 * A guest is an address seen answering as a server: a DNS response, a
 * SYN-ACK or data from an HTTP or DNS port, an ICMP echo reply.
 *
 * Requests towards a guest, by kind (incident.h): ARP requests for its
 * address (and IPv6 neighbour solicitations), ICMP echo requests, SYNs, TCP
 * data, DNS queries; anything else addressed to it is counted as `other`
 * but never makes a silence. Answers from it: ARP replies (neighbour
 * advertisements), ICMP echo replies and errors, TCP segments (SYN-ACK, ACK,
 * RST, data; not a bare FIN, which closes an exchange answered before), DNS
 * responses. What the guest starts itself (its own ARP requests, queries,
 * datagrams) answers nothing.
 *
 * Two layers are watched, per guest and point:
 * - the whole guest: requests of every kind against answers of every kind.
 *   Nothing at all answered for silence_ns while at least min_requests
 *   requests arrived (or two ARP requests: the client asking again), the
 *   last within silence_ns, is a silence of the guest: `silent` at the
 *   innermost point where it shows (ARP requests alone, when the client's
 *   ARP cache expired, are enough);
 * - each service the guest was seen answering (DNS on its port, HTTP on its
 *   port): its requests (queries; SYNs and data to the HTTP port) against its
 *   own answers (responses); a SYN its stack answers (SYN-ACK, RST) is
 *   answered. Silent likewise while the guest's stack still
 *   answers (an answer of any kind after the service's first unanswered
 *   request and within the last silence_ns / 2, and the guest itself not
 *   silent for silence_ns in the last silence_ns): `app_only`, one per
 *   service. Otherwise the whole guest's silence decides.
 * The innermost point decides: an outer point whose requests stop short of
 * the next point in (or whose answers the next point saw but it did not) is
 * a loss on the way: `lost_bridge` at the uplink, `lost_link` at the client
 * (for the whole guest, or for one service while the guest answers).
 *
 * Memory: one table of SIL_MAX_GUESTS guests and one of the service of each
 * port (64 KB), allocated at sil_new. */
#ifndef HOPLAT_SILENCE_H
#define HOPLAT_SILENCE_H

#include <stdint.h>
#include "decode/layers.h"
#include "analysis/point/pt_config.h"
#include "analysis/point/txn.h"
#include "analysis/detect/incident.h"

#define SIL_MAX_GUESTS 64
#define SIL_MAX_SERVICES 4	/* services watched per guest (DNS and HTTP ports) */
#define SIL_MAX_IDS (SIL_MAX_GUESTS * (1 + SIL_MAX_SERVICES))	/* bound of an alert's id */

struct sil_config {
	int64_t silence_ns;		/* default 1 s */
	unsigned min_requests;		/* unanswered requests before an alert, default 3 */
	const struct pt_config *pt;	/* service ports (DNS, HTTP), read by sil_new; NULL: 53, 80 */
};

/* A silence beginning, or ending (resumed), or its state so far (sil_current). */
struct sil_alert {
	struct ipaddr guest;
	unsigned id;			/* the silence's slot (sil_current) */
	uint8_t point;			/* where it was decided (enum pt_role) */
	uint8_t kind;			/* INC_SILENT, INC_APP_ONLY, INC_LOST_BRIDGE, INC_LOST_LINK */
	uint8_t resumed;		/* 0: went silent; 1: answers again */
	uint8_t service;		/* enum inc_service; INC_SVC_NONE: the whole guest */
	uint16_t port;			/* the service's port; 0 for the whole guest */
	uint8_t last_answer_kind;	/* enum inc_answer: the last answer at point before the silence */
	uint64_t last_answer_ns;	/* ... and its time */
	uint64_t first_unanswered_ns;	/* first request at point after it: the silence's start */
	uint64_t at_ns;			/* when the detector noticed (resumed: the answer's time) */
	uint64_t unanswered;		/* requests at point since the last answer (for a
					 * service, less the SYNs its stack answered) */
	uint64_t by_kind[INC_REQ_N];	/* the same by kind, `other` included */
	uint64_t requests[PT_N];	/* requests that reached each point during the silence */
};

typedef void (*sil_alert_fn)(void *ctx, const struct sil_alert *a);

struct silence;

void sil_config_default(struct sil_config *cfg);
/* NULL when out of memory. fn gets every silence beginning and ending. */
struct silence *sil_new(const struct sil_config *cfg, sil_alert_fn fn, void *ctx);
void sil_free(struct silence *h);
/* One decoded packet seen at point at ts_ns (IP or ARP). */
void sil_packet(struct silence *h, uint8_t point, uint64_t ts_ns, const struct dec_pkt *d);
/* Time passed (no packet needed): checks every guest. */
void sil_advance(struct silence *h, uint64_t now_ns);
/* The silence id (an alert's id) as it stands at now_ns, still open: 0, or
 * -ENOENT when it has ended (its resumed alert was the last word). */
int sil_current(const struct silence *h, unsigned id, uint64_t now_ns, struct sil_alert *a);
/* 1 when ip was seen answering as a server (a guest), else 0. */
int sil_known(const struct silence *h, const struct ipaddr *ip);
/* Silences begun so far. */
uint64_t sil_alerts(const struct silence *h);

#endif
