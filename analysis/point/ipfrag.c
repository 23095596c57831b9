/* IP reassembly; see ipfrag.h. Datagrams in reassembly are found by their
 * key (addresses, protocol, id) in an index table (common/table.h) and kept
 * on one age list in order of their first fragment, which is the order they
 * expire and are evicted in. */
#include <stdlib.h>
#include <string.h>
#include "analysis/point/ipfrag.h"
#include "analysis/point/endpoint.h"
#include "common/table.h"

#define UNIT 8u				/* fragment offsets are in 8-byte units */
#define NUNITS ((IPFRAG_MAX_LEN + UNIT) / UNIT)
#define L_FIRST 0			/* the one age list: by first fragment */

struct slot {
	uint8_t ipver, proto;
	struct ipaddr src, dst;
	uint32_t id;
	uint64_t first_ts;
	uint32_t total;			/* datagram length, known from the last fragment; 0 until then */
	uint32_t have_units;		/* distinct units received */
	uint8_t map[(NUNITS + 7) / 8];	/* units received */
	uint8_t data[IPFRAG_MAX_LEN + UNIT];
};

struct ipfrag {
	int64_t timeout_ns;
	struct ipfrag_stats st;
	struct slot *s;			/* s[tbl.cap] */
	struct tbl tbl;
};

struct ipfrag *ipfrag_new(unsigned slots, int64_t timeout_ns)
{
	struct ipfrag *f = calloc(1, sizeof *f);
	if (!f)
		return NULL;
	f->timeout_ns = timeout_ns > 0 ? timeout_ns : 30000000000LL;
	/* not cleared: slot_new sets a slot up, and data is read only where
	 * fragments wrote it; pages are touched only when used */
	f->s = malloc((slots ? slots : 1) * sizeof *f->s);
	if (tbl_init(&f->tbl, slots ? slots : 1) < 0 || !f->s) {
		ipfrag_free(f);
		return NULL;
	}
	return f;
}

void ipfrag_free(struct ipfrag *f)
{
	if (!f)
		return;
	free(f->s);
	tbl_fini(&f->tbl);
	free(f);
}

const struct ipfrag_stats *ipfrag_stats(const struct ipfrag *f) { return &f->st; }

static uint64_t key_hash(const struct dec_pkt *d)
{
	uint64_t h = hash_word(HASH_SEED, (uint64_t)d->frag_id << 16 | d->proto << 8 | d->ipver);
	h = ep_hash_addr(h, &d->src, 0);
	return hash_end(ep_hash_addr(h, &d->dst, 0));
}

static int same(const struct slot *s, const struct dec_pkt *d)
{
	return s->id == d->frag_id && s->proto == d->proto && s->ipver == d->ipver &&
	       ipaddr_eq(&s->src, &d->src) && ipaddr_eq(&s->dst, &d->dst);
}

/* A new datagram's slot: a free one, or the oldest datagram's (evicted). */
static uint32_t slot_new(struct ipfrag *f, const struct dec_pkt *d, uint64_t h, uint64_t ts)
{
	if (tbl_full(&f->tbl)) {
		f->st.evicted++;
		tbl_del(&f->tbl, tbl_oldest(&f->tbl, L_FIRST));
	}
	uint32_t i = tbl_add(&f->tbl, h, L_FIRST);
	struct slot *s = &f->s[i];
	s->ipver = d->ipver;
	s->proto = d->proto;
	s->src = d->src;
	s->dst = d->dst;
	s->id = d->frag_id;
	s->first_ts = ts;
	s->total = 0;
	s->have_units = 0;
	memset(s->map, 0, sizeof s->map);
	return i;
}

/* The slot of this datagram, or a new one. */
static uint32_t slot_for(struct ipfrag *f, const struct dec_pkt *d, uint64_t ts)
{
	uint64_t h = key_hash(d);
	for (uint32_t i = tbl_first(&f->tbl, h); i != TBL_NONE; i = tbl_next(&f->tbl, i))
		if (same(&f->s[i], d))
			return i;
	return slot_new(f, d, h, ts);
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
	uint32_t i = slot_for(f, d, ts_ns);
	struct slot *s = &f->s[i];
	if (!d->frag_more) {
		if (s->total && s->total != off + len) {
			f->st.bad++;
			tbl_del(&f->tbl, i);
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
	tbl_del(&f->tbl, i);	/* data stays readable until the slot is reused */
	return 1;
}

unsigned ipfrag_advance(struct ipfrag *f, uint64_t now_ns)
{
	unsigned n = 0;
	uint32_t i;
	while ((i = tbl_oldest(&f->tbl, L_FIRST)) != TBL_NONE &&
	       (int64_t)(now_ns - f->s[i].first_ts) >= f->timeout_ns) {
		tbl_del(&f->tbl, i);
		n++;
	}
	f->st.expired += n;
	return n;
}

unsigned ipfrag_pending(const struct ipfrag *f)
{
	return tbl_used(&f->tbl);
}
