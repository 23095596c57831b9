/* hoplat testbed up|down|status|run: the paper's path in network namespaces. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cmd/cmd.h"
#include "bridge-setup/testbed/tb_run.h"
#include "bridge-setup/testbed/tb_topo.h"
#include "common/dur.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: hoplat testbed up [--link-delay D] [--bridge-delay D] [--guest-delay D] [--loss PCT]\n"
		"                         [--guest-cpu PCT] [--client-cpu PCT]\n"
		"       hoplat testbed down\n"
		"       hoplat testbed status\n"
		"       hoplat testbed run SCENARIO --out DIR [--rates R1,R2,...] [--duration S]\n"
		"\n"
		"Builds namespaces hoplat-client (eth0 10.77.0.1/24), hoplat-dom0 (br0 with ports\n"
		"peth0 and vif1.0, 10.77.0.2/24) and hoplat-guest (eth0 10.77.0.10/24). Delays are\n"
		"one way, added on each crossing (300us, 1ms, 2s): link between the client's eth0\n"
		"and peth0, bridge between peth0 and vif1.0, guest between vif1.0 and the guest's\n"
		"eth0. --loss drops PCT%% of the frames on each crossing of the link.\n"
		"--guest-cpu caps the guest's servers (named, lighttpd), --client-cpu the benchmark\n"
		"clients (dnsperf, httperf), at PCT%% of one CPU (cgroup cpu controller, v1 or v2).\n"
		"Scenarios: %s\n", tb_run_scenarios());
}

static int parse_delay(const char *opt, const char *s, int64_t *ns)
{
	if (dur_parse(s, ns) < 0) {
		fprintf(stderr, "hoplat testbed: %s '%s': not a duration (300us, 1ms, 2s)\n", opt, s);
		return -EINVAL;
	}
	return 0;
}

/* A CPU quota: % of one CPU, from the kernel's smallest (1 ms per 100 ms
 * period) to every CPU of a large host. */
static int parse_cpu(const char *opt, const char *s, double *pct)
{
	char *end;
	*pct = strtod(s, &end);
	if (end == s || (*end && strcmp(end, "%")) || *pct < 1 || *pct > 100000) {
		fprintf(stderr, "hoplat testbed: %s '%s': a percentage of one CPU, 1 or more (50: half a CPU)\n", opt, s);
		return -EINVAL;
	}
	return 0;
}

static int cmd_up(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "link-delay", required_argument, 0, 'l' }, { "bridge-delay", required_argument, 0, 'b' },
		{ "guest-delay", required_argument, 0, 'g' }, { "loss", required_argument, 0, 'p' },
		{ "guest-cpu", required_argument, 0, 'G' }, { "client-cpu", required_argument, 0, 'C' },
		{ "help", no_argument, 0, 'h' }, { 0, 0, 0, 0 } };
	struct tb_config c = { 0 };
	int o;
	while ((o = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		char *end;
		switch (o) {
		case 'l': if (parse_delay("--link-delay", optarg, &c.link_ns) < 0) return 2; break;
		case 'b': if (parse_delay("--bridge-delay", optarg, &c.bridge_ns) < 0) return 2; break;
		case 'g': if (parse_delay("--guest-delay", optarg, &c.guest_ns) < 0) return 2; break;
		case 'G': if (parse_cpu("--guest-cpu", optarg, &c.guest_cpu_pct) < 0) return 2; break;
		case 'C': if (parse_cpu("--client-cpu", optarg, &c.client_cpu_pct) < 0) return 2; break;
		case 'p':
			c.loss_pct = strtod(optarg, &end);
			if (end == optarg || (*end && strcmp(end, "%")) || c.loss_pct < 0 || c.loss_pct > 100) {
				fprintf(stderr, "hoplat testbed: --loss '%s': a percentage 0..100\n", optarg);
				return 2;
			}
			break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "hoplat testbed up: unexpected '%s'\n", argv[optind]);
		return 2;
	}
	char err[256] = "";
	int rc = tb_up(&c, err, sizeof err);
	if (rc < 0) {
		fprintf(stderr, "hoplat testbed up: %s%s\n", err,
			rc == -EEXIST || rc == -ENOTSUP ? "" : " (everything made was removed)");
		return 1;
	}
	return tb_status(stdout) == 0 ? 0 : 1;
}

int cmd_testbed(int argc, char **argv)
{
	if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if (geteuid() != 0 && strcmp(argv[1], "status")) {
		fprintf(stderr, "hoplat testbed %s: needs root (namespaces, netlink, packet sockets)\n", argv[1]);
		return 1;
	}
	if (!strcmp(argv[1], "up"))
		return cmd_up(argc - 1, argv + 1);
	if (!strcmp(argv[1], "down")) {
		tb_down(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "status"))
		return tb_status(stdout) == 0 ? 0 : 1;
	if (!strcmp(argv[1], "run"))
		return tb_run_main(argc - 1, argv + 1);
	fprintf(stderr, "hoplat testbed: unknown action '%s'\n", argv[1]);
	usage(stderr);
	return 2;
}
