/* The one streaming analysis path, shared by `analyze` (files) and `live`
 * (capture backends): packets tagged with their point go in, in time order
 * per point; attributed transactions go to the sinks and into the results,
 * which the reports draw. */
#ifndef HOPLAT_ENGINE_H
#define HOPLAT_ENGINE_H

#include <stddef.h>
#include <stdint.h>
#include "decode/pkt.h"
#include "analysis/point/point.h"
#include "analysis/point/txn.h"
#include "analysis/path/clock.h"
#include "analysis/detect/silence.h"

struct results;			/* analysis/results.h: statistics kept as data */
struct res_step;

struct eng_config {
	struct pt_config pt;
	unsigned roles;			/* bit (1 << PT_*) for each point given */
	int64_t window_ns;		/* time series window, default 1 s */
	struct ipaddr guest;		/* --guest, family 0 when not given */
	struct txn_sink out;		/* every finished transaction (JSONL, CSV writers) */
	struct clk_est clock;		/* client clock vs Dom0 (cross-point, xpass.c); ok 0: none */
	/* The guest-silence detector runs on every decoded packet of every
	 * point; its incidents go into the results, each alert (and the
	 * guest answering again) also to on_alert when set (live's lines). */
	struct sil_config hang;	/* its .pt is set to pt above */
	sil_alert_fn on_alert;
	void *alert_ctx;
	/* Each load step once judged (analysis/diagnose/steps.h; live prints it). */
	void (*on_step)(void *ctx, const struct res_step *s, size_t index);
	void *step_ctx;
};

void eng_config_default(struct eng_config *cfg);

struct engine;

struct engine *eng_new(const struct eng_config *cfg);
/* One packet; p->point is its enum pt_role. */
void eng_feed(struct engine *e, const struct pkt *p);
/* Time (packet time, Dom0 clock) moved on with no packet: the silence
 * detector checks every guest (live calls it once a second). */
void eng_advance(struct engine *e, uint64_t now_ns);
/* End of all input: flush pending state; results are final after this. */
void eng_finish(struct engine *e);
const struct results *eng_results(const struct engine *e);
/* The same, writable: the input side records read errors there. */
struct results *eng_results_mut(struct engine *e);
void eng_free(struct engine *e);

#endif
