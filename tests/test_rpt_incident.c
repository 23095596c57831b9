/* Incidents in the reports, every kind with its evidence, from results
 * filled by hand: the JSON incidents list (exact entries; an open one has
 * end_ns null and lasts to the end of the capture), the text section's
 * lines, the CSV kind=incident rows; none: an empty list, no section, no
 * rows. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "analysis/report/rpt.h"
#define TL_RENDER
#include "tests/testlib.h"

#define S 1000000000ull
#define T0 (1000 * S)

static int csv(FILE *f, const struct results *r)
{
	rpt_csv_incidents(f, r);
	return 0;
}

static void has(const char *s, const char *want)
{
	if (!strstr(s, want))
		fail_msg("missing\n%s\nin\n%s", want, s);
}

/* Uplink and vif (the vif named by its interface), 20 s from T0. */
static struct results *two_points(void)
{
	struct results *r = res_new();
	assert_non_null(r);
	r->point[PT_UPLINK].present = r->point[PT_VIF].present = 1;
	snprintf(r->point[PT_VIF].source, sizeof r->point[PT_VIF].source, "dom0.pcapng#vif1.0");
	r->npoints = 2;
	r->ref_point = PT_UPLINK;
	r->first_ns = T0;
	r->last_ns = T0 + 20 * S;
	return r;
}

static struct res_incident *add(struct results *r, uint8_t kind, uint8_t point)
{
	struct res_incident *in = &r->incident[r->n_incidents++];
	r->incidents_total++;
	in->kind = kind;
	in->point = point;
	return in;
}

/* The guest silent at the vif, open, 12.3 s to the end of the capture. */
static void silent(struct results *r)
{
	struct res_incident *in = add(r, INC_SILENT, PT_VIF);
	ipaddr_parse("10.77.0.10", &in->guest);
	in->open = 1;
	in->start_ns = T0 + 7700000000ull;
	in->last_answer_ns = in->start_ns - 5000000;
	in->last_answer_kind = INC_ANS_HTTP;
	in->detected_ns = in->start_ns + S;
	in->requests[PT_UPLINK] = 95;
	in->requests[PT_VIF] = 94;
	in->unanswered[INC_REQ_ICMP] = 20;
	in->unanswered[INC_REQ_TCP_SYN] = 74;
	in->unanswered[INC_REQ_OTHER] = 3;
}

static void test_none(void **state)
{
	(void)state;
	struct results *r = two_points();
	char *s = render(rpt_json, r);
	has(s, "\"incidents\":[],\"incidents_total\":0");
	free(s);
	s = render(rpt_text, r);
	assert_null(strstr(s, "incidents"));
	free(s);
	s = render(csv, r);
	assert_string_equal(s, "kind,guest,point,start_ns,end_ns,open,duration_s,last_answer_ns,detected_ns,"
			       "client_requests,uplink_requests,vif_requests,service,port,last_answer_kind,unanswered_arp,"
			       "unanswered_icmp,unanswered_tcp_syn,unanswered_tcp_data,unanswered_dns,unanswered_other,"
			       "client,server,ports_seen,port_min,port_max,ports_held,ports_open,closed_by_client,"
			       "reuse_interval_s,reused_port,resumed_port,count,connections,lost_link,lost_bridge\n");
	free(s);
	res_free(r);
}

static void test_silent(void **state)
{
	(void)state;
	struct results *r = two_points();
	silent(r);
	char *s = render(rpt_json, r);
	has(s, "\"incidents\":[{\"kind\":\"silent\",\"kind_text\":\"silent at all layers\",\"point\":\"vif\","
	       "\"start_ns\":1007700000000,\"end_ns\":null,\"open\":true,\"duration_s\":12.300000,"
	       "\"detected_ns\":1008700000000,\"guest\":\"10.77.0.10\",\"service\":null,\"port\":null,"
	       "\"last_answer_ns\":1007695000000,\"last_answered\":{\"kind\":\"http\",\"ns\":1007695000000},"
	       "\"unanswered\":{\"arp\":0,\"icmp\":20,\"tcp_syn\":74,\"tcp_data\":0,\"dns\":0,\"other\":3},"
	       "\"requests\":{\"uplink\":95,\"vif\":94}}],\"incidents_total\":1");
	free(s);
	s = render(rpt_text, r);
	has(s, "incidents: 1\n    guest 10.77.0.10 silent from 1970-01-01 00:16:47.700 UTC for 12.3 s (to the end "
	       "of the capture) while 94 requests reached vif1.0 (uplink 95): silent at all layers; unanswered "
	       "icmp 20, tcp_syn 74, other 3; last answer http at 1970-01-01 00:16:47.695 UTC\n");
	free(s);
	r->incident[0].open = 0;
	r->incident[0].end_ns = r->incident[0].start_ns + 2500000000ull;
	s = render(csv, r);
	has(s, "kind,guest,point,start_ns,end_ns,open,duration_s,last_answer_ns,detected_ns,client_requests,"
	       "uplink_requests,vif_requests,service,port,last_answer_kind,unanswered_arp,unanswered_icmp,"
	       "unanswered_tcp_syn,unanswered_tcp_data,unanswered_dns,unanswered_other,client,server,ports_seen,"
	       "port_min,port_max,ports_held,ports_open,closed_by_client,reuse_interval_s,reused_port,resumed_port,"
	       "count,connections,lost_link,lost_bridge\n"
	       "silent,10.77.0.10,vif,1007700000000,1010200000000,false,2.500000,1007695000000,"
	       "1008700000000,,95,94,,,http,0,20,74,0,0,3,,,,,,,,,,,,,,,\n");
	free(s);
	s = render(rpt_text, r);
	has(s, "for 2.5 s while 94 requests reached vif1.0 (uplink 95): silent at all layers; answers again at "
	       "1970-01-01 00:16:50.200 UTC; unanswered");
	free(s);
	res_free(r);
}

/* DNS silent while the guest's stack answers: the service and its port. */
static void test_app_only(void **state)
{
	(void)state;
	struct results *r = two_points();
	struct res_incident *in = add(r, INC_APP_ONLY, PT_VIF);
	ipaddr_parse("10.77.0.10", &in->guest);
	in->service = INC_SVC_DNS;
	in->port = 5353;
	in->start_ns = T0 + S;
	in->end_ns = T0 + 3 * S;
	in->detected_ns = T0 + 2 * S;
	in->last_answer_ns = T0 + S - 1000;
	in->last_answer_kind = INC_ANS_DNS;
	in->requests[PT_VIF] = 100;
	in->unanswered[INC_REQ_DNS] = 100;
	char *s = render(rpt_json, r);
	has(s, "\"kind\":\"app_only\",\"kind_text\":\"application only\",\"point\":\"vif\",\"start_ns\":1001000000000,"
	       "\"end_ns\":1003000000000,\"open\":false,\"duration_s\":2.000000,\"detected_ns\":1002000000000,"
	       "\"guest\":\"10.77.0.10\",\"service\":\"dns\",\"port\":5353,");
	free(s);
	s = render(rpt_text, r);
	has(s, "    guest 10.77.0.10 dns (port 5353) silent from 1970-01-01 00:16:41.000 UTC for 2.0 s while 100 "
	       "requests reached vif1.0 (uplink 0): application only; answers again at");
	free(s);
	s = render(csv, r);
	has(s, "app_only,10.77.0.10,vif,1001000000000,1003000000000,false,2.000000,1000999999000,1002000000000,,0,100,"
	       "dns,5353,dns,0,0,0,0,100,0,,,,,,,,,,,,,,,\n");
	free(s);
	res_free(r);
}

static void ports(struct results *r, int open)
{
	struct res_incident *in = add(r, INC_PORT_EXHAUSTION, PT_UPLINK);
	ipaddr_parse("10.77.0.1", &in->ports.client);
	ipaddr_parse("10.77.0.10", &in->ports.server.ip);
	in->ports.server.port = 80;
	in->ports.ports_seen = 200;
	in->ports.port_min = 40000;
	in->ports.port_max = 40199;
	in->ports.held = 198;
	in->ports.open = 2;
	in->ports.closed_by_client = 200;
	in->start_ns = T0 + S;
	in->detected_ns = T0 + 2 * S;
	in->open = (uint8_t)open;
	in->end_ns = open ? 0 : T0 + 59 * S;
	in->reuse_ns = open ? -1 : 61000000000ll;
	in->reused_port = open ? 0 : 40001;
	in->resumed_port = open ? 0 : 40000;
}

static void test_ports(void **state)
{
	(void)state;
	struct results *r = two_points();
	r->last_ns = T0 + 120 * S;
	ports(r, 0);
	ports(r, 1);
	char *s = render(rpt_json, r);
	has(s, "{\"kind\":\"client_port_exhaustion\",\"kind_text\":\"client out of source ports\",\"point\":\"uplink\","
	       "\"start_ns\":1001000000000,\"end_ns\":1059000000000,\"open\":false,\"duration_s\":58.000000,"
	       "\"detected_ns\":1002000000000,\"client\":\"10.77.0.1\",\"server\":\"10.77.0.10:80\","
	       "\"ports_seen\":200,\"port_min\":40000,\"port_max\":40199,\"ports_held\":198,\"ports_open\":2,"
	       "\"closed_by_client\":200,\"stall_start_ns\":1001000000000,\"stall_s\":58.000000,"
	       "\"reuse_interval_s\":61.000000,\"reused_port\":40001,\"resumed_port\":40000}");
	has(s, "\"end_ns\":null,\"open\":true,\"duration_s\":119.000000,");
	has(s, "\"stall_s\":119.000000,\"reuse_interval_s\":null,\"reused_port\":null,\"resumed_port\":null}]");
	free(s);
	s = render(rpt_text, r);
	has(s, "incidents: 2\n    client 10.77.0.1 out of source ports toward 10.77.0.10:80 from 1970-01-01 "
	       "00:16:41.000 UTC for 58.0 s: 200 ports seen (40000-40199), 198 held in TIME_WAIT, 2 open, 200 "
	       "connections closed first by the client; a new connection at 1970-01-01 00:17:39.000 UTC on port "
	       "40000; port 40001 reused 61.0 s after its close\n");
	has(s, "for 119.0 s (to the end of the capture): 200 ports seen (40000-40199), 198 held in TIME_WAIT, 2 "
	       "open, 200 connections closed first by the client\n");
	free(s);
	s = render(csv, r);
	has(s, "\nclient_port_exhaustion,,uplink,1001000000000,1059000000000,false,58.000000,,1002000000000,,,,,,,"
	       ",,,,,,10.77.0.1,10.77.0.10:80,200,40000,40199,198,2,200,61.000000,40001,40000,,,,\n");
	has(s, "\nclient_port_exhaustion,,uplink,1001000000000,,true,119.000000,,1002000000000,,,,,,,,,,,,,"
	       "10.77.0.1,10.77.0.10:80,200,40000,40199,198,2,200,,,,,,,\n");
	free(s);
	res_free(r);
}

static void test_bursts(void **state)
{
	(void)state;
	struct results *r = two_points();
	struct res_incident *in = add(r, INC_SYN_RETRANSMITS, PT_UPLINK);
	in->start_ns = T0 + S;
	in->end_ns = T0 + 3 * S;
	in->detected_ns = T0 + S + 100;
	in->burst.count = 94;
	in->burst.connections = 90;
	in = add(r, INC_LOSS_BURST, PT_UPLINK);
	in->start_ns = T0 + 4 * S;
	in->end_ns = T0 + 5 * S;
	in->detected_ns = T0 + 4 * S + 100;
	in->burst.count = 12;
	in->burst.lost[LOST_LINK] = 2;
	in->burst.lost[LOST_BRIDGE] = 10;
	char *s = render(rpt_json, r);
	has(s, "{\"kind\":\"syn_retransmits\",\"kind_text\":\"SYN retransmission burst\",\"point\":\"uplink\","
	       "\"start_ns\":1001000000000,\"end_ns\":1003000000000,\"open\":false,\"duration_s\":2.000000,"
	       "\"detected_ns\":1001000000100,\"count\":94,\"connections\":90}");
	has(s, "{\"kind\":\"loss_burst\",\"kind_text\":\"loss burst\",\"point\":\"uplink\",\"start_ns\":1004000000000,"
	       "\"end_ns\":1005000000000,\"open\":false,\"duration_s\":1.000000,\"detected_ns\":1004000000100,"
	       "\"count\":12,\"lost\":{\"link\":2,\"bridge\":10}}");
	free(s);
	s = render(rpt_text, r);
	has(s, "    SYN retransmissions at uplink from 1970-01-01 00:16:41.000 UTC for 2.0 s: 94 retransmissions of 90 "
	       "connections\n    loss burst from 1970-01-01 00:16:44.000 UTC for 1.0 s: 12 transactions lost (link 2, "
	       "bridge 10)\n");
	free(s);
	s = render(csv, r);
	has(s, "\nsyn_retransmits,,uplink,1001000000000,1003000000000,false,2.000000,,1001000000100,,,,,,,,,,,,,"
	       ",,,,,,,,,,,94,90,,\n");
	has(s, "\nloss_burst,,uplink,1004000000000,1005000000000,false,1.000000,,1004000000100,,,,,,,,,,,,,"
	       ",,,,,,,,,,,12,,2,10\n");
	free(s);
	res_free(r);
}

/* More incidents than kept: all counted, the first listed. */
static void test_beyond_kept(void **state)
{
	(void)state;
	struct results *r = two_points();
	silent(r);
	r->incidents_total = 70;
	char *s = render(rpt_text, r);
	has(s, "incidents: 70 (the first 1 listed)\n");
	free(s);
	s = render(rpt_json, r);
	has(s, "],\"incidents_total\":70");
	free(s);
	res_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_none),
		cmocka_unit_test(test_silent),
		cmocka_unit_test(test_app_only),
		cmocka_unit_test(test_ports),
		cmocka_unit_test(test_bursts),
		cmocka_unit_test(test_beyond_kept),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
