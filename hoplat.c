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
	{ "compare", cmd_compare, "two runs side by side: differences beyond noise" },
};

#define N_CMDS (sizeof cmds / sizeof cmds[0])

static void usage(FILE *f)
{
	fprintf(f, "usage: hoplat COMMAND [options]   (hoplat help COMMAND, hoplat COMMAND --help)\n\n");
	for (size_t i = 0; i < N_CMDS; i++)
		fprintf(f, "  %-8s %s\n", cmds[i].name, cmds[i].help);
	fprintf(f, "\n  hoplat -V, --version   the version\n");
}

static int run(const char *name, int argc, char **argv)
{
	for (size_t i = 0; i < N_CMDS; i++)
		if (!strcmp(name, cmds[i].name))
			return cmds[i].run(argc, argv);
	fprintf(stderr, "hoplat: unknown command '%s'\n", name);
	usage(stderr);
	return 2;
}

/* hoplat help [COMMAND]: the list, or the command's own --help. */
static int help(int argc, char **argv)
{
	if (argc < 3) {
		usage(stdout);
		return 0;
	}
	char *args[] = { argv[2], "--help", NULL };
	return run(argv[2], 2, args);
}

int main(int argc, char **argv)
{
	if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if (!strcmp(argv[1], "-V") || !strcmp(argv[1], "--version") || !strcmp(argv[1], "version")) {
		printf("hoplat %s\n", HOPLAT_VERSION);
		return 0;
	}
	if (!strcmp(argv[1], "help"))
		return help(argc, argv);
	return run(argv[1], argc - 1, argv + 1);
}
