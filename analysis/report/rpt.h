/* Reports draw results (analysis/results.h) and transactions; they never
 * recompute a statistic. Text summary, JSON summary, JSON Lines and CSV
 * transaction writers (txn_sink callbacks, ctx = struct rpt_out). */
#ifndef HOPLAT_RPT_H
#define HOPLAT_RPT_H

#include <stdio.h>
#include <stdint.h>
#include "analysis/results/results.h"
#include "analysis/point/txn.h"

/* Summary writers; 0, or -EIO when writing failed. */
int rpt_text(FILE *f, const struct results *r);
int rpt_json(FILE *f, const struct results *r);
/* One warning line per point whose input guard kept packets or times out
 * ("hoplat CMD: warning: SOURCE: not analyzed: ..."), for stderr. */
void rpt_input_warnings(FILE *f, const char *cmd, const struct results *r);

/* Transaction writers. */
struct rpt_out {
	FILE *f;
	uint64_t rows;
};
void rpt_jsonl_txn(void *ctx, const struct txn *t);	/* ctx: struct rpt_out */
void rpt_csv_header(FILE *f);
void rpt_csv_txn(void *ctx, const struct txn *t);	/* ctx: struct rpt_out */
/* Incidents (rpt_incident.c): the text summary's section (nothing when
 * none); the JSON summary's ,"incidents":[...],"incidents_total":N; a CSV
 * section of kind=incident rows after the window rows (nothing when none). */
void rpt_text_incidents(FILE *f, const struct results *r);
void rpt_json_incidents(FILE *f, const struct results *r);
void rpt_csv_incidents(FILE *f, const struct results *r);
/* The time series: `,"window_s":..,"windows":[...]` inside the JSON summary;
 * a CSV section of its own header and one kind=window row per window. */
void rpt_json_windows(FILE *f, const struct results *r);
void rpt_csv_windows(FILE *f, const struct results *r);

/* Load steps and the verdict (analysis/diagnose): the verdict's sentence
 * (the text report's first line), the steps table, the JSON "steps" list
 * and "verdict" object (with a leading comma), the CSV kind=step and
 * kind=verdict sections (nothing without steps or a verdict). */
void rpt_text_verdict(FILE *f, const struct results *r);
void rpt_text_steps(FILE *f, const struct results *r);
void rpt_json_steps(FILE *f, const struct results *r);
void rpt_csv_steps(FILE *f, const struct results *r);

/* Shared formatting. */
/* ns as microseconds with 3 decimals ("123.456", "-0.005"); "" never. */
char *rpt_us(int64_t ns, char *dst, unsigned cap);
/* JSON string with quotes and escapes. */
void rpt_json_str(FILE *f, const char *s);
/* "NOERROR" for DNS, "200" for HTTP; NULL when unanswered. */
const char *rpt_status(const struct txn *t, char *buf, unsigned cap);
/* An HTTP connection attempt never answered, without a request (its name
 * is null in JSON Lines, empty in CSV). */
int rpt_is_attempt(const struct txn *t);
extern const char *const rpt_role_name[3];	/* "client", "uplink", "vif" */
extern const char *const rpt_lost_name[4];	/* NULL, "link", "bridge", "guest" */

#endif
