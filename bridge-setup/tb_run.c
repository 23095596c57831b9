#include <stdio.h>
#include "bridge-setup/tb_run.h"

const char *tb_run_scenarios(void)
{
	return "dns-ramp, http-ramp, port-exhaustion, guest-hang";
}

int tb_run_main(int argc, char **argv)
{
	(void)argc; (void)argv;
	fprintf(stderr, "hoplat testbed run: not yet\n");
	return 2;
}
