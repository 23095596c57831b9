/* Reading the JSON summary back (json-c): values by a dotted path of fixed
 * key names, numbers as the summary wrote them. Used by the HTML report,
 * which draws from the summary and never from the engine's structures, so
 * `hoplat report RESULT.json` and `analyze --html` draw the same. */
#ifndef HOPLAT_JREAD_H
#define HOPLAT_JREAD_H

#include <stddef.h>
#include <json-c/json.h>

/* o's member at path ("dns.latency_us.total"); NULL when a step is missing,
 * null or not an object. Paths are hoplat's own key names. */
json_object *jr_get(json_object *o, const char *path);
/* The number at path: 1 and *v, or 0 (missing, null, not a number). */
int jr_num(json_object *o, const char *path, double *v);
/* The number at path, or NAN. */
double jr_dbl(json_object *o, const char *path);
/* A number as written in the summary ("3104.767"), a string as it is, ""
 * for null or missing. Valid while the parsed summary lives. */
const char *jr_text(json_object *o, const char *path);
/* The string at path, or NULL. */
const char *jr_str(json_object *o, const char *path);
/* The array at path and its length (0 and NULL when not an array). */
json_object *jr_array(json_object *o, const char *path, size_t *n);

#endif
