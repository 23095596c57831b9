/* Load steps from generated timelines (tests/timeline.h), through the
 * diagnosis the engine feeds: a four-rate ramp with pauses and one without
 * (boundaries within a tenth of a window), a capture without a ramp, 10 and
 * 100,000 requests/s, steps of 1 s with a 100 ms window, falling and
 * changing rates, Poisson arrivals (no false steps), transactions in the
 * step of their start (latencies, standard deviation), late unanswered
 * ones still counted, the schedule (cv, largest gap, coordinated omission,
 * idle stalls) and live's callback. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>
#include "tests/timeline.h"
#include "analysis/diagnose/sched.h"

static struct results *run_loads(const struct tl_load *l, const uint64_t *at, int n, int64_t window_ns)
{
	struct tl tl = { .rng = 42 };
	for (int i = 0; i < n; i++)
		tl_run(&tl, at[i], &l[i]);
	struct results *r = res_new();
	tl_feed(&tl, r, window_ns, l[0].vif, NULL, NULL);
	return r;
}

/* n runs at rates[i] for secs each, the first first_ns after T0, one
 * every every_ns (a pause between them when longer than secs). */
static struct results *ramp(const double *rates, int n, double secs, uint64_t first_ns, uint64_t every_ns,
			    int64_t window_ns)
{
	struct tl_load l[8];
	uint64_t at[8];
	for (int i = 0; i < n; i++) {
		l[i] = (struct tl_load){ .rate = rates[i], .seconds = secs, .link_ns = 1 * MS, .guest_ns = 500 * US };
		at[i] = T0 + first_ns + (uint64_t)i * every_ns;
	}
	return run_loads(l, at, n, window_ns);
}

static void rate_near(double got, double want, double rel)
{
	if (fabs(got - want) > rel * want)
		fail_msg("rate %.3f, expected %.3f within %.0f%%", got, want, 100 * rel);
}

static void near_ns(uint64_t got, uint64_t want, uint64_t tol)
{
	uint64_t d = got > want ? got - want : want - got;
	if (d > tol)
		fail_msg("time %llu off %llu by %llu ns (tolerance %llu)", (unsigned long long)got,
			 (unsigned long long)want, (unsigned long long)d, (unsigned long long)tol);
}

/* dnsperf at four rates, 3 s each, a quiet half second between them. */
static void ramp_with_pauses(void **state)
{
	(void)state;
	static const double rates[4] = { 200, 400, 800, 1600 };
	struct results *r = ramp(rates, 4, 3, 123 * MS, 3500 * MS, S);
	assert_int_equal(r->n_steps, 4);
	for (int i = 0; i < 4; i++) {
		const struct res_step *s = &r->steps[i];
		uint64_t at = T0 + 123 * MS + (uint64_t)i * 3500 * MS;
		rate_near(s->request_rate, rates[i], 0.01);
		rate_near(s->response_rate, rates[i], 0.01);
		near_ns(s->start_ns, at, 1);
		near_ns(s->end_ns, at + 3 * S, 5 * MS);
		assert_true(s->after_gap == (i > 0));
		assert_int_equal(s->transactions, (uint64_t)(rates[i] * 3));
		assert_int_equal(s->answered_fraction, 1);
		assert_int_equal(s->judged.limit, RES_LIMIT_NONE);
		assert_true(s->sched.kept);
		assert_true(s->sched.interarrival_cv < 0.01);
	}
	assert_int_equal(r->verdict.limit, RES_LIMIT_NONE);
	assert_int_equal(r->verdict_step, -1);
	assert_int_equal(r->steps_outside, 0);
	res_free(r);
}

/* The same rates back to back, changing inside windows: each boundary
 * within one tenth of a window of the truth. */
static void ramp_without_pauses(void **state)
{
	(void)state;
	static const double rates[4] = { 1000, 2000, 3000, 4500 };
	struct results *r = ramp(rates, 4, 5, 370 * MS, 5 * S, S);
	assert_int_equal(r->n_steps, 4);
	for (int i = 0; i < 4; i++) {
		rate_near(r->steps[i].request_rate, rates[i], 0.05);
		if (i)
			near_ns(r->steps[i].start_ns, T0 + 370 * MS + (uint64_t)i * 5 * S, 100 * MS);
		assert_false(r->steps[i].after_gap);
		assert_int_equal(r->steps[i].judged.limit, RES_LIMIT_NONE);
	}
	res_free(r);
}

static void no_ramp_is_one_step(void **state)
{
	(void)state;
	struct tl_load l = { .rate = 300, .seconds = 20, .link_ns = 1 * MS, .guest_ns = 300 * US };
	uint64_t at = T0 + 5 * MS;
	struct results *r = run_loads(&l, &at, 1, S);
	assert_int_equal(r->n_steps, 1);
	rate_near(r->steps[0].request_rate, 300, 0.01);
	assert_int_equal(r->verdict.limit, RES_LIMIT_NONE);
	res_free(r);
}

/* Poisson arrivals at one rate: windows vary by their square root, still one step. */
static void poisson_no_false_steps(void **state)
{
	(void)state;
	struct tl_load l = { .rate = 500, .seconds = 60, .poisson = 1, .link_ns = 1 * MS, .guest_ns = 300 * US };
	uint64_t at = T0;
	struct results *r = run_loads(&l, &at, 1, S);
	assert_int_equal(r->n_steps, 1);
	rate_near(r->steps[0].request_rate, 500, 0.05);
	/* exponential gaps: a coefficient of variation near 1 */
	assert_true(r->steps[0].sched.interarrival_cv > 0.9 && r->steps[0].sched.interarrival_cv < 1.1);
	res_free(r);
}

static void low_rate_long_steps(void **state)
{
	(void)state;
	struct tl_load l[2] = {
		{ .rate = 10, .seconds = 120, .link_ns = 1 * MS, .guest_ns = 300 * US },
		{ .rate = 20, .seconds = 120, .link_ns = 1 * MS, .guest_ns = 300 * US },
	};
	uint64_t at[2] = { T0 + 50 * MS, T0 + 50 * MS + 120 * S };
	struct results *r = run_loads(l, at, 2, S);
	assert_int_equal(r->n_steps, 2);
	rate_near(r->steps[0].request_rate, 10, 0.05);
	rate_near(r->steps[1].request_rate, 20, 0.05);
	near_ns(r->steps[1].start_ns, at[1], 1 * S);
	res_free(r);
}

static void high_rate(void **state)
{
	(void)state;
	struct tl_load l[2] = {
		{ .rate = 100000, .seconds = 2, .link_ns = 100 * US, .guest_ns = 20 * US },
		{ .rate = 50000, .seconds = 2, .link_ns = 100 * US, .guest_ns = 20 * US },
	};
	uint64_t at[2] = { T0, T0 + 2 * S };
	struct results *r = run_loads(l, at, 2, S);
	assert_int_equal(r->n_steps, 2);
	rate_near(r->steps[0].request_rate, 100000, 0.05);
	rate_near(r->steps[1].request_rate, 50000, 0.05);
	assert_int_equal(r->steps[0].transactions + r->steps[1].transactions + r->steps_outside, 300000);
	res_free(r);
}

/* Steps of one second: a 100 ms window finds them. */
static void one_second_steps(void **state)
{
	(void)state;
	static const double rates[4] = { 1000, 2000, 3000, 1500 };
	struct results *r = ramp(rates, 4, 1, 33 * MS, S, 100 * MS);
	assert_int_equal(r->n_steps, 4);
	for (int i = 0; i < 4; i++)
		rate_near(r->steps[i].request_rate, rates[i], 0.05);
	res_free(r);
}

/* Falling and changing rates with pauses: each its own step, in time order. */
static void changing_rates(void **state)
{
	(void)state;
	static const double rates[3] = { 800, 200, 400 };
	struct results *r = ramp(rates, 3, 4, 0, 5 * S, S);
	assert_int_equal(r->n_steps, 3);
	for (int i = 0; i < 3; i++)
		rate_near(r->steps[i].request_rate, rates[i], 0.02);
	assert_true(r->steps[0].start_ns < r->steps[1].start_ns && r->steps[1].start_ns < r->steps[2].start_ns);
	res_free(r);
}

/* Each transaction lands in the step of its start: the second step's
 * guest time is its own, and the standard deviation is the samples'. */
static void transactions_by_start(void **state)
{
	(void)state;
	struct tl_load l[2] = {
		{ .rate = 200, .seconds = 3, .link_ns = 1 * MS, .guest_ns = 500 * US },
		{ .rate = 400, .seconds = 3, .link_ns = 1 * MS, .guest_ns = 5 * MS, .guest_step_ns = 1 * US },
	};
	uint64_t at[2] = { T0, T0 + 3500 * MS };
	struct results *r = run_loads(l, at, 2, S);
	assert_int_equal(r->n_steps, 2);
	const struct res_stat *g0 = &r->steps[0].comp[RS_GUEST], *g1 = &r->steps[1].comp[RS_GUEST];
	assert_int_equal(g0->count, 600);
	assert_int_equal(g1->count, 1200);
	assert_true(llabs(g0->p50 - 500000) < 5000);
	assert_true(g0->stddev < 1);
	/* 5 ms + i us for i = 0..1199: mean 5.5995 ms, sd sqrt((1200^2 - 1) / 12) us */
	assert_true(fabs(g1->mean - 5599500) < 1);
	assert_true(fabs(g1->stddev - 346554.0) < 10);
	assert_true(llabs(g1->p90 - 6080000) < 30000);
	res_free(r);
}

/* Unanswered transactions reported after the step was stored (timeouts)
 * still count in its transactions and answered fraction; live's line had
 * the answered ones only. */
static void on_step_txns(void *ctx, const struct res_step *s, size_t i)
{
	(void)i;
	*(uint64_t *)ctx = s->transactions;
}

static void late_unanswered_counted(void **state)
{
	(void)state;
	struct tl_load l = { .rate = 100, .seconds = 5, .link_ns = 1 * MS, .guest_ns = 300 * US,
			     .answer_fraction = 0.9 };
	struct tl tl = { .rng = 1 };
	tl_run(&tl, T0, &l);
	for (size_t i = 0; i < tl.n; i++)	/* reported 20 s late, like a DNS timeout */
		if (tl.e[i].kind == TL_TXN && !tl.e[i].answered)
			tl.e[i].t += 20 * S;
	for (int k = 6; k < 40; k++)		/* time goes on: stray answers, no sends */
		tl_at(&tl, T0 + (uint64_t)k * S, TL_DNS_R, PT_CLIENT);
	uint64_t at_store = 0;
	struct results *r = res_new();
	tl_feed(&tl, r, S, 0, on_step_txns, &at_store);
	assert_int_equal(r->n_steps, 1);
	assert_int_equal(at_store, 450);
	assert_int_equal(r->steps[0].transactions, 500);
	assert_int_equal(r->steps[0].answered, 450);
	assert_true(fabs(r->steps[0].answered_fraction - 0.9) < 1e-9);
	res_free(r);
}

/* ---- the schedule ---- */

static void sched_gap(struct sched *s, struct sched_bin *b, uint64_t *t, uint64_t gap, int answer_at)
{
	if (answer_at >= 0)
		sched_answer(s, *t + (uint64_t)answer_at * US);
	*t += gap;
	sched_send(s, *t, 200 * (int64_t)MS, b);
}

/* 1000 sends 1 ms apart answered after 300 us, one gap of 100 ms with its
 * answer at answer_at us (-1: none), 1000 more; summed over a step of step_ms. */
static struct res_schedule one_gap(int answer_at, int64_t step_ms)
{
	struct sched s;
	struct sched_bin b = { 0 };
	struct res_schedule o;
	sched_init(&s);
	uint64_t t = T0;
	sched_send(&s, t, 200 * (int64_t)MS, &b);
	for (int i = 0; i < 2001; i++)
		sched_gap(&s, &b, &t, i == 1000 ? 100 * MS : 1 * MS, i == 1000 ? answer_at : 300);
	sched_summary(&b, 1000, step_ms * (int64_t)MS, &o);
	return o;
}

/* A closed-loop client waits out a 100 ms server stall at 1000/s: 99
 * requests due and not sent. */
static void schedule_coordinated_omission(void **state)
{
	(void)state;
	struct res_schedule o = one_gap(-1, 2100);
	assert_int_equal(o.omitted, 99);
	assert_int_equal(o.stalled_ns, 100 * MS);
	assert_int_equal(o.max_gap_ns, 100 * MS);
	assert_false(o.kept);
	assert_int_equal(o.idle_stall_ns, 0);
}

/* The same gap with the server answering early in it: the client stalled
 * on its own (idle server), nothing omitted; kept while under 10%. */
static void schedule_idle_stall(void **state)
{
	(void)state;
	struct res_schedule o = one_gap(300, 1000);
	assert_int_equal(o.omitted, 0);
	assert_int_equal(o.idle_stall_ns, 100 * MS - 300 * US);
	assert_true(o.kept);	/* 9.97% of the step */
	assert_false(one_gap(300, 990).kept);	/* 10.07% */
	/* the answer in the gap's second half: the server stalled, not the client */
	assert_int_equal(one_gap(60000, 2100).omitted, 99);
	assert_int_equal(one_gap(40000, 2100).omitted, 0);
}

/* A gap at least a pause long is no part of the schedule (a step boundary). */
static void schedule_pause_excluded(void **state)
{
	(void)state;
	struct sched s;
	struct sched_bin b = { 0 };
	sched_init(&s);
	uint64_t t = T0;
	sched_send(&s, t, 200 * (int64_t)MS, &b);
	sched_gap(&s, &b, &t, 1 * MS, 300);
	sched_gap(&s, &b, &t, 250 * MS, 300);
	sched_gap(&s, &b, &t, 1 * MS, 300);
	assert_int_equal(b.gaps, 2);
	assert_int_equal(b.max, 1 * MS);
	assert_int_equal(b.sends, 4);
}

/* httperf --num-calls 6 --rate 20: each connection's requests follow its
 * answers (closed loop by design); the connections are the schedule, kept,
 * and the gaps between sessions are no client stall. */
static void schedule_of_sessions(void **state)
{
	(void)state;
	struct tl_load l = { .rate = 20, .seconds = 10, .http = 1, .calls = 6, .link_ns = 1 * MS,
			     .guest_ns = 500 * US, .client_ns = 30 * US };
	uint64_t at = T0;
	struct results *r = run_loads(&l, &at, 1, S);
	assert_int_equal(r->n_steps, 1);
	const struct res_step *s = &r->steps[0];
	rate_near(s->connection_rate, 20, 0.02);
	rate_near(s->request_rate, 120, 0.02);
	assert_true(s->sched.of_connections);
	assert_true(s->sched.kept);
	assert_true(s->sched.interarrival_cv < 0.01);
	assert_int_equal(s->judged.limit, RES_LIMIT_NONE);
	res_free(r);
}

/* ---- live's callback: each step as it is stored, in order ---- */

struct seen {
	int n;
	double rate[8];
};

static void on_step(void *ctx, const struct res_step *s, size_t i)
{
	struct seen *v = ctx;
	assert_int_equal(i, (size_t)v->n);
	v->rate[v->n++] = s->request_rate;
}

static void callback_per_step(void **state)
{
	(void)state;
	struct tl tl = { .rng = 3 };
	for (int i = 0; i < 3; i++) {
		struct tl_load l = { .rate = 100.0 * (i + 1), .seconds = 2, .link_ns = 1 * MS, .guest_ns = 200 * US };
		tl_run(&tl, T0 + (uint64_t)i * 3 * S, &l);
	}
	struct seen v = { 0 };
	struct results *r = res_new();
	tl_feed(&tl, r, S, 0, on_step, &v);
	assert_int_equal(v.n, 3);
	rate_near(v.rate[2], 300, 0.01);
	res_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ramp_with_pauses),
		cmocka_unit_test(ramp_without_pauses),
		cmocka_unit_test(no_ramp_is_one_step),
		cmocka_unit_test(poisson_no_false_steps),
		cmocka_unit_test(low_rate_long_steps),
		cmocka_unit_test(high_rate),
		cmocka_unit_test(one_second_steps),
		cmocka_unit_test(changing_rates),
		cmocka_unit_test(transactions_by_start),
		cmocka_unit_test(late_unanswered_counted),
		cmocka_unit_test(schedule_coordinated_omission),
		cmocka_unit_test(schedule_idle_stall),
		cmocka_unit_test(schedule_pause_excluded),
		cmocka_unit_test(schedule_of_sessions),
		cmocka_unit_test(callback_per_step),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
