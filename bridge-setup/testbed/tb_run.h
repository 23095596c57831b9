/* hoplat testbed run: real servers in hoplat-guest, real benchmark clients
 * in hoplat-client, captures at the three points, scenario.json. */
#ifndef HOPLAT_TB_RUN_H
#define HOPLAT_TB_RUN_H

const char *tb_run_scenarios(void);
int tb_run_main(int argc, char **argv);	/* exit status */

#endif
