/* Figures drawn: SVG through svg.h, and a gnuplot script that draws the
 * same from the CSV (fig.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "analysis/report/fig.h"
#include "analysis/report/svg.h"

/* The plot area inside FIG_W x FIG_H; the legend to its right. */
#define PX0 80.0
#define PX1 560.0
#define PY_TOP 34.0
#define PY_BOT 330.0
#define KEY_X 576.0

/* ---- ranges ---- */

struct span {
	double lo, hi;
	int log;
};

static void span_add(struct span *s, double v)
{
	if (isnan(v) || (s->log && v <= 0))
		return;
	s->lo = fmin(s->lo, v);
	s->hi = fmax(s->hi, v);
}

/* floor0: values below 0 left out (a band's lower edge on an axis from 0:
 * the band is cut at the axis, which does not go below 0 for it). */
static void span_col(struct span *s, const struct fig *f, int col, int floor0)
{
	for (size_t r = 0; col >= 0 && r < f->nrows; r++) {
		double v = fig_num(f, r, col);
		if (!floor0 || !(v < 0))
			span_add(s, v);
	}
}

static void xy_spans(const struct fig *f, struct span *x, struct span *y)
{
	for (unsigned i = 0; i < f->nseries; i++) {
		span_col(x, f, f->s[i].x, 0);
		span_col(y, f, f->s[i].y, 0);
		span_col(y, f, f->s[i].lo, f->yzero);
		span_col(y, f, f->s[i].hi, 0);
	}
	for (size_t i = 0; i < f->nshade; i++) {
		span_add(x, f->shade[i].x0);
		span_add(x, f->shade[i].x1);
	}
}

/* Bars: the tallest stack (stacked) or bar (grouped), for the axis only. */
static void bar_span(const struct fig *f, struct span *y)
{
	for (size_t r = 0; r < f->nrows; r++) {
		double sum = 0;
		for (unsigned i = 0; i < f->nseries; i++) {
			double v = fig_num(f, r, f->s[i].y);
			if (f->kind == FIG_GROUPED)
				span_add(y, v);
			else if (v > 0)
				sum += v;
		}
		if (f->kind == FIG_STACKED)
			span_add(y, sum);
	}
}

static void set_axis(struct svg_axis *a, struct span s, int zero, double p0, double p1)
{
	if (zero && !s.log)
		s.lo = fmin(s.lo, 0), s.hi = fmax(s.hi, 0);
	svg_range(a, s.lo, s.hi, s.log);
	a->p0 = p0, a->p1 = p1;
}

/* ---- XY ---- */

/* A column as numbers (NAN where empty); NULL when out of memory. */
static double *column(const struct fig *f, int col)
{
	double *v = malloc((f->nrows ? f->nrows : 1) * sizeof *v);
	for (size_t r = 0; v && r < f->nrows; r++)
		v[r] = col < 0 ? NAN : fig_num(f, r, col);
	return v;
}

static void draw_series(const struct svg_plot *p, const struct fig *f, const struct fig_series *s, int pass)
{
	double *x = column(f, s->x), *y = column(f, s->y), *lo = column(f, s->lo), *hi = column(f, s->hi);
	if (x && y && lo && hi) {
		if (pass == 0 && s->lo >= 0)
			svg_band(p, x, lo, hi, f->nrows, s->color);
		if (pass == 1 && s->style & FIG_LINE)
			svg_line(p, x, y, f->nrows, s->color, !!(s->style & FIG_DASHED));
		if (pass == 1 && s->style & FIG_MARKS)
			svg_marks(p, x, y, f->nrows, s->color);
	}
	free(x), free(y), free(lo), free(hi);
}

static void draw_xy(const struct svg_plot *p, const struct fig *f)
{
	svg_axes(p, f->xlabel, f->ylabel, 1);
	for (size_t i = 0; i < f->nshade; i++)
		svg_shade(p, f->shade[i].x0, f->shade[i].x1, f->shade[i].color, f->shade[i].label, (int)(i % 3));
	for (int pass = 0; pass < 2; pass++)	/* bands under every line */
		for (unsigned i = 0; i < f->nseries; i++)
			draw_series(p, f, &f->s[i], pass);
}

/* ---- bars ---- */

static void category_labels(const struct svg_plot *p, const struct fig *f, double slot)
{
	size_t every = slot >= 40 ? 1 : (size_t)(40 / slot) + 1;
	for (size_t r = 0; r < f->nrows; r += every)
		svg_text(p->f, svg_px(&p->x, (double)r + 0.5), p->y.p0 + 16, "middle", 11, 0,
			 fig_cell(f, r, f->label_col));
}

static void draw_bars(const struct svg_plot *p, const struct fig *f)
{
	double slot = (p->x.p1 - p->x.p0) / (double)(f->nrows ? f->nrows : 1);
	unsigned n = f->nseries;
	svg_axes(p, f->xlabel, f->ylabel, 0);
	category_labels(p, f, slot);
	for (size_t r = 0; r < f->nrows; r++) {
		double xc = svg_px(&p->x, (double)r + 0.5), v[FIG_MAX_SERIES];
		const char *colors[FIG_MAX_SERIES];
		for (unsigned i = 0; i < n; i++)
			v[i] = fig_num(f, r, f->s[i].y), colors[i] = f->s[i].color;
		if (f->kind == FIG_STACKED) {
			svg_stack(p, xc, fmin(slot * 0.7, 60), v, n, colors);
			continue;
		}
		double w = fmin(slot * 0.8 / n, 40);
		for (unsigned i = 0; i < n; i++) {
			double x = xc + ((double)i - (n - 1) / 2.0) * w;
			svg_stack(p, x, w * 0.9, &v[i], 1, &colors[i]);
			if (w >= 14 && !isnan(v[i]))
				svg_text(p->f, x, fmin(svg_px(&p->y, v[i] > 0 ? v[i] : p->y.lo), p->y.p0) - 3,
					 "middle", 9, 0, fig_cell(f, r, f->s[i].y));
		}
	}
}

static void legend(FILE *out, const struct fig *f)
{
	for (unsigned i = 0; i < f->nseries; i++)
		svg_key(out, KEY_X, PY_TOP + 12 + 20 * i, f->s[i].color, !!(f->s[i].style & FIG_DASHED),
			f->s[i].name);
}

static void empty(FILE *out, const struct fig *f)
{
	svg_rect(out, PX0, PY_TOP, PX1 - PX0, PY_BOT - PY_TOP, "#f4f4f4", 1);
	svg_text(out, (PX0 + PX1) / 2, (PY_TOP + PY_BOT) / 2, "middle", 13, 0, f->empty);
}

void fig_svg(FILE *out, const struct fig *f)
{
	svg_open(out, FIG_W, FIG_H, f->id, "figure", f->title);
	svg_text(out, FIG_W / 2.0, 20, "middle", 14, 0, f->title);
	if (f->empty[0] || !f->nrows) {
		empty(out, f);
		svg_close(out);
		return;
	}
	struct svg_plot p = { .f = out };
	struct span x = { INFINITY, -INFINITY, f->xlog }, y = { INFINITY, -INFINITY, f->ylog };
	if (f->kind == FIG_XY) {
		xy_spans(f, &x, &y);
		set_axis(&p.x, x, f->xzero, PX0, PX1);
	} else {
		bar_span(f, &y);
		p.x = (struct svg_axis){ .lo = 0, .hi = (double)f->nrows, .p0 = PX0, .p1 = PX1 };
	}
	set_axis(&p.y, y, f->yzero || f->kind != FIG_XY, PY_BOT, PY_TOP);
	if (f->kind == FIG_XY)
		draw_xy(&p, f);
	else
		draw_bars(&p, f);
	legend(out, f);
	svg_close(out);
}

/* ---- gnuplot ---- */

/* A gnuplot single-quoted string: '' for a quote; control bytes, invalid
 * UTF-8, the backquote and @ (command and macro substitution) as '?'. */
static void gp_str(FILE *out, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	putc('\'', out);
	while (*s) {
		unsigned n = *s >= 0x80 ? svg_utf8_len(s) : 1;
		if (*s == '\'')
			fputs("''", out);
		else if (n > 1)
			fwrite(s, 1, n, out);
		else
			putc(*s < 0x20 || *s >= 0x7f || *s == '`' || *s == '@' ? '?' : *s, out);
		s += n ? n : 1;
	}
	putc('\'', out);
}

static void gp_set(FILE *out, const char *what, const char *s, const char *after)
{
	fprintf(out, "set %s ", what);
	gp_str(out, s);
	fprintf(out, "%s\n", after);
}

static void gp_head(FILE *out, const struct fig *f, const char *svg_name)
{
	fputs("# hoplat report figure: run with gnuplot in this directory\n", out);
	fprintf(out, "set encoding utf8\nset terminal svg size %d,%d dynamic font 'sans,11' noenhanced\n",
		FIG_W, FIG_H);
	gp_set(out, "output", svg_name, "");
	fputs("set datafile separator ','\nset datafile missing ''\nset key outside right top noenhanced\n", out);
	gp_set(out, "title", f->title, " noenhanced");
	gp_set(out, "xlabel", f->xlabel, " noenhanced");
	gp_set(out, "ylabel", f->ylabel, " noenhanced");
	if (f->xlog)
		fputs("set logscale x\n", out);
	else if (f->xzero)
		fputs("set xrange [0:*]\n", out);
	if (f->ylog)
		fputs("set logscale y\nset yrange [0.5:*]\n", out);
	else if (f->yzero || f->kind != FIG_XY)
		fputs("set yrange [0:*]\n", out);
	fputs("set grid\n", out);
}

static void gp_shades(FILE *out, const struct fig *f)
{
	for (size_t i = 0; i < f->nshade; i++) {
		const struct fig_shade *s = &f->shade[i];
		fprintf(out, "set object %zu rect from %.9g, graph 0 to %.9g, graph 1 fillcolor rgb '%s' "
			"fillstyle transparent solid 0.2 noborder behind\n", i + 1, s->x0, s->x1, s->color);
		fprintf(out, "set label %zu ", i + 1);
		gp_str(out, s->label);
		fprintf(out, " at %.9g, graph %.2f front noenhanced\n", s->x0, 0.96 - 0.05 * (double)(i % 3));
	}
}

static void gp_xy(FILE *out, const struct fig *f, const char *csv)
{
	const char *sep = "plot ";
	for (unsigned i = 0; i < f->nseries; i++) {
		const struct fig_series *s = &f->s[i];
		if (s->lo < 0)
			continue;
		fputs(sep, out);
		gp_str(out, csv);
		fprintf(out, " using %d:%d:%d with filledcurves fillcolor rgb '%s' fillstyle transparent "
			"solid 0.18 notitle", s->x + 1, s->lo + 1, s->hi + 1, s->color);
		sep = ", \\\n     ";
	}
	for (unsigned i = 0; i < f->nseries; i++) {
		const struct fig_series *s = &f->s[i];
		const char *with = (s->style & (FIG_LINE | FIG_MARKS)) == FIG_MARKS ? "points pt 7 ps 0.5"
				 : s->style & FIG_MARKS ? "linespoints pt 7 ps 0.5" : "lines";
		fputs(sep, out);
		gp_str(out, csv);
		fprintf(out, " using %d:%d with %s lw 2 lc rgb '%s'%s title ", s->x + 1, s->y + 1, with, s->color,
			s->style & FIG_DASHED ? " dashtype 2" : "");
		gp_str(out, s->name);
		sep = ", \\\n     ";
	}
	fputs("\n", out);
}

static void gp_bars(FILE *out, const struct fig *f, const char *csv)
{
	fprintf(out, "set style data histograms\nset style histogram %s\nset style fill solid 1.0 "
		"border -1\nset boxwidth 0.7\n", f->kind == FIG_STACKED ? "rowstacked" : "clustered gap 1");
	for (unsigned i = 0; i < f->nseries; i++) {
		fputs(i ? ", \\\n     " : "plot ", out);
		gp_str(out, csv);
		fprintf(out, " using %d", f->s[i].y + 1);
		if (!i)
			fprintf(out, ":xtic(%d)", f->label_col + 1);
		fprintf(out, " lc rgb '%s' title ", f->s[i].color);
		gp_str(out, f->s[i].name);
	}
	fputs("\n", out);
}

void fig_gnuplot(FILE *out, const struct fig *f, const char *csv_name, const char *svg_name)
{
	gp_head(out, f, svg_name);
	if (f->empty[0] || !f->nrows || !f->nseries) {
		fputs("# nothing to draw: ", out);
		gp_str(out, f->empty);
		fputs("\nunset logscale\nset label 1 'no data' at graph 0.5, graph 0.5 center\n"
		      "plot [0:1] [0:1] NaN notitle\n", out);
		return;
	}
	fputs("set key autotitle columnhead\n", out);
	gp_shades(out, f);
	if (f->kind == FIG_XY)
		gp_xy(out, f, csv_name);
	else
		gp_bars(out, f, csv_name);
}
