/* What every part of a point is configured with: service ports, timeouts,
 * table bounds. */
#include <string.h>
#include <netinet/in.h>
#include "analysis/point/pt_config.h"

void pt_config_default(struct pt_config *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	cfg->dns_ports[0] = PT_DNS_PORT;
	cfg->n_dns_ports = 1;
	cfg->http_ports[0] = PT_HTTP_PORT;
	cfg->n_http_ports = 1;
	cfg->dns_timeout_ns = 10000000000LL;	/* 10 s: past dnsperf's 5 s timeout */
	cfg->tcp_idle_ns = 300000000000LL;	/* 5 min */
	cfg->max_flows = 262144;
}

void pt_port_kinds(const struct pt_config *cfg, uint8_t kind[PT_PORTS])
{
	struct pt_config def;
	if (!cfg) {
		pt_config_default(&def);
		cfg = &def;
	}
	memset(kind, 0, PT_PORTS);
	for (unsigned i = 0; i < cfg->n_dns_ports && i < PT_MAX_PORTS; i++)
		kind[cfg->dns_ports[i]] |= PT_PORT_DNS;
	for (unsigned i = 0; i < cfg->n_http_ports && i < PT_MAX_PORTS; i++)
		kind[cfg->http_ports[i]] |= PT_PORT_HTTP;
}

/* The server's side by port: +1 the destination, -1 the source, 0 neither. */
static int service_side(const struct pt_config *cfg, const struct dec_pkt *d)
{
	static const struct pt_config defaults = { .dns_ports = { PT_DNS_PORT }, .n_dns_ports = 1,
						   .http_ports = { PT_HTTP_PORT }, .n_http_ports = 1 };
	const struct pt_config *c = cfg ? cfg : &defaults;
	int tcp = d->proto == IPPROTO_TCP;
	if (pt_is_dns_port(c, d->dport) || (tcp && pt_is_http_port(c, d->dport)))
		return 1;
	if (pt_is_dns_port(c, d->sport) || (tcp && pt_is_http_port(c, d->sport)))
		return -1;
	return 0;
}

/* Service traffic over TCP or UDP: the side on the service port is the
 * server, unless the handshake says otherwise (a client may send from a
 * port that is another service's). */
static enum pt_dir transport_dir(const struct pt_config *cfg, const struct dec_pkt *d)
{
	int side = service_side(cfg, d);
	if (!side)
		return PT_DIR_UNKNOWN;
	if (d->proto == IPPROTO_TCP && (d->tcp.flags & TCP_SYN))
		return d->tcp.flags & TCP_ACK ? PT_DIR_TO_CLIENT : PT_DIR_TO_SERVER;
	return side > 0 ? PT_DIR_TO_SERVER : PT_DIR_TO_CLIENT;
}

enum pt_dir pt_dir(const struct pt_config *cfg, const struct ipaddr *guest,
		   const struct dec_pkt *d)
{
	if (guest && guest->family) {
		if (ipaddr_eq(&d->dst, guest))
			return PT_DIR_TO_SERVER;
		if (ipaddr_eq(&d->src, guest))
			return PT_DIR_TO_CLIENT;
	}
	if (d->is_frag)		/* no transport header decoded: its fields are zero */
		return PT_DIR_UNKNOWN;
	if (d->proto == IPPROTO_TCP || d->proto == IPPROTO_UDP)
		return transport_dir(cfg, d);
	if (d->proto == IPPROTO_ICMP || d->proto == IPPROTO_ICMPV6) {
		if (d->icmp_type == 8 || d->icmp_type == 128)
			return PT_DIR_TO_SERVER;
		if (d->icmp_type == 0 || d->icmp_type == 129)
			return PT_DIR_TO_CLIENT;
	}
	return PT_DIR_UNKNOWN;
}
