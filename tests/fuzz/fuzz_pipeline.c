/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fuzz_pipeline.c - libFuzzer harness for everything after the capture
 * parser: the pipeline (frame and BPDU decoding, port statistics), the
 * diagnosis engine and the report writers.
 *
 * Input: a whole capture file.  Each record is copied to a buffer of exactly
 * its caplen (so AddressSanitizer sees a read past the captured bytes) and
 * fed to two pipelines: one writing JSON lines with the engine attached,
 * one writing text lines without it.  The engine is asked for its findings
 * every 16 records, as the live view would.  At the end the harness writes
 * the text report, the JSON report (findings, summary and port statistics,
 * as `stpwatch -j` does), the port statistics as text and the monitoring
 * line, and checks:
 *   - every per-BPDU JSON line and the JSON report are valid JSON;
 *   - every text output is printable ASCII and newlines only;
 *   - the monitoring line is one line whose text before '|' is at most
 *     80 + strlen("STPWATCH CRITICAL - ") characters, with the status word
 *     report_check_line() returned, and perfdata after the '|';
 *   - the findings are sane (kinds, severities, counts, sorted).
 * The engine runs with engine_config_defaults() except a small MAC table
 * (256), so that ageing past the bound is reachable.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "stpwatch/capfile.h"
#include "stpwatch/engine.h"
#include "stpwatch/finding.h"
#include "stpwatch/json.h"
#include "stpwatch/pipeline.h"
#include "stpwatch/portstats.h"
#include "stpwatch/report.h"
#include "stpwatch/sbuf.h"

#define CHECK_LINE_TEXT_MAX (80 + sizeof("STPWATCH CRITICAL - ") - 1)

/* Names for `tcpdump -i any` interface indexes, as netlink would give them;
 * Linux allows control characters in interface names. */
static const struct ifindex_name ifnames[] = {
	{ 1, "tap1" },
	{ 2, "vnet2" },
	{ 3, "eth0" },
	{ 4, "tap\033[31m4" },
};

struct ctx {
	struct pipeline json_pl, text_pl;
	struct sbuf json_out, text_out;
	struct engine *engine;
	uint64_t n;
};

static void check_findings(struct engine *e)
{
	const struct finding_list *l = engine_findings(e);

	FUZZ_CHECK(l != NULL, "no finding list");
	FUZZ_CHECK(l->n <= l->cap || l->cap == 0, "%u findings, room for %u", l->n, l->cap);
	for (unsigned i = 0; i < l->n; i++) {
		const struct finding *f = &l->items[i];
		FUZZ_CHECK((unsigned)f->kind < FINDING_KIND_COUNT, "finding kind %d", (int)f->kind);
		FUZZ_CHECK((unsigned)f->severity < SEVERITY_COUNT, "severity %d", (int)f->severity);
		FUZZ_CHECK(f->n_ports <= FINDING_MAX_PORTS, "%u ports", f->n_ports);
		FUZZ_CHECK(f->n_bridges <= FINDING_MAX_BRIDGES, "%u bridges", f->n_bridges);
		FUZZ_CHECK(memchr(f->subject, 0, sizeof(f->subject)) &&
			   memchr(f->vm_name, 0, sizeof(f->vm_name)) &&
			   memchr(f->evidence, 0, sizeof(f->evidence)) &&
			   memchr(f->explanation, 0, sizeof(f->explanation)) &&
			   memchr(f->remedy, 0, sizeof(f->remedy)),
			   "finding %u has a string without its NUL", i);
		for (unsigned k = 0; k < f->n_ports; k++)
			FUZZ_CHECK(memchr(f->ports[k], 0, FINDING_NAME_LEN),
				   "finding %u port %u without NUL", i, k);
		for (unsigned k = 0; k < f->n_bridges; k++)
			FUZZ_CHECK(memchr(f->bridges[k], 0, FINDING_NAME_LEN),
				   "finding %u bridge %u without NUL", i, k);
		if (i > 0)
			FUZZ_CHECK(l->items[i - 1].severity >= f->severity,
				   "findings not sorted by severity at %u", i);
	}
}

/* Checks and empties the per-BPDU outputs (they grow with the input). */
static void drain(struct ctx *c)
{
	FUZZ_CHECK(!sbuf_failed(&c->json_out) && !sbuf_failed(&c->text_out),
		   "writer ran out of memory");
	fuzz_check_json_lines(sbuf_str(&c->json_out), c->json_out.len, "pipeline JSON lines");
	fuzz_check_text(sbuf_str(&c->text_out), c->text_out.len, "pipeline text lines");
	sbuf_reset(&c->json_out);
	sbuf_reset(&c->text_out);
}

static void feed(void *arg, const struct cap_record *rec)
{
	struct ctx *c = arg;
	struct cap_record r = *rec;
	uint8_t *copy = fuzz_dup(rec->data, rec->caplen);
	struct record_origin origin = {
		.label = "tap0",
		.label_explicit = false,
		.number = ++c->n,
	};

	r.data = copy;
	pipeline_feed(&c->json_pl, &r, &origin);
	pipeline_feed(&c->text_pl, &r, &origin);
	free(copy);
	if (c->n % 16 == 0) {
		check_findings(c->engine);
		drain(c);
	}
}

static void check_line(const struct sbuf *s, enum check_status st, const char *what)
{
	const char *t = sbuf_str(s);
	char prefix[64];

	FUZZ_CHECK(!sbuf_failed(s), "%s: out of memory", what);
	fuzz_check_text(t, s->len, what);
	FUZZ_CHECK_TEXT(s->len >= 1 && memchr(t, '\n', s->len) == t + s->len - 1, t, s->len,
			"%s is not exactly one line", what);
	snprintf(prefix, sizeof(prefix), "STPWATCH %s - ", check_status_name(st));
	FUZZ_CHECK_TEXT(strncmp(t, prefix, strlen(prefix)) == 0, t, s->len,
			"%s does not start with \"%s\"", what, prefix);
	const char *bar = memchr(t, '|', s->len);
	FUZZ_CHECK_TEXT(bar != NULL && bar > t && bar[-1] == ' ', t, s->len,
			"%s has no \" | \" before the performance data", what);
	size_t text_len = (size_t)(bar - t) - 1;
	FUZZ_CHECK_TEXT(text_len <= CHECK_LINE_TEXT_MAX, t, s->len,
			"%s: %zu characters before '|', at most %zu allowed", what,
			text_len, (size_t)CHECK_LINE_TEXT_MAX);
	FUZZ_CHECK_TEXT(strstr(bar, "critical=") && strstr(bar, "bpdus="), t, s->len,
			"%s: performance data incomplete", what);
}

static void report(struct ctx *c, const uint8_t *data, size_t size)
{
	struct sbuf s;
	struct json j;
	enum check_status st;

	sbuf_init(&s);
	check_findings(c->engine);

	report_findings_text(&s, c->engine);
	FUZZ_CHECK(!sbuf_failed(&s), "text report: out of memory");
	fuzz_check_text(sbuf_str(&s), s.len, "report_findings_text");
	sbuf_reset(&s);

	json_init(&j, &s, true);
	json_object_begin(&j, NULL);
	report_findings_json(&j, c->engine);
	portstats_print_json(&j, &c->json_pl.stats);
	json_object_end(&j);
	sbuf_putc(&s, '\n');
	FUZZ_CHECK(!sbuf_failed(&s), "JSON report: out of memory");
	fuzz_check_json(sbuf_str(&s), s.len, "JSON report");
	sbuf_reset(&s);

	portstats_print_text(&s, &c->json_pl.stats);
	FUZZ_CHECK(!sbuf_failed(&s), "port statistics: out of memory");
	fuzz_check_text(sbuf_str(&s), s.len, "portstats_print_text");
	sbuf_reset(&s);

	st = report_check_line(&s, c->engine, &c->json_pl.stats, NULL);
	FUZZ_CHECK(st == report_status(c->engine), "check line status %d, report_status %d",
		   (int)st, (int)report_status(c->engine));
	check_line(&s, st, "report_check_line");
	sbuf_reset(&s);

	/* The UNKNOWN line, with a reason the input controls. */
	char reason[200];
	size_t n = size < sizeof(reason) - 1 ? size : sizeof(reason) - 1;
	memcpy(reason, data, n);
	reason[n] = '\0';
	st = report_check_line(&s, c->engine, &c->json_pl.stats, reason);
	FUZZ_CHECK(st == CHECK_UNKNOWN, "check line with a reason gave status %d", (int)st);
	check_line(&s, st, "report_check_line(unknown)");
	sbuf_free(&s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct engine_config cfg;
	struct cap_parser p;
	struct ctx c;

	memset(&c, 0, sizeof(c));
	engine_config_defaults(&cfg);
	cfg.mac_table_size = 256;
	c.engine = engine_new(&cfg);
	FUZZ_CHECK(c.engine != NULL, "engine_new failed");
	sbuf_init(&c.json_out);
	sbuf_init(&c.text_out);
	pipeline_init(&c.json_pl, BPDU_OUTPUT_JSON, &c.json_out, c.engine);
	pipeline_init(&c.text_pl, BPDU_OUTPUT_TEXT, &c.text_out, NULL);
	c.json_pl.ifnames = c.text_pl.ifnames = ifnames;
	c.json_pl.n_ifnames = c.text_pl.n_ifnames = sizeof(ifnames) / sizeof(ifnames[0]);

	cap_parser_init(&p);
	(void)fuzz_parse_capture(&p, data, size, feed, &c);
	cap_parser_free(&p);
	drain(&c);

	FUZZ_CHECK(c.json_pl.records == c.n && c.text_pl.records == c.n,
		   "pipelines counted %llu and %llu of %llu records",
		   (unsigned long long)c.json_pl.records,
		   (unsigned long long)c.text_pl.records, (unsigned long long)c.n);
	report(&c, data, size);

	pipeline_free(&c.json_pl);
	pipeline_free(&c.text_pl);
	sbuf_free(&c.json_out);
	sbuf_free(&c.text_out);
	engine_free(c.engine);
	return 0;
}
