/* SPDX-License-Identifier: BSD-3-Clause */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
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

static void counts(struct engine *e, unsigned by_sev[SEVERITY_COUNT])
{
	const struct finding_list *l = engine_findings(e);
	memset(by_sev, 0, SEVERITY_COUNT * sizeof(by_sev[0]));
	for (unsigned i = 0; i < l->n; i++)
		by_sev[l->items[i].severity]++;
}

enum check_status report_status(struct engine *e)
{
	switch (finding_list_worst(engine_findings(e))) {
	case SEVERITY_CRITICAL: return CHECK_CRITICAL;
	case SEVERITY_WARNING: return CHECK_WARNING;
	default: return CHECK_OK;
	}
}

/*
 * Monitoring plugin range syntax (Nagios plugin guidelines): "N" is 0..N,
 * "N:" is N..inf, "~:N" is -inf..N, "N:M" is N..M; the alert is raised
 * outside the range, or inside it with a leading '@'.
 */
bool check_range_parse(const char *text, struct check_range *r)
{
	char buf[64], *end;
	memset(r, 0, sizeof(*r));
	if (!text || !*text || strlen(text) >= sizeof(buf))
		return false;
	snprintf(buf, sizeof(buf), "%s", text);
	char *p = buf;
	if (*p == '@') {
		r->inside = true;
		p++;
	}
	char *colon = strchr(p, ':');
	if (!colon) {
		r->low = 0;
		r->high = strtod(p, &end);
		if (end == p || *end)
			return false;
	} else {
		*colon = '\0';
		if (strcmp(p, "~") == 0) {
			r->no_low = true;
		} else if (*p == '\0') {
			r->low = 0;
		} else {
			r->low = strtod(p, &end);
			if (end == p || *end)
				return false;
		}
		char *q = colon + 1;
		if (*q == '\0') {
			r->no_high = true;
		} else {
			r->high = strtod(q, &end);
			if (end == q || *end)
				return false;
		}
	}
	if (!r->no_low && !r->no_high && r->low > r->high)
		return false;
	r->set = true;
	return true;
}

bool check_range_alert(const struct check_range *r, double v)
{
	bool in = (r->no_low || v >= r->low) && (r->no_high || v <= r->high);
	return r->inside ? in : !in;
}

enum check_status report_status_thresholds(struct engine *e, const struct check_thresholds *t)
{
	if (!t || (!t->warning.set && !t->critical.set))
		return report_status(e);
	unsigned n[SEVERITY_COUNT];
	counts(e, n);
	struct check_range zero = { .set = true, .low = 0, .high = 0 };
	const struct check_range *w = t->warning.set ? &t->warning : &zero;
	const struct check_range *c = t->critical.set ? &t->critical : &zero;
	if (check_range_alert(c, n[SEVERITY_CRITICAL]))
		return CHECK_CRITICAL;
	if (check_range_alert(w, n[SEVERITY_WARNING]))
		return CHECK_WARNING;
	return CHECK_OK;
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

/*
 * Finding text is printable already (finding_make_printable: backslashes
 * doubled): only what is not printable is escaped, so nothing is escaped twice.
 */
static void finding_text(struct sbuf *out, const char *s)
{
	for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
		if (*c >= 0x20 && *c < 0x7f)
			sbuf_putc(out, (char)*c);
		else
			sbuf_printf(out, "\\x%02x", *c);
	}
}

static const struct vm_fix *fix_for(const struct vm_fix *fixes, unsigned n, int pid)
{
	for (unsigned i = 0; pid && i < n; i++)
		if (fixes[i].pid == pid)
			return &fixes[i];
	return NULL;
}

void report_findings_text(struct sbuf *out, struct engine *e)
{
	report_findings_text_fixes(out, e, NULL, 0);
}

static void text_fix(struct sbuf *out, const struct vm_fix *fx)
{
	if (fx->libvirt) {
		sbuf_puts(out, "\n  fix: this VM is managed by libvirt: change its domain XML so that every "
			  "<interface> has its own backend (virsh edit ");
		safe(out, fx->name ? fx->name : "?");
		sbuf_puts(out, "), then virsh shutdown and virsh start; stpwatch will not restart it");
		return;
	}
	if (fx->status == 0 && fx->diff) {
		sbuf_puts(out, "\n  fix (corrected command line, changes only):\n");
		for (const char *l = fx->diff; *l;) {
			const char *nl = strchr(l, '\n');
			size_t len = nl ? (size_t)(nl - l) : strlen(l);
			sbuf_puts(out, "    ");
			escape_text(out, (const uint8_t *)l, len);
			sbuf_putc(out, '\n');
			l += len + (nl ? 1 : 0);
		}
		sbuf_puts(out, "  restart it with: stpwatch --repair --pid ");
		sbuf_printf(out, "%d", fx->pid);
	} else if (fx->status < 0 && fx->why) {
		sbuf_puts(out, "\n  fix: not proposed: ");
		safe(out, fx->why);
	}
}

void report_findings_text_fixes(struct sbuf *out, struct engine *e,
				const struct vm_fix *fixes, unsigned n_fixes)
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
		finding_text(out, f->subject);
		if (f->vm_pid) {
			sbuf_printf(out, "  [VM ");
			safe(out, f->vm_name[0] ? f->vm_name : "?");
			sbuf_printf(out, ", pid %d]", f->vm_pid);
		}
		sbuf_puts(out, "\n  ");
		finding_text(out, f->explanation);
		sbuf_puts(out, "\n  evidence: ");
		finding_text(out, f->evidence);
		if (f->count) {
			sbuf_puts(out, "\n  seen: ");
			sbuf_printf(out, "%llu times, ", (unsigned long long)f->count);
			text_time(out, f->first_seen);
			sbuf_puts(out, " to ");
			text_time(out, f->last_seen);
			sbuf_puts(out, " UTC");
		}
		sbuf_puts(out, "\n  remedy: ");
		finding_text(out, f->remedy);
		const struct vm_fix *fx = fix_for(fixes, n_fixes, f->vm_pid);
		if (fx && f->kind == FINDING_SHARED_HUB)
			text_fix(out, fx);
		sbuf_putc(out, '\n');
	}
}

static void json_argv(struct json *j, const char *key, const char *const *argv, int argc)
{
	json_array_begin(j, key);
	for (int i = 0; argv && i < argc; i++)
		json_string(j, NULL, argv[i]);
	json_array_end(j);
}

static void json_fix(struct json *j, const struct vm_fix *fx)
{
	json_object_begin(j, "fix");
	json_string(j, "status", fx->libvirt ? "libvirt" : fx->status == 0 ? "proposed" :
		    fx->status == 1 ? "nothing-to-fix" : "refused");
	if (fx->libvirt)
		json_string(j, "why", "managed by libvirt: change the domain XML (virsh edit), "
			    "then virsh shutdown and virsh start");
	else if (fx->status < 0 && fx->why)
		json_string(j, "why", fx->why);
	if (fx->status == 0 && !fx->libvirt) {
		json_argv(j, "argv", fx->fix_argv, fx->fix_argc);
		json_string(j, "diff", fx->diff);
	}
	if (fx->qemu_major >= 0) {
		char v[32];
		snprintf(v, sizeof(v), "%d.%d", fx->qemu_major, fx->qemu_minor);
		json_string(j, "qemu_version", v);
	}
	json_object_end(j);
}

void report_findings_json(struct json *j, struct engine *e)
{
	report_findings_json_fixes(j, e, NULL, 0);
}

void report_findings_json_fixes(struct json *j, struct engine *e,
				const struct vm_fix *fixes, unsigned n_fixes)
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
		const struct vm_fix *fx = fix_for(fixes, n_fixes, f->vm_pid);
		if (fx && f->kind == FINDING_SHARED_HUB)
			json_fix(j, fx);
		json_uint(j, "count", f->count);
		json_fixed(j, "first_seen", f->first_seen, 6);
		json_fixed(j, "last_seen", f->last_seen, 6);
		json_string(j, "evidence", f->evidence);
		json_string(j, "explanation", f->explanation);
		json_string(j, "remedy", f->remedy);
		json_object_end(j);
	}
	json_array_end(j);
	struct engine_stats es;
	engine_get_stats(e, &es);
	json_object_begin(j, "summary");
	json_string(j, "status", check_status_name(report_status(e)));
	json_uint(j, "capture_drops", es.capture_drops);
	/* BPDUs no bridge would send (a hostile guest): counted, as on the --check line. */
	json_uint(j, "bpdus", es.bpdus);
	json_uint(j, "bpdus_truncated", es.bpdus_truncated);
	json_uint(j, "bpdus_invalid", es.bpdus_invalid);
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
	return report_check_line_thresholds(out, e, ps, unknown_reason, NULL);
}

enum check_status report_check_line_thresholds(struct sbuf *out, struct engine *e,
					       const struct portstats *ps,
					       const char *unknown_reason,
					       const struct check_thresholds *t)
{
	enum check_status st = unknown_reason ? CHECK_UNKNOWN : report_status_thresholds(e, t);
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
		/* What the capture lost may hide trouble: said, not only in perfdata. */
		if (es.capture_drops) {
			size_t len = strlen(text);
			snprintf(text + len, sizeof(text) - len, " (%llu frames lost)",
				 (unsigned long long)es.capture_drops);
		}
		bounded(out, start, text);
	} else {
		const struct finding *f = &l->items[0];
		char text[256];
		snprintf(text, sizeof(text), "%s %s", finding_kind_name(f->kind), f->subject);
		unsigned more_n = n[SEVERITY_CRITICAL] + n[SEVERITY_WARNING] - 1;
		size_t room = CHECK_TEXT_MAX - (out->len - start) - (more_n ? 12 : 0);
		if (f->vm_pid) {
			/* The VM's name if it fits whole; its pid too if that fits. */
			char vm[96];
			snprintf(vm, sizeof(vm), " (VM %s pid %d)", f->vm_name[0] ? f->vm_name : "?",
				 f->vm_pid);
			if (strlen(text) + strlen(vm) > room)
				snprintf(vm, sizeof(vm), " (VM %s)", f->vm_name[0] ? f->vm_name : "?");
			if (strlen(text) + strlen(vm) > room)
				snprintf(vm, sizeof(vm), " (pid %d)", f->vm_pid);
			if (strlen(text) + strlen(vm) <= room) {
				size_t len = strlen(text);
				snprintf(text + len, sizeof(text) - len, "%s", vm);
			}
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
		    "bpdus_invalid=%lluc;;;0 echoes=%lluc;;;0 dropped=%lluc;;;0\n",
		    n[SEVERITY_CRITICAL], n[SEVERITY_WARNING], n[SEVERITY_INFO], ps->n_ports,
		    (unsigned long long)es.frames, (unsigned long long)es.bpdus,
		    (unsigned long long)es.bpdus_truncated, (unsigned long long)es.bpdus_invalid,
		    (unsigned long long)es.echoes, (unsigned long long)es.capture_drops);
	return st;
}

static const char *state_name(enum port_state st)
{
	switch (st) {
	case PORT_STATE_DISABLED: return "disabled";
	case PORT_STATE_LISTENING: return "listening";
	case PORT_STATE_LEARNING: return "learning";
	case PORT_STATE_FORWARDING: return "forwarding";
	case PORT_STATE_BLOCKING: return "blocking";
	default: return "unknown";
	}
}

static void json_id(struct json *j, const char *key, uint64_t id)
{
	char buf[BRIDGE_ID_STRLEN];
	if (!id) {
		json_null(j, key);
		return;
	}
	format_bridge_id(buf, id);
	json_string(j, key, buf);
}

void report_state_json(struct json *j, struct engine *e,
		       const struct vm_fix *fixes, unsigned n_fixes)
{
	json_array_begin(j, "bridges");
	for (unsigned i = 0; i < engine_bridge_count(e); i++) {
		const struct bridge_info *b = engine_bridge_at(e, i);
		json_object_begin(j, NULL);
		json_string(j, "name", b->name);
		json_id(j, "bridge_id", b->bridge_id);
		json_id(j, "root_id", b->root_id);
		json_bool(j, "is_root", b->bridge_id && b->bridge_id == b->root_id);
		json_uint(j, "root_path_cost", b->root_path_cost);
		if (b->root_port[0])
			json_string(j, "root_port", b->root_port);
		else
			json_null(j, "root_port");
		json_bool(j, "stp", b->stp_enabled);
		json_bool(j, "kernel_stp", b->kernel_stp);
		json_fixed(j, "hello_time", b->hello_time / 256.0, 8);
		json_fixed(j, "max_age", b->max_age / 256.0, 8);
		json_fixed(j, "forward_delay", b->forward_delay / 256.0, 8);
		json_uint(j, "topology_changes", b->topology_changes);
		json_object_end(j);
	}
	json_array_end(j);

	json_array_begin(j, "ports");
	for (unsigned i = 0; i < engine_port_count(e); i++) {
		struct port_view v;
		if (!engine_port_view(e, i, &v) || !v.present)
			continue;
		char port[8];
		json_object_begin(j, NULL);
		json_string(j, "name", v.info->name);
		json_string(j, "bridge", v.info->bridge);
		json_string(j, "kind", v.info->kind == PORT_KIND_TAP ? "tap" :
			    v.info->kind == PORT_KIND_OTHER ? "other" : "unknown");
		json_string(j, "state", state_name(v.info->state));
		snprintf(port, sizeof(port), "%04x", v.info->port_id);
		json_string(j, "port_id", port);
		json_uint(j, "path_cost", v.info->path_cost);
		json_id(j, "designated_root", v.info->designated_root);
		json_id(j, "designated_bridge", v.info->designated_bridge);
		snprintf(port, sizeof(port), "%04x", v.info->designated_port);
		json_string(j, "designated_port", port);
		json_int(j, "mtu", v.info->mtu);
		json_uint(j, "bpdus", v.bpdus);
		if (v.last_bpdu_time >= 0)
			json_fixed(j, "last_bpdu_time", v.last_bpdu_time, 6);
		if (v.vm_pid)
			json_int(j, "vm_pid", v.vm_pid);
		json_object_end(j);
	}
	json_array_end(j);

	json_array_begin(j, "vms");
	for (unsigned i = 0; i < engine_vm_count(e); i++) {
		const struct vm_info *vm = engine_vm_at(e, i);
		if (!vm)
			continue;
		json_object_begin(j, NULL);
		json_int(j, "pid", vm->pid);
		json_string(j, "name", vm->name);
		json_bool(j, "paused", vm->paused);
		json_array_begin(j, "nics");
		for (unsigned k = 0; k < vm->n_nics; k++) {
			char mac[MAC_STRLEN];
			json_object_begin(j, NULL);
			json_string(j, "tap", vm->nics[k].tap);
			if (vm->nics[k].hub >= 0)
				json_int(j, "hub", vm->nics[k].hub);
			else
				json_null(j, "hub");
			if (vm->nics[k].have_mac) {
				format_mac(mac, vm->nics[k].mac);
				json_string(j, "mac", mac);
			}
			json_object_end(j);
		}
		json_array_end(j);
		const struct vm_fix *fx = fix_for(fixes, n_fixes, vm->pid);
		if (fx) {
			if (fx->exe)
				json_string(j, "exe", fx->exe);
			json_argv(j, "argv", fx->argv, fx->argc);
			json_bool(j, "libvirt", fx->libvirt);
			json_fix(j, fx);
		}
		json_object_end(j);
	}
	json_array_end(j);
}
