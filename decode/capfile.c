/* Capture file reader: opening, the input layer, errors, interfaces.
 * The formats are in pcap_file.c and pcapng_file.c. */
#include "decode/capfile_int.h"
#include "decode/pcapng.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- input ---- */

static long raw_read(struct capfile *cf, uint8_t *dst, size_t n)
{
	for (;;) {
		ssize_t r = cf->positional ? pread(cf->fd, dst, n, (off_t)cf->rd_off) : read(cf->fd, dst, n);
		if (r > 0)
			cf->rd_off += (uint64_t)r;
		if (r >= 0)
			return r;
		if (errno != EINTR) {
			snprintf(cf->rd_msg, sizeof cf->rd_msg, "read failed: %s", strerror(errno));
			return -errno;
		}
	}
}

/* A gzip failure: zlib's message, and where in the compressed file. */
static long gz_fail(struct capfile *cf, const char *msg)
{
	snprintf(cf->rd_msg, sizeof cf->rd_msg, "gzip: %s", msg);
	snprintf(cf->rd_note, sizeof cf->rd_note, " (byte %llu of the compressed file)",
		 (unsigned long long)(cf->zread - cf->z.avail_in));
	return -EIO;
}

/* More compressed bytes: 1, 0 at the end of the file, or <0. */
static long gz_input(struct capfile *cf)
{
	long r = raw_read(cf, cf->zin, CF_ZBUFSZ);
	if (r <= 0)
		return r;
	cf->z.next_in = cf->zin;
	cf->z.avail_in = (uInt)r;
	cf->zread += (uint64_t)r;
	return 1;
}

/* One step of inflate into z.next_out: 1 to go on, 0 at the end, or <0.
 * Members follow each other (gzip -c a b > ab); after the last one,
 * bytes that are not another gzip header are ignored, as gzip does. */
static long gz_step(struct capfile *cf)
{
	if (!cf->z.avail_in) {
		long r = gz_input(cf);
		if (r <= 0)
			return r < 0 ? r : cf->zmid ? gz_fail(cf, "unexpected end of file") : 0;
	}
	if (!cf->zmid && cf->z.next_in[0] != 0x1f)
		return 0;	/* trailing bytes */
	cf->zmid = 1;
	int rc = inflate(&cf->z, Z_NO_FLUSH);
	if (rc == Z_STREAM_END) {
		cf->zmid = 0;
		inflateReset(&cf->z);
		return 1;
	}
	if (rc == Z_OK || (rc == Z_BUF_ERROR && !cf->z.avail_in))
		return 1;
	return gz_fail(cf, cf->z.msg ? cf->z.msg : rc == Z_MEM_ERROR ? "out of memory" : "stream error");
}

/* Inflates up to n bytes. Whatever came out before a failure is returned
 * first; the failure is the next call's result. */
static long gz_read(struct capfile *cf, uint8_t *dst, size_t n)
{
	if (cf->zerr)
		return cf->zerr;
	cf->z.next_out = dst;
	cf->z.avail_out = (uInt)n;
	long r = 1;
	while (cf->z.avail_out && r > 0)
		r = gz_step(cf);
	long got = (long)(n - cf->z.avail_out);
	if (r < 0 && got)
		cf->zerr = (int)r;
	return got ? got : r < 0 ? r : 0;
}

long cf_in_read(struct capfile *cf, uint8_t *dst, size_t n)
{
	return cf->gz ? gz_read(cf, dst, n) : raw_read(cf, dst, n);
}

int cf_refill(struct capfile *cf, size_t n)
{
	if (n > CF_BUFSZ)
		return 0;
	if (cf->ra)
		return cf_ahead_refill(cf, n);
	/* keep the unread tail, moved to the front, and read behind it */
	size_t left = cf->end - cf->pos;
	if (cf->pos) {
		memmove(cf->buf, cf->buf + cf->pos, left);
		cf->base += cf->pos;
		cf->pos = 0;
		cf->end = left;
	}
	while (cf->end < n && !cf->in_eof) {
		/* the file's first read only what opening it needs (its header
		 * blocks): a regular file's read-ahead reads the rest, and the
		 * buffer's pages beyond are never touched */
		size_t want = cf->base == 0 && cf->end < CF_FIRST_READ && n <= CF_FIRST_READ
				      ? CF_FIRST_READ - cf->end : CF_BUFSZ - cf->end;
		long r = cf_in_read(cf, cf->buf + cf->end, want);
		if (r <= 0) {
			cf->in_eof = 1;
			cf->rd_err = (int)(r < 0 ? r : 0);
		} else {
			cf->end += (size_t)r;
		}
	}
	return cf->end - cf->pos >= n;
}

int cf_skip(struct capfile *cf, uint64_t n)
{
	while (n > 0) {
		if (cf_avail(cf) == 0 && !cf_refill(cf, 1))
			return -1;
		size_t take = cf_avail(cf) < n ? cf_avail(cf) : (size_t)n;
		cf_consume(cf, take);
		n -= take;
	}
	return 0;
}

/* ---- errors ---- */

/* The reader after the clean end (0) or an error (its result, again). */
static int cf_stopped(struct capfile *cf, struct pkt *out)
{
	(void)out;
	return cf->errc;
}

int cf_fail(struct capfile *cf, int rc, const char *fmt, ...)
{
	char msg[CAPFILE_ERRBUF];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	/* a long path or message is cut to fit; the line stays one line */
	if (snprintf(cf->err, sizeof cf->err, "%s: %s", cf->path, msg) >= (int)sizeof cf->err)
		cf->err[sizeof cf->err - 1] = 0;
	cf->errc = rc;
	cf->next = cf_stopped;
	return rc;
}

int cf_trunc(struct capfile *cf, uint64_t off, const char *what)
{
	size_t have = (size_t)(cf_off(cf) + cf_avail(cf) - off);
	if (cf->rd_err)
		return cf_fail(cf, cf->rd_err, "%s at offset %llu%s", cf->rd_msg,
			       (unsigned long long)(cf_off(cf) + cf_avail(cf)), cf->rd_note);
	return cf_fail(cf, -EBADMSG, "truncated %s at offset %llu (%zu bytes left)", what,
		       (unsigned long long)off, have);
}

int cf_short(struct capfile *cf, uint64_t off, const char *what)
{
	if (!cf->rd_err && cf_off(cf) + cf_avail(cf) == off) {
		cf->done = 1;
		cf->next = cf_stopped;
		return 0;
	}
	return cf_trunc(cf, off, what);
}

/* ---- interfaces ---- */

struct cf_iface *cf_add_iface(struct capfile *cf, uint32_t linktype, uint32_t snaplen)
{
	if (cf->nif >= CF_MAX_IFACES)
		return NULL;
	if (cf->nif == cf->ifcap) {
		/* interface blocks are setup, not packets: growing here is fine */
		uint32_t cap = cf->ifcap ? cf->ifcap * 2 : 8;
		struct cf_iface *n = realloc(cf->ifs, cap * sizeof *n);
		if (!n)
			return NULL;
		cf->ifs = n;
		cf->ifcap = cap;
	}
	struct cf_iface *ifc = &cf->ifs[cf->nif++];
	memset(ifc, 0, sizeof *ifc);
	ifc->linktype = linktype;
	ifc->snaplen = snaplen;
	ifc->units = 1000000000;
	ifc->mul = 1;
	return ifc;
}

void cf_judge_iface(struct capfile *cf, uint32_t id)
{
	struct cf_iface *ifc = &cf->ifs[id];
	switch (cf->keeping) {
	case CF_KEEP_ALL: ifc->skip = 0; break;
	case CF_KEEP_NAME: ifc->skip = !ifc->named || strcmp(ifc->name, cf->keep_name) != 0; break;
	case CF_KEEP_INDEX: ifc->skip = id != (unsigned long)cf->keep_index; break;
	case CF_KEEP_NONE: ifc->skip = 1; break;
	}
}

uint64_t cf_ts_ns_div(const struct cf_iface *ifc, uint64_t ts)
{
	/* finer than ns, or not a divisor of 1e9 (powers of 2): split seconds
	 * and fraction as Wireshark does, truncating */
	uint64_t frac = ts % ifc->units;
	uint64_t ns = ts / ifc->units * 1000000000u +
		      (uint64_t)((unsigned __int128)frac * 1000000000u / ifc->units);
	return ns + ifc->offset_ns;
}

/* ---- opening ---- */

/* The first n bytes (at buf) are gzip's: they become the first
 * compressed input. */
static int use_zlib(struct capfile *cf, const uint8_t *first, size_t n)
{
	cf->zin = malloc(CF_ZBUFSZ);
	if (!cf->zin)
		return cf_fail(cf, -ENOMEM, "out of memory");
	/* 15 + 16: a gzip header and trailer around deflate, 32 KiB window */
	if (inflateInit2(&cf->z, 15 + 16) != Z_OK)
		return cf_fail(cf, -ENOMEM, "gzip: cannot start zlib");
	cf->gz = 1;
	memcpy(cf->zin, first, n);
	cf->z.next_in = cf->zin;
	cf->z.avail_in = (uInt)n;
	cf->zread = n;
	return 0;
}

/* A pipe cannot be peeked at: its first two bytes are read, and stay the
 * first input whichever way it goes. */
static int open_pipe(struct capfile *cf)
{
	size_t n = 0;
	while (n < 2) {
		long r = raw_read(cf, cf->buf + n, 2 - n);
		if (r < 0)
			return cf_fail(cf, (int)r, "%s", cf->rd_msg);
		if (r == 0)
			break;
		n += (size_t)r;
	}
	if (n == 2 && cf->buf[0] == 0x1f && cf->buf[1] == 0x8b)
		return use_zlib(cf, cf->buf, n);
	cf->end = n;
	return 0;
}

/* A file compressed with gzip (magic 1f 8b) is inflated, the rest read as
 * it is ("-" is stdin). */
static int open_input(struct capfile *cf, const char *path)
{
	if (strcmp(path, "-") == 0)
		cf->fd = fcntl(STDIN_FILENO, F_DUPFD_CLOEXEC, 0);
	else
		cf->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (cf->fd < 0)
		return cf_fail(cf, -errno, "%s", strerror(errno));
	uint8_t m[2];
	ssize_t n = pread(cf->fd, m, 2, 0);
	if (n < 0 && errno == ESPIPE)
		return open_pipe(cf);
	if (n < 0)
		return cf_fail(cf, -errno, "%s", strerror(errno));
	if (n == 2 && m[0] == 0x1f && m[1] == 0x8b)
		return use_zlib(cf, m, 0);
	posix_fadvise(cf->fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	return 0;
}

static int detect(struct capfile *cf)
{
	if (!cf_fill(cf, 4)) {
		if (cf->rd_err)
			return cf_fail(cf, cf->rd_err, "%s%s", cf->rd_msg, cf->rd_note);
		return cf_fail(cf, -EINVAL, "%s (%zu bytes), not a pcap or pcapng file",
			       cf_avail(cf) ? "too short" : "empty file", cf_avail(cf));
	}
	struct cur c = cur_make(cf_ptr(cf), 4);
	uint32_t magic = cur_be32(&c);
	switch (magic) {
	case 0xa1b2c3d4: case 0xd4c3b2a1: case 0xa1b23c4d: case 0x4d3cb2a1:
		cf->next = cf_pcap_next;
		return cf_pcap_start(cf);
	case PCAPNG_SHB:	/* the same both ways round */
		cf->next = cf_pcapng_next;
		return cf_pcapng_start(cf);
	}
	return cf_fail(cf, -EINVAL, "not a pcap or pcapng file (magic 0x%08x)", magic);
}

/* A regular file read further than its first buffer gets a read-ahead
 * thread; a pipe or a terminal does not: a chunk waits until it is full,
 * which a live stream must not. */
static void read_ahead(struct capfile *cf)
{
	struct stat st;
	if (!cf->in_eof && fstat(cf->fd, &st) == 0 && S_ISREG(st.st_mode))
		(void)cf_ahead_start(cf);
}

struct capfile *capfile_open(const char *path, char errbuf[CAPFILE_ERRBUF])
{
	struct capfile *cf = calloc(1, sizeof *cf);
	if (cf)
		cf->own = cf->buf = malloc(CF_BUFSZ);
	if (!cf || !cf->buf) {
		snprintf(errbuf, CAPFILE_ERRBUF, "%s: out of memory", path);
		if (cf)
			free(cf);
		return NULL;
	}
	snprintf(cf->path, sizeof cf->path, "%s", path);
	cf->fd = -1;
	if (open_input(cf, path) < 0 || detect(cf) < 0) {
		snprintf(errbuf, CAPFILE_ERRBUF, "%s", cf->err);
		capfile_close(cf);
		return NULL;
	}
	if (cf->gz) {
		size_t n = strlen(cf->format);
		snprintf(cf->format + n, sizeof cf->format - n, "+gz");
	}
	read_ahead(cf);
	return cf;
}

struct capfile *cf_input_open(const char *path, uint64_t skip)
{
	struct capfile *in = calloc(1, sizeof *in);
	if (!in)
		return NULL;
	in->fd = -1;
	in->positional = 1;
	struct stat st;
	if (open_input(in, path) < 0 || fstat(in->fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		cf_input_close(in);
		return NULL;
	}
	if (!in->gz) {
		in->rd_off = skip;
		return in;
	}
	/* no seeking in a gzip stream: the bytes before are inflated and dropped */
	uint8_t *sink = malloc(CF_ZBUFSZ);
	while (sink && skip) {
		long r = cf_in_read(in, sink, skip < CF_ZBUFSZ ? (size_t)skip : CF_ZBUFSZ);
		skip = r > 0 ? skip - (uint64_t)r : 0;
		if (r <= 0) {
			free(sink);
			sink = NULL;
		}
	}
	if (!sink) {
		cf_input_close(in);
		return NULL;
	}
	free(sink);
	return in;
}

void cf_input_close(struct capfile *in)
{
	capfile_close(in);
}

/* ---- the public calls ---- */

int capfile_next(struct capfile *cf, struct pkt *out)
{
	return cf->next(cf, out);
}

/* The short way's packets are of interfaces declared already (below nif):
 * with ifaces >= nif, each is below ifaces. */
int capfile_next_n(struct capfile *cf, struct pkt *out, unsigned n, unsigned ifaces)
{
	int rc = cf->next(cf, out);
	if (rc == 1 && n > 1 && ifaces >= cf->nif && cf->next == cf_pcapng_next)
		rc += (int)cf_pcapng_more(cf, out + 1, n - 1);
	return rc;
}

void capfile_keep(struct capfile *cf, const char *name, long index)
{
	cf->keep_index = index;
	if (index >= 0)
		cf->keeping = CF_KEEP_INDEX;
	else if (strlen(name) >= sizeof cf->keep_name)
		cf->keeping = CF_KEEP_NONE;	/* longer than any interface's name */
	else
		cf->keeping = CF_KEEP_NAME;
	if (cf->keeping == CF_KEEP_NAME)
		snprintf(cf->keep_name, sizeof cf->keep_name, "%s", name);
	for (uint32_t k = 0; k < cf->nif; k++)
		cf_judge_iface(cf, k);
}

const char *capfile_error(const struct capfile *cf) { return cf->err; }
const char *capfile_path(const struct capfile *cf) { return cf->path; }
unsigned capfile_iface_count(const struct capfile *cf) { return cf->nif; }
const char *capfile_format(const struct capfile *cf) { return cf->format; }

const char *capfile_iface_name(const struct capfile *cf, unsigned iface)
{
	if (iface >= cf->nif || !cf->ifs[iface].named)
		return NULL;
	return cf->ifs[iface].name;
}

uint32_t capfile_iface_linktype(const struct capfile *cf, unsigned iface)
{
	return iface < cf->nif ? cf->ifs[iface].linktype : 0;
}

void capfile_close(struct capfile *cf)
{
	if (!cf)
		return;
	cf_ahead_stop(cf);	/* first: the thread may be reading */
	if (cf->gz)
		inflateEnd(&cf->z);
	free(cf->zin);
	if (cf->fd >= 0)
		close(cf->fd);
	free(cf->ifs);
	free(cf->own);
	free(cf);
}
