/* The time series ("windows" in the reports): one row per window of time
 * (Dom0's clock with several points, else the one capture's), for every
 * window from the first packet to the last, silent ones included. The
 * engine owns it and feeds it with one point as with three; `analyze`
 * reports the rows, `live` prints each as it closes.
 *
 * Per row and point: packets, requests (DNS queries, HTTP requests),
 * responses and HTTP connections opened, counted when they are seen (a
 * silent guest still shows the requests reaching it). Per row and protocol:
 * the transactions that ended in the window (answered: by their last
 * response packet; unanswered: when hoplat found them so), the lost ones,
 * and per latency component the count, p50/p90/p99 (from a histogram per
 * open window) and the sum and sum of squares (mean, standard deviation,
 * and mergeable over several windows).
 *
 * Memory is flat: SER_OPEN windows are open at a time, each with its
 * histograms allocated once; a window closes into a compact row when time
 * has moved SER_OPEN windows past it. Rows are kept up to max_rows, then the
 * oldest give way (counted in `dropped`). Anything that arrives for a
 * window already closed is counted in `late`, not added. */
#ifndef HOPLAT_SERIES_H
#define HOPLAT_SERIES_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "analysis/point/txn.h"
#include "analysis/point/pt_config.h"

#define SER_OPEN 4
#define SER_COMPS 7	/* total, client, link, bridge, guest, network, server */
#define SER_PCTS 3	/* p50, p90, p99 */
#define SER_MAX_ROWS_DEFAULT 65536	/* 18 h of 1 s windows, about 56 MB at most */

enum ser_proto { SER_DNS, SER_HTTP, SER_PROTOS };
enum ser_comp { SC_TOTAL, SC_CLIENT, SC_LINK, SC_BRIDGE, SC_GUEST, SC_NETWORK, SC_SERVER };

/* One latency component in one window. */
struct ser_lat {
	uint64_t n;
	int64_t pct[SER_PCTS];		/* ns; 0 when n is 0 */
	double sum, sumsq;		/* ns, ns^2 */
};

struct ser_row {
	uint64_t start_ns;
	uint64_t packets[PT_N];
	uint64_t req[SER_PROTOS][PT_N];		/* DNS queries, HTTP requests seen at each point */
	uint64_t resp[SER_PROTOS][PT_N];	/* DNS and HTTP responses seen at each point */
	uint64_t conns[PT_N];			/* HTTP connections opened (SYN seen) */
	uint64_t txns[SER_PROTOS], lost[SER_PROTOS];
	struct ser_lat lat[SER_PROTOS][SER_COMPS];
};

/* The rows, handed to the results. A ring once max_rows is reached: read
 * them with ser_row(). */
struct res_series {
	int64_t window_ns;
	unsigned roles;			/* points given (1 << PT_*) */
	size_t n, cap, max_rows, first;
	struct ser_row *rows;
	uint64_t late;			/* transactions or sightings for a window already closed */
	uint64_t dropped;		/* windows not kept: the oldest, beyond max_rows */
};

extern const char *const ser_comp_name[SER_COMPS];	/* "total", "client", ... */
extern const double ser_pct_q[SER_PCTS];		/* 50, 90, 99 */
extern const char *const ser_pct_name[SER_PCTS];	/* "p50", "p90", "p99" */

/* Row i (0: the oldest kept) of n. */
const struct ser_row *ser_row(const struct res_series *rs, size_t i);
/* Mean and standard deviation (population) of a component, ns; 0 when n is 0. */
double ser_lat_mean(const struct ser_lat *l);
double ser_lat_stddev(const struct ser_lat *l);
/* Every point's requests and responses of both protocols added (rates per point). */
uint64_t ser_requests(const struct ser_row *r, int point);
uint64_t ser_responses(const struct ser_row *r, int point);

struct series;

/* Called with each row as it closes (live prints it). */
typedef void (*ser_row_fn)(void *ctx, const struct res_series *rs, const struct ser_row *row);

/* The point counters the series counts, in this order (ser_seen_of);
 * the thread of a point sends the joiner these after every packet. */
enum { SER_SEEN_PKTS, SER_SEEN_DNS_Q, SER_SEEN_DNS_R, SER_SEEN_HTTP_Q, SER_SEEN_HTTP_R,
       SER_SEEN_HTTP_C, SER_SEEN_N };
/* The pairs side by side in both (asserted) each in one copy of 16 bytes:
 * a packet's every ser_point copies them. */
_Static_assert(offsetof(struct pt_counts, dns_responses) == offsetof(struct pt_counts, dns_queries) + 8 &&
	       offsetof(struct pt_counts, http_responses) == offsetof(struct pt_counts, http_requests) + 8 &&
	       SER_SEEN_DNS_R == SER_SEEN_DNS_Q + 1 && SER_SEEN_HTTP_R == SER_SEEN_HTTP_Q + 1,
	       "ser_seen_of copies the queries and responses as pairs");
static inline void ser_seen_of(const struct pt_counts *c, uint64_t v[SER_SEEN_N])
{
	v[SER_SEEN_PKTS] = c->packets;
	memcpy(&v[SER_SEEN_DNS_Q], &c->dns_queries, 2 * sizeof *v);	/* and dns_responses */
	memcpy(&v[SER_SEEN_HTTP_Q], &c->http_requests, 2 * sizeof *v);	/* and http_responses */
	v[SER_SEEN_HTTP_C] = c->http_connections;
}
/* The inverse: those counters of c set from v. */
void ser_seen_set(struct pt_counts *c, const uint64_t v[SER_SEEN_N]);

/* max_rows 0: SER_MAX_ROWS_DEFAULT. NULL when out of memory. */
struct series *ser_new(unsigned roles, int64_t window_ns, size_t max_rows);
void ser_set_row_hook(struct series *s, ser_row_fn fn, void *ctx);
/* The start of struct series (its first member): the usual ways of
 * ser_advance (still in the newest window: nothing moves) and ser_point (a
 * packet in the window of its point's last: its counters copied) inline,
 * one test each where a call per packet cost ten instructions and more.
 * A len is 0 before the first time and once the rows are handed over
 * (ser_take), so the test then fails too. */
struct ser_head_pt {
	uint64_t lo, len;		/* the window the point's growth is owed to (len 0: none) */
	uint64_t last[SER_SEEN_N];	/* the counters at the point's last ser_point */
};
struct ser_head {
	uint64_t newest, len;		/* nothing moves for a time in [newest, newest + len) */
	struct ser_head_pt pt[PT_N];
};
void ser_advance_to(struct series *s, uint64_t now_ns);	/* ser_advance past that */
void ser_point_moves(struct series *s, uint8_t point, uint64_t ts_ns, const struct pt_counts *c);

/* Time moved on to now_ns: windows SER_OPEN behind close into rows, empty
 * ones too. The first call sets where the series begins. */
static inline void ser_advance(struct series *s, uint64_t now_ns)
{
	const struct ser_head *h = (const struct ser_head *)s;	/* its first member */
	if (now_ns - h->newest >= h->len)	/* a time before newest wraps past len */
		ser_advance_to(s, now_ns);
}
/* A point's counters after a packet seen there at ts_ns: what grew since
 * the last call for that point is counted in the window of ts_ns. */
static inline void ser_point(struct series *s, uint8_t point, uint64_t ts_ns, const struct pt_counts *c)
{
	struct ser_head *h = (struct ser_head *)s;	/* its first member */
	if (point < PT_N && ts_ns - h->pt[point].lo < h->pt[point].len)
		ser_seen_of(c, h->pt[point].last);
	else
		ser_point_moves(s, point, ts_ns, c);
}
/* A final transaction that ended at end_ns; 0: it was found now (an
 * unanswered one), the window time has reached. */
void ser_txn(struct series *s, const struct txn *t, uint64_t end_ns);
/* The same for one point's transaction (see res_add_point_txn). */
void ser_point_txn(struct series *s, const struct txn *t, uint64_t end_ns);
/* End of input: every open window closes, in time order. */
void ser_finish(struct series *s);
/* The rows, handed over (free them with ser_free_rows). */
struct res_series *ser_take(struct series *s);
void ser_free_rows(struct res_series *rs);
void ser_free(struct series *s);

#endif
