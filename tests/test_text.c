/* Text from files and the wire made safe to print (common/text.c): valid
 * UTF-8 as it is, every control byte (C0, DEL, C1 in UTF-8) and every byte
 * that is not valid UTF-8 (stray continuation, overlong, surrogate, past
 * U+10FFFF, cut short) as \xNN; the output is cut at whole characters or
 * escapes, always terminated. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "common/text.h"

static const char *safe(const char *s)
{
	static char b[256];
	return text_safe(s, b, sizeof b);
}

static void test_plain(void **state)
{
	(void)state;
	assert_string_equal(safe(""), "");
	assert_string_equal(safe("eth0"), "eth0");
	assert_string_equal(safe("vif1.0 \"quoted\" a\\b"), "vif1.0 \"quoted\" a\\b");
	assert_string_equal(safe("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"),
			    "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
}

static void test_controls(void **state)
{
	(void)state;
	assert_string_equal(safe("\x1b[2J\x1b[31mvif1.0"), "\\x1b[2J\\x1b[31mvif1.0");
	assert_string_equal(safe("a\tb\r\nc\x07\x7f"), "a\\x09b\\x0d\\x0ac\\x07\\x7f");
	/* C1: CSI (U+009B) as UTF-8, which some terminals obey */
	assert_string_equal(safe("x\xc2\x9b" "2J"), "x\\xc2\\x9b2J");
	assert_string_equal(safe("\xc2\xa0"), "\xc2\xa0");	/* U+00A0 is printable */
}

static void test_invalid(void **state)
{
	(void)state;
	assert_string_equal(safe("\xff\xfe"), "\\xff\\xfe");
	assert_string_equal(safe("\x80z"), "\\x80z");			/* stray continuation */
	assert_string_equal(safe("\xc0\xaf"), "\\xc0\\xaf");		/* overlong '/' */
	assert_string_equal(safe("\xe0\x80\xaf"), "\\xe0\\x80\\xaf");	/* overlong, 3 bytes */
	assert_string_equal(safe("\xed\xa0\x80"), "\\xed\\xa0\\x80");	/* surrogate */
	assert_string_equal(safe("\xf4\x90\x80\x80"), "\\xf4\\x90\\x80\\x80");	/* > U+10FFFF */
	assert_string_equal(safe("\xe2\x82"), "\\xe2\\x82");		/* cut short */
	assert_string_equal(safe("\xc3(\xe2\x82"), "\\xc3(\\xe2\\x82");
}

static void test_cut(void **state)
{
	(void)state;
	char b[8];
	assert_string_equal(text_safe("abcdefghij", b, sizeof b), "abcdefg");
	assert_string_equal(text_safe("abcde\x1b", b, sizeof b), "abcde");	/* no half escape */
	assert_string_equal(text_safe("ab\x1b" "cd", b, sizeof b), "ab\\x1bc");
	assert_string_equal(text_safe("abcde\xc3\xa9", b, sizeof b), "abcde\xc3\xa9");
	assert_string_equal(text_safe("abcdef\xc3\xa9", b, sizeof b), "abcdef");	/* whole chars */
	assert_string_equal(text_safe("abc", b, 1), "");
	char big[TEXT_SAFE_CAP(4)];
	assert_string_equal(text_safe("\xff\xff\xff\xff", big, sizeof big), "\\xff\\xff\\xff\\xff");
}

static void test_utf8_char(void **state)
{
	(void)state;
	uint32_t cp = 0;
	assert_int_equal(text_utf8_char((const unsigned char *)"A", 1, &cp), 1);
	assert_int_equal(cp, 'A');
	assert_int_equal(text_utf8_char((const unsigned char *)"\xe2\x82\xac", 3, &cp), 3);
	assert_int_equal(cp, 0x20ac);
	assert_int_equal(text_utf8_char((const unsigned char *)"\xe2\x82\xac", 2, &cp), 0);
	assert_int_equal(text_utf8_char((const unsigned char *)"\x1b", 1, &cp), 0);
	assert_int_equal(text_utf8_char((const unsigned char *)"", 0, &cp), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain),
		cmocka_unit_test(test_controls),
		cmocka_unit_test(test_invalid),
		cmocka_unit_test(test_cut),
		cmocka_unit_test(test_utf8_char),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
