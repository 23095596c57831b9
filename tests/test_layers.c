/* Layers from link to transport: realistic frames built byte by byte, each
 * decoded whole, then cut at every length (as a snaplen cut, and as a frame
 * that really is that short), and hostile headers. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "decode/layers.h"

/* ---- frame builder ---------------------------------------------------- */

struct frame {
	uint8_t b[2048];
	size_t n;
};

static void put8(struct frame *f, unsigned v) { f->b[f->n++] = (uint8_t)v; }
static void put16(struct frame *f, unsigned v) { put8(f, v >> 8); put8(f, v); }
static void put32(struct frame *f, uint32_t v) { put16(f, v >> 16); put16(f, v & 0xffff); }
static void putn(struct frame *f, const void *p, size_t n) { if (n) memcpy(f->b + f->n, p, n); f->n += n; }
static void set16(struct frame *f, size_t at, unsigned v) { f->b[at] = (uint8_t)(v >> 8); f->b[at + 1] = (uint8_t)v; }

static const uint8_t mac_client[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
static const uint8_t mac_vif[6] = { 0x00, 0x16, 0x3e, 0x5a, 0x01, 0x02 };
static const uint8_t ip_client[4] = { 10, 0, 0, 1 }, ip_guest[4] = { 10, 0, 0, 2 };
static const uint8_t ip6_client[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
static const uint8_t ip6_guest[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 };

static void eth(struct frame *f, unsigned type)
{
	putn(f, mac_vif, 6);
	putn(f, mac_client, 6);
	put16(f, type);
}

/* IPv4 header with opt_len option bytes; returns its offset (ip4_end fills the length). */
static size_t ip4(struct frame *f, unsigned proto, const uint8_t *opt, size_t opt_len, unsigned frag)
{
	size_t at = f->n;
	put8(f, 0x40 | (unsigned)(5 + opt_len / 4));
	put8(f, 0);
	put16(f, 0);			/* total length, later */
	put16(f, 0x1c46);		/* id */
	put16(f, frag);
	put8(f, 64);
	put8(f, proto);
	put16(f, 0);			/* checksum: not checked */
	putn(f, ip_client, 4);
	putn(f, ip_guest, 4);
	putn(f, opt, opt_len);
	return at;
}
static void ip4_end(struct frame *f, size_t at) { set16(f, at + 2, (unsigned)(f->n - at)); }

static size_t ip6(struct frame *f, unsigned nh)
{
	size_t at = f->n;
	put32(f, 0x60000000);
	put16(f, 0);			/* payload length, later */
	put8(f, nh);
	put8(f, 63);
	putn(f, ip6_client, 16);
	putn(f, ip6_guest, 16);
	return at;
}
static void ip6_end(struct frame *f, size_t at) { set16(f, at + 4, (unsigned)(f->n - at - 40)); }

static size_t udp(struct frame *f, unsigned sport, unsigned dport)
{
	size_t at = f->n;
	put16(f, sport);
	put16(f, dport);
	put16(f, 0);
	put16(f, 0);
	return at;
}
static void udp_end(struct frame *f, size_t at) { set16(f, at + 4, (unsigned)(f->n - at)); }

static void tcp(struct frame *f, unsigned sport, unsigned dport, uint32_t seq, uint32_t ack,
		unsigned flags, const uint8_t *opt, size_t opt_len)
{
	put16(f, sport);
	put16(f, dport);
	put32(f, seq);
	put32(f, ack);
	put8(f, (unsigned)((5 + opt_len / 4) << 4));
	put8(f, flags);
	put16(f, 64240);
	put16(f, 0);
	put16(f, 0);
	putn(f, opt, opt_len);
}

static const uint8_t dns_query[] = {	/* www.example.com A, EDNS0 */
	0xbe, 0xef, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 1,
	3, 'w', 'w', 'w', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0, 0, 1, 0, 1,
	0, 0, 41, 0x10, 0, 0, 0, 0, 0, 0, 0,
};
static const char http_get[] = "GET /index.html HTTP/1.1\r\nHost: 10.0.0.2\r\n\r\n";
/* Linux SYN: MSS 1460, SACK permitted, timestamps, NOP, window scale 7 */
static const uint8_t syn_opts[] = { 2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0, 0, 0x12, 0x34, 0, 0, 0, 0,
				     1, 3, 3, 7 };

static struct frame f_eth_udp_dns(void)
{
	struct frame f = { .n = 0 };
	eth(&f, 0x0800);
	size_t ip = ip4(&f, 17, NULL, 0, 0x4000);
	size_t u = udp(&f, 40000, 53);
	putn(&f, dns_query, sizeof dns_query);
	udp_end(&f, u);
	ip4_end(&f, ip);
	return f;
}

static struct frame f_vlan_tcp_syn(void)
{
	struct frame f = { .n = 0 };
	eth(&f, 0x8100);
	put16(&f, 0x200b);		/* PCP 1, VLAN 11 */
	put16(&f, 0x0800);
	size_t ip = ip4(&f, 6, NULL, 0, 0x4000);
	tcp(&f, 45000, 80, 1000, 0, TCP_SYN, syn_opts, sizeof syn_opts);
	ip4_end(&f, ip);
	return f;
}

static struct frame f_qinq_ip6_http(void)
{
	struct frame f = { .n = 0 };
	eth(&f, 0x88a8);
	put16(&f, 100);
	put16(&f, 0x8100);
	put16(&f, 11);
	put16(&f, 0x86dd);
	size_t ip = ip6(&f, 6);
	const uint8_t ts[] = { 1, 1, 8, 10, 0, 0, 0, 9, 0, 0, 0, 7 };
	tcp(&f, 45000, 80, 1001, 5001, TCP_ACK | TCP_PSH, ts, sizeof ts);
	putn(&f, http_get, strlen(http_get));
	ip6_end(&f, ip);
	return f;
}

/* ---- decoding helpers -------------------------------------------------- */

static int decode(const struct frame *f, uint32_t linktype, size_t caplen, size_t wirelen,
		  struct dec_pkt *d)
{
	/* an exact-size copy, so any read past caplen is a sanitizer error;
	 * kept until the next call, for the views in *d */
	static uint8_t *b;
	free(b);
	b = malloc(caplen ? caplen : 1);
	memcpy(b, f->b, caplen);
	struct pkt p = { .caplen = (uint32_t)caplen, .wirelen = (uint32_t)wirelen,
			 .linktype = linktype, .data = b };
	int rc = dec_packet(&p, d);
	/* every view stays inside the captured bytes */
	if (d->payload.base) {
		assert_true(d->payload.base >= b && d->payload.base + d->payload.len <= b + caplen);
		assert_true(cur_left(&d->payload) <= d->payload_wire || d->proto == 1 || d->proto == 58);
	}
	if (d->l3_payload.base)
		assert_true(d->l3_payload.base >= b &&
			    d->l3_payload.base + d->l3_payload.len <= b + caplen);
	assert_true(rc >= 0 && rc < DEC_R_MAX);
	return rc;
}

/* Every cut of f: as a snaplen cut (wirelen = full) the result must be the
 * full one's whenever the headers survived, with payload_wire unchanged and
 * the payload cut; as a short frame (wirelen = caplen) it must not crash. */
static void every_cut(const struct frame *f, uint32_t linktype, size_t hdr_end)
{
	struct dec_pkt full, d;
	assert_int_equal(decode(f, linktype, f->n, f->n, &full), DEC_OK);
	/* where the payload starts (no padding in these frames) */
	size_t pay = f->n - (full.is_frag ? full.l3_payload_wire : full.payload_wire);
	for (size_t n = 0; n < f->n; n++) {
		int rc = decode(f, linktype, n, f->n, &d);
		if (n >= hdr_end) {
			assert_int_equal(rc, DEC_OK);
			const struct cur *pl = full.is_frag ? &d.l3_payload : &d.payload;
			assert_int_equal(d.payload_wire, full.payload_wire);
			assert_int_equal(d.l3_payload_wire, full.l3_payload_wire);
			assert_int_equal(d.is_frag, full.is_frag);
			assert_int_equal(cur_left(pl), n > pay ? n - pay : 0);
			assert_int_equal(d.sport, full.sport);
			assert_int_equal(d.tcp.seq, full.tcp.seq);
		} else {
			assert_int_not_equal(rc, DEC_OK);
		}
		decode(f, linktype, n, n, &d);
	}
}

/* ---- good frames --------------------------------------------------------- */

static void test_eth_ip4_udp(void **state)
{
	(void)state;
	struct frame f = f_eth_udp_dns();
	struct dec_pkt d;
	assert_int_equal(decode(&f, LT_ETHERNET, f.n, f.n, &d), DEC_OK);
	assert_int_equal(d.ethertype, 0x0800);
	assert_int_equal(d.ipver, 4);
	assert_int_equal(d.proto, 17);
	assert_int_equal(d.ttl, 64);
	assert_int_equal(d.ip_id, 0x1c46);
	assert_int_equal(d.ip_len, 20 + 8 + sizeof dns_query);
	assert_false(d.is_frag);
	assert_int_equal(d.src.family, 4);
	assert_memory_equal(d.src.b, ip_client, 4);
	assert_memory_equal(d.dst.b, ip_guest, 4);
	assert_int_equal(d.sport, 40000);
	assert_int_equal(d.dport, 53);
	assert_int_equal(d.payload_wire, sizeof dns_query);
	assert_int_equal(cur_left(&d.payload), sizeof dns_query);
	assert_int_equal(cur_peek(&d.payload, 0), 0xbe);
	assert_int_equal(cur_left(&d.l3), 20 + 8 + sizeof dns_query);
	every_cut(&f, LT_ETHERNET, 14 + 20 + 8);
}

static void test_vlan_tcp_options(void **state)
{
	(void)state;
	struct frame f = f_vlan_tcp_syn();
	struct dec_pkt d;
	assert_int_equal(decode(&f, LT_ETHERNET, f.n, f.n, &d), DEC_OK);
	assert_int_equal(d.nvlan, 1);
	assert_int_equal(d.vlan[0], 11);
	assert_int_equal(d.proto, 6);
	assert_int_equal(d.tcp.flags, TCP_SYN);
	assert_int_equal(d.tcp.seq, 1000);
	assert_int_equal(d.tcp.hdr_len, 40);
	assert_int_equal(d.tcp.mss, 1460);
	assert_int_equal(d.tcp.wscale, 7);
	assert_int_equal(d.tcp.sack_ok, 1);
	assert_int_equal(d.tcp.has_ts, 1);
	assert_int_equal(d.tcp.tsval, 0x1234);
	assert_int_equal(d.tcp.win, 64240);
	assert_int_equal(d.warn, 0);
	assert_int_equal(d.payload_wire, 0);
	/* options cut by the snaplen: usable, with a TCP_TRUNC warning; the
	 * options that were captured whole are read */
	assert_int_equal(decode(&f, LT_ETHERNET, f.n - 1, f.n, &d), DEC_OK);
	assert_int_equal(d.warn, DEC_R_TCP_TRUNC);
	assert_int_equal(d.tcp.seq, 1000);
	assert_int_equal(d.tcp.mss, 1460);
	assert_int_equal(d.tcp.has_ts, 1);
	assert_int_equal(d.tcp.wscale, 0xff);	/* the cut one */
	assert_int_equal(decode(&f, LT_ETHERNET, 18 + 20 + 20 + 3, f.n, &d), DEC_OK);
	assert_int_equal(d.tcp.mss, 0);
	assert_int_equal(d.warn, DEC_R_TCP_TRUNC);
	/* the fixed 20 bytes cut: an error */
	assert_int_equal(decode(&f, LT_ETHERNET, 18 + 20 + 19, f.n, &d), DEC_R_TCP_TRUNC);
	every_cut(&f, LT_ETHERNET, 18 + 20 + 20);
}

static void test_qinq_ip6_tcp_payload(void **state)
{
	(void)state;
	struct frame f = f_qinq_ip6_http();
	struct dec_pkt d;
	assert_int_equal(decode(&f, LT_ETHERNET, f.n, f.n, &d), DEC_OK);
	assert_int_equal(d.nvlan, 2);
	assert_int_equal(d.vlan[0], 100);
	assert_int_equal(d.vlan[1], 11);
	assert_int_equal(d.ethertype, 0x86dd);
	assert_int_equal(d.ipver, 6);
	assert_int_equal(d.ttl, 63);
	assert_memory_equal(d.dst.b, ip6_guest, 16);
	assert_int_equal(d.tcp.has_ts, 1);
	assert_int_equal(d.tcp.tsval, 9);
	assert_int_equal(d.tcp.tsecr, 7);
	assert_int_equal(d.tcp.wscale, 0xff);
	assert_int_equal(d.tcp.mss, 0);
	assert_int_equal(d.payload_wire, strlen(http_get));
	assert_true(cur_starts(&d.payload, "GET /index", 10, 0));
	every_cut(&f, LT_ETHERNET, 22 + 40 + 20);
}

/* A 60-byte minimum frame: the IP length bounds the payload, padding is gone. */
static void test_ethernet_padding(void **state)
{
	(void)state;
	struct frame f = { .n = 0 };
	eth(&f, 0x0800);
	size_t ip = ip4(&f, 6, NULL, 0, 0x4000);
	tcp(&f, 80, 45000, 5001, 1001, TCP_ACK, NULL, 0);
	ip4_end(&f, ip);
	while (f.n < 60)
		put8(&f, 0);
	struct dec_pkt d;
	assert_int_equal(decode(&f, LT_ETHERNET, f.n, f.n, &d), DEC_OK);
	assert_int_equal(d.payload_wire, 0);
	assert_int_equal(cur_left(&d.payload), 0);
	/* the same over IPv6 and UDP with a 2-byte payload */
	f.n = 0;
	eth(&f, 0x86dd);
	ip = ip6(&f, 17);
	size_t u = udp(&f, 1, 2);
	put16(&f, 0xabcd);
	udp_end(&f, u);
	ip6_end(&f, ip);
	while (f.n < 80)
		put8(&f, 0xee);
	assert_int_equal(decode(&f, LT_ETHERNET, f.n, f.n, &d), DEC_OK);
	assert_int_equal(d.payload_wire, 2);
	assert_int_equal(cur_left(&d.payload), 2);
}

static void test_ip4_options(void **state)
{
	(void)state;
	/* Router Alert, NOP, EOL padding: IHL 7 */
	const uint8_t opt[] = { 0x94, 4, 0, 0, 1, 0, 0, 0 };
	struct frame f = { .n = 0 };
	eth(&f, 0x0800);
	size_t ip = ip4(&f, 17, opt, sizeof opt, 0);
	size_t u = udp(&f, 5353, 53);
	putn(&f, dns_query, 12);
	udp_end(&f, u);
	ip4_end(&f, ip);
	struct dec_pkt d;
	assert_int_equal(decode(&f, LT_ETHERNET, f.n, f.n, &d), DEC_OK);
	assert_int_equal(d.warn, 0);
	assert_int_equal(d.sport, 5353);
	assert_int_equal(d.payload_wire, 12);
	every_cut(&f, LT_ETHERNET, 14 + 28 + 8);
	/* an option whose length runs past the header: a warning, still decoded */
	f.b[14 + 21] = 9;
	assert_int_equal(decode(&f, LT_ETHERNET, f.n, f.n, &d), DEC_OK);
	assert_int_equal(d.warn, DEC_R_IP4_OPT);
	assert_int_equal(d.dport, 53);
	f.b[14 + 21] = 1;		/* length 1 is below the minimum 2 */
	assert_int_equal(decode(&f, LT_ETHERNET, f.n, f.n, &d), DEC_OK);
	assert_int_equal(d.warn, DEC_R_IP4_OPT);
}

static void test_ip4_fragments(void **state)
{
	(void)state;
	struct frame f = { .n = 0 };
	eth(&f, 0x0800);
	size_t ip = ip4(&f, 17, NULL, 0, 0x2000);	/* first, more follow */
	size_t u = udp(&f, 40000, 53);
	for (int i = 0; i < 24; i++)
		put8(&f, i);
	set16(&f, u + 4, 1000);		/* the whole datagram's UDP length */
	ip4_end(&f, ip);
	struct dec_pkt d;
	assert_int_equal(decode(&f, LT_ETHERNET, f.n, f.n, &d), DEC_OK);
	assert_true(d.is_frag);
	assert_true(d.frag_more);
	assert_int_equal(d.frag_off, 0);
	assert_int_equal(d.frag_id, 0x1c46);
	assert_int_equal(d.l3_payload_wire, 32);
	assert_int_equal(cur_left(&d.l3_payload), 32);
	assert_int_equal(d.sport, 0);	/* stopped at layer 3 */
	every_cut(&f, LT_ETHERNET, 14 + 20);
	/* the last fragment, at offset 1480 */
	set16(&f, 14 + 6, 1480 / 8);
	assert_int_equal(decode(&f, LT_ETHERNET, f.n, f.n, &d), DEC_OK);
	assert_true(d.is_frag);
	assert_false(d.frag_more);
	assert_int_equal(d.frag_off, 1480);

	/* after reassembly the analysis hands the datagram to dec_transport */
	struct frame g = { .n = 0 };
	u = udp(&g, 40000, 53);
	putn(&g, dns_query, sizeof dns_query);
	udp_end(&g, u);
	struct cur c = cur_make(g.b, g.n);
	assert_int_equal(dec_transport(&c, (uint32_t)g.n, &d), DEC_OK);
	assert_int_equal(d.dport, 53);
	assert_int_equal(d.payload_wire, sizeof dns_query);
}

static void test_ip6_extensions(void **state)
{
	(void)state;
	struct frame f = { .n = 0 };
	eth(&f, 0x86dd);
	size_t ip = ip6(&f, 0);			/* hop-by-hop */
	const uint8_t hbh[] = { 60, 0, 5, 2, 0, 0, 1, 0 };	/* router alert, PadN -> dest opts */
	putn(&f, hbh, 8);
	const uint8_t dst[] = { 43, 1, 1, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };	/* 16 bytes -> routing */
	putn(&f, dst, 16);
	const uint8_t rt[] = { 51, 0, 4, 0, 0, 0, 0, 0 };	/* routing -> AH */
	putn(&f, rt, 8);
	const uint8_t ah[] = { 17, 4, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0xaa, 0xaa, 0xaa, 0xaa,
			       0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa };	/* (4+2)*4 = 24 */
	putn(&f, ah, sizeof ah);
	size_t ext_end = f.n;
	size_t u = udp(&f, 40000, 53);
	putn(&f, dns_query, sizeof dns_query);
	udp_end(&f, u);
	ip6_end(&f, ip);
	struct dec_pkt d;
	assert_int_equal(decode(&f, LT_ETHERNET, f.n, f.n, &d), DEC_OK);
	assert_int_equal(d.proto, 17);
	assert_int_equal(d.dport, 53);
	assert_int_equal(d.payload_wire, sizeof dns_query);
	assert_int_equal(d.l3_payload_wire, f.n - ext_end);
	every_cut(&f, LT_ETHERNET, ext_end + 8);
	/* the chain claims more than the payload length holds */
	f.b[14 + 40 + 8 + 1] = 200;
	assert_int_equal(decode(&f, LT_ETHERNET, f.n, f.n, &d), DEC_R_IP6_EXT);
	/* ... and cut by the snaplen inside the chain */
	f.b[14 + 40 + 8 + 1] = 1;
	assert_int_equal(decode(&f, LT_ETHERNET, 14 + 40 + 12, f.n, &d), DEC_R_IP6_TRUNC);
}

static void test_ip6_fragment(void **state)
{
	(void)state;
	struct frame f = { .n = 0 };
	eth(&f, 0x86dd);
	size_t ip = ip6(&f, 44);
	put8(&f, 17);
	put8(&f, 0);
	put16(&f, 0 | 1);		/* offset 0, more fragments: the first one */
	put32(&f, 0xdeadbeef);
	size_t u = udp(&f, 40000, 53);
	putn(&f, dns_query, sizeof dns_query);
	udp_end(&f, u);
	ip6_end(&f, ip);
	struct dec_pkt d;
	assert_int_equal(decode(&f, LT_ETHERNET, f.n, f.n, &d), DEC_OK);
	assert_true(d.is_frag);
	assert_true(d.frag_more);
	assert_int_equal(d.frag_off, 0);
	assert_int_equal(d.frag_id, 0xdeadbeef);
	assert_int_equal(d.ip_id, 0xbeef);
	assert_int_equal(d.proto, 17);
	assert_int_equal(d.sport, 0);
	assert_int_equal(d.l3_payload_wire, 8 + sizeof dns_query);
	every_cut(&f, LT_ETHERNET, 14 + 48);
	/* an atomic fragment (offset 0, no more) is a whole datagram */
	set16(&f, 14 + 42, 0);
	assert_int_equal(decode(&f, LT_ETHERNET, f.n, f.n, &d), DEC_OK);
	assert_false(d.is_frag);
	assert_int_equal(d.dport, 53);
	/* offset 1448, last */
	set16(&f, 14 + 42, 1448);
	assert_int_equal(decode(&f, LT_ETHERNET, f.n, f.n, &d), DEC_OK);
	assert_true(d.is_frag);
	assert_int_equal(d.frag_off, 1448);
	assert_false(d.frag_more);
}

static void test_icmp_echo(void **state)
{
	(void)state;
	struct frame f = { .n = 0 };
	eth(&f, 0x0800);
	size_t ip = ip4(&f, 1, NULL, 0, 0);
	put8(&f, 8); put8(&f, 0); put16(&f, 0); put16(&f, 0x1234); put16(&f, 7);
	for (int i = 0; i < 56; i++)
		put8(&f, i);
	ip4_end(&f, ip);
	struct dec_pkt d;
	assert_int_equal(decode(&f, LT_ETHERNET, f.n, f.n, &d), DEC_OK);
	assert_int_equal(d.icmp_type, 8);
	assert_int_equal(d.icmp_id, 0x1234);
	assert_int_equal(d.icmp_seq, 7);
	assert_int_equal(d.payload_wire, 56);
	every_cut(&f, LT_ETHERNET, 14 + 20 + 8);

	f.n = 0;
	eth(&f, 0x86dd);
	ip = ip6(&f, 58);
	put8(&f, 129); put8(&f, 0); put16(&f, 0); put16(&f, 0x4321); put16(&f, 9);
	ip6_end(&f, ip);
	assert_int_equal(decode(&f, LT_ETHERNET, f.n, f.n, &d), DEC_OK);
	assert_int_equal(d.icmp_type, 129);
	assert_int_equal(d.icmp_id, 0x4321);
	assert_int_equal(d.icmp_seq, 9);
	/* an ICMPv6 type that is not echo: type and code only */
	f.b[14 + 40] = 135;
	assert_int_equal(decode(&f, LT_ETHERNET, f.n, f.n, &d), DEC_OK);
	assert_int_equal(d.icmp_id, 0);
	assert_int_equal(decode(&f, LT_ETHERNET, 14 + 40 + 3, f.n, &d), DEC_R_ICMP_TRUNC);
}

static void test_arp(void **state)
{
	(void)state;
	struct frame f = { .n = 0 };
	eth(&f, 0x0806);
	put16(&f, 1); put16(&f, 0x0800); put8(&f, 6); put8(&f, 4); put16(&f, 1);
	putn(&f, mac_client, 6); putn(&f, ip_client, 4);
	putn(&f, (uint8_t[6]){ 0 }, 6); putn(&f, ip_guest, 4);
	while (f.n < 60)
		put8(&f, 0);
	struct dec_pkt d;
	assert_int_equal(decode(&f, LT_ETHERNET, f.n, f.n, &d), DEC_OK);
	assert_int_equal(d.ipver, 0);
	assert_int_equal(d.ethertype, 0x0806);
	assert_int_equal(d.arp_op, 1);
	assert_memory_equal(d.arp_sha, mac_client, 6);
	assert_memory_equal(d.arp_spa, ip_client, 4);
	assert_memory_equal(d.arp_tpa, ip_guest, 4);
	for (size_t n = 0; n < 14 + 28; n++)
		assert_int_not_equal(decode(&f, LT_ETHERNET, n, f.n, &d), DEC_OK);
}

/* The same UDP datagram behind every other link type. */
static void test_link_types(void **state)
{
	(void)state;
	struct frame ipf = { .n = 0 };
	size_t ip = ip4(&ipf, 17, NULL, 0, 0);
	size_t u = udp(&ipf, 40000, 53);
	putn(&ipf, dns_query, sizeof dns_query);
	udp_end(&ipf, u);
	ip4_end(&ipf, ip);
	struct frame ip6f = { .n = 0 };
	ip = ip6(&ip6f, 17);
	u = udp(&ip6f, 40000, 53);
	putn(&ip6f, dns_query, sizeof dns_query);
	udp_end(&ip6f, u);
	ip6_end(&ip6f, ip);

	struct { uint32_t lt; uint8_t hdr[20]; size_t hlen; const struct frame *ip; int ver; } cases[] = {
		{ LT_LINUX_SLL, { 0, 0, 0, 1, 0, 6, 0x52, 0x54, 0, 0x12, 0x34, 0x56, 0, 0, 0x08, 0 }, 16, &ipf, 4 },
		{ LT_LINUX_SLL, { 0, 4, 0, 1, 0, 6, 0x52, 0x54, 0, 0x12, 0x34, 0x56, 0, 0, 0x86, 0xdd }, 16, &ip6f, 6 },
		{ LT_LINUX_SLL2, { 0x08, 0, 0, 0, 0, 0, 0, 3, 0, 1, 0, 6, 0x52, 0x54, 0, 0x12, 0x34, 0x56, 0, 0 }, 20, &ipf, 4 },
		{ LT_LINUX_SLL2, { 0x86, 0xdd, 0, 0, 0, 0, 0, 3, 0, 1, 4, 6, 0x52, 0x54, 0, 0x12, 0x34, 0x56, 0, 0 }, 20, &ip6f, 6 },
		{ LT_NULL, { 2, 0, 0, 0 }, 4, &ipf, 4 },		/* little-endian host */
		{ LT_NULL, { 0, 0, 0, 2 }, 4, &ipf, 4 },		/* big-endian host */
		{ LT_NULL, { 30, 0, 0, 0 }, 4, &ip6f, 6 },		/* macOS AF_INET6 */
		{ LT_NULL, { 0, 0, 0, 28 }, 4, &ip6f, 6 },		/* FreeBSD, big-endian */
		{ LT_RAW, { 0 }, 0, &ipf, 4 },
		{ LT_RAW, { 0 }, 0, &ip6f, 6 },
		{ LT_IPV4, { 0 }, 0, &ipf, 4 },
		{ LT_IPV6, { 0 }, 0, &ip6f, 6 },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct frame f = { .n = 0 };
		putn(&f, cases[i].hdr, cases[i].hlen);
		putn(&f, cases[i].ip->b, cases[i].ip->n);
		struct dec_pkt d;
		assert_int_equal(decode(&f, cases[i].lt, f.n, f.n, &d), DEC_OK);
		assert_int_equal(d.ipver, cases[i].ver);
		assert_int_equal(d.dport, 53);
		assert_int_equal(d.payload_wire, sizeof dns_query);
		every_cut(&f, cases[i].lt, cases[i].hlen + (cases[i].ver == 4 ? 20 : 40) + 8);
	}
	struct frame f = { .n = 0 };
	putn(&f, ipf.b, ipf.n);
	struct dec_pkt d;
	assert_int_equal(decode(&f, 147, f.n, f.n, &d), DEC_R_LINKTYPE);
	assert_int_equal(decode(&f, LT_IPV6, f.n, f.n, &d), DEC_R_IP_VERSION);
	f.b[0] = 0x55;
	assert_int_equal(decode(&f, LT_RAW, f.n, f.n, &d), DEC_R_IP_VERSION);
	/* an unknown BSD family and an unknown ethertype are not IP, not malformed */
	f.n = 0;
	putn(&f, (uint8_t[4]){ 7, 0, 0, 0 }, 4);
	assert_int_equal(decode(&f, LT_NULL, f.n, f.n, &d), DEC_OK);
	assert_int_equal(d.ipver, 0);
	f.n = 0;
	eth(&f, 0x88cc);	/* LLDP */
	put32(&f, 0);
	assert_int_equal(decode(&f, LT_ETHERNET, f.n, f.n, &d), DEC_OK);
	assert_int_equal(d.ipver, 0);
	assert_int_equal(d.ethertype, 0x88cc);
}

/* TCP SACK blocks on an ACK, and malformed options (a warning, the segment is kept). */
static void test_tcp_sack_and_bad_options(void **state)
{
	(void)state;
	const uint8_t opt[] = { 1, 1, 5, 18, 0, 0, 0x10, 0, 0, 0, 0x20, 0, 0, 0, 0x30, 0, 0, 0, 0x40, 0 };
	struct frame f = { .n = 0 };
	eth(&f, 0x0800);
	size_t ip = ip4(&f, 6, NULL, 0, 0x4000);
	tcp(&f, 80, 45000, 1, 2, TCP_ACK, opt, sizeof opt);
	putn(&f, "HTTP/1.1 200 OK\r\n", 17);
	ip4_end(&f, ip);
	struct dec_pkt d;
	assert_int_equal(decode(&f, LT_ETHERNET, f.n, f.n, &d), DEC_OK);
	assert_int_equal(d.tcp.nsack, 2);
	assert_int_equal(d.tcp.sack[0][0], 0x1000);
	assert_int_equal(d.tcp.sack[0][1], 0x2000);
	assert_int_equal(d.tcp.sack[1][1], 0x4000);
	assert_int_equal(d.payload_wire, 17);
	every_cut(&f, LT_ETHERNET, 14 + 20 + 20);

	size_t o = 14 + 20 + 20;
	f.b[o + 3] = 17;		/* SACK length not 2 + 8n */
	assert_int_equal(decode(&f, LT_ETHERNET, f.n, f.n, &d), DEC_OK);
	assert_int_equal(d.warn, DEC_R_TCP_OPT);
	assert_int_equal(d.payload_wire, 17);
	f.b[o + 3] = 0;			/* length 0: would loop forever if trusted */
	assert_int_equal(decode(&f, LT_ETHERNET, f.n, f.n, &d), DEC_OK);
	assert_int_equal(d.warn, DEC_R_TCP_OPT);
	f.b[o + 3] = 40;		/* runs past the header */
	assert_int_equal(decode(&f, LT_ETHERNET, f.n, f.n, &d), DEC_OK);
	assert_int_equal(d.warn, DEC_R_TCP_OPT);
	f.b[o + 2] = 2;			/* MSS with length 40 */
	assert_int_equal(decode(&f, LT_ETHERNET, f.n, f.n, &d), DEC_OK);
	assert_int_equal(d.warn, DEC_R_TCP_OPT);
	f.b[o + 2] = 99;		/* unknown kind, length checked: 2 + 18 fits exactly */
	f.b[o + 3] = 18;
	assert_int_equal(decode(&f, LT_ETHERNET, f.n, f.n, &d), DEC_OK);
	assert_int_equal(d.warn, 0);
}

/* ---- hostile headers ------------------------------------------------------- */

static void test_ip4_ihl_and_len(void **state)
{
	(void)state;
	struct frame f = f_eth_udp_dns();
	struct dec_pkt d;
	for (unsigned ihl = 0; ihl < 5; ihl++) {
		f.b[14] = (uint8_t)(0x40 | ihl);
		assert_int_equal(decode(&f, LT_ETHERNET, f.n, f.n, &d), DEC_R_IP4_IHL);
	}
	f.b[14] = 0x4f;			/* 60 bytes of header, the UDP header read as options */
	decode(&f, LT_ETHERNET, f.n, f.n, &d);	/* any reason in range (decode checks) */
	assert_int_equal(d.l3_payload_wire, f.n - 14 - 60);
	f.b[14] = 0x45;
	set16(&f, 16, 19);		/* total length below the header */
	assert_int_equal(decode(&f, LT_ETHERNET, f.n, f.n, &d), DEC_R_IP4_LEN);
	set16(&f, 16, 0);		/* 0: a TSO super-packet, the frame's length counts */
	assert_int_equal(decode(&f, LT_ETHERNET, f.n, f.n, &d), DEC_OK);
	assert_int_equal(d.payload_wire, sizeof dns_query);
	set16(&f, 16, 1500);		/* longer than the frame: bounded by the frame */
	assert_int_equal(decode(&f, LT_ETHERNET, f.n, f.n, &d), DEC_OK);
	assert_int_equal(d.l3_payload_wire, f.n - 14 - 20);
	f.b[14] = 0x65;
	assert_int_equal(decode(&f, LT_ETHERNET, f.n, f.n, &d), DEC_R_IP_VERSION);
}

static void test_udp_length(void **state)
{
	(void)state;
	struct frame f = f_eth_udp_dns();
	struct dec_pkt d;
	size_t u = 14 + 20;
	set16(&f, u + 4, 7);
	assert_int_equal(decode(&f, LT_ETHERNET, f.n, f.n, &d), DEC_R_UDP_LEN);
	set16(&f, u + 4, (unsigned)(f.n - u + 1));
	assert_int_equal(decode(&f, LT_ETHERNET, f.n, f.n, &d), DEC_R_UDP_LEN);
	set16(&f, u + 4, 8 + 12);	/* shorter than IP says: the rest is not payload */
	assert_int_equal(decode(&f, LT_ETHERNET, f.n, f.n, &d), DEC_OK);
	assert_int_equal(d.payload_wire, 12);
	assert_int_equal(cur_left(&d.payload), 12);
}

static void test_tcp_data_offset(void **state)
{
	(void)state;
	struct frame f = f_vlan_tcp_syn();
	struct dec_pkt d;
	size_t t = 18 + 20;
	f.b[t + 12] = 0xf0;		/* 60 bytes of header in a 40-byte segment */
	assert_int_equal(decode(&f, LT_ETHERNET, f.n, f.n, &d), DEC_R_TCP_DOFF);
	for (unsigned doff = 0; doff < 5; doff++) {
		f.b[t + 12] = (uint8_t)(doff << 4);
		assert_int_equal(decode(&f, LT_ETHERNET, f.n, f.n, &d), DEC_R_TCP_DOFF);
	}
	/* a header the IP length cannot hold at all */
	f.b[t + 12] = 0xa0;
	set16(&f, 18 + 2, 20 + 12);
	assert_int_equal(decode(&f, LT_ETHERNET, f.n, f.n, &d), DEC_R_TCP_TRUNC);
}

static void test_vlan_and_link_truncated(void **state)
{
	(void)state;
	struct frame f = f_vlan_tcp_syn();
	struct dec_pkt d;
	assert_int_equal(decode(&f, LT_ETHERNET, 16, 16, &d), DEC_R_VLAN_TRUNC);
	assert_int_equal(decode(&f, LT_ETHERNET, 13, 13, &d), DEC_R_L2_TRUNC);
	assert_int_equal(decode(&f, LT_ETHERNET, 19, 100, &d), DEC_R_IP4_TRUNC);
	assert_int_equal(decode(&f, LT_LINUX_SLL2, 19, 19, &d), DEC_R_L2_TRUNC);
	assert_int_equal(decode(&f, LT_NULL, 3, 3, &d), DEC_R_L2_TRUNC);
	assert_int_equal(decode(&f, LT_RAW, 0, 0, &d), DEC_R_IP4_TRUNC);
	/* many stacked tags: only two kept, no overrun */
	f.n = 0;
	eth(&f, 0x8100);
	for (int i = 0; i < 6; i++) {
		put16(&f, (unsigned)i + 1);
		put16(&f, 0x8100);
	}
	assert_int_equal(decode(&f, LT_ETHERNET, f.n, f.n, &d), DEC_R_VLAN_TRUNC);
	assert_int_equal(d.nvlan, 2);
}

static void test_reasons_and_addresses(void **state)
{
	(void)state;
	assert_string_equal(dec_reason_text(DEC_R_IP4_IHL), "IPv4 IHL below 5");
	assert_string_equal(dec_reason_key(DEC_R_IP4_IHL), "ip4_ihl");
	assert_string_equal(dec_reason_key(-DEC_R_HTTP_LINE), "http_line");
	assert_string_equal(dec_reason_key(DEC_R_DNS_LABEL_TYPE), "dns_label_type");
	assert_string_equal(dec_reason_key(DEC_R_MAX), "unknown");
	for (int r = 1; r < DEC_R_MAX; r++) {
		assert_true(strlen(dec_reason_key(r)) > 2);
		assert_string_not_equal(dec_reason_text(r), "unknown reason");
	}
	struct ipaddr a, b;
	char s[64];
	assert_int_equal(ipaddr_parse("10.0.0.1", &a), 0);
	assert_int_equal(a.family, 4);
	assert_string_equal(ipaddr_str(&a, s, sizeof s), "10.0.0.1");
	assert_int_equal(ipaddr_parse("2001:db8:0:0:0::1", &b), 0);
	assert_string_equal(ipaddr_str(&b, s, sizeof s), "2001:db8::1");
	assert_false(ipaddr_eq(&a, &b));
	struct ipaddr c = a;
	c.b[10] = 9;			/* bytes past an IPv4 address do not count */
	assert_true(ipaddr_eq(&a, &c));
	assert_int_not_equal(ipaddr_parse("10.0.0.256", &a), 0);
	assert_int_not_equal(ipaddr_parse("", &a), 0);
	assert_int_equal(a.family, 0);
	assert_string_equal(ipaddr_str(&a, s, sizeof s), "-");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_eth_ip4_udp),
		cmocka_unit_test(test_vlan_tcp_options),
		cmocka_unit_test(test_qinq_ip6_tcp_payload),
		cmocka_unit_test(test_ethernet_padding),
		cmocka_unit_test(test_ip4_options),
		cmocka_unit_test(test_ip4_fragments),
		cmocka_unit_test(test_ip6_extensions),
		cmocka_unit_test(test_ip6_fragment),
		cmocka_unit_test(test_icmp_echo),
		cmocka_unit_test(test_arp),
		cmocka_unit_test(test_link_types),
		cmocka_unit_test(test_tcp_sack_and_bad_options),
		cmocka_unit_test(test_ip4_ihl_and_len),
		cmocka_unit_test(test_udp_length),
		cmocka_unit_test(test_tcp_data_offset),
		cmocka_unit_test(test_vlan_and_link_truncated),
		cmocka_unit_test(test_reasons_and_addresses),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
