/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * qmp.h - a small client for QEMU's monitors over unix sockets.  The
 * reader for the text of "info network" is stpwatch/qmp_netinfo.h (pure,
 * in the core), included here.
 *
 * QMP (-qmp unix:PATH,server=on,wait=off): JSON objects, one per line as
 * QEMU writes them (CRLF-terminated; "pretty" multi-line output is read
 * too, framing is by braces, not lines).  qmp_open() reads the greeting
 * {"QMP": {"version": {"qemu": {"major", "minor", "micro"}, "package"},
 * "capabilities": [...]}} and negotiates with qmp_capabilities.  Every
 * command carries an "id"; replies with another id (late answers to a
 * command that timed out) and asynchronous events ({"event": ...}) are
 * skipped while waiting for the {"return": ...} or {"error": ...}.
 *
 * HMP (-monitor unix:PATH,server=on,wait=off): text with a "(qemu) "
 * prompt; QEMU echoes the command line back (with terminal escapes) before
 * the output, and ends lines with CRLF.  hmp_command() strips the echo and
 * the prompt and turns CRLF into LF.
 *
 * Every step (connect, each read, each write) is bounded by the caller's
 * timeout, counted from the start of the call: nothing blocks for longer.
 * One reply is at most QMP_MAX_MESSAGE bytes; a bigger one is an error and
 * leaves the connection unusable (its framing is lost).
 *
 * A QEMU monitor socket serves one client at a time: while another client
 * (libvirt, a human) is connected, connect() succeeds but the greeting
 * never comes, and the call times out.
 */
#ifndef STPWATCH_QMP_H
#define STPWATCH_QMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stpwatch/qmp_netinfo.h"

#define QMP_MAX_MESSAGE (4u * 1024u * 1024u)

/* Results: 0 or one of these (the message is in qmp_error()). */
enum qmp_result {
	QMP_OK = 0,
	QMP_ERR_TIMEOUT = -1,   /* the deadline passed */
	QMP_ERR_CLOSED = -2,    /* the peer closed the connection */
	QMP_ERR_IO = -3,        /* a system call failed (errno in the message) */
	QMP_ERR_PROTO = -4,     /* not JSON, not QMP, or too big */
	QMP_ERR_REPLY = -5,     /* QEMU answered {"error": ...}: qmp_error_class() */
	QMP_ERR_NOMEM = -6,
	QMP_ERR_UNUSABLE = -7,  /* an earlier error broke the connection */
};

struct qmp;

/*
 * Connects, reads the greeting and sends qmp_capabilities, all within
 * timeout_ms.  Returns NULL on failure with one line in err, e.g.
 * "/run/vm1.qmp: no greeting within 2000 ms", and *result (if result is
 * not NULL) set to the qmp_result.
 */
struct qmp *qmp_open(const char *path, int timeout_ms, int *result,
		     char *err, size_t errlen);
void qmp_close(struct qmp *q);

/* From the greeting. */
void qmp_version(const struct qmp *q, int *major, int *minor, int *micro);
const char *qmp_package(const struct qmp *q);          /* "" if none */

/* The last error: a message, and QEMU's error class ("" unless QMP_ERR_REPLY). */
const char *qmp_error(const struct qmp *q);
const char *qmp_error_class(const struct qmp *q);
/* Asynchronous events skipped so far. */
unsigned long qmp_events_skipped(const struct qmp *q);

/*
 * Runs a command without arguments ("system_powerdown", "quit", "stop",
 * "cont") and waits for its reply.  After "quit" QEMU may close the
 * socket before its reply arrives: that is QMP_ERR_CLOSED.
 */
int qmp_execute(struct qmp *q, const char *command, int timeout_ms);
/* The same with arguments: args_json is a JSON object text or NULL. */
int qmp_execute_args(struct qmp *q, const char *command, const char *args_json,
		     int timeout_ms);

/*
 * A human monitor command through QMP (human-monitor-command).  On
 * success *out is the text (malloc'd; JSON escapes decoded, CRLF turned
 * into LF, a \u0000 into U+FFFD).
 */
int qmp_hmp(struct qmp *q, const char *command_line, char **out, int timeout_ms);

/* query-status: *running and the status word ("running", "paused", "prelaunch" ...). */
int qmp_query_status(struct qmp *q, bool *running, char *status, size_t statuslen,
		     int timeout_ms);

/* set_link: cut (up=false) or restore a NIC's or netdev's link. */
int qmp_set_link(struct qmp *q, const char *name, bool up, int timeout_ms);

/*
 * One command on a human monitor socket: connects, waits for the prompt,
 * sends command_line (no newline in it), reads up to the next prompt (or
 * the close, for "quit").  Returns a qmp_result; *out as for qmp_hmp().
 */
int hmp_command(const char *path, const char *command_line, char **out,
		int timeout_ms, char *err, size_t errlen);

#endif /* STPWATCH_QMP_H */
