/* Names of what the detectors report (see incident.h). */
#include <stddef.h>
#include "analysis/detect/incident.h"

static const char *const kind_key[] = {
#define X(n, key, text) [INC_##n] = key,
	INC_KINDS(X)
#undef X
};
static const char *const kind_text[] = {
#define X(n, key, text) [INC_##n] = text,
	INC_KINDS(X)
#undef X
};
static const char *const req_key[] = {
#define X(n, key) [INC_REQ_##n] = key,
	INC_REQS(X)
#undef X
};
static const char *const answer_key[] = {
#define X(n, key) [INC_ANS_##n] = key,
	INC_ANSWERS(X)
#undef X
};

const char *inc_kind_key(int k) { return k > INC_NONE && k < INC_N ? kind_key[k] : "?"; }
const char *inc_kind_text(int k) { return k > INC_NONE && k < INC_N ? kind_text[k] : "?"; }
const char *inc_req_key(int r) { return r >= 0 && r < INC_REQ_N ? req_key[r] : "?"; }
const char *inc_answer_key(int a) { return a >= 0 && a < INC_ANS_N ? answer_key[a] : "?"; }

const char *inc_service_key(int svc)
{
	return svc == INC_SVC_DNS ? "dns" : svc == INC_SVC_HTTP ? "http" : NULL;
}
