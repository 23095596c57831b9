/* SVG writer: escaping, scales and ticks, shapes (svg.h). */
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "analysis/report/svg.h"

/* ---- escaping ---- */

unsigned svg_utf8_len(const unsigned char *s)
{
	unsigned char b = s[0], lo = 0x80, hi = 0xbf;
	unsigned n;
	if (b >= 0xc2 && b <= 0xdf)
		n = 2;
	else if (b >= 0xe0 && b <= 0xef)
		n = 3, lo = b == 0xe0 ? 0xa0 : 0x80, hi = b == 0xed ? 0x9f : 0xbf;
	else if (b >= 0xf0 && b <= 0xf4)
		n = 4, lo = b == 0xf0 ? 0x90 : 0x80, hi = b == 0xf4 ? 0x8f : 0xbf;
	else
		return 0;
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (unsigned k = 2; k < n; k++)
		if (s[k] < 0x80 || s[k] > 0xbf)
			return 0;
	return n;
}

static void esc_ascii(FILE *f, unsigned char c)
{
	switch (c) {
	case '&': fputs("&amp;", f); break;
	case '<': fputs("&lt;", f); break;
	case '>': fputs("&gt;", f); break;
	case '"': fputs("&quot;", f); break;
	case '\'': fputs("&#39;", f); break;
	case '\t': case '\n': putc(c, f); break;
	default:
		if (c < 0x20 || c == 0x7f)
			fputs("&#xFFFD;", f);
		else
			putc(c, f);
	}
}

void svg_esc(FILE *f, const char *str)
{
	const unsigned char *s = (const unsigned char *)(str ? str : "");
	while (*s) {
		if (*s < 0x80) {
			esc_ascii(f, *s++);
			continue;
		}
		unsigned n = svg_utf8_len(s);
		/* C1 controls (U+0080..U+009F) are C2 80..9F */
		if (!n || (s[0] == 0xc2 && s[1] < 0xa0)) {
			fputs("&#xFFFD;", f);
			s += n ? n : 1;
			continue;
		}
		fwrite(s, 1, n, f);
		s += n;
	}
}

/* ---- scales ---- */

/* 1, 2 or 5 times a power of ten, near span / 5. */
static double nice_step(double span)
{
	double raw = span / 5, p = pow(10, floor(log10(raw))), m = raw / p;
	return (m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10) * p;
}

void svg_range(struct svg_axis *a, double lo, double hi, int log)
{
	a->log = log;
	if (!isfinite(lo) || !isfinite(hi) || lo > hi || (log && lo <= 0)) {
		a->lo = log ? 1 : 0;
		a->hi = log ? 10 : 1;
		return;
	}
	if (log) {
		a->lo = pow(10, floor(log10(lo)));
		a->hi = pow(10, ceil(log10(hi)));
		if (a->hi <= a->lo)
			a->hi = a->lo * 10;
		return;
	}
	if (hi == lo) {
		double d = fabs(lo) / 2;
		lo -= d;
		hi += d ? d : 1;
	}
	double step = nice_step(hi - lo);
	a->lo = floor(lo / step + 1e-9) * step;
	a->hi = ceil(hi / step - 1e-9) * step;
}

double svg_px(const struct svg_axis *a, double v)
{
	if (!isfinite(v) || (a->log && v <= 0))
		return NAN;
	double t = a->log ? (log10(v) - log10(a->lo)) / (log10(a->hi) - log10(a->lo))
			  : (v - a->lo) / (a->hi - a->lo);
	return a->p0 + t * (a->p1 - a->p0);
}

/* As svg_px, held inside the axis (a band's edge past it, lo <= 0 on a log axis). */
static double px_in(const struct svg_axis *a, double v)
{
	if (isnan(v))
		return NAN;
	if (v < a->lo || (a->log && v <= 0))
		v = a->lo;
	if (v > a->hi)
		v = a->hi;
	return svg_px(a, v);
}

unsigned svg_ticks(const struct svg_axis *a, double *t, unsigned max)
{
	unsigned n = 0;
	if (a->log) {
		int d0 = (int)lround(log10(a->lo)), d1 = (int)lround(log10(a->hi));
		int every = (d1 - d0) / (int)max + 1;
		for (int d = d0; d <= d1 && n < max; d += every)
			t[n++] = pow(10, d);
		return n;
	}
	double step = nice_step(a->hi - a->lo);
	long k0 = lround(ceil(a->lo / step - 1e-9)), k1 = lround(floor(a->hi / step + 1e-9));
	for (long k = k0; k <= k1 && n < max; k++)
		t[n++] = (double)k * step;
	return n;
}

char *svg_num(double v, char *buf, size_t cap)
{
	double m = fabs(v);
	if (m < 1e-12)
		snprintf(buf, cap, "0");
	else if (m >= 1e6)
		snprintf(buf, cap, "%.4gM", v / 1e6);
	else if (m >= 1e4)
		snprintf(buf, cap, "%.4gk", v / 1e3);
	else
		snprintf(buf, cap, "%.4g", v);
	return buf;
}

/* ---- shapes ---- */

void svg_open(FILE *f, int w, int h, const char *id, const char *cls, const char *title)
{
	fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\""
		" id=\"", w, h, w, h);
	svg_esc(f, id);
	fputs("\" class=\"", f);
	svg_esc(f, cls);
	fputs("\" role=\"img\" font-family=\"sans-serif\" font-size=\"12\"><title>", f);
	svg_esc(f, title);
	fputs("</title>\n", f);
	svg_rect(f, 0, 0, w, h, "#ffffff", 1);
}

void svg_close(FILE *f)
{
	fputs("</svg>\n", f);
}

void svg_rect(FILE *f, double x, double y, double w, double h, const char *fill, double opacity)
{
	fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"", x, y, w, h);
	svg_esc(f, fill);
	if (opacity < 1)
		fprintf(f, "\" fill-opacity=\"%.2f", opacity);
	fputs("\"/>\n", f);
}

void svg_text(FILE *f, double x, double y, const char *anchor, int size, int rotate, const char *s)
{
	fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\"", x, y, anchor);
	if (size != 12)
		fprintf(f, " font-size=\"%d\"", size);
	if (rotate)
		fprintf(f, " transform=\"rotate(%d %.1f %.1f)\"", rotate, x, y);
	putc('>', f);
	svg_esc(f, s);
	fputs("</text>\n", f);
}

static void line(FILE *f, double x0, double y0, double x1, double y1, const char *color)
{
	fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>\n", x0, y0, x1, y1, color);
}

/* Grid lines, tick marks and labels along the x axis (is_x) or the y axis. */
static void ticks(const struct svg_plot *p, int is_x)
{
	const struct svg_axis *a = is_x ? &p->x : &p->y;
	double t[16];
	char b[32];
	unsigned n = svg_ticks(a, t, is_x ? 12 : 10);
	for (unsigned i = 0; i < n; i++) {
		double v = svg_px(a, t[i]);
		svg_num(t[i], b, sizeof b);
		if (is_x) {
			line(p->f, v, p->y.p0, v, p->y.p1, "#e4e4e4");
			line(p->f, v, p->y.p0, v, p->y.p0 + 5, "#333333");
			svg_text(p->f, v, p->y.p0 + 18, "middle", 11, 0, b);
		} else {
			line(p->f, p->x.p0, v, p->x.p1, v, "#e4e4e4");
			line(p->f, p->x.p0 - 5, v, p->x.p0, v, "#333333");
			svg_text(p->f, p->x.p0 - 8, v + 4, "end", 11, 0, b);
		}
	}
}

void svg_axes(const struct svg_plot *p, const char *xlabel, const char *ylabel, int x_tick)
{
	if (x_tick)
		ticks(p, 1);
	ticks(p, 0);
	fprintf(p->f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"none\" "
		"stroke=\"#333333\"/>\n", p->x.p0, p->y.p1, p->x.p1 - p->x.p0, p->y.p0 - p->y.p1);
	if (xlabel)
		svg_text(p->f, (p->x.p0 + p->x.p1) / 2, p->y.p0 + 38, "middle", 12, 0, xlabel);
	if (ylabel)
		svg_text(p->f, p->x.p0 - 52, (p->y.p0 + p->y.p1) / 2, "middle", 12, -90, ylabel);
}

/* ---- lines: a path through the points, at most four per pixel column ---- */

struct pen {
	FILE *f;
	int down;
	long x, y;		/* the last point, in tenths of a pixel (as written) */
};

static void pen_to(struct pen *p, double x, double y)
{
	long tx = lround(x * 10), ty = lround(y * 10);
	if (p->down && tx == p->x && ty == p->y)
		return;
	fprintf(p->f, "%s%c%.1f %.1f", p->down || p->x != LONG_MIN ? " " : "", p->down ? 'L' : 'M', x, y);
	p->down = 1, p->x = tx, p->y = ty;
}

/* The points of one pixel column (M4: its first, lowest, highest and
 * last, in their order, draw the same as all of them: a long time series
 * stays a small path). */
struct column {
	long at;
	size_t n, ilo, ihi;
	double x[4], y[4];	/* first, lowest, highest, last */
};

static void column_add(struct column *c, size_t i, double x, double y)
{
	if (!c->n++) {
		c->x[0] = c->x[1] = c->x[2] = x, c->y[0] = c->y[1] = c->y[2] = y;
		c->ilo = c->ihi = i;
	}
	if (y < c->y[1])
		c->x[1] = x, c->y[1] = y, c->ilo = i;
	if (y > c->y[2])
		c->x[2] = x, c->y[2] = y, c->ihi = i;
	c->x[3] = x, c->y[3] = y;
}

static void column_flush(struct column *c, struct pen *p)
{
	if (!c->n)
		return;
	int a = c->ilo <= c->ihi ? 1 : 2;
	pen_to(p, c->x[0], c->y[0]);
	pen_to(p, c->x[a], c->y[a]);
	pen_to(p, c->x[3 - a], c->y[3 - a]);
	pen_to(p, c->x[3], c->y[3]);
	c->n = 0;
}

/* "M x y L x y ..." over the runs of drawable points; a point that cannot
 * be drawn lifts the pen. */
static void path_d(const struct svg_plot *p, const double *x, const double *y, size_t n)
{
	struct pen pen = { p->f, 0, LONG_MIN, 0 };
	struct column col = { 0 };
	for (size_t i = 0; i < n; i++) {
		double px = svg_px(&p->x, x[i]), py = svg_px(&p->y, y[i]);
		if (isnan(px) || isnan(py) || (col.n && lround(floor(px)) != col.at))
			column_flush(&col, &pen);
		if (isnan(px) || isnan(py)) {
			pen.down = 0;
			continue;
		}
		col.at = lround(floor(px));
		column_add(&col, i, px, py);
	}
	column_flush(&col, &pen);
}

void svg_line(const struct svg_plot *p, const double *x, const double *y, size_t n, const char *color,
	      int dashed)
{
	fputs("<path class=\"series\" d=\"", p->f);
	path_d(p, x, y, n);
	fprintf(p->f, "\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\"%s/>\n", color,
		dashed ? " stroke-dasharray=\"6 4\"" : "");
}

void svg_marks(const struct svg_plot *p, const double *x, const double *y, size_t n, const char *color)
{
	long last_x = LONG_MIN, last_y = 0;
	fprintf(p->f, "<g class=\"marks\" fill=\"%s\">", color);
	for (size_t i = 0; i < n; i++) {
		double px = svg_px(&p->x, x[i]), py = svg_px(&p->y, y[i]);
		if (isnan(px) || isnan(py) || (lround(px) == last_x && lround(py) == last_y))
			continue;	/* not drawable, or on the mark before */
		last_x = lround(px), last_y = lround(py);
		fprintf(p->f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\"/>", px, py);
	}
	fputs("</g>\n", p->f);
}

/* One polygon: hi from i to j, then lo back. */
static void band_run(const struct svg_plot *p, const double *x, const double *lo, const double *hi,
		     size_t i, size_t j, const char *color)
{
	fputs("<polygon class=\"band\" points=\"", p->f);
	for (size_t k = i; k < j; k++)
		fprintf(p->f, "%.1f,%.1f ", svg_px(&p->x, x[k]), px_in(&p->y, hi[k]));
	for (size_t k = j; k-- > i;)
		fprintf(p->f, "%.1f,%.1f%s", svg_px(&p->x, x[k]), px_in(&p->y, lo[k]), k > i ? " " : "");
	fprintf(p->f, "\" fill=\"%s\" fill-opacity=\"0.18\" stroke=\"none\"/>\n", color);
}

void svg_band(const struct svg_plot *p, const double *x, const double *lo, const double *hi, size_t n,
	      const char *color)
{
	size_t start = 0;
	for (size_t i = 0; i <= n; i++) {
		int ok = i < n && !isnan(svg_px(&p->x, x[i])) && !isnan(lo[i]) && !isnan(hi[i]);
		if (ok)
			continue;
		if (i > start)
			band_run(p, x, lo, hi, start, i, color);
		start = i + 1;
	}
}

void svg_shade(const struct svg_plot *p, double x0, double x1, const char *color, const char *label,
	       int row)
{
	double a = px_in(&p->x, x0), b = px_in(&p->x, x1);
	if (isnan(a) || isnan(b))
		return;
	if (b - a < 2)
		b = a + 2;
	fputs("<g class=\"shade\">", p->f);
	svg_rect(p->f, a, p->y.p1, b - a, p->y.p0 - p->y.p1, color, 0.2);
	if (label)
		svg_text(p->f, a + 3, p->y.p1 + 13 + 13 * row, "start", 11, 0, label);
	fputs("</g>\n", p->f);
}

void svg_stack(const struct svg_plot *p, double xc, double width, const double *v, size_t n,
	       const char *const *colors)
{
	double base = 0;	/* below a log axis' bottom: held at it (px_in) */
	fputs("<g class=\"bar\">", p->f);
	for (size_t i = 0; i < n; i++) {
		if (!(v[i] > 0))
			continue;
		double y0 = px_in(&p->y, base), y1 = px_in(&p->y, base + v[i]);
		svg_rect(p->f, xc - width / 2, y1, width, y0 - y1, colors[i], 1);
		base += v[i];
	}
	fputs("</g>\n", p->f);
}

void svg_key(FILE *f, double x, double y, const char *color, int dashed, const char *name)
{
	fprintf(f, "<g class=\"key\"><line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
		"stroke-width=\"3\"%s/>", x, y - 4, x + 20, y - 4, color, dashed ? " stroke-dasharray=\"6 4\"" : "");
	svg_text(f, x + 26, y, "start", 12, 0, name);
	fputs("</g>\n", f);
}
