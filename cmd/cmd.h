/* Subcommands of the one hoplat binary; each returns the process exit status. */
#ifndef HOPLAT_CMD_H
#define HOPLAT_CMD_H

int cmd_analyze(int argc, char **argv);	/* cmd/analyze.c */
int cmd_capture(int argc, char **argv);	/* cmd/capture.c */
int cmd_live(int argc, char **argv);	/* cmd/live.c */
int cmd_bridge(int argc, char **argv);	/* cmd/bridge.c */
int cmd_testbed(int argc, char **argv);	/* cmd/testbed.c */
int cmd_report(int argc, char **argv);	/* cmd/report.c */
int cmd_compare(int argc, char **argv);	/* cmd/compare.c */

struct capture_cfg;
/* live.c: DNS/HTTP rates and latency of the first interface on the status
 * line of `hoplat capture` (on a terminal); NULL on failure. */
void *live_status_attach(struct capture_cfg *cfg);
void live_status_detach(void *l);

#endif
