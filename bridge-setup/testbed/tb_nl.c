#include <errno.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/link/bridge.h>
#include <netlink/route/link/veth.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include "bridge-setup/testbed/tb_nl.h"

/* libnl error codes are positive NLE_*; hoplat speaks -errno. */
static int nl_rc(int err)
{
	if (err >= 0)
		return 0;
	switch (-err) {
	case NLE_EXIST: return -EEXIST;
	case NLE_OBJ_NOTFOUND: case NLE_NODEV: return -ENODEV;
	case NLE_PERM: return -EPERM;
	case NLE_NOMEM: return -ENOMEM;
	case NLE_BUSY: return -EBUSY;
	case NLE_OPNOTSUPP: return -EOPNOTSUPP;
	default: return -EINVAL;
	}
}

struct nl_sock *tb_nl_open(void)
{
	struct nl_sock *sk = nl_socket_alloc();
	if (sk && nl_connect(sk, NETLINK_ROUTE) < 0) {
		nl_socket_free(sk);
		return NULL;
	}
	return sk;
}

void tb_nl_close(struct nl_sock *sk)
{
	if (sk)
		nl_socket_free(sk);
}

static int set_mac(struct rtnl_link *l, const char *mac)
{
	struct nl_addr *a;
	if (!mac)
		return 0;
	if (nl_addr_parse(mac, AF_LLC, &a) < 0)
		return -EINVAL;
	rtnl_link_set_addr(l, a);
	nl_addr_put(a);
	return 0;
}

int tb_nl_veth(struct nl_sock *sk, const char *a, const char *mac_a, const char *b,
	       const char *mac_b, int peer_ns_fd)
{
	struct rtnl_link *l = rtnl_link_veth_alloc();
	if (!l)
		return -ENOMEM;
	struct rtnl_link *peer = rtnl_link_veth_get_peer(l);
	rtnl_link_set_name(l, a);
	rtnl_link_set_name(peer, b);
	int rc = set_mac(l, mac_a);
	if (rc == 0)
		rc = set_mac(peer, mac_b);
	if (peer_ns_fd >= 0)
		rtnl_link_set_ns_fd(peer, peer_ns_fd);
	if (rc == 0)
		rc = nl_rc(rtnl_link_add(sk, l, NLM_F_CREATE | NLM_F_EXCL));
	rtnl_link_put(peer);
	rtnl_link_put(l);
	return rc;
}

int tb_nl_bridge(struct nl_sock *sk, const char *name)
{
	return nl_rc(rtnl_link_bridge_add(sk, name));
}

int tb_nl_enslave(struct nl_sock *sk, const char *master, const char *port)
{
	int m = (int)if_nametoindex(master), p = (int)if_nametoindex(port);
	if (!m || !p)
		return -ENODEV;
	return nl_rc(rtnl_link_enslave_ifindex(sk, m, p));
}

int tb_nl_up(struct nl_sock *sk, const char *name)
{
	struct rtnl_link *orig, *chg;
	int rc = nl_rc(rtnl_link_get_kernel(sk, 0, name, &orig));
	if (rc < 0)
		return rc;
	chg = rtnl_link_alloc();
	if (!chg) {
		rtnl_link_put(orig);
		return -ENOMEM;
	}
	rtnl_link_set_flags(chg, IFF_UP);
	rc = nl_rc(rtnl_link_change(sk, orig, chg, 0));
	rtnl_link_put(chg);
	rtnl_link_put(orig);
	return rc;
}

int tb_nl_addr(struct nl_sock *sk, const char *name, const char *cidr)
{
	int ifindex = (int)if_nametoindex(name);
	struct nl_addr *local;
	if (!ifindex)
		return -ENODEV;
	if (nl_addr_parse(cidr, AF_INET, &local) < 0)
		return -EINVAL;
	struct rtnl_addr *a = rtnl_addr_alloc();
	rtnl_addr_set_ifindex(a, ifindex);
	int rc = nl_rc(rtnl_addr_set_local(a, local));
	if (rc == 0)
		rc = nl_rc(rtnl_addr_add(sk, a, 0));
	rtnl_addr_put(a);
	nl_addr_put(local);
	return rc;
}

static int ethtool_set(int fd, const char *name, uint32_t cmd, uint32_t val)
{
	struct ethtool_value ev = { .cmd = cmd, .data = val };
	struct ifreq ifr;
	memset(&ifr, 0, sizeof ifr);
	snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", name);
	ifr.ifr_data = (void *)&ev;
	return ioctl(fd, SIOCETHTOOL, &ifr) < 0 ? -errno : 0;
}

int tb_nl_offloads_off(const char *name)
{
	static const uint32_t cmds[] = { ETHTOOL_STSO, ETHTOOL_SGSO, ETHTOOL_SGRO,
					 ETHTOOL_SSG, ETHTOOL_STXCSUM };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	int rc = 0;
	for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
		int r = ethtool_set(fd, name, cmds[i], 0);
		/* The checksum one is what matters; the others may not apply. */
		if (r < 0 && cmds[i] == ETHTOOL_STXCSUM)
			rc = r;
	}
	close(fd);
	return rc;
}
