/* What `hoplat testbed run` knows about a run, shared by the runner
 * (tb_run.c) and the writer of scenario.json (tb_scnjson.c). */
#ifndef HOPLAT_TB_SCN_H
#define HOPLAT_TB_SCN_H

#include <stdint.h>
#include <sys/types.h>
#include "bridge-setup/testbed/tb_bench.h"
#include "bridge-setup/testbed/tb_cgroup.h"
#include "bridge-setup/testbed/tb_event.h"
#include "bridge-setup/testbed/tb_srv.h"
#include "bridge-setup/testbed/tb_topo.h"

#define TB_MAX_STEPS 16
#define TB_MAX_SYSCTL 4

enum { TB_DNS = 1, TB_HTTP = 2 };	/* the services a scenario runs (bits) */

struct tb_sysctl {
	const char *key, *value;	/* under /proc/sys, in hoplat-client */
};

struct tb_scn {
	const char *name;
	unsigned kind;			/* TB_DNS | TB_HTTP */
	const char *rates;		/* default steps */
	double duration_s;		/* default per step */
	enum tb_ev event;
	double event_at_s, event_for_s;	/* since the clients started; for 0: to the step's end */
	struct tb_sysctl sysctl[TB_MAX_SYSCTL];	/* set for the run, restored after */
	const char *what;
};

/* One benchmark client's run in one step. */
struct tb_client {
	char output[64];	/* its own output, in DIR */
	int status;		/* exit status, -ETIMEDOUT */
	double cpu_s;		/* its user + system time */
	struct tb_dnsperf dns;
	struct tb_httperf http;
};

struct tb_phase {
	int sent, answered;	/* ICMP echo from the client to the guest */
};

struct tb_step {
	double rate;
	struct tb_client dns, http;
	double server_cpu_s;		/* the guest's servers during the step */
	int throttled;			/* the guest's cgroup stats below are valid */
	struct tb_cg_stat cg;		/* its throttling during the step */
	int64_t start_ns, end_ns;	/* wall clock (CLOCK_REALTIME), as the captures */
	int64_t event_ns[2];		/* event on, off (0: not reached) */
	struct tb_phase ping[3];	/* before, during, after the event */
};

struct tb_runctx {
	const struct tb_scn *scn;
	const char *out;
	double duration_s;
	struct tb_config cfg;
	struct tb_step step[TB_MAX_STEPS];
	int nsteps, ran;	/* asked for, and run (fewer when interrupted) */
	struct tb_caps caps;
	pid_t server[2];	/* named, lighttpd (0: not running) */
	char guest_cg[320], client_cg[320];	/* cgroups with a quota ("" none) */
	struct tb_cg_root cg_root;
	char sysctl_old[TB_MAX_SYSCTL][64];
	int sysctl_set;		/* how many of scn->sysctl were changed */
	char started[32];
	char err[256];
};

/* DIR/scenario.json; 0 or -errno. */
int tb_scn_json(const struct tb_runctx *r);

#endif
