/* JSON Lines: one object per transaction, and the formatting shared by
 * the other writers. */
#include <stdio.h>
#include <string.h>
#include "analysis/report/rpt.h"

const char *const rpt_role_name[3] = { "client", "uplink", "vif" };
const char *const rpt_lost_name[4] = { NULL, "link", "bridge", "guest" };

char *rpt_us(int64_t ns, char *dst, unsigned cap)
{
	uint64_t a = ns < 0 ? (uint64_t)0 - (uint64_t)ns : (uint64_t)ns;
	snprintf(dst, cap, "%s%llu.%03u", ns < 0 ? "-" : "", (unsigned long long)(a / 1000),
		 (unsigned)(a % 1000));
	return dst;
}

void rpt_json_str(FILE *f, const char *s)
{
	putc('"', f);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (*p < 0x20 || *p >= 0x7f)
			fprintf(f, "\\u%04x", *p);
		else
			putc(*p, f);
	}
	putc('"', f);
}

int rpt_is_attempt(const struct txn *t)
{
	return t->proto == TXN_HTTP && !t->t.req_first && !t->t.req_last && !t->name[0];
}

/* A field's value as JSON: a string, a number, microseconds, or null. */
static void json_val(FILE *f, enum rpt_ftype type, const struct rpt_val *v)
{
	char b[32];
	if (v->null)
		fputs("null", f);
	else if (type == RPT_STR)
		rpt_json_str(f, v->s);
	else if (type == RPT_US)
		fputs(rpt_us(v->i, b, sizeof b), f);
	else
		fprintf(f, "%lld", (long long)v->i);
}

void rpt_jsonl_txn(void *ctx, const struct txn *t)
{
	struct rpt_out *o = ctx;
	struct rpt_val v[RPT_TXN_NFIELDS];
	struct rpt_txn_buf b;
	rpt_txn_values(t, v, &b);
	for (int k = 0; k < RPT_TXN_NFIELDS; k++) {
		fprintf(o->f, "%s\"%s\":", k ? "," : "{", rpt_txn_fields[k].key);
		json_val(o->f, rpt_txn_fields[k].type, &v[k]);
	}
	fputs("}\n", o->f);
	o->rows++;
}
