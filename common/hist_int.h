/* The histogram's layout and its recording, inline, for the per-transaction
 * callers (the results', the series' and the steps' every transaction):
 * hist_record out of line cost a call, a test of h and the callers' saved
 * registers, about a quarter of it. Everyone else uses hist.h. */
#ifndef HOPLAT_HIST_INT_H
#define HOPLAT_HIST_INT_H

#include "common/hist.h"

struct hist {
	uint64_t count;
	long double sum;	/* exact enough for the mean of ns values */
	long double sumsq;	/* ns^2: the standard deviation (compare's intervals) */
	int64_t min, max;
	uint64_t pos[HIST_BUCKETS];	/* v >= 0 */
	uint64_t neg[HIST_BUCKETS];	/* v < 0, by -v */
};

static inline unsigned hist_msb64(uint64_t v)
{
	return 63u - (unsigned)__builtin_clzll(v);
}

/* The bucket of v in [0, HIST_MAX_NS): its power of two's sub-bucket. The
 * buckets below 2 * HIST_SUB are one value wide (the index is v): or-ing in
 * HIST_SUB gives them shift 0 in the same formula, so no branch. */
static inline unsigned hist_index_of(uint64_t v)
{
	unsigned shift = hist_msb64(v | HIST_SUB) - HIST_SUB_BITS;
	return shift * HIST_SUB + (unsigned)(v >> shift);
}

/* The bucket of a magnitude (a value, or a negative one's opposite). */
static inline unsigned hist_index_mag(uint64_t m)
{
	return m >= (uint64_t)HIST_MAX_NS ? HIST_BUCKETS - 1 : hist_index_of(m);
}

/* One more sample v: count, extremes and bucket (the sums apart). */
static inline void hist_add_dist(struct hist *h, int64_t v)
{
	if (v < h->min)
		h->min = v;
	if (v > h->max)
		h->max = v;
	h->count++;
	if (v >= 0)
		h->pos[hist_index_mag((uint64_t)v)]++;
	else	/* by -v: INT64_MIN's in the top one */
		h->neg[hist_index_mag(-(uint64_t)v)]++;
}

/* hist_record of an h known not NULL, inline. hist_add_dist alone, for a
 * histogram read only through its count, percentiles, buckets, min and
 * max, keeps no sums: its hist_mean and hist_stddev are 0 (the series'
 * windows and the steps keep their own). */
static inline void hist_add(struct hist *h, int64_t v)
{
	h->sum += v;
	h->sumsq += (long double)v * v;
	hist_add_dist(h, v);
}

#endif
