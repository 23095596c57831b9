/* Placeholder until this subcommand lands. */
#include <stdio.h>
#include "cmd.h"

int cmd_analyze(int argc, char **argv)
{
	(void)argc;
	fprintf(stderr, "hoplat %s: not built yet\n", argv[0]);
	return 2;
}
