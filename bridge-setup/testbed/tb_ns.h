/* Named network namespaces the way iproute2 makes them (a bind mount of a
 * namespace's /proc/PID/ns/net on /run/netns/NAME), so `ip netns exec NAME`
 * and tests can enter them; plus processes started inside them. */
#ifndef HOPLAT_TB_NS_H
#define HOPLAT_TB_NS_H

#include <stddef.h>
#include <sys/types.h>

#define TB_NETNS_DIR "/run/netns"

int tb_ns_create(const char *name);	/* 0, -EEXIST, -errno */
int tb_ns_delete(const char *name);	/* 0 (also when absent) or -errno */
int tb_ns_exists(const char *name);	/* 1 or 0 */
int tb_ns_open(const char *name);	/* fd or -errno */
/* Moves the calling thread into NAME ("" or NULL: the namespace hoplat started in). */
int tb_ns_enter(const char *name);
/* Pids of the processes whose network namespace is NAME; count or -errno. */
int tb_ns_pids(const char *name, pid_t *pids, int max);
/* SIGTERM, then SIGKILL after grace_ms, every process in NAME; count killed. */
int tb_ns_kill_all(const char *name, int grace_ms);

/* Starts argv inside NAME with stdout+stderr to out_path (NULL: /dev/null);
 * pid or -errno. */
pid_t tb_spawn(const char *ns, char *const argv[], const char *out_path);
/* The same, the child first joining the cgroup at cg_dir (NULL: none) and
 * taking nice value nice (0: unchanged), which the threads it starts inherit. */
struct tb_spawn_how {
	const char *cg_dir;
	int nice;
};
pid_t tb_spawn_how(const char *ns, const struct tb_spawn_how *how, char *const argv[], const char *out_path);
/* Waits for pid up to timeout_ms (SIGKILL after); exit status, or -ETIMEDOUT. */
int tb_wait(pid_t pid, int timeout_ms);
/* SIGTERM, wait grace_ms, SIGKILL; 0 if it was running. */
int tb_stop(pid_t pid, int grace_ms);
/* Writes a /proc/sys file (path relative to /proc/sys) inside NAME. */
int tb_sysctl_set(const char *ns, const char *key, const char *value);
int tb_sysctl_get(const char *ns, const char *key, char *buf, size_t cap);

/* Writes text to path (created or truncated); 0 or -errno. */
int tb_write_file(const char *path, const char *text);
void tb_sleep_ms(int ms);

#endif
