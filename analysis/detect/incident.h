/* What the detectors name, shared by every one of them and by the results
 * and reports that keep their incidents: the kinds of incident, the kinds of
 * request a silent guest leaves unanswered, the kinds of answer, and the
 * services. Each with its JSON key; kinds also with a phrase for text. */
#ifndef HOPLAT_INCIDENT_H
#define HOPLAT_INCIDENT_H

/* Kinds of incident, in JSON key order (silence.h: the first four). */
#define INC_KINDS(X) \
	X(SILENT, "silent", "silent at all layers") \
	X(APP_ONLY, "app_only", "application only") \
	X(LOST_BRIDGE, "lost_bridge", "lost in the bridge") \
	X(LOST_LINK, "lost_link", "lost on the link") \
	X(PORT_EXHAUSTION, "client_port_exhaustion", "client out of source ports") \
	X(SYN_RETRANSMITS, "syn_retransmits", "SYN retransmission burst") \
	X(LOSS_BURST, "loss_burst", "loss burst")

enum inc_kind {
	INC_NONE = 0,
#define X(n, key, text) INC_##n,
	INC_KINDS(X)
#undef X
	INC_N
};
const char *inc_kind_key(int kind);	/* "silent", ...; "?" out of range */
const char *inc_kind_text(int kind);	/* "silent at all layers", ... */
/* The guest-silence kinds (silent, app_only, lost_bridge, lost_link). */
static inline int inc_is_silence(int kind)
{
	return kind >= INC_SILENT && kind <= INC_LOST_LINK;
}

/* Requests towards a guest, by kind. dns: a query (UDP, or data on a DNS
 * port over TCP); tcp_data: other TCP data; other: anything else addressed
 * to the guest (counted, never what makes a silence). */
#define INC_REQS(X) \
	X(ARP, "arp") X(ICMP, "icmp") X(TCP_SYN, "tcp_syn") X(TCP_DATA, "tcp_data") \
	X(DNS, "dns") X(OTHER, "other")

enum inc_req {
#define X(n, key) INC_REQ_##n,
	INC_REQS(X)
#undef X
	INC_REQ_N
};
const char *inc_req_key(int req);	/* "arp", ... */

/* What a guest answered with. tcp: its stack (SYN-ACK, ACK, RST); dns and
 * http: the service itself. */
#define INC_ANSWERS(X) \
	X(NONE, "none") X(ARP, "arp") X(ICMP, "icmp") X(TCP, "tcp") X(DNS, "dns") X(HTTP, "http")

enum inc_answer {
#define X(n, key) INC_ANS_##n,
	INC_ANSWERS(X)
#undef X
	INC_ANS_N
};
const char *inc_answer_key(int ans);	/* "dns", ... */

/* A service on a guest (on one of the configured DNS or HTTP ports). */
enum inc_service { INC_SVC_NONE = 0, INC_SVC_DNS, INC_SVC_HTTP };
const char *inc_service_key(int svc);	/* NULL for none, "dns", "http" */

#endif
