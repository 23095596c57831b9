/* The paper's path in three network namespaces:
 *
 *   hoplat-client            hoplat-dom0                                 hoplat-guest
 *   eth0 10.77.0.1 ==link==> peth0 --[br0 10.77.0.2]--bridge--> vif1.0 ==guest==> eth0 10.77.0.10
 *
 * Each hop with a delay (or the link with loss) goes through the userspace
 * delay line (tb_delay.h) in hoplat-dom0; a hop without one is direct. */
#ifndef HOPLAT_TB_TOPO_H
#define HOPLAT_TB_TOPO_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define TB_NS_CLIENT "hoplat-client"
#define TB_NS_DOM0 "hoplat-dom0"
#define TB_NS_GUEST "hoplat-guest"
#define TB_RUN_DIR "/run/hoplat-testbed"
#define TB_CLIENT_IP "10.77.0.1"
#define TB_BRIDGE_IP "10.77.0.2"
#define TB_GUEST_IP "10.77.0.10"
#define TB_CLIENT_MAC "02:77:00:00:00:01"
#define TB_GUEST_MAC "02:77:00:00:00:0a"

struct tb_config {
	int64_t link_ns, bridge_ns, guest_ns;	/* one way, each crossing */
	double loss_pct;			/* on each crossing of the link */
	double guest_cpu_pct, client_cpu_pct;	/* CPU quotas, % of one CPU (0: none) */
};

/* Builds everything; on failure removes what it made. 0 or -errno with err set. */
int tb_up(const struct tb_config *c, char *err, size_t cap);
/* Removes every process, namespace, nft table and file of the testbed; idempotent.
 * Returns how many objects it removed. */
int tb_down(FILE *out);
/* Prints what exists; 0 when the whole testbed is up, 1 otherwise. */
int tb_status(FILE *out);
/* The delays the running testbed was built with. 0 or -ENOENT. */
int tb_config_load(struct tb_config *c);
/* The cgroup directory holding the guest's servers (TB_CG_GUEST) or the
 * benchmark clients (TB_CG_CLIENT) when the running testbed has that quota;
 * 0 with dir set, or -ENOENT. */
int tb_cpu_group(const struct tb_config *c, const char *name, char *dir, size_t cap);
/* Sends a UDP datagram from namespace ns to ip:9 until the ICMP port
 * unreachable comes back (a round trip through the path); 0 and the round
 * trip time, or -ETIMEDOUT. */
int tb_probe(const char *ns, const char *ip, int timeout_ms, int64_t *rtt_ns);

#endif
