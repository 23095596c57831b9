/* libFuzzer: HTTP heads (request and response) and the chunked walker fed
 * in two pieces split where the first byte says; the split must not change
 * the result. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "decode/http.h"
#include "decode/layers.h"

static int feed_all(const uint8_t *d, size_t n, size_t split, struct http_chunked *st, size_t *used)
{
	memset(st, 0, sizeof *st);
	*used = 0;
	size_t parts[2][2] = { { 0, split }, { split, n } };
	for (int i = 0; i < 2; i++) {
		struct cur c = cur_make(d + parts[i][0], parts[i][1] - parts[i][0]);
		int rc = dec_http_chunked_feed(st, &c);
		*used += cur_pos(&c);
		if (rc)
			return rc;
		if (st->done)
			break;
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	size_t split = data[0] % size;
	data++, size--;
	if (split > size)
		split = size;
	struct cur c = cur_make(data, size);
	struct http_head h;
	int rc = dec_http_request(&c, &h);
	if (rc > (int)size || cur_pos(&c) != 0 || (rc < 0 && -rc >= DEC_R_MAX))
		abort();
	if (rc > 0 && (strlen(h.path) >= HTTP_PATH_MAX || strlen(h.method) >= sizeof h.method))
		abort();
	/* a complete head stays the same head with more bytes behind it, and
	 * any prefix of it is need-more */
	if (rc > 0) {
		struct cur pre = cur_make(data, (size_t)rc - 1);
		struct http_head h2;
		if (dec_http_request(&pre, &h2) != HTTP_NEED_MORE)
			abort();
	}
	rc = dec_http_response(&c, &h);
	if (rc > (int)size || (rc < 0 && -rc >= DEC_R_MAX))
		abort();
	dec_http_looks_request(&c);
	dec_http_looks_response(&c);

	struct http_chunked a, b;
	size_t ua, ub;
	int ra = feed_all(data, size, size, &a, &ua);
	int rb = feed_all(data, size, split, &b, &ub);
	if (ra != rb || (!ra && (ua != ub || a.done != b.done)))
		abort();
	return 0;
}
