/* CSV: one row per transaction, the JSON Lines columns (RFC 4180 quoting). */
#include <stdio.h>
#include "analysis/report/rpt.h"

#define CSV_COLS "proto,client,server,id,name,status,start_ns,total_us,response_us,client_us," \
		 "link_us,bridge_us,guest_us,link_in_us,link_out_us,network_us,lost_at,qtype,point"

void rpt_csv_header(FILE *f)
{
	fputs(CSV_COLS "\n", f);
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

static void col_us(FILE *f, int64_t ns)
{
	char b[32];
	putc(',', f);
	if (ns != TXN_NS_NONE)
		fputs(rpt_us(ns, b, sizeof b), f);
}

void rpt_csv_txn(void *ctx, const struct txn *t)
{
	struct rpt_out *o = ctx;
	FILE *f = o->f;
	char c[64], s[64], st[16];
	fprintf(f, "%s,%s,%s,%u,", t->proto == TXN_HTTP ? "http" : "dns",
		endpoint_str(&t->client, c, sizeof c), endpoint_str(&t->server, s, sizeof s), t->id);
	csv_str(f, t->name);
	const char *status = rpt_status(t, st, sizeof st);
	fprintf(f, ",%s,%llu", status ? status : "", (unsigned long long)t->start_ns);
	col_us(f, t->total_ns);
	col_us(f, t->proto == TXN_HTTP ? t->response_ns : TXN_NS_NONE);
	col_us(f, t->client_ns);
	col_us(f, t->link_ns);
	col_us(f, t->bridge_ns);
	col_us(f, t->guest_ns);
	col_us(f, t->link_in_ns);
	col_us(f, t->link_out_ns);
	col_us(f, t->network_ns);
	fprintf(f, ",%s", t->lost_at > LOST_NONE && t->lost_at <= LOST_GUEST ? rpt_lost_name[t->lost_at] : "");
	if (t->proto == TXN_DNS)
		fprintf(f, ",%u", t->qtype);
	else
		putc(',', f);
	fprintf(f, ",%s\n", t->point < 3 ? rpt_role_name[t->point] : "");
	o->rows++;
}
