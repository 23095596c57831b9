/* hoplat compare A.json B.json: two runs side by side (the summaries
 * `analyze --json` wrote), per protocol and latency component and per load
 * step, with the difference of the means, its 95% interval (Welch's, from
 * each run's count, mean and standard deviation) and whether it is beyond
 * noise: the interval lies wholly outside +-margin, the smallest difference
 * taken as real (--min-diff, default 5us, or --min-rel of the larger mean,
 * default 5%, whichever is larger). Two runs on one host differ by a few us
 * on every hop (timestamps, scheduling), however many samples each has: a
 * statistical interval alone would call that "significant". */
#include <errno.h>
#include <getopt.h>
#include <json-c/json.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cmd/cmd.h"
#include "common/dur.h"

/* The components compared, in the summary's order. link_in/link_out are
 * left out: their error is the clock split's, the same sign for a whole
 * run, not noise an interval describes. */
static const char *const cmp_comps[] = { "total", "response", "client", "link", "bridge", "guest",
					 "network", "server", "client_link" };
#define CMP_NCOMPS (sizeof cmp_comps / sizeof cmp_comps[0])
static const char *const cmp_protos[] = { "dns", "http" };

struct cmp_opts {
	const char *a, *b;
	const char *json;		/* --json FILE ('-' stdout) */
	double min_diff_us, min_rel;
};

/* One run's figures for one component. */
struct cmp_stat {
	int ok;			/* count > 0 with mean and stddev */
	double n, mean, sd, p50, p99;
};

/* One component compared. */
struct cmp_row {
	unsigned step;		/* 0: the whole run; k: load step k */
	const char *proto;	/* "dns", "http"; "" for a step's own latency_us */
	const char *comp;
	struct cmp_stat a, b;
	double diff, lo, hi, margin;
	int sig;
};

struct cmp_out {
	struct cmp_row *rows;
	unsigned n, cap;
};

/* ---- reading a summary ---- */

static json_object *get(json_object *o, const char *key)
{
	json_object *v = NULL;
	return o && json_object_object_get_ex(o, key, &v) ? v : NULL;
}

static double num(json_object *o, const char *key, int *ok)
{
	json_object *v = get(o, key);
	if (!v || (!json_object_is_type(v, json_type_double) && !json_object_is_type(v, json_type_int))) {
		*ok = 0;
		return 0;
	}
	return json_object_get_double(v);
}

/* {"count":..,"mean":..,"stddev":..,"p50":..,"p99":..}; ok 0 when absent
 * or empty (a summary from before stddev was written has none). */
static struct cmp_stat stat_of(json_object *lat)
{
	struct cmp_stat s = { .ok = 1 };
	s.n = num(lat, "count", &s.ok);
	s.mean = num(lat, "mean", &s.ok);
	s.sd = num(lat, "stddev", &s.ok);
	s.p50 = num(lat, "p50", &s.ok);
	s.p99 = num(lat, "p99", &s.ok);
	s.ok &= s.n > 0;
	return s;
}

static json_object *load(const char *path)
{
	json_object *o = json_object_from_file(path);
	if (!o)
		fprintf(stderr, "hoplat compare: %s: %s\n", path, json_util_get_last_err());
	else if (!json_object_is_type(o, json_type_object) || !get(o, "dns")) {
		fprintf(stderr, "hoplat compare: %s: not a hoplat summary (analyze --json)\n", path);
		json_object_put(o);
		o = NULL;
	}
	return o;
}

/* ---- the interval ---- */

/* Student's t quantile for 97.5% (a two-sided 95% interval) at df degrees
 * of freedom: the Cornish-Fisher expansion around the normal's 1.96
 * (within 0.3% for df >= 3; exact in the limit). */
static double t975(double df)
{
	const double z = 1.959964;
	double z3 = z * z * z, z5 = z3 * z * z, z7 = z5 * z * z;
	if (df < 1)
		df = 1;
	return z + (z3 + z) / (4 * df) + (5 * z5 + 16 * z3 + 3 * z) / (96 * df * df) +
	       (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / (384 * df * df * df);
}

/* Welch's interval for mean(b) - mean(a), with the Welch-Satterthwaite
 * degrees of freedom. */
static void welch(struct cmp_row *r)
{
	double va = r->a.sd * r->a.sd / r->a.n, vb = r->b.sd * r->b.sd / r->b.n;
	double se = sqrt(va + vb);
	double den = (r->a.n > 1 ? va * va / (r->a.n - 1) : 0) + (r->b.n > 1 ? vb * vb / (r->b.n - 1) : 0);
	double df = den > 0 ? (va + vb) * (va + vb) / den : 1e9;
	r->diff = r->b.mean - r->a.mean;
	r->lo = r->diff - t975(df) * se;
	r->hi = r->diff + t975(df) * se;
}

static void judge(struct cmp_row *r, const struct cmp_opts *o)
{
	double big = fabs(r->a.mean) > fabs(r->b.mean) ? fabs(r->a.mean) : fabs(r->b.mean);
	welch(r);
	r->margin = o->min_rel * big > o->min_diff_us ? o->min_rel * big : o->min_diff_us;
	r->sig = r->lo > r->margin || r->hi < -r->margin;
}

/* ---- the rows ---- */

static struct cmp_row *add_row(struct cmp_out *out)
{
	if (out->n == out->cap) {
		unsigned cap = out->cap ? out->cap * 2 : 32;
		struct cmp_row *r = realloc(out->rows, cap * sizeof *r);
		if (!r)
			return NULL;
		out->rows = r;
		out->cap = cap;
	}
	return memset(&out->rows[out->n++], 0, sizeof *out->rows);
}

/* Every component either run measured under latency_us (a and b: the
 * latency_us objects), one row each. */
static int compare_lat(struct cmp_out *out, unsigned step, const char *proto, json_object *a,
		       json_object *b, const struct cmp_opts *o)
{
	for (size_t c = 0; c < CMP_NCOMPS; c++) {
		struct cmp_stat sa = stat_of(get(a, cmp_comps[c])), sb = stat_of(get(b, cmp_comps[c]));
		if (!sa.ok && !sb.ok)
			continue;
		struct cmp_row *r = add_row(out);
		if (!r)
			return -ENOMEM;
		r->step = step, r->proto = proto, r->comp = cmp_comps[c];
		r->a = sa, r->b = sb;
		if (sa.ok && sb.ok)
			judge(r, o);
	}
	return 0;
}

static int compare_protos(struct cmp_out *out, unsigned step, json_object *a, json_object *b,
			  const struct cmp_opts *o)
{
	int rc = 0;
	for (size_t p = 0; !rc && p < 2; p++)
		rc = compare_lat(out, step, cmp_protos[p], get(get(a, cmp_protos[p]), "latency_us"),
				 get(get(b, cmp_protos[p]), "latency_us"), o);
	return rc;
}

/* Load steps (the diagnosis's `steps`), paired by their order: step k of
 * A with step k of B. A step's components are under its latency_us, or
 * under dns/http like the summary's. */
static int compare_steps(struct cmp_out *out, json_object *a, json_object *b, const struct cmp_opts *o)
{
	json_object *sa = get(a, "steps"), *sb = get(b, "steps");
	if (!sa || !sb || !json_object_is_type(sa, json_type_array) || !json_object_is_type(sb, json_type_array))
		return 0;
	size_t n = json_object_array_length(sa), m = json_object_array_length(sb);
	int rc = 0;
	for (size_t k = 0; !rc && k < n && k < m; k++) {
		json_object *x = json_object_array_get_idx(sa, k), *y = json_object_array_get_idx(sb, k);
		if (get(x, "latency_us"))
			rc = compare_lat(out, (unsigned)k + 1, "", get(x, "latency_us"), get(y, "latency_us"), o);
		else
			rc = compare_protos(out, (unsigned)k + 1, x, y, o);
	}
	return rc;
}

/* ---- output ---- */

static const char *fig(const struct cmp_stat *s, double v, char *b)
{
	if (!s->ok)
		return "-";
	snprintf(b, 32, "%.1f", v);
	return b;
}

static void text_row(FILE *f, const struct cmp_row *r)
{
	char b[6][32], what[48];
	if (r->step)
		snprintf(what, sizeof what, "step %u %s%s%s", r->step, r->proto, *r->proto ? " " : "", r->comp);
	else
		snprintf(what, sizeof what, "%s %s", r->proto, r->comp);
	snprintf(b[0], 32, "%.0f", r->b.n);
	fprintf(f, "%-22s %8s %10s %10s %10s %10s", what, r->b.ok ? b[0] : "-",
		fig(&r->a, r->a.mean, b[1]), fig(&r->b, r->b.mean, b[2]), fig(&r->a, r->a.p50, b[3]),
		fig(&r->b, r->b.p50, b[4]));
	if (!r->a.ok || !r->b.ok) {
		fprintf(f, "  %s\n", r->a.ok ? "only in A" : "only in B");
		return;
	}
	fprintf(f, " %+10.1f  [%+.1f, %+.1f]  +-%.1f  %s\n", r->diff, r->lo, r->hi, r->margin,
		r->sig ? "yes" : "no");
}

static void text(FILE *f, const struct cmp_out *out, const struct cmp_opts *o)
{
	fprintf(f, "A: %s\nB: %s\n", o->a, o->b);
	fprintf(f, "%-22s %8s %10s %10s %10s %10s %10s  %-20s %-8s %s\n", "latency us", "count B", "mean A",
		"mean B", "p50 A", "p50 B", "B - A", "95% interval", "margin", "beyond noise");
	for (unsigned i = 0; i < out->n; i++)
		text_row(f, &out->rows[i]);
	fprintf(f, "(means exact; interval: Welch's t for the difference of means; beyond noise: the interval "
		"lies outside +-margin, the larger of %.1f us and %.0f%% of the larger mean)\n",
		o->min_diff_us, o->min_rel * 100);
}

/* A figure in us as written: three decimals (ns), not a double's 17 digits. */
static json_object *dbl(double v)
{
	char b[40];
	snprintf(b, sizeof b, "%.3f", v);
	return json_object_new_double_s(v, b);
}

static json_object *stat_json(const struct cmp_stat *s)
{
	if (!s->ok)
		return NULL;
	json_object *o = json_object_new_object();
	json_object_object_add(o, "count", json_object_new_int64((int64_t)s->n));
	json_object_object_add(o, "mean", dbl(s->mean));
	json_object_object_add(o, "stddev", dbl(s->sd));
	json_object_object_add(o, "p50", dbl(s->p50));
	json_object_object_add(o, "p99", dbl(s->p99));
	return o;
}

static json_object *row_json(const struct cmp_row *r)
{
	json_object *o = json_object_new_object();
	int both = r->a.ok && r->b.ok;
	json_object_object_add(o, "a", stat_json(&r->a));
	json_object_object_add(o, "b", stat_json(&r->b));
	json_object_object_add(o, "diff_us", both ? dbl(r->diff) : NULL);
	json_object_object_add(o, "ci_low_us", both ? dbl(r->lo) : NULL);
	json_object_object_add(o, "ci_high_us", both ? dbl(r->hi) : NULL);
	json_object_object_add(o, "margin_us", both ? dbl(r->margin) : NULL);
	json_object_object_add(o, "significant", both ? json_object_new_boolean(r->sig) : NULL);
	return o;
}

/* The object a row goes in: root.dns, or root.steps[k-1].http (made as
 * needed; steps come after the whole run's rows, in order). */
static json_object *slot(json_object *root, const struct cmp_row *r)
{
	json_object *parent = root;
	if (r->step) {
		json_object *steps = get(root, "steps");
		if (!steps)
			json_object_object_add(root, "steps", steps = json_object_new_array());
		while (json_object_array_length(steps) < r->step)
			json_object_array_add(steps, json_object_new_object());
		parent = json_object_array_get_idx(steps, r->step - 1);
	}
	if (!*r->proto)
		return parent;
	json_object *p = get(parent, r->proto);
	if (!p)
		json_object_object_add(parent, r->proto, p = json_object_new_object());
	return p;
}

/* {"a":..,"b":..,"method":"welch",..,"dns":{"guest":{...}},"http":{..},"steps":[..]} */
static int write_json(const struct cmp_out *out, const struct cmp_opts *o)
{
	json_object *root = json_object_new_object();
	json_object_object_add(root, "a", json_object_new_string(o->a));
	json_object_object_add(root, "b", json_object_new_string(o->b));
	json_object_object_add(root, "method", json_object_new_string("welch"));
	json_object_object_add(root, "confidence", json_object_new_double_s(0.95, "0.95"));
	json_object_object_add(root, "min_diff_us", dbl(o->min_diff_us));
	json_object_object_add(root, "min_rel", dbl(o->min_rel));
	for (unsigned i = 0; i < out->n; i++)
		json_object_object_add(slot(root, &out->rows[i]), out->rows[i].comp, row_json(&out->rows[i]));
	FILE *f = strcmp(o->json, "-") ? fopen(o->json, "w") : stdout;
	int rc = 0;
	if (!f || fprintf(f, "%s\n", json_object_to_json_string_ext(root, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)) < 0)
		rc = -EIO;
	if (f && f != stdout && fclose(f))
		rc = -EIO;
	if (rc)
		fprintf(stderr, "hoplat compare: cannot write %s\n", o->json);
	json_object_put(root);
	return rc;
}

/* ---- the command ---- */

static void usage(FILE *f)
{
	fprintf(f,
		"usage: hoplat compare A.json B.json [--json FILE] [--min-diff DUR] [--min-rel PCT]\n"
		"  A.json B.json     two summaries written by analyze --json (A the baseline)\n"
		"  --json FILE       the comparison as JSON ('-': stdout)\n"
		"  --min-diff DUR    the smallest difference taken as real (default 5us)\n"
		"  --min-rel PCT     ... or this percentage of the larger mean, if larger (default 5)\n"
		"Per protocol, latency component and load step: both runs, B - A with its 95%% interval\n"
		"(Welch's t), and whether the interval lies beyond +-margin. Exit status: 0, 2 on errors.\n");
}

/* --min-diff DUR, --min-rel PCT: 0, or -EINVAL. */
static int margin_opt(struct cmp_opts *o, int c, const char *arg)
{
	int64_t ns;
	char *end;
	if (c == 'd' && !dur_parse(arg, &ns) && ns >= 0) {
		o->min_diff_us = (double)ns / 1000.0;
		return 0;
	}
	double pct = c == 'p' ? strtod(arg, &end) : -1;
	if (pct >= 0 && end != arg && !*end) {
		o->min_rel = pct / 100.0;
		return 0;
	}
	fprintf(stderr, "hoplat compare: --%s '%s': %s\n", c == 'd' ? "min-diff" : "min-rel", arg,
		c == 'd' ? "not a duration (5us, 1ms)" : "not a percentage (5)");
	return -EINVAL;
}

static int parse(struct cmp_opts *o, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", 1, 0, 'j' }, { "min-diff", 1, 0, 'd' }, { "min-rel", 1, 0, 'p' },
		{ "help", 0, 0, 'h' }, { 0, 0, 0, 0 },
	};
	int c, rc = 0;
	optind = 1;
	while (!rc && (c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'j')
			o->json = optarg;
		else if (c == 'd' || c == 'p')
			rc = margin_opt(o, c, optarg);
		else if (c == 'h') {
			usage(stdout);
			exit(0);
		} else
			rc = -EINVAL;
	}
	if (!rc && argc - optind != 2) {
		usage(stderr);
		rc = -EINVAL;
	}
	if (!rc)
		o->a = argv[optind], o->b = argv[optind + 1];
	return rc;
}

int cmd_compare(int argc, char **argv)
{
	struct cmp_opts o = { .min_diff_us = 5, .min_rel = 0.05 };
	struct cmp_out out = { 0 };
	if (parse(&o, argc, argv))
		return 2;
	json_object *a = load(o.a), *b = a ? load(o.b) : NULL;
	int rc = a && b ? 0 : -EINVAL;
	if (!rc)
		rc = compare_protos(&out, 0, a, b, &o);
	if (!rc)
		rc = compare_steps(&out, a, b, &o);
	if (rc == -ENOMEM)
		fprintf(stderr, "hoplat compare: out of memory\n");
	if (!rc)
		text(o.json && !strcmp(o.json, "-") ? stderr : stdout, &out, &o);
	if (!rc && o.json)
		rc = write_json(&out, &o);
	json_object_put(a);
	json_object_put(b);
	free(out.rows);
	return rc ? 2 : 0;
}
