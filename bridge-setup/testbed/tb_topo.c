#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <netlink/netlink.h>
#include <netlink/route/link.h>
#include "bridge-setup/testbed/delay_line.h"
#include "bridge-setup/testbed/tb_cgroup.h"
#include "bridge-setup/testbed/tb_nl.h"
#include "bridge-setup/testbed/tb_ns.h"
#include "bridge-setup/testbed/tb_topo.h"
#include "common/dur.h"

#define TB_CONF TB_RUN_DIR "/testbed.conf"
#define TB_DL_PID TB_RUN_DIR "/delayline.pid"
#define TB_DL_LOG TB_RUN_DIR "/delayline.log"
#define TB_NFT_TABLE "hoplat_testbed"

static const char *const tb_ns_names[] = { TB_NS_CLIENT, TB_NS_DOM0, TB_NS_GUEST };

static int link_delayed(const struct tb_config *c)
{
	return c->link_ns > 0 || c->loss_pct > 0;
}

/* ---- state files ---- */

static int save_config(const struct tb_config *c)
{
	char buf[320];
	snprintf(buf, sizeof buf, "link_delay_ns=%lld\nbridge_delay_ns=%lld\nguest_delay_ns=%lld\nloss_pct=%g\n"
		 "guest_cpu_pct=%g\nclient_cpu_pct=%g\n",
		 (long long)c->link_ns, (long long)c->bridge_ns, (long long)c->guest_ns, c->loss_pct,
		 c->guest_cpu_pct, c->client_cpu_pct);
	return tb_write_file(TB_CONF, buf);
}

int tb_config_load(struct tb_config *c)
{
	FILE *f = fopen(TB_CONF, "r");
	char line[128];
	if (!f)
		return -ENOENT;
	memset(c, 0, sizeof *c);
	while (fgets(line, sizeof line, f)) {
		long long v;
		double d;
		if (sscanf(line, "link_delay_ns=%lld", &v) == 1)
			c->link_ns = v;
		else if (sscanf(line, "bridge_delay_ns=%lld", &v) == 1)
			c->bridge_ns = v;
		else if (sscanf(line, "guest_delay_ns=%lld", &v) == 1)
			c->guest_ns = v;
		else if (sscanf(line, "loss_pct=%lf", &d) == 1)
			c->loss_pct = d;
		else if (sscanf(line, "guest_cpu_pct=%lf", &d) == 1)
			c->guest_cpu_pct = d;
		else if (sscanf(line, "client_cpu_pct=%lf", &d) == 1)
			c->client_cpu_pct = d;
	}
	fclose(f);
	return 0;
}

static pid_t read_pid(const char *path)
{
	FILE *f = fopen(path, "r");
	long pid = 0;
	if (!f)
		return 0;
	if (fscanf(f, "%ld", &pid) != 1)
		pid = 0;
	fclose(f);
	return (pid_t)pid;
}

/* ---- building ---- */

#define TRY(expr, what) do { int rc_ = (expr); if (rc_ < 0) { \
	snprintf(err, cap, "%s: %s", (what), strerror(-rc_)); return rc_; } } while (0)

static int ns_base(const char *ns, char *err, size_t cap)
{
	TRY(tb_ns_create(ns), ns);
	/* IPv6 off: no router solicitations or MLD reports in the captures. */
	tb_sysctl_set(ns, "net/ipv6/conf/all/disable_ipv6", "1");
	tb_sysctl_set(ns, "net/ipv6/conf/default/disable_ipv6", "1");
	TRY(tb_ns_enter(ns), ns);
	struct nl_sock *sk = tb_nl_open();
	int rc = sk ? tb_nl_up(sk, "lo") : -ENOMEM;
	tb_nl_close(sk);
	tb_ns_enter(NULL);
	TRY(rc, "lo up");
	return 0;
}

/* The veth pairs, created from hoplat-dom0 with the far ends moved out. */
static int make_veths(struct nl_sock *sk, const struct tb_config *c, int cfd, int gfd,
		      char *err, size_t cap)
{
	if (link_delayed(c)) {
		TRY(tb_nl_veth(sk, "lnk-c", NULL, "eth0", TB_CLIENT_MAC, cfd), "veth lnk-c/eth0");
		TRY(tb_nl_veth(sk, "peth0", NULL, "lnk-u", NULL, -1), "veth peth0/lnk-u");
	} else {
		TRY(tb_nl_veth(sk, "peth0", NULL, "eth0", TB_CLIENT_MAC, cfd), "veth peth0/eth0");
	}
	if (c->guest_ns > 0) {
		TRY(tb_nl_veth(sk, "vif1.0", NULL, "gst-v", NULL, -1), "veth vif1.0/gst-v");
		TRY(tb_nl_veth(sk, "gst-g", NULL, "eth0", TB_GUEST_MAC, gfd), "veth gst-g/eth0");
	} else {
		TRY(tb_nl_veth(sk, "vif1.0", NULL, "eth0", TB_GUEST_MAC, gfd), "veth vif1.0/eth0");
	}
	return 0;
}

static int dom0_links(char *err, size_t cap)
{
	static const char *const all[] = { "br0", "peth0", "vif1.0", "lnk-c", "lnk-u", "gst-v", "gst-g" };
	struct nl_sock *sk = tb_nl_open();
	if (!sk)
		TRY(-ENOMEM, "netlink");
	TRY(tb_nl_bridge(sk, "br0"), "bridge br0");
	TRY(tb_nl_enslave(sk, "br0", "peth0"), "br0 port peth0");
	TRY(tb_nl_enslave(sk, "br0", "vif1.0"), "br0 port vif1.0");
	for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
		if (!if_nametoindex(all[i]))
			continue;
		TRY(tb_nl_offloads_off(all[i]), all[i]);
		TRY(tb_nl_up(sk, all[i]), all[i]);
	}
	TRY(tb_nl_addr(sk, "br0", TB_BRIDGE_IP "/24"), "br0 address");
	tb_nl_close(sk);
	return 0;
}

static int end_host(const char *ns, const char *cidr, char *err, size_t cap)
{
	TRY(tb_ns_enter(ns), ns);
	struct nl_sock *sk = tb_nl_open();
	int rc = sk ? tb_nl_offloads_off("eth0") : -ENOMEM;
	if (rc == 0)
		rc = tb_nl_up(sk, "eth0");
	if (rc == 0)
		rc = tb_nl_addr(sk, "eth0", cidr);
	tb_nl_close(sk);
	tb_ns_enter(NULL);
	TRY(rc, ns);
	return 0;
}

static int build_links(const struct tb_config *c, char *err, size_t cap)
{
	int cfd = tb_ns_open(TB_NS_CLIENT), gfd = tb_ns_open(TB_NS_GUEST), rc;
	if (cfd < 0 || gfd < 0) {
		rc = cfd < 0 ? cfd : gfd;
		snprintf(err, cap, "namespaces: %s", strerror(-rc));
	} else if ((rc = tb_ns_enter(TB_NS_DOM0)) < 0) {
		snprintf(err, cap, "enter %s: %s", TB_NS_DOM0, strerror(-rc));
	} else {
		struct nl_sock *sk = tb_nl_open();
		rc = sk ? make_veths(sk, c, cfd, gfd, err, cap) : -ENOMEM;
		tb_nl_close(sk);
		if (rc == 0)
			rc = dom0_links(err, cap);
		tb_ns_enter(NULL);
	}
	if (cfd >= 0)
		close(cfd);
	if (gfd >= 0)
		close(gfd);
	if (rc == 0)
		rc = end_host(TB_NS_CLIENT, TB_CLIENT_IP "/24", err, cap);
	if (rc == 0)
		rc = end_host(TB_NS_GUEST, TB_GUEST_IP "/24", err, cap);
	return rc;
}

/* The bridge hop's delay needs br0 not to forward between its two ports
 * itself: an nftables bridge-family rule drops that forward and the delay
 * line carries the frame from peth0's ingress to vif1.0's egress (and back)
 * after the delay. br0 still learns, floods and answers for itself. */
static int bridge_block(char *err, size_t cap)
{
	const char *rules =
		"table bridge " TB_NFT_TABLE " {\n"
		"  chain forward {\n"
		"    type filter hook forward priority 0; policy accept;\n"
		"    iifname \"peth0\" oifname \"vif1.0\" drop\n"
		"    iifname \"vif1.0\" oifname \"peth0\" drop\n"
		"  }\n"
		"}\n";
	TRY(tb_write_file(TB_RUN_DIR "/bridge.nft", rules), TB_RUN_DIR "/bridge.nft");
	char *argv[] = { "nft", "-f", TB_RUN_DIR "/bridge.nft", NULL };
	pid_t pid = tb_spawn(TB_NS_DOM0, argv, TB_RUN_DIR "/nft.log");
	TRY(pid, "nft");
	int st = tb_wait(pid, 5000);
	if (st != 0) {
		snprintf(err, cap, "nft -f %s/bridge.nft failed (see %s/nft.log)", TB_RUN_DIR, TB_RUN_DIR);
		return -EIO;
	}
	return 0;
}

static volatile sig_atomic_t dl_stop;
static void dl_on_signal(int sig)
{
	(void)sig;
	dl_stop = 1;
}

static int dl_hops(const struct tb_config *c, struct tb_dl_hop *h)
{
	int n = 0;
	if (link_delayed(c))
		h[n++] = (struct tb_dl_hop){ "link", "lnk-c", "lnk-u", c->link_ns,
					     (uint32_t)(c->loss_pct * 10000 + 0.5) };
	if (c->bridge_ns > 0)
		h[n++] = (struct tb_dl_hop){ "bridge", "peth0", "vif1.0", c->bridge_ns, 0 };
	if (c->guest_ns > 0)
		h[n++] = (struct tb_dl_hop){ "guest", "gst-v", "gst-g", c->guest_ns, 0 };
	return n;
}

/* The delay line's own process, in hoplat-dom0, until SIGTERM. */
static void dl_child(const struct tb_config *c)
{
	struct tb_dl_hop hops[3];
	int n = dl_hops(c, hops);
	setsid();
	int fd = open(TB_DL_LOG, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	int nul = open("/dev/null", O_RDONLY);
	dup2(nul, 0);
	dup2(fd, 1);
	dup2(fd, 2);
	for (int i = 3; i < 1024; i++)
		close(i);
	struct sigaction sa = { .sa_handler = dl_on_signal };
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	/* Real-time priority: the delay line sleeps almost always and must wake on time. */
	struct sched_param sp = { .sched_priority = 10 };
	if (getenv("HOPLAT_DL_NOFIFO"))
		fprintf(stderr, "delay line: SCHED_OTHER (HOPLAT_DL_NOFIFO)\n");
	else if (sched_setscheduler(0, SCHED_FIFO, &sp) < 0)
		fprintf(stderr, "delay line: no SCHED_FIFO (%s); timing will be looser\n", strerror(errno));
	FILE *log = fdopen(1, "w");
	if (tb_ns_enter(TB_NS_DOM0) < 0)
		_exit(1);
	fprintf(log, "delay line: %d hop(s), pid %d\n", n, (int)getpid());
	fflush(log);
	_exit(tb_dl_run(hops, n, &dl_stop, log) < 0 ? 1 : 0);
}

static int start_delay_line(const struct tb_config *c, char *err, size_t cap)
{
	struct tb_dl_hop hops[3];
	if (dl_hops(c, hops) == 0)
		return 0;
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0)
		dl_child(c);
	TRY(pid < 0 ? -errno : 0, "fork delay line");
	char buf[32];
	snprintf(buf, sizeof buf, "%d\n", (int)pid);
	TRY(tb_write_file(TB_DL_PID, buf), TB_DL_PID);
	return 0;
}

/* ---- CPU quotas ---- */

static const char *const tb_cg_names[] = { TB_CG_GUEST, TB_CG_CLIENT };

static double cpu_pct(const struct tb_config *c, const char *name)
{
	return !strcmp(name, TB_CG_GUEST) ? c->guest_cpu_pct : c->client_cpu_pct;
}

/* The guest's group keeps the weight its servers' nice value gives them
 * outside a group (TB_SRV_NICE -10: 9548 in the kernel's
 * sched_prio_to_weight), so a quota is the only thing that slows them. */
static int cpu_shares(const char *name)
{
	return !strcmp(name, TB_CG_GUEST) ? 9548 : 1024;
}

int tb_cpu_group(const struct tb_config *c, const char *name, char *dir, size_t cap)
{
	struct tb_cg_root root;
	if (cpu_pct(c, name) <= 0 || tb_cg_find("/proc/self/mounts", &root) < 0)
		return -ENOENT;
	snprintf(dir, cap, "%s/%s", root.path, name);
	return 0;
}

/* Checked before anything is made, so a machine without the controller
 * gets a clear refusal instead of a half-built testbed. */
static int cpu_check(const struct tb_config *c, char *err, size_t cap)
{
	struct tb_cg_root root;
	if (c->guest_cpu_pct <= 0 && c->client_cpu_pct <= 0)
		return 0;
	if (tb_cg_find("/proc/self/mounts", &root) == 0)
		return 0;
	snprintf(err, cap, "--%s-cpu: no cgroup cpu controller (no cgroup v1 hierarchy with 'cpu' and no cgroup2 "
		 "mount listing cpu in cgroup.controllers, see /proc/self/mounts)",
		 c->guest_cpu_pct > 0 ? "guest" : "client");
	return -ENOTSUP;
}

static int cpu_groups(const struct tb_config *c, char *err, size_t cap)
{
	struct tb_cg_root root;
	char dir[320];
	int rc = tb_cg_find("/proc/self/mounts", &root);
	for (size_t i = 0; rc == 0 && i < 2; i++) {
		double pct = cpu_pct(c, tb_cg_names[i]);
		if (pct > 0 && (rc = tb_cg_create(&root, tb_cg_names[i], pct, cpu_shares(tb_cg_names[i]), dir,
						  sizeof dir)) < 0)
			snprintf(err, cap, "cgroup %s/%s, quota %g%%: %s", root.path, tb_cg_names[i], pct, strerror(-rc));
	}
	return rc;
}

static int cpu_groups_remove(FILE *out)
{
	struct tb_cg_root root;
	int n = 0;
	if (tb_cg_find("/proc/self/mounts", &root) < 0)
		return 0;
	for (size_t i = 0; i < 2; i++) {
		int rc = tb_cg_remove(&root, tb_cg_names[i]);
		if (rc > 0)
			fprintf(out, "removed cgroup %s/%s\n", root.path, tb_cg_names[i]), n++;
		else if (rc < 0)
			fprintf(out, "cgroup %s/%s: %s\n", root.path, tb_cg_names[i], strerror(-rc));
	}
	return n;
}

static int64_t mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int probe_once(int fd, int wait_ms, int64_t *rtt)
{
	char b = 0;
	int64_t t0 = mono_ns();
	if (send(fd, &b, 1, 0) < 0 && errno != ECONNREFUSED)
		return -errno;
	struct pollfd p = { .fd = fd, .events = POLLIN };
	if (poll(&p, 1, wait_ms) <= 0)
		return -ETIMEDOUT;
	/* The port-unreachable answer surfaces as ECONNREFUSED on a connected socket. */
	if (recv(fd, &b, 1, MSG_DONTWAIT) < 0 && errno == ECONNREFUSED) {
		*rtt = mono_ns() - t0;
		return 0;
	}
	return -EAGAIN;
}

int tb_probe(const char *ns, const char *ip, int timeout_ms, int64_t *rtt_ns)
{
	int rc = tb_ns_enter(ns);
	if (rc < 0)
		return rc;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	tb_ns_enter(NULL);
	if (fd < 0)
		return -errno;
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(9) };
	inet_pton(AF_INET, ip, &sin.sin_addr);
	rc = connect(fd, (struct sockaddr *)&sin, sizeof sin) < 0 ? -errno : -ETIMEDOUT;
	for (int t = 0; rc == -ETIMEDOUT && t < timeout_ms; t += 200) {
		rc = probe_once(fd, 200, rtt_ns);
		if (rc == -EAGAIN || rc == -ECONNREFUSED)
			rc = -ETIMEDOUT;
	}
	close(fd);
	return rc;
}

/* Each probe waits for ARP first: with loss on the link a lost ARP request
 * costs a 1 s retransmission (retrans_time_ms), so allow several. */
static int check_path(const struct tb_config *c, char *err, size_t cap)
{
	int64_t rtt;
	int wait_ms = c->loss_pct > 0 ? 10000 : 3000;
	/* From dom0 first: br0 learns the guest's address for `bridge show`. */
	if (tb_probe(TB_NS_DOM0, TB_GUEST_IP, wait_ms, &rtt) < 0) {
		snprintf(err, cap, "no answer from the guest %s seen from %s", TB_GUEST_IP, TB_NS_DOM0);
		return -EHOSTUNREACH;
	}
	if (tb_probe(TB_NS_DOM0, TB_CLIENT_IP, wait_ms, &rtt) < 0) {
		snprintf(err, cap, "no answer from the client %s seen from %s", TB_CLIENT_IP, TB_NS_DOM0);
		return -EHOSTUNREACH;
	}
	if (tb_probe(TB_NS_CLIENT, TB_GUEST_IP, wait_ms, &rtt) < 0) {
		snprintf(err, cap, "no answer from the guest %s seen from the client", TB_GUEST_IP);
		return -EHOSTUNREACH;
	}
	return 0;
}

static int up_steps(const struct tb_config *c, char *err, size_t cap)
{
	if (mkdir(TB_RUN_DIR, 0755) < 0 && errno != EEXIST)
		TRY(-errno, TB_RUN_DIR);
	TRY(save_config(c), TB_CONF);
	for (size_t i = 0; i < 3; i++) {
		int rc = ns_base(tb_ns_names[i], err, cap);
		if (rc == -EEXIST)
			snprintf(err, cap, "namespace %s exists: run `hoplat testbed down` first", tb_ns_names[i]);
		if (rc < 0)
			return rc;
	}
	int rc = c->guest_cpu_pct > 0 || c->client_cpu_pct > 0 ? cpu_groups(c, err, cap) : 0;
	if (rc == 0)
		rc = build_links(c, err, cap);
	if (rc == 0 && c->bridge_ns > 0)
		rc = bridge_block(err, cap);
	if (rc == 0)
		rc = start_delay_line(c, err, cap);
	if (rc == 0)
		rc = check_path(c, err, cap);
	return rc;
}

int tb_up(const struct tb_config *c, char *err, size_t cap)
{
	for (size_t i = 0; i < 3; i++)
		if (tb_ns_exists(tb_ns_names[i])) {
			snprintf(err, cap, "namespace %s exists: run `hoplat testbed down` first", tb_ns_names[i]);
			return -EEXIST;
		}
	int rc = cpu_check(c, err, cap);
	if (rc < 0)
		return rc;
	rc = up_steps(c, err, cap);
	if (rc < 0) {
		FILE *nul = fopen("/dev/null", "w");
		tb_down(nul);
		if (nul)
			fclose(nul);
	}
	return rc;
}

/* ---- removing ---- */

/* A pid file may outlive its process (a crash, then pid reuse): only stop a
 * process that runs one of the programs the testbed starts. */
static int pid_is_ours(pid_t pid)
{
	static const char *const progs[] = { "hoplat", "hoplat-asan", "named", "lighttpd", "dumpcap" };
	char path[64], exe[512];
	snprintf(path, sizeof path, "/proc/%d/exe", (int)pid);
	ssize_t n = readlink(path, exe, sizeof exe - 1);
	if (n <= 0)
		return 0;
	exe[n] = 0;
	const char *base = strrchr(exe, '/') ? strrchr(exe, '/') + 1 : exe;
	for (size_t i = 0; i < sizeof progs / sizeof progs[0]; i++)
		if (!strncmp(base, progs[i], strlen(progs[i])) &&
		    (!base[strlen(progs[i])] || !strcmp(base + strlen(progs[i]), " (deleted)")))
			return 1;
	return 0;
}

static int kill_pidfiles(FILE *out)
{
	char path[512];
	int n = 0;
	static const char *const files[] = { "delayline.pid", "named.pid", "lighttpd.pid", "capture-client.pid",
					     "capture-dom0.pid" };
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		snprintf(path, sizeof path, "%s/%s", TB_RUN_DIR, files[i]);
		pid_t pid = read_pid(path);
		if (pid > 0 && pid_is_ours(pid) && tb_stop(pid, 1000) == 0) {
			fprintf(out, "stopped %s (pid %d)\n", files[i], (int)pid);
			n++;
		}
		unlink(path);
	}
	return n;
}

static void rm_rundir(void)
{
	static const char *const files[] = { "testbed.conf", "bridge.nft", "nft.log", "delayline.log" };
	char path[512];
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		snprintf(path, sizeof path, "%s/%s", TB_RUN_DIR, files[i]);
		unlink(path);
	}
	/* Whatever a scenario left there (server configs, logs). */
	char *argv[] = { "rm", "-rf", TB_RUN_DIR, NULL };
	pid_t pid = tb_spawn(NULL, argv, NULL);
	if (pid > 0)
		tb_wait(pid, 5000);
}

int tb_down(FILE *out)
{
	int n = kill_pidfiles(out);
	for (size_t i = 0; i < 3; i++) {
		int k = tb_ns_kill_all(tb_ns_names[i], 1000);
		if (k > 0) {
			fprintf(out, "stopped %d process(es) in %s\n", k, tb_ns_names[i]);
			n += k;
		}
		if (tb_ns_exists(tb_ns_names[i])) {
			/* Its veths, bridge and nft tables go with it. */
			int rc = tb_ns_delete(tb_ns_names[i]);
			if (rc < 0)
				fprintf(out, "namespace %s: %s\n", tb_ns_names[i], strerror(-rc));
			else
				fprintf(out, "removed namespace %s\n", tb_ns_names[i]);
			n++;
		}
	}
	n += cpu_groups_remove(out);
	struct stat st;
	if (stat(TB_RUN_DIR, &st) == 0) {
		rm_rundir();
		fprintf(out, "removed %s\n", TB_RUN_DIR);
		n++;
	}
	return n;
}

/* ---- status ---- */

static void print_links(FILE *out, const char *ns)
{
	struct nl_cache *cache;
	if (tb_ns_enter(ns) < 0)
		return;
	struct nl_sock *sk = tb_nl_open();
	if (sk && rtnl_link_alloc_cache(sk, AF_UNSPEC, &cache) == 0) {
		for (struct nl_object *o = nl_cache_get_first(cache); o; o = nl_cache_get_next(o)) {
			struct rtnl_link *l = (struct rtnl_link *)o;
			char mac[32], master[IF_NAMESIZE] = "";
			struct nl_addr *a = rtnl_link_get_addr(l);
			if (!strcmp(rtnl_link_get_name(l), "lo"))
				continue;
			if (rtnl_link_get_master(l))
				rtnl_link_i2name(cache, rtnl_link_get_master(l), master, sizeof master);
			fprintf(out, "    %-8s %-5s %s%s%s\n", rtnl_link_get_name(l),
				(rtnl_link_get_flags(l) & IFF_UP) ? "up" : "down",
				a ? nl_addr2str(a, mac, sizeof mac) : "-", *master ? " master " : "", master);
		}
		nl_cache_free(cache);
	}
	tb_nl_close(sk);
	tb_ns_enter(NULL);
}

static void print_cpu(FILE *out, const struct tb_config *c)
{
	char dir[320], procs[352], line[32];
	for (size_t i = 0; i < 2; i++) {
		if (tb_cpu_group(c, tb_cg_names[i], dir, sizeof dir) < 0)
			continue;
		snprintf(procs, sizeof procs, "%s/cgroup.procs", dir);
		FILE *f = fopen(procs, "r");
		fprintf(out, "  cpu quota %s: %g%% of one CPU, cgroup %s, pids:", i ? "client" : "guest",
			cpu_pct(c, tb_cg_names[i]), dir);
		while (f && fgets(line, sizeof line, f))
			fprintf(out, " %.*s", (int)strcspn(line, "\n"), line);
		fprintf(out, f ? "\n" : " (cgroup missing)\n");
		if (f)
			fclose(f);
	}
}

int tb_status(FILE *out)
{
	struct tb_config c;
	char d1[32], d2[32], d3[32];
	int whole = 1;
	if (tb_config_load(&c) == 0)
		fprintf(out, "testbed: link %s, bridge %s, guest %s one way, loss %g%%, cpu guest %g%% client %g%% (0: no quota)\n",
			dur_format(c.link_ns, d1, sizeof d1), dur_format(c.bridge_ns, d2, sizeof d2),
			dur_format(c.guest_ns, d3, sizeof d3), c.loss_pct, c.guest_cpu_pct, c.client_cpu_pct);
	else {
		fprintf(out, "testbed: not configured (%s absent)\n", TB_CONF);
		whole = 0;
	}
	for (size_t i = 0; i < 3; i++) {
		if (!tb_ns_exists(tb_ns_names[i])) {
			fprintf(out, "  namespace %s: absent\n", tb_ns_names[i]);
			whole = 0;
			continue;
		}
		pid_t pids[64];
		int np = tb_ns_pids(tb_ns_names[i], pids, 64);
		fprintf(out, "  namespace %s: %d process(es)\n", tb_ns_names[i], np < 0 ? 0 : np);
		print_links(out, tb_ns_names[i]);
	}
	if (whole)
		print_cpu(out, &c);
	pid_t dl = read_pid(TB_DL_PID);
	if (dl > 0)
		fprintf(out, "  delay line: pid %d %s\n", (int)dl, kill(dl, 0) == 0 ? "running" : "DEAD");
	else if (whole && (link_delayed(&c) || c.bridge_ns || c.guest_ns))
		whole = 0;
	if (dl > 0 && kill(dl, 0) != 0)
		whole = 0;
	return whole ? 0 : 1;
}
