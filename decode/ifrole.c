#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "decode/ifrole.h"

static int number(const char **p, int *out)
{
	const char *s = *p;
	long v = 0;
	if (!isdigit((unsigned char)*s))
		return -EINVAL;
	while (isdigit((unsigned char)*s)) {
		v = v * 10 + (*s++ - '0');
		if (v > 1000000)
			return -EINVAL;
	}
	*out = (int)v;
	*p = s;
	return 0;
}

int ifrole_xen_vif(const char *name, int *domid, int *devid)
{
	const char *p = name;
	int d, n;
	if (!name || strncmp(p, "vif", 3))
		return -EINVAL;
	p += 3;
	if (number(&p, &d) < 0 || *p++ != '.' || number(&p, &n) < 0)
		return -EINVAL;
	if (*p && strcmp(p, "-emu"))
		return -EINVAL;
	*domid = d;
	*devid = n;
	return 0;
}

static int prefix_digits(const char *name, const char *prefix)
{
	size_t n = strlen(prefix);
	return !strncmp(name, prefix, n) && isdigit((unsigned char)name[n]);
}

static int prefix_any(const char *name, const char *prefix)
{
	size_t n = strlen(prefix);
	return !strncmp(name, prefix, n) && name[n];
}

/* Guest ports: Xen vifD.N, KVM/libvirt tapN, vnetN, and any TUN/TAP device. */
static int guest_port(const char *name, const char *kind)
{
	int d, n;
	if (ifrole_xen_vif(name, &d, &n) == 0)
		return 1;
	if (prefix_digits(name, "tap") || prefix_digits(name, "vnet"))
		return 1;
	return kind && !strcmp(kind, "tun");
}

/* The names physical NICs get (Xen's renamed pethN, ethN, and systemd's
 * predictable enoN/ensN/enpX/enxM), bonds and teams. */
static int uplink_name(const char *name)
{
	return prefix_digits(name, "peth") || prefix_digits(name, "eth") || prefix_digits(name, "eno") ||
	       prefix_digits(name, "ens") || prefix_any(name, "enp") || prefix_any(name, "enx") ||
	       prefix_digits(name, "bond") || prefix_digits(name, "team");
}

/* Uplinks: an uplink's name, or a device with a real driver; the name wins
 * over the kind, so the testbed's veth called peth0 is the uplink. */
static int uplink_port(const char *name, const char *kind)
{
	if (uplink_name(name))
		return 1;
	if (!kind)	/* a device with a real driver and no rtnl kind: hardware */
		return 1;
	return !strcmp(kind, "bond") || !strcmp(kind, "team") || !strcmp(kind, "vlan");
}

enum ifrole ifrole_classify(const char *name, const char *kind)
{
	if (!name || !*name)
		return IFROLE_OTHER;
	if (kind && !*kind)
		kind = NULL;
	if (guest_port(name, kind))
		return IFROLE_VIF;
	if (uplink_port(name, kind))
		return IFROLE_UPLINK;
	if (kind && !strcmp(kind, "veth"))
		return IFROLE_VETH;
	return IFROLE_OTHER;
}

enum ifrole ifrole_by_name(const char *name)
{
	if (!name || !*name)
		return IFROLE_OTHER;
	if (guest_port(name, NULL))
		return IFROLE_VIF;
	return uplink_name(name) ? IFROLE_UPLINK : IFROLE_OTHER;
}

int ifrole_pick(const char *const *names, unsigned n, enum ifrole want)
{
	int pick = -1, other = -1, hits = 0, vifs = 0;
	for (unsigned k = 0; k < n; k++) {
		enum ifrole r = ifrole_by_name(names[k]);
		if (r == want)
			hits++, pick = (int)k;
		if (r == IFROLE_VIF)
			vifs++;
		else
			other = (int)k;
	}
	if (hits == 1)
		return pick;
	return want == IFROLE_UPLINK && hits == 0 && n == 2 && vifs == 1 && names[other] ? other : -1;
}

const char *ifrole_name(enum ifrole r)
{
	switch (r) {
	case IFROLE_UPLINK: return "uplink";
	case IFROLE_VIF: return "vif";
	case IFROLE_VETH: return "veth";
	default: return "other";
	}
}
