/* libFuzzer: dec_dns on one message, and every name at every offset. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "decode/dns.h"
#include "decode/layers.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct dns_msg m;
	struct cur c = cur_make(data, size);
	int rc = dec_dns(&c, &m);
	if (rc < 0 || rc >= DEC_R_MAX)
		abort();
	if (rc == DEC_OK) {
		static char text[DNS_NAME_TEXT];
		unsigned n = dec_dns_qname_text(&m, text, sizeof text);
		if (strlen(text) != n || n >= DNS_NAME_TEXT)
			abort();
		if (m.answers_ok > m.ancount || (m.sections_ok && m.rr_error))
			abort();
	}
	/* names anywhere: pointers strictly backwards keep every walk finite */
	struct cur msg = cur_make(data, size);
	for (size_t off = 0; off < size && off < 512; off++) {
		struct cur n = msg;
		uint8_t wire[DNS_NAME_WIRE], wlen = 0;
		cur_seek(&n, off);
		if (dec_dns_name(&n, &msg, wire, &wlen) == DEC_OK) {
			char text[DNS_NAME_TEXT];
			if (wlen == 0 || wire[wlen - 1] != 0 || cur_pos(&n) <= off)
				abort();
			if (dec_dns_name_text(wire, wlen, text, sizeof text) >= sizeof text)
				abort();
		}
	}
	return 0;
}
