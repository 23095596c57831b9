/* The HTML report and the plot files, drawn from the JSON summary (the text
 * rpt_json writes, in memory for `analyze --html`, read from a file for
 * `hoplat report`): one reader and one drawer for both, so the same
 * summary gives the same bytes.
 *
 * The document is self-contained: inline CSS and inline SVG, no script, no
 * network. Everything that came from the summary's strings (file and
 * interface names, why sentences, incident details) is escaped. */
#ifndef HOPLAT_RPT_HTML_H
#define HOPLAT_RPT_HTML_H

#include <stddef.h>
#include <stdio.h>

/* Draws json (len bytes) as an HTML document into html (NULL: none) and,
 * with plots_dir, each figure into that directory (made if missing) as
 * NAME.svg, NAME.csv and NAME.gp (a gnuplot script drawing NAME.gnuplot.svg
 * from the CSV). 0; -EINVAL when json is not a hoplat summary, -EIO when a
 * file cannot be written, -ENOMEM: err says what and where. */
int rpt_html(const char *json, size_t len, FILE *html, const char *plots_dir, char *err, size_t cap);
/* The same into the file html_path ("-": standard output; NULL: none). */
int rpt_html_to(const char *json, size_t len, const char *html_path, const char *plots_dir, char *err,
		size_t cap);

#endif
