/* The input of capture files (see input.h). */
#include <errno.h>
#include <glob.h>
#include <pcap/pcap.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "capture/input.h"
#include <json-c/json.h>
#include "decode/capfile.h"
#include "decode/layers.h"	/* dec_sll2_ifindex */

#define IN_MAX_LINKTYPES 8	/* filter programs, one per link type met */
#define IN_SNAPLEN 262144
#define IN_MAX_IFACES 256	/* interfaces of a source, across its files */
#define IN_LOOKAHEAD 65536	/* packets read ahead for interface blocks that come late */
#define IN_MAX_SEEN 32		/* Linux cooked v2: interface indexes noted in a file's first packets */
#define IN_MAX_IFNAMES 4096	/* --ifnames entries */

struct in_file {
	char *path;
	uint64_t first;		/* first packet's time (UINT64_MAX: none): the reading order */
	unsigned given;		/* position as given: the order of equal firsts */
	int sel_index;		/* #INDEX resolved in this file; -1: by name (or all) */
	uint8_t once;		/* a pipe, FIFO or stdin */
};

/* An interface of a source: the same name in several files is one. */
struct in_iface {
	char name[64];
	uint8_t named;
	uint32_t file_index;	/* an unnamed one: by its number in the file */
	uint32_t linktype;
};

/* Packets read ahead of in_next (in_ahead): copies, replayed in order;
 * a damaged file met there is replayed at its place too. */
struct in_ahead {
	struct pkt *pk;		/* [IN_AHEAD_PKTS] */
	uint8_t *bytes;		/* [IN_AHEAD_BYTES] */
	size_t used;		/* of bytes */
	unsigned n, next;	/* packets held; the next to replay */
	int err;		/* -errno after the n packets; 0 none */
	char msg[IN_ERRBUF];
	uint8_t held;		/* src->head after them: a packet read that did not fit */
	struct pkt after;	/* src->head as reading ahead left it (held, or a next
				 * file's first packet waiting): the replay borrows the field */
};

struct in_source {
	uint8_t point;
	uint8_t want;		/* enum ifrole to pick by name; IFROLE_OTHER: none */
	uint8_t picked;
	char sel[128];		/* #IFACE or #INDEX as given; "" every interface */
	char paths[400];	/* the names as given, for messages */
	char name[540];		/* paths#sel */
	struct in_file *files;
	unsigned n_files, cap_files;
	/* reading */
	struct capfile *cf;	/* files[cur], open */
	unsigned cur;
	struct pkt head;	/* the packet waiting in the merge, or read ahead */
	int head_rc;		/* the probe's read, still to be looked at when raw_pending */
	uint8_t raw_pending, has_head, ended;
	uint8_t plain;		/* it keeps every packet its reader gives (no filter, no
				 * cooked index; #IFACE is the reader's): the short way */
	/* interfaces numbered across the files (struct pkt's iface) */
	struct in_iface ifs[IN_MAX_IFACES];
	unsigned n_ifs;
	uint16_t fmap[IN_MAX_IFACES];	/* interface k of the current file -> ifs[] */
	unsigned fmapped;		/* of the current file's interfaces */
	/* Linux cooked v2 (tcpdump -i any): one link-layer interface whose
	 * packets each carry the kernel's interface index */
	int64_t sll2_sel;		/* the index #INDEX or #NAME keeps; -1 every one */
	uint32_t seen[IN_MAX_SEEN];	/* indexes in the first file's first packets */
	unsigned n_seen;
	struct in_ahead *ahead;		/* read ahead, NULL when nothing is */
	char err[IN_ERRBUF];		/* its last failure (reading it alone: in_next_src) */
};

/* An interface index and its name (--ifnames). */
struct in_ifname {
	uint32_t index;
	char name[64];
};

struct in_bpf {
	uint32_t linktype;
	int ok;			/* compiled; 0: its packets are left out (reported once) */
	struct bpf_program prog;
	char why[160];		/* libpcap's message when it did not compile */
};

struct in_set {
	struct in_source src[IN_MAX_SOURCES];
	unsigned n;
	char *filter;
	struct in_bpf bpf[IN_MAX_LINKTYPES];
	unsigned n_bpf;
	in_map_fn map;
	void *map_ctx;
	uint64_t key[IN_MAX_SOURCES];	/* the merge key of each waiting source's head */
	unsigned waiting;	/* sources whose head waits in the merge */
	unsigned opened;	/* sources open */
	unsigned pending;	/* sources whose next packet is still to be read */
	unsigned consumed;	/* sources with a pipe that was read (it cannot be again) */
	struct in_ifname *names;	/* --ifnames */
	unsigned n_names;
	uint8_t started;	/* in_next was called since in_open: no more reading ahead */
	struct in_source *one;	/* the one source open: in_next goes without the merge */
	uint8_t split;		/* sources read apart (in_next_src), maybe in threads: a
				 * source's failure is said in its own err only */
	char err[IN_ERRBUF];
};

/* ---- the heap ---- */

static int h_less(const struct in_hent *a, const struct in_hent *b)
{
	return a->key < b->key || (a->key == b->key && a->tie < b->tie);
}

void in_heap_push(struct in_heap *h, struct in_hent e)
{
	unsigned i = h->n++;
	while (i > 0 && h_less(&e, &h->e[(i - 1) / 2])) {
		h->e[i] = h->e[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	h->e[i] = e;
}

void in_heap_pop(struct in_heap *h)
{
	struct in_hent last = h->e[--h->n];
	unsigned i = 0;
	for (;;) {
		unsigned c = 2 * i + 1;
		if (c >= h->n)
			break;
		if (c + 1 < h->n && h_less(&h->e[c + 1], &h->e[c]))
			c++;
		if (!h_less(&h->e[c], &last))
			break;
		h->e[i] = h->e[c];
		i = c;
	}
	if (h->n)
		h->e[i] = last;
}

/* ---- setup ---- */

static int fail(struct in_set *s, int rc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(struct in_set *s, int rc, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(s->err, sizeof s->err, fmt, ap);
	va_end(ap);
	return rc;
}

static void ahead_free(struct in_source *src)
{
	if (!src->ahead)
		return;
	free(src->ahead->pk);
	free(src->ahead->bytes);
	free(src->ahead);
	src->ahead = NULL;
}

/* A failure while reading a source: in its message, and the set's unless
 * the sources are read apart (each by its thread). */
static int sfail(struct in_set *s, struct in_source *src, int rc, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int sfail(struct in_set *s, struct in_source *src, int rc, const char *fmt, ...)
{
	char *dst = src ? src->err : s->err;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(dst, IN_ERRBUF, fmt, ap);
	va_end(ap);
	if (src && !s->split)
		memcpy(s->err, src->err, IN_ERRBUF);
	return rc;
}

struct in_set *in_new(void)
{
	return calloc(1, sizeof(struct in_set));
}

void in_free(struct in_set *s)
{
	if (!s)
		return;
	for (unsigned i = 0; i < s->n; i++) {
		ahead_free(&s->src[i]);
		capfile_close(s->src[i].cf);	/* a pipe kept for the next open too */
		for (unsigned k = 0; k < s->src[i].n_files; k++)
			free(s->src[i].files[k].path);
		free(s->src[i].files);
	}
	for (unsigned i = 0; i < s->n_bpf; i++)
		pcap_freecode(&s->bpf[i].prog);
	free(s->filter);
	free(s->names);
	free(s);
}

const char *in_error(const struct in_set *s) { return s->err; }

static void set_name(struct in_source *src)
{
	char name[sizeof src->name];	/* apart: GCC cannot tell the fields do not overlap */
	snprintf(name, sizeof name, "%s%s%s", src->paths, src->sel[0] ? "#" : "", src->sel);
	memcpy(src->name, name, sizeof name);
}

/* A pipe, FIFO, socket or terminal (or "-"): read once, from the start. */
static int read_once(const char *path)
{
	struct stat st;
	if (!strcmp(path, "-"))
		return 1;
	return stat(path, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode) &&
	       !S_ISDIR(st.st_mode);
}

static int add_file(struct in_set *s, struct in_source *src, const char *path)
{
	if (src->n_files == src->cap_files) {
		unsigned cap = src->cap_files ? src->cap_files * 2 : 4;
		struct in_file *f = realloc(src->files, cap * sizeof *f);
		if (!f)
			return fail(s, -ENOMEM, "out of memory");
		src->files = f;
		src->cap_files = cap;
	}
	struct in_file *f = &src->files[src->n_files];
	*f = (struct in_file){ .path = strdup(path), .given = src->n_files, .sel_index = -1,
			       .once = (uint8_t)read_once(path) };
	if (!f->path)
		return fail(s, -ENOMEM, "out of memory");
	src->n_files++;
	return 0;
}

/* A path, or the files a pattern names (in glob's sorted order). */
static int add_paths(struct in_set *s, struct in_source *src, const char *path)
{
	struct stat st;
	if (!strcmp(path, "-") || stat(path, &st) == 0 || !strpbrk(path, "*?["))
		return add_file(s, src, path);
	glob_t g;
	int rc = glob(path, 0, NULL, &g);
	if (rc == GLOB_NOMATCH)
		return fail(s, -ENOENT, "%s: no file matches", path);
	if (rc)
		return fail(s, -EINVAL, "%s: %s", path,
			    rc == GLOB_NOSPACE ? "out of memory" : "cannot read a directory");
	for (size_t i = 0; !rc && i < g.gl_pathc; i++)
		rc = add_file(s, src, g.gl_pathv[i]);
	globfree(&g);
	return rc;
}

/* The names as given, joined; " ..." for those that do not fit. */
static void add_display(struct in_source *src, const char *path)
{
	size_t len = strlen(src->paths), n = strlen(path);
	if (len + 1 + n + sizeof " ..." > sizeof src->paths) {
		if (!strstr(src->paths, " ..."))
			memcpy(src->paths + len, " ...", sizeof " ...");
		return;
	}
	if (len)
		src->paths[len++] = ' ';
	memcpy(src->paths + len, path, n + 1);
}

static struct in_source *source_of(struct in_set *s, uint8_t point)
{
	for (unsigned i = 0; i < s->n; i++)
		if (s->src[i].point == point)
			return &s->src[i];
	if (s->n == IN_MAX_SOURCES)
		return NULL;
	struct in_source *src = &s->src[s->n++];
	memset(src, 0, sizeof *src);
	src->point = point;
	src->sll2_sel = -1;
	return src;
}

int in_add(struct in_set *s, const char *spec, uint8_t point)
{
	char path[4096];
	const char *sel = "";
	if (snprintf(path, sizeof path, "%s", spec) >= (int)sizeof path)
		return fail(s, -ENAMETOOLONG, "%.100s...: path too long", spec);
	struct stat st;
	char *hash = strrchr(path, '#');
	if (hash && stat(path, &st) != 0 && strlen(hash + 1) < sizeof s->src[0].sel) {
		*hash = 0;
		sel = hash + 1;
	}
	struct in_source *src = source_of(s, point);
	if (!src)
		return fail(s, -EINVAL, "too many inputs (at most %d points)", IN_MAX_SOURCES);
	if (src->n_files && strcmp(src->sel, sel))
		return fail(s, -EINVAL, "%s: the files of one point take the same interface (#%s before)",
			    spec, src->sel);
	snprintf(src->sel, sizeof src->sel, "%s", sel);
	int rc = add_paths(s, src, path);
	if (rc)
		return rc;
	add_display(src, path);
	set_name(src);
	return (int)(src - s->src);
}

void in_pick(struct in_set *s, unsigned src, enum ifrole role)
{
	if (src < s->n)
		s->src[src].want = (uint8_t)role;
}

void in_map(struct in_set *s, in_map_fn fn, void *ctx)
{
	s->map = fn;
	s->map_ctx = ctx;
}

/* ---- interface names for Linux cooked v2 (--ifnames) ---- */

static int add_ifname(struct in_set *s, long index, const char *name, size_t len)
{
	if (index < 0 || index > 0xffffffffL || !len || len >= sizeof s->names[0].name)
		return -EINVAL;
	if (s->n_names == IN_MAX_IFNAMES)
		return -ENOSPC;
	struct in_ifname *e = &s->names[s->n_names++];
	e->index = (uint32_t)index;
	memcpy(e->name, name, len);
	e->name[len] = 0;
	return 0;
}

/* "33 peth0", or `ip -o link`'s "33: peth0@if2: <...>"; blank lines,
 * '#' comments and ip's indented continuation lines are skipped. */
static int ifname_line(struct in_set *s, const char *line)
{
	char *end;
	if (!*line || *line == '\n' || *line == '#' || *line == ' ' || *line == '\t')
		return 0;
	long index = strtol(line, &end, 10);
	if (end == line)
		return -EINVAL;
	end += *end == ':';
	end += strspn(end, " \t");
	return add_ifname(s, index, end, strcspn(end, " \t\r\n@:"));
}

static int ifnames_text(struct in_set *s, const char *path, FILE *f)
{
	char line[512];
	unsigned no = 0;
	while (fgets(line, sizeof line, f)) {
		no++;
		int rc = ifname_line(s, line);
		if (rc)
			return fail(s, rc, "--ifnames %s:%u: %s", path, no, rc == -ENOSPC ? "too many interfaces" :
				    "not 'INDEX NAME' (nor `ip -o link`, nor `hoplat bridge show --json`)");
	}
	return 0;
}

/* One list of `bridge show --json` ("ports", "bridges"): its entries with
 * a name and an ifindex; the count, or -EINVAL. */
static int ifnames_list(struct in_set *s, json_object *list)
{
	int n = 0;
	for (size_t i = 0; list && i < json_object_array_length(list); i++) {
		json_object *e = json_object_array_get_idx(list, i), *name, *v;
		if (!json_object_object_get_ex(e, "name", &name) || !json_object_object_get_ex(e, "ifindex", &v))
			continue;
		const char *nm = json_object_get_string(name);
		if (add_ifname(s, (long)json_object_get_int64(v), nm, strlen(nm)))
			return -EINVAL;
		n++;
	}
	return n;
}

static int ifnames_json(struct in_set *s, const char *path)
{
	json_object *root = json_object_from_file(path), *list;
	if (!root)
		return fail(s, -EINVAL, "--ifnames %s: not valid JSON", path);
	int n = 0, rc = 0;
	const char *keys[] = { "ports", "bridges" };
	for (int k = 0; rc >= 0 && k < 2; k++)
		if (json_object_object_get_ex(root, keys[k], &list) && json_object_is_type(list, json_type_array))
			n += rc = ifnames_list(s, list);
	json_object_put(root);
	if (rc < 0 || !n)
		return fail(s, -EINVAL, "--ifnames %s: %s", path, rc < 0 ? "a port's name or ifindex is not valid" :
			    "no port with a name and an ifindex (hoplat bridge show --json writes them)");
	return 0;
}

int in_ifnames(struct in_set *s, const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return fail(s, -errno, "--ifnames %s: %s", path, strerror(errno));
	if (!s->names && !(s->names = malloc(IN_MAX_IFNAMES * sizeof *s->names))) {
		fclose(f);
		return fail(s, -ENOMEM, "out of memory");
	}
	int c;
	while ((c = getc(f)) == ' ' || c == '\t' || c == '\n' || c == '\r')
		;
	ungetc(c, f);
	int rc = c == '{' ? ifnames_json(s, path) : ifnames_text(s, path, f);
	fclose(f);
	return rc;
}

const char *in_ifname(const struct in_set *s, uint32_t index)
{
	for (unsigned i = 0; i < s->n_names; i++)
		if (s->names[i].index == index)
			return s->names[i].name;
	return NULL;
}

static int ifname_index(const struct in_set *s, const char *name, uint32_t *index)
{
	for (unsigned i = 0; i < s->n_names; i++)
		if (!strcmp(s->names[i].name, name)) {
			*index = s->names[i].index;
			return 1;
		}
	return 0;
}

/* ---- the filter ---- */

/* LINKTYPE_ values (files) are DLT_ values (libpcap) but for raw IP. */
static int dlt_of(uint32_t linktype)
{
	return linktype == LT_RAW ? DLT_RAW : (int)linktype;
}

/* libpcap's compiler for a link type: 0, or -EINVAL with its message in why. */
static int compile(const char *expr, uint32_t linktype, struct bpf_program *prog, char *why,
		   size_t cap)
{
	pcap_t *p = pcap_open_dead(dlt_of(linktype), IN_SNAPLEN);
	if (!p) {
		snprintf(why, cap, "out of memory");
		return -ENOMEM;
	}
	int rc = pcap_compile(p, prog, expr, 1, PCAP_NETMASK_UNKNOWN);
	if (rc < 0)
		snprintf(why, cap, "%s", pcap_geterr(p));
	pcap_close(p);
	return rc < 0 ? -EINVAL : 0;
}

int in_filter(struct in_set *s, const char *expr)
{
	struct bpf_program prog;
	free(s->filter);
	s->filter = strdup(expr);
	if (!s->filter)
		return fail(s, -ENOMEM, "out of memory");
	char why[160];
	int rc = compile(expr, LT_ETHERNET, &prog, why, sizeof why);	/* before any file is read */
	if (rc)
		return fail(s, rc, "filter '%s': %s", expr, why);
	pcap_freecode(&prog);
	return 0;
}

static const char *lt_name(uint32_t linktype)
{
	const char *n = pcap_datalink_val_to_name(dlt_of(linktype));
	return n ? n : "?";
}

/* The programs are shared by the sources, which may be read in threads. */
static pthread_mutex_t bpf_lock = PTHREAD_MUTEX_INITIALIZER;

/* The program for a link type, compiled the first time it is met (for
 * src's packets; NULL at open); NULL when there is no room (more link
 * types than any capture has). */
static struct in_bpf *bpf_find(struct in_set *s, struct in_source *src, uint32_t linktype, int *rc)
{
	*rc = 0;
	for (unsigned i = 0; i < s->n_bpf; i++)
		if (s->bpf[i].linktype == linktype)
			return &s->bpf[i];
	if (s->n_bpf == IN_MAX_LINKTYPES)
		return NULL;
	struct in_bpf *b = &s->bpf[s->n_bpf];
	memset(b, 0, sizeof *b);
	b->linktype = linktype;
	*rc = compile(s->filter, linktype, &b->prog, b->why, sizeof b->why);
	b->ok = *rc == 0;
	s->n_bpf++;
	if (*rc)
		sfail(s, src, *rc, "filter '%s' does not apply to link type %s: %s; its packets are left out",
		      s->filter, lt_name(linktype), b->why);
	return b;
}

static struct in_bpf *bpf_for(struct in_set *s, struct in_source *src, uint32_t linktype, int *rc)
{
	pthread_mutex_lock(&bpf_lock);
	struct in_bpf *b = bpf_find(s, src, linktype, rc);
	pthread_mutex_unlock(&bpf_lock);
	return b;
}

/* 1: the filter takes the packet; 0: not; -EINVAL: the filter does not
 * apply to its link type (said once, those packets are left out). */
static int filter_takes(struct in_set *s, struct in_source *src, const struct pkt *p)
{
	if (!s->filter)
		return 1;
	int rc;
	const struct in_bpf *b = bpf_for(s, src, p->linktype, &rc);
	if (!b || !b->ok)
		return rc;
	struct pcap_pkthdr h = { .caplen = p->caplen, .len = p->wirelen };
	return pcap_offline_filter(&b->prog, &h, p->data) != 0;
}

/* ---- interfaces ---- */

/* A Linux cooked v2 capture (tcpdump -i any): every interface of the file
 * is LINKTYPE_LINUX_SLL2, whose packets carry the kernel's ifindex. */
static int cooked(const struct capfile *cf)
{
	unsigned n = capfile_iface_count(cf);
	for (unsigned k = 0; k < n; k++)
		if (capfile_iface_linktype(cf, k) != LT_LINUX_SLL2)
			return 0;
	return n > 0;
}

static void note_seen(struct in_source *src, const struct pkt *p)
{
	uint32_t ix;
	if (dec_sll2_ifindex(p, &ix))
		return;
	for (unsigned i = 0; i < src->n_seen; i++)
		if (src->seen[i] == ix)
			return;
	if (src->n_seen < IN_MAX_SEEN)
		src->seen[src->n_seen++] = ix;
}

/* The interface indexes of a cooked file's first packets (a second
 * reader; not for a pipe, whose first packet alone is looked at). */
static void scan_cooked(struct in_source *src, const struct in_file *f)
{
	char eb[CAPFILE_ERRBUF];
	struct pkt p;
	src->n_seen = 0;
	if (src->head_rc == 1)
		note_seen(src, &src->head);
	struct capfile *cf = f->once ? NULL : capfile_open(f->path, eb);
	for (unsigned n = 0; cf && n < IN_LOOKAHEAD && capfile_next(cf, &p) == 1; n++)
		note_seen(src, &p);
	capfile_close(cf);
}

/* The names the file's interfaces go by: a pcapng's own, or for a cooked
 * capture the --ifnames names of the indexes seen; n of them. */
static unsigned port_names(const struct in_set *s, const struct in_source *src, const struct capfile *cf,
			   const char **names, unsigned cap)
{
	unsigned n = cooked(cf) ? src->n_seen : capfile_iface_count(cf);
	for (unsigned k = 0; k < n && k < cap; k++)
		names[k] = cooked(cf) ? in_ifname(s, src->seen[k]) : capfile_iface_name(cf, k);
	return n < cap ? n : cap;
}

static void pick(struct in_set *s, struct in_source *src, const struct capfile *cf)
{
	const char *names[IN_MAX_SEEN];
	if (src->sel[0] || src->want == IFROLE_OTHER)
		return;
	unsigned n = port_names(s, src, cf, names, IN_MAX_SEEN);
	int k = n >= 2 ? ifrole_pick(names, n, (enum ifrole)src->want) : -1;
	const char *name = k >= 0 ? names[k] : NULL;
	if (!name || strlen(name) >= sizeof src->sel)
		return;
	snprintf(src->sel, sizeof src->sel, "%s", name);
	src->picked = 1;
	set_name(src);
}

/* "#0 peth0, #1 vif1.0": what a file has, for the message. */
static void iface_list(const struct capfile *cf, char *dst, size_t cap)
{
	unsigned n = capfile_iface_count(cf);
	size_t len = 0;
	dst[0] = 0;
	for (unsigned k = 0; k < n && len < cap; k++) {
		const char *name = capfile_iface_name(cf, k);
		len += (size_t)snprintf(dst + len, cap - len, "%s#%u %s", k ? ", " : "", k,
					name ? name : "(unnamed)");
	}
	if (!n)
		snprintf(dst, cap, "none");
}

/* The interface sel names in the file (*index -1), else the one it numbers
 * (*index); 0: neither, among those declared so far. */
static int find_sel(const struct capfile *cf, const char *sel, int *index)
{
	unsigned n = capfile_iface_count(cf);
	*index = -1;
	for (unsigned k = 0; k < n; k++) {
		const char *name = capfile_iface_name(cf, k);
		if (name && !strcmp(name, sel))
			return 1;
	}
	char *end;
	unsigned long v = strtoul(sel, &end, 10);
	if (sel[0] < '0' || sel[0] > '9' || *end || v >= n)
		return 0;
	*index = (int)v;
	return 1;
}

/* #IFACE names an interface of the file, else #INDEX numbers one. */
/* "2, 5 (vif1.0)": the indexes a cooked file's first packets carry. */
static void seen_list(const struct in_set *s, const struct in_source *src, char *dst, size_t cap)
{
	size_t len = 0;
	dst[0] = 0;
	for (unsigned k = 0; k < src->n_seen && len < cap; k++) {
		const char *name = in_ifname(s, src->seen[k]);
		len += (size_t)snprintf(dst + len, cap - len, "%s%u%s%s%s", k ? ", " : "", src->seen[k],
					name ? " (" : "", name ? name : "", name ? ")" : "");
	}
	if (!src->n_seen)
		snprintf(dst, cap, "none seen");
}

/* In a cooked capture #INDEX is the kernel's interface index the packets
 * carry, #NAME one --ifnames names. */
static int resolve_cooked(struct in_set *s, struct in_source *src, const struct in_file *f)
{
	char *end, have[300];
	uint32_t ix;
	unsigned long v = strtoul(src->sel, &end, 10);
	if (src->sel[0] >= '0' && src->sel[0] <= '9' && !*end && v <= 0xffffffffUL) {
		src->sll2_sel = (int64_t)v;
		return 0;
	}
	if (ifname_index(s, src->sel, &ix)) {
		src->sll2_sel = ix;
		return 0;
	}
	seen_list(s, src, have, sizeof have);
	if (s->n_names)
		return fail(s, -ENOENT, "%s: --ifnames names no interface '%s' (interface indexes in the "
			    "capture: %s)", f->path, src->sel, have);
	return fail(s, -ENOENT, "%s is Linux cooked v2 (tcpdump -i any): its packets carry interface "
		    "indexes, not names (in the capture: %s); name them with --ifnames FILE ('INDEX NAME' "
		    "lines, `ip -o link`, or `hoplat bridge show --json`), or take one by %s#INDEX",
		    f->path, have, f->path);
}

static int resolve_sel(struct in_set *s, struct in_source *src, struct in_file *f,
		       const struct capfile *cf)
{
	f->sel_index = -1;
	src->sll2_sel = -1;
	if (src->sel[0] && cooked(cf))
		return resolve_cooked(s, src, f);
	if (!src->sel[0] || find_sel(cf, src->sel, &f->sel_index))
		return 0;
	char have[300];
	iface_list(cf, have, sizeof have);
	return fail(s, -ENOENT, "%s has no interface named '%s' (it has: %s)", f->path, src->sel, have);
}

/* The filter compiles for every link type of the file's interfaces. */
static int check_filter(struct in_set *s, const struct in_file *f, const struct capfile *cf)
{
	for (unsigned k = 0; s->filter && k < capfile_iface_count(cf); k++) {
		int rc;
		uint32_t lt = capfile_iface_linktype(cf, k);
		const struct in_bpf *b = bpf_for(s, NULL, lt, &rc);
		if (b && !b->ok)
			return fail(s, -EINVAL, "filter '%s' does not apply to %s (link type %s): %s",
				    s->filter, f->path, lt_name(lt), b->why);
	}
	return 0;
}

/* Is the question the interface blocks must answer still open: the
 * #IFACE/#INDEX not among them, or (the pick) fewer than two of them? */
static int ifaces_unsure(const struct in_source *src, const struct capfile *cf, int picking)
{
	int index;
	if (cooked(cf))
		return 0;	/* one link-layer interface: its packets say theirs */
	if (!src->sel[0])
		return picking && src->want != IFROLE_OTHER && capfile_iface_count(cf) < 2;
	return !find_sel(cf, src->sel, &index);
}

/* The interfaces a file declares before its first packet answer most
 * questions; when they leave one open, a second reader looks at those it
 * declares within its first packets: some writers add an interface block
 * when its first packet comes (a replay's -w). Not for a pipe. */
static struct capfile *look_ahead(struct in_source *src, const struct in_file *f, int picking)
{
	char eb[CAPFILE_ERRBUF];
	struct pkt p;
	if (f->once || !ifaces_unsure(src, src->cf, picking))
		return src->cf;
	struct capfile *cf = capfile_open(f->path, eb);
	if (!cf)
		return src->cf;
	for (unsigned n = 0; n < IN_LOOKAHEAD && ifaces_unsure(src, cf, picking); n++)
		if (capfile_next(cf, &p) != 1)
			break;
	return cf;
}

/* ---- interfaces across files ---- */

static unsigned iface_id(struct in_source *src, const struct capfile *cf, unsigned k)
{
	const char *name = capfile_iface_name(cf, k);
	for (unsigned i = 0; i < src->n_ifs; i++) {
		const struct in_iface *e = &src->ifs[i];
		if (name ? e->named && !strcmp(e->name, name) : !e->named && e->file_index == k)
			return i;
	}
	if (src->n_ifs == IN_MAX_IFACES)
		return k;	/* beyond: the file's own numbers */
	struct in_iface *e = &src->ifs[src->n_ifs];
	*e = (struct in_iface){ .named = name != NULL, .file_index = k,
				.linktype = capfile_iface_linktype(cf, k) };
	snprintf(e->name, sizeof e->name, "%s", name ? name : "");
	return src->n_ifs++;
}

/* The current file's interfaces declared so far, numbered for the source. */
static void map_ifaces(struct in_source *src)
{
	unsigned n = capfile_iface_count(src->cf);
	for (; src->fmapped < n && src->fmapped < IN_MAX_IFACES; src->fmapped++)
		src->fmap[src->fmapped] = (uint16_t)iface_id(src, src->cf, src->fmapped);
}

/* ---- opening ---- */

/* The current file's reader keeps only the packets of the interface
 * #IFACE or #INDEX names (not a cooked capture's: its packets say theirs):
 * those of the others are stepped over as soon as their interface is read,
 * not timed, copied or looked at here. takes() still checks every packet
 * that comes the general way (the first one, read before this). */
static void narrow(struct in_source *src)
{
	if (!src->cf || !src->sel[0] || src->sll2_sel >= 0)
		return;
	int idx = src->files[src->cur].sel_index;
	capfile_keep(src->cf, idx >= 0 ? NULL : src->sel, idx);
}

/* Opens file k and reads up to its first packet (its interface blocks are
 * known then), kept in src->head for the first fill; the reader narrowed
 * first when the file's #IFACE is resolved (not while probing). */
static int file_open(struct in_set *s, struct in_source *src, unsigned k, int resolved)
{
	char eb[CAPFILE_ERRBUF];
	src->cur = k;
	src->fmapped = 0;
	src->cf = capfile_open(src->files[k].path, eb);
	if (!src->cf)
		return sfail(s, src, -ENOENT, "%s", eb);
	if (resolved)
		narrow(src);
	src->head_rc = capfile_next(src->cf, &src->head);
	src->raw_pending = 1;
	return 0;
}

/* One file of a source at in_open: its first packet's time, the picked
 * interface, the checks. It stays open (in src->cf) when it is the first
 * to read so far. */
static int probe_file(struct in_set *s, struct in_source *src, unsigned k, unsigned *best)
{
	struct capfile *keep = src->cf;
	struct pkt keep_head = src->head;
	int keep_rc = src->head_rc;
	struct in_file *f = &src->files[k];
	int rc = file_open(s, src, k, 0);
	if (!rc) {
		f->first = src->head_rc == 1 ? src->head.ts_ns : UINT64_MAX;
		struct capfile *view = look_ahead(src, f, k == 0);
		if (k == 0 && cooked(view))
			scan_cooked(src, f);
		if (k == 0 && src->head_rc == 1)
			pick(s, src, view);
		rc = resolve_sel(s, src, f, view);
		if (!rc)
			rc = check_filter(s, f, view);
		if (view != src->cf)
			capfile_close(view);
	}
	if (!rc && (!keep || f->first < src->files[*best].first)) {
		capfile_close(keep);
		*best = k;
		return 0;
	}
	capfile_close(src->cf);
	src->cf = keep, src->head = keep_head, src->head_rc = keep_rc;
	return rc;
}

static int cmp_file(const void *a, const void *b)
{
	const struct in_file *x = a, *y = b;
	if (x->first != y->first)
		return x->first < y->first ? -1 : 1;
	return x->given < y->given ? -1 : x->given > y->given;
}

/* A pipe is a point's only file, opened once, by one point. */
static int once_ok(struct in_set *s, unsigned i, unsigned mask)
{
	const struct in_source *src = &s->src[i];
	const char *why = NULL, *p = NULL;
	for (unsigned k = 0; !why && k < src->n_files; k++) {
		p = src->files[k].path;
		if (!src->files[k].once)
			continue;
		if (src->n_files > 1)
			why = "as a point's only file";
		else if (s->consumed & 1u << i)
			why = "and it was read already";
		for (unsigned j = 0; !why && j < s->n; j++)
			if (j != i && mask & 1u << j && s->src[j].n_files && !strcmp(s->src[j].files[0].path, p))
				why = "by one point";
	}
	return why ? fail(s, -EINVAL, "%s: a pipe, FIFO or standard input is read once, %s", p, why) : 0;
}

/* Every file of a source opened once (checks, reading order); the first
 * to read stays open. */
static int open_source(struct in_set *s, unsigned i, unsigned mask)
{
	struct in_source *src = &s->src[i];
	unsigned best = 0;
	int rc = once_ok(s, i, mask);
	for (unsigned k = 0; !rc && k < src->n_files; k++)
		rc = probe_file(s, src, k, &best);
	if (rc) {
		capfile_close(src->cf);
		src->cf = NULL;
		return rc;
	}
	(void)best;	/* kept open, it sorts first: the least time, then the first given */
	qsort(src->files, src->n_files, sizeof *src->files, cmp_file);
	src->cur = 0;
	src->n_ifs = src->fmapped = 0;
	map_ifaces(src);
	narrow(src);
	for (unsigned k = 0; k < src->n_files; k++)
		if (src->files[k].once)
			s->consumed |= 1u << i;
	return 0;
}

/* A pipe opened and not read from beyond its first packet stays open when
 * the set is closed: it cannot be opened again, and the next in_open takes
 * it as it is (analyze opens every input to check it, the clock pass reads
 * the others, then the analysis reads all). */
static int kept(const struct in_source *src)
{
	return src->cf && src->files[0].once && src->raw_pending && src->cur == 0;
}

int in_open(struct in_set *s, unsigned mask)
{
	in_close(s);
	for (unsigned i = 0; i < s->n; i++) {
		if (!(mask & 1u << i))
			continue;
		struct in_source *src = &s->src[i];
		src->has_head = src->ended = 0;
		int rc = kept(src) ? 0 : open_source(s, i, mask);
		if (rc) {
			in_close(s);
			return rc;
		}
		s->opened |= 1u << i;
		src->plain = !s->filter && src->sll2_sel < 0;	/* #IFACE: narrow() */
	}
	s->pending = s->opened;
	s->one = __builtin_popcount(s->opened) == 1 ? &s->src[__builtin_ctz(s->opened)] : NULL;
	return 0;
}

void in_close(struct in_set *s)
{
	for (unsigned i = 0; i < s->n; i++) {
		ahead_free(&s->src[i]);
		if (!kept(&s->src[i])) {
			capfile_close(s->src[i].cf);
			s->src[i].cf = NULL;
		}
		s->src[i].has_head = 0;
	}
	s->opened = s->pending = 0;
	s->started = s->split = 0;
	s->one = NULL;
	s->waiting = 0;
}

/* ---- reading ---- */

/* On to the source's next file; the last one stays open (its interfaces
 * stay known) and the source has ended. */
static int next_file(struct in_set *s, struct in_source *src)
{
	if (src->cf)
		map_ifaces(src);	/* blocks after the last packet */
	if (src->cur + 1 >= src->n_files) {
		src->ended = 1;
		return 0;
	}
	capfile_close(src->cf);
	src->cf = NULL;
	return file_open(s, src, src->cur + 1, 1);
}

/* 1: a packet of the current file in src->head; 0 its end; < 0 damaged. */
static int read_raw(struct in_source *src)
{
	if (!src->cf)
		return 0;	/* it could not be opened (said): on to the next */
	if (src->raw_pending) {
		src->raw_pending = 0;
		return src->head_rc;
	}
	return capfile_next(src->cf, &src->head);
}

/* 1: the source keeps this packet (its interface, the filter), numbered
 * then by the source's interfaces. */
static int takes(struct in_set *s, struct in_source *src, struct pkt *p)
{
	uint32_t ix;
	if (src->sll2_sel >= 0) {
		if (dec_sll2_ifindex(p, &ix) || ix != (uint64_t)src->sll2_sel)
			return 0;
	} else if (src->sel[0]) {
		int idx = src->files[src->cur].sel_index;
		const char *name = idx >= 0 ? NULL : capfile_iface_name(src->cf, p->iface);
		if (idx >= 0 ? p->iface != (uint32_t)idx : !name || strcmp(name, src->sel))
			return 0;
	}
	int rc = filter_takes(s, src, p);
	if (rc == 1 && p->iface >= src->fmapped)
		map_ifaces(src);
	if (rc == 1 && p->iface < src->fmapped)
		p->iface = src->fmap[p->iface];
	return rc;
}

/* The source's next packet it keeps, into src->head (has_head), across its
 * files. 0, or -errno when a file is damaged (the source moved on). */
static __attribute__((noinline)) int fill_general(struct in_set *s, struct in_source *src)
{
	while (!src->ended) {
		int rc = read_raw(src);
		if (rc == 1) {
			rc = takes(s, src, &src->head);
			if (rc == 1)
				src->has_head = 1;
			if (rc != 0)
				return rc < 0 ? rc : 0;
			continue;
		}
		if (rc < 0)
			sfail(s, src, rc, "%s", capfile_error(src->cf));
		int orc = next_file(s, src);
		if (rc < 0 || orc < 0)
			return rc < 0 ? rc : orc;
	}
	return 0;
}

/* A plain source's next packet straight into dst (*out, or src->head: head),
 * when it is of an interface numbered already: 1; 0 for anything else,
 * which then goes the general way (the packet read, if one was, waits in
 * src->head as the probe's does). Every read of a source takes this way
 * first: no interface checks, no copy through src->head for in_next and
 * in_next_src of one source, the general way a call of its own (its
 * registers are not this way's to save): about 30 instructions a packet
 * fewer. */
static inline int quick_ok(const struct in_source *src)
{
	return src->plain && !src->raw_pending && !src->ended && !src->ahead && src->cf;
}

/* quick's packet read (rc: capfile_next's), taken or left to the general way. */
static inline __attribute__((always_inline)) int quick_took(struct in_source *src, struct pkt *dst, int rc,
							     int head)
{
	if (rc == 1 && dst->iface < src->fmapped) {
		dst->iface = src->fmap[dst->iface];
		dst->point = src->point;
		src->has_head = (uint8_t)head;
		return 1;
	}
	if (rc == 1 && !head)
		src->head = *dst;
	src->head_rc = rc;	/* read_raw gives it to the general way */
	src->raw_pending = 1;
	return 0;
}

static inline __attribute__((always_inline)) int quick(struct in_source *src, struct pkt *dst,
							int head)
{
	return quick_ok(src) && quick_took(src, dst, capfile_next(src->cf, dst), head);
}

/* The source's next packet it keeps into src->head (has_head); 0, or
 * -errno at a damaged file (the source moved on). */
static inline int fill(struct in_set *s, struct in_source *src)
{
	if (quick(src, &src->head, 1))
		return 0;
	src->has_head = 0;
	return fill_general(s, src);
}

/* ---- reading ahead ---- */

static struct in_ahead *ahead_new(void)
{
	struct in_ahead *a = calloc(1, sizeof *a);
	if (!a)
		return NULL;
	/* not cleared: pages are touched only as packets are kept */
	a->pk = malloc(IN_AHEAD_PKTS * sizeof *a->pk);
	a->bytes = malloc(IN_AHEAD_BYTES);
	if (!a->pk || !a->bytes) {
		free(a->pk);
		free(a->bytes);
		free(a);
		return NULL;
	}
	return a;
}

/* One more packet of the source into its look-ahead: 1, 0 at its end,
 * -ENOBUFS at the bound (a packet read that does not fit stays the
 * source's head, the first after the replay), -errno at a damaged file. */
static int ahead_read(struct in_set *s, struct in_source *src)
{
	struct in_ahead *a = src->ahead;
	if (a->err)
		return a->err;
	if (a->n == IN_AHEAD_PKTS || a->held)
		return -ENOBUFS;
	int rc = fill(s, src);
	if (rc < 0) {
		a->err = rc;
		snprintf(a->msg, sizeof a->msg, "%s", src->err);
	} else if (src->has_head && src->head.caplen > IN_AHEAD_BYTES - a->used) {
		a->held = 1;
		rc = -ENOBUFS;
	} else if (src->has_head) {
		struct pkt *p = &a->pk[a->n++];
		*p = src->head;
		memcpy(a->bytes + a->used, src->head.data, src->head.caplen);
		p->data = a->bytes + a->used;
		a->used += src->head.caplen;
		rc = 1;
	}
	a->after = src->head;
	src->has_head = 0;
	return rc;
}

int in_ahead(struct in_set *s, unsigned i, unsigned k, struct pkt *out)
{
	if (i >= s->n || !(s->opened & 1u << i))
		return -EINVAL;
	if (s->started)
		return -EBUSY;
	struct in_source *src = &s->src[i];
	if (!src->ahead && !(src->ahead = ahead_new()))
		return fail(s, -ENOMEM, "out of memory");
	int rc = 1;
	while (k >= src->ahead->n && rc == 1)
		rc = ahead_read(s, src);
	if (k >= src->ahead->n)
		return rc == -ENOBUFS || rc == 0 ? rc : sfail(s, src, rc, "%s", src->ahead->msg);
	*out = src->ahead->pk[k];
	out->point = src->point;
	return 1;
}

unsigned in_ahead_count(const struct in_set *s, unsigned i)
{
	return i < s->n && s->src[i].ahead ? s->src[i].ahead->n : 0;
}

/* The next packet read ahead into src->head (has_head), or the error met
 * there; past them the source reads on (from a packet read that did not
 * fit, when there is one). */
static int ahead_next(struct in_set *s, struct in_source *src)
{
	struct in_ahead *a = src->ahead;
	if (a->next < a->n) {
		src->head = a->pk[a->next++];
		src->has_head = 1;
		return 0;
	}
	int rc = a->err, held = a->held;
	src->head = a->after;	/* src->head was the replayed copies' */
	src->has_head = (uint8_t)held;
	if (rc)
		sfail(s, src, rc, "%s", a->msg);
	ahead_free(src);
	if (rc || held)
		return rc;
	return fill(s, src);
}

/* Source i's head waits in the merge, under its key. */
static void wait_merge(struct in_set *s, unsigned i)
{
	const struct in_source *src = &s->src[i];
	s->key[i] = s->map ? s->map(s->map_ctx, src->point, src->head.ts_ns) : src->head.ts_ns;
	s->waiting |= 1u << i;
}

void in_remap(struct in_set *s)
{
	for (unsigned m = s->waiting; m; m &= m - 1)
		wait_merge(s, (unsigned)__builtin_ctz(m));
}

/* in_next with one source open (one point, or a clock pass's read of one):
 * its packets in their order, without the heap, and the key mapped only
 * when asked for (saves about 90 instructions per packet). */
static __attribute__((noinline)) int next_alone(struct in_set *s, struct pkt *out, uint64_t *key)
{
	struct in_source *src = s->one;
	if (!s->pending)
		return 0;
	if (!quick(src, out, 0)) {
		int rc = src->ahead ? ahead_next(s, src) : fill(s, src);
		if (rc < 0)
			return rc;	/* still pending: the next call goes on */
		if (!src->has_head) {
			s->pending = 0;
			return 0;
		}
		*out = src->head;
		out->point = src->point;
	}
	if (key)
		*key = s->map ? s->map(s->map_ctx, src->point, out->ts_ns) : out->ts_ns;
	return 1;
}

/* in_next merging several sources by their keys: the least key, the
 * lowest source among equal ones. A look at each waiting source (at most
 * IN_MAX_SOURCES, three for a path) costs less than a heap's push and pop
 * (about 50 instructions a packet). */
static __attribute__((noinline)) int next_merged(struct in_set *s, struct pkt *out, uint64_t *key)
{
	while (s->pending) {
		unsigned i = (unsigned)__builtin_ctz(s->pending);
		struct in_source *src = &s->src[i];
		int rc = src->ahead ? ahead_next(s, src) : fill(s, src);
		if (rc < 0)
			return rc;	/* still pending: the next call goes on */
		s->pending &= ~(1u << i);
		if (src->has_head)
			wait_merge(s, i);
	}
	if (!s->waiting)
		return 0;
	unsigned best = (unsigned)__builtin_ctz(s->waiting);
	for (unsigned m = s->waiting & (s->waiting - 1); m; m &= m - 1) {
		unsigned j = (unsigned)__builtin_ctz(m);
		if (s->key[j] < s->key[best])
			best = j;
	}
	struct in_source *src = &s->src[best];
	*out = src->head;
	out->point = src->point;
	if (key)
		*key = s->key[best];
	s->waiting &= ~(1u << best);
	s->pending |= 1u << best;
	return 1;
}

int in_next(struct in_set *s, struct pkt *out, uint64_t *key)
{
	s->started = 1;
	return s->one ? next_alone(s, out, key) : next_merged(s, out, key);
}

/* in_next_n of one source: quick's way for many packets (capfile_next_n:
 * those after the first are of interfaces below fmapped), else
 * next_alone's for one (after the packet read, if quick left it). */
static __attribute__((noinline)) int alone_n(struct in_set *s, struct pkt *out, unsigned n)
{
	struct in_source *src = s->one;
	if (!s->pending || !quick_ok(src))
		return next_alone(s, out, NULL);
	int rc = capfile_next_n(src->cf, out, n, src->fmapped);
	if (!quick_took(src, out, rc > 1 ? 1 : rc, 0))
		return next_alone(s, out, NULL);	/* rc was 1 at most */
	for (int i = 1; i < rc; i++) {
		out[i].iface = src->fmap[out[i].iface];
		out[i].point = src->point;
	}
	return rc;
}

int in_next_n(struct in_set *s, struct pkt *out, unsigned n)
{
	s->started = 1;
	return s->one ? alone_n(s, out, n) : next_merged(s, out, NULL);
}

void in_split(struct in_set *s)
{
	s->split = 1;
	s->started = 1;
}

int in_next_src(struct in_set *s, unsigned i, struct pkt *out)
{
	if (i >= s->n || !(s->opened & 1u << i))
		return 0;
	struct in_source *src = &s->src[i];
	if (quick(src, out, 0))
		return 1;
	int rc = src->ahead ? ahead_next(s, src) : fill(s, src);
	if (rc < 0 || !src->has_head)
		return rc;
	*out = src->head;
	out->point = src->point;
	return 1;
}

const char *in_src_error(const struct in_set *s, unsigned src)
{
	return src < s->n ? s->src[src].err : "";
}

/* ---- what a source is ---- */

unsigned in_count(const struct in_set *s) { return s->n; }
uint8_t in_point(const struct in_set *s, unsigned src) { return s->src[src].point; }
const char *in_name(const struct in_set *s, unsigned src) { return s->src[src].name; }
const char *in_paths(const struct in_set *s, unsigned src) { return s->src[src].paths; }

unsigned in_file_count(const struct in_set *s, unsigned src) { return s->src[src].n_files; }
const char *in_file_path(const struct in_set *s, unsigned src, unsigned k)
{
	return s->src[src].files[k].path;
}

const char *in_picked(const struct in_set *s, unsigned src)
{
	return s->src[src].picked ? s->src[src].sel : NULL;
}

int in_rereadable(const struct in_set *s, unsigned src)
{
	for (unsigned k = 0; k < s->src[src].n_files; k++)
		if (s->src[src].files[k].once)
			return 0;
	return 1;
}

unsigned in_iface_count(const struct in_set *s, unsigned src) { return s->src[src].n_ifs; }

unsigned in_cooked_count(const struct in_set *s, unsigned src) { return s->src[src].n_seen; }
uint32_t in_cooked_index(const struct in_set *s, unsigned src, unsigned k) { return s->src[src].seen[k]; }

const char *in_iface_name(const struct in_set *s, unsigned src, unsigned k)
{
	const struct in_source *x = &s->src[src];
	return k < x->n_ifs && x->ifs[k].named ? x->ifs[k].name : NULL;
}

uint32_t in_iface_linktype(const struct in_set *s, unsigned src, unsigned k)
{
	const struct in_source *x = &s->src[src];
	return k < x->n_ifs ? x->ifs[k].linktype : 0;
}

const char *in_format(const struct in_set *s, unsigned src)
{
	return s->src[src].cf ? capfile_format(s->src[src].cf) : "";
}
