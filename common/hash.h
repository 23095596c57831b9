/* The one hash of hoplat's tables and packet fingerprints: 64-bit words
 * folded in one at a time by a multiply and a rotation, then a finaliser.
 *
 *   uint64_t h = hash_word(HASH_SEED, a);
 *   h = hash_bytes(h, name, len);
 *   h = hash_end(h);		(before using any of its bits)
 *
 * Each step is a bijection of the state for a given word (xor, multiply by
 * an odd constant, rotate), so two keys of the same shape that differ in one
 * word never collide; the finaliser (Stafford's variant 13 of MurmurHash3's,
 * as in splitmix64) makes every output bit depend on every input bit, low
 * bits included, which is what a power-of-two table indexes with. Bytes are
 * read 8 at a time through memcpy: no unaligned loads, any buffer. Not a
 * defence against chosen collisions: tables bound their chains by their
 * size, not by the hash. */
#ifndef HOPLAT_HASH_H
#define HOPLAT_HASH_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define HASH_SEED 0x686f706c6174ull	/* "hoplat" */

static inline uint64_t hash_word(uint64_t h, uint64_t w)
{
	h = (h ^ w) * 0x9e3779b97f4a7c15ull;
	return h << 31 | h >> 33;	/* the product's mixed high bits meet the next word */
}

static inline uint64_t hash_end(uint64_t h)
{
	h ^= h >> 30;
	h *= 0xbf58476d1ce4e5b9ull;
	h ^= h >> 27;
	h *= 0x94d049bb133111ebull;
	return h ^ (h >> 31);
}

static inline uint64_t hash_load64(const uint8_t *b)
{
	uint64_t v;
	memcpy(&v, b, 8);
	return v;
}

static inline uint64_t hash_load32(const uint8_t *b)
{
	uint32_t v;
	memcpy(&v, b, 4);
	return v;
}

/* n bytes at p, n folded in first (so "a" and "aa" differ). The last 1..8
 * bytes are read as one word with overlapping fixed-size loads (as wyhash
 * does), so no byte-at-a-time loop and no variable-length copy. */
static inline uint64_t hash_bytes(uint64_t h, const void *p, size_t n)
{
	const uint8_t *b = p;
	uint64_t w = 0;
	h = hash_word(h, n);
	if (n > 8) {
		for (; n > 8; b += 8, n -= 8)
			h = hash_word(h, hash_load64(b));
		w = hash_load64(b + n - 8);	/* the last 8, partly hashed already */
	} else if (n >= 4) {
		w = hash_load32(b) << 32 | hash_load32(b + n - 4);
	} else if (n) {
		w = (uint64_t)b[0] << 16 | (uint64_t)b[n / 2] << 8 | b[n - 1];
	}
	return hash_word(h, w);
}

/* ---- the wide step: 16 bytes per multiply, for hashes only compared ----
 *
 *   uint64_t h = hash_bytes_wide(HASH_SEED, frame, len);
 *
 * Two words per step, each xored with a constant or the state, multiplied
 * into 128 bits whose halves are folded (wyhash's "mum"): half the steps of
 * hash_bytes, for long inputs whose hash is only tested for equality (the
 * input guard's frames: ~80 bytes a packet). Not a drop-in for hash_bytes:
 * other values, no finaliser needed for equality, and a step whose word
 * equals its constant multiplies by zero (what came before is lost), so two
 * inputs built for it collide; captured frames meet that with a chance of
 * 2^-64 a word. */
#define HASH_WIDE_K0 0xa0761d6478bd642full	/* wyhash's constants */
#define HASH_WIDE_K1 0xe7037ed1a0b428dbull

static inline uint64_t hash_mum(uint64_t a, uint64_t b)
{
	unsigned __int128 r = (unsigned __int128)a * b;
	return (uint64_t)r ^ (uint64_t)(r >> 64);
}

/* n bytes at p, n folded into the state first; the last 1..16 bytes read
 * with overlapping fixed-size loads, as in hash_bytes. */
static inline uint64_t hash_bytes_wide(uint64_t h, const void *p, size_t n)
{
	const uint8_t *b = p;
	uint64_t x = 0, y = 0;
	h ^= n * HASH_WIDE_K1;
	if (n > 16) {
		for (; n > 16; b += 16, n -= 16)
			h = hash_mum(hash_load64(b) ^ HASH_WIDE_K0, hash_load64(b + 8) ^ h);
		x = hash_load64(b + n - 16);	/* the last 16, partly hashed already */
		y = hash_load64(b + n - 8);
	} else if (n > 8) {
		x = hash_load64(b);
		y = hash_load64(b + n - 8);
	} else if (n >= 4) {
		x = hash_load32(b) << 32 | hash_load32(b + n - 4);
	} else if (n) {
		x = (uint64_t)b[0] << 16 | (uint64_t)b[n / 2] << 8 | b[n - 1];
	}
	return hash_mum(x ^ HASH_WIDE_K1, y ^ h);
}

/* ---- the frame step: two lanes of 16 bytes, 32 bytes per loop turn ----
 *
 *   uint64_t h = hash_bytes_frame(HASH_SEED, frame, len);
 *
 * hash_bytes_wide's step in two lanes, for the input guard's frames (only
 * compared): over 32 bytes, the loop takes 32 bytes a turn and the last 32
 * bytes (overlapping what was hashed, as the tails above) are one fixed
 * step, so every frame of 65..96 bytes (a DNS query's and answer's frames)
 * loops twice: a loop exit that is always predicted. hash_bytes_wide's loop
 * ran 4 or 5 times on 75- and 91-byte frames and its exit missed 0.6 times
 * a packet. The two lanes' multiplies do not wait for each other. Up to 32
 * bytes it is hash_bytes_wide; other values above (only equality counts). */
static inline uint64_t hash_bytes_frame(uint64_t h, const void *p, size_t n)
{
	const uint8_t *b = p;
	if (n <= 32)
		return hash_bytes_wide(h, p, n);
	const uint8_t *last = b + n - 32;
	uint64_t h0 = h ^ n * HASH_WIDE_K1, h1 = h0 ^ HASH_WIDE_K0;
	for (; b < last; b += 32) {
		h0 = hash_mum(hash_load64(b) ^ HASH_WIDE_K0, hash_load64(b + 8) ^ h0);
		h1 = hash_mum(hash_load64(b + 16) ^ HASH_WIDE_K1, hash_load64(b + 24) ^ h1);
	}
	/* the last 32: lane 0's step, then lane 1's with lane 0 folded in */
	h0 = hash_mum(hash_load64(last) ^ HASH_WIDE_K0, hash_load64(last + 8) ^ h0);
	return hash_mum(hash_load64(last + 16) ^ HASH_WIDE_K1, hash_load64(last + 24) ^ h1 ^ h0);
}

#endif
