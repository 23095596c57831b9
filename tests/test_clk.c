/* Clock alignment: synthetic one-way delays with a known offset, skew and
 * asymmetric minimum delays; the estimator must recover them. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <math.h>
#include <errno.h>
#include <cmocka.h>
#include "analysis/path/clock.h"

static uint64_t rng = 88172645463325252ull;
static double urand(void)
{
	rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17;
	return (double)(rng >> 11) / 9007199254740992.0;
}

/* Client clock reading at true (Dom0) time t. */
static uint64_t cclock(uint64_t t, uint64_t t0, int64_t off, double ppm)
{
	return t + (uint64_t)off + (uint64_t)llround(ppm * 1e-6 * (double)(int64_t)(t - t0));
}

struct scen { int64_t off; double ppm; double min_in, min_out, jitter; unsigned n; unsigned cap; };

static void run(const struct scen *s)
{
	struct clk *c = clk_new(s->cap);
	assert_non_null(c);
	uint64_t t0 = 1700000000000000000ull, t = t0;
	clk_set_origin(c, cclock(t0, t0, s->off, s->ppm));
	for (unsigned i = 0; i < s->n; i++) {
		t += 200000 + (uint64_t)(urand() * 800000);	/* 0.2..1 ms apart */
		/* in: leaves the client at t, reaches Dom0 later */
		uint64_t arr = t + (uint64_t)(s->min_in + s->jitter * -log(1 - urand()));
		clk_sample(c, cclock(t, t0, s->off, s->ppm), arr, CLK_IN);
		/* out: leaves Dom0 at t + 100us, reaches the client later */
		uint64_t dep = t + 100000;
		uint64_t carr = dep + (uint64_t)(s->min_out + s->jitter * -log(1 - urand()));
		clk_sample(c, cclock(carr, t0, s->off, s->ppm), dep, CLK_OUT);
	}
	struct clk_est e;
	assert_int_equal(clk_estimate(c, &e), 0);
	double asym = fabs(s->min_out - s->min_in) / 2;
	double off_err = fabs((double)(e.offset_ns - s->off));
	print_message("offset err %.0f ns (asym/2 %.0f), skew %.4f ppm (true %.1f), split %lld\n",
		      off_err, asym, e.skew_ppm, s->ppm, (long long)e.split_uncertainty_ns);
	assert_true(off_err <= 10000 + asym);
	assert_true(fabs(e.skew_ppm - s->ppm) <= 1.0);
	assert_true(e.split_uncertainty_ns >= (int64_t)asym);
	/* the conversion round-trips and removes the offset */
	uint64_t x = cclock(t0 + 5000000000ull, t0, s->off, s->ppm);
	uint64_t d = clk_to_dom0(&e, x);
	assert_true(llabs((long long)(d - (t0 + 5000000000ull))) <= 10000 + (long long)asym);
	assert_true(llabs((long long)(clk_to_client(&e, d) - x)) <= 2);
	clk_free(c);
}

/* clk_to_dom0 is t - (offset + llround(slope * (t - origin))) to the
 * nanosecond (its rounding is its own, not libm's): halves of a nanosecond
 * either way, skews of both signs, times far from the origin (beyond 2^52
 * ns of correction: llround's own path). */
static void test_map_exact(void **st)
{
	(void)st;
	const double ppm[] = { 0, 40, -85, 1000, 0.5, -0.5, 123456.789 };
	uint64_t r = 12345;	/* its own draws: the scenarios' stay as they were */
	for (unsigned k = 0; k < sizeof ppm / sizeof ppm[0]; k++) {
		struct clk_est e = { .ok = 1, .origin_ns = 1700000000000000000ull, .offset_ns = -7300000001ll };
		clk_set_skew(&e, ppm[k]);
		double s = ppm[k] * 1e-6, slope = s / (1 + s);
		assert_true(e.slope == slope);
		for (int i = 0; i < 200000; i++) {
			r ^= r << 13, r ^= r >> 7, r ^= r << 17;
			double u = (double)(r >> 11) / 9007199254740992.0;
			int64_t rel = (int64_t)(u * 2e12) - 1000000000000ll;
			if (i % 4 == 1)	/* a correction of exactly n + 1/2 ns, when the slope allows */
				rel = (int64_t)llround(((double)(i % 1000) + 0.5) / (slope ? slope : 1));
			if (i % 4 == 2)
				rel = (int64_t)(u * 9e18) - 4500000000000000000ll;
			uint64_t t = e.origin_ns + (uint64_t)rel;
			uint64_t want = t - (uint64_t)(e.offset_ns + llround(slope * (double)rel));
			assert_int_equal(clk_to_dom0(&e, t), want);
		}
	}
}

static void test_seconds_off_fast(void **st)
{
	(void)st;
	struct scen s = { 3217654321ll, 40, 60000, 80000, 20000, 20000, 4096 };
	run(&s);
}

static void test_behind_slow(void **st)
{
	(void)st;
	struct scen s = { -1500000000ll, -100, 45000, 45000, 5000, 20000, 4096 };
	run(&s);
}

/* A tiny hull cap forces thinning; the estimate must stay usable. */
static void test_thin_hull(void **st)
{
	(void)st;
	struct scen s = { 250000000ll, 100, 50000, 50000, 30000, 50000, 8 };
	run(&s);
}

static void test_needs_both_directions(void **st)
{
	(void)st;
	struct clk *c = clk_new(64);
	clk_sample(c, 1000, 2000, CLK_IN);
	struct clk_est e;
	assert_int_equal(clk_estimate(c, &e), -EAGAIN);
	assert_int_equal(e.ok, 0);
	assert_int_equal(clk_to_dom0(&e, 1234), 1234);
	clk_free(c);
}

static void test_coarse(void **st)
{
	(void)st;
	int64_t d[] = { 5, 1000000, 999000, 1001000, -3, 1000500, 1000100 };
	int64_t off;
	assert_int_equal(clk_coarse_offset(d, 7, &off), 0);
	assert_int_equal(off, 1000000);
	assert_int_equal(clk_coarse_offset(d, 0, &off), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_map_exact),
		cmocka_unit_test(test_seconds_off_fast),
		cmocka_unit_test(test_behind_slow),
		cmocka_unit_test(test_thin_hull),
		cmocka_unit_test(test_needs_both_directions),
		cmocka_unit_test(test_coarse),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
