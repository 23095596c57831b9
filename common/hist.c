#include <errno.h>
#include <math.h>
#include <string.h>
#include <sys/mman.h>
#include "common/hist_int.h"

/* The buckets' layout (hist_int.h's, inline there for the per-transaction callers). */
static unsigned index_mag(uint64_t m)
{
	return hist_index_mag(m);
}

unsigned hist_index(int64_t v)
{
	return v < 0 ? 0 : index_mag((uint64_t)v);
}

void hist_bucket_range(unsigned idx, int64_t *lo, int64_t *hi)
{
	if (idx < 2 * HIST_SUB) {
		*lo = *hi = idx;
		return;
	}
	unsigned shift = idx / HIST_SUB - 1;
	uint64_t sub = idx - shift * HIST_SUB;
	*lo = (int64_t)(sub << shift);
	*hi = *lo + ((int64_t)1 << shift) - 1;
}

/* Empty: min and max start beyond any value, so recording compares each
 * once (no test of the count); hist_min and hist_max say 0 while empty. */
static void empty(struct hist *h)
{
	h->count = 0;
	h->sum = 0;
	h->sumsq = 0;
	h->min = INT64_MAX;
	h->max = INT64_MIN;
}

/* Straight from the kernel, not calloc: its 80 KB of buckets are pages of
 * zeros given on first touch, where calloc clears heap memory it may have
 * reused (7.5M instructions at the start of an analysis, 37 per packet of a
 * 200k-packet capture, for the ~110 histograms of which most stay empty). */
struct hist *hist_new(void)
{
	void *m = mmap(NULL, sizeof(struct hist), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED)
		return NULL;
	struct hist *h = m;
	empty(h);
	return h;
}

void hist_free(struct hist *h)
{
	if (h)
		munmap(h, sizeof *h);
}

/* The bucket indexes [*lo, *hi] of the mirror (neg) or plain (pos) set that
 * may hold samples: from the exact min and max. 0 when the set is empty. */
static int occupied(const struct hist *h, int neg, unsigned *lo, unsigned *hi)
{
	if (!h->count || (neg ? h->min >= 0 : h->max < 0))
		return 0;
	if (neg) {	/* by -v: min is the largest magnitude */
		*lo = h->max < 0 ? hist_index(h->max == INT64_MIN ? INT64_MAX : -h->max) : 0;
		*hi = hist_index(h->min == INT64_MIN ? INT64_MAX : -h->min);
	} else {
		*lo = h->min > 0 ? hist_index(h->min) : 0;
		*hi = hist_index(h->max);
	}
	return 1;
}

static void clear_set(const struct hist *h, uint64_t *set, int neg)
{
	unsigned lo, hi;
	if (occupied(h, neg, &lo, &hi))
		memset(set + lo, 0, (hi - lo + 1) * sizeof *set);
}

void hist_reset(struct hist *h)
{
	clear_set(h, h->neg, 1);
	clear_set(h, h->pos, 0);
	empty(h);
}

/* n more in v's bucket: in pos, or in neg by -v (INT64_MIN's in the top one). */
static void count(struct hist *h, int64_t v, uint64_t n)
{
	if (v >= 0)
		h->pos[index_mag((uint64_t)v)] += n;
	else
		h->neg[index_mag(-(uint64_t)v)] += n;
}

static void extremes(struct hist *h, int64_t v)
{
	if (v < h->min)
		h->min = v;
	if (v > h->max)
		h->max = v;
}

void hist_record_n(struct hist *h, int64_t v, uint64_t n)
{
	if (!h || !n)
		return;
	extremes(h, v);
	h->count += n;
	h->sum += (long double)v * n;
	h->sumsq += (long double)v * v * n;
	count(h, v, n);
}

/* hist_record_n's with n = 1, whose products by n are exact: the same sums
 * without converting n (hist_add, hist_int.h). */
void hist_record(struct hist *h, int64_t v)
{
	if (h)
		hist_add(h, v);
}

uint64_t hist_count(const struct hist *h) { return h ? h->count : 0; }
int64_t hist_max(const struct hist *h) { return h && h->count ? h->max : 0; }
int64_t hist_min(const struct hist *h) { return h && h->count ? h->min : 0; }

double hist_stddev(const struct hist *h)
{
	if (!h || h->count < 2)
		return 0;
	long double n = h->count, m = h->sum / n, var = (h->sumsq - n * m * m) / (n - 1);
	return var > 0 ? (double)sqrtl(var) : 0;
}

double hist_mean(const struct hist *h)
{
	return h && h->count ? (double)(h->sum / h->count) : 0;
}

static int64_t mid(unsigned idx)
{
	int64_t lo, hi;
	hist_bucket_range(idx, &lo, &hi);
	return lo + (hi - lo) / 2;
}

static int64_t clamp(const struct hist *h, int64_t v)
{
	return v < h->min ? h->min : v > h->max ? h->max : v;
}

/* Nearest rank: the smallest value with at least p% of samples at or below. */
static uint64_t rank_of(const struct hist *h, double p)
{
	p = p < 0 ? 0 : p > 100 ? 100 : p;
	uint64_t rank = (uint64_t)(p / 100.0 * (double)h->count + 0.999999999);
	return rank < 1 ? 1 : rank > h->count ? h->count : rank;
}

/* One walk of the occupied buckets, negatives first (from the most
 * negative), filling out[k] as the running count reaches each rank. */
int hist_percentiles(const struct hist *h, const double *q, unsigned n, int64_t *out)
{
	for (unsigned k = 1; k < n; k++)
		if (q[k] < q[k - 1])
			return -EINVAL;
	unsigned k = 0, lo, hi;
	if (!h || !h->count) {
		for (; k < n; k++)
			out[k] = 0;
		return 0;
	}
	uint64_t seen = 0;
	if (occupied(h, 1, &lo, &hi))
		for (unsigned i = hi + 1; i-- > lo && k < n;) {
			seen += h->neg[i];
			while (k < n && seen >= rank_of(h, q[k]))
				out[k++] = clamp(h, -mid(i));
		}
	if (occupied(h, 0, &lo, &hi))
		for (unsigned i = lo; i <= hi && k < n; i++) {
			seen += h->pos[i];
			while (k < n && seen >= rank_of(h, q[k]))
				out[k++] = clamp(h, mid(i));
		}
	for (; k < n; k++)
		out[k] = h->max;
	return 0;
}

/* The occupied buckets in ascending order of value, negatives first. */
unsigned hist_buckets(const struct hist *h, int64_t *value, uint64_t *count, unsigned cap)
{
	unsigned n = 0, lo, hi;
	if (h && occupied(h, 1, &lo, &hi))
		for (unsigned i = hi + 1; i-- > lo && n < cap;)
			if (h->neg[i])
				value[n] = clamp(h, -mid(i)), count[n++] = h->neg[i];
	if (h && occupied(h, 0, &lo, &hi))
		for (unsigned i = lo; i <= hi && n < cap; i++)
			if (h->pos[i])
				value[n] = clamp(h, mid(i)), count[n++] = h->pos[i];
	return n;
}

int64_t hist_percentile(const struct hist *h, double p)
{
	int64_t v;
	hist_percentiles(h, &p, 1, &v);
	return v;
}

int hist_merge(struct hist *dst, const struct hist *src)
{
	if (!src || !src->count)
		return 0;
	if (dst->count == 0 || src->min < dst->min)
		dst->min = src->min;
	if (dst->count == 0 || src->max > dst->max)
		dst->max = src->max;
	dst->count += src->count;
	dst->sum += src->sum;
	dst->sumsq += src->sumsq;
	for (unsigned i = 0; i < HIST_BUCKETS; i++) {
		dst->pos[i] += src->pos[i];
		dst->neg[i] += src->neg[i];
	}
	return 0;
}
