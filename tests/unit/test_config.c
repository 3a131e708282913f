/* SPDX-License-Identifier: BSD-3-Clause */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "stpwatch/config.h"

static bool parse(struct stpwatch_config *c, const char *text, char *err)
{
	config_defaults(c);
	return config_parse(c, text, strlen(text), err, 200);
}

static void test_defaults(void **state)
{
	(void)state;
	struct stpwatch_config c;
	config_defaults(&c);
	assert_string_equal(c.taps, "tap*,vnet*");
	assert_ptr_equal(c.engine.tap_patterns, c.taps);
	assert_string_equal(c.state_dir, "/var/lib/stpwatch");
	assert_true(c.engine.echo_window > 0);
}

static void test_every_kind_of_value(void **state)
{
	(void)state;
	struct stpwatch_config c;
	char err[200];
	assert_true(parse(&c,
		"# comment\n"
		"\n"
		"  echo_window = 0.25   # trailing comment\n"
		"echo_min=3\n"
		"taps = \"tap*,fwln*\"\n"
		"ignore_vms = firewall*\n"
		"metrics_file = /var/lib/node_exporter/stpwatch.prom\n"
		"window = 7\n", err));
	assert_true(c.engine.echo_window == 0.25);
	assert_int_equal(c.engine.echo_min, 3);
	assert_string_equal(c.taps, "tap*,fwln*");
	assert_string_equal(c.engine.tap_patterns, "tap*,fwln*");
	assert_string_equal(c.engine.ignore_vms, "firewall*");
	assert_string_equal(c.metrics_file, "/var/lib/node_exporter/stpwatch.prom");
	assert_true(c.window == 7.0);
}

static void test_errors_name_the_line(void **state)
{
	(void)state;
	struct stpwatch_config c;
	char err[200];
	assert_false(parse(&c, "echo_min = 2\nnonsense\n", err));
	assert_string_equal(err, "2: expected 'key = value'");
	assert_false(parse(&c, "\n\nbogus = 1\n", err));
	assert_string_equal(err, "3: unknown setting 'bogus'");
	assert_false(parse(&c, "echo_min = 2.5\n", err));
	assert_string_equal(err, "1: echo_min wants a whole number, not '2.5'");
	assert_false(parse(&c, "echo_window = fast\n", err));
	assert_string_equal(err, "1: echo_window wants a number, not 'fast'");
	assert_false(parse(&c, "echo_window = 11\n", err));
	assert_string_equal(err, "1: echo_window must be between 0.001 and 10");
	assert_false(parse(&c, "echo_window = nan\n", err));
	assert_false(parse(&c, "mac_table_size = 63\n", err));
}

static void test_boundaries(void **state)
{
	(void)state;
	struct stpwatch_config c;
	char err[200];
	assert_true(parse(&c, "echo_window = 0.001\nmac_table_size = 64\n", err));
	assert_true(parse(&c, "echo_window = 10\n", err));
	char longv[300];
	memset(longv, 'a', sizeof(longv));
	memcpy(longv, "taps = ", 7);
	longv[7 + 255] = '\0';
	assert_true(parse(&c, longv, err));      /* 255 characters fit */
	longv[7 + 255] = 'a';
	longv[7 + 256] = '\0';
	assert_false(parse(&c, longv, err));     /* 256 do not */
	char huge[1100];
	memset(huge, 'x', sizeof(huge) - 1);
	huge[sizeof(huge) - 1] = '\0';
	assert_false(parse(&c, huge, err));
	assert_string_equal(err, "1: line longer than 1023 characters");
}

static void test_nul_byte(void **state)
{
	(void)state;
	struct stpwatch_config c;
	char err[200];
	config_defaults(&c);
	assert_false(config_parse(&c, "echo_min = 1\0\n", 14, err, sizeof(err)));
	assert_string_equal(err, "1: NUL byte in the line");
}

/* Live capture: -s and -B map to snaplen and buffer_size (KiB). */
static void test_capture_settings(void **state)
{
	(void)state;
	struct stpwatch_config c;
	char err[200];
	config_defaults(&c);
	assert_int_equal(c.snaplen, CONFIG_SNAPLEN_DEFAULT);
	assert_int_equal(c.buffer_size, 0);                  /* automatic */
	assert_true(parse(&c, "snaplen = 40\nbuffer_size = 64\n", err));
	assert_int_equal(c.snaplen, 40);
	assert_int_equal(c.buffer_size, 64);
	assert_true(parse(&c, "snaplen = 0\nbuffer_size = 1048576\n", err));
	assert_int_equal(c.snaplen, 0);                      /* tcpdump's -s 0: 262144 */
	assert_false(parse(&c, "snaplen = 262145\n", err));
	assert_string_equal(err, "1: snaplen must be between 0 and 262144");
	assert_false(parse(&c, "buffer_size = 1048577\n", err));
	assert_string_equal(err, "1: buffer_size must be between 0 and 1048576");
	assert_false(parse(&c, "buffer_size = 1.5\n", err));
	assert_false(parse(&c, "snaplen = -1\n", err));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_every_kind_of_value),
		cmocka_unit_test(test_errors_name_the_line),
		cmocka_unit_test(test_boundaries),
		cmocka_unit_test(test_nul_byte),
		cmocka_unit_test(test_capture_settings),
	};
	return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
