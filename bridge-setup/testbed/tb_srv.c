#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "bridge-setup/testbed/tb_ns.h"
#include "bridge-setup/testbed/tb_srv.h"
#include "bridge-setup/testbed/tb_topo.h"

#define NAMED_DIR TB_RUN_DIR "/named"
#define WWW_DIR TB_RUN_DIR "/www"

static int socket_in(const char *ns, int type)
{
	if (tb_ns_enter(ns) < 0)
		return -EINVAL;
	int fd = socket(AF_INET, type | SOCK_CLOEXEC, 0);
	int e = errno;
	tb_ns_enter(NULL);
	return fd < 0 ? -e : fd;
}

/* A DNS query for TB_QNAME A, id 0x4242. */
static size_t dns_query(unsigned char *q)
{
	static const unsigned char head[12] = { 0x42, 0x42, 0x00, 0x00, 0, 1, 0, 0, 0, 0, 0, 0 };
	size_t n = sizeof head;
	memcpy(q, head, n);
	const char *name = TB_QNAME;
	while (*name) {
		const char *dot = strchr(name, '.');
		size_t len = dot ? (size_t)(dot - name) : strlen(name);
		q[n++] = (unsigned char)len;
		memcpy(q + n, name, len);
		n += len;
		name += len + (dot != NULL);
	}
	q[n++] = 0;
	q[n++] = 0, q[n++] = 1;	/* A */
	q[n++] = 0, q[n++] = 1;	/* IN */
	return n;
}

static int dns_answers(int timeout_ms)
{
	int fd = socket_in(TB_NS_CLIENT, SOCK_DGRAM);
	if (fd < 0)
		return fd;
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(53) };
	inet_pton(AF_INET, TB_GUEST_IP, &sin.sin_addr);
	unsigned char q[64], r[512];
	size_t n = dns_query(q);
	int rc = connect(fd, (struct sockaddr *)&sin, sizeof sin) < 0 ? -errno : -ETIMEDOUT;
	for (int t = 0; rc == -ETIMEDOUT && t < timeout_ms; t += 100) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		if (send(fd, q, n, 0) < 0) {
			tb_sleep_ms(100);
			continue;
		}
		if (poll(&p, 1, 100) > 0 && recv(fd, r, sizeof r, 0) >= 12 && r[0] == 0x42 && r[1] == 0x42)
			rc = (r[3] & 0x0f) == 0 ? 0 : -EPROTO;	/* RCODE NOERROR */
	}
	close(fd);
	return rc;
}

static int http_answers(int timeout_ms)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(80) };
	inet_pton(AF_INET, TB_GUEST_IP, &sin.sin_addr);
	for (int t = 0; t < timeout_ms; t += 100) {
		int fd = socket_in(TB_NS_CLIENT, SOCK_STREAM);
		if (fd < 0)
			return fd;
		int ok = connect(fd, (struct sockaddr *)&sin, sizeof sin) == 0;
		close(fd);
		if (ok)
			return 0;
		tb_sleep_ms(100);
	}
	return -ETIMEDOUT;
}

static int named_files(void)
{
	static const char *conf =
		"options {\n"
		"  directory \"" NAMED_DIR "\";\n"
		"  pid-file \"" TB_RUN_DIR "/named.pid\";\n"
		"  session-keyfile \"" NAMED_DIR "/session.key\";\n"
		"  listen-on { " TB_GUEST_IP "; };\n"
		"  listen-on-v6 { none; };\n"
		"  recursion no;\n"
		"  dnssec-validation no;\n"
		"  notify no;\n"
		"};\n"
		"controls { };\n"
		"zone \"" TB_ZONE "\" { type primary; file \"" NAMED_DIR "/" TB_ZONE ".zone\"; };\n";
	static const char *zone =
		"$TTL 300\n"
		"@ IN SOA ns." TB_ZONE ". hostmaster." TB_ZONE ". 1 3600 600 86400 300\n"
		"@ IN NS ns." TB_ZONE ".\n"
		"ns IN A " TB_GUEST_IP "\n"
		"www IN A " TB_GUEST_IP "\n"
		"client IN A " TB_CLIENT_IP "\n";
	if (mkdir(NAMED_DIR, 0755) < 0 && errno != EEXIST)
		return -errno;
	int rc = tb_write_file(NAMED_DIR "/named.conf", conf);
	return rc < 0 ? rc : tb_write_file(NAMED_DIR "/" TB_ZONE ".zone", zone);
}

/* Starts argv[0] in the guest namespace and waits up to 8 s until ready()
 * sees it serve; on failure err says what ("<server> does not <serves>").
 * The guest stands for a machine of its own, yet here it shares two cores
 * with the benchmark clients and the captures: its servers go first when
 * they need the CPU (nice TB_SRV_NICE), so the guest is slow only when a
 * scenario makes it so (--guest-cpu), never because httperf spins. */
static pid_t srv_start(char *argv[], const char *log, int (*ready)(int timeout_ms),
		       const char *serves, char *err, size_t cap)
{
	static const struct tb_spawn_how how = { NULL, TB_SRV_NICE };
	pid_t pid = tb_spawn_how(TB_NS_GUEST, &how, argv, log);
	if (pid < 0) {
		snprintf(err, cap, "%s: %s", argv[0], strerror(-pid));
		return pid;
	}
	int rc = ready(8000);
	if (rc < 0) {
		snprintf(err, cap, "%s does not %s (see %s)", argv[0], serves, log);
		tb_stop(pid, 1000);
		return rc;
	}
	return pid;
}

pid_t tb_srv_named(char *err, size_t cap)
{
	int rc = named_files();
	if (rc < 0) {
		snprintf(err, cap, "%s: %s", NAMED_DIR, strerror(-rc));
		return rc;
	}
	/* One worker thread: the machine has two cores and the clients need one. */
	char *argv[] = { "named", "-f", "-4", "-n", "1", "-c", NAMED_DIR "/named.conf", NULL };
	return srv_start(argv, TB_RUN_DIR "/named.log", dns_answers, "answer " TB_QNAME, err, cap);
}

static int lighttpd_files(void)
{
	static const char *conf =
		"server.document-root = \"" WWW_DIR "\"\n"
		"server.bind = \"" TB_GUEST_IP "\"\n"
		"server.port = 80\n"
		"server.pid-file = \"" TB_RUN_DIR "/lighttpd.pid\"\n"
		"server.errorlog = \"" TB_RUN_DIR "/lighttpd-error.log\"\n"
		"mimetype.assign = ( \".html\" => \"text/html\" )\n";
	char page[600];
	/* ~500 bytes: the response fits one segment, as in the paper's small-file test. */
	int n = snprintf(page, sizeof page, "<html><head><title>hoplat testbed</title></head><body>\n");
	while (n < 480)
		n += snprintf(page + n, sizeof page - (size_t)n, "<p>hoplat</p>\n");
	snprintf(page + n, sizeof page - (size_t)n, "</body></html>\n");
	if (mkdir(WWW_DIR, 0755) < 0 && errno != EEXIST)
		return -errno;
	int rc = tb_write_file(TB_RUN_DIR "/lighttpd.conf", conf);
	return rc < 0 ? rc : tb_write_file(WWW_DIR TB_URI, page);
}

pid_t tb_srv_lighttpd(char *err, size_t cap)
{
	int rc = lighttpd_files();
	if (rc < 0) {
		snprintf(err, cap, "%s: %s", WWW_DIR, strerror(-rc));
		return rc;
	}
	char *argv[] = { "lighttpd", "-D", "-f", TB_RUN_DIR "/lighttpd.conf", NULL };
	return srv_start(argv, TB_RUN_DIR "/lighttpd.log", http_answers,
			 "accept on " TB_GUEST_IP ":80", err, cap);
}

/* ---- captures ---- */

static int self_exe(char *buf, size_t cap)
{
	ssize_t n = readlink("/proc/self/exe", buf, cap - 1);
	if (n < 0)
		return -errno;
	buf[n] = 0;
	return 0;
}

/* Is `hoplat capture` built? Probed by asking it for its help. */
static int hoplat_capture_works(const char *exe)
{
	char *argv[] = { (char *)exe, "capture", "--help", NULL };
	pid_t pid = tb_spawn(NULL, argv, NULL);
	return pid > 0 && tb_wait(pid, 5000) == 0;
}

/* FALLBACK, until `hoplat capture` lands: Wireshark's dumpcap, which also
 * writes one pcapng with a named interface block per -i (microsecond
 * timestamps). Remove once hoplat capture is in every build. */
static pid_t fallback_dumpcap(const char *ns, const char *if1, const char *if2, const char *file)
{
	char *argv[] = { "dumpcap", "-q", "-n", "-i", (char *)if1, "-i", (char *)if2, "-w", (char *)file, NULL };
	if (!if2)
		argv[5] = "-w", argv[6] = (char *)file, argv[7] = NULL;
	return tb_spawn(ns, argv, NULL);
}

static pid_t hoplat_capture(const char *exe, const char *ns, const char *if1, const char *if2,
			    const char *file, const char *log)
{
	/* -Z root: the output directory belongs to root; no privilege drop. */
	char *argv[] = { (char *)exe, "capture", "-Z", "root", "-i", (char *)if1, "-i", (char *)if2, "-w",
			 (char *)file, NULL };
	if (!if2)
		argv[6] = "-w", argv[7] = (char *)file, argv[8] = NULL;
	return tb_spawn(ns, argv, log);
}

static int wait_file(const char *path, int timeout_ms)
{
	struct stat st;
	for (int t = 0; t < timeout_ms; t += 50) {
		if (stat(path, &st) == 0 && st.st_size > 0)
			return 0;
		tb_sleep_ms(50);
	}
	return -ETIMEDOUT;
}

static void pidfile(const char *name, pid_t pid)
{
	char path[256], buf[32];
	snprintf(path, sizeof path, "%s/%s", TB_RUN_DIR, name);
	snprintf(buf, sizeof buf, "%d\n", (int)pid);
	tb_write_file(path, buf);
}

int tb_caps_start(struct tb_caps *c, const char *dir, char *err, size_t cap)
{
	char exe[512], fc[512], fd[512], lc[512], ld[512];
	memset(c, 0, sizeof *c);
	int rc = self_exe(exe, sizeof exe);
	snprintf(fc, sizeof fc, "%s/client.pcapng", dir);
	snprintf(fd, sizeof fd, "%s/dom0.pcapng", dir);
	snprintf(lc, sizeof lc, "%s/capture-client.log", TB_RUN_DIR);
	snprintf(ld, sizeof ld, "%s/capture-dom0.log", TB_RUN_DIR);
	unlink(fc);
	unlink(fd);
	if (rc == 0 && hoplat_capture_works(exe)) {
		c->tool = "hoplat capture";
		c->client = hoplat_capture(exe, TB_NS_CLIENT, "eth0", NULL, fc, lc);
		c->dom0 = hoplat_capture(exe, TB_NS_DOM0, "peth0", "vif1.0", fd, ld);
	} else {
		c->tool = "dumpcap (fallback: hoplat capture not built)";
		c->client = fallback_dumpcap(TB_NS_CLIENT, "eth0", NULL, fc);
		c->dom0 = fallback_dumpcap(TB_NS_DOM0, "peth0", "vif1.0", fd);
	}
	if (c->client > 0)
		pidfile("capture-client.pid", c->client);
	if (c->dom0 > 0)
		pidfile("capture-dom0.pid", c->dom0);
	if (c->client < 0 || c->dom0 < 0 || wait_file(fc, 5000) < 0 || wait_file(fd, 5000) < 0) {
		snprintf(err, cap, "%s did not start (see %s)", c->tool, TB_RUN_DIR);
		tb_caps_stop(c);
		return -EIO;
	}
	tb_sleep_ms(300);	/* handles open and filters set before the traffic starts */
	return 0;
}

static int stop_capture(pid_t pid)
{
	if (pid <= 0)
		return 0;
	kill(pid, SIGINT);
	int st = tb_wait(pid, 5000);
	return st == 0 ? 0 : -EIO;
}

int tb_caps_stop(struct tb_caps *c)
{
	int a = stop_capture(c->client), b = stop_capture(c->dom0);
	c->client = c->dom0 = 0;
	unlink(TB_RUN_DIR "/capture-client.pid");
	unlink(TB_RUN_DIR "/capture-dom0.pid");
	return a < 0 ? a : b;
}

/* ---- tools ---- */

int tb_run_tool(const char *ns, char *const argv[], const char *out_path, int timeout_ms)
{
	pid_t pid = tb_spawn(ns, argv, out_path);
	return pid < 0 ? pid : tb_wait(pid, timeout_ms);
}

void tb_tool_version(char *const argv[], const char *want, char *buf, size_t cap)
{
	char path[] = "/tmp/hoplat-version.XXXXXX";
	int fd = mkstemp(path);
	snprintf(buf, cap, "unknown");
	if (fd < 0)
		return;
	close(fd);
	tb_run_tool(NULL, argv, path, 5000);
	FILE *f = fopen(path, "r");
	char line[256];
	int first = 1;
	while (f && fgets(line, sizeof line, f)) {
		line[strcspn(line, "\r\n")] = 0;
		if (first && *line)
			snprintf(buf, cap, "%s", line), first = 0;
		if (want && strstr(line, want)) {
			snprintf(buf, cap, "%s", line);
			break;
		}
	}
	if (f)
		fclose(f);
	unlink(path);
}
