/* Clock alignment between the client host and Dom0 without NTP.
 *
 * Every packet matched at the client and at a Dom0 point gives a one-way
 * delay as the two clocks read it: client -> Dom0 (in) d = dom0 - client,
 * Dom0 -> client (out) d = client - dom0. With the client clock
 * C = t + theta(t), theta(t) = offset + skew * (t - t0):
 *     in:  d = delay_in  - theta(t)      out: d = delay_out + theta(t)
 * The lower envelope of each cloud is a line (the minimum delay plus the
 * clock); it is found by Moon, Skelly and Towsley's linear program: the line
 * below every point that minimises the sum of the distances to them, i.e.
 * the lower convex hull's edge spanning the mean x. Using both directions
 * (Paxson): theta = (out_line - in_line) / 2, skew = (slope_out - slope_in) / 2.
 * If the link is asymmetric theta is off by (min_out - min_in) / 2, at most
 * half the minimum round trip: that is split_uncertainty.
 *
 * Memory: one lower hull per direction, built as samples stream in (in client
 * time order), capped; when the cap is reached the hull is thinned. */
#ifndef HOPLAT_CLOCK_H
#define HOPLAT_CLOCK_H

#include <stddef.h>
#include <stdint.h>

enum clk_dir { CLK_IN = 0, CLK_OUT = 1 };	/* toward the guest / back to the client */

struct clk_est {
	int ok;				/* both directions had enough samples */
	uint64_t origin_ns;		/* client time the offset is stated at */
	int64_t offset_ns;		/* client clock minus Dom0 clock at origin */
	double skew_ppm;		/* > 0: the client clock runs fast */
	double slope;			/* d theta / d client time, s / (1 + s) with s = skew_ppm
					 * * 1e-6 (clk_set_skew sets both): the mappings' factor,
					 * once per estimate, not a division per mapping */
	int64_t split_uncertainty_ns;	/* half the minimum round trip */
	int64_t min_in_ns, min_out_ns;	/* the one-way minima implied by the split */
	uint64_t samples[2];		/* per direction */
	uint64_t out_of_order;		/* samples dropped for arriving out of time order */
};

struct clk;

/* max_hull: points kept per direction (>= 8). */
struct clk *clk_new(unsigned max_hull);
/* The client capture's first packet (where offset is stated); default: the first sample. */
void clk_set_origin(struct clk *c, uint64_t client_ns);
/* One packet seen at the client at client_ns (client clock) and at Dom0 at
 * dom0_ns (Dom0 clock), travelling in direction dir (enum clk_dir). */
void clk_sample(struct clk *c, uint64_t client_ns, uint64_t dom0_ns, int dir);
/* 0 and *e when both directions have samples; -EAGAIN otherwise (e->ok 0). */
int clk_estimate(const struct clk *c, struct clk_est *e);
void clk_free(struct clk *c);

/* The skew of an estimate (and its slope): clk_estimate's way, for an
 * estimate made otherwise. */
void clk_set_skew(struct clk_est *e, double skew_ppm);

/* Client time -> Dom0 time with an estimate (identity when !e->ok: one
 * point, or no clock, costs a test). */
uint64_t clk_map_dom0(const struct clk_est *e, uint64_t client_ns);
static inline uint64_t clk_to_dom0(const struct clk_est *e, uint64_t client_ns)
{
	return e && e->ok ? clk_map_dom0(e, client_ns) : client_ns;
}
/* Dom0 time -> client time (inverse of clk_to_dom0). */
uint64_t clk_to_client(const struct clk_est *e, uint64_t dom0_ns);

/* Coarse offset from the differences (client time - Dom0 time) of packets
 * paired by unique fingerprints in both captures' first seconds: the
 * median, which is the offset within the link's one-way delays. Sorts diffs
 * in place. 0 and *offset_ns, -EINVAL when n is 0. */
int clk_coarse_offset(int64_t *diffs, size_t n, int64_t *offset_ns);

#endif
