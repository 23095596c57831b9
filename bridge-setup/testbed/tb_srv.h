/* Servers in hoplat-guest, captures at the three points, tool versions:
 * the pieces `hoplat testbed run` puts together. */
#ifndef HOPLAT_TB_SRV_H
#define HOPLAT_TB_SRV_H

#include <stddef.h>
#include <sys/types.h>

#define TB_ZONE "hoplat.test"
#define TB_QNAME "www.hoplat.test"
#define TB_URI "/index.html"
#define TB_SRV_NICE (-10)	/* the servers' priority (see srv_start) */

/* BIND 9 authoritative for hoplat.test / lighttpd serving TB_URI, on 10.77.0.10;
 * each returns once the server answers a real query from hoplat-client.
 * pid or -errno with err set. */
pid_t tb_srv_named(char *err, size_t cap);
pid_t tb_srv_lighttpd(char *err, size_t cap);

/* Captures: client.pcapng (eth0 in hoplat-client) and dom0.pcapng (peth0 and
 * vif1.0 in hoplat-dom0) under dir, with `hoplat capture`. */
struct tb_caps {
	pid_t client, dom0;
	const char *tool;	/* "hoplat capture", or the fallback's name */
};
int tb_caps_start(struct tb_caps *c, const char *dir, char *err, size_t cap);
/* SIGINT both, wait for them to finish their files. 0 or -errno. */
int tb_caps_stop(struct tb_caps *c);

/* First line of `cmd args` output that contains `want` (or the first line), into buf. */
void tb_tool_version(char *const argv[], const char *want, char *buf, size_t cap);
/* Runs argv in ns, output to out_path, at most timeout_ms; exit status or -errno. */
int tb_run_tool(const char *ns, char *const argv[], const char *out_path, int timeout_ms);

#endif
