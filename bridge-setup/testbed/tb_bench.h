/* What the benchmark clients themselves report, read from their output. */
#ifndef HOPLAT_TB_BENCH_H
#define HOPLAT_TB_BENCH_H

#include <stdint.h>

struct tb_dnsperf {
	int64_t sent, completed, lost;
	double qps, avg_latency_s, min_latency_s, max_latency_s;
	int found;	/* fields parsed */
};

struct tb_httperf {
	int64_t requests, replies, conns;
	double conn_rate, reply_rate_avg, reply_time_ms, connect_time_ms;
	int64_t errors, client_timo, socket_timo, connrefused, connreset, fd_unavail, addrunavail, ftab_full, other;
	int found;
};

/* Both return how many fields they found (0: not that tool's output). */
int tb_parse_dnsperf(const char *text, struct tb_dnsperf *out);
int tb_parse_httperf(const char *text, struct tb_httperf *out);

#endif
