#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "bridge-setup/testbed/tb_ns.h"
#include "bridge-setup/testbed/tb_ping.h"
#include "bridge-setup/testbed/tb_run.h"
#include "bridge-setup/testbed/tb_scn.h"
#include "common/dur.h"

#define TB_NARROW_PORTS "40000 40199"	/* port-exhaustion: 200 source ports */
#define TB_CLIENT_TIMEOUT_S 2		/* dnsperf -t, httperf --timeout */

static const struct tb_scn scenarios[] = {
	{ .name = "dns-ramp", .kind = TB_DNS, .rates = "500,1000,2000", .duration_s = 3,
	  .what = "BIND 9 authoritative, dnsperf at each rate (queries/s)" },
	{ .name = "http-ramp", .kind = TB_HTTP, .rates = "100,200,400", .duration_s = 3,
	  .what = "lighttpd, httperf one new connection per request (conn/s)" },
	/* 65 s: the ports come back 60 s (TIME_WAIT) after the first ones closed. */
	{ .name = "port-exhaustion", .kind = TB_HTTP, .rates = "300", .duration_s = 65,
	  .sysctl = { { "net/ipv4/ip_local_port_range", TB_NARROW_PORTS } },
	  .what = "lighttpd, httperf with the client's source ports narrowed to " TB_NARROW_PORTS
		  ": the client closes first, its ports sit in TIME_WAIT, connects fail until they come back" },
	/* The client's ARP entry for the guest expires within about 5 s of the
	 * hang (reachable 0.5-1.5 s, first probe after 1 s, 3 unicast probes 1 s
	 * apart); from then on only its ARP requests reach the wire. */
	{ .name = "guest-hang", .kind = TB_HTTP, .rates = "50", .duration_s = 12, .event = TB_EV_GUEST_DROP,
	  .event_at_s = 1,
	  .sysctl = { { "net/ipv4/neigh/eth0/base_reachable_time_ms", "1000" },
		      { "net/ipv4/neigh/eth0/delay_first_probe_time", "1" } },
	  .what = "lighttpd, httperf; after 1 s the guest drops everything on its eth0, both ways (nftables "
		  "netdev), ARP included, to the end" },
	{ .name = "app-hang", .kind = TB_DNS | TB_HTTP, .rates = "50", .duration_s = 8, .event = TB_EV_APP_STOP,
	  .event_at_s = 2, .event_for_s = 3,
	  .what = "BIND and lighttpd, dnsperf and httperf at once; from 2 s to 5 s the servers are stopped "
		  "(SIGSTOP) while the guest's kernel answers ARP, ping and SYNs, then continued (SIGCONT)" },
	{ .name = "bridge-drop", .kind = TB_DNS | TB_HTTP, .rates = "50", .duration_s = 8,
	  .event = TB_EV_BRIDGE_DROP, .event_at_s = 2, .event_for_s = 3,
	  .what = "BIND and lighttpd, dnsperf and httperf at once; from 2 s to 5 s Dom0's bridge drops every "
		  "frame it would send out of vif1.0" },
};

static volatile sig_atomic_t tb_interrupted;
static void on_interrupt(int sig)
{
	(void)sig;
	tb_interrupted = 1;
}

const char *tb_run_scenarios(void)
{
	return "dns-ramp, http-ramp, port-exhaustion, guest-hang, app-hang, bridge-drop";
}

static void sleep_s(double s)
{
	struct timespec ts = { (time_t)s, (long)((s - (time_t)s) * 1e9) };
	while (!tb_interrupted && nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static int64_t clock_ns(clockid_t id)
{
	struct timespec ts;
	clock_gettime(id, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int parse_rates(struct tb_runctx *r, const char *s)
{
	char buf[256], *save, *tok;
	snprintf(buf, sizeof buf, "%s", s);
	r->nsteps = 0;
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *end;
		double v = strtod(tok, &end);
		if (end == tok || *end || v <= 0 || r->nsteps == TB_MAX_STEPS) {
			fprintf(stderr, "hoplat testbed run: --rates '%s': positive numbers, at most %d\n", s,
				TB_MAX_STEPS);
			return -EINVAL;
		}
		r->step[r->nsteps++].rate = v;
	}
	return r->nsteps ? 0 : -EINVAL;
}

/* ---- the benchmark clients ---- */

/* The last 64 KiB of a client's output: its summary is at the end, after
 * one line per lost query (dnsperf's [Timeout] lines run to megabytes). */
static char *slurp_tail(const char *path)
{
	enum { CAP = 1 << 16 };
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	if (fseek(f, -(CAP - 1), SEEK_END) < 0)
		rewind(f);	/* shorter than that */
	char *buf = calloc(1, CAP);
	if (buf)
		buf[fread(buf, 1, CAP - 1, f)] = 0;
	fclose(f);
	return buf;
}

static pid_t spawn_client(struct tb_runctx *r, char *const argv[], const char *path)
{
	struct tb_spawn_how how = { *r->client_cg ? r->client_cg : NULL, 0 };
	return tb_spawn_how(TB_NS_CLIENT, &how, argv, path);
}

/* dnsperf stops sending once -q queries are outstanding (default 100): allow
 * all it can send within its timeout, so a slow server meets the whole load. */
static pid_t start_dnsperf(struct tb_runctx *r, struct tb_step *s, const char *rate, const char *limit)
{
	char path[512], qmax[32], qfile[] = TB_RUN_DIR "/queries.txt", timeout[16];
	snprintf(s->dns.output, sizeof s->dns.output, "dnsperf-%s.txt", rate);
	snprintf(path, sizeof path, "%s/%s", r->out, s->dns.output);
	double q = s->rate * (TB_CLIENT_TIMEOUT_S + 1);
	snprintf(qmax, sizeof qmax, "%.0f", q < 100 ? 100 : q > 65000 ? 65000 : q);
	snprintf(timeout, sizeof timeout, "%d", TB_CLIENT_TIMEOUT_S);
	FILE *f = fopen(qfile, "w");
	if (f) {
		fprintf(f, "%s A\n", TB_QNAME);
		fclose(f);
	}
	char *argv[] = { "dnsperf", "-s", TB_GUEST_IP, "-d", qfile, "-l", (char *)limit, "-Q", (char *)rate, "-c",
			 "1", "-T", "1", "-t", timeout, "-q", qmax, NULL };
	return spawn_client(r, argv, path);
}

static pid_t start_httperf(struct tb_runctx *r, struct tb_step *s, const char *rate)
{
	char path[512], conns[32], timeout[16];
	snprintf(s->http.output, sizeof s->http.output, "httperf-%s.txt", rate);
	snprintf(path, sizeof path, "%s/%s", r->out, s->http.output);
	snprintf(conns, sizeof conns, "%lld", (long long)(s->rate * r->duration_s + 0.5));
	snprintf(timeout, sizeof timeout, "%d", TB_CLIENT_TIMEOUT_S);
	char *argv[] = { "httperf", "--server", TB_GUEST_IP, "--port", "80", "--uri", TB_URI, "--rate", (char *)rate,
			 "--num-conns", conns, "--num-calls", "1", "--timeout", timeout, NULL };
	return spawn_client(r, argv, path);
}

/* Reaps a finished client: its exit status and CPU time. 1 reaped, 0 running. */
static int reap(pid_t pid, struct tb_client *c)
{
	int st;
	struct rusage ru;
	if (pid <= 0 || wait4(pid, &st, WNOHANG, &ru) != pid)
		return 0;
	c->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	c->cpu_s = ru.ru_utime.tv_sec + ru.ru_stime.tv_sec + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
	return 1;
}

static void read_client(const struct tb_runctx *r, struct tb_client *c, int dns)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s", r->out, c->output);
	char *text = slurp_tail(path);
	if (!text)
		return;
	if (dns)
		tb_parse_dnsperf(text, &c->dns);
	else
		tb_parse_httperf(text, &c->http);
	free(text);
}

/* ---- the guest's servers ---- */

/* CPU time of every thread of pid, in ns (/proc/PID/task/TID/schedstat's
 * first field: exact, where /proc/PID/stat counts 10 ms ticks). */
static double proc_cpu_s(pid_t pid)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/task", (int)pid);
	DIR *d = pid > 0 ? opendir(path) : NULL;
	struct dirent *e;
	double ns = 0;
	while (d && (e = readdir(d))) {
		char p[320];
		unsigned long long run;
		snprintf(p, sizeof p, "/proc/%d/task/%s/schedstat", (int)pid, e->d_name);
		FILE *f = e->d_name[0] != '.' ? fopen(p, "r") : NULL;
		if (f && fscanf(f, "%llu", &run) == 1)
			ns += (double)run;
		if (f)
			fclose(f);
	}
	if (d)
		closedir(d);
	return ns / 1e9;
}

static double servers_cpu_s(const struct tb_runctx *r)
{
	return proc_cpu_s(r->server[0]) + proc_cpu_s(r->server[1]);
}

/* Started at full speed (so they get ready in time), then moved into the
 * guest's cgroup with the quota. */
static int start_servers(struct tb_runctx *r)
{
	if (r->scn->kind & TB_DNS) {
		r->server[0] = tb_srv_named(r->err, sizeof r->err);
		if (r->server[0] < 0)
			return r->server[0];
	}
	if (r->scn->kind & TB_HTTP) {
		r->server[1] = tb_srv_lighttpd(r->err, sizeof r->err);
		if (r->server[1] < 0)
			return r->server[1];
	}
	for (int i = 0; i < 2 && *r->guest_cg; i++) {
		int rc = r->server[i] > 0 ? tb_cg_add(r->guest_cg, r->server[i]) : 0;
		if (rc < 0) {
			snprintf(r->err, sizeof r->err, "%s/cgroup.procs: %s", r->guest_cg, strerror(-rc));
			return rc;
		}
	}
	return 0;
}

static void stop_servers(struct tb_runctx *r)
{
	for (int i = 0; i < 2; i++)
		if (r->server[i] > 0) {
			kill(r->server[i], SIGCONT);	/* a stopped process would keep SIGTERM pending */
			tb_stop(r->server[i], 2000);
			r->server[i] = 0;
		}
}

/* ---- one step: the clients, the event, pings ---- */

struct tb_watch {
	struct tb_ping ping;
	int have_ping, phase;	/* phase: 0 before the event, 1 during, 2 after */
	pid_t dns, http;
	int64_t t0;		/* CLOCK_MONOTONIC at the clients' start */
};

static void ping_phase(struct tb_watch *w, struct tb_step *s, int next)
{
	if (w->have_ping) {
		sleep_s(0.1);	/* the answers to the last echoes */
		tb_ping_collect(&w->ping);
		s->ping[w->phase] = (struct tb_phase){ w->ping.sent, w->ping.answered };
		w->ping.sent = w->ping.answered = 0;
	}
	w->phase = next;
}

/* The event's bounds are times it certainly held: its start once the
 * command that makes it returned, its end before the one that lifts it ran
 * (nft applies a change some tens of ms before it exits). */
static void event_set(struct tb_runctx *r, struct tb_watch *w, struct tb_step *s, int on)
{
	struct tb_ev_target t = { &r->cfg, r->server, 2 };
	ping_phase(w, s, on ? 1 : 2);
	if (!on)
		s->event_ns[1] = clock_ns(CLOCK_REALTIME);
	if (tb_ev_set(r->scn->event, on, &t) < 0)
		fprintf(stderr, "hoplat testbed run: %s %s failed (see %s)\n", tb_ev_kind(r->scn->event),
			on ? "on" : "off", TB_RUN_DIR);
	if (on)
		s->event_ns[0] = clock_ns(CLOCK_REALTIME);
}

/* The event's schedule at t seconds into the step. */
static void event_tick(struct tb_runctx *r, struct tb_watch *w, struct tb_step *s, double t)
{
	const struct tb_scn *scn = r->scn;
	if (scn->event == TB_EV_NONE)
		return;
	if (w->phase == 0 && t >= scn->event_at_s)
		event_set(r, w, s, 1);
	else if (w->phase == 1 && scn->event_for_s > 0 && t >= scn->event_at_s + scn->event_for_s)
		event_set(r, w, s, 0);
}

static int watch_tick(struct tb_runctx *r, struct tb_watch *w, struct tb_step *s, int tick)
{
	event_tick(r, w, s, (clock_ns(CLOCK_MONOTONIC) - w->t0) / 1e9);
	if (w->have_ping && tick % 4 == 0)
		tb_ping_send(&w->ping);
	if (w->have_ping)
		tb_ping_collect(&w->ping);
	if (reap(w->dns, &s->dns))
		w->dns = 0;
	if (reap(w->http, &s->http))
		w->http = 0;
	return w->dns > 0 || w->http > 0;
}

static void watch_end(struct tb_runctx *r, struct tb_watch *w, struct tb_step *s)
{
	if (w->dns > 0)
		tb_stop(w->dns, 1000), s->dns.status = -ETIMEDOUT;
	if (w->http > 0)
		tb_stop(w->http, 1000), s->http.status = -ETIMEDOUT;
	if (w->phase == 1)
		event_set(r, w, s, 0);
	else if (w->have_ping)
		ping_phase(w, s, w->phase);
	if (w->have_ping)
		tb_ping_close(&w->ping);
}

static int start_clients(struct tb_runctx *r, struct tb_step *s, struct tb_watch *w)
{
	char rate[32], limit[32];
	snprintf(rate, sizeof rate, "%g", s->rate);
	snprintf(limit, sizeof limit, "%g", r->duration_s);
	w->t0 = clock_ns(CLOCK_MONOTONIC);
	if (r->scn->kind & TB_DNS && (w->dns = start_dnsperf(r, s, rate, limit)) < 0)
		return w->dns;
	if (r->scn->kind & TB_HTTP && (w->http = start_httperf(r, s, rate)) < 0) {
		if (w->dns > 0)
			tb_stop(w->dns, 1000);
		return w->http;
	}
	return 0;
}

static int run_step(struct tb_runctx *r, struct tb_step *s)
{
	struct tb_watch w = { .phase = 0 };
	struct tb_cg_stat cg0 = { 0 }, cg1 = { 0 };
	double cpu0 = servers_cpu_s(r);
	int cg = *r->guest_cg && tb_cg_stat(&r->cg_root, r->guest_cg, &cg0) == 0;
	if (r->scn->event != TB_EV_NONE)
		w.have_ping = tb_ping_open(&w.ping, TB_NS_CLIENT, TB_GUEST_IP) == 0;
	s->start_ns = clock_ns(CLOCK_REALTIME);
	int rc = start_clients(r, s, &w);
	for (int tick = 0; rc == 0 && !tb_interrupted && tick * 0.05 < r->duration_s + 15; tick++) {
		if (!watch_tick(r, &w, s, tick))
			break;
		sleep_s(0.05);
	}
	watch_end(r, &w, s);
	s->end_ns = clock_ns(CLOCK_REALTIME);
	s->server_cpu_s = servers_cpu_s(r) - cpu0;
	if (cg && tb_cg_stat(&r->cg_root, r->guest_cg, &cg1) == 0)
		s->throttled = 1, s->cg = (struct tb_cg_stat){ cg1.nr_periods - cg0.nr_periods,
							  cg1.nr_throttled - cg0.nr_throttled,
							  cg1.throttled_ns - cg0.throttled_ns };
	if (r->scn->kind & TB_DNS)
		read_client(r, &s->dns, 1);
	if (r->scn->kind & TB_HTTP)
		read_client(r, &s->http, 0);
	return rc;
}

/* ---- putting it together ---- */

static int mkdir_p(const char *dir)
{
	char p[512];
	snprintf(p, sizeof p, "%s", dir);
	for (char *s = p + 1; *s; s++)
		if (*s == '/') {
			*s = 0;
			if (mkdir(p, 0755) < 0 && errno != EEXIST)
				return -errno;
			*s = '/';
		}
	return mkdir(p, 0755) < 0 && errno != EEXIST ? -errno : 0;
}

/* The client namespace's settings the scenario needs, old values kept. */
static int set_sysctls(struct tb_runctx *r)
{
	const struct tb_sysctl *sc = r->scn->sysctl;
	for (int i = 0; i < TB_MAX_SYSCTL && sc[i].key; i++) {
		tb_sysctl_get(TB_NS_CLIENT, sc[i].key, r->sysctl_old[i], sizeof r->sysctl_old[i]);
		int rc = tb_sysctl_set(TB_NS_CLIENT, sc[i].key, sc[i].value);
		if (rc < 0) {
			snprintf(r->err, sizeof r->err, "%s in %s: %s", sc[i].key, TB_NS_CLIENT, strerror(-rc));
			return rc;
		}
		r->sysctl_set = i + 1;
	}
	/* A neighbour entry keeps the timer it was armed with (reachable for
	 * 15-45 s by default): forget it, so the next one follows the new timers. */
	char *flush[] = { "ip", "neigh", "flush", "dev", "eth0", NULL };
	if (r->sysctl_set && !strncmp(sc[0].key, "net/ipv4/neigh/", 15) &&
	    tb_run_tool(TB_NS_CLIENT, flush, TB_RUN_DIR "/neigh-flush.log", 5000) != 0) {
		snprintf(r->err, sizeof r->err, "ip neigh flush dev eth0 in %s failed", TB_NS_CLIENT);
		return -EIO;
	}
	return 0;
}

static void restore_sysctls(struct tb_runctx *r)
{
	for (int i = 0; i < r->sysctl_set; i++)
		if (*r->sysctl_old[i])
			tb_sysctl_set(TB_NS_CLIENT, r->scn->sysctl[i].key, r->sysctl_old[i]);
}

static int prepare(struct tb_runctx *r)
{
	if (tb_config_load(&r->cfg) < 0 || !tb_ns_exists(TB_NS_CLIENT) || !tb_ns_exists(TB_NS_GUEST) ||
	    !tb_ns_exists(TB_NS_DOM0)) {
		snprintf(r->err, sizeof r->err, "the testbed is not up: run `hoplat testbed up [--link-delay D ...]` first");
		return -ENOENT;
	}
	int rc = mkdir_p(r->out);
	if (rc < 0) {
		snprintf(r->err, sizeof r->err, "%s: %s", r->out, strerror(-rc));
		return rc;
	}
	time_t now = time(NULL);
	strftime(r->started, sizeof r->started, "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
	tb_cg_find("/proc/self/mounts", &r->cg_root);
	if (tb_cpu_group(&r->cfg, TB_CG_GUEST, r->guest_cg, sizeof r->guest_cg) < 0)
		*r->guest_cg = 0;
	if (tb_cpu_group(&r->cfg, TB_CG_CLIENT, r->client_cg, sizeof r->client_cg) < 0)
		*r->client_cg = 0;
	return set_sysctls(r);
}

static int run_steps(struct tb_runctx *r)
{
	int rc = 0;
	for (int i = 0; rc == 0 && i < r->nsteps && !tb_interrupted; i++) {
		fprintf(stderr, "%s: step %d/%d, rate %g for %gs\n", r->scn->name, i + 1, r->nsteps, r->step[i].rate,
			r->duration_s);
		if ((rc = run_step(r, &r->step[i])) < 0)
			snprintf(r->err, sizeof r->err, "starting the benchmark client: %s", strerror(-rc));
		else
			r->ran = i + 1;
		sleep_s(0.5);	/* a quiet gap between steps */
	}
	return rc;
}

static int run(struct tb_runctx *r)
{
	int rc = prepare(r);
	if (rc == 0)
		rc = start_servers(r);
	if (rc == 0)
		rc = tb_caps_start(&r->caps, r->out, r->err, sizeof r->err);
	if (rc == 0)
		rc = run_steps(r);
	if (r->caps.client || r->caps.dom0)
		tb_caps_stop(&r->caps);
	stop_servers(r);
	restore_sysctls(r);
	if (rc == 0 && (rc = tb_scn_json(r)) < 0)
		snprintf(r->err, sizeof r->err, "%s/scenario.json: %s", r->out, strerror(-rc));
	if (rc == 0 && tb_interrupted) {
		snprintf(r->err, sizeof r->err, "interrupted (scenario.json holds the steps that ran)");
		rc = -EINTR;
	}
	return rc;
}

static void run_usage(FILE *f)
{
	fprintf(f, "usage: hoplat testbed run SCENARIO --out DIR [--rates R1,R2,...] [--duration S]\n");
	for (size_t i = 0; i < sizeof scenarios / sizeof scenarios[0]; i++)
		fprintf(f, "  %-16s %s; rates %s, %gs per step\n", scenarios[i].name, scenarios[i].what,
			scenarios[i].rates, scenarios[i].duration_s);
}

static int parse_duration(struct tb_runctx *r, const char *dur)
{
	int64_t ns;
	r->duration_s = r->scn->duration_s;
	if (!dur)
		return 0;
	if (dur_parse(dur, &ns) < 0 || ns < 100000000) {
		fprintf(stderr, "hoplat testbed run: --duration '%s': a duration of at least 100ms (2, 2s, 500ms)\n", dur);
		return -EINVAL;
	}
	r->duration_s = ns / 1e9;
	return 0;
}

static const struct tb_scn *find_scenario(const char *name)
{
	for (size_t i = 0; i < sizeof scenarios / sizeof scenarios[0]; i++)
		if (!strcmp(name, scenarios[i].name))
			return &scenarios[i];
	return NULL;
}

int tb_run_main(int argc, char **argv)
{
	static const struct option opts[] = { { "out", required_argument, 0, 'o' },
					      { "rates", required_argument, 0, 'r' },
					      { "duration", required_argument, 0, 'd' },
					      { "help", no_argument, 0, 'h' }, { 0, 0, 0, 0 } };
	static struct tb_runctx r;
	const char *rates = NULL, *dur = NULL;
	int o;
	memset(&r, 0, sizeof r);
	optind = 1;
	while ((o = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (o) {
		case 'o': r.out = optarg; break;
		case 'r': rates = optarg; break;
		case 'd': dur = optarg; break;
		case 'h': run_usage(stdout); return 0;
		default: run_usage(stderr); return 2;
		}
	}
	r.scn = optind < argc ? find_scenario(argv[optind]) : NULL;
	if (!r.scn || !r.out || optind + 1 != argc) {
		if (optind < argc && !r.scn)
			fprintf(stderr, "hoplat testbed run: unknown scenario '%s'\n", argv[optind]);
		run_usage(stderr);
		return 2;
	}
	if (parse_rates(&r, rates ? rates : r.scn->rates) < 0 || parse_duration(&r, dur) < 0)
		return 2;
	struct sigaction sa = { .sa_handler = on_interrupt };
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	if (run(&r) < 0) {
		fprintf(stderr, "hoplat testbed run %s: %s\n", r.scn->name, r.err);
		return 1;
	}
	printf("%s: %s/client.pcapng, %s/dom0.pcapng, %s/scenario.json (captured with %s)\n", r.scn->name, r.out,
	       r.out, r.out, r.caps.tool);
	return 0;
}
