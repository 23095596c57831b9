/* A small SVG writer for the report's figures: axes with ticks on linear
 * and log scales, polylines, bands (polygons), stacked and grouped bars,
 * shaded rectangles and text. Presentation is in attributes (no style
 * sheet), so one drawing reads the same inline in HTML and as a file.
 *
 * Every string goes through svg_esc: names that came from captures (file
 * and interface names, DNS names, HTTP paths) are hostile. Numbers are
 * written with fixed precision, so the same data gives the same bytes. */
#ifndef HOPLAT_SVG_H
#define HOPLAT_SVG_H

#include <stddef.h>
#include <stdio.h>

/* Text for HTML or XML, element content or a quoted attribute: & < > " '
 * as entities; control bytes, invalid UTF-8 (overlong, surrogates, cut
 * sequences, past U+10FFFF) and C1 controls as U+FFFD; tab and newline kept. */
void svg_esc(FILE *f, const char *s);
/* Length of the valid UTF-8 sequence of 2 to 4 bytes at s, or 0 (RFC 3629:
 * no overlong forms, no surrogates, nothing past U+10FFFF). */
unsigned svg_utf8_len(const unsigned char *s);

/* One axis: data [lo, hi] onto pixels [p0, p1] (p1 < p0 for y). */
struct svg_axis {
	double lo, hi;
	int log;			/* log10 scale; lo > 0 */
	double p0, p1;
};

/* A plot area: where drawing in data coordinates goes. */
struct svg_plot {
	FILE *f;
	struct svg_axis x, y;
};

/* The data range widened to round ticks (log: whole decades); an empty or
 * non-finite range becomes [0, 1] (log: [1, 10]). */
void svg_range(struct svg_axis *a, double lo, double hi, int log);
/* Pixel of v; NAN when v cannot be drawn (non-finite, or <= 0 on a log axis). */
double svg_px(const struct svg_axis *a, double v);
/* Tick values inside the range, at most max; their count. */
unsigned svg_ticks(const struct svg_axis *a, double *t, unsigned max);
/* A tick label: 0.25, 40, 1.5k, 2M. */
char *svg_num(double v, char *buf, size_t cap);

/* <svg> with xmlns, size, viewBox, id, class and an escaped <title>. */
void svg_open(FILE *f, int w, int h, const char *id, const char *cls, const char *title);
void svg_close(FILE *f);

/* Frame, grid, ticks with labels (x ticks only when x_ticks: bars label
 * their own categories), and the axis labels. */
void svg_axes(const struct svg_plot *p, const char *xlabel, const char *ylabel, int x_ticks);
/* A polyline through the points; a NAN (or undrawable) point breaks it. */
void svg_line(const struct svg_plot *p, const double *x, const double *y, size_t n, const char *color,
	      int dashed);
/* A small circle at each drawable point. */
void svg_marks(const struct svg_plot *p, const double *x, const double *y, size_t n, const char *color);
/* The area between lo and hi, one polygon per run of drawable points. */
void svg_band(const struct svg_plot *p, const double *x, const double *lo, const double *hi, size_t n,
	      const char *color);
/* A rectangle over data x0..x1, the whole plot height, with a label at its top. */
void svg_shade(const struct svg_plot *p, double x0, double x1, const char *color, const char *label,
	       int row);
/* A bar of n stacked values (bottom first) at x centre, width in pixels. */
void svg_stack(const struct svg_plot *p, double xc, double width, const double *v, size_t n,
	       const char *const *colors);
/* A rectangle in pixels. */
void svg_rect(FILE *f, double x, double y, double w, double h, const char *fill, double opacity);
/* Text in pixels; anchor "start", "middle" or "end"; rotate: -90 for a y label. */
void svg_text(FILE *f, double x, double y, const char *anchor, int size, int rotate, const char *s);
/* A legend entry at (x, y): a swatch of color (a line, dashed or not) and its name. */
void svg_key(FILE *f, double x, double y, const char *color, int dashed, const char *name);

#endif
