/* hoplat report: the HTML report and plot files drawn again from a summary
 * saved with `analyze --json`, so a long capture is not analyzed twice to
 * restyle a figure. The same drawer as `analyze --html` (rpt_html.h): the
 * same summary gives the same document. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cmd/cmd.h"
#include "analysis/report/rpt_html.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: hoplat report RESULT.json --html FILE [--plots DIR]\n"
		"  RESULT.json            a summary written by hoplat analyze --json ('-': standard input)\n"
		"  --html FILE            the report as one self-contained HTML file ('-': stdout)\n"
		"  --plots DIR            each figure as DIR/NAME.svg, its data NAME.csv and a gnuplot\n"
		"                         script NAME.gp that redraws it\n"
		"Exit status: 0 ok, 2 usage, a summary that cannot be read, or an output not written.\n");
}

/* The whole file in memory (a summary is read once, whole, by json-c). */
static char *slurp(const char *path, size_t *len)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	if (!f) {
		fprintf(stderr, "hoplat report: cannot read %s: %s\n", path, strerror(errno));
		return NULL;
	}
	size_t cap = 1 << 16;
	char *buf = malloc(cap);
	*len = 0;
	while (buf) {
		*len += fread(buf + *len, 1, cap - *len, f);
		if (*len < cap)
			break;
		char *more = realloc(buf, cap *= 2);
		if (!more)
			free(buf);
		buf = more;
	}
	int bad = ferror(f);
	if (f != stdin)
		fclose(f);
	if (!buf || bad) {
		fprintf(stderr, "hoplat report: %s: %s\n", path, buf ? "read failed" : "out of memory");
		free(buf);
		return NULL;
	}
	return buf;
}

int cmd_report(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "html", 1, 0, 'H' }, { "plots", 1, 0, 'P' }, { "help", 0, 0, 'h' }, { 0, 0, 0, 0 },
	};
	const char *html = NULL, *plots = NULL;
	int o;
	optind = 1;
	while ((o = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (o) {
		case 'H': html = optarg; break;
		case 'P': plots = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc - 1 || (!html && !plots)) {
		fprintf(stderr, "hoplat report: %s\n", optind >= argc ? "no summary given (RESULT.json)"
			: optind < argc - 1 ? "one summary at a time" : "nothing to write: --html FILE or --plots DIR");
		usage(stderr);
		return 2;
	}
	size_t len;
	char err[512], *json = slurp(argv[optind], &len);
	if (!json)
		return 2;
	int rc = rpt_html_to(json, len, html, plots, err, sizeof err);
	if (rc)
		fprintf(stderr, "hoplat report: %s: %s\n", rc == -EINVAL ? argv[optind] : "output", err);
	free(json);
	return rc ? 2 : 0;
}
