/* Helpers shared by the cmocka tests. Header only: each test is built from
 * its one tests/test_*.c linked with the library objects. */
#ifndef HOPLAT_TESTLIB_H
#define HOPLAT_TESTLIB_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

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

#endif
