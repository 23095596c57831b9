#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "common/dur.h"

static const struct {
	const char *suffix;
	double ns;
} units[] = {
	{ "ns", 1 }, { "us", 1e3 }, { "µs", 1e3 }, { "ms", 1e6 },
	{ "s", 1e9 }, { "m", 60e9 }, { "h", 3600e9 }, { "", 1e9 },
};

int dur_parse(const char *s, int64_t *ns)
{
	char *end;
	if (!s || !*s)
		return -EINVAL;
	double v = strtod(s, &end);
	if (end == s || !(v >= 0))	/* also NaN */
		return -EINVAL;
	for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
		if (strcmp(end, units[i].suffix) == 0) {
			double r = v * units[i].ns;
			if (r > 9.2e18)
				return -EINVAL;
			*ns = (int64_t)(r + 0.5);
			return 0;
		}
	}
	return -EINVAL;
}

char *dur_format(int64_t ns, char *dst, unsigned cap)
{
	int64_t a = ns < 0 ? -ns : ns;
	if (a >= 1000000000 && a % 1000000 == 0)
		snprintf(dst, cap, "%gs", ns / 1e9);
	else if (a >= 1000000 && a % 1000 == 0)
		snprintf(dst, cap, "%gms", ns / 1e6);
	else if (a >= 1000 && a % 1000 == 0)
		snprintf(dst, cap, "%gus", ns / 1e3);
	else if (a >= 1000)
		snprintf(dst, cap, "%gus", ns / 1e3);
	else
		snprintf(dst, cap, "%lldns", (long long)ns);
	return dst;
}

char *dur_time_format(uint64_t ns, const char *fmt, int utc, char *dst, unsigned cap)
{
	time_t t = (time_t)(ns / 1000000000u);
	struct tm tm;
	char whole[64];
	if (utc)
		gmtime_r(&t, &tm);
	else
		localtime_r(&t, &tm);
	if (!strftime(whole, sizeof whole, fmt, &tm))
		whole[0] = 0;
	snprintf(dst, cap, "%s.%03u%s", whole, (unsigned)(ns / 1000000u % 1000), utc ? " UTC" : "");
	return dst;
}
