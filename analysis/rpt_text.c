/* Human summary on stdout: packets, rates, per protocol counts and latency
 * percentiles (us), malformed packets by reason, DNS and TCP details, and
 * the per-hop breakdown when several points were given. */
#include <errno.h>
#include <stdio.h>
#include "analysis/rpt.h"
#include "decode/dns.h"

static const char *us(int64_t ns, char *b)
{
	return rpt_us(ns, b, 32);
}

static void lat_head(FILE *f)
{
	fprintf(f, "    %-10s %10s %12s %12s %12s %12s %12s %12s\n", "latency us", "count", "p50",
		"p90", "p99", "p99.9", "max", "mean");
}

static void lat_row(FILE *f, const char *name, const struct hist *h)
{
	char b[6][32];
	if (!hist_count(h)) {
		fprintf(f, "    %-10s %10s\n", name, "0");
		return;
	}
	fprintf(f, "    %-10s %10llu %12s %12s %12s %12s %12s %12.3f\n", name,
		(unsigned long long)hist_count(h), us(hist_percentile(h, 50), b[0]),
		us(hist_percentile(h, 90), b[1]), us(hist_percentile(h, 99), b[2]),
		us(hist_percentile(h, 99.9), b[3]), us(hist_max(h), b[4]), hist_mean(h) / 1000.0);
}

static void sum_counts(const struct results *r, struct pt_counts *s)
{
	*s = (struct pt_counts){ 0 };
	for (int i = 0; i < PT_N; i++) {
		if (!r->point[i].present)
			continue;
		const uint64_t *a = (const uint64_t *)&r->point[i].counts;
		uint64_t *d = (uint64_t *)s;
		for (size_t k = 0; k < sizeof *s / sizeof(uint64_t); k++)
			d[k] += a[k];
	}
}

static void proto_block(FILE *f, const char *name, const struct res_proto *p, double span, int http)
{
	fprintf(f, "%s: %llu transactions (%llu answered, %llu unanswered)", name,
		(unsigned long long)p->transactions, (unsigned long long)p->answered,
		(unsigned long long)p->unanswered);
	if (span > 0)
		fprintf(f, ", %.1f/s", p->transactions / span);
	fputc('\n', f);
	if (!p->transactions)
		return;
	lat_head(f);
	lat_row(f, "total", p->lat[RC_TOTAL]);
	if (http)
		lat_row(f, "response", p->lat[RC_RESPONSE]);
	for (int c = RC_CLIENT; c < RC_N; c++)
		if (hist_count(p->lat[c]))
			lat_row(f, res_comp_name(c), p->lat[c]);
	if (p->lost[LOST_LINK] || p->lost[LOST_BRIDGE] || p->lost[LOST_GUEST])
		fprintf(f, "    lost: link %llu, bridge %llu, guest %llu\n",
			(unsigned long long)p->lost[LOST_LINK], (unsigned long long)p->lost[LOST_BRIDGE],
			(unsigned long long)p->lost[LOST_GUEST]);
}

static void dns_details(FILE *f, const struct results *r, const struct pt_counts *s)
{
	if (!s->dns_queries && !s->dns_responses)
		return;
	fprintf(f, "    queries %llu, responses %llu, retransmitted queries %llu, duplicate responses %llu, "
		"unsolicited responses %llu\n",
		(unsigned long long)s->dns_queries, (unsigned long long)s->dns_responses,
		(unsigned long long)s->dns_retransmissions, (unsigned long long)s->dns_dup_responses,
		(unsigned long long)s->dns_unmatched_responses);
	int any = 0;
	for (int i = 0; i < RES_RCODES; i++) {
		if (!r->dns.status[i])
			continue;
		char b[16];
		fprintf(f, "%s%s %llu", any ? ", " : "    rcodes: ",
			i == RES_RCODES - 1 ? "other" : dns_rcode_name((unsigned)i, b, sizeof b),
			(unsigned long long)r->dns.status[i]);
		any = 1;
	}
	if (any)
		fputc('\n', f);
}

static void tcp_block(FILE *f, const struct results *r, const struct pt_counts *s)
{
	if (!s->tcp_connections)
		return;
	fprintf(f, "TCP: %llu connections, %llu handshakes, %llu retransmissions, %llu resets; "
		"closed first by client %llu, by server %llu (that side holds TIME_WAIT)\n",
		(unsigned long long)s->tcp_connections, (unsigned long long)s->tcp_handshakes,
		(unsigned long long)s->tcp_retransmissions, (unsigned long long)s->tcp_resets,
		(unsigned long long)s->tcp_closed_by_client, (unsigned long long)s->tcp_closed_by_server);
	for (int i = 0; i < PT_N; i++)
		if (r->point[i].present && hist_count(r->point[i].tcp_handshake)) {
			lat_head(f);
			lat_row(f, "handshake", r->point[i].tcp_handshake);
			break;
		}
}

static void malformed_block(FILE *f, const struct pt_counts *s)
{
	uint64_t total = 0;
	for (int i = 1; i < DEC_R_MAX; i++)
		total += s->malformed.reason[i];
	if (!total)
		return;
	fprintf(f, "malformed: %llu\n", (unsigned long long)total);
	for (int i = 1; i < DEC_R_MAX; i++)
		if (s->malformed.reason[i])
			fprintf(f, "    %-40s %llu\n", dec_reason_text(i),
				(unsigned long long)s->malformed.reason[i]);
}

static void cross_point_block(FILE *f, const struct results *r)
{
	for (int a = 0; a < PT_N; a++)
		for (int b = a + 1; b < PT_N; b++)
			if (r->match[a][b].valid)
				fprintf(f, "matching %s-%s: %llu matched, %llu only at %s, %llu only at %s\n",
					rpt_role_name[a], rpt_role_name[b],
					(unsigned long long)r->match[a][b].matched,
					(unsigned long long)r->match[a][b].only_first, rpt_role_name[a],
					(unsigned long long)r->match[a][b].only_second, rpt_role_name[b]);
	if (r->clock.valid)
		fprintf(f, "clock: client offset %lld ns, skew %.3f ppm, split uncertainty %lld ns\n",
			(long long)r->clock.client_offset_ns, r->clock.client_skew_ppm,
			(long long)r->clock.split_uncertainty_ns);
}

int rpt_text(FILE *f, const struct results *r)
{
	struct pt_counts s;
	sum_counts(r, &s);
	double span = r->last_ns > r->first_ns ? (double)(r->last_ns - r->first_ns) / 1e9 : 0;
	for (int i = 0; i < PT_N; i++)
		if (r->point[i].present && r->point[i].source[0])
			fprintf(f, "%s: %s: %llu packets\n", rpt_role_name[i], r->point[i].source,
				(unsigned long long)r->point[i].counts.packets);
	fprintf(f, "packets: %llu (%llu bytes) over %.6f s", (unsigned long long)s.packets,
		(unsigned long long)s.bytes, span);
	if (span > 0)
		fprintf(f, ", %.1f packets/s", s.packets / span);
	fputc('\n', f);
	if (s.ip_fragments)
		fprintf(f, "IP fragments: %llu, datagrams reassembled: %llu\n",
			(unsigned long long)s.ip_fragments, (unsigned long long)s.reassembled);
	proto_block(f, "DNS", &r->dns, span, 0);
	dns_details(f, r, &s);
	proto_block(f, "HTTP", &r->http, span, 1);
	if (s.http_connections)
		fprintf(f, "    connections %llu, requests %llu, responses %llu\n",
			(unsigned long long)s.http_connections, (unsigned long long)s.http_requests,
			(unsigned long long)s.http_responses);
	tcp_block(f, r, &s);
	malformed_block(f, &s);
	if (s.table_full)
		fprintf(f, "state tables full: %llu flows dropped (raise the table size)\n",
			(unsigned long long)s.table_full);
	cross_point_block(f, r);
	if (r->read_error)
		fprintf(f, "read error: %s (results above are for what was read)\n", r->read_error_msg);
	return ferror(f) ? -EIO : 0;
}
