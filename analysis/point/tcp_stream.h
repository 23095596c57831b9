/* One direction of a TCP connection as an in-order byte stream.
 *
 * Segments go in in capture order; chunks come out in sequence order, each
 * with its captured bytes and its length on the wire (a snaplen-cut capture
 * keeps only the first bytes of a segment, but sequence numbers and IP
 * lengths still say where every byte is). Retransmitted bytes are trimmed so
 * nothing is delivered twice. A segment ahead of the next expected byte is
 * held (a few per direction, from a pool allocated once) until the hole
 * fills; when the hole will never fill (the peer acknowledged past it, the
 * hold is full, the connection ends) the held data goes out flagged `gap`. */
#ifndef HOPLAT_TCP_STREAM_H
#define HOPLAT_TCP_STREAM_H

#include <stdint.h>
#include "decode/cursor.h"

#define TCPS_HOLD_MAX 8		/* held segments per direction */
#define TCPS_SLOT_BYTES 2048	/* captured bytes kept per held segment */
#define TCPS_NONE UINT32_MAX

struct tcps_chunk {
	struct cur data;	/* captured bytes (data.len <= wire) */
	uint32_t seq;		/* sequence number of the first byte */
	uint32_t wire;		/* bytes on the wire */
	uint64_t ts_ns;		/* packet that carried them */
	uint8_t gap;		/* bytes before this chunk were never seen */
	uint8_t fin;		/* no bytes: the stream reached the sender's FIN */
	uint32_t gap_bytes;	/* how many (from sequence numbers) */
};

typedef void (*tcps_fn)(void *ctx, const struct tcps_chunk *ch);

struct tcps_dir {
	uint32_t next;		/* next expected sequence number */
	uint32_t peer_ack;	/* highest ack the other side sent */
	uint32_t fin_seq;	/* sequence number of this side's FIN */
	uint64_t fin_ts;
	uint8_t init, has_ack, fin, fin_done;
	uint8_t nheld;
	uint32_t held[TCPS_HOLD_MAX];	/* pool slots, in sequence order */
	uint64_t delivered;	/* bytes delivered (wire) */
};

/* Preallocated slots for held segments. */
struct tcps_pool;
struct tcps_pool *tcps_pool_new(unsigned nslots);
void tcps_pool_free(struct tcps_pool *p);

enum { TCPS_OLD = 0, TCPS_NEW = 1, TCPS_HELD = 2 };

/* Starts the direction at sequence number seq (after a SYN: isn + 1). */
void tcps_init(struct tcps_dir *d, uint32_t seq);
/* One segment's payload: returns TCPS_NEW (new bytes went out, possibly
 * with held ones after them), TCPS_HELD, or TCPS_OLD (all bytes seen before:
 * a retransmission). wire == 0 does nothing and returns TCPS_OLD. */
int tcps_segment(struct tcps_pool *p, struct tcps_dir *d, uint32_t seq, struct cur data,
		 uint32_t wire, uint64_t ts_ns, tcps_fn fn, void *ctx);
/* The other side acknowledged up to ack: bytes before it that were never
 * seen will not be seen, so held data (or a FIN) waiting behind that hole
 * goes out after a gap. */
void tcps_ack(struct tcps_pool *p, struct tcps_dir *d, uint32_t ack, tcps_fn fn, void *ctx);
/* This side's FIN at fin_seq (packet time ts). When the stream reaches it
 * (now, or once out-of-order or retransmitted bytes before it arrive, or a
 * hole before it is known) an empty chunk with `fin` set goes out. */
void tcps_fin(struct tcps_pool *p, struct tcps_dir *d, uint32_t fin_seq, uint64_t ts,
	      tcps_fn fn, void *ctx);
/* Delivers everything held, with gaps, and a pending FIN (end of connection). */
void tcps_flush(struct tcps_pool *p, struct tcps_dir *d, tcps_fn fn, void *ctx);
/* Returns the held slots to the pool without delivering. */
void tcps_release(struct tcps_pool *p, struct tcps_dir *d);

/* Fixed-size message buffers (an HTTP head or a DNS message that spans
 * segments), allocated once, handed out and back by index. */
#define TCPS_BUF_BYTES 4096
struct tcps_bufs;
struct tcps_bufs *tcps_bufs_new(unsigned n);
void tcps_bufs_free(struct tcps_bufs *b);
uint32_t tcps_buf_get(struct tcps_bufs *b);	/* TCPS_NONE when all in use */
void tcps_buf_put(struct tcps_bufs *b, uint32_t i);
uint8_t *tcps_buf(struct tcps_bufs *b, uint32_t i);

static inline int32_t tcps_diff(uint32_t a, uint32_t b) { return (int32_t)(a - b); }

#endif
