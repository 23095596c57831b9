/* Load steps and the run's verdict (analysis/diagnose), drawn as they are
 * in the results: the verdict first in the text report, a table of steps,
 * and their JSON. */
#include <stdio.h>
#include "analysis/report/rpt.h"

static const char *const sched_of[2] = { "requests", "connections" };

/* ---- text ---- */

void rpt_text_verdict(FILE *f, const struct results *r)
{
	if (!r->verdict_valid)
		return;
	fprintf(f, "verdict: %s. %s\n", res_limit_name(r->verdict.limit), r->verdict.why);
}

static void ms_pair(FILE *f, const struct res_stat *s)
{
	if (s->count)
		fprintf(f, " %8.3f %8.3f", (double)s->p50 / 1e6, (double)s->p90 / 1e6);
	else
		fprintf(f, " %8s %8s", "-", "-");
}

static void step_line(FILE *f, const struct results *r, size_t i)
{
	const struct res_step *s = &r->steps[i];
	int g = s->comp[RS_GUEST].count ? RS_GUEST : RS_SERVER;
	fprintf(f, "    %3zu %9.3f %8.3f %10.1f %10.1f", i + 1,
		s->start_ns >= r->first_ns ? (double)(s->start_ns - r->first_ns) / 1e9 : 0.0, s->duration_s,
		s->request_rate, s->response_rate);
	if (s->answered_fraction >= 0)
		fprintf(f, " %8.1f%%", 100 * s->answered_fraction);
	else
		fprintf(f, " %9s", "-");
	ms_pair(f, &s->comp[RS_TOTAL]);
	fprintf(f, " %8.3f", s->comp[RS_TOTAL].count ? s->comp[RS_TOTAL].stddev / 1e6 : 0.0);
	ms_pair(f, &s->comp[g]);
	ms_pair(f, &s->comp[RS_CLIENT]);
	fprintf(f, "  %-8s\n", res_limit_name(s->judged.limit));
	char cv[32] = "-";
	if (s->sched.interarrival_cv >= 0)
		snprintf(cv, sizeof cv, "%.3f", s->sched.interarrival_cv);
	fprintf(f, "          %s; schedule of %s %s: cv %s, largest gap %.3f ms, omitted %llu\n",
		s->judged.why, sched_of[s->sched.of_connections], s->sched.kept ? "kept" : "not kept", cv,
		(double)s->sched.max_gap_ns / 1e6, (unsigned long long)s->sched.omitted);
}

void rpt_text_steps(FILE *f, const struct results *r)
{
	if (!r->n_steps)
		return;
	fprintf(f, "load steps (rates at the %s; latency ms):\n", rpt_role_name[r->head_point % PT_N]);
	fprintf(f, "    %3s %9s %8s %10s %10s %9s %8s %8s %8s %8s %8s %8s %8s  %s\n", "#", "start s",
		"dur s", "req/s", "resp/s", "answered", "tot p50", "tot p90", "tot sd", "gst p50", "gst p90",
		"cli p50", "cli p90", "limit");
	for (size_t i = 0; i < r->n_steps; i++)
		step_line(f, r, i);
	if (r->steps_outside)
		fprintf(f, "    transactions begun in no step (pauses): %llu\n",
			(unsigned long long)r->steps_outside);
}

/* ---- JSON ---- */

static void json_num(FILE *f, const char *key, double v, int ok)
{
	if (ok)
		fprintf(f, ",\"%s\":%.6g", key, v);
	else
		fprintf(f, ",\"%s\":null", key);
}

static void json_evidence(FILE *f, const struct res_judgement *j)
{
	fputs(",\"evidence\":{", f);
	for (unsigned k = 0; k < j->n_ev; k++)
		fprintf(f, "%s\"%s\":%.6g", k ? "," : "", j->ev[k].key, j->ev[k].value);
	putc('}', f);
}

static void json_stat(FILE *f, const char *name, const struct res_stat *s, int comma)
{
	char b[4][32];
	fprintf(f, "%s\"%s\":", comma ? "," : "", name);
	if (!s->count) {
		fputs("{\"count\":0,\"p50\":null,\"p90\":null,\"p99\":null,\"mean\":null,\"stddev\":null}", f);
		return;
	}
	fprintf(f, "{\"count\":%llu,\"p50\":%s,\"p90\":%s,\"p99\":%s,\"mean\":%.3f,\"stddev\":%.3f}",
		(unsigned long long)s->count, rpt_us(s->p50, b[0], 32), rpt_us(s->p90, b[1], 32),
		rpt_us(s->p99, b[2], 32), s->mean / 1e3, s->stddev / 1e3);
}

static void json_points(FILE *f, const struct results *r, const struct res_step *s)
{
	fputs(",\"points\":{", f);
	int first = 1;
	for (int p = 0; p < PT_N; p++) {
		if (!r->point[p].present)
			continue;
		fprintf(f, "%s\"%s\":{\"requests\":%llu,\"responses\":%llu,\"attempts\":%llu,\"syn_acks\":%llu}",
			first ? "" : ",", rpt_role_name[p], (unsigned long long)s->requests[p],
			(unsigned long long)s->responses[p], (unsigned long long)s->attempts[p],
			(unsigned long long)s->accepted[p]);
		first = 0;
	}
	putc('}', f);
}

static void json_schedule(FILE *f, const struct res_schedule *c)
{
	fprintf(f, ",\"schedule\":{\"of\":\"%s\",\"sends\":%llu", sched_of[c->of_connections],
		(unsigned long long)c->sends);
	json_num(f, "interarrival_cv", c->interarrival_cv, c->interarrival_cv >= 0);
	fprintf(f, ",\"max_gap_s\":%.6f,\"stalled_s\":%.6f,\"omitted\":%llu,\"idle_stall_s\":%.6f,\"kept\":%s}",
		(double)c->max_gap_ns / 1e9, (double)c->stalled_ns / 1e9, (unsigned long long)c->omitted,
		(double)c->idle_stall_ns / 1e9, c->kept ? "true" : "false");
}

static void json_step(FILE *f, const struct results *r, size_t i)
{
	const struct res_step *s = &r->steps[i];
	fprintf(f, "%s{\"step\":%zu,\"start_ns\":%llu,\"end_ns\":%llu,\"duration_s\":%.6f", i ? "," : "", i + 1,
		(unsigned long long)s->start_ns, (unsigned long long)s->end_ns, s->duration_s);
	fprintf(f, ",\"request_rate\":%.3f,\"response_rate\":%.3f,\"connection_rate\":%.3f", s->request_rate,
		s->response_rate, s->connection_rate);
	json_num(f, "answered_fraction", s->answered_fraction, s->answered_fraction >= 0);
	fprintf(f, ",\"transactions\":%llu,\"answered\":%llu,\"lost\":{\"link\":%llu,\"bridge\":%llu,"
		"\"guest\":%llu},\"after_pause\":%s", (unsigned long long)s->transactions,
		(unsigned long long)s->answered, (unsigned long long)s->lost[LOST_LINK],
		(unsigned long long)s->lost[LOST_BRIDGE], (unsigned long long)s->lost[LOST_GUEST],
		s->after_gap ? "true" : "false");
	json_points(f, r, s);
	fputs(",\"latency_us\":{", f);
	for (int k = 0; k < RES_STEP_COMPS; k++)
		if (k != RS_SERVER || s->comp[k].count)
			json_stat(f, res_comp_name(res_step_comp[k]), &s->comp[k], k > 0);
	putc('}', f);
	json_schedule(f, &s->sched);
	fprintf(f, ",\"limit\":\"%s\",\"why\":", res_limit_name(s->judged.limit));
	rpt_json_str(f, s->judged.why);
	json_evidence(f, &s->judged);
	putc('}', f);
}

void rpt_json_steps(FILE *f, const struct results *r)
{
	fputs(",\"steps\":[", f);
	for (size_t i = 0; i < r->n_steps; i++)
		json_step(f, r, i);
	fprintf(f, "],\"steps_outside\":%llu", (unsigned long long)r->steps_outside);
	if (!r->verdict_valid) {
		fputs(",\"verdict\":null", f);
		return;
	}
	fprintf(f, ",\"verdict\":{\"limit\":\"%s\",\"why\":", res_limit_name(r->verdict.limit));
	rpt_json_str(f, r->verdict.why);
	json_evidence(f, &r->verdict);
	if (r->verdict_step >= 0)
		fprintf(f, ",\"first_limited_step\":%d}", r->verdict_step + 1);
	else
		fputs(",\"first_limited_step\":null}", f);
}
