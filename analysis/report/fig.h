/* A figure of the HTML report, kept as a table of text cells and a
 * description of how to draw it. The cells hold the numbers as the JSON
 * summary wrote them, so the table under the figure, the CSV beside it and
 * the summary agree to the digit; the drawing reads them back as numbers.
 *
 * One figure, four forms: SVG (fig_svg), CSV (fig_csv), a gnuplot script
 * that redraws the SVG from the CSV (fig_gnuplot), an HTML table
 * (fig_table). Additions that fail for memory set a sticky error (err),
 * checked once when the figure is complete. */
#ifndef HOPLAT_FIG_H
#define HOPLAT_FIG_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define FIG_MAX_COLS 32
#define FIG_MAX_SERIES 16
#define FIG_W 760
#define FIG_H 400

enum fig_kind {
	FIG_XY,		/* series of (x, y) points: lines, marks, bands */
	FIG_STACKED,	/* one bar per row, the series stacked */
	FIG_GROUPED,	/* per row a bar for each series side by side */
};

/* Series styles (XY). */
enum { FIG_LINE = 1, FIG_MARKS = 2, FIG_DASHED = 4 };

struct fig_series {
	char name[64];
	int x, y;		/* columns (bars: y only) */
	int lo, hi;		/* a band between two columns; -1: none */
	unsigned style;
	const char *color;	/* the report's palette, never input */
};

/* A shaded stretch of x (an incident, a load step) with its label. */
struct fig_shade {
	double x0, x1;
	char label[96];
	const char *color;
};

struct fig {
	char id[40], title[120], caption[800];
	char xlabel[64], ylabel[64];
	enum fig_kind kind;
	int xlog, ylog, xzero, yzero;	/* log scales; axes from 0 */
	int label_col;			/* bars: the column naming each row */
	char empty[240];		/* set: nothing to draw, and why */
	unsigned ncols;
	char col[FIG_MAX_COLS][48];
	unsigned nseries;
	struct fig_series s[FIG_MAX_SERIES];
	size_t nshade, shade_cap;
	struct fig_shade *shade;
	size_t nrows, rows_cap;
	uint32_t *cell;			/* rows * FIG_MAX_COLS offsets into text; 0: empty */
	char *text;
	size_t text_len, text_cap;
	int err;			/* -ENOMEM once an addition failed */
};

void fig_init(struct fig *f, const char *id, const char *title);
void fig_free(struct fig *f);

/* A column; its index (-1 past FIG_MAX_COLS: err set). */
int fig_col(struct fig *f, const char *name);
/* A new row, its cells empty; fig_set fills the last row (col < 0: ignored). */
void fig_row(struct fig *f);
void fig_set(struct fig *f, int col, const char *text);
void fig_setf(struct fig *f, int col, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
const char *fig_cell(const struct fig *f, size_t row, int col);	/* "" when empty */
double fig_num(const struct fig *f, size_t row, int col);	/* NAN: empty or not a number */

/* A series drawn from columns x and y; the last one added may get a band. */
void fig_series(struct fig *f, const char *name, int x, int y, unsigned style, const char *color);
void fig_band(struct fig *f, int lo, int hi);
void fig_shade(struct fig *f, double x0, double x1, const char *label, const char *color);

void fig_svg(FILE *out, const struct fig *f);
void fig_csv(FILE *out, const struct fig *f);
/* A script for gnuplot that draws the figure from csv_name into svg_name. */
void fig_gnuplot(FILE *out, const struct fig *f, const char *csv_name, const char *svg_name);
/* The cells as an HTML table (escaped), folded when long. */
void fig_table(FILE *out, const struct fig *f);

#endif
