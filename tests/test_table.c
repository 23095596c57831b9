/* table: sizing, add/find/del, chains under collisions, age order, the
 * order free entries come back in, and random operations against a plain
 * model (arrays scanned in full). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <errno.h>
#include <cmocka.h>
#include "common/table.h"
#include "common/hash.h"
#include "tests/testlib.h"

static uint64_t key_hash(uint64_t k) { return hash_end(hash_word(HASH_SEED, k)); }

/* The entry with key k, walking its chain as a table's user does. */
static uint32_t find(const struct tbl *t, const uint64_t *keys, uint64_t h, uint64_t k)
{
	uint32_t i;
	for (i = tbl_first(t, h); i != TBL_NONE; i = tbl_next(t, i))
		if (keys[i] == k)
			break;
	return i;
}

static void test_pow2_sizing(void **st)
{
	(void)st;
	assert_int_equal(tbl_pow2(0), 1);
	assert_int_equal(tbl_pow2(1), 1);
	assert_int_equal(tbl_pow2(3), 4);
	assert_int_equal(tbl_pow2(16), 16);
	assert_int_equal(tbl_pow2(17), 32);
	assert_int_equal(tbl_pow2(1u << 31), 1u << 31);
	struct tbl t;
	uint32_t caps[] = { 1, 5, 8, 9, 1000 }, buckets[] = { 2, 16, 16, 32, 2048 };
	for (unsigned k = 0; k < 5; k++) {
		assert_int_equal(tbl_init(&t, caps[k]), 0);
		assert_int_equal(t.mask + 1, buckets[k]);	/* >= 2 per entry, a power of two */
		assert_int_equal(t.cap, caps[k]);
		tbl_fini(&t);
	}
	assert_int_equal(tbl_init(&t, 0), -EINVAL);
	tbl_fini(&t);
	assert_int_equal(tbl_init(&t, TBL_MAX_CAP + 1), -EINVAL);
	tbl_fini(&t);
}

static void test_add_find_del(void **st)
{
	(void)st;
	struct tbl t;
	uint64_t keys[100];
	assert_int_equal(tbl_init(&t, 100), 0);
	for (uint64_t k = 0; k < 100; k++) {
		uint32_t i = tbl_add(&t, key_hash(k), 0);
		assert_int_equal(i, k);		/* fresh entries: lowest index first */
		keys[i] = k;
	}
	assert_true(tbl_full(&t));
	assert_int_equal(tbl_add(&t, key_hash(100), 0), TBL_NONE);
	for (uint64_t k = 0; k < 100; k++)
		assert_int_equal(find(&t, keys, key_hash(k), k), k);
	for (uint64_t k = 0; k < 100; k += 2)
		tbl_del(&t, (uint32_t)k);
	assert_int_equal(tbl_used(&t), 50);
	for (uint64_t k = 0; k < 100; k++)
		assert_int_equal(find(&t, keys, key_hash(k), k), k % 2 ? (uint32_t)k : TBL_NONE);
	tbl_fini(&t);
}

/* Entries of one hash share a chain, newest first; an entry of another hash
 * in the same bucket is skipped by the walk, and deletions anywhere in a
 * chain keep the rest. */
static void test_chains_under_collisions(void **st)
{
	(void)st;
	struct tbl t;
	assert_int_equal(tbl_init(&t, 8), 0);
	uint64_t h = 0x1234, other = h + t.mask + 1;	/* same bucket, another hash */
	uint32_t a = tbl_add(&t, h, 0), x = tbl_add(&t, other, 0);
	uint32_t b = tbl_add(&t, h, 0), c = tbl_add(&t, h, 0);
	assert_int_equal(tbl_first(&t, h), c);
	assert_int_equal(tbl_next(&t, c), b);
	assert_int_equal(tbl_next(&t, b), a);
	assert_int_equal(tbl_next(&t, a), TBL_NONE);
	assert_int_equal(tbl_first(&t, other), x);
	assert_int_equal(tbl_next(&t, x), TBL_NONE);
	assert_int_equal(tbl_first(&t, h + 1), TBL_NONE);
	tbl_del(&t, b);			/* the middle */
	assert_int_equal(tbl_first(&t, h), c);
	assert_int_equal(tbl_next(&t, c), a);
	tbl_del(&t, c);			/* the head */
	assert_int_equal(tbl_first(&t, h), a);
	tbl_del(&t, a);			/* the tail */
	assert_int_equal(tbl_first(&t, h), TBL_NONE);
	assert_int_equal(tbl_first(&t, other), x);
	/* the upper 32 bits play no part: two hashes that differ only there are one */
	assert_int_equal(tbl_first(&t, other | 1ull << 40), x);
	tbl_fini(&t);
}

static void expect_list(const struct tbl *t, unsigned list, const uint32_t *want, unsigned n)
{
	uint32_t i = tbl_oldest(t, list);
	for (unsigned k = 0; k < n; k++) {
		assert_int_equal(i, want[k]);
		assert_int_equal(tbl_list(t, i), list);
		i = t->age[i].newer - 1;
	}
	assert_int_equal(i, TBL_NONE);
}

static void test_age_order(void **st)
{
	(void)st;
	struct tbl t;
	assert_int_equal(tbl_init(&t, 8), 0);
	uint32_t a = tbl_add(&t, 1, 0), b = tbl_add(&t, 2, 0), c = tbl_add(&t, 3, 0);
	expect_list(&t, 0, (uint32_t[]){ a, b, c }, 3);
	tbl_touch(&t, a);
	expect_list(&t, 0, (uint32_t[]){ b, c, a }, 3);
	tbl_touch(&t, a);		/* already the newest */
	expect_list(&t, 0, (uint32_t[]){ b, c, a }, 3);
	tbl_move(&t, c, 2);
	expect_list(&t, 0, (uint32_t[]){ b, a }, 2);
	expect_list(&t, 2, (uint32_t[]){ c }, 1);
	uint32_t d = tbl_add(&t, 4, 2);
	expect_list(&t, 2, (uint32_t[]){ c, d }, 2);
	tbl_touch(&t, c);
	expect_list(&t, 2, (uint32_t[]){ d, c }, 2);
	tbl_del(&t, b);
	expect_list(&t, 0, (uint32_t[]){ a }, 1);
	expect_list(&t, 1, NULL, 0);
	/* expiry: the oldest first, until the list is empty */
	uint32_t i, n = 0;
	while ((i = tbl_oldest(&t, 2)) != TBL_NONE) {
		assert_int_equal(i, n ? c : d);
		tbl_del(&t, i);
		n++;
	}
	assert_int_equal(n, 2);
	assert_int_equal(tbl_used(&t), 1);
	tbl_fini(&t);
}

/* Full: the caller recycles the oldest; the entry it released is the one
 * handed out next (the last released first). */
static void test_recycle_when_full(void **st)
{
	(void)st;
	struct tbl t;
	uint64_t keys[4];
	assert_int_equal(tbl_init(&t, 4), 0);
	for (uint64_t k = 0; k < 4; k++)
		keys[tbl_add(&t, key_hash(k), 0)] = k;
	tbl_touch(&t, 0);		/* key 0 is now the newest */
	const uint64_t evicted[] = { 1, 2, 3, 0, 4, 5, 6, 7 };
	for (uint64_t k = 4; k < 12; k++) {
		assert_int_equal(tbl_add(&t, key_hash(k), 0), TBL_NONE);
		uint32_t old = tbl_oldest(&t, 0);
		assert_int_equal(keys[old], evicted[k - 4]);
		tbl_del(&t, old);
		uint32_t i = tbl_add(&t, key_hash(k), 0);
		assert_int_equal(i, old);
		keys[i] = k;
	}
	/* the four newest keys are left, the rest went oldest first */
	for (uint64_t k = 0; k < 12; k++)
		assert_int_equal(find(&t, keys, key_hash(k), k) != TBL_NONE, k >= 8);
	/* released out of order: handed back last released first */
	tbl_del(&t, 2);
	tbl_del(&t, 0);
	assert_int_equal(tbl_add(&t, 7, 1), 0);
	assert_int_equal(tbl_add(&t, 7, 1), 2);
	tbl_fini(&t);
}

/* Random adds, touches, moves and deletions with few distinct hashes (long
 * chains) against a model: the live keys with their list and age stamp. */
#define M_CAP 64
struct model {
	uint8_t live[M_CAP], list[M_CAP];
	uint64_t key[M_CAP], stamp[M_CAP];
};

static uint64_t small_hash(uint64_t k) { return k % 5; }	/* 5 chains, all collide */

static void model_check(const struct tbl *t, const struct model *m)
{
	unsigned used = 0;
	for (uint32_t i = 0; i < M_CAP; i++) {
		if (!m->live[i])
			continue;
		used++;
		assert_int_equal(find(t, m->key, small_hash(m->key[i]), m->key[i]), i);
		assert_int_equal(tbl_list(t, i), m->list[i]);
	}
	assert_int_equal(tbl_used(t), used);
	for (unsigned l = 0; l < 3; l++) {
		uint64_t prev = 0;
		unsigned n = 0;
		for (uint32_t i = tbl_oldest(t, l); i != TBL_NONE; i = t->age[i].newer - 1, n++) {
			assert_true(m->live[i] && m->list[i] == l);
			assert_true(m->stamp[i] > prev);	/* oldest first */
			prev = m->stamp[i];
		}
		unsigned want = 0;
		for (uint32_t i = 0; i < M_CAP; i++)
			want += m->live[i] && m->list[i] == l;
		assert_int_equal(n, want);
	}
}

static void test_random_vs_model(void **st)
{
	(void)st;
	struct tbl t;
	struct model m;
	memset(&m, 0, sizeof m);
	assert_int_equal(tbl_init(&t, M_CAP), 0);
	uint64_t now = 0, next_key = 1;
	for (unsigned step = 0; step < 20000; step++) {
		uint32_t i = (uint32_t)(tl_rand() % M_CAP);
		unsigned op = (unsigned)(tl_rand() % 4), l = (unsigned)(tl_rand() % 3);
		if (!m.live[i] && !tbl_full(&t)) {
			uint64_t k = next_key++;
			i = tbl_add(&t, small_hash(k), l);
			assert_true(i < M_CAP && !m.live[i]);
			m.live[i] = 1, m.key[i] = k, m.list[i] = (uint8_t)l, m.stamp[i] = ++now;
		} else if (m.live[i] && op == 0) {
			tbl_del(&t, i);
			m.live[i] = 0;
		} else if (m.live[i] && op == 1) {
			tbl_move(&t, i, l);
			m.list[i] = (uint8_t)l, m.stamp[i] = ++now;
		} else if (m.live[i]) {
			tbl_touch(&t, i);
			m.stamp[i] = ++now;
		}
		if (step % 97 == 0)
			model_check(&t, &m);
	}
	model_check(&t, &m);
	tbl_fini(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pow2_sizing),
		cmocka_unit_test(test_add_find_del),
		cmocka_unit_test(test_chains_under_collisions),
		cmocka_unit_test(test_age_order),
		cmocka_unit_test(test_recycle_when_full),
		cmocka_unit_test(test_random_vs_model),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
