/* hoplat compare A.json B.json: two runs side by side (the summaries
 * `analyze --json` wrote), per protocol and latency component and per load
 * step: the medians, their difference B - A with a 95% bootstrap interval
 * (each run's histogram resampled; the median of a resample of n drawn
 * through its order statistic's Beta law, 2000 replicates), and the means
 * with Welch's interval. Beyond noise: the median's interval lies wholly
 * outside +-margin, the smallest difference taken as real (--min-diff,
 * default 10us, or --min-rel of the larger median, default 5%, whichever is
 * larger). The median, not the mean: one stall of a shared host moves a
 * run's mean by more than a hop's delay. The margin: two runs on one host
 * differ by a few us on every hop (timestamps, scheduling), however many
 * samples each has, which an interval alone would call "significant". */
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
	unsigned nb;		/* the histogram: nb buckets (0: none written) */
	double *v, *cum;	/* bucket values (us), counts added up */
};

/* One component compared. */
struct cmp_row {
	unsigned step;		/* 0: the whole run; k: load step k */
	const char *proto;	/* "dns", "http"; "" for a step's own latency_us */
	const char *comp;
	struct cmp_stat a, b;
	double diff, lo, hi, margin;	/* medians: B - A, its interval */
	double mdiff, mlo, mhi;		/* means: B - A, Welch's interval */
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

/* "buckets": [[us, count], ...] ascending; kept only when whole. */
static void read_buckets(struct cmp_stat *s, json_object *b)
{
	size_t n = b && json_object_is_type(b, json_type_array) ? json_object_array_length(b) : 0;
	s->v = n ? malloc(n * sizeof *s->v) : NULL;
	s->cum = n ? malloc(n * sizeof *s->cum) : NULL;
	double total = 0;
	for (size_t k = 0; s->v && s->cum && k < n; k++) {
		json_object *e = json_object_array_get_idx(b, k);
		s->v[k] = json_object_get_double(json_object_array_get_idx(e, 0));
		s->cum[k] = total += json_object_get_double(json_object_array_get_idx(e, 1));
	}
	s->nb = s->v && s->cum && total == s->n ? (unsigned)n : 0;
}

static void stat_free(struct cmp_stat *s)
{
	free(s->v);
	free(s->cum);
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
	if (s.ok)
		read_buckets(&s, get(lat, "buckets"));
	return s;
}

static json_object *load(const char *path)
{
	json_object *o = json_object_from_file(path);
	if (!o)
		fprintf(stderr, "hoplat compare: %s: %s\n", path, json_util_get_last_err());
	else if (!json_object_is_type(o, json_type_object) || !get(get(o, "dns"), "latency_us")) {
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
	r->mdiff = r->b.mean - r->a.mean;
	r->mlo = r->mdiff - t975(df) * se;
	r->mhi = r->mdiff + t975(df) * se;
}

/* ---- the medians' bootstrap ---- */

#define CMP_REPLICATES 2000

static uint64_t rng_next(uint64_t *x)	/* xorshift64*: a fixed seed, the same output every run */
{
	*x ^= *x >> 12, *x ^= *x << 25, *x ^= *x >> 27;
	return *x * 0x2545f4914f6cdd1dull;
}

static double uniform(uint64_t *x)	/* (0, 1) */
{
	return ((double)(rng_next(x) >> 11) + 0.5) / 9007199254740992.0;
}

static double normal(uint64_t *x)
{
	return sqrt(-2 * log(uniform(x))) * cos(6.283185307179586 * uniform(x));
}

/* Gamma(a, 1), a >= 1: Marsaglia and Tsang's method. */
static double gamma_draw(uint64_t *x, double a)
{
	double d = a - 1.0 / 3, c = 1 / sqrt(9 * d);
	for (;;) {
		double z = normal(x), v = 1 + c * z;
		if (v <= 0)
			continue;
		v = v * v * v;
		if (log(uniform(x)) < 0.5 * z * z + d - d * v + d * log(v))
			return d * v;
	}
}

/* The value at cumulative fraction u of a run's histogram. */
static double quantile(const struct cmp_stat *s, double u)
{
	double rank = u * s->cum[s->nb - 1];
	unsigned lo = 0, hi = s->nb - 1;
	while (lo < hi) {
		unsigned m = (lo + hi) / 2;
		if (s->cum[m] < rank)
			lo = m + 1;
		else
			hi = m;
	}
	return s->v[lo];
}

/* The median of a resample of n from the histogram: the k-th smallest of
 * n uniforms is Beta(k, n + 1 - k), mapped through the histogram. */
static double resampled_median(const struct cmp_stat *s, uint64_t *x)
{
	double k = ceil(s->n / 2), ga = gamma_draw(x, k), gb = gamma_draw(x, s->n + 1 - k);
	return quantile(s, ga / (ga + gb));
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* B - A of the medians and its percentile interval; 0, or -ENOMEM. */
static int boot_medians(struct cmp_row *r)
{
	double *d = malloc(CMP_REPLICATES * sizeof *d);
	uint64_t x = 0x9e3779b97f4a7c15ull;
	if (!d)
		return -ENOMEM;
	for (int i = 0; i < CMP_REPLICATES; i++)
		d[i] = resampled_median(&r->b, &x) - resampled_median(&r->a, &x);
	qsort(d, CMP_REPLICATES, sizeof *d, cmp_double);
	/* a median is known to its bucket: half a bucket's width (1/256 of the
	 * value) each side of each, added to the interval */
	double w = (fabs(r->a.p50) + fabs(r->b.p50)) / 256;
	r->diff = r->b.p50 - r->a.p50;
	r->lo = d[(int)(0.025 * CMP_REPLICATES)] - w;
	r->hi = d[(int)(0.975 * CMP_REPLICATES) - 1] + w;
	free(d);
	return 0;
}

/* The medians decide when both runs wrote their histograms, else (an
 * older summary) the means' Welch interval. */
static int judge(struct cmp_row *r, const struct cmp_opts *o)
{
	welch(r);
	int boot = r->a.nb && r->b.nb;
	double ma = boot ? r->a.p50 : r->a.mean, mb = boot ? r->b.p50 : r->b.mean;
	double big = fabs(ma) > fabs(mb) ? fabs(ma) : fabs(mb);
	if (boot && boot_medians(r))
		return -ENOMEM;
	if (!boot)
		r->diff = r->mdiff, r->lo = r->mlo, r->hi = r->mhi;
	r->margin = o->min_rel * big > o->min_diff_us ? o->min_rel * big : o->min_diff_us;
	r->sig = r->lo > r->margin || r->hi < -r->margin;
	return 0;
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
		if (sa.ok && sb.ok && judge(r, o))
			return -ENOMEM;
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

/* "dns guest", "step 2 http total" */
static const char *row_name(const struct cmp_row *r, char *b, size_t cap)
{
	if (r->step)
		snprintf(b, cap, "step %u %s%s%s", r->step, r->proto, *r->proto ? " " : "", r->comp);
	else
		snprintf(b, cap, "%s %s", r->proto, r->comp);
	return b;
}

static void text_row(FILE *f, const struct cmp_row *r)
{
	char b[5][32], what[48];
	snprintf(b[0], 32, "%.0f/%.0f", r->a.n, r->b.n);
	fprintf(f, "%-20s %13s %9s %9s", row_name(r, what, sizeof what), b[0], fig(&r->a, r->a.p50, b[1]),
		fig(&r->b, r->b.p50, b[2]));
	if (!r->a.ok || !r->b.ok) {
		fprintf(f, "  %s\n", r->a.ok ? "only in A" : "only in B");
		return;
	}
	snprintf(b[3], 32, "[%+.1f, %+.1f]", r->lo, r->hi);
	snprintf(b[4], 32, "[%+.1f, %+.1f]", r->mlo, r->mhi);
	fprintf(f, " %+9.1f %-20s %7.1f %-5s %9.1f %9.1f %+9.1f %s\n", r->diff, b[3], r->margin,
		r->sig ? "yes" : "no", r->a.mean, r->b.mean, r->mdiff, b[4]);
}

static void text(FILE *f, const struct cmp_out *out, const struct cmp_opts *o)
{
	fprintf(f, "A: %s\nB: %s\n", o->a, o->b);
	fprintf(f, "%-20s %13s %9s %9s %9s %-20s %7s %-5s %9s %9s %9s %s\n", "latency us", "count A/B",
		"p50 A", "p50 B", "B - A", "95% interval", "+-margin", "real", "mean A", "mean B", "B - A",
		"95% interval");
	for (unsigned i = 0; i < out->n; i++)
		text_row(f, &out->rows[i]);
	fprintf(f, "(medians: B - A with a bootstrap interval from the histograms; real: the interval lies "
		"beyond +-margin, the larger of %.1f us and %.0f%% of the larger median; means exact, Welch's "
		"interval)\n", o->min_diff_us, o->min_rel * 100);
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

static void put_num(json_object *o, const char *key, int ok, double v)
{
	json_object_object_add(o, key, ok ? dbl(v) : NULL);
}

static json_object *row_json(const struct cmp_row *r)
{
	json_object *o = json_object_new_object();
	int both = r->a.ok && r->b.ok;
	json_object_object_add(o, "a", stat_json(&r->a));
	json_object_object_add(o, "b", stat_json(&r->b));
	json_object_object_add(o, "statistic", both ? json_object_new_string(r->a.nb && r->b.nb ?
				"median" : "mean") : NULL);
	put_num(o, "diff_us", both, r->diff);
	put_num(o, "ci_low_us", both, r->lo);
	put_num(o, "ci_high_us", both, r->hi);
	put_num(o, "margin_us", both, r->margin);
	json_object_object_add(o, "significant", both ? json_object_new_boolean(r->sig) : NULL);
	put_num(o, "mean_diff_us", both, r->mdiff);
	put_num(o, "mean_ci_low_us", both, r->mlo);
	put_num(o, "mean_ci_high_us", both, r->mhi);
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
	json_object_object_add(root, "method", json_object_new_string("median_bootstrap"));
	json_object_object_add(root, "replicates", json_object_new_int(CMP_REPLICATES));
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
		"  --min-diff DUR    the smallest difference taken as real (default 10us)\n"
		"  --min-rel PCT     ... or this percentage of the larger median, if larger (default 5)\n"
		"Per protocol, latency component and load step: both runs' medians, B - A with a 95%%\n"
		"bootstrap interval from the histograms, real when the interval lies beyond +-margin;\n"
		"and the means with Welch's interval. Exit status: 0, 2 on errors.\n");
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
	struct cmp_opts o = { .min_diff_us = 10, .min_rel = 0.05 };
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
	for (unsigned i = 0; i < out.n; i++)
		stat_free(&out.rows[i].a), stat_free(&out.rows[i].b);
	free(out.rows);
	return rc ? 2 : 0;
}
