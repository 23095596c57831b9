/* CPU quotas for the testbed's processes through the cgroup cpu controller:
 * a hierarchy of cgroup v1 that carries the cpu controller (cpu.cfs_quota_us,
 * /sys/fs/cgroup/cpu on the development machine), or else a cgroup2 mount
 * whose cgroup.controllers lists cpu (cpu.max). The testbed owns groups of
 * fixed names directly under the controller's root. */
#ifndef HOPLAT_TB_CGROUP_H
#define HOPLAT_TB_CGROUP_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define TB_CG_GUEST "hoplat-testbed-guest"	/* the guest's server processes */
#define TB_CG_CLIENT "hoplat-testbed-client"	/* the benchmark clients */
#define TB_CG_PERIOD_US 100000			/* the kernel's default CFS period */

struct tb_cg_root {
	char path[256];	/* the controller's mount point */
	int v2;		/* 1: cgroup2 (cpu.max), 0: v1 (cpu.cfs_quota_us) */
};

/* The cpu controller from a mount table in /proc/self/mounts format: a v1
 * hierarchy with option "cpu" first, else a cgroup2 mount whose
 * cgroup.controllers lists cpu. 0, or -ENOENT when neither exists. */
int tb_cg_find(const char *mounts, struct tb_cg_root *root);
/* Makes root/NAME (or keeps it) with a quota of pct% of one CPU per period
 * and a CPU weight against its siblings, in v1 cpu.shares units (1024: a
 * nice 0 task's; v2's cpu.weight gets the same proportion of its 100). A
 * group competes as one entity with that weight, whatever its tasks' nice
 * values. dir gets its path. 0 or -errno. */
int tb_cg_create(const struct tb_cg_root *root, const char *name, double pct, int shares, char *dir,
		 size_t cap);
/* Moves pid, with all its threads, into the group at dir (0: the caller). */
int tb_cg_add(const char *dir, pid_t pid);
/* The group's throttling so far: periods it ran out of quota in, time held back. */
struct tb_cg_stat {
	int64_t nr_periods, nr_throttled, throttled_ns;
};
int tb_cg_stat(const struct tb_cg_root *root, const char *dir, struct tb_cg_stat *st);
/* Moves whatever is left in root/NAME back to the root and removes the
 * group: 1 removed, 0 there was none, -errno. */
int tb_cg_remove(const struct tb_cg_root *root, const char *name);
/* The quota configured in dir, in % of one CPU (0: none). */
double tb_cg_quota_pct(const struct tb_cg_root *root, const char *dir);

#endif
