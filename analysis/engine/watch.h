/* The detectors over the engine's stream (analysis/detect): guest silences
 * on every point; at the client-most point, client source ports (port
 * exhaustion) and bursts of SYN retransmissions; bursts of transactions lost
 * on a hop (link or bridge) from the final transactions. Their alerts become
 * the results' incidents (at most RES_MAX_INCIDENTS kept, all counted), and
 * each incident raised or ended goes to the incident hook (live's lines). */
#ifndef HOPLAT_WATCH_H
#define HOPLAT_WATCH_H

#include <stdint.h>
#include "analysis/detect/silence.h"
#include "analysis/detect/ports.h"
#include "analysis/detect/burst.h"
#include "analysis/path/clock.h"
#include "analysis/results/results.h"

/* in->open: raised; else ended (or, at the end of input, its last state). */
typedef void (*watch_incident_fn)(void *ctx, const struct res_incident *in);

struct watch_config {
	struct sil_config silence;
	struct ports_config ports;
	struct burst_config syn_bursts, loss_bursts;
	unsigned roles;			/* points given (1 << PT_*) */
	const struct pt_config *pt;	/* service ports */
	const struct clk_est *clock;	/* the client's clock onto Dom0's (loss times); NULL: none */
	watch_incident_fn on_incident;
	void *ctx;
};

void watch_config_default(struct watch_config *cfg);

struct watch;

/* Incidents go into res. NULL when out of memory. */
struct watch *watch_new(const struct watch_config *cfg, struct results *res);
/* A decoded packet of point at ts_ns (the engine's merge time). */
void watch_packet(struct watch *w, uint8_t point, uint64_t ts_ns, const struct dec_pkt *d);
/* A final transaction (its losses). */
void watch_txn(struct watch *w, const struct txn *t);
/* Time passed with no packet (live's ticks). */
void watch_advance(struct watch *w, uint64_t now_ns);
/* End of input: incidents still open get their counts so far. */
void watch_finish(struct watch *w);
void watch_free(struct watch *w);

#endif
