/* hist: bucket layout, the stated error bound over a wide range, and
 * percentiles against exact sorted values. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <math.h>
#include <cmocka.h>
#include "common/hist.h"
#include "tests/testlib.h"

static int cmp64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

/* Every bucket's width is within the bound relative to its lower edge,
 * and buckets tile the range without gaps. */
static void test_layout(void **state)
{
	(void)state;
	int64_t prev_hi = -1;
	for (unsigned i = 0; i < HIST_BUCKETS; i++) {
		int64_t lo, hi;
		hist_bucket_range(i, &lo, &hi);
		assert_int_equal(lo, prev_hi + 1);
		prev_hi = hi;
		assert_true(hi >= lo);
		if (lo > 0)
			assert_true((double)(hi - lo) / 2 <= HIST_REL_ERROR * lo);
		assert_int_equal(hist_index(lo), i);
		assert_int_equal(hist_index(hi), i);
	}
}

/* One value at a time, from 1 ns to ~4 hours: the reported value is within 1%. */
static void test_single_values_wide_range(void **state)
{
	(void)state;
	struct hist *h = hist_new();
	assert_non_null(h);
	for (double v = 1; v < 1.5e13; v *= 1.0137) {
		int64_t x = (int64_t)v;
		hist_reset(h);
		hist_record(h, x);
		hist_record(h, x + 1);
		hist_record(h, 2 * x + 7);
		int64_t p = hist_percentile(h, 50);
		assert_true(fabs((double)(p - (x + 1))) <= HIST_REL_ERROR * (x + 1));
		assert_int_equal(hist_max(h), 2 * x + 7);
		assert_int_equal(hist_min(h), x);
	}
	hist_free(h);
}

static void check_against_sorted(int64_t *v, size_t n)
{
	struct hist *h = hist_new();
	for (size_t i = 0; i < n; i++)
		hist_record(h, v[i]);
	qsort(v, n, sizeof *v, cmp64);
	const double ps[] = { 0, 1, 10, 25, 50, 75, 90, 99, 99.9, 99.99, 100 };
	for (size_t k = 0; k < sizeof ps / sizeof ps[0]; k++) {
		size_t rank = (size_t)ceil(ps[k] / 100 * n - 1e-9);
		if (rank < 1)
			rank = 1;
		int64_t exact = v[rank - 1], got = hist_percentile(h, ps[k]);
		double err = fabs((double)(got - exact));
		if (err > HIST_REL_ERROR * fabs((double)exact))
			fail_msg("p%g: got %lld, exact %lld", ps[k], (long long)got, (long long)exact);
	}
	long double sum = 0;
	for (size_t i = 0; i < n; i++)
		sum += v[i];
	assert_true(fabs(hist_mean(h) - (double)(sum / n)) <= 1e-6 * fabs((double)(sum / n)) + 1e-9);
	long double ss = 0, m = sum / n;
	for (size_t i = 0; i < n; i++)
		ss += (v[i] - m) * (v[i] - m);
	double sd = n > 1 ? (double)sqrtl(ss / (n - 1)) : 0;	/* two-pass: the reference */
	assert_true(fabs(hist_stddev(h) - sd) <= 1e-6 * sd + 1e-6);
	assert_int_equal(hist_count(h), n);
	assert_int_equal(hist_max(h), v[n - 1]);
	assert_int_equal(hist_min(h), v[0]);
	hist_free(h);
}

/* Log-uniform samples over 1 ns .. 100 s. */
static void test_percentiles_vs_sorted(void **state)
{
	(void)state;
	size_t n = 200000;
	int64_t *v = malloc(n * sizeof *v);
	for (size_t i = 0; i < n; i++)
		v[i] = (int64_t)exp((double)(tl_rand() % 1000000) / 1000000.0 * log(1e11));
	check_against_sorted(v, n);
	/* a narrow cluster (typical latencies around 150 us) */
	for (size_t i = 0; i < n; i++)
		v[i] = 150000 + (int64_t)(tl_rand() % 20000);
	check_against_sorted(v, n);
	/* signed values (clock-corrected components) */
	for (size_t i = 0; i < n; i++)
		v[i] = (int64_t)(tl_rand() % 2000000) - 1000000;
	struct hist *h = hist_new();
	for (size_t i = 0; i < n; i++)
		hist_record(h, v[i]);
	qsort(v, n, sizeof *v, cmp64);
	int64_t p10 = hist_percentile(h, 10), e10 = v[n / 10 - 1];
	assert_true(fabs((double)(p10 - e10)) <= HIST_REL_ERROR * fabs((double)e10));
	assert_int_equal(hist_min(h), v[0]);
	hist_free(h);
	free(v);
}

static void test_merge_and_empty(void **state)
{
	(void)state;
	struct hist *a = hist_new(), *b = hist_new();
	assert_int_equal(hist_percentile(a, 99), 0);
	assert_true(hist_mean(a) == 0);
	for (int i = 1; i <= 100; i++)
		hist_record(i % 2 ? a : b, i * 1000);
	hist_merge(a, b);
	assert_int_equal(hist_count(a), 100);
	assert_int_equal(hist_max(a), 100000);
	assert_int_equal(hist_min(a), 1000);
	int64_t p50 = hist_percentile(a, 50);
	assert_true(llabs(p50 - 50000) <= 500);
	hist_free(a);
	hist_free(b);
}

/* Percentiles of a list in one pass: the values hist_percentile gives one
 * at a time (signed samples too), a list not ascending refused, an empty
 * histogram all zeros. */
static void test_batch_percentiles(void **state)
{
	(void)state;
	struct hist *h = hist_new();
	const double q[] = { 0, 1, 25, 50, 50, 90, 99, 99.9, 100 };
	enum { NQ = sizeof q / sizeof q[0] };
	int64_t out[NQ];
	assert_int_equal(hist_percentiles(h, q, NQ, out), 0);
	for (int k = 0; k < NQ; k++)
		assert_int_equal(out[k], 0);
	for (int i = 0; i < 100000; i++)
		hist_record(h, (int64_t)(tl_rand() % 3000000) - 500000);
	assert_int_equal(hist_percentiles(h, q, NQ, out), 0);
	for (int k = 0; k < NQ; k++)
		assert_int_equal(out[k], hist_percentile(h, q[k]));
	assert_true(out[0] >= hist_min(h) && out[NQ - 1] <= hist_max(h));
	const double bad[] = { 90, 50 };
	assert_int_equal(hist_percentiles(h, bad, 2, out), -EINVAL);
	hist_free(h);
}

/* A reset clears only the buckets between min and max: nothing of the
 * previous samples may show through, whatever range comes next (checked
 * against a fresh histogram given the same samples). */
static void test_reset_range(void **state)
{
	(void)state;
	struct hist *h = hist_new(), *g = hist_new();
	const double q[] = { 1, 50, 99, 100 };
	for (int round = 0; round < 50; round++) {
		int64_t base = (int64_t)(tl_rand() % 10000000) - 3000000;
		int64_t width = 1 + (int64_t)(tl_rand() % 500000);
		for (int i = 0; i < 200; i++)
			hist_record(h, base + (int64_t)(tl_rand() % (uint64_t)width));
		hist_reset(h);
		assert_int_equal(hist_count(h), 0);
		assert_int_equal(hist_percentile(h, 50), 0);
		/* the next samples span every range the earlier ones could take */
		int64_t next[] = { -4000000, 12345, 8000000 };
		for (int i = 0; i < 3; i++) {
			hist_record(h, next[i]);
			hist_record(g, next[i]);
		}
		for (int k = 0; k < 4; k++)
			assert_int_equal(hist_percentile(h, q[k]), hist_percentile(g, q[k]));
		hist_reset(h);
		hist_reset(g);
	}
	/* the two extremes */
	hist_record(h, INT64_MIN);
	hist_record(h, INT64_MAX);
	hist_reset(h);
	hist_record(h, -7);
	hist_record(h, 7);
	assert_int_equal(hist_percentile(h, 50), -7);
	assert_int_equal(hist_percentile(h, 100), 7);
	hist_free(h);
	hist_free(g);
}

/* hist_record is hist_record_n with n = 1, to the last bit of the sums
 * (mean, deviation) and in every bucket, for values of every size and sign;
 * an emptied histogram has no extremes left. */
static void test_record_one(void **state)
{
	(void)state;
	struct hist *a = hist_new(), *b = hist_new();
	const int64_t edge[] = { 0, 1, -1, 127, 128, 255, 256, -128, -256, HIST_MAX_NS - 1, HIST_MAX_NS,
				 -HIST_MAX_NS, INT64_MAX, INT64_MIN, INT64_MIN + 1 };
	for (unsigned i = 0; i < sizeof edge / sizeof edge[0]; i++) {
		hist_record(a, edge[i]);
		hist_record_n(b, edge[i], 1);
	}
	for (int i = 0; i < 100000; i++) {
		int64_t v = (int64_t)(tl_rand() >> (tl_rand() % 64)) * (tl_rand() % 2 ? 1 : -1);
		hist_record(a, v);
		hist_record_n(b, v, 1);
	}
	assert_int_equal(hist_count(a), hist_count(b));
	assert_true(hist_mean(a) == hist_mean(b));
	assert_true(hist_stddev(a) == hist_stddev(b));
	assert_int_equal(hist_min(a), INT64_MIN);
	assert_int_equal(hist_max(a), INT64_MAX);
	enum { CAP = 2 * HIST_BUCKETS };
	static int64_t va[CAP], vb[CAP];
	static uint64_t ca[CAP], cb[CAP];
	unsigned na = hist_buckets(a, va, ca, CAP), nb = hist_buckets(b, vb, cb, CAP);
	assert_int_equal(na, nb);
	for (unsigned k = 0; k < na; k++) {
		assert_int_equal(va[k], vb[k]);
		assert_int_equal(ca[k], cb[k]);
	}
	hist_reset(a);
	assert_int_equal(hist_min(a), 0);
	assert_int_equal(hist_max(a), 0);
	hist_record(a, 5);
	assert_int_equal(hist_min(a), 5);
	assert_int_equal(hist_max(a), 5);
	hist_free(a);
	hist_free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_single_values_wide_range),
		cmocka_unit_test(test_percentiles_vs_sorted),
		cmocka_unit_test(test_merge_and_empty),
		cmocka_unit_test(test_batch_percentiles),
		cmocka_unit_test(test_reset_range),
		cmocka_unit_test(test_record_one),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
