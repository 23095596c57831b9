/* The Linux bridges of this network namespace, read through libnl-route-3:
 * bridges, their ports (role, ifindex, MAC, MTU, state, carrier, STP state),
 * the MACs learned behind each port (the bridge FDB) and those MACs' IP
 * addresses from the neighbour (ARP/ND) table. */
#ifndef HOPLAT_BR_VIEW_H
#define HOPLAT_BR_VIEW_H

#include <net/if.h>
#include <stddef.h>
#include "decode/ifrole.h"

#define BR_MAX_IPS 4

struct br_learned {
	char mac[18];
	char ips[BR_MAX_IPS][46];
	int nips;
	int is_static;	/* added by hand (NUD_NOARP), not learned */
};

struct br_port {
	char name[IF_NAMESIZE];
	char kind[16];		/* rtnl kind, "" for a device with a real driver */
	char mac[18];
	char state[16];		/* operstate */
	char stp[16];		/* STP port state */
	int ifindex, mtu, carrier;
	enum ifrole role;
	int domid, devid;	/* Xen vifD.N, else -1 */
	struct br_learned *learned;
	int nlearned;
};

struct br_bridge {
	char name[IF_NAMESIZE];
	char mac[18];
	char state[16];
	int ifindex, mtu;
	struct br_port *ports;
	int nports;
};

struct br_view {
	struct br_bridge *br;
	int nbr;
};

/* Reads every bridge, or only the one named `only`. 0, or -errno with err set
 * (-ENODEV when `only` is not a bridge here). */
int br_view_read(struct br_view *v, const char *only, char *err, size_t cap);
void br_view_free(struct br_view *v);

#endif
