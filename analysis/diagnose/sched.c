/* The client's schedule at the client-most point; see sched.h. */
#include <math.h>
#include <string.h>
#include "analysis/diagnose/sched.h"

#define EWMA_WEIGHT (1.0 / 16)

_Static_assert(SCHED_IDLE_MIN_NS >= SCHED_STALL_MIN_NS, "sched_send judges no gap below SCHED_STALL_MIN_NS");

void sched_init(struct sched *s)
{
	memset(s, 0, sizeof *s);
}

static int64_t at_least(double intervals, double interval, int64_t floor_ns)
{
	double v = intervals * interval;
	return v > (double)floor_ns ? (int64_t)v : floor_ns;
}

/* The gap [a, b] judged: server stall, idle stall, or neither. */
static void judge(const struct sched *s, uint64_t b, int64_t g, struct sched_bin *bin)
{
	uint64_t a = s->last_send;
	if (g >= at_least(SCHED_STALL_INTERVALS, s->interval, SCHED_STALL_MIN_NS) &&
	    (!s->first_answer || (int64_t)(s->first_answer - a) * 2 >= g)) {
		bin->stalled += g;
		bin->stalled_n++;
	} else if (g >= at_least(SCHED_IDLE_INTERVALS, s->interval, SCHED_IDLE_MIN_NS) &&
		   s->first_answer && (int64_t)(s->last_answer - a) * 2 < g) {
		bin->idle += (int64_t)(b - s->last_answer);
		bin->idle_n++;
	}
}

static void learn(struct sched *s, int64_t g)
{
	double v = (double)g;
	if (!s->interval)
		s->interval = v;
	else
		s->interval += EWMA_WEIGHT * ((v < 4 * s->interval ? v : 4 * s->interval) - s->interval);
}

void sched_send(struct sched *s, uint64_t ts, int64_t pause_ns, struct sched_bin *bin)
{
	bin->sends++;
	if (s->last_send && ts >= s->last_send) {
		int64_t g = (int64_t)(ts - s->last_send);
		if (g < pause_ns) {
			bin->gaps++;
			bin->sum += (double)g;
			bin->sumsq += (double)g * (double)g;
			if (g > bin->max)
				bin->max = g;
			/* a stall of either kind is SCHED_STALL_MIN_NS long at least
			 * (SCHED_IDLE_MIN_NS is longer): most gaps are not judged */
			if (g >= SCHED_STALL_MIN_NS && s->interval)
				judge(s, ts, g, bin);
			learn(s, g);
		}
	}
	s->last_send = ts;
	s->first_answer = s->last_answer = 0;
}

void sched_bin_add(struct sched_bin *d, const struct sched_bin *s)
{
	d->sends += s->sends;
	d->gaps += s->gaps;
	d->sum += s->sum;
	d->sumsq += s->sumsq;
	if (s->max > d->max)
		d->max = s->max;
	d->stalled += s->stalled;
	d->stalled_n += s->stalled_n;
	d->idle += s->idle;
	d->idle_n += s->idle_n;
}

/* Each stalled gap g skipped floor(g * rate) - 1 sends; summed, with the
 * floor taken once (half a send per gap at most). */
static uint64_t omitted(const struct sched_bin *b, double rate_per_s)
{
	double due = (double)b->stalled / 1e9 * rate_per_s - b->stalled_n;
	return due > 0 ? (uint64_t)llround(due) : 0;
}

void sched_summary(const struct sched_bin *b, double rate_per_s, int64_t duration_ns,
		   struct res_schedule *o)
{
	o->sends = b->sends;
	o->interarrival_cv = -1;
	if (b->gaps >= 2 && b->sum > 0) {
		double mean = b->sum / b->gaps, var = b->sumsq / b->gaps - mean * mean;
		o->interarrival_cv = var > 0 ? sqrt(var) / mean : 0;
	}
	o->max_gap_ns = b->max;
	o->stalled_ns = b->stalled;
	o->omitted = omitted(b, rate_per_s);
	o->idle_stall_ns = b->idle;
	o->kept = (double)o->omitted <= SCHED_KEPT_OMITTED * (double)b->sends &&
		  (double)b->idle <= SCHED_IDLE_SHARE * (double)duration_ns;
}
