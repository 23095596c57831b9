/* pcapng writer (see pcapng_writer.h).
 *
 * Blocks are built whole in one buffer, in the host's byte order (pcapng is
 * read in the byte order its section header declares). The buffer only ever
 * holds whole blocks, so when a write fails part way the file can be cut back
 * to the last block that reached the disk whole: what is left reads cleanly.
 * After a failure every later call returns the same -errno. */
#include "capture/pcapng_writer.h"
#include "decode/pcapng.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#define PCAPNG_W_BUFSZ (1u << 20)	/* one buffer of whole blocks */
#define PCAPNG_W_MAXIF 4096u		/* interfaces per file, a sanity bound */


struct pcapng_w {
	int fd;
	int own_fd;		/* 0 for stdout ("-") */
	int created;		/* this writer made the file: the only case it may remove it */
	int cut;		/* a regular file: a failed write is cut back to whole blocks */
	int err;		/* sticky -errno after the first failure */
	uint8_t *buf;
	size_t len;		/* bytes buffered (whole blocks) */
	uint64_t ondisk;	/* bytes that reached the file whole */
	uint32_t nif;
	uint8_t tsresol[PCAPNG_W_MAXIF];
	char path[4096];	/* for messages: "standard output" for "-" */
	char msg[PCAPNG_ERRBUF];
};

/* ---- building blocks in the buffer (the caller reserved the room) ---- */

static void put(struct pcapng_w *w, const void *p, size_t n)
{
	if (n)
		memcpy(w->buf + w->len, p, n);
	w->len += n;
}

static void put16(struct pcapng_w *w, uint16_t v) { put(w, &v, 2); }
static void put32(struct pcapng_w *w, uint32_t v) { put(w, &v, 4); }

static void put_pad(struct pcapng_w *w, size_t n)
{
	static const uint8_t zero[4];
	put(w, zero, (4 - (n & 3)) & 3);
}

/* pcapng timestamps are two 32-bit halves, high first. */
static void put_ts(struct pcapng_w *w, uint64_t ts)
{
	put32(w, (uint32_t)(ts >> 32));
	put32(w, (uint32_t)ts);
}

static size_t pad4(size_t n) { return (n + 3) & ~(size_t)3; }

static size_t opt_size(size_t vlen) { return 4 + pad4(vlen); }

/* An option's length is 16 bits: longer strings are cut (a comment, say). */
#define OPT_MAXLEN 65532u

static size_t str_len(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	return n < OPT_MAXLEN ? n : OPT_MAXLEN;
}

static size_t opt_str_size(const char *s) { return str_len(s) ? opt_size(str_len(s)) : 0; }

static void put_opt(struct pcapng_w *w, uint16_t code, const void *v, size_t vlen)
{
	put16(w, code);
	put16(w, (uint16_t)vlen);
	put(w, v, vlen);
	put_pad(w, vlen);
}

static void put_opt_str(struct pcapng_w *w, uint16_t code, const char *s)
{
	if (str_len(s))
		put_opt(w, code, s, str_len(s));
}

static void put_opt_u64(struct pcapng_w *w, uint16_t code, uint64_t v)
{
	if (v != UINT64_MAX)
		put_opt(w, code, &v, 8);
}

static void put_opt_ts(struct pcapng_w *w, uint16_t code, uint64_t ts)
{
	put16(w, code);
	put16(w, 8);
	put_ts(w, ts);
}

static void block_begin(struct pcapng_w *w, uint32_t type, uint32_t total)
{
	put32(w, type);
	put32(w, total);
}

static void block_end(struct pcapng_w *w, uint32_t total)
{
	put32(w, total);
}

/* ---- output ---- */

static int fail(struct pcapng_w *w, int err, const char *what)
{
	w->err = err;
	if (err == -EPIPE)	/* SIGPIPE ignored: `hoplat capture -w - | head` */
		snprintf(w->msg, sizeof w->msg, "%.200s: the reader closed the pipe after %llu bytes",
			 w->path, (unsigned long long)w->ondisk);
	else
		snprintf(w->msg, sizeof w->msg, "%.200s: %s after %llu bytes: %s", w->path, what,
			 (unsigned long long)w->ondisk, strerror(-err));
	return err;
}

/* A call the writer refuses (bad argument): a message, but the file goes on. */
static int refuse(struct pcapng_w *w, int err, const char *what, unsigned long long v)
{
	snprintf(w->msg, sizeof w->msg, "%.160s: %s %llu", w->path, what, v);
	return err;
}

/* Bytes of whole blocks at the start of the buffer within its first n bytes. */
static size_t whole_blocks(const struct pcapng_w *w, size_t n)
{
	size_t off = 0;
	while (off + 12 <= n) {
		uint32_t total;
		memcpy(&total, w->buf + off + 4, 4);
		if (off + total > n)
			break;
		off += total;
	}
	return off;
}

/* A write failed after `done` bytes of the buffer went out: keep the blocks
 * that reached the disk whole and cut the rest off. */
static int write_failed(struct pcapng_w *w, size_t done, int err)
{
	w->ondisk += whole_blocks(w, done);
	if (w->cut && ftruncate(w->fd, (off_t)w->ondisk) == 0)
		lseek(w->fd, (off_t)w->ondisk, SEEK_SET);
	w->len = 0;
	return fail(w, err, "write failed");
}

static int flush_buf(struct pcapng_w *w)
{
	size_t done = 0;
	while (done < w->len) {
		ssize_t n = write(w->fd, w->buf + done, w->len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return write_failed(w, done, n < 0 ? -errno : -ENOSPC);
		done += (size_t)n;
	}
	w->ondisk += w->len;
	w->len = 0;
	return 0;
}

/* Room for a block of `total` bytes in the buffer, flushing first if needed. */
static int reserve(struct pcapng_w *w, size_t total)
{
	if (w->err)
		return w->err;
	if (total > PCAPNG_W_BUFSZ)
		return refuse(w, -EMSGSIZE, "block too large for the write buffer:", total);
	if (w->len + total > PCAPNG_W_BUFSZ)
		return flush_buf(w);
	return 0;
}

/* ---- blocks ---- */

static int write_shb(struct pcapng_w *w, const char *comment)
{
	struct utsname u;
	char os[200] = "", hw[80] = "";
	if (uname(&u) == 0) {
		snprintf(os, sizeof os, "%s %s", u.sysname, u.release);
		snprintf(hw, sizeof hw, "%s", u.machine);
	}
	const char *appl = "hoplat";
	size_t total = 24 + opt_str_size(comment) + opt_str_size(hw) + opt_str_size(os) +
		       opt_str_size(appl) + 4 + 4;
	int rc = reserve(w, total);
	if (rc < 0)
		return rc;
	block_begin(w, PCAPNG_SHB, (uint32_t)total);
	put32(w, PCAPNG_BOM);
	put16(w, 1);			/* major */
	put16(w, 0);			/* minor */
	put32(w, 0xFFFFFFFF);		/* section length: unknown (-1) */
	put32(w, 0xFFFFFFFF);
	put_opt_str(w, PCAPNG_OPT_COMMENT, comment);
	put_opt_str(w, PCAPNG_SHB_HARDWARE, hw);
	put_opt_str(w, PCAPNG_SHB_OS, os);
	put_opt_str(w, PCAPNG_SHB_USERAPPL, appl);
	put_opt(w, PCAPNG_OPT_END, NULL, 0);
	block_end(w, (uint32_t)total);
	return 0;
}

/* Never destroys what is not ours: a new file is made with O_EXCL, so it
 * is ours and may be removed again; a name that exists is opened as tcpdump
 * opens it (a regular file truncated, a device or FIFO written to, a
 * symlink followed) and is never removed, whatever happens next. */
static int open_out(struct pcapng_w *w, const char *path)
{
	struct stat st;

	if (!strcmp(path, "-")) {
		w->fd = STDOUT_FILENO;
		return 0;
	}
	w->own_fd = 1;
	w->fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	w->created = w->fd >= 0;
	if (w->fd < 0 && errno == EEXIST)
		w->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (w->fd < 0)
		return -errno;
	w->cut = fstat(w->fd, &st) == 0 && S_ISREG(st.st_mode);
	return 0;
}

struct pcapng_w *pcapng_w_open(const char *path, const char *shb_comment,
			       char errbuf[PCAPNG_ERRBUF])
{
	struct pcapng_w *w = calloc(1, sizeof *w);
	if (w)
		w->buf = malloc(PCAPNG_W_BUFSZ);
	if (!w || !w->buf) {
		snprintf(errbuf, PCAPNG_ERRBUF, "%s: out of memory", path);
		if (w)
			free(w);
		return NULL;
	}
	if (strcmp(path, "-"))
		snprintf(w->path, sizeof w->path, "%s", path);
	else
		snprintf(w->path, sizeof w->path, "standard output");
	int rc = open_out(w, path);
	if (rc < 0) {
		snprintf(errbuf, PCAPNG_ERRBUF, "%.200s: cannot create: %s", path, strerror(-rc));
		free(w->buf);
		free(w);
		errno = -rc;
		return NULL;
	}
	/* The section header goes to disk at once: a file that exists is a pcapng. */
	rc = write_shb(w, shb_comment);
	if (rc == 0)
		rc = flush_buf(w);
	if (rc < 0) {
		/* not even a header: leave no empty file behind (if we made it) */
		snprintf(errbuf, PCAPNG_ERRBUF, "%s", w->msg);
		pcapng_w_discard(w);
		errno = -rc;
		return NULL;
	}
	return w;
}

int pcapng_w_add_iface(struct pcapng_w *w, const struct pcapng_iface *ifc)
{
	if (w->err)
		return w->err;
	uint8_t res = ifc->tsresol ? ifc->tsresol : 9;
	/* powers of 10 up to ns: what a u64 of ns since the epoch can feed */
	if (res > 9)
		return refuse(w, -EINVAL, "unsupported if_tsresol", res);
	if (w->nif >= PCAPNG_W_MAXIF)
		return refuse(w, -EINVAL, "too many interfaces:", w->nif);
	size_t total = 16 + opt_str_size(ifc->name) + opt_str_size(ifc->description) +
		       (ifc->filter ? opt_size(1 + str_len(ifc->filter)) : 0) +
		       opt_size(1) + 4 + 4;
	int rc = reserve(w, total);
	if (rc < 0)
		return rc;
	block_begin(w, PCAPNG_IDB, (uint32_t)total);
	put16(w, (uint16_t)ifc->linktype);
	put16(w, 0);
	put32(w, ifc->snaplen);
	put_opt_str(w, PCAPNG_IF_NAME, ifc->name);
	put_opt_str(w, PCAPNG_IF_DESCRIPTION, ifc->description);
	if (ifc->filter) {
		/* if_filter: one byte of filter kind (0: libpcap string), then the text */
		size_t n = str_len(ifc->filter);
		put16(w, PCAPNG_IF_FILTER);
		put16(w, (uint16_t)(1 + n));
		uint8_t kind = 0;
		put(w, &kind, 1);
		put(w, ifc->filter, n);
		put_pad(w, 1 + n);
	}
	put_opt(w, PCAPNG_IF_TSRESOL, &res, 1);
	put_opt(w, PCAPNG_OPT_END, NULL, 0);
	block_end(w, (uint32_t)total);
	w->tsresol[w->nif] = res;
	return (int)w->nif++;
}

/* ns since the epoch in units of 10^-res s. */
static uint64_t ts_units(uint64_t ts_ns, uint8_t res)
{
	static const uint64_t div[10] = { 1000000000, 100000000, 10000000, 1000000, 100000,
					  10000, 1000, 100, 10, 1 };
	return ts_ns / div[res];
}

int pcapng_w_packet(struct pcapng_w *w, uint32_t iface, uint64_t ts_ns,
		    const uint8_t *data, uint32_t caplen, uint32_t wirelen)
{
	if (w->err)
		return w->err;
	if (iface >= w->nif)
		return refuse(w, -EINVAL, "packet for undeclared interface", iface);
	size_t total = 28 + pad4(caplen) + 4;
	int rc = reserve(w, total);
	if (rc < 0)
		return rc;
	block_begin(w, PCAPNG_EPB, (uint32_t)total);
	put32(w, iface);
	put_ts(w, ts_units(ts_ns, w->tsresol[iface]));
	put32(w, caplen);
	put32(w, wirelen);
	put(w, data, caplen);
	put_pad(w, caplen);
	block_end(w, (uint32_t)total);
	return 0;
}

int pcapng_w_stats(struct pcapng_w *w, uint32_t iface, uint64_t ts_ns,
		   const struct pcapng_isb *st)
{
	if (w->err)
		return w->err;
	if (iface >= w->nif)
		return refuse(w, -EINVAL, "statistics for undeclared interface", iface);
	uint8_t res = w->tsresol[iface];
	const uint64_t *cnt[] = { &st->ifrecv, &st->ifdrop, &st->filteraccept, &st->osdrop };
	size_t total = 20 + 4 + 4;
	if (st->start_ns != UINT64_MAX)
		total += opt_size(8);
	if (st->end_ns != UINT64_MAX)
		total += opt_size(8);
	for (size_t i = 0; i < sizeof cnt / sizeof cnt[0]; i++)
		total += *cnt[i] != UINT64_MAX ? opt_size(8) : 0;
	int rc = reserve(w, total);
	if (rc < 0)
		return rc;
	block_begin(w, PCAPNG_ISB, (uint32_t)total);
	put32(w, iface);
	put_ts(w, ts_units(ts_ns, res));
	if (st->start_ns != UINT64_MAX)
		put_opt_ts(w, PCAPNG_ISB_STARTTIME, ts_units(st->start_ns, res));
	if (st->end_ns != UINT64_MAX)
		put_opt_ts(w, PCAPNG_ISB_ENDTIME, ts_units(st->end_ns, res));
	put_opt_u64(w, PCAPNG_ISB_IFRECV, st->ifrecv);
	put_opt_u64(w, PCAPNG_ISB_IFDROP, st->ifdrop);
	put_opt_u64(w, PCAPNG_ISB_FILTERACCEPT, st->filteraccept);
	put_opt_u64(w, PCAPNG_ISB_OSDROP, st->osdrop);
	put_opt(w, PCAPNG_OPT_END, NULL, 0);
	block_end(w, (uint32_t)total);
	return 0;
}

int pcapng_w_flush(struct pcapng_w *w)
{
	if (w->err)
		return w->err;
	return flush_buf(w);
}

uint64_t pcapng_w_bytes(const struct pcapng_w *w)
{
	return w->ondisk + w->len;
}

const char *pcapng_w_error(const struct pcapng_w *w)
{
	return w->msg;
}

void pcapng_w_discard(struct pcapng_w *w)
{
	if (!w)
		return;
	if (w->created)
		unlink(w->path);
	w->err = w->err ? w->err : -ECANCELED;	/* nothing more to flush */
	pcapng_w_close(w);
}

int pcapng_w_close(struct pcapng_w *w)
{
	if (!w)
		return 0;
	int rc = w->err ? w->err : flush_buf(w);
	if (w->own_fd && w->fd >= 0 && close(w->fd) < 0 && rc == 0)
		rc = -errno;
	free(w->buf);
	free(w);
	return rc;
}
