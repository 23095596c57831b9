/* libpcap backend: one handle per interface, nanosecond timestamps, a large
 * kernel ring (TPACKET_V3 on Linux), nonblocking so the capture loop can
 * poll all interfaces from one thread. */
#include <errno.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "capture/cap.h"

struct pcap_priv {
	pcap_t *p;
	cap_pkt_fn fn;
	void *ctx;
	struct pkt pk;		/* reused for every packet handed on */
};

static const struct {
	const char *name;
	int type;		/* PCAP_TSTAMP_* */
} ts_names[] = {
	[CAP_TS_HOST] = { "host", PCAP_TSTAMP_HOST },
	[CAP_TS_ADAPTER] = { "adapter", PCAP_TSTAMP_ADAPTER },
	[CAP_TS_ADAPTER_UNSYNCED] = { "adapter_unsynced", PCAP_TSTAMP_ADAPTER_UNSYNCED },
};

int cap_parse_tstamp(const char *s)
{
	for (int i = CAP_TS_HOST; i <= CAP_TS_ADAPTER_UNSYNCED; i++)
		if (!strcmp(s, ts_names[i].name))
			return i;
	return -EINVAL;
}

/* Does the interface offer this timestamp type? */
static int pcap_offers(pcap_t *p, int type)
{
	int *types = NULL;
	int n = pcap_list_tstamp_types(p, &types), found = 0;

	for (int i = 0; i < n; i++)
		found |= types[i] == type;
	pcap_free_tstamp_types(types);
	return found;
}

/* Picks the clock: what was asked for, or (auto) the adapter's clock
 * synchronized to the system when the NIC has one, else the host's. */
static int pcap_pick_tstamp(struct cap_src *s, pcap_t *p, int want)
{
	int chosen = CAP_TS_HOST;

	if (want == CAP_TS_AUTO) {
		if (pcap_offers(p, PCAP_TSTAMP_ADAPTER))
			chosen = CAP_TS_ADAPTER;
	} else if (want == CAP_TS_HOST || pcap_offers(p, ts_names[want].type)) {
		chosen = want;
	} else {
		snprintf(s->err, sizeof s->err, "%s: timestamp type %s not offered by the interface",
			 s->name, ts_names[want].name);
		return -ENOTSUP;
	}
	if (chosen != CAP_TS_HOST && pcap_set_tstamp_type(p, ts_names[chosen].type) != 0)
		chosen = CAP_TS_HOST;
	snprintf(s->clock, sizeof s->clock, "%s", ts_names[chosen].name);
	return 0;
}

/* One line naming the interface for every activation failure. */
static int pcap_activate_err(struct cap_src *s, pcap_t *p, int rc)
{
	switch (rc) {
	case PCAP_ERROR_NO_SUCH_DEVICE:
		snprintf(s->err, sizeof s->err, "no such interface: %s", s->name);
		return -ENODEV;
	case PCAP_ERROR_PERM_DENIED:
		snprintf(s->err, sizeof s->err, "%s: permission denied (capturing needs root or CAP_NET_RAW)",
			 s->name);
		return -EPERM;
	case PCAP_ERROR_IFACE_NOT_UP:
		snprintf(s->err, sizeof s->err, "%s: interface is not up", s->name);
		return -ENETDOWN;
	default:
		snprintf(s->err, sizeof s->err, "%s: %s", s->name, pcap_geterr(p));
		return -EIO;
	}
}

static int pcap_set_filter(struct cap_src *s, pcap_t *p, const char *filter)
{
	struct bpf_program prog;

	if (!filter || !*filter)
		return 0;
	if (pcap_compile(p, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) != 0) {
		snprintf(s->err, sizeof s->err, "%s: filter '%s': %s", s->name, filter, pcap_geterr(p));
		return -EINVAL;
	}
	int rc = pcap_setfilter(p, &prog);
	pcap_freecode(&prog);
	if (rc != 0) {
		snprintf(s->err, sizeof s->err, "%s: setting filter: %s", s->name, pcap_geterr(p));
		return -EINVAL;
	}
	return 0;
}

static int pcap_configure(struct cap_src *s, pcap_t *p, const struct cap_opts *o)
{
	int rc;

	pcap_set_snaplen(p, (int)s->snaplen);
	pcap_set_promisc(p, 1);
	pcap_set_buffer_size(p, (int)((o->buffer_mb ? o->buffer_mb : 32) << 20));
	/* A block is handed up when full or after this long: short enough for
	 * the merge window and the status line, long enough to batch. */
	pcap_set_timeout(p, o->timeout_ms > 0 ? o->timeout_ms : 10);
	if (pcap_set_tstamp_precision(p, PCAP_TSTAMP_PRECISION_NANO) != 0) {
		snprintf(s->err, sizeof s->err, "%s: nanosecond timestamps not supported", s->name);
		return -ENOTSUP;
	}
	rc = pcap_pick_tstamp(s, p, o->tstamp);
	return rc;
}

/* The "any" device's cooked header v1 loses the interface; v2 carries its
 * index (LINKTYPE_LINUX_SLL2, libpcap >= 1.10), so a Dom0 capture of every
 * interface can still be split by interface. Before the filter, which is
 * compiled for the link type. */
static void pcap_prefer_sll2(pcap_t *p)
{
#ifdef DLT_LINUX_SLL2
	if (pcap_datalink(p) == DLT_LINUX_SLL)
		pcap_set_datalink(p, DLT_LINUX_SLL2);
#else
	(void)p;
#endif
}

static int pcap_open_src(struct cap_src *s, const struct cap_opts *o)
{
	char eb[PCAP_ERRBUF_SIZE] = "";
	struct pcap_priv *pp = calloc(1, sizeof *pp);
	pcap_t *p;
	int rc;

	if (!pp)
		return -ENOMEM;
	s->priv = pp;
	s->snaplen = o->snaplen ? o->snaplen : 262144;
	pp->p = p = pcap_create(o->name, eb);
	if (!p) {
		snprintf(s->err, sizeof s->err, "%s: %s", o->name, eb);
		return -ENODEV;
	}
	rc = pcap_configure(s, p, o);
	if (rc < 0)
		return rc;
	rc = pcap_activate(p);
	if (rc < 0)
		return pcap_activate_err(s, p, rc);
	if (pcap_setnonblock(p, 1, eb) != 0) {
		snprintf(s->err, sizeof s->err, "%s: %s", s->name, eb);
		return -EIO;
	}
	pcap_prefer_sll2(p);
	rc = pcap_set_filter(s, p, o->filter);
	if (rc < 0)
		return rc;
	s->linktype = (uint32_t)pcap_datalink(p);	/* DLT == LINKTYPE for the types we meet */
	snprintf(s->desc, sizeof s->desc, "%.40s: libpcap, %.20s timestamps (ns), snaplen %u, buffer %u MiB",
		 s->name, s->clock, s->snaplen, o->buffer_mb ? o->buffer_mb : 32);
	return 0;
}

static int pcap_start_src(struct cap_src *s)
{
	(void)s;
	return 0;		/* the kernel ring fills from activation on */
}

static void pcap_cb(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes)
{
	struct pcap_priv *pp = (struct pcap_priv *)user;

	/* Nanosecond precision: tv_usec holds nanoseconds. */
	pp->pk.ts_ns = (uint64_t)h->ts.tv_sec * 1000000000u + (uint64_t)h->ts.tv_usec;
	pp->pk.caplen = h->caplen;
	pp->pk.wirelen = h->len;
	pp->pk.data = bytes;
	pp->fn(pp->ctx, &pp->pk);
}

static int pcap_next_batch(struct cap_src *s, int max, cap_pkt_fn fn, void *ctx)
{
	struct pcap_priv *pp = s->priv;
	int n;

	pp->fn = fn;
	pp->ctx = ctx;
	pp->pk.linktype = s->linktype;
	n = pcap_dispatch(pp->p, max, pcap_cb, (u_char *)pp);
	if (n >= 0)
		return n;
	if (n == PCAP_ERROR_BREAK)
		return 0;
	/* Linux libpcap: "The interface went down" / "The interface disappeared". */
	snprintf(s->err, sizeof s->err, "%s: %s", s->name, pcap_geterr(pp->p));
	return strstr(pcap_geterr(pp->p), "interface") ? -ENODEV : -EIO;
}

static int pcap_fd(struct cap_src *s)
{
	struct pcap_priv *pp = s->priv;
	return pcap_get_selectable_fd(pp->p);
}

static int pcap_stats_src(struct cap_src *s, struct cap_stats *st)
{
	struct pcap_priv *pp = s->priv;
	struct pcap_stat ps;

	if (pcap_stats(pp->p, &ps) != 0) {
		st->recv = st->drop = st->ifdrop = UINT64_MAX;
		return -EIO;
	}
	st->recv = ps.ps_recv;
	st->drop = ps.ps_drop;
	st->ifdrop = ps.ps_ifdrop;
	return 0;
}

static void pcap_close_src(struct cap_src *s)
{
	struct pcap_priv *pp = s->priv;

	if (!pp)
		return;
	if (pp->p)
		pcap_close(pp->p);
	free(pp);
	s->priv = NULL;
}

const struct cap_ops cap_pcap_ops = {
	.kind = "libpcap",
	.open = pcap_open_src,
	.start = pcap_start_src,
	.next = pcap_next_batch,
	.fd = pcap_fd,
	.stats = pcap_stats_src,
	.close = pcap_close_src,
};

/* Like tcpdump -D: "1.eth0 (description) [Up, Running]". */
int cap_pcap_list(void)
{
	char eb[PCAP_ERRBUF_SIZE];
	pcap_if_t *all, *d;
	int i = 0;

	if (pcap_findalldevs(&all, eb) != 0) {
		fprintf(stderr, "hoplat capture: listing interfaces: %s\n", eb);
		return -EIO;
	}
	for (d = all; d; d = d->next) {
		printf("%d.%s", ++i, d->name);
		if (d->description)
			printf(" (%s)", d->description);
		printf(" [%s%s%s]\n", d->flags & PCAP_IF_UP ? "Up" : "Down",
		       d->flags & PCAP_IF_RUNNING ? ", Running" : "",
		       d->flags & PCAP_IF_LOOPBACK ? ", Loopback" : "");
	}
	pcap_freealldevs(all);
	return i;
}

const struct cap_ops *cap_ops_for(const char *name)
{
	if (!strncmp(name, "dpdk:", 5)) {
#ifdef HOPLAT_DPDK
		return &cap_dpdk_ops;
#else
		return NULL;
#endif
	}
	return &cap_pcap_ops;
}

int cap_open(struct cap_src *s, const struct cap_ops *ops, const struct cap_opts *o)
{
	memset(s, 0, sizeof *s);
	s->ops = ops;
	snprintf(s->name, sizeof s->name, "%s", o->name);
	snprintf(s->clock, sizeof s->clock, "host");
	int rc = ops->open(s, o);
	if (rc < 0 && !s->err[0])
		snprintf(s->err, sizeof s->err, "%s: %s", o->name, strerror(-rc));
	return rc;
}
