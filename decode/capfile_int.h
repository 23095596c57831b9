/* Inside the capture file reader: the input layer (one read buffer, plain
 * read(2) or zlib's inflate over a buffer of compressed bytes) shared by the
 * pcap and pcapng parsers.
 *
 * Records are handed out as slices of the read buffer (no copy). The buffer
 * never grows: a record or block that does not fit is an error, so memory
 * stays flat however long the file is. */
#ifndef HOPLAT_CAPFILE_INT_H
#define HOPLAT_CAPFILE_INT_H

#include <stddef.h>
#include <stdint.h>
#include <zlib.h>

#include "decode/capfile.h"
#include "decode/cursor.h"

#define CF_BUFSZ (1u << 20)		/* read buffer */
#define CF_FIRST_READ (64u << 10)	/* the first read of a file */
#define CF_ZBUFSZ (256u << 10)		/* compressed bytes read at once */
#define CF_MAX_CAPLEN 262144u		/* largest packet accepted (tcpdump's max snaplen) */
#define CF_MAX_PARSED (CF_MAX_CAPLEN + 65536u)	/* largest block parsed whole */
#define CF_MAX_BLOCK (64u << 20)	/* largest block skipped (a sanity bound) */
#define CF_MAX_IFACES 65536u

struct cf_iface {
	uint32_t linktype;
	uint32_t snaplen;
	uint64_t units;		/* timestamp units per second (if_tsresol) */
	uint64_t mul;		/* ns per unit when units divides 1e9, else 0 */
	uint64_t offset_ns;	/* if_tsoffset in ns (seconds * 1e9, modulo 2^64) */
	char name[64];
	uint8_t named;
	uint8_t skip;		/* its packets are stepped over (capfile_keep) */
};

struct capfile {
	/* input */
	int fd;
	uint8_t *buf;		/* capfile_open's buffer (own), or a read-ahead chunk */
	uint8_t *own;
	struct cf_ahead *ra;	/* regular files: the read-ahead thread (readahead.c) */
	/* gzip: inflate() itself, not gzread(): gzread drops what it inflated
	 * in the call that meets the damage (a whole small file). */
	int gz;			/* the input is gzip */
	z_stream z;
	uint8_t *zin;		/* compressed bytes, z.next_in points inside */
	uint64_t zread;		/* compressed bytes read so far */
	int zmid;		/* inside a gzip member (its end not seen yet) */
	int zerr;		/* -errno of a failure met after output: the next read's */
	char rd_note[64];	/* after the offset in a read error ("(byte N of the .gz)") */
	size_t pos, end;	/* unread bytes are buf[pos..end) */
	uint64_t base;		/* stream offset of buf[0] (uncompressed) */
	int positional;		/* cf_input_open: pread(2) at rd_off, no shared file offset */
	uint64_t rd_off;
	int in_eof;		/* nothing more to read (end, or rd_err) */
	int rd_err;		/* -errno of a failed read, reported when reached */
	char rd_msg[96];

	/* state */
	/* the format's reader; after the end or an error, one that says so
	 * again (capfile_next is this one call, no test of the state first) */
	int (*next)(struct capfile *cf, struct pkt *out);
	int ns;			/* pcap: nanosecond timestamps */
	int be;			/* current byte order is big-endian */
	int done;		/* 0 returned: clean end */
	int errc;		/* sticky result after an error */
	char format[16];
	char path[256];
	char err[CAPFILE_ERRBUF];

	/* interfaces (pcap: one) */
	struct cf_iface *ifs;
	uint32_t nif, ifcap;
	uint32_t sect_base, sect_nif;	/* pcapng: this section's first file-wide id, count */
	/* capfile_keep */
	enum { CF_KEEP_ALL, CF_KEEP_NAME, CF_KEEP_INDEX, CF_KEEP_NONE } keeping;
	char keep_name[64];	/* CF_KEEP_NAME */
	long keep_index;	/* CF_KEEP_INDEX */
};

/* ---- input ---- */

int cf_refill(struct capfile *cf, size_t n);
/* Up to n more input bytes (read, or inflated); 0 at the end, or -errno. */
long cf_in_read(struct capfile *cf, uint8_t *dst, size_t n);

/* The input of path alone (a capfile with no format: cf_in_read only),
 * skip stream bytes in (inflated, for a .gz), read with pread(2) so that
 * it shares no file offset with another reader; NULL when it cannot be. */
struct capfile *cf_input_open(const char *path, uint64_t skip);
void cf_input_close(struct capfile *in);

/* Read-ahead (readahead.c): once started, the thread alone reads the input
 * and cf_refill takes its chunks; start returns -1 (no thread) when it
 * cannot, and reading goes on as before. */
int cf_ahead_start(struct capfile *cf);
int cf_ahead_refill(struct capfile *cf, size_t n);
void cf_ahead_stop(struct capfile *cf);
/* Do a and b read the same chunks now (tests)? */
int cf_ahead_shares(const struct capfile *a, const struct capfile *b);

/* 1 when n bytes are buffered at the read position, else 0 (end of input,
 * or a read error kept in rd_err). n must be <= CF_BUFSZ. */
static inline int cf_fill(struct capfile *cf, size_t n)
{
	if (cf->end - cf->pos >= n)
		return 1;
	return cf_refill(cf, n);
}

static inline const uint8_t *cf_ptr(const struct capfile *cf) { return cf->buf + cf->pos; }
static inline size_t cf_avail(const struct capfile *cf) { return cf->end - cf->pos; }
static inline uint64_t cf_off(const struct capfile *cf) { return cf->base + cf->pos; }
static inline void cf_consume(struct capfile *cf, size_t n) { cf->pos += n; }

/* Steps over n bytes, refilling as needed; 0, or -1 when the input ends first. */
int cf_skip(struct capfile *cf, uint64_t n);

/* ---- errors: each sets the sticky result and a message naming the file ---- */

int cf_fail(struct capfile *cf, int rc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The input ran out inside what starts at offset off (a record, a block):
 * a clean end (0) when no byte of it was there, else a truncation error (or
 * the read error that cut the input short). */
int cf_short(struct capfile *cf, uint64_t off, const char *what);
/* The same when the input cannot end there: always an error. */
int cf_trunc(struct capfile *cf, uint64_t off, const char *what);

/* ---- byte order of the current file or section ---- */

static inline uint16_t cf_u16(struct cur *c, int be) { return be ? cur_be16(c) : cur_le16(c); }
static inline uint32_t cf_u32(struct cur *c, int be) { return be ? cur_be32(c) : cur_le32(c); }
static inline uint64_t cf_u64(struct cur *c, int be)
{
	uint64_t a = cf_u32(c, be), b = cf_u32(c, be);
	return be ? a << 32 | b : b << 32 | a;
}

/* A 32-bit field of a fixed header (cur_fixed) in the file's byte order. */
static inline uint32_t cf_fix32(const struct cur_fix *h, size_t off, int be)
{
	uint32_t v = fix_be32(h, off);
	return be ? v : __builtin_bswap32(v);
}

/* ---- interfaces ---- */

/* Appends an interface (ns timestamps, no offset); NULL past CF_MAX_IFACES. */
struct cf_iface *cf_add_iface(struct capfile *cf, uint32_t linktype, uint32_t snaplen);

/* Sets ifs[id].skip as capfile_keep asks (once the interface's name is known). */
void cf_judge_iface(struct capfile *cf, uint32_t id);

/* Timestamp in the interface's units -> ns since the epoch. Units that
 * divide a second's ns (ns, us: nearly every file) take a multiplication
 * here, the others a division in cf_ts_ns_div. */
uint64_t cf_ts_ns_div(const struct cf_iface *ifc, uint64_t ts);

static inline uint64_t cf_ts_ns(const struct cf_iface *ifc, uint64_t ts)
{
	if (ifc->mul)
		return ts * ifc->mul + ifc->offset_ns;
	return cf_ts_ns_div(ifc, ts);
}

/* ---- formats ---- */

int cf_pcap_start(struct capfile *cf);	/* after the magic was recognised */
int cf_pcap_next(struct capfile *cf, struct pkt *out);
int cf_pcapng_start(struct capfile *cf);
int cf_pcapng_next(struct capfile *cf, struct pkt *out);
/* Up to n more packets, each an EPB whole in the read buffer: how many (0
 * at anything else, which is left unread for cf_pcapng_next). */
unsigned cf_pcapng_more(struct capfile *cf, struct pkt *out, unsigned n);

#endif
