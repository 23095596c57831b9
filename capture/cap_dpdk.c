/* DPDK backend (make DPDK=1 or make hoplat-dpdk): -i dpdk:PORT reads
 * rte_eth_rx_burst on queue 0 of that port into the same capture loop.
 * EAL arguments come from --dpdk-args or HOPLAT_DPDK_EAL, e.g. for tests
 * without hardware: "--no-huge -m 256 --no-pci --vdev=net_pcap0,rx_pcap=F".
 * Timestamps are the host's clock read once per burst (no NIC timestamp
 * offload is asked for), so their resolution is the burst, not the packet. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include "capture/cap.h"

#define DPDK_BURST 64
#define DPDK_RXD 4096
#define DPDK_MBUFS 16383
#define DPDK_MAX_ARGS 64

struct dpdk_priv {
	uint16_t port;
	int started, idle;
	uint32_t snaplen;
	struct pkt pk;
};

static int eal_ready;
static struct rte_mempool *pool;

/* Splits the EAL argument string on blanks (no quoting: EAL args have none). */
static int eal_init(struct cap_src *s, const char *args)
{
	static char buf[2048];
	char *argv[DPDK_MAX_ARGS + 2];
	int argc = 0;

	if (eal_ready)
		return 0;
	snprintf(buf, sizeof buf, "%s", args ? args : "");
	argv[argc++] = "hoplat";
	for (char *save = NULL, *t = strtok_r(buf, " \t", &save); t && argc < DPDK_MAX_ARGS;
	     t = strtok_r(NULL, " \t", &save))
		argv[argc++] = t;
	argv[argc] = NULL;
	if (rte_eal_init(argc, argv) < 0) {
		snprintf(s->err, sizeof s->err, "%s: DPDK EAL init failed (%s); EAL args: '%s'", s->name,
			 rte_strerror(rte_errno), args ? args : "");
		return -EINVAL;
	}
	pool = rte_pktmbuf_pool_create("hoplat_rx", DPDK_MBUFS, 256, 0, RTE_MBUF_DEFAULT_BUF_SIZE,
				       (int)rte_socket_id());
	if (!pool) {
		snprintf(s->err, sizeof s->err, "%s: DPDK mbuf pool: %s", s->name, rte_strerror(rte_errno));
		return -ENOMEM;
	}
	eal_ready = 1;
	return 0;
}

static int port_setup(struct cap_src *s, uint16_t port)
{
	struct rte_eth_conf conf;
	struct rte_eth_dev_info info;
	int rc;

	memset(&conf, 0, sizeof conf);
	if ((rc = rte_eth_dev_info_get(port, &info)) != 0 ||
	    (rc = rte_eth_dev_configure(port, 1, 1, &conf)) != 0) {
		snprintf(s->err, sizeof s->err, "%s: configuring port: %s", s->name, rte_strerror(-rc));
		return -EIO;
	}
	uint16_t nrx = DPDK_RXD, ntx = 512;
	rte_eth_dev_adjust_nb_rx_tx_desc(port, &nrx, &ntx);
	int sock = rte_eth_dev_socket_id(port);
	if (sock < 0)
		sock = 0;
	if ((rc = rte_eth_rx_queue_setup(port, 0, nrx, (unsigned)sock, NULL, pool)) != 0 ||
	    (rc = rte_eth_tx_queue_setup(port, 0, ntx, (unsigned)sock, NULL)) != 0) {
		snprintf(s->err, sizeof s->err, "%s: queue setup: %s", s->name, rte_strerror(-rc));
		return -EIO;
	}
	snprintf(s->desc, sizeof s->desc, "%.40s: DPDK port %u (%.40s), host timestamps per burst",
		 s->name, port, info.driver_name);
	return 0;
}

static int dpdk_open(struct cap_src *s, const struct cap_opts *o)
{
	struct dpdk_priv *dp = calloc(1, sizeof *dp);
	char *end;

	if (!dp)
		return -ENOMEM;
	s->priv = dp;
	unsigned long port = strtoul(o->name + 5, &end, 10);
	if (end == o->name + 5 || *end || port >= RTE_MAX_ETHPORTS) {
		snprintf(s->err, sizeof s->err, "%s: not dpdk:PORT (a port number)", o->name);
		return -EINVAL;
	}
	int rc = eal_init(s, o->eal_args);
	if (rc < 0)
		return rc;
	if (!rte_eth_dev_is_valid_port((uint16_t)port)) {
		snprintf(s->err, sizeof s->err, "no such interface: %s (DPDK has %u ports)", o->name,
			 rte_eth_dev_count_avail());
		return -ENODEV;
	}
	dp->port = (uint16_t)port;
	s->linktype = LT_ETHERNET;
	s->snaplen = dp->snaplen = o->snaplen ? o->snaplen : 262144;
	snprintf(s->clock, sizeof s->clock, "host");
	if (o->filter && *o->filter) {
		snprintf(s->err, sizeof s->err, "%s: filters are not supported on DPDK ports", o->name);
		return -ENOTSUP;
	}
	return port_setup(s, dp->port);
}

static int dpdk_start(struct cap_src *s)
{
	struct dpdk_priv *dp = s->priv;
	int rc = rte_eth_dev_start(dp->port);
	if (rc != 0) {
		snprintf(s->err, sizeof s->err, "%s: start: %s", s->name, rte_strerror(-rc));
		return -EIO;
	}
	rte_eth_promiscuous_enable(dp->port);
	rte_eth_stats_reset(dp->port);
	dp->started = 1;
	return 0;
}

static uint64_t wall_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_REALTIME, &t);
	return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

/* One mbuf (possibly chained): the first segment is handed on as is when it
 * holds the whole packet; a chain is copied into a bounce buffer. */
static void dpdk_one(struct dpdk_priv *dp, struct rte_mbuf *m, cap_pkt_fn fn, void *ctx)
{
	static uint8_t bounce[65536];
	uint32_t len = rte_pktmbuf_pkt_len(m);

	dp->pk.wirelen = len;
	dp->pk.caplen = len < dp->snaplen ? len : dp->snaplen;
	if (m->nb_segs == 1) {
		dp->pk.data = rte_pktmbuf_mtod(m, const uint8_t *);
		if (dp->pk.caplen > rte_pktmbuf_data_len(m))
			dp->pk.caplen = rte_pktmbuf_data_len(m);
	} else {
		if (dp->pk.caplen > sizeof bounce)
			dp->pk.caplen = sizeof bounce;
		dp->pk.data = rte_pktmbuf_read(m, 0, dp->pk.caplen, bounce);
	}
	fn(ctx, &dp->pk);
}

static int dpdk_next(struct cap_src *s, int max, cap_pkt_fn fn, void *ctx)
{
	struct dpdk_priv *dp = s->priv;
	struct rte_mbuf *b[DPDK_BURST];
	int total = 0;

	if (!dp->started)
		return 0;
	while (total < max) {
		uint16_t n = rte_eth_rx_burst(dp->port, 0, b, DPDK_BURST);
		if (!n)
			break;
		dp->pk.ts_ns = wall_ns();
		dp->pk.linktype = LT_ETHERNET;
		for (uint16_t i = 0; i < n; i++) {
			dpdk_one(dp, b[i], fn, ctx);
			rte_pktmbuf_free(b[i]);
		}
		total += n;
	}
	dp->idle = total == 0;
	return total;
}

/* Polled: at once while packets come, then every millisecond. */
static int64_t dpdk_wait(struct cap_src *s)
{
	struct dpdk_priv *dp = s->priv;
	return dp->idle ? 1000000 : 0;
}

static int dpdk_stats(struct cap_src *s, struct cap_stats *st)
{
	struct dpdk_priv *dp = s->priv;
	struct rte_eth_stats es;

	if (rte_eth_stats_get(dp->port, &es) != 0) {
		st->recv = st->drop = st->ifdrop = UINT64_MAX;
		return -EIO;
	}
	st->recv = es.ipackets;
	st->drop = es.imissed + es.rx_nombuf;
	st->ifdrop = es.ierrors;
	return 0;
}

static void dpdk_close(struct cap_src *s)
{
	struct dpdk_priv *dp = s->priv;
	if (!dp)
		return;
	if (dp->started) {
		rte_eth_dev_stop(dp->port);
		rte_eth_dev_close(dp->port);
	}
	free(dp);
	s->priv = NULL;
}

const struct cap_ops cap_dpdk_ops = {
	.kind = "dpdk",
	.open = dpdk_open,
	.start = dpdk_start,
	.next = dpdk_next,
	.wait_ns = dpdk_wait,
	.stats = dpdk_stats,
	.close = dpdk_close,
};
