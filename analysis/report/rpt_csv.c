/* CSV: one row per transaction, the JSON Lines columns (RFC 4180 quoting). */
#include <stdio.h>
#include "analysis/report/rpt.h"
#include "analysis/detect/silence.h"

/* The header: the JSON Lines keys, in their order. */
void rpt_csv_header(FILE *f)
{
	for (int k = 0; k < RPT_TXN_NFIELDS; k++)
		fprintf(f, "%s%s", k ? "," : "", rpt_txn_fields[k].key);
	putc('\n', f);
}

static void csv_str(FILE *f, const char *s)
{
	putc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			putc('"', f);
		putc(*s, f);
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

/* ---- the incidents table (guest silences): its header always ---- */

static void incident_header(FILE *f)
{
	fputs("guest,kind,point,start_ns,end_ns,open,duration_s,last_answer_ns,detected_ns", f);
	for (int p = 0; p < PT_N; p++)
		fprintf(f, ",%s_requests", rpt_role_name[p]);
	putc('\n', f);
}

static void incident_row(FILE *f, const struct results *r, const struct res_incident *in)
{
	uint64_t end = in->open ? r->last_ns : in->end_ns;
	char ip[64];
	fprintf(f, "%s,%s,%s,%llu,", ipaddr_str(&in->guest, ip, sizeof ip), sil_kind_key(in->kind),
		rpt_role_name[in->point < PT_N ? in->point : 0], (unsigned long long)in->start_ns);
	if (!in->open)	/* open: empty end */
		fprintf(f, "%llu", (unsigned long long)in->end_ns);
	fprintf(f, ",%s,%.6f,%llu,%llu", in->open ? "true" : "false",
		end > in->start_ns ? (double)(end - in->start_ns) / 1e9 : 0.0,
		(unsigned long long)in->last_answer_ns, (unsigned long long)in->detected_ns);
	for (int p = 0; p < PT_N; p++) {
		putc(',', f);
		if (r->point[p].present)	/* a point not given: empty */
			fprintf(f, "%llu", (unsigned long long)in->requests[p]);
	}
	putc('\n', f);
}

void rpt_csv_incidents(FILE *f, const struct results *r)
{
	incident_header(f);
	for (unsigned i = 0; i < r->n_incidents; i++)
		incident_row(f, r, &r->incident[i]);
}

/* ---- the load steps table ----
 * The columns the diagnosis gives each step (issue 8); until it fills
 * results with steps, the header alone, so the table loads (empty) and its
 * columns are known. rpt_csv_step_row is where a step's row goes. */
static const char *const step_comps[] = { "total", "client", "link", "bridge", "guest" };

void rpt_csv_steps(FILE *f, const struct results *r)
{
	(void)r;	/* no steps in results yet */
	fputs("step,start_ns,end_ns,duration_s,request_rate,response_rate,answered_fraction", f);
	for (size_t c = 0; c < sizeof step_comps / sizeof step_comps[0]; c++)
		fprintf(f, ",%s_count,%s_p50_us,%s_p90_us,%s_p99_us,%s_mean_us,%s_stddev_us", step_comps[c],
			step_comps[c], step_comps[c], step_comps[c], step_comps[c], step_comps[c]);
	fputs(",limit,why\n", f);
}
