/* Incidents (results.h, struct res_incident) in the text summary, the JSON
 * summary and the CSV: every kind with its evidence, drawn as kept. */
#include <stdio.h>
#include <string.h>
#include "analysis/report/rpt.h"
#include "common/dur.h"

/* Where an incident ends: still open, at the end of the capture. */
static uint64_t end_of(const struct results *r, const struct res_incident *in)
{
	return in->open ? r->last_ns : in->end_ns;
}

static double duration_s(const struct results *r, const struct res_incident *in)
{
	uint64_t end = end_of(r, in);
	return end > in->start_ns ? (double)(end - in->start_ns) / 1e9 : 0.0;
}

static const char *role(int point)
{
	return rpt_role_name[point >= 0 && point < PT_N ? point : 0];
}

/* ---- text ---- */

/* "2026-11-27 05:43:57.861 UTC" */
static char *utc_str(uint64_t ns, char *dst, unsigned cap)
{
	return dur_time_format(ns, "%Y-%m-%d %H:%M:%S", 1, dst, cap);
}

/* A point by its interface when the source names one ("vif1.0"), else its role. */
static const char *point_name(const struct results *r, int point)
{
	const char *hash = strrchr(r->point[point < PT_N ? point : 0].source, '#');
	return hash && hash[1] ? hash + 1 : role(point);
}

/* " from <UTC> for 3.9 s (to the end of the capture)" */
static void text_span(FILE *f, const struct results *r, const struct res_incident *in)
{
	char from[48];
	fprintf(f, " from %s for %.1f s%s", utc_str(in->start_ns, from, sizeof from), duration_s(r, in),
		in->open ? " (to the end of the capture)" : "");
}

/* "while 94 requests reached vif1.0 (peth0 95, client 95)" */
static void text_requests(FILE *f, const struct results *r, const struct res_incident *in)
{
	int pt = in->point < PT_N ? in->point : 0, first = 1;
	fprintf(f, " while %llu requests reached %s", (unsigned long long)in->requests[pt], point_name(r, pt));
	for (int p = PT_N - 1; p >= 0; p--)
		if (p != pt && r->point[p].present) {
			fprintf(f, "%s%s %llu", first ? " (" : ", ", point_name(r, p),
				(unsigned long long)in->requests[p]);
			first = 0;
		}
	if (!first)
		fputc(')', f);
}

/* "; unanswered icmp 20, tcp_syn 188; last answer http at <UTC>" */
static void text_evidence(FILE *f, const struct res_incident *in)
{
	char at[48];
	const char *sep = "; unanswered ";
	for (int k = 0; k < INC_REQ_N; k++)
		if (in->unanswered[k]) {
			fprintf(f, "%s%s %llu", sep, inc_req_key(k), (unsigned long long)in->unanswered[k]);
			sep = ", ";
		}
	if (in->last_answer_kind != INC_ANS_NONE)
		fprintf(f, "; last answer %s at %s", inc_answer_key(in->last_answer_kind),
			utc_str(in->last_answer_ns, at, sizeof at));
}

static void text_silence(FILE *f, const struct results *r, const struct res_incident *in)
{
	char ip[64], to[48];
	fprintf(f, "    guest %s", ipaddr_str(&in->guest, ip, sizeof ip));
	if (in->service)
		fprintf(f, " %s (port %u)", inc_service_key(in->service), in->port);
	fputs(" silent", f);
	text_span(f, r, in);
	text_requests(f, r, in);
	fprintf(f, ": %s", inc_kind_text(in->kind));
	if (!in->open)
		fprintf(f, "; answers again at %s", utc_str(in->end_ns, to, sizeof to));
	text_evidence(f, in);
	fputc('\n', f);
}

static void text_ports(FILE *f, const struct results *r, const struct res_incident *in)
{
	const struct ports_state *p = &in->ports;
	char ip[64], srv[80], to[48];
	fprintf(f, "    client %s out of source ports toward %s", ipaddr_str(&p->client, ip, sizeof ip),
		endpoint_str(&p->server, srv, sizeof srv));
	text_span(f, r, in);
	fprintf(f, ": %u ports seen (%u-%u), %u held in TIME_WAIT, %u open, %llu connections closed first by "
		"the client", p->ports_seen, p->port_min, p->port_max, p->held, p->open,
		(unsigned long long)p->closed_by_client);
	if (!in->open)
		fprintf(f, "; a new connection at %s on port %u", utc_str(in->end_ns, to, sizeof to),
			in->resumed_port);
	if (in->reuse_ns >= 0)
		fprintf(f, "; port %u reused %.1f s after its close", in->reused_port, (double)in->reuse_ns / 1e9);
	fputc('\n', f);
}

static void text_burst(FILE *f, const struct results *r, const struct res_incident *in)
{
	const struct res_burst *b = &in->burst;
	if (in->kind == INC_SYN_RETRANSMITS)
		fprintf(f, "    SYN retransmissions at %s", point_name(r, in->point));
	else
		fputs("    loss burst", f);
	text_span(f, r, in);
	if (in->kind == INC_SYN_RETRANSMITS)
		fprintf(f, ": %llu retransmissions of %llu connections\n", (unsigned long long)b->count,
			(unsigned long long)b->connections);
	else
		fprintf(f, ": %llu transactions lost (link %llu, bridge %llu)\n", (unsigned long long)b->count,
			(unsigned long long)b->lost[LOST_LINK], (unsigned long long)b->lost[LOST_BRIDGE]);
}

void rpt_text_incidents(FILE *f, const struct results *r)
{
	if (!r->incidents_total)
		return;
	fprintf(f, "incidents: %llu", (unsigned long long)r->incidents_total);
	if (r->incidents_total > r->n_incidents)
		fprintf(f, " (the first %u listed)", r->n_incidents);
	fputc('\n', f);
	for (unsigned i = 0; i < r->n_incidents; i++) {
		const struct res_incident *in = &r->incident[i];
		if (inc_is_silence(in->kind))
			text_silence(f, r, in);
		else if (in->kind == INC_PORT_EXHAUSTION)
			text_ports(f, r, in);
		else
			text_burst(f, r, in);
	}
}

/* ---- JSON ---- */

static void json_common(FILE *f, const struct results *r, const struct res_incident *in)
{
	fprintf(f, "{\"kind\":\"%s\",\"kind_text\":\"%s\",\"point\":\"%s\",\"start_ns\":%llu,",
		inc_kind_key(in->kind), inc_kind_text(in->kind), role(in->point),
		(unsigned long long)in->start_ns);
	if (in->open)
		fputs("\"end_ns\":null,\"open\":true", f);
	else
		fprintf(f, "\"end_ns\":%llu,\"open\":false", (unsigned long long)in->end_ns);
	fprintf(f, ",\"duration_s\":%.6f,\"detected_ns\":%llu", duration_s(r, in),
		(unsigned long long)in->detected_ns);
}

static void json_silence(FILE *f, const struct results *r, const struct res_incident *in)
{
	char ip[64];
	fprintf(f, ",\"guest\":\"%s\"", ipaddr_str(&in->guest, ip, sizeof ip));
	if (in->service)
		fprintf(f, ",\"service\":\"%s\",\"port\":%u", inc_service_key(in->service), in->port);
	else
		fputs(",\"service\":null,\"port\":null", f);
	fprintf(f, ",\"last_answer_ns\":%llu,\"last_answered\":", (unsigned long long)in->last_answer_ns);
	if (in->last_answer_kind == INC_ANS_NONE)
		fputs("null", f);
	else
		fprintf(f, "{\"kind\":\"%s\",\"ns\":%llu}", inc_answer_key(in->last_answer_kind),
			(unsigned long long)in->last_answer_ns);
	fputs(",\"unanswered\":{", f);
	for (int k = 0; k < INC_REQ_N; k++)
		fprintf(f, "%s\"%s\":%llu", k ? "," : "", inc_req_key(k), (unsigned long long)in->unanswered[k]);
	fputs("},\"requests\":{", f);
	int first = 1;
	for (int p = 0; p < PT_N; p++) {
		if (!r->point[p].present)
			continue;
		fprintf(f, "%s\"%s\":%llu", first ? "" : ",", rpt_role_name[p], (unsigned long long)in->requests[p]);
		first = 0;
	}
	fputc('}', f);
}

static void json_ports(FILE *f, const struct results *r, const struct res_incident *in)
{
	const struct ports_state *p = &in->ports;
	char ip[64], srv[80];
	fprintf(f, ",\"client\":\"%s\",\"server\":\"%s\",\"ports_seen\":%u,\"port_min\":%u,\"port_max\":%u,"
		"\"ports_held\":%u,\"ports_open\":%u,\"closed_by_client\":%llu,\"stall_start_ns\":%llu,"
		"\"stall_s\":%.6f,\"reuse_interval_s\":", ipaddr_str(&p->client, ip, sizeof ip),
		endpoint_str(&p->server, srv, sizeof srv), p->ports_seen, p->port_min, p->port_max, p->held,
		p->open, (unsigned long long)p->closed_by_client, (unsigned long long)in->start_ns,
		duration_s(r, in));
	if (in->reuse_ns >= 0)
		fprintf(f, "%.6f,\"reused_port\":%u", (double)in->reuse_ns / 1e9, in->reused_port);
	else
		fputs("null,\"reused_port\":null", f);
	if (in->open)
		fputs(",\"resumed_port\":null", f);
	else
		fprintf(f, ",\"resumed_port\":%u", in->resumed_port);
}

static void json_burst(FILE *f, const struct res_incident *in)
{
	const struct res_burst *b = &in->burst;
	fprintf(f, ",\"count\":%llu", (unsigned long long)b->count);
	if (in->kind == INC_SYN_RETRANSMITS)
		fprintf(f, ",\"connections\":%llu", (unsigned long long)b->connections);
	else
		fprintf(f, ",\"lost\":{\"link\":%llu,\"bridge\":%llu}", (unsigned long long)b->lost[LOST_LINK],
			(unsigned long long)b->lost[LOST_BRIDGE]);
}

void rpt_json_incidents(FILE *f, const struct results *r)
{
	fputs(",\"incidents\":[", f);
	for (unsigned i = 0; i < r->n_incidents; i++) {
		const struct res_incident *in = &r->incident[i];
		if (i)
			fputc(',', f);
		json_common(f, r, in);
		if (inc_is_silence(in->kind))
			json_silence(f, r, in);
		else if (in->kind == INC_PORT_EXHAUSTION)
			json_ports(f, r, in);
		else
			json_burst(f, in);
		fputc('}', f);
	}
	fprintf(f, "],\"incidents_total\":%llu", (unsigned long long)r->incidents_total);
}

/* ---- CSV ---- */

#define CSV_INCIDENT_COLS "kind,guest,point,start_ns,end_ns,open,duration_s,last_answer_ns,detected_ns," \
	"client_requests,uplink_requests,vif_requests,service,port,last_answer_kind,unanswered_arp," \
	"unanswered_icmp,unanswered_tcp_syn,unanswered_tcp_data,unanswered_dns,unanswered_other,client,server," \
	"ports_seen,port_min,port_max,ports_held,ports_open,closed_by_client,reuse_interval_s,reused_port," \
	"resumed_port,count,connections," \
	"lost_link,lost_bridge"

/* ,service,port,last_answer_kind,unanswered_* (empty but for silences) */
static void csv_silence(FILE *f, const struct res_incident *in)
{
	int sil = inc_is_silence(in->kind);
	if (sil && in->service)
		fprintf(f, ",%s,%u", inc_service_key(in->service), in->port);
	else
		fputs(",,", f);
	fprintf(f, ",%s", sil && in->last_answer_kind ? inc_answer_key(in->last_answer_kind) : "");
	for (int k = 0; k < INC_REQ_N; k++)
		if (sil)
			fprintf(f, ",%llu", (unsigned long long)in->unanswered[k]);
		else
			putc(',', f);
}

/* ,client,server,ports_seen,...,resumed_port (empty but for port exhaustion) */
static void csv_ports(FILE *f, const struct res_incident *in)
{
	const struct ports_state *p = &in->ports;
	char ip[64], srv[80];
	if (in->kind != INC_PORT_EXHAUSTION) {
		fputs(",,,,,,,,,,,", f);
		return;
	}
	fprintf(f, ",%s,%s,%u,%u,%u,%u,%u,%llu,", ipaddr_str(&p->client, ip, sizeof ip),
		endpoint_str(&p->server, srv, sizeof srv), p->ports_seen, p->port_min, p->port_max, p->held,
		p->open, (unsigned long long)p->closed_by_client);
	if (in->reuse_ns >= 0)
		fprintf(f, "%.6f,%u", (double)in->reuse_ns / 1e9, in->reused_port);
	else
		putc(',', f);
	putc(',', f);
	if (!in->open)
		fprintf(f, "%u", in->resumed_port);
}

/* ,count,connections,lost_link,lost_bridge (empty but for bursts) */
static void csv_burst(FILE *f, const struct res_incident *in)
{
	const struct res_burst *b = &in->burst;
	if (in->kind == INC_SYN_RETRANSMITS)
		fprintf(f, ",%llu,%llu,,", (unsigned long long)b->count, (unsigned long long)b->connections);
	else if (in->kind == INC_LOSS_BURST)
		fprintf(f, ",%llu,,%llu,%llu", (unsigned long long)b->count, (unsigned long long)b->lost[LOST_LINK],
			(unsigned long long)b->lost[LOST_BRIDGE]);
	else
		fputs(",,,,", f);
}

void rpt_csv_incidents(FILE *f, const struct results *r)
{
	fputs(CSV_INCIDENT_COLS "\n", f);
	for (unsigned i = 0; i < r->n_incidents; i++) {
		const struct res_incident *in = &r->incident[i];
		int sil = inc_is_silence(in->kind);
		char ip[64];
		fprintf(f, "%s,%s,%s,%llu,", inc_kind_key(in->kind), sil ? ipaddr_str(&in->guest, ip, sizeof ip) : "",
			role(in->point), (unsigned long long)in->start_ns);
		if (!in->open)	/* open: empty end */
			fprintf(f, "%llu", (unsigned long long)in->end_ns);
		fprintf(f, ",%s,%.6f,", in->open ? "true" : "false", duration_s(r, in));
		if (sil)
			fprintf(f, "%llu", (unsigned long long)in->last_answer_ns);
		fprintf(f, ",%llu", (unsigned long long)in->detected_ns);
		for (int p = 0; p < PT_N; p++)
			if (sil && r->point[p].present)
				fprintf(f, ",%llu", (unsigned long long)in->requests[p]);
			else
				putc(',', f);
		csv_silence(f, in);
		csv_ports(f, in);
		csv_burst(f, in);
		putc('\n', f);
	}
}
