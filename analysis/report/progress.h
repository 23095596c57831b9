/* Progress of a long offline analysis: one line on a terminal, redrawn at
 * most four times a second, with the bytes and packets read, packets per
 * second and the time left; nothing when the stream is not a terminal, or
 * when asked to be quiet.
 *
 * The bytes read are the input files' own positions (what the readers took
 * from each file, compressed or not, as /proc/self/fdinfo tells them), so
 * the share done and the time left need no help from the readers: the
 * input loop only counts packets (prog_packet, cheap: the clock is looked
 * at every PROG_EVERY packets). */
#ifndef HOPLAT_PROGRESS_H
#define HOPLAT_PROGRESS_H

#include <stdint.h>
#include <stdio.h>

#define PROG_EVERY 4096		/* packets between looks at the clock */
#define PROG_FILES 64
#define PROG_PATH 512

struct prog_file {
	char real[PROG_PATH];		/* the path the kernel names its descriptors by */
	uint64_t size;
	int seen;			/* was open once: read to its end when closed again */
};

struct prog {
	FILE *out;			/* NULL: off */
	uint64_t packets;
	uint64_t start_ns, last_ns;	/* monotonic clock */
	int drawn;			/* a line is on the terminal */
	unsigned nfiles;
	struct prog_file file[PROG_FILES];
};

/* On when out is a terminal and not quiet. */
void prog_init(struct prog *p, FILE *out, int quiet);
/* An input file; "-" and pipes count as unknown size. */
void prog_add(struct prog *p, const char *path);
/* Every packet read. */
void prog_tick(struct prog *p);
static inline void prog_packet(struct prog *p)
{
	if (p->out && ++p->packets % PROG_EVERY == 0)
		prog_tick(p);
}
/* The end of input: the line is cleared. */
void prog_done(struct prog *p);

#endif
