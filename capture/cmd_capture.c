/* hoplat capture: several interfaces into one pcapng, tcpdump's options. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "capture/capture.h"
#include "cmd.h"
#include "common/dur.h"

static void capture_usage(FILE *f)
{
	fprintf(f,
		"usage: hoplat capture -i IF [-i IF ...] -w FILE.pcapng [-s SNAPLEN] [-c COUNT]\n"
		"                      [-G SECONDS | -C MB] [-W FILES] [-Z USER] [-B BUFFER_MB]\n"
		"                      [--tstamp-type host|adapter|adapter_unsynced] [-q] [FILTER...]\n"
		"       hoplat capture -D\n"
		"  -i IF        interface (repeat for several; dpdk:PORT with make DPDK=1)\n"
		"  -w FILE      pcapng output (\"-\" for stdout)\n"
		"  -s SNAPLEN   bytes kept per packet (0 or default: 262144)\n"
		"  -c COUNT     stop after COUNT packets\n"
		"  -G SECONDS   new file every SECONDS (FILE is a strftime pattern)\n"
		"  -C MB        new file when one exceeds MB millions of bytes (FILE1, FILE2, ...)\n"
		"  -W FILES     with -C: a ring of FILES files; with -G: stop after FILES files\n"
		"  -Z USER      run as USER once the interfaces are open (as root the default is\n"
		"               tcpdump's: user \"tcpdump\", else \"nobody\"; -Z root keeps root)\n"
		"  -B MB        kernel buffer per interface in MiB (default 32)\n"
		"  --tstamp-type T  host, adapter or adapter_unsynced (default: adapter when the NIC\n"
		"               offers it, else host)\n"
		"  --dpdk-args \"EAL ARGS\"  DPDK EAL arguments (also HOPLAT_DPDK_EAL)\n"
		"  -q           no status line\n"
		"  -D           list interfaces\n"
		"  FILTER       a libpcap filter, compiled for every interface\n");
}

static int parse_u64(const char *s, uint64_t *out)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || end == s || *end || *s == '-')
		return -EINVAL;
	*out = v;
	return 0;
}

/* The words after the options form the filter, as with tcpdump. */
static char *join_filter(int argc, char **argv)
{
	size_t len = 1;
	for (int i = 0; i < argc; i++)
		len += strlen(argv[i]) + 1;
	char *f = calloc(1, len);
	if (!f)
		return NULL;
	for (int i = 0; i < argc; i++) {
		if (i)
			strcat(f, " ");
		strcat(f, argv[i]);
	}
	return f;
}

static int bad(const char *opt, const char *val)
{
	fprintf(stderr, "hoplat capture: %s: invalid value '%s'\n", opt, val);
	return 2;
}

/* Options shared with `hoplat live`; returns 0, 1 (not one of ours) or 2 (bad value). */
int capture_common_opt(int c, const char *arg, struct capture_cfg *cfg, struct cap_opts *proto)
{
	uint64_t v;
	double d;
	int64_t ns;
	char *end;

	switch (c) {
	case 'w': cfg->out = arg; return 0;
	case 's':
		if (parse_u64(arg, &v) || v > 262144)
			return bad("-s", arg);
		proto->snaplen = (uint32_t)v;
		return 0;
	case 'c':
		if (parse_u64(arg, &v) || v == 0)
			return bad("-c", arg);
		cfg->count = v;
		return 0;
	case 'G':
		if (dur_parse(arg, &ns) || ns < 1000000000LL)
			return bad("-G", arg);
		cfg->rotate_ns = ns;
		return 0;
	case 'C':
		d = strtod(arg, &end);
		if (end == arg || *end || !(d > 0) || !isfinite(d))
			return bad("-C", arg);
		cfg->rotate_bytes = (uint64_t)(d * 1e6);
		return 0;
	case 'W':
		if (parse_u64(arg, &v) || v == 0 || v > 100000)
			return bad("-W", arg);
		cfg->max_files = (unsigned)v;
		return 0;
	case 'Z': cfg->user = arg; return 0;
	case 'B':
		if (parse_u64(arg, &v) || v == 0 || v > 2047)
			return bad("-B", arg);
		proto->buffer_mb = (uint32_t)v;
		return 0;
	case 'T':
		if (cap_parse_tstamp(arg) < 0)
			return bad("--tstamp-type", arg);
		proto->tstamp = cap_parse_tstamp(arg);
		return 0;
	case 'E': proto->eal_args = arg; return 0;
	case 'q': cfg->status = 0; return 0;
	default: return 1;
	}
}

static int add_iface(struct capture_cfg *cfg, const char *name)
{
	if (cfg->n_src == CAPTURE_MAX_IF) {
		fprintf(stderr, "hoplat capture: at most %d interfaces\n", CAPTURE_MAX_IF);
		return 2;
	}
	cfg->src[cfg->n_src++].name = name;
	return 0;
}

/* Every source gets the shared options; the filter applies to each. */
void capture_fill_sources(struct capture_cfg *cfg, const struct cap_opts *proto, const char *filter)
{
	const char *eal = proto->eal_args ? proto->eal_args : getenv("HOPLAT_DPDK_EAL");

	for (unsigned i = 0; i < cfg->n_src; i++) {
		const char *name = cfg->src[i].name;
		const struct cap_ops *ops = cfg->src[i].ops;
		double speed = cfg->src[i].speed;
		cfg->src[i] = *proto;
		cfg->src[i].name = name;
		cfg->src[i].ops = ops;
		cfg->src[i].speed = speed;
		cfg->src[i].filter = filter;
		cfg->src[i].eal_args = eal;
	}
}

int cmd_capture(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "tstamp-type", required_argument, NULL, 'T' },
		{ "dpdk-args", required_argument, NULL, 'E' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct capture_cfg cfg;
	struct cap_opts proto = { 0 };
	int c, rc;

	capture_cfg_default(&cfg);
	cfg.status = 1;
	while ((c = getopt_long(argc, argv, "i:w:s:c:G:C:W:Z:B:Dqh", lo, NULL)) != -1) {
		switch (c) {
		case 'i':
			if ((rc = add_iface(&cfg, optarg)))
				return rc;
			break;
		case 'D': return cap_pcap_list() < 0 ? 1 : 0;
		case 'h': capture_usage(stdout); return 0;
		default:
			rc = capture_common_opt(c, optarg, &cfg, &proto);
			if (rc == 1) {
				capture_usage(stderr);
				return 2;
			}
			if (rc)
				return rc;
		}
	}
	if (!cfg.n_src || !cfg.out) {
		fprintf(stderr, "hoplat capture: %s\n", !cfg.n_src ? "no interface (-i IF)" : "no output file (-w FILE)");
		capture_usage(stderr);
		return 2;
	}
	if (cfg.rotate_ns && cfg.rotate_bytes) {
		fprintf(stderr, "hoplat capture: -G and -C exclude each other\n");
		return 2;
	}
	if (cfg.max_files && !cfg.rotate_ns && !cfg.rotate_bytes) {
		fprintf(stderr, "hoplat capture: -W needs -C or -G\n");
		return 2;
	}
	char *filter = optind < argc ? join_filter(argc - optind, argv + optind) : NULL;
	capture_fill_sources(&cfg, &proto, filter);
	void *watch = cfg.status && isatty(STDERR_FILENO) ? live_status_attach(&cfg) : NULL;
	rc = capture_run(&cfg);
	live_status_detach(watch);
	free(filter);
	return rc;
}
