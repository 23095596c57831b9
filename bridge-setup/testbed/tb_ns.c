#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "bridge-setup/testbed/tb_cgroup.h"
#include "bridge-setup/testbed/tb_ns.h"

static int root_ns_fd = -1;	/* where hoplat started; tb_ns_enter("") returns here */

static int save_root(void)
{
	if (root_ns_fd < 0)
		root_ns_fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	return root_ns_fd < 0 ? -errno : 0;
}

static void ns_path(const char *name, char *buf, size_t cap)
{
	snprintf(buf, cap, "%s/%s", TB_NETNS_DIR, name);
}

/* iproute2 makes /run/netns a shared mount point so mounts under it
 * propagate to every mount namespace; do the same. */
static int prepare_dir(void)
{
	if (mkdir(TB_NETNS_DIR, 0755) < 0 && errno != EEXIST)
		return -errno;
	if (mount("", TB_NETNS_DIR, "none", MS_SHARED | MS_REC, NULL) == 0)
		return 0;
	if (errno != EINVAL)
		return -errno;
	if (mount(TB_NETNS_DIR, TB_NETNS_DIR, "none", MS_BIND | MS_REC, NULL) < 0)
		return -errno;
	return mount("", TB_NETNS_DIR, "none", MS_SHARED | MS_REC, NULL) < 0 ? -errno : 0;
}

int tb_ns_exists(const char *name)
{
	char p[PATH_MAX];
	struct stat st;
	ns_path(name, p, sizeof p);
	return stat(p, &st) == 0;
}

int tb_ns_create(const char *name)
{
	char p[PATH_MAX];
	int rc = save_root();
	if (rc < 0 || (rc = prepare_dir()) < 0)
		return rc;
	ns_path(name, p, sizeof p);
	int fd = open(p, O_RDONLY | O_CREAT | O_EXCL, 0);
	if (fd < 0)
		return -errno;
	close(fd);
	rc = 0;
	if (unshare(CLONE_NEWNET) < 0)
		rc = -errno;
	else if (mount("/proc/self/ns/net", p, "none", MS_BIND, NULL) < 0)
		rc = -errno;
	if (setns(root_ns_fd, CLONE_NEWNET) < 0 && rc == 0)
		rc = -errno;
	if (rc < 0)
		unlink(p);
	return rc;
}

int tb_ns_delete(const char *name)
{
	char p[PATH_MAX];
	ns_path(name, p, sizeof p);
	umount2(p, MNT_DETACH);
	if (unlink(p) < 0 && errno != ENOENT)
		return -errno;
	return 0;
}

int tb_ns_open(const char *name)
{
	char p[PATH_MAX];
	ns_path(name, p, sizeof p);
	int fd = open(p, O_RDONLY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

int tb_ns_enter(const char *name)
{
	int rc = save_root();
	if (rc < 0)
		return rc;
	if (!name || !*name)
		return setns(root_ns_fd, CLONE_NEWNET) < 0 ? -errno : 0;
	int fd = tb_ns_open(name);
	if (fd < 0)
		return fd;
	rc = setns(fd, CLONE_NEWNET) < 0 ? -errno : 0;
	close(fd);
	return rc;
}

int tb_ns_pids(const char *name, pid_t *pids, int max)
{
	char p[PATH_MAX];
	struct stat ns, st;
	ns_path(name, p, sizeof p);
	if (stat(p, &ns) < 0)
		return errno == ENOENT ? 0 : -errno;
	DIR *d = opendir("/proc");
	if (!d)
		return -errno;
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d)) && n < max) {
		char *end;
		long pid = strtol(e->d_name, &end, 10);
		if (*end || pid <= 0 || pid == getpid())
			continue;
		snprintf(p, sizeof p, "/proc/%ld/ns/net", pid);
		/* A bind-mounted namespace file has the namespace's inode. */
		if (stat(p, &st) == 0 && st.st_ino == ns.st_ino && st.st_dev == ns.st_dev)
			pids[n++] = (pid_t)pid;
	}
	closedir(d);
	return n;
}

void tb_sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

/* Running, and not a zombie waiting for its parent (often init) to reap it. */
static int alive(pid_t pid)
{
	char path[64], buf[256];
	waitpid(pid, NULL, WNOHANG);	/* reap it if it is our child */
	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return 0;
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = 0;
	const char *rp = strrchr(buf, ')');	/* "pid (comm) S ..." */
	return rp && rp[1] == ' ' && rp[2] != 'Z' && rp[2] != 'X';
}

int tb_ns_kill_all(const char *name, int grace_ms)
{
	pid_t pids[256];
	int n = tb_ns_pids(name, pids, 256);
	if (n <= 0)
		return n;
	for (int i = 0; i < n; i++)
		kill(pids[i], SIGTERM);
	for (int t = 0; t < grace_ms; t += 20) {
		int left = 0;
		for (int i = 0; i < n; i++)
			left += alive(pids[i]);
		if (!left)
			return n;
		tb_sleep_ms(20);
	}
	for (int i = 0; i < n; i++)
		if (alive(pids[i]))
			kill(pids[i], SIGKILL);
	for (int i = 0; i < n; i++)
		waitpid(pids[i], NULL, WNOHANG);
	return n;
}

pid_t tb_spawn(const char *ns, char *const argv[], const char *out_path)
{
	static const struct tb_spawn_how plain = { NULL, 0 };
	return tb_spawn_how(ns, &plain, argv, out_path);
}

pid_t tb_spawn_how(const char *ns, const struct tb_spawn_how *how, char *const argv[], const char *out_path)
{
	int fd = open(out_path ? out_path : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	int nsfd = -1;
	if (ns && *ns && (nsfd = tb_ns_open(ns)) < 0) {
		close(fd);
		return nsfd;
	}
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		if (nsfd >= 0 && setns(nsfd, CLONE_NEWNET) < 0)
			_exit(126);
		if (how->cg_dir && tb_cg_add(how->cg_dir, getpid()) < 0)
			_exit(125);
		if (how->nice && setpriority(PRIO_PROCESS, 0, how->nice) < 0)
			_exit(124);
		int nul = open("/dev/null", O_RDONLY);
		dup2(nul, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		setpgid(0, 0);
		sigset_t none;
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		execvp(argv[0], argv);
		fprintf(stderr, "exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	int err = errno;
	close(fd);
	if (nsfd >= 0)
		close(nsfd);
	return pid < 0 ? -err : pid;
}

int tb_wait(pid_t pid, int timeout_ms)
{
	int st;
	for (int t = 0;; t += 10) {
		pid_t r = waitpid(pid, &st, WNOHANG);
		if (r == pid)
			return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
		if (r < 0)
			return -errno;
		if (t >= timeout_ms) {
			kill(pid, SIGKILL);
			waitpid(pid, &st, 0);
			return -ETIMEDOUT;
		}
		tb_sleep_ms(10);
	}
}

int tb_stop(pid_t pid, int grace_ms)
{
	if (pid <= 0 || kill(pid, SIGTERM) < 0)
		return -ESRCH;
	for (int t = 0; t < grace_ms; t += 10) {
		if (!alive(pid))
			return 0;
		tb_sleep_ms(10);
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	return 0;
}

/* /proc/sys/net belongs to the namespace of whoever opens it. */
static int sysctl_open(const char *ns, const char *key, int flags)
{
	char p[PATH_MAX];
	int rc = tb_ns_enter(ns);
	if (rc < 0)
		return rc;
	snprintf(p, sizeof p, "/proc/sys/%s", key);
	int fd = open(p, flags | O_CLOEXEC);
	rc = fd < 0 ? -errno : fd;
	tb_ns_enter(NULL);
	return rc;
}

int tb_sysctl_set(const char *ns, const char *key, const char *value)
{
	int fd = sysctl_open(ns, key, O_WRONLY);
	if (fd < 0)
		return fd;
	ssize_t n = write(fd, value, strlen(value));
	int rc = n < 0 ? -errno : 0;
	close(fd);
	return rc;
}

int tb_sysctl_get(const char *ns, const char *key, char *buf, size_t cap)
{
	int fd = sysctl_open(ns, key, O_RDONLY);
	if (fd < 0)
		return fd;
	ssize_t n = read(fd, buf, cap - 1);
	int rc = n < 0 ? -errno : 0;
	buf[n < 0 ? 0 : n] = 0;
	if (n > 0 && buf[n - 1] == '\n')
		buf[n - 1] = 0;
	close(fd);
	return rc;
}

int tb_write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	if (!f)
		return -errno;
	fputs(text, f);
	return fclose(f) < 0 ? -errno : 0;
}
