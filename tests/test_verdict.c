/* Who limits each step and the run, each rule driven on both sides of its
 * threshold: guest time just below and just above (ratio and absolute
 * floor), client time growing with an idle server and with a loaded one,
 * client time below and above the unloaded total, answers short at the vif
 * (responses, SYN-ACKs, the minimum count), link and bridge time, loss on a
 * hop, idle stalls, connections without requests, a rate that stopped
 * growing, the unloaded level taken from the lowest load wherever it comes,
 * one point; the run's verdict from incidents (guest_hang, network, client
 * when they explain the failures, not when they do not) and from steps; and
 * generated ramps (tests/timeline.h) against a CPU-starved guest and a
 * client that falls behind. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>
#include "tests/timeline.h"
#include "analysis/diagnose/verdict.h"
#include "analysis/detect/incident.h"

static struct results *two_points(void)
{
	struct results *r = res_new();
	r->point[PT_CLIENT].present = r->point[PT_VIF].present = 1;
	r->npoints = 2;
	r->head_point = PT_CLIENT;
	return r;
}

static void comp(struct res_step *s, int k, int64_t p50, int64_t p90, uint64_t n)
{
	s->comp[k] = (struct res_stat){ .count = n, .p50 = p50, .p90 = p90, .p99 = p90, .mean = (double)p50,
					.stddev = (double)(p90 - p50) };
}

/* A step at rate/s for 10 s that every rule passes: all answered, the
 * testbed's times at p90 (total 3.6 ms, client 30 us, link 2 ms, bridge
 * 0.6 ms, guest 1 ms). */
static struct res_step step(double rate)
{
	struct res_step s;
	memset(&s, 0, sizeof s);
	uint64_t n = (uint64_t)(rate * 10);
	s.duration_s = 10;
	s.request_rate = s.response_rate = rate;
	s.answered_fraction = 1;
	s.transactions = s.answered = n;
	for (int p = 0; p < PT_N; p += 2)
		s.requests[p] = s.responses[p] = n;
	comp(&s, RS_TOTAL, 3500 * US, 3600 * US, n);
	comp(&s, RS_CLIENT, 25 * US, 30 * US, n);
	comp(&s, RS_LINK, 1980 * US, 2 * MS, n);
	comp(&s, RS_BRIDGE, 590 * US, 600 * US, n);
	comp(&s, RS_GUEST, 900 * US, 1 * MS, n);
	s.sched.kept = 1;
	return s;
}

static int judged(struct results *r, struct res_step *s)
{
	verdict_judge(r, s);
	return s->judged.limit;
}

/* One unloaded step in r, then s judged against it. */
static int against_base(struct res_step s)
{
	struct results *r = two_points();
	struct res_step base = step(100);
	verdict_judge(r, &base);
	res_add_step(r, &base);
	int l = judged(r, &s);
	res_free(r);
	return l;
}

static double figure(const struct res_judgement *j, const char *key)
{
	for (unsigned i = 0; i < j->n_ev; i++)
		if (!strcmp(j->ev[i].key, key))
			return j->ev[i].value;
	fail_msg("no figure %s", key);
	return 0;
}

/* Unloaded guest p90 1 ms: the threshold is 3 ms (3x beats 1 ms above). */
static void guest_time_around_ratio(void **state)
{
	(void)state;
	struct res_step s = step(1000);
	comp(&s, RS_GUEST, 2 * MS, 2990 * US, 10000);
	assert_int_equal(against_base(s), RES_LIMIT_NONE);
	comp(&s, RS_GUEST, 2 * MS, 3010 * US, 10000);
	assert_int_equal(against_base(s), RES_LIMIT_SERVER);
	struct results *r = two_points();
	struct res_step b = step(100);
	res_add_step(r, &b);
	verdict_judge(r, &s);
	assert_true(fabs(figure(&s.judged, "guest_p90_us") - 3010) < 1e-6);
	assert_true(fabs(figure(&s.judged, "guest_unloaded_p90_us") - 1000) < 1e-6);
	assert_true(fabs(figure(&s.judged, "threshold_us") - 3000) < 1e-6);
	assert_non_null(strstr(s.judged.why, "queue"));
	res_free(r);
}

/* Unloaded guest 0.2 ms: 3x is 0.6 ms, so the 1 ms above decides (1.2 ms). */
static void guest_time_around_floor(void **state)
{
	(void)state;
	struct results *r = two_points();
	struct res_step b = step(100), s = step(1000);
	comp(&b, RS_GUEST, 180 * US, 200 * US, 1000);
	res_add_step(r, &b);
	comp(&s, RS_GUEST, 500 * US, 1190 * US, 10000);
	assert_int_equal(judged(r, &s), RES_LIMIT_NONE);
	comp(&s, RS_GUEST, 500 * US, 1210 * US, 10000);
	assert_int_equal(judged(r, &s), RES_LIMIT_SERVER);
	res_free(r);
}

/* Client time grows: the client's fault while the guest keeps its speed;
 * with the guest loaded too, whichever rose more above its unloaded p90
 * (client 30 us -> 50 ms: 49.97 ms; guest 1 ms -> 50.98 or 50.96 ms). */
static void client_time_idle_vs_loaded_server(void **state)
{
	(void)state;
	struct res_step s = step(1000);
	comp(&s, RS_CLIENT, 20 * MS, 50 * MS, 10000);
	assert_int_equal(against_base(s), RES_LIMIT_CLIENT);
	comp(&s, RS_GUEST, 40 * MS, 50980 * US, 10000);
	assert_int_equal(against_base(s), RES_LIMIT_SERVER);
	comp(&s, RS_GUEST, 40 * MS, 50960 * US, 10000);
	assert_int_equal(against_base(s), RES_LIMIT_CLIENT);
}

/* Client time above 3x and 2 ms over its unloaded level, but below what a
 * whole unloaded transaction takes (3.6 ms at p90): not yet the client's limit. */
static void client_time_around_total(void **state)
{
	(void)state;
	struct res_step s = step(1000);
	comp(&s, RS_CLIENT, 1 * MS, 3590 * US, 10000);
	assert_int_equal(against_base(s), RES_LIMIT_NONE);
	comp(&s, RS_CLIENT, 1 * MS, 3610 * US, 10000);
	assert_int_equal(against_base(s), RES_LIMIT_CLIENT);
	comp(&s, RS_CLIENT, 30 * US, 2020 * US, 10000);	/* under 2 ms above */
	assert_int_equal(against_base(s), RES_LIMIT_NONE);
}

static void vif_short(void **state)
{
	(void)state;
	struct res_step s = step(1000);
	s.responses[PT_VIF] = 9399;	/* 6% short */
	assert_int_equal(against_base(s), RES_LIMIT_SERVER);
	s.responses[PT_VIF] = 9600;	/* 4% */
	assert_int_equal(against_base(s), RES_LIMIT_NONE);
	s = step(5);
	s.requests[PT_VIF] = 50;
	s.responses[PT_VIF] = 46;	/* 8%, but only 4 */
	assert_int_equal(against_base(s), RES_LIMIT_NONE);
	s.responses[PT_VIF] = 45;
	assert_int_equal(against_base(s), RES_LIMIT_SERVER);
}

static void synacks_short(void **state)
{
	(void)state;
	struct res_step s = step(1000);
	s.attempts[PT_CLIENT] = s.attempts[PT_VIF] = 10000;
	s.accepted[PT_CLIENT] = s.accepted[PT_VIF] = 9600;
	assert_int_equal(against_base(s), RES_LIMIT_NONE);
	s.accepted[PT_VIF] = s.accepted[PT_CLIENT] = 9000;
	assert_int_equal(against_base(s), RES_LIMIT_SERVER);
}

/* Link unloaded 2 ms: 2x (4 ms) beats 0.5 ms above. Bridge 0.6 ms: 1.2 ms vs 1.1 ms. */
static void network_time(void **state)
{
	(void)state;
	struct res_step s = step(1000);
	comp(&s, RS_LINK, 3 * MS, 3990 * US, 10000);
	assert_int_equal(against_base(s), RES_LIMIT_NONE);
	comp(&s, RS_LINK, 3 * MS, 4010 * US, 10000);
	assert_int_equal(against_base(s), RES_LIMIT_NETWORK);
	s = step(1000);
	comp(&s, RS_BRIDGE, 1 * MS, 1190 * US, 10000);
	assert_int_equal(against_base(s), RES_LIMIT_NONE);
	comp(&s, RS_BRIDGE, 1 * MS, 1210 * US, 10000);
	assert_int_equal(against_base(s), RES_LIMIT_NETWORK);
	comp(&s, RS_GUEST, 5 * MS, 9 * MS, 10000);	/* the guest queues too: the server first */
	assert_int_equal(against_base(s), RES_LIMIT_SERVER);
}

/* Requests lost between client and vif: of 10000 + 9780 packets crossing, 220 lost is 1.1%. */
static void network_loss(void **state)
{
	(void)state;
	struct res_step s = step(1000);
	s.requests[PT_VIF] = s.responses[PT_VIF] = s.responses[PT_CLIENT] = 9780;
	assert_int_equal(against_base(s), RES_LIMIT_NETWORK);
	s.requests[PT_VIF] = s.responses[PT_VIF] = s.responses[PT_CLIENT] = 9820;	/* 0.9% */
	assert_int_equal(against_base(s), RES_LIMIT_NONE);
}

/* Loss that does not grow with load still limits past 5%: the unloaded
 * step itself loses 5.1% (970 of 10000 + 9030) against 4.9% (940 of
 * 10000 + 9060). */
static void network_loss_at_any_load(void **state)
{
	(void)state;
	struct results *r = two_points();
	struct res_step s = step(1000);
	s.requests[PT_VIF] = s.responses[PT_VIF] = s.responses[PT_CLIENT] = 9030;
	assert_int_equal(judged(r, &s), RES_LIMIT_NETWORK);
	s.requests[PT_VIF] = s.responses[PT_VIF] = s.responses[PT_CLIENT] = 9060;
	assert_int_equal(judged(r, &s), RES_LIMIT_NONE);
	res_free(r);
}

/* The client stopped sending with the server idle: 10% of the step. */
static void idle_stalls(void **state)
{
	(void)state;
	struct res_step s = step(1000);
	s.sched.idle_stall_ns = 990 * (int64_t)MS;
	assert_int_equal(against_base(s), RES_LIMIT_NONE);
	s.sched.idle_stall_ns = 1010 * (int64_t)MS;
	assert_int_equal(against_base(s), RES_LIMIT_CLIENT);
}

static void connections_without_requests(void **state)
{
	(void)state;
	struct res_step s = step(1000);
	s.attempts[PT_CLIENT] = s.accepted[PT_CLIENT] = 10000;
	s.attempts[PT_VIF] = s.accepted[PT_VIF] = 10000;
	s.connection_rate = 1000;
	s.requests[PT_CLIENT] = 9600;
	assert_int_equal(against_base(s), RES_LIMIT_NONE);
	s.requests[PT_CLIENT] = 9400;
	assert_int_equal(against_base(s), RES_LIMIT_CLIENT);
}

/* A ramp 100, 200, 300, then a step after a pause at 315/s (within 5% of
 * 300: it stopped growing) or at 316/s; a falling step is no sign. */
static int after_ramp(double rate, int after_gap)
{
	struct results *r = two_points();
	for (int i = 1; i <= 3; i++) {
		struct res_step b = step(100.0 * i);
		b.after_gap = i > 1;
		res_add_step(r, &b);
	}
	struct res_step s = step(rate);
	s.after_gap = (uint8_t)after_gap;
	int l = judged(r, &s);
	res_free(r);
	return l;
}

static void rate_stopped_growing(void **state)
{
	(void)state;
	assert_int_equal(after_ramp(315, 1), RES_LIMIT_CLIENT);
	assert_int_equal(after_ramp(300, 1), RES_LIMIT_CLIENT);
	assert_int_equal(after_ramp(316, 1), RES_LIMIT_NONE);
	assert_int_equal(after_ramp(200, 1), RES_LIMIT_NONE);
	assert_int_equal(after_ramp(300, 0), RES_LIMIT_NONE);	/* no pause: the same run */
}

/* A falling ramp: judged on its own, the first step is its own unloaded
 * level, however wide its spread; at the end the lowest load sets it, and
 * the first is the server's. */
static void unloaded_level_from_lowest_load(void **state)
{
	(void)state;
	struct results *r = two_points();
	struct res_step hi = step(1000), lo = step(100);
	comp(&hi, RS_GUEST, 3 * MS, 4 * MS, 10000);
	assert_int_equal(judged(r, &hi), RES_LIMIT_NONE);
	res_add_step(r, &hi);
	assert_int_equal(judged(r, &lo), RES_LIMIT_NONE);
	res_add_step(r, &lo);
	verdict_run(r);
	assert_int_equal(r->steps[0].judged.limit, RES_LIMIT_SERVER);
	assert_int_equal(r->verdict.limit, RES_LIMIT_SERVER);
	assert_int_equal(r->verdict_step, 0);
	res_free(r);
}

/* One point: the total time stands for the server, and says so. */
static void one_point(void **state)
{
	(void)state;
	struct results *r = res_new();
	r->point[PT_CLIENT].present = 1;
	r->npoints = 1;
	struct res_step b = step(100), s = step(1000);
	for (int k = RS_CLIENT; k < RES_STEP_COMPS; k++)
		b.comp[k].count = s.comp[k].count = 0;
	res_add_step(r, &b);
	comp(&s, RS_TOTAL, 10 * MS, 20 * MS, 10000);
	assert_int_equal(judged(r, &s), RES_LIMIT_SERVER);
	assert_non_null(strstr(s.judged.why, "one point"));
	res_free(r);
}

/* ---- the run ---- */

static int kind_of(const char *key)
{
	for (int k = 1; k < INC_N; k++)
		if (!strcmp(inc_kind_key(k), key))
			return k;
	return -1;
}

/* Four steps, the third and fourth server-limited; an incident of kind key
 * reaching `requests` vif requests, with `unanswered` transactions in all. */
static struct results *run_with(const char *key, uint64_t requests, uint64_t unanswered)
{
	struct results *r = two_points();
	for (int i = 0; i < 4; i++) {
		struct res_step s = step(100.0 * (i + 1));
		s.start_ns = T0 + (uint64_t)i * 11 * S;
		s.end_ns = s.start_ns + 10 * S;
		if (i >= 2)
			s.responses[PT_VIF] = s.requests[PT_VIF] / 2;
		res_add_step(r, &s);
	}
	r->http.unanswered = unanswered;
	r->last_ns = T0 + 50 * S;
	if (key) {
		struct res_incident *in = &r->incident[r->n_incidents++];
		in->kind = (uint8_t)kind_of(key);
		in->point = PT_VIF;
		in->start_ns = T0 + 23 * S;
		in->open = 1;
		in->requests[PT_VIF] = requests;
		r->incidents_total = 1;
	}
	verdict_run(r);
	return r;
}

static void run_from_steps(void **state)
{
	(void)state;
	struct results *r = run_with(NULL, 0, 0);
	assert_int_equal(r->verdict.limit, RES_LIMIT_SERVER);
	assert_int_equal(r->verdict_step, 2);
	assert_int_equal(r->steps[1].judged.limit, RES_LIMIT_NONE);
	assert_non_null(strstr(r->verdict.why, "from step 3"));
	assert_true(r->verdict.n_ev > 0);
	res_free(r);
}

static void run_hang_explains(void **state)
{
	(void)state;
	struct results *r = run_with("silent", 500, 1000);	/* half the unanswered: explains */
	assert_int_equal(r->verdict.limit, RES_LIMIT_GUEST_HANG);
	assert_int_equal(r->verdict_step, 2);
	assert_true(fabs(figure(&r->verdict, "incident_requests") - 500) < 1e-9);
	res_free(r);
	r = run_with("app_only", 500, 1000);
	assert_int_equal(r->verdict.limit, RES_LIMIT_GUEST_HANG);
	res_free(r);
	r = run_with("silent", 499, 1000);	/* less: the steps decide */
	assert_int_equal(r->verdict.limit, RES_LIMIT_SERVER);
	res_free(r);
	r = run_with("silent", 500, 0);	/* all answered late, in a step the server limits: its queue */
	assert_int_equal(r->verdict.limit, RES_LIMIT_SERVER);
	res_free(r);
}

/* A guest stopped for a while answers everything late (kill -STOP, then
 * CONT): nothing unanswered, the silence is the failure. */
static void run_hang_answered_late(void **state)
{
	(void)state;
	struct results *r = two_points();
	struct res_step s = step(100);
	s.start_ns = T0;
	s.end_ns = T0 + 10 * S;
	res_add_step(r, &s);
	struct res_incident *in = &r->incident[r->n_incidents++];
	in->kind = (uint8_t)kind_of("app_only");
	in->point = PT_VIF;
	in->start_ns = T0 + 2 * S;
	in->end_ns = T0 + 4 * S;
	in->requests[PT_VIF] = 200;
	verdict_run(r);
	assert_int_equal(r->verdict.limit, RES_LIMIT_GUEST_HANG);
	assert_int_equal(r->verdict_step, 0);
	res_free(r);
}

static void run_loss_explains(void **state)
{
	(void)state;
	struct results *r = run_with("lost_bridge", 800, 1000);
	assert_int_equal(r->verdict.limit, RES_LIMIT_NETWORK);
	res_free(r);
	r = run_with("lost_link", 800, 1000);
	assert_int_equal(r->verdict.limit, RES_LIMIT_NETWORK);
	res_free(r);
}

/* The detector's client_port_exhaustion: the step it overlaps is the
 * client's, and so is the run. */
static void run_ports_run_out(void **state)
{
	(void)state;
	assert_true(kind_of("client_port_exhaustion") > 0);
	struct results *r = run_with("client_port_exhaustion", 0, 0);
	assert_int_equal(r->verdict.limit, RES_LIMIT_CLIENT);
	assert_int_equal(r->steps[2].judged.limit, RES_LIMIT_SERVER);	/* the server rules first */
	res_free(r);
}

static void run_none(void **state)
{
	(void)state;
	struct results *r = two_points();
	for (int i = 1; i <= 4; i++) {
		struct res_step s = step(100.0 * i);
		res_add_step(r, &s);
	}
	verdict_run(r);
	assert_int_equal(r->verdict.limit, RES_LIMIT_NONE);
	assert_int_equal(r->verdict_step, -1);
	assert_non_null(strstr(r->verdict.why, "4 steps from 100.0 to 400.0"));
	res_free(r);
	r = two_points();
	verdict_run(r);
	assert_int_equal(r->verdict.limit, RES_LIMIT_NONE);
	assert_non_null(strstr(r->verdict.why, "No load steps"));
	res_free(r);
}

/* ---- generated ramps through the whole diagnosis ---- */

/* dnsperf at 200, 400, 800, 1600 against a guest with a CPU quota: from
 * 800/s each query waits longer than the one before. */
static void ramp_cpu_starved_guest(void **state)
{
	(void)state;
	static const double rates[4] = { 200, 400, 800, 1600 };
	static const int64_t queue[4] = { 0, 0, 2 * US, 8 * US };
	struct tl tl = { .rng = 5 };
	for (int i = 0; i < 4; i++) {
		struct tl_load l = { .rate = rates[i], .seconds = 3, .link_ns = 1 * MS, .guest_ns = 400 * US,
				     .guest_step_ns = queue[i], .vif = 1 };
		tl_run(&tl, T0 + (uint64_t)i * 3500 * MS, &l);
	}
	struct results *r = res_new();
	tl_feed(&tl, r, S, 1, NULL, NULL);
	assert_int_equal(r->n_steps, 4);
	assert_int_equal(r->steps[0].judged.limit, RES_LIMIT_NONE);
	assert_int_equal(r->steps[1].judged.limit, RES_LIMIT_NONE);
	assert_int_equal(r->steps[2].judged.limit, RES_LIMIT_SERVER);
	assert_int_equal(r->steps[3].judged.limit, RES_LIMIT_SERVER);
	assert_int_equal(r->verdict.limit, RES_LIMIT_SERVER);
	assert_int_equal(r->verdict_step, 2);
	res_free(r);
}

/* httperf at 50, 100, 200 conn/s while the guest answers in 0.1 ms; at the
 * top httperf sends each request 300 ms after its handshake. */
static void ramp_client_behind(void **state)
{
	(void)state;
	static const double rates[3] = { 50, 100, 200 };
	static const int64_t late[3] = { 30 * US, 40 * US, 300 * MS };
	struct tl tl = { .rng = 7 };
	for (int i = 0; i < 3; i++) {
		struct tl_load l = { .rate = rates[i], .seconds = 4, .http = 1, .link_ns = 1 * MS,
				     .guest_ns = 100 * US, .client_ns = late[i], .vif = 1 };
		tl_run(&tl, T0 + (uint64_t)i * 5 * S, &l);
	}
	struct results *r = res_new();
	tl_feed(&tl, r, S, 1, NULL, NULL);
	assert_int_equal(r->n_steps, 3);
	for (int i = 0; i < 3; i++)
		assert_int_not_equal(r->steps[i].judged.limit, RES_LIMIT_SERVER);
	assert_int_equal(r->steps[2].judged.limit, RES_LIMIT_CLIENT);
	assert_int_equal(r->verdict.limit, RES_LIMIT_CLIENT);
	res_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(guest_time_around_ratio),
		cmocka_unit_test(guest_time_around_floor),
		cmocka_unit_test(client_time_idle_vs_loaded_server),
		cmocka_unit_test(client_time_around_total),
		cmocka_unit_test(vif_short),
		cmocka_unit_test(synacks_short),
		cmocka_unit_test(network_time),
		cmocka_unit_test(network_loss),
		cmocka_unit_test(network_loss_at_any_load),
		cmocka_unit_test(idle_stalls),
		cmocka_unit_test(connections_without_requests),
		cmocka_unit_test(rate_stopped_growing),
		cmocka_unit_test(unloaded_level_from_lowest_load),
		cmocka_unit_test(one_point),
		cmocka_unit_test(run_from_steps),
		cmocka_unit_test(run_hang_explains),
		cmocka_unit_test(run_hang_answered_late),
		cmocka_unit_test(run_loss_explains),
		cmocka_unit_test(run_ports_run_out),
		cmocka_unit_test(run_none),
		cmocka_unit_test(ramp_cpu_starved_guest),
		cmocka_unit_test(ramp_client_behind),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
