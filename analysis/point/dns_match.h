/* DNS query/response matching at one point, as Wireshark's dns.time does:
 * keyed on client and server address and port, id and question. */
#ifndef HOPLAT_DNS_MATCH_H
#define HOPLAT_DNS_MATCH_H

#include <stdint.h>
#include "decode/dns.h"
#include "analysis/point/pt_config.h"
#include "analysis/point/txn.h"

struct dnsm;

/* Transactions go to sink as they end; an answered one whose response came
 * before its query (packets out of order) goes untimed (no total, no
 * response times) and is counted in counts->input.negative_durations. */
struct dnsm *dnsm_new(const struct pt_config *cfg, uint8_t role, struct txn_sink sink,
		      struct pt_counts *counts);
/* One DNS message seen at ts_ns from src to dst (over TCP when over_tcp). */
void dnsm_message(struct dnsm *m, const struct dns_msg *msg, const struct endpoint *src,
		  const struct endpoint *dst, uint64_t ts_ns, int over_tcp);
/* The same for a message whose question did not parse (dec_dns gave
 * reason, the header was read): a response is counted as malformed and
 * paired by id and ports unless its bytes ran out (as Wireshark). */
void dnsm_malformed(struct dnsm *m, const struct dns_msg *msg, int reason,
		    const struct endpoint *src, const struct endpoint *dst, uint64_t ts_ns,
		    int over_tcp);
void dnsm_advance(struct dnsm *m, uint64_t now_ns);
void dnsm_finish(struct dnsm *m);
void dnsm_free(struct dnsm *m);

#endif
