/* SPDX-License-Identifier: BSD-3-Clause */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "stpwatch/names.h"
#include "stpwatch/report.h"

/* Monitoring plugins: at most 80 characters before the '|' (the space included). */
#define CHECK_TEXT_MAX 79

const char *check_status_name(enum check_status s)
{
	switch (s) {
	case CHECK_OK: return "OK";
	case CHECK_WARNING: return "WARNING";
	case CHECK_CRITICAL: return "CRITICAL";
	default: return "UNKNOWN";
	}
}

enum check_status report_status(struct engine *e)
{
	switch (finding_list_worst(engine_findings(e))) {
	case SEVERITY_CRITICAL: return CHECK_CRITICAL;
	case SEVERITY_WARNING: return CHECK_WARNING;
	default: return CHECK_OK;
	}
}

static void counts(struct engine *e, unsigned by_sev[SEVERITY_COUNT])
{
	const struct finding_list *l = engine_findings(e);
	memset(by_sev, 0, SEVERITY_COUNT * sizeof(by_sev[0]));
	for (unsigned i = 0; i < l->n; i++)
		by_sev[l->items[i].severity]++;
}

/* Rounded to the microsecond, as the JSON writer rounds the same value. */
static void text_time(struct sbuf *out, double t)
{
	char buf[TIME_STRLEN];
	long long us = llround(t * 1e6);
	long long sec = us >= 0 ? us / 1000000 : -((-us + 999999) / 1000000);
	format_time_utc(buf, (int64_t)sec, (uint32_t)(us - sec * 1000000) * 1000u);
	sbuf_puts(out, buf);
}

/* Text a guest controls (names from captures) never reaches the terminal raw. */
static void safe(struct sbuf *out, const char *s)
{
	escape_text(out, (const uint8_t *)s, strlen(s));
}

void report_findings_text(struct sbuf *out, struct engine *e)
{
	const struct finding_list *l = engine_findings(e);
	unsigned n[SEVERITY_COUNT];
	counts(e, n);

	sbuf_printf(out, "\nFindings: %u critical, %u warning, %u info\n",
		    n[SEVERITY_CRITICAL], n[SEVERITY_WARNING], n[SEVERITY_INFO]);
	if (l->n == 0)
		sbuf_puts(out, "  none: no spanning-tree trouble seen\n");
	for (unsigned i = 0; i < l->n; i++) {
		const struct finding *f = &l->items[i];
		char sev[16];
		snprintf(sev, sizeof(sev), "%s", severity_name(f->severity));
		for (char *c = sev; *c; c++)
			*c = (char)(*c - (*c >= 'a' && *c <= 'z' ? 32 : 0));
		sbuf_printf(out, "\n%s %s: ", sev, finding_kind_name(f->kind));
		safe(out, f->subject);
		if (f->vm_pid) {
			sbuf_printf(out, "  [VM ");
			safe(out, f->vm_name[0] ? f->vm_name : "?");
			sbuf_printf(out, ", pid %d]", f->vm_pid);
		}
		sbuf_puts(out, "\n  ");
		safe(out, f->explanation);
		sbuf_puts(out, "\n  evidence: ");
		safe(out, f->evidence);
		if (f->count) {
			sbuf_puts(out, "\n  seen: ");
			sbuf_printf(out, "%llu times, ", (unsigned long long)f->count);
			text_time(out, f->first_seen);
			sbuf_puts(out, " to ");
			text_time(out, f->last_seen);
			sbuf_puts(out, " UTC");
		}
		sbuf_puts(out, "\n  remedy: ");
		safe(out, f->remedy);
		sbuf_putc(out, '\n');
	}
}

void report_findings_json(struct json *j, struct engine *e)
{
	const struct finding_list *l = engine_findings(e);
	unsigned n[SEVERITY_COUNT];
	counts(e, n);

	json_array_begin(j, "findings");
	for (unsigned i = 0; i < l->n; i++) {
		const struct finding *f = &l->items[i];
		json_object_begin(j, NULL);
		json_string(j, "kind", finding_kind_name(f->kind));
		json_string(j, "severity", severity_name(f->severity));
		json_string(j, "subject", f->subject);
		json_array_begin(j, "ports");
		for (unsigned k = 0; k < f->n_ports; k++)
			json_string(j, NULL, f->ports[k]);
		json_array_end(j);
		json_array_begin(j, "bridges");
		for (unsigned k = 0; k < f->n_bridges; k++)
			json_string(j, NULL, f->bridges[k]);
		json_array_end(j);
		if (f->vm_pid) {
			json_object_begin(j, "vm");
			json_int(j, "pid", f->vm_pid);
			json_string(j, "name", f->vm_name);
			json_object_end(j);
		} else {
			json_null(j, "vm");
		}
		json_uint(j, "count", f->count);
		json_fixed(j, "first_seen", f->first_seen, 6);
		json_fixed(j, "last_seen", f->last_seen, 6);
		json_string(j, "evidence", f->evidence);
		json_string(j, "explanation", f->explanation);
		json_string(j, "remedy", f->remedy);
		json_object_end(j);
	}
	json_array_end(j);
	json_object_begin(j, "summary");
	json_string(j, "status", check_status_name(report_status(e)));
	json_uint(j, "critical", n[SEVERITY_CRITICAL]);
	json_uint(j, "warning", n[SEVERITY_WARNING]);
	json_uint(j, "info", n[SEVERITY_INFO]);
	json_object_end(j);
}

/* Appends s, keeping the line's text within CHECK_TEXT_MAX. */
static void bounded(struct sbuf *out, size_t start, const char *s)
{
	size_t used = out->len - start;
	size_t room = used < CHECK_TEXT_MAX ? CHECK_TEXT_MAX - used : 0;
	size_t n = 0;
	/* Only printable ASCII, and never '|', which starts the perfdata. */
	for (const char *c = s; *c && n < room; c++, n++)
		sbuf_putc(out, (*c >= 0x20 && *c < 0x7f && *c != '|') ? *c : '?');
}

enum check_status report_check_line(struct sbuf *out, struct engine *e,
				    const struct portstats *ps, const char *unknown_reason)
{
	enum check_status st = unknown_reason ? CHECK_UNKNOWN : report_status(e);
	const struct finding_list *l = engine_findings(e);
	unsigned n[SEVERITY_COUNT];
	struct engine_stats es;
	size_t start = out->len;

	counts(e, n);
	engine_get_stats(e, &es);
	sbuf_printf(out, "STPWATCH %s - ", check_status_name(st));
	if (unknown_reason) {
		bounded(out, start, unknown_reason);
	} else if (l->n == 0 || st == CHECK_OK) {
		char text[80];
		snprintf(text, sizeof(text), "no STP trouble on %u ports", ps->n_ports);
		bounded(out, start, text);
	} else {
		const struct finding *f = &l->items[0];
		char text[256];
		snprintf(text, sizeof(text), "%s %s", finding_kind_name(f->kind), f->subject);
		if (f->vm_pid) {
			size_t len = strlen(text);
			snprintf(text + len, sizeof(text) - len, " (VM %s pid %d)",
				 f->vm_name[0] ? f->vm_name : "?", f->vm_pid);
		}
		unsigned more = n[SEVERITY_CRITICAL] + n[SEVERITY_WARNING] - 1;
		char tail[32] = "";
		if (more)
			snprintf(tail, sizeof(tail), " (+%u more)", more);
		/* Cut the subject, never the count of further findings. */
		size_t keep = CHECK_TEXT_MAX - (out->len - start) - strlen(tail);
		if (strlen(text) > keep)
			text[keep] = '\0';
		bounded(out, start, text);
		bounded(out, start, tail);
	}
	sbuf_printf(out, " | critical=%u;;;0 warning=%u;;;0 info=%u;;;0 ports=%u;;;0 "
		    "frames=%lluc;;;0 bpdus=%lluc;;;0 bpdus_truncated=%lluc;;;0 "
		    "bpdus_invalid=%lluc;;;0 echoes=%lluc;;;0\n",
		    n[SEVERITY_CRITICAL], n[SEVERITY_WARNING], n[SEVERITY_INFO], ps->n_ports,
		    (unsigned long long)es.frames, (unsigned long long)es.bpdus,
		    (unsigned long long)es.bpdus_truncated, (unsigned long long)es.bpdus_invalid,
		    (unsigned long long)es.echoes);
	return st;
}
