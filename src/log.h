/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * log.h - one place where diagnostics go.
 *
 * By default a message is written to stderr as "stpwatch: warning: text".
 * A view that owns the terminal (the curses view) replaces the sink so that
 * nothing writes to the terminal behind its back, and puts the previous
 * sink back when it ends.  Not for use from signal handlers.
 */
#ifndef STPWATCH_LOG_H
#define STPWATCH_LOG_H

#include <stdarg.h>

/* Most severe first; LOG_SYSLOG-style names are avoided (<syslog.h> macros). */
enum log_level {
	LOG_LEVEL_ERROR,
	LOG_LEVEL_WARNING,
	LOG_LEVEL_INFO,
	LOG_LEVEL_DEBUG,
};

/* Messages longer than this are cut (the text, not the process, is the limit). */
#define LOG_MSG_MAX 1024

/* Receives one message: no trailing newline, never NULL. */
typedef void log_sink_fn(void *ctx, enum log_level level, const char *msg);

/* fn NULL puts the stderr sink back. */
void log_set_sink(log_sink_fn *fn, void *ctx);
/* The current sink (NULL for stderr), to put it back later. */
void log_get_sink(log_sink_fn **fn, void **ctx);

/* Messages less severe than `level` are dropped (default: LOG_LEVEL_INFO). */
void log_set_threshold(enum log_level level);
/* The name before the colon on stderr (default "stpwatch"). */
void log_set_progname(const char *name);

const char *log_level_name(enum log_level level);   /* "error" ... "debug" */

void log_msg(enum log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void log_vmsg(enum log_level level, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

#endif /* STPWATCH_LOG_H */
