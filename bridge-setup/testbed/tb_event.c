#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include "bridge-setup/testbed/tb_event.h"
#include "bridge-setup/testbed/tb_ns.h"
#include "bridge-setup/testbed/tb_srv.h"

#define EV_NFT TB_RUN_DIR "/event.nft"
#define EV_LOG TB_RUN_DIR "/nft-event.log"

/* Both ways: dropping only what arrives would still let the guest's kernel
 * retransmit what it had sent before, and ask for its neighbours. */
static const char guest_drop[] =
	"table netdev hoplat_hang {\n"
	"  chain ingress {\n"
	"    type filter hook ingress device \"eth0\" priority 0; policy drop;\n"
	"  }\n"
	"  chain egress {\n"
	"    type filter hook egress device \"eth0\" priority 0; policy drop;\n"
	"  }\n"
	"}\n";

/* Without a bridge delay br0 forwards peth0 -> vif1.0 itself: the bridge
 * family's forward hook sees (and drops) each frame, unicast or flooded. */
static const char bridge_forward_drop[] =
	"table bridge hoplat_drop {\n"
	"  chain forward {\n"
	"    type filter hook forward priority -10; policy accept;\n"
	"    oifname \"vif1.0\" drop\n"
	"  }\n"
	"}\n";

/* With a bridge delay the delay line, not br0's forwarding, sends frames out
 * of vif1.0 (through an AF_PACKET socket), so the forward hook never sees
 * them: drop at vif1.0's egress hook instead, which runs before the packet
 * taps, so a capture on vif1.0 does not see them either. */
static const char bridge_egress_drop[] =
	"table netdev hoplat_drop {\n"
	"  chain egress {\n"
	"    type filter hook egress device \"vif1.0\" priority 0; policy drop;\n"
	"  }\n"
	"}\n";

static int nft(const char *ns, const char *rules)
{
	int rc = tb_write_file(EV_NFT, rules);
	if (rc < 0)
		return rc;
	char *argv[] = { "nft", "-f", EV_NFT, NULL };
	return tb_run_tool(ns, argv, EV_LOG, 5000) == 0 ? 0 : -EIO;
}

static int bridge_drop(int on, const struct tb_config *c)
{
	if (!on)
		return nft(TB_NS_DOM0, c->bridge_ns > 0 ? "delete table netdev hoplat_drop\n"
							: "delete table bridge hoplat_drop\n");
	return nft(TB_NS_DOM0, c->bridge_ns > 0 ? bridge_egress_drop : bridge_forward_drop);
}

static int app_stop(int on, const struct tb_ev_target *t)
{
	int rc = 0;
	for (int i = 0; i < t->nservers; i++)
		if (t->servers[i] > 0 && kill(t->servers[i], on ? SIGSTOP : SIGCONT) < 0)
			rc = -errno;
	return rc;
}

int tb_ev_set(enum tb_ev ev, int on, const struct tb_ev_target *t)
{
	switch (ev) {
	case TB_EV_GUEST_DROP:
		return nft(TB_NS_GUEST, on ? guest_drop : "delete table netdev hoplat_hang\n");
	case TB_EV_APP_STOP:
		return app_stop(on, t);
	case TB_EV_BRIDGE_DROP:
		return bridge_drop(on, t->cfg);
	case TB_EV_NONE:
		break;
	}
	return 0;
}

const char *tb_ev_kind(enum tb_ev ev)
{
	static const char *const k[] = { "none", "guest_drop", "app_stop", "bridge_drop" };
	return k[ev];
}

const char *tb_ev_how(enum tb_ev ev, const struct tb_config *cfg)
{
	switch (ev) {
	case TB_EV_GUEST_DROP:
		return "nftables netdev ingress and egress chains on the guest's eth0, policy drop (ARP, ICMP, TCP, UDP)";
	case TB_EV_APP_STOP:
		return "SIGSTOP to the guest's server processes, SIGCONT at the end; the guest's kernel keeps "
		       "answering ARP, ping and SYNs";
	case TB_EV_BRIDGE_DROP:
		return cfg->bridge_ns > 0 ? "nftables netdev egress chain on vif1.0 in hoplat-dom0, policy drop (the "
					    "delay line carries the bridge hop)"
					  : "nftables bridge forward chain in hoplat-dom0: oifname vif1.0 drop";
	case TB_EV_NONE:
		break;
	}
	return "";
}
