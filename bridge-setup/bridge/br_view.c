#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/neighbour.h>
#include <netlink/netlink.h>
#include <netlink/route/link.h>
#include <netlink/route/link/bridge.h>
#include <netlink/route/neighbour.h>
#include "bridge-setup/bridge/br_view.h"

struct caches {
	struct nl_sock *sk;
	struct nl_cache *links;		/* AF_UNSPEC: every link */
	struct nl_cache *ports;		/* AF_BRIDGE: bridge ports with their STP state */
	struct nl_cache *neigh;		/* FDB (AF_BRIDGE) and ARP/ND (AF_INET, AF_INET6) */
};

static void caches_free(struct caches *c)
{
	if (c->links)
		nl_cache_free(c->links);
	if (c->ports)
		nl_cache_free(c->ports);
	if (c->neigh)
		nl_cache_free(c->neigh);
	if (c->sk)
		nl_socket_free(c->sk);
}

static int caches_read(struct caches *c, char *err, size_t cap)
{
	memset(c, 0, sizeof *c);
	c->sk = nl_socket_alloc();
	if (!c->sk || nl_connect(c->sk, NETLINK_ROUTE) < 0) {
		snprintf(err, cap, "netlink route socket: cannot connect");
		return -EIO;
	}
	int rc = rtnl_link_alloc_cache(c->sk, AF_UNSPEC, &c->links);
	if (rc == 0)
		rc = rtnl_link_alloc_cache(c->sk, AF_BRIDGE, &c->ports);
	if (rc == 0)
		rc = rtnl_neigh_alloc_cache_flags(c->sk, &c->neigh, NL_CACHE_AF_ITER);
	if (rc < 0) {
		snprintf(err, cap, "netlink dump: %s", nl_geterror(rc));
		return -EIO;
	}
	return 0;
}

static void copy_mac(struct nl_addr *a, char *dst, size_t cap)
{
	if (!a || nl_addr_get_len(a) != 6) {
		snprintf(dst, cap, "-");
		return;
	}
	const unsigned char *b = nl_addr_get_binary_addr(a);
	snprintf(dst, cap, "%02x:%02x:%02x:%02x:%02x:%02x", b[0], b[1], b[2], b[3], b[4], b[5]);
}

static int is_bridge(struct rtnl_link *l)
{
	const char *t = rtnl_link_get_type(l);
	return t && !strcmp(t, "bridge");
}

/* IPs whose neighbour entry carries this MAC. */
static void add_ips(struct caches *c, struct br_learned *m)
{
	for (struct nl_object *o = nl_cache_get_first(c->neigh); o; o = nl_cache_get_next(o)) {
		struct rtnl_neigh *n = (struct rtnl_neigh *)o;
		int fam = rtnl_neigh_get_family(n);
		char mac[18];
		if ((fam != AF_INET && fam != AF_INET6) || m->nips == BR_MAX_IPS)
			continue;
		if (rtnl_neigh_get_state(n) & (NUD_INCOMPLETE | NUD_FAILED))
			continue;
		copy_mac(rtnl_neigh_get_lladdr(n), mac, sizeof mac);
		if (strcmp(mac, m->mac) || !rtnl_neigh_get_dst(n))
			continue;
		char ip[46];
		nl_addr2str(rtnl_neigh_get_dst(n), ip, sizeof ip);
		char *slash = strchr(ip, '/');	/* nl_addr2str adds /prefix only when partial */
		if (slash)
			*slash = 0;
		int dup = 0;
		for (int i = 0; i < m->nips; i++)
			dup |= !strcmp(m->ips[i], ip);
		if (!dup)
			snprintf(m->ips[m->nips++], sizeof m->ips[0], "%s", ip);
	}
}

/* MACs the bridge learned behind this port: FDB entries that are not the
 * bridge's own (permanent) addresses. */
static int read_learned(struct caches *c, int br_ifindex, struct br_port *p)
{
	int cap = 0;
	for (struct nl_object *o = nl_cache_get_first(c->neigh); o; o = nl_cache_get_next(o)) {
		struct rtnl_neigh *n = (struct rtnl_neigh *)o;
		if (rtnl_neigh_get_family(n) != AF_BRIDGE || rtnl_neigh_get_ifindex(n) != p->ifindex)
			continue;
		if (rtnl_neigh_get_master(n) != br_ifindex || (rtnl_neigh_get_state(n) & NUD_PERMANENT))
			continue;
		if (p->nlearned == cap) {
			cap = cap ? cap * 2 : 8;
			void *q = realloc(p->learned, (size_t)cap * sizeof *p->learned);
			if (!q)
				return -ENOMEM;
			p->learned = q;
		}
		struct br_learned *m = &p->learned[p->nlearned];
		memset(m, 0, sizeof *m);
		copy_mac(rtnl_neigh_get_lladdr(n), m->mac, sizeof m->mac);
		int dup = 0;
		for (int i = 0; i < p->nlearned; i++)
			dup |= !strcmp(p->learned[i].mac, m->mac);
		if (dup)
			continue;	/* one entry per VLAN: show the MAC once */
		m->is_static = !!(rtnl_neigh_get_state(n) & NUD_NOARP);
		add_ips(c, m);
		p->nlearned++;
	}
	return 0;
}

static void fill_port(struct caches *c, struct rtnl_link *l, struct br_port *p)
{
	memset(p, 0, sizeof *p);
	snprintf(p->name, sizeof p->name, "%s", rtnl_link_get_name(l));
	const char *kind = rtnl_link_get_type(l);
	snprintf(p->kind, sizeof p->kind, "%s", kind ? kind : "");
	copy_mac(rtnl_link_get_addr(l), p->mac, sizeof p->mac);
	rtnl_link_operstate2str(rtnl_link_get_operstate(l), p->state, sizeof p->state);
	p->ifindex = rtnl_link_get_ifindex(l);
	p->mtu = (int)rtnl_link_get_mtu(l);
	p->carrier = rtnl_link_get_carrier(l);
	p->role = ifrole_classify(p->name, kind);
	p->domid = p->devid = -1;
	ifrole_xen_vif(p->name, &p->domid, &p->devid);
	snprintf(p->stp, sizeof p->stp, "-");
	struct rtnl_link *bp = rtnl_link_get(c->ports, p->ifindex);
	if (bp) {
		if (rtnl_link_bridge_has_ext_info(bp) || rtnl_link_bridge_get_port_state(bp) >= 0)
			rtnl_link_bridge_portstate2str(rtnl_link_bridge_get_port_state(bp), p->stp, sizeof p->stp);
		rtnl_link_put(bp);
	}
}

static int read_ports(struct caches *c, struct br_bridge *b)
{
	int n = 0;
	for (struct nl_object *o = nl_cache_get_first(c->links); o; o = nl_cache_get_next(o))
		n += rtnl_link_get_master((struct rtnl_link *)o) == b->ifindex;
	b->ports = calloc(n ? (size_t)n : 1, sizeof *b->ports);
	if (!b->ports)
		return -ENOMEM;
	for (struct nl_object *o = nl_cache_get_first(c->links); o; o = nl_cache_get_next(o)) {
		struct rtnl_link *l = (struct rtnl_link *)o;
		if (rtnl_link_get_master(l) != b->ifindex)
			continue;
		struct br_port *p = &b->ports[b->nports++];
		fill_port(c, l, p);
		if (read_learned(c, b->ifindex, p) < 0)
			return -ENOMEM;
	}
	return 0;
}

static int read_bridges(struct caches *c, struct br_view *v, const char *only)
{
	int n = nl_cache_nitems(c->links);
	v->br = calloc(n ? (size_t)n : 1, sizeof *v->br);
	if (!v->br)
		return -ENOMEM;
	for (struct nl_object *o = nl_cache_get_first(c->links); o; o = nl_cache_get_next(o)) {
		struct rtnl_link *l = (struct rtnl_link *)o;
		if (!is_bridge(l) || (only && strcmp(only, rtnl_link_get_name(l))))
			continue;
		struct br_bridge *b = &v->br[v->nbr++];
		snprintf(b->name, sizeof b->name, "%s", rtnl_link_get_name(l));
		copy_mac(rtnl_link_get_addr(l), b->mac, sizeof b->mac);
		rtnl_link_operstate2str(rtnl_link_get_operstate(l), b->state, sizeof b->state);
		b->ifindex = rtnl_link_get_ifindex(l);
		b->mtu = (int)rtnl_link_get_mtu(l);
		int rc = read_ports(c, b);
		if (rc < 0)
			return rc;
	}
	return 0;
}

int br_view_read(struct br_view *v, const char *only, char *err, size_t cap)
{
	struct caches c;
	memset(v, 0, sizeof *v);
	int rc = caches_read(&c, err, cap);
	if (rc == 0 && (rc = read_bridges(&c, v, only)) < 0)
		snprintf(err, cap, "out of memory reading the bridges");
	if (rc == 0 && only && v->nbr == 0) {
		struct rtnl_link *l = rtnl_link_get_by_name(c.links, only);
		snprintf(err, cap, "%s: %s", only, l ? "not a bridge" : "no such interface in this network namespace");
		if (l)
			rtnl_link_put(l);
		rc = -ENODEV;
	}
	caches_free(&c);
	return rc;
}

void br_view_free(struct br_view *v)
{
	for (int i = 0; i < v->nbr; i++) {
		for (int j = 0; j < v->br[i].nports; j++)
			free(v->br[i].ports[j].learned);
		free(v->br[i].ports);
	}
	free(v->br);
	memset(v, 0, sizeof *v);
}
