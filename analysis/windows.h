/* Time series of the cross-point analysis (--window DUR): per window of
 * Dom0 time, request and response rates at each point and the percentiles
 * of each latency component per protocol.
 *
 * Open windows (a few, each with its histograms allocated once) collect the
 * transactions as they finish; a window is closed into a compact row when
 * time has moved WIN_OPEN windows past it. Rows are kept for the report
 * (a few hundred bytes per window). */
#ifndef HOPLAT_WINDOWS_H
#define HOPLAT_WINDOWS_H

#include <stdio.h>
#include <stdint.h>
#include "analysis/txn.h"

#define WIN_OPEN 4
#define WIN_COMPS 7	/* total, client, link, bridge, guest, network, server */
#define WIN_PCTS 3	/* p50, p90, p99 */

struct win_row {
	uint64_t start_ns;			/* Dom0 clock */
	uint64_t req[PT_N], resp[PT_N];		/* requests/queries and responses seen per point */
	uint64_t txns[2], lost[2];		/* [0] DNS, [1] HTTP */
	uint64_t n[2][WIN_COMPS];		/* samples per component */
	int64_t pct[2][WIN_COMPS][WIN_PCTS];	/* ns */
};

struct res_windows {
	int64_t window_ns;
	unsigned roles;
	size_t n, cap;
	struct win_row *rows;
	uint64_t late;				/* transactions older than every open window */
};

struct win;

struct win *win_new(unsigned roles, int64_t window_ns);
/* A request (query) seen at point at req_ns and its response at resp_ns (0: none). */
void win_point(struct win *w, uint8_t point, uint64_t req_ns, uint64_t resp_ns);
/* An attributed transaction that ended at end_ns (Dom0 clock); 0: now (a loss
 * found late goes into the newest window). */
void win_txn(struct win *w, const struct txn *t, uint64_t end_ns);
void win_finish(struct win *w);
/* The rows, handed over (the caller frees them with win_free_rows). */
struct res_windows *win_take(struct win *w);
void win_free_rows(struct res_windows *rows);
void win_free(struct win *w);

extern const char *const win_comp_name[WIN_COMPS];
/* `"windows":[...]` (no leading comma) */
void win_json(FILE *f, const struct res_windows *w);
/* CSV section: its own header line, then one row per window. */
void win_csv(FILE *f, const struct res_windows *w);

#endif
