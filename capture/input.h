/* The input of capture files: one layer for `analyze`, the clock pass and
 * `live -r`.
 *
 * A set holds sources. A source is one measurement point's capture: one
 * file, or several (rotated captures: a quoted glob, or several names) read
 * one after the other in the order of their first packets, as one capture.
 * A source may keep one interface of its files (FILE#IFACE by name,
 * FILE#INDEX by the interface's number in the file), or, asked to, take the
 * one whose name says it plays a port role (`bridge show`'s rules,
 * decode/ifrole.h). Every packet passes an optional BPF filter (libpcap's
 * compiler and offline filter, as `tcpdump -r FILE EXPR`).
 *
 * The set merges its sources by timestamp (the least of their next
 * packets' keys, a look at each: a set has a few); the key of a source's
 * packet may be mapped by the caller onto a common clock (the
 * client's time onto Dom0's). Packets come out as struct pkt with the
 * source's point set, valid until the next in_next.
 *
 * in_open checks what can be checked before a packet is analyzed: every
 * file opens and is a capture, every #IFACE names an interface of every
 * file (interface blocks come before the packets), the filter applies to
 * the files' link types. Memory: one open file per source at a time; a set
 * is set up once and may be opened again (the clock pass reads the files
 * before the analysis does). */
#ifndef HOPLAT_INPUT_H
#define HOPLAT_INPUT_H

#include <stdint.h>
#include "decode/ifrole.h"
#include "decode/pkt.h"

#define IN_MAX_SOURCES 8
#define IN_ERRBUF 512

/* ---- a min-heap by (key, tie): the capture loop's reorder queue
 * (capture.c) ---- */
struct in_hent {
	uint64_t key;		/* time */
	uint64_t tie;		/* equal keys: the lower leaves first */
	uint32_t a, b;		/* what the entry stands for (the caller's) */
};

struct in_heap {
	struct in_hent *e;	/* storage, sized by the caller */
	unsigned n;
};

void in_heap_push(struct in_heap *h, struct in_hent e);
void in_heap_pop(struct in_heap *h);	/* drops e[0], the least */

/* ---- a set of sources ---- */

struct in_set;

/* A packet's time at a point -> its merge key (the common clock). */
typedef uint64_t (*in_map_fn)(void *ctx, uint8_t point, uint64_t ts_ns);

struct in_set *in_new(void);	/* NULL: out of memory */
void in_free(struct in_set *s);
/* The last failure's one-line message, naming the file. */
const char *in_error(const struct in_set *s);

/* Adds FILE, FILE#IFACE or FILE#INDEX as (part of) point's source; a path
 * that exists is taken whole (paths may hold '#'), a FILE that does not
 * exist and holds * ? [ is a glob pattern (glob(3)); "-" is standard input.
 * Several calls for one point: its files, read as one capture. Returns the
 * source's index, or -errno (no file matches the pattern, a second #IFACE
 * that differs, too many sources). */
int in_add(struct in_set *s, const char *spec, uint8_t point);
/* A source without #IFACE whose file holds several interfaces takes the
 * one that plays role by its name (IFROLE_UPLINK or IFROLE_VIF), if one
 * does; in_picked() then names it. */
void in_pick(struct in_set *s, unsigned src, enum ifrole role);
/* Names for the interface indexes of Linux cooked v2 captures (tcpdump -i
 * any), from FILE: "INDEX NAME" lines, `ip -o link` output, or `hoplat
 * bridge show --json`. In a cooked capture FILE#INDEX keeps the packets of
 * that kernel interface index, FILE#NAME those of the index FILE names, and
 * in_pick picks by these names. 0, or -errno with in_error() set. */
int in_ifnames(struct in_set *s, const char *path);
const char *in_ifname(const struct in_set *s, uint32_t index);	/* NULL: not named */
/* A BPF filter for every packet; 0, or -EINVAL when it does not compile. */
int in_filter(struct in_set *s, const char *expr);
/* The merge key of packets; identity without it. in_remap: the mapping
 * changed, the packets waiting in the merge take their new keys. */
void in_map(struct in_set *s, in_map_fn fn, void *ctx);
void in_remap(struct in_set *s);

/* Reading ahead: the k-th packet of a source from where it stands (k = 0:
 * the next in_next would see), read as needed and kept, so that in_next
 * gives the packets read ahead in their turn, then goes on reading: a
 * capture looked at before the analysis is still read once (the clock
 * estimate takes the start of the client's and Dom0's captures this way,
 * a pipe included). Only before the first in_next after in_open; bounded
 * by IN_AHEAD_PKTS packets and IN_AHEAD_BYTES bytes per source, kept until
 * in_next has given them or in_close.
 * 1 and *out (valid until in_close); 0 at the source's end; -ENOBUFS past
 * the bound; -EBUSY after in_next; -errno at a damaged file (in_error
 * says; in_next returns it again at its place, as it would have). */
#define IN_AHEAD_PKTS 131072u
#define IN_AHEAD_BYTES (24u << 20)
int in_ahead(struct in_set *s, unsigned src, unsigned k, struct pkt *out);
/* How many packets of the source are read ahead now (in_ahead reads no more below it). */
unsigned in_ahead_count(const struct in_set *s, unsigned src);

/* Opens the sources in mask (bit per source index; ~0u: all): 0 or -errno
 * with in_error() set. A pipe, FIFO or "-" can be read once: a second open
 * of one fails, and so does one named by two sources; one opened and not
 * yet read from stays open through in_close, for the next in_open. */
int in_open(struct in_set *s, unsigned mask);
/* 1: the next packet in merge order in *out (its key in *key if not NULL);
 * 0: every source ended; -errno: a file is damaged or cut here (in_error()
 * says where; what came before stands): call again, its source goes on with
 * its next file and the others as they were. */
int in_next(struct in_set *s, struct pkt *out, uint64_t *key);
/* in_next for up to n packets at once, into out[0..): how many (0 and
 * -errno as in_next's). Packets of one source come many at a time
 * (capfile_next_n), all valid until the next call; of several, one. */
int in_next_n(struct in_set *s, struct pkt *out, unsigned n);
void in_close(struct in_set *s);

/* Reading the sources apart, each by its own thread (after in_open and
 * any reading ahead, instead of in_next): in_split once, then in_next_src
 * for source src from one thread per source: 1 and its next packet (valid
 * until that source's next call), 0 at its end, -errno at a damaged file
 * (in_src_error says; call again, it goes on with its next file). */
void in_split(struct in_set *s);
int in_next_src(struct in_set *s, unsigned src, struct pkt *out);
const char *in_src_error(const struct in_set *s, unsigned src);

unsigned in_count(const struct in_set *s);
uint8_t in_point(const struct in_set *s, unsigned src);
/* "FILE#IFACE" as given (several files: their names), for reports. */
const char *in_name(const struct in_set *s, unsigned src);
/* The file names as given, without #IFACE (same value: same files). */
const char *in_paths(const struct in_set *s, unsigned src);
/* The files of a source, in the order they are read (globs expanded). */
unsigned in_file_count(const struct in_set *s, unsigned src);
const char *in_file_path(const struct in_set *s, unsigned src, unsigned k);
/* The interface taken by its name (in_pick), or NULL. */
const char *in_picked(const struct in_set *s, unsigned src);
/* 0 when a file of the source is a pipe, FIFO or standard input. */
int in_rereadable(const struct in_set *s, unsigned src);

/* The interfaces of a source, numbered as in struct pkt's iface: across
 * its files, one name is one interface (the first file's keep their
 * numbers); those declared so far (after in_open: the first file's, up to
 * its first packet). */
unsigned in_iface_count(const struct in_set *s, unsigned src);
const char *in_iface_name(const struct in_set *s, unsigned src, unsigned k);	/* NULL unnamed */
uint32_t in_iface_linktype(const struct in_set *s, unsigned src, unsigned k);
/* A Linux cooked v2 source: the interface indexes its first file's first
 * packets carry (0 for other captures). */
unsigned in_cooked_count(const struct in_set *s, unsigned src);
uint32_t in_cooked_index(const struct in_set *s, unsigned src, unsigned k);
/* The current file's format: "pcapng", "pcap+gz" ... */
const char *in_format(const struct in_set *s, unsigned src);

#endif
