/* The load-step figures of the HTML report: response rate against request
 * rate, latency against request rate with a band of one standard
 * deviation, and the per-hop breakdown stacked (rpt_figs.h). Rows are the
 * summary's steps; without steps, its windows (sorted by request rate). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "analysis/report/rpt_figs.h"

const char *const rf_comp[RF_COMPS] = { "total", "client", "link", "bridge", "guest" };
const char *const rf_comp_color[RF_COMPS] = { "#333333", "#CC79A7", "#0072B2", "#E69F00", "#009E73" };
static const char *const point_name[RF_POINTS] = { "client", "uplink", "vif" };
static const char *const point_color[RF_POINTS] = { "#0072B2", "#E69F00", "#009E73" };
#define DIAG_COLOR "#888888"

const char *rf_point_color(const char *point)
{
	for (int i = 0; i < RF_POINTS; i++)
		if (!strcmp(point, point_name[i]))
			return point_color[i];
	return DIAG_COLOR;
}

void rf_ctx_init(struct rf_ctx *c, json_object *root)
{
	memset(c, 0, sizeof *c);
	c->root = root;
	c->steps = jr_array(root, "steps", &c->n_steps);
	c->windows = jr_array(root, "windows", &c->n_windows);
	for (int i = 0; i < RF_POINTS; i++)
		if (jr_get(root, "points") && jr_get(jr_get(root, "points"), point_name[i]))
			c->point[c->npoints++] = point_name[i];
	c->head = c->npoints ? c->point[0] : "client";
	c->proto = jr_dbl(root, "http.transactions") > jr_dbl(root, "dns.transactions") ? "http" : "dns";
	c->first_ns = jr_dbl(root, "capture.first_ns");
	c->last_ns = jr_dbl(root, "capture.last_ns");
	c->window_s = jr_dbl(root, "window_s");
}

double rf_secs(const struct rf_ctx *c, double t_ns)
{
	return (t_ns - c->first_ns) / 1e9;
}

/* ---- rows: steps in order, or windows by request rate ---- */

struct rows {
	json_object **item;
	size_t n;
	int windows;		/* 1: rows are windows (no steps in the summary) */
};

struct keyed {
	double x;
	size_t i;
};

static int by_x(const void *a, const void *b)
{
	const struct keyed *p = a, *q = b;
	return p->x < q->x ? -1 : p->x > q->x ? 1 : p->i < q->i ? -1 : p->i > q->i;
}

/* The windows with requests at the head point, by their request rate. */
static void window_rows(struct rows *r, const struct rf_ctx *c)
{
	char path[64];
	snprintf(path, sizeof path, "requests_per_s.%s", c->head);
	struct keyed *k = malloc((c->n_windows ? c->n_windows : 1) * sizeof *k);
	r->item = malloc((c->n_windows ? c->n_windows : 1) * sizeof *r->item);
	for (size_t i = 0; k && r->item && i < c->n_windows; i++) {
		double x = jr_dbl(json_object_array_get_idx(c->windows, i), path);
		if (x > 0)
			k[r->n++] = (struct keyed){ x, i };
	}
	if (k && r->item) {
		qsort(k, r->n, sizeof *k, by_x);
		for (size_t i = 0; i < r->n; i++)
			r->item[i] = json_object_array_get_idx(c->windows, k[i].i);
	} else {
		r->n = 0;
	}
	free(k);
}

static void rows_of(struct rows *r, const struct rf_ctx *c)
{
	memset(r, 0, sizeof *r);
	if (!c->steps) {
		r->windows = 1;
		window_rows(r, c);
		return;
	}
	r->item = malloc((c->n_steps ? c->n_steps : 1) * sizeof *r->item);
	for (size_t i = 0; r->item && i < c->n_steps; i++)
		r->item[r->n++] = json_object_array_get_idx(c->steps, i);
}

/* The request rate of a row: the step's, or the window's at the head point. */
static const char *row_rate(const struct rf_ctx *c, const struct rows *r, json_object *it)
{
	char path[64];
	if (!r->windows)
		return jr_text(it, "request_rate");
	snprintf(path, sizeof path, "requests_per_s.%s", c->head);
	return jr_text(it, path);
}

/* A row's latency component: a step's latency_us.<c> (or <c>), a window's
 * <proto>.latency_us.<c>. */
static json_object *row_comp(const struct rf_ctx *c, const struct rows *r, json_object *it, const char *comp)
{
	char path[64];
	if (r->windows)
		snprintf(path, sizeof path, "%s.latency_us.%s", c->proto, comp);
	else
		snprintf(path, sizeof path, "latency_us.%s", comp);
	json_object *o = jr_get(it, path);
	return o || r->windows ? o : jr_get(it, comp);
}

/* Components with a count in some row (of those in rf_comp from first). */
static unsigned comps_present(const struct rf_ctx *c, const struct rows *r, int first, int *has)
{
	unsigned n = 0;
	for (int k = first; k < RF_COMPS; k++) {
		has[k] = 0;
		for (size_t i = 0; i < r->n && !has[k]; i++)
			has[k] = jr_dbl(row_comp(c, r, r->item[i], rf_comp[k]), "count") > 0;
		n += (unsigned)has[k];
	}
	return n;
}

static void step_cols(struct fig *f, const struct rows *r, int *step, int *start)
{
	*step = r->windows ? -1 : fig_col(f, "step");
	*start = fig_col(f, "start_s");
}

static void step_cells(struct fig *f, const struct rf_ctx *c, const struct rows *r, size_t i, int step,
		       int start)
{
	json_object *it = r->item[i];
	if (step >= 0) {
		const char *n = jr_text(it, "step");
		if (*n)
			fig_set(f, step, n);
		else
			fig_setf(f, step, "%zu", i + 1);
	}
	fig_setf(f, start, "%.3f", rf_secs(c, jr_dbl(it, "start_ns")));
}

static void rows_caption(struct fig *f, const struct rf_ctx *c, const struct rows *r, const char *what)
{
	if (r->windows)
		snprintf(f->caption, sizeof f->caption, "%s No load steps in this summary: each window of %g s "
			 "with requests at the %s is a point.", what, c->window_s, c->head);
	else
		snprintf(f->caption, sizeof f->caption, "%s One point per load step.", what);
}

/* ---- response rate against request rate ---- */

struct rate_cols {
	int rate, resp, frac, limit, why;
	int preq[RF_POINTS], presp[RF_POINTS], pps[RF_POINTS];
};

static void rate_cols(struct fig *f, const struct rf_ctx *c, const struct rows *r, struct rate_cols *k,
		      int per_point)
{
	char name[48];
	k->rate = fig_col(f, r->windows ? "requests_per_s" : "request_rate");
	k->resp = r->windows ? -1 : fig_col(f, "response_rate");
	k->frac = r->windows ? -1 : fig_col(f, "answered_fraction");
	for (unsigned p = 0; p < c->npoints; p++) {
		k->preq[p] = k->presp[p] = -1;
		if (per_point && !r->windows) {
			snprintf(name, sizeof name, "%s_requests", c->point[p]);
			k->preq[p] = fig_col(f, name);
			snprintf(name, sizeof name, "%s_responses", c->point[p]);
			k->presp[p] = fig_col(f, name);
		}
		snprintf(name, sizeof name, "%s_responses_per_s", c->point[p]);
		k->pps[p] = per_point || r->windows ? fig_col(f, name) : -1;
	}
	k->limit = r->windows ? -1 : fig_col(f, "limit");
	k->why = r->windows ? -1 : fig_col(f, "why");
}

static void rate_cells(struct fig *f, const struct rf_ctx *c, const struct rows *r, json_object *it,
		       const struct rate_cols *k)
{
	char path[64];
	fig_set(f, k->rate, row_rate(c, r, it));
	fig_set(f, k->resp, jr_text(it, "response_rate"));
	fig_set(f, k->frac, jr_text(it, "answered_fraction"));
	for (unsigned p = 0; p < c->npoints; p++) {
		if (r->windows) {
			snprintf(path, sizeof path, "responses_per_s.%s", c->point[p]);
			fig_set(f, k->pps[p], jr_text(it, path));
			continue;
		}
		snprintf(path, sizeof path, "points.%s.requests", c->point[p]);
		fig_set(f, k->preq[p], jr_text(it, path));
		snprintf(path, sizeof path, "points.%s.responses", c->point[p]);
		fig_set(f, k->presp[p], jr_text(it, path));
		double n = jr_dbl(it, path), secs = jr_dbl(it, "duration_s");
		if (k->pps[p] >= 0 && !isnan(n) && secs > 0)
			fig_setf(f, k->pps[p], "%.3f", n / secs);	/* a count over its step, as a rate */
	}
	fig_set(f, k->limit, jr_text(it, "limit"));
	fig_set(f, k->why, jr_text(it, "why"));
}

void rf_rates(struct fig *f, const struct rf_ctx *c)
{
	struct rows r;
	struct rate_cols k;
	int step, start;
	char name[64];
	fig_init(f, "fig-rates", "Response rate against request rate");
	rows_of(&r, c);
	/* per point when the steps carry each point's counts */
	int per_point = r.windows || (r.n && jr_get(r.item[0], "points"));
	step_cols(f, &r, &step, &start);
	rate_cols(f, c, &r, &k, per_point);
	for (size_t i = 0; i < r.n; i++) {
		fig_row(f);
		step_cells(f, c, &r, i, step, start);
		rate_cells(f, c, &r, r.item[i], &k);
	}
	unsigned style = r.windows ? FIG_MARKS : FIG_LINE | FIG_MARKS;
	for (unsigned p = 0; per_point && p < c->npoints; p++) {
		snprintf(name, sizeof name, "responses at %s", c->point[p]);
		fig_series(f, name, k.rate, k.pps[p], style, rf_point_color(c->point[p]));
	}
	if (!per_point)
		fig_series(f, "responses", k.rate, k.resp, style, rf_point_color(c->head));
	fig_series(f, "every request answered", k.rate, k.rate, FIG_LINE | FIG_DASHED, DIAG_COLOR);
	snprintf(f->xlabel, sizeof f->xlabel, "requests/s leaving the %s", c->head);
	snprintf(f->ylabel, sizeof f->ylabel, "responses/s");
	f->xzero = f->yzero = 1;
	char what[160];
	snprintf(what, sizeof what, "Responses per second at each point against the requests per second "
		 "leaving the %s.", c->head);
	rows_caption(f, c, &r, what);
	if (!r.n)
		snprintf(f->empty, sizeof f->empty, "no requests in this capture");
	free(r.item);
}

/* ---- latency against request rate ---- */

void rf_latency(struct fig *f, const struct rf_ctx *c)
{
	struct rows r;
	int step, start, has[RF_COMPS], col[RF_COMPS][5];
	static const char *const key[5] = { "count", "mean", "stddev", "minus_sd", "plus_sd" };
	fig_init(f, "fig-latency", "Latency against request rate");
	rows_of(&r, c);
	comps_present(c, &r, 0, has);
	step_cols(f, &r, &step, &start);
	int rate = fig_col(f, r.windows ? "requests_per_s" : "request_rate");
	for (int k = 0; k < RF_COMPS; k++)
		for (int j = 0; j < 5; j++) {
			char name[48];
			snprintf(name, sizeof name, "%s_%s%s", rf_comp[k], key[j], j ? "_us" : "");
			col[k][j] = has[k] ? fig_col(f, name) : -1;
		}
	for (size_t i = 0; i < r.n; i++) {
		fig_row(f);
		step_cells(f, c, &r, i, step, start);
		fig_set(f, rate, row_rate(c, &r, r.item[i]));
		for (int k = 0; k < RF_COMPS; k++) {
			json_object *o = has[k] ? row_comp(c, &r, r.item[i], rf_comp[k]) : NULL;
			double m = jr_dbl(o, "mean"), sd = jr_dbl(o, "stddev");
			for (int j = 0; j < 3; j++)
				fig_set(f, col[k][j], jr_text(o, key[j]));
			if (!isnan(m) && !isnan(sd) && jr_dbl(o, "count") > 0) {
				fig_setf(f, col[k][3], "%.3f", m - sd);	/* the band's edges */
				fig_setf(f, col[k][4], "%.3f", m + sd);
			}
		}
	}
	for (int k = 0; k < RF_COMPS; k++) {
		if (!has[k])
			continue;
		fig_series(f, rf_comp[k], rate, col[k][1], r.windows ? FIG_MARKS : FIG_LINE | FIG_MARKS,
			   rf_comp_color[k]);
		fig_band(f, col[k][3], col[k][4]);
	}
	snprintf(f->xlabel, sizeof f->xlabel, "requests/s leaving the %s", c->head);
	snprintf(f->ylabel, sizeof f->ylabel, "mean latency (µs)");
	f->xzero = f->yzero = 1;
	rows_caption(f, c, &r, "Mean latency of each component, shaded one standard deviation either "
		     "side.");
	if (!r.n || !f->nseries)
		snprintf(f->empty, sizeof f->empty, "no timed transactions in this capture");
	free(r.item);
}

/* ---- per-hop breakdown, stacked ---- */

/* Without steps: the whole capture per protocol, from the summary's totals. */
static void breakdown_whole(struct fig *f, const struct rf_ctx *c, const int *col)
{
	static const char *const proto[2] = { "dns", "http" }, *const label[2] = { "DNS", "HTTP" };
	char path[64];
	for (int p = 0; p < 2; p++) {
		snprintf(path, sizeof path, "%s.transactions", proto[p]);
		if (!(jr_dbl(c->root, path) > 0))
			continue;
		fig_row(f);
		fig_setf(f, f->label_col, "%s, whole capture", label[p]);
		for (int k = 0; k < RF_COMPS; k++) {
			snprintf(path, sizeof path, "%s.latency_us.%s.mean", proto[p], rf_comp[k]);
			fig_set(f, col[k], jr_text(c->root, path));
		}
	}
}

static void breakdown_steps(struct fig *f, const struct rf_ctx *c, const struct rows *r, const int *col)
{
	int step = fig_col(f, "step"), rate = fig_col(f, "request_rate");
	for (size_t i = 0; i < r->n; i++) {
		fig_row(f);
		step_cells(f, c, r, i, step, -1);
		fig_set(f, rate, jr_text(r->item[i], "request_rate"));
		fig_setf(f, f->label_col, "%s: %.0f/s", fig_cell(f, f->nrows - 1, step), jr_dbl(r->item[i], "request_rate"));
		for (int k = 0; k < RF_COMPS; k++)
			fig_set(f, col[k], jr_text(row_comp(c, r, r->item[i], rf_comp[k]), "mean"));
	}
}

void rf_breakdown(struct fig *f, const struct rf_ctx *c)
{
	struct rows r;
	int has[RF_COMPS], col[RF_COMPS] = { -1, -1, -1, -1, -1 };
	char name[48];
	fig_init(f, "fig-breakdown", "Per-hop breakdown of latency");
	memset(&r, 0, sizeof r);
	if (c->steps)
		rows_of(&r, c);
	/* the hops; the total alone where the summary has no hop (one point) */
	int hops = r.n ? comps_present(c, &r, 1, has) > 0
		       : jr_get(c->root, "dns.latency_us.link") || jr_get(c->root, "http.latency_us.link");
	f->kind = FIG_STACKED;
	f->label_col = fig_col(f, c->steps ? "step_label" : "what");
	for (int k = hops ? 1 : 0; k < (hops ? RF_COMPS : 1); k++) {
		snprintf(name, sizeof name, "%s_mean_us", rf_comp[k]);
		col[k] = fig_col(f, name);
	}
	if (c->steps)
		breakdown_steps(f, c, &r, col);
	else
		breakdown_whole(f, c, col);
	for (int k = 0; k < RF_COMPS; k++)
		if (col[k] >= 0)
			fig_series(f, rf_comp[k], -1, col[k], 0, rf_comp_color[k]);
	snprintf(f->xlabel, sizeof f->xlabel, c->steps ? "load step: request rate" : "protocol");
	snprintf(f->ylabel, sizeof f->ylabel, "mean latency (µs)");
	snprintf(f->caption, sizeof f->caption, "Mean time in each hop (client, link, bridge, guest), stacked%s.",
		 c->steps ? ", per load step" : "; no load steps in this summary, so one bar for the whole capture");
	if (!f->nrows)
		snprintf(f->empty, sizeof f->empty, "no timed transactions in this capture");
	free(r.item);
}
