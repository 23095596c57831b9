/* HTTP/1.x heads in the picohttpparser shape (length, need more, or
 * malformed) over the bounded cursor, and a resumable chunked-body walker. */
#include <string.h>
#include "decode/http.h"
#include "decode/layers.h"

/* RFC 9110 token characters: a bit per byte value (a lookup, no search). */
static const uint64_t tchar_bits[4] = {
	/* 0x00-0x3f: ! # $ % & ' * + - . 0-9 */
	(1ull << '!') | (1ull << '#') | (1ull << '$') | (1ull << '%') | (1ull << '&') |
	(1ull << '\'') | (1ull << '*') | (1ull << '+') | (1ull << '-') | (1ull << '.') |
	(0x3ffull << '0'),
	/* 0x40-0x7f: A-Z ^ _ ` a-z | ~ */
	(0x3ffffffull << ('A' - 64)) | (1ull << ('^' - 64)) | (1ull << ('_' - 64)) |
	(1ull << ('`' - 64)) | (0x3ffffffull << ('a' - 64)) | (1ull << ('|' - 64)) |
	(1ull << ('~' - 64)),
	0, 0,
};

static int is_tchar(uint8_t ch)
{
	return (tchar_bits[ch >> 6] >> (ch & 63)) & 1;
}

static int is_digit(uint8_t ch) { return ch >= '0' && ch <= '9'; }
static int is_ows(uint8_t ch) { return ch == ' ' || ch == '\t'; }

/* The next line of r without its LF (and CR) as a cursor; r steps past it.
 * Returns 0 when no LF is there yet. */
static int next_line(struct cur *r, struct cur *line)
{
	long lf = cur_find(r, '\n');
	if (lf < 0)
		return 0;
	*line = cur_take(r, (size_t)lf);
	cur_skip(r, 1);
	if (cur_left(line) && cur_peek(line, cur_left(line) - 1) == '\r')
		line->len--;
	return 1;
}

/* Drops trailing spaces and tabs (the cursor's end moves, never its bytes). */
static void trim_ows_end(struct cur *v)
{
	while (cur_left(v) && is_ows(cur_peek(v, cur_left(v) - 1)))
		v->len--;
}

/* Copies a run of bytes accepted by ok() into dst (cut to cap-1); returns its length. */
static size_t take_run(struct cur *l, int (*ok)(uint8_t), char *dst, size_t cap)
{
	size_t n = 0;
	while (cur_left(l) && ok(cur_peek(l, 0))) {
		uint8_t ch = cur_u8(l);
		if (dst && n + 1 < cap)
			dst[n] = (char)ch;
		n++;
	}
	if (dst && cap)
		dst[n < cap ? n : cap - 1] = 0;
	return n;
}

static int is_target(uint8_t ch) { return ch > 0x20 && ch != 0x7f; }

/* "HTTP/1.<digit>" */
static int http_version(struct cur *l, struct http_head *h)
{
	if (!cur_starts(l, "HTTP/1.", 7, 0))
		return -1;
	cur_skip(l, 7);
	uint8_t d = cur_u8(l);
	if (!cur_ok(l) || !is_digit(d))
		return -1;
	h->version_minor = (uint8_t)(d - '0');
	return 0;
}

static int request_line(struct cur l, struct http_head *h)
{
	if (take_run(&l, is_tchar, h->method, sizeof h->method) == 0 || cur_u8(&l) != ' ')
		return -DEC_R_HTTP_LINE;
	if (take_run(&l, is_target, h->path, sizeof h->path) == 0 || cur_u8(&l) != ' ')
		return -DEC_R_HTTP_LINE;
	if (http_version(&l, h) || cur_left(&l))
		return -DEC_R_HTTP_LINE;
	return 0;
}

static int status_line(struct cur l, struct http_head *h)
{
	if (http_version(&l, h) || cur_u8(&l) != ' ')
		return -DEC_R_HTTP_LINE;
	unsigned st = 0;
	for (int i = 0; i < 3; i++) {
		uint8_t d = cur_u8(&l);
		if (!cur_ok(&l) || !is_digit(d))
			return -DEC_R_HTTP_LINE;
		st = st * 10 + (d - '0');
	}
	h->status = (uint16_t)st;
	if (cur_left(&l) && cur_u8(&l) != ' ')
		return -DEC_R_HTTP_LINE;
	return 0;	/* the reason phrase may be anything */
}

/* A partial start line (no LF yet): is what is there already wrong? */
static int partial_start_ok(const struct cur *c, int request)
{
	struct cur l = *c;
	if (!request) {
		size_t n = cur_left(&l) < 7 ? cur_left(&l) : 7;
		return cur_starts(&l, "HTTP/1.", n, 0);
	}
	take_run(&l, is_tchar, NULL, 0);
	return cur_left(&l) == 0 || cur_peek(&l, 0) == ' ';
}

/* Splits a comma list: the next element, trimmed; 0 when none left. */
static int next_elem(struct cur *v, struct cur *e)
{
	while (cur_left(v) && (is_ows(cur_peek(v, 0)) || cur_peek(v, 0) == ','))
		cur_skip(v, 1);
	if (!cur_left(v))
		return 0;
	long comma = cur_find(v, ',');
	*e = cur_take(v, comma < 0 ? cur_left(v) : (size_t)comma);
	trim_ows_end(e);
	return 1;
}

static int elem_is_n(const struct cur *e, const char *s, size_t n)
{
	return cur_left(e) == n && cur_starts(e, s, n, 1);
}
#define elem_is(e, lit) elem_is_n((e), (lit), sizeof(lit) - 1)

/* Content-Length: digits, maybe a list of equal values (RFC 9110 8.6);
 * a different value in another header is a conflict. */
static int hdr_content_length(struct cur v, struct http_head *h)
{
	struct cur e;
	int any = 0;
	while (next_elem(&v, &e)) {
		int64_t n = 0;
		if (!cur_left(&e))
			return -DEC_R_HTTP_HEADER;
		while (cur_left(&e)) {
			uint8_t d = cur_u8(&e);
			if (!is_digit(d) || n > (INT64_MAX - 9) / 10)
				return -DEC_R_HTTP_HEADER;	/* sign, junk or overflow */
			n = n * 10 + (d - '0');
		}
		if (h->content_length >= 0 && h->content_length != n)
			return -DEC_R_HTTP_HEADER;
		h->content_length = n;
		any = 1;
	}
	return any ? 0 : -DEC_R_HTTP_HEADER;
}

/* Transfer-Encoding: chunked when it is the last coding. */
static void hdr_transfer_encoding(struct cur v, struct http_head *h)
{
	struct cur e;
	while (next_elem(&v, &e))
		h->chunked = (uint8_t)elem_is(&e, "chunked");
}

struct conn_tokens { uint8_t close, keep_alive, upgrade; };

static void hdr_connection(struct cur v, struct conn_tokens *t)
{
	struct cur e;
	while (next_elem(&v, &e)) {
		if (elem_is(&e, "close"))
			t->close = 1;
		else if (elem_is(&e, "keep-alive"))
			t->keep_alive = 1;
		else if (elem_is(&e, "upgrade"))
			t->upgrade = 1;
	}
}

static int is_value(uint8_t ch) { return ch == '\t' || (ch >= 0x20 && ch != 0x7f); }

/* One header line: name ":" OWS value OWS. */
static int header_line(struct cur l, struct http_head *h, struct conn_tokens *t)
{
	struct cur name = l;
	size_t n = take_run(&l, is_tchar, NULL, 0);
	if (n == 0 || cur_u8(&l) != ':')
		return -DEC_R_HTTP_HEADER;
	name.len = name.pos + n;
	struct cur v = cur_rest(&l), scan = v;
	take_run(&scan, is_value, NULL, 0);
	if (cur_left(&scan))
		return -DEC_R_HTTP_HEADER;	/* a control character in the value */
	while (cur_left(&v) && is_ows(cur_peek(&v, 0)))
		cur_skip(&v, 1);
	trim_ows_end(&v);

	if (elem_is(&name, "content-length"))
		return hdr_content_length(v, h);
	if (elem_is(&name, "transfer-encoding"))
		hdr_transfer_encoding(v, h);
	else if (elem_is(&name, "connection"))
		hdr_connection(v, t);
	return 0;
}

static void head_finish(struct http_head *h, const struct conn_tokens *t)
{
	if (h->version_minor >= 1)
		h->keep_alive = !t->close;
	else
		h->keep_alive = t->keep_alive && !t->close;
	h->upgrade = h->is_request ? t->upgrade : h->status == 101;
}

static int parse_head(const struct cur *c, struct http_head *h, int request)
{
	memset(h, 0, sizeof *h);
	h->content_length = -1;
	h->is_request = (uint8_t)request;

	struct cur r = *c;
	if (cur_left(&r) > HTTP_HEAD_MAX)
		r.len = r.pos + HTTP_HEAD_MAX;
	size_t start = cur_pos(&r);
	struct cur line;
	for (;;) {
		if (!next_line(&r, &line))
			goto need_more_start;
		if (!request || cur_left(&line))
			break;		/* leading empty lines before a request */
	}
	int rc = request ? request_line(line, h) : status_line(line, h);
	if (rc)
		return rc;

	struct conn_tokens t = { 0 };
	int any_header = 0;
	for (;;) {
		if (!next_line(&r, &line))
			goto need_more;
		if (!cur_left(&line))
			break;		/* the blank line */
		if (is_ows(cur_peek(&line, 0))) {
			if (!any_header)	/* obs-fold needs a header to continue */
				return -DEC_R_HTTP_HEADER;
			continue;
		}
		if ((rc = header_line(line, h, &t)))
			return rc;
		any_header = 1;
	}
	head_finish(h, &t);
	return (int)(cur_pos(&r) - start);

need_more_start:
	{
		struct cur p = r;
		while (cur_left(&p) && (cur_peek(&p, 0) == '\r' || cur_peek(&p, 0) == '\n'))
			cur_skip(&p, 1);
		if (!partial_start_ok(&p, request))
			return -DEC_R_HTTP_LINE;
	}
need_more:
	if (cur_left(c) > HTTP_HEAD_MAX)
		return -DEC_R_HTTP_HEADER;	/* no end within the limit */
	return HTTP_NEED_MORE;
}

int dec_http_request(const struct cur *c, struct http_head *h)
{
	return parse_head(c, h, 1);
}

int dec_http_response(const struct cur *c, struct http_head *h)
{
	return parse_head(c, h, 0);
}

int dec_http_looks_request(const struct cur *c)
{
	struct cur l = *c;
	size_t n = 0;
	while (cur_left(&l) && cur_peek(&l, 0) >= 'A' && cur_peek(&l, 0) <= 'Z' && n < 16) {
		cur_skip(&l, 1);
		n++;
	}
	if (n < 3 || n > 15 || cur_u8(&l) != ' ')
		return 0;
	uint8_t t = cur_u8(&l);	/* origin-form, asterisk, absolute or authority form */
	return cur_ok(&l) && is_target(t);
}

int dec_http_looks_response(const struct cur *c)
{
	struct cur l = *c;
	if (!cur_starts(&l, "HTTP/1.", 7, 0))
		return 0;
	cur_skip(&l, 7);
	uint8_t minor = cur_u8(&l), sp = cur_u8(&l);
	uint8_t d0 = cur_u8(&l), d1 = cur_u8(&l), d2 = cur_u8(&l);
	return cur_ok(&l) && is_digit(minor) && sp == ' ' && is_digit(d0) && is_digit(d1) &&
	       is_digit(d2);
}

/* Chunked bodies (RFC 9112 7.1): size line (hex, maybe ";ext"), data, CRLF,
 * ..., a zero size, trailer lines, an empty line. */
enum { CH_SIZE0, CH_SIZE, CH_EXT, CH_DATA, CH_DATA_CR, CH_DATA_LF, CH_TRAILER,
       CH_TRAILER_LINE, CH_END_LF };

static int hex_val(uint8_t ch)
{
	if (is_digit(ch))
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* The size line has ended: data follows, or the trailers after the last chunk. */
static void chunk_size_done(struct http_chunked *st)
{
	st->state = st->left ? CH_DATA : CH_TRAILER;
}

static int chunk_byte(struct http_chunked *st, uint8_t ch)
{
	int v;
	switch (st->state) {
	case CH_SIZE0:
	case CH_SIZE:
		if ((v = hex_val(ch)) >= 0) {
			if (st->left >> 56)
				return -DEC_R_HTTP_CHUNK;	/* absurd size */
			st->left = st->left << 4 | (unsigned)v;
			st->state = CH_SIZE;
		} else if (st->state == CH_SIZE0) {
			return -DEC_R_HTTP_CHUNK;
		} else if (ch == '\n') {
			chunk_size_done(st);
		} else if (ch == ';' || ch == '\r' || is_ows(ch)) {
			st->state = CH_EXT;
		} else {
			return -DEC_R_HTTP_CHUNK;
		}
		return 0;
	case CH_EXT:
		if (ch == '\n')
			chunk_size_done(st);
		return 0;
	case CH_DATA_CR:
		if (ch == '\r') {
			st->state = CH_DATA_LF;
			return 0;
		}
		/* a bare LF is accepted */
		/* fall through */
	case CH_DATA_LF:
		if (ch != '\n')
			return -DEC_R_HTTP_CHUNK;
		st->state = CH_SIZE0;
		return 0;
	case CH_TRAILER:
		if (ch == '\n')
			st->done = 1;
		else
			st->state = ch == '\r' ? CH_END_LF : CH_TRAILER_LINE;
		return 0;
	case CH_TRAILER_LINE:
		if (ch == '\n')
			st->state = CH_TRAILER;
		return 0;
	case CH_END_LF:
		if (ch != '\n')
			return -DEC_R_HTTP_CHUNK;
		st->done = 1;
		return 0;
	}
	return -DEC_R_HTTP_CHUNK;
}

int dec_http_chunked_feed(struct http_chunked *st, struct cur *c)
{
	while (!st->done && cur_left(c)) {
		if (st->state == CH_DATA) {
			/* skip data in bulk: no copies, no per-byte work */
			size_t n = cur_left(c);
			if (n > st->left)
				n = (size_t)st->left;
			cur_skip(c, n);
			st->left -= n;
			if (st->left == 0)
				st->state = CH_DATA_CR;
			continue;
		}
		int rc = chunk_byte(st, cur_u8(c));
		if (rc)
			return rc;
	}
	return 0;
}
