/* SPDX-License-Identifier: BSD-3-Clause */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "stpwatch/json.h"

static void test_object_with_commas(void **state)
{
	(void)state;
	struct sbuf s;
	struct json j;
	sbuf_init(&s);
	json_init(&j, &s, false);
	json_object_begin(&j, NULL);
	json_string(&j, "a", "x");
	json_uint(&j, "b", 18446744073709551615ULL);
	json_int(&j, "c", -5);
	json_array_begin(&j, "d");
	json_bool(&j, NULL, true);
	json_null(&j, NULL);
	json_array_end(&j);
	json_object_begin(&j, "e");
	json_object_end(&j);
	json_fixed(&j, "f", 20.0, 8);
	json_fixed(&j, "g", 1.0 / 256, 8);
	json_object_end(&j);
	assert_string_equal(sbuf_str(&s),
		"{\"a\":\"x\",\"b\":18446744073709551615,\"c\":-5,\"d\":[true,null],"
		"\"e\":{},\"f\":20.0,\"g\":0.00390625}");
	sbuf_free(&s);
}

static void test_escapes_hostile_bytes(void **state)
{
	(void)state;
	struct sbuf s;
	sbuf_init(&s);
	/* quote, backslash, newline, ESC (terminal control), DEL, a stray 0xff, valid UTF-8 é */
	const uint8_t in[] = { '"', '\\', '\n', 0x1b, '[', '2', 'J', 0x7f, 0xff, 0xc3, 0xa9, 0x00, 'z' };
	json_escape_bytes(&s, in, sizeof(in));
	assert_string_equal(sbuf_str(&s),
		"\\\"\\\\\\n\\u001b[2J\\u007f\\u00ff\xc3\xa9\\u0000z");
	sbuf_free(&s);
}

static void test_rejects_overlong_and_surrogates(void **state)
{
	(void)state;
	struct sbuf s;
	sbuf_init(&s);
	const uint8_t overlong[] = { 0xc0, 0xaf };           /* '/' encoded in 2 bytes */
	const uint8_t surrogate[] = { 0xed, 0xa0, 0x80 };    /* U+D800 */
	const uint8_t cut[] = { 0xe2, 0x82 };                /* sequence cut short */
	json_escape_bytes(&s, overlong, sizeof(overlong));
	json_escape_bytes(&s, surrogate, sizeof(surrogate));
	json_escape_bytes(&s, cut, sizeof(cut));
	assert_string_equal(sbuf_str(&s),
		"\\u00c0\\u00af\\u00ed\\u00a0\\u0080\\u00e2\\u0082");
	sbuf_free(&s);
}

static void test_pretty(void **state)
{
	(void)state;
	struct sbuf s;
	struct json j;
	sbuf_init(&s);
	json_init(&j, &s, true);
	json_object_begin(&j, NULL);
	json_uint(&j, "a", 1);
	json_array_begin(&j, "b");
	json_array_end(&j);
	json_object_end(&j);
	assert_string_equal(sbuf_str(&s), "{\n  \"a\": 1,\n  \"b\": []\n}");
	sbuf_free(&s);
}

static void test_sbuf_grows(void **state)
{
	(void)state;
	struct sbuf s;
	sbuf_init(&s);
	for (int i = 0; i < 10000; i++)
		sbuf_printf(&s, "%04d", i % 10000);
	assert_int_equal(s.len, 40000);
	assert_memory_equal(s.buf + 39996, "9999", 4);
	char big[1000];
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	sbuf_reset(&s);
	sbuf_printf(&s, "%s", big);   /* longer than the small first attempt */
	assert_int_equal(s.len, 999);
	assert_false(sbuf_failed(&s));
	sbuf_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_object_with_commas),
		cmocka_unit_test(test_escapes_hostile_bytes),
		cmocka_unit_test(test_rejects_overlong_and_surrogates),
		cmocka_unit_test(test_pretty),
		cmocka_unit_test(test_sbuf_grows),
	};
	return cmocka_run_group_tests_name("json", tests, NULL, NULL);
}
