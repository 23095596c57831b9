/* hoplat live: capture plus the streaming analysis, as it happens.
 * The capture loop (capture.c) hands every packet, in time order, to the
 * engine (analysis/engine.h) with the point role of its interface; the
 * engine runs the guest-silence detector (analysis/hang.h). A line per window of packet
 * time, an alert line when a guest goes silent; the summary, --json and
 * --transactions at the end; -w keeps the packets. -r FILE replays a
 * capture through the same path at its recorded pace. */
#include <errno.h>
#include <getopt.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "analysis/engine/engine.h"
#include "analysis/detect/silence.h"
#include "analysis/results/results.h"
#include "analysis/report/rpt.h"
#include "capture/capture.h"
#include "cmd/cmd.h"
#include "common/dur.h"

#define LIVE_SAMPLES 65536	/* latency samples kept per window (reservoir beyond) */
#define LIVE_SUBS 8

struct live_win {
	uint64_t start_ns;
	uint64_t dns_q, dns_r, http_q, http_r, packets;
	uint64_t n_lat;
	int64_t lat[LIVE_SAMPLES];
};

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
	struct live_win w;
	char last_status[200];
	uint64_t last_ts, last_ts_wall;
	uint8_t inner;			/* the innermost role given: its transactions fill the windows */
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

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

static int64_t pct(const struct live_win *w, unsigned n, double q)
{
	if (!n)
		return TXN_NS_NONE;
	unsigned i = (unsigned)(q * (n - 1) + 0.5);
	return w->lat[i];
}

static char *dur_or_dash(int64_t ns, char *dst, unsigned cap)
{
	if (ns == TXN_NS_NONE)
		snprintf(dst, cap, "-");
	else
		dur_format(ns, dst, cap);
	return dst;
}

/* One line per window of packet time. */
static void window_line(struct live *l)
{
	struct live_win *w = &l->w;
	unsigned n = w->n_lat < LIVE_SAMPLES ? (unsigned)w->n_lat : LIVE_SAMPLES;
	double secs = (double)l->window_ns / 1e9;
	char t[32], p50[32], p99[32];

	qsort(w->lat, n, sizeof w->lat[0], cmp_i64);
	dur_or_dash(pct(w, n, 0.5), p50, sizeof p50);
	dur_or_dash(pct(w, n, 0.99), p99, sizeof p99);
	clock_str(w->start_ns, t, sizeof t);
	if (l->status_only)
		;
	else if (l->json_lines)
		printf("{\"window\":\"%s\",\"start_ns\":%llu,\"packets\":%llu,\"dns_queries_per_s\":%.1f,"
		       "\"dns_responses_per_s\":%.1f,\"http_requests_per_s\":%.1f,"
		       "\"http_responses_per_s\":%.1f,\"p50\":\"%s\",\"p99\":\"%s\"}\n",
		       t, (unsigned long long)w->start_ns, (unsigned long long)w->packets,
		       (double)w->dns_q / secs, (double)w->dns_r / secs, (double)w->http_q / secs,
		       (double)w->http_r / secs, p50, p99);
	else
		printf("%s  pkts %llu  dns %.0f q/s %.0f r/s  http %.0f req/s %.0f resp/s  p50 %s p99 %s\n", t,
		       (unsigned long long)w->packets, (double)w->dns_q / secs, (double)w->dns_r / secs,
		       (double)w->http_q / secs, (double)w->http_r / secs, p50, p99);
	snprintf(l->last_status, sizeof l->last_status,
		 "dns %.0f/%.0f q,r/s  http %.0f/%.0f req,resp/s  p50 %s p99 %s", (double)w->dns_q / secs,
		 (double)w->dns_r / secs, (double)w->http_q / secs, (double)w->http_r / secs, p50, p99);
	fflush(stdout);
}

/* Packet time moved to now: close the windows it passed. */
static void advance_windows(struct live *l, uint64_t now)
{
	if (!l->w.start_ns) {
		l->w.start_ns = now - now % (uint64_t)l->window_ns;
		return;
	}
	while (now >= l->w.start_ns + (uint64_t)l->window_ns) {
		uint64_t next = l->w.start_ns + (uint64_t)l->window_ns;
		window_line(l);
		memset(&l->w, 0, offsetof(struct live_win, lat));
		l->w.start_ns = next;
		if (now - next > 60 * (uint64_t)l->window_ns)	/* a long gap: no empty lines for it */
			l->w.start_ns = now - now % (uint64_t)l->window_ns;
	}
}

static void on_txn(void *ctx, const struct txn *t)
{
	struct live *l = ctx;

	if (l->txn_out.f)
		rpt_jsonl_txn(&l->txn_out, t);
	/* each transaction comes once: attributed across the points, or the one point's */
	int dns = t->proto == TXN_DNS;
	*(dns ? &l->w.dns_q : &l->w.http_q) += 1;
	if (!t->answered || t->total_ns == TXN_NS_NONE)
		return;
	*(dns ? &l->w.dns_r : &l->w.http_r) += 1;
	l->w.lat[l->w.n_lat++ % LIVE_SAMPLES] = t->total_ns;
}

static void on_alert(void *ctx, const struct sil_alert *a)
{
	struct live *l = ctx;
	char ip[64], at[32], since[32], last[32], dur[32];

	ipaddr_str(&a->guest, ip, sizeof ip);
	clock_str(a->at_ns, at, sizeof at);
	clock_str(a->first_unanswered_ns, since, sizeof since);
	clock_str(a->last_answer_ns, last, sizeof last);
	snprintf(dur, sizeof dur, "%.3f s", (double)(a->at_ns - a->last_answer_ns) / 1e9);
	if (l->json_lines)
		printf("{\"alert\":\"%s\",\"guest\":\"%s\",\"point\":\"%s\",\"kind\":\"%s\",\"at_ns\":%llu,"
		       "\"last_answer_ns\":%llu,\"unanswered\":%llu}\n", a->resumed ? "resumed" : "silent",
		       ip, rpt_role_name[a->point], sil_kind_key(a->kind), (unsigned long long)a->at_ns,
		       (unsigned long long)a->last_answer_ns, (unsigned long long)a->unanswered);
	else if (a->resumed)
		printf("RESUMED %s guest %s answers again at %s (silent %s)\n", at, ip, rpt_role_name[a->point], dur);
	else
		printf("ALERT %s guest %s silent for %s at %s (%s): %llu requests unanswered since %s, "
		       "last answer %s\n", at, ip, dur, rpt_role_name[a->point], sil_kind_text(a->kind),
		       (unsigned long long)a->unanswered, since, last);
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
	advance_windows(l, q.ts_ns);
	l->w.packets++;
	eng_feed(l->e, &q);	/* the silence detector too */
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
		"  --client/--uplink/--vif IF  interfaces of this host and their point roles\n"
		"  -r FILE          replay a capture at its recorded pace (interfaces by name)\n"
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
	capture_fill_sources(&l->cap, proto, file ? NULL : filter);
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
	eng_finish(l->e);
	advance_windows(l, l->w.start_ns + (uint64_t)l->window_ns);	/* the last, partial window */
	const struct results *r = eng_results(l->e);
	rpt_text(stdout, r);
	if (r->incidents_total)
		printf("guest silence alerts: %llu\n", (unsigned long long)r->incidents_total);
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
	rc = parse_live(l, argc, argv, &proto, &file, &l->ecfg.hang);
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
	for (int k = PT_N - 1; k >= 0; k--)
		if (l->role_name[k]) {
			l->inner = (uint8_t)k;
			break;
		}
	l->ecfg.roles = 0;
	for (int k = 0; k < PT_N; k++)
		if (l->role_name[k])
			l->ecfg.roles |= 1u << k;
	if (!l->ecfg.roles)
		l->ecfg.roles = 1u << PT_CLIENT;
	l->ecfg.window_ns = l->window_ns;
	l->ecfg.out = (struct txn_sink){ on_txn, l };
	l->ecfg.on_alert = on_alert;	/* the engine's detector reports here */
	l->ecfg.alert_ctx = l;
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
	l->window_ns = 1000000000LL;
	memset(l->role, -1, sizeof l->role);
	l->role_name[PT_CLIENT] = cfg->src[0].name;
	eng_config_default(&l->ecfg);
	l->ecfg.roles = 1u << PT_CLIENT;
	l->ecfg.out = (struct txn_sink){ on_txn, l };
	l->e = eng_new(&l->ecfg);
	if (!l->e) {
		free(l);
		return NULL;
	}
	cfg->tap = on_packet;
	cfg->tap_ctx = cfg->status_ctx = l;
	cfg->status_extra = on_status;
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
