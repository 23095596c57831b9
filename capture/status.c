/* The status line on stderr, once a second: packets and drops per
 * interface, plus what the caller adds (live: DNS/HTTP rates, latency).
 * On a terminal one line refreshes in place (\r); into a file or a pipe
 * every update is its own line, so logs stay readable. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "capture/capture.h"

static int g_tty = -1;
static int g_shown;

static int is_tty(FILE *f)
{
	if (g_tty < 0)
		g_tty = isatty(fileno(f));
	return g_tty;
}

void status_print(FILE *f, double secs, const struct status_if *ifs, unsigned n,
		  const char *extra)
{
	char line[1024];
	int len = snprintf(line, sizeof line, "%6.0fs", secs);

	for (unsigned i = 0; i < n && len < (int)sizeof line; i++)
		len += snprintf(line + len, sizeof line - (size_t)len, "  %s %llu pkts %llu drop",
				ifs[i].name, (unsigned long long)ifs[i].packets,
				(unsigned long long)ifs[i].drops);
	if (extra && *extra && len < (int)sizeof line)
		snprintf(line + len, sizeof line - (size_t)len, "  |  %s", extra);
	if (is_tty(f))
		fprintf(f, "\r%s\033[K", line);	/* erase what a longer line left */
	else
		fprintf(f, "%s\n", line);
	fflush(f);
	g_shown = 1;
}

void status_end(FILE *f)
{
	if (g_shown && is_tty(f))
		fputc('\n', f);
	g_shown = 0;
}
