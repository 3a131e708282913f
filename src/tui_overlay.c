/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tui_overlay.c - the boxes drawn over the main screen: details, help,
 * the repair dialogs and the messages.  Their text comes from
 * tui_detail.c as logical lines; here they are wrapped to the box (labels
 * in a column of their own), scrolled and drawn.
 */
#include <curses.h>
#include <stdio.h>
#include <string.h>

#include "tui_int.h"

/*
 * Lays out the logical lines of t->ovl_text in `inner` columns; rows
 * scroll..scroll+visible-1 are drawn from (y, x).  Returns the rows in all.
 */
static unsigned overlay_rows(struct tui *t, int inner, int lw, int y, int x, unsigned scroll,
			     unsigned visible, bool draw)
{
	const char *s = sbuf_str(&t->ovl_text);
	unsigned row = 0;
	char piece[1024];

	while (*s) {
		const char *nl = strchr(s, '\n');
		size_t len = nl ? (size_t)(nl - s) : strlen(s);
		if (len < 3)
			break;
		char kind = s[0];
		enum tui_look look = (enum tui_look)(s[1] - '0');
		const char *us = memchr(s, '\x1f', len);
		size_t llen = us ? (size_t)(us - s - 2) : 0;
		const char *val = us ? us + 1 : s + len;
		size_t vlen = (size_t)(s + len - val);
		char label[96], value[1700];
		snprintf(label, sizeof(label), "%.*s", (int)llen, s + 2);
		snprintf(value, sizeof(value), "%.*s", (int)vlen, val);

		int indent = kind == 'L' ? lw : 0;
		int w = inner - indent;
		bool label_row = kind == 'L' && (w < 8 || !value[0]);
		if (w < 8) {                  /* too narrow: the label on a row of its own */
			indent = 0;
			w = inner;
		}
		const char *v = value;
		bool first = !label_row;
		if (kind == 'B' || kind == 'H' || label_row) {
			if (draw && row >= scroll && row < scroll + visible) {
				int yy = y + (int)(row - scroll);
				if (kind == 'H')
					tui_put(t, yy, x, inner, tui_look_attr(t, LOOK_HEADING) | A_UNDERLINE, v,
					    ALIGN_NONE);
				else if (kind == 'L')
					tui_put(t, yy, x, inner, A_BOLD, label, ALIGN_NONE);
			}
			row++;
		}
		while (kind != 'B' && kind != 'H' && *v) {
			size_t next, n = tui_wrap_span(v, w, &next);
			if (draw && row >= scroll && row < scroll + visible) {
				int yy = y + (int)(row - scroll);
				if (kind == 'L' && first)
					tui_put(t, yy, x, indent, A_BOLD, label, ALIGN_NONE);
				snprintf(piece, sizeof(piece), "%.*s", (int)n, v);
				tui_put(t, yy, x + indent, w, tui_look_attr(t, look), piece, ALIGN_NONE);
			}
			first = false;
			row++;
			v += next;
			if (next == 0)
				break;
		}
		s += len + (nl ? 1 : 0);
	}
	return row;
}

void tui_draw_overlay(struct tui *t)
{
	char title[200];
	tui_overlay_text(t, title, sizeof(title));
	bool dialog = t->overlay == OVL_CONFIRM || t->overlay == OVL_NOTICE;
	int bw = dialog ? 72 : 110;
	if (bw > COLS - 4)
		bw = COLS - 4;
	if (bw < 20)
		bw = COLS;
	int inner = bw - 4;

	/* Label column: the longest label, up to a third of the box. */
	int lw = 0;
	for (const char *s = sbuf_str(&t->ovl_text); *s;) {
		const char *nl = strchr(s, '\n');
		size_t len = nl ? (size_t)(nl - s) : strlen(s);
		const char *us = memchr(s, '\x1f', len);
		if (s[0] == 'L' && us && (int)(us - s - 2) + 2 > lw)
			lw = (int)(us - s - 2) + 2;
		s += len + (nl ? 1 : 0);
	}
	if (lw > inner / 3)
		lw = inner / 3;

	unsigned total = overlay_rows(t, inner, lw, 0, 0, 0, 0, false);
	int max_h = LINES - 2;
	int bh = (int)total + 2;
	if (bh > max_h)
		bh = max_h;
	if (bh < 3)
		bh = LINES;
	unsigned visible = bh > 2 ? (unsigned)(bh - 2) : 1;
	unsigned max_scroll = total > visible ? total - visible : 0;
	if (t->ovl_scroll > max_scroll)
		t->ovl_scroll = max_scroll;
	t->ovl_rows_total = total;
	t->ovl_rows_visible = visible;

	int by = (LINES - bh) / 2, bx = (COLS - bw) / 2;
	for (int yy = by; yy < by + bh; yy++)
		tui_put(t, yy, bx, bw, A_NORMAL, "", ALIGN_PAD);
	attrset((int)tui_look_attr(t, dialog ? LOOK_HEADING : LOOK_NORMAL));
	mvaddch(by, bx, ACS_ULCORNER);
	mvhline(by, bx + 1, ACS_HLINE, bw - 2);
	mvaddch(by, bx + bw - 1, ACS_URCORNER);
	mvvline(by + 1, bx, ACS_VLINE, bh - 2);
	mvvline(by + 1, bx + bw - 1, ACS_VLINE, bh - 2);
	mvaddch(by + bh - 1, bx, ACS_LLCORNER);
	mvhline(by + bh - 1, bx + 1, ACS_HLINE, bw - 2);
	mvaddch(by + bh - 1, bx + bw - 1, ACS_LRCORNER);
	attrset(A_NORMAL);

	struct tui_pen p = { by, bx + 2, bx + bw - 2 };
	tui_pen_put(t, &p, A_BOLD, " ");
	tui_pen_put(t, &p, A_BOLD, title);
	tui_pen_put(t, &p, A_BOLD, " ");
	const char *hint = t->overlay == OVL_CONFIRM ? " y repair  n cancel " :
			   t->overlay == OVL_NOTICE ? " any key closes " :
			   t->overlay == OVL_HELP ? " j/k scroll, other keys close " :
			   " Esc/q/Enter close  j/k PgUp/PgDn scroll ";
	struct tui_pen h = { by + bh - 1, bx + 2, bx + bw - 2 };
	tui_pen_put(t, &h, A_NORMAL, hint);
	if (total > visible) {
		char pos[48];
		snprintf(pos, sizeof(pos), " %u-%u/%u ", t->ovl_scroll + 1, t->ovl_scroll + visible,
			 total);
		int pw = (int)strlen(pos);
		if (h.x + pw < bx + bw - 2)
			tui_put(t, by + bh - 1, bx + bw - 2 - pw, pw, A_NORMAL, pos, ALIGN_NONE);
	}
	overlay_rows(t, inner, lw, by + 1, bx + 2, t->ovl_scroll, visible, true);
}
