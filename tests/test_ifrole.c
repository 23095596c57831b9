/* Bridge port roles from names and rtnl kinds, and from names alone; Xen vif
 * domain ids. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include "decode/ifrole.h"

static void xen_vif_names(void **state)
{
	(void)state;
	int d = -1, n = -1;
	assert_int_equal(ifrole_xen_vif("vif1.0", &d, &n), 0);
	assert_int_equal(d, 1);
	assert_int_equal(n, 0);
	assert_int_equal(ifrole_xen_vif("vif23.4", &d, &n), 0);
	assert_int_equal(d, 23);
	assert_int_equal(n, 4);
	assert_int_equal(ifrole_xen_vif("vif7.1-emu", &d, &n), 0);
	assert_int_equal(d, 7);
	assert_int_equal(n, 1);
	static const char *const bad[] = { "vif", "vif1", "vif1.", "vif.0", "vifa.0", "vif1.0x", "vif1.0-emux",
					   "xvif1.0", "vif1,0", "", "vif99999999.0" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		d = n = -5;
		assert_int_equal(ifrole_xen_vif(bad[i], &d, &n), -22);
		assert_int_equal(d, -5);	/* untouched on error */
	}
	assert_int_equal(ifrole_xen_vif(NULL, &d, &n), -22);
}

static void roles(void **state)
{
	(void)state;
	static const struct {
		const char *name, *kind;
		enum ifrole role;
	} cases[] = {
		{ "vif1.0", NULL, IFROLE_VIF },	/* Xen netback: no rtnl kind */
		{ "vif1.0", "veth", IFROLE_VIF },	/* the testbed's */
		{ "vif3.0-emu", "tun", IFROLE_VIF },
		{ "tap0", "tun", IFROLE_VIF },
		{ "vnet12", "tun", IFROLE_VIF },
		{ "mytap", "tun", IFROLE_VIF },	/* any TUN/TAP */
		{ "peth0", NULL, IFROLE_UPLINK },
		{ "peth0", "veth", IFROLE_UPLINK },	/* the testbed's uplink */
		{ "eth1", NULL, IFROLE_UPLINK },
		{ "eno1", NULL, IFROLE_UPLINK },
		{ "enp3s0f1", NULL, IFROLE_UPLINK },
		{ "bond0", "bond", IFROLE_UPLINK },
		{ "uplink", NULL, IFROLE_UPLINK },	/* real driver, odd name */
		{ "eth0.100", "vlan", IFROLE_UPLINK },
		{ "veth12ab", "veth", IFROLE_VETH },
		{ "lnk-c", "veth", IFROLE_VETH },
		{ "vxlan0", "vxlan", IFROLE_OTHER },
		{ "tapx", "dummy", IFROLE_OTHER },	/* tap needs digits */
		{ "", NULL, IFROLE_OTHER },
		{ "ethx", "veth", IFROLE_VETH },
		{ "vnet", "veth", IFROLE_VETH },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		enum ifrole r = ifrole_classify(cases[i].name, cases[i].kind);
		if (r != cases[i].role)
			fail_msg("%s/%s: %s, expected %s", cases[i].name, cases[i].kind ? cases[i].kind : "-",
				 ifrole_name(r), ifrole_name(cases[i].role));
	}
	assert_int_equal(ifrole_classify(NULL, NULL), IFROLE_OTHER);
	assert_int_equal(ifrole_classify("eno1", ""), IFROLE_UPLINK);	/* empty kind: hardware */
}

/* A capture file's interface names carry no kind. */
static void roles_by_name(void **state)
{
	(void)state;
	assert_int_equal(ifrole_by_name("vif1.0"), IFROLE_VIF);
	assert_int_equal(ifrole_by_name("vif7.1-emu"), IFROLE_VIF);
	assert_int_equal(ifrole_by_name("tap3"), IFROLE_VIF);
	assert_int_equal(ifrole_by_name("vnet0"), IFROLE_VIF);
	assert_int_equal(ifrole_by_name("peth0"), IFROLE_UPLINK);
	assert_int_equal(ifrole_by_name("enp3s0f1"), IFROLE_UPLINK);
	assert_int_equal(ifrole_by_name("bond0"), IFROLE_UPLINK);
	assert_int_equal(ifrole_by_name("mytap"), IFROLE_OTHER);	/* no kind: not a TAP */
	assert_int_equal(ifrole_by_name("uplink"), IFROLE_OTHER);	/* no driver to go by */
	assert_int_equal(ifrole_by_name("vs"), IFROLE_OTHER);
	assert_int_equal(ifrole_by_name(""), IFROLE_OTHER);
	assert_int_equal(ifrole_by_name(NULL), IFROLE_OTHER);
}

/* Of a capture's interfaces, the one for a role: the only vif name; the
 * only NIC name, else of two the one not a vif; nothing when unsure. */
static void pick(void **state)
{
	(void)state;
	const char *dom0[] = { "peth0", "vif1.0", "br0" }, *two[] = { "porta", "vif1.0" };
	const char *vifs[] = { "vif1.0", "vif2.0", "peth0" }, *none[] = { "porta", "portb" };
	const char *unnamed[] = { NULL, "vif1.0" };
	assert_int_equal(ifrole_pick(dom0, 3, IFROLE_UPLINK), 0);
	assert_int_equal(ifrole_pick(dom0, 3, IFROLE_VIF), 1);
	assert_int_equal(ifrole_pick(two, 2, IFROLE_UPLINK), 0);	/* of two, the one not a vif */
	assert_int_equal(ifrole_pick(vifs, 3, IFROLE_VIF), -1);		/* two guests: which? */
	assert_int_equal(ifrole_pick(vifs, 3, IFROLE_UPLINK), 2);
	assert_int_equal(ifrole_pick(none, 2, IFROLE_VIF), -1);
	assert_int_equal(ifrole_pick(none, 2, IFROLE_UPLINK), -1);
	assert_int_equal(ifrole_pick(unnamed, 2, IFROLE_UPLINK), -1);	/* an unnamed one is not picked */
}

static void role_names(void **state)
{
	(void)state;
	assert_string_equal(ifrole_name(IFROLE_UPLINK), "uplink");
	assert_string_equal(ifrole_name(IFROLE_VIF), "vif");
	assert_string_equal(ifrole_name(IFROLE_VETH), "veth");
	assert_string_equal(ifrole_name(IFROLE_OTHER), "other");
}

int main(void)
{
	const struct CMUnitTest t[] = {
		cmocka_unit_test(xen_vif_names),
		cmocka_unit_test(roles),
		cmocka_unit_test(roles_by_name),
		cmocka_unit_test(role_names),
		cmocka_unit_test(pick),
	};
	return cmocka_run_group_tests(t, NULL, NULL);
}
