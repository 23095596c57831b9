/* Bridge port roles from names and rtnl kinds, and from names alone; Xen vif
 * domain ids. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include "bridge-setup/br_role.h"

static void xen_vif_names(void **state)
{
	(void)state;
	int d = -1, n = -1;
	assert_int_equal(br_xen_vif("vif1.0", &d, &n), 0);
	assert_int_equal(d, 1);
	assert_int_equal(n, 0);
	assert_int_equal(br_xen_vif("vif23.4", &d, &n), 0);
	assert_int_equal(d, 23);
	assert_int_equal(n, 4);
	assert_int_equal(br_xen_vif("vif7.1-emu", &d, &n), 0);
	assert_int_equal(d, 7);
	assert_int_equal(n, 1);
	static const char *const bad[] = { "vif", "vif1", "vif1.", "vif.0", "vifa.0", "vif1.0x", "vif1.0-emux",
					   "xvif1.0", "vif1,0", "", "vif99999999.0" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		d = n = -5;
		assert_int_equal(br_xen_vif(bad[i], &d, &n), -22);
		assert_int_equal(d, -5);	/* untouched on error */
	}
	assert_int_equal(br_xen_vif(NULL, &d, &n), -22);
}

static void roles(void **state)
{
	(void)state;
	static const struct {
		const char *name, *kind;
		enum br_role role;
	} cases[] = {
		{ "vif1.0", NULL, BR_ROLE_VIF },	/* Xen netback: no rtnl kind */
		{ "vif1.0", "veth", BR_ROLE_VIF },	/* the testbed's */
		{ "vif3.0-emu", "tun", BR_ROLE_VIF },
		{ "tap0", "tun", BR_ROLE_VIF },
		{ "vnet12", "tun", BR_ROLE_VIF },
		{ "mytap", "tun", BR_ROLE_VIF },	/* any TUN/TAP */
		{ "peth0", NULL, BR_ROLE_UPLINK },
		{ "peth0", "veth", BR_ROLE_UPLINK },	/* the testbed's uplink */
		{ "eth1", NULL, BR_ROLE_UPLINK },
		{ "eno1", NULL, BR_ROLE_UPLINK },
		{ "enp3s0f1", NULL, BR_ROLE_UPLINK },
		{ "bond0", "bond", BR_ROLE_UPLINK },
		{ "uplink", NULL, BR_ROLE_UPLINK },	/* real driver, odd name */
		{ "eth0.100", "vlan", BR_ROLE_UPLINK },
		{ "veth12ab", "veth", BR_ROLE_VETH },
		{ "lnk-c", "veth", BR_ROLE_VETH },
		{ "vxlan0", "vxlan", BR_ROLE_OTHER },
		{ "tapx", "dummy", BR_ROLE_OTHER },	/* tap needs digits */
		{ "", NULL, BR_ROLE_OTHER },
		{ "ethx", "veth", BR_ROLE_VETH },
		{ "vnet", "veth", BR_ROLE_VETH },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		enum br_role r = br_classify(cases[i].name, cases[i].kind);
		if (r != cases[i].role)
			fail_msg("%s/%s: %s, expected %s", cases[i].name, cases[i].kind ? cases[i].kind : "-",
				 br_role_name(r), br_role_name(cases[i].role));
	}
	assert_int_equal(br_classify(NULL, NULL), BR_ROLE_OTHER);
	assert_int_equal(br_classify("eno1", ""), BR_ROLE_UPLINK);	/* empty kind: hardware */
}

/* A capture file's interface names carry no kind. */
static void roles_by_name(void **state)
{
	(void)state;
	assert_int_equal(br_classify_name("vif1.0"), BR_ROLE_VIF);
	assert_int_equal(br_classify_name("vif7.1-emu"), BR_ROLE_VIF);
	assert_int_equal(br_classify_name("tap3"), BR_ROLE_VIF);
	assert_int_equal(br_classify_name("vnet0"), BR_ROLE_VIF);
	assert_int_equal(br_classify_name("peth0"), BR_ROLE_UPLINK);
	assert_int_equal(br_classify_name("enp3s0f1"), BR_ROLE_UPLINK);
	assert_int_equal(br_classify_name("bond0"), BR_ROLE_UPLINK);
	assert_int_equal(br_classify_name("mytap"), BR_ROLE_OTHER);	/* no kind: not a TAP */
	assert_int_equal(br_classify_name("uplink"), BR_ROLE_OTHER);	/* no driver to go by */
	assert_int_equal(br_classify_name("vs"), BR_ROLE_OTHER);
	assert_int_equal(br_classify_name(""), BR_ROLE_OTHER);
	assert_int_equal(br_classify_name(NULL), BR_ROLE_OTHER);
}

static void role_names(void **state)
{
	(void)state;
	assert_string_equal(br_role_name(BR_ROLE_UPLINK), "uplink");
	assert_string_equal(br_role_name(BR_ROLE_VIF), "vif");
	assert_string_equal(br_role_name(BR_ROLE_VETH), "veth");
	assert_string_equal(br_role_name(BR_ROLE_OTHER), "other");
}

int main(void)
{
	const struct CMUnitTest t[] = {
		cmocka_unit_test(xen_vif_names),
		cmocka_unit_test(roles),
		cmocka_unit_test(roles_by_name),
		cmocka_unit_test(role_names),
	};
	return cmocka_run_group_tests(t, NULL, NULL);
}
