/* Who limits each step, and the run; see verdict.h and docs/diagnosis.md. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "analysis/diagnose/verdict.h"
#include "analysis/detect/incident.h"
#include "analysis/diagnose/sched.h"

struct judge_ctx {
	const struct results *r;
	const struct res_step *s;		/* the step judged */
	const struct res_step *before;		/* the steps before it: before[0..n_before) */
	size_t n_before;
	int64_t base[RES_STEP_COMPS];		/* unloaded p90; TXN_NS_NONE: unknown */
	const struct res_step *base_step;	/* the lowest load (loss is compared with it) */
};

static const char *const p90_key[RES_STEP_COMPS] = {
	"total_p90_us", "client_p90_us", "link_p90_us", "bridge_p90_us", "guest_p90_us", "server_p90_us",
};
static const char *const base_key[RES_STEP_COMPS] = {
	"total_unloaded_p90_us", "client_unloaded_p90_us", "link_unloaded_p90_us",
	"bridge_unloaded_p90_us", "guest_unloaded_p90_us", "server_unloaded_p90_us",
};
static const char *const point_label[PT_N] = { "client", "uplink", "vif" };
static const char *const req_key[PT_N] = { "client_requests", "uplink_requests", "vif_requests" };
static const char *const resp_key[PT_N] = { "client_responses", "uplink_responses", "vif_responses" };
static const char *const syn_key[PT_N] = { "client_attempts", "uplink_attempts", "vif_attempts" };
static const char *const ack_key[PT_N] = { "client_syn_acks", "uplink_syn_acks", "vif_syn_acks" };

double verdict_load(const struct res_step *s)
{
	return fmax(s->request_rate, s->connection_rate);
}

static double ms(int64_t ns)
{
	return (double)ns / 1e6;
}

static double us(int64_t ns)
{
	return (double)ns / 1e3;
}

static int say(struct res_judgement *j, int limit, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(j->why, sizeof j->why, fmt, ap);
	va_end(ap);
	j->limit = (uint8_t)limit;
	return 1;
}

/* ---- the unloaded level ---- */

static void consider(struct judge_ctx *c, const struct res_step *st, const struct res_step **best)
{
	for (int k = 0; k < RES_STEP_COMPS; k++)
		if (st->comp[k].count >= VERDICT_BASE_MIN && (!best[k] || verdict_load(st) < verdict_load(best[k])))
			best[k] = st;
	if (!c->base_step || verdict_load(st) < verdict_load(c->base_step))
		c->base_step = st;
}

/* Over r's steps and extra (NULL: none). */
static void base_of(struct judge_ctx *c, const struct res_step *extra)
{
	const struct res_step *best[RES_STEP_COMPS] = { 0 };
	c->base_step = NULL;
	for (size_t i = 0; i < c->r->n_steps; i++)
		consider(c, &c->r->steps[i], best);
	if (extra)
		consider(c, extra, best);
	for (int k = 0; k < RES_STEP_COMPS; k++)
		c->base[k] = best[k] ? best[k]->comp[k].p90 : TXN_NS_NONE;
}

/* p90 of component k above ratio x its unloaded p90 and abs_ns above it:
 * like against like, so the unloaded step never fails its own test however
 * wide its spread (a CPU quota answers some requests a period late even
 * unloaded). */
static int grows(const struct judge_ctx *c, int k, double ratio, int64_t abs_ns, int64_t *thr)
{
	const struct res_stat *st = &c->s->comp[k];
	int64_t b = c->base[k];
	if (st->count < VERDICT_MIN_SAMPLES || b == TXN_NS_NONE)
		return 0;
	double t = fmax(ratio * (double)b, (double)b + (double)abs_ns);
	*thr = (int64_t)t;
	return (double)st->p90 > t;
}

static void growth_figures(const struct judge_ctx *c, struct res_judgement *j, int k, int64_t thr)
{
	res_figure_add(j, p90_key[k], us(c->s->comp[k].p90));
	res_figure_add(j, base_key[k], us(c->base[k]));
	res_figure_add(j, "threshold_us", us(thr));
}

static int innermost(const struct results *r)
{
	for (int p = PT_N - 1; p > 0; p--)
		if (r->point[p].present)
			return p;
	return 0;
}

/* answered falls short of asked by more than VERDICT_SHORT and VERDICT_SHORT_MIN. */
static int short_of(uint64_t asked, uint64_t answered)
{
	return asked > answered && asked - answered >= VERDICT_SHORT_MIN &&
	       (double)answered < (1 - VERDICT_SHORT) * (double)asked;
}

/* ---- the rules, in the order they are tried ---- */

/* The component that stands for the server: the guest's time, else the
 * time beyond the uplink, else with one point the total. -1: none. */
static int server_comp(const struct judge_ctx *c)
{
	const struct res_step *s = c->s;
	return s->comp[RS_GUEST].count ? RS_GUEST : s->comp[RS_SERVER].count ? RS_SERVER
		: c->r->npoints < 2 ? RS_TOTAL : -1;
}

static int server_time(const struct judge_ctx *c, struct res_judgement *j, int k, int64_t thr)
{
	static const char *const what[RES_STEP_COMPS] = {
		[RS_GUEST] = "the guest's time",
		[RS_SERVER] = "the time beyond the uplink (no vif capture: bridge and guest)",
		[RS_TOTAL] = "the total time (one point: server and network not told apart)",
	};
	growth_figures(c, j, k, thr);
	return say(j, RES_LIMIT_SERVER, "%s grew with load: p90 %.3f ms, unloaded %.3f ms: "
		   "requests queue in the server", what[k], ms(c->s->comp[k].p90), ms(c->base[k]));
}

static int server_short(const struct judge_ctx *c, struct res_judgement *j)
{
	const struct res_step *s = c->s;
	int p = innermost(c->r);
	const char *who = p == PT_VIF ? "the guest" : "the server (beyond this point)";
	if (short_of(s->requests[p], s->responses[p])) {
		res_figure_add(j, req_key[p], (double)s->requests[p]);
		res_figure_add(j, resp_key[p], (double)s->responses[p]);
		return say(j, RES_LIMIT_SERVER, "%s answered %llu of the %llu requests that reached the %s",
			   who, (unsigned long long)s->responses[p], (unsigned long long)s->requests[p],
			   point_label[p]);
	}
	if (short_of(s->attempts[p], s->accepted[p])) {
		res_figure_add(j, syn_key[p], (double)s->attempts[p]);
		res_figure_add(j, ack_key[p], (double)s->accepted[p]);
		return say(j, RES_LIMIT_SERVER, "%s accepted (SYN-ACK) %llu of the %llu connection attempts "
			   "that reached the %s", who, (unsigned long long)s->accepted[p],
			   (unsigned long long)s->attempts[p], point_label[p]);
	}
	return 0;
}

static int network_time(const struct judge_ctx *c, struct res_judgement *j, int k, int64_t thr)
{
	growth_figures(c, j, k, thr);
	return say(j, RES_LIMIT_NETWORK, "the %s's time grew with load: p90 %.3f ms, unloaded %.3f ms",
		   k == RS_LINK ? "link" : "bridge", ms(c->s->comp[k].p90), ms(c->base[k]));
}

/* Packets lost between points p (outer) and q: requests and SYNs that
 * reached p and not q, answers that left q and never reached p. */
static double hop_loss(const struct res_step *s, int p, int q, uint64_t *lost)
{
	uint64_t n[4][2] = {
		{ s->requests[p], s->requests[q] }, { s->attempts[p], s->attempts[q] },
		{ s->responses[q], s->responses[p] }, { s->accepted[q], s->accepted[p] },
	};
	uint64_t of = 0;
	*lost = 0;
	for (int i = 0; i < 4; i++) {
		of += n[i][0];
		*lost += n[i][0] > n[i][1] ? n[i][0] - n[i][1] : 0;
	}
	return of ? (double)*lost / (double)of : 0;
}

static const char *hop_name(int p, int q)
{
	return p == PT_UPLINK ? "bridge" : q == PT_UPLINK ? "link" : "link and bridge";
}

/* Loss that grew with load by VERDICT_LOSS, or any loss past VERDICT_SHORT
 * (the bound the server is held to): a network that drops one packet in
 * twenty limits whatever crosses it, load or not. */
static int network_loss(const struct judge_ctx *c, struct res_judgement *j)
{
	int pts[PT_N], n = 0;
	for (int p = 0; p < PT_N; p++)
		if (c->r->point[p].present)
			pts[n++] = p;
	for (int i = 0; i + 1 < n; i++) {
		uint64_t lost, base_lost;
		double f = hop_loss(c->s, pts[i], pts[i + 1], &lost);
		double fb = c->base_step ? hop_loss(c->base_step, pts[i], pts[i + 1], &base_lost) : 0;
		if (lost < VERDICT_SHORT_MIN || (f <= fb + VERDICT_LOSS && f <= VERDICT_SHORT))
			continue;
		res_figure_add(j, "lost_packets", (double)lost);
		res_figure_add(j, "loss_fraction", f);
		res_figure_add(j, "unloaded_loss_fraction", fb);
		return say(j, RES_LIMIT_NETWORK, "%.1f%% of the packets crossing the %s were lost (%.1f%% unloaded)",
			   100 * f, hop_name(pts[i], pts[i + 1]), 100 * fb);
	}
	return 0;
}

static int is_kind(const struct res_incident *in, const char *key)
{
	return !strcmp(inc_kind_key(in->kind), key);
}

/* The incident began in the step, or by the pause that ended it (1 s), and
 * had not ended before the step began. */
static int overlaps(const struct res_incident *in, const struct res_step *s)
{
	return in->start_ns <= s->end_ns + 1000000000ull && (in->open || in->end_ns >= s->start_ns);
}

static int client_ports(const struct judge_ctx *c, struct res_judgement *j)
{
	for (unsigned i = 0; i < c->r->n_incidents; i++) {
		const struct res_incident *in = &c->r->incident[i];
		if (!is_kind(in, "client_port_exhaustion") || !overlaps(in, c->s))
			continue;
		uint64_t end = in->open ? c->r->last_ns : in->end_ns;
		double stall = end > in->start_ns ? (double)(end - in->start_ns) / 1e9 : 0;
		res_figure_add(j, "stall_s", stall);
		return say(j, RES_LIMIT_CLIENT, "the client's source ports ran out (held in TIME_WAIT): its new "
			   "connections stalled for %.1f s", stall);
	}
	return 0;
}

/* The client's delay matters once it also exceeds what a whole unloaded
 * transaction takes: the server then waits on the client, not on itself. */
static int client_grows(const struct judge_ctx *c, int64_t *thr)
{
	int64_t total = c->base[RS_TOTAL];
	if (!grows(c, RS_CLIENT, VERDICT_CLIENT_RATIO, VERDICT_CLIENT_ABS_NS, thr) ||
	    (total != TXN_NS_NONE && c->s->comp[RS_CLIENT].p90 <= total))
		return 0;
	if (total != TXN_NS_NONE && total > *thr)
		*thr = total;
	return 1;
}

static int client_late(const struct judge_ctx *c, struct res_judgement *j, int k, int64_t thr)
{
	growth_figures(c, j, k, thr);
	return say(j, RES_LIMIT_CLIENT, "the client sent its requests late after the handshake: client time "
		   "p90 %.3f ms, unloaded %.3f ms, while the server kept up", ms(c->s->comp[k].p90),
		   ms(c->base[k]));
}

/* The latency rules: of the components whose p90 grew past their
 * thresholds, the one that rose most above its unloaded p90 decides. A
 * client and a guest that share a machine slow down together; the one that
 * slows more is the one that limits. */
static int latency(const struct judge_ctx *c, struct res_judgement *j)
{
	int (*say_it[RES_STEP_COMPS])(const struct judge_ctx *, struct res_judgement *, int, int64_t) = { 0 };
	int64_t thr[RES_STEP_COMPS];
	int k = server_comp(c);
	if (k >= 0 && grows(c, k, VERDICT_GUEST_RATIO, VERDICT_GUEST_ABS_NS, &thr[k]))
		say_it[k] = server_time;
	for (k = RS_LINK; k <= RS_BRIDGE; k++)
		if (grows(c, k, VERDICT_NET_RATIO, VERDICT_NET_ABS_NS, &thr[k]))
			say_it[k] = network_time;
	if (client_grows(c, &thr[RS_CLIENT]))
		say_it[RS_CLIENT] = client_late;
	int best = -1;
	for (k = 0; k < RES_STEP_COMPS; k++)
		if (say_it[k] && (best < 0 || c->s->comp[k].p90 - c->base[k] > c->s->comp[best].p90 - c->base[best]))
			best = k;
	return best >= 0 && say_it[best](c, j, best, thr[best]);
}

static int client_idle(const struct judge_ctx *c, struct res_judgement *j)
{
	const struct res_step *s = c->s;
	double idle = (double)s->sched.idle_stall_ns / 1e9;
	if (s->duration_s <= 0 || idle < SCHED_IDLE_SHARE * s->duration_s)
		return 0;
	res_figure_add(j, "idle_stall_s", idle);
	res_figure_add(j, "duration_s", s->duration_s);
	res_figure_add(j, "max_gap_ms", ms(s->sched.max_gap_ns));
	return say(j, RES_LIMIT_CLIENT, "the client stopped sending for %.2f s in all (%.0f%% of the step) "
		   "while the server had answered everything", idle, 100 * idle / s->duration_s);
}

static int client_unused_connections(const struct judge_ctx *c, struct res_judgement *j)
{
	const struct res_step *s = c->s;
	int h = c->r->head_point;
	if (!short_of(s->attempts[h], s->requests[h]) || short_of(s->attempts[h], s->accepted[h]))
		return 0;
	res_figure_add(j, syn_key[h], (double)s->attempts[h]);
	res_figure_add(j, ack_key[h], (double)s->accepted[h]);
	res_figure_add(j, req_key[h], (double)s->requests[h]);
	return say(j, RES_LIMIT_CLIENT, "the client opened %llu connections (%llu accepted) but sent only %llu "
		   "requests on them", (unsigned long long)s->attempts[h], (unsigned long long)s->accepted[h],
		   (unsigned long long)s->requests[h]);
}

/* The ramp grew before (its first step lies VERDICT_FLAT below the highest
 * so far) and this step, after a pause, stays at that highest load. */
static int client_flat(const struct judge_ctx *c, struct res_judgement *j)
{
	const struct res_step *s = c->s;
	if (!s->after_gap || c->n_before < 2)
		return 0;
	double top = 0, first = verdict_load(&c->before[0]), load = verdict_load(s);
	for (size_t i = 0; i < c->n_before; i++)
		top = fmax(top, verdict_load(&c->before[i]));
	if (top < VERDICT_FLAT * first || load > VERDICT_FLAT * top || load * VERDICT_FLAT < top)
		return 0;
	res_figure_add(j, "load_per_s", load);
	res_figure_add(j, "highest_before_per_s", top);
	res_figure_add(j, "first_step_per_s", first);
	return say(j, RES_LIMIT_CLIENT, "the load stopped growing with the ramp: %.1f/s after %.1f/s before, "
		   "while the server kept its unloaded speed", load, top);
}

static int none(const struct judge_ctx *c, struct res_judgement *j)
{
	const struct res_step *s = c->s;
	res_figure_add(j, "request_rate", s->request_rate);
	if (s->answered_fraction >= 0)
		res_figure_add(j, "answered_fraction", s->answered_fraction);
	int k = s->comp[RS_GUEST].count ? RS_GUEST : RS_TOTAL;
	if (s->comp[k].count && c->base[k] != TXN_NS_NONE) {
		res_figure_add(j, p90_key[k], us(s->comp[k].p90));
		res_figure_add(j, base_key[k], us(c->base[k]));
	}
	return say(j, RES_LIMIT_NONE, "the server answered at its unloaded speed and the client kept up");
}

static int (*const rules[])(const struct judge_ctx *, struct res_judgement *) = {
	latency, server_short, network_loss, client_ports, client_idle, client_unused_connections,
	client_flat, none,
};

static void judge(const struct judge_ctx *c, struct res_judgement *j)
{
	memset(j, 0, sizeof *j);
	for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++) {
		struct res_judgement t = { 0 };
		if (rules[i](c, &t)) {
			*j = t;
			return;
		}
	}
}

void verdict_judge(const struct results *r, struct res_step *s)
{
	struct judge_ctx c = { .r = r, .s = s, .before = r->steps, .n_before = r->n_steps };
	base_of(&c, s);
	judge(&c, &s->judged);
}

/* ---- the run ---- */

/* The step during which t fell (or the last before it); -1: none. */
static int step_at(const struct results *r, uint64_t t)
{
	int at = -1;
	for (size_t i = 0; i < r->n_steps; i++)
		if (r->steps[i].start_ns <= t)
			at = (int)i;
	return at;
}

/* The incident of one of these kinds that reached the most requests. */
static const struct res_incident *worst(const struct results *r, const char *k1, const char *k2)
{
	const struct res_incident *best = NULL;
	for (unsigned i = 0; i < r->n_incidents; i++) {
		const struct res_incident *in = &r->incident[i];
		if ((is_kind(in, k1) || (k2 && is_kind(in, k2))) &&
		    (!best || in->requests[in->point] > best->requests[best->point]))
			best = in;
	}
	return best;
}

/* The incident accounts for the failures: its requests are at least
 * VERDICT_EXPLAIN of the unanswered transactions; with none unanswered (a
 * guest that answered everything late, after the silence), unless it fell
 * in a step the server already limits (a queue past the silence threshold
 * is the server falling behind, not hanging). */
static int explains(const struct results *r, const struct res_incident *in)
{
	if (!in)
		return 0;
	uint64_t unanswered = r->dns.unanswered + r->http.unanswered;
	if (unanswered)
		return (double)in->requests[in->point < PT_N ? in->point : 0] >= VERDICT_EXPLAIN * (double)unanswered;
	int k = step_at(r, in->start_ns);
	return k < 0 || r->steps[k].judged.limit != RES_LIMIT_SERVER;
}

static double incident_s(const struct results *r, const struct res_incident *in)
{
	uint64_t end = in->open ? r->last_ns : in->end_ns;
	return end > in->start_ns ? (double)(end - in->start_ns) / 1e9 : 0;
}

static int by_incident(struct results *r)
{
	struct res_judgement *v = &r->verdict;
	const struct res_incident *in = worst(r, "silent", "app_only");
	int limit = RES_LIMIT_GUEST_HANG;
	if (!explains(r, in)) {
		in = worst(r, "lost_bridge", "lost_link");
		limit = RES_LIMIT_NETWORK;
	}
	if (!explains(r, in)) {
		in = worst(r, "client_port_exhaustion", NULL);
		limit = RES_LIMIT_CLIENT;
	}
	if (!in)
		return 0;
	uint64_t un = r->dns.unanswered + r->http.unanswered, reqs = in->requests[in->point < PT_N ? in->point : 0];
	r->verdict_step = step_at(r, in->start_ns);
	res_figure_add(v, "incident_s", incident_s(r, in));
	res_figure_add(v, "incident_requests", (double)reqs);
	res_figure_add(v, "unanswered_transactions", (double)un);
	if (limit == RES_LIMIT_CLIENT)
		return say(v, limit, "The client limits this run: its source ports ran out (held in TIME_WAIT) "
			   "and its new connections stalled for %.1f s.", incident_s(r, in));
	const char *who = limit == RES_LIMIT_NETWORK ? "The network lost the requests:" : "The guest hung:";
	unsigned pt = in->point < PT_N ? in->point : 0;
	if (!un)	/* everything answered in the end: the silence made them late */
		return say(v, limit, "%s %s for %.1f s while %llu requests reached the %s; every one was "
			   "answered only after it.", who, inc_kind_text(in->kind), incident_s(r, in),
			   (unsigned long long)reqs, point_label[pt]);
	return say(v, limit, "%s %s for %.1f s while %llu requests reached the %s, which accounts for the "
		   "run's %llu unanswered transactions.", who, inc_kind_text(in->kind), incident_s(r, in),
		   (unsigned long long)reqs, point_label[pt], (unsigned long long)un);
}

static int first_with(const struct results *r, int limit)
{
	for (size_t i = 0; i < r->n_steps; i++)
		if (r->steps[i].judged.limit == limit)
			return (int)i;
	return -1;
}

static int first_unkept(const struct results *r)
{
	for (size_t i = 0; i < r->n_steps; i++)
		if (!r->steps[i].sched.kept)
			return (int)i;
	return -1;
}

static const char *const who[RES_LIMIT_N] = {
	[RES_LIMIT_SERVER] = "server", [RES_LIMIT_NETWORK] = "network", [RES_LIMIT_CLIENT] = "client",
};

static void by_steps(struct results *r)
{
	struct res_judgement *v = &r->verdict;
	static const int order[3] = { RES_LIMIT_SERVER, RES_LIMIT_NETWORK, RES_LIMIT_CLIENT };
	for (int k = 0; k < 3; k++) {
		int i = first_with(r, order[k]);
		if (i < 0)
			continue;
		const struct res_step *s = &r->steps[i];
		r->verdict_step = i;
		memcpy(v->ev, s->judged.ev, sizeof v->ev);
		v->n_ev = s->judged.n_ev;
		say(v, order[k], "The %s limits this run from step %d (%.1f requests/s): %s.", who[order[k]], i + 1,
		    s->request_rate, s->judged.why);
		return;
	}
	double lo = INFINITY, hi = 0;
	for (size_t i = 0; i < r->n_steps; i++) {
		lo = fmin(lo, r->steps[i].request_rate);
		hi = fmax(hi, r->steps[i].request_rate);
	}
	uint64_t t = r->dns.transactions + r->http.transactions, a = r->dns.answered + r->http.answered;
	res_figure_add(v, "steps", (double)r->n_steps);
	if (!r->n_steps) {
		say(v, RES_LIMIT_NONE, "No load steps: no requests left the client-most point.");
		return;
	}
	res_figure_add(v, "lowest_request_rate", lo);
	res_figure_add(v, "highest_request_rate", hi);
	res_figure_add(v, "answered_fraction", t ? (double)a / (double)t : 0);
	char slip[96] = "and the client on schedule";
	int k = first_unkept(r);
	if (k >= 0) {
		res_figure_add(v, "first_step_off_schedule", k + 1);
		snprintf(slip, sizeof slip, "but the client off its schedule from step %d (its own latency "
			 "figures understate there)", k + 1);
	}
	say(v, RES_LIMIT_NONE, "No limit found: %zu step%s from %.1f to %.1f requests/s, %.1f%% answered, "
	    "the server at its unloaded speed %s.", r->n_steps, r->n_steps > 1 ? "s" : "", lo, hi,
	    t ? 100.0 * (double)a / (double)t : 0.0, slip);
}

void verdict_run(struct results *r)
{
	struct judge_ctx c = { .r = r, .before = r->steps };
	base_of(&c, NULL);
	for (size_t i = 0; i < r->n_steps; i++) {
		c.s = &r->steps[i];
		c.n_before = i;
		judge(&c, &r->steps[i].judged);
	}
	memset(&r->verdict, 0, sizeof r->verdict);
	r->verdict_step = -1;
	if (!by_incident(r))
		by_steps(r);
	r->verdict_valid = 1;
}
