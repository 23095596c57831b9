/* HTTP/1.x on one TCP connection: requests and responses paired in order
 * (keep-alive and pipelining) through a FIFO of outstanding requests.
 *
 * A message's first and last packet are the packets that carried its first
 * and last byte, so response_us (last request packet -> last response
 * packet) is what Wireshark's http.time measures between the frames where
 * it reassembled the request and the response. A message ends after its
 * head (no body: GET, 1xx/204/304, responses to HEAD), after Content-Length
 * bytes, after the last chunk, or at the server's FIN.
 *
 * Snaplen-cut captures: when a head is cut before it ends, the message
 * continues until the next message starts (a segment that begins like a
 * head, or for a response, the client's next request), a FIN/RST, or the
 * connection's end; byte counts come from sequence numbers and IP lengths. */
#ifndef HOPLAT_HTTP_MATCH_H
#define HOPLAT_HTTP_MATCH_H

#include <stdint.h>
#include "analysis/point/tcp_stream.h"
#include "analysis/point/txn.h"
#include "analysis/point/pt_config.h"
#include "analysis/point/txn.h"
#include "decode/http.h"

/* Parser state of one direction. */
struct httpm_dir {
	uint8_t state;		/* HM_* in http_match.c */
	uint8_t active;		/* a message is in progress */
	uint8_t broken;		/* bytes of it were never captured (a hole): not timed */
	uint16_t status;	/* response being read */
	uint16_t kept;		/* head bytes in buf */
	uint32_t buf;		/* tcps_bufs index or TCPS_NONE */
	uint64_t left;		/* Content-Length bytes still to come */
	struct http_chunked chunk;
	uint64_t first_ts, last_ts;	/* packets of the message so far */
};

struct httpm_conn {
	struct httpm_dir dir[2];	/* 0: client -> server, 1: server -> client */
	uint32_t q_head, q_tail;	/* FIFO of outstanding requests (pool indexes) */
	uint16_t q_len;
	uint8_t dead;		/* upgraded or unparseable: stop looking */
	uint8_t resp_maybe_done;	/* a request came while a response of unknown
					 * length was open: the server's next segment says */
	uint32_t n_req;		/* requests seen: the next one's index */
};

/* What the matcher needs to know about the connection to fill a txn. */
struct httpm_info {
	struct endpoint client, server;
	uint32_t isn;
	uint64_t syn, synack;	/* 0 when not seen */
};

struct httpm;
struct httpm *httpm_new(unsigned max_pending, uint8_t role, struct txn_sink sink,
			struct tcps_bufs *bufs, struct pt_counts *counts);
void httpm_free(struct httpm *m);

void httpm_conn_init(struct httpm_conn *c);
/* In-order stream bytes of one direction (from_server 0 or 1). */
void httpm_chunk(struct httpm *m, struct httpm_conn *c, const struct httpm_info *ci,
		 int from_server, const struct tcps_chunk *ch);
/* A FIN from one side at ts (after its data). */
void httpm_fin(struct httpm *m, struct httpm_conn *c, const struct httpm_info *ci,
	       int from_server, uint64_t ts);
/* Connection over (both FINs, RST, idle expiry, end of input): messages
 * whose end is not known end at their last packet, except at the end of the
 * input (eof), where a response of unknown length may have been cut by the
 * capture and is not timed (Wireshark cannot time it either); requests left
 * without a response are emitted unanswered. */
void httpm_end(struct httpm *m, struct httpm_conn *c, const struct httpm_info *ci, int eof);
/* A connection attempt whose SYN (ci->syn) was never answered: emitted as an
 * unanswered transaction of the connection (id 0, first_on_conn, no name,
 * no request times, start_ns = the first SYN). */
void httpm_attempt(struct httpm *m, const struct httpm_info *ci);

#endif
