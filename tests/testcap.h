/* Captures made by the tests: Ethernet + IPv4 + UDP or TCP frames, written
 * to pcapng files through hoplat's writer (capture/pcapng_writer.h). Header
 * only, after cmocka.h. */
#ifndef HOPLAT_TESTCAP_H
#define HOPLAT_TESTCAP_H

#include <stdint.h>
#include <string.h>
#include "capture/pcapng_writer.h"
#include "decode/pkt.h"

#define TC_FRAME 96

struct tc_frame {
	uint8_t b[TC_FRAME];
	uint32_t len;
};

/* A packet from src:sport to dst:dport (IPv4 addresses as 0x0a000001):
 * proto 17 (UDP, a 12-byte DNS-like header whose id is tag) or 6 (TCP,
 * seq tag); ipid tells otherwise equal packets apart. */
static inline struct tc_frame tc_packet(uint8_t proto, uint32_t src, uint16_t sport, uint32_t dst,
					uint16_t dport, uint16_t ipid, uint32_t tag)
{
	struct tc_frame f;
	uint8_t *p = f.b, *ip = p + 14, *l4 = ip + 20;
	uint32_t l4len = proto == 17 ? 8 + 12 : 20;
	memset(&f, 0, sizeof f);
	memcpy(p, "\x02\x00\x00\x00\x00\x02\x02\x00\x00\x00\x00\x01\x08\x00", 14);
	ip[0] = 0x45;
	ip[2] = (uint8_t)((20 + l4len) >> 8), ip[3] = (uint8_t)(20 + l4len);
	ip[4] = (uint8_t)(ipid >> 8), ip[5] = (uint8_t)ipid;
	ip[8] = 64, ip[9] = proto;
	for (int i = 0; i < 4; i++)
		ip[12 + i] = (uint8_t)(src >> (24 - 8 * i)), ip[16 + i] = (uint8_t)(dst >> (24 - 8 * i));
	l4[0] = (uint8_t)(sport >> 8), l4[1] = (uint8_t)sport, l4[2] = (uint8_t)(dport >> 8), l4[3] = (uint8_t)dport;
	if (proto == 17) {
		l4[4] = (uint8_t)(l4len >> 8), l4[5] = (uint8_t)l4len;
		l4[8] = (uint8_t)(tag >> 8), l4[9] = (uint8_t)tag;	/* DNS id */
		l4[10] = dport == 53 ? 0x01 : 0x81;		/* query, or response */
	} else {
		for (int i = 0; i < 4; i++)
			l4[4 + i] = (uint8_t)(tag >> (24 - 8 * i));
		l4[12] = 0x50, l4[13] = 0x10;			/* 20 bytes, ACK */
	}
	f.len = 14 + 20 + l4len;
	return f;
}

/* A pcapng file with n interfaces named names[] (NULL: unnamed), all of
 * link type LT_ETHERNET, or raw IP (LT_RAW: frames written without their
 * Ethernet header). */
static inline struct pcapng_w *tc_open(const char *path, const char *const *names, unsigned n,
				       uint32_t linktype)
{
	char err[PCAPNG_ERRBUF];
	struct pcapng_w *w = pcapng_w_open(path, NULL, err);
	assert_non_null(w);
	for (unsigned i = 0; i < n; i++) {
		struct pcapng_iface pi = { .name = names[i], .linktype = linktype, .snaplen = 262144,
					   .tsresol = 9 };
		assert_int_equal(pcapng_w_add_iface(w, &pi), (int)i);
	}
	return w;
}

static inline void tc_write(struct pcapng_w *w, uint32_t iface, uint64_t ts_ns, const struct tc_frame *f,
			    uint32_t linktype)
{
	uint32_t skip = linktype == LT_RAW ? 14 : 0;
	assert_int_equal(pcapng_w_packet(w, iface, ts_ns, f->b + skip, f->len - skip, f->len - skip), 0);
}

static inline void tc_close(struct pcapng_w *w)
{
	assert_int_equal(pcapng_w_close(w), 0);
}

#endif
