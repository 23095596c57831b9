/* Read-ahead for capture files (capfile_int.h): a thread reads (or
 * inflates) a regular file chunk by chunk while the parsers work, and every
 * capfile open on the same file at the same place reads the same chunks:
 * the Dom0 capture, one file for the uplink and the vif points, is read
 * once for both.
 *
 * Why: read(2) copying from the page cache, and inflate for a .gz, are a
 * tenth (plain) to most (gzip) of a point's time; in a thread of their own
 * they run beside the parser, and once for the points a file holds.
 *
 * A source (struct ra_src) is one input, opened anew at the offset its
 * first reader had reached, and a ring of RA_K chunks. Each chunk holds
 * RA_DATA bytes of the stream after RA_OVER bytes of room, where the thread
 * copies the stream's bytes just before the chunk (the end of the chunk
 * before it). A parser's unread tail (the start of a record cut by the
 * chunk's border) is then already in front of the data, and the parser
 * moves on to the chunk without writing to it: readers share chunks
 * read-only. A tail longer than RA_OVER (a record of more than 64 KiB
 * across the border) is put together in the reader's own buffer instead.
 *
 * A chunk is filled again only when every reader has given it back, so
 * readers of one file stay within RA_K chunks of each other. When one
 * waits for a chunk while another has stopped taking them (the analysis
 * waits for a silent vif's next packet while the uplink's queue is full),
 * the ring grows to RA_MAX chunks after RA_STALL_MS, and the one that
 * stopped is let go after another: it goes on alone from where it is,
 * with a source of its own. Memory stays bounded and no
 * reader waits for ever; results never depend on it (every reader sees
 * the file's bytes in order either way). */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>

#include "decode/capfile_int.h"

#define RA_K 4				/* chunks a source keeps while its readers keep up */
#define RA_MAX 16			/* ... and at most, while one of them is stalled */
#define RA_DATA (256u << 10)		/* stream bytes per chunk */
#define RA_OVER (64u << 10)		/* the stream's bytes before them, copied in front */
#define RA_STALL_MS 50			/* a reader that waits this long is stalled */
#define RA_READERS 32			/* readers of one source (one bit each) */

struct ra_buf {
	uint8_t *mem;			/* RA_OVER + RA_DATA */
	uint64_t seq;			/* which chunk of the source */
	size_t len;			/* stream bytes, at mem + RA_OVER */
	size_t over;			/* the stream's bytes before them, in front */
	uint32_t need;			/* readers that will take it or hold it (their buffer) */
	int in_ring;			/* 0: out of the ring, freed when need is 0 */
	int last;			/* the input ended after it */
	int err;			/* then: 0, or the read error (-errno) */
};

struct ra_src {
	struct ra_src *next;		/* the registry */
	dev_t dev;
	ino_t ino;
	int gz;
	uint64_t off0;			/* stream offset of chunk 0 */
	struct capfile *in;		/* the input alone (cf_input_open): the thread's */
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct ra_buf *ring[RA_MAX];	/* chunks filled - count .. filled - 1, oldest at head */
	unsigned head, count;
	struct ra_buf *prev;		/* the chunk filled last (its end goes in front of the next) */
	uint64_t filled;		/* chunks filled so far */
	uint32_t users;			/* readers taking chunks */
	struct cf_ahead *reader[RA_READERS];
	unsigned refs;			/* capfiles pointing here (let go ones too) */
	int stop;			/* no reader left: the thread ends */
	int stalled;			/* RA_STALL_MS waits of a reader for its next chunk */
	int grown;			/* a reader stalled once: the ring may grow to RA_MAX */
	uint8_t seed[RA_OVER];		/* the stream's bytes before chunk 0 */
	size_t nseed;
};

struct cf_ahead {
	struct ra_src *src;
	uint32_t bit;
	uint64_t take;			/* the chunk it takes next */
	struct ra_buf *held;		/* the chunk that is its buffer, or NULL */
	int let_go;			/* out of the source: goes on with one of its own */
	uint8_t *asm_buf;		/* a tail longer than RA_OVER with the next chunk */
};

/* Sources by file, for readers opening the same one. */
static pthread_mutex_t reg_mu = PTHREAD_MUTEX_INITIALIZER;
static struct ra_src *reg;

/* ---- buffers ---- */

/* Chunks are mapped, not malloc'd: their pages go back to the system when
 * they are freed, whatever malloc's threshold has become meanwhile, so the
 * memory a reader holds does not depend on the order of its threads. */
static struct ra_buf *buf_new(void)
{
	struct ra_buf *b = calloc(1, sizeof *b);
	if (!b)
		return NULL;
	b->mem = mmap(NULL, RA_OVER + RA_DATA, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (b->mem == MAP_FAILED) {
		free(b);
		return NULL;
	}
	return b;
}

static void buf_free(struct ra_buf *b)
{
	if (b)
		munmap(b->mem, RA_OVER + RA_DATA);
	free(b);
}

/* A reader gives a chunk back (under s->mu); one out of the ring goes
 * with the last of its readers. */
static void give_back(struct ra_buf *b, uint32_t bit)
{
	b->need &= ~bit;
	if (!b->in_ring && !b->need)
		buf_free(b);
}

/* ---- the thread ---- */

/* The readers holding back the oldest chunk while another is stalled are
 * let go (each finds out at its next refill): they keep only the chunk
 * that is their buffer. Under s->mu. */
static void let_go(struct ra_src *s, uint32_t slow)
{
	for (unsigned i = 0; i < RA_READERS; i++) {
		struct cf_ahead *r = s->reader[i];
		if (!r || !(slow & r->bit))
			continue;
		r->let_go = 1;
		for (unsigned k = 0; k < s->count; k++) {
			struct ra_buf *b = s->ring[(s->head + k) % RA_MAX];
			if (b != r->held)
				b->need &= ~r->bit;
		}
	}
	s->users &= ~slow;
}

/* The buffer for the next chunk, or NULL when the source stops. The oldest
 * is reused once every reader gave it back; one that only let-go readers
 * hold leaves the ring with them. Once a reader has stalled the ring may
 * grow to RA_MAX; stalled again then, the readers holding the oldest back
 * are let go. */
static struct ra_buf *next_buf(struct ra_src *s)
{
	for (;;) {
		if (s->stop)
			return NULL;
		struct ra_buf *old = s->count ? s->ring[s->head] : NULL;
		if (s->count >= RA_K && old && !(old->need & s->users)) {
			s->head = (s->head + 1) % RA_MAX;
			s->count--;
			if (!old->need)
				return old;
			old->in_ring = 0;	/* its let-go readers free it */
			continue;
		}
		if (s->count < RA_K || (s->grown && s->count < RA_MAX)) {
			struct ra_buf *b = buf_new();
			if (b)
				return b;
		}
		if (s->stalled > 1 && s->count >= RA_MAX) {	/* grown, and still stalled */
			let_go(s, old->need & s->users);
			continue;
		}
		pthread_cond_wait(&s->cv, &s->mu);
	}
}

/* The stream's bytes before chunk seq into its front: the end of the
 * chunk filled before it, or the seed for chunk 0. */
static void fill_over(struct ra_src *s, struct ra_buf *b)
{
	const uint8_t *from = s->seed;
	size_t n = s->nseed;
	if (s->prev) {
		n = s->prev->len < RA_OVER ? s->prev->len : RA_OVER;
		from = s->prev->mem + RA_OVER + s->prev->len - n;
	}
	memcpy(b->mem + RA_OVER - n, from, n);
	b->over = n;
}

/* Up to RA_DATA stream bytes: 1 to go on, 0 at the end or an error. */
static int fill(struct ra_src *s, struct ra_buf *b)
{
	size_t got = 0;
	long r = 1;
	while (got < RA_DATA && (r = cf_in_read(s->in, b->mem + RA_OVER + got, RA_DATA - got)) > 0)
		got += (size_t)r;
	b->len = got;
	b->last = r <= 0;
	b->err = r < 0 ? (int)r : 0;
	return !b->last;
}

static void *ra_thread(void *arg)
{
	struct ra_src *s = arg;
	for (int more = 1; more;) {
		pthread_mutex_lock(&s->mu);
		struct ra_buf *b = next_buf(s);
		pthread_mutex_unlock(&s->mu);
		if (!b)
			break;
		/* the buffer is no reader's now, prev not one the ring lets go
		 * of (it is the newest): both read and written unlocked */
		fill_over(s, b);
		more = fill(s, b);
		pthread_mutex_lock(&s->mu);
		b->seq = s->filled++;
		b->need = s->users;
		b->in_ring = 1;
		s->ring[(s->head + s->count++) % RA_MAX] = b;
		s->prev = b;
		pthread_cond_broadcast(&s->cv);
		pthread_mutex_unlock(&s->mu);
	}
	return NULL;
}

/* ---- sources ---- */

static void src_free(struct ra_src *s)
{
	for (unsigned k = 0; k < s->count; k++) {
		struct ra_buf *b = s->ring[(s->head + k) % RA_MAX];
		if (b->need)
			b->in_ring = 0;	/* held still: impossible once every reader left */
		else
			buf_free(b);
	}
	cf_input_close(s->in);
	free(s);
}

/* A source for cf's file from where cf has read to (its buffer's end),
 * seeded with the bytes before that, with ra its first reader; registered,
 * its thread running. Under reg_mu. */
static void add_reader(struct ra_src *s, struct cf_ahead *ra, unsigned i, uint64_t seq);

static struct ra_src *src_new(struct capfile *cf, const struct stat *st, struct cf_ahead *ra)
{
	struct ra_src *s = calloc(1, sizeof *s);
	if (!s)
		return NULL;
	s->off0 = cf->base + cf->end;
	s->in = cf_input_open(cf->path, s->off0);
	if (!s->in) {
		free(s);
		return NULL;
	}
	s->dev = st->st_dev;
	s->ino = st->st_ino;
	s->gz = cf->gz;
	s->nseed = cf->end < RA_OVER ? cf->end : RA_OVER;
	memcpy(s->seed, cf->buf + cf->end - s->nseed, s->nseed);
	pthread_mutex_init(&s->mu, NULL);
	pthread_cond_init(&s->cv, NULL);
	add_reader(s, ra, 0, 0);	/* before the thread: every chunk is ra's to take */
	if (pthread_create(&s->th, NULL, ra_thread, s) != 0) {
		ra->src = NULL;
		pthread_cond_destroy(&s->cv);
		pthread_mutex_destroy(&s->mu);
		src_free(s);
		return NULL;
	}
	s->next = reg;
	reg = s;
	return s;
}

static void add_reader(struct ra_src *s, struct cf_ahead *ra, unsigned i, uint64_t seq)
{
	ra->src = s;
	ra->bit = 1u << i;
	ra->take = seq;
	s->reader[i] = ra;
	s->users |= ra->bit;
	s->refs++;
	for (unsigned k = 0; k < s->count; k++) {
		struct ra_buf *b = s->ring[(s->head + k) % RA_MAX];
		if (b->seq >= seq)
			b->need |= ra->bit;
	}
}

/* The chunk of s starting at stream offset off, if it and every one after
 * it are still in the ring (or to come): RA_... else UINT64_MAX. */
static uint64_t joinable(const struct ra_src *s, uint64_t off)
{
	if (s->stop || off < s->off0 || (off - s->off0) % RA_DATA)
		return UINT64_MAX;
	uint64_t seq = (off - s->off0) / RA_DATA, oldest = s->filled - s->count;
	if (seq > s->filled || seq < oldest)
		return UINT64_MAX;
	if (s->count && s->ring[(s->head + s->count - 1) % RA_MAX]->last && seq == s->filled)
		return UINT64_MAX;	/* past the end */
	return seq;
}

/* cf reads the chunks of a source of its file that is at its place: 1, or
 * 0 when none is. Under reg_mu. */
static int join(struct cf_ahead *ra, struct capfile *cf, const struct stat *st)
{
	uint64_t off = cf->base + cf->end;
	for (struct ra_src *s = reg; s && !ra->src; s = s->next) {
		if (s->dev != st->st_dev || s->ino != st->st_ino || s->gz != cf->gz)
			continue;
		pthread_mutex_lock(&s->mu);
		uint64_t seq = joinable(s, off);
		for (unsigned i = 0; seq != UINT64_MAX && i < RA_READERS; i++)
			if (!s->reader[i]) {
				add_reader(s, ra, i, seq);
				break;
			}
		pthread_mutex_unlock(&s->mu);
	}
	return ra->src != NULL;
}

/* cf reads from a source: its file's at its place (may_join), or a new one. */
static int attach(struct cf_ahead *ra, struct capfile *cf, int may_join)
{
	struct stat st;
	if (fstat(cf->fd, &st) != 0 || !S_ISREG(st.st_mode))
		return -1;
	pthread_mutex_lock(&reg_mu);
	if (!may_join || !join(ra, cf, &st)) {
		(void)src_new(cf, &st, ra);
	}
	pthread_mutex_unlock(&reg_mu);
	return ra->src ? 0 : -1;
}

/* ra stops taking chunks: out of the source's readers, its bit off every
 * chunk in the ring but the one it holds. Under s->mu. */
static void unlist(struct ra_src *s, struct cf_ahead *ra)
{
	s->users &= ~ra->bit;
	for (unsigned k = 0; k < s->count; k++) {
		struct ra_buf *b = s->ring[(s->head + k) % RA_MAX];
		if (b != ra->held)
			b->need &= ~ra->bit;
	}
	for (unsigned i = 0; i < RA_READERS; i++)
		if (s->reader[i] == ra)
			s->reader[i] = NULL;
}

/* A reader that was unlisted gives back the chunk it held (bit, held),
 * now that its buffer moved on; the last one out ends the source. */
static void drop(struct ra_src *s, uint32_t bit, struct ra_buf *held)
{
	pthread_mutex_lock(&reg_mu);
	pthread_mutex_lock(&s->mu);
	if (held)
		give_back(held, bit);
	int last = --s->refs == 0;
	if (last) {
		s->stop = 1;
		for (struct ra_src **p = &reg; *p; p = &(*p)->next)
			if (*p == s) {
				*p = s->next;
				break;
			}
	}
	pthread_cond_broadcast(&s->cv);
	pthread_mutex_unlock(&s->mu);
	pthread_mutex_unlock(&reg_mu);
	if (last) {
		pthread_join(s->th, NULL);
		pthread_cond_destroy(&s->cv);
		pthread_mutex_destroy(&s->mu);
		src_free(s);
	}
}

static void leave(struct cf_ahead *ra)
{
	struct ra_src *s = ra->src;
	if (!s)
		return;
	pthread_mutex_lock(&s->mu);
	unlist(s, ra);
	struct ra_buf *held = ra->held;
	pthread_mutex_unlock(&s->mu);
	ra->src = NULL;
	ra->held = NULL;
	drop(s, ra->bit, held);
}

/* ---- a reader's chunks ---- */

int cf_ahead_start(struct capfile *cf)
{
	struct cf_ahead *ra = calloc(1, sizeof *ra);
	if (!ra)
		return -1;
	if (attach(ra, cf, 1) < 0) {
		free(ra);
		return -1;
	}
	cf->ra = ra;
	return 0;
}

/* Is the thread waiting for another reader to give back the oldest chunk?
 * (A slow disk or inflate is no stall: more chunks would not help.) */
static int held_back(const struct ra_src *s, const struct cf_ahead *ra)
{
	return s->count >= RA_K && (s->ring[s->head]->need & s->users & ~ra->bit);
}

/* Chunk seq of s once it is filled (under s->mu); a wait longer than
 * RA_STALL_MS while another reader holds the ring back says so to the
 * thread. NULL when ra was let go meanwhile. */
static struct ra_buf *wait_chunk(struct ra_src *s, struct cf_ahead *ra)
{
	for (;;) {
		if (ra->let_go)
			return NULL;
		for (unsigned k = 0; k < s->count; k++) {
			struct ra_buf *b = s->ring[(s->head + k) % RA_MAX];
			if (b->seq == ra->take)
				return b;
		}
		struct timespec t;
		clock_gettime(CLOCK_REALTIME, &t);
		t.tv_nsec += RA_STALL_MS * 1000000L;
		if (t.tv_nsec >= 1000000000L) {
			t.tv_sec++;
			t.tv_nsec -= 1000000000L;
		}
		if (pthread_cond_timedwait(&s->cv, &s->mu, &t) == ETIMEDOUT && held_back(s, ra)) {
			s->stalled++;
			s->grown = 1;
			pthread_cond_broadcast(&s->cv);
		}
	}
}

/* The capfile's buffer becomes chunk b, its unread tail in front of b's
 * data: there already when it is no longer than what the thread copied
 * in front, else put together with the data in the reader's own buffer
 * (then b is given back at once). 0, or -1 out of memory. Under s->mu. */
static int switch_to(struct capfile *cf, struct cf_ahead *ra, struct ra_buf *b)
{
	size_t left = cf->end - cf->pos;
	uint64_t at = cf->base + cf->pos;	/* stream offset of the tail */
	if (left <= b->over) {
		cf->buf = b->mem;
		cf->pos = RA_OVER - left;
		cf->end = RA_OVER + b->len;
	} else {
		if (!ra->asm_buf && !(ra->asm_buf = malloc(CF_BUFSZ + RA_DATA)))
			return -1;
		memmove(ra->asm_buf, cf->buf + cf->pos, left);
		memcpy(ra->asm_buf + left, b->mem + RA_OVER, b->len);
		cf->buf = ra->asm_buf;
		cf->pos = 0;
		cf->end = left + b->len;
	}
	cf->base = at - cf->pos;	/* modulo 2^64: cf_off is the same offset */
	if (b->last) {
		cf->in_eof = 1;
		cf->rd_err = b->err;
		memcpy(cf->rd_msg, ra->src->in->rd_msg, sizeof cf->rd_msg);
		memcpy(cf->rd_note, ra->src->in->rd_note, sizeof cf->rd_note);
	}
	return 0;
}

/* One more chunk into cf's buffer: 1, 0 when ra was let go (it must go
 * on alone), -1 out of memory (the input ends there, as a read error). */
static int take_chunk(struct capfile *cf, struct cf_ahead *ra)
{
	struct ra_src *s = ra->src;
	pthread_mutex_lock(&s->mu);
	struct ra_buf *b = wait_chunk(s, ra);
	int rc = b ? 1 : 0;
	s->stalled = 0;
	if (b && switch_to(cf, ra, b) < 0)
		rc = -1;
	if (rc == 1) {
		if (ra->held)
			give_back(ra->held, ra->bit);
		pthread_cond_broadcast(&s->cv);	/* the thread may wait for that chunk */
		ra->held = b;
		if (cf->buf != b->mem) {	/* put together: b is not its buffer */
			give_back(b, ra->bit);
			ra->held = NULL;
		}
		ra->take++;
	}
	pthread_mutex_unlock(&s->mu);
	if (cf->own && cf->buf != cf->own) {	/* capfile_open's buffer: no longer needed */
		free(cf->own);
		cf->own = NULL;
	}
	return rc;
}

/* Let go: ra goes on from a source at its place (its file's, or a new
 * one); the chunk it held is given back once its buffer moved on. */
static int go_alone(struct capfile *cf, struct cf_ahead *ra)
{
	struct ra_src *old = ra->src;
	pthread_mutex_lock(&old->mu);
	unlist(old, ra);
	uint32_t bit = ra->bit;
	struct ra_buf *held = ra->held;
	pthread_mutex_unlock(&old->mu);
	ra->src = NULL;
	ra->held = NULL;
	ra->let_go = 0;
	/* a source of its own: the one it could join is the one that let it go */
	int rc = attach(ra, cf, 0) < 0 ? -1 : take_chunk(cf, ra);
	drop(old, bit, held);
	return rc;
}

int cf_ahead_refill(struct capfile *cf, size_t n)
{
	struct cf_ahead *ra = cf->ra;
	while (cf->end - cf->pos < n && !cf->in_eof) {
		int rc = take_chunk(cf, ra);
		if (rc == 0)
			rc = go_alone(cf, ra);
		if (rc < 0) {
			cf->in_eof = 1;
			cf->rd_err = -ENOMEM;
			snprintf(cf->rd_msg, sizeof cf->rd_msg, "out of memory");
		}
	}
	return cf->end - cf->pos >= n;
}

void cf_ahead_stop(struct capfile *cf)
{
	struct cf_ahead *ra = cf->ra;
	if (!ra)
		return;
	leave(ra);
	free(ra->asm_buf);
	free(ra);
	cf->ra = NULL;
}

int cf_ahead_shares(const struct capfile *a, const struct capfile *b)
{
	return a->ra && b->ra && a->ra->src && a->ra->src == b->ra->src;
}
