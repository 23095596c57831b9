/* The one bounded cursor through which every wire byte is read.
 *
 * After the first overrun every read returns zero and `err` stays set, so a
 * parser reads a whole header and checks once at the end (Knot DNS wire_ctx).
 * Nothing else in hoplat does pointer arithmetic on packet bytes. */
#ifndef HOPLAT_CURSOR_H
#define HOPLAT_CURSOR_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <errno.h>
#include "common/hash.h"

struct cur {
	const uint8_t *base;
	size_t len;
	size_t pos;
	int err;		/* 0, or -ERANGE after the first overrun (sticky) */
};

static inline struct cur cur_make(const void *p, size_t n)
{
	struct cur c = { .base = p, .len = p ? n : 0, .pos = 0, .err = 0 };
	return c;
}

static inline size_t cur_left(const struct cur *c)
{
	return c->err ? 0 : c->len - c->pos;
}

static inline size_t cur_pos(const struct cur *c) { return c->pos; }
static inline int cur_ok(const struct cur *c) { return c->err == 0; }

/* True when n more bytes are there; otherwise sets the sticky error. */
static inline int cur_need(struct cur *c, size_t n)
{
	if (c->err || n > c->len - c->pos) {
		c->err = -ERANGE;
		return 0;
	}
	return 1;
}

static inline uint8_t cur_u8(struct cur *c)
{
	if (!cur_need(c, 1))
		return 0;
	return c->base[c->pos++];
}

static inline uint16_t cur_be16(struct cur *c)
{
	if (!cur_need(c, 2))
		return 0;
	uint16_t v = (uint16_t)(c->base[c->pos] << 8 | c->base[c->pos + 1]);
	c->pos += 2;
	return v;
}

static inline uint32_t cur_be32(struct cur *c)
{
	if (!cur_need(c, 4))	/* all or nothing: no half-read value */
		return 0;
	const uint8_t *b = c->base + c->pos;
	c->pos += 4;
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

static inline uint16_t cur_le16(struct cur *c)
{
	if (!cur_need(c, 2))
		return 0;
	uint16_t v = (uint16_t)(c->base[c->pos] | c->base[c->pos + 1] << 8);
	c->pos += 2;
	return v;
}

static inline uint32_t cur_le32(struct cur *c)
{
	if (!cur_need(c, 4))
		return 0;
	const uint8_t *b = c->base + c->pos;
	c->pos += 4;
	return b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

static inline uint64_t cur_le64(struct cur *c)
{
	if (!cur_need(c, 8))
		return 0;
	uint64_t lo = cur_le32(c);	/* checked once above: these cannot fail */
	return lo | (uint64_t)cur_le32(c) << 32;
}

/* ---- fixed-size headers: one bounds check, then reads at offsets ----
 *
 *   struct cur_fix h;
 *   cur_fixed(c, 20, &h);            steps over 20 bytes (or sets the error)
 *   uint16_t len = fix_be16(h, 2);   offset 2 of those 20, unchecked
 *   if (!cur_ok(c)) ...               one check for the whole header
 *
 * After an overrun h reads zeros, like every read after the first overrun.
 * Offsets are constants inside the size given to cur_fixed (at most
 * CUR_FIX_MAX); a read past it returns 0 (the check folds away when both
 * are constants, as they are in every header decoder). */
#define CUR_FIX_MAX 64

struct cur_fix {
	const uint8_t *p;
	size_t n;
};

static inline int cur_fixed(struct cur *c, size_t n, struct cur_fix *h)
{
	static const uint8_t zeros[CUR_FIX_MAX];
	if (n > CUR_FIX_MAX || !cur_need(c, n)) {
		c->err = -ERANGE;
		h->p = zeros;	/* the same size either way: the offset checks fold away */
		h->n = n > CUR_FIX_MAX ? 0 : n;
		return 0;
	}
	h->p = c->base + c->pos;
	h->n = n;
	c->pos += n;
	return 1;
}

/* cur_fixed for a length found at run time, of any size (a DNS name found
 * by a walk of a cur_window, and what follows it): the same checked reads
 * at offsets. On overrun h holds no bytes at all. */
static inline int cur_span(struct cur *c, size_t n, struct cur_fix *h)
{
	static const uint8_t none[1];
	if (!cur_need(c, n)) {
		h->p = none;
		h->n = 0;
		return 0;
	}
	h->p = c->base + c->pos;
	h->n = n;
	c->pos += n;
	return 1;
}

static inline uint8_t fix_u8(const struct cur_fix *h, size_t off)
{
	return off < h->n ? h->p[off] : 0;
}

static inline uint16_t fix_be16(const struct cur_fix *h, size_t off)
{
	return off + 2 <= h->n ? (uint16_t)(h->p[off] << 8 | h->p[off + 1]) : 0;
}

static inline uint32_t fix_be32(const struct cur_fix *h, size_t off)
{
	if (off + 4 > h->n)
		return 0;
	const uint8_t *b = h->p + off;
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

/* 8 bytes at off as one word in memory order (host byte order, as memcpy
 * reads them), for scans a word at a time; 0 when they are not inside. */
static inline uint64_t fix_word(const struct cur_fix *h, size_t off)
{
	uint64_t v = 0;
	if (off + 8 <= h->n)
		memcpy(&v, h->p + off, 8);
	return v;
}

/* Up to max of the next bytes as a header to read at offsets, without
 * moving: for what is walked before its length is known (a DNS name's
 * labels), then stepped over (cur_skip, cur_span). Fewer bytes when fewer are
 * there, none after an error; offsets may vary (each read is checked). */
static inline void cur_window(const struct cur *c, size_t max, struct cur_fix *h)
{
	static const uint8_t none[1];
	size_t left = cur_left(c);
	h->p = left ? c->base + c->pos : none;	/* an empty cursor's base may be NULL */
	h->n = left < max ? left : max;
}

/* n bytes at off into dst (zeros when they are not inside the header). */
static inline void fix_copy(const struct cur_fix *h, size_t off, void *dst, size_t n)
{
	if (off + n <= h->n)
		memcpy(dst, h->p + off, n);
	else
		memset(dst, 0, n);
}

static inline void cur_skip(struct cur *c, size_t n)
{
	if (cur_need(c, n))
		c->pos += n;
}

/* Copies n bytes out; on overrun the destination is zeroed. */
static inline void cur_copy(struct cur *c, void *dst, size_t n)
{
	if (!cur_need(c, n)) {
		memset(dst, 0, n);
		return;
	}
	if (n)	/* an empty cursor's base may be NULL */
		memcpy(dst, c->base + c->pos, n);
	c->pos += n;
}

/* A cursor over the next n bytes, which this one steps past. */
static inline struct cur cur_take(struct cur *c, size_t n)
{
	struct cur sub = { 0 };
	if (!cur_need(c, n)) {
		sub.err = -ERANGE;
		return sub;
	}
	sub = cur_make(c->base + c->pos, n);
	c->pos += n;
	return sub;
}

/* Like cur_take but never an error: at most n bytes, fewer when the capture
 * was cut short (snaplen). */
static inline struct cur cur_take_upto(struct cur *c, size_t n)
{
	size_t left = cur_left(c);
	return cur_take(c, n < left ? n : left);
}

/* The rest of the bytes as a cursor of their own; this one is left at the end. */
static inline struct cur cur_rest(struct cur *c)
{
	return cur_take(c, cur_left(c));
}

/* The rest of the bytes as a cursor of their own, this one not moved:
 * what cur_rest gives on a copy, without the copy. */
static inline struct cur cur_view(const struct cur *c)
{
	if (c->err) {
		struct cur bad = { .err = -ERANGE };
		return bad;
	}
	return cur_make(c->base + c->pos, c->len - c->pos);
}

/* Absolute positioning (DNS compression pointers); past the end is an error. */
static inline void cur_seek(struct cur *c, size_t pos)
{
	if (c->err || pos > c->len)
		c->err = -ERANGE;
	else
		c->pos = pos;
}

/* Byte at offset off from the current position, without moving; 0 if absent. */
static inline uint8_t cur_peek(const struct cur *c, size_t off)
{
	if (c->err || off >= c->len - c->pos)
		return 0;
	return c->base[c->pos + off];
}

/* Offset of the first byte equal to b from the current position, or -1. */
static inline long cur_find(const struct cur *c, uint8_t b)
{
	if (c->err || c->pos == c->len)
		return -1;
	const uint8_t *hit = memchr(c->base + c->pos, b, c->len - c->pos);
	return hit ? (long)(hit - (c->base + c->pos)) : -1;
}

/* Do the next n bytes equal s (case-insensitive when ci)? Never moves. */
static inline int cur_starts(const struct cur *c, const char *s, size_t n, int ci)
{
	if (c->err || n > c->len - c->pos)
		return 0;
	if (!ci)
		return memcmp(c->base + c->pos, s, n) == 0;
	for (size_t i = 0; i < n; i++) {
		uint8_t a = c->base[c->pos + i], b = (uint8_t)s[i];
		if (a >= 'A' && a <= 'Z') a += 32;
		if (b >= 'A' && b <= 'Z') b += 32;
		if (a != b)
			return 0;
	}
	return 1;
}

/* The hash (common/hash.h, not finalised) of up to n of the next bytes,
 * without moving (packet fingerprints). */
static inline uint64_t cur_hash(const struct cur *c, size_t n)
{
	size_t left = cur_left(c);
	if (!left)
		return hash_bytes(HASH_SEED, "", 0);	/* base may be NULL */
	return hash_bytes(HASH_SEED, c->base + c->pos, n < left ? n : left);
}

/* The same with hash_bytes_frame (two lanes, a fixed loop count for frames
 * of 65..96 bytes): what the input guard uses. */
static inline uint64_t cur_hash_frame(const struct cur *c, size_t n)
{
	size_t left = cur_left(c);
	if (!left)
		return hash_bytes_frame(HASH_SEED, "", 0);	/* base may be NULL */
	return hash_bytes_frame(HASH_SEED, c->base + c->pos, n < left ? n : left);
}

/* Copies up to cap-1 of the next bytes into a C string, without moving. */
static inline size_t cur_peek_str(const struct cur *c, char *dst, size_t cap)
{
	size_t n = cur_left(c);
	if (cap == 0)
		return 0;
	if (n > cap - 1)
		n = cap - 1;
	if (n)
		memcpy(dst, c->base + c->pos, n);
	dst[n] = 0;
	return n;
}

/* The next kind-length option of an IPv4 or TCP option area: 1 with *kind and
 * *val (its value bytes), 0 at the end (EOL or no bytes left), -1 when an
 * option's length is under 2 or runs past the area. NOPs are stepped over. */
static inline int cur_opt_next(struct cur *opt, uint8_t *kind, struct cur *val)
{
	while (cur_left(opt)) {
		*kind = cur_u8(opt);
		if (*kind == 0)
			return 0;
		if (*kind == 1)
			continue;
		uint8_t len = cur_u8(opt);
		if (!cur_ok(opt) || len < 2 || len - 2u > cur_left(opt))
			return -1;
		*val = cur_take(opt, len - 2u);
		return 1;
	}
	return 0;
}

#endif
