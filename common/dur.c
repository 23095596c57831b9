#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
	if (end == s || v < 0)
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
