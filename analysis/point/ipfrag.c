#include <stdlib.h>
#include <string.h>
#include "analysis/point/ipfrag.h"

#define UNIT 8u				/* fragment offsets are in 8-byte units */
#define NUNITS ((IPFRAG_MAX_LEN + UNIT) / UNIT)

struct slot {
	uint8_t used, ipver, proto;
	struct ipaddr src, dst;
	uint32_t id;
	uint64_t first_ts;
	uint32_t total;			/* datagram length, known from the last fragment; 0 until then */
	uint32_t have_units;		/* distinct units received */
	uint8_t map[(NUNITS + 7) / 8];	/* units received */
	uint8_t data[IPFRAG_MAX_LEN + UNIT];
};

struct ipfrag {
	unsigned nslots;
	int64_t timeout_ns;
	struct ipfrag_stats st;
	struct slot *s;
};

struct ipfrag *ipfrag_new(unsigned slots, int64_t timeout_ns)
{
	struct ipfrag *f = calloc(1, sizeof *f);
	if (!f)
		return NULL;
	f->nslots = slots ? slots : 1;
	f->timeout_ns = timeout_ns > 0 ? timeout_ns : 30000000000LL;
	f->s = calloc(f->nslots, sizeof *f->s);	/* pages touched only when used */
	if (!f->s) {
		free(f);
		return NULL;
	}
	return f;
}

void ipfrag_free(struct ipfrag *f)
{
	if (!f)
		return;
	free(f->s);
	free(f);
}

const struct ipfrag_stats *ipfrag_stats(const struct ipfrag *f) { return &f->st; }

static int same(const struct slot *s, const struct dec_pkt *d)
{
	return s->used && s->id == d->frag_id && s->proto == d->proto && s->ipver == d->ipver &&
	       ipaddr_eq(&s->src, &d->src) && ipaddr_eq(&s->dst, &d->dst);
}

static void slot_clear(struct slot *s)
{
	s->used = 0;
	s->total = 0;
	s->have_units = 0;
	memset(s->map, 0, sizeof s->map);
}

/* The slot of this datagram, a free one, or the oldest one (evicted). */
static struct slot *slot_for(struct ipfrag *f, const struct dec_pkt *d, uint64_t ts)
{
	struct slot *free_s = NULL, *oldest = NULL;
	for (unsigned i = 0; i < f->nslots; i++) {
		struct slot *s = &f->s[i];
		if (same(s, d))
			return s;
		if (!s->used && !free_s)
			free_s = s;
		if (s->used && (!oldest || s->first_ts < oldest->first_ts))
			oldest = s;
	}
	if (!free_s) {
		f->st.evicted++;
		slot_clear(oldest);
		free_s = oldest;
	}
	free_s->used = 1;
	free_s->ipver = d->ipver;
	free_s->proto = d->proto;
	free_s->src = d->src;
	free_s->dst = d->dst;
	free_s->id = d->frag_id;
	free_s->first_ts = ts;
	return free_s;
}

static void mark(struct slot *s, uint32_t from, uint32_t to)
{
	for (uint32_t u = from; u < to; u++) {
		uint8_t bit = (uint8_t)(1u << (u & 7));
		if (!(s->map[u >> 3] & bit)) {
			s->map[u >> 3] |= bit;
			s->have_units++;
		}
	}
}

int ipfrag_add(struct ipfrag *f, const struct dec_pkt *d, uint64_t ts_ns, struct cur *out,
	       uint32_t *wire_len)
{
	f->st.fragments++;
	struct cur c = d->l3_payload;
	uint32_t len = (uint32_t)cur_left(&c), off = d->frag_off;
	/* a cut fragment (snaplen) can never complete its datagram */
	if (len < d->l3_payload_wire || off % UNIT || off + len > IPFRAG_MAX_LEN ||
	    (d->frag_more && (len == 0 || len % UNIT))) {
		f->st.bad++;
		return -DEC_R_FRAG;
	}
	struct slot *s = slot_for(f, d, ts_ns);
	if (!d->frag_more) {
		if (s->total && s->total != off + len) {
			f->st.bad++;
			slot_clear(s);
			return -DEC_R_FRAG;
		}
		s->total = off + len;
	}
	cur_copy(&c, s->data + off, len);
	mark(s, off / UNIT, (off + len + UNIT - 1) / UNIT);
	if (!s->total || s->have_units < (s->total + UNIT - 1) / UNIT)
		return 0;
	/* all units below total present? (have_units may count units past total) */
	for (uint32_t u = 0; u < (s->total + UNIT - 1) / UNIT; u++)
		if (!(s->map[u >> 3] & (1u << (u & 7))))
			return 0;
	*out = cur_make(s->data, s->total);
	*wire_len = s->total;
	f->st.reassembled++;
	slot_clear(s);		/* data stays readable until the slot is reused */
	return 1;
}

unsigned ipfrag_advance(struct ipfrag *f, uint64_t now_ns)
{
	unsigned n = 0;
	for (unsigned i = 0; i < f->nslots; i++) {
		struct slot *s = &f->s[i];
		if (s->used && (int64_t)(now_ns - s->first_ts) >= f->timeout_ns) {
			slot_clear(s);
			n++;
		}
	}
	f->st.expired += n;
	return n;
}

unsigned ipfrag_pending(const struct ipfrag *f)
{
	unsigned n = 0;
	for (unsigned i = 0; i < f->nslots; i++)
		n += f->s[i].used;
	return n;
}
