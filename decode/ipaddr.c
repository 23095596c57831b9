/* IP addresses as hoplat keeps them: family plus 16 bytes. */
#include <arpa/inet.h>
#include <string.h>
#include "decode/layers.h"

char *ipaddr_str(const struct ipaddr *a, char *dst, unsigned cap)
{
	if (cap == 0)
		return dst;
	dst[0] = 0;
	if (a->family == 4) {
		if (!inet_ntop(AF_INET, a->b, dst, cap))
			dst[0] = 0;
	} else if (a->family == 6) {
		if (!inet_ntop(AF_INET6, a->b, dst, cap))	/* RFC 5952 form */
			dst[0] = 0;
	} else if (cap > 1) {
		dst[0] = '-';
		dst[1] = 0;
	}
	return dst;
}

int ipaddr_parse(const char *s, struct ipaddr *out)
{
	memset(out, 0, sizeof *out);
	if (inet_pton(AF_INET, s, out->b) == 1) {
		out->family = 4;
		return 0;
	}
	if (inet_pton(AF_INET6, s, out->b) == 1) {
		out->family = 6;
		return 0;
	}
	memset(out, 0, sizeof *out);
	return -EINVAL;
}
