/* What a bridge port is, from its name and its rtnetlink kind: the rules
 * `hoplat bridge show` uses (docs/testbed.md lists them). */
#ifndef HOPLAT_BR_ROLE_H
#define HOPLAT_BR_ROLE_H

enum br_role { BR_ROLE_OTHER, BR_ROLE_UPLINK, BR_ROLE_VIF, BR_ROLE_VETH };

/* name: the interface name; kind: IFLA_INFO_KIND ("veth", "tun", "bond";
 * NULL for a device with a real driver, as a physical NIC or Xen's netback). */
enum br_role br_classify(const char *name, const char *kind);
/* The same from the name alone (a capture file's interface): BR_ROLE_VIF,
 * BR_ROLE_UPLINK for a physical NIC's name, else BR_ROLE_OTHER. */
enum br_role br_classify_name(const char *name);
const char *br_role_name(enum br_role r);	/* "uplink", "vif", "veth", "other" */
/* Xen netback names its devices vifD.N (and vifD.N-emu for the emulated
 * twin): D is the domain id, N the guest's device number. 0 or -EINVAL. */
int br_xen_vif(const char *name, int *domid, int *devid);

#endif
