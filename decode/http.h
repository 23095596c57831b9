/* HTTP/1.x head parser in the picohttpparser shape: bytes consumed,
 * "need more", or malformed; no copies of the whole head, fields copied
 * only where small (method, path). Bodies: Content-Length or chunked. */
#ifndef HOPLAT_HTTP_H
#define HOPLAT_HTTP_H

#include <stdint.h>
#include "decode/cursor.h"

#define HTTP_NEED_MORE 0	/* returned when the head is not complete yet */
#define HTTP_PATH_MAX 240
#define HTTP_HEAD_MAX 65536	/* a head not complete within this is malformed */

struct http_head {
	uint8_t is_request;
	char method[16];		/* "GET" */
	char path[HTTP_PATH_MAX];	/* request target, cut to fit */
	uint8_t version_minor;		/* HTTP/1.<minor> */
	uint16_t status;		/* responses */
	int64_t content_length;		/* -1 when absent */
	uint8_t chunked;		/* Transfer-Encoding: chunked (wins over Content-Length) */
	uint8_t keep_alive;		/* from version and Connection */
	uint8_t upgrade;		/* Connection: upgrade / 101 */
};

/* Parses a request head (start line, headers, blank line) at c's position
 * without moving c. Returns the head's length in bytes (> 0), HTTP_NEED_MORE,
 * or -DEC_R_HTTP_* when malformed. Garbage is reported as soon as a complete
 * line (or the partial start line) shows it, not only once the blank line is
 * there. Empty lines before a request line are skipped (RFC 9112 2.2) and
 * counted in the length. Bare LF line ends are accepted. */
int dec_http_request(const struct cur *c, struct http_head *h);
int dec_http_response(const struct cur *c, struct http_head *h);

/* Does c start like an HTTP request / response? (cheap, for snaplen-cut data) */
int dec_http_looks_request(const struct cur *c);
int dec_http_looks_response(const struct cur *c);

/* Chunked body walker, resumable across segments. */
struct http_chunked {
	uint8_t state;
	uint64_t left;		/* bytes left in the current chunk */
	uint8_t done;		/* last chunk and trailers seen */
};
/* Consumes what it can of c (moving it); 0 ok (maybe done), -DEC_R_HTTP_CHUNK. */
int dec_http_chunked_feed(struct http_chunked *st, struct cur *c);

#endif
