/* The HTML report's figures, each built from the JSON summary (jread.h)
 * into a struct fig (fig.h): drawn from what the summary holds, never
 * recomputed. Load steps and the verdict are drawn when the summary has
 * them; without them the step figures draw each window as a point (rates,
 * latency) or the whole capture as one bar (breakdown). */
#ifndef HOPLAT_RPT_FIGS_H
#define HOPLAT_RPT_FIGS_H

#include <stddef.h>
#include "analysis/report/fig.h"
#include "analysis/report/jread.h"

#define RF_POINTS 3
#define RF_COMPS 5	/* total, client, link, bridge, guest */

/* What every figure needs to know about the summary. */
struct rf_ctx {
	json_object *root;
	json_object *steps, *windows;		/* NULL when absent */
	size_t n_steps, n_windows;
	const char *point[RF_POINTS];		/* the points given, on the path's order */
	unsigned npoints;
	const char *head;			/* the client-most point */
	const char *proto;			/* "dns" or "http": the one with more transactions */
	double first_ns, last_ns, window_s;	/* capture span; NAN when absent */
};

extern const char *const rf_comp[RF_COMPS];		/* "total", "client", ... */
extern const char *const rf_comp_color[RF_COMPS];
const char *rf_point_color(const char *point);

void rf_ctx_init(struct rf_ctx *c, json_object *root);
/* Seconds from the capture's start to t_ns (as written: ns since the epoch). */
double rf_secs(const struct rf_ctx *c, double t_ns);

/* The figures; each fills f (fig_init done inside). */
void rf_rates(struct fig *f, const struct rf_ctx *c);		/* fig-rates */
void rf_latency(struct fig *f, const struct rf_ctx *c);		/* fig-latency */
void rf_breakdown(struct fig *f, const struct rf_ctx *c);	/* fig-breakdown */
void rf_cdf(struct fig *f, const struct rf_ctx *c, const char *proto);	/* fig-cdf-<proto> */
void rf_timeline(struct fig *f, const struct rf_ctx *c);	/* fig-timeline */
void rf_clock(struct fig *f, const struct rf_ctx *c);		/* fig-clock */
void rf_matching(struct fig *f, const struct rf_ctx *c);	/* fig-matching */

#endif
