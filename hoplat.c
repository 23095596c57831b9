/* hoplat: network-path packet capture and latency analyzer.
 * One binary; this file only picks the subcommand. */
#include <stdio.h>
#include <string.h>
#include "cmd/cmd.h"

#define HOPLAT_VERSION "0.1.0"

static const struct {
	const char *name;
	int (*run)(int, char **);
	const char *help;
} cmds[] = {
	{ "analyze", cmd_analyze, "time DNS and HTTP transactions in captures, per hop" },
	{ "capture", cmd_capture, "capture on several interfaces into one pcapng" },
	{ "live", cmd_live, "capture and analyze as it happens" },
	{ "bridge", cmd_bridge, "show the Dom0 bridge, its ports and guests" },
	{ "testbed", cmd_testbed, "the paper's path in network namespaces" },
	{ "report", cmd_report, "the HTML report and plot files from a saved --json summary" },
};

static void usage(FILE *f)
{
	fprintf(f, "usage: hoplat COMMAND [options]   (hoplat COMMAND --help)\n\n");
	for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
		fprintf(f, "  %-8s %s\n", cmds[i].name, cmds[i].help);
}

int main(int argc, char **argv)
{
	if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version")) {
		printf("hoplat %s\n", HOPLAT_VERSION);
		return 0;
	}
	for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
		if (!strcmp(argv[1], cmds[i].name))
			return cmds[i].run(argc - 1, argv + 1);
	fprintf(stderr, "hoplat: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return 2;
}
