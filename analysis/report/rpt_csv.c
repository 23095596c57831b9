/* CSV: one row per transaction, the JSON Lines columns (RFC 4180 quoting). */
#include <stdio.h>
#include <string.h>
#include "analysis/report/rpt.h"
#include "common/text.h"
#include "analysis/detect/silence.h"

#define CSV_COLS "proto,client,server,id,name,status,start_ns,total_us,response_us,client_us," \
		 "link_us,bridge_us,guest_us,link_in_us,link_out_us,network_us,lost_at,qtype,point"

void rpt_csv_header(FILE *f)
{
	fputs(CSV_COLS "\n", f);
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

void rpt_csv_incidents(FILE *f, const struct results *r)
{
	if (!r->n_incidents)
		return;
	fputs("kind,guest,incident,point,start_ns,end_ns,duration_s,last_answer_ns,detected_ns", f);
	for (int p = 0; p < PT_N; p++)
		fprintf(f, ",%s_requests", rpt_role_name[p]);
	putc('\n', f);
	for (unsigned i = 0; i < r->n_incidents; i++) {
		const struct res_incident *in = &r->incident[i];
		uint64_t end = in->open ? r->last_ns : in->end_ns;
		char ip[64];
		fprintf(f, "incident,%s,%s,%s,%llu,", ipaddr_str(&in->guest, ip, sizeof ip),
			sil_kind_key(in->kind), rpt_role_name[in->point < PT_N ? in->point : 0],
			(unsigned long long)in->start_ns);
		if (!in->open)	/* open: empty end */
			fprintf(f, "%llu", (unsigned long long)in->end_ns);
		fprintf(f, ",%.6f,%llu,%llu", end > in->start_ns ? (double)(end - in->start_ns) / 1e9 : 0.0,
			(unsigned long long)in->last_answer_ns, (unsigned long long)in->detected_ns);
		for (int p = 0; p < PT_N; p++) {
			if (r->point[p].present)
				fprintf(f, ",%llu", (unsigned long long)in->requests[p]);
			else
				putc(',', f);
		}
		putc('\n', f);
	}
}
