/* hoplat live: capture plus the streaming analysis, as it happens.
 * The capture loop (capture/capture.c) hands every packet, in time order, to
 * the engine (analysis/engine/engine.h) with the point role of its
 * interface; the engine runs the detectors (analysis/engine/watch.h) and
 * keeps the time series. A line per row of that series as it closes (the
 * windows `analyze` reports), alert lines as incidents are raised and end
 * (live_alert.c); the summary, --json and --transactions at the end; -w
 * keeps the packets. -r FILE replays a capture through the same path at its
 * recorded pace. */
#include <errno.h>
#include <getopt.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "analysis/engine/engine.h"
#include "cmd/live_alert.h"
#include "analysis/results/results.h"
#include "analysis/report/rpt.h"
#include "capture/capture.h"
#include "cmd/cmd.h"
#include "common/dur.h"

#define LIVE_SUBS 8

struct live {
	struct capture_cfg cap;
	struct eng_config ecfg;
	struct engine *e;
	const char *role_name[PT_N];	/* --client/--uplink/--vif interface names */
	int8_t role[CAPTURE_MAX_IF][LIVE_SUBS];	/* -1: not yet looked up */
	int replay;
	double speed;
	int64_t window_ns;
	int json_lines;			/* --json-lines: window and alert lines as JSON */
	int status_only;		/* for `capture` on a terminal: windows feed the status line only */
	const char *json, *txns;
	FILE *json_f;			/* opened with the other outputs, written at the end */
	struct rpt_out txn_out;
	char last_status[200];
	uint64_t last_ts, last_ts_wall;
};

static uint64_t wall_now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_REALTIME, &t);
	return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

/* "12:00:01.234" in local time. */
static char *clock_str(uint64_t ns, char *dst, unsigned cap)
{
	return dur_time_format(ns, "%H:%M:%S", 0, dst, cap);
}

/* Percentile k of a window: "3.1ms" on the text line ("-" without
 * samples), microseconds as a JSON number (null) for --json-lines. */
static char *pct_str(const struct ser_lat *l, int k, int json, char *dst, unsigned cap)
{
	if (!l->n)
		snprintf(dst, cap, "%s", json ? "null" : "-");
	else if (json)
		rpt_us(l->pct[k], dst, cap);
	else
		dur_format(l->pct[k], dst, cap);
	return dst;
}

/* The total latency the line shows: of the protocol with more transactions
 * timed in the window (both are in --json-lines). */
static const struct ser_lat *line_lat(const struct ser_row *r)
{
	const struct ser_lat *d = &r->lat[SER_DNS][SC_TOTAL], *h = &r->lat[SER_HTTP][SC_TOTAL];
	return h->n > d->n ? h : d;
}

/* A window as one JSON object: rates per second, latencies in us as numbers. */
static void json_line(const struct ser_row *r, uint8_t ref, double secs, const char *t, uint64_t pkts)
{
	char p[6][32];
	const struct ser_lat *d = &r->lat[SER_DNS][SC_TOTAL], *h = &r->lat[SER_HTTP][SC_TOTAL];
	const struct ser_lat *l = line_lat(r);
	printf("{\"window\":\"%s\",\"start_ns\":%llu,\"packets\":%llu,\"dns_queries_per_s\":%.1f,"
	       "\"dns_responses_per_s\":%.1f,\"http_requests_per_s\":%.1f,"
	       "\"http_responses_per_s\":%.1f,\"p50_us\":%s,\"p99_us\":%s,\"point\":\"%s\","
	       "\"dns_transactions\":%llu,\"http_transactions\":%llu,\"dns_p50_us\":%s,\"dns_p99_us\":%s,"
	       "\"http_p50_us\":%s,\"http_p99_us\":%s,\"http_connections_per_s\":%.1f}\n",
	       t, (unsigned long long)r->start_ns, (unsigned long long)pkts,
	       (double)r->req[SER_DNS][ref] / secs, (double)r->resp[SER_DNS][ref] / secs,
	       (double)r->req[SER_HTTP][ref] / secs, (double)r->resp[SER_HTTP][ref] / secs,
	       pct_str(l, 0, 1, p[0], 32), pct_str(l, 2, 1, p[1], 32), rpt_role_name[ref],
	       (unsigned long long)r->txns[SER_DNS], (unsigned long long)r->txns[SER_HTTP],
	       pct_str(d, 0, 1, p[2], 32), pct_str(d, 2, 1, p[3], 32), pct_str(h, 0, 1, p[4], 32),
	       pct_str(h, 2, 1, p[5], 32), (double)r->conns[ref] / secs);
}

/* ser_row_fn: a line per window of the engine's time series as it closes
 * (the rows `analyze` reports): requests and responses seen at the
 * reference point (the first on the path given), packets at every point. */
static void on_window(void *ctx, const struct res_series *rs, const struct ser_row *r)
{
	struct live *l = ctx;
	uint8_t ref = eng_results(l->e)->ref_point;
	double secs = (double)rs->window_ns / 1e9;
	double dq = (double)r->req[SER_DNS][ref] / secs, dr = (double)r->resp[SER_DNS][ref] / secs;
	double hq = (double)r->req[SER_HTTP][ref] / secs, hr = (double)r->resp[SER_HTTP][ref] / secs;
	double hc = (double)r->conns[ref] / secs;
	char t[32], p50[32], p99[32];
	uint64_t pkts = r->packets[0] + r->packets[1] + r->packets[2];

	pct_str(line_lat(r), 0, 0, p50, sizeof p50);
	pct_str(line_lat(r), 2, 0, p99, sizeof p99);
	clock_str(r->start_ns, t, sizeof t);
	if (!l->status_only && l->cap.status && isatty(STDOUT_FILENO))
		fputs("\r\033[K", stderr);	/* the status line first: the window line takes its place */
	if (l->status_only)
		;
	else if (l->json_lines)
		json_line(r, ref, secs, t, pkts);
	else
		printf("%s  pkts %llu  dns %.0f q/s %.0f r/s  http %.0f req/s %.0f resp/s %.0f conn/s  "
		       "p50 %s p99 %s\n", t, (unsigned long long)pkts, dq, dr, hq, hr, hc, p50, p99);
	snprintf(l->last_status, sizeof l->last_status,	/* its time said: a row is made 3 windows late */
		 "%s dns %.0f/%.0f q,r/s  http %.0f/%.0f req,resp/s  p50 %s p99 %s", t, dq, dr, hq, hr, p50, p99);
	fflush(stdout);
}

/* Transactions as they are final: --transactions. */
static void on_txn(void *ctx, const struct txn *t)
{
	struct live *l = ctx;
	if (l->txn_out.f)
		rpt_jsonl_txn(&l->txn_out, t);
}

static void on_incident(void *ctx, const struct res_incident *in)
{
	struct live *l = ctx;
	live_alert(in, l->json_lines);
}

/* A load step, printed once judged (a few seconds after it ended: its
 * transactions are in). */
static void on_step(void *ctx, const struct res_step *s, size_t i)
{
	struct live *l = ctx;
	char at[32];
	if (l->status_only)
		return;
	clock_str(s->start_ns, at, sizeof at);
	if (l->json_lines) {
		printf("{\"step\":%zu,\"start_ns\":%llu,\"end_ns\":%llu,\"request_rate\":%.3f,"
		       "\"response_rate\":%.3f,\"limit\":\"%s\",\"why\":", i + 1,
		       (unsigned long long)s->start_ns, (unsigned long long)s->end_ns, s->request_rate,
		       s->response_rate, res_limit_name(s->judged.limit));
		rpt_json_str(stdout, s->judged.why);
		printf("}\n");
	} else {
		printf("STEP %zu %s for %.3f s: %.1f req/s, %.1f resp/s, total p50 %.3f ms p90 %.3f ms: "
		       "limit %s: %s\n", i + 1, at, s->duration_s, s->request_rate, s->response_rate,
		       (double)s->comp[RS_TOTAL].p50 / 1e6, (double)s->comp[RS_TOTAL].p90 / 1e6,
		       res_limit_name(s->judged.limit), s->judged.why);
	}
	fflush(stdout);
}

/* The point role of an interface: by the name given to --client/--uplink/--vif;
 * with one role given and one unnamed interface, that one. */
static int role_of(struct live *l, unsigned src, const char *name, uint32_t sub)
{
	int8_t *slot = &l->role[src][sub < LIVE_SUBS ? sub : LIVE_SUBS - 1];
	if (*slot != -1)
		return *slot;
	int r = -2, given = 0, last = PT_CLIENT;
	for (int k = 0; k < PT_N; k++) {
		if (!l->role_name[k])
			continue;
		given++;
		last = k;
		if (name && !strcmp(name, l->role_name[k]))
			r = k;
	}
	if (r == -2)
		r = l->replay && given <= 1 ? last : -2;	/* -2: not a point we analyze */
	*slot = (int8_t)r;
	return r;
}

static void on_packet(void *ctx, unsigned src, const char *name, const struct pkt *p)
{
	struct live *l = ctx;
	int role = role_of(l, src, name, p->iface);

	if (role < 0)
		return;
	struct pkt q = *p;
	q.point = (uint8_t)role;
	eng_feed(l->e, &q);	/* the time series and the silence detector too */
	l->last_ts = q.ts_ns;
	l->last_ts_wall = wall_now();
}

/* Once a second: packet time goes on even when nothing arrives (a silent
 * guest and a silent client look alike otherwise). */
static void on_tick(void *ctx, uint64_t wall)
{
	struct live *l = ctx;
	uint64_t now = wall;

	if (l->replay) {
		if (!l->last_ts)
			return;
		now = l->last_ts + (uint64_t)((double)(wall - l->last_ts_wall) * (l->speed > 0 ? l->speed : 0));
	}
	eng_advance(l->e, now);
}

static void on_status(void *ctx, char *buf, unsigned cap)
{
	struct live *l = ctx;
	snprintf(buf, cap, "%s", l->last_status);
}

static void live_usage(FILE *f)
{
	fprintf(f,
		"usage: hoplat live (--uplink IF --vif IF | --client IF | -i IF) [options] [FILTER...]\n"
		"       hoplat live -r FILE [--speed X] [--uplink NAME --vif NAME | --client NAME] [options]\n"
		"                 [FILTER...]\n"
		"  --client/--uplink/--vif IF  interfaces of this host and their point roles\n"
		"  -r FILE          replay a capture at its recorded pace (interfaces by name); a quoted\n"
		"                   glob ('g_*.pcapng') replays rotated files as one capture\n"
		"  --speed X        replay X times faster (0: as fast as possible)\n"
		"  --window DUR     a line per window (default 1s)\n"
		"  --silence DUR    alert when a guest is silent this long (default 1s)\n"
		"  --json FILE      summary as JSON at the end ('-': stdout)\n"
		"  --transactions FILE  every transaction as JSON Lines\n"
		"  --json-lines     window and alert lines as JSON objects\n"
		"  -w FILE          keep the packets (pcapng), with -c -G -C -W -Z -B -s as capture\n"
		"  --guest IP       the guest's address (cross-point)\n"
		"  -q               no status line\n");
}

enum { O_CLIENT = 256, O_UPLINK, O_VIF, O_SPEED, O_WINDOW, O_SILENCE, O_JSON, O_TXNS, O_JL, O_GUEST };

static int add_role(struct live *l, int role, const char *name)
{
	if (l->role_name[role]) {
		fprintf(stderr, "hoplat live: the %s point is given twice\n", rpt_role_name[role]);
		return 2;
	}
	l->role_name[role] = name;
	return 0;
}

static int parse_live(struct live *l, int argc, char **argv, struct cap_opts *proto,
		      const char **file, struct sil_config *hc)
{
	static const struct option lo[] = {
		{ "client", 1, 0, O_CLIENT }, { "uplink", 1, 0, O_UPLINK }, { "vif", 1, 0, O_VIF },
		{ "speed", 1, 0, O_SPEED }, { "window", 1, 0, O_WINDOW }, { "silence", 1, 0, O_SILENCE },
		{ "json", 1, 0, O_JSON }, { "transactions", 1, 0, O_TXNS }, { "json-lines", 0, 0, O_JL },
		{ "guest", 1, 0, O_GUEST }, { "tstamp-type", 1, 0, 'T' }, { "dpdk-args", 1, 0, 'E' },
		{ "help", 0, 0, 'h' }, { 0, 0, 0, 0 },
	};
	int c, rc;
	char *end;

	while ((c = getopt_long(argc, argv, "i:r:w:s:c:G:C:W:Z:B:qh", lo, NULL)) != -1) {
		switch (c) {
		case O_CLIENT: if ((rc = add_role(l, PT_CLIENT, optarg))) return rc; break;
		case O_UPLINK: if ((rc = add_role(l, PT_UPLINK, optarg))) return rc; break;
		case O_VIF: if ((rc = add_role(l, PT_VIF, optarg))) return rc; break;
		case 'i': if ((rc = add_role(l, PT_CLIENT, optarg))) return rc; break;
		case 'r': *file = optarg; break;
		case O_SPEED:
			l->speed = strtod(optarg, &end);
			if (*end || l->speed < 0) {
				fprintf(stderr, "hoplat live: --speed '%s' is not a factor\n", optarg);
				return 2;
			}
			break;
		case O_WINDOW: case O_SILENCE: {
			int64_t ns;
			if (dur_parse(optarg, &ns) || ns <= 0) {
				fprintf(stderr, "hoplat live: '%s' is not a duration (300us, 1ms, 2s)\n", optarg);
				return 2;
			}
			*(c == O_WINDOW ? &l->window_ns : &hc->silence_ns) = ns;
			break;
		}
		case O_JSON: l->json = optarg; break;
		case O_TXNS: l->txns = optarg; break;
		case O_JL: l->json_lines = 1; break;
		case O_GUEST:
			if (ipaddr_parse(optarg, &l->ecfg.guest)) {
				fprintf(stderr, "hoplat live: --guest '%s' is not an IP address\n", optarg);
				return 2;
			}
			break;
		case 'h': live_usage(stdout); return -1;
		default:
			rc = capture_common_opt(c, optarg, &l->cap, proto);
			if (rc == 1) {
				live_usage(stderr);
				return 2;
			}
			if (rc)
				return rc;
		}
	}
	return 0;
}

/* Sources: the replayed file, or one capture per interface given a role. */
static int setup_sources(struct live *l, const char *file, const struct cap_opts *proto, const char *filter)
{
	if (file) {
		l->replay = 1;
		l->cap.src[0].name = file;
		l->cap.src[0].ops = &cap_replay_ops;
		l->cap.src[0].speed = l->speed;
		l->cap.n_src = 1;
	} else {
		for (int k = 0; k < PT_N; k++)
			if (l->role_name[k])
				l->cap.src[l->cap.n_src++].name = l->role_name[k];
		if (!l->cap.n_src) {
			fprintf(stderr, "hoplat live: no interface (--uplink IF --vif IF, --client IF) or -r FILE\n");
			live_usage(stderr);
			return 2;
		}
	}
	capture_fill_sources(&l->cap, proto, filter);	/* a replay filters as tcpdump -r F EXPR */
	if (file)
		l->cap.src[0].speed = l->speed;
	return 0;
}

/* --json and --transactions are opened by the capture loop with -w's file,
 * before privileges go (tcpdump's way: every output open before the first
 * packet, all owned by the -Z user). */
static int open_outputs(void *ctx)
{
	struct live *l = ctx;

	if (l->txns && !(l->txn_out.f = fopen(l->txns, "w"))) {
		fprintf(stderr, "hoplat live: %s: %s\n", l->txns, strerror(errno));
		return -EIO;
	}
	if (l->json)
		l->json_f = strcmp(l->json, "-") ? fopen(l->json, "w") : stdout;
	if (l->json && !l->json_f) {
		fprintf(stderr, "hoplat live: %s: %s\n", l->json, strerror(errno));
		return -EIO;
	}
	return 0;
}

/* Closes what open_outputs opened; 0, or 1 after saying which failed. */
static int close_outputs(struct live *l)
{
	int rc = 0;
	if (l->json_f && l->json_f != stdout && fclose(l->json_f) != 0) {
		fprintf(stderr, "hoplat live: %s: %s\n", l->json, strerror(errno));
		rc = 1;
	}
	if (l->txn_out.f && fclose(l->txn_out.f) != 0) {
		fprintf(stderr, "hoplat live: %s: %s\n", l->txns, strerror(errno));
		rc = 1;
	}
	l->json_f = l->txn_out.f = NULL;
	return rc;
}

static int finish(struct live *l)
{
	int rc = 0;
	eng_finish(l->e);	/* the last windows' lines, the last partial one included */
	const struct results *r = eng_results(l->e);
	rpt_input_warnings(stderr, "live", r);
	rpt_text(stdout, r);
	if (r->incidents_total)
		printf("incidents raised: %llu\n", (unsigned long long)r->incidents_total);
	if (l->json_f && rpt_json(l->json_f, r) < 0) {
		fprintf(stderr, "hoplat live: %s: %s\n", l->json, strerror(errno));
		rc = 1;
	}
	return close_outputs(l) ? 1 : rc;
}

int cmd_live(int argc, char **argv)
{
	struct live *l = calloc(1, sizeof *l);
	struct cap_opts proto = { 0 };
	const char *file = NULL;
	int rc;

	if (!l)
		return 2;
	capture_cfg_default(&l->cap);
	l->cap.cmd = "live";
	l->cap.status = isatty(STDERR_FILENO);
	l->speed = 1.0;
	l->window_ns = 1000000000LL;
	memset(l->role, -1, sizeof l->role);
	eng_config_default(&l->ecfg);
	rc = parse_live(l, argc, argv, &proto, &file, &l->ecfg.silence);
	if (rc) {
		free(l);
		return rc < 0 ? 0 : rc;
	}
	char *filter = NULL;
	if (optind < argc) {
		size_t len = 1;
		for (int i = optind; i < argc; i++)
			len += strlen(argv[i]) + 1;
		filter = calloc(1, len);
		for (int i = optind; filter && i < argc; i++)
			strcat(strcat(filter, i > optind ? " " : ""), argv[i]);
	}
	rc = setup_sources(l, file, &proto, filter);
	if (rc)
		goto out;
	l->ecfg.roles = 0;
	for (int k = 0; k < PT_N; k++)
		if (l->role_name[k])
			l->ecfg.roles |= 1u << k;
	if (!l->ecfg.roles)
		l->ecfg.roles = 1u << PT_CLIENT;
	l->ecfg.window_ns = l->window_ns;
	l->ecfg.out = (struct txn_sink){ on_txn, l };
	l->ecfg.on_incident = on_incident;	/* the engine's detectors report here */
	l->ecfg.alert_ctx = l;
	l->ecfg.on_window = on_window;
	l->ecfg.window_ctx = l;
	l->ecfg.on_step = on_step;	/* and the load steps */
	l->ecfg.step_ctx = l;
	l->e = eng_new(&l->ecfg);
	if (!l->e) {
		fprintf(stderr, "hoplat live: out of memory\n");
		rc = 2;
		goto out;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	l->cap.tap = on_packet;
	l->cap.tap_ctx = l->cap.status_ctx = l;
	l->cap.tick = on_tick;
	l->cap.status_extra = on_status;
	l->cap.open_outputs = open_outputs;
	rc = capture_run(&l->cap);
	if (rc != 2) {
		int frc = finish(l);
		rc = rc ? rc : frc;
	}
	close_outputs(l);
out:
	if (l->e)
		eng_free(l->e);
	free(filter);
	free(l);
	return rc;
}

/* `hoplat capture` on a terminal: the status line shows DNS and HTTP rates
 * and latency measured at the first interface (one point, no alerts, no
 * window lines). Costs a decode per packet, so only when someone watches. */
void *live_status_attach(struct capture_cfg *cfg)
{
	struct live *l = calloc(1, sizeof *l);
	if (!l)
		return NULL;
	l->status_only = 1;
	memset(l->role, -1, sizeof l->role);
	l->role_name[PT_CLIENT] = cfg->src[0].name;
	eng_config_default(&l->ecfg);
	l->ecfg.roles = 1u << PT_CLIENT;
	l->ecfg.on_window = on_window;
	l->ecfg.window_ctx = l;
	l->e = eng_new(&l->ecfg);
	if (!l->e) {
		free(l);
		return NULL;
	}
	cfg->tap = on_packet;
	cfg->tap_ctx = cfg->status_ctx = l;
	cfg->status_extra = on_status;
	cfg->tick = on_tick;	/* time goes on without packets: the rates fall to 0 when traffic stops */
	return l;
}

void live_status_detach(void *p)
{
	struct live *l = p;
	if (!l)
		return;
	eng_free(l->e);
	free(l);
}
