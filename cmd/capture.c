/* hoplat capture: several interfaces into one pcapng, tcpdump's options. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "capture/capture.h"
#include "cmd/cmd.h"
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
		"  -G SECONDS   new file every SECONDS (FILE is a strftime pattern whose name\n"
		"               changes within SECONDS, e.g. 'cap-%%Y%%m%%d-%%H%%M%%S.pcapng')\n"
		"  -C MB        new file when one exceeds MB millions of bytes (FILE1, FILE2, ...)\n"
		"  -W FILES     with -C: a ring of FILES files; with -G: stop after FILES files\n"
		"  -Z USER      run as USER once the interfaces are open (as root the default is\n"
		"               tcpdump's: user \"tcpdump\", else \"nobody\"; -Z root keeps root);\n"
		"               files are created by USER, also in root-owned directories\n"
		"  -B MB        kernel buffer per interface in MiB (default 32)\n"
		"  --tstamp-type T  host, adapter or adapter_unsynced (default: adapter when the NIC\n"
		"               offers it, else host)\n"
		"  --dpdk-args \"EAL ARGS\"  DPDK EAL arguments (also HOPLAT_DPDK_EAL)\n"
		"  -q           no status line\n"
		"  -D           list interfaces\n"
		"  FILTER       a libpcap filter, compiled for every interface\n");
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

static int add_iface(struct capture_cfg *cfg, const char *name)
{
	if (cfg->n_src == CAPTURE_MAX_IF) {
		fprintf(stderr, "hoplat capture: at most %d interfaces\n", CAPTURE_MAX_IF);
		return 2;
	}
	cfg->src[cfg->n_src++].name = name;
	return 0;
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
