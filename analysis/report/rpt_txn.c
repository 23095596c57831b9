/* One transaction as a row of typed fields: the columns JSON Lines and the
 * CSV transactions table share, in one order, so the two never drift apart
 * (docs/schema/transaction.schema.json describes them). */
#include <stdio.h>
#include <string.h>
#include "analysis/report/rpt.h"
#include "decode/dns.h"

const struct rpt_field rpt_txn_fields[RPT_TXN_NFIELDS] = {
#define X(id, key, type) { key, type },
	RPT_TXN_FIELDS(X)
#undef X
};

static void put_str(struct rpt_val *v, const char *s)
{
	*v = (struct rpt_val){ .null = s == NULL, .s = s };
}

static void put_int(struct rpt_val *v, int64_t i)
{
	*v = (struct rpt_val){ .i = i };
}

/* A duration: null when it could not be measured. */
static void put_us(struct rpt_val *v, int64_t ns)
{
	*v = (struct rpt_val){ .null = ns == TXN_NS_NONE, .i = ns };
}

static void put_endpoint(struct rpt_val *ip, struct rpt_val *port, const struct endpoint *e, char *buf,
			 unsigned cap)
{
	put_str(ip, ipaddr_str(&e->ip, buf, cap));
	put_int(port, e->port);
}

/* Status apart by protocol: a DNS rcode is a name, an HTTP status a number. */
static void put_status(struct rpt_val v[], const struct txn *t, char *buf, unsigned cap)
{
	int answered = t->answered && t->status >= 0;
	put_str(&v[RF_DNS_RCODE], answered && t->proto == TXN_DNS ?
		dec_dns_rcode_name((unsigned)t->status, buf, cap) : NULL);
	put_int(&v[RF_HTTP_STATUS], t->status);
	v[RF_HTTP_STATUS].null = !answered || t->proto != TXN_HTTP;
}

static void put_times(struct rpt_val v[], const struct txn *t)
{
	put_int(&v[RF_START_NS], (int64_t)t->start_ns);
	put_us(&v[RF_TOTAL_US], t->total_ns);
	put_us(&v[RF_RESPONSE_US], t->proto == TXN_HTTP ? t->response_ns : TXN_NS_NONE);
	put_us(&v[RF_CLIENT_US], t->client_ns);
	put_us(&v[RF_LINK_US], t->link_ns);
	put_us(&v[RF_BRIDGE_US], t->bridge_ns);
	put_us(&v[RF_GUEST_US], t->guest_ns);
	put_us(&v[RF_NETWORK_US], t->network_ns);
	put_us(&v[RF_SERVER_US], t->merged & TXN_M_SERVER ? t->server_ns : TXN_NS_NONE);
	put_us(&v[RF_CLIENT_LINK_US], t->merged & TXN_M_CLIENT_LINK ? t->client_link_ns : TXN_NS_NONE);
	put_us(&v[RF_LINK_IN_US], t->link_in_ns);
	put_us(&v[RF_LINK_OUT_US], t->link_out_ns);
}

void rpt_txn_values(const struct txn *t, struct rpt_val v[RPT_TXN_NFIELDS], struct rpt_txn_buf *b)
{
	put_str(&v[RF_PROTO], t->proto == TXN_HTTP ? "http" : "dns");
	put_endpoint(&v[RF_CLIENT_IP], &v[RF_CLIENT_PORT], &t->client, b->client, sizeof b->client);
	put_endpoint(&v[RF_SERVER_IP], &v[RF_SERVER_PORT], &t->server, b->server, sizeof b->server);
	put_int(&v[RF_ID], t->id);
	put_str(&v[RF_NAME], rpt_is_attempt(t) ? NULL : t->name);	/* no request: nothing to name */
	put_int(&v[RF_QTYPE], t->qtype);
	v[RF_QTYPE].null = t->proto != TXN_DNS;
	put_status(v, t, b->rcode, sizeof b->rcode);
	put_times(v, t);
	put_str(&v[RF_LOST_HOP], t->lost_at > LOST_NONE && t->lost_at <= LOST_GUEST ?
		rpt_lost_name[t->lost_at] : NULL);
	put_str(&v[RF_POINT], t->point < PT_N ? rpt_role_name[t->point] : NULL);
}
