/* CSV: one row per transaction, the JSON Lines columns (RFC 4180 quoting). */
#include <stdio.h>
#include <string.h>
#include "analysis/report/rpt.h"
#include "common/text.h"

/* The header: the JSON Lines keys, in their order. */
void rpt_csv_header(FILE *f)
{
	for (int k = 0; k < RPT_TXN_NFIELDS; k++)
		fprintf(f, "%s%s", k ? "," : "", rpt_txn_fields[k].key);
	putc('\n', f);
}

/* A text cell: quoted (RFC 4180), valid UTF-8 (a byte that is not, and
 * every control byte, as \xNN: common/text.h), and never a formula: a cell
 * that starts with = + - or @ gets a leading single quote, as OWASP's CSV
 * injection advice has it (tab and CR, the other two, are escaped anyway).
 * Only names go through here; numbers stay numbers. */
static void csv_str(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t left = strlen(s);
	putc('"', f);
	if (*p && strchr("=+-@", *p))
		putc('\'', f);
	while (left) {
		uint32_t cp;
		unsigned n = text_utf8_char(p, left, &cp);
		if (!n) {
			fprintf(f, "\\x%02x", *p);
			n = 1;
		} else if (*p == '"') {
			fputs("\"\"", f);
		} else {
			fwrite(p, 1, n, f);
		}
		p += n;
		left -= n;
	}
	putc('"', f);
}

/* A cell: empty for null, a string quoted, a number as is. */
static void csv_val(FILE *f, enum rpt_ftype type, const struct rpt_val *v)
{
	char b[32];
	if (v->null)
		return;
	if (type == RPT_STR)
		csv_str(f, v->s);
	else if (type == RPT_US)
		fputs(rpt_us(v->i, b, sizeof b), f);
	else
		fprintf(f, "%lld", (long long)v->i);
}

void rpt_csv_txn(void *ctx, const struct txn *t)
{
	struct rpt_out *o = ctx;
	struct rpt_val v[RPT_TXN_NFIELDS];
	struct rpt_txn_buf b;
	rpt_txn_values(t, v, &b);
	for (int k = 0; k < RPT_TXN_NFIELDS; k++) {
		if (k)
			putc(',', o->f);
		csv_val(o->f, rpt_txn_fields[k].type, &v[k]);
	}
	putc('\n', o->f);
	o->rows++;
}

static void csv_stat(FILE *f, const struct res_stat *s)
{
	char b[3][32];
	if (!s->count) {
		fputs(",0,,,,,", f);
		return;
	}
	fprintf(f, ",%llu,%s,%s,%s,%.3f,%.3f", (unsigned long long)s->count, rpt_us(s->p50, b[0], 32),
		rpt_us(s->p90, b[1], 32), rpt_us(s->p99, b[2], 32), s->mean / 1e3, s->stddev / 1e3);
}

static void csv_step(FILE *f, const struct res_step *s, size_t i)
{
	fprintf(f, "%zu,%llu,%llu,%.6f,%.3f,%.3f,%.3f,", i + 1, (unsigned long long)s->start_ns,
		(unsigned long long)s->end_ns, s->duration_s, s->request_rate, s->response_rate,
		s->connection_rate);
	if (s->answered_fraction >= 0)
		fprintf(f, "%.6f", s->answered_fraction);
	fprintf(f, ",%llu,%llu", (unsigned long long)s->transactions, (unsigned long long)s->answered);
	for (int k = 0; k < RES_STEP_COMPS; k++)
		csv_stat(f, &s->comp[k]);
	const struct res_schedule *c = &s->sched;
	fprintf(f, ",%s,%llu,", c->of_connections ? "connections" : "requests", (unsigned long long)c->sends);
	if (c->interarrival_cv >= 0)
		fprintf(f, "%.6f", c->interarrival_cv);
	fprintf(f, ",%.6f,%.6f,%llu,%.6f,%s,%s,", (double)c->max_gap_ns / 1e9, (double)c->stalled_ns / 1e9,
		(unsigned long long)c->omitted, (double)c->idle_stall_ns / 1e9, c->kept ? "true" : "false",
		res_limit_name(s->judged.limit));
	csv_str(f, s->judged.why);
	putc('\n', f);
}

void rpt_csv_steps(FILE *f, const struct results *r)
{
	fputs("step,start_ns,end_ns,duration_s,request_rate,response_rate,connection_rate,"
	      "answered_fraction,transactions,answered", f);
	for (int k = 0; k < RES_STEP_COMPS; k++) {
		const char *c = res_comp_name(res_step_comp[k]);
		fprintf(f, ",%s_count,%s_p50_us,%s_p90_us,%s_p99_us,%s_mean_us,%s_stddev_us", c, c, c, c, c, c);
	}
	fputs(",schedule_of,sends,interarrival_cv,max_gap_s,stalled_s,omitted,idle_stall_s,"
	      "schedule_kept,limit,why\n", f);
	for (size_t i = 0; i < r->n_steps; i++)
		csv_step(f, &r->steps[i], i);
}

void rpt_csv_verdict(FILE *f, const struct results *r)
{
	fputs("limit,first_limited_step,why\n", f);
	if (!r->verdict_valid)
		return;
	fprintf(f, "%s,", res_limit_name(r->verdict.limit));
	if (r->verdict_step >= 0)
		fprintf(f, "%d", r->verdict_step + 1);
	putc(',', f);
	csv_str(f, r->verdict.why);
	putc('\n', f);
}
