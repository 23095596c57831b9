/* live's alert lines, from the engine's incidents (analysis/results.h):
 * ALERT when one is raised; RESUMED when a guest answers again or a client
 * connects again; ENDED when a burst is over. With json, one JSON object a
 * line: alert ("silent"/"resumed" for a guest, "raised"/"ended" for the
 * others), kind, point, at_ns, start_ns and the kind's evidence. */
#ifndef HOPLAT_LIVE_ALERT_H
#define HOPLAT_LIVE_ALERT_H

#include "analysis/results/results.h"

/* in->open: raised; else ended. On stdout, flushed. */
void live_alert(const struct res_incident *in, int json);

#endif
