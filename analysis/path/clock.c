/* Client clock offset and skew from the lower envelopes of one-way delays;
 * see clk.h for the model. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "analysis/path/clock.h"

struct hpt {
	double x, y;		/* x: client time - base (ns); y: one-way delay as read (ns) */
};

struct hull {
	struct hpt *p;
	unsigned n;
	double sum_x;		/* over every sample, for the LP's objective */
	uint64_t samples;
};

struct clk {
	unsigned cap;
	int have_base, have_origin;
	uint64_t base, origin;
	struct hull h[2];
	uint64_t out_of_order;
};

struct clk *clk_new(unsigned max_hull)
{
	struct clk *c = calloc(1, sizeof *c);
	if (!c)
		return NULL;
	c->cap = max_hull < 8 ? 8 : max_hull;
	for (int d = 0; d < 2; d++) {
		c->h[d].p = calloc(c->cap, sizeof *c->h[d].p);
		if (!c->h[d].p) {
			clk_free(c);
			return NULL;
		}
	}
	return c;
}

void clk_free(struct clk *c)
{
	if (!c)
		return;
	free(c->h[0].p);
	free(c->h[1].p);
	free(c);
}

void clk_set_origin(struct clk *c, uint64_t client_ns)
{
	c->origin = client_ns;
	c->have_origin = 1;
}

/* > 0 when o -> a -> b turns left (counter-clockwise). */
static double cross(const struct hpt *o, const struct hpt *a, const struct hpt *b)
{
	return (a->x - o->x) * (b->y - o->y) - (a->y - o->y) * (b->x - o->x);
}

/* Halves the hull, keeping its ends: a coarser envelope, still below the data. */
static void hull_thin(struct hull *h)
{
	unsigned k = 1;
	for (unsigned i = 2; i + 1 < h->n; i += 2)
		h->p[k++] = h->p[i];
	h->p[k++] = h->p[h->n - 1];
	h->n = k;
}

/* Andrew's monotone chain, lower half, one point at a time. Returns 0, or
 * -1 when the point is out of x order (dropped). */
static int hull_add(struct hull *h, unsigned cap, struct hpt q)
{
	if (h->n && q.x < h->p[h->n - 1].x)
		return -1;
	if (h->n && q.x == h->p[h->n - 1].x) {
		if (q.y >= h->p[h->n - 1].y)
			return 0;
		h->n--;
	}
	while (h->n >= 2 && cross(&h->p[h->n - 2], &h->p[h->n - 1], &q) <= 0)
		h->n--;
	if (h->n == cap)
		hull_thin(h);
	h->p[h->n++] = q;
	return 0;
}

void clk_sample(struct clk *c, uint64_t client_ns, uint64_t dom0_ns, int dir)
{
	if (dir != CLK_IN && dir != CLK_OUT)
		return;
	if (!c->have_base) {
		c->base = client_ns;
		c->have_base = 1;
	}
	double d = dir == CLK_IN ? (double)(int64_t)(dom0_ns - client_ns)
				 : (double)(int64_t)(client_ns - dom0_ns);
	struct hpt q = { (double)(int64_t)(client_ns - c->base), d };
	struct hull *h = &c->h[dir];
	if (hull_add(h, c->cap, q) < 0) {
		c->out_of_order++;
		return;
	}
	h->sum_x += q.x;
	h->samples++;
}

/* The LP's solution: the hull edge spanning the mean x (Moon et al.). */
static int hull_line(const struct hull *h, double *a, double *b)
{
	if (!h->n)
		return -EAGAIN;
	if (h->n == 1) {
		*b = 0;
		*a = h->p[0].y;
		return 0;
	}
	double xm = h->sum_x / (double)h->samples;
	unsigned i = 0;
	while (i + 2 < h->n && h->p[i + 1].x < xm)
		i++;
	const struct hpt *p = &h->p[i], *q = &h->p[i + 1];
	*b = (q->y - p->y) / (q->x - p->x);
	*a = p->y - *b * p->x;
	return 0;
}

int clk_estimate(const struct clk *c, struct clk_est *e)
{
	memset(e, 0, sizeof *e);
	e->samples[0] = c->h[0].samples;
	e->samples[1] = c->h[1].samples;
	e->out_of_order = c->out_of_order;
	double ai, bi, ao, bo;
	if (hull_line(&c->h[CLK_IN], &ai, &bi) || hull_line(&c->h[CLK_OUT], &ao, &bo))
		return -EAGAIN;
	/* A single point per direction gives no slope; the other may. */
	if (c->h[CLK_IN].n == 1 && c->h[CLK_OUT].n > 1)
		bi = -bo;
	if (c->h[CLK_OUT].n == 1 && c->h[CLK_IN].n > 1)
		bo = -bi;
	e->origin_ns = c->have_origin ? c->origin : c->base;
	double xo = (double)(int64_t)(e->origin_ns - c->base);
	double yi = ai + bi * xo, yo = ao + bo * xo;
	double theta = (yo - yi) / 2;
	e->ok = 1;
	e->offset_ns = llround(theta);
	/* the slopes are per unit of client time: theta' = s / (1 + s) there */
	double b = (bo - bi) / 2;
	clk_set_skew(e, b / (1 - b) * 1e6);
	e->min_in_ns = llround(yi + theta);
	e->min_out_ns = llround(yo - theta);
	e->split_uncertainty_ns = llround((yi + yo) / 2);
	return 0;
}

void clk_set_skew(struct clk_est *e, double skew_ppm)
{
	double s = skew_ppm * 1e-6;
	e->skew_ppm = skew_ppm;
	e->slope = s / (1 + s);
}

/* The mapping with theta's change since the origin x = slope * rel (ns) not
 * below 2^52 in size, or not a number: llround says. Apart, so that the
 * mapping's usual path calls nothing (and saves no registers). */
static __attribute__((noinline)) uint64_t map_far(const struct clk_est *e, uint64_t client_ns, double x)
{
	return client_ns - (uint64_t)(e->offset_ns + llround(x));
}

/* llround(x) (half away from zero) inline: libm's call cost as much as the
 * rest of a mapping (several per packet). Below 2^52, x - trunc(x) is exact,
 * so the comparisons decide as llround does. */
uint64_t clk_map_dom0(const struct clk_est *e, uint64_t client_ns)
{
	double x = e->slope * (double)(int64_t)(client_ns - e->origin_ns);
	if (!(fabs(x) < 0x1p52))
		return map_far(e, client_ns, x);
	int64_t r = (int64_t)x;		/* toward zero */
	double f = x - (double)r;
	int64_t theta = e->offset_ns + (r + (f >= 0.5) - (f <= -0.5));
	return client_ns - (uint64_t)theta;
}

uint64_t clk_to_client(const struct clk_est *e, uint64_t dom0_ns)
{
	if (!e || !e->ok)
		return dom0_ns;
	double rel = ((double)(int64_t)(dom0_ns - e->origin_ns) + (double)e->offset_ns) /
		     (1 - e->slope);
	return e->origin_ns + (uint64_t)llround(rel);
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

int clk_coarse_offset(int64_t *diffs, size_t n, int64_t *offset_ns)
{
	if (!n)
		return -EINVAL;
	qsort(diffs, n, sizeof *diffs, cmp_i64);
	*offset_ns = diffs[n / 2];
	return 0;
}
