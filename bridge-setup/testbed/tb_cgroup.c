#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "bridge-setup/testbed/tb_cgroup.h"

/* Is word one of the items of list, separated by any of seps? */
static int has_word(const char *list, const char *word, const char *seps)
{
	size_t n = strlen(word);
	for (const char *p = list; *p; p += strcspn(p, seps), p += strspn(p, seps))
		if (!strncmp(p, word, n) && (!p[n] || strchr(seps, p[n])))
			return 1;
	return 0;
}

static int read_text(const char *path, char *buf, size_t cap)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return -errno;
	size_t n = fread(buf, 1, cap - 1, f);
	buf[n] = 0;
	fclose(f);
	return (int)n;
}

static int v2_has_cpu(const char *mnt)
{
	char path[320], buf[512];
	snprintf(path, sizeof path, "%s/cgroup.controllers", mnt);
	return read_text(path, buf, sizeof buf) > 0 && has_word(buf, "cpu", " \n");
}

int tb_cg_find(const char *mounts, struct tb_cg_root *root)
{
	FILE *f = fopen(mounts, "r");
	char line[1024], dev[256], mnt[256], type[64], opts[512], v2[256] = "";
	if (!f)
		return -errno;
	int found = 0;
	while (!found && fgets(line, sizeof line, f)) {
		if (sscanf(line, "%255s %255s %63s %511s", dev, mnt, type, opts) != 4)
			continue;
		if (!strcmp(type, "cgroup") && has_word(opts, "cpu", ","))
			found = 1;
		else if (!strcmp(type, "cgroup2") && !*v2 && v2_has_cpu(mnt))
			snprintf(v2, sizeof v2, "%s", mnt);
	}
	fclose(f);
	if (!found && !*v2)
		return -ENOENT;
	snprintf(root->path, sizeof root->path, "%s", found ? mnt : v2);
	root->v2 = !found;
	return 0;
}

static int write_in(const char *dir, const char *file, const char *text)
{
	char path[384];
	snprintf(path, sizeof path, "%s/%s", dir, file);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	ssize_t n = write(fd, text, strlen(text));
	int rc = n < 0 ? -errno : 0;
	if (close(fd) < 0 && rc == 0)
		rc = -errno;
	return rc;
}

/* cgroup2 hands a controller to children only when the parent's
 * subtree_control enables it. */
static int v2_enable_cpu(const struct tb_cg_root *root)
{
	char path[320], buf[512];
	snprintf(path, sizeof path, "%s/cgroup.subtree_control", root->path);
	if (read_text(path, buf, sizeof buf) > 0 && has_word(buf, "cpu", " \n"))
		return 0;
	return write_in(root->path, "cgroup.subtree_control", "+cpu");
}

static int set_weight(const struct tb_cg_root *root, const char *dir, int shares)
{
	char w[32];
	if (!root->v2) {
		snprintf(w, sizeof w, "%d\n", shares);
		return write_in(dir, "cpu.shares", w);
	}
	long v = (long)shares * 100 / 1024;
	snprintf(w, sizeof w, "%ld\n", v < 1 ? 1 : v > 10000 ? 10000 : v);
	return write_in(dir, "cpu.weight", w);
}

int tb_cg_create(const struct tb_cg_root *root, const char *name, double pct, int shares, char *dir,
		 size_t cap)
{
	char q[64];
	long long quota = (long long)(pct / 100 * TB_CG_PERIOD_US + 0.5);
	if (quota < 1000)	/* the kernel's smallest quota: 1 ms */
		return -EINVAL;
	snprintf(dir, cap, "%s/%s", root->path, name);
	int rc = root->v2 ? v2_enable_cpu(root) : 0;
	if (rc < 0)
		return rc;
	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		return -errno;
	if ((rc = set_weight(root, dir, shares)) < 0)
		return rc;
	if (root->v2) {
		snprintf(q, sizeof q, "%lld %d\n", quota, TB_CG_PERIOD_US);
		return write_in(dir, "cpu.max", q);
	}
	snprintf(q, sizeof q, "%d\n", TB_CG_PERIOD_US);
	if ((rc = write_in(dir, "cpu.cfs_period_us", q)) < 0)
		return rc;
	snprintf(q, sizeof q, "%lld\n", quota);
	return write_in(dir, "cpu.cfs_quota_us", q);
}

int tb_cg_add(const char *dir, pid_t pid)
{
	char s[32];
	snprintf(s, sizeof s, "%d\n", (int)pid);
	return write_in(dir, "cgroup.procs", s);
}

static int64_t stat_field(const char *text, const char *key)
{
	size_t n = strlen(key);
	for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (!strncmp(p, key, n) && p[n] == ' ')
			return strtoll(p + n + 1, NULL, 10);
	return 0;
}

int tb_cg_stat(const struct tb_cg_root *root, const char *dir, struct tb_cg_stat *st)
{
	char path[384], buf[1024];
	snprintf(path, sizeof path, "%s/cpu.stat", dir);
	int rc = read_text(path, buf, sizeof buf);
	if (rc < 0)
		return rc;
	st->nr_periods = stat_field(buf, "nr_periods");
	st->nr_throttled = stat_field(buf, "nr_throttled");
	st->throttled_ns = root->v2 ? stat_field(buf, "throttled_usec") * 1000 : stat_field(buf, "throttled_time");
	return 0;
}

double tb_cg_quota_pct(const struct tb_cg_root *root, const char *dir)
{
	char path[384], buf[128];
	long long quota = -1, period = TB_CG_PERIOD_US;
	snprintf(path, sizeof path, "%s/%s", dir, root->v2 ? "cpu.max" : "cpu.cfs_quota_us");
	if (read_text(path, buf, sizeof buf) <= 0)
		return 0;
	if (root->v2 && sscanf(buf, "%lld %lld", &quota, &period) < 1)
		return 0;	/* "max": no quota */
	if (!root->v2)
		quota = strtoll(buf, NULL, 10);
	return quota > 0 && period > 0 ? 100.0 * (double)quota / (double)period : 0;
}

/* Back to the root, one pid at a time (cgroup.procs takes one per write). */
static void evacuate(const struct tb_cg_root *root, const char *dir)
{
	char path[384], line[32];
	snprintf(path, sizeof path, "%s/cgroup.procs", dir);
	FILE *f = fopen(path, "r");
	while (f && fgets(line, sizeof line, f))
		write_in(root->path, "cgroup.procs", line);
	if (f)
		fclose(f);
}

int tb_cg_remove(const struct tb_cg_root *root, const char *name)
{
	char dir[320];
	struct stat st;
	snprintf(dir, sizeof dir, "%s/%s", root->path, name);
	if (stat(dir, &st) < 0)
		return errno == ENOENT ? 0 : -errno;
	evacuate(root, dir);
	return rmdir(dir) < 0 ? -errno : 1;
}
