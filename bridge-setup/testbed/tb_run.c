#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "bridge-setup/testbed/tb_bench.h"
#include "bridge-setup/testbed/tb_ns.h"
#include "bridge-setup/testbed/tb_ping.h"
#include "bridge-setup/testbed/tb_run.h"
#include "bridge-setup/testbed/tb_srv.h"
#include "bridge-setup/testbed/tb_topo.h"
#include "common/dur.h"

#define TB_MAX_STEPS 16
#define TB_NARROW_PORTS "40000 40199"	/* port-exhaustion: 200 source ports */

enum tb_kind { TB_DNS, TB_HTTP };

struct tb_scn {
	const char *name;
	enum tb_kind kind;
	const char *rates;	/* default steps */
	double duration_s;	/* default per step */
	const char *what;
};

static const struct tb_scn scenarios[] = {
	{ "dns-ramp", TB_DNS, "500,1000,2000", 3, "BIND 9 authoritative, dnsperf at each rate (queries/s)" },
	{ "http-ramp", TB_HTTP, "100,200,400", 3, "lighttpd, httperf one new connection per request (conn/s)" },
	{ "port-exhaustion", TB_HTTP, "300", 4,
	  "lighttpd, httperf with the client's source ports narrowed to " TB_NARROW_PORTS " so TIME_WAIT exhausts them" },
	{ "guest-hang", TB_HTTP, "50", 4,
	  "lighttpd, httperf; after 1 s the guest drops everything on eth0 ingress (nftables netdev), ARP included" },
};

struct tb_step {
	double rate;
	char output[64];	/* the client's own output file, in DIR */
	int status;
	struct tb_dnsperf dns;
	struct tb_httperf http;
};

struct tb_runctx {
	const struct tb_scn *scn;
	const char *out;
	double duration_s;
	struct tb_config cfg;
	struct tb_step step[TB_MAX_STEPS];
	int nsteps, ran;	/* asked for, and run (fewer when interrupted) */
	struct tb_caps caps;
	pid_t server;
	double hang_at_s;		/* guest-hang: since the first request */
	int ping_sent[2], ping_answered[2];	/* guest-hang: before, after the hang */
	char port_range[64];		/* port-exhaustion: the range it ran with */
	char started[32];
	char err[256];
};

static volatile sig_atomic_t tb_interrupted;
static void on_interrupt(int sig)
{
	(void)sig;
	tb_interrupted = 1;
}

const char *tb_run_scenarios(void)
{
	return "dns-ramp, http-ramp, port-exhaustion, guest-hang";
}

static void sleep_s(double s)
{
	struct timespec ts = { (time_t)s, (long)((s - (time_t)s) * 1e9) };
	while (!tb_interrupted && nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
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

static int wait_client(pid_t pid, double limit_s)
{
	for (double t = 0; t < limit_s; t += 0.05) {
		int st;
		pid_t w = waitpid(pid, &st, WNOHANG);
		if (w == pid)
			return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
		if (tb_interrupted)
			break;
		sleep_s(0.05);
	}
	tb_stop(pid, 1000);
	return -ETIMEDOUT;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	char *buf = calloc(1, 1 << 16);
	if (buf)
		buf[fread(buf, 1, (1 << 16) - 1, f)] = 0;
	fclose(f);
	return buf;
}

static pid_t start_client(struct tb_runctx *r, struct tb_step *s, char *path, size_t cap)
{
	char rate[32], limit[32], conns[32], qfile[] = TB_RUN_DIR "/queries.txt";
	snprintf(rate, sizeof rate, "%g", s->rate);
	snprintf(limit, sizeof limit, "%g", r->duration_s);
	snprintf(conns, sizeof conns, "%lld", (long long)(s->rate * r->duration_s + 0.5));
	snprintf(s->output, sizeof s->output, "%s-%s.txt", r->scn->kind == TB_DNS ? "dnsperf" : "httperf", rate);
	snprintf(path, cap, "%s/%s", r->out, s->output);
	if (r->scn->kind == TB_DNS) {
		FILE *q = fopen(qfile, "w");
		if (q) {
			fprintf(q, "%s A\n", TB_QNAME);
			fclose(q);
		}
		char *argv[] = { "dnsperf", "-s", TB_GUEST_IP, "-d", qfile, "-l", limit, "-Q", rate, "-c", "1",
				 "-T", "1", "-t", "2", NULL };
		return tb_spawn(TB_NS_CLIENT, argv, path);
	}
	char *argv[] = { "httperf", "--server", TB_GUEST_IP, "--port", "80", "--uri", TB_URI, "--rate", rate,
			 "--num-conns", conns, "--num-calls", "1", "--timeout", "2", NULL };
	return tb_spawn(TB_NS_CLIENT, argv, path);
}

static int guest_drop(int on)
{
	const char *cmd = on ? "table netdev hoplat_hang {\n"
			       "  chain ingress {\n"
			       "    type filter hook ingress device \"eth0\" priority 0; policy drop;\n"
			       "  }\n"
			       "}\n"
			     : "delete table netdev hoplat_hang\n";
	FILE *f = fopen(TB_RUN_DIR "/hang.nft", "w");
	if (!f)
		return -errno;
	fputs(cmd, f);
	fclose(f);
	char *argv[] = { "nft", "-f", TB_RUN_DIR "/hang.nft", NULL };
	return tb_run_tool(TB_NS_GUEST, argv, TB_RUN_DIR "/nft-hang.log", 5000) == 0 ? 0 : -EIO;
}

/* guest-hang: pings every 200 ms beside the client; after hang_at_s the
 * guest drops everything arriving on its eth0 (ARP, ICMP, TCP). */
static int hang_step(struct tb_runctx *r, pid_t pid)
{
	struct tb_ping p;
	int have_ping = tb_ping_open(&p, TB_NS_CLIENT, TB_GUEST_IP) == 0, st = -ETIMEDOUT, phase = 0;
	r->hang_at_s = 1.0;
	for (int tick = 0; tick * 0.05 < r->duration_s + 15 && !tb_interrupted; tick++) {
		if (!phase && tick * 0.05 >= r->hang_at_s) {
			if (have_ping)
				sleep_s(0.1), tb_ping_collect(&p);	/* the last replies before it */
			if (guest_drop(1) < 0)
				fprintf(stderr, "hoplat testbed run: nft drop in %s failed\n", TB_NS_GUEST);
			if (have_ping)
				r->ping_sent[0] = p.sent, r->ping_answered[0] = p.answered, p.sent = p.answered = 0;
			phase = 1;
		}
		if (have_ping && tick % 4 == 0)
			tb_ping_send(&p);
		if (have_ping)
			tb_ping_collect(&p);
		int w;
		if (waitpid(pid, &w, WNOHANG) == pid) {
			st = WIFEXITED(w) ? WEXITSTATUS(w) : 128 + WTERMSIG(w);
			break;
		}
		sleep_s(0.05);
	}
	if (st == -ETIMEDOUT)
		tb_stop(pid, 1000);
	if (have_ping) {
		sleep_s(0.2);
		tb_ping_collect(&p);
		r->ping_sent[1] = p.sent, r->ping_answered[1] = p.answered;
		tb_ping_close(&p);
	}
	return st;
}

static int run_step(struct tb_runctx *r, struct tb_step *s)
{
	char path[512];
	pid_t pid = start_client(r, s, path, sizeof path);
	if (pid < 0)
		return pid;
	if (!strcmp(r->scn->name, "guest-hang"))
		s->status = hang_step(r, pid);
	else
		s->status = wait_client(pid, r->duration_s + 15);
	char *text = slurp(path);
	if (text) {
		if (r->scn->kind == TB_DNS)
			tb_parse_dnsperf(text, &s->dns);
		else
			tb_parse_httperf(text, &s->http);
		free(text);
	}
	if (!strcmp(r->scn->name, "guest-hang"))
		guest_drop(0);
	return 0;
}

/* ---- scenario.json ---- */

static void tool_versions(FILE *f)
{
	char v[200];
	char *named[] = { "named", "-v", NULL }, *dnsperf[] = { "dnsperf", "-h", NULL },
	     *httperf[] = { "httperf", "-V", NULL }, *lighttpd[] = { "lighttpd", "-v", NULL };
	tb_tool_version(named, "BIND", v, sizeof v);
	fprintf(f, "    \"named\": \"%s\",\n", v);
	tb_tool_version(dnsperf, "Version", v, sizeof v);
	fprintf(f, "    \"dnsperf\": \"%s\",\n", v);
	tb_tool_version(httperf, "httperf-", v, sizeof v);
	fprintf(f, "    \"httperf\": \"%s\",\n", v);
	tb_tool_version(lighttpd, "lighttpd/", v, sizeof v);
	fprintf(f, "    \"lighttpd\": \"%s\"\n", v);
}

static void json_step(FILE *f, const struct tb_runctx *r, const struct tb_step *s)
{
	fprintf(f, "    {\"rate\": %g, \"output\": \"%s\", \"exit_status\": %d, ", s->rate, s->output, s->status);
	if (r->scn->kind == TB_DNS) {
		const struct tb_dnsperf *d = &s->dns;
		fprintf(f, "\"client\": \"dnsperf\", \"queries_sent\": %lld, \"queries_completed\": %lld, "
			   "\"queries_lost\": %lld, \"qps\": %g, \"avg_latency_s\": %g, \"min_latency_s\": %g, "
			   "\"max_latency_s\": %g}",
			(long long)d->sent, (long long)d->completed, (long long)d->lost, d->qps, d->avg_latency_s,
			d->min_latency_s, d->max_latency_s);
		return;
	}
	const struct tb_httperf *h = &s->http;
	fprintf(f, "\"client\": \"httperf\", \"connections\": %lld, \"requests\": %lld, \"replies\": %lld, "
		   "\"connection_rate\": %g, \"reply_rate_avg\": %g, \"connect_time_ms\": %g, "
		   "\"reply_time_ms\": %g, \"errors\": {\"total\": %lld, \"client_timo\": %lld, "
		   "\"socket_timo\": %lld, \"connrefused\": %lld, \"connreset\": %lld, \"fd_unavail\": %lld, "
		   "\"addrunavail\": %lld, \"ftab_full\": %lld, \"other\": %lld}}",
		(long long)h->conns, (long long)h->requests, (long long)h->replies, h->conn_rate, h->reply_rate_avg,
		h->connect_time_ms, h->reply_time_ms, (long long)h->errors, (long long)h->client_timo,
		(long long)h->socket_timo, (long long)h->connrefused, (long long)h->connreset,
		(long long)h->fd_unavail, (long long)h->addrunavail, (long long)h->ftab_full, (long long)h->other);
}

static void json_delays(FILE *f, const struct tb_config *c)
{
	char a[32], b[32], g[32];
	fprintf(f, "  \"delays\": {\"link\": \"%s\", \"bridge\": \"%s\", \"guest\": \"%s\", "
		   "\"link_us\": %g, \"bridge_us\": %g, \"guest_us\": %g, \"loss_pct\": %g, "
		   "\"one_way_each_crossing\": true},\n",
		dur_format(c->link_ns, a, sizeof a), dur_format(c->bridge_ns, b, sizeof b),
		dur_format(c->guest_ns, g, sizeof g), c->link_ns / 1e3, c->bridge_ns / 1e3, c->guest_ns / 1e3,
		c->loss_pct);
	/* What hoplat analyze should find (both directions of a round trip). */
	fprintf(f, "  \"expected\": {\"dns_link_p50_us\": %g, \"dns_bridge_p50_us\": %g, \"dns_guest_added_us\": %g, "
		   "\"http_round_trips_on_critical_path\": 2},\n",
		2 * c->link_ns / 1e3, 2 * c->bridge_ns / 1e3, 2 * c->guest_ns / 1e3);
}

static int write_json(const struct tb_runctx *r)
{
	char path[512];
	snprintf(path, sizeof path, "%s/scenario.json", r->out);
	FILE *f = fopen(path, "w");
	if (!f)
		return -errno;
	fprintf(f, "{\n  \"scenario\": \"%s\",\n  \"description\": \"%s\",\n  \"started\": \"%s\",\n",
		r->scn->name, r->scn->what, r->started);
	json_delays(f, &r->cfg);
	fprintf(f, "  \"rates\": [");
	for (int i = 0; i < r->nsteps; i++)
		fprintf(f, "%s%g", i ? ", " : "", r->step[i].rate);
	fprintf(f, "],\n  \"rate_unit\": \"%s\",\n  \"duration_s\": %g,\n", r->scn->kind == TB_DNS ? "queries/s" : "connections/s",
		r->duration_s);
	fprintf(f, "  \"topology\": {\"client\": \"%s\", \"guest\": \"%s\", \"bridge\": \"%s\", \"server\": \"%s\"},\n",
		TB_CLIENT_IP, TB_GUEST_IP, TB_BRIDGE_IP, r->scn->kind == TB_DNS ? "named " TB_ZONE : "lighttpd " TB_URI);
	fprintf(f, "  \"captures\": {\"tool\": \"%s\", \"client\": \"client.pcapng#eth0\", "
		   "\"uplink\": \"dom0.pcapng#peth0\", \"vif\": \"dom0.pcapng#vif1.0\"},\n", r->caps.tool);
	if (*r->port_range)
		fprintf(f, "  \"client_port_range\": \"%s\",\n", r->port_range);
	if (r->hang_at_s > 0)
		fprintf(f, "  \"guest_hang_after_s\": %g,\n  \"ping\": {\"sent_before_hang\": %d, "
			   "\"answered_before_hang\": %d, \"sent_after_hang\": %d, \"answered_after_hang\": %d},\n",
			r->hang_at_s, r->ping_sent[0], r->ping_answered[0], r->ping_sent[1], r->ping_answered[1]);
	fprintf(f, "  \"tools\": {\n");
	tool_versions(f);
	fprintf(f, "  },\n  \"steps\": [\n");
	for (int i = 0; i < r->ran; i++) {
		json_step(f, r, &r->step[i]);
		fprintf(f, "%s\n", i + 1 < r->ran ? "," : "");
	}
	fprintf(f, "  ]\n}\n");
	return fclose(f) < 0 ? -errno : 0;
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
	if (!strcmp(r->scn->name, "port-exhaustion")) {
		char old[64];
		tb_sysctl_get(TB_NS_CLIENT, "net/ipv4/ip_local_port_range", old, sizeof old);
		rc = tb_sysctl_set(TB_NS_CLIENT, "net/ipv4/ip_local_port_range", TB_NARROW_PORTS);
		if (rc < 0) {
			snprintf(r->err, sizeof r->err, "ip_local_port_range in %s: %s", TB_NS_CLIENT, strerror(-rc));
			return rc;
		}
		snprintf(r->port_range, sizeof r->port_range, "%s", TB_NARROW_PORTS);
		FILE *f = fopen(TB_RUN_DIR "/port_range.orig", "w");
		if (f) {
			fputs(old, f);
			fclose(f);
		}
	}
	return 0;
}

static void restore(struct tb_runctx *r)
{
	if (*r->port_range) {
		char old[64] = "32768 60999";
		FILE *f = fopen(TB_RUN_DIR "/port_range.orig", "r");
		if (f) {
			if (!fgets(old, sizeof old, f))
				snprintf(old, sizeof old, "32768 60999");
			fclose(f);
		}
		tb_sysctl_set(TB_NS_CLIENT, "net/ipv4/ip_local_port_range", old);
	}
}

static int run(struct tb_runctx *r)
{
	int rc = prepare(r);
	if (rc < 0)
		return rc;
	r->server = r->scn->kind == TB_DNS ? tb_srv_named(r->err, sizeof r->err)
					   : tb_srv_lighttpd(r->err, sizeof r->err);
	if (r->server < 0) {
		restore(r);
		return r->server;
	}
	rc = tb_caps_start(&r->caps, r->out, r->err, sizeof r->err);
	for (int i = 0; rc == 0 && i < r->nsteps && !tb_interrupted; i++) {
		fprintf(stderr, "%s: step %d/%d, rate %g for %gs\n", r->scn->name, i + 1, r->nsteps, r->step[i].rate,
			r->duration_s);
		if ((rc = run_step(r, &r->step[i])) < 0)
			snprintf(r->err, sizeof r->err, "starting the benchmark client: %s", strerror(-rc));
		else
			r->ran = i + 1;
		sleep_s(0.5);	/* a quiet gap between steps */
	}
	if (r->caps.client || r->caps.dom0)
		tb_caps_stop(&r->caps);
	tb_stop(r->server, 2000);
	restore(r);
	if (rc == 0 && (rc = write_json(r)) < 0)
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
	for (size_t i = 0; optind < argc && i < sizeof scenarios / sizeof scenarios[0]; i++)
		if (!strcmp(argv[optind], scenarios[i].name))
			r.scn = &scenarios[i];
	if (!r.scn || !r.out || optind + 1 != argc) {
		if (optind < argc && !r.scn)
			fprintf(stderr, "hoplat testbed run: unknown scenario '%s'\n", argv[optind]);
		run_usage(stderr);
		return 2;
	}
	if (parse_rates(&r, rates ? rates : r.scn->rates) < 0)
		return 2;
	r.duration_s = r.scn->duration_s;
	if (dur) {
		int64_t ns;
		if (dur_parse(dur, &ns) < 0 || ns < 100000000) {
			fprintf(stderr, "hoplat testbed run: --duration '%s': a duration of at least 100ms (2, 2s, 500ms)\n", dur);
			return 2;
		}
		r.duration_s = ns / 1e9;
	}
	struct sigaction sa = { .sa_handler = on_interrupt };
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	int rc = run(&r);
	if (rc < 0) {
		fprintf(stderr, "hoplat testbed run %s: %s\n", r.scn->name, r.err);
		return 1;
	}
	printf("%s: %s/client.pcapng, %s/dom0.pcapng, %s/scenario.json (captured with %s)\n", r.scn->name, r.out,
	       r.out, r.out, r.caps.tool);
	return 0;
}
