/* Durations as hoplat writes them everywhere ("300us", "1ms", "2s"): every
 * unit, fractions, a bare number as seconds, and what is refused (empty,
 * negative, NaN, overflow, unknown or trailing units); formatting round
 * trips; times of day to the millisecond, in UTC. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <cmocka.h>
#include "common/dur.h"

static int64_t parsed(const char *s)
{
	int64_t ns = -1;
	assert_int_equal(dur_parse(s, &ns), 0);
	return ns;
}

static void test_units(void **state)
{
	(void)state;
	assert_int_equal(parsed("250ns"), 250);
	assert_int_equal(parsed("300us"), 300000);
	assert_int_equal(parsed("300µs"), 300000);
	assert_int_equal(parsed("1ms"), 1000000);
	assert_int_equal(parsed("1.5ms"), 1500000);
	assert_int_equal(parsed("2s"), 2000000000);
	assert_int_equal(parsed("2"), 2000000000);	/* bare: seconds */
	assert_int_equal(parsed("1m"), 60000000000);
	assert_int_equal(parsed("1h"), 3600000000000);
	assert_int_equal(parsed("0"), 0);
}

static void test_refused(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"", "ms", "-1ms", "nan", "NaN ms", "inf", "1e300s", "1 ms", "1msx", "1ks", "1mss",
	};
	int64_t ns = 7;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(dur_parse(bad[i], &ns), -EINVAL);
	assert_int_equal(dur_parse(NULL, &ns), -EINVAL);
	assert_int_equal(ns, 7);		/* untouched */
}

static void test_format_round_trip(void **state)
{
	(void)state;
	static const int64_t v[] = { 0, 250, 1000, 300000, 1500000, 1000000, 2000000000, 2500000000 };
	char b[32];
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
		assert_int_equal(parsed(dur_format(v[i], b, sizeof b)), v[i]);
	assert_string_equal(dur_format(300000, b, sizeof b), "300us");
	assert_string_equal(dur_format(1500000, b, sizeof b), "1.5ms");
	assert_string_equal(dur_format(2000000000, b, sizeof b), "2s");
}

static void test_time_of_day(void **state)
{
	(void)state;
	char b[64];
	/* 2026-11-27 05:43:57.861 UTC */
	uint64_t ns = 1795758237ull * 1000000000ull + 861999999ull;
	assert_string_equal(dur_time_format(ns, "%Y-%m-%d %H:%M:%S", 1, b, sizeof b),
			    "2026-11-27 05:43:57.861 UTC");
	assert_string_equal(dur_time_format(ns, "%H:%M:%S", 1, b, sizeof b), "05:43:57.861 UTC");
	char small[8];
	dur_time_format(ns, "%H:%M:%S", 1, small, sizeof small);	/* cut, terminated */
	assert_string_equal(small, "05:43:5");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_units),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_format_round_trip),
		cmocka_unit_test(test_time_of_day),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
