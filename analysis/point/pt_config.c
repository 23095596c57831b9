/* What every part of a point is configured with: service ports, timeouts,
 * table bounds. */
#include <string.h>
#include "analysis/point/pt_config.h"

void pt_config_default(struct pt_config *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	cfg->dns_ports[0] = 53;
	cfg->n_dns_ports = 1;
	cfg->http_ports[0] = 80;
	cfg->n_http_ports = 1;
	cfg->dns_timeout_ns = 10000000000LL;	/* 10 s: past dnsperf's 5 s timeout */
	cfg->tcp_idle_ns = 300000000000LL;	/* 5 min */
	cfg->max_flows = 262144;
}

static int port_in(const uint16_t *ports, unsigned n, uint16_t port)
{
	for (unsigned i = 0; i < n && i < PT_MAX_PORTS; i++)
		if (ports[i] == port)
			return 1;
	return 0;
}

int pt_is_dns_port(const struct pt_config *cfg, uint16_t port)
{
	return port_in(cfg->dns_ports, cfg->n_dns_ports, port);
}

int pt_is_http_port(const struct pt_config *cfg, uint16_t port)
{
	return port_in(cfg->http_ports, cfg->n_http_ports, port);
}
