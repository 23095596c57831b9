/* JSON Lines: one object per transaction, and the formatting shared by
 * the other writers. */
#include <stdio.h>
#include <string.h>
#include "analysis/report/rpt.h"
#include "common/text.h"

const char *const rpt_role_name[3] = { "client", "uplink", "vif" };
const char *const rpt_lost_name[4] = { NULL, "link", "bridge", "guest" };

char *rpt_us(int64_t ns, char *dst, unsigned cap)
{
	uint64_t a = ns < 0 ? (uint64_t)0 - (uint64_t)ns : (uint64_t)ns;
	snprintf(dst, cap, "%s%llu.%03u", ns < 0 ? "-" : "", (unsigned long long)(a / 1000),
		 (unsigned)(a % 1000));
	return dst;
}

/* What text_utf8_char refused: a control (C0, DEL, or a C1 in its two UTF-8
 * bytes) as \u00XX, any other byte as the text \xNN (JSON strings hold no
 * bytes; common/text.h escapes them the same for a terminal). The bytes
 * taken. */
static unsigned json_unprintable(FILE *f, const unsigned char *p, size_t left)
{
	if (*p < 0x80) {
		fprintf(f, "\\u%04x", *p);
		return 1;
	}
	if (*p == 0xc2 && left > 1 && p[1] >= 0x80 && p[1] <= 0x9f) {
		fprintf(f, "\\u%04x", p[1]);
		return 2;
	}
	fprintf(f, "\\\\x%02x", *p);
	return 1;
}

/* Valid UTF-8 passes as it is (it used to be escaped byte by byte, which
 * read back as Latin-1). */
void rpt_json_str(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t left = strlen(s);
	putc('"', f);
	while (left) {
		uint32_t cp;
		unsigned n = text_utf8_char(p, left, &cp);
		if (!n)
			n = json_unprintable(f, p, left);
		else if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else
			fwrite(p, 1, n, f);
		p += n;
		left -= n;
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
