/* What a bridge port is, from its name and its rtnetlink kind: the rules
 * `hoplat bridge show` uses (docs/testbed.md lists them). */
#ifndef HOPLAT_IFROLE_H
#define HOPLAT_IFROLE_H

enum ifrole { IFROLE_OTHER, IFROLE_UPLINK, IFROLE_VIF, IFROLE_VETH };

/* name: the interface name; kind: IFLA_INFO_KIND ("veth", "tun", "bond";
 * NULL for a device with a real driver, as a physical NIC or Xen's netback). */
enum ifrole ifrole_classify(const char *name, const char *kind);
/* The same from the name alone (a capture file's interface): IFROLE_VIF,
 * IFROLE_UPLINK for a physical NIC's name, else IFROLE_OTHER. */
enum ifrole ifrole_by_name(const char *name);
/* Of n interface names (NULL: unnamed), the one that plays role by its
 * name, as `bridge show` tells ports apart: for the vif the only guest-port
 * name; for the uplink the only NIC name, else of two the one that is not
 * a guest port. -1: no single one. */
int ifrole_pick(const char *const *names, unsigned n, enum ifrole want);
const char *ifrole_name(enum ifrole r);	/* "uplink", "vif", "veth", "other" */
/* Xen netback names its devices vifD.N (and vifD.N-emu for the emulated
 * twin): D is the domain id, N the guest's device number. 0 or -EINVAL. */
int ifrole_xen_vif(const char *name, int *domid, int *devid);

#endif
