/* Time series of the cross-point analysis (--window DUR): per window of
 * Dom0 time, request and response rates at each point and the percentiles
 * of each latency component per protocol.
 *
 * Open windows (a few, each with its histograms allocated once) collect the
 * transactions as they finish; a window is closed into a compact row when
 * time has moved SER_OPEN windows past it. Rows are kept for the report
 * (a few hundred bytes per window). */
#ifndef HOPLAT_SERIES_H
#define HOPLAT_SERIES_H

#include <stdio.h>
#include <stdint.h>
#include "analysis/point/txn.h"

#define SER_OPEN 4
#define SER_COMPS 7	/* total, client, link, bridge, guest, network, server */
#define SER_PCTS 3	/* p50, p90, p99 */

struct ser_row {
	uint64_t start_ns;			/* Dom0 clock */
	uint64_t req[PT_N], resp[PT_N];		/* requests/queries and responses seen per point */
	uint64_t txns[2], lost[2];		/* [0] DNS, [1] HTTP */
	uint64_t n[2][SER_COMPS];		/* samples per component */
	int64_t pct[2][SER_COMPS][SER_PCTS];	/* ns */
};

struct res_series {
	int64_t window_ns;
	unsigned roles;
	size_t n, cap;
	struct ser_row *rows;
	uint64_t late;				/* transactions older than every open window */
};

struct series;

struct series *ser_new(unsigned roles, int64_t window_ns);
/* A request (query) seen at point at req_ns and its response at resp_ns (0: none). */
void ser_point(struct series *w, uint8_t point, uint64_t req_ns, uint64_t resp_ns);
/* An attributed transaction that ended at end_ns (Dom0 clock); 0: now (a loss
 * found late goes into the newest window). */
void ser_txn(struct series *w, const struct txn *t, uint64_t end_ns);
void ser_finish(struct series *w);
/* The rows, handed over (the caller frees them with ser_free_rows). */
struct res_series *ser_take(struct series *w);
void ser_free_rows(struct res_series *rows);
void ser_free(struct series *w);

extern const char *const ser_comp_name[SER_COMPS];
/* `"windows":[...]` (no leading comma) */
void ser_json(FILE *f, const struct res_series *w);
/* CSV section: its own header line, then one row per window. */
void ser_csv(FILE *f, const struct res_series *w);

#endif
