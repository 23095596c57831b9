/* Bursts of events, driven by generated event times: 5 within 1 s begin one
 * (raised with the fifth, started at the first), not 4, not 5 spread over
 * exactly 1 s; it goes on while the gaps stay under 1 s and ends at its last
 * event when 1 s passes (by an event or by time);
 * a steady trickle of 4 a second never makes one; tags counted; events out
 * of order taken at the last time; a second burst after the first. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <errno.h>
#include <cmocka.h>
#include "analysis/detect/burst.h"

#define MS 1000000ull
#define T0 (1700000000ull * 1000000000ull)

struct seen {
	int began, ended;
	struct burst_state last;
};

static void on_burst(void *ctx, const struct burst_state *s)
{
	struct seen *v = ctx;
	*(s->ended ? &v->ended : &v->began) += 1;
	v->last = *s;
}

static struct burst *setup(struct seen *v)
{
	struct burst_config c;
	burst_config_default(&c);
	memset(v, 0, sizeof *v);
	struct burst *b = burst_new(&c, on_burst, v);
	assert_non_null(b);
	return b;
}

static void test_begin_and_end(void **state)
{
	(void)state;
	struct seen v;
	struct burst *b = setup(&v);
	struct burst_state s;
	for (int i = 0; i < 4; i++)
		burst_event(b, T0 + (uint64_t)i * 200 * MS, (unsigned)i % 2);
	assert_int_equal(v.began, 0);			/* four: not yet */
	assert_int_equal(burst_current(b, &s), -ENOENT);
	burst_event(b, T0 + 999 * MS, 1);		/* the fifth, within 1 s of the first */
	assert_int_equal(v.began, 1);
	assert_int_equal(v.last.start_ns, T0);
	assert_int_equal(v.last.last_ns, T0 + 999 * MS);
	assert_int_equal(v.last.count, 5);
	assert_int_equal(v.last.tag[0], 2);
	assert_int_equal(v.last.tag[1], 3);
	assert_false(v.last.ended);
	burst_event(b, T0 + 1900 * MS, 2);		/* gap 901 ms: goes on */
	burst_event(b, T0 + 1800 * MS, 2);		/* out of order: taken at 1.9 s */
	assert_int_equal(burst_current(b, &s), 0);
	assert_int_equal(s.count, 7);
	assert_int_equal(s.last_ns, T0 + 1900 * MS);
	burst_advance(b, T0 + 2899 * MS);
	assert_int_equal(v.ended, 0);
	burst_advance(b, T0 + 2900 * MS);		/* 1 s without one: over */
	assert_int_equal(v.ended, 1);
	assert_true(v.last.ended);
	assert_int_equal(v.last.start_ns, T0);
	assert_int_equal(v.last.last_ns, T0 + 1900 * MS);
	assert_int_equal(v.last.count, 7);
	assert_int_equal(v.last.tag[2], 2);
	assert_int_equal(burst_count(b), 1);
	burst_free(b);
}

/* Five events spread over exactly the window are not within it. */
static void test_spread_over_window(void **state)
{
	(void)state;
	struct seen v;
	struct burst *b = setup(&v);
	for (int i = 0; i < 5; i++)
		burst_event(b, T0 + (uint64_t)i * 250 * MS, 0);
	assert_int_equal(v.began, 0);
	burst_event(b, T0 + 1001 * MS, 0);		/* the last five now span 751 ms */
	assert_int_equal(v.began, 1);
	assert_int_equal(v.last.start_ns, T0 + 250 * MS);
	burst_free(b);
}

/* Four a second for a minute: never a burst. */
static void test_trickle(void **state)
{
	(void)state;
	struct seen v;
	struct burst *b = setup(&v);
	for (uint64_t t = T0; t < T0 + 60000 * MS; t += 250 * MS)
		burst_event(b, t + 1, 0);
	assert_int_equal(v.began, 0);
	burst_free(b);
}

/* An event a window after the last ends the burst, and counts towards the
 * next. */
static void test_event_ends_then_second_burst(void **state)
{
	(void)state;
	struct seen v;
	struct burst *b = setup(&v);
	for (int i = 0; i < 5; i++)
		burst_event(b, T0 + (uint64_t)i * MS, 0);
	assert_int_equal(v.began, 1);
	uint64_t t = T0 + 4 * MS + 1000 * MS;		/* exactly a window later */
	for (int i = 0; i < 5; i++)
		burst_event(b, t + (uint64_t)i * MS, 3);
	assert_int_equal(v.ended, 1);
	assert_int_equal(v.began, 2);
	assert_int_equal(v.last.start_ns, t);
	assert_int_equal(v.last.tag[3], 5);
	burst_advance(b, t + 4 * MS + 1000 * MS);
	assert_int_equal(v.ended, 2);
	assert_int_equal(v.last.last_ns, t + 4 * MS);
	assert_int_equal(burst_count(b), 2);
	burst_free(b);
}

static void test_config(void **state)
{
	(void)state;
	struct burst_config c = { .min_events = 0, .window_ns = 1 };
	assert_null(burst_new(&c, NULL, NULL));
	c.min_events = BURST_MAX_EVENTS + 1;
	assert_null(burst_new(&c, NULL, NULL));
	c.min_events = 1;
	struct burst *b = burst_new(&c, NULL, NULL);	/* one event is a burst */
	assert_non_null(b);
	burst_event(b, T0, 7);				/* a tag out of range: the last */
	struct burst_state s;
	assert_int_equal(burst_current(b, &s), 0);
	assert_int_equal(s.tag[BURST_TAGS - 1], 1);
	burst_free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_begin_and_end),
		cmocka_unit_test(test_spread_over_window),
		cmocka_unit_test(test_trickle),
		cmocka_unit_test(test_event_ends_then_second_burst),
		cmocka_unit_test(test_config),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
