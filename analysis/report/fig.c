/* Figures as data: the cells, series and shades (fig.h), and the forms
 * that are tables: CSV and HTML. The drawings are in fig_draw.c. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "analysis/report/fig.h"
#include "analysis/report/svg.h"

static void copy(char *dst, size_t cap, const char *src)
{
	snprintf(dst, cap, "%s", src ? src : "");
}

void fig_init(struct fig *f, const char *id, const char *title)
{
	memset(f, 0, sizeof *f);
	copy(f->id, sizeof f->id, id);
	copy(f->title, sizeof f->title, title);
}

void fig_free(struct fig *f)
{
	free(f->cell);
	free(f->text);
	free(f->shade);
	memset(f, 0, sizeof *f);
}

/* Room for n more elements of size sz in *p (capacity *cap, doubling). */
static int grow(void **p, size_t *cap, size_t need, size_t sz)
{
	if (need <= *cap)
		return 0;
	size_t n = *cap ? *cap : 16;
	while (n < need)
		n *= 2;
	void *q = realloc(*p, n * sz);
	if (!q)
		return -ENOMEM;
	*p = q;
	*cap = n;
	return 0;
}

int fig_col(struct fig *f, const char *name)
{
	if (f->ncols >= FIG_MAX_COLS) {
		f->err = -ENOMEM;
		return -1;
	}
	copy(f->col[f->ncols], sizeof f->col[0], name);
	return (int)f->ncols++;
}

void fig_row(struct fig *f)
{
	if (f->err || grow((void **)&f->cell, &f->rows_cap, (f->nrows + 1) * FIG_MAX_COLS, sizeof *f->cell)) {
		f->err = -ENOMEM;
		return;
	}
	memset(f->cell + f->nrows * FIG_MAX_COLS, 0, FIG_MAX_COLS * sizeof *f->cell);
	f->nrows++;
}

void fig_set(struct fig *f, int col, const char *text)
{
	size_t len = strlen(text ? text : "");
	if (f->err || col < 0 || col >= (int)f->ncols || !f->nrows || !len)
		return;
	/* offset 0 is the empty cell: the text starts with a NUL */
	size_t at = f->text_len ? f->text_len : 1;
	if (at + len + 1 > UINT32_MAX || grow((void **)&f->text, &f->text_cap, at + len + 1, 1)) {
		f->err = -ENOMEM;
		return;
	}
	f->text[0] = 0;
	memcpy(f->text + at, text, len + 1);
	f->text_len = at + len + 1;
	f->cell[(f->nrows - 1) * FIG_MAX_COLS + (size_t)col] = (uint32_t)at;
}

void fig_setf(struct fig *f, int col, const char *fmt, ...)
{
	char b[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(b, sizeof b, fmt, ap);
	va_end(ap);
	fig_set(f, col, b);
}

const char *fig_cell(const struct fig *f, size_t row, int col)
{
	if (row >= f->nrows || col < 0 || col >= FIG_MAX_COLS)
		return "";
	uint32_t at = f->cell[row * FIG_MAX_COLS + (size_t)col];
	return at ? f->text + at : "";
}

double fig_num(const struct fig *f, size_t row, int col)
{
	const char *s = fig_cell(f, row, col);
	char *end;
	double v = strtod(s, &end);
	return *s && !*end && isfinite(v) ? v : NAN;
}

void fig_series(struct fig *f, const char *name, int x, int y, unsigned style, const char *color)
{
	if (f->nseries >= FIG_MAX_SERIES || y < 0) {
		f->err = f->nseries >= FIG_MAX_SERIES ? -ENOMEM : f->err;
		return;
	}
	struct fig_series *s = &f->s[f->nseries++];
	copy(s->name, sizeof s->name, name);
	s->x = x, s->y = y, s->lo = s->hi = -1;
	s->style = style;
	s->color = color;
}

void fig_band(struct fig *f, int lo, int hi)
{
	if (f->nseries && lo >= 0 && hi >= 0)
		f->s[f->nseries - 1].lo = lo, f->s[f->nseries - 1].hi = hi;
}

void fig_shade(struct fig *f, double x0, double x1, const char *label, const char *color)
{
	if (f->err || grow((void **)&f->shade, &f->shade_cap, f->nshade + 1, sizeof *f->shade)) {
		f->err = -ENOMEM;
		return;
	}
	struct fig_shade *s = &f->shade[f->nshade++];
	s->x0 = x0, s->x1 = x1;
	copy(s->label, sizeof s->label, label);
	s->color = color;
}

/* ---- CSV ---- */

/* RFC 4180 quoting; a text cell a spreadsheet would take for a formula
 * (= + - @ first) gets a leading quote. Numbers stay as they are. */
static void csv_cell(FILE *out, const char *s)
{
	char *end;
	int number = *s && (strtod(s, &end), !*end);
	int quote = strpbrk(s, ",\"\r\n") != NULL;
	if (!quote && (number || !strchr("=+-@", *s) || !*s)) {
		fputs(s, out);
		return;
	}
	putc('"', out);
	if (!number && *s && strchr("=+-@", *s))
		putc('\'', out);
	for (; *s; s++) {
		if (*s == '"')
			putc('"', out);
		putc(*s, out);
	}
	putc('"', out);
}

void fig_csv(FILE *out, const struct fig *f)
{
	for (unsigned c = 0; c < f->ncols; c++) {
		if (c)
			putc(',', out);
		csv_cell(out, f->col[c]);
	}
	putc('\n', out);
	for (size_t r = 0; r < f->nrows; r++) {
		for (unsigned c = 0; c < f->ncols; c++) {
			if (c)
				putc(',', out);
			csv_cell(out, fig_cell(f, r, (int)c));
		}
		putc('\n', out);
	}
}

/* ---- HTML table ---- */

#define FIG_TABLE_OPEN 40	/* longer tables start folded */
#define FIG_TABLE_MAX 2000	/* rows shown; every row is in the CSV (--plots) */

void fig_table(FILE *out, const struct fig *f)
{
	if (!f->ncols)
		return;
	fprintf(out, "<details class=\"numbers\"%s><summary>The numbers (%zu row%s)</summary>\n"
		"<table class=\"numbers\" data-figure=\"", f->nrows <= FIG_TABLE_OPEN ? " open" : "", f->nrows,
		f->nrows == 1 ? "" : "s");
	svg_esc(out, f->id);
	fputs("\"><thead><tr>", out);
	for (unsigned c = 0; c < f->ncols; c++) {
		fputs("<th>", out);
		svg_esc(out, f->col[c]);
		fputs("</th>", out);
	}
	fputs("</tr></thead>\n<tbody>\n", out);
	for (size_t r = 0; r < f->nrows && r < FIG_TABLE_MAX; r++) {
		fputs("<tr>", out);
		for (unsigned c = 0; c < f->ncols; c++) {
			fputs("<td>", out);
			svg_esc(out, fig_cell(f, r, (int)c));
			fputs("</td>", out);
		}
		fputs("</tr>\n", out);
	}
	fputs("</tbody></table>\n", out);
	if (f->nrows > FIG_TABLE_MAX)
		fprintf(out, "<p class=\"more\">%zu more rows: every row is in %s.csv (--plots).</p>\n",
			f->nrows - FIG_TABLE_MAX, strncmp(f->id, "fig-", 4) ? f->id : f->id + 4);
	fputs("</details>\n", out);
}
