/* The time series drawn: the JSON `windows` list and the CSV table
 * windows.csv, from the rows the engine kept (results.windows). */
#include <stdio.h>
#include "analysis/report/rpt.h"

static const char *const proto_key[SER_PROTOS] = { "dns", "http" };

static double window_s(const struct res_series *w)
{
	return (double)w->window_ns / 1e9;
}

/* {"client":v,...} over the points given; per_s: divided by the window. */
static void json_points(FILE *f, const char *key, const uint64_t v[PT_N], const struct res_series *w,
			int per_s)
{
	fprintf(f, ",\"%s\":{", key);
	int any = 0;
	for (int p = 0; p < PT_N; p++) {
		if (!(w->roles & 1u << p))
			continue;
		fprintf(f, "%s\"%s\":", any ? "," : "", rpt_role_name[p]);
		if (per_s)
			fprintf(f, "%.3f", (double)v[p] / window_s(w));
		else
			fprintf(f, "%llu", (unsigned long long)v[p]);
		any = 1;
	}
	putc('}', f);
}

static void json_lat(FILE *f, const struct ser_lat *l)
{
	char b[32];
	fprintf(f, "{\"count\":%llu", (unsigned long long)l->n);
	for (int k = 0; k < SER_PCTS; k++)
		fprintf(f, ",\"%s\":%s", ser_pct_name[k], rpt_us(l->pct[k], b, sizeof b));
	fprintf(f, ",\"mean\":%.3f,\"stddev\":%.3f}", ser_lat_mean(l) / 1000.0, ser_lat_stddev(l) / 1000.0);
}

static void json_proto(FILE *f, const struct ser_row *r, int p, const struct res_series *w)
{
	fprintf(f, ",\"%s\":{\"transactions\":%llu,\"lost\":%llu", proto_key[p],
		(unsigned long long)r->txns[p], (unsigned long long)r->lost[p]);
	json_points(f, "requests", r->req[p], w, 0);
	json_points(f, "responses", r->resp[p], w, 0);
	if (p == SER_HTTP)
		json_points(f, "connections", r->conns, w, 0);
	fputs(",\"latency_us\":{", f);
	int any = 0;
	for (int c = 0; c < SER_COMPS; c++) {
		if (!r->lat[p][c].n)
			continue;
		fprintf(f, "%s\"%s\":", any ? "," : "", ser_comp_name[c]);
		json_lat(f, &r->lat[p][c]);
		any = 1;
	}
	fputs("}}", f);
}

static void json_row(FILE *f, const struct ser_row *r, const struct res_series *w)
{
	uint64_t req[PT_N], resp[PT_N];
	for (int p = 0; p < PT_N; p++) {
		req[p] = ser_requests(r, p);
		resp[p] = ser_responses(r, p);
	}
	fprintf(f, "{\"start_ns\":%llu", (unsigned long long)r->start_ns);
	json_points(f, "packets", r->packets, w, 0);
	json_points(f, "requests_per_s", req, w, 1);
	json_points(f, "responses_per_s", resp, w, 1);
	for (int p = 0; p < SER_PROTOS; p++)
		json_proto(f, r, p, w);
	putc('}', f);
}

void rpt_json_windows(FILE *f, const struct results *r)
{
	const struct res_series *w = r->windows;
	fprintf(f, ",\"window_s\":%.6f,\"windows\":[", (double)r->window_ns / 1e9);
	for (size_t i = 0; w && i < w->n; i++) {
		if (i)
			putc(',', f);
		json_row(f, ser_row(w, i), w);
	}
	putc(']', f);
}

/* ---- CSV ---- */

static void csv_header(FILE *f)
{
	fputs("start_ns,window_s", f);
	for (int p = 0; p < PT_N; p++)
		fprintf(f, ",%s_requests_per_s,%s_responses_per_s", rpt_role_name[p], rpt_role_name[p]);
	for (int p = 0; p < SER_PROTOS; p++) {
		fprintf(f, ",%s_transactions,%s_lost", proto_key[p], proto_key[p]);
		for (int c = 0; c < SER_COMPS; c++)
			for (int k = 0; k < SER_PCTS; k++)
				fprintf(f, ",%s_%s_%s_us", proto_key[p], ser_comp_name[c], ser_pct_name[k]);
	}
	/* added after the first columns, which stay where they were */
	for (int p = 0; p < PT_N; p++)
		fprintf(f, ",%s_packets", rpt_role_name[p]);
	for (int p = 0; p < SER_PROTOS; p++)
		for (int c = 0; c < SER_COMPS; c++)
			fprintf(f, ",%s_%s_count,%s_%s_mean_us,%s_%s_stddev_us", proto_key[p], ser_comp_name[c],
				proto_key[p], ser_comp_name[c], proto_key[p], ser_comp_name[c]);
	putc('\n', f);
}

static void csv_lat(FILE *f, const struct ser_lat *l, int stats)
{
	char b[32];
	if (stats)
		fprintf(f, ",%llu", (unsigned long long)l->n);
	if (!l->n) {
		fputs(stats ? ",," : ",,,", f);
		return;
	}
	if (stats)
		fprintf(f, ",%.3f,%.3f", ser_lat_mean(l) / 1000.0, ser_lat_stddev(l) / 1000.0);
	else
		for (int k = 0; k < SER_PCTS; k++)
			fprintf(f, ",%s", rpt_us(l->pct[k], b, sizeof b));
}

static void csv_row(FILE *f, const struct ser_row *r, const struct res_series *w)
{
	double secs = window_s(w);
	fprintf(f, "%llu,%.6f", (unsigned long long)r->start_ns, secs);
	for (int p = 0; p < PT_N; p++)
		if (w->roles & 1u << p)
			fprintf(f, ",%.3f,%.3f", (double)ser_requests(r, p) / secs,
				(double)ser_responses(r, p) / secs);
		else
			fputs(",,", f);
	for (int p = 0; p < SER_PROTOS; p++) {
		fprintf(f, ",%llu,%llu", (unsigned long long)r->txns[p], (unsigned long long)r->lost[p]);
		for (int c = 0; c < SER_COMPS; c++)
			csv_lat(f, &r->lat[p][c], 0);
	}
	for (int p = 0; p < PT_N; p++)
		if (w->roles & 1u << p)
			fprintf(f, ",%llu", (unsigned long long)r->packets[p]);
		else
			putc(',', f);
	for (int p = 0; p < SER_PROTOS; p++)
		for (int c = 0; c < SER_COMPS; c++)
			csv_lat(f, &r->lat[p][c], 1);
	putc('\n', f);
}

void rpt_csv_windows(FILE *f, const struct results *r)
{
	const struct res_series *w = r->windows;
	csv_header(f);
	for (size_t i = 0; w && i < w->n; i++)
		csv_row(f, ser_row(w, i), w);
}
