/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tui_keys.c - what each key does in the curses view: moving through the
 * panes, details, the filter line, pause, help and the repair dialog.
 */
#include <curses.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "tui_int.h"

#define KEY_ESC 27
#define CTRL(c) ((c) & 0x1f)

void tui_clamp_pane(struct tui *t, enum tui_pane p)
{
	struct pane_state *ps = &t->pane[p];
	unsigned n = t->n_vis[p];
	unsigned rows = ps->rows ? ps->rows : 1;

	if (n == 0) {
		ps->sel = ps->top = 0;
		ps->key[0] = '\0';
		return;
	}
	if (ps->sel >= n)
		ps->sel = n - 1;
	if (ps->top > ps->sel)
		ps->top = ps->sel;
	if (ps->sel >= ps->top + rows)
		ps->top = ps->sel - rows + 1;
	if (ps->top + rows > n)            /* no empty rows below the last item */
		ps->top = n > rows ? n - rows : 0;
	tui_item_key(t, p, ps->sel, ps->key, sizeof(ps->key));
}

static void move_sel(struct tui *t, long delta)
{
	struct pane_state *ps = &t->pane[t->focus];
	long n = (long)t->n_vis[t->focus];
	long s = (long)ps->sel + delta;
	if (s >= n)
		s = n - 1;
	if (s < 0)
		s = 0;
	ps->sel = (unsigned)s;
	tui_clamp_pane(t, t->focus);
}

static bool is_enter(int ch)
{
	return ch == '\n' || ch == '\r' || ch == KEY_ENTER;
}

/* Movement common to lists and overlays; false if ch is no movement key. */
static bool movement(int ch, long page, long *delta, bool *to_end)
{
	*to_end = false;
	switch (ch) {
	case 'j': case KEY_DOWN: *delta = 1; return true;
	case 'k': case KEY_UP: *delta = -1; return true;
	case KEY_NPAGE: case ' ': case CTRL('f'): *delta = page; return true;
	case KEY_PPAGE: case CTRL('b'): *delta = -page; return true;
	case KEY_HOME: case 'g': *delta = -(long)INT_MAX; return true;
	case KEY_END: case 'G': *delta = 0; *to_end = true; return true;
	}
	return false;
}

static void filter_changed(struct tui *t)
{
	char keep[PANE_COUNT][TUI_KEY_LEN];
	for (int p = 0; p < PANE_COUNT; p++)
		memcpy(keep[p], t->pane[p].key, TUI_KEY_LEN);
	tui_rebuild_lists(t);
	for (int p = 0; p < PANE_COUNT; p++) {
		if (strcmp(t->pane[p].key, keep[p]) != 0) {   /* the selection was filtered out */
			t->pane[p].sel = t->pane[p].top = 0;
			tui_clamp_pane(t, (enum tui_pane)p);
		}
	}
}

static enum tui_action filter_key(struct tui *t, int ch)
{
	size_t len = strlen(t->filter);
	long delta;
	bool to_end;

	if (ch == KEY_ESC) {
		t->filter[0] = '\0';
		t->editing_filter = false;
	} else if (is_enter(ch)) {
		t->editing_filter = false;
		return TUI_REDRAW;
	} else if (ch == KEY_BACKSPACE || ch == 127 || ch == CTRL('h')) {
		if (len == 0) {
			t->editing_filter = false;
			return TUI_REDRAW;
		}
		t->filter[len - 1] = '\0';
	} else if (ch == CTRL('u')) {
		t->filter[0] = '\0';
	} else if (ch >= 0x20 && ch < 0x7f && ch != ' ') {
		if (len + 1 >= sizeof(t->filter))
			return TUI_NONE;
		t->filter[len] = (char)ch;
		t->filter[len + 1] = '\0';
	} else if (ch != ' ' && movement(ch, (long)t->pane[t->focus].rows, &delta, &to_end)) {
		move_sel(t, to_end ? (long)t->n_vis[t->focus] : delta);
		return TUI_REDRAW;
	} else {
		return TUI_NONE;
	}
	filter_changed(t);
	return TUI_REDRAW;
}

static const struct finding *selected_finding(const struct tui *t)
{
	const struct pane_state *ps = &t->pane[t->focus];
	if (t->n_vis[t->focus] == 0)
		return NULL;
	unsigned i = t->vis[t->focus][ps->sel];
	const struct finding *first = NULL;

	switch (t->focus) {
	case PANE_FINDINGS:
		return &t->findings[i];
	case PANE_PORTS:
		for (unsigned k = 0; k < t->n_findings; k++) {
			const struct finding *f = &t->findings[k];
			if (!finding_has_port(f, t->ports[i].info.name))
				continue;
			if (f->kind == FINDING_SHARED_HUB)
				return f;
			if (!first)
				first = f;
		}
		return first;
	case PANE_VMS:
		for (unsigned k = 0; k < t->n_findings; k++) {
			const struct finding *f = &t->findings[k];
			if (f->vm_pid != t->vms[i].pid)
				continue;
			if (f->kind == FINDING_SHARED_HUB)
				return f;
			if (!first)
				first = f;
		}
		return first;
	case PANE_COUNT:
		break;
	}
	return NULL;
}

static enum tui_action start_repair(struct tui *t)
{
	const struct finding *f = selected_finding(t);
	if (!f) {
		tui_add_msg(t, LOG_LEVEL_INFO, "select a shared-hub finding to repair "
			    "(Tab to the findings)");
		return TUI_REDRAW;
	}
	if (f->kind != FINDING_SHARED_HUB) {
		char msg[TUI_MSG_LEN];
		snprintf(msg, sizeof(msg), "only shared-hub findings can be repaired; "
			 "Enter shows the remedy for %s", finding_kind_name(f->kind));
		tui_add_msg(t, LOG_LEVEL_INFO, msg);
		return TUI_REDRAW;
	}
	t->repair = *f;
	t->overlay = t->repair_available && f->vm_pid > 0 ? OVL_CONFIRM : OVL_NOTICE;
	t->ovl_scroll = 0;
	return TUI_REDRAW;
}

static enum tui_action confirm_key(struct tui *t, struct engine *e, int ch,
				   struct tui_request *req)
{
	if (ch == 'y' || ch == 'Y') {
		t->overlay = OVL_NONE;
		if (!req)
			return TUI_REDRAW;
		memset(req, 0, sizeof(*req));
		req->finding = t->repair;
		req->vm_pid = t->repair.vm_pid;
		req->finding_index = -1;
		const struct finding_list *fl = e ? engine_findings(e) : NULL;
		for (unsigned i = 0; fl && i < fl->n; i++) {
			if (fl->items[i].kind == t->repair.kind &&
			    strcmp(fl->items[i].subject, t->repair.subject) == 0) {
				req->finding_index = (int)i;
				break;
			}
		}
		return TUI_REPAIR;
	}
	if (ch == 'n' || ch == 'N' || ch == 'q' || ch == KEY_ESC) {
		t->overlay = OVL_NONE;
		tui_add_msg(t, LOG_LEVEL_INFO, "repair cancelled");
		return TUI_REDRAW;
	}
	return TUI_NONE;
}

static enum tui_action overlay_key(struct tui *t, int ch)
{
	long delta;
	bool to_end;

	if (ch == KEY_ESC || ch == 'q' || ch == 'Q' || is_enter(ch)) {
		t->overlay = OVL_NONE;
		return TUI_REDRAW;
	}
	long page = t->ovl_rows_visible > 1 ? (long)t->ovl_rows_visible - 1 : 1;
	if (!movement(ch, page, &delta, &to_end))
		return TUI_NONE;
	long max = (long)t->ovl_rows_total - (long)t->ovl_rows_visible;
	if (max < 0)
		max = 0;
	long s = to_end ? max : (long)t->ovl_scroll + delta;
	if (s > max)
		s = max;
	if (s < 0)
		s = 0;
	t->ovl_scroll = (unsigned)s;
	return TUI_REDRAW;
}

static enum tui_action main_key(struct tui *t, int ch)
{
	long delta;
	bool to_end;
	struct pane_state *ps = &t->pane[t->focus];

	if (movement(ch, ps->rows > 1 ? (long)ps->rows - 1 : 1, &delta, &to_end)) {
		move_sel(t, to_end ? (long)t->n_vis[t->focus] : delta);
		return TUI_REDRAW;
	}
	if (is_enter(ch)) {
		if (t->n_vis[t->focus] == 0)
			return TUI_NONE;
		t->overlay = OVL_DETAIL;
		t->detail_pane = t->focus;
		memcpy(t->detail_key, ps->key, sizeof(t->detail_key));
		t->ovl_scroll = 0;
		return TUI_REDRAW;
	}
	switch (ch) {
	case 'q': case 'Q': case KEY_F(10):
		return TUI_QUIT;
	case '\t':
		t->focus = (enum tui_pane)((t->focus + 1) % PANE_COUNT);
		return TUI_REDRAW;
	case KEY_BTAB:
		t->focus = (enum tui_pane)((t->focus + PANE_COUNT - 1) % PANE_COUNT);
		return TUI_REDRAW;
	case KEY_ESC:
		if (!t->filter[0])
			return TUI_NONE;
		t->filter[0] = '\0';
		filter_changed(t);
		return TUI_REDRAW;
	case '/':
		t->editing_filter = true;
		return TUI_REDRAW;
	case 'p': case 'P':
		t->paused = !t->paused;
		return TUI_REDRAW;
	case 'r': case 'R':
		return start_repair(t);
	case '?': case 'h': case KEY_F(1):
		t->overlay = OVL_HELP;
		t->ovl_scroll = 0;
		return TUI_REDRAW;
	case 'm': case 'M':
		t->overlay = OVL_MESSAGES;
		t->ovl_scroll = 1u << 30;     /* the newest at the bottom: clamped when drawn */
		return TUI_REDRAW;
	case CTRL('l'):
		clearok(curscr, TRUE);
		return TUI_REDRAW;
	}
	return TUI_NONE;
}

static enum tui_action one_key(struct tui *t, struct engine *e, int ch, struct tui_request *req)
{
	if (ch == KEY_RESIZE)
		return TUI_REDRAW;
	if (t->editing_filter && t->overlay == OVL_NONE)
		return filter_key(t, ch);
	switch (t->overlay) {
	case OVL_NONE:
		return main_key(t, ch);
	case OVL_HELP:                          /* scrolls; any other key closes */
		if (overlay_key(t, ch) == TUI_NONE)
			t->overlay = OVL_NONE;
		return TUI_REDRAW;
	case OVL_NOTICE:
		t->overlay = OVL_NONE;          /* any key closes */
		return TUI_REDRAW;
	case OVL_CONFIRM:
		return confirm_key(t, e, ch, req);
	case OVL_DETAIL:
	case OVL_MESSAGES:
		return overlay_key(t, ch);
	}
	return TUI_NONE;
}

enum tui_action tui_handle_keys(struct tui *t, struct engine *e, struct tui_request *req)
{
	enum tui_action result = TUI_NONE;
	int ch;

	if (!t || !t->open)
		return TUI_NONE;
	while ((ch = getch()) != ERR) {
		enum tui_action a = one_key(t, e, ch, req);
		if (a == TUI_QUIT || a == TUI_REPAIR)
			return a;
		if (a == TUI_REDRAW)
			result = TUI_REDRAW;
	}
	return result;
}
