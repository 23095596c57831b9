/* The detectors over the engine's stream, their alerts into incidents (see
 * watch.h). */
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include "analysis/engine/watch.h"

#define NOT_KEPT (-1)

struct watch {
	struct watch_config cfg;
	struct results *res;
	struct silence *sil;
	struct ports *ports;
	struct burst *syn, *loss;
	uint8_t client_most;		/* the point ports and SYN retransmissions are watched at */
	uint64_t now;			/* the latest time seen */
	/* what time moving on can change (tick): without a group of client
	 * ports or a burst of SYN retransmissions going on, nothing (two calls
	 * a packet saved) */
	unsigned ports_groups;		/* ports_packet's last word */
	uint8_t syn_open;		/* a SYN burst begun and not ended (on_syn_burst) */
	uint8_t ticks;			/* either of the two: tick has work */
	/* per detector id, the index of its incident in res (NOT_KEPT beyond the table) */
	int sil_inc[SIL_MAX_IDS];
	int *ports_inc;			/* [cfg.ports.max_groups] */
	int syn_inc, loss_inc;
};

void watch_config_default(struct watch_config *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	sil_config_default(&cfg->silence);
	ports_config_default(&cfg->ports);
	burst_config_default(&cfg->syn_bursts);
	burst_config_default(&cfg->loss_bursts);
}

/* ---- incidents ---- */

/* A new incident: counted, kept while there is room, announced. */
static int raise_incident(struct watch *w, struct res_incident *in)
{
	struct results *r = w->res;
	int i = NOT_KEPT;
	in->open = 1;
	r->incidents_total++;
	if (r->n_incidents < RES_MAX_INCIDENTS) {
		i = (int)r->n_incidents++;
		r->incident[i] = *in;
	}
	if (w->cfg.on_incident)
		w->cfg.on_incident(w->cfg.ctx, in);
	return i;
}

/* The kept incident i, or *tmp (cleared) for one not kept. */
static struct res_incident *kept(struct watch *w, int i, struct res_incident *tmp)
{
	memset(tmp, 0, sizeof *tmp);
	return i == NOT_KEPT ? tmp : &w->res->incident[i];
}

static void end_incident(struct watch *w, struct res_incident *in, uint64_t end_ns)
{
	in->open = 0;
	in->end_ns = end_ns;
	if (w->cfg.on_incident)
		w->cfg.on_incident(w->cfg.ctx, in);
}

/* ---- silences ---- */

static void sil_fill(struct res_incident *in, const struct sil_alert *a)
{
	in->kind = a->kind;
	in->point = a->point;
	in->start_ns = a->first_unanswered_ns;
	in->guest = a->guest;
	in->service = a->service;
	in->port = a->port;
	in->last_answer_ns = a->last_answer_ns;
	in->last_answer_kind = a->last_answer_kind;
	memcpy(in->unanswered, a->by_kind, sizeof in->unanswered);
	memcpy(in->requests, a->requests, sizeof in->requests);
}

static void on_silence(void *ctx, const struct sil_alert *a)
{
	struct watch *w = ctx;
	struct res_incident tmp, *in;
	if (!a->resumed) {
		memset(&tmp, 0, sizeof tmp);
		sil_fill(&tmp, a);
		tmp.detected_ns = a->at_ns;
		w->sil_inc[a->id] = raise_incident(w, &tmp);
		return;
	}
	in = kept(w, w->sil_inc[a->id], &tmp);
	sil_fill(in, a);			/* the counts to the end */
	end_incident(w, in, a->at_ns);
}

/* ---- client ports ---- */

static void ports_fill(struct res_incident *in, const struct ports_alert *a, uint8_t point)
{
	in->kind = INC_PORT_EXHAUSTION;
	in->point = point;
	in->start_ns = a->start_ns;
	in->ports = a->st;
	in->reuse_ns = -1;
}

static void on_ports(void *ctx, const struct ports_alert *a)
{
	struct watch *w = ctx;
	struct res_incident tmp, *in;
	if (a->event == PORTS_STALLED) {
		memset(&tmp, 0, sizeof tmp);
		ports_fill(&tmp, a, w->client_most);
		tmp.detected_ns = a->at_ns;
		w->ports_inc[a->id] = raise_incident(w, &tmp);
		return;
	}
	in = kept(w, w->ports_inc[a->id], &tmp);
	if (in == &tmp)
		ports_fill(in, a, w->client_most);
	if (a->reuse_ns >= 0) {
		in->reuse_ns = a->reuse_ns;
		in->reused_port = a->port;
	}
	if (a->event == PORTS_RESUMED) {
		in->resumed_port = a->port;
		end_incident(w, in, a->at_ns);
	}
}

/* ---- bursts ---- */

static void burst_fill(struct res_incident *in, const struct burst_state *s, uint8_t kind, uint8_t point)
{
	in->kind = kind;
	in->point = point;
	in->start_ns = s->start_ns;
	in->burst.count = s->count;
	if (kind == INC_SYN_RETRANSMITS)
		in->burst.connections = s->tag[1];	/* tag 1: a connection's first retransmission */
	else
		memcpy(in->burst.lost, s->tag, sizeof in->burst.lost);	/* tag: enum txn_lost */
}

static void burst_incident(struct watch *w, const struct burst_state *s, uint8_t kind, int *inc)
{
	struct res_incident tmp, *in;
	if (!s->ended) {
		memset(&tmp, 0, sizeof tmp);
		burst_fill(&tmp, s, kind, w->client_most);
		/* lost transactions are final late: noticed now, not at the event */
		tmp.detected_ns = s->last_ns > w->now ? s->last_ns : w->now;
		*inc = raise_incident(w, &tmp);
		return;
	}
	in = kept(w, *inc, &tmp);
	burst_fill(in, s, kind, w->client_most);
	end_incident(w, in, s->last_ns);
}

static void on_syn_burst(void *ctx, const struct burst_state *s)
{
	struct watch *w = ctx;
	w->syn_open = !s->ended;
	w->ticks = w->ports_groups || w->syn_open;
	burst_incident(w, s, INC_SYN_RETRANSMITS, &w->syn_inc);
}

static void on_loss_burst(void *ctx, const struct burst_state *s)
{
	struct watch *w = ctx;
	burst_incident(w, s, INC_LOSS_BURST, &w->loss_inc);
}

static void on_syn_retransmit(void *ctx, uint64_t ts_ns, int first)
{
	struct watch *w = ctx;
	burst_event(w->syn, ts_ns, first ? 1 : 0);
}

/* ---- the stream ---- */

struct watch *watch_new(const struct watch_config *cfg, struct results *res)
{
	struct watch *w = calloc(1, sizeof *w);
	if (!w)
		return NULL;
	w->cfg = *cfg;
	w->res = res;
	w->cfg.silence.pt = w->cfg.ports.pt = cfg->pt;
	for (unsigned i = 0; i < SIL_MAX_IDS; i++)
		w->sil_inc[i] = NOT_KEPT;
	w->syn_inc = w->loss_inc = NOT_KEPT;
	while (w->client_most < PT_N - 1 && !(cfg->roles & (1u << w->client_most)))
		w->client_most++;
	struct ports_hooks hk = { on_ports, on_syn_retransmit, w };
	w->sil = sil_new(&w->cfg.silence, on_silence, w);
	w->ports = ports_new(&w->cfg.ports, &hk);
	w->ports_inc = calloc(cfg->ports.max_groups ? cfg->ports.max_groups : 1, sizeof *w->ports_inc);
	w->syn = burst_new(&cfg->syn_bursts, on_syn_burst, w);
	w->loss = burst_new(&cfg->loss_bursts, on_loss_burst, w);
	if (!w->sil || !w->ports || !w->ports_inc || !w->syn || !w->loss) {
		watch_free(w);
		return NULL;
	}
	return w;
}

/* Time moved on: port stalls, and SYN retransmission bursts (their events
 * come in packet time; lost transactions come late, so their bursts move
 * on their own events only). */
static void tick(struct watch *w, uint64_t now)
{
	if (now > w->now)
		w->now = now;
	if (w->ports_groups)
		ports_advance(w->ports, now);
	if (w->syn_open)
		burst_advance(w->syn, now);
}

/* Every detector: silences, then client ports (TCP only: the others are
 * nothing to them), then time moved on. */
static __attribute__((noinline)) void packet_all(struct watch *w, uint8_t point, uint64_t ts_ns,
						 const struct dec_pkt *d)
{
	sil_packet(w->sil, point, ts_ns, d);
	if (point == w->client_most && d->proto == IPPROTO_TCP) {
		w->ports_groups = ports_packet(w->ports, ts_ns, d);
		w->ticks = w->ports_groups || w->syn_open;
	}
	tick(w, ts_ns);
}

/* A packet for the silences only (a DNS run's every one): their call last,
 * a jump that saves no register (tick's latest time first: they do not
 * read it); the others out of line. */
void watch_packet(struct watch *w, uint8_t point, uint64_t ts_ns, const struct dec_pkt *d)
{
	if (w->ticks || (point == w->client_most && d->proto == IPPROTO_TCP)) {
		packet_all(w, point, ts_ns, d);
		return;
	}
	if (ts_ns > w->now)
		w->now = ts_ns;
	sil_packet(w->sil, point, ts_ns, d);
}

void watch_txn(struct watch *w, const struct txn *t)
{
	if (t->lost_at != LOST_LINK && t->lost_at != LOST_BRIDGE)
		return;
	uint64_t ts = t->start_ns;
	if (t->point == PT_CLIENT && w->cfg.clock)
		ts = clk_to_dom0(w->cfg.clock, ts);
	burst_event(w->loss, ts, t->lost_at);
}

void watch_advance(struct watch *w, uint64_t now_ns)
{
	sil_advance(w->sil, now_ns);
	tick(w, now_ns);
}

/* An open incident of a burst still going gets its counts so far. */
static void burst_update(struct watch *w, const struct burst *b, int inc, uint8_t kind)
{
	struct burst_state s;
	if (inc != NOT_KEPT && burst_current(b, &s) == 0)
		burst_fill(&w->res->incident[inc], &s, kind, w->client_most);
}

void watch_finish(struct watch *w)
{
	ports_finish(w->ports, w->now);
	burst_advance(w->loss, UINT64_MAX);	/* every transaction is final: a loss burst is over */
	burst_update(w, w->syn, w->syn_inc, INC_SYN_RETRANSMITS);
	for (unsigned id = 0; id < SIL_MAX_IDS; id++) {
		struct sil_alert a;
		int i = w->sil_inc[id];
		if (i != NOT_KEPT && w->res->incident[i].open && sil_current(w->sil, id, w->now, &a) == 0)
			sil_fill(&w->res->incident[i], &a);
	}
}

void watch_free(struct watch *w)
{
	if (!w)
		return;
	sil_free(w->sil);
	ports_free(w->ports);
	burst_free(w->syn);
	burst_free(w->loss);
	free(w->ports_inc);
	free(w);
}
