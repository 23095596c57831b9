/* The bounded cursor: reads, the sticky error, sub-cursors, snaplen-safe
 * takes, seeks, peeks and finds, each also at the very edge of its buffer. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "decode/cursor.h"

static const uint8_t bytes[] = { 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0, 0x11 };

static void test_reads(void **state)
{
	(void)state;
	struct cur c = cur_make(bytes, sizeof bytes);
	assert_int_equal(cur_u8(&c), 0x12);
	assert_int_equal(cur_be16(&c), 0x3456);
	assert_int_equal(cur_le16(&c), 0x9a78);
	assert_int_equal(cur_left(&c), 4);
	c = cur_make(bytes, sizeof bytes);
	assert_int_equal(cur_be32(&c), 0x12345678u);
	assert_int_equal(cur_le32(&c), 0xf0debc9au);
	assert_true(cur_ok(&c));
	c = cur_make(bytes, sizeof bytes);
	assert_true(cur_le64(&c) == 0xf0debc9a78563412ull);
}

/* The first overrun sets the error; every later read returns 0 and the
 * position never moves past the end. */
static void test_sticky(void **state)
{
	(void)state;
	struct cur c = cur_make(bytes, 3);
	assert_int_equal(cur_be16(&c), 0x1234);
	assert_int_equal(cur_be16(&c), 0);	/* 1 byte left: overrun */
	assert_false(cur_ok(&c));
	assert_int_equal(cur_u8(&c), 0);	/* the byte is there, but the error sticks */
	assert_int_equal(cur_left(&c), 0);
	assert_true(cur_pos(&c) <= 3);
	uint8_t d[4] = { 1, 2, 3, 4 };
	cur_copy(&c, d, 4);
	assert_int_equal(d[0] | d[1] | d[2] | d[3], 0);
}

/* A fixed header: one check for all of it, reads at offsets; cut short, it
 * reads zeros, sets the sticky error and does not move. */
static void test_fixed(void **state)
{
	(void)state;
	struct cur c = cur_make(bytes, sizeof bytes);
	struct cur_fix h;
	assert_true(cur_fixed(&c, 8, &h));
	assert_int_equal(cur_pos(&c), 8);
	assert_int_equal(fix_u8(&h, 7), 0xf0);
	assert_int_equal(fix_be16(&h, 1), 0x3456);
	assert_int_equal(fix_be32(&h, 4), 0x9abcdef0u);
	assert_int_equal(fix_be32(&h, 5), 0);	/* past the 8 checked */
	uint8_t d[4];
	fix_copy(&h, 0, d, 4);
	assert_memory_equal(d, bytes, 4);
	assert_false(cur_fixed(&c, 2, &h));	/* 1 byte left */
	assert_false(cur_ok(&c));
	assert_int_equal(cur_pos(&c), 8);
	assert_int_equal(fix_u8(&h, 0) | fix_be16(&h, 0), 0);
	fix_copy(&h, 0, d, 2);
	assert_int_equal(d[0] | d[1], 0);
	c = cur_make(bytes, sizeof bytes);
	assert_false(cur_fixed(&c, CUR_FIX_MAX + 1, &h));	/* beyond what a header may be */
	assert_int_equal(fix_u8(&h, 0), 0);
}

/* A window: up to max of the next bytes, not moved, reads checked at any
 * offset; a span: a fixed header of a length found at run time. */
static void test_window_span(void **state)
{
	(void)state;
	struct cur c = cur_make(bytes, sizeof bytes);
	struct cur_fix w;
	cur_skip(&c, 1);
	cur_window(&c, 4, &w);
	assert_int_equal(cur_pos(&c), 1);
	assert_int_equal(w.n, 4);
	assert_int_equal(fix_u8(&w, 3), 0x9a);
	assert_int_equal(fix_u8(&w, 4), 0);	/* past the window */
	cur_window(&c, 100, &w);		/* fewer bytes there */
	assert_int_equal(w.n, sizeof bytes - 1);
	uint64_t x = fix_word(&w, 0), want;
	memcpy(&want, bytes + 1, 8);
	assert_true(x == want);
	assert_true(fix_word(&w, 1) == 0);	/* 7 bytes from there */
	struct cur_fix s;
	assert_true(cur_span(&c, 8, &s));
	assert_int_equal(cur_pos(&c), 9);
	assert_int_equal(fix_be16(&s, 6), 0xf011);
	assert_false(cur_span(&c, 1, &s));	/* nothing left */
	assert_false(cur_ok(&c));
	assert_int_equal(s.n, 0);
	assert_int_equal(fix_u8(&s, 0), 0);
	cur_window(&c, 4, &w);			/* after the error: no bytes */
	assert_int_equal(w.n, 0);
	c = cur_make(NULL, 0);
	cur_window(&c, 4, &w);
	assert_int_equal(w.n, 0);
	assert_int_equal(fix_u8(&w, 0), 0);
}

static void test_take(void **state)
{
	(void)state;
	struct cur c = cur_make(bytes, sizeof bytes);
	cur_skip(&c, 2);
	struct cur s = cur_take(&c, 3);
	assert_int_equal(cur_left(&s), 3);
	assert_int_equal(cur_u8(&s), 0x56);
	assert_int_equal(cur_pos(&c), 5);
	struct cur bad = cur_take(&c, 5);	/* 4 left */
	assert_false(cur_ok(&bad));
	assert_false(cur_ok(&c));

	c = cur_make(bytes, sizeof bytes);
	s = cur_take_upto(&c, 100);		/* snaplen: fewer, no error */
	assert_true(cur_ok(&c));
	assert_int_equal(cur_left(&s), sizeof bytes);
	c = cur_make(bytes, sizeof bytes);
	s = cur_take_upto(&c, 4);
	assert_int_equal(cur_left(&s), 4);
	assert_int_equal(cur_left(&c), sizeof bytes - 4);
	s = cur_rest(&c);
	assert_int_equal(cur_left(&s), sizeof bytes - 4);
	assert_int_equal(cur_left(&c), 0);
	assert_true(cur_ok(&c));
}

static void test_seek_peek_find(void **state)
{
	(void)state;
	struct cur c = cur_make(bytes, sizeof bytes);
	cur_seek(&c, 9);		/* the end itself is allowed */
	assert_true(cur_ok(&c));
	assert_int_equal(cur_peek(&c, 0), 0);
	cur_seek(&c, 10);
	assert_false(cur_ok(&c));
	c = cur_make(bytes, sizeof bytes);
	assert_int_equal(cur_peek(&c, 8), 0x11);
	assert_int_equal(cur_peek(&c, 9), 0);
	assert_int_equal(cur_find(&c, 0xde), 6);
	assert_int_equal(cur_find(&c, 0x00), -1);
	cur_skip(&c, 7);
	assert_int_equal(cur_find(&c, 0xde), -1);
	struct cur n = cur_make(NULL, 5);
	assert_int_equal(cur_left(&n), 0);
	assert_int_equal(cur_find(&n, 0), -1);
}

static void test_starts_hash_str(void **state)
{
	(void)state;
	const char *t = "Content-Length: 5";
	struct cur c = cur_make(t, strlen(t));
	assert_true(cur_starts(&c, "content-length", 14, 1));
	assert_false(cur_starts(&c, "content-length", 14, 0));
	assert_false(cur_starts(&c, "Content-Length: 55", 18, 0));
	assert_int_equal(cur_hash(&c, 4), cur_hash(&c, 4));
	assert_int_not_equal(cur_hash(&c, 4), cur_hash(&c, 5));
	assert_int_equal(cur_hash(&c, 1000), cur_hash(&c, strlen(t)));
	char s[8];
	assert_int_equal(cur_peek_str(&c, s, sizeof s), 7);
	assert_string_equal(s, "Content");
	assert_int_equal(cur_pos(&c), 0);
}

/* Every read at every position of a buffer cut at every length. */
static void test_every_cut(void **state)
{
	(void)state;
	for (size_t n = 0; n <= sizeof bytes; n++) {
		uint8_t *b = malloc(n ? n : 1);
		memcpy(b, bytes, n);
		for (size_t start = 0; start <= n; start++) {
			struct cur c = cur_make(b, n);
			cur_skip(&c, start);
			uint32_t v = cur_be32(&c);
			assert_int_equal(cur_ok(&c), n - start >= 4);
			if (!cur_ok(&c))
				assert_int_equal(v, 0);
		}
		free(b);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reads),
		cmocka_unit_test(test_sticky),
		cmocka_unit_test(test_fixed),
		cmocka_unit_test(test_window_span),
		cmocka_unit_test(test_take),
		cmocka_unit_test(test_seek_peek_find),
		cmocka_unit_test(test_starts_hash_str),
		cmocka_unit_test(test_every_cut),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
