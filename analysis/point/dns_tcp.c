/* DNS over TCP length framing; see dns_tcp.h. */
#include "analysis/point/dns_tcp.h"
#include "decode/layers.h"

enum { DNST_LEN0, DNST_LEN1, DNST_MSG, DNST_LOST };

void dnst_init(struct dnst *t, struct dnsm *dns, struct tcps_bufs *bufs, struct pt_counts *counts)
{
	t->dns = dns;
	t->bufs = bufs;
	t->counts = counts;
}

void dnst_dir_init(struct dnst_dir *d)
{
	*d = (struct dnst_dir){ .state = DNST_LEN0, .buf = TCPS_NONE };
}

void dnst_release(struct dnst *t, struct dnst_dir *d)
{
	tcps_buf_put(t->bufs, d->buf);
	dnst_dir_init(d);
}

/* A cursor over the captured bytes [off, off + n) of a chunk (fewer when cut). */
static struct cur chunk_bytes(const struct tcps_chunk *ch, uint32_t off, uint32_t n)
{
	struct cur c = ch->data;
	size_t cap = cur_left(&c);
	if (off >= cap)
		return cur_make(NULL, 0);
	cur_skip(&c, off);
	return cur_take_upto(&c, n);
}

static void decode_msg(struct dnst *t, struct cur msg, const struct endpoint *src,
		       const struct endpoint *dst, uint64_t ts)
{
	int rc = dec_dns(&msg, &t->msg);
	if (rc != DEC_OK) {
		if (rc > 0 && rc < DEC_R_MAX)
			t->counts->malformed.reason[rc]++;
		return;
	}
	dnsm_message(t->dns, &t->msg, src, dst, ts, 1);
}

/* Message bytes [off, off + n) of this chunk; decodes when the message is whole. */
static void take_msg(struct dnst *t, struct dnst_dir *d, const struct tcps_chunk *ch,
		     uint32_t off, uint32_t n, const struct endpoint *src, const struct endpoint *dst)
{
	struct cur part = chunk_bytes(ch, off, n);
	size_t got = cur_left(&part);

	if (d->have == 0 && n == d->need) {	/* whole message in this chunk: no copy */
		d->have = d->need;
		d->state = DNST_LEN0;
		decode_msg(t, part, src, dst, ch->ts_ns);
		return;
	}
	if (d->buf == TCPS_NONE && d->have == 0) {
		d->buf = tcps_buf_get(t->bufs);
		if (d->buf == TCPS_NONE) {
			t->counts->table_full++;
			t->counts->buffers_exhausted++;
		}
	}
	/* keep captured bytes while they are contiguous from the message start */
	if (d->buf != TCPS_NONE && d->kept == d->have) {
		size_t room = TCPS_BUF_BYTES - d->kept;
		size_t k = got < room ? got : room;
		if (k)
			cur_copy(&part, tcps_buf(t->bufs, d->buf) + d->kept, k);
		d->kept = (uint16_t)(d->kept + k);
	}
	d->have = (uint16_t)(d->have + n);
	if (d->have < d->need)
		return;
	if (d->buf != TCPS_NONE)
		decode_msg(t, cur_make(tcps_buf(t->bufs, d->buf), d->kept), src, dst, ch->ts_ns);
	tcps_buf_put(t->bufs, d->buf);
	d->buf = TCPS_NONE;
	d->state = DNST_LEN0;
}

/* Length byte(s) at off; returns bytes used. */
static uint32_t take_len(struct dnst_dir *d, const struct tcps_chunk *ch, uint32_t off)
{
	struct cur c = chunk_bytes(ch, off, 2);
	size_t got = cur_left(&c);	/* captured, never more than on the wire */
	uint32_t avail = ch->wire - off, used;

	if (d->state == DNST_LEN1 && got >= 1) {
		d->need = (uint16_t)(d->len_hi << 8 | cur_u8(&c));
		used = 1;
	} else if (d->state == DNST_LEN0 && got >= 2) {
		d->need = cur_be16(&c);
		used = 2;
	} else if (d->state == DNST_LEN0 && got == 1 && avail == 1) {
		d->len_hi = cur_u8(&c);
		d->state = DNST_LEN1;
		return 1;
	} else {			/* length bytes not captured (snaplen) */
		d->state = DNST_LOST;
		return avail;
	}
	d->have = d->kept = 0;
	d->state = d->need ? DNST_MSG : DNST_LEN0;
	return used;
}

void dnst_chunk(struct dnst *t, struct dnst_dir *d, const struct endpoint *src,
		const struct endpoint *dst, const struct tcps_chunk *ch)
{
	uint32_t off = 0;

	if (ch->gap)			/* restart framing after the hole */
		dnst_release(t, d);
	while (off < ch->wire) {
		switch (d->state) {
		case DNST_LEN0:
		case DNST_LEN1:
			off += take_len(d, ch, off);
			break;
		case DNST_MSG: {
			uint32_t n = d->need - d->have;
			if (n > ch->wire - off)
				n = ch->wire - off;
			take_msg(t, d, ch, off, n, src, dst);
			off += n;
			break;
		}
		default:		/* lost the framing: wait for a gap to restart */
			return;
		}
	}
}
