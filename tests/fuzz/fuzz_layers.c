/* libFuzzer: dec_packet on every link type. The first byte picks the link
 * type and whether the capture is snaplen-cut; the rest is the frame. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include "decode/layers.h"

static const uint32_t linktypes[] = { LT_ETHERNET, LT_LINUX_SLL, LT_LINUX_SLL2, LT_RAW,
				      LT_IPV4, LT_IPV6, LT_NULL };

/* Every view the decoder hands out must lie inside the captured bytes. */
static void check_view(const struct cur *v, const uint8_t *b, size_t n)
{
	if (v->base && (v->base < b || v->base + v->len > b + n || v->pos > v->len))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	uint8_t sel = data[0];
	struct pkt p = {
		.linktype = linktypes[(sel & 0x7f) % (sizeof linktypes / sizeof linktypes[0])],
		.data = data + 1,
		.caplen = (uint32_t)(size - 1),
	};
	p.wirelen = sel & 0x80 ? p.caplen + 1500 : p.caplen;	/* snaplen-cut or whole */
	struct dec_pkt d;
	int rc = dec_packet(&p, &d);
	if (rc < 0 || rc >= DEC_R_MAX)
		abort();
	check_view(&d.payload, p.data, p.caplen);
	check_view(&d.l3_payload, p.data, p.caplen);
	check_view(&d.l3, p.data, p.caplen);
	if (rc == DEC_OK && d.is_frag) {
		/* what the analysis does after reassembly, here on the fragment itself */
		struct cur c = d.l3_payload;
		dec_transport(&c, d.l3_payload_wire, &d);
		check_view(&d.payload, p.data, p.caplen);
	}
	return 0;
}
