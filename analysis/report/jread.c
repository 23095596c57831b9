/* JSON summary read back through json-c (jread.h). */
#include <math.h>
#include <string.h>
#include "analysis/report/jread.h"

json_object *jr_get(json_object *o, const char *path)
{
	char key[64];
	while (o && path && *path) {
		const char *dot = strchr(path, '.');
		size_t len = dot ? (size_t)(dot - path) : strlen(path);
		if (len >= sizeof key || !json_object_is_type(o, json_type_object))
			return NULL;
		memcpy(key, path, len);
		key[len] = 0;
		if (!json_object_object_get_ex(o, key, &o))
			return NULL;
		path = dot ? dot + 1 : NULL;
	}
	return o;
}

static int is_number(json_object *o)
{
	return json_object_is_type(o, json_type_int) || json_object_is_type(o, json_type_double);
}

int jr_num(json_object *o, const char *path, double *v)
{
	o = jr_get(o, path);
	if (!o || !is_number(o))
		return 0;
	*v = json_object_get_double(o);
	return isfinite(*v);
}

double jr_dbl(json_object *o, const char *path)
{
	double v;
	return jr_num(o, path, &v) ? v : NAN;
}

const char *jr_text(json_object *o, const char *path)
{
	o = jr_get(o, path);
	if (!o)
		return "";
	if (json_object_is_type(o, json_type_string))
		return json_object_get_string(o);
	if (is_number(o) || json_object_is_type(o, json_type_boolean))
		return json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
	return "";
}

const char *jr_str(json_object *o, const char *path)
{
	o = jr_get(o, path);
	return o && json_object_is_type(o, json_type_string) ? json_object_get_string(o) : NULL;
}

json_object *jr_array(json_object *o, const char *path, size_t *n)
{
	o = jr_get(o, path);
	if (!o || !json_object_is_type(o, json_type_array)) {
		*n = 0;
		return NULL;
	}
	*n = json_object_array_length(o);
	return o;
}
