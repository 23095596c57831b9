#include <stdio.h>
#include <string.h>
#include "bridge-setup/testbed/tb_bench.h"

/* The value after `key` anywhere in text, as with sscanf format fmt. */
static int after(const char *text, const char *key, const char *fmt, void *v)
{
	const char *p = strstr(text, key);
	return p && sscanf(p + strlen(key), fmt, v) == 1;
}

int tb_parse_dnsperf(const char *text, struct tb_dnsperf *o)
{
	memset(o, 0, sizeof *o);
	long long v;
	int n = 0;
	if (after(text, "Queries sent:", " %lld", &v))
		o->sent = v, n++;
	if (after(text, "Queries completed:", " %lld", &v))
		o->completed = v, n++;
	if (after(text, "Queries lost:", " %lld", &v))
		o->lost = v, n++;
	n += after(text, "Queries per second:", " %lf", &o->qps);
	n += after(text, "Average Latency (s):", " %lf", &o->avg_latency_s);
	n += after(text, "(min ", "%lf", &o->min_latency_s);
	n += after(text, ", max ", "%lf", &o->max_latency_s);
	o->found = n;
	return n;
}

int tb_parse_httperf(const char *text, struct tb_httperf *o)
{
	memset(o, 0, sizeof *o);
	long long a, b;
	int n = 0;
	const char *p = strstr(text, "Total: connections ");
	if (p && sscanf(p, "Total: connections %lld requests %lld replies", &a, &b) == 2) {
		o->conns = a, o->requests = b, n += 2;
		if (after(p, "replies ", "%lld", &a))
			o->replies = a, n++;
	}
	n += after(text, "Connection rate:", " %lf", &o->conn_rate);
	n += after(text, "Connection time [ms]: connect", " %lf", &o->connect_time_ms);
	n += after(text, "Reply time [ms]: response", " %lf", &o->reply_time_ms);
	p = strstr(text, "Reply rate [replies/s]:");
	if (p && after(p, " avg ", "%lf", &o->reply_rate_avg))
		n++;
	p = strstr(text, "Errors: total ");
	if (p && sscanf(p, "Errors: total %lld client-timo %lld socket-timo %lld connrefused %lld connreset %lld",
			(long long *)&o->errors, (long long *)&o->client_timo, (long long *)&o->socket_timo,
			(long long *)&o->connrefused, (long long *)&o->connreset) == 5)
		n++;
	p = strstr(text, "Errors: fd-unavail ");
	if (p && sscanf(p, "Errors: fd-unavail %lld addrunavail %lld ftab-full %lld other %lld",
			(long long *)&o->fd_unavail, (long long *)&o->addrunavail, (long long *)&o->ftab_full,
			(long long *)&o->other) == 4)
		n++;
	o->found = n;
	return n;
}
