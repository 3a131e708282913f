/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tui_draw.c - one frame of the curses view.
 *
 *   header      version, pause, mode, drops, time; counts
 *   BRIDGES     one row per bridge
 *   FINDINGS    two rows per finding, most severe first
 *   PORTS       one row per port, bridge by bridge
 *   VMS         one row per VM: taps and the hubs they sit on
 *   status      message, filter, position
 *   keys        the keys that matter
 *
 * Every string is drawn through tui_put(), which sanitises it and never draws
 * past the width it is given, so nothing wraps and nothing from the network
 * reaches the terminal as a control sequence.  Only visible rows are
 * formatted.  The frame is erase() + draw + wnoutrefresh() + doupdate():
 * curses sends only the difference, so there is no flicker.
 */
#include <curses.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "stpwatch/names.h"
#include "tui_int.h"

attr_t tui_look_attr(const struct tui *t, enum tui_look l)
{
	if (t->colour) {
		switch (l) {
		case LOOK_NORMAL: return A_NORMAL;
		case LOOK_GOOD: return COLOR_PAIR(1);
		case LOOK_CAUTION: return COLOR_PAIR(2);
		case LOOK_BAD: return COLOR_PAIR(3);
		case LOOK_BAR: return COLOR_PAIR(4);
		case LOOK_HEADING: return A_BOLD;
		case LOOK_CRITICAL: return COLOR_PAIR(3) | A_BOLD;
		case LOOK_WARNING: return COLOR_PAIR(2) | A_BOLD;
		case LOOK_DIM: return A_DIM;
		case LOOK_KEY: return A_BOLD;
		}
		return A_NORMAL;
	}
	switch (l) {
	case LOOK_NORMAL: return A_NORMAL;
	case LOOK_GOOD: return A_BOLD;
	case LOOK_CAUTION: return A_UNDERLINE;
	case LOOK_BAD: return A_REVERSE;
	case LOOK_BAR: return A_REVERSE;
	case LOOK_HEADING: return A_BOLD;
	case LOOK_CRITICAL: return A_BOLD | A_REVERSE;
	case LOOK_WARNING: return A_BOLD | A_UNDERLINE;
	case LOOK_DIM: return A_DIM;
	case LOOK_KEY: return A_BOLD;
	}
	return A_NORMAL;
}

/* A cell's look on a row: reverse video on a reversed row shows as normal video. */
static attr_t on_row(attr_t row, attr_t cell)
{
	attr_t a = row | cell;
	if ((row & A_REVERSE) && (cell & A_REVERSE))
		a &= ~(attr_t)A_REVERSE;
	return a;
}

/* Draws s, sanitised, in at most w columns from (y, x); returns the columns used. */
int tui_put(const struct tui *t, int y, int x, int w, attr_t a, const char *s, enum tui_align al)
{
	char buf[2048];
	if (y < 0 || y >= LINES || x < 0 || x >= COLS || w <= 0)
		return 0;
	if (w > COLS - x)
		w = COLS - x;
	if (w > 500)
		w = 500;
	int cols = tui_sanitize(buf, sizeof(buf), s ? s : "", SIZE_MAX, w, t->utf8);
	int pad = w - cols;
	attrset((int)a);
	move(y, x);
	if (al == ALIGN_RIGHT)
		for (int i = 0; i < pad; i++)
			addch(' ');
	addstr(buf);
	if (al == ALIGN_PAD)
		for (int i = 0; i < pad; i++)
			addch(' ');
	attrset(A_NORMAL);
	return al == ALIGN_NONE ? cols : w;
}

static void fill_row(int y, attr_t a)
{
	if (y < 0 || y >= LINES)
		return;
	attrset((int)a);
	move(y, 0);
	for (int x = 0; x < COLS; x++)
		addch(' ');
	attrset(A_NORMAL);
}

void tui_pen_put(const struct tui *t, struct tui_pen *p, attr_t a, const char *s)
{
	if (p->x < p->end)
		p->x += tui_put(t, p->y, p->x, p->end - p->x, a, s, ALIGN_NONE);
}

static void pen_printf(const struct tui *t, struct tui_pen *p, attr_t a, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void pen_printf(const struct tui *t, struct tui_pen *p, attr_t a, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	tui_pen_put(t, p, a, buf);
}

static void cell(const struct tui *t, int y, const struct tui_col *c, attr_t a, const char *s)
{
	if (c->w > 0)
		tui_put(t, y, c->x, c->w, a, s, c->right ? ALIGN_RIGHT : ALIGN_PAD);
}

static void heading_row(const struct tui *t, int y, struct tui_col *cols, unsigned n, attr_t a)
{
	fill_row(y, a);
	for (unsigned i = 0; i < n; i++) {
		const struct tui_col *c = &cols[i];
		const char *title = c->short_title && (int)strlen(c->title) > c->w ? c->short_title
										 : c->title;
		cell(t, y, c, a, title);
	}
}

static void fmt_count(char *out, size_t len, uint64_t n)
{
	if (n < 100000)
		snprintf(out, len, "%llu", (unsigned long long)n);
	else if (n < 100000000ULL)
		snprintf(out, len, "%lluk", (unsigned long long)(n / 1000));
	else
		snprintf(out, len, "%lluM", (unsigned long long)(n / 1000000));
}

/* What must stand out on the header bar: white on red, or bold underlined normal video. */
static attr_t alert_attr(const struct tui *t)
{
	return t->colour ? COLOR_PAIR(6) | A_BOLD : A_BOLD | A_UNDERLINE;
}

/* ---- header, status, keys -------------------------------------------------------------- */

static void draw_header(struct tui *t)
{
	attr_t bar = tui_look_attr(t, LOOK_BAR);
	char when[64], drops[48], right[128];
	tui_fmt_time(when, sizeof(when), t->now);
	snprintf(drops, sizeof(drops), "drops %llu", (unsigned long long)t->drops);
	snprintf(right, sizeof(right), "%s  %s", drops, when);

	fill_row(0, bar);
	int rw = (int)strlen(right);
	struct tui_pen p = { 0, 0, COLS };
	tui_pen_put(t, &p, bar | A_BOLD, "stpwatch " STPWATCH_VERSION);
	if (t->paused) {
		tui_pen_put(t, &p, bar, "  ");
		tui_pen_put(t, &p, alert_attr(t), "PAUSED");
	}
	if (t->mode[0]) {
		p.end = COLS - rw - 2 > p.x + 2 ? COLS - rw - 2 : COLS;
		tui_pen_put(t, &p, bar, "  ");
		tui_pen_put(t, &p, bar, t->mode);
		p.end = COLS;
	}
	if (COLS - rw > p.x + 1) {          /* dropped frames are missing evidence: loud */
		struct tui_pen r = { 0, COLS - rw, COLS };
		tui_pen_put(t, &r, t->drops ? alert_attr(t) : bar, drops);
		tui_pen_put(t, &r, bar, "  ");
		tui_pen_put(t, &r, bar, when);
	}

	unsigned sev[SEVERITY_COUNT] = { 0 };
	for (unsigned i = 0; i < t->n_findings; i++)
		if ((unsigned)t->findings[i].severity < SEVERITY_COUNT)
			sev[t->findings[i].severity]++;
	struct tui_pen q = { 1, 0, COLS };
	pen_printf(t, &q, A_NORMAL, "%u bridge%s  %u port%s", t->n_bridges,
		   t->n_bridges == 1 ? "" : "s", t->n_ports, t->n_ports == 1 ? "" : "s");
	if (t->ports_watched)
		pen_printf(t, &q, A_NORMAL, " (%u watched)", t->ports_watched);
	pen_printf(t, &q, A_NORMAL, "  %u VM%s  ", t->n_vms, t->n_vms == 1 ? "" : "s");
	pen_printf(t, &q, sev[SEVERITY_CRITICAL] ? tui_look_attr(t, LOOK_CRITICAL) : A_NORMAL,
		   "%u critical", sev[SEVERITY_CRITICAL]);
	pen_printf(t, &q, sev[SEVERITY_WARNING] ? tui_look_attr(t, LOOK_WARNING) : A_NORMAL,
		   " %u warning", sev[SEVERITY_WARNING]);
	pen_printf(t, &q, A_NORMAL, " %u info", sev[SEVERITY_INFO]);
	if (t->bpdus_malformed)            /* what a guest sends that no bridge would */
		pen_printf(t, &q, tui_look_attr(t, LOOK_CAUTION), "  %llu malformed BPDU%s",
			   (unsigned long long)t->bpdus_malformed, t->bpdus_malformed == 1 ? "" : "s");
}

static const char *const pane_names[PANE_COUNT] = { "ports", "findings", "VMs" };

static void draw_status(struct tui *t, int y)
{
	char right[160];
	const struct pane_state *ps = &t->pane[t->focus];
	unsigned n = t->n_vis[t->focus];

	if (t->editing_filter) {
		struct tui_pen p = { y, 0, COLS };
		tui_pen_put(t, &p, A_BOLD, "Filter: ");
		tui_pen_put(t, &p, A_NORMAL, t->filter);
		tui_pen_put(t, &p, A_REVERSE, " ");
		tui_pen_put(t, &p, A_DIM, "   Enter keeps, Esc clears");
		return;
	}
	snprintf(right, sizeof(right), "%s %u/%u", pane_names[t->focus], n ? ps->sel + 1 : 0, n);
	int rw = (int)strlen(right);
	int msg_end = COLS - rw - 2;
	struct tui_pen p = { y, 0, msg_end > 0 ? msg_end : 0 };
	if (t->filter[0]) {
		tui_pen_put(t, &p, A_BOLD, "filter: ");
		tui_pen_put(t, &p, A_NORMAL, t->filter);
		tui_pen_put(t, &p, A_DIM, " (Esc clears)  ");
	}
	const struct tui_msg *m = tui_latest_msg(t);
	if (m && tui_mono_now() - m->mono < TUI_MSG_SHOW_S) {
		enum tui_look l = m->level == LOG_LEVEL_ERROR ? LOOK_BAD :
				  m->level == LOG_LEVEL_WARNING ? LOOK_CAUTION : LOOK_NORMAL;
		if (m->level <= LOG_LEVEL_WARNING) {
			tui_pen_put(t, &p, tui_look_attr(t, l), log_level_name(m->level));
			tui_pen_put(t, &p, tui_look_attr(t, l), ": ");
		}
		tui_pen_put(t, &p, tui_look_attr(t, l), m->text);
	} else if (t->st_message[0]) {
		tui_pen_put(t, &p, A_NORMAL, t->st_message);
	}
	if (msg_end > 0)
		tui_put(t, y, COLS - rw, rw, A_DIM, right, ALIGN_NONE);
}

static void draw_keys(struct tui *t, int y)
{
	static const char *const keys[][2] = {
		{ "?", "Help" }, { "Tab", "Pane" }, { "Enter", "Details" }, { "/", "Filter" },
		{ "p", NULL }, { "r", "Repair" }, { "m", "Msgs" }, { "q", "Quit" },
	};
	attr_t bar = tui_look_attr(t, LOOK_BAR);
	fill_row(y, bar);
	struct tui_pen p = { y, 0, COLS };
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		const char *label = keys[i][1] ? keys[i][1] : t->paused ? "Resume" : "Pause";
		tui_pen_put(t, &p, A_NORMAL | A_BOLD, keys[i][0]);
		tui_pen_put(t, &p, bar, " ");
		tui_pen_put(t, &p, bar, label);
		tui_pen_put(t, &p, bar, " ");
	}
}

/* ---- bridges ------------------------------------------------------------------------- */

enum { BC_NAME, BC_ID, BC_ROOT, BC_RPORT, BC_COST, BC_TIMERS, BC_STP, BC_TC, BC_N };

static const struct tui_col bridge_cols[BC_N] = {
	[BC_NAME]   = { "BRIDGE", NULL, 6, 10, 0, false, false, 0, 0 },
	[BC_ID]     = { "BRIDGE ID", NULL, 17, 17, 1, false, false, 0, 0 },
	[BC_ROOT]   = { "ROOT", NULL, 17, 17, 2, false, false, 0, 0 },
	[BC_RPORT]  = { "ROOT PORT", "RPORT", 5, 10, 4, false, false, 0, 0 },
	[BC_COST]   = { "COST", NULL, 5, 8, 5, true, false, 0, 0 },
	[BC_TIMERS] = { "HELLO/AGE/FWD", "TIMERS", 8, 13, 7, false, false, 0, 0 },
	[BC_STP]    = { "STP", NULL, 6, 6, 3, false, false, 0, 0 },
	[BC_TC]     = { "TC", NULL, 5, 12, 6, false, false, 0, 0 },
};

static void draw_bridge_row(struct tui *t, int y, const struct tui_col *c, const struct bridge_info *b)
{
	char id[BRIDGE_ID_STRLEN], buf[64];
	bool is_root = b->bridge_id && b->root_id == b->bridge_id;

	cell(t, y, &c[BC_NAME], A_BOLD, b->name);
	format_bridge_id(id, b->bridge_id);
	cell(t, y, &c[BC_ID], A_NORMAL, b->bridge_id ? id : "-");
	format_bridge_id(id, b->root_id);
	if (is_root)
		cell(t, y, &c[BC_ROOT], tui_look_attr(t, LOOK_GOOD) | A_BOLD, "ROOT");
	else
		cell(t, y, &c[BC_ROOT], A_NORMAL, b->root_id ? id : "-");
	cell(t, y, &c[BC_RPORT], A_NORMAL, b->root_port[0] ? b->root_port : "-");
	snprintf(buf, sizeof(buf), "%u", b->root_path_cost);
	cell(t, y, &c[BC_COST], A_NORMAL, buf);
	tui_fmt_timers(buf, sizeof(buf), b->hello_time, b->max_age, b->forward_delay);
	cell(t, y, &c[BC_TIMERS], A_NORMAL, buf);
	if (!b->stp_enabled)
		cell(t, y, &c[BC_STP], tui_look_attr(t, LOOK_CAUTION), "off");
	else
		cell(t, y, &c[BC_STP], A_NORMAL, b->kernel_stp ? "kernel" : "user");
	double changed = -1;
	for (unsigned i = 0; i < t->n_tc; i++)
		if (strcmp(t->tc[i].bridge, b->name) == 0)
			changed = t->tc[i].changed;
	char age[32];
	tui_fmt_age(age, sizeof(age), t->now - changed);
	if (changed >= 0)
		snprintf(buf, sizeof(buf), "%u %s", b->topology_changes, age);
	else
		snprintf(buf, sizeof(buf), "%u", b->topology_changes);
	cell(t, y, &c[BC_TC], A_NORMAL, buf);
}

static void draw_bridges(struct tui *t, int y, int rows)
{
	struct tui_col c[BC_N];
	memcpy(c, bridge_cols, sizeof(c));
	tui_fit_columns(c, BC_N, COLS);
	heading_row(t, y, c, BC_N, tui_look_attr(t, LOOK_HEADING) | A_UNDERLINE);
	if (t->n_vis_bridges == 0) {
		tui_put(t, y + 1, 0, COLS, A_DIM, t->filter[0] ? "no bridge matches the filter"
							     : "no bridges known", ALIGN_NONE);
		return;
	}
	for (int r = 0; r < rows && (unsigned)r < t->n_vis_bridges; r++) {
		if (r == rows - 1 && t->n_vis_bridges > (unsigned)rows) {
			char more[64];
			snprintf(more, sizeof(more), "... %u more bridges", t->n_vis_bridges - (unsigned)r);
			tui_put(t, y + 1 + r, 0, COLS, A_DIM, more, ALIGN_NONE);
			break;
		}
		draw_bridge_row(t, y + 1 + r, c, &t->bridges[t->vis_bridges[r]]);
	}
}

/* ---- findings ---------------------------------------------------------------------------- */

static void draw_finding(struct tui *t, int y, int lines, const struct finding *f, bool sel)
{
	attr_t row = sel ? A_REVERSE : A_NORMAL;
	enum tui_look l = f->severity == SEVERITY_CRITICAL ? LOOK_CRITICAL :
			  f->severity == SEVERITY_WARNING ? LOOK_WARNING : LOOK_NORMAL;
	const char *tag = f->severity == SEVERITY_CRITICAL ? "CRIT" :
			  f->severity == SEVERITY_WARNING ? "WARN" : "INFO";
	char age[32];

	for (int i = 0; i < lines; i++)
		fill_row(y + i, row);
	struct tui_pen p = { y, 0, COLS };
	tui_pen_put(t, &p, on_row(row, tui_look_attr(t, l)), tag);
	tui_pen_put(t, &p, row, " ");
	tui_pen_put(t, &p, row | A_BOLD, finding_kind_name(f->kind));
	tui_pen_put(t, &p, row, "  ");
	tui_pen_put(t, &p, row, f->subject);
	if (f->vm_pid > 0 || f->vm_name[0]) {
		tui_pen_put(t, &p, row, "  VM ");
		tui_pen_put(t, &p, row | A_BOLD, f->vm_name[0] ? f->vm_name : "?");
		if (f->vm_pid > 0)
			pen_printf(t, &p, row, " (%d)", f->vm_pid);
	}
	tui_fmt_age(age, sizeof(age), t->now - f->last_seen);
	pen_printf(t, &p, row, "  x%llu, last %s ago", (unsigned long long)f->count, age);
	if (lines == 1) {                 /* the explanation after the rest */
		tui_pen_put(t, &p, row, "  ");
		tui_pen_put(t, &p, row, f->explanation);
		return;
	}
	struct tui_pen q = { y + 1, 0, COLS };
	tui_pen_put(t, &q, row, "     ");
	tui_pen_put(t, &q, row, f->explanation);
}

static void draw_findings(struct tui *t, int y, int rows)
{
	struct pane_state *ps = &t->pane[PANE_FINDINGS];
	bool focus = t->focus == PANE_FINDINGS;
	unsigned n = t->n_vis[PANE_FINDINGS];
	attr_t h = focus ? tui_look_attr(t, LOOK_BAR) : tui_look_attr(t, LOOK_HEADING) | A_UNDERLINE;

	fill_row(y, h);
	struct tui_pen p = { y, 0, COLS };
	tui_pen_put(t, &p, h, "FINDINGS");
	if (n != t->n_findings)
		pen_printf(t, &p, h, "  %u of %u (filtered)", n, t->n_findings);
	else
		pen_printf(t, &p, h, "  %u, most severe first", n);
	int lines = rows >= 2 ? 2 : 1;
	ps->rows = (unsigned)(rows / lines);
	if (ps->rows == 0)
		ps->rows = 1;
	tui_clamp_pane(t, PANE_FINDINGS);
	if (n == 0) {
		tui_put(t, y + 1, 0, COLS, A_DIM, t->n_findings ? "no finding matches the filter"
						      : "no findings: nothing wrong seen so far", ALIGN_NONE);
		return;
	}
	for (unsigned r = 0; r < ps->rows && ps->top + r < n; r++) {
		unsigned vi = ps->top + r;
		draw_finding(t, y + 1 + (int)r * lines, lines, &t->findings[t->vis[PANE_FINDINGS][vi]],
			     focus && vi == ps->sel);
	}
}

/* ---- ports ---------------------------------------------------------------------------------- */

enum { PC_PORT, PC_BRIDGE, PC_ID, PC_STATE, PC_ROLE, PC_DESIG, PC_COST, PC_IN, PC_OUT,
       PC_AGE, PC_MTU, PC_VM, PC_N };

static const struct tui_col port_cols[PC_N] = {
	[PC_PORT]   = { "PORT", NULL, 8, 12, 0, false, true, 0, 0 },
	[PC_BRIDGE] = { "BRIDGE", "BR", 5, 8, 3, false, false, 0, 0 },
	[PC_ID]     = { "ID", NULL, 4, 4, 7, false, false, 0, 0 },
	[PC_STATE]  = { "STATE", NULL, 10, 10, 1, false, false, 0, 0 },
	[PC_ROLE]   = { "ROLE", NULL, 4, 10, 9, false, false, 0, 0 },
	[PC_DESIG]  = { "DESIGNATED BRIDGE/PORT", "DESIGNATED", 22, 22, 11, false, false, 0, 0 },
	[PC_COST]   = { "COST", NULL, 5, 8, 8, true, false, 0, 0 },
	[PC_IN]     = { "BPDU-IN", "IN", 5, 8, 4, true, false, 0, 0 },
	[PC_OUT]    = { "BPDU-OUT", "OUT", 5, 8, 5, true, false, 0, 0 },
	[PC_AGE]    = { "AGE", NULL, 5, 6, 6, true, false, 0, 0 },
	[PC_MTU]    = { "MTU", NULL, 5, 5, 10, true, false, 0, 0 },
	[PC_VM]     = { "VM", NULL, 6, 16, 2, false, true, 0, 0 },
};

static void draw_port_row(struct tui *t, int y, const struct tui_col *c, const struct snap_port *p,
			  bool sel)
{
	char buf[96], id[BRIDGE_ID_STRLEN];
	attr_t row = sel ? A_REVERSE : A_NORMAL;
	const struct port_info *in = &p->info;

	if (sel)
		fill_row(y, row);
	cell(t, y, &c[PC_PORT], row | (p->present ? A_NORMAL : A_DIM), in->name);
	cell(t, y, &c[PC_BRIDGE], row, in->bridge[0] ? in->bridge : "-");
	snprintf(buf, sizeof(buf), in->port_id ? "%04x" : "-", in->port_id);
	cell(t, y, &c[PC_ID], row, buf);
	if (p->present)
		cell(t, y, &c[PC_STATE], on_row(row, tui_look_attr(t, tui_state_look(in->state))),
		     tui_state_name(in->state));
	else
		cell(t, y, &c[PC_STATE], row | A_DIM, "gone");
	cell(t, y, &c[PC_ROLE], row, tui_port_role(t, p, c[PC_ROLE].w < 10));
	if (c[PC_DESIG].w) {
		format_bridge_id(id, in->designated_bridge);
		if (in->designated_bridge)
			snprintf(buf, sizeof(buf), "%s/%04x", id, in->designated_port);
		else
			snprintf(buf, sizeof(buf), "-");
		cell(t, y, &c[PC_DESIG], row, buf);
	}
	snprintf(buf, sizeof(buf), in->path_cost ? "%u" : "-", in->path_cost);
	cell(t, y, &c[PC_COST], row, buf);
	fmt_count(buf, sizeof(buf), p->bpdus_in);
	cell(t, y, &c[PC_IN], row, buf);
	fmt_count(buf, sizeof(buf), p->bpdus_out);
	cell(t, y, &c[PC_OUT], row, buf);
	tui_fmt_age(buf, sizeof(buf), p->last_bpdu_time >= 0 ? t->now - p->last_bpdu_time : -1);
	cell(t, y, &c[PC_AGE], row, buf);
	snprintf(buf, sizeof(buf), in->mtu > 0 ? "%d" : "-", in->mtu);
	cell(t, y, &c[PC_MTU], row, buf);
	if (p->vm_name[0])
		cell(t, y, &c[PC_VM], row, p->vm_name);
	else if (p->vm_pid > 0)
		snprintf(buf, sizeof(buf), "pid %d", p->vm_pid), cell(t, y, &c[PC_VM], row, buf);
	else
		cell(t, y, &c[PC_VM], row | A_DIM, "-");
}

static void draw_ports(struct tui *t, int y, int rows)
{
	struct pane_state *ps = &t->pane[PANE_PORTS];
	bool focus = t->focus == PANE_PORTS;
	unsigned n = t->n_vis[PANE_PORTS];
	struct tui_col c[PC_N];

	memcpy(c, port_cols, sizeof(c));
	tui_fit_columns(c, PC_N, COLS);
	heading_row(t, y, c, PC_N, focus ? tui_look_attr(t, LOOK_BAR)
					 : tui_look_attr(t, LOOK_HEADING) | A_UNDERLINE);
	ps->rows = rows > 0 ? (unsigned)rows : 1;
	tui_clamp_pane(t, PANE_PORTS);
	if (n == 0) {
		tui_put(t, y + 1, 0, COLS, A_DIM, t->n_ports ? "no port matches the filter"
						     : "no ports known yet", ALIGN_NONE);
		return;
	}
	for (unsigned r = 0; r < ps->rows && ps->top + r < n; r++) {
		unsigned vi = ps->top + r;
		draw_port_row(t, y + 1 + (int)r, c, &t->ports[t->vis[PANE_PORTS][vi]],
			      focus && vi == ps->sel);
	}
}

/* ---- VMs ---------------------------------------------------------------------------------------- */

enum { VC_PID, VC_NAME, VC_STATE, VC_NICS, VC_N };

static const struct tui_col vm_cols[VC_N] = {
	[VC_PID]   = { "PID", NULL, 7, 7, 0, true, false, 0, 0 },
	[VC_NAME]  = { "VM", NULL, 8, 20, 1, false, false, 0, 0 },
	[VC_STATE] = { "STATE", NULL, 7, 7, 3, false, false, 0, 0 },
	[VC_NICS]  = { "TAPS AND HUBS", "TAPS", 20, 20, 2, false, true, 0, 0 },
};

static void draw_vm_row(struct tui *t, int y, const struct tui_col *c, const struct vm_info *v,
			bool sel)
{
	char buf[64];
	attr_t row = sel ? A_REVERSE : A_NORMAL;
	unsigned n = v->n_nics < ENGINE_MAX_VM_NICS ? v->n_nics : ENGINE_MAX_VM_NICS;

	if (sel)
		fill_row(y, row);
	snprintf(buf, sizeof(buf), "%d", v->pid);
	cell(t, y, &c[VC_PID], row, buf);
	cell(t, y, &c[VC_NAME], row | A_BOLD, v->name[0] ? v->name : "-");
	cell(t, y, &c[VC_STATE], v->paused ? on_row(row, tui_look_attr(t, LOOK_CAUTION)) : row,
	     v->paused ? "paused" : "running");
	if (!c[VC_NICS].w)
		return;
	struct tui_pen p = { y, c[VC_NICS].x, c[VC_NICS].x + c[VC_NICS].w };
	for (unsigned i = 0; i < n; i++) {
		const struct vm_nic *nic = &v->nics[i];
		bool shared = false;
		for (unsigned k = 0; nic->hub >= 0 && k < n; k++)
			shared |= k != i && v->nics[k].hub == nic->hub;
		attr_t a = shared ? on_row(row, tui_look_attr(t, LOOK_BAD)) | A_BOLD : row;
		if (i)
			tui_pen_put(t, &p, row, "  ");
		tui_pen_put(t, &p, a, nic->tap[0] ? nic->tap : "?");
		tui_pen_put(t, &p, a, t->utf8 ? "\xe2\x86\x92" : "->");
		if (nic->hub >= 0)
			pen_printf(t, &p, a, "hub%d", nic->hub);
		else
			tui_pen_put(t, &p, a, "own");
	}
	if (!n)
		tui_pen_put(t, &p, row | A_DIM, "no NICs known");
}

static void draw_vms(struct tui *t, int y, int rows)
{
	struct pane_state *ps = &t->pane[PANE_VMS];
	bool focus = t->focus == PANE_VMS;
	unsigned n = t->n_vis[PANE_VMS];
	struct tui_col c[VC_N];

	memcpy(c, vm_cols, sizeof(c));
	tui_fit_columns(c, VC_N, COLS);
	heading_row(t, y, c, VC_N, focus ? tui_look_attr(t, LOOK_BAR)
					 : tui_look_attr(t, LOOK_HEADING) | A_UNDERLINE);
	ps->rows = rows > 0 ? (unsigned)rows : 1;
	tui_clamp_pane(t, PANE_VMS);
	if (n == 0) {
		tui_put(t, y + 1, 0, COLS, A_DIM, t->n_vms ? "no VM matches the filter" : "no VMs known",
		    ALIGN_NONE);
		return;
	}
	for (unsigned r = 0; r < ps->rows && ps->top + r < n; r++) {
		unsigned vi = ps->top + r;
		draw_vm_row(t, y + 1 + (int)r, c, &t->vms[t->vis[PANE_VMS][vi]], focus && vi == ps->sel);
	}
}

/* ---- the frame -------------------------------------------------------------------------------------- */

struct layout {
	int br, fi, po, vm;   /* content rows; -1: section not shown */
};

static int used(const struct layout *l)
{
	return (l->br >= 0 ? 1 + l->br : 0) + (l->fi >= 0 ? 1 + l->fi : 0) + 1 + l->po +
	       (l->vm >= 0 ? 1 + l->vm : 0);
}

static int max_i(int a, int b)
{
	return a > b ? a : b;
}

static int min_i(int a, int b)
{
	return a < b ? a : b;
}

/* Bridges, findings and VMs get what they need up to a share; ports the rest. */
static struct layout plan(const struct tui *t, int avail)
{
	struct layout l;
	int nb = max_i(1, (int)t->n_vis_bridges);
	int nf = t->n_vis[PANE_FINDINGS] ? 2 * (int)t->n_vis[PANE_FINDINGS] : 1;
	int nv = max_i(1, (int)t->n_vis[PANE_VMS]);
	int cap_f = max_i(2, t->focus == PANE_FINDINGS ? avail / 2 : avail / 3) & ~1;
	int cap_v = max_i(1, t->focus == PANE_VMS ? avail / 3 : avail / 6);

	l.br = min_i(nb, max_i(1, avail / 6));
	l.fi = min_i(nf, cap_f);
	l.vm = min_i(nv, cap_v);
	l.po = 0;
	l.po = avail - used(&l);
	while (l.po < 3) {
		if (l.vm > 1)
			l.vm--;
		else if (l.fi > 2)
			l.fi -= 2;
		else if (l.br > 1)
			l.br--;
		else if (l.vm >= 0)
			l.vm = -1;
		else if (l.br >= 0)
			l.br = -1;
		else if (l.fi > 1)
			l.fi--;
		else
			break;
		l.po = 0;
		l.po = avail - used(&l);
	}
	if (l.po < 0)
		l.po = 0;
	return l;
}

void tui_draw_screen(struct tui *t)
{
	erase();
	if (LINES < 8 || COLS < 30) {
		char msg[80];
		snprintf(msg, sizeof(msg), "too small: %dx%d, need 30x8", COLS, LINES);
		tui_put(t, 0, 0, COLS, A_BOLD, msg, ALIGN_NONE);
	} else {
		draw_header(t);
		struct layout l = plan(t, LINES - 4);
		int y = 2;
		if (l.br >= 0) {
			draw_bridges(t, y, l.br);
			y += 1 + l.br;
		}
		if (l.fi >= 0) {
			draw_findings(t, y, l.fi);
			y += 1 + l.fi;
		}
		draw_ports(t, y, l.po);
		y += 1 + l.po;
		if (l.vm >= 0)
			draw_vms(t, y, l.vm);
		draw_status(t, LINES - 2);
		draw_keys(t, LINES - 1);
		if (t->overlay != OVL_NONE)
			tui_draw_overlay(t);
	}
	wnoutrefresh(stdscr);
	doupdate();
}
