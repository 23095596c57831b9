/* Replay backend: capture files through the input layer (capture/input.h:
 * one file, a glob of rotated ones, FILE#IFACE, the BPF filter), at their
 * recorded pace (speed 1), faster or slower (speed x), or as fast as
 * possible (speed 0), so tests and demos go through the same path as live
 * capture. The packet read ahead waits in the reader's buffer until it is due. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "capture/cap.h"
#include "capture/input.h"

struct replay_priv {
	struct in_set *in;	/* one source */
	double speed;
	struct pkt next;	/* read ahead, valid until the next in_next */
	int have, ended;
	uint64_t t0_mono, ts0;	/* first packet: wall and packet time */
	uint64_t delivered;
};

static uint64_t mono_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

static int replay_read(struct cap_src *s, struct replay_priv *rp)
{
	int rc = in_next(rp->in, &rp->next, NULL);
	rp->have = rc == 1;
	if (rc < 0) {
		snprintf(s->err, sizeof s->err, "%s", in_error(rp->in));
		return -EIO;
	}
	if (rc == 0)
		rp->ended = 1;
	return 0;
}

static int replay_open(struct cap_src *s, const struct cap_opts *o)
{
	struct replay_priv *rp = calloc(1, sizeof *rp);

	if (!rp || !(rp->in = in_new())) {
		free(rp);
		return -ENOMEM;
	}
	s->priv = rp;
	rp->speed = o->speed;
	if (in_add(rp->in, o->name, 0) < 0 || (o->filter && in_filter(rp->in, o->filter) < 0) ||
	    in_open(rp->in, ~0u) < 0) {
		snprintf(s->err, sizeof s->err, "%s", in_error(rp->in));
		return -ENOENT;
	}
	s->linktype = UINT32_MAX;	/* interfaces come with the packets */
	s->snaplen = 262144;
	snprintf(s->clock, sizeof s->clock, "replayed");
	snprintf(s->desc, sizeof s->desc, "replay of %.100s (%s) at speed %g", o->name,
		 in_format(rp->in, 0), o->speed);
	return replay_read(s, rp);
}

static int replay_start(struct cap_src *s)
{
	struct replay_priv *rp = s->priv;
	rp->t0_mono = mono_ns();
	rp->ts0 = rp->have ? rp->next.ts_ns : 0;
	return 0;
}

static int64_t replay_wait(struct cap_src *s)
{
	struct replay_priv *rp = s->priv;
	if (!rp->have || rp->speed <= 0)
		return 0;
	double off = (double)(rp->next.ts_ns - rp->ts0) / rp->speed;
	int64_t d = (int64_t)(rp->t0_mono + (uint64_t)off) - (int64_t)mono_ns();
	return d > 0 ? d : 0;
}

static int replay_next(struct cap_src *s, int max, cap_pkt_fn fn, void *ctx)
{
	struct replay_priv *rp = s->priv;
	int n = 0;

	while (n < max && rp->have && replay_wait(s) == 0) {
		if (rp->next.ts_ns < rp->ts0)	/* out of order in the file: send at once */
			rp->ts0 = rp->next.ts_ns;
		fn(ctx, &rp->next);
		n++;
		rp->delivered++;
		int rc = replay_read(s, rp);
		if (rc < 0)
			return rc;
	}
	if (!n && rp->ended)
		return CAP_END;
	return n;
}

static int replay_stats(struct cap_src *s, struct cap_stats *st)
{
	struct replay_priv *rp = s->priv;
	st->recv = rp->delivered;
	st->drop = st->ifdrop = 0;
	return 0;
}

static void replay_close(struct cap_src *s)
{
	struct replay_priv *rp = s->priv;
	if (!rp)
		return;
	in_free(rp->in);
	free(rp);
	s->priv = NULL;
}

static const char *replay_sub_name(struct cap_src *s, unsigned k)
{
	struct replay_priv *rp = s->priv;
	return in_iface_name(rp->in, 0, k);
}

static uint32_t replay_sub_linktype(struct cap_src *s, unsigned k)
{
	struct replay_priv *rp = s->priv;
	return k < in_iface_count(rp->in, 0) ? in_iface_linktype(rp->in, 0, k) : rp->next.linktype;
}

const struct cap_ops cap_replay_ops = {
	.kind = "replay",
	.open = replay_open,
	.start = replay_start,
	.next = replay_next,
	.wait_ns = replay_wait,
	.stats = replay_stats,
	.close = replay_close,
	.sub_name = replay_sub_name,
	.sub_linktype = replay_sub_linktype,
};
