#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include "bridge-setup/testbed/delay_line.h"

#ifndef PACKET_IGNORE_OUTGOING
#define PACKET_IGNORE_OUTGOING 23
#endif

/* Sleep until this long before a frame is due, then poll: wake-ups on a
 * small VM are late by tens of microseconds. */
#define TB_DL_SPIN_NS 60000

int tb_dlq_init(struct tb_dlq *q, uint32_t cap)
{
	memset(q, 0, sizeof *q);
	q->slot = calloc(cap, sizeof *q->slot);
	if (!q->slot)
		return -ENOMEM;
	q->cap = cap;
	return 0;
}

void tb_dlq_free(struct tb_dlq *q)
{
	free(q->slot);
	memset(q, 0, sizeof *q);
}

struct tb_dl_slot *tb_dlq_reserve(struct tb_dlq *q)
{
	if (q->count == q->cap)
		return NULL;
	return &q->slot[(q->head + q->count) % q->cap];
}

void tb_dlq_commit(struct tb_dlq *q)
{
	if (q->count < q->cap)
		q->count++;
}

struct tb_dl_slot *tb_dlq_head(struct tb_dlq *q)
{
	return q->count ? &q->slot[q->head] : NULL;
}

void tb_dlq_pop(struct tb_dlq *q)
{
	if (!q->count)
		return;
	q->head = (q->head + 1) % q->cap;
	q->count--;
}

int tb_dl_lose(uint64_t *s, uint32_t loss_ppm)
{
	if (!loss_ppm)
		return 0;
	uint64_t x = *s;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	*s = x;
	return (x % 1000000) < loss_ppm;
}

/* ---- the forwarding loop ---- */

#define TB_DL_MAXIF 8

struct dl_dir {
	int rx, tx;		/* indexes into the socket table */
	int64_t delay_ns;
	uint32_t loss_ppm;
	char name[48];
	struct tb_dlq q;
	struct tb_dl_stats st;
};

struct dl {
	int fd[TB_DL_MAXIF];
	char ifname[TB_DL_MAXIF][IF_NAMESIZE];
	int nfd;
	struct dl_dir dir[TB_DL_MAXIF];
	int ndir;
	uint64_t rng;
	FILE *log;
};

static int64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);	/* the clock SO_TIMESTAMPNS uses */
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int open_port(const char *ifname)
{
	int ifindex = (int)if_nametoindex(ifname);
	if (!ifindex)
		return -ENODEV;
	int fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, htons(ETH_P_ALL));
	if (fd < 0)
		return -errno;
	struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL),
				   .sll_ifindex = ifindex };
	int one = 1, buf = 4 << 20;
	/* Frames this host sends on the interface (ours included) are not ours to carry. */
	setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof one);
	setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof one);
	setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &buf, sizeof buf);
	setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &buf, sizeof buf);
	if (bind(fd, (struct sockaddr *)&sll, sizeof sll) < 0) {
		int e = -errno;
		close(fd);
		return e;
	}
	return fd;
}

static int port_index(struct dl *d, const char *ifname)
{
	for (int i = 0; i < d->nfd; i++)
		if (!strcmp(d->ifname[i], ifname))
			return i;
	if (d->nfd == TB_DL_MAXIF)
		return -ENOSPC;
	int fd = open_port(ifname);
	if (fd < 0)
		return fd;
	d->fd[d->nfd] = fd;
	snprintf(d->ifname[d->nfd], IF_NAMESIZE, "%s", ifname);
	return d->nfd++;
}

static int add_dir(struct dl *d, const struct tb_dl_hop *h, const char *from, const char *to)
{
	if (d->ndir == TB_DL_MAXIF)
		return -ENOSPC;
	struct dl_dir *x = &d->dir[d->ndir];
	memset(x, 0, sizeof *x);
	if ((x->rx = port_index(d, from)) < 0)
		return x->rx;
	if ((x->tx = port_index(d, to)) < 0)
		return x->tx;
	x->delay_ns = h->delay_ns;
	x->loss_ppm = h->loss_ppm;
	snprintf(x->name, sizeof x->name, "%s %s->%s", h->name, from, to);
	int rc = tb_dlq_init(&x->q, TB_DL_SLOTS);
	if (rc == 0)
		d->ndir++;
	return rc;
}

static int64_t cmsg_ts(struct msghdr *m)
{
	for (struct cmsghdr *c = CMSG_FIRSTHDR(m); c; c = CMSG_NXTHDR(m, c))
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS) {
			struct timespec ts;
			memcpy(&ts, CMSG_DATA(c), sizeof ts);
			return ts.tv_sec * 1000000000LL + ts.tv_nsec;
		}
	return now_ns();
}

/* Receives one frame from socket s into the queue of the direction that
 * starts there; 1 if a frame was read, 0 if none was waiting. */
static int rx_one(struct dl *d, int s, struct dl_dir *x)
{
	static uint8_t scratch[65536];
	struct tb_dl_slot *slot = tb_dlq_reserve(&x->q);
	struct sockaddr_ll from;
	char ctl[CMSG_SPACE(sizeof(struct timespec))];
	struct iovec iov = { slot ? slot->data : scratch, slot ? TB_DL_FRAME : sizeof scratch };
	struct msghdr m = { .msg_name = &from, .msg_namelen = sizeof from, .msg_iov = &iov,
			    .msg_iovlen = 1, .msg_control = ctl, .msg_controllen = sizeof ctl };
	ssize_t n = recvmsg(d->fd[s], &m, MSG_DONTWAIT | MSG_TRUNC);
	if (n < 0)
		return 0;
	if (from.sll_pkttype == PACKET_OUTGOING)
		return 1;
	x->st.rx++;
	if (!slot) {
		x->st.overflow++;
		return 1;
	}
	if (n > TB_DL_FRAME) {
		x->st.oversize++;
		return 1;
	}
	if (tb_dl_lose(&d->rng, x->loss_ppm)) {
		x->st.lost++;
		return 1;
	}
	slot->len = (uint32_t)n;
	slot->due_ns = cmsg_ts(&m) + x->delay_ns;
	tb_dlq_commit(&x->q);
	return 1;
}

static struct dl_dir *dir_from(struct dl *d, int s)
{
	for (int i = 0; i < d->ndir; i++)
		if (d->dir[i].rx == s)
			return &d->dir[i];
	return NULL;
}

static void drain(struct dl *d, struct pollfd *pfd)
{
	for (int s = 0; s < d->nfd; s++) {
		if (!(pfd[s].revents & POLLIN))
			continue;
		struct dl_dir *x = dir_from(d, s);
		for (int k = 0; x && k < 64 && rx_one(d, s, x); k++)
			;
	}
}

static void send_head(struct dl *d, struct dl_dir *x, int64_t now)
{
	struct tb_dl_slot *f = tb_dlq_head(&x->q);
	if (send(d->fd[x->tx], f->data, f->len, MSG_DONTWAIT) < 0)
		x->st.tx_err++;
	else
		x->st.tx++;
	int64_t late = now - f->due_ns;
	if (late > x->st.late_max_ns)
		x->st.late_max_ns = late;
	x->st.late_sum_ns += (uint64_t)(late > 0 ? late : 0);
	tb_dlq_pop(&x->q);
}

static struct dl_dir *earliest(struct dl *d)
{
	struct dl_dir *best = NULL;
	for (int i = 0; i < d->ndir; i++) {
		struct tb_dl_slot *h = tb_dlq_head(&d->dir[i].q);
		if (h && (!best || h->due_ns < tb_dlq_head(&best->q)->due_ns))
			best = &d->dir[i];
	}
	return best;
}

static void wait_rx(struct dl *d, struct pollfd *pfd, int64_t wait_ns, const sigset_t *mask)
{
	struct timespec ts = { wait_ns / 1000000000, wait_ns % 1000000000 };
	for (int s = 0; s < d->nfd; s++)
		pfd[s] = (struct pollfd){ .fd = d->fd[s], .events = POLLIN };
	if (ppoll(pfd, (nfds_t)d->nfd, wait_ns < 0 ? NULL : &ts, mask) > 0)
		drain(d, pfd);
}

static void loop(struct dl *d, volatile sig_atomic_t *stop, const sigset_t *mask)
{
	struct pollfd pfd[TB_DL_MAXIF];
	while (!*stop) {
		int64_t now = now_ns();
		struct dl_dir *x = earliest(d);
		if (x && tb_dlq_head(&x->q)->due_ns <= now) {
			send_head(d, x, now);
			continue;
		}
		int64_t wait = x ? tb_dlq_head(&x->q)->due_ns - now : -1;
		if (wait > TB_DL_SPIN_NS)
			wait -= TB_DL_SPIN_NS;
		else if (wait >= 0)
			wait = 0;	/* spin: look for frames, do not sleep */
		wait_rx(d, pfd, wait, mask);
	}
}

static void report(struct dl *d)
{
	for (int i = 0; i < d->ndir; i++) {
		struct dl_dir *x = &d->dir[i];
		fprintf(d->log, "%s: delay %lldns rx %llu tx %llu lost %llu overflow %llu oversize %llu "
			"tx_err %llu late_mean %lluns late_max %lldns\n", x->name,
			(long long)x->delay_ns, (unsigned long long)x->st.rx,
			(unsigned long long)x->st.tx, (unsigned long long)x->st.lost,
			(unsigned long long)x->st.overflow, (unsigned long long)x->st.oversize,
			(unsigned long long)x->st.tx_err,
			(unsigned long long)(x->st.tx ? x->st.late_sum_ns / x->st.tx : 0),
			(long long)x->st.late_max_ns);
	}
	fflush(d->log);
}

int tb_dl_run(const struct tb_dl_hop *hops, int nhops, volatile sig_atomic_t *stop, FILE *log)
{
	static struct dl d;
	memset(&d, 0, sizeof d);
	d.log = log;
	d.rng = 0x9e3779b97f4a7c15ULL ^ (uint64_t)now_ns();
	int rc = 0;
	for (int i = 0; i < nhops && rc == 0; i++) {
		rc = add_dir(&d, &hops[i], hops[i].if_a, hops[i].if_b);
		if (rc == 0)
			rc = add_dir(&d, &hops[i], hops[i].if_b, hops[i].if_a);
		if (rc < 0)
			fprintf(log, "delay line: hop %s (%s, %s): %s\n", hops[i].name, hops[i].if_a,
				hops[i].if_b, strerror(-rc));
	}
	if (rc == 0) {
		/* Timer slack of 1 ns: the default 50 us would swallow the spin margin. */
		prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);
		sigset_t block, mask;
		sigemptyset(&block);
		sigaddset(&block, SIGTERM);
		sigaddset(&block, SIGINT);
		sigprocmask(SIG_BLOCK, &block, &mask);
		sigdelset(&mask, SIGTERM);
		sigdelset(&mask, SIGINT);
		loop(&d, stop, &mask);
		report(&d);
	}
	for (int i = 0; i < d.ndir; i++)
		tb_dlq_free(&d.dir[i].q);
	for (int i = 0; i < d.nfd; i++)
		close(d.fd[i]);
	return rc;
}
