/* What a scenario does to the path while the benchmark runs: the guest
 * stops answering altogether, its servers stop while its kernel answers, or
 * Dom0's bridge stops forwarding to the vif. */
#ifndef HOPLAT_TB_EVENT_H
#define HOPLAT_TB_EVENT_H

#include <sys/types.h>
#include "bridge-setup/testbed/tb_topo.h"

enum tb_ev {
	TB_EV_NONE,
	TB_EV_GUEST_DROP,	/* nftables netdev ingress and egress on the guest's eth0, policy drop: silent, ARP included */
	TB_EV_APP_STOP,		/* SIGSTOP to the server processes; the guest's kernel still answers */
	TB_EV_BRIDGE_DROP,	/* Dom0 drops every frame it would send out of vif1.0 */
};

struct tb_ev_target {
	const struct tb_config *cfg;	/* the bridge delay decides where the bridge drop goes */
	const pid_t *servers;		/* the guest's server processes */
	int nservers;
};

/* Starts (on = 1) or ends (on = 0) the event; 0 or -errno. Ending one that
 * is not on is harmless (the teardown after an interrupted run). */
int tb_ev_set(enum tb_ev ev, int on, const struct tb_ev_target *t);
/* One phrase saying how it is done (scenario.json's event.how). */
const char *tb_ev_how(enum tb_ev ev, const struct tb_config *cfg);
const char *tb_ev_kind(enum tb_ev ev);	/* "guest_drop", "app_stop", "bridge_drop" */

#endif
