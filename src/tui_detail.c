/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tui_detail.c - the text of the overlays: details of a port, a finding or
 * a VM, the help, the repair dialogs and the message list.
 *
 * Text is built as logical lines in t->ovl_text, each
 *     <kind><look><label> US <value> LF
 * kind: 'L' labelled, 'T' text, 'H' heading, 'B' blank; look: '0' + enum
 * tui_look for the value.  Every value is sanitised as it is added, so it
 * holds neither US nor LF; tui_draw.c wraps the lines to the box.
 */
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stpwatch/names.h"
#include "tui_int.h"

static void add_line(struct tui *t, char kind, enum tui_look look, const char *label,
		     const char *value)
{
	char safe[1600];
	tui_sanitize(safe, sizeof(safe), value ? value : "", SIZE_MAX, INT_MAX, t->utf8);
	sbuf_printf(&t->ovl_text, "%c%c%s\x1f%s\n", kind, (char)('0' + look), label, safe);
}

static void linef(struct tui *t, char kind, enum tui_look look, const char *label,
		  const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void linef(struct tui *t, char kind, enum tui_look look, const char *label,
		  const char *fmt, ...)
{
	char raw[1600];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(raw, sizeof(raw), fmt, ap);
	va_end(ap);
	add_line(t, kind, look, label, raw);
}

#define LABEL(t, label, ...) linef((t), 'L', LOOK_NORMAL, (label), __VA_ARGS__)
#define TEXT(t, ...) linef((t), 'T', LOOK_NORMAL, "", __VA_ARGS__)
#define HEADING(t, text) add_line((t), 'H', LOOK_HEADING, "", (text))
#define BLANK(t) add_line((t), 'B', LOOK_NORMAL, "", "")

static enum tui_look severity_look(enum severity s)
{
	return s == SEVERITY_CRITICAL ? LOOK_CRITICAL : s == SEVERITY_WARNING ? LOOK_WARNING
									      : LOOK_NORMAL;
}

static void when(const struct tui *t, char *out, size_t len, double at)
{
	char ts[64], age[32];
	if (!(at > 0)) {
		snprintf(out, len, "-");
		return;
	}
	tui_fmt_time(ts, sizeof(ts), at);
	tui_fmt_age(age, sizeof(age), t->now - at);
	snprintf(out, len, "%s (%s ago)", ts, age);
}

static const char *vm_text(char *out, size_t len, const char *name, int pid)
{
	if (pid > 0)
		snprintf(out, len, "%s (pid %d)", name && name[0] ? name : "unnamed", pid);
	else if (name && name[0])
		snprintf(out, len, "%s", name);
	else
		snprintf(out, len, "-");
	return out;
}

/* One line about a port for lists: state, bridge, BPDUs, last BPDU. */
static void port_summary(struct tui *t, const char *name)
{
	const struct snap_port *p = tui_find_port(t, name);
	if (!p) {
		TEXT(t, "%s: not seen", name);
		return;
	}
	char id[BRIDGE_ID_STRLEN], age[32] = "";
	if (p->last_bpdu_time >= 0) {
		format_bridge_id(id, p->last_bpdu_sender);
		tui_fmt_age(age, sizeof(age), t->now - p->last_bpdu_time);
		linef(t, 'T', tui_state_look(p->info.state), "",
		      "%s: %s on %s, BPDUs %llu in / %llu out, last from %s port %04x %s ago",
		      p->info.name, tui_state_name(p->info.state),
		      p->info.bridge[0] ? p->info.bridge : "-",
		      (unsigned long long)p->bpdus_in, (unsigned long long)p->bpdus_out, id,
		      p->last_bpdu_port, age);
	} else {
		linef(t, 'T', tui_state_look(p->info.state), "", "%s: %s on %s, no BPDU heard",
		      p->info.name, tui_state_name(p->info.state),
		      p->info.bridge[0] ? p->info.bridge : "-");
	}
}

static void findings_naming(struct tui *t, const char *port, int pid)
{
	unsigned n = 0;
	for (unsigned i = 0; i < t->n_findings; i++) {
		const struct finding *f = &t->findings[i];
		if ((port && finding_has_port(f, port)) || (pid > 0 && f->vm_pid == pid)) {
			if (n++ == 0) {
				BLANK(t);
				HEADING(t, "Findings");
			}
			linef(t, 'T', severity_look(f->severity), "", "%s %s %s",
			      severity_name(f->severity), finding_kind_name(f->kind), f->subject);
		}
	}
}

static void port_detail(struct tui *t, const struct snap_port *p)
{
	char id[BRIDGE_ID_STRLEN], buf[160];
	const struct port_info *in = &p->info;

	LABEL(t, "Port", "%s", in->name);
	LABEL(t, "Kind", "%s", in->kind == PORT_KIND_TAP ? "tap (a VM NIC)" :
			       in->kind == PORT_KIND_OTHER ? "other (veth, physical, bond ...)" : "unknown");
	LABEL(t, "Bridge", "%s", in->bridge[0] ? in->bridge : "-");
	linef(t, 'L', tui_state_look(in->state), "State", "%s%s", tui_state_name(in->state),
	      p->present ? "" : " (the port is gone)");
	LABEL(t, "Role", "%s", tui_port_role(t, p, false));
	LABEL(t, "VM", "%s", vm_text(buf, sizeof(buf), p->vm_name, p->vm_pid));
	if (in->port_id)
		LABEL(t, "Port id", "%04x (priority %u, number %u)", in->port_id,
		      (unsigned)(in->port_id >> 12) << 4, in->port_id & 0x0fffu);
	else
		LABEL(t, "Port id", "-");
	LABEL(t, "Path cost", "%u", in->path_cost);
	if (in->mtu > 0)
		LABEL(t, "MTU", "%d", in->mtu);
	if (in->ifindex >= 0)
		LABEL(t, "ifindex", "%d", in->ifindex);
	if (in->have_mac) {
		char mac[MAC_STRLEN];
		format_mac(mac, in->mac);
		LABEL(t, "MAC", "%s", mac);
	}
	format_bridge_id(id, in->designated_root);
	LABEL(t, "Designated root", "%s", in->designated_root ? id : "-");
	format_bridge_id(id, in->designated_bridge);
	if (in->designated_bridge)
		LABEL(t, "Designated bridge", "%s port %04x", id, in->designated_port);
	else
		LABEL(t, "Designated bridge", "-");

	BLANK(t);
	HEADING(t, "Traffic");
	LABEL(t, "Frames", "%llu", (unsigned long long)p->frames);
	LABEL(t, "BPDUs", "%llu in, %llu out, %llu in all", (unsigned long long)p->bpdus_in,
	      (unsigned long long)p->bpdus_out, (unsigned long long)p->bpdus);

	BLANK(t);
	HEADING(t, "Last BPDU");
	if (p->last_bpdu_time < 0) {
		TEXT(t, "none heard");
	} else {
		when(t, buf, sizeof(buf), p->last_bpdu_time);
		LABEL(t, "Heard", "%s", buf);
		LABEL(t, "Protocol", "%s", p->last_bpdu_protocol ? p->last_bpdu_protocol : "-");
		format_bridge_id(id, p->last_bpdu_sender);
		LABEL(t, "Sender", "bridge %s port %04x", id, p->last_bpdu_port);
		format_bridge_id(id, p->last_bpdu_root);
		LABEL(t, "Root", "%s, root path cost %u", id, p->last_bpdu_cost);
	}
	findings_naming(t, in->name, 0);
}

static void join_names(char *out, size_t len, const char (*names)[FINDING_NAME_LEN], unsigned n)
{
	size_t o = 0;
	out[0] = '\0';
	for (unsigned i = 0; i < n && o + 1 < len; i++) {
		int w = snprintf(out + o, len - o, "%s%s", i ? ", " : "", names[i]);
		if (w < 0)
			break;
		o += (size_t)w;
	}
	if (!out[0])
		snprintf(out, len, "-");
}

static void finding_detail(struct tui *t, const struct finding *f)
{
	char buf[600];
	unsigned np = f->n_ports < FINDING_MAX_PORTS ? f->n_ports : FINDING_MAX_PORTS;
	unsigned nb = f->n_bridges < FINDING_MAX_BRIDGES ? f->n_bridges : FINDING_MAX_BRIDGES;

	linef(t, 'L', severity_look(f->severity), "Severity", "%s", severity_name(f->severity));
	LABEL(t, "Kind", "%s", finding_kind_name(f->kind));
	LABEL(t, "Subject", "%s", f->subject);
	join_names(buf, sizeof(buf), f->ports, np);
	LABEL(t, "Ports", "%s", buf);
	join_names(buf, sizeof(buf), f->bridges, nb);
	LABEL(t, "Bridges", "%s", buf);
	LABEL(t, "VM", "%s", vm_text(buf, sizeof(buf), f->vm_name, f->vm_pid));
	LABEL(t, "Count", "%llu", (unsigned long long)f->count);
	when(t, buf, sizeof(buf), f->first_seen);
	LABEL(t, "First seen", "%s", buf);
	when(t, buf, sizeof(buf), f->last_seen);
	LABEL(t, "Last seen", "%s", buf);
	BLANK(t);
	LABEL(t, "Explanation", "%s", f->explanation[0] ? f->explanation : "-");
	LABEL(t, "Evidence", "%s", f->evidence[0] ? f->evidence : "-");
	LABEL(t, "Remedy", "%s", f->remedy[0] ? f->remedy : "-");
	if (np) {
		BLANK(t);
		HEADING(t, "Ports");
		for (unsigned i = 0; i < np; i++)
			port_summary(t, f->ports[i]);
	}
}

static void vm_detail(struct tui *t, const struct vm_info *v)
{
	LABEL(t, "PID", "%d", v->pid);
	LABEL(t, "Name", "%s", v->name[0] ? v->name : "-");
	LABEL(t, "State", "%s", v->paused ? "paused" : "running");
	BLANK(t);
	HEADING(t, "NICs");
	unsigned n = v->n_nics < ENGINE_MAX_VM_NICS ? v->n_nics : ENGINE_MAX_VM_NICS;
	if (!n)
		TEXT(t, "none known");
	for (unsigned i = 0; i < n; i++) {
		const struct vm_nic *c = &v->nics[i];
		char shared[400] = "", mac[MAC_STRLEN] = "-";
		size_t o = 0;
		for (unsigned k = 0; c->hub >= 0 && k < n; k++) {
			if (k == i || v->nics[k].hub != c->hub)
				continue;
			int w = snprintf(shared + o, sizeof(shared) - o, "%s%s", o ? ", " : " shared with ",
					 v->nics[k].tap[0] ? v->nics[k].tap : "?");
			if (w < 0 || (size_t)w >= sizeof(shared) - o)
				break;
			o += (size_t)w;
		}
		if (c->have_mac)
			format_mac(mac, c->mac);
		char hub[48];
		if (c->hub >= 0)
			snprintf(hub, sizeof(hub), "hub %d", c->hub);
		else
			snprintf(hub, sizeof(hub), "own backend");
		linef(t, 'T', shared[0] ? LOOK_BAD : LOOK_NORMAL, "", "%s: %s%s, MAC %s",
		      c->tap[0] ? c->tap : "(no tap)", hub, shared, mac);
	}
	for (unsigned i = 0; i < n; i++)
		if (v->nics[i].tap[0] && tui_find_port(t, v->nics[i].tap))
			port_summary(t, v->nics[i].tap);
	findings_naming(t, NULL, v->pid);
}

static void help_text(struct tui *t)
{
	static const char *const keys[][2] = {
		{ "Up/Down j/k", "move the selection" },
		{ "PgUp/PgDn", "a page up or down" },
		{ "Home/End g/G", "first or last item" },
		{ "Tab/S-Tab", "next or previous pane: ports, findings, VMs" },
		{ "Enter", "details of the selected item (Esc, q or Enter close)" },
		{ "/", "filter ports, bridges and VMs by name (Enter keeps, Esc clears)" },
		{ "Esc", "clear the filter" },
		{ "p", "pause or resume: the view stops refreshing, keys still work" },
		{ "r", "repair the selected shared-hub finding (asks first)" },
		{ "m", "messages" },
		{ "Ctrl-L", "redraw the screen" },
		{ "?", "this help" },
		{ "q", "quit" },
	};
	HEADING(t, "Keys");
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		LABEL(t, keys[i][0], "%s", keys[i][1]);
	BLANK(t);
	HEADING(t, "Port states");
	linef(t, 'L', LOOK_GOOD, "forwarding", "passes traffic");
	linef(t, 'L', LOOK_CAUTION, "listening", "on the way to forwarding (learning follows)");
	linef(t, 'L', LOOK_BAD, "blocking", "STP cut this port: it passes no traffic");
	LABEL(t, "ROLE", "root, desg(nated), alt(ernate), b(ac)kup, dis(abled); - if unknown");
	LABEL(t, "AGE", "time since the last BPDU on the port");
	LABEL(t, "HELLO/AGE/FWD", "hello time, max age and forward delay in seconds");
	LABEL(t, "TC", "topology changes (and how long ago the last one was seen)");
	BLANK(t);
	HEADING(t, "Findings");
	linef(t, 'L', LOOK_CRITICAL, "CRIT", "critical: breaks the network now");
	linef(t, 'L', LOOK_WARNING, "WARN", "warning: will break it, or degrades it");
	LABEL(t, "INFO", "worth knowing");
}

static void repair_text(struct tui *t, bool confirm)
{
	const struct finding *f = &t->repair;
	char buf[200];

	if (!confirm) {
		if (!t->repair_available)
			TEXT(t, "Automatic repair is not available in this version of stpwatch.");
		else
			TEXT(t, "No VM is known for this finding, so stpwatch cannot repair it.");
		BLANK(t);
	}
	linef(t, 'L', severity_look(f->severity), "Finding", "%s %s %s", severity_name(f->severity),
	      finding_kind_name(f->kind), f->subject);
	LABEL(t, "VM", "%s", vm_text(buf, sizeof(buf), f->vm_name, f->vm_pid));
	LABEL(t, confirm ? "Fix" : "To fix it by hand", "%s", f->remedy[0] ? f->remedy : "-");
	BLANK(t);
	if (confirm)
		linef(t, 'T', LOOK_HEADING, "", "Repair VM %s now?  y = yes, n = no",
		      f->vm_name[0] ? f->vm_name : buf);
	else
		TEXT(t, "Press any key to close.");
}

static void messages_text(struct tui *t)
{
	if (!t->n_msgs)
		TEXT(t, "No messages.");
	for (unsigned i = 0; i < t->n_msgs; i++) {
		const struct tui_msg *m = tui_msg_at(t, i);
		struct tm tm;
		char ts[16] = "--:--:--";
		if (gmtime_r(&m->wall, &tm))
			strftime(ts, sizeof(ts), "%H:%M:%S", &tm);
		enum tui_look look = m->level == LOG_LEVEL_ERROR ? LOOK_BAD :
				     m->level == LOG_LEVEL_WARNING ? LOOK_CAUTION : LOOK_NORMAL;
		linef(t, 'L', look, ts, "%s%s%s", m->level <= LOG_LEVEL_WARNING ?
		      log_level_name(m->level) : "", m->level <= LOG_LEVEL_WARNING ? ": " : "",
		      m->text);
	}
}

const char *tui_overlay_text(struct tui *t, char *title, size_t tlen)
{
	sbuf_reset(&t->ovl_text);
	title[0] = '\0';
	switch (t->overlay) {
	case OVL_HELP:
		snprintf(title, tlen, "stpwatch %s help", STPWATCH_VERSION);
		help_text(t);
		break;
	case OVL_CONFIRM:
		snprintf(title, tlen, "Repair shared hub?");
		repair_text(t, true);
		break;
	case OVL_NOTICE:
		snprintf(title, tlen, "Repair not possible");
		if (!t->repair_available)
			snprintf(title, tlen, "Repair not available");
		repair_text(t, false);
		break;
	case OVL_MESSAGES:
		snprintf(title, tlen, "Messages (UTC)");
		messages_text(t);
		break;
	case OVL_DETAIL:
		if (t->detail_pane == PANE_PORTS) {
			const struct snap_port *p = tui_find_port(t, t->detail_key);
			snprintf(title, tlen, "Port %s", t->detail_key);
			if (p)
				port_detail(t, p);
		} else if (t->detail_pane == PANE_FINDINGS) {
			const struct finding *f = tui_find_finding(t, t->detail_key);
			if (f) {
				snprintf(title, tlen, "%s %s", severity_name(f->severity),
					 finding_kind_name(f->kind));
				finding_detail(t, f);
			} else {
				snprintf(title, tlen, "Finding");
			}
		} else {
			const struct vm_info *v = tui_find_vm(t, atoi(t->detail_key));
			char buf[120];
			snprintf(title, tlen, "VM %s", v ? vm_text(buf, sizeof(buf), v->name, v->pid)
							  : t->detail_key);
			if (v)
				vm_detail(t, v);
		}
		if (!t->ovl_text.len)
			TEXT(t, "This item is no longer reported.");
		break;
	case OVL_NONE:
		break;
	}
	return title;
}
