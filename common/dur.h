/* Durations written as people write them, the same everywhere in hoplat:
 * "300us", "1ms", "2s", "1.5ms", "250ns", "1m"; a bare number is seconds.
 * And times of day to the millisecond. */
#ifndef HOPLAT_DUR_H
#define HOPLAT_DUR_H

#include <stdint.h>

/* 0 and *ns on success, -EINVAL on a malformed string. */
int dur_parse(const char *s, int64_t *ns);
/* "1.5ms" etc., shortest exact-enough form; returns dst. */
char *dur_format(int64_t ns, char *dst, unsigned cap);
/* ns since the epoch through strftime's fmt, then ".mmm" and, when utc,
 * " UTC" ("%H:%M:%S", local: "12:00:01.234"); returns dst. */
char *dur_time_format(uint64_t ns, const char *fmt, int utc, char *dst, unsigned cap);

#endif
