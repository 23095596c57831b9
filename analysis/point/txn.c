#include <stdio.h>
#include "analysis/point/txn.h"

void txn_clear_attribution(struct txn *t)
{
	t->client_ns = t->link_ns = t->bridge_ns = t->guest_ns = t->network_ns = TXN_NS_NONE;
	t->link_in_ns = t->link_out_ns = TXN_NS_NONE;
	t->lost_at = LOST_NONE;
	t->server_ns = t->client_link_ns = TXN_NS_NONE;
}

char *endpoint_str(const struct endpoint *e, char *dst, unsigned cap)
{
	char ip[64];
	ipaddr_str(&e->ip, ip, sizeof ip);
	if (e->ip.family == 6)
		snprintf(dst, cap, "[%s]:%u", ip, e->port);
	else
		snprintf(dst, cap, "%s:%u", ip, e->port);
	return dst;
}
