/* pt_config: pt_dir, the one decision of which side is the client, rule by
 * rule and in its order of precedence. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "analysis/point/pt_config.h"

static struct ipaddr v4(uint8_t last)
{
	struct ipaddr a = { .family = 4, .b = { 10, 0, 0, last } };
	return a;
}

/* 10.0.0.1:sport -> 10.0.0.2:dport */
static struct dec_pkt pkt(uint8_t proto, uint16_t sport, uint16_t dport, uint8_t flags)
{
	struct dec_pkt d;
	memset(&d, 0, sizeof d);
	d.ipver = 4;
	d.src = v4(1);
	d.dst = v4(2);
	d.proto = proto;
	d.sport = sport;
	d.dport = dport;
	d.tcp.flags = flags;
	return d;
}

static void test_service_ports(void **st)
{
	(void)st;
	struct pt_config c;
	pt_config_default(&c);
	struct dec_pkt d = pkt(17, 40000, 53, 0);
	assert_int_equal(pt_dir(&c, NULL, &d), PT_DIR_TO_SERVER);
	d = pkt(17, 53, 40000, 0);
	assert_int_equal(pt_dir(&c, NULL, &d), PT_DIR_TO_CLIENT);
	d = pkt(6, 40000, 80, TCP_ACK);
	assert_int_equal(pt_dir(&c, NULL, &d), PT_DIR_TO_SERVER);
	d = pkt(6, 80, 40000, TCP_ACK);
	assert_int_equal(pt_dir(&c, NULL, &d), PT_DIR_TO_CLIENT);
	d = pkt(6, 53, 40000, TCP_ACK);			/* DNS over TCP */
	assert_int_equal(pt_dir(&c, NULL, &d), PT_DIR_TO_CLIENT);
	d = pkt(17, 40000, 80, 0);			/* HTTP is TCP here */
	assert_int_equal(pt_dir(&c, NULL, &d), PT_DIR_UNKNOWN);
	d = pkt(6, 40000, 40001, TCP_ACK);
	assert_int_equal(pt_dir(&c, NULL, &d), PT_DIR_UNKNOWN);
	d = pkt(6, 80, 53, TCP_ACK);			/* both: the destination decides */
	assert_int_equal(pt_dir(&c, NULL, &d), PT_DIR_TO_SERVER);
	/* configured ports, and the defaults without a configuration */
	c.http_ports[c.n_http_ports++] = 8080;
	d = pkt(6, 8080, 40000, TCP_ACK);
	assert_int_equal(pt_dir(&c, NULL, &d), PT_DIR_TO_CLIENT);
	assert_int_equal(pt_dir(NULL, NULL, &d), PT_DIR_UNKNOWN);
	d = pkt(17, 40000, 53, 0);
	assert_int_equal(pt_dir(NULL, NULL, &d), PT_DIR_TO_SERVER);
}

/* On service traffic the handshake says who the client is, whatever port
 * it sends from; other traffic stays unknown, handshake or not. */
static void test_tcp_handshake(void **st)
{
	(void)st;
	struct pt_config c;
	pt_config_default(&c);
	c.http_ports[c.n_http_ports++] = 8080;
	struct dec_pkt d = pkt(6, 8080, 80, TCP_SYN);	/* a client on port 8080 */
	assert_int_equal(pt_dir(&c, NULL, &d), PT_DIR_TO_SERVER);
	d = pkt(6, 80, 8080, TCP_SYN | TCP_ACK);
	assert_int_equal(pt_dir(&c, NULL, &d), PT_DIR_TO_CLIENT);
	d = pkt(6, 80, 8080, TCP_ACK);			/* by ports: the destination's */
	assert_int_equal(pt_dir(&c, NULL, &d), PT_DIR_TO_SERVER);
	d = pkt(6, 40000, 40001, TCP_SYN);
	assert_int_equal(pt_dir(&c, NULL, &d), PT_DIR_UNKNOWN);
	d = pkt(6, 40001, 40000, TCP_SYN | TCP_ACK);
	assert_int_equal(pt_dir(&c, NULL, &d), PT_DIR_UNKNOWN);
}

static void test_icmp_echo(void **st)
{
	(void)st;
	struct dec_pkt d = pkt(1, 0, 0, 0);
	d.icmp_type = 8;
	assert_int_equal(pt_dir(NULL, NULL, &d), PT_DIR_TO_SERVER);
	d.icmp_type = 0;
	assert_int_equal(pt_dir(NULL, NULL, &d), PT_DIR_TO_CLIENT);
	d = pkt(58, 0, 0, 0);
	d.icmp_type = 128;
	assert_int_equal(pt_dir(NULL, NULL, &d), PT_DIR_TO_SERVER);
	d.icmp_type = 129;
	assert_int_equal(pt_dir(NULL, NULL, &d), PT_DIR_TO_CLIENT);
	d.icmp_type = 3;				/* not an echo */
	d.proto = 1;
	assert_int_equal(pt_dir(NULL, NULL, &d), PT_DIR_UNKNOWN);
}

/* The guest's address comes first; a fragment has nothing else to go by. */
static void test_guest_first(void **st)
{
	(void)st;
	struct pt_config c;
	pt_config_default(&c);
	struct ipaddr g = v4(1), none = { 0 };
	struct dec_pkt d = pkt(17, 53, 40000, 0);	/* from the guest, which asks */
	assert_int_equal(pt_dir(&c, &g, &d), PT_DIR_TO_CLIENT);
	d = pkt(6, 40000, 80, TCP_SYN);
	assert_int_equal(pt_dir(&c, &g, &d), PT_DIR_TO_CLIENT);
	g = v4(2);
	d = pkt(6, 80, 40000, TCP_SYN | TCP_ACK);
	assert_int_equal(pt_dir(&c, &g, &d), PT_DIR_TO_SERVER);
	assert_int_equal(pt_dir(&c, &none, &d), PT_DIR_TO_CLIENT);	/* no guest given */
	d = pkt(17, 0, 0, 0);
	d.is_frag = 1;
	assert_int_equal(pt_dir(&c, &g, &d), PT_DIR_TO_SERVER);
	assert_int_equal(pt_dir(&c, NULL, &d), PT_DIR_UNKNOWN);
	d.proto = 1;					/* icmp_type 0 is not read */
	assert_int_equal(pt_dir(&c, NULL, &d), PT_DIR_UNKNOWN);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_service_ports),
		cmocka_unit_test(test_tcp_handshake),
		cmocka_unit_test(test_icmp_echo),
		cmocka_unit_test(test_guest_first),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
