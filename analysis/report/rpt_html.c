/* The HTML report (rpt_html.h): the verdict in plain words, what was
 * measured, then each figure with its caption and its numbers; and the
 * plot files. */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "analysis/report/rpt_html.h"
#include "analysis/report/rpt_figs.h"
#include "analysis/report/svg.h"

#define MAX_FIGS 10

static const char css[] =
	"body{font-family:sans-serif;margin:1.5em auto;max-width:1000px;padding:0 1em;color:#222}"
	"h1{font-size:1.6em}h2{font-size:1.2em;margin:.2em 0}"
	"table{border-collapse:collapse;font-size:.85em;margin:.4em 0}"
	"td,th{border:1px solid #ccc;padding:.15em .5em;text-align:right}"
	"td:first-child,th:first-child{text-align:left}"
	"figure{margin:2em 0;border-top:1px solid #ddd;padding-top:1em}"
	"figure svg{max-width:100%;height:auto}figcaption{font-size:.9em;color:#444;margin:.3em 0}"
	"details.numbers{font-size:.9em;overflow-x:auto;max-width:100%}.numbers td{white-space:nowrap}"
	".verdict{border:2px solid #888;background:#f4f4f4;padding:.8em 1em;border-radius:6px}"
	".verdict p{font-size:1.05em}"
	".limit-none{border-color:#2e7d32;background:#eef7ee}"
	".limit-server{border-color:#c62828;background:#fdecea}"
	".limit-client{border-color:#ef6c00;background:#fff3e0}"
	".limit-network{border-color:#1565c0;background:#e8f0fb}"
	".limit-guest_hang{border-color:#6a1b9a;background:#f5eaf8}";

/* ---- small writers ---- */

static void tag_text(FILE *f, const char *tag, const char *cls, const char *text)
{
	fprintf(f, "<%s%s%s%s>", tag, cls ? " class=\"" : "", cls ? cls : "", cls ? "\"" : "");
	svg_esc(f, text);
	fprintf(f, "</%s>\n", tag);
}

/* A paragraph from a format; the arguments are escaped with the rest. */
static void para(FILE *f, const char *cls, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void para(FILE *f, const char *cls, const char *fmt, ...)
{
	char b[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(b, sizeof b, fmt, ap);
	va_end(ap);
	tag_text(f, "p", cls, b);
}

static void kv_row(FILE *f, const char *key, const char *value)
{
	fputs("<tr><th>", f);
	svg_esc(f, key);
	fputs("</th><td>", f);
	svg_esc(f, value);
	fputs("</td></tr>\n", f);
}

/* ---- the verdict ---- */

static const struct {
	const char *limit, *words;
} verdicts[] = {
	{ "none", "Nothing limited this run: the server kept up with every load step." },
	{ "server", "The server limited this run: it fell behind the load." },
	{ "client", "The client limited this run: the load it put on the wire fell short or came late." },
	{ "network", "The network limited this run: the link or the bridge added time or lost packets." },
	{ "guest_hang", "The guest stopped answering during this run." },
};

static const char *verdict_words(const char *limit)
{
	for (size_t i = 0; i < sizeof verdicts / sizeof verdicts[0]; i++)
		if (!strcmp(limit, verdicts[i].limit))
			return verdicts[i].words;
	return NULL;
}

static void evidence(FILE *f, json_object *ev)
{
	if (!ev || !json_object_is_type(ev, json_type_object) || !json_object_object_length(ev))
		return;
	fputs("<table class=\"evidence\"><caption>Evidence</caption>\n", f);
	json_object_object_foreach(ev, key, val)
		kv_row(f, key, jr_text(val, ""));
	fputs("</table>\n", f);
}

/* What was measured, in words: always under the verdict. */
static void measured_words(FILE *f, const struct rf_ctx *c)
{
	static const char *const proto[2] = { "dns", "http" }, *const name[2] = { "DNS", "HTTP" };
	for (int p = 0; p < 2; p++) {
		json_object *o = jr_get(c->root, proto[p]);
		if (!(jr_dbl(o, "transactions") > 0))
			continue;
		para(f, "measured", "%s: %s transactions, %s answered, %s unanswered; total latency p50 %s µs, "
		     "p99 %s µs.", name[p], jr_text(o, "transactions"), jr_text(o, "answered"),
		     jr_text(o, "unanswered"), jr_text(o, "latency_us.total.p50"),
		     jr_text(o, "latency_us.total.p99"));
	}
	double n = jr_dbl(c->root, "incidents_total");
	if (n > 0)
		para(f, "measured", "%s incident%s (guest silences and others): listed under the timeline.",
		     jr_text(c->root, "incidents_total"), n == 1 ? "" : "s");
	else
		para(f, "measured", "No incident: no guest went silent.");
}

static void verdict(FILE *f, const struct rf_ctx *c)
{
	json_object *v = jr_get(c->root, "verdict");
	const char *limit = jr_str(v, "limit");
	fprintf(f, "<section id=\"verdict\" class=\"verdict limit-");
	svg_esc(f, limit ? limit : "unknown");
	fputs("\">\n", f);
	if (!limit) {
		tag_text(f, "h2", NULL, "No verdict in this summary");
		tag_text(f, "p", NULL, "This summary has no load steps and no verdict on who limits the run; "
			 "what it measured follows.");
	} else {
		const char *words = verdict_words(limit);
		char b[160];
		snprintf(b, sizeof b, "Verdict: %s", limit);
		tag_text(f, "h2", NULL, b);
		if (words)
			tag_text(f, "p", "words", words);
		tag_text(f, "p", "why", jr_text(v, "why"));
		if (*jr_text(v, "first_limited_step"))
			para(f, "step", "First limited load step: %s.", jr_text(v, "first_limited_step"));
		evidence(f, jr_get(v, "evidence"));
	}
	measured_words(f, c);
	fputs("</section>\n", f);
}

/* ---- what was read ---- */

static void sources(FILE *f, const struct rf_ctx *c)
{
	char key[64];
	fputs("<section id=\"summary\"><h2>What was read</h2><table class=\"summary\">\n", f);
	for (unsigned p = 0; p < c->npoints; p++) {
		snprintf(key, sizeof key, "points.%s.source", c->point[p]);
		const char *src = jr_text(c->root, key);
		snprintf(key, sizeof key, "points.%s.packets", c->point[p]);
		char b[1200];
		snprintf(b, sizeof b, "%s (%s packets)", src, jr_text(c->root, key));
		snprintf(key, sizeof key, "%s point", c->point[p]);
		kv_row(f, key, b);
	}
	kv_row(f, "packets (all points)", jr_text(c->root, "packets"));
	kv_row(f, "capture first_ns", jr_text(c->root, "capture.first_ns"));
	kv_row(f, "capture duration_s", jr_text(c->root, "capture.duration_s"));
	kv_row(f, "window_s", jr_text(c->root, "window_s"));
	json_object *losses = jr_get(c->root, "losses");
	if (losses && json_object_is_type(losses, json_type_object)) {
		json_object_object_foreach(losses, k, v)
			if (jr_dbl(v, "") > 0)
				kv_row(f, k, jr_text(v, ""));
	}
	if (*jr_text(c->root, "read_error"))
		kv_row(f, "read error", jr_text(c->root, "read_error"));
	fputs("</table></section>\n", f);
}

/* Incidents: kind, when, and every other plain member as key=value. */
static void incident_details(FILE *f, json_object *in)
{
	int first = 1;
	json_object_object_foreach(in, key, val) {
		if (!strcmp(key, "kind") || !strcmp(key, "kind_text") || !strcmp(key, "start_ns") ||
		    !strcmp(key, "duration_s"))
			continue;
		if (json_object_is_type(val, json_type_object)) {
			json_object_object_foreach(val, k2, v2) {
				fprintf(f, "%s", first ? "" : ", ");
				svg_esc(f, key), putc('.', f), svg_esc(f, k2), putc('=', f), svg_esc(f, jr_text(v2, ""));
				first = 0;
			}
		} else if (*jr_text(val, "")) {
			fprintf(f, "%s", first ? "" : ", ");
			svg_esc(f, key), putc('=', f), svg_esc(f, jr_text(val, ""));
			first = 0;
		}
	}
}

static void incidents(FILE *f, const struct rf_ctx *c)
{
	size_t n;
	json_object *a = jr_array(c->root, "incidents", &n);
	if (!n)
		return;
	fputs("<section id=\"incidents\"><h2>Incidents</h2><table class=\"incidents\"><thead><tr><th>kind</th>"
	      "<th>what</th><th>start_s</th><th>duration_s</th><th>details</th></tr></thead><tbody>\n", f);
	for (size_t i = 0; i < n; i++) {
		json_object *in = json_object_array_get_idx(a, i);
		char t[64];
		snprintf(t, sizeof t, "%.3f", rf_secs(c, jr_dbl(in, "start_ns")));
		fputs("<tr><td>", f);
		svg_esc(f, jr_text(in, "kind"));
		fputs("</td><td>", f);
		svg_esc(f, jr_text(in, "kind_text"));
		fprintf(f, "</td><td>%s</td><td>", t);
		svg_esc(f, jr_text(in, "duration_s"));
		fputs("</td><td>", f);
		if (json_object_is_type(in, json_type_object))
			incident_details(f, in);
		fputs("</td></tr>\n", f);
	}
	fputs("</tbody></table></section>\n", f);
}

/* ---- figures ---- */

static unsigned build(struct fig *figs, const struct rf_ctx *c)
{
	unsigned n = 0;
	rf_rates(&figs[n++], c);
	rf_latency(&figs[n++], c);
	rf_breakdown(&figs[n++], c);
	int dns = jr_dbl(c->root, "dns.transactions") > 0, http = jr_dbl(c->root, "http.transactions") > 0;
	if (dns || !http)
		rf_cdf(&figs[n++], c, "dns");
	if (http)
		rf_cdf(&figs[n++], c, "http");
	rf_timeline(&figs[n++], c);
	rf_clock(&figs[n++], c);
	rf_matching(&figs[n++], c);
	return n;
}

static void figure(FILE *f, const struct fig *g)
{
	fputs("<figure class=\"fig\" data-figure=\"", f);
	svg_esc(f, g->id);
	fputs("\">\n", f);
	tag_text(f, "h2", NULL, g->title);
	fig_svg(f, g);
	tag_text(f, "figcaption", NULL, g->caption);
	fig_table(f, g);
	fputs("</figure>\n", f);
}

static void document(FILE *f, const struct rf_ctx *c, const struct fig *figs, unsigned n)
{
	fprintf(f, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
		"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
		"<title>hoplat report</title>\n<style>%s</style>\n</head>\n<body>\n<h1>hoplat report</h1>\n", css);
	verdict(f, c);
	sources(f, c);
	for (unsigned i = 0; i < n; i++) {
		figure(f, &figs[i]);
		if (!strcmp(figs[i].id, "fig-timeline"))
			incidents(f, c);
	}
	fputs("<footer><p>Drawn by hoplat from its JSON summary; every number under a figure is the "
	      "summary's.</p></footer>\n</body>\n</html>\n", f);
}

/* ---- plot files ---- */

static int write_file(const char *dir, const char *name, const char *ext, const struct fig *g,
		      char *err, size_t cap)
{
	char path[PATH_MAX], csv[128], svg[128];
	snprintf(path, sizeof path, "%s/%.40s.%s", dir, name, ext);
	snprintf(csv, sizeof csv, "%.40s.csv", name);
	snprintf(svg, sizeof svg, "%.40s.gnuplot.svg", name);
	FILE *f = fopen(path, "w");
	if (!f) {
		snprintf(err, cap, "cannot write %s: %s", path, strerror(errno));
		return -EIO;
	}
	if (!strcmp(ext, "svg")) {
		fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", f);
		fig_svg(f, g);
	} else if (!strcmp(ext, "csv")) {
		fig_csv(f, g);
	} else {
		fig_gnuplot(f, g, csv, svg);
	}
	int bad = ferror(f) | (fclose(f) != 0);
	if (bad)
		snprintf(err, cap, "writing %s failed", path);
	return bad ? -EIO : 0;
}

static int plots(const char *dir, const struct fig *figs, unsigned n, char *err, size_t cap)
{
	if (mkdir(dir, 0777) && errno != EEXIST) {
		snprintf(err, cap, "cannot make %s: %s", dir, strerror(errno));
		return -EIO;
	}
	static const char *const ext[3] = { "svg", "csv", "gp" };
	for (unsigned i = 0; i < n; i++) {
		const char *name = strncmp(figs[i].id, "fig-", 4) ? figs[i].id : figs[i].id + 4;
		for (int e = 0; e < 3; e++)
			if (write_file(dir, name, ext[e], &figs[i], err, cap))
				return -EIO;
	}
	return 0;
}

/* ---- the entry ---- */

static json_object *parse(const char *json, size_t len, char *err, size_t cap)
{
	if (len > INT_MAX) {
		snprintf(err, cap, "the summary is larger than 2 GB");
		return NULL;
	}
	json_tokener *tok = json_tokener_new_ex(64);
	json_object *root = tok ? json_tokener_parse_ex(tok, json, (int)len) : NULL;
	size_t end = tok ? json_tokener_get_parse_end(tok) : 0;
	if (!root)
		snprintf(err, cap, "not JSON at byte %zu: %s", end,
			 tok ? json_tokener_error_desc(json_tokener_get_error(tok)) : "out of memory");
	json_tokener_free(tok);
	while (root && end < len && strchr(" \t\r\n", json[end]))
		end++;
	if (root && (end < len || !json_object_is_type(root, json_type_object) || !jr_get(root, "capture") ||
		     !jr_get(root, "dns"))) {
		if (end < len)
			snprintf(err, cap, "more after the JSON summary at byte %zu", end);
		else
			snprintf(err, cap, "not a hoplat summary (no capture or dns key)");
		json_object_put(root);
		root = NULL;
	}
	return root;
}

int rpt_html(const char *json, size_t len, FILE *html, const char *plots_dir, char *err, size_t cap)
{
	json_object *root = parse(json, len, err, cap);
	if (!root)
		return -EINVAL;
	struct rf_ctx c;
	struct fig figs[MAX_FIGS];
	rf_ctx_init(&c, root);
	unsigned n = build(figs, &c);
	int rc = 0;
	for (unsigned i = 0; i < n; i++)
		if (figs[i].err)
			rc = -ENOMEM;
	if (rc)
		snprintf(err, cap, "out of memory drawing the figures");
	if (!rc && html) {
		document(html, &c, figs, n);
		if (ferror(html)) {
			snprintf(err, cap, "writing the HTML report failed");
			rc = -EIO;
		}
	}
	if (!rc && plots_dir)
		rc = plots(plots_dir, figs, n, err, cap);
	for (unsigned i = 0; i < n; i++)
		fig_free(&figs[i]);
	json_object_put(root);
	return rc;
}

int rpt_html_to(const char *json, size_t len, const char *html_path, const char *plots_dir, char *err,
		size_t cap)
{
	FILE *f = NULL;
	if (html_path && !(f = strcmp(html_path, "-") ? fopen(html_path, "w") : stdout)) {
		snprintf(err, cap, "cannot write %s: %s", html_path, strerror(errno));
		return -EIO;
	}
	int rc = rpt_html(json, len, f, plots_dir, err, cap);
	if (f && (f == stdout ? fflush(f) : fclose(f)) && !rc) {
		snprintf(err, cap, "writing %s failed", html_path);
		rc = -EIO;
	}
	if (rc && f && f != stdout)
		unlink(html_path);	/* no half document left behind */
	return rc;
}
