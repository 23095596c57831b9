/* The one streaming analysis path, shared by `analyze` (files) and `live`
 * (capture backends): packets tagged with their point go in, in time order
 * per point; attributed transactions go to the sinks and into the results,
 * which the reports draw. The engine owns the time series (windows) and
 * feeds it the same way with one point as with three. */
#ifndef HOPLAT_ENGINE_H
#define HOPLAT_ENGINE_H

#include <stddef.h>
#include <stdint.h>
#include "decode/pkt.h"
#include "analysis/point/point.h"
#include "analysis/point/txn.h"
#include "analysis/path/clock.h"
#include "analysis/path/clock_pass.h"
#include "analysis/results/series.h"
#include "analysis/engine/watch.h"

struct results;			/* analysis/results/results.h: statistics kept as data */
struct res_step;

struct eng_config {
	struct pt_config pt;
	unsigned roles;			/* bit (1 << PT_*) for each point given */
	int64_t window_ns;		/* time series window, default 1 s */
	size_t max_windows;		/* time series rows kept (0: SER_MAX_ROWS_DEFAULT) */
	struct ipaddr guest;		/* --guest, family 0 when not given */
	struct txn_sink out;		/* every finished transaction (JSONL, CSV writers) */
	struct clk_est clock;		/* client clock vs Dom0 (cross-point, clock_pass.c); ok 0: none */
	struct clkpass_trk clock_track;	/* refining it as the analysis goes (ref PT_N: not) */
	/* The detectors (watch.h) run on every decoded packet of every point
	 * and on the final transactions; their incidents go into the results,
	 * each raised or ended also to on_incident when set (live's lines). */
	struct sil_config silence;	/* guest silences; its .pt is set to pt above */
	struct ports_config ports;	/* client ports; likewise */
	struct burst_config syn_bursts, loss_bursts;
	watch_incident_fn on_incident;
	void *alert_ctx;
	/* Each time series row as it closes (live's window lines). */
	ser_row_fn on_window;
	void *window_ctx;
	/* Each load step once judged (analysis/diagnose/steps.h; live prints it). */
	void (*on_step)(void *ctx, const struct res_step *s, size_t index);
	void *step_ctx;
};

void eng_config_default(struct eng_config *cfg);

struct engine;

struct engine *eng_new(const struct eng_config *cfg);
/* What feeds a point ("FILE" or "FILE#IFACE"), for the reports. */
void eng_set_source(struct engine *e, int role, const char *text);
/* An input could not be read on (the first message is kept; results so far stay). */
void eng_input_error(struct engine *e, const char *msg);
/* One packet; p->point is its enum pt_role. 1 when the clock estimate
 * changed with it (eng_clock_changes counts up; a return value saves a
 * call per packet), else 0. */
int eng_feed(struct engine *e, const struct pkt *p);
/* p[0..n) one after the other, as eng_feed each, all of one point (as
 * in_next_n gives them: one source); 1 when the clock estimate changed
 * with any of them. */
int eng_feed_n(struct engine *e, const struct pkt *p, unsigned n);
/* Time (packet time, Dom0 clock) moved on with no packet: the time series
 * closes the windows it passed and the detectors check their timers
 * (live calls it once a second). */
void eng_advance(struct engine *e, uint64_t now_ns);
/* The sources of in (open, perhaps read ahead; each the capture of the
 * point in_point names) read to their ends, each in its own thread that
 * reads, decodes and does its point's matching, joined here in the order
 * in_next gives them: the same results as in_next and eng_feed in one
 * thread (the client's packets ordered by the clock estimate as it is
 * refined, as analyze's merge key does). on_error: each damaged file's
 * message where in_next would return it; on_packet (or NULL): after each
 * packet, in the calling thread. 0, or -errno when the threads could not
 * start (nothing was read: read in one thread). */
struct in_set;
int eng_run_split(struct engine *e, struct in_set *in, void (*on_error)(void *ctx, const char *msg),
		  void (*on_packet)(void *ctx), void *ctx);
/* End of all input: flush pending state; results are final after this. */
void eng_finish(struct engine *e);
const struct results *eng_results(const struct engine *e);
/* The client clock estimate in use (refined as packets match), and a
 * count of its changes: a merge by Dom0 time re-keys what waits. */
const struct clk_est *eng_clock(const struct engine *e);
unsigned eng_clock_changes(const struct engine *e);
void eng_free(struct engine *e);

#endif
