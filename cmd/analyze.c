/* hoplat analyze: capture files in, transactions timed, summary out.
 *
 * The input side is a list of inputs (path, optional #IFACE, role), merged
 * by timestamp (k-way) into the one streaming engine. One FILE is one
 * point; --client/--uplink/--vif name the points on the path. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "cmd/cmd.h"
#include "common/dur.h"
#include "common/text.h"
#include "decode/capfile.h"
#include "analysis/engine/engine.h"
#include "analysis/results/results.h"
#include "analysis/report/rpt.h"
#include "analysis/path/clock_pass.h"
#include "decode/ifrole.h"	/* port roles by name, as `bridge show` */

#define MAX_INPUTS 8

struct input {
	char path[400];
	char iface[128];		/* "" = every interface */
	uint8_t role;
	struct capfile *cf;
	struct pkt head;
	int has_head, done;
	uint64_t matched;		/* packets taken (after the #IFACE filter) */
};

struct analyze {
	struct input in[MAX_INPUTS];
	unsigned n;
	const char *json, *txns, *csv;
	struct eng_config cfg;
	struct rpt_out jsonl_out, csv_out;
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: hoplat analyze FILE [options]\n"
		"       hoplat analyze --client FILE[#IFACE] --uplink FILE[#IFACE] --vif FILE[#IFACE] [options]\n"
		"  --json FILE            summary as JSON ('-': stdout)\n"
		"  --transactions FILE    one JSON object per transaction (JSON Lines)\n"
		"  --csv FILE             one CSV row per transaction\n"
		"  --dns-port N           also treat port N as DNS (repeatable; default 53)\n"
		"  --http-port N          also treat port N as HTTP (repeatable; default 80)\n"
		"  --dns-timeout DUR      a query unanswered this long is unanswered (default 10s)\n"
		"  --max-flows N          size of every state table (default 262144)\n"
		"  --guest IP             the guest's address (cross-point)\n"
		"  --window DUR           time series window (default 1s)\n"
		"  --silence DUR          a guest silent this long while asked is an incident (default 1s)\n"
		"Durations: 300us, 1ms, 2s. Exit status: 0 ok, 1 a file was damaged (what was\n"
		"read is still reported), 2 usage or open errors.\n");
}

static int add_port(uint16_t *ports, unsigned *n, const char *arg, const char *what)
{
	char *end;
	long v = strtol(arg, &end, 10);
	if (*end || v < 1 || v > 65535) {
		fprintf(stderr, "hoplat analyze: %s '%s' is not a port (1-65535)\n", what, arg);
		return -EINVAL;
	}
	if (*n >= PT_MAX_PORTS) {
		fprintf(stderr, "hoplat analyze: at most %d ports for %s\n", PT_MAX_PORTS, what);
		return -EINVAL;
	}
	ports[(*n)++] = (uint16_t)v;
	return 0;
}

/* FILE or FILE#IFACE: a path that exists is taken whole (paths may hold '#'). */
static int add_input(struct analyze *a, const char *spec, uint8_t role)
{
	if (a->n >= MAX_INPUTS) {
		fprintf(stderr, "hoplat analyze: too many inputs\n");
		return -EINVAL;
	}
	for (unsigned i = 0; i < a->n; i++)
		if (a->in[i].role == role) {
			fprintf(stderr, "hoplat analyze: the %s point is given twice\n", rpt_role_name[role]);
			return -EINVAL;
		}
	size_t len = strlen(spec);
	struct input *in = a->in + a->n;
	if (len >= sizeof in->path) {
		fprintf(stderr, "hoplat analyze: path too long: %s\n", spec);
		return -EINVAL;
	}
	memset(in, 0, sizeof *in);
	in->role = role;
	memcpy(in->path, spec, len + 1);
	struct stat st;
	char *hash = strrchr(in->path, '#');
	if (hash && stat(in->path, &st) != 0 && strlen(hash + 1) < sizeof in->iface) {
		*hash = 0;
		memcpy(in->iface, hash + 1, strlen(hash + 1) + 1);
	}
	a->n++;
	return 0;
}

static int parse_dur(const char *arg, const char *what, int64_t *ns)
{
	if (dur_parse(arg, ns) || *ns <= 0) {
		fprintf(stderr, "hoplat analyze: %s '%s' is not a duration (e.g. 300us, 1ms, 2s)\n",
			what, arg);
		return -EINVAL;
	}
	return 0;
}

enum { O_JSON = 256, O_TXNS, O_CSV, O_DNSPORT, O_HTTPPORT, O_DNSTO, O_FLOWS, O_GUEST,
       O_WINDOW, O_SILENCE, O_CLIENT, O_UPLINK, O_VIF };

static int parse_args(struct analyze *a, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", 1, 0, O_JSON }, { "transactions", 1, 0, O_TXNS }, { "csv", 1, 0, O_CSV },
		{ "dns-port", 1, 0, O_DNSPORT }, { "http-port", 1, 0, O_HTTPPORT },
		{ "dns-timeout", 1, 0, O_DNSTO }, { "max-flows", 1, 0, O_FLOWS },
		{ "guest", 1, 0, O_GUEST }, { "window", 1, 0, O_WINDOW }, { "silence", 1, 0, O_SILENCE },
		{ "client", 1, 0, O_CLIENT }, { "uplink", 1, 0, O_UPLINK }, { "vif", 1, 0, O_VIF },
		{ "help", 0, 0, 'h' }, { 0, 0, 0, 0 },
	};
	struct pt_config *pc = &a->cfg.pt;
	int o, rc = 0;
	optind = 1;
	while (!rc && (o = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (o) {
		case O_JSON: a->json = optarg; break;
		case O_TXNS: a->txns = optarg; break;
		case O_CSV: a->csv = optarg; break;
		case O_DNSPORT: rc = add_port(pc->dns_ports, &pc->n_dns_ports, optarg, "--dns-port"); break;
		case O_HTTPPORT: rc = add_port(pc->http_ports, &pc->n_http_ports, optarg, "--http-port"); break;
		case O_DNSTO: rc = parse_dur(optarg, "--dns-timeout", &pc->dns_timeout_ns); break;
		case O_WINDOW: rc = parse_dur(optarg, "--window", &a->cfg.window_ns); break;
		case O_SILENCE: rc = parse_dur(optarg, "--silence", &a->cfg.hang.silence_ns); break;
		case O_FLOWS: {
			char *end;
			unsigned long v = strtoul(optarg, &end, 10);
			if (*end || v < 16 || v > (1ul << 26)) {
				fprintf(stderr, "hoplat analyze: --max-flows '%s': 16 .. 67108864\n", optarg);
				rc = -EINVAL;
			}
			pc->max_flows = (unsigned)v;
			break;
		}
		case O_GUEST:
			if (ipaddr_parse(optarg, &a->cfg.guest)) {
				fprintf(stderr, "hoplat analyze: --guest '%s' is not an IP address\n", optarg);
				rc = -EINVAL;
			}
			break;
		case O_CLIENT: rc = add_input(a, optarg, PT_CLIENT); break;
		case O_UPLINK: rc = add_input(a, optarg, PT_UPLINK); break;
		case O_VIF: rc = add_input(a, optarg, PT_VIF); break;
		case 'h': usage(stdout); exit(0);
		default: rc = -EINVAL;
		}
	}
	if (rc)
		return rc;
	if (optind < argc && a->n == 0)
		rc = add_input(a, argv[optind++], PT_SINGLE);
	if (!rc && optind < argc) {
		fprintf(stderr, "hoplat analyze: unexpected argument '%s'\n", argv[optind]);
		return -EINVAL;
	}
	if (!rc && a->n == 0) {
		fprintf(stderr, "hoplat analyze: no capture file given\n");
		usage(stderr);
		return -EINVAL;
	}
	return rc;
}

/* The defaults 53 and 80 stay; --dns-port/--http-port add to them. */
static void default_ports(struct analyze *a)
{
	struct pt_config *pc = &a->cfg.pt;
	pc->dns_ports[0] = 53;
	pc->n_dns_ports = 1;
	pc->http_ports[0] = 80;
	pc->n_http_ports = 1;
}

static FILE *open_out(const char *path)
{
	if (!strcmp(path, "-"))
		return stdout;
	FILE *f = fopen(path, "w");
	if (!f)
		fprintf(stderr, "hoplat analyze: cannot write %s: %s\n", path, strerror(errno));
	return f;
}

static int close_out(FILE *f, const char *path)
{
	int bad = ferror(f);
	if (f == stdout)
		bad |= fflush(f) != 0;
	else
		bad |= fclose(f) != 0;
	if (bad)
		fprintf(stderr, "hoplat analyze: writing %s failed\n", path);
	return bad ? -EIO : 0;
}

/* Next packet of an input that passes its #IFACE filter; sets done at the end. */
static void input_next(struct input *in, struct engine *e)
{
	in->has_head = 0;
	while (!in->done) {
		int rc = capfile_next(in->cf, &in->head);
		if (rc < 0) {
			char m[TEXT_SAFE_CAP(CAPFILE_ERRBUF)];
			fprintf(stderr, "hoplat analyze: %s\n", text_safe(capfile_error(in->cf), m, sizeof m));
			eng_input_error(e, capfile_error(in->cf));
		}
		if (rc <= 0) {
			in->done = 1;
			return;
		}
		if (in->iface[0]) {
			const char *name = capfile_iface_name(in->cf, in->head.iface);
			if (!name || strcmp(name, in->iface))
				continue;
		}
		in->head.point = in->role;
		in->matched++;
		in->has_head = 1;
		return;
	}
}

/* Merge key: the client's times on the Dom0 clock (cross-point). */
static uint64_t merge_ts(const struct analyze *a, const struct input *in)
{
	return in->role == PT_CLIENT ? clk_to_dom0(&a->cfg.clock, in->head.ts_ns) : in->head.ts_ns;
}

/* k-way merge by corrected timestamp (k is at most a handful: a linear minimum). */
static void run(struct analyze *a, struct engine *e)
{
	for (unsigned i = 0; i < a->n; i++)
		input_next(&a->in[i], e);
	for (;;) {
		struct input *min = NULL;
		for (unsigned i = 0; i < a->n; i++)
			if (a->in[i].has_head && (!min || merge_ts(a, &a->in[i]) < merge_ts(a, min)))
				min = &a->in[i];
		if (!min)
			break;
		eng_feed(e, &min->head);
		input_next(min, e);
	}
}

/* Of a Dom0 capture's interfaces, the one that plays role by its name, as
 * `bridge show` tells ports apart: for the vif the only guest-port name
 * (vifD.N, tapN, vnetN); for the uplink the only NIC name, else the one of
 * two that is not a guest port. -1: no single one. */
static int iface_by_role(const struct capfile *cf, uint8_t role)
{
	unsigned n = capfile_iface_count(cf);
	enum ifrole want = role == PT_VIF ? IFROLE_VIF : IFROLE_UPLINK;
	int pick = -1, other = -1, hits = 0, vifs = 0;
	for (unsigned k = 0; k < n; k++) {
		enum ifrole r = ifrole_by_name(capfile_iface_name(cf, k));
		if (r == want)
			hits++, pick = (int)k;
		if (r == IFROLE_VIF)
			vifs++;
		else
			other = (int)k;
	}
	if (hits == 1)
		return pick;
	return role == PT_UPLINK && hits == 0 && n == 2 && vifs == 1 ? other : -1;
}

/* --uplink/--vif given a capture of several interfaces without #IFACE (a
 * Dom0 capture of both bridge ports, as `testbed run` writes): each takes its
 * own interface by name, where the names say which. Interface blocks come
 * before the first packet in every writer's files, so one packet is read. */
static void pick_ifaces(struct analyze *a)
{
	for (unsigned i = 0; i < a->n; i++) {
		struct input *in = &a->in[i];
		if (in->iface[0] || (in->role != PT_UPLINK && in->role != PT_VIF) || !strcmp(in->path, "-"))
			continue;
		char err[CAPFILE_ERRBUF];
		struct pkt p;
		struct capfile *cf = capfile_open(in->path, err);
		if (!cf)
			continue;	/* open_inputs says why */
		int k = capfile_next(cf, &p) > 0 && capfile_iface_count(cf) > 1 ? iface_by_role(cf, in->role) : -1;
		const char *name = k >= 0 ? capfile_iface_name(cf, (unsigned)k) : NULL;
		if (name && strlen(name) < sizeof in->iface) {
			char p[TEXT_SAFE_CAP(sizeof in->path)], n[TEXT_SAFE_CAP(64)];
			memcpy(in->iface, name, strlen(name) + 1);
			text_safe(in->path, p, sizeof p);
			fprintf(stderr, "hoplat analyze: note: %s: the %s is interface %s, by its name "
				"(%s#NAME picks another)\n", p, rpt_role_name[in->role],
				text_safe(name, n, sizeof n), p);
		}
		capfile_close(cf);
	}
}

static int open_inputs(struct analyze *a)
{
	for (unsigned i = 0; i < a->n; i++) {
		char err[CAPFILE_ERRBUF];
		a->in[i].cf = capfile_open(a->in[i].path, err);
		if (!a->in[i].cf) {
			char m[TEXT_SAFE_CAP(CAPFILE_ERRBUF)];
			fprintf(stderr, "hoplat analyze: %s\n", text_safe(err, m, sizeof m));
			return -EINVAL;
		}
		a->cfg.roles |= 1u << a->in[i].role;
	}
	return 0;
}

/* " eth0 vif1.0 (unnamed)": a file's interface names, escaped (they come
 * from the file, any bytes). */
static void put_ifaces(FILE *f, const struct capfile *cf)
{
	char b[TEXT_SAFE_CAP(64)];
	unsigned n = capfile_iface_count(cf);
	for (unsigned k = 0; k < n; k++) {
		const char *name = capfile_iface_name(cf, k);
		fprintf(f, " %s", name ? text_safe(name, b, sizeof b) : "(unnamed)");
	}
}

static int check_ifaces(struct analyze *a)
{
	int rc = 0;
	for (unsigned i = 0; i < a->n; i++) {
		struct input *in = &a->in[i];
		if (!in->iface[0] || in->matched)
			continue;
		unsigned n = capfile_iface_count(in->cf);
		int found = 0;
		for (unsigned k = 0; k < n; k++) {
			const char *name = capfile_iface_name(in->cf, k);
			found |= name && !strcmp(name, in->iface);
		}
		if (!found) {
			char p[TEXT_SAFE_CAP(sizeof in->path)], ifc[TEXT_SAFE_CAP(sizeof in->iface)];
			fprintf(stderr, "hoplat analyze: %s has no interface named '%s' (it has:",
				text_safe(in->path, p, sizeof p), text_safe(in->iface, ifc, sizeof ifc));
			put_ifaces(stderr, in->cf);
			fprintf(stderr, ")\n");
			rc = -ENOENT;
		}
	}
	return rc;
}

/* One point fed from several interfaces sees each packet once per
 * interface (a bridge's ports): say so, the user likely wants FILE#IFACE. */
static void note_merged_ifaces(const struct analyze *a)
{
	for (unsigned i = 0; i < a->n; i++) {
		const struct input *in = &a->in[i];
		unsigned n = capfile_iface_count(in->cf);
		if (in->iface[0] || n < 2)
			continue;
		char p[TEXT_SAFE_CAP(sizeof in->path)];
		text_safe(in->path, p, sizeof p);
		fprintf(stderr, "hoplat analyze: note: %s has %u interfaces, analyzed as one point "
			"(pick one with %s#NAME:", p, n, p);
		put_ifaces(stderr, in->cf);
		fprintf(stderr, ")\n");
	}
}

static void tee_txn(void *ctx, const struct txn *t)
{
	struct analyze *a = ctx;
	if (a->jsonl_out.f)
		rpt_jsonl_txn(&a->jsonl_out, t);
	if (a->csv_out.f)
		rpt_csv_txn(&a->csv_out, t);
}

static int write_outputs(struct analyze *a, const struct results *r)
{
	int rc = 0;
	int stdout_taken = (a->json && !strcmp(a->json, "-")) || (a->txns && !strcmp(a->txns, "-")) ||
			   (a->csv && !strcmp(a->csv, "-"));
	rpt_text(stdout_taken ? stderr : stdout, r);
	if (a->json) {
		FILE *f = open_out(a->json);
		if (!f)
			return -EIO;
		rpt_json(f, r);
		rc |= close_out(f, a->json);
	}
	if (a->jsonl_out.f)
		rc |= close_out(a->jsonl_out.f, a->txns);
	if (a->csv_out.f)
		rpt_csv_windows(a->csv_out.f, r);	/* a second section: kind=window rows */
	if (a->csv_out.f)
		rpt_csv_incidents(a->csv_out.f, r);	/* then kind=incident rows, if any */
	if (a->csv_out.f)
		rc |= close_out(a->csv_out.f, a->csv);
	return rc;
}

/* Cross-point: the client clock against Dom0's, before the analysis pass. */
static int clock_pass(struct analyze *a)
{
	struct clkpass_src src[MAX_INPUTS];
	char err[512];
	for (unsigned i = 0; i < a->n; i++)
		src[i] = (struct clkpass_src){ a->in[i].path, a->in[i].iface, a->in[i].role };
	int rc = clkpass_clock(src, a->n, &a->cfg.pt, &a->cfg.guest, &a->cfg.clock, err, sizeof err);
	if (rc) {
		char m[TEXT_SAFE_CAP(sizeof err)];
		fprintf(stderr, "hoplat analyze: clock pass: %s\n",
			rc == -ENOMEM ? "out of memory" : text_safe(err, m, sizeof m));
	}
	int client = 0, dom0 = 0;
	for (unsigned i = 0; i < a->n; i++)
		client |= a->in[i].role == PT_CLIENT, dom0 |= a->in[i].role != PT_CLIENT;
	if (!rc && client && dom0 && !a->cfg.clock.ok)
		fprintf(stderr, "hoplat analyze: warning: no packet seen both at the client and at Dom0: "
			"the client clock cannot be aligned (times left as captured)\n");
	return rc;
}

static void close_inputs(struct analyze *a)
{
	for (unsigned i = 0; i < a->n; i++)
		capfile_close(a->in[i].cf);
}

int cmd_analyze(int argc, char **argv)
{
	static struct analyze a;
	memset(&a, 0, sizeof a);
	eng_config_default(&a.cfg);
	a.cfg.roles = 0;
	default_ports(&a);
	if (parse_args(&a, argc, argv))
		return 2;
	pick_ifaces(&a);
	if (open_inputs(&a)) {
		close_inputs(&a);
		return 2;
	}
	if (a.txns && !(a.jsonl_out.f = open_out(a.txns)))
		return 2;
	if (a.csv && !(a.csv_out.f = open_out(a.csv)))
		return 2;
	if (a.csv_out.f)
		rpt_csv_header(a.csv_out.f);
	if (a.jsonl_out.f || a.csv_out.f)
		a.cfg.out = (struct txn_sink){ tee_txn, &a };
	if (a.n > 1 && clock_pass(&a))
		return 2;
	struct engine *e = eng_new(&a.cfg);
	if (!e) {
		fprintf(stderr, "hoplat analyze: out of memory setting up the tables (try --max-flows)\n");
		close_inputs(&a);
		return 2;
	}
	for (unsigned i = 0; i < a.n; i++) {
		char src[sizeof a.in[i].path + sizeof a.in[i].iface + 1];
		snprintf(src, sizeof src, "%s%s%s", a.in[i].path, a.in[i].iface[0] ? "#" : "", a.in[i].iface);
		eng_set_source(e, a.in[i].role, src);
	}
	run(&a, e);
	eng_finish(e);
	const struct results *r = eng_results(e);
	int status = check_ifaces(&a) ? 2 : 0;
	note_merged_ifaces(&a);
	rpt_input_warnings(stderr, "analyze", r);
	if (write_outputs(&a, r))
		status = 2;
	if (!status && r->read_error)
		status = 1;
	eng_free(e);
	close_inputs(&a);
	return status;
}
