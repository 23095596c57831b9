/* The capture loop shared by `hoplat capture` and `hoplat live`: polls the
 * backends, merges the packets of all interfaces in time order through a
 * small bounded reorder window, writes them to pcapng (rotation, periodic
 * statistics blocks) and hands them to a tap (live analysis). */
#ifndef HOPLAT_CAPTURE_H
#define HOPLAT_CAPTURE_H

#include <stdint.h>
#include <stdio.h>
#include "capture/cap.h"

#define CAPTURE_MAX_IF 16

/* Text appended to the status line (live: DNS/HTTP rates, latency). */
typedef void (*capture_status_fn)(void *ctx, char *buf, unsigned cap);
/* Every packet in time order: the source index, the interface's name
 * (a replayed file's own interface names), the packet. */
typedef void (*capture_tap_fn)(void *ctx, unsigned src, const char *ifname, const struct pkt *p);
/* Called once a second with the wall clock (live: windows, alerts). */
typedef void (*capture_tick_fn)(void *ctx, uint64_t now_ns);

struct capture_cfg {
	struct cap_opts src[CAPTURE_MAX_IF];
	unsigned n_src;
	const char *out;		/* -w; NULL: no file (live without -w) */
	uint64_t count;			/* -c: stop after this many packets, 0 none */
	int64_t rotate_ns;		/* -G */
	uint64_t rotate_bytes;		/* -C (millions of bytes, as tcpdump) */
	unsigned max_files;		/* -W */
	const char *user;		/* -Z; NULL: as tcpdump ("tcpdump", else "nobody") */
	int64_t isb_every_ns;		/* statistics blocks, default 10 s */
	int64_t window_ns;		/* reorder window, default 100 ms */
	int status;			/* 1: status line on stderr once a second */
	const char *cmd;		/* "capture" / "live", for messages */
	/* Opens the caller's own outputs (live: --json, --transactions) with
	 * tap_ctx, after -w's file and before the first packet, while the
	 * capability to create files is held: 0, or -errno after printing why. */
	int (*open_outputs)(void *ctx);
	capture_tap_fn tap;		/* every packet, in time order */
	void *tap_ctx;
	capture_status_fn status_extra;
	capture_tick_fn tick;
	void *status_ctx;
};

void capture_cfg_default(struct capture_cfg *cfg);
/* Runs until a signal, -c, -W, the end of replayed input, a failed output,
 * or the last interface ending (an interface that ends by an error leaves
 * the others running). Returns the exit status: 0 clean stop, 1 an error
 * (an output failed: file valid up to the last whole packet; or an
 * interface ended early: everything it delivered is written), 2 could not
 * start. */
int capture_run(const struct capture_cfg *cfg);

/* Options shared by capture and live (options.c): 0 used, 1 not ours, 2 bad value. */
int capture_common_opt(int c, const char *arg, struct capture_cfg *cfg, struct cap_opts *proto);
/* Copies the shared options and the filter into every source. */
void capture_fill_sources(struct capture_cfg *cfg, const struct cap_opts *proto, const char *filter);

/* tcpdump's names for rotated files: strftime when -G, then the count
 * (zero-padded to the digits of -W - 1 when -W is given). */
void capture_filename(char *dst, unsigned cap, const char *pattern, int strf,
		      unsigned cnt, unsigned digits, int64_t when_s);

/* ---- status line (status.c) ---- */
struct status_if {
	const char *name;
	uint64_t packets;		/* written / handed on */
	uint64_t drops;			/* kernel + interface */
};
/* One line: a refreshing one (\r) when stderr is a terminal, else plain lines. */
void status_print(FILE *f, double secs, const struct status_if *ifs, unsigned n,
		  const char *extra);
void status_end(FILE *f);

#endif
