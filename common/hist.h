/* Fixed-memory log-linear latency histogram (HdrHistogram's layout).
 *
 * Values are signed nanoseconds. Each power of two is split into
 * HIST_SUB (128) equal buckets, so a bucket is at most 1/128 of its lower
 * bound wide; percentiles report the bucket's midpoint (clamped to the exact
 * min and max), so the relative error is at most 1/256 < 0.4% (stated bound:
 * HIST_REL_ERROR, 1%). Values up to HIST_MAX_NS (2^44 ns, ~4.9 hours) keep
 * that bound; larger ones land in the top bucket (max stays exact).
 * Negative values (cross-point components under clock error) go to a mirror
 * set of buckets. Memory is allocated once in hist_new; recording never
 * allocates. */
#ifndef HOPLAT_HIST_H
#define HOPLAT_HIST_H

#include <stdint.h>

#define HIST_SUB_BITS 7
#define HIST_SUB (1 << HIST_SUB_BITS)
#define HIST_MAX_SHIFT 37			/* 2^(37+7) = 2^44 ns */
#define HIST_MAX_NS ((int64_t)1 << (HIST_MAX_SHIFT + HIST_SUB_BITS + 1))
#define HIST_BUCKETS ((HIST_MAX_SHIFT + 2) * HIST_SUB)
#define HIST_REL_ERROR 0.01		/* stated bound; the layout gives < 0.4% */

struct hist;

struct hist *hist_new(void);		/* NULL when out of memory */
void hist_free(struct hist *h);
/* Empty again; clears only the buckets between min and max, so resetting a
 * histogram that saw a narrow range is cheap (the time series does it per window). */
void hist_reset(struct hist *h);

void hist_record(struct hist *h, int64_t v);
void hist_record_n(struct hist *h, int64_t v, uint64_t n);

uint64_t hist_count(const struct hist *h);
/* Nearest-rank percentile, p in [0, 100]; 0 when empty. */
int64_t hist_percentile(const struct hist *h, double p);
/* n percentiles in one pass over the buckets (HdrHistogram's
 * hdr_value_at_percentiles): q[0..n) in [0, 100] and ascending, out[k] the
 * value at q[k] (0 when empty). 0, or -EINVAL when q is not ascending. */
int hist_percentiles(const struct hist *h, const double *q, unsigned n, int64_t *out);
double hist_mean(const struct hist *h);	/* exact (sum / count); 0 when empty */
/* Sample standard deviation (n - 1), exact (sums kept); 0 below two samples. */
double hist_stddev(const struct hist *h);
int64_t hist_max(const struct hist *h);	/* exact; 0 when empty */
int64_t hist_min(const struct hist *h);	/* exact; 0 when empty */
/* The occupied buckets, ascending: value[k] as percentiles report it (the
 * bucket's midpoint within min..max) and count[k]; at most cap, how many. */
unsigned hist_buckets(const struct hist *h, int64_t *value, uint64_t *count, unsigned cap);
/* Adds src's samples to dst; 0. */
int hist_merge(struct hist *dst, const struct hist *src);

/* Bucket layout, exposed for tests: index of v >= 0 and the value range it covers. */
unsigned hist_index(int64_t v);
void hist_bucket_range(unsigned idx, int64_t *lo, int64_t *hi);

#endif
