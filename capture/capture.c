/* The capture loop (see capture.h).
 *
 * Each interface's packets arrive in time order from its own kernel ring,
 * but the rings are read one after another, a block at a time; so packets
 * of interface A stamped at t can reach us after packets of B stamped later.
 * They wait in a per-interface queue (copied: the ring slot goes back to the
 * kernel after the callback) and leave in timestamp order, through one heap
 * over all interfaces, once they have waited the reorder window (longer than
 * the kernel's block timeout). With one source there is nothing to merge and
 * packets go straight from the ring to the writer. */
#include <errno.h>
#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "capture/capture.h"
#include "capture/input.h"
#include "capture/pcapng_writer.h"

#define Q_SLOTS (1u << 16)		/* queued packets per interface */
#define Q_BYTES (16u << 20)		/* queued bytes per interface */
#define NS 1000000000LL
#define RECENT (1u << 16)		/* packets whose file offset is remembered */

struct qent {
	uint64_t ts, arr;		/* packet time; arrival (monotonic) */
	uint32_t caplen, wirelen, off, sub;
	uint8_t emitted;		/* written; its slot frees when the ring's head gets here */
};

struct cif {
	struct cap_src src;
	struct qent *q;
	unsigned qhead, qn;
	uint8_t *arena;
	uint32_t ahead, atail;
	int done;			/* ended (replay) or failed */
	int wid[8];			/* writer interface of each sub-interface (replay files) */
	uint64_t packets;
	struct cap_stats st;
};

struct cap_run {
	const struct capture_cfg *cfg;
	struct cif *ifs;
	unsigned n;
	struct pcapng_w *w;
	char path[4096];
	char comment[512];
	unsigned file_cnt;		/* -C numbering / files made with -G */
	unsigned digits;
	int64_t file_start_s;		/* wall clock second the file was opened */
	uint64_t start_ns;		/* wall clock, for ISB start times */
	uint64_t total;
	uint64_t arr_now;		/* arrival time of the batch being read */
	unsigned cur;			/* interface being read */
	int direct;			/* one source: no merging */
	/* Queued packets of all interfaces by timestamp, ties in the order they
	 * came in: the input layer's heap (key the time, tie the arrival
	 * sequence, a the ring slot, b the interface). Each interface's ring
	 * keeps its packets in arrival order, so its bytes are freed in order;
	 * a packet leaves the heap when it is written and the ring's head moves
	 * past packets already written. A heap and not a merge of ring heads:
	 * one interface's own packets are not always in timestamp order (a
	 * received packet is stamped when it enters the stack, one sent
	 * meanwhile is stamped when it leaves). */
	struct in_heap heap;
	uint64_t seq;
	int stop, failed;
	char errmsg[512];
	/* End offset and interface of the last packets written to the current
	 * file: after a failed write the writer cuts the file back to its last
	 * whole block, and these tell how many packets that left on disk. */
	uint64_t *recent_end;
	uint8_t *recent_if;
	uint64_t file_pkts;
};

static volatile sig_atomic_t g_stop;

static void on_signal(int sig)
{
	(void)sig;
	g_stop = 1;
}

static uint64_t mono_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * NS + (uint64_t)t.tv_nsec;
}

static uint64_t wall_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_REALTIME, &t);
	return (uint64_t)t.tv_sec * NS + (uint64_t)t.tv_nsec;
}

void capture_cfg_default(struct capture_cfg *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	cfg->isb_every_ns = 10 * NS;
	cfg->window_ns = NS / 10;
	cfg->cmd = "capture";
}

/* No SA_RESTART: poll() returns at once with EINTR. */
static void install_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

/* ---- file names (tcpdump's MakeFilename) ---- */

void capture_filename(char *dst, unsigned cap, const char *pattern, int strf,
		      unsigned cnt, unsigned digits, int64_t when_s)
{
	char base[4096];

	if (strf) {
		time_t t = (time_t)when_s;
		struct tm tm;
		localtime_r(&t, &tm);
		if (strftime(base, sizeof base, pattern, &tm) == 0)
			snprintf(base, sizeof base, "%s", pattern);
	} else {
		snprintf(base, sizeof base, "%s", pattern);
	}
	if (cnt == 0 && digits == 0)
		snprintf(dst, cap, "%s", base);
	else
		snprintf(dst, cap, "%s%0*u", base, (int)digits, cnt);
}

static unsigned w_digits(unsigned w)
{
	unsigned c = 0;
	for (w = w ? w - 1 : 0; w > 0; w /= 10)
		c++;
	return c;
}

/* ---- writer ---- */

static void fail_run(struct cap_run *r, const char *msg)
{
	if (!r->failed)
		snprintf(r->errmsg, sizeof r->errmsg, "%s", msg);
	r->failed = 1;
	r->stop = 1;
}

static int add_ifaces(struct cap_run *r)
{
	for (unsigned i = 0; i < r->n; i++) {
		struct cap_src *s = &r->ifs[i].src;
		struct pcapng_iface pi = {
			.name = s->name, .description = s->desc, .filter = r->cfg->src[i].filter,
			.linktype = s->linktype, .snaplen = s->snaplen, .tsresol = 9,
		};
		for (unsigned k = 0; k < 8; k++)
			r->ifs[i].wid[k] = -1;
		if (s->linktype == UINT32_MAX)	/* replay: interfaces appear with their packets */
			continue;
		int id = pcapng_w_add_iface(r->w, &pi);
		if (id < 0)
			return id;
		r->ifs[i].wid[0] = id;
	}
	return 0;
}

static int open_file(struct cap_run *r, int64_t now_s)
{
	const struct capture_cfg *c = r->cfg;
	char eb[PCAPNG_ERRBUF];

	capture_filename(r->path, sizeof r->path, c->out, c->rotate_ns > 0,
			 c->rotate_bytes ? r->file_cnt : 0, c->rotate_bytes ? r->digits : 0, now_s);
	r->w = pcapng_w_open(r->path, r->comment, eb);
	if (!r->w) {
		char m[512];
		snprintf(m, sizeof m, "%s", eb);
		fail_run(r, m);
		return -EIO;
	}
	r->file_start_s = now_s;
	r->file_pkts = 0;
	if (add_ifaces(r) < 0) {
		fail_run(r, pcapng_w_error(r->w));
		return -EIO;
	}
	return 0;
}

/* The writer failed (full disk): count only the packets left on disk. */
static void write_failed(struct cap_run *r)
{
	struct stat st;
	uint64_t size = stat(r->path, &st) == 0 ? (uint64_t)st.st_size : 0;

	fail_run(r, pcapng_w_error(r->w));
	while (r->file_pkts && r->recent_end[(r->file_pkts - 1) % RECENT] > size) {
		r->file_pkts--;
		r->ifs[r->recent_if[r->file_pkts % RECENT]].packets--;
		r->total--;
	}
}

/* Statistics block for every interface of the current file. */
static void write_isbs(struct cap_run *r)
{
	uint64_t now = wall_ns();

	for (unsigned i = 0; i < r->n; i++) {
		struct cif *ci = &r->ifs[i];
		if (ci->src.ops->stats && !ci->done)
			ci->src.ops->stats(&ci->src, &ci->st);
		if (!r->w || ci->wid[0] < 0 || r->failed)
			continue;
		struct pcapng_isb isb = {
			.start_ns = r->start_ns, .end_ns = now,
			.ifrecv = ci->st.recv, .ifdrop = ci->st.ifdrop,
			.filteraccept = ci->st.recv, .osdrop = ci->st.drop,
		};
		if (pcapng_w_stats(r->w, (uint32_t)ci->wid[0], now, &isb) < 0)
			write_failed(r);
	}
}

static void close_file(struct cap_run *r)
{
	if (!r->w)
		return;
	write_isbs(r);
	int rc = r->failed ? 0 : pcapng_w_flush(r->w);
	if (rc < 0)
		write_failed(r);
	rc = pcapng_w_close(r->w);
	if (rc < 0 && !r->failed) {
		char m[512];
		snprintf(m, sizeof m, "%.400s: %s", r->path, strerror(-rc));
		fail_run(r, m);
	}
	r->w = NULL;
}

/* Next file: -C counts (a ring with -W), -G renames by time (-W: that many files, then stop). */
static void rotate(struct cap_run *r, int by_time)
{
	const struct capture_cfg *c = r->cfg;
	int64_t now_s = (int64_t)(wall_ns() / NS);

	close_file(r);
	if (r->failed)
		return;
	if (by_time) {
		r->file_cnt++;
		if (c->max_files && r->file_cnt >= c->max_files) {
			r->stop = 1;
			return;
		}
		if (c->rotate_bytes)
			r->file_cnt = 0;	/* tcpdump restarts -C numbering in each -G file */
	} else {
		r->file_cnt++;
		if (c->max_files && r->file_cnt >= c->max_files)
			r->file_cnt = 0;
	}
	open_file(r, now_s);
}

/* The writer interface for a packet; replay files bring their interfaces along. */
static int writer_iface(struct cap_run *r, struct cif *ci, const struct pkt *p)
{
	uint32_t sub = p->iface;
	if (sub >= 8)
		sub = 7;
	if (ci->wid[sub] >= 0)
		return ci->wid[sub];
	char name[96];
	snprintf(name, sizeof name, "%s#%u", ci->src.name, sub);
	struct pcapng_iface pi = {
		.name = name, .description = ci->src.desc, .snaplen = 262144, .tsresol = 9,
		.linktype = p->linktype,
	};
	if (ci->src.ops->sub_name && ci->src.ops->sub_name(&ci->src, sub))
		pi.name = ci->src.ops->sub_name(&ci->src, sub);
	ci->wid[sub] = pcapng_w_add_iface(r->w, &pi);
	return ci->wid[sub];
}

/* One packet leaves, in time order: file, tap, counters, -c and -C. */
static void emit(struct cap_run *r, unsigned i, const struct pkt *p)
{
	const struct capture_cfg *c = r->cfg;
	struct cif *ci = &r->ifs[i];

	if (r->stop && r->failed)
		return;
	if (c->count && r->total >= c->count)
		return;
	if (c->out && !r->w)
		return;		/* -G -W: the last file is closed, the loop is ending */
	if (r->w) {
		int wid = writer_iface(r, ci, p);
		if (wid < 0 || pcapng_w_packet(r->w, (uint32_t)wid, p->ts_ns, p->data, p->caplen,
						 p->wirelen) < 0) {
			write_failed(r);
			return;
		}
	}
	if (r->w) {
		r->recent_end[r->file_pkts % RECENT] = pcapng_w_bytes(r->w);
		r->recent_if[r->file_pkts % RECENT] = (uint8_t)i;
		r->file_pkts++;
	}
	ci->packets++;
	r->total++;
	if (c->tap) {
		const char *name = ci->src.ops->sub_name ? ci->src.ops->sub_name(&ci->src, p->iface) : NULL;
		c->tap(c->tap_ctx, i, name ? name : ci->src.name, p);
	}
	if (c->count && r->total >= c->count)
		r->stop = 1;
	if (r->w && c->rotate_bytes && pcapng_w_bytes(r->w) > c->rotate_bytes)
		rotate(r, 0);
}

/* ---- per-interface queues ---- */

static int q_alloc(struct cif *ci, uint32_t len, uint32_t *off)
{
	if (ci->qn == Q_SLOTS)
		return -1;
	if (ci->qn == 0)
		ci->ahead = ci->atail = 0;
	if (ci->atail >= ci->ahead) {
		if (ci->atail + len <= Q_BYTES) {
			*off = ci->atail;
		} else if (len < ci->ahead) {
			*off = 0;
		} else {
			return -1;
		}
	} else if (ci->atail + len < ci->ahead) {
		*off = ci->atail;
	} else {
		return -1;
	}
	ci->atail = *off + len;
	return 0;
}

/* The ring's head moves past what was written; its bytes are free again. */
static void q_trim(struct cif *ci)
{
	while (ci->qn && ci->q[ci->qhead].emitted) {
		ci->qhead = (ci->qhead + 1) % Q_SLOTS;
		if (--ci->qn)
			ci->ahead = ci->q[ci->qhead].off;
	}
}

/* Writes the packet on top of the heap. */
static void h_emit_top(struct cap_run *r)
{
	struct in_hent t = r->heap.e[0];
	struct cif *ci = &r->ifs[t.b];
	struct qent *e = &ci->q[t.a];
	struct pkt p = {
		.ts_ns = e->ts, .caplen = e->caplen, .wirelen = e->wirelen,
		.linktype = ci->src.linktype, .iface = e->sub, .data = ci->arena + e->off,
	};
	in_heap_pop(&r->heap);
	emit(r, t.b, &p);
	e->emitted = 1;
	q_trim(ci);
}

/* Emits queued packets in time order once they have waited the reorder
 * window (all of them when forced). */
static void merge(struct cap_run *r, int force)
{
	uint64_t now = mono_ns();

	while (r->heap.n) {
		const struct in_hent *t = &r->heap.e[0];
		if (!force && r->ifs[t->b].q[t->a].arr + (uint64_t)r->cfg->window_ns > now)
			return;
		h_emit_top(r);
	}
}

static void on_packet(void *ctx, const struct pkt *p)
{
	struct cap_run *r = ctx;
	struct cif *ci = &r->ifs[r->cur];
	uint32_t off;

	if (r->direct) {
		emit(r, r->cur, p);
		return;
	}
	if (p->caplen > Q_BYTES / 2)
		return;		/* cannot happen with snaplen <= 256 KiB */
	/* full: the oldest packets leave early (order kept as far as it goes) */
	while (q_alloc(ci, p->caplen, &off) < 0) {
		if (!r->heap.n)
			return;	/* cannot happen: an empty heap means an empty ring */
		h_emit_top(r);
	}
	unsigned slot = (ci->qhead + ci->qn) % Q_SLOTS;
	struct qent *e = &ci->q[slot];
	*e = (struct qent){ .ts = p->ts_ns, .arr = r->arr_now, .caplen = p->caplen,
			    .wirelen = p->wirelen, .off = off, .sub = p->iface };
	memcpy(ci->arena + off, p->data, p->caplen);
	ci->qn++;
	in_heap_push(&r->heap, (struct in_hent){ .key = p->ts_ns, .tie = r->seq++, .a = slot, .b = r->cur });
}

/* ---- reading ---- */

static void read_src(struct cap_run *r, unsigned i)
{
	struct cif *ci = &r->ifs[i];

	if (ci->done)
		return;
	r->cur = i;
	r->arr_now = mono_ns();
	for (int rounds = 0; rounds < 64; rounds++) {
		int n = ci->src.ops->next(&ci->src, 4096, on_packet, r);
		if (n == CAP_END) {
			if (ci->src.ops->stats)
				ci->src.ops->stats(&ci->src, &ci->st);
			ci->done = 1;
			return;
		}
		if (n < 0) {
			ci->done = 1;
			if (ci->src.ops->stats)
				ci->src.ops->stats(&ci->src, &ci->st);
			fail_run(r, cap_error(&ci->src));
			return;
		}
		if (n == 0 || r->stop)
			return;
	}
}

static void read_all(struct cap_run *r)
{
	for (unsigned i = 0; i < r->n && !(r->stop && r->failed); i++)
		read_src(r, i);
}

static int all_done(const struct cap_run *r)
{
	for (unsigned i = 0; i < r->n; i++)
		if (!r->ifs[i].done)
			return 0;
	return 1;
}

/* How long poll() may sleep: until the status/ISB/rotation tick, the oldest
 * queued packet's window, or the next replayed packet. */
static int poll_timeout(struct cap_run *r)
{
	int64_t t = 100 * 1000000LL;
	uint64_t now = mono_ns();

	if (r->heap.n) {
		const struct in_hent *h = &r->heap.e[0];
		int64_t d = (int64_t)(r->ifs[h->b].q[h->a].arr + (uint64_t)r->cfg->window_ns - now);
		if (d < t)
			t = d;
	}

	for (unsigned i = 0; i < r->n; i++) {
		struct cif *ci = &r->ifs[i];
		if (!ci->done && ci->src.ops->wait_ns) {
			int64_t d = ci->src.ops->wait_ns(&ci->src);
			if (d >= 0 && d < t)
				t = d;
		}
	}
	return t <= 0 ? 0 : (int)((t + 999999) / 1000000);
}

static void wait_ready(struct cap_run *r)
{
	struct pollfd pf[CAPTURE_MAX_IF];
	unsigned np = 0;

	for (unsigned i = 0; i < r->n; i++) {
		struct cif *ci = &r->ifs[i];
		int fd = ci->done || !ci->src.ops->fd ? -1 : ci->src.ops->fd(&ci->src);
		if (fd >= 0)
			pf[np++] = (struct pollfd){ .fd = fd, .events = POLLIN };
	}
	int to = poll_timeout(r);
	if (to > 0)
		poll(pf, np, to);	/* EINTR (a signal) just ends the wait */
}

/* ---- status ---- */

static void show_status(struct cap_run *r, uint64_t t0)
{
	const struct capture_cfg *c = r->cfg;
	struct status_if si[CAPTURE_MAX_IF];
	char extra[256] = "";

	for (unsigned i = 0; i < r->n; i++) {
		struct cif *ci = &r->ifs[i];
		if (ci->src.ops->stats && !ci->done)
			ci->src.ops->stats(&ci->src, &ci->st);
		uint64_t d = 0;
		if (ci->st.drop != UINT64_MAX)
			d += ci->st.drop;
		if (ci->st.ifdrop != UINT64_MAX)
			d += ci->st.ifdrop;
		si[i] = (struct status_if){ .name = ci->src.name, .packets = ci->packets, .drops = d };
	}
	if (c->status_extra)
		c->status_extra(c->status_ctx, extra, sizeof extra);
	status_print(stderr, (double)(mono_ns() - t0) / 1e9, si, r->n, extra);
}

/* ---- setup ---- */

/* As tcpdump: root gives up its privileges once the handles are open,
 * before any output file is created (so files belong to that user). */
static int drop_privileges(const char *user, const char *cmd)
{
	if (geteuid() != 0)
		return 0;
	if (!user)
		user = getpwnam("tcpdump") ? "tcpdump" : "nobody";
	if (!strcmp(user, "root"))
		return 0;
	struct passwd *pw = getpwnam(user);
	if (!pw) {
		fprintf(stderr, "hoplat %s: -Z %s: no such user\n", cmd, user);
		return -EINVAL;
	}
	if (initgroups(pw->pw_name, pw->pw_gid) != 0 || setgid(pw->pw_gid) != 0 ||
	    setuid(pw->pw_uid) != 0) {
		fprintf(stderr, "hoplat %s: cannot change to user %s: %s\n", cmd, user, strerror(errno));
		return -EPERM;
	}
	return 0;
}

static void make_comment(struct cap_run *r)
{
	char host[128] = "?";
	int len;

	gethostname(host, sizeof host - 1);
	len = snprintf(r->comment, sizeof r->comment, "hoplat %s on host %s; clock source:",
		       r->cfg->cmd, host);
	for (unsigned i = 0; i < r->n && len < (int)sizeof r->comment; i++)
		len += snprintf(r->comment + len, sizeof r->comment - (size_t)len, "%s %s=%s",
				i ? "," : "", r->ifs[i].src.name, r->ifs[i].src.clock);
}

static int open_sources(struct cap_run *r)
{
	const struct capture_cfg *c = r->cfg;

	for (unsigned i = 0; i < c->n_src; i++) {
		const struct cap_ops *ops = c->src[i].ops ? c->src[i].ops : cap_ops_for(c->src[i].name);
		if (!ops) {
			fprintf(stderr, "hoplat %s: %s: this hoplat was built without DPDK (make DPDK=1)\n",
				c->cmd, c->src[i].name);
			return -ENOTSUP;
		}
		int rc = cap_open(&r->ifs[i].src, ops, &c->src[i]);
		r->n = i + 1;
		if (rc < 0) {
			fprintf(stderr, "hoplat %s: %s\n", c->cmd, cap_error(&r->ifs[i].src));
			return rc;
		}
	}
	return 0;
}

static int alloc_queues(struct cap_run *r)
{
	r->recent_end = malloc(RECENT * sizeof *r->recent_end);
	r->recent_if = malloc(RECENT);
	if (!r->recent_end || !r->recent_if)
		return -ENOMEM;
	if (r->direct)
		return 0;
	r->heap.e = malloc((size_t)r->n * Q_SLOTS * sizeof *r->heap.e);
	if (!r->heap.e)
		return -ENOMEM;
	for (unsigned i = 0; i < r->n; i++) {
		r->ifs[i].q = malloc(Q_SLOTS * sizeof *r->ifs[i].q);
		r->ifs[i].arena = malloc(Q_BYTES);
		if (!r->ifs[i].q || !r->ifs[i].arena)
			return -ENOMEM;
	}
	return 0;
}

static void free_run(struct cap_run *r)
{
	for (unsigned i = 0; i < r->n; i++) {
		if (r->ifs[i].src.ops && r->ifs[i].src.ops->close)
			r->ifs[i].src.ops->close(&r->ifs[i].src);
		free(r->ifs[i].q);
		free(r->ifs[i].arena);
	}
	free(r->ifs);
	free(r->recent_end);
	free(r->recent_if);
	free(r->heap.e);
}

/* Periodic work: statistics blocks, -G rotation, the status line, the tick. */
static void periodic(struct cap_run *r, uint64_t t0, uint64_t *next_isb, uint64_t *next_sec,
		     uint64_t wall)
{
	const struct capture_cfg *c = r->cfg;
	uint64_t now = mono_ns();

	if (r->w && now >= *next_isb) {
		write_isbs(r);
		*next_isb = now + (uint64_t)c->isb_every_ns;
	}
	if (r->w && c->rotate_ns > 0 &&
	    (int64_t)(wall_ns() / NS) - r->file_start_s >= c->rotate_ns / NS)
		rotate(r, 1);
	if (now >= *next_sec) {
		/* at most a second of packets waits in the buffer (readers of a
		 * growing file, a kill -9) */
		if (r->w && !r->failed && pcapng_w_flush(r->w) < 0)
			write_failed(r);
		if (c->status)
			show_status(r, t0);
		if (c->tick)
			c->tick(c->status_ctx, wall);
		*next_sec += NS;
	}
}

/* After a stop: what the kernel still holds (a block retires after the
 * timeout), then everything queued, in order. */
static void drain(struct cap_run *r)
{
	if (r->failed)
		return;
	for (int pass = 0; pass < 2; pass++) {
		for (unsigned i = 0; i < r->n; i++) {
			struct cif *ci = &r->ifs[i];
			if (ci->done || !ci->src.ops->fd)
				continue;
			r->cur = i;
			r->arr_now = mono_ns();
			while (!r->failed && !(r->cfg->count && r->total >= r->cfg->count) &&
			       ci->src.ops->next(&ci->src, 4096, on_packet, r) > 0)
				;
		}
		if (pass == 0)
			poll(NULL, 0, 30);
	}
	merge(r, 1);
}

/* As tcpdump: one line once every handle is open (scripts wait for it). */
static void listening(const struct cap_run *r)
{
	fprintf(stderr, "hoplat %s: listening on", r->cfg->cmd);
	for (unsigned i = 0; i < r->n; i++)
		fprintf(stderr, "%s %s", i ? "," : "", r->ifs[i].src.name);
	fprintf(stderr, "%s%s\n", r->cfg->out ? ", writing " : "", r->cfg->out ? r->path : "");
}

/* Like tcpdump's closing lines, one per interface. */
static void summary(const struct cap_run *r)
{
	for (unsigned i = 0; i < r->n; i++) {
		const struct cif *ci = &r->ifs[i];
		fprintf(stderr, "%s: %llu packets %s, %lld received by filter, %lld dropped by kernel, "
			"%lld dropped by interface\n", ci->src.name, (unsigned long long)ci->packets,
			r->cfg->out ? "written" : "captured",	/* live without -w writes nothing */
			ci->st.recv == UINT64_MAX ? -1LL : (long long)ci->st.recv,
			ci->st.drop == UINT64_MAX ? -1LL : (long long)ci->st.drop,
			ci->st.ifdrop == UINT64_MAX ? -1LL : (long long)ci->st.ifdrop);
	}
}

int capture_run(const struct capture_cfg *c)
{
	struct cap_run run = { .cfg = c }, *r = &run;
	int rc = 2;

	g_stop = 0;
	r->ifs = calloc(c->n_src ? c->n_src : 1, sizeof *r->ifs);
	if (!r->ifs)
		return 2;
	r->direct = c->n_src == 1;
	if (open_sources(r) < 0 || alloc_queues(r) < 0)
		goto out;
	if (drop_privileges(c->user, c->cmd) < 0)
		goto out;
	make_comment(r);
	r->digits = c->max_files && c->rotate_bytes ? w_digits(c->max_files) : 0;
	r->start_ns = wall_ns();
	if (c->out && open_file(r, (int64_t)(r->start_ns / NS)) < 0) {
		fprintf(stderr, "hoplat %s: %s%s\n", c->cmd, r->errmsg,
			geteuid() != 0 && getuid() != 0 ? " (privileges were dropped as tcpdump does; -Z root keeps them)" : "");
		goto out;
	}
	install_signals();
	listening(r);
	for (unsigned i = 0; i < r->n; i++)
		if (r->ifs[i].src.ops->start)
			r->ifs[i].src.ops->start(&r->ifs[i].src);

	uint64_t t0 = mono_ns(), next_isb = t0 + (uint64_t)c->isb_every_ns, next_sec = t0 + NS;
	while (!r->stop && !g_stop) {
		wait_ready(r);
		read_all(r);
		if (!r->direct)
			merge(r, 0);
		if (all_done(r))
			r->stop = 1;
		periodic(r, t0, &next_isb, &next_sec, wall_ns());
	}
	drain(r);
	if (c->tick)
		c->tick(c->status_ctx, wall_ns());
	if (c->status) {
		show_status(r, t0);
		status_end(stderr);
	}
	close_file(r);
	summary(r);
	if (r->failed)
		fprintf(stderr, "hoplat %s: %s; stopped after %llu packets%s\n", c->cmd, r->errmsg,
			(unsigned long long)r->total,
			c->out ? " (the file is valid up to the last whole packet)" : "");
	rc = r->failed ? 1 : 0;
out:
	if (r->w)
		pcapng_w_close(r->w);
	free_run(r);
	return rc;
}
