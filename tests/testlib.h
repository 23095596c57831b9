/* Helpers shared by the cmocka tests. Header only: each test is built from
 * its one tests/test_*.c linked with the library objects. */
#ifndef HOPLAT_TESTLIB_H
#define HOPLAT_TESTLIB_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/types.h>
#include <unistd.h>

/* ---- a scratch directory per test: /tmp/<prefix>-XXXXXX ---- */

static char tl_tmpdir[64];

/* 0, or -1 when it cannot be made (a cmocka setup result). */
static inline int tl_tmpdir_make(const char *prefix)
{
	snprintf(tl_tmpdir, sizeof tl_tmpdir, "/tmp/%s-XXXXXX", prefix);
	return mkdtemp(tl_tmpdir) ? 0 : -1;
}

/* Removes it with everything in it: 0, or -1 (a cmocka teardown result). */
static inline int tl_tmpdir_remove(void)
{
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tl_tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

/* out = <scratch directory>/name */
static inline void tl_tmp_path(char *out, size_t n, const char *name)
{
	snprintf(out, n, "%s/%s", tl_tmpdir, name);
}

/* ---- a repeatable pseudo-random sequence (xorshift64) ---- */

/* A child that writes file into fifo (a FIFO's writer); tl_fed waits for it. */
static inline pid_t tl_feed(const char *file, const char *fifo)
{
	pid_t pid = fork();
	if (pid == 0) {
		char cmd[600];
		snprintf(cmd, sizeof cmd, "cat '%s' > '%s'", file, fifo);
		_exit(system(cmd) == 0 ? 0 : 1);
	}
	return pid;
}

static uint64_t tl_rng = 88172645463325252ull;

static inline uint64_t tl_rand(void)
{
	tl_rng ^= tl_rng << 13;
	tl_rng ^= tl_rng >> 7;
	tl_rng ^= tl_rng << 17;
	return tl_rng;
}

/* ---- the transactions a sink emitted, in order ----
 * Opt in with #define TL_TXNS <how many> before including this, after
 * cmocka.h and a header that declares struct txn; pass
 * (struct txn_sink){ collect, NULL } and read got[0..ngot). */
#ifdef TL_TXNS
static struct txn got[TL_TXNS];
static int ngot;

static void collect(void *ctx, const struct txn *t)
{
	(void)ctx;
	assert_true(ngot < TL_TXNS);
	got[ngot++] = *t;
}
#endif

/* ---- a report drawn into a string ----
 * Opt in with #define TL_RENDER before including this, after cmocka.h and
 * analysis/report/rpt.h: render(rpt_json, r) is what rpt_json wrote (the
 * caller frees it). */
#ifdef TL_RENDER
static char *render(int (*fn)(FILE *, const struct results *), const struct results *r)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_int_equal(fn(f, r), 0);
	fclose(f);
	return buf;
}
#endif

/* ---- DNS frames, as a capture would hold them ----
 * Opt in with #define TL_DNS_FRAMES before including this, after
 * decode/pkt.h. A query or response for "a.test" A over UDP/IPv4 with
 * the raw-IP link type: client 10.0.0.1:cport, server 10.0.0.53:53; the IP
 * ID follows the DNS id, so a frame is the same packet wherever it is fed. */
#ifdef TL_DNS_FRAMES
#include <string.h>

#define TL_DNS_FRAME_MAX 128

static inline size_t tl_put16(uint8_t *b, size_t o, unsigned v)
{
	b[o] = (uint8_t)(v >> 8);
	b[o + 1] = (uint8_t)v;
	return o + 2;
}

static inline size_t tl_dns_msg(uint8_t *b, uint16_t id, int response)
{
	static const uint8_t name[] = "\1a\4test";
	size_t o = tl_put16(b, 0, id);
	o = tl_put16(b, o, response ? 0x8180 : 0x0100);
	o = tl_put16(b, o, 1);
	o = tl_put16(b, o, response ? 1 : 0);
	o = tl_put16(b, tl_put16(b, o, 0), 0);
	memcpy(b + o, name, sizeof name);
	o = tl_put16(b, tl_put16(b, o + sizeof name, 1), 1);
	if (response) {		/* a.test A 192.0.2.1, by a pointer to the question's name */
		o = tl_put16(b, tl_put16(b, tl_put16(b, o, 0xc00c), 1), 1);
		o = tl_put16(b, tl_put16(b, tl_put16(b, o, 0), 300), 4);
		b[o++] = 192, b[o++] = 0, b[o++] = 2, b[o++] = 1;
	}
	return o;
}

/* The frame into f (TL_DNS_FRAME_MAX bytes); its length. */
static inline size_t tl_dns_frame(uint8_t *f, uint16_t id, uint16_t cport, int response)
{
	static const uint8_t cli[4] = { 10, 0, 0, 1 }, srv[4] = { 10, 0, 0, 53 };
	size_t n = tl_dns_msg(f + 28, id, response);
	memset(f, 0, 28);
	f[0] = 0x45;
	tl_put16(f, 2, (unsigned)(28 + n));
	tl_put16(f, 4, (unsigned)(id * 2 + !!response));
	f[8] = 64, f[9] = 17;
	memcpy(f + 12, response ? srv : cli, 4);
	memcpy(f + 16, response ? cli : srv, 4);
	tl_put16(f, 20, response ? 53 : cport);
	tl_put16(f, 22, response ? cport : 53);
	tl_put16(f, 24, (unsigned)(8 + n));
	return 28 + n;
}

static inline struct pkt tl_pkt(const uint8_t *f, size_t n, uint64_t ts, uint8_t point)
{
	struct pkt p = { .ts_ns = ts, .caplen = (uint32_t)n, .wirelen = (uint32_t)n,
			 .linktype = LT_RAW, .point = point, .data = f };
	return p;
}
#endif

#endif
