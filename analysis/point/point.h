/* One measurement point: packets in, transactions out.
 * decode -> IP reassembly -> DNS over UDP / TCP tracker (DNS over TCP, HTTP).
 * State is bounded by the tables sized here and expired by time. */
#ifndef HOPLAT_POINT_H
#define HOPLAT_POINT_H

#include <stdint.h>
#include "decode/pkt.h"
#include "decode/layers.h"
#include "analysis/point/txn.h"
#include "analysis/point/pt_config.h"

struct point;

/* Called for every decoded packet (cross-point matching hooks in here). */
typedef void (*pt_packet_hook)(void *ctx, const struct pkt *p, const struct dec_pkt *d);

struct point *pt_new(const struct pt_config *cfg, uint8_t role, struct txn_sink sink);
void pt_set_packet_hook(struct point *pt, pt_packet_hook fn, void *ctx);
/* The input guard (guard.h), before anything else sees the packet: 1 when
 * it is to be analyzed, 0 when it is kept out (time went backwards, an
 * exact duplicate, an appended copy; counted in pt_counts()->input). Every
 * packet of the point goes through it once, in the order of its file. */
int pt_admit(struct point *pt, const struct pkt *p);
/* pt_admit on p[0..n) in order, all of this point (n <= 64): bit i set
 * when p[i] is to be analyzed. */
uint64_t pt_admit_n(struct point *pt, const struct pkt *p, unsigned n);
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
