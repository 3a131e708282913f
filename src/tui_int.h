/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tui_int.h - what the parts of the curses view share: the snapshot of the
 * engine it draws from, the state of panes, overlays and the filter.
 *
 *   tui.c         open/close/restore, log capture, snapshot, filter lists
 *   tui_keys.c    key handling
 *   tui_draw.c    the main screen, and the drawing primitives
 *   tui_overlay.c boxes over it: wrapping, scrolling
 *   tui_detail.c  text of the overlays (details, help, dialogs, messages)
 *   tui_text.c    sanitiser, formatting, column fitting, wrapping
 */
#ifndef STPWATCH_TUI_INT_H
#define STPWATCH_TUI_INT_H

#include <curses.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "log.h"
#include "stpwatch/engine.h"
#include "stpwatch/finding.h"
#include "stpwatch/sbuf.h"
#include "tui.h"

/* Attributes: state and severity looks for colour and monochrome. */
enum tui_look {
	LOOK_NORMAL, LOOK_GOOD, LOOK_CAUTION, LOOK_BAD, LOOK_BAR, LOOK_HEADING,
	LOOK_CRITICAL, LOOK_WARNING, LOOK_DIM, LOOK_KEY,
};

/* A port as last copied out of the engine. */
struct snap_port {
	struct port_info info;
	bool present;
	uint64_t frames, bpdus, bpdus_in, bpdus_out;
	double last_bpdu_time;           /* -1 if none */
	uint64_t last_bpdu_sender, last_bpdu_root;
	uint16_t last_bpdu_port;
	uint32_t last_bpdu_cost;
	const char *last_bpdu_protocol;  /* static text or NULL */
	int vm_pid;
	char vm_name[ENGINE_NAME_LEN];
};

/* Topology-change counters seen change while the view ran. */
struct tc_track {
	char bridge[ENGINE_NAME_LEN];
	uint32_t count;
	double changed;                  /* engine time of the last change seen; < 0 unknown */
};

enum tui_pane { PANE_PORTS, PANE_FINDINGS, PANE_VMS, PANE_COUNT };

enum tui_overlay {
	OVL_NONE,
	OVL_HELP,
	OVL_DETAIL,      /* of detail_pane / detail_key */
	OVL_CONFIRM,     /* repair: y/n */
	OVL_NOTICE,      /* repair unavailable or impossible: any key */
	OVL_MESSAGES,
};

#define TUI_KEY_LEN 200

struct pane_state {
	unsigned sel;                    /* index into the pane's visible list */
	unsigned top;                    /* first item drawn */
	unsigned rows;                   /* items that fit at the last draw (>= 1) */
	char key[TUI_KEY_LEN];           /* the selected item, followed across refreshes */
};

#define TUI_MSG_RING 64
#define TUI_MSG_LEN 240
#define TUI_MSG_SHOW_S 10.0          /* seconds a message stays on the status line */

struct tui_msg {
	enum log_level level;
	time_t wall;
	double mono;
	char text[TUI_MSG_LEN];
};

struct tui {
	bool open;
	bool colour;
	bool utf8;

	/* the snapshot */
	bool have_snapshot;
	double now;
	struct snap_port *ports;
	unsigned n_ports, cap_ports;
	unsigned *port_order;            /* sorted by bridge, then name */
	unsigned cap_order;
	struct bridge_info *bridges;
	unsigned n_bridges, cap_bridges;
	struct vm_info *vms;
	unsigned n_vms, cap_vms;
	struct finding *findings;
	unsigned n_findings, cap_findings;
	struct tc_track *tc;
	unsigned n_tc, cap_tc;

	/* what the filter lets through: indexes into the arrays above */
	unsigned *vis[PANE_COUNT];
	unsigned n_vis[PANE_COUNT];
	unsigned cap_vis[PANE_COUNT];
	unsigned *vis_bridges;
	unsigned n_vis_bridges, cap_vis_bridges;

	/* view state */
	bool paused;
	enum tui_pane focus;
	struct pane_state pane[PANE_COUNT];
	char filter[64];
	bool editing_filter;
	enum tui_overlay overlay;
	enum tui_pane detail_pane;
	char detail_key[TUI_KEY_LEN];
	unsigned ovl_scroll;
	unsigned ovl_rows_total, ovl_rows_visible;   /* from the last draw */
	struct sbuf ovl_text;            /* logical lines, see tui_detail.c */
	struct finding repair;           /* the finding a dialog is about */

	/* from the caller */
	char mode[128];
	uint64_t drops;
	uint64_t bpdus_malformed;        /* truncated + invalid, from the engine */
	unsigned ports_watched;
	char st_message[TUI_MSG_LEN];
	bool repair_available;

	/* messages (log sink and tui_message) */
	struct tui_msg msgs[TUI_MSG_RING];
	unsigned n_msgs, next_msg;
	log_sink_fn *prev_sink;
	void *prev_ctx;
};

/* ---- tui.c ---- */
void tui_rebuild_lists(struct tui *t);       /* filter, then follow the selections */
const char *tui_item_key(const struct tui *t, enum tui_pane p, unsigned vis_index,
			 char *buf, size_t len);
const struct snap_port *tui_find_port(const struct tui *t, const char *name);
const struct vm_info *tui_find_vm(const struct tui *t, int pid);
const struct finding *tui_find_finding(const struct tui *t, const char *key);
const struct bridge_info *tui_find_bridge(const struct tui *t, const char *name);
const struct tui_msg *tui_latest_msg(const struct tui *t);
const struct tui_msg *tui_msg_at(const struct tui *t, unsigned i);   /* oldest first */
double tui_mono_now(void);
void tui_add_msg(struct tui *t, enum log_level level, const char *text);

/* ---- tui_keys.c ---- */
void tui_clamp_pane(struct tui *t, enum tui_pane p);

/* ---- tui_draw.c ---- */
void tui_draw_screen(struct tui *t);

enum tui_align { ALIGN_NONE, ALIGN_PAD, ALIGN_RIGHT };
/* Left to right along a row, never past `end`. */
struct tui_pen {
	int y, x, end;
};
attr_t tui_look_attr(const struct tui *t, enum tui_look l);
/* Draws s, sanitised, in at most w columns from (y, x); returns the columns used
 * (w unless ALIGN_NONE). */
int tui_put(const struct tui *t, int y, int x, int w, attr_t a, const char *s, enum tui_align al);
void tui_pen_put(const struct tui *t, struct tui_pen *p, attr_t a, const char *s);

/* ---- tui_overlay.c ---- */
void tui_draw_overlay(struct tui *t);

/* ---- tui_detail.c: overlay text as logical lines ---- */
/* Fills t->ovl_text for the current overlay and returns its title. */
const char *tui_overlay_text(struct tui *t, char *title, size_t tlen);

/* ---- tui_text.c ---- */
void tui_fmt_age(char *out, size_t len, double seconds);       /* "0.4s" "12s" "5m" "3h" "2d" */
void tui_fmt_time(char *out, size_t len, double t);            /* "2024-05-14 09:30:00 UTC" */
void tui_fmt_timers(char *out, size_t len, uint16_t hello, uint16_t max_age, uint16_t fdelay);
const char *tui_state_name(enum port_state s);
enum tui_look tui_state_look(enum port_state s);
const char *tui_port_role(const struct tui *t, const struct snap_port *p, bool shortname);
bool tui_contains_ci(const char *hay, const char *needle);
int tui_natural_cmp(const char *a, const char *b);

/* Column fitting: columns shown and their widths for a screen width. */
struct tui_col {
	const char *title;
	const char *short_title;   /* when narrower than the title, or NULL */
	int min, pref;
	int rank;                  /* 0 = most important: dropped last, widened first */
	bool right;                /* right-aligned */
	bool flex;                 /* takes what is left over */
	/* out */
	int x, w;                  /* w == 0: hidden */
};
void tui_fit_columns(struct tui_col *cols, unsigned n, int width);

/* Wrapping of sanitised text: bytes of s that fit in `cols` columns, breaking at a space. */
size_t tui_wrap_span(const char *s, int cols, size_t *next);
int tui_text_cols(const char *s, size_t n);

#endif /* STPWATCH_TUI_INT_H */
