/* The clock pass over capture files; see clock_pass.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "analysis/path/clock_pass.h"
#include "analysis/path/pktmatch.h"
#include "analysis/point/guard.h"

#define XP_SAMPLE 50000			/* packets from a capture's start, for the coarse offset */
#define XP_SAMPLE_NS 10000000000ull	/* ... or this much of its time */
#define XP_ENOUGH 2000			/* fingerprints met in the other capture: enough */
#define XP_MIN_MET 8			/* fewer unique pairs than this: try the other way */
#define XP_WINDOW_NS 200000000ll	/* fine pass matching window (coarse error + drift) */
#define XP_TRACK_NS 1000000000ull	/* re-estimate the drift this often */

/* The analysis pass's input guard, one per point, so that the clock is
 * estimated from the packets analyzed (an appended copy would make every
 * packet twice). Made anew for every pass over the files. */
struct guards {
	struct guard g[PT_N];
	struct guard_counts kept_out;
};

static void guards_init(struct guards *gs)
{
	for (int i = 0; i < PT_N; i++)
		guard_init(&gs->g[i]);
}

/* The next packet of the sources open that the guard takes, 0 at their
 * end; a damaged file ends its source here (the analysis pass reports it). */
static int next(struct in_set *in, struct guards *gs, struct pkt *p, uint64_t *key)
{
	int rc;
	while ((rc = in_next(in, p, key)) != 0)
		if (rc > 0 && (p->point >= PT_N || guard_check(&gs->g[p->point], p, &gs->kept_out) == GUARD_TAKE))
			return rc;
	return 0;
}

/* One fingerprint from the start of a capture: its time there, how often it
 * occurs in that sample, and where it was seen in the other capture. */
struct fpts {
	uint64_t fp, ts, other_ts;
	uint32_t n, hits;
};

static int cmp_fp(const void *a, const void *b)
{
	const struct fpts *x = a, *y = b;
	return x->fp < y->fp ? -1 : x->fp > y->fp;
}

/* The first fingerprints of a source (XP_SAMPLE packets or XP_SAMPLE_NS),
 * sorted, with repeats counted on the first of each run. */
static size_t sample(struct in_set *in, struct fpts *out)
{
	size_t n = 0;
	uint64_t first = 0;
	struct pkt p;
	struct guards gs;
	guards_init(&gs);
	while (n < XP_SAMPLE && next(in, &gs, &p, NULL)) {
		if (!first)
			first = p.ts_ns;
		if (p.ts_ns - first > XP_SAMPLE_NS)
			break;
		struct dec_pkt d;
		if (dec_packet(&p, &d) != DEC_OK)
			continue;
		uint64_t fp = pktm_fingerprint(&d);
		if (fp)
			out[n++] = (struct fpts){ .fp = fp, .ts = p.ts_ns, .n = 1 };
	}
	qsort(out, n, sizeof *out, cmp_fp);
	size_t k = 0;	/* one entry per fingerprint, n = its count */
	for (size_t i = 0; i < n; i++) {
		if (k && out[k - 1].fp == out[i].fp)
			out[k - 1].n++;
		else
			out[k++] = out[i];
	}
	return k;
}

static struct fpts *lookup(struct fpts *a, size_t n, uint64_t fp)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (a[mid].fp < fp)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && a[lo].fp == fp ? &a[lo] : NULL;
}

/* Streams y until XP_ENOUGH sample fingerprints were met (or its end); the
 * differences (sample time - y time) of those unique on both sides. */
static size_t search(struct in_set *in, struct fpts *a, size_t na, int64_t *diff)
{
	size_t met = 0, nd = 0;
	struct pkt p;
	struct guards gs;
	guards_init(&gs);
	while (met < XP_ENOUGH && next(in, &gs, &p, NULL)) {
		struct dec_pkt d;
		if (dec_packet(&p, &d) != DEC_OK)
			continue;
		struct fpts *e = lookup(a, na, pktm_fingerprint(&d));
		if (!e)
			continue;
		if (!e->hits++) {
			e->other_ts = p.ts_ns;
			met++;
		}
	}
	for (size_t i = 0; i < na; i++)
		if (a[i].n == 1 && a[i].hits == 1)
			diff[nd++] = (int64_t)(a[i].ts - a[i].other_ts);
	return nd;
}

/* The start of one capture looked up in the other; sign +1 when the sample
 * is the client's. 0 and *off (client - Dom0), -EAGAIN when too few met. */
static int coarse_from(struct in_set *in, unsigned sa, unsigned sb, int sign,
		       struct fpts *a, int64_t *diff, int64_t *off, char *err, size_t cap)
{
	int rc = in_open(in, 1u << sa);
	size_t na = rc ? 0 : sample(in, a);
	rc = rc ? rc : in_open(in, 1u << sb);	/* in_open closes what was open */
	size_t nd = rc ? 0 : search(in, a, na, diff);
	in_close(in);
	if (rc) {
		snprintf(err, cap, "%s", in_error(in));
		return rc;
	}
	if (nd < XP_MIN_MET)
		return -EAGAIN;
	for (size_t i = 0; i < nd; i++)
		diff[i] *= sign;
	return clk_coarse_offset(diff, nd, off);
}

/* Median of (client - Dom0) over fingerprints unique in both: the client's
 * start looked up in the Dom0 capture, or (when the client capture started
 * long before Dom0's) Dom0's start looked up in the client's. */
static int coarse(struct in_set *in, unsigned cs, unsigned ds, int64_t *off, char *err, size_t cap)
{
	struct fpts *a = malloc(XP_SAMPLE * sizeof *a);
	int64_t *diff = malloc(XP_SAMPLE * sizeof *diff);
	int rc = -ENOMEM;
	if (a && diff) {
		rc = coarse_from(in, cs, ds, 1, a, diff, off, err, cap);
		if (rc == -EAGAIN)
			rc = coarse_from(in, ds, cs, -1, a, diff, off, err, cap);
	}
	free(a);
	free(diff);
	return rc;
}

struct fine {
	struct clk *clk;
	uint8_t ref;		/* the Dom0 point the clock is measured against */
};

static void on_rec(void *ctx, const struct pktm_rec *r)
{
	struct fine *f = ctx;
	if (!(r->seen & 1u << PT_CLIENT) || !(r->seen & 1u << f->ref))
		return;
	if (r->dir == PT_DIR_TO_SERVER)
		clk_sample(f->clk, r->raw[PT_CLIENT], r->raw[f->ref], CLK_IN);
	else if (r->dir == PT_DIR_TO_CLIENT)
		clk_sample(f->clk, r->raw[PT_CLIENT], r->raw[f->ref], CLK_OUT);
}

/* Client time -> Dom0 with the coarse offset and the drift tracked so far. */
static uint64_t corrected(const struct clk_est *track, int64_t coarse_off, uint64_t t)
{
	return track->ok ? clk_to_dom0(track, t) : t - (uint64_t)coarse_off;
}

/* The fine pass's merge key: the client's packets at their corrected time. */
struct fine_map {
	const struct clk_est *track;
	int64_t coarse_off;
};

static uint64_t fine_key(void *ctx, uint8_t point, uint64_t ts)
{
	const struct fine_map *m = ctx;
	return point == PT_CLIENT ? corrected(m->track, m->coarse_off, ts) : ts;
}

static void observe(struct pktm *x, const struct pkt *p, uint64_t t, const struct pt_config *pc,
		    const struct ipaddr *guest)
{
	struct dec_pkt dp;
	if (dec_packet(p, &dp) != DEC_OK)
		return;
	uint64_t fp = pktm_fingerprint(&dp);
	if (fp)
		pktm_observe(x, p->point, t, p->ts_ns, fp, pt_dir(pc, guest, &dp));
}

/* The two captures merged by corrected time (sources in mask); *first: the
 * client's first packet. */
static void fine_pass(struct in_set *in, unsigned mask, int64_t coarse_off, struct fine *f,
		      const struct pt_config *pc, const struct ipaddr *guest, uint64_t *first)
{
	struct pktm_config xc;
	pktm_config_default(&xc);
	xc.roles = 1u << PT_CLIENT | 1u << f->ref;
	xc.window_ns = XP_WINDOW_NS;
	struct pktm *x = pktm_new(&xc);
	if (!x)
		return;
	pktm_set_done(x, on_rec, f);
	struct clk_est track = { 0 };
	struct fine_map m = { &track, coarse_off };
	uint64_t next_track = 0, t;
	int seen_client = 0;
	struct pkt p;
	struct guards gs;
	guards_init(&gs);
	in_map(in, fine_key, &m);
	if (in_open(in, mask) == 0) {
		while (next(in, &gs, &p, &t)) {
			if (!seen_client && p.point == PT_CLIENT)
				*first = p.ts_ns, seen_client = 1;
			observe(x, &p, t, pc, guest);
			if (t < next_track)
				continue;
			struct clk_est e;
			if (clk_estimate(f->clk, &e) == 0 && e.samples[0] > 8 && e.samples[1] > 8) {
				track = e;
				in_remap(in);	/* the client's packet waiting takes the new time */
			}
			next_track = t + XP_TRACK_NS;
		}
	}
	in_close(in);
	in_map(in, NULL, NULL);
	pktm_finish(x);
	pktm_free(x);
}

/* The client source and the Dom0 one its clock is measured against (the
 * uplink, else another Dom0 point); 0 when there is no such pair. */
static int pair(const struct in_set *in, unsigned *cs, unsigned *ds)
{
	int c = -1, d = -1;
	for (unsigned i = 0; i < in_count(in); i++) {
		if (in_point(in, i) == PT_CLIENT)
			c = (int)i;
		else if (d < 0 || in_point(in, i) == PT_UPLINK)
			d = (int)i;
	}
	*cs = (unsigned)c, *ds = (unsigned)d;
	return c >= 0 && d >= 0;
}

unsigned clkpass_reads(const struct in_set *in)
{
	unsigned cs, ds;
	if (!pair(in, &cs, &ds) || !strcmp(in_paths(in, cs), in_paths(in, ds)))
		return 0;
	return 1u << cs | 1u << ds;
}

int clkpass_clock(struct in_set *in, const struct pt_config *pc, const struct ipaddr *guest,
		  struct clk_est *out, char *err, size_t errcap)
{
	memset(out, 0, sizeof *out);
	unsigned cs, ds;
	if (!pair(in, &cs, &ds))
		return 0;
	if (!clkpass_reads(in)) {
		/* the client's interface is in a Dom0 file: one host, one clock */
		out->ok = 1;
		return 0;
	}
	int64_t off = 0;
	int rc = coarse(in, cs, ds, &off, err, errcap);
	if (rc == -EAGAIN)
		return 0;	/* nothing in common: no clock */
	if (rc)
		return rc;
	struct fine f = { clk_new(4096), in_point(in, ds) };
	if (!f.clk)
		return -ENOMEM;
	uint64_t first = 0;
	fine_pass(in, 1u << cs | 1u << ds, off, &f, pc, guest, &first);
	clk_set_origin(f.clk, first);
	if (clk_estimate(f.clk, out) != 0) {
		/* one direction only: the coarse offset is all there is */
		out->ok = 1;
		out->origin_ns = first;
		out->offset_ns = off;
	}
	clk_free(f.clk);
	return 0;
}
