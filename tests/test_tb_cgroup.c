/* The testbed's CPU quotas: finding the cpu controller in a mount table,
 * and the files a v1 or v2 group gets, on a scratch directory standing in
 * for the cgroup file system. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <errno.h>
#include <cmocka.h>
#include "bridge-setup/testbed/tb_cgroup.h"

static char scratch[64];

static int setup(void **state)
{
	(void)state;
	snprintf(scratch, sizeof scratch, "/tmp/hoplat-tbcg.XXXXXX");
	return mkdtemp(scratch) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf %s", scratch);
	return system(cmd) == 0 ? 0 : -1;
}

static void put(const char *file, const char *text)
{
	char p[256];
	snprintf(p, sizeof p, "%s/%s", scratch, file);
	FILE *f = fopen(p, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void get(const char *file, char *buf, size_t cap)
{
	char p[256];
	snprintf(p, sizeof p, "%s/%s", scratch, file);
	FILE *f = fopen(p, "r");
	assert_non_null(f);
	buf[fread(buf, 1, cap - 1, f)] = 0;
	fclose(f);
}

/* A mount table with line, and a cgroup2 mount at scratch/v2. */
static int find_in(const char *lines, struct tb_cg_root *root)
{
	char mounts[128], text[1024];
	snprintf(text, sizeof text, lines, scratch);
	put("mounts", text);
	snprintf(mounts, sizeof mounts, "%s/mounts", scratch);
	return tb_cg_find(mounts, root);
}

static void finds_v1_cpu(void **state)
{
	(void)state;
	struct tb_cg_root r;
	/* cpuacct and cpuset are other controllers: only the word cpu counts. */
	assert_int_equal(find_in("cgroup /sys/fs/cgroup/cpuacct cgroup rw,relatime,cpuacct 0 0\n"
				 "cgroup /sys/fs/cgroup/cpuset cgroup rw,cpuset 0 0\n"
				 "cgroup /sys/fs/cgroup/cpu cgroup rw,relatime,cpu 0 0\n", &r), 0);
	assert_string_equal(r.path, "/sys/fs/cgroup/cpu");
	assert_int_equal(r.v2, 0);
	assert_int_equal(find_in("cgroup /sys/fs/cgroup/cpu,cpuacct cgroup rw,nosuid,cpu,cpuacct 0 0\n", &r), 0);
	assert_string_equal(r.path, "/sys/fs/cgroup/cpu,cpuacct");
}

static void finds_v2_only_with_cpu(void **state)
{
	(void)state;
	struct tb_cg_root r;
	char v2[128];
	snprintf(v2, sizeof v2, "%s/v2", scratch);
	mkdir(v2, 0755);
	put("v2/cgroup.controllers", "cpuset io memory hugetlb pids\n");
	assert_int_equal(find_in("cgroup2 %s/v2 cgroup2 rw,nsdelegate 0 0\n"
				 "cgroup /sys/fs/cgroup/cpuacct cgroup rw,cpuacct 0 0\n", &r), -ENOENT);
	put("v2/cgroup.controllers", "cpuset cpu io memory\n");
	assert_int_equal(find_in("proc /proc proc rw 0 0\ncgroup2 %s/v2 cgroup2 rw,nsdelegate 0 0\n", &r), 0);
	assert_string_equal(r.path, v2);
	assert_int_equal(r.v2, 1);
	assert_int_equal(find_in("proc /proc proc rw 0 0\n", &r), -ENOENT);
}

static void v1_quota_files(void **state)
{
	(void)state;
	struct tb_cg_root r = { .v2 = 0 };
	char dir[320], buf[64];
	snprintf(r.path, sizeof r.path, "%s", scratch);
	assert_int_equal(tb_cg_create(&r, "g", 20, 9548, dir, sizeof dir), 0);
	get("g/cpu.cfs_period_us", buf, sizeof buf);
	assert_string_equal(buf, "100000\n");
	get("g/cpu.cfs_quota_us", buf, sizeof buf);
	assert_string_equal(buf, "20000\n");
	get("g/cpu.shares", buf, sizeof buf);
	assert_string_equal(buf, "9548\n");
	assert_true(tb_cg_quota_pct(&r, dir) == 20);
	/* More than one CPU, and below the kernel's 1 ms smallest quota. */
	assert_int_equal(tb_cg_create(&r, "g", 150, 1024, dir, sizeof dir), 0);
	get("g/cpu.cfs_quota_us", buf, sizeof buf);
	assert_string_equal(buf, "150000\n");
	assert_int_equal(tb_cg_create(&r, "g", 0.5, 1024, dir, sizeof dir), -EINVAL);
	assert_int_equal(tb_cg_add(dir, 4242), 0);
	get("g/cgroup.procs", buf, sizeof buf);
	assert_string_equal(buf, "4242\n");
}

static void v2_quota_files(void **state)
{
	(void)state;
	struct tb_cg_root r = { .v2 = 1 };
	char dir[320], buf[64];
	snprintf(r.path, sizeof r.path, "%s", scratch);
	put("cgroup.subtree_control", "memory\n");
	assert_int_equal(tb_cg_create(&r, "g", 2, 9548, dir, sizeof dir), 0);
	get("g/cpu.max", buf, sizeof buf);
	assert_string_equal(buf, "2000 100000\n");
	get("g/cpu.weight", buf, sizeof buf);	/* 9548 of 1024 is 932 of 100 */
	assert_string_equal(buf, "932\n");
	get("cgroup.subtree_control", buf, sizeof buf);	/* the controller handed down */
	assert_string_equal(buf, "+cpu");
	assert_true(tb_cg_quota_pct(&r, dir) == 2);
	put("g/cpu.max", "max 100000\n");
	assert_true(tb_cg_quota_pct(&r, dir) == 0);
}

static void throttling_stats(void **state)
{
	(void)state;
	struct tb_cg_root v1 = { .v2 = 0 }, v2 = { .v2 = 1 };
	struct tb_cg_stat st;
	char dir[128];
	snprintf(dir, sizeof dir, "%s/s", scratch);
	mkdir(dir, 0755);
	put("s/cpu.stat", "nr_periods 40\nnr_throttled 37\nthrottled_time 1092100000\nnr_bursts 0\n");
	assert_int_equal(tb_cg_stat(&v1, dir, &st), 0);
	assert_int_equal(st.nr_periods, 40);
	assert_int_equal(st.nr_throttled, 37);
	assert_int_equal(st.throttled_ns, 1092100000);
	put("s/cpu.stat", "usage_usec 5000\nuser_usec 1\nsystem_usec 2\nnr_periods 9\nnr_throttled 3\n"
			  "throttled_usec 2500\n");
	assert_int_equal(tb_cg_stat(&v2, dir, &st), 0);
	assert_int_equal(st.nr_periods, 9);
	assert_int_equal(st.nr_throttled, 3);
	assert_int_equal(st.throttled_ns, 2500000);
}

static void removes_only_its_group(void **state)
{
	(void)state;
	struct tb_cg_root r = { .v2 = 0 };
	char p[128];
	snprintf(r.path, sizeof r.path, "%s", scratch);
	assert_int_equal(tb_cg_remove(&r, "absent"), 0);
	snprintf(p, sizeof p, "%s/empty", scratch);
	mkdir(p, 0755);
	assert_int_equal(tb_cg_remove(&r, "empty"), 1);
	struct stat st;
	assert_int_equal(stat(p, &st), -1);
}

int main(void)
{
	const struct CMUnitTest t[] = {
		cmocka_unit_test_setup_teardown(finds_v1_cpu, setup, teardown),
		cmocka_unit_test_setup_teardown(finds_v2_only_with_cpu, setup, teardown),
		cmocka_unit_test_setup_teardown(v1_quota_files, setup, teardown),
		cmocka_unit_test_setup_teardown(v2_quota_files, setup, teardown),
		cmocka_unit_test_setup_teardown(throttling_stats, setup, teardown),
		cmocka_unit_test_setup_teardown(removes_only_its_group, setup, teardown),
	};
	return cmocka_run_group_tests(t, NULL, NULL);
}
