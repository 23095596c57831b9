/* Guest-silence detector, shared by `analyze` and `live`: fed with every
 * decoded packet of each point, it alerts when a guest that was answering
 * stops answering for longer than silence_ns while requests keep reaching it.
 *
 * A guest is a server address seen answering: DNS responses, TCP segments
 * from an HTTP port (SYN-ACK or data), ICMP echo replies. Requests are the
 * matching queries, SYNs and data towards it, echo requests. State is kept
 * per guest and point (last request, last answer, last packet of any kind
 * from the guest, requests since the last answer), and the innermost point
 * where the silence shows classifies it: silent at all layers or application
 * only at the guest's own point; lost in the bridge (requests at the uplink
 * that never reach the vif, or answers at the vif that never reach the
 * uplink) or on the link likewise between client and Dom0. */
#ifndef HOPLAT_HANG_H
#define HOPLAT_HANG_H

#include <stdint.h>
#include "decode/layers.h"
#include "analysis/point.h"
#include "analysis/txn.h"

#define HANG_MAX_GUESTS 64

enum hang_kind {
	HANG_SILENT = 1,	/* nothing at all comes back from the guest */
	HANG_APP_ONLY,		/* the guest's stack still sends (ICMP errors, RST, ACKs), its service not */
	HANG_LOST_BRIDGE,	/* requests pass the uplink but do not reach the vif */
	HANG_LOST_LINK,		/* requests leave the client but do not reach the uplink */
};
const char *hang_kind_text(int kind);	/* "silent at all layers", ... */
const char *hang_kind_key(int kind);	/* "silent", "app_only", "lost_bridge", "lost_link" */

struct hang_config {
	int64_t silence_ns;		/* default 1 s */
	unsigned min_requests;		/* unanswered requests before an alert, default 3 */
	const struct pt_config *pt;	/* service ports (DNS, HTTP); NULL: 53 and 80 */
};

struct hang_alert {
	struct ipaddr guest;
	uint8_t point;			/* where it was seen (enum pt_role) */
	uint8_t kind;			/* enum hang_kind */
	uint8_t resumed;		/* 0: went silent; 1: answers again */
	uint64_t last_answer_ns;	/* the guest's last answer before the silence */
	uint64_t first_unanswered_ns;	/* first request after it */
	uint64_t at_ns;			/* when the detector noticed */
	uint64_t unanswered;		/* requests since the last answer */
};

typedef void (*hang_alert_fn)(void *ctx, const struct hang_alert *a);

/* Per guest and point. */
struct hang_pt {
	uint64_t last_req_ns, last_answer_ns, last_any_ns;
	uint64_t first_unanswered_ns, unanswered;
	uint64_t requests, answers;
};

struct hang_guest {
	struct ipaddr ip;
	uint8_t used, answered_ever, silent;	/* silent: an alert is out */
	uint8_t silent_pt, silent_kind;		/* where it was seen, and its kind */
	struct hang_pt pt[PT_N];
};

struct hang {
	struct hang_config cfg;
	hang_alert_fn fn;
	void *ctx;
	unsigned roles;			/* points seen (1 << role) */
	uint64_t alerts;
	struct hang_guest g[HANG_MAX_GUESTS];
};

void hang_config_default(struct hang_config *cfg);
/* Fills *h (no allocation: the table is inside). */
void hang_init(struct hang *h, const struct hang_config *cfg, hang_alert_fn fn, void *ctx);
/* One decoded packet seen at point at ts_ns. */
void hang_packet(struct hang *h, uint8_t point, uint64_t ts_ns, const struct dec_pkt *d);
/* The same from an undecoded packet (p->point is its role): decodes it
 * first. For callers without a decoded packet at hand (analyze's file loop). */
void hang_pkt(struct hang *h, const struct pkt *p);
/* Time passed (no packet needed): checks every guest. */
void hang_advance(struct hang *h, uint64_t now_ns);
/* The state kept for a guest (NULL: never seen answering). The engine
 * reads the request counters to say what reached each point in a silence. */
const struct hang_guest *hang_find(const struct hang *h, const struct ipaddr *ip);

#endif
