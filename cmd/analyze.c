/* hoplat analyze: capture files in, transactions timed, summary out.
 *
 * The input side is the input layer (capture/input.h): a source per point
 * (its files, an optional #IFACE, a BPF filter), merged by timestamp into
 * the one streaming engine. FILE... (or -r FILE) is one point; --client/
 * --uplink/--vif name the points on the path. */
#include <errno.h>
#include <stdarg.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "capture/input.h"
#include "cmd/cmd.h"
#include "common/dur.h"
#include "common/text.h"
#include "analysis/engine/engine.h"
#include "analysis/results/results.h"
#include "analysis/report/rpt.h"
#include "analysis/report/rpt_html.h"
#include "analysis/report/progress.h"
#include "analysis/path/clock_pass.h"
#include "decode/ifrole.h"	/* port roles by name, as `bridge show` */

struct analyze {
	struct in_set *in;
	unsigned points;		/* bit per point named by --client/--uplink/--vif */
	int by_r;			/* -r given: the arguments after the options are a filter */
	const char *filter;		/* --filter */
	const char *ifnames;		/* --ifnames: names of a cooked capture's interface indexes */
	const char **single;		/* the FILEs of the one point, as given (a Dom0 capture splits) */
	unsigned n_single;
	char *filter_args;		/* FILTER... joined */
	const char *json, *txns, *csv;
	const char *html, *plots;	/* drawn from the JSON summary (rpt_html.h) */
	int quiet;
	struct prog prog;
	int csv_dir;			/* --csv names a directory: a file per table */
	char csv_txns[4096];		/* the transactions table's path */
	struct eng_config cfg;
	struct rpt_out jsonl_out, csv_out;
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: hoplat analyze FILE... [options]\n"
		"       hoplat analyze -r FILE [options] [FILTER...]\n"
		"       hoplat analyze --client FILE[#IFACE] --uplink FILE[#IFACE] --vif FILE[#IFACE] [options]\n"
		"                      [FILTER...]\n"
		"  FILE                   pcap or pcapng, gzip'd or not ('-': standard input); a quoted glob\n"
		"                         ('dir/g_*.pcapng') or several FILEs are one point's capture, read\n"
		"                         in time order; FILE#IFACE keeps one interface, by name or number\n"
		"  -r FILE                the capture of the one point (repeatable), as tcpdump -r\n"
		"  --filter EXPR          a BPF filter (tcpdump's syntax) on every packet; or FILTER after\n"
		"                         the options with -r or --client/--uplink/--vif\n"
		"  --ifnames FILE         names of the interface indexes of a Linux cooked v2 capture\n"
		"                         (tcpdump -i any): 'INDEX NAME' lines, `ip -o link`, or\n"
		"                         `hoplat bridge show --json`; then FILE#NAME works on it\n"
		"  --json FILE            summary as JSON ('-': stdout)\n"
		"  --transactions FILE    one JSON object per transaction (JSON Lines)\n"
		"  --csv FILE             one CSV row per transaction (the --transactions columns)\n"
		"  --csv DIR/             a directory (existing, or ending in /): transactions.csv,\n"
		"                         windows.csv, steps.csv, incidents.csv, verdict.csv\n"
		"  --html FILE            the report as one self-contained HTML file with its figures\n"
		"  --plots DIR            each figure as DIR/NAME.svg, its data NAME.csv and a gnuplot\n"
		"                         script NAME.gp\n"
		"  -q                     no progress line on the terminal\n"
		"  --dns-port N           also treat port N as DNS (repeatable; default 53)\n"
		"  --http-port N          also treat port N as HTTP (repeatable; default 80)\n"
		"  --dns-timeout DUR      a query unanswered this long is unanswered (default 10s)\n"
		"  --max-flows N          size of every state table (default 262144)\n"
		"  --guest IP             the guest's address (cross-point)\n"
		"  --window DUR           time series window (default 1s)\n"
		"  --silence DUR          a guest silent this long while asked is an incident (default 1s)\n"
		"One FILE holding a Dom0 bridge's uplink and vif (by their names) is analyzed as those two\n"
		"points; one holding other interfaces is refused (each packet would count once per\n"
		"interface): take one with FILE#IFACE.\n"
		"Durations: 300us, 1ms, 2s. Exit status: 0 ok, 1 a file was damaged (what was\n"
		"read is still reported), 2 usage or open errors.\n");
}

/* "hoplat analyze: MSG" on stderr, MSG escaped: it names files, interfaces
 * and filters, any bytes (a file's interface names come from the file). */
static void say(const char *msg)
{
	char b[TEXT_SAFE_CAP(1024)];
	fprintf(stderr, "hoplat analyze: %s\n", text_safe(msg, b, sizeof b));
}

static void __attribute__((format(printf, 1, 2))) sayf(const char *fmt, ...)
{
	char m[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(m, sizeof m, fmt, ap);
	va_end(ap);
	say(m);
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

/* A point's capture: FILE[#IFACE] (a glob too); the uplink and the vif take
 * their interface of a Dom0 capture by name when none is given. */
static int add_input(struct analyze *a, const char *spec, uint8_t role)
{
	if (role == PT_SINGLE && !a->points) {	/* kept: a Dom0 capture may split into points */
		const char **n = realloc(a->single, (a->n_single + 1) * sizeof *n);
		if (!n)
			return -ENOMEM;
		a->single = n;
		a->single[a->n_single++] = spec;
	}
	int src = in_add(a->in, spec, role);
	if (src < 0) {
		say(in_error(a->in));
		return -EINVAL;
	}
	if (role == PT_UPLINK || role == PT_VIF)
		in_pick(a->in, (unsigned)src, role == PT_VIF ? IFROLE_VIF : IFROLE_UPLINK);
	return 0;
}

/* --client/--uplink/--vif: each point once (its files: a glob). */
static int add_point(struct analyze *a, const char *spec, uint8_t role)
{
	if (a->points & 1u << role) {
		fprintf(stderr, "hoplat analyze: the %s point is given twice (several files: a quoted "
			"glob)\n", rpt_role_name[role]);
		return -EINVAL;
	}
	a->points |= 1u << role;
	return add_input(a, spec, role);
}

static int load_ifnames(struct analyze *a)
{
	if (in_ifnames(a->in, a->ifnames)) {
		say(in_error(a->in));
		return -EINVAL;
	}
	return 0;
}

/* FILTER...: the words after the options, one expression as tcpdump joins them. */
static int filter_words(struct analyze *a, int argc, char **argv)
{
	size_t len = 1;
	for (int i = optind; i < argc; i++)
		len += strlen(argv[i]) + 1;
	a->filter_args = calloc(1, len);
	if (!a->filter_args)
		return -ENOMEM;
	for (int i = optind; i < argc; i++)
		strcat(strcat(a->filter_args, i > optind ? " " : ""), argv[i]);
	if (a->filter) {
		fprintf(stderr, "hoplat analyze: a filter given twice (--filter '%s' and '%s')\n",
			a->filter, a->filter_args);
		return -EINVAL;
	}
	a->filter = a->filter_args;
	return 0;
}

/* After the options: FILTER... with -r or named points, else FILEs of one point. */
static int positional(struct analyze *a, int argc, char **argv)
{
	if (a->by_r && a->points) {
		fprintf(stderr, "hoplat analyze: -r is the one point's capture; with --client/--uplink/"
			"--vif give each point's files there\n");
		return -EINVAL;
	}
	if (optind < argc && (a->by_r || a->points))
		return filter_words(a, argc, argv);
	int rc = 0;
	while (!rc && optind < argc)
		rc = add_input(a, argv[optind++], PT_SINGLE);
	return rc;
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
       O_WINDOW, O_SILENCE, O_CLIENT, O_UPLINK, O_VIF, O_FILTER, O_HTML, O_PLOTS, O_IFNAMES };

static int parse_args(struct analyze *a, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", 1, 0, O_JSON }, { "transactions", 1, 0, O_TXNS }, { "csv", 1, 0, O_CSV },
		{ "dns-port", 1, 0, O_DNSPORT }, { "http-port", 1, 0, O_HTTPPORT },
		{ "dns-timeout", 1, 0, O_DNSTO }, { "max-flows", 1, 0, O_FLOWS },
		{ "guest", 1, 0, O_GUEST }, { "window", 1, 0, O_WINDOW }, { "silence", 1, 0, O_SILENCE },
		{ "client", 1, 0, O_CLIENT }, { "uplink", 1, 0, O_UPLINK }, { "vif", 1, 0, O_VIF },
		{ "filter", 1, 0, O_FILTER }, { "html", 1, 0, O_HTML }, { "plots", 1, 0, O_PLOTS },
		{ "ifnames", 1, 0, O_IFNAMES }, { "quiet", 0, 0, 'q' }, { "help", 0, 0, 'h' },
		{ 0, 0, 0, 0 },
	};
	struct pt_config *pc = &a->cfg.pt;
	int o, rc = 0;
	optind = 1;
	while (!rc && (o = getopt_long(argc, argv, "hqr:", opts, NULL)) != -1) {
		switch (o) {
		case O_JSON: a->json = optarg; break;
		case O_TXNS: a->txns = optarg; break;
		case O_CSV: a->csv = optarg; break;
		case O_HTML: a->html = optarg; break;
		case O_PLOTS: a->plots = optarg; break;
		case 'q': a->quiet = 1; break;
		case O_DNSPORT: rc = add_port(pc->dns_ports, &pc->n_dns_ports, optarg, "--dns-port"); break;
		case O_HTTPPORT: rc = add_port(pc->http_ports, &pc->n_http_ports, optarg, "--http-port"); break;
		case O_DNSTO: rc = parse_dur(optarg, "--dns-timeout", &pc->dns_timeout_ns); break;
		case O_WINDOW: rc = parse_dur(optarg, "--window", &a->cfg.window_ns); break;
		case O_SILENCE: rc = parse_dur(optarg, "--silence", &a->cfg.silence.silence_ns); break;
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
		case O_CLIENT: rc = add_point(a, optarg, PT_CLIENT); break;
		case O_UPLINK: rc = add_point(a, optarg, PT_UPLINK); break;
		case O_VIF: rc = add_point(a, optarg, PT_VIF); break;
		case 'r': a->by_r = 1; rc = add_input(a, optarg, PT_SINGLE); break;
		case O_FILTER: a->filter = optarg; break;
		case O_IFNAMES: a->ifnames = optarg; rc = load_ifnames(a); break;
		case 'h': usage(stdout); exit(0);
		default: rc = -EINVAL;
		}
	}
	if (!rc)
		rc = positional(a, argc, argv);
	if (!rc && in_count(a->in) == 0) {
		fprintf(stderr, "hoplat analyze: no capture file given\n");
		usage(stderr);
		return -EINVAL;
	}
	if (!rc && a->filter && in_filter(a->in, a->filter)) {
		say(in_error(a->in));
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

/* Merge key: the client's times on the Dom0 clock (cross-point), by the
 * estimate the engine has now. */
static uint64_t merge_key(void *ctx, uint8_t point, uint64_t ts_ns)
{
	return point == PT_CLIENT ? clk_to_dom0(eng_clock(ctx), ts_ns) : ts_ns;
}

static void say_error(void *ctx, const char *msg)
{
	(void)ctx;
	say(msg);
}

static void on_packet(void *ctx)
{
	struct analyze *a = ctx;
	prog_packet(&a->prog);
}

/* A thread per point for two points or more (the same results). One point
 * stays in one thread: its own thread would hold four fifths of the work,
 * and what goes between the cores costs more than the other fifth (one
 * point of real DNS, measured: 0.41-0.44 s and 0.66 CPU s in two threads,
 * 0.40 s and 0.40 CPU s in one). HOPLAT_THREADS=0: one thread always;
 * HOPLAT_THREADS=1: a thread per point always (tests/it/analyze_threads.sh). */
static int threaded(const struct analyze *a)
{
	const char *th = getenv("HOPLAT_THREADS");
	if (th && !strcmp(th, "0"))
		return 0;
	return (th && !strcmp(th, "1")) || in_count(a->in) > 1;
}

/* Packets read per in_next_n. */
#define AN_BATCH 32

/* run's loop for one source: its packets many at a time (in_next_n,
 * eng_feed_n), about 35 instructions a packet fewer than one by one; no
 * merge, so no key to remap when the clock changes. */
static void run_one(struct analyze *a, struct engine *e)
{
	struct pkt p[AN_BATCH];
	int rc;
	while ((rc = in_next_n(a->in, p, AN_BATCH)) != 0) {
		if (rc > 0) {
			eng_feed_n(e, p, (unsigned)rc);
			for (int i = 0; a->prog.out && i < rc; i++)	/* none drawn: no loop */
				prog_packet(&a->prog);
			continue;
		}
		say(in_error(a->in));
		eng_input_error(e, in_error(a->in));
	}
}

/* Every packet of every point, in merge order, into the engine; a damaged
 * file is said and the others go on. A thread per point reads and matches
 * it (threaded), unless threads cannot start. */
static void run(struct analyze *a, struct engine *e)
{
	if (threaded(a) && eng_run_split(e, a->in, say_error, on_packet, a) == 0)
		return;
	if (in_count(a->in) == 1) {
		run_one(a, e);
		return;
	}
	struct pkt p;
	int rc;
	in_map(a->in, merge_key, e);
	while ((rc = in_next(a->in, &p, NULL)) != 0) {
		if (rc > 0) {
			int clock_changed = eng_feed(e, &p);
			prog_packet(&a->prog);
			if (clock_changed)
				in_remap(a->in);	/* the packets waiting take the refined clock */
			continue;
		}
		say(in_error(a->in));
		eng_input_error(e, in_error(a->in));
	}
}

/* Opens every point's files (checked: interfaces, filter) and says which
 * interface a Dom0 capture gave the uplink and the vif. */
static int open_inputs(struct analyze *a)
{
	if (in_open(a->in, ~0u)) {
		say(in_error(a->in));
		return -EINVAL;
	}
	for (unsigned i = 0; i < in_count(a->in); i++) {
		const char *name = in_picked(a->in, i), *path = in_paths(a->in, i);
		a->cfg.roles |= 1u << in_point(a->in, i);
		if (name)
			sayf("note: %s: the %s is interface %s, by its name (%s#NAME picks another)",
			     path, rpt_role_name[in_point(a->in, i)], name, path);
	}
	return 0;
}

/* ---- one FILE holding several interfaces (a Dom0 capture) ---- */

#define AN_MAX_PORTS 32

/* The interfaces of the one point's files: a pcapng's names, or the
 * indexes of a Linux cooked v2 capture (named by --ifnames). n of them. */
static unsigned ports_of(const struct analyze *a, const char **names, char ids[][16])
{
	unsigned n = in_cooked_count(a->in, 0);
	int cooked = n > 0;
	if (!cooked)
		n = in_iface_count(a->in, 0);
	n = n < AN_MAX_PORTS ? n : AN_MAX_PORTS;
	for (unsigned k = 0; k < n; k++) {
		uint32_t ix = cooked ? in_cooked_index(a->in, 0, k) : k;
		names[k] = cooked ? in_ifname(a->in, ix) : in_iface_name(a->in, 0, k);
		snprintf(ids[k], sizeof ids[k], "%s%u", cooked ? "index " : "#", ix);
	}
	return n;
}

/* The one point becomes the uplink and the vif, each its interface of
 * the same files (FILE#NAME), opened again. */
static int split_point(struct analyze *a, const char *up, const char *vif)
{
	char spec[4200];
	in_free(a->in);
	if (!(a->in = in_new()))
		return -ENOMEM;
	a->points = 1u << PT_UPLINK | 1u << PT_VIF;
	a->cfg.roles = 0;
	int rc = a->ifnames ? load_ifnames(a) : 0;
	for (unsigned i = 0; !rc && i < a->n_single; i++) {
		snprintf(spec, sizeof spec, "%s#%s", a->single[i], up);
		rc = add_input(a, spec, PT_UPLINK);
		snprintf(spec, sizeof spec, "%s#%s", a->single[i], vif);
		rc = rc ? rc : add_input(a, spec, PT_VIF);
	}
	if (!rc && a->filter && in_filter(a->in, a->filter)) {
		say(in_error(a->in));
		rc = -EINVAL;
	}
	return rc ? rc : open_inputs(a);
}

static void refuse_merged(const struct analyze *a, const char **names, char ids[][16], unsigned n)
{
	const char *path = in_paths(a->in, 0);
	char m[2048];
	int len = snprintf(m, sizeof m, "%s holds %u interfaces (", path, n);
	for (unsigned k = 0; k < n && len > 0 && (size_t)len < sizeof m; k++)
		len += snprintf(m + len, sizeof m - (size_t)len, "%s%s", k ? ", " : "", names[k] ? names[k] : ids[k]);
	if (len > 0 && (size_t)len < sizeof m)
		snprintf(m + len, sizeof m - (size_t)len, "): as one point every packet that crossed several "
			 "would count once per interface; take one with %s#NAME (or #INDEX), or give each its "
			 "point (--uplink %s#A --vif %s#B)%s", path, path, path,
			 in_cooked_count(a->in, 0) && !a->ifnames ?
			 "; --ifnames FILE names a cooked capture's interface indexes" : "");
	say(m);
}

/* FILE... as one point, without #IFACE, holding several interfaces: the
 * uplink and the vif when their names say which (as `bridge show` tells
 * ports apart), analyzed as those two points; anything else refused, as
 * one point would count each packet once per interface it crossed. */
static int one_point_ports(struct analyze *a)
{
	const char *names[AN_MAX_PORTS];
	char ids[AN_MAX_PORTS][16];
	if (a->points || in_count(a->in) != 1 || strcmp(in_name(a->in, 0), in_paths(a->in, 0)))
		return 0;	/* points named, or an interface taken */
	unsigned n = ports_of(a, names, ids);
	if (n < 2)
		return 0;
	int up = ifrole_pick(names, n, IFROLE_UPLINK), vif = ifrole_pick(names, n, IFROLE_VIF);
	if (up < 0 || vif < 0 || up == vif || !in_rereadable(a->in, 0)) {
		refuse_merged(a, names, ids, n);
		return -EINVAL;
	}
	sayf("note: %s holds the uplink %s and the vif %s (by their names): analyzed as those two "
	     "points (%s#NAME analyzes one interface)", in_paths(a->in, 0), names[up], names[vif],
	     in_paths(a->in, 0));
	char u[64], v[64];
	snprintf(u, sizeof u, "%s", names[up]);
	snprintf(v, sizeof v, "%s", names[vif]);
	return split_point(a, u, v);
}

/* One point fed from several interfaces sees each packet once per
 * interface (a bridge's ports): say so, the user likely wants FILE#IFACE. */
static void note_merged_ifaces(const struct analyze *a)
{
	for (unsigned i = 0; i < in_count(a->in); i++) {
		unsigned n = in_iface_count(a->in, i);
		const char *path = in_paths(a->in, i);
		if (strcmp(in_name(a->in, i), path) || n < 2)
			continue;	/* an interface taken */
		char m[1024];
		int len = snprintf(m, sizeof m, "note: %s has %u interfaces, analyzed as one point "
				   "(pick one with %s#NAME:", path, n, path);
		for (unsigned k = 0; k < n && len > 0 && (size_t)len < sizeof m; k++) {
			const char *name = in_iface_name(a->in, i, k);
			len += snprintf(m + len, sizeof m - (size_t)len, " %s", name ? name : "(unnamed)");
		}
		if (len > 0 && (size_t)len < sizeof m)
			snprintf(m + len, sizeof m - (size_t)len, ")");
		say(m);
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

/* The report is drawn from the JSON summary, as `hoplat report` draws it
 * from a saved one: the same bytes either way. */
static int write_html(struct analyze *a, const struct results *r)
{
	char *json = NULL, err[512];
	size_t len = 0;
	FILE *m = open_memstream(&json, &len);
	int rc = m ? rpt_json(m, r) : -ENOMEM;
	if (m && fclose(m))
		rc = -ENOMEM;
	if (!rc)
		rc = rpt_html_to(json, len, a->html, a->plots, err, sizeof err);
	else
		snprintf(err, sizeof err, "out of memory");
	if (rc)
		sayf("report: %s", err);
	free(json);
	return rc ? -EIO : 0;
}

/* --csv DIR: one table of the summary into DIR/NAME. */
static int csv_table(const struct analyze *a, const char *name, const struct results *r,
		     void (*draw)(FILE *, const struct results *))
{
	char path[4200];
	snprintf(path, sizeof path, "%s/%s", a->csv, name);
	FILE *f = open_out(path);
	if (!f)
		return -EIO;
	draw(f, r);
	return close_out(f, path);
}

static int write_csv_dir(const struct analyze *a, const struct results *r)
{
	int rc = csv_table(a, "windows.csv", r, rpt_csv_windows);
	rc |= csv_table(a, "steps.csv", r, rpt_csv_steps);
	rc |= csv_table(a, "incidents.csv", r, rpt_csv_incidents);
	rc |= csv_table(a, "verdict.csv", r, rpt_csv_verdict);
	return rc;
}

static int write_outputs(struct analyze *a, const struct results *r)
{
	int rc = 0;
	int stdout_taken = (a->json && !strcmp(a->json, "-")) || (a->txns && !strcmp(a->txns, "-")) ||
			   (a->csv && !strcmp(a->csv, "-")) || (a->html && !strcmp(a->html, "-"));
	rpt_text(stdout_taken ? stderr : stdout, r);
	if (a->json) {
		FILE *f = open_out(a->json);
		if (!f)
			return -EIO;
		rpt_json(f, r);
		rc |= close_out(f, a->json);
	}
	if (a->html || a->plots)
		rc |= write_html(a, r);
	if (a->jsonl_out.f)
		rc |= close_out(a->jsonl_out.f, a->txns);
	if (a->csv_out.f)
		rc |= close_out(a->csv_out.f, a->csv_txns);
	if (a->csv_dir)
		rc |= write_csv_dir(a, r);
	return rc;
}

/* --csv: a directory when it is one or the name ends in '/' (made then),
 * its transactions table opened now (rows are written as they come). */
static int open_csv(struct analyze *a)
{
	struct stat st;
	size_t n = strlen(a->csv);
	a->csv_dir = n > 1 && a->csv[n - 1] == '/';
	if (a->csv_dir && mkdir(a->csv, 0777) && errno != EEXIST) {
		fprintf(stderr, "hoplat analyze: cannot make %s: %s\n", a->csv, strerror(errno));
		return -EIO;
	}
	a->csv_dir |= stat(a->csv, &st) == 0 && S_ISDIR(st.st_mode);
	snprintf(a->csv_txns, sizeof a->csv_txns, "%s%s", a->csv, a->csv_dir ? "/transactions.csv" : "");
	if (!(a->csv_out.f = open_out(a->csv_txns)))
		return -EIO;
	rpt_csv_header(a->csv_out.f);
	return 0;
}

/* Cross-point: the client clock against Dom0's from the captures' starts,
 * read ahead (the analysis refines it as it reads on). */
static int clock_pass(struct analyze *a)
{
	char err[512];
	int rc = clkpass_start(a->in, &a->cfg.pt, &a->cfg.guest, &a->cfg.clock, &a->cfg.clock_track,
			       err, sizeof err);
	if (rc)
		sayf("clock pass: %s", rc == -ENOMEM ? "out of memory" : err);
	int client = 0, dom0 = 0;
	for (unsigned i = 0; i < in_count(a->in); i++)
		client |= in_point(a->in, i) == PT_CLIENT, dom0 |= in_point(a->in, i) != PT_CLIENT;
	if (!rc && client && dom0 && !a->cfg.clock.ok)
		fprintf(stderr, "hoplat analyze: warning: no packet seen both at the client and at Dom0: "
			"the client clock cannot be aligned (times left as captured)\n");
	return rc;
}

static void close_inputs(struct analyze *a)
{
	in_free(a->in);
	a->in = NULL;
	free(a->filter_args);
	a->filter_args = NULL;
	free(a->single);
	a->single = NULL;
}

int cmd_analyze(int argc, char **argv)
{
	static struct analyze a;
	memset(&a, 0, sizeof a);
	eng_config_default(&a.cfg);
	a.cfg.roles = 0;
	default_ports(&a);
	if (!(a.in = in_new())) {
		fprintf(stderr, "hoplat analyze: out of memory\n");
		return 2;
	}
	if (parse_args(&a, argc, argv)) {
		close_inputs(&a);
		return 2;
	}
	if (open_inputs(&a) || one_point_ports(&a)) {
		close_inputs(&a);
		return 2;
	}
	if (a.txns && !(a.jsonl_out.f = open_out(a.txns)))
		return 2;
	if (a.csv && open_csv(&a))
		return 2;
	if (a.jsonl_out.f || a.csv_out.f)
		a.cfg.out = (struct txn_sink){ tee_txn, &a };
	if (in_count(a.in) > 1 && clock_pass(&a)) {
		close_inputs(&a);
		return 2;
	}
	struct engine *e = eng_new(&a.cfg);
	if (!e) {
		fprintf(stderr, "hoplat analyze: out of memory setting up the tables (try --max-flows)\n");
		close_inputs(&a);
		return 2;
	}
	for (unsigned i = 0; i < in_count(a.in); i++)
		eng_set_source(e, in_point(a.in, i), in_name(a.in, i));
	prog_init(&a.prog, stderr, a.quiet);
	for (unsigned i = 0; i < in_count(a.in); i++)
		for (unsigned k = 0; k < in_file_count(a.in, i); k++)
			prog_add(&a.prog, in_file_path(a.in, i, k));
	run(&a, e);
	prog_done(&a.prog);
	eng_finish(e);
	const struct results *r = eng_results(e);
	int status = 0;
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
