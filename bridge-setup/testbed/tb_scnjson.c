/* DIR/scenario.json: what was run, how the path was set up, and what the
 * benchmark clients themselves reported, step by step. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "bridge-setup/testbed/tb_scn.h"
#include "common/dur.h"

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

/* What every client's entry starts with: how it ran. */
static void json_client(FILE *f, const struct tb_client *c, const char *name)
{
	fprintf(f, "\"output\": \"%s\", \"exit_status\": %d, \"client_cpu_s\": %.3f, \"client\": \"%s\", ",
		c->output, c->status, c->cpu_s, name);
}

static void json_dnsperf(FILE *f, const struct tb_client *c)
{
	const struct tb_dnsperf *d = &c->dns;
	json_client(f, c, "dnsperf");
	fprintf(f, "\"queries_sent\": %lld, \"queries_completed\": %lld, \"queries_lost\": %lld, \"qps\": %g, "
		   "\"avg_latency_s\": %g, \"min_latency_s\": %g, \"max_latency_s\": %g",
		(long long)d->sent, (long long)d->completed, (long long)d->lost, d->qps, d->avg_latency_s,
		d->min_latency_s, d->max_latency_s);
}

static void json_httperf(FILE *f, const struct tb_client *c)
{
	const struct tb_httperf *h = &c->http;
	json_client(f, c, "httperf");
	fprintf(f, "\"connections\": %lld, \"requests\": %lld, \"replies\": %lld, \"connection_rate\": %g, "
		   "\"reply_rate_avg\": %g, \"connect_time_ms\": %g, \"reply_time_ms\": %g, ",
		(long long)h->conns, (long long)h->requests, (long long)h->replies, h->conn_rate, h->reply_rate_avg,
		h->connect_time_ms, h->reply_time_ms);
	fprintf(f, "\"errors\": {\"total\": %lld, \"client_timo\": %lld, \"socket_timo\": %lld, \"connrefused\": %lld, "
		   "\"connreset\": %lld, \"fd_unavail\": %lld, \"addrunavail\": %lld, \"ftab_full\": %lld, \"other\": %lld}",
		(long long)h->errors, (long long)h->client_timo, (long long)h->socket_timo, (long long)h->connrefused,
		(long long)h->connreset, (long long)h->fd_unavail, (long long)h->addrunavail, (long long)h->ftab_full,
		(long long)h->other);
}

static void json_event(FILE *f, const struct tb_step *s)
{
	static const char *const phase[] = { "before", "during", "after" };
	fprintf(f, ", \"event\": {\"start_ns\": %lld, \"end_ns\": ", (long long)s->event_ns[0]);
	if (s->event_ns[1])
		fprintf(f, "%lld", (long long)s->event_ns[1]);
	else
		fprintf(f, "null");
	fprintf(f, ", \"ping\": {");
	for (int i = 0; i < 3; i++)
		fprintf(f, "%s\"%s\": {\"sent\": %d, \"answered\": %d}", i ? ", " : "", phase[i], s->ping[i].sent,
			s->ping[i].answered);
	fprintf(f, "}}");
}

static void json_step(FILE *f, const struct tb_runctx *r, const struct tb_step *s)
{
	fprintf(f, "    {\"rate\": %g, \"start_ns\": %lld, \"end_ns\": %lld, \"server_cpu_s\": %.3f, ", s->rate,
		(long long)s->start_ns, (long long)s->end_ns, s->server_cpu_s);
	if (s->throttled)
		fprintf(f, "\"guest_cgroup\": {\"periods\": %lld, \"throttled_periods\": %lld, \"throttled_ms\": %.1f}, ",
			(long long)s->cg.nr_periods, (long long)s->cg.nr_throttled, s->cg.throttled_ns / 1e6);
	if (r->scn->kind == TB_DNS) {
		json_dnsperf(f, &s->dns);
	} else if (r->scn->kind == TB_HTTP) {
		json_httperf(f, &s->http);
	} else {
		fprintf(f, "\"dnsperf\": {");
		json_dnsperf(f, &s->dns);
		fprintf(f, "}, \"httperf\": {");
		json_httperf(f, &s->http);
		fprintf(f, "}");
	}
	if (r->scn->event != TB_EV_NONE)
		json_event(f, s);
	fprintf(f, "}");
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

static void json_pct(FILE *f, const char *key, const char *cg, double pct)
{
	if (*cg)
		fprintf(f, "\"%s\": %g, ", key, pct);
	else
		fprintf(f, "\"%s\": null, ", key);
}

static void json_cpu(FILE *f, const struct tb_runctx *r)
{
	fprintf(f, "  \"cpu_quota\": {");
	json_pct(f, "guest_pct", r->guest_cg, r->cfg.guest_cpu_pct);
	json_pct(f, "client_pct", r->client_cg, r->cfg.client_cpu_pct);
	fprintf(f, "\"period_us\": %d, \"cgroup\": ", TB_CG_PERIOD_US);
	if (*r->guest_cg || *r->client_cg)
		fprintf(f, "\"%s\", \"cgroup_version\": %d},\n", r->cg_root.path, r->cg_root.v2 ? 2 : 1);
	else
		fprintf(f, "null},\n");
}

static void json_setup(FILE *f, const struct tb_runctx *r)
{
	const struct tb_scn *s = r->scn;
	if (r->sysctl_set) {
		fprintf(f, "  \"client_sysctl\": {");
		for (int i = 0; i < r->sysctl_set; i++)
			fprintf(f, "%s\"%s\": \"%s\"", i ? ", " : "", s->sysctl[i].key, s->sysctl[i].value);
		fprintf(f, "},\n");
	}
	for (int i = 0; i < r->sysctl_set; i++)
		if (!strcmp(s->sysctl[i].key, "net/ipv4/ip_local_port_range"))
			fprintf(f, "  \"client_port_range\": \"%s\",\n", s->sysctl[i].value);
	if (s->event == TB_EV_NONE)
		return;
	fprintf(f, "  \"event\": {\"kind\": \"%s\", \"how\": \"%s\", \"at_s\": %g, \"for_s\": ", tb_ev_kind(s->event),
		tb_ev_how(s->event, &r->cfg), s->event_at_s);
	if (s->event_for_s > 0)
		fprintf(f, "%g},\n", s->event_for_s);
	else
		fprintf(f, "null},\n");
}

static const char *rate_unit(unsigned kind)
{
	return kind == TB_DNS ? "queries/s" : kind == TB_HTTP ? "connections/s" : "queries/s and connections/s";
}

static void json_head(FILE *f, const struct tb_runctx *r)
{
	fprintf(f, "{\n  \"scenario\": \"%s\",\n  \"description\": \"%s\",\n  \"started\": \"%s\",\n", r->scn->name,
		r->scn->what, r->started);
	json_delays(f, &r->cfg);
	json_cpu(f, r);
	fprintf(f, "  \"rates\": [");
	for (int i = 0; i < r->nsteps; i++)
		fprintf(f, "%s%g", i ? ", " : "", r->step[i].rate);
	fprintf(f, "],\n  \"rate_unit\": \"%s\",\n  \"duration_s\": %g,\n", rate_unit(r->scn->kind), r->duration_s);
	fprintf(f, "  \"topology\": {\"client\": \"%s\", \"guest\": \"%s\", \"bridge\": \"%s\", \"server\": \"%s%s%s\"},\n",
		TB_CLIENT_IP, TB_GUEST_IP, TB_BRIDGE_IP, r->scn->kind & TB_DNS ? "named " TB_ZONE : "",
		r->scn->kind == (TB_DNS | TB_HTTP) ? ", " : "", r->scn->kind & TB_HTTP ? "lighttpd " TB_URI : "");
	fprintf(f, "  \"captures\": {\"tool\": \"%s\", \"client\": \"client.pcapng#eth0\", "
		   "\"uplink\": \"dom0.pcapng#peth0\", \"vif\": \"dom0.pcapng#vif1.0\"},\n", r->caps.tool);
	json_setup(f, r);
}

int tb_scn_json(const struct tb_runctx *r)
{
	char path[512];
	snprintf(path, sizeof path, "%s/scenario.json", r->out);
	FILE *f = fopen(path, "w");
	if (!f)
		return -errno;
	json_head(f, r);
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
