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
#ifndef HOPLAT_SILENCE_H
#define HOPLAT_SILENCE_H

#include <stdint.h>
#include "decode/layers.h"
#include "analysis/point/point.h"
#include "analysis/point/txn.h"

#define SIL_MAX_GUESTS 64

enum sil_kind {
	SIL_SILENT = 1,	/* nothing at all comes back from the guest */
	SIL_APP_ONLY,		/* the guest's stack still sends (ICMP errors, RST, ACKs), its service not */
	SIL_LOST_BRIDGE,	/* requests pass the uplink but do not reach the vif */
	SIL_LOST_LINK,		/* requests leave the client but do not reach the uplink */
};
const char *sil_kind_text(int kind);	/* "silent at all layers", ... */
const char *sil_kind_key(int kind);	/* "silent", "app_only", "lost_bridge", "lost_link" */

struct sil_config {
	int64_t silence_ns;		/* default 1 s */
	unsigned min_requests;		/* unanswered requests before an alert, default 3 */
	const struct pt_config *pt;	/* service ports (DNS, HTTP); NULL: 53 and 80 */
};

struct sil_alert {
	struct ipaddr guest;
	uint8_t point;			/* where it was seen (enum pt_role) */
	uint8_t kind;			/* enum sil_kind */
	uint8_t resumed;		/* 0: went silent; 1: answers again */
	uint64_t last_answer_ns;	/* the guest's last answer before the silence */
	uint64_t first_unanswered_ns;	/* first request after it */
	uint64_t at_ns;			/* when the detector noticed */
	uint64_t unanswered;		/* requests since the last answer */
};

typedef void (*sil_alert_fn)(void *ctx, const struct sil_alert *a);

/* Per guest and point. */
struct sil_pt {
	uint64_t last_req_ns, last_answer_ns, last_any_ns;
	uint64_t first_unanswered_ns, unanswered;
	uint64_t requests, answers;
};

struct sil_guest {
	struct ipaddr ip;
	uint8_t used, answered_ever, silent;	/* silent: an alert is out */
	uint8_t silent_pt, silent_kind;		/* where it was seen, and its kind */
	struct sil_pt pt[PT_N];
};

struct silence {
	struct sil_config cfg;
	sil_alert_fn fn;
	void *ctx;
	unsigned roles;			/* points seen (1 << role) */
	uint64_t alerts;
	struct sil_guest g[SIL_MAX_GUESTS];
};

void sil_config_default(struct sil_config *cfg);
/* Fills *h (no allocation: the table is inside). */
void sil_init(struct silence *h, const struct sil_config *cfg, sil_alert_fn fn, void *ctx);
/* One decoded packet seen at point at ts_ns. */
void sil_packet(struct silence *h, uint8_t point, uint64_t ts_ns, const struct dec_pkt *d);
/* The same from an undecoded packet (p->point is its role): decodes it
 * first. For callers without a decoded packet at hand (analyze's file loop). */
void sil_pkt(struct silence *h, const struct pkt *p);
/* Time passed (no packet needed): checks every guest. */
void sil_advance(struct silence *h, uint64_t now_ns);
/* The state kept for a guest (NULL: never seen answering). */
const struct sil_guest *sil_find(const struct silence *h, const struct ipaddr *ip);
/* Requests toward a guest seen at a point so far, and of them the ones
 * since its last answer there (0 for a guest never seen answering): the
 * engine says from these what reached each point during a silence. */
uint64_t sil_requests(const struct silence *h, const struct ipaddr *guest, int point);
uint64_t sil_unanswered(const struct silence *h, const struct ipaddr *guest, int point);

#endif
