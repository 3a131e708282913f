/* SPDX-License-Identifier: BSD-3-Clause */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "stpwatch/cursor.h"

static const uint8_t bytes[] = { 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09 };

static void test_reads_in_order(void **state)
{
	(void)state;
	struct cursor c = cursor_make(bytes, sizeof(bytes));
	assert_int_equal(cursor_u8(&c), 0x01);
	assert_int_equal(cursor_be16(&c), 0x0203);
	assert_int_equal(cursor_le16(&c), 0x0504);
	assert_int_equal(cursor_be32(&c), 0x06070809);
	assert_false(c.truncated);
	assert_int_equal(cursor_remaining(&c), 0);
}

static void test_exact_fit_is_not_truncated(void **state)
{
	(void)state;
	struct cursor c = cursor_make(bytes, 8);
	assert_true(cursor_be64(&c) == 0x0102030405060708ULL);
	assert_false(c.truncated);
}

static void test_one_short_truncates_and_is_sticky(void **state)
{
	(void)state;
	struct cursor c = cursor_make(bytes, 7);
	assert_true(cursor_be64(&c) == 0);
	assert_true(c.truncated);
	assert_int_equal(c.pos, 0);           /* nothing consumed */
	assert_int_equal(cursor_u8(&c), 0);   /* sticky: even a byte that exists */
	assert_true(c.truncated);
}

static void test_every_width_at_its_boundary(void **state)
{
	(void)state;
	for (size_t len = 0; len < 8; len++) {
		struct cursor c16 = cursor_make(bytes, len);
		(void)cursor_be16(&c16);
		assert_true(c16.truncated == (len < 2));
		struct cursor c32 = cursor_make(bytes, len);
		(void)cursor_be32(&c32);
		assert_true(c32.truncated == (len < 4));
		struct cursor cl32 = cursor_make(bytes, len);
		(void)cursor_le32(&cl32);
		assert_true(cl32.truncated == (len < 4));
		struct cursor c64 = cursor_make(bytes, len);
		(void)cursor_be64(&c64);
		assert_true(c64.truncated);
	}
}

static void test_copy_zero_fills_on_truncation(void **state)
{
	(void)state;
	uint8_t dst[4] = { 0xaa, 0xaa, 0xaa, 0xaa };
	struct cursor c = cursor_make(bytes, 3);
	assert_false(cursor_copy(&c, dst, 4));
	assert_int_equal(dst[0], 0);
	assert_int_equal(dst[3], 0);
	c = cursor_make(bytes, 4);
	assert_true(cursor_copy(&c, dst, 4));
	assert_memory_equal(dst, bytes, 4);
}

static void test_skip(void **state)
{
	(void)state;
	struct cursor c = cursor_make(bytes, 4);
	assert_true(cursor_skip(&c, 4));
	assert_false(cursor_skip(&c, 1));
	assert_true(c.truncated);
	c = cursor_make(bytes, 4);
	assert_true(cursor_skip(&c, 0));
	assert_false(c.truncated);
}

static void test_sub_cursor(void **state)
{
	(void)state;
	struct cursor c = cursor_make(bytes, sizeof(bytes));
	cursor_u8(&c);
	struct cursor s = cursor_sub(&c, 3);
	assert_int_equal(s.len, 3);
	assert_int_equal(cursor_be16(&s), 0x0203);
	assert_int_equal(cursor_be16(&s), 0);  /* only one byte left in the sub-cursor */
	assert_true(s.truncated);
	assert_false(c.truncated);
	assert_int_equal(cursor_u8(&c), 0x05);

	/* Asking for more than there is: the sub-cursor gets the rest, the parent is truncated. */
	struct cursor big = cursor_sub(&c, 100);
	assert_int_equal(big.len, 4);
	assert_false(big.truncated);
	assert_true(c.truncated);
}

static void test_empty_buffer(void **state)
{
	(void)state;
	struct cursor c = cursor_make(NULL, 0);
	assert_int_equal(cursor_u8(&c), 0);
	assert_true(c.truncated);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reads_in_order),
		cmocka_unit_test(test_exact_fit_is_not_truncated),
		cmocka_unit_test(test_one_short_truncates_and_is_sticky),
		cmocka_unit_test(test_every_width_at_its_boundary),
		cmocka_unit_test(test_copy_zero_fills_on_truncation),
		cmocka_unit_test(test_skip),
		cmocka_unit_test(test_sub_cursor),
		cmocka_unit_test(test_empty_buffer),
	};
	return cmocka_run_group_tests_name("cursor", tests, NULL, NULL);
}
