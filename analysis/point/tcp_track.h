/* TCP at one point: connections (handshake and its RTT, retransmissions,
 * resets, which side closed first), in-order stream bytes per direction, and
 * on top of them HTTP/1.x transactions and DNS over TCP messages. */
#ifndef HOPLAT_TCP_TRACK_H
#define HOPLAT_TCP_TRACK_H

#include <stdint.h>
#include "decode/pkt.h"
#include "decode/layers.h"
#include "analysis/point/pt_config.h"
#include "analysis/point/txn.h"
#include "analysis/point/dns_match.h"

struct tcpt;

struct tcpt *tcpt_new(const struct pt_config *cfg, uint8_t role, struct txn_sink http_sink,
		      struct dnsm *dns, struct pt_counts *counts);
/* A TCP segment on a DNS or HTTP port. */
void tcpt_packet(struct tcpt *t, const struct pkt *p, const struct dec_pkt *d);
void tcpt_advance(struct tcpt *t, uint64_t now_ns);
void tcpt_finish(struct tcpt *t);
/* Handshake RTTs (SYN -> SYN-ACK -> ACK at this point), for the summary. */
struct hist;
const struct hist *tcpt_handshake_hist(const struct tcpt *t);
/* SYN -> SYN-ACK at this point (the first SYN of the attempt): at the client
 * the round trip to the server, at the vif the guest's part. */
const struct hist *tcpt_synack_hist(const struct tcpt *t);
void tcpt_free(struct tcpt *t);

#endif
