#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "analysis/results/results.h"
#include "common/hist_int.h"

static const char *const comp_names[RC_N] = {
#define X(n, s) s,
	RES_COMPONENTS(X)
#undef X
};

const char *res_comp_name(int c)
{
	return c >= 0 && c < RC_N ? comp_names[c] : "?";
}

const uint8_t res_step_comp[RES_STEP_COMPS] = { RC_TOTAL, RC_CLIENT, RC_LINK, RC_BRIDGE, RC_GUEST,
						RC_SERVER };

static const char *const limit_names[RES_LIMIT_N] = { "none", "server", "client", "network", "guest_hang" };

const char *res_limit_name(int l)
{
	return l >= 0 && l < RES_LIMIT_N ? limit_names[l] : "?";
}

int64_t res_comp_value(const struct txn *t, int c)
{
	switch (c) {
	case RC_TOTAL: return t->total_ns;
	case RC_RESPONSE: return t->proto == TXN_HTTP ? t->response_ns : TXN_NS_NONE;
	case RC_CLIENT: return t->client_ns;
	case RC_LINK: return t->link_ns;
	case RC_BRIDGE: return t->bridge_ns;
	case RC_GUEST: return t->guest_ns;
	case RC_NETWORK: return t->network_ns;
	case RC_LINK_IN: return t->link_in_ns;
	case RC_LINK_OUT: return t->link_out_ns;
	case RC_SERVER: return t->merged & TXN_M_SERVER ? t->server_ns : TXN_NS_NONE;
	case RC_CLIENT_LINK: return t->merged & TXN_M_CLIENT_LINK ? t->client_link_ns : TXN_NS_NONE;
	}
	return TXN_NS_NONE;
}

static const char *const loss_key[RES_LOSS_N] = {
#define X(key, text) #key,
	RES_LOSSES(X)
#undef X
};
static const char *const loss_text[RES_LOSS_N] = {
#define X(key, text) text,
	RES_LOSSES(X)
#undef X
};

const char *res_loss_key(int i) { return i >= 0 && i < RES_LOSS_N ? loss_key[i] : "?"; }
const char *res_loss_text(int i) { return i >= 0 && i < RES_LOSS_N ? loss_text[i] : "?"; }

uint64_t res_loss_value(const struct res_losses *l, int i)
{
	switch (i) {
#define X(key, text) case RES_LOSS_##key: return l->key;
	RES_LOSSES(X)
#undef X
	}
	return 0;
}

static int proto_init(struct res_proto *p)
{
	for (int c = 0; c < RC_N; c++)
		if (!(p->lat[c] = hist_new()))
			return -1;
	return 0;
}

static void proto_free(struct res_proto *p)
{
	for (int c = 0; c < RC_N; c++)
		hist_free(p->lat[c]);
}

struct results *res_new(void)
{
	struct results *r = calloc(1, sizeof *r);
	if (!r)
		return NULL;
	r->verdict_step = -1;
	if (proto_init(&r->dns) || proto_init(&r->http)) {
		res_free(r);
		return NULL;
	}
	for (int i = 0; i < PT_N; i++)
		if (!(r->point[i].tcp_handshake = hist_new()) ||
		    !(r->point[i].tcp_synack = hist_new())) {
			res_free(r);
			return NULL;
		}
	return r;
}

void res_free(struct results *r)
{
	if (!r)
		return;
	proto_free(&r->dns);
	proto_free(&r->http);
	for (int i = 0; i < PT_N; i++) {
		hist_free(r->point[i].tcp_handshake);
		hist_free(r->point[i].tcp_synack);
	}
	ser_free_rows(r->windows);
	free(r->steps);
	free(r);
}

static void count_status(struct res_proto *p, const struct txn *t)
{
	if (t->status < 0)
		return;
	if (t->proto == TXN_DNS)
		p->status[t->status < RES_RCODES - 1 ? t->status : RES_RCODES - 1]++;
	else
		p->status_class[t->status >= 100 && t->status < 600 ? t->status / 100 : 0]++;
}

static void record(struct hist *h, int64_t v)
{
	if (v != TXN_NS_NONE)
		hist_add(h, v);	/* inline (hist_int.h): every transaction's */
}

/* Each component res_comp_value gives, measured, into its histogram: in a
 * straight line (a loop over res_comp_value cost a call and a switch per
 * component, a loop over them all at once a test more per component). */
static void record_comps(struct res_proto *p, const struct txn *t)
{
	record(p->lat[RC_TOTAL], t->total_ns);
	if (t->proto == TXN_HTTP)
		record(p->lat[RC_RESPONSE], t->response_ns);
	record(p->lat[RC_CLIENT], t->client_ns);
	record(p->lat[RC_LINK], t->link_ns);
	record(p->lat[RC_BRIDGE], t->bridge_ns);
	record(p->lat[RC_GUEST], t->guest_ns);
	record(p->lat[RC_NETWORK], t->network_ns);
	record(p->lat[RC_LINK_IN], t->link_in_ns);
	record(p->lat[RC_LINK_OUT], t->link_out_ns);
	if (t->merged & TXN_M_SERVER)
		record(p->lat[RC_SERVER], t->server_ns);
	if (t->merged & TXN_M_CLIENT_LINK)
		record(p->lat[RC_CLIENT_LINK], t->client_link_ns);
}

/* The counts and span of res_add_txn: its protocol's. */
static struct res_proto *count_txn(struct results *r, const struct txn *t)
{
	struct res_proto *p = res_proto_of(r, t->proto);
	p->transactions++;
	if (t->answered)
		p->answered++;
	else
		p->unanswered++;
	if (t->lost_at > LOST_NONE && t->lost_at <= LOST_GUEST)
		p->lost[t->lost_at]++;
	count_status(p, t);
	if (!p->first_ns || t->start_ns < p->first_ns)
		p->first_ns = t->start_ns;
	if (t->start_ns > p->last_ns)
		p->last_ns = t->start_ns;
	return p;
}

void res_add_txn(struct results *r, const struct txn *t)
{
	record_comps(count_txn(r, t), t);
}

/* Only the point's own components: the eight tests of the cross-point
 * ones (all TXN_NS_NONE here) cost 24 instructions a transaction. */
void res_add_point_txn(struct results *r, const struct txn *t)
{
	struct res_proto *p = count_txn(r, t);
	record(p->lat[RC_TOTAL], t->total_ns);
	if (t->proto == TXN_HTTP)
		record(p->lat[RC_RESPONSE], t->response_ns);
}

const struct pt_counts *res_ref_counts(const struct results *r)
{
	return &r->point[r->ref_point < PT_N ? r->ref_point : 0].counts;
}

void res_sum_counts(const struct results *r, struct pt_counts *s)
{
	*s = (struct pt_counts){ 0 };
	for (int i = 0; i < PT_N; i++) {
		if (!r->point[i].present)
			continue;
		/* pt_counts is all uint64_t counters (dec_stats too) */
		const uint64_t *a = (const uint64_t *)&r->point[i].counts;
		uint64_t *d = (uint64_t *)s;
		for (size_t k = 0; k < sizeof *s / sizeof(uint64_t); k++)
			d[k] += a[k];
	}
}

long res_add_step(struct results *r, const struct res_step *s)
{
	if (r->n_steps == r->steps_cap) {
		size_t cap = r->steps_cap ? r->steps_cap * 2 : 16;
		struct res_step *n = realloc(r->steps, cap * sizeof *n);
		if (!n)
			return -ENOMEM;
		r->steps = n;
		r->steps_cap = cap;
	}
	r->steps[r->n_steps] = *s;
	return (long)r->n_steps++;
}

void res_figure_add(struct res_judgement *j, const char *key, double value)
{
	if (j->n_ev < RES_FIGURES)
		j->ev[j->n_ev++] = (struct res_figure){ key, value };
}
