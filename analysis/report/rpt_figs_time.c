/* The HTML report's figures of the whole capture: latency distributions
 * (CDF), the timeline of rates with incidents, the clock and the matching
 * panels (rpt_figs.h). */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "analysis/report/rpt_figs.h"

#define INCIDENT_COLOR "#D55E00"
#define STEP_COLOR "#999999"

/* ---- latency distribution ---- */

#define CDF_COMPS 6
static const char *const cdf_comp[CDF_COMPS] = { "total", "response", "client", "link", "bridge", "guest" };
static const char *const cdf_color[CDF_COMPS] = { "#333333", "#56B4E9", "#CC79A7", "#0072B2", "#E69F00",
						  "#009E73" };
/* Without a `cdf` list: the percentiles every summary has. */
static const char *const pct_q[5] = { "50", "90", "99", "99.9", "100" };
static const char *const pct_key[5] = { "p50", "p90", "p99", "p999", "max" };

/* Drawn on a log axis: measured, and some value above zero. */
static int cdf_drawable(json_object *o)
{
	return jr_dbl(o, "count") > 0 && jr_dbl(o, "max") > 0;
}

/* Row i of the distribution: the quantile and each component's value there. */
static void cdf_row(struct fig *f, json_object *const *o, const int *col, int qcol, json_object *qlist, size_t i)
{
	fig_row(f);
	if (!qlist) {
		fig_set(f, qcol, pct_q[i]);
		for (int k = 0; k < CDF_COMPS; k++)
			fig_set(f, col[k], col[k] >= 0 ? jr_text(o[k], pct_key[i]) : "");
		return;
	}
	const char *q = jr_text(json_object_array_get_idx(json_object_array_get_idx(qlist, i), 0), "");
	fig_set(f, qcol, q);
	for (int k = 0; k < CDF_COMPS; k++) {
		size_t n;
		json_object *a = col[k] >= 0 ? jr_array(o[k], "cdf", &n) : NULL;
		json_object *pair = a && i < n ? json_object_array_get_idx(a, i) : NULL;
		/* the same quantile list in every component; a differing one is left out */
		if (pair && !strcmp(jr_text(json_object_array_get_idx(pair, 0), ""), q))
			fig_set(f, col[k], jr_text(json_object_array_get_idx(pair, 1), ""));
	}
}

void rf_cdf(struct fig *f, const struct rf_ctx *c, const char *proto)
{
	char id[40], title[80], path[64], name[48];
	json_object *o[CDF_COMPS], *qlist = NULL;
	int col[CDF_COMPS];
	snprintf(id, sizeof id, "fig-cdf-%s", proto);
	snprintf(title, sizeof title, "Latency distribution, %s", strcmp(proto, "http") ? "DNS" : "HTTP");
	fig_init(f, id, title);
	int qcol = fig_col(f, "percent");
	for (int k = 0; k < CDF_COMPS; k++) {
		snprintf(path, sizeof path, "%s.latency_us.%s", proto, cdf_comp[k]);
		o[k] = jr_get(c->root, path);
		col[k] = -1;
		if (!cdf_drawable(o[k]))
			continue;
		snprintf(name, sizeof name, "%s_us", cdf_comp[k]);
		col[k] = fig_col(f, name);
		size_t n;
		if (!qlist && jr_array(o[k], "cdf", &n) && n)
			qlist = jr_array(o[k], "cdf", &n);
	}
	size_t rows = qlist ? json_object_array_length(qlist) : 5;
	for (size_t i = 0; f->ncols > 1 && i < rows; i++)
		cdf_row(f, o, col, qcol, qlist, i);
	for (int k = 0; k < CDF_COMPS; k++)
		if (col[k] >= 0)
			fig_series(f, cdf_comp[k], col[k], qcol, FIG_LINE, cdf_color[k]);
	snprintf(f->xlabel, sizeof f->xlabel, "latency (µs, log scale)");
	snprintf(f->ylabel, sizeof f->ylabel, "percent of transactions at or below");
	f->xlog = 1;
	f->yzero = 1;
	snprintf(f->caption, sizeof f->caption, "Share of %s transactions whose component took at most "
		 "the latency on the x axis%s. Components never above zero cannot be drawn on a log axis and "
		 "are left out.", proto, qlist ? "" : " (from p50, p90, p99, p99.9 and max: this summary has "
		 "no cdf lists)");
	if (f->ncols < 2)
		snprintf(f->empty, sizeof f->empty, "no timed %s transactions", proto);
}

/* ---- timeline ---- */

static void timeline_shades(struct fig *f, const struct rf_ctx *c)
{
	size_t n;
	char label[96];
	json_object *a = jr_array(c->root, "incidents", &n);
	for (size_t i = 0; i < n; i++) {
		json_object *in = json_object_array_get_idx(a, i);
		double end = jr_dbl(in, "end_ns");
		const char *guest = jr_str(in, "guest");
		snprintf(label, sizeof label, "%s%s%s", jr_text(in, "kind"), guest ? " " : "", guest ? guest : "");
		fig_shade(f, rf_secs(c, jr_dbl(in, "start_ns")), rf_secs(c, isnan(end) ? c->last_ns : end), label,
			  INCIDENT_COLOR);
	}
	for (size_t i = 0; i < c->n_steps; i++) {
		json_object *s = json_object_array_get_idx(c->steps, i);
		const char *limit = jr_text(s, "limit");
		if (!*limit || !strcmp(limit, "none"))
			continue;	/* only the steps something limited */
		snprintf(label, sizeof label, "step %zu: %s", i + 1, limit);
		fig_shade(f, rf_secs(c, jr_dbl(s, "start_ns")), rf_secs(c, jr_dbl(s, "end_ns")), label, STEP_COLOR);
	}
}

void rf_timeline(struct fig *f, const struct rf_ctx *c)
{
	char name[64], path[64];
	int req[RF_POINTS], resp[RF_POINTS];
	fig_init(f, "fig-timeline", "Requests and responses over time");
	int t = fig_col(f, "start_s"), ns = fig_col(f, "start_ns");
	for (unsigned p = 0; p < c->npoints; p++) {
		snprintf(name, sizeof name, "%s_requests_per_s", c->point[p]);
		req[p] = fig_col(f, name);
		snprintf(name, sizeof name, "%s_responses_per_s", c->point[p]);
		resp[p] = fig_col(f, name);
	}
	for (size_t i = 0; i < c->n_windows; i++) {
		json_object *w = json_object_array_get_idx(c->windows, i);
		fig_row(f);
		fig_setf(f, t, "%.3f", rf_secs(c, jr_dbl(w, "start_ns")));
		fig_set(f, ns, jr_text(w, "start_ns"));
		for (unsigned p = 0; p < c->npoints; p++) {
			snprintf(path, sizeof path, "requests_per_s.%s", c->point[p]);
			fig_set(f, req[p], jr_text(w, path));
			snprintf(path, sizeof path, "responses_per_s.%s", c->point[p]);
			fig_set(f, resp[p], jr_text(w, path));
		}
	}
	for (unsigned p = 0; p < c->npoints; p++) {
		snprintf(name, sizeof name, "requests at %s", c->point[p]);
		fig_series(f, name, t, req[p], FIG_LINE, rf_point_color(c->point[p]));
		snprintf(name, sizeof name, "responses at %s", c->point[p]);
		fig_series(f, name, t, resp[p], FIG_LINE | FIG_DASHED, rf_point_color(c->point[p]));
	}
	timeline_shades(f, c);
	snprintf(f->xlabel, sizeof f->xlabel, "seconds since the capture's first packet");
	snprintf(f->ylabel, sizeof f->ylabel, "per second");
	f->yzero = 1;
	snprintf(f->caption, sizeof f->caption, "DNS queries and HTTP requests (solid) and their responses "
		 "(dashed) per second at each point, per window of %g s. Shaded in red: incidents; in grey: "
		 "load steps something limited.", c->window_s);
	if (!c->n_windows)
		snprintf(f->empty, sizeof f->empty, "no windows in this summary");
}

/* ---- clock ---- */

void rf_clock(struct fig *f, const struct rf_ctx *c)
{
	json_object *k = jr_get(c->root, "clock");
	fig_init(f, "fig-clock", "Client clock against Dom0's");
	int t = fig_col(f, "t_s"), off = fig_col(f, "client_offset_us"), lo = fig_col(f, "lower_us"),
	    hi = fig_col(f, "upper_us");
	double o = jr_dbl(k, "client_offset_ns"), skew = jr_dbl(k, "client_skew_ppm"),
	       unc = jr_dbl(k, "split_uncertainty_ns");
	double t0 = jr_dbl(c->root, "points.client.first_ns"), t1 = jr_dbl(c->root, "points.client.last_ns");
	if (isnan(t0))
		t0 = c->first_ns, t1 = c->last_ns;
	/* the clock model the summary holds: offset at the client's first
	 * packet, drifting skew ppm (µs per second) from there */
	for (int i = 0; k && !isnan(o) && !isnan(skew) && i < (t1 > t0 ? 2 : 1); i++) {
		double at = i ? t1 : t0, us = o / 1e3 + skew * (at - t0) / 1e9;
		fig_row(f);
		fig_setf(f, t, "%.3f", rf_secs(c, at));
		fig_setf(f, off, "%.3f", us);
		fig_setf(f, lo, "%.3f", us - (isnan(unc) ? 0 : unc / 1e3));
		fig_setf(f, hi, "%.3f", us + (isnan(unc) ? 0 : unc / 1e3));
	}
	fig_series(f, "client clock - Dom0 clock", t, off, FIG_LINE | FIG_MARKS, "#0072B2");
	fig_band(f, lo, hi);
	snprintf(f->xlabel, sizeof f->xlabel, "seconds since the capture's first packet");
	snprintf(f->ylabel, sizeof f->ylabel, "offset (µs)");
	snprintf(f->caption, sizeof f->caption, "Client clock minus Dom0 clock: offset %s ns at the client's "
		 "first packet, skew %s ppm, from %s samples. Shaded: the split uncertainty of link and bridge "
		 "times, %s ns either side.", jr_text(k, "client_offset_ns"), jr_text(k, "client_skew_ppm"),
		 jr_text(k, "samples"), jr_text(k, "split_uncertainty_ns"));
	if (!f->nrows)
		snprintf(f->empty, sizeof f->empty, "no clock alignment: it needs the client's capture and a "
			 "Dom0 capture");
}

/* ---- matching ---- */

struct hop {
	const char *label, *pair, *near, *far, *loss;
};

static const struct hop hops[] = {
	{ "link", "client_uplink", "client", "uplink", "loss.link" },
	{ "bridge", "uplink_vif", "uplink", "vif", "loss.bridge" },
	{ "guest", NULL, NULL, NULL, "loss.guest" },
	{ "client to vif", "client_vif", "client", "vif", NULL },
};

static void hop_row(struct fig *f, const struct rf_ctx *c, const struct hop *h, const int *col)
{
	char path[64];
	json_object *m = h->pair ? jr_get(jr_get(c->root, "matching"), h->pair) : NULL;
	if (!m && !(h->loss && jr_get(c->root, h->loss)))
		return;
	fig_row(f);
	fig_set(f, col[0], h->label);
	fig_set(f, col[1], m ? h->pair : "");
	fig_set(f, col[2], jr_text(m, "matched"));
	snprintf(path, sizeof path, "only_%s", h->near ? h->near : "");
	fig_set(f, col[3], m ? jr_text(m, path) : "");
	snprintf(path, sizeof path, "only_%s", h->far ? h->far : "");
	fig_set(f, col[4], m ? jr_text(m, path) : "");
	fig_set(f, col[5], h->loss ? jr_text(c->root, h->loss) : "");
}

void rf_matching(struct fig *f, const struct rf_ctx *c)
{
	static const char *const cols[6] = { "hop", "pair", "matched", "only_nearer", "only_farther", "lost" };
	static const char *const names[4] = { "packets matched", "only at nearer point",
					       "only at farther point", "transactions lost" };
	static const char *const colors[4] = { "#0072B2", "#E69F00", "#CC79A7", INCIDENT_COLOR };
	int col[6];
	fig_init(f, "fig-matching", "Matching across points and loss per hop");
	for (int i = 0; i < 6; i++)
		col[i] = fig_col(f, cols[i]);
	for (size_t i = 0; i < sizeof hops / sizeof hops[0]; i++)
		hop_row(f, c, &hops[i], col);
	for (int i = 0; i < 4; i++)
		fig_series(f, names[i], -1, col[2 + i], 0, colors[i]);
	f->kind = FIG_GROUPED;
	f->ylog = 1;
	snprintf(f->xlabel, sizeof f->xlabel, "hop");
	snprintf(f->ylabel, sizeof f->ylabel, "count (log scale)");
	snprintf(f->caption, sizeof f->caption, "Packets matched between the points either side of each hop, "
		 "packets seen only at the point nearer the client or only at the farther one, and the "
		 "transactions lost in that hop. A bar of 0 is not drawn on the log scale; its number is.");
	if (!f->nrows)
		snprintf(f->empty, sizeof f->empty, "one point: matching needs several points");
}
