/* pcapng writer: section header (with comment), interface description
 * blocks, enhanced packet blocks, interface statistics blocks. Writes whole
 * blocks through one buffer; on a failed write (full disk) it cuts the file
 * back to the last whole block, so what is on disk always reads cleanly. */
#ifndef HOPLAT_PCAPNG_WRITER_H
#define HOPLAT_PCAPNG_WRITER_H

#include <stdint.h>

#define PCAPNG_ERRBUF 256

struct pcapng_iface {
	const char *name;		/* if_name */
	const char *description;	/* if_description, may be NULL */
	const char *filter;		/* if_filter (BPF text), may be NULL */
	uint32_t linktype;
	uint32_t snaplen;
	uint8_t tsresol;		/* if_tsresol: 9 = nanoseconds (the default when 0) */
};

/* Interface statistics; a field of UINT64_MAX is left out of the block. */
struct pcapng_isb {
	uint64_t start_ns, end_ns;
	uint64_t ifrecv, ifdrop, filteraccept, osdrop;
};

struct pcapng_w;

/* shb_comment may be NULL. NULL on failure with a message in errbuf and
 * errno set.
 * "-" writes to standard output (no cutting back on a failed write there).
 * A path that exists is written as tcpdump writes it (a regular file is
 * truncated; a device, FIFO or symlink's target is written to) and never
 * removed; only a file this writer created may be (pcapng_w_discard, or a
 * header that does not fit). */
struct pcapng_w *pcapng_w_open(const char *path, const char *shb_comment,
			       char errbuf[PCAPNG_ERRBUF]);
/* Returns the new interface id (>= 0) or -errno. */
int pcapng_w_add_iface(struct pcapng_w *w, const struct pcapng_iface *iface);
int pcapng_w_packet(struct pcapng_w *w, uint32_t iface, uint64_t ts_ns,
		    const uint8_t *data, uint32_t caplen, uint32_t wirelen);
int pcapng_w_stats(struct pcapng_w *w, uint32_t iface, uint64_t ts_ns,
		   const struct pcapng_isb *st);
int pcapng_w_flush(struct pcapng_w *w);
/* Bytes written so far (rotation by size); after a failed write, the bytes
 * of the whole blocks that reached the output. */
uint64_t pcapng_w_bytes(const struct pcapng_w *w);
const char *pcapng_w_error(const struct pcapng_w *w);
/* Flushes and closes; 0 or -errno. Frees w in every case. */
int pcapng_w_close(struct pcapng_w *w);
/* Closes without flushing and removes the file if this writer created it
 * (a run that could not start); frees w. */
void pcapng_w_discard(struct pcapng_w *w);

#endif
