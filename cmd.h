/* Subcommands of the one hoplat binary; each returns the process exit status. */
#ifndef HOPLAT_CMD_H
#define HOPLAT_CMD_H

int cmd_analyze(int argc, char **argv);	/* analysis/cmd_analyze.c */
int cmd_capture(int argc, char **argv);	/* capture/cmd_capture.c */
int cmd_live(int argc, char **argv);	/* capture/cmd_live.c */
int cmd_bridge(int argc, char **argv);	/* bridge-setup/cmd_bridge.c */
int cmd_testbed(int argc, char **argv);	/* bridge-setup/cmd_testbed.c */

#endif
