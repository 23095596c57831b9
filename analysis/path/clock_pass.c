/* The clock pass over capture files; see xpass.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "analysis/path/clock_pass.h"
#include "analysis/path/pktmatch.h"
#include "decode/capfile.h"
#include "analysis/point/guard.h"

#define XP_SAMPLE 50000			/* packets from a capture's start, for the coarse offset */
#define XP_SAMPLE_NS 10000000000ull	/* ... or this much of its time */
#define XP_ENOUGH 2000			/* fingerprints met in the other capture: enough */
#define XP_MIN_MET 8			/* fewer unique pairs than this: try the other way */
#define XP_WINDOW_NS 200000000ll	/* fine pass matching window (coarse error + drift) */
#define XP_TRACK_NS 1000000000ull	/* re-estimate the drift this often */

struct xsrc {
	const struct clkpass_src *s;
	struct capfile *cf;
	struct pkt head;
	int has_head;
	/* the analysis pass's input guard, so that the clock is estimated from
	 * the packets analyzed (an appended copy would make every packet twice) */
	struct guard guard;
	struct guard_counts kept_out;
};

uint8_t clkpass_dir(const struct dec_pkt *d, const struct pt_config *pc, const struct ipaddr *guest)
{
	if (guest && guest->family) {
		if (ipaddr_eq(&d->dst, guest))
			return PKTM_DIR_IN;
		if (ipaddr_eq(&d->src, guest))
			return PKTM_DIR_OUT;
	}
	if (d->proto != 6 && d->proto != 17)
		return PKTM_DIR_UNKNOWN;
	if (pt_is_dns_port(pc, d->dport) || pt_is_http_port(pc, d->dport))
		return PKTM_DIR_IN;
	if (pt_is_dns_port(pc, d->sport) || pt_is_http_port(pc, d->sport))
		return PKTM_DIR_OUT;
	return PKTM_DIR_UNKNOWN;
}

static int src_open(struct xsrc *x, const struct clkpass_src *s, char *err, size_t cap)
{
	char e[CAPFILE_ERRBUF];
	memset(x, 0, sizeof *x);
	x->s = s;
	guard_init(&x->guard);
	x->cf = capfile_open(s->path, e);
	if (!x->cf) {
		snprintf(err, cap, "%s", e);
		return -EINVAL;
	}
	return 0;
}

/* Next packet passing the #IFACE filter; 0 at the end (or a damaged file:
 * the analysis pass reports that). */
static int src_next(struct xsrc *x)
{
	x->has_head = 0;
	while (capfile_next(x->cf, &x->head) == 1) {
		if (x->s->iface && x->s->iface[0]) {
			const char *name = capfile_iface_name(x->cf, x->head.iface);
			if (!name || strcmp(name, x->s->iface))
				continue;
		}
		if (guard_check(&x->guard, &x->head, &x->kept_out) != GUARD_TAKE)
			continue;
		x->head.point = x->s->role;
		x->has_head = 1;
		return 1;
	}
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
static size_t sample(struct xsrc *x, struct fpts *out)
{
	size_t n = 0;
	uint64_t first = 0;
	while (n < XP_SAMPLE && src_next(x)) {
		if (!first)
			first = x->head.ts_ns;
		if (x->head.ts_ns - first > XP_SAMPLE_NS)
			break;
		struct dec_pkt d;
		if (dec_packet(&x->head, &d) != DEC_OK)
			continue;
		uint64_t fp = pktm_fingerprint(&d);
		if (fp)
			out[n++] = (struct fpts){ .fp = fp, .ts = x->head.ts_ns, .n = 1 };
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
static size_t search(struct xsrc *y, struct fpts *a, size_t na, int64_t *diff)
{
	size_t met = 0, nd = 0;
	while (met < XP_ENOUGH && src_next(y)) {
		struct dec_pkt d;
		if (dec_packet(&y->head, &d) != DEC_OK)
			continue;
		struct fpts *e = lookup(a, na, pktm_fingerprint(&d));
		if (!e)
			continue;
		if (!e->hits++) {
			e->other_ts = y->head.ts_ns;
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
static int coarse_from(const struct clkpass_src *sa, const struct clkpass_src *sb, int sign,
		       struct fpts *a, int64_t *diff, int64_t *off, char *err, size_t cap)
{
	struct xsrc x, y;
	if (src_open(&x, sa, err, cap))
		return -EINVAL;
	if (src_open(&y, sb, err, cap)) {
		capfile_close(x.cf);
		return -EINVAL;
	}
	size_t na = sample(&x, a);
	size_t nd = search(&y, a, na, diff);
	capfile_close(x.cf);
	capfile_close(y.cf);
	if (nd < XP_MIN_MET)
		return -EAGAIN;
	for (size_t i = 0; i < nd; i++)
		diff[i] *= sign;
	return clk_coarse_offset(diff, nd, off);
}

/* Median of (client - Dom0) over fingerprints unique in both: the client's
 * start looked up in the Dom0 capture, or (when the client capture started
 * long before Dom0's) Dom0's start looked up in the client's. */
static int coarse(const struct clkpass_src *cs, const struct clkpass_src *ds, int64_t *off,
		  char *err, size_t cap)
{
	struct fpts *a = malloc(XP_SAMPLE * sizeof *a);
	int64_t *diff = malloc(XP_SAMPLE * sizeof *diff);
	int rc = -ENOMEM;
	if (a && diff) {
		rc = coarse_from(cs, ds, 1, a, diff, off, err, cap);
		if (rc == -EAGAIN)
			rc = coarse_from(ds, cs, -1, a, diff, off, err, cap);
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
	if (r->dir == PKTM_DIR_IN)
		clk_sample(f->clk, r->raw[PT_CLIENT], r->raw[f->ref], CLK_IN);
	else if (r->dir == PKTM_DIR_OUT)
		clk_sample(f->clk, r->raw[PT_CLIENT], r->raw[f->ref], CLK_OUT);
}

/* Client time -> Dom0 with the coarse offset and the drift tracked so far. */
static uint64_t corrected(const struct clk_est *track, int64_t coarse_off, uint64_t t)
{
	return track->ok ? clk_to_dom0(track, t) : t - (uint64_t)coarse_off;
}

static void fine_pass(struct xsrc *c, struct xsrc *d, int64_t coarse_off, struct fine *f,
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
	uint64_t next_track = 0;
	src_next(c);
	src_next(d);
	*first = c->has_head ? c->head.ts_ns : 0;
	while (c->has_head || d->has_head) {
		uint64_t tc = c->has_head ? corrected(&track, coarse_off, c->head.ts_ns) : UINT64_MAX;
		int from_c = c->has_head && (!d->has_head || tc <= d->head.ts_ns);
		struct xsrc *s = from_c ? c : d;
		uint64_t t = from_c ? tc : d->head.ts_ns;
		struct dec_pkt dp;
		if (dec_packet(&s->head, &dp) == DEC_OK) {
			uint64_t fp = pktm_fingerprint(&dp);
			if (fp)
				pktm_observe(x, s->s->role, t, s->head.ts_ns, fp, clkpass_dir(&dp, pc, guest));
		}
		if (t >= next_track) {
			struct clk_est e;
			if (clk_estimate(f->clk, &e) == 0 && e.samples[0] > 8 && e.samples[1] > 8)
				track = e;
			next_track = t + XP_TRACK_NS;
		}
		src_next(s);
	}
	pktm_finish(x);
	pktm_free(x);
}

int clkpass_clock(const struct clkpass_src *src, unsigned n, const struct pt_config *pc,
		const struct ipaddr *guest, struct clk_est *out, char *err, size_t errcap)
{
	memset(out, 0, sizeof *out);
	const struct clkpass_src *cs = NULL, *ds = NULL;
	for (unsigned i = 0; i < n; i++) {
		if (src[i].role == PT_CLIENT)
			cs = &src[i];
		else if (!ds || src[i].role == PT_UPLINK)
			ds = &src[i];
	}
	if (!cs || !ds)
		return 0;
	if (!strcmp(cs->path, ds->path)) {
		/* the client's interface is in a Dom0 file: one host, one clock */
		out->ok = 1;
		return 0;
	}
	struct xsrc c, d;
	int64_t off = 0;
	int rc = coarse(cs, ds, &off, err, errcap);
	if (rc == -EAGAIN)
		return 0;	/* nothing in common: no clock */
	if (rc)
		return rc;
	struct fine f = { clk_new(4096), ds->role };
	if (!f.clk)
		return -ENOMEM;
	uint64_t first = 0;
	if (src_open(&c, cs, err, errcap) == 0) {
		if (src_open(&d, ds, err, errcap) == 0) {
			fine_pass(&c, &d, off, &f, pc, guest, &first);
			capfile_close(d.cf);
		}
		capfile_close(c.cf);
	}
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
