/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_report.c - the writers of the diagnosis: the monitoring-plugin line
 * (status word, at most 80 characters of text, '|', performance data, exit
 * code), the JSON findings (checked by a strict validator written here) and
 * the text report (control characters from port names escaped).
 *
 * Findings come from a real engine fed synthetic frames; every frame also
 * goes to a portstats, as the pipeline does.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "stpwatch/engine.h"
#include "stpwatch/json.h"
#include "stpwatch/metrics.h"
#include "stpwatch/portstats.h"
#include "stpwatch/report.h"
#include "stpwatch/sbuf.h"

#define BR0 0x8000525400000a00ULL
#define SW  0x1000001122334455ULL
#define BASE 1700000000   /* 2023-11-14 22:13:20 UTC */

/* ---- fixture: an engine, the port statistics, an output buffer ---------- */

static struct engine *E;
static struct portstats PS;
static struct sbuf OUT;

static int setup(void **state)
{
	(void)state;
	struct engine_config c;
	engine_config_defaults(&c);
	E = engine_new(&c);
	portstats_init(&PS);
	sbuf_init(&OUT);
	return E ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	engine_free(E);
	E = NULL;
	portstats_free(&PS);
	sbuf_free(&OUT);
	return 0;
}

static void be(uint8_t *p, size_t *n, uint64_t v, unsigned bytes)
{
	for (unsigned i = 0; i < bytes; i++)
		p[(*n)++] = (uint8_t)(v >> (8 * (bytes - 1 - i)));
}

/* A configuration BPDU of `bridge` port `port` (root `root`), seen on `ifname` at t. */
static void feed_bpdu(const char *ifname, enum frame_direction dir, double t, uint64_t bridge,
		      uint16_t port, uint64_t root, uint16_t fdelay_s)
{
	uint8_t pl[64];
	size_t n = 0;
	struct frame f;
	struct bpdu b;
	struct packet p;

	memset(&f, 0, sizeof(f));
	memset(&b, 0, sizeof(b));
	memset(&p, 0, sizeof(p));
	b.status = BPDU_OK;
	b.protocol = BPDU_PROTO_STP;
	b.type = BPDU_TYPE_CONFIG;
	b.have = BPDU_HAVE_VERSION | BPDU_HAVE_TYPE | BPDU_HAVE_FLAGS | BPDU_HAVE_PRIORITY |
		 BPDU_HAVE_TIMERS;
	b.root_id = root;
	b.bridge_id = bridge;
	b.port_id = port;
	b.max_age = 20 * 256;
	b.hello_time = 2 * 256;
	b.forward_delay = (uint16_t)(fdelay_s * 256);
	be(pl, &n, 0, 4);
	be(pl, &n, 0, 1);
	be(pl, &n, b.root_id, 8);
	be(pl, &n, 0, 4);
	be(pl, &n, b.bridge_id, 8);
	be(pl, &n, b.port_id, 2);
	be(pl, &n, 0, 2);
	be(pl, &n, b.max_age, 2);
	be(pl, &n, b.hello_time, 2);
	be(pl, &n, b.forward_delay, 2);
	b.length = (uint32_t)n;

	f.status = FRAME_OK;
	f.payload_kind = PAYLOAD_STP;
	f.direction = dir;
	f.have_dst = true;
	f.dst[0] = 0x01;
	f.dst[1] = 0x80;
	f.dst[2] = 0xc2;
	for (int i = 0; i < 6; i++)
		f.src[i] = (uint8_t)(bridge >> (8 * (5 - i)));
	f.ifindex = -1;
	f.vlan = -1;
	f.is_8023 = true;
	f.llc_dsap = f.llc_ssap = 0x42;
	f.llc_control = 3;
	f.payload = cursor_make(pl, n);
	f.payload_declared = (uint32_t)n;

	/* t is seconds after BASE: small enough for an exact split into s and ns. */
	double whole = floor(t);
	p.ts_sec = BASE + (int64_t)whole;
	p.ts_nsec = (uint32_t)llround((t - whole) * 1e9);
	p.ifname = ifname;
	p.ifindex = -1;
	p.direction = dir;
	p.caplen = p.wirelen = (uint32_t)(n + 17);
	p.frame = &f;
	portstats_add(&PS, &p, &b);
	engine_frame(E, &p, &b);
}

/* A hub joining `a` and `b`: br0's BPDU leaves on a and comes back on b, twice. */
static void hub(const char *a, const char *b, double t)
{
	for (int i = 0; i < 2; i++) {
		feed_bpdu(a, FRAME_DIR_OUT, t + 2 * i, BR0, 0x8001, BR0, 15);
		feed_bpdu(b, FRAME_DIR_IN, t + 2 * i + 0.0005, BR0, 0x8001, BR0, 15);
	}
}

static void port(const char *name, const char *bridge, int mtu)
{
	struct port_info pi;
	memset(&pi, 0, sizeof(pi));
	snprintf(pi.name, sizeof(pi.name), "%s", name);
	snprintf(pi.bridge, sizeof(pi.bridge), "%s", bridge);
	pi.ifindex = -1;
	pi.mtu = mtu;
	pi.state = PORT_STATE_FORWARDING;
	engine_port(E, &pi, (double)BASE);
}

static void vm(int pid, const char *name, const char *a, const char *b)
{
	struct vm_info v;
	memset(&v, 0, sizeof(v));
	v.pid = pid;
	snprintf(v.name, sizeof(v.name), "%s", name);
	v.n_nics = 2;
	snprintf(v.nics[0].tap, sizeof(v.nics[0].tap), "%s", a);
	snprintf(v.nics[1].tap, sizeof(v.nics[1].tap), "%s", b);
	engine_vm(E, &v, (double)BASE);
}

/* ---- line checks ------------------------------------------------------- */

/* The check line is one line: exactly one '\n', at the end. */
static void expect_one_line(const char *s)
{
	const char *nl = strchr(s, '\n');
	assert_non_null(nl);
	assert_int_equal(nl[1], '\0');
}

/* No '|' but the separator, no control character but the final newline. */
static void expect_clean_line(const char *s)
{
	unsigned bars = 0;
	size_t len = strlen(s);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		bars += c == '|';
		if (i + 1 < len && (c < 0x20 || c >= 0x7f))
			fail_msg("byte 0x%02x at %zu of the check line", c, i);
	}
	assert_int_equal(bars, 1);
}

/* Length of the text: everything before " | ", the perfdata separator. */
static size_t text_len(const char *s)
{
	const char *bar = strstr(s, " | ");
	assert_non_null(bar);
	return (size_t)(bar - s);
}

static void expect_text(const char *hay, const char *needle)
{
	if (!strstr(hay, needle))
		fail_msg("'%s' does not contain '%s'", hay, needle);
}

/* ======================================================================== */
/* report_check_line                                                        */
/* ======================================================================== */

static void test_check_ok(void **state)
{
	(void)state;
	enum check_status st = report_check_line(&OUT, E, &PS, NULL);
	const char *s = sbuf_str(&OUT);
	assert_int_equal(st, CHECK_OK);
	assert_int_equal(st, 0);
	expect_one_line(s);
	expect_clean_line(s);
	assert_true(strncmp(s, "STPWATCH OK - ", 14) == 0);
	assert_string_equal(s,
		"STPWATCH OK - no STP trouble on 0 ports | critical=0;;;0 warning=0;;;0 info=0;;;0 "
		"ports=0;;;0 frames=0c;;;0 bpdus=0c;;;0 bpdus_truncated=0c;;;0 bpdus_invalid=0c;;;0 "
		"echoes=0c;;;0 dropped=0c;;;0\n");
	assert_int_equal(report_status(E), CHECK_OK);
}

/* Ordinary BPDUs on two ports, and an info finding: still OK, with the counts. */
static void test_check_ok_with_traffic_and_info(void **state)
{
	(void)state;
	feed_bpdu("eth0", FRAME_DIR_IN, 0.0, SW, 0x8001, SW, 15);
	feed_bpdu("eth0", FRAME_DIR_IN, 2.0, SW, 0x8001, BR0, 15);  /* root change: info */
	feed_bpdu("tap10", FRAME_DIR_OUT, 2.5, BR0, 0x8002, BR0, 15);
	enum check_status st = report_check_line(&OUT, E, &PS, NULL);
	const char *s = sbuf_str(&OUT);
	assert_int_equal(st, CHECK_OK);
	expect_one_line(s);
	expect_clean_line(s);
	assert_true(strncmp(s, "STPWATCH OK - no STP trouble on 2 ports | ", 42) == 0);
	expect_text(s, " | critical=0;;;0 warning=0;;;0 info=1;;;0 ports=2;;;0 frames=3c;;;0 bpdus=3c;;;0 ");
	expect_text(s, "echoes=0c;;;0 dropped=0c;;;0\n");

	/* Frames the capture lost are said in the text too, not only counted. */
	engine_set_capture_drops(E, 4771);
	sbuf_reset(&OUT);
	st = report_check_line(&OUT, E, &PS, NULL);
	s = sbuf_str(&OUT);
	assert_int_equal(st, CHECK_OK);
	expect_one_line(s);
	assert_true(strncmp(s, "STPWATCH OK - no STP trouble on 2 ports (4771 frames lost) | ", 61) == 0);
	expect_text(s, " dropped=4771c;;;0\n");
}

static void test_check_critical_shared_hub(void **state)
{
	(void)state;
	hub("tap10", "tap11", 0.0);
	enum check_status st = report_check_line(&OUT, E, &PS, NULL);
	const char *s = sbuf_str(&OUT);
	assert_int_equal(st, CHECK_CRITICAL);
	assert_int_equal(st, 2);
	expect_one_line(s);
	expect_clean_line(s);
	assert_true(strncmp(s, "STPWATCH CRITICAL - shared-hub ", 31) == 0);
	expect_text(s, "tap10");
	expect_text(s, "tap11");
	assert_null(strstr(s, "more)"));   /* one finding only */
	expect_text(s, " | critical=1;;;0 warning=0;;;0 info=0;;;0 ports=2;;;0 frames=4c;;;0 ");
	expect_text(s, "echoes=2c;;;0 dropped=0c;;;0\n");
	assert_true(text_len(s) <= 80);
	assert_int_equal(report_status(E), CHECK_CRITICAL);
}

static void test_check_names_the_vm(void **state)
{
	(void)state;
	vm(4242, "web1", "tap10", "tap11");
	enum check_status st = report_check_line(&OUT, E, &PS, NULL);
	assert_int_equal(st, CHECK_WARNING);   /* the command line alone: latent */
	assert_int_equal(st, 1);
	expect_text(sbuf_str(&OUT), "STPWATCH WARNING - shared-hub ");
	expect_text(sbuf_str(&OUT), "(VM web1 pid 4242)");
	sbuf_reset(&OUT);
	hub("tap10", "tap11", 0.0);
	st = report_check_line(&OUT, E, &PS, NULL);
	assert_int_equal(st, CHECK_CRITICAL);
	expect_text(sbuf_str(&OUT), "(VM web1 pid 4242)");
	expect_clean_line(sbuf_str(&OUT));
}

static void test_check_several_findings_long_names(void **state)
{
	(void)state;
	char a[64], b[64];
	snprintf(a, sizeof(a), "tap-%s", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
	snprintf(b, sizeof(b), "tap-%s", "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb");
	assert_int_equal(strlen(a), 62);
	port(a, "br0", 1500);
	port(b, "br0", 9000);   /* mtu-mismatch: a warning */
	hub(a, b, 0.0); /* shared-hub and port-loop: critical */
	enum check_status st = report_check_line(&OUT, E, &PS, NULL);
	const char *s = sbuf_str(&OUT);
	assert_int_equal(st, CHECK_CRITICAL);
	expect_one_line(s);
	expect_clean_line(s);
	size_t n = text_len(s);
	if (n > 80)
		fail_msg("the text is %zu characters: %.*s", n, (int)n, s);
	/* The subject is cut, never the count of further findings. */
	const char *more = strstr(s, " (+2 more) | ");
	if (!more)
		fail_msg("no '(+2 more)' before the perfdata: %s", s);
	expect_text(s, "critical=2;;;0 warning=1;;;0");
}

/* Info findings are not "more" trouble. */
static void test_check_more_counts_critical_and_warning_only(void **state)
{
	(void)state;
	hub("tap10", "tap11", 0.0);
	feed_bpdu("eth0", FRAME_DIR_IN, 10.0, SW, 0x8001, SW, 15);
	feed_bpdu("eth0", FRAME_DIR_IN, 12.0, SW, 0x8001, BR0, 15);  /* info */
	report_check_line(&OUT, E, &PS, NULL);
	assert_null(strstr(sbuf_str(&OUT), "more)"));
	expect_text(sbuf_str(&OUT), "info=1;;;0");
}

static void test_check_unknown(void **state)
{
	(void)state;
	hub("tap10", "tap11", 0.0);   /* findings do not matter: the check could not look */
	enum check_status st = report_check_line(&OUT, E, &PS, "could not read x.pcap");
	const char *s = sbuf_str(&OUT);
	assert_int_equal(st, CHECK_UNKNOWN);
	assert_int_equal(st, 3);
	expect_one_line(s);
	expect_clean_line(s);
	assert_true(strncmp(s, "STPWATCH UNKNOWN - could not read x.pcap | ", 43) == 0);
	assert_string_equal(check_status_name(CHECK_OK), "OK");
	assert_string_equal(check_status_name(CHECK_WARNING), "WARNING");
	assert_string_equal(check_status_name(CHECK_CRITICAL), "CRITICAL");
	assert_string_equal(check_status_name(CHECK_UNKNOWN), "UNKNOWN");
	assert_string_equal(check_status_name((enum check_status)99), "UNKNOWN");
}

static void test_check_unknown_reason_bounded_and_cleaned(void **state)
{
	(void)state;
	char reason[400];
	memset(reason, 'r', sizeof(reason) - 1);
	reason[sizeof(reason) - 1] = '\0';
	memcpy(reason, "bad|name\n\x1b[2J\t", 14);
	enum check_status st = report_check_line(&OUT, E, &PS, reason);
	const char *s = sbuf_str(&OUT);
	assert_int_equal(st, CHECK_UNKNOWN);
	expect_one_line(s);
	expect_clean_line(s);
	assert_true(text_len(s) <= 80);
	if (strncmp(s, "STPWATCH UNKNOWN - bad?name??[2J?rrr", 36) != 0) fail_msg("%s", s);
}

/* Port (and VM) names come from captures and guests: '|' and control characters stay out. */
static void test_check_hostile_subject(void **state)
{
	(void)state;
	vm(7, "evil|\x1b]0;owned\x07", "tap1|x\n", "tap2\x1b[2J\r");
	hub("tap1|x\n", "tap2\x1b[2J\r", 0.0);
	enum check_status st = report_check_line(&OUT, E, &PS, NULL);
	const char *s = sbuf_str(&OUT);
	assert_int_equal(st, CHECK_CRITICAL);
	expect_one_line(s);
	expect_clean_line(s);
	assert_true(text_len(s) <= 80);
	/* The finding's subject holds the names escaped; '|' never reaches the line. */
	expect_text(s, "tap1?x\\x0a and tap2\\x1b[2J\\x0d");
}

/* The line is appended: what the buffer held before stays, and counts for nothing. */
static void test_check_appends(void **state)
{
	(void)state;
	sbuf_puts(&OUT, "previous output that is long enough to matter for the eighty columns\n");
	size_t before = OUT.len;
	hub("tap10", "tap11", 0.0);
	report_check_line(&OUT, E, &PS, NULL);
	const char *s = sbuf_str(&OUT) + before;
	assert_true(strncmp(s, "STPWATCH CRITICAL - shared-hub ", 31) == 0);
	expect_text(s, "tap11");
	expect_one_line(s);
}

/* ======================================================================== */
/* JSON: a strict validator (RFC 8259 grammar, UTF-8, no raw control chars) */
/* ======================================================================== */

struct jp {
	const unsigned char *s;
	size_t i, n;
	unsigned depth;
};

static bool jv(struct jp *p);

static void jws(struct jp *p)
{
	while (p->i < p->n && (p->s[p->i] == ' ' || p->s[p->i] == '\t' || p->s[p->i] == '\n' ||
			       p->s[p->i] == '\r'))
		p->i++;
}

static bool jlit(struct jp *p, const char *lit)
{
	size_t l = strlen(lit);
	if (p->n - p->i < l || memcmp(p->s + p->i, lit, l) != 0)
		return false;
	p->i += l;
	return true;
}

static bool jhex(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static bool jstr(struct jp *p)
{
	if (p->i >= p->n || p->s[p->i] != '"')
		return false;
	p->i++;
	while (p->i < p->n) {
		unsigned char c = p->s[p->i];
		if (c == '"') {
			p->i++;
			return true;
		}
		if (c < 0x20)
			return false;
		if (c == '\\') {
			if (++p->i >= p->n)
				return false;
			c = p->s[p->i];
			if (c == 'u') {
				if (p->n - p->i < 5)
					return false;
				for (int k = 1; k <= 4; k++)
					if (!jhex(p->s[p->i + (size_t)k]))
						return false;
				p->i += 5;
				continue;
			}
			if (!strchr("\"\\/bfnrt", c) || c == '\0')
				return false;
			p->i++;
			continue;
		}
		if (c < 0x80) {
			p->i++;
			continue;
		}
		/* UTF-8: no overlongs, no surrogates, nothing past U+10FFFF. */
		size_t need;
		uint32_t cp;
		if (c >= 0xc2 && c <= 0xdf) {
			need = 2;
			cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			need = 3;
			cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			need = 4;
			cp = c & 0x07;
		} else {
			return false;
		}
		if (p->n - p->i < need)
			return false;
		for (size_t k = 1; k < need; k++) {
			if ((p->s[p->i + k] & 0xc0) != 0x80)
				return false;
			cp = cp << 6 | (p->s[p->i + k] & 0x3f);
		}
		if ((need == 3 && cp < 0x800) || (need == 4 && cp < 0x10000) ||
		    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
			return false;
		p->i += need;
	}
	return false;
}

static bool jdigits(struct jp *p)
{
	size_t start = p->i;
	while (p->i < p->n && p->s[p->i] >= '0' && p->s[p->i] <= '9')
		p->i++;
	return p->i > start;
}

static bool jnum(struct jp *p)
{
	if (p->i < p->n && p->s[p->i] == '-')
		p->i++;
	if (p->i < p->n && p->s[p->i] == '0') {
		p->i++;
	} else if (p->i < p->n && p->s[p->i] >= '1' && p->s[p->i] <= '9') {
		jdigits(p);
	} else {
		return false;
	}
	if (p->i < p->n && p->s[p->i] == '.') {
		p->i++;
		if (!jdigits(p))
			return false;
	}
	if (p->i < p->n && (p->s[p->i] == 'e' || p->s[p->i] == 'E')) {
		p->i++;
		if (p->i < p->n && (p->s[p->i] == '+' || p->s[p->i] == '-'))
			p->i++;
		if (!jdigits(p))
			return false;
	}
	return true;
}

static bool jcontainer(struct jp *p, char close, bool object)
{
	p->i++;
	if (++p->depth > 64)
		return false;
	jws(p);
	if (p->i < p->n && p->s[p->i] == (unsigned char)close) {
		p->i++;
		p->depth--;
		return true;
	}
	for (;;) {
		jws(p);
		if (object) {
			if (!jstr(p))
				return false;
			jws(p);
			if (p->i >= p->n || p->s[p->i] != ':')
				return false;
			p->i++;
		}
		if (!jv(p))
			return false;
		jws(p);
		if (p->i >= p->n)
			return false;
		if (p->s[p->i] == ',') {
			p->i++;
			continue;
		}
		if (p->s[p->i] != (unsigned char)close)
			return false;
		p->i++;
		p->depth--;
		return true;
	}
}

static bool jv(struct jp *p)
{
	jws(p);
	if (p->i >= p->n)
		return false;
	switch (p->s[p->i]) {
	case '{': return jcontainer(p, '}', true);
	case '[': return jcontainer(p, ']', false);
	case '"': return jstr(p);
	case 't': return jlit(p, "true");
	case 'f': return jlit(p, "false");
	case 'n': return jlit(p, "null");
	default: return jnum(p);
	}
}

static bool json_valid(const char *s, size_t n)
{
	struct jp p = { (const unsigned char *)s, 0, n, 0 };
	if (!jv(&p))
		return false;
	jws(&p);
	return p.i == n;
}

static void test_validator_itself(void **state)
{
	(void)state;
	static const char *const good[] = {
		"{}", "[]", "0", "-0.5e+3", "\"a\\u00e9\\n\"", "{\"a\":[1,2,{\"b\":null}],\"c\":true}",
		" [ false , \"\xc3\xa9\" ] ",
	};
	static const char *const bad[] = {
		"", "{", "{\"a\"}", "{\"a\":1,}", "[1,]", "01", "1.", "-", "\"\x01\"", "\"\\x41\"",
		"\"\xff\"", "\"\xc0\xaf\"", "\"\xed\xa0\x80\"", "[1] [2]", "nul", "{a:1}", "\"abc",
		"\"\\u12g4\"",
	};
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		if (!json_valid(good[i], strlen(good[i])))
			fail_msg("validator rejects %s", good[i]);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (json_valid(bad[i], strlen(bad[i])))
			fail_msg("validator accepts %s", bad[i]);
}

static void json_report(bool pretty)
{
	struct json j;
	json_init(&j, &OUT, pretty);
	json_object_begin(&j, NULL);
	report_findings_json(&j, E);
	json_object_end(&j);
	if (!json_valid(OUT.buf, OUT.len))
		fail_msg("invalid JSON: %s", sbuf_str(&OUT));
}

static void test_json_empty(void **state)
{
	(void)state;
	json_report(false);
	assert_string_equal(sbuf_str(&OUT),
		"{\"findings\":[],\"summary\":{\"status\":\"OK\",\"capture_drops\":0,"
		"\"bpdus\":0,\"bpdus_truncated\":0,\"bpdus_invalid\":0,"
		"\"critical\":0,\"warning\":0,\"info\":0}}");
}

static void test_json_findings_fields(void **state)
{
	(void)state;
	vm(4242, "web1", "tap10", "tap11");
	port("tap10", "br0", 1500);
	port("tap11", "br0", 1500);
	port("eth0", "br0", 9000);
	hub("tap10", "tap11", 0.0);
	json_report(false);
	const char *s = sbuf_str(&OUT);
	expect_text(s, "{\"kind\":\"shared-hub\",\"severity\":\"critical\",\"subject\":\"");
	expect_text(s, "\"ports\":[\"tap10\",\"tap11\"],\"bridges\":[\"br0\"],"
		       "\"vm\":{\"pid\":4242,\"name\":\"web1\"},\"count\":2,"
		       "\"first_seen\":1700000000.0005,\"last_seen\":1700000002.0005");
	expect_text(s, "{\"kind\":\"port-loop\",\"severity\":\"critical\"");
	expect_text(s, "{\"kind\":\"mtu-mismatch\",\"severity\":\"warning\",\"subject\":\"br0\"");
	expect_text(s, "\"vm\":null");
	expect_text(s, "\"evidence\":\"");
	expect_text(s, "\"explanation\":\"");
	expect_text(s, "\"remedy\":\"");
	expect_text(s, "\"summary\":{\"status\":\"CRITICAL\",\"capture_drops\":0,\"bpdus\":4,"
		       "\"bpdus_truncated\":0,\"bpdus_invalid\":0,\"critical\":2,\"warning\":1,\"info\":0}}");
	/* Most severe first in the array too. */
	const char *crit = strstr(s, "\"severity\":\"critical\"");
	const char *warn = strstr(s, "\"severity\":\"warning\"");
	assert_true(crit && warn && crit < warn);
	/* Pretty output is the same document. */
	sbuf_reset(&OUT);
	json_report(true);
	expect_text(sbuf_str(&OUT), "\"kind\": \"shared-hub\"");
}

static void test_json_hostile_names_stay_valid(void **state)
{
	(void)state;
	vm(7, "evil\"},\x1b\xff", "tap1\"\\\n", "tap2\x01\xc3\x28");
	hub("tap1\"\\\n", "tap2\x01\xc3\x28", 0.0);
	json_report(false);
	const char *s = sbuf_str(&OUT);
	expect_text(s, "\"tap1\\\"\\\\\\n\"");
	expect_text(s, "\"tap2\\u0001\\u00c3(\"");
	expect_text(s, "\"name\":\"evil\\\"},\\u001b\\u00ff\"");
}

/* ======================================================================== */
/* metrics                                                                  */
/* ======================================================================== */

/*
 * Interface names may hold quotes, backslashes, ESC and bytes that are not
 * UTF-8; Prometheus label values must be UTF-8 with \\, \" and \n escaped.
 */
static void test_metrics_hostile_port_names(void **state)
{
	(void)state;
	port("tap\"x\\y", "br0", 1500);
	port("tap\x1b[2J", "br0", 1500);
	port("t\xff\xfe\xc3\x28", "br0", 1500);
	port("tap\xc3\xa9", "br0", 1500);    /* valid UTF-8 stays as it is */
	feed_bpdu("t\xff\xfe\xc3\x28", FRAME_DIR_IN, BASE, SW, 0x8001, SW, 15);
	struct metrics_capture cap = { "tap\x1b[2J", 5, 1, 0 };
	metrics_write(&OUT, E, &PS, &cap, 1, BASE);
	const char *s = sbuf_str(&OUT);
	const uint8_t *u = (const uint8_t *)s;
	size_t n = strlen(s);
	for (size_t i = 0; i < n;) {
		if (u[i] >= 0x80) {
			size_t l = json_utf8_length(u + i, n - i);
			if (!l)
				fail_msg("byte 0x%02x at %zu is not UTF-8", u[i], i);
			i += l;
			continue;
		}
		if (u[i] < 0x20 && u[i] != '\n')
			fail_msg("control byte 0x%02x at %zu", u[i], i);
		i++;
	}
	expect_text(s, "stpwatch_port_state{bridge=\"br0\",port=\"tap\\\"x\\\\y\"} 3\n");
	expect_text(s, "port=\"tap\\\\x1b[2J\"");
	expect_text(s, "stpwatch_bpdus_received_total{bridge=\"br0\",port=\"t\\\\xff\\\\xfe\\\\xc3(\"} 1\n");
	expect_text(s, "port=\"tap\xc3\xa9\"");
	expect_text(s, "stpwatch_capture_dropped_total{port=\"tap\\\\x1b[2J\"} 1\n");
}

/* ======================================================================== */
/* text                                                                     */
/* ======================================================================== */

static void expect_no_control(const char *s)
{
	for (size_t i = 0; s[i]; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c < 0x20 && c != '\n') || c >= 0x7f)
			fail_msg("byte 0x%02x at %zu of the text report", c, i);
	}
}

static void test_text_none(void **state)
{
	(void)state;
	report_findings_text(&OUT, E);
	assert_string_equal(sbuf_str(&OUT),
		"\nFindings: 0 critical, 0 warning, 0 info\n  none: no spanning-tree trouble seen\n");
}

static void test_text_finding(void **state)
{
	(void)state;
	vm(4242, "web1", "tap10", "tap11");
	hub("tap10", "tap11", 0.0);
	report_findings_text(&OUT, E);
	const char *s = sbuf_str(&OUT);
	expect_no_control(s);
	expect_text(s, "\nFindings: 1 critical, 0 warning, 0 info\n");
	expect_text(s, "\nCRITICAL shared-hub: tap10 and tap11  [VM web1, pid 4242]\n  ");
	expect_text(s, "\n  evidence: 2 frames echoed");
	expect_text(s, "\n  seen: 2 times, 2023-11-14 22:13:20.000");
	expect_text(s, "\n  remedy: Give every NIC its own backend");
}

static void test_text_escapes_control_characters(void **state)
{
	(void)state;
	vm(7, "evil\x1b]0;owned\x07", "tap1\x1b[2J", "tap2\nFAKE: all good\r");
	hub("tap1\x1b[2J", "tap2\nFAKE: all good\r", 0.0);
	port("tap1\x1b[2J", "br\x1b" "0", 1500);
	report_findings_text(&OUT, E);
	const char *s = sbuf_str(&OUT);
	expect_no_control(s);
	expect_text(s, "tap1\\x1b[2J");
	expect_text(s, "tap2\\x0aFAKE: all good\\x0d");
	expect_text(s, "[VM evil\\x1b]0;owned\\x07, pid 7]");
	assert_null(strstr(s, "\nFAKE"));
}

/*
 * Regression test (a bug once in report.c text_time, lines 37-43): times are doubles (about 0.24 us
 * apart near 1.7e9 s) and text_time truncates them to microseconds, so an
 * echo captured at 22:13:20.000500 is printed as 22:13:20.000499 while the
 * JSON of the same finding (json_fixed, %.6f) says .0005.  text_time
 * should round to the nearest microsecond (and carry into the second).
 */
static void test_text_time_is_the_captured_microsecond(void **state)
{
	(void)state;
	hub("tap10", "tap11", 0.0);   /* echoes at BASE + 0.000500 and BASE + 2.000500 */
	report_findings_text(&OUT, E);
	expect_text(sbuf_str(&OUT),
		    "seen: 2 times, 2023-11-14 22:13:20.000500 to 2023-11-14 22:13:22.000500 UTC");
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_check_ok),
		T(test_check_ok_with_traffic_and_info),
		T(test_check_critical_shared_hub),
		T(test_check_names_the_vm),
		T(test_check_several_findings_long_names),
		T(test_check_more_counts_critical_and_warning_only),
		T(test_check_unknown),
		T(test_check_unknown_reason_bounded_and_cleaned),
		T(test_check_hostile_subject),
		T(test_check_appends),
		T(test_validator_itself),
		T(test_json_empty),
		T(test_json_findings_fields),
		T(test_json_hostile_names_stay_valid),
		T(test_metrics_hostile_port_names),
		T(test_text_none),
		T(test_text_finding),
		T(test_text_escapes_control_characters),
		T(test_text_time_is_the_captured_microsecond),
	};
	return cmocka_run_group_tests_name("report", tests, NULL, NULL);
}
