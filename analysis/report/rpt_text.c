/* Human summary on stdout: packets, rates, per protocol counts and latency
 * percentiles (us), malformed packets by reason, DNS and TCP details, and
 * the per-hop breakdown when several points were given. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include "analysis/report/rpt.h"
#include "decode/dns.h"
#include "common/dur.h"
#include "common/text.h"

static const char *us(int64_t ns, char *b)
{
	return rpt_us(ns, b, 32);
}

/* A percentile in us to 3 significant digits, what the histogram knows
 * (HIST_REL_ERROR): "3100", "605", "49.1", "0.812". */
static const char *sig3(int64_t ns, char *b)
{
	double v = (double)ns / 1000.0, a = v < 0 ? -v : v;
	if (a >= 999.5) {
		double unit = 1;
		while (a / unit >= 999.5)
			unit *= 10;
		snprintf(b, 32, "%.0f", (double)(long long)(v / unit + (v < 0 ? -0.5 : 0.5)) * unit);
	} else
		snprintf(b, 32, "%.*f", a >= 99.95 ? 0 : a >= 9.995 ? 1 : a >= 0.9995 ? 2 : 3, v);
	return b;
}

static void lat_head(FILE *f)
{
	fprintf(f, "    %-10s %10s %12s %12s %12s %12s %12s %12s\n", "latency us", "count", "p50",
		"p90", "p99", "p99.9", "max", "mean");
}

/* Said once under the tables: how exact each column is. */
static void lat_note(FILE *f)
{
	fprintf(f, "    (percentiles to 3 significant digits, from histograms; max and mean exact)\n");
}

/* The columns' percentiles of h, in one pass over its buckets. */
static const double row_q[4] = { 50, 90, 99, 99.9 };

static void row_pcts(const struct hist *h, int64_t v[4])
{
	if (hist_percentiles(h, row_q, 4, v))
		v[0] = v[1] = v[2] = v[3] = 0;
}

/* One row: count, p50, p90, p99, p99.9, max, mean; name padded to width. */
static void pct_row(FILE *f, int width, const char *name, const struct hist *h)
{
	char b[5][32];
	int64_t v[4];
	row_pcts(h, v);
	fprintf(f, "    %-*s %10llu %12s %12s %12s %12s %12s %12.3f\n", width, name,
		(unsigned long long)hist_count(h), sig3(v[0], b[0]), sig3(v[1], b[1]), sig3(v[2], b[2]),
		sig3(v[3], b[3]), us(hist_max(h), b[4]), hist_mean(h) / 1000.0);
}

static void lat_row(FILE *f, const char *name, const struct hist *h)
{
	if (!hist_count(h)) {
		fprintf(f, "    %-10s %10s\n", name, "0");
		return;
	}
	pct_row(f, 10, name, h);
}

/* The decimal place of an uncertainty's second significant digit, as a
 * power of ten in us (1003 us -> 100: "1000 +- 1000"). */
static double place_of(int64_t unc_ns)
{
	double u = (double)unc_ns / 1000.0, p = 1e-3;
	while (u >= p * 100)
		p *= 10;
	return p;
}

static const char *rounded(double us_v, double place, char *b)
{
	double r = (double)(long long)(us_v / place + (us_v < 0 ? -0.5 : 0.5)) * place;
	snprintf(b, 32, "%.*f", place >= 1 ? 0 : place >= 0.1 ? 1 : place >= 0.01 ? 2 : 3, r);
	return b;
}

/* link_in and link_out are one-way: they carry the clock split's
 * uncertainty, so each figure is rounded to it and it is said beside them. */
static void split_row(FILE *f, const char *name, const struct hist *h, int64_t unc_ns)
{
	char b[6][32], u[32];
	double pl = place_of(unc_ns);
	int64_t v[4];
	row_pcts(h, v);
	fprintf(f, "    %-10s %10llu %12s %12s %12s %12s %12s %12s  +- %s (one-way: clock split)\n", name,
		(unsigned long long)hist_count(h), rounded(v[0] / 1e3, pl, b[0]), rounded(v[1] / 1e3, pl, b[1]),
		rounded(v[2] / 1e3, pl, b[2]), rounded(v[3] / 1e3, pl, b[3]), rounded(hist_max(h) / 1e3, pl, b[4]),
		rounded(hist_mean(h) / 1e3, pl, b[5]), rounded(unc_ns / 1e3, pl, u));
}

static void comp_row(FILE *f, const struct results *r, int c, const struct hist *h)
{
	if ((c == RC_LINK_IN || c == RC_LINK_OUT) && r->clock.valid)
		split_row(f, res_comp_name(c), h, r->clock.split_uncertainty_ns);
	else
		lat_row(f, res_comp_name(c), h);
}

static void proto_block(FILE *f, const struct results *r, const char *name, const struct res_proto *p,
			double span, int http)
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
		if (hist_count(p->lat[c]))	/* a component measured: its row (DNS has no client part) */
			comp_row(f, r, c, p->lat[c]);
	lat_note(f);
	if (p->lost[LOST_LINK] || p->lost[LOST_BRIDGE] || p->lost[LOST_GUEST])
		fprintf(f, "    lost: link %llu, bridge %llu, guest %llu\n",
			(unsigned long long)p->lost[LOST_LINK], (unsigned long long)p->lost[LOST_BRIDGE],
			(unsigned long long)p->lost[LOST_GUEST]);
}

/* " (at client)" when several points were given: the one-line counts come
 * from the reference point (results.h), never added over points. */
static const char *at_ref(const struct results *r, char *b, size_t cap)
{
	if (r->npoints < 2)
		return "";
	snprintf(b, cap, " (at %s)", rpt_role_name[r->ref_point < PT_N ? r->ref_point : 0]);
	return b;
}

static void dns_details(FILE *f, const struct results *r, const struct pt_counts *s)
{
	char at[32];
	if (!s->dns_queries && !s->dns_responses)
		return;
	fprintf(f, "    queries %llu, responses %llu, retransmitted queries %llu, duplicate responses %llu, "
		"unsolicited responses %llu",
		(unsigned long long)s->dns_queries, (unsigned long long)s->dns_responses,
		(unsigned long long)s->dns_retransmissions, (unsigned long long)s->dns_dup_responses,
		(unsigned long long)s->dns_unmatched_responses);
	if (s->dns_malformed_responses)
		fprintf(f, ", malformed responses %llu", (unsigned long long)s->dns_malformed_responses);
	fprintf(f, "%s\n", at_ref(r, at, sizeof at));
	int any = 0;
	for (int i = 0; i < RES_RCODES; i++) {
		if (!r->dns.status[i])
			continue;
		char b[16];
		fprintf(f, "%s%s %llu", any ? ", " : "    rcodes: ",
			i == RES_RCODES - 1 ? "other" : dec_dns_rcode_name((unsigned)i, b, sizeof b),
			(unsigned long long)r->dns.status[i]);
		any = 1;
	}
	if (any)
		fputc('\n', f);
}

static void http_details(FILE *f, const struct results *r, const struct pt_counts *s)
{
	char at[32];
	if (!s->http_connections)
		return;
	fprintf(f, "    connections %llu, requests %llu, responses %llu", (unsigned long long)s->http_connections,
		(unsigned long long)s->http_requests, (unsigned long long)s->http_responses);
	if (s->http_refused || s->http_syn_unanswered)
		fprintf(f, ", attempts refused (RST) %llu, never answered (no SYN-ACK) %llu",
			(unsigned long long)s->http_refused, (unsigned long long)s->http_syn_unanswered);
	fprintf(f, "%s\n", at_ref(r, at, sizeof at));
}

/* Handshake times at each point: SYN to SYN-ACK (at the client the round
 * trip it sees, at the vif the guest's part) and SYN to the client's ACK
 * (tshark's initial RTT). One point: the SYN-to-ACK row as before. */
static void hs_row(FILE *f, const char *name, const struct hist *h)
{
	pct_row(f, 24, name, h);
}

static void handshakes(FILE *f, const struct results *r)
{
	if (r->npoints < 2) {
		for (int i = 0; i < PT_N; i++)
			if (r->point[i].present && hist_count(r->point[i].tcp_handshake)) {
				lat_head(f);
				lat_row(f, "handshake", r->point[i].tcp_handshake);
			}
		return;
	}
	fprintf(f, "    %-24s %10s %12s %12s %12s %12s %12s %12s\n", "handshake us", "count", "p50",
		"p90", "p99", "p99.9", "max", "mean");
	for (int k = 0; k < 2; k++)
		for (int i = 0; i < PT_N; i++) {
			const struct hist *h = k ? r->point[i].tcp_handshake : r->point[i].tcp_synack;
			if (!r->point[i].present || !hist_count(h))
				continue;
			char name[48];
			snprintf(name, sizeof name, "%s at %s", k ? "SYN to ACK" : "SYN to SYN-ACK",
				 rpt_role_name[i]);
			hs_row(f, name, h);
		}
}

static void tcp_block(FILE *f, const struct results *r, const struct pt_counts *s)
{
	char at[32];
	if (!s->tcp_connections)
		return;
	fprintf(f, "TCP%s: %llu connections, %llu handshakes, %llu retransmissions, %llu resets; "
		"closed first by client %llu, by server %llu (that side holds TIME_WAIT)\n",
		at_ref(r, at, sizeof at), (unsigned long long)s->tcp_connections, (unsigned long long)s->tcp_handshakes,
		(unsigned long long)s->tcp_retransmissions, (unsigned long long)s->tcp_resets,
		(unsigned long long)s->tcp_closed_by_client, (unsigned long long)s->tcp_closed_by_server);
	handshakes(f, r);
}

/* ---- the per-point table (several points) ---- */

#define PC(field) offsetof(struct pt_counts, field)
static const struct { const char *name; size_t off; int group; } pt_rows[] = {
	{ "packets", PC(packets), 0 },
	{ "IP fragments", PC(ip_fragments), 0 },
	{ "DNS queries", PC(dns_queries), 1 },
	{ "DNS responses", PC(dns_responses), 1 },
	{ "DNS retransmitted queries", PC(dns_retransmissions), 1 },
	{ "DNS duplicate responses", PC(dns_dup_responses), 1 },
	{ "DNS unsolicited responses", PC(dns_unmatched_responses), 1 },
	{ "DNS malformed responses", PC(dns_malformed_responses), 0 },	/* only when any */
	{ "TCP connections", PC(tcp_connections), 2 },
	{ "TCP handshakes", PC(tcp_handshakes), 2 },
	{ "TCP retransmissions", PC(tcp_retransmissions), 2 },
	{ "TCP resets", PC(tcp_resets), 2 },
	{ "TCP closed first by client", PC(tcp_closed_by_client), 2 },
	{ "TCP closed first by server", PC(tcp_closed_by_server), 2 },
	{ "HTTP connections", PC(http_connections), 3 },
	{ "HTTP requests", PC(http_requests), 3 },
	{ "HTTP responses", PC(http_responses), 3 },
	{ "HTTP attempts refused", PC(http_refused), 3 },
	{ "HTTP attempts unanswered", PC(http_syn_unanswered), 3 },
	{ "TCP connections evicted", PC(tcp_evicted), 0 },
	{ "DNS queries evicted", PC(dns_evicted), 0 },
	{ "HTTP request queue overflows", PC(http_queue_overflows), 0 },
	{ "stream buffers exhausted", PC(buffers_exhausted), 0 },
	{ "IP datagrams evicted", PC(ip_fragments_evicted), 0 },
};

static uint64_t pc_get(const struct pt_counts *c, size_t off)
{
	uint64_t v;
	memcpy(&v, (const char *)c + off, sizeof v);
	return v;
}

static uint64_t malformed_total(const struct pt_counts *c)
{
	uint64_t t = 0;
	for (int i = 1; i < DEC_R_MAX; i++)
		t += c->malformed.reason[i];
	return t;
}

static void pt_row(FILE *f, const struct results *r, const char *name, const uint64_t v[PT_N])
{
	fprintf(f, "    %-34s", name);
	for (int i = 0; i < PT_N; i++)
		if (r->point[i].present)
			fprintf(f, " %12llu", (unsigned long long)v[i]);
	fputc('\n', f);
}

static void points_table(FILE *f, const struct results *r)
{
	struct pt_counts sum;
	res_sum_counts(r, &sum);
	fprintf(f, "%-38s", "per point:");
	for (int i = 0; i < PT_N; i++)
		if (r->point[i].present)
			fprintf(f, " %12s", rpt_role_name[i]);
	fputc('\n', f);
	int have[4] = { 1, sum.dns_queries || sum.dns_responses, sum.tcp_connections != 0,
			sum.http_connections != 0 };
	uint64_t v[PT_N];
	for (size_t k = 0; k < sizeof pt_rows / sizeof pt_rows[0]; k++) {
		uint64_t any = 0;
		for (int i = 0; i < PT_N; i++)
			any |= v[i] = pc_get(&r->point[i].counts, pt_rows[k].off);
		if (have[pt_rows[k].group] && (any || pt_rows[k].group))
			pt_row(f, r, pt_rows[k].name, v);
	}
	for (int i = 0; i < PT_N; i++)
		v[i] = malformed_total(&r->point[i].counts);
	pt_row(f, r, "malformed", v);
	for (int m = 1; m < DEC_R_MAX; m++) {
		if (!sum.malformed.reason[m])
			continue;
		for (int i = 0; i < PT_N; i++)
			v[i] = r->point[i].counts.malformed.reason[m];
		char name[64];
		snprintf(name, sizeof name, "  %s", dec_reason_text(m));
		pt_row(f, r, name, v);
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

/* One line naming every nonzero counter of data hoplat could not keep. */
static void losses_block(FILE *f, const struct results *r)
{
	int any = 0;
	for (int i = 0; i < RES_LOSS_N; i++) {
		uint64_t v = res_loss_value(&r->losses, i);
		if (!v)
			continue;
		fprintf(f, "%s%s %llu", any ? "; " : "data hoplat could not keep: ", res_loss_text(i),
			(unsigned long long)v);
		any = 1;
	}
	if (any)
		fputc('\n', f);
}

/* ---- what the input guard kept out ---- */

/* Appends to b (cap bytes) at n, "; " first unless at the start; the new n. */
static size_t __attribute__((format(printf, 4, 5)))
put(char *b, size_t n, size_t cap, const char *fmt, ...)
{
	va_list ap;
	if (n && n + 2 < cap)
		n += (size_t)snprintf(b + n, cap - n, "; ");
	if (n >= cap)
		return n;
	va_start(ap, fmt);
	n += (size_t)vsnprintf(b + n, cap - n, fmt, ap);
	va_end(ap);
	return n;
}

static const char *s_if(uint64_t n) { return n == 1 ? "" : "s"; }

/* "90 packets after 1 step back in time (the largest 3600.000 s); ..." into b. */
static char *kept_out(const struct guard_counts *c, char *b, size_t cap)
{
	size_t n = 0;
	b[0] = 0;
	if (c->time_backwards)
		n = put(b, n, cap, "%llu packet%s after %llu step%s back in time (the largest %.3f s)",
			(unsigned long long)c->time_backwards, s_if(c->time_backwards),
			(unsigned long long)c->time_jumps, s_if(c->time_jumps),
			(double)c->time_jump_max_ns / 1e9);
	if (c->duplicates)
		n = put(b, n, cap, "%llu exact duplicate packet%s", (unsigned long long)c->duplicates,
			s_if(c->duplicates));
	if (c->appended_packets)
		n = put(b, n, cap, "%llu packet%s of the capture appended to itself (%llu time%s)",
			(unsigned long long)c->appended_packets, s_if(c->appended_packets),
			(unsigned long long)c->appended_copies, s_if(c->appended_copies));
	if (c->negative_durations)
		put(b, n, cap, "%llu transaction%s whose time came out negative (not timed)",
		    (unsigned long long)c->negative_durations, s_if(c->negative_durations));
	return b;
}

/* Each point's source, packets analyzed, and what was kept out. */
static void sources(FILE *f, const struct results *r)
{
	char src[TEXT_SAFE_CAP(sizeof r->point[0].source)], why[512];
	for (int i = 0; i < PT_N; i++) {
		const struct res_point *p = &r->point[i];
		if (!p->present || !p->source[0])
			continue;
		fprintf(f, "%s: %s: %llu packets\n", rpt_role_name[i],
			text_safe(p->source, src, sizeof src), (unsigned long long)p->counts.packets);
		if (guard_any(&p->counts.input))
			fprintf(f, "    not analyzed: %s\n", kept_out(&p->counts.input, why, sizeof why));
	}
}

void rpt_input_warnings(FILE *f, const char *cmd, const struct results *r)
{
	char src[TEXT_SAFE_CAP(sizeof r->point[0].source)], why[512];
	for (int i = 0; i < PT_N; i++) {
		const struct res_point *p = &r->point[i];
		if (p->present && guard_any(&p->counts.input))
			fprintf(f, "hoplat %s: warning: %s: not analyzed: %s\n", cmd,
				p->source[0] ? text_safe(p->source, src, sizeof src) : rpt_role_name[i],
				kept_out(&p->counts.input, why, sizeof why));
	}
}

int rpt_text(FILE *f, const struct results *r)
{
	char src[TEXT_SAFE_CAP(sizeof r->read_error_msg)];
	struct pt_counts s;
	const struct pt_counts *ref = res_ref_counts(r);
	res_sum_counts(r, &s);
	double span = r->last_ns > r->first_ns ? (double)(r->last_ns - r->first_ns) / 1e9 : 0;
	rpt_text_verdict(f, r);
	sources(f, r);
	fprintf(f, "packets: %llu (%llu bytes%s) over %.6f s", (unsigned long long)s.packets,
		(unsigned long long)s.bytes, r->npoints > 1 ? ", all points" : "", span);
	if (span > 0)
		fprintf(f, ", %.1f packets/s", s.packets / span);
	fputc('\n', f);
	if (s.ip_fragments)
		fprintf(f, "IP fragments: %llu, datagrams reassembled: %llu\n",
			(unsigned long long)s.ip_fragments, (unsigned long long)s.reassembled);
	proto_block(f, r, "DNS", &r->dns, span, 0);
	dns_details(f, r, ref);
	proto_block(f, r, "HTTP", &r->http, span, 1);
	http_details(f, r, ref);
	tcp_block(f, r, ref);
	if (r->npoints > 1)
		points_table(f, r);
	else
		malformed_block(f, &s);
	cross_point_block(f, r);
	rpt_text_steps(f, r);
	losses_block(f, r);
	rpt_text_incidents(f, r);
	if (r->read_error)
		fprintf(f, "read error: %s (results above are for what was read)\n",
			text_safe(r->read_error_msg, src, sizeof src));
	return ferror(f) ? -EIO : 0;
}
