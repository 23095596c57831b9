/* The clock estimate over capture files; see clock_pass.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "analysis/path/clock_pass.h"
#include "analysis/path/pktmatch.h"
#include "analysis/point/guard.h"

#define XP_SAMPLE 8192			/* packets from a capture's start, for the coarse offset */
#define XP_SAMPLE_NS 10000000000ull	/* ... or this much of its time */
#define XP_ENOUGH 2000			/* fingerprints met in the other capture: enough */
#define XP_MIN_MET 8			/* fewer unique pairs than this: try the other way */
#define XP_WINDOW_NS 200000000ll	/* fine matching window (coarse error + drift) */
#define XP_TRACK_NS 1000000000ull	/* re-estimate the drift this often */
#define XP_HULL 4096			/* clk's points per direction */

/* ---- reading a source: ahead (kept for the analysis), or once more ---- */

struct rd {
	struct in_set *in;
	unsigned src, k;
	int ahead;		/* in_ahead; else in_next on the source alone */
	int bound;		/* the look-ahead's bound was reached */
	/* the analysis pass's input guard (zeroed is fresh), so that the clock
	 * is estimated from the packets analyzed: an appended copy would make
	 * every packet twice */
	struct guard guard;
	struct guard_counts kept_out;
};

/* The source's next packet: 1, or 0 at its end (or the look-ahead's, or
 * a damaged file's: the analysis reports it). */
static int rd_read(struct rd *r, struct pkt *p)
{
	if (r->ahead) {
		int rc = in_ahead(r->in, r->src, r->k, p);
		r->bound |= rc == -ENOBUFS;
		r->k += rc == 1;
		return rc == 1;
	}
	int rc;
	while ((rc = in_next(r->in, p, NULL)) < 0)
		;
	return rc;
}

static int rd_next(struct rd *r, struct pkt *p)
{
	int rc;
	while ((rc = rd_read(r, p)) > 0 && guard_check(&r->guard, p, &r->kept_out) != GUARD_TAKE)
		;
	return rc;
}

/* ---- the coarse offset ---- */

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

static uint64_t fingerprint(const struct pkt *p)
{
	struct dec_pkt d;
	return dec_packet(p, &d) == DEC_OK ? pktm_fingerprint(&d) : 0;
}

/* The first fingerprints of a source (XP_SAMPLE packets or XP_SAMPLE_NS),
 * sorted, with repeats counted on the first of each run. */
static size_t sample(struct rd *r, struct fpts *out)
{
	size_t n = 0;
	uint64_t first = 0;
	struct pkt p;
	while (n < XP_SAMPLE && rd_next(r, &p)) {
		if (!first)
			first = p.ts_ns;
		if (p.ts_ns - first > XP_SAMPLE_NS)
			break;
		uint64_t fp = fingerprint(&p);
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

/* Reads the other source until XP_ENOUGH sample fingerprints were met (or
 * its end); the differences (sample time - its time) of those unique on
 * both sides. */
static size_t search(struct rd *r, struct fpts *a, size_t na, int64_t *diff)
{
	size_t met = 0, nd = 0;
	struct pkt p;
	while (met < XP_ENOUGH && rd_next(r, &p)) {
		struct fpts *e = lookup(a, na, fingerprint(&p));
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

/* The start of source sa looked up in sb; sign +1 when sa is the client's.
 * Ahead: from the look-ahead (*bound set when it ran out); else each file
 * read once more. 0 and *off (client - Dom0), -EAGAIN when too few met. */
static int coarse_from(struct in_set *in, unsigned sa, unsigned sb, int sign, int ahead,
		       int *bound, struct fpts *a, int64_t *diff, int64_t *off, char *err, size_t cap)
{
	struct rd ra = { .in = in, .src = sa, .ahead = ahead }, rb = { .in = in, .src = sb, .ahead = ahead };
	int rc = ahead ? 0 : in_open(in, 1u << sa);
	size_t na = rc ? 0 : sample(&ra, a);
	if (!ahead && !rc)
		rc = in_open(in, 1u << sb);	/* in_open closes what was open */
	size_t nd = rc ? 0 : search(&rb, a, na, diff);
	*bound |= ra.bound | rb.bound;
	if (!ahead)
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
static int coarse(struct in_set *in, unsigned cs, unsigned ds, int ahead, int *bound, int64_t *off,
		  char *err, size_t cap)
{
	struct fpts *a = malloc(XP_SAMPLE * sizeof *a);
	int64_t *diff = malloc(XP_SAMPLE * sizeof *diff);
	int rc = -ENOMEM;
	if (a && diff) {
		rc = coarse_from(in, cs, ds, 1, ahead, bound, a, diff, off, err, cap);
		if (rc == -EAGAIN)
			rc = coarse_from(in, ds, cs, -1, ahead, bound, a, diff, off, err, cap);
	}
	free(a);
	free(diff);
	return rc;
}

/* From the look-ahead; when the starts have nothing in common there and
 * both are files, from the whole files (read once more, then opened again
 * for the analysis). */
static int coarse_offset(struct in_set *in, unsigned cs, unsigned ds, int64_t *off, char *err,
			 size_t cap)
{
	int bound = 0;
	int rc = coarse(in, cs, ds, 1, &bound, off, err, cap);
	if (rc != -EAGAIN || !bound || !in_rereadable(in, cs) || !in_rereadable(in, ds))
		return rc;
	rc = coarse(in, cs, ds, 0, &bound, off, err, cap);
	if (rc != -EAGAIN && rc != 0)
		return rc;
	if (in_open(in, ~0u)) {
		snprintf(err, cap, "%s", in_error(in));
		return -EIO;
	}
	return rc;
}

/* ---- the fine estimate ---- */

struct clkpass_track {
	struct clk *clk;
	struct clkpass_trk cfg;
	uint64_t origin;
	uint64_t next;		/* the next re-estimate (Dom0 time) */
	uint64_t start_samples;	/* the start estimate's: the analysis's own replace it
				 * only once they reach past them (a line over the
				 * first second is no better than one over the start) */
};

struct clkpass_track *clkpass_track_new(const struct clkpass_trk *cfg, const struct clk_est *start)
{
	struct clkpass_track *t = calloc(1, sizeof *t);
	if (!t)
		return NULL;
	t->cfg = *cfg;
	t->origin = start->origin_ns;
	t->start_samples = start->samples[0] + start->samples[1];
	if (!(t->clk = clk_new(XP_HULL))) {
		free(t);
		return NULL;
	}
	clk_set_origin(t->clk, t->origin);
	return t;
}

void clkpass_track_free(struct clkpass_track *t)
{
	if (!t)
		return;
	clk_free(t->clk);
	free(t);
}

void clkpass_track_rec(void *track, const struct pktm_rec *r)
{
	struct clkpass_track *t = track;
	uint8_t ref = t->cfg.ref;
	if (!(r->seen & 1u << PT_CLIENT) || ref >= PT_N || !(r->seen & 1u << ref))
		return;
	if (r->dir == PT_DIR_TO_SERVER)
		clk_sample(t->clk, r->raw[PT_CLIENT], r->raw[ref], CLK_IN);
	else if (r->dir == PT_DIR_TO_CLIENT)
		clk_sample(t->clk, r->raw[PT_CLIENT], r->raw[ref], CLK_OUT);
}

int clkpass_track_advance(struct clkpass_track *t, uint64_t now_ns, struct clk_est *e)
{
	if (now_ns < t->next)
		return 0;
	t->next = now_ns + XP_TRACK_NS;
	struct clk_est n;
	if (clk_estimate(t->clk, &n) || n.samples[0] <= 8 || n.samples[1] <= 8 ||
	    n.samples[0] + n.samples[1] <= t->start_samples)
		return 0;
	*e = n;
	return 1;
}

uint64_t clkpass_track_next(const struct clkpass_track *t)
{
	return t->next;
}

void clkpass_track_finish(struct clkpass_track *t, struct clk_est *e)
{
	if (clk_estimate(t->clk, e) != 0) {
		/* one direction only: the coarse offset is all there is */
		e->ok = 1;
		e->origin_ns = t->origin;
		e->offset_ns = t->cfg.coarse_ns;
	}
}

/* One packet of the starts into the matcher, at its merge key t. */
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

/* A start's next packet and its merge key: those the coarse offset read
 * ahead, and more (up to XP_SAMPLE) while they are not past the other
 * start's end, so both starts cover the same time. */
static int start_next(struct rd *r, struct pkt *p, int64_t off, uint64_t end, uint64_t *key)
{
	if (r->k >= in_ahead_count(r->in, r->src) && r->k >= XP_SAMPLE)
		return 0;
	if (!rd_next(r, p))
		return 0;
	*key = p->ts_ns - (uint64_t)off;
	return r->k <= in_ahead_count(r->in, r->src) || *key <= end;
}

/* The merge key of a source's last packet read ahead (0: none). */
static uint64_t ahead_end(struct in_set *in, unsigned src, int64_t off)
{
	struct pkt p;
	unsigned n = in_ahead_count(in, src);
	return n && in_ahead(in, src, n - 1, &p) == 1 ? p.ts_ns - (uint64_t)off : 0;
}

/* The two starts merged by coarse-corrected time into the tracker (the
 * client's first at t->origin): an estimate for the analysis's first
 * seconds, before its own samples reach past them. */
static void fine_start(struct in_set *in, unsigned cs, unsigned ds, struct clkpass_track *t,
		       const struct pt_config *pc, const struct ipaddr *guest)
{
	struct pktm_config xc;
	pktm_config_default(&xc);
	xc.roles = 1u << PT_CLIENT | 1u << t->cfg.ref;
	xc.window_ns = XP_WINDOW_NS;
	struct pktm *x = pktm_new(&xc);
	if (!x)
		return;
	pktm_set_done(x, clkpass_track_rec, t);
	int64_t off = t->cfg.coarse_ns;
	uint64_t ec = ahead_end(in, cs, off), ed = ahead_end(in, ds, 0), end = ec > ed ? ec : ed;
	struct rd rc = { .in = in, .src = cs, .ahead = 1 }, rdd = { .in = in, .src = ds, .ahead = 1 };
	struct pkt pc_, pd;
	uint64_t kc = 0, kd = 0;
	int hc = start_next(&rc, &pc_, off, end, &kc), hd = start_next(&rdd, &pd, 0, end, &kd);
	while (hc || hd) {
		if (hc && (!hd || kc <= kd)) {
			observe(x, &pc_, kc, pc, guest);
			hc = start_next(&rc, &pc_, off, end, &kc);
		} else {
			observe(x, &pd, kd, pc, guest);
			hd = start_next(&rdd, &pd, 0, end, &kd);
		}
	}
	pktm_finish(x);
	pktm_free(x);
}

/* ---- the pair of points ---- */

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

int clkpass_start(struct in_set *in, const struct pt_config *pc, const struct ipaddr *guest,
		  struct clk_est *out, struct clkpass_trk *trk, char *err, size_t errcap)
{
	memset(out, 0, sizeof *out);
	trk->ref = PT_N;
	trk->coarse_ns = 0;
	unsigned cs, ds;
	if (!pair(in, &cs, &ds))
		return 0;
	if (!strcmp(in_paths(in, cs), in_paths(in, ds))) {
		/* the client's interface is in a Dom0 file: one host, one clock */
		out->ok = 1;
		return 0;
	}
	int64_t off = 0;
	int rc = coarse_offset(in, cs, ds, &off, err, errcap);
	if (rc == -EAGAIN)
		return 0;	/* nothing in common: no clock */
	if (rc)
		return rc;
	struct pkt first;
	*trk = (struct clkpass_trk){ .ref = in_point(in, ds), .coarse_ns = off };
	*out = (struct clk_est){ .ok = 1, .offset_ns = off };
	if (in_ahead(in, cs, 0, &first) == 1)
		out->origin_ns = first.ts_ns;
	struct clkpass_track *t = clkpass_track_new(trk, out);
	if (!t)
		return -ENOMEM;
	fine_start(in, cs, ds, t, pc, guest);
	struct clk_est e;
	if (clk_estimate(t->clk, &e) == 0)
		*out = e;
	clkpass_track_free(t);
	return 0;
}
