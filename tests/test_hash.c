/* hash: bytes at any alignment and of any length, the length part of the
 * hash, spread of the low bits over a power-of-two table for keys as alike
 * as a benchmark's (consecutive addresses and ports), avalanche, and no
 * 64-bit collisions among a million such keys; the same of the wide step
 * (hash_bytes_wide) and of the frame step (hash_bytes_frame) over frames. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "common/hash.h"

static uint64_t of(const void *p, size_t n) { return hash_end(hash_bytes(HASH_SEED, p, n)); }

static void test_bytes_alignment_and_length(void **st)
{
	(void)st;
	const char text[] = "www.example.com.with.a.longer.name";
	uint8_t buf[64 + 8];
	for (size_t n = 0; n <= sizeof text - 1; n++) {
		uint64_t h = of(text, n);
		for (size_t off = 1; off < 8; off++) {	/* unaligned copies hash alike */
			memcpy(buf + off, text, n);
			assert_true(of(buf + off, n) == h);
		}
		if (n)				/* every length differs from the one before */
			assert_true(h != of(text, n - 1));
	}
	/* the length counts, not just the bytes: runs of one byte, zero bytes */
	const uint8_t a[16] = "aaaaaaaaaaaaaaaa", z[16] = { 0 };
	for (size_t n = 1; n < 16; n++) {
		assert_true(of(a, n) != of(a, n + 1));
		assert_true(of(z, n) != of(z, n + 1));
	}
	assert_true(of(z, 0) != of(z, 1));
	/* every byte of a short or odd-sized key counts */
	for (size_t n = 1; n <= 16; n++)
		for (size_t i = 0; i < n; i++) {
			uint8_t k[16] = { 0 };
			k[i] = 1;
			assert_true(of(k, n) != of(z, n));
		}
}

/* An IPv4 client address and port, as the tables' keys are built. */
static uint64_t endpoint_key(uint32_t addr, uint16_t port)
{
	uint8_t b[4];
	memcpy(b, &addr, 4);
	uint64_t h = hash_bytes(HASH_SEED, b, 4);
	return hash_end(hash_word(h, port));
}

/* 65536 consecutive client ports from 16 consecutive addresses into 4096
 * buckets (the low 12 bits): loads close to a uniform hash's. */
static void test_low_bits_spread(void **st)
{
	(void)st;
	enum { NB = 4096, N = 1 << 16 };
	static unsigned load[NB];
	memset(load, 0, sizeof load);
	for (uint32_t i = 0; i < N; i++)
		load[endpoint_key(0x0a000001u + (i >> 12), (uint16_t)(32768 + (i & 4095))) & (NB - 1)]++;
	double mean = (double)N / NB, chi2 = 0;
	unsigned max = 0;
	for (unsigned b = 0; b < NB; b++) {
		chi2 += (load[b] - mean) * (load[b] - mean) / mean;
		if (load[b] > max)
			max = load[b];
	}
	/* uniform: chi2 ~ NB - 1 +- sqrt(2 (NB - 1)) = 4095 +- 90; max ~ 32 */
	assert_true(chi2 < NB + 6 * 90);
	assert_true(max < 40);
}

/* One input bit flipped changes each output bit about half the time. */
static void test_avalanche(void **st)
{
	(void)st;
	unsigned flips[64] = { 0 }, trials = 0;
	for (uint64_t k = 1; k <= 200; k++)
		for (unsigned bit = 0; bit < 64; bit++, trials++) {
			uint64_t d = hash_end(hash_word(HASH_SEED, k)) ^
				     hash_end(hash_word(HASH_SEED, k ^ 1ull << bit));
			for (unsigned o = 0; o < 64; o++)
				flips[o] += d >> o & 1;
		}
	for (unsigned o = 0; o < 64; o++) {
		double p = (double)flips[o] / trials;
		assert_true(p > 0.45 && p < 0.55);
	}
}

static int cmp64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static void test_no_collisions(void **st)
{
	(void)st;
	enum { N = 1 << 20 };
	uint64_t *h = malloc(N * sizeof *h);
	assert_non_null(h);
	for (uint32_t i = 0; i < N; i++)
		h[i] = endpoint_key(0x0a000000u + (i >> 16), (uint16_t)i);
	qsort(h, N, sizeof *h, cmp64);
	for (uint32_t i = 1; i < N; i++)
		assert_true(h[i] != h[i - 1]);
	free(h);
}

static uint64_t wide(const void *p, size_t n) { return hash_bytes_wide(HASH_SEED, p, n); }

/* The wide step: unaligned copies alike, every length and every bit of
 * every byte counted (lengths across the 8- and 16-byte steps and tails). */
static void test_wide_bytes(void **st)
{
	(void)st;
	uint8_t k[64], buf[64 + 8];
	for (size_t i = 0; i < sizeof k; i++)
		k[i] = (uint8_t)(i * 37 + 11);
	for (size_t n = 0; n <= sizeof k; n++) {
		uint64_t h = wide(k, n);
		for (size_t off = 1; off < 8; off++) {
			memcpy(buf + off, k, n);
			assert_true(wide(buf + off, n) == h);
		}
		if (n)
			assert_true(h != wide(k, n - 1));
		for (size_t i = 0; i < n; i++)
			for (unsigned bit = 0; bit < 8; bit++) {
				k[i] ^= (uint8_t)(1u << bit);
				assert_true(wide(k, n) != h);
				k[i] ^= (uint8_t)(1u << bit);
			}
	}
	const uint8_t z[32] = { 0 };
	for (size_t n = 0; n < sizeof z; n++)
		assert_true(wide(z, n) != wide(z, n + 1));
}

/* No 64-bit collisions among a million frames as alike as a DNS
 * benchmark's: 80 bytes, differing in a 16-bit id and a letter of the name. */
static void test_wide_no_collisions(void **st)
{
	(void)st;
	enum { N = 1 << 20 };
	uint64_t *h = malloc(N * sizeof *h);
	assert_non_null(h);
	uint8_t f[80];
	for (size_t i = 0; i < sizeof f; i++)
		f[i] = (uint8_t)i;
	for (uint32_t i = 0; i < N; i++) {
		f[42] = (uint8_t)(i >> 8), f[43] = (uint8_t)i;	/* the DNS id */
		f[60] = (uint8_t)('a' + (i >> 16));		/* 16 names */
		h[i] = wide(f, sizeof f);
	}
	qsort(h, N, sizeof *h, cmp64);
	for (uint32_t i = 1; i < N; i++)
		assert_true(h[i] != h[i - 1]);
	free(h);
}

static uint64_t frame(const void *p, size_t n) { return hash_bytes_frame(HASH_SEED, p, n); }

/* The frame step (two lanes, the last 32 bytes one fixed step): as the
 * wide step, every length and every bit of every byte counted, lengths
 * across one, two and three loop turns and the overlapping tail. */
static void test_frame_bytes(void **st)
{
	(void)st;
	uint8_t k[160], buf[160 + 8];
	for (size_t i = 0; i < sizeof k; i++)
		k[i] = (uint8_t)(i * 37 + 11);
	for (size_t n = 0; n <= sizeof k; n++) {
		uint64_t h = frame(k, n);
		for (size_t off = 1; off < 8; off++) {
			memcpy(buf + off, k, n);
			assert_true(frame(buf + off, n) == h);
		}
		if (n)
			assert_true(h != frame(k, n - 1));
		if (n <= 32)
			assert_true(h == wide(k, n));
		for (size_t i = 0; i < n; i++)
			for (unsigned bit = 0; bit < 8; bit++) {
				k[i] ^= (uint8_t)(1u << bit);
				assert_true(frame(k, n) != h);
				k[i] ^= (uint8_t)(1u << bit);
			}
	}
	const uint8_t z[128] = { 0 };
	for (size_t n = 0; n < sizeof z; n++)
		assert_true(frame(z, n) != frame(z, n + 1));
}

/* No 64-bit collisions among a million frames as alike as a DNS
 * benchmark's, at the sizes of its queries and answers (75 and 91 bytes). */
static void test_frame_no_collisions(void **st)
{
	(void)st;
	enum { N = 1 << 20 };
	uint64_t *h = malloc(N * sizeof *h);
	assert_non_null(h);
	uint8_t f[91];
	for (size_t i = 0; i < sizeof f; i++)
		f[i] = (uint8_t)i;
	for (size_t len = 75; len <= 91; len += 16) {
		for (uint32_t i = 0; i < N; i++) {
			f[42] = (uint8_t)(i >> 8), f[43] = (uint8_t)i;	/* the DNS id */
			f[60] = (uint8_t)('a' + (i >> 16));		/* 16 names */
			h[i] = frame(f, len);
		}
		qsort(h, N, sizeof *h, cmp64);
		for (uint32_t i = 1; i < N; i++)
			assert_true(h[i] != h[i - 1]);
	}
	free(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bytes_alignment_and_length),
		cmocka_unit_test(test_low_bits_spread),
		cmocka_unit_test(test_avalanche),
		cmocka_unit_test(test_no_collisions),
		cmocka_unit_test(test_wide_bytes),
		cmocka_unit_test(test_wide_no_collisions),
		cmocka_unit_test(test_frame_bytes),
		cmocka_unit_test(test_frame_no_collisions),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
