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

/* A transaction's columns, in order, shared by JSON Lines and CSV: every
 * row has every field (null where it does not apply or was not measured);
 * types are fixed per column (docs/schema/transaction.schema.json). */
enum rpt_ftype { RPT_STR, RPT_INT, RPT_US };	/* RPT_US: ns written as microseconds */
#define RPT_TXN_FIELDS(X) \
	X(PROTO, "proto", RPT_STR) X(CLIENT_IP, "client_ip", RPT_STR) \
	X(CLIENT_PORT, "client_port", RPT_INT) X(SERVER_IP, "server_ip", RPT_STR) \
	X(SERVER_PORT, "server_port", RPT_INT) X(ID, "id", RPT_INT) X(NAME, "name", RPT_STR) \
	X(QTYPE, "qtype", RPT_INT) X(DNS_RCODE, "dns_rcode", RPT_STR) \
	X(HTTP_STATUS, "http_status", RPT_INT) X(START_NS, "start_ns", RPT_INT) \
	X(TOTAL_US, "total_us", RPT_US) X(RESPONSE_US, "response_us", RPT_US) \
	X(CLIENT_US, "client_us", RPT_US) X(LINK_US, "link_us", RPT_US) \
	X(BRIDGE_US, "bridge_us", RPT_US) X(GUEST_US, "guest_us", RPT_US) \
	X(NETWORK_US, "network_us", RPT_US) X(SERVER_US, "server_us", RPT_US) \
	X(CLIENT_LINK_US, "client_link_us", RPT_US) X(LINK_IN_US, "link_in_us", RPT_US) \
	X(LINK_OUT_US, "link_out_us", RPT_US) X(LOST_HOP, "lost_hop", RPT_STR) \
	X(POINT, "point", RPT_STR)
enum {
#define X(id, key, type) RF_##id,
	RPT_TXN_FIELDS(X)
#undef X
	RPT_TXN_NFIELDS
};
struct rpt_field {
	const char *key;
	enum rpt_ftype type;
};
extern const struct rpt_field rpt_txn_fields[RPT_TXN_NFIELDS];
struct rpt_val {
	uint8_t null;
	const char *s;		/* RPT_STR */
	int64_t i;		/* RPT_INT; RPT_US in ns */
};
struct rpt_txn_buf {		/* what the string values point into */
	char client[64], server[64], rcode[16];
};
void rpt_txn_values(const struct txn *t, struct rpt_val v[RPT_TXN_NFIELDS], struct rpt_txn_buf *b);

/* The tables of `--csv DIR` besides transactions.csv, each with one header
 * and fixed columns (written even when there is no row): incidents.csv
 * (rpt_incident.c), windows.csv (the time series), steps.csv (load steps)
 * and verdict.csv (rpt_steps.c). */
void rpt_csv_incidents(FILE *f, const struct results *r);
void rpt_csv_windows(FILE *f, const struct results *r);
void rpt_csv_steps(FILE *f, const struct results *r);
/* The time series: `,"window_s":..,"windows":[...]` inside the JSON summary. */
void rpt_json_windows(FILE *f, const struct results *r);

void rpt_csv_verdict(FILE *f, const struct results *r);

/* Load steps and the verdict (analysis/diagnose): the verdict's sentence
 * (the text report's first line), the steps table, the JSON "steps" list
 * and "verdict" object (with a leading comma). */
void rpt_text_verdict(FILE *f, const struct results *r);
void rpt_text_steps(FILE *f, const struct results *r);
void rpt_json_steps(FILE *f, const struct results *r);

/* Shared formatting. */
/* ns as microseconds with 3 decimals ("123.456", "-0.005"); "" never. */
char *rpt_us(int64_t ns, char *dst, unsigned cap);
/* JSON string with quotes and escapes. */
void rpt_json_str(FILE *f, const char *s);
/* An HTTP connection attempt never answered, without a request (its name
 * is null in JSON Lines, empty in CSV). */
int rpt_is_attempt(const struct txn *t);
extern const char *const rpt_role_name[3];	/* "client", "uplink", "vif" */
extern const char *const rpt_lost_name[4];	/* NULL, "link", "bridge", "guest" */

#endif
