/* The HTML report's drawing: escaping (hostile names), scales and ticks,
 * the figure model and its CSV, gnuplot and SVG forms, the JSON reader, and
 * the report's refusals of what is not a summary. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "analysis/report/svg.h"
#include "analysis/report/fig.h"
#include "analysis/report/jread.h"
#include "analysis/report/rpt_html.h"

/* What fn wrote, as a string (free it). */
#define CAPTURE(buf, stmt) do { \
	size_t len_; \
	FILE *out = open_memstream(&(buf), &len_); \
	stmt; \
	fclose(out); \
} while (0)

static char *esc(const char *s)
{
	char *b;
	CAPTURE(b, svg_esc(out, s));
	return b;
}

static void test_esc_markup(void **state)
{
	(void)state;
	char *b = esc("<script>alert(\"x\")</script> & 'q'");
	assert_string_equal(b, "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;q&#39;");
	free(b);
	b = esc("a\tb\nc\x01\x1b\x7f");
	assert_string_equal(b, "a\tb\nc&#xFFFD;&#xFFFD;&#xFFFD;");
	free(b);
	b = esc(NULL);
	assert_string_equal(b, "");
	free(b);
}

static void test_esc_utf8(void **state)
{
	(void)state;
	/* valid: é, €, an emoji kept as they are */
	char *b = esc("\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
	assert_string_equal(b, "\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
	free(b);
	/* invalid: a stray byte, an overlong NUL, a surrogate, past U+10FFFF,
	 * a C1 control, a cut sequence at the end */
	b = esc("\xff|\xc0\x80|\xed\xa0\x80|\xf4\x90\x80\x80|\xc2\x85|\xe2\x82");
	assert_string_equal(b, "&#xFFFD;|&#xFFFD;&#xFFFD;|&#xFFFD;&#xFFFD;&#xFFFD;|"
			       "&#xFFFD;&#xFFFD;&#xFFFD;&#xFFFD;|&#xFFFD;|&#xFFFD;&#xFFFD;");
	free(b);
	/* a lead byte whose continuation is markup: the markup stays escaped */
	b = esc("\xe2<b>");
	assert_string_equal(b, "&#xFFFD;&lt;b&gt;");
	free(b);
}

static void test_scales(void **state)
{
	(void)state;
	struct svg_axis a = { .p0 = 0, .p1 = 100 };
	double t[16];
	svg_range(&a, 0, 97, 0);
	assert_true(a.lo == 0 && a.hi == 100);
	assert_int_equal(svg_ticks(&a, t, 16), 6);
	assert_true(t[1] == 20 && t[5] == 100);
	assert_true(fabs(svg_px(&a, 50) - 50) < 1e-9);
	svg_range(&a, 3, 4500, 1);
	assert_true(a.lo == 1 && a.hi == 10000);
	assert_int_equal(svg_ticks(&a, t, 16), 5);
	assert_true(t[0] == 1 && t[4] == 10000);
	assert_true(fabs(svg_px(&a, 100) - 50) < 1e-9);
	assert_true(isnan(svg_px(&a, 0)));
	assert_true(isnan(svg_px(&a, -1)));
	assert_true(isnan(svg_px(&a, NAN)));
	svg_range(&a, INFINITY, -INFINITY, 0);	/* nothing to draw */
	assert_true(a.lo == 0 && a.hi == 1);
	svg_range(&a, 5, 5, 0);
	assert_true(a.lo < 5 && a.hi > 5);
	char b[32];
	assert_string_equal(svg_num(0, b, sizeof b), "0");
	assert_string_equal(svg_num(0.25, b, sizeof b), "0.25");
	assert_string_equal(svg_num(1500, b, sizeof b), "1500");
	assert_string_equal(svg_num(15000, b, sizeof b), "15k");
	assert_string_equal(svg_num(2e6, b, sizeof b), "2M");
}

/* A bar on a log axis reaches its value, not the axis' bottom plus it. */
static void test_bars(void **state)
{
	(void)state;
	struct svg_plot p = { .x = { .lo = 0, .hi = 1, .p0 = 0, .p1 = 100 } };
	const char *color[2] = { "#000000", "#ffffff" };
	double v[2] = { 94, 6 }, y;
	char *s, want[64];
	for (int log = 0; log < 2; log++) {
		svg_range(&p.y, log ? 10 : 0, 1000, log);
		p.y.p0 = 330, p.y.p1 = 34;
		CAPTURE(s, (p.f = out, svg_stack(&p, 50, 10, v, 2, color)));
		y = svg_px(&p.y, 94);
		snprintf(want, sizeof want, "y=\"%.1f\" width=\"10.0\" height=\"%.1f\"", y, 330 - y);
		assert_non_null(strstr(s, want));
		y = svg_px(&p.y, 100);	/* the second stacked on the first */
		snprintf(want, sizeof want, "y=\"%.1f\"", y);
		assert_non_null(strstr(s, want));
		free(s);
	}
}

/* A long series draws at most four points per pixel column, its peaks kept. */
static void test_long_line(void **state)
{
	(void)state;
	enum { N = 100000 };
	static double x[N], y[N];
	struct svg_plot p = { .x = { .lo = 0, .hi = N, .p0 = 0, .p1 = 100 },
			      .y = { .lo = 0, .hi = 1000, .p0 = 100, .p1 = 0 } };
	for (int i = 0; i < N; i++)
		x[i] = i, y[i] = i == 54321 ? 1000 : i % 7;
	char *s;
	CAPTURE(s, (p.f = out, svg_line(&p, x, y, N, "#000000", 0)));
	size_t points = 0;
	for (const char *c = s; *c; c++)
		points += *c == 'L' || *c == 'M';
	assert_true(points <= 4 * 101);
	assert_non_null(strstr(s, " 0.0"));	/* the peak (1000: y pixel 0) */
	free(s);
}

static void test_fig_cells(void **state)
{
	(void)state;
	struct fig f;
	fig_init(&f, "fig-x", "X");
	int a = fig_col(&f, "a"), b = fig_col(&f, "b");
	fig_row(&f);
	fig_set(&f, a, "3104.767");
	fig_row(&f);
	fig_setf(&f, b, "%d", 42);
	fig_set(&f, 7, "ignored: no such column");
	assert_int_equal(f.nrows, 2);
	assert_string_equal(fig_cell(&f, 0, a), "3104.767");
	assert_string_equal(fig_cell(&f, 0, b), "");
	assert_true(isnan(fig_num(&f, 0, b)));
	assert_true(fig_num(&f, 1, b) == 42);
	assert_string_equal(fig_cell(&f, 5, a), "");
	for (int i = 0; i < 100000; i++) {	/* grows */
		fig_row(&f);
		fig_setf(&f, a, "%d", i);
	}
	assert_int_equal(f.err, 0);
	assert_true(fig_num(&f, 100001, a) == 99999);
	fig_free(&f);
}

static void test_fig_csv(void **state)
{
	(void)state;
	struct fig f;
	char *s;
	fig_init(&f, "fig-x", "X");
	int a = fig_col(&f, "name"), b = fig_col(&f, "v");
	fig_row(&f);
	fig_set(&f, a, "=HYPERLINK(\"x\")");
	fig_set(&f, b, "-0.5");
	fig_row(&f);
	fig_set(&f, a, "a,b");
	fig_row(&f);
	fig_set(&f, a, "plain");
	fig_set(&f, b, "1e3");
	CAPTURE(s, fig_csv(out, &f));
	assert_string_equal(s, "name,v\n\"'=HYPERLINK(\"\"x\"\")\",-0.5\n\"a,b\",\nplain,1e3\n");
	free(s);
	fig_free(&f);
}

static void test_fig_gnuplot(void **state)
{
	(void)state;
	struct fig f;
	char *s;
	fig_init(&f, "fig-x", "it's `ls` @m\x01 \xc2\xb5s \xff");
	int x = fig_col(&f, "x"), y = fig_col(&f, "y");
	fig_row(&f);
	fig_set(&f, x, "1");
	fig_set(&f, y, "2");
	fig_series(&f, "a'b", x, y, FIG_LINE, "#0072B2");
	fig_shade(&f, 0.5, 0.75, "silent 10.0.0.2", "#D55E00");
	CAPTURE(s, fig_gnuplot(out, &f, "x.csv", "x.gnuplot.svg"));
	assert_non_null(strstr(s, "set title 'it''s ?ls? ?m? \xc2\xb5s ?' noenhanced"));
	assert_non_null(strstr(s, "plot 'x.csv' using 1:2 with lines lw 2 lc rgb '#0072B2' title 'a''b'"));
	assert_non_null(strstr(s, "set object 1 rect from 0.5, graph 0 to 0.75, graph 1"));
	assert_non_null(strstr(s, "set output 'x.gnuplot.svg'"));
	free(s);
	fig_free(&f);
}

static void test_fig_svg(void **state)
{
	(void)state;
	struct fig f;
	char *s;
	fig_init(&f, "fig-x", "<b>t</b>");
	int x = fig_col(&f, "x"), y = fig_col(&f, "y");
	const char *ys[4] = { "1", "2", "", "4" };
	for (int i = 0; i < 4; i++) {
		fig_row(&f);
		fig_setf(&f, x, "%d", i);
		fig_set(&f, y, ys[i]);
	}
	fig_series(&f, "s", x, y, FIG_LINE | FIG_MARKS, "#0072B2");
	CAPTURE(s, fig_svg(out, &f));
	assert_non_null(strstr(s, "<svg xmlns=\"http://www.w3.org/2000/svg\""));
	assert_non_null(strstr(s, "id=\"fig-x\""));
	assert_non_null(strstr(s, "<title>&lt;b&gt;t&lt;/b&gt;</title>"));
	assert_null(strstr(s, "<b>"));
	/* the empty cell breaks the line: two runs, three marks */
	const char *d = strstr(s, "class=\"series\" d=\"");
	assert_non_null(d);
	assert_non_null(strstr(d, " M"));
	int marks = 0;
	for (const char *p = s; (p = strstr(p, "<circle")); p++)
		marks++;
	assert_int_equal(marks, 3);
	free(s);
	snprintf(f.empty, sizeof f.empty, "no <data> & none");
	CAPTURE(s, fig_svg(out, &f));
	assert_non_null(strstr(s, "no &lt;data&gt; &amp; none"));
	free(s);
	fig_free(&f);
}

static void test_fig_table(void **state)
{
	(void)state;
	struct fig f;
	char *s;
	fig_init(&f, "fig-x", "X");
	int a = fig_col(&f, "<th>");
	fig_row(&f);
	fig_set(&f, a, "</td><script>");
	CAPTURE(s, fig_table(out, &f));
	assert_non_null(strstr(s, "<th>&lt;th&gt;</th>"));
	assert_non_null(strstr(s, "<td>&lt;/td&gt;&lt;script&gt;</td>"));
	assert_non_null(strstr(s, "data-figure=\"fig-x\""));
	free(s);
	fig_free(&f);
}

static void test_jread(void **state)
{
	(void)state;
	json_object *o = json_tokener_parse("{\"a\":{\"b\":3104.767,\"n\":null,\"s\":\"x\",\"i\":1795757886000000000}}");
	double v;
	size_t n;
	assert_string_equal(jr_text(o, "a.b"), "3104.767");
	assert_string_equal(jr_text(o, "a.i"), "1795757886000000000");
	assert_string_equal(jr_text(o, "a.n"), "");
	assert_string_equal(jr_text(o, "a.missing.deeper"), "");
	assert_string_equal(jr_text(o, "a.s"), "x");
	assert_true(jr_num(o, "a.b", &v) && v == 3104.767);
	assert_false(jr_num(o, "a.s", &v));
	assert_true(isnan(jr_dbl(o, "a.n")));
	assert_null(jr_str(o, "a.b"));
	assert_null(jr_array(o, "a", &n));
	assert_int_equal(n, 0);
	json_object_put(o);
}

static int draw(const char *json, char *err)
{
	char *s;
	int rc;
	CAPTURE(s, rc = rpt_html(json, strlen(json), out, NULL, err, 256));
	free(s);
	return rc;
}

static void test_not_a_summary(void **state)
{
	(void)state;
	char err[256];
	assert_int_equal(draw("{\"capture\":", err), -EINVAL);
	assert_non_null(strstr(err, "not JSON at byte"));
	assert_int_equal(draw("[1,2]", err), -EINVAL);
	assert_non_null(strstr(err, "not a hoplat summary"));
	assert_int_equal(draw("{\"capture\":{},\"dns\":{}} x", err), -EINVAL);
	assert_non_null(strstr(err, "more after the JSON summary at byte"));
	/* the least summary draws: every figure says it has nothing */
	assert_int_equal(draw("{\"capture\":{},\"dns\":{}}\n", err), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_esc_markup),
		cmocka_unit_test(test_esc_utf8),
		cmocka_unit_test(test_scales),
		cmocka_unit_test(test_bars),
		cmocka_unit_test(test_long_line),
		cmocka_unit_test(test_fig_cells),
		cmocka_unit_test(test_fig_csv),
		cmocka_unit_test(test_fig_gnuplot),
		cmocka_unit_test(test_fig_svg),
		cmocka_unit_test(test_fig_table),
		cmocka_unit_test(test_jread),
		cmocka_unit_test(test_not_a_summary),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
