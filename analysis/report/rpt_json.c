/* JSON summary: counts, rates, latency percentiles per protocol and
 * component, malformed packets by reason, TCP, per-point counters, and the
 * cross-point sections when they were measured. */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include "analysis/report/rpt.h"
#include "decode/dns.h"

static double span_s(const struct results *r)
{
	return r->last_ns > r->first_ns ? (double)(r->last_ns - r->first_ns) / 1e9 : 0;
}

/* The distribution drawn as a CDF (the HTML report's): the value at each
 * of these percents, in one pass over the histogram; 0 and 100 are the
 * exact min and max. */
static const double cdf_q[] = { 0, 1, 2, 5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55, 60, 65, 70, 75,
				80, 85, 90, 92.5, 95, 97.5, 98, 99, 99.5, 99.9, 99.95, 99.99, 100 };
#define CDF_N (sizeof cdf_q / sizeof cdf_q[0])

/* ,"cdf":[[percent,us],...] ([] when empty) */
static void cdf(FILE *f, const struct hist *h)
{
	int64_t v[CDF_N];
	char b[32];
	fputs(",\"cdf\":[", f);
	if (hist_count(h) && !hist_percentiles(h, cdf_q, CDF_N, v)) {
		v[0] = hist_min(h);	/* the ends exact, as max is */
		v[CDF_N - 1] = hist_max(h);
		for (size_t k = 0; k < CDF_N; k++)
			fprintf(f, "%s[%g,%s]", k ? "," : "", cdf_q[k], rpt_us(v[k], b, sizeof b));
	}
	putc(']', f);
}

/* Percentiles from the histogram (3 significant digits: HIST_REL_ERROR);
 * min, max, mean and stddev exact (the histogram keeps them apart). */
static void lat_fields(FILE *f, const char *key, const struct hist *h, int comma)
{
	static const double q[4] = { 50, 90, 99, 99.9 };
	static const char *const qn[4] = { "p50", "p90", "p99", "p999" };
	int64_t v[4];
	char b[32];
	fprintf(f, "%s\"%s\":{\"count\":%llu", comma ? "," : "", key, (unsigned long long)hist_count(h));
	if (!hist_count(h)) {
		fputs(",\"p50\":null,\"p90\":null,\"p99\":null,\"p999\":null,\"min\":null,\"max\":null,"
		      "\"mean\":null,\"stddev\":null", f);
		return;
	}
	hist_percentiles(h, q, 4, v);
	for (int k = 0; k < 4; k++)
		fprintf(f, ",\"%s\":%s", qn[k], rpt_us(v[k], b, sizeof b));
	fprintf(f, ",\"min\":%s", rpt_us(hist_min(h), b, sizeof b));
	fprintf(f, ",\"max\":%s,\"mean\":%.3f,\"stddev\":%.3f", rpt_us(hist_max(h), b, sizeof b),
		hist_mean(h) / 1000.0, hist_stddev(h) / 1000.0);
}

static void lat(FILE *f, const char *key, const struct hist *h, int comma)
{
	lat_fields(f, key, h, comma);
	fputc('}', f);
}

/* A latency component: its figures, its distribution as a CDF (the HTML
 * report's) and its histogram, [[us, count], ...] over the occupied
 * buckets (what `compare` resamples for its median intervals). */
static void comp(FILE *f, const char *key, const struct hist *h, int comma)
{
	static int64_t v[2 * HIST_BUCKETS];
	static uint64_t c[2 * HIST_BUCKETS];
	char b[32];
	lat_fields(f, key, h, comma);
	cdf(f, h);
	unsigned n = hist_buckets(h, v, c, 2 * HIST_BUCKETS);
	fputs(",\"buckets\":[", f);
	for (unsigned k = 0; k < n; k++)
		fprintf(f, "%s[%s,%llu]", k ? "," : "", rpt_us(v[k], b, sizeof b), (unsigned long long)c[k]);
	fputs("]}", f);
}

/* total always, response for HTTP, and every other component measured */
static void latencies(FILE *f, const struct res_proto *p, int http)
{
	fputs(",\"latency_us\":{", f);
	comp(f, "total", p->lat[RC_TOTAL], 0);
	if (http)
		comp(f, "response", p->lat[RC_RESPONSE], 1);
	for (int c = RC_CLIENT; c < RC_N; c++)
		if (hist_count(p->lat[c]))
			comp(f, res_comp_name(c), p->lat[c], 1);
	fputc('}', f);
}

static void proto_common(FILE *f, const struct res_proto *p, double span)
{
	fprintf(f, "\"transactions\":%llu,\"answered\":%llu,\"unanswered\":%llu,\"rate_per_s\":%.3f",
		(unsigned long long)p->transactions, (unsigned long long)p->answered,
		(unsigned long long)p->unanswered, span > 0 ? p->transactions / span : 0.0);
}

static void dns_section(FILE *f, const struct results *r, const struct pt_counts *s, double span)
{
	fputs(",\"dns\":{", f);
	proto_common(f, &r->dns, span);
	fprintf(f, ",\"queries\":%llu,\"responses\":%llu,\"retransmissions\":%llu,"
		"\"duplicate_responses\":%llu,\"unsolicited_responses\":%llu,\"malformed_responses\":%llu,"
		"\"rcodes\":{",
		(unsigned long long)s->dns_queries, (unsigned long long)s->dns_responses,
		(unsigned long long)s->dns_retransmissions, (unsigned long long)s->dns_dup_responses,
		(unsigned long long)s->dns_unmatched_responses,
		(unsigned long long)s->dns_malformed_responses);
	int first = 1;
	for (int i = 0; i < RES_RCODES; i++) {
		if (!r->dns.status[i])
			continue;
		char b[16];
		const char *n = i == RES_RCODES - 1 ? "other" : dec_dns_rcode_name((unsigned)i, b, sizeof b);
		fprintf(f, "%s\"%s\":%llu", first ? "" : ",", n, (unsigned long long)r->dns.status[i]);
		first = 0;
	}
	fputc('}', f);
	latencies(f, &r->dns, 0);
	fputc('}', f);
}

static void http_section(FILE *f, const struct results *r, const struct pt_counts *s, double span)
{
	fputs(",\"http\":{", f);
	proto_common(f, &r->http, span);
	fprintf(f, ",\"connections\":%llu,\"requests\":%llu,\"responses\":%llu,\"refused\":%llu,"
		"\"attempts_unanswered\":%llu,\"status\":{",
		(unsigned long long)s->http_connections, (unsigned long long)s->http_requests,
		(unsigned long long)s->http_responses, (unsigned long long)s->http_refused,
		(unsigned long long)s->http_syn_unanswered);
	static const char *const cls[6] = { "other", "1xx", "2xx", "3xx", "4xx", "5xx" };
	int first = 1;
	for (int i = 0; i < 6; i++) {
		if (!r->http.status_class[i])
			continue;
		fprintf(f, "%s\"%s\":%llu", first ? "" : ",", cls[i],
			(unsigned long long)r->http.status_class[i]);
		first = 0;
	}
	fputc('}', f);
	latencies(f, &r->http, 1);
	fputc('}', f);
}

static void tcp_section(FILE *f, const struct results *r, const struct pt_counts *s)
{
	fprintf(f, ",\"tcp\":{\"connections\":%llu,\"handshakes\":%llu,\"retransmissions\":%llu,"
		"\"resets\":%llu,\"closed_by_client\":%llu,\"closed_by_server\":%llu",
		(unsigned long long)s->tcp_connections, (unsigned long long)s->tcp_handshakes,
		(unsigned long long)s->tcp_retransmissions, (unsigned long long)s->tcp_resets,
		(unsigned long long)s->tcp_closed_by_client, (unsigned long long)s->tcp_closed_by_server);
	/* handshake times at the reference point (every point's: points.<role>) */
	const struct res_point *p = &r->point[r->ref_point < PT_N ? r->ref_point : 0];
	lat(f, "handshake_rtt_us", p->tcp_handshake, 1);
	lat(f, "syn_synack_us", p->tcp_synack, 1);
	fputc('}', f);
}

static void malformed(FILE *f, const struct dec_stats *m)
{
	uint64_t total = 0;
	for (int i = 1; i < DEC_R_MAX; i++)
		total += m->reason[i];
	fprintf(f, ",\"malformed\":{\"total\":%llu", (unsigned long long)total);
	for (int i = 1; i < DEC_R_MAX; i++)
		if (m->reason[i])
			fprintf(f, ",\"%s\":%llu", dec_reason_key(i), (unsigned long long)m->reason[i]);
	fputc('}', f);
}

/* A table of uint64_t counters of a struct, by JSON key. */
struct ukey {
	const char *key;
	size_t off;
};

/* Each counter as "key":value, each after a comma but the very first when
 * first is set (the first in its object). */
static void put_counters(FILE *f, const struct ukey *k, size_t n, const void *base, int first)
{
	for (size_t i = 0; i < n; i++) {
		uint64_t v;
		memcpy(&v, (const char *)base + k[i].off, sizeof v);
		fprintf(f, "%s\"%s\":%llu", first && !i ? "" : ",", k[i].key, (unsigned long long)v);
	}
}

#define PC(field) { #field, offsetof(struct pt_counts, field) }
/* Every counter of a point, by its pt_counts name (the older keys first). */
static const struct ukey pt_keys[] = {
	PC(dns_queries), PC(dns_responses), PC(http_requests), PC(http_responses), PC(table_full),
	PC(tcp_evicted), PC(dns_evicted), PC(http_queue_overflows), PC(buffers_exhausted),
	PC(ip_fragments_evicted),
	PC(ip_fragments), PC(reassembled), PC(dns_retransmissions), { "dns_duplicate_responses",
	offsetof(struct pt_counts, dns_dup_responses) }, { "dns_unsolicited_responses",
	offsetof(struct pt_counts, dns_unmatched_responses) }, PC(dns_malformed_responses),
	PC(tcp_connections),
	PC(tcp_handshakes), PC(tcp_retransmissions), PC(tcp_resets), PC(tcp_closed_by_client),
	PC(tcp_closed_by_server), PC(http_connections), PC(http_refused),
	{ "http_attempts_unanswered", offsetof(struct pt_counts, http_syn_unanswered) },
};

#define GC(field) { #field, offsetof(struct guard_counts, field) }
/* What the input guard kept out at a point (analysis/point/guard.h). */
static const struct ukey input_keys[] = {
	GC(time_backwards), GC(time_jumps), GC(time_jump_max_ns), GC(duplicates),
	GC(appended_copies), GC(appended_packets), GC(negative_durations),
};

/* Per point: what was read there and every counter, measured there alone. */
static void points(FILE *f, const struct results *r)
{
	fputs(",\"points\":{", f);
	int first = 1;
	for (int i = 0; i < PT_N; i++) {
		const struct res_point *p = &r->point[i];
		if (!p->present)
			continue;
		fprintf(f, "%s\"%s\":{\"source\":", first ? "" : ",", rpt_role_name[i]);
		rpt_json_str(f, p->source);
		fprintf(f, ",\"packets\":%llu,\"bytes\":%llu,\"first_ns\":%llu,\"last_ns\":%llu",
			(unsigned long long)p->counts.packets, (unsigned long long)p->counts.bytes,
			(unsigned long long)p->first_ns, (unsigned long long)p->last_ns);
		put_counters(f, pt_keys, sizeof pt_keys / sizeof pt_keys[0], &p->counts, 0);
		malformed(f, &p->counts.malformed);
		fputs(",\"input\":{", f);
		put_counters(f, input_keys, sizeof input_keys / sizeof input_keys[0], &p->counts.input, 1);
		fputc('}', f);
		lat(f, "handshake_rtt_us", p->tcp_handshake, 1);
		lat(f, "syn_synack_us", p->tcp_synack, 1);
		fputc('}', f);
		first = 0;
	}
	fputc('}', f);
}

static void cross_point(FILE *f, const struct results *r)
{
	int any = 0;
	for (int a = 0; a < PT_N; a++)
		for (int b = a + 1; b < PT_N; b++)
			if (r->match[a][b].valid) {
				const struct res_match *m = &r->match[a][b];
				fprintf(f, "%s\"%s_%s\":{\"matched\":%llu,\"only_%s\":%llu,\"only_%s\":%llu}",
					any ? "," : ",\"matching\":{", rpt_role_name[a], rpt_role_name[b],
					(unsigned long long)m->matched, rpt_role_name[a],
					(unsigned long long)m->only_first, rpt_role_name[b],
					(unsigned long long)m->only_second);
				any = 1;
			}
	if (any)
		fputc('}', f);
	if (r->clock.valid)
		fprintf(f, ",\"clock\":{\"client_offset_ns\":%lld,\"client_skew_ppm\":%.4f,"
			"\"split_uncertainty_ns\":%lld,\"samples\":%llu}",
			(long long)r->clock.client_offset_ns, r->clock.client_skew_ppm,
			(long long)r->clock.split_uncertainty_ns, (unsigned long long)r->clock.samples);
	if (r->npoints > 1)
		fprintf(f, ",\"loss\":{\"link\":%llu,\"bridge\":%llu,\"guest\":%llu}",
			(unsigned long long)(r->dns.lost[LOST_LINK] + r->http.lost[LOST_LINK]),
			(unsigned long long)(r->dns.lost[LOST_BRIDGE] + r->http.lost[LOST_BRIDGE]),
			(unsigned long long)(r->dns.lost[LOST_GUEST] + r->http.lost[LOST_GUEST]));
}

/* Every counter of data hoplat could not keep, always present. */
static void losses(FILE *f, const struct results *r)
{
	fputs(",\"losses\":{", f);
	for (int i = 0; i < RES_LOSS_N; i++)
		fprintf(f, "%s\"%s\":%llu", i ? "," : "", res_loss_key(i),
			(unsigned long long)res_loss_value(&r->losses, i));
	fputc('}', f);
}

int rpt_json(FILE *f, const struct results *r)
{
	struct pt_counts s;
	const struct pt_counts *ref = res_ref_counts(r);
	res_sum_counts(r, &s);	/* what was read: packets, bytes, ip, malformed over all points */
	double span = span_s(r);
	fprintf(f, "{\"packets\":%llu,\"bytes\":%llu,\"capture\":{\"first_ns\":%llu,\"last_ns\":%llu,"
		"\"duration_s\":%.6f,\"packets_per_s\":%.3f}",
		(unsigned long long)s.packets, (unsigned long long)s.bytes,
		(unsigned long long)r->first_ns, (unsigned long long)r->last_ns, span,
		span > 0 ? s.packets / span : 0.0);
	fprintf(f, ",\"ip\":{\"fragments\":%llu,\"reassembled\":%llu},\"table_full\":%llu",
		(unsigned long long)s.ip_fragments, (unsigned long long)s.reassembled,
		(unsigned long long)s.table_full);
	malformed(f, &s.malformed);
	fprintf(f, ",\"reference_point\":\"%s\"", rpt_role_name[r->ref_point < PT_N ? r->ref_point : 0]);
	/* protocol counters at the reference point: each connection, query,
	 * request once (not once per point) */
	dns_section(f, r, ref, span);
	http_section(f, r, ref, span);
	tcp_section(f, r, ref);
	points(f, r);
	cross_point(f, r);
	rpt_json_windows(f, r);
	losses(f, r);
	rpt_json_incidents(f, r);
	rpt_json_steps(f, r);
	fputs(",\"read_error\":", f);
	if (r->read_error)
		rpt_json_str(f, r->read_error_msg);
	else
		fputs("null", f);
	fputs("}\n", f);
	return ferror(f) ? -EIO : 0;
}
