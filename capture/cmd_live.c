/* Placeholder until this subcommand lands. */
#include <stdio.h>
#include "cmd.h"

int cmd_live(int argc, char **argv)
{
	(void)argc;
	fprintf(stderr, "hoplat %s: not built yet\n", argv[0]);
	return 2;
}
