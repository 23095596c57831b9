/* Read-ahead for a capture file (capfile_int.h): a thread reads (or
 * inflates) the next megabyte while the parser works on this one.
 *
 * Why: read(2) copying from the page cache, and inflate for a .gz, are a
 * tenth (plain) to most (gzip) of one point's time; in a thread of their
 * own they run beside the parser instead of before it.
 *
 * Two chunks, each CF_BUFSZ of headroom then RA_DATA of data. The thread
 * fills one while the parser holds the other. When the parser needs more,
 * it copies its unread tail (less than CF_BUFSZ: cf_fill's bound) into the
 * next chunk's headroom, just before that chunk's data, and makes the
 * chunk its buffer: the bytes are not copied again, and a record that
 * crosses the chunks' border is whole (one longer than a chunk is carried
 * on as the tail into the next). Only the headroom's top pages are ever
 * touched, so two chunks hold less memory than the one 1 MiB buffer. The thread owns the input (fd,
 * zlib, rd_msg) from start to end; what it met at the end (clean, or a
 * read error) travels with the last chunk. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "decode/capfile_int.h"

#define RA_HEAD CF_BUFSZ		/* room for the unread tail */
#define RA_DATA (256u << 10)	/* bytes read per chunk: a record longer than it spans chunks */

struct ra_chunk {
	uint8_t *mem;			/* RA_HEAD + RA_DATA */
	size_t len;			/* data bytes, at mem + RA_HEAD */
	int full;			/* filled, and not yet given back by the parser */
	int last;			/* the input ended after it */
	int err;			/* then: 0, or the read error (-errno) */
};

struct cf_ahead {
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct ra_chunk c[2];
	int stop;			/* capfile_close: the thread ends */
	int take;			/* parser: the chunk it takes next */
	int held;			/* parser: the chunk that is its buffer, or -1 */
};

/* Up to RA_DATA bytes into the chunk: 1 to go on, 0 at the end or an error
 * (then in ch->last and ch->err). */
static int ra_fill(struct capfile *cf, struct ra_chunk *ch)
{
	size_t got = 0;
	long r = 1;
	while (got < RA_DATA && (r = cf_in_read(cf, ch->mem + RA_HEAD + got, RA_DATA - got)) > 0)
		got += (size_t)r;
	ch->len = got;
	ch->last = r <= 0;
	ch->err = r < 0 ? (int)r : 0;
	return !ch->last;
}

static void *ra_thread(void *arg)
{
	struct capfile *cf = arg;
	struct cf_ahead *ra = cf->ra;
	for (int i = 0;; i ^= 1) {
		struct ra_chunk *ch = &ra->c[i];
		pthread_mutex_lock(&ra->mu);
		while (ch->full && !ra->stop)
			pthread_cond_wait(&ra->cv, &ra->mu);
		int stop = ra->stop;
		pthread_mutex_unlock(&ra->mu);
		if (stop)
			return NULL;
		int more = ra_fill(cf, ch);
		pthread_mutex_lock(&ra->mu);
		ch->full = 1;
		pthread_cond_broadcast(&ra->cv);
		pthread_mutex_unlock(&ra->mu);
		if (!more)
			return NULL;
	}
}

static void ra_free(struct cf_ahead *ra)
{
	free(ra->c[0].mem);
	free(ra->c[1].mem);
	free(ra);
}

int cf_ahead_start(struct capfile *cf)
{
	struct cf_ahead *ra = calloc(1, sizeof *ra);
	if (!ra)
		return -1;
	ra->held = -1;
	ra->c[0].mem = malloc(RA_HEAD + RA_DATA);
	ra->c[1].mem = malloc(RA_HEAD + RA_DATA);
	if (!ra->c[0].mem || !ra->c[1].mem) {
		ra_free(ra);
		return -1;
	}
	pthread_mutex_init(&ra->mu, NULL);
	pthread_cond_init(&ra->cv, NULL);
	cf->ra = ra;
	if (pthread_create(&ra->th, NULL, ra_thread, cf) != 0) {
		cf->ra = NULL;
		pthread_cond_destroy(&ra->cv);
		pthread_mutex_destroy(&ra->mu);
		ra_free(ra);
		return -1;
	}
	return 0;
}

/* The next chunk, once the thread has filled it. */
static struct ra_chunk *ra_wait(struct cf_ahead *ra)
{
	struct ra_chunk *ch = &ra->c[ra->take];
	pthread_mutex_lock(&ra->mu);
	while (!ch->full)
		pthread_cond_wait(&ra->cv, &ra->mu);
	pthread_mutex_unlock(&ra->mu);
	return ch;
}

/* The chunk the parser held goes back to the thread; the taken one is held. */
static void ra_release(struct cf_ahead *ra)
{
	pthread_mutex_lock(&ra->mu);
	if (ra->held >= 0)
		ra->c[ra->held].full = 0;
	pthread_cond_broadcast(&ra->cv);
	pthread_mutex_unlock(&ra->mu);
	ra->held = ra->take;
	ra->take ^= 1;
}

/* The parser's buffer becomes the chunk, the unread tail copied in front of
 * its data (the tail is shorter than the headroom: cf_fill asks for at
 * most CF_BUFSZ). The first buffer, capfile_open's, is no longer needed. */
static void ra_switch(struct capfile *cf, const struct ra_chunk *ch)
{
	size_t left = cf->end - cf->pos;
	size_t at = RA_HEAD - left;
	memcpy(ch->mem + at, cf->buf + cf->pos, left);
	cf->base += cf->pos - at;	/* modulo 2^64: cf_off is the same offset */
	free(cf->own);
	cf->own = NULL;
	cf->buf = ch->mem;
	cf->pos = at;
	cf->end = RA_HEAD + ch->len;
	if (ch->last) {
		cf->in_eof = 1;
		cf->rd_err = ch->err;
	}
}

int cf_ahead_refill(struct capfile *cf, size_t n)
{
	while (cf->end - cf->pos < n && !cf->in_eof) {
		ra_switch(cf, ra_wait(cf->ra));
		ra_release(cf->ra);
	}
	return cf->end - cf->pos >= n;
}

void cf_ahead_stop(struct capfile *cf)
{
	struct cf_ahead *ra = cf->ra;
	if (!ra)
		return;
	pthread_mutex_lock(&ra->mu);
	ra->stop = 1;
	pthread_cond_broadcast(&ra->cv);
	pthread_mutex_unlock(&ra->mu);
	pthread_join(ra->th, NULL);
	pthread_cond_destroy(&ra->cv);
	pthread_mutex_destroy(&ra->mu);
	ra_free(ra);
	cf->ra = NULL;
}
