/* hoplat bridge show [BRIDGE] [--json]: which interfaces carry a guest's traffic. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include "cmd/cmd.h"
#include "common/text.h"
#include "analysis/report/rpt.h"
#include "bridge-setup/bridge/br_view.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: hoplat bridge show [BRIDGE] [--json]\n"
		   "Lists every Linux bridge of this network namespace (or BRIDGE), its ports with\n"
		   "their role (uplink, vif, veth, other), the MACs learned behind each port and\n"
		   "their IPs, and the hoplat capture / live command line for each guest found.\n"
		   "Run it where the bridge is, e.g. ip netns exec hoplat-dom0 hoplat bridge show br0.\n");
}

/* Interface names come from the kernel, where any byte but '/', ':' and
 * spaces may be in one (escape sequences too): escaped for the terminal. */
#define SAFE_NAME TEXT_SAFE_CAP(IF_NAMESIZE)

static const struct br_port *uplink_of(const struct br_bridge *b)
{
	for (int i = 0; i < b->nports; i++)
		if (b->ports[i].role == IFROLE_UPLINK)
			return &b->ports[i];
	return NULL;
}

/* The command lines for the guest behind vif port p; into buf. */
static void guest_commands(const struct br_bridge *b, const struct br_port *p, char *cap_cmd,
			   char *live_cmd, size_t cap)
{
	const struct br_port *u = uplink_of(b);
	char pn[SAFE_NAME], un[SAFE_NAME];
	text_safe(p->name, pn, sizeof pn);
	if (u) {
		text_safe(u->name, un, sizeof un);
		snprintf(cap_cmd, cap, "hoplat capture -i %s -i %s -w dom0.pcapng", un, pn);
		snprintf(live_cmd, cap, "hoplat live --uplink %s --vif %s", un, pn);
	} else {
		snprintf(cap_cmd, cap, "hoplat capture -i %s -w dom0.pcapng", pn);
		snprintf(live_cmd, cap, "hoplat live --vif %s", pn);
	}
}

static void text_learned(const struct br_port *p)
{
	if (!p->nlearned) {
		printf("      learned: none\n");
		return;
	}
	for (int i = 0; i < p->nlearned; i++) {
		const struct br_learned *m = &p->learned[i];
		printf("      learned: %s%s", m->mac, m->is_static ? " (static)" : "");
		for (int k = 0; k < m->nips; k++)
			printf("%s%s", k ? ", " : "  ip ", m->ips[k]);
		if (!m->nips)
			printf("  ip unknown (no neighbour entry: this host has not talked to it)");
		printf("\n");
	}
}

static void text_port(const struct br_port *p)
{
	char dom[32] = "", name[SAFE_NAME], kind[TEXT_SAFE_CAP(sizeof p->kind)];
	if (p->domid >= 0)
		snprintf(dom, sizeof dom, "  domain %d dev %d", p->domid, p->devid);
	printf("  %-10s %-6s ifindex %-4d mac %s  mtu %d  state %s  carrier %d  stp %s%s%s%s\n",
	       text_safe(p->name, name, sizeof name), ifrole_name(p->role), p->ifindex, p->mac, p->mtu,
	       p->state, p->carrier, p->stp, *p->kind ? "  kind " : "",
	       text_safe(p->kind, kind, sizeof kind), dom);
	text_learned(p);
}

/* A bridge without a guest port: say why, and what would do, naming the
 * veth ports (containers, namespaces, a testbed renamed) that were not
 * taken for one. */
static void text_no_guest(const struct br_bridge *b)
{
	const char *veth = NULL, *up = NULL;
	char bn[SAFE_NAME], vn[SAFE_NAME], un[SAFE_NAME];
	int nveth = 0;
	for (int i = 0; i < b->nports; i++) {
		if (b->ports[i].role == IFROLE_VIF)
			return;
		if (b->ports[i].role == IFROLE_VETH)
			nveth++, veth = veth ? veth : b->ports[i].name;
		if (b->ports[i].role == IFROLE_UPLINK && !up)
			up = b->ports[i].name;
	}
	printf("no guest found on %s: a guest port is named vifD.N (Xen), tapN or vnetN (KVM), or is a TUN/TAP "
	       "device", text_safe(b->name, bn, sizeof bn));
	if (!nveth) {
		printf("; none of its ports is\n");
		return;
	}
	text_safe(veth, vn, sizeof vn);
	text_safe(up ? up : "UPLINK", un, sizeof un);
	printf("; its %d veth port%s (%s%s) %s not taken for one (a veth is a container's or a namespace's).\n"
	       "  if %s leads to the guest: hoplat capture -i %s -i %s -w dom0.pcapng; hoplat live --uplink %s "
	       "--vif %s\n", nveth, nveth > 1 ? "s" : "", vn, nveth > 1 ? ", ..." : "", nveth > 1 ? "are" : "is",
	       vn, un, vn, un, vn);
}

static void text_guests(const struct br_bridge *b)
{
	char c1[256], c2[256], name[SAFE_NAME];
	text_no_guest(b);
	for (int i = 0; i < b->nports; i++) {
		const struct br_port *p = &b->ports[i];
		if (p->role != IFROLE_VIF)
			continue;
		printf("guest on %s", text_safe(p->name, name, sizeof name));
		if (p->domid >= 0)
			printf(" (Xen domain %d)", p->domid);
		for (int k = 0; k < p->nlearned; k++)
			for (int j = 0; j < p->learned[k].nips; j++)
				printf(" %s", p->learned[k].ips[j]);
		guest_commands(b, p, c1, c2, sizeof c1);
		printf(":\n  %s\n  %s\n", c1, c2);
	}
}

static void text_view(const struct br_view *v)
{
	if (!v->nbr)
		printf("no Linux bridge in this network namespace\n");
	for (int i = 0; i < v->nbr; i++) {
		const struct br_bridge *b = &v->br[i];
		char name[SAFE_NAME];
		printf("bridge %s  ifindex %d  mac %s  mtu %d  state %s  %d port(s)\n",
		       text_safe(b->name, name, sizeof name), b->ifindex, b->mac, b->mtu, b->state, b->nports);
		for (int j = 0; j < b->nports; j++)
			text_port(&b->ports[j]);
		text_guests(b);
	}
}

static void json_learned(const struct br_port *p)
{
	printf("[");
	for (int i = 0; i < p->nlearned; i++) {
		const struct br_learned *m = &p->learned[i];
		printf("%s{\"mac\":", i ? "," : "");
		rpt_json_str(stdout, m->mac);
		printf(",\"static\":%s,\"ips\":[", m->is_static ? "true" : "false");
		for (int k = 0; k < m->nips; k++) {
			printf("%s", k ? "," : "");
			rpt_json_str(stdout, m->ips[k]);
		}
		printf("]}");
	}
	printf("]");
}

static void json_port(const struct br_bridge *b, const struct br_port *p)
{
	printf("{\"name\":");
	rpt_json_str(stdout, p->name);
	printf(",\"bridge\":");
	rpt_json_str(stdout, b->name);
	printf(",\"role\":\"%s\",\"kind\":", ifrole_name(p->role));
	rpt_json_str(stdout, p->kind);
	printf(",\"ifindex\":%d,\"mac\":\"%s\",\"mtu\":%d,\"state\":\"%s\",\"carrier\":%d,\"stp_state\":\"%s\"",
	       p->ifindex, p->mac, p->mtu, p->state, p->carrier, p->stp);
	if (p->domid >= 0)
		printf(",\"domid\":%d,\"devid\":%d", p->domid, p->devid);
	else
		printf(",\"domid\":null");
	printf(",\"learned\":");
	json_learned(p);
	printf("}");
}

static void json_guests(const struct br_view *v)
{
	char c1[160], c2[160];
	int first = 1;
	printf("\"guests\":[");
	for (int i = 0; i < v->nbr; i++)
		for (int j = 0; j < v->br[i].nports; j++) {
			const struct br_port *p = &v->br[i].ports[j];
			if (p->role != IFROLE_VIF)
				continue;
			const struct br_port *u = uplink_of(&v->br[i]);
			guest_commands(&v->br[i], p, c1, c2, sizeof c1);
			printf("%s{\"bridge\":\"%s\",\"vif\":\"%s\",\"uplink\":", first ? "" : ",", v->br[i].name, p->name);
			if (u)
				rpt_json_str(stdout, u->name);
			else
				printf("null");
			printf(",\"capture\":");
			rpt_json_str(stdout, c1);
			printf(",\"live\":");
			rpt_json_str(stdout, c2);
			printf("}");
			first = 0;
		}
	printf("]");
}

static void json_view(const struct br_view *v)
{
	printf("{\"bridges\":[");
	for (int i = 0; i < v->nbr; i++) {
		const struct br_bridge *b = &v->br[i];
		printf("%s{\"name\":", i ? "," : "");
		rpt_json_str(stdout, b->name);
		printf(",\"ifindex\":%d,\"mac\":\"%s\",\"mtu\":%d,\"state\":\"%s\",\"ports\":[", b->ifindex, b->mac,
		       b->mtu, b->state);
		for (int j = 0; j < b->nports; j++) {
			printf("%s", j ? "," : "");
			rpt_json_str(stdout, b->ports[j].name);
		}
		printf("]}");
	}
	printf("],\"ports\":[");
	int first = 1;
	for (int i = 0; i < v->nbr; i++)
		for (int j = 0; j < v->br[i].nports; j++) {
			printf("%s", first ? "" : ",");
			json_port(&v->br[i], &v->br[i].ports[j]);
			first = 0;
		}
	printf("],");
	json_guests(v);
	printf("}\n");
}

int cmd_bridge(int argc, char **argv)
{
	static const struct option opts[] = { { "json", no_argument, 0, 'j' }, { "help", no_argument, 0, 'h' },
					      { 0, 0, 0, 0 } };
	if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if (strcmp(argv[1], "show")) {
		fprintf(stderr, "hoplat bridge: unknown action '%s' (only show)\n", argv[1]);
		return 2;
	}
	int json = 0, o;
	argc--, argv++;
	optind = 1;
	while ((o = getopt_long(argc, argv, "jh", opts, NULL)) != -1) {
		if (o == 'j')
			json = 1;
		else if (o == 'h') {
			usage(stdout);
			return 0;
		} else {
			usage(stderr);
			return 2;
		}
	}
	if (argc - optind > 1) {
		fprintf(stderr, "hoplat bridge show: one bridge at most, got '%s' and '%s'\n", argv[optind],
			argv[optind + 1]);
		return 2;
	}
	struct br_view v;
	char err[256] = "";
	int rc = br_view_read(&v, optind < argc ? argv[optind] : NULL, err, sizeof err);
	if (rc < 0) {
		fprintf(stderr, "hoplat bridge show: %s\n", err);
		return 1;
	}
	if (json)
		json_view(&v);
	else
		text_view(&v);
	br_view_free(&v);
	return 0;
}
