/* JSON Lines: one object per transaction, and the formatting shared by
 * the other writers. */
#include <stdio.h>
#include <string.h>
#include "analysis/report/rpt.h"
#include "decode/dns.h"
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

const char *rpt_status(const struct txn *t, char *buf, unsigned cap)
{
	if (!t->answered || t->status < 0)
		return NULL;
	if (t->proto == TXN_DNS)
		return dns_rcode_name((unsigned)t->status, buf, cap);
	snprintf(buf, cap, "%d", t->status);
	return buf;
}

int rpt_is_attempt(const struct txn *t)
{
	return t->proto == TXN_HTTP && !t->t.req_first && !t->t.req_last && !t->name[0];
}

static void field_us(FILE *f, const char *key, int64_t ns)
{
	char b[32];
	fprintf(f, ",\"%s\":%s", key, ns == TXN_NS_NONE ? "null" : rpt_us(ns, b, sizeof b));
}

void rpt_jsonl_txn(void *ctx, const struct txn *t)
{
	struct rpt_out *o = ctx;
	FILE *f = o->f;
	char c[64], s[64], st[16];
	fprintf(f, "{\"proto\":\"%s\",\"client\":\"%s\",\"server\":\"%s\",\"id\":%u,\"name\":",
		t->proto == TXN_HTTP ? "http" : "dns", endpoint_str(&t->client, c, sizeof c),
		endpoint_str(&t->server, s, sizeof s), t->id);
	if (rpt_is_attempt(t))
		fputs("null", f);	/* no request: nothing to name */
	else
		rpt_json_str(f, t->name);
	const char *status = rpt_status(t, st, sizeof st);
	if (!status)
		fputs(",\"status\":null", f);
	else if (t->proto == TXN_DNS)
		fprintf(f, ",\"status\":\"%s\"", status);
	else
		fprintf(f, ",\"status\":%s", status);
	fprintf(f, ",\"start_ns\":%llu", (unsigned long long)t->start_ns);
	field_us(f, "total_us", t->total_ns);
	field_us(f, "response_us", t->proto == TXN_HTTP ? t->response_ns : TXN_NS_NONE);
	field_us(f, "client_us", t->client_ns);
	field_us(f, "link_us", t->link_ns);
	field_us(f, "bridge_us", t->bridge_ns);
	field_us(f, "guest_us", t->guest_ns);
	field_us(f, "link_in_us", t->link_in_ns);
	field_us(f, "link_out_us", t->link_out_ns);
	field_us(f, "network_us", t->network_ns);
	if (t->merged & TXN_M_SERVER)	/* merged components (analysis/attrib.c) */
		field_us(f, "server_us", t->server_ns);
	if (t->merged & TXN_M_CLIENT_LINK)
		field_us(f, "client_link_us", t->client_link_ns);
	if (t->lost_at > LOST_NONE && t->lost_at <= LOST_GUEST)
		fprintf(f, ",\"lost_at\":\"%s\"", rpt_lost_name[t->lost_at]);
	else
		fputs(",\"lost_at\":null", f);
	if (t->proto == TXN_DNS)
		fprintf(f, ",\"qtype\":%u", t->qtype);
	fprintf(f, ",\"point\":\"%s\"}\n", t->point < 3 ? rpt_role_name[t->point] : "?");
	o->rows++;
}
