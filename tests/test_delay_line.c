/* The delay line's FIFO and loss decision. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "bridge-setup/testbed/delay_line.h"

static void fifo_order_and_wrap(void **state)
{
	(void)state;
	struct tb_dlq q;
	assert_int_equal(tb_dlq_init(&q, 4), 0);
	assert_null(tb_dlq_head(&q));
	int64_t next_in = 0, next_out = 0;
	/* Push and pop across the wrap many times; order must hold. */
	for (int round = 0; round < 10; round++) {
		for (int k = 0; k < 3; k++) {
			struct tb_dl_slot *s = tb_dlq_reserve(&q);
			assert_non_null(s);
			s->due_ns = next_in++;
			s->len = (uint32_t)(s->due_ns & 0xff);
			tb_dlq_commit(&q);
		}
		for (int k = 0; k < 2; k++) {
			struct tb_dl_slot *h = tb_dlq_head(&q);
			assert_non_null(h);
			assert_int_equal(h->due_ns, next_out);
			assert_int_equal(h->len, next_out & 0xff);
			next_out++;
			tb_dlq_pop(&q);
		}
		while (q.count > 1) {
			assert_int_equal(tb_dlq_head(&q)->due_ns, next_out++);
			tb_dlq_pop(&q);
		}
	}
	tb_dlq_free(&q);
}

static void fifo_full(void **state)
{
	(void)state;
	struct tb_dlq q;
	assert_int_equal(tb_dlq_init(&q, 3), 0);
	for (int i = 0; i < 3; i++) {
		assert_non_null(tb_dlq_reserve(&q));
		tb_dlq_commit(&q);
	}
	assert_null(tb_dlq_reserve(&q));	/* full: caller counts an overflow */
	tb_dlq_commit(&q);			/* a stray commit must not grow it */
	assert_int_equal(q.count, 3);
	tb_dlq_pop(&q);
	assert_non_null(tb_dlq_reserve(&q));
	tb_dlq_pop(&q);
	tb_dlq_pop(&q);
	tb_dlq_pop(&q);				/* popping empty is harmless */
	assert_int_equal(q.count, 0);
	assert_null(tb_dlq_head(&q));
	tb_dlq_free(&q);
}

static void loss_rate(void **state)
{
	(void)state;
	uint64_t s = 12345;
	static const uint32_t ppm[] = { 0, 10000, 100000, 500000, 1000000 };
	for (size_t i = 0; i < sizeof ppm / sizeof ppm[0]; i++) {
		int lost = 0, n = 200000;
		for (int k = 0; k < n; k++)
			lost += tb_dl_lose(&s, ppm[i]);
		double want = ppm[i] / 1e6 * n;
		/* Binomial: within 5 sigma plus one. */
		double sigma = 0;
		if (ppm[i] && ppm[i] < 1000000) {
			double p = ppm[i] / 1e6;
			sigma = 5 * __builtin_sqrt(n * p * (1 - p)) + 1;
		}
		if (lost < want - sigma || lost > want + sigma)
			fail_msg("loss %u ppm: %d of %d lost, expected %.0f", ppm[i], lost, n, want);
	}
}

int main(void)
{
	const struct CMUnitTest t[] = {
		cmocka_unit_test(fifo_order_and_wrap),
		cmocka_unit_test(fifo_full),
		cmocka_unit_test(loss_rate),
	};
	return cmocka_run_group_tests(t, NULL, NULL);
}
