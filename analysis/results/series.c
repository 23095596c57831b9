/* Time series of the cross-point analysis; see windows.h. */
#include <stdlib.h>
#include <string.h>
#include "analysis/results/series.h"
#include "common/hist.h"

const char *const ser_comp_name[SER_COMPS] = { "total", "client", "link", "bridge", "guest",
					       "network", "server" };
static const double pcts[SER_PCTS] = { 50, 90, 99 };
static const char *const pct_name[SER_PCTS] = { "p50", "p90", "p99" };

struct open_win {
	int used;
	uint64_t start;
	struct ser_row row;
	struct hist *h[2][SER_COMPS];
};

struct series {
	int64_t width;
	struct open_win o[SER_OPEN];
	uint64_t newest;	/* start of the newest open window */
	int any;
	struct res_series *rows;
};

struct series *ser_new(unsigned roles, int64_t window_ns)
{
	struct series *w = calloc(1, sizeof *w);
	if (!w)
		return NULL;
	w->width = window_ns > 0 ? window_ns : 1000000000ll;
	w->rows = calloc(1, sizeof *w->rows);
	if (!w->rows)
		goto fail;
	w->rows->window_ns = w->width;
	w->rows->roles = roles;
	for (int i = 0; i < SER_OPEN; i++)
		for (int p = 0; p < 2; p++)
			for (int c = 0; c < SER_COMPS; c++)
				if (!(w->o[i].h[p][c] = hist_new()))
					goto fail;
				else	/* touch it now: memory stays flat however long the capture */
					hist_reset(w->o[i].h[p][c]);
	return w;
fail:
	ser_free(w);
	return NULL;
}

static void close_win(struct series *w, struct open_win *o)
{
	struct res_series *r = w->rows;
	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 64;
		struct ser_row *n = realloc(r->rows, cap * sizeof *n);
		if (!n)
			return;
		r->rows = n;
		r->cap = cap;
	}
	for (int p = 0; p < 2; p++)
		for (int c = 0; c < SER_COMPS; c++) {
			o->row.n[p][c] = hist_count(o->h[p][c]);
			for (int k = 0; k < SER_PCTS; k++)
				o->row.pct[p][c][k] = hist_percentile(o->h[p][c], pcts[k]);
			hist_reset(o->h[p][c]);
		}
	r->rows[r->n++] = o->row;
	o->used = 0;
}

/* The open window holding t, opening (and closing old ones) as time moves on. */
static struct open_win *slot(struct series *w, uint64_t t)
{
	uint64_t start = t - t % (uint64_t)w->width;
	if (!w->any) {
		w->any = 1;
		w->newest = start;
	}
	if (start + (uint64_t)w->width * SER_OPEN <= w->newest)
		return NULL;	/* too late */
	if (start > w->newest + (uint64_t)w->width * SER_OPEN) {
		ser_finish(w);	/* a gap: close everything open, jump */
		w->newest = start;
	}
	while (start > w->newest) {
		w->newest += (uint64_t)w->width;
		struct open_win *o = &w->o[(w->newest / (uint64_t)w->width) % SER_OPEN];
		if (o->used)
			close_win(w, o);
	}
	struct open_win *o = &w->o[(start / (uint64_t)w->width) % SER_OPEN];
	if (!o->used) {
		o->used = 1;
		o->start = start;
		memset(&o->row, 0, sizeof o->row);
		o->row.start_ns = start;
	}
	return o;
}

void ser_point(struct series *w, uint8_t point, uint64_t req_ns, uint64_t resp_ns)
{
	if (point >= PT_N)
		return;
	struct open_win *o;
	if (req_ns && (o = slot(w, req_ns)))
		o->row.req[point]++;
	if (resp_ns && (o = slot(w, resp_ns)))
		o->row.resp[point]++;
}

static int64_t comp(const struct txn *t, int c)
{
	switch (c) {
	case 0: return t->total_ns;
	case 1: return t->client_ns;
	case 2: return t->link_ns;
	case 3: return t->bridge_ns;
	case 4: return t->guest_ns;
	case 5: return t->network_ns;
	default: return t->server_ns;
	}
}

void ser_txn(struct series *w, const struct txn *t, uint64_t end_ns)
{
	struct open_win *o = end_ns || w->any ? slot(w, end_ns ? end_ns : w->newest) : NULL;
	if (!o) {
		w->rows->late++;
		return;
	}
	int p = t->proto == TXN_HTTP;
	o->row.txns[p]++;
	if (t->lost_at)
		o->row.lost[p]++;
	for (int c = 0; c < SER_COMPS; c++) {
		int64_t v = comp(t, c);
		if (v != TXN_NS_NONE)
			hist_record(o->h[p][c], v < 0 ? 0 : v);
	}
}

void ser_finish(struct series *w)
{
	/* close in time order */
	for (int k = SER_OPEN - 1; k >= 0; k--) {
		uint64_t start = w->newest - (uint64_t)k * (uint64_t)w->width;
		struct open_win *o = &w->o[(start / (uint64_t)w->width) % SER_OPEN];
		if (o->used && o->start == start)
			close_win(w, o);
	}
}

struct res_series *ser_take(struct series *w)
{
	struct res_series *r = w->rows;
	w->rows = NULL;
	return r;
}

void ser_free_rows(struct res_series *r)
{
	if (!r)
		return;
	free(r->rows);
	free(r);
}

void ser_free(struct series *w)
{
	if (!w)
		return;
	for (int i = 0; i < SER_OPEN; i++)
		for (int p = 0; p < 2; p++)
			for (int c = 0; c < SER_COMPS; c++)
				hist_free(w->o[i].h[p][c]);
	ser_free_rows(w->rows);
	free(w);
}

static const char *const role_name[PT_N] = { "client", "uplink", "vif" };

static void json_rates(FILE *f, const char *key, const uint64_t *v, const struct res_series *w)
{
	double secs = (double)w->window_ns / 1e9;
	fprintf(f, ",\"%s\":{", key);
	int any = 0;
	for (int p = 0; p < PT_N; p++)
		if (w->roles & 1u << p) {
			fprintf(f, "%s\"%s\":%.3f", any ? "," : "", role_name[p], (double)v[p] / secs);
			any = 1;
		}
	putc('}', f);
}

void ser_json(FILE *f, const struct res_series *w)
{
	fputs("\"windows\":[", f);
	for (size_t i = 0; w && i < w->n; i++) {
		const struct ser_row *r = &w->rows[i];
		fprintf(f, "%s{\"start_ns\":%llu", i ? "," : "", (unsigned long long)r->start_ns);
		json_rates(f, "requests_per_s", r->req, w);
		json_rates(f, "responses_per_s", r->resp, w);
		for (int p = 0; p < 2; p++) {
			fprintf(f, ",\"%s\":{\"transactions\":%llu,\"lost\":%llu,\"latency_us\":{",
				p ? "http" : "dns", (unsigned long long)r->txns[p],
				(unsigned long long)r->lost[p]);
			int any = 0;
			for (int c = 0; c < SER_COMPS; c++) {
				if (!r->n[p][c])
					continue;
				fprintf(f, "%s\"%s\":{", any ? "," : "", ser_comp_name[c]);
				for (int k = 0; k < SER_PCTS; k++)
					fprintf(f, "%s\"%s\":%.3f", k ? "," : "", pct_name[k],
						(double)r->pct[p][c][k] / 1000.0);
				putc('}', f);
				any = 1;
			}
			fputs("}}", f);
		}
		putc('}', f);
	}
	putc(']', f);
}

void ser_csv(FILE *f, const struct res_series *w)
{
	fputs("kind,start_ns,window_s", f);
	for (int p = 0; p < PT_N; p++)
		fprintf(f, ",%s_requests_per_s,%s_responses_per_s", role_name[p], role_name[p]);
	for (int p = 0; p < 2; p++) {
		fprintf(f, ",%s_transactions,%s_lost", p ? "http" : "dns", p ? "http" : "dns");
		for (int c = 0; c < SER_COMPS; c++)
			for (int k = 0; k < SER_PCTS; k++)
				fprintf(f, ",%s_%s_%s_us", p ? "http" : "dns", ser_comp_name[c], pct_name[k]);
	}
	putc('\n', f);
	double secs = w ? (double)w->window_ns / 1e9 : 1;
	for (size_t i = 0; w && i < w->n; i++) {
		const struct ser_row *r = &w->rows[i];
		fprintf(f, "window,%llu,%.6f", (unsigned long long)r->start_ns, secs);
		for (int p = 0; p < PT_N; p++) {
			if (w->roles & 1u << p)
				fprintf(f, ",%.3f,%.3f", (double)r->req[p] / secs, (double)r->resp[p] / secs);
			else
				fputs(",,", f);
		}
		for (int p = 0; p < 2; p++) {
			fprintf(f, ",%llu,%llu", (unsigned long long)r->txns[p], (unsigned long long)r->lost[p]);
			for (int c = 0; c < SER_COMPS; c++)
				for (int k = 0; k < SER_PCTS; k++) {
					if (r->n[p][c])
						fprintf(f, ",%.3f", (double)r->pct[p][c][k] / 1000.0);
					else
						putc(',', f);
				}
		}
		putc('\n', f);
	}
}
