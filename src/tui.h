/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tui.h - the interactive view: the host's spanning tree at a glance
 * (bridges, ports with their states, findings most severe first, VMs and
 * their hubs), with details, a filter, pause, and repair on request.
 *
 * The view never blocks and never reads a clock for data: the caller's
 * loop polls tui_input_fd() with its other sources and calls
 *
 *     tui_handle_keys()  when the fd is readable AND after poll() fails with
 *                        EINTR (a resize arrives as SIGWINCH, which curses
 *                        turns into a key), and again after a REPAIR (keys
 *                        typed after `y` stay queued);
 *     tui_draw()         after REDRAW, and whenever the data changed (at
 *                        least once a second in live mode).
 *
 * tui_draw() copies what it shows out of the engine, so the engine may be
 * fed and ticked freely between calls; while the user has paused the view
 * it shows the last copy.  Only one view can be open at a time (curses owns
 * the terminal).
 *
 * Signals: install SIGINT/SIGTERM/SIGHUP handlers (a flag the loop tests)
 * BEFORE tui_open(): curses installs its own only where none is set.  From
 * a fatal-signal handler and from atexit(), call tui_restore_terminal().
 */
#ifndef STPWATCH_TUI_H
#define STPWATCH_TUI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stpwatch/engine.h"
#include "stpwatch/finding.h"

struct tui;

enum tui_action {
	TUI_NONE,       /* nothing to do */
	TUI_QUIT,       /* the user asked to quit */
	TUI_REDRAW,     /* the view changed: call tui_draw() */
	TUI_REPAIR,     /* the user confirmed a repair: see struct tui_request */
};

struct tui_request {
	/* Index of the finding in engine_findings() at the time of the call,
	 * or -1 if the engine no longer reports it (the view may be paused). */
	int finding_index;
	int vm_pid;                   /* the VM to repair (never 0 for REPAIR) */
	struct finding finding;       /* the finding as the user saw it */
};

struct tui_status {
	const char *mode;             /* "live on host", "capture x.pcap"; NULL: none */
	uint64_t drops;               /* frames the capture dropped so far */
	unsigned ports_watched;       /* ports being captured on */
	const char *message;          /* status line when no newer message; may be NULL */
	bool repair_available;        /* a repair executor exists in this build */
};

/*
 * Takes over the terminal (stdin/stdout): cbreak, no echo, keypad,
 * non-blocking input; colours unless NO_COLOR is set (non-empty) or the
 * terminal has none.  Sets LC_CTYPE from the environment so that UTF-8
 * names display.  Captures log_msg() output until tui_close().
 * NULL with a reason in err when stdin/stdout is not a terminal, the
 * terminal type is unknown, a view is already open, or memory ran out.
 */
struct tui *tui_open(char *err, size_t errlen);
/* Gives the terminal back (endwin) and frees the view; NULL and repeated calls
 * are no-ops.  Errors and warnings logged while the view was open are passed
 * on to the previous log sink (stderr by default) then. */
void tui_close(struct tui *t);
/* Best effort, async-signal-safe: leaves the alternate screen, shows the
 * cursor, resets attributes and the tty modes saved by tui_open().  For
 * fatal paths (signal handlers, atexit); a no-op when no view is open. */
void tui_restore_terminal(void);

int tui_input_fd(void);
/* Reads every pending key (never blocks longer than the Esc delay). */
enum tui_action tui_handle_keys(struct tui *t, struct engine *e, struct tui_request *req);
/* Draws one frame without flicker.  st may be NULL.  The repair_available
 * flag given here is what the next `r` goes by. */
void tui_draw(struct tui *t, struct engine *e, const struct tui_status *st);
/* A message for the status line (also kept in the message list, key `m`). */
void tui_message(struct tui *t, const char *text);
bool tui_paused(const struct tui *t);

/*
 * Display-safe copy of untrusted text: at most n bytes of s (stopping at a
 * NUL) into out (always NUL-terminated), at most maxcols terminal columns.
 * Control characters (C0, DEL, C1), invalid or overlong UTF-8, surrogates
 * and zero-width or unprintable characters become '?'; valid printable
 * UTF-8 is kept when `utf8` (else '?' per character).  Returns the columns
 * used.  Exposed for tests.
 */
int tui_sanitize(char *out, size_t outsize, const char *s, size_t n, int maxcols, bool utf8);

#endif /* STPWATCH_TUI_H */
