/* Streaming capture file reader: classic pcap (us and ns, both byte orders),
 * pcapng (several sections and interfaces, per-interface if_tsresol, the
 * interface of every packet kept), each optionally gzip-compressed.
 * Memory does not grow with the file: one record buffer, reused. */
#ifndef HOPLAT_CAPFILE_H
#define HOPLAT_CAPFILE_H

#include <stdint.h>
#include "decode/pkt.h"

#define CAPFILE_ERRBUF 256

struct capfile;

/* NULL on failure, with a one-line message naming the file in errbuf.
 * "-" reads standard input; pipes work too (gzip found by its magic). */
struct capfile *capfile_open(const char *path, char errbuf[CAPFILE_ERRBUF]);

/* 1: a packet in *out (valid until the next call); 0: clean end of file;
 * <0: the file is damaged or truncated here; capfile_error() says what and
 * where (byte offset). Packets returned before stay valid results. */
int capfile_next(struct capfile *cf, struct pkt *out);
/* capfile_next's first packet into out[0] (its result when not 1), then,
 * when every interface of the file so far is below ifaces (file-wide
 * numbers), more into out[1..n) while they come as most do (a pcapng packet
 * block whole in the read buffer): nothing is read into the buffer
 * meanwhile, so every one stays valid until the next call. How many (1 to
 * n): one call for many packets. */
int capfile_next_n(struct capfile *cf, struct pkt *out, unsigned n, unsigned ifaces);

const char *capfile_error(const struct capfile *cf);
const char *capfile_path(const struct capfile *cf);

/* Interfaces seen so far (pcapng interface blocks, file-wide numbering). */
unsigned capfile_iface_count(const struct capfile *cf);
const char *capfile_iface_name(const struct capfile *cf, unsigned iface); /* NULL if unnamed */
uint32_t capfile_iface_linktype(const struct capfile *cf, unsigned iface);

/* Keeps the packets of one interface only: those named name (index < 0;
 * a name of 64 bytes or more names none), or interface number index
 * (file-wide). The others' blocks are still checked (damage there is said
 * as before) but stepped over right after their interface is read: no
 * timestamp, no packet. Interfaces declared later are judged as they come. */
void capfile_keep(struct capfile *cf, const char *name, long index);

/* "pcap", "pcap-ns", "pcapng", with "+gz" when compressed. */
const char *capfile_format(const struct capfile *cf);

void capfile_close(struct capfile *cf);

#endif
