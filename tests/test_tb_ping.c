/* The Internet checksum used by the testbed's ICMP echo. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include "bridge-setup/testbed/tb_ping.h"

static void rfc1071_example(void **state)
{
	(void)state;
	/* RFC 1071 section 3: the one's complement sum of these words is 0xddf2. */
	static const uint8_t b[] = { 0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7 };
	assert_int_equal(tb_inet_csum(b, sizeof b), (uint16_t)~0xddf2);
}

static void verifies_to_zero(void **state)
{
	(void)state;
	/* An echo request with its checksum filled in sums to zero; odd lengths pad with zero. */
	uint8_t m[9] = { 8, 0, 0, 0, 0x12, 0x34, 0, 1, 'x' };
	uint16_t c = tb_inet_csum(m, sizeof m);
	m[2] = (uint8_t)(c >> 8);
	m[3] = (uint8_t)c;
	assert_int_equal(tb_inet_csum(m, sizeof m), 0);
	assert_int_equal(tb_inet_csum(m, 0), 0xffff);
}

int main(void)
{
	const struct CMUnitTest t[] = {
		cmocka_unit_test(rfc1071_example),
		cmocka_unit_test(verifies_to_zero),
	};
	return cmocka_run_group_tests(t, NULL, NULL);
}
