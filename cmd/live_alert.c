/* live's alert lines: one when an incident is raised, one when it ends
 * (see live_alert.h). */
#include <stdio.h>
#include "cmd/live_alert.h"
#include "analysis/report/rpt.h"
#include "common/dur.h"

/* "12:00:01.234" in local time. */
static char *hms(uint64_t ns, char *dst, unsigned cap)
{
	return dur_time_format(ns, "%H:%M:%S", 0, dst, cap);
}

static double secs(uint64_t from, uint64_t to)
{
	return to > from ? (double)(to - from) / 1e9 : 0.0;
}

static const char *role(int point)
{
	return rpt_role_name[point >= 0 && point < PT_N ? point : 0];
}

/* "guest 10.0.0.2" or "guest 10.0.0.2 dns (port 53)" */
static void who(const struct res_incident *in)
{
	char ip[64];
	printf("guest %s", ipaddr_str(&in->guest, ip, sizeof ip));
	if (in->service)
		printf(" %s (port %u)", inc_service_key(in->service), in->port);
}

static void text_silence(const struct res_incident *in)
{
	char at[32], since[32], last[32];
	if (!in->open) {
		printf("RESUMED %s ", hms(in->end_ns, at, sizeof at));
		who(in);
		printf(" answers again at %s (silent %.3f s)\n", role(in->point), secs(in->last_answer_ns, in->end_ns));
		return;
	}
	printf("ALERT %s ", hms(in->detected_ns, at, sizeof at));
	who(in);
	printf(" silent for %.3f s at %s (%s): %llu requests unanswered since %s, last answer %s",
	       secs(in->last_answer_ns, in->detected_ns), role(in->point), inc_kind_text(in->kind),
	       (unsigned long long)in->requests[in->point < PT_N ? in->point : 0],
	       hms(in->start_ns, since, sizeof since), hms(in->last_answer_ns, last, sizeof last));
	if (in->last_answer_kind)
		printf(" (%s)", inc_answer_key(in->last_answer_kind));
	const char *sep = "; ";
	for (int k = 0; k < INC_REQ_N; k++)
		if (in->unanswered[k]) {
			printf("%s%s %llu", sep, inc_req_key(k), (unsigned long long)in->unanswered[k]);
			sep = ", ";
		}
	putchar('\n');
}

static void text_ports(const struct res_incident *in)
{
	const struct ports_state *p = &in->ports;
	char at[32], since[32], ip[64], srv[80];
	ipaddr_str(&p->client, ip, sizeof ip);
	endpoint_str(&p->server, srv, sizeof srv);
	if (in->open) {
		printf("ALERT %s client %s out of source ports toward %s at %s: %u ports (%u-%u) open or in "
		       "TIME_WAIT (%u held), no new connection since %s\n", hms(in->detected_ns, at, sizeof at),
		       ip, srv, role(in->point), p->ports_seen, p->port_min, p->port_max, p->held,
		       hms(in->start_ns, since, sizeof since));
		return;
	}
	printf("RESUMED %s client %s connects again toward %s after a %.3f s stall, port %u",
	       hms(in->end_ns, at, sizeof at), ip, srv, secs(in->start_ns, in->end_ns), in->resumed_port);
	if (in->reuse_ns >= 0 && in->reused_port == in->resumed_port)
		printf(" reused %.3f s after its close", (double)in->reuse_ns / 1e9);
	putchar('\n');
}

static void text_burst(const struct res_incident *in)
{
	const struct res_burst *b = &in->burst;
	char at[32], since[32];
	int syn = in->kind == INC_SYN_RETRANSMITS;
	printf("%s %s %s at %s: %llu %s", in->open ? "ALERT" : "ENDED",
	       hms(in->open ? in->detected_ns : in->end_ns, at, sizeof at), inc_kind_text(in->kind), role(in->point),
	       (unsigned long long)b->count, syn ? "retransmissions" : "transactions lost");
	if (in->open)
		printf(" since %s", hms(in->start_ns, since, sizeof since));
	else
		printf(" over %.3f s", secs(in->start_ns, in->end_ns));
	if (syn)
		printf(" (%llu connections)\n", (unsigned long long)b->connections);
	else
		printf(" (link %llu, bridge %llu)\n", (unsigned long long)b->lost[LOST_LINK],
		       (unsigned long long)b->lost[LOST_BRIDGE]);
}

/* ---- JSON ---- */

static void json_silence(const struct res_incident *in)
{
	char ip[64];
	printf(",\"guest\":\"%s\"", ipaddr_str(&in->guest, ip, sizeof ip));
	if (in->service)
		printf(",\"service\":\"%s\",\"port\":%u", inc_service_key(in->service), in->port);
	printf(",\"last_answer_ns\":%llu,\"requests\":%llu,\"unanswered\":{", (unsigned long long)in->last_answer_ns,
	       (unsigned long long)in->requests[in->point < PT_N ? in->point : 0]);
	for (int k = 0; k < INC_REQ_N; k++)
		printf("%s\"%s\":%llu", k ? "," : "", inc_req_key(k), (unsigned long long)in->unanswered[k]);
	putchar('}');
}

static void json_ports(const struct res_incident *in)
{
	const struct ports_state *p = &in->ports;
	char ip[64], srv[80];
	printf(",\"client\":\"%s\",\"server\":\"%s\",\"ports_seen\":%u,\"port_min\":%u,\"port_max\":%u,"
	       "\"ports_held\":%u", ipaddr_str(&p->client, ip, sizeof ip), endpoint_str(&p->server, srv, sizeof srv),
	       p->ports_seen, p->port_min, p->port_max, p->held);
	if (!in->open)
		printf(",\"resumed_port\":%u,\"reuse_interval_s\":%.6f", in->resumed_port,
		       in->reuse_ns >= 0 && in->reused_port == in->resumed_port ? (double)in->reuse_ns / 1e9 : -1.0);
}

static void json_line(const struct res_incident *in)
{
	int sil = inc_is_silence(in->kind);
	const char *what = in->open ? (sil ? "silent" : "raised") : sil ? "resumed" : "ended";
	printf("{\"alert\":\"%s\",\"kind\":\"%s\",\"point\":\"%s\",\"at_ns\":%llu,\"start_ns\":%llu", what,
	       inc_kind_key(in->kind), role(in->point),
	       (unsigned long long)(in->open ? in->detected_ns : in->end_ns), (unsigned long long)in->start_ns);
	if (sil)
		json_silence(in);
	else if (in->kind == INC_PORT_EXHAUSTION)
		json_ports(in);
	else
		printf(",\"count\":%llu", (unsigned long long)in->burst.count);
	puts("}");
}

void live_alert(const struct res_incident *in, int json)
{
	if (json)
		json_line(in);
	else if (inc_is_silence(in->kind))
		text_silence(in);
	else if (in->kind == INC_PORT_EXHAUSTION)
		text_ports(in);
	else
		text_burst(in);
	fflush(stdout);
}
