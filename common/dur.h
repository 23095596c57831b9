/* Durations written as people write them, the same everywhere in hoplat:
 * "300us", "1ms", "2s", "1.5ms", "250ns", "1m"; a bare number is seconds. */
#ifndef HOPLAT_DUR_H
#define HOPLAT_DUR_H

#include <stdint.h>

/* 0 and *ns on success, -EINVAL on a malformed string. */
int dur_parse(const char *s, int64_t *ns);
/* "1.5ms" etc., shortest exact-enough form; returns dst. */
char *dur_format(int64_t ns, char *dst, unsigned cap);

#endif
