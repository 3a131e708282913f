/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * qmp.c - QMP and HMP clients over unix sockets.
 *
 * The socket is non-blocking; every wait is a poll() with what is left of
 * the call's deadline (CLOCK_MONOTONIC).  Replies are framed by counting
 * braces outside strings, incrementally (a reply that arrives a byte at a
 * time is scanned once), then parsed by the small strict JSON parser of
 * qmp_json.c into a tree.  The "info network" reader is in the core:
 * src/core/qmp_netinfo.c.
 */
#include "qmp.h"
#include "qmp_json.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define HMP_PROMPT "(qemu) "

/* ---- time ------------------------------------------------------------- */

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int remaining(long long deadline)
{
	long long left = deadline - now_ms();

	if (left <= 0)
		return 0;
	return left > INT_MAX ? INT_MAX : (int)left;
}

static long long deadline_of(int timeout_ms)
{
	return now_ms() + (timeout_ms < 0 ? 0 : timeout_ms);
}

/* ---- the connection ----------------------------------------------------- */

struct qmp {
	int fd;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	char *buf;
	size_t len, cap;
	/* framing of the next message in buf */
	size_t scan;
	int depth;
	bool in_str, esc, in_msg;
	bool broken;
	int major, minor, micro;
	char package[128];
	long next_id;
	int timeout_ms;         /* of the call under way, for messages */
	unsigned long events;
	char err[512];
	char err_class[64];
};

static int set_err(struct qmp *q, int rc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int set_err(struct qmp *q, int rc, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(q->err, sizeof(q->err), "%s: ", q->path);

	va_start(ap, fmt);
	if (n >= 0 && (size_t)n < sizeof(q->err))
		vsnprintf(q->err + n, sizeof(q->err) - (size_t)n, fmt, ap);
	va_end(ap);
	if (rc != QMP_ERR_REPLY)
		q->err_class[0] = '\0';
	if (rc == QMP_ERR_PROTO || rc == QMP_ERR_CLOSED || rc == QMP_ERR_IO)
		q->broken = true;
	return rc;
}

/* Connects a non-blocking unix stream socket within the deadline. */
static int connect_unix(struct qmp *q, const char *path, long long deadline)
{
	struct sockaddr_un sa;

	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	snprintf(q->path, sizeof(q->path), "%s", path);
	if (strlen(path) >= sizeof(sa.sun_path))
		return set_err(q, QMP_ERR_IO, "socket path longer than %zu bytes",
			       sizeof(sa.sun_path) - 1);
	memcpy(sa.sun_path, path, strlen(path) + 1);

	for (;;) {
		q->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (q->fd < 0)
			return set_err(q, QMP_ERR_IO, "socket: %s", strerror(errno));
		if (connect(q->fd, (struct sockaddr *)&sa, sizeof(sa)) == 0)
			return QMP_OK;
		if (errno == EINPROGRESS)
			break;
		int e = errno;

		close(q->fd);
		q->fd = -1;
		if (e == EINTR)
			continue;
		/* EAGAIN: the listen backlog is full; try again until the deadline */
		if (e == EAGAIN && remaining(deadline) > 0) {
			struct timespec ts = { 0, 10 * 1000 * 1000 };

			nanosleep(&ts, NULL);
			continue;
		}
		if (e == EAGAIN)
			return set_err(q, QMP_ERR_TIMEOUT, "connect: backlog full until the timeout");
		return set_err(q, QMP_ERR_IO, "connect: %s", strerror(e));
	}
	for (;;) {
		struct pollfd pfd = { .fd = q->fd, .events = POLLOUT };
		int r = poll(&pfd, 1, remaining(deadline));
		int soerr = 0;
		socklen_t sl = sizeof(soerr);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return set_err(q, QMP_ERR_IO, "poll: %s", strerror(errno));
		if (r == 0)
			return set_err(q, QMP_ERR_TIMEOUT, "connect timed out after %d ms",
				       q->timeout_ms);
		if (getsockopt(q->fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) < 0)
			soerr = errno;
		if (soerr)
			return set_err(q, QMP_ERR_IO, "connect: %s", strerror(soerr));
		return QMP_OK;
	}
}

static int write_all(struct qmp *q, const char *data, size_t len, long long deadline)
{
	size_t off = 0;
	int rc;

	while (off < len) {
		ssize_t w = send(q->fd, data + off, len - off, MSG_NOSIGNAL);

		if (w > 0) {
			off += (size_t)w;
			continue;
		}
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
			if (errno == EPIPE || errno == ECONNRESET)
				return set_err(q, QMP_ERR_CLOSED, "connection closed by QEMU");
			return set_err(q, QMP_ERR_IO, "send: %s", strerror(errno));
		}
		struct pollfd pfd = { .fd = q->fd, .events = POLLOUT };
		int r = poll(&pfd, 1, remaining(deadline));

		if (r < 0 && errno != EINTR)
			return set_err(q, QMP_ERR_IO, "poll: %s", strerror(errno));
		if (r == 0) {
			rc = set_err(q, QMP_ERR_TIMEOUT, "send timed out");
			if (off > 0)    /* half a command sent: the stream is lost */
				q->broken = true;
			return rc;
		}
	}
	return QMP_OK;
}

/* Reads what is there (waiting until the deadline for something). */
static int fill(struct qmp *q, long long deadline, const char *waiting_for)
{
	for (;;) {
		if (q->cap - q->len < 4096) {
			size_t ncap = q->cap ? q->cap * 2 : 65536;

			if (ncap > QMP_MAX_MESSAGE + 65536)
				ncap = QMP_MAX_MESSAGE + 65536;
			if (ncap <= q->cap)
				return set_err(q, QMP_ERR_PROTO, "reply longer than %u bytes",
					       QMP_MAX_MESSAGE);
			char *nb = realloc(q->buf, ncap);

			if (nb == NULL)
				return set_err(q, QMP_ERR_NOMEM, "out of memory");
			q->buf = nb;
			q->cap = ncap;
		}
		ssize_t r = recv(q->fd, q->buf + q->len, q->cap - q->len, 0);

		if (r > 0) {
			q->len += (size_t)r;
			return QMP_OK;
		}
		if (r == 0)
			return set_err(q, QMP_ERR_CLOSED, "connection closed by QEMU while "
				       "waiting for %s", waiting_for);
		if (errno == EINTR)
			continue;
		if (errno == ECONNRESET)
			return set_err(q, QMP_ERR_CLOSED, "connection reset while waiting "
				       "for %s", waiting_for);
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			return set_err(q, QMP_ERR_IO, "recv: %s", strerror(errno));

		struct pollfd pfd = { .fd = q->fd, .events = POLLIN };
		int left = remaining(deadline);
		int pr = left > 0 ? poll(&pfd, 1, left) : 0;

		if (pr < 0 && errno != EINTR)
			return set_err(q, QMP_ERR_IO, "poll: %s", strerror(errno));
		if (pr == 0 && remaining(deadline) == 0)
			return set_err(q, QMP_ERR_TIMEOUT, "timed out after %d ms waiting "
				       "for %s", q->timeout_ms, waiting_for);
	}
}

/* Drops the first n bytes of the buffer. */
static void consume(struct qmp *q, size_t n)
{
	memmove(q->buf, q->buf + n, q->len - n);
	q->len -= n;
	q->scan = 0;
	q->depth = 0;
	q->in_str = q->esc = q->in_msg = false;
}

/*
 * Frames the next JSON object; on success it is buf[0..*mlen) (leading
 * whitespace already dropped).
 */
static int next_message(struct qmp *q, long long deadline, const char *waiting_for,
			size_t *mlen)
{
	for (;;) {
		while (q->scan < q->len) {
			char c = q->buf[q->scan];

			if (!q->in_msg) {
				if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
					q->scan++;
					continue;
				}
				if (c != '{')
					return set_err(q, QMP_ERR_PROTO, "not a JSON object: "
						       "byte 0x%02x", (unsigned char)c);
				consume(q, q->scan);
				q->in_msg = true;
				q->depth = 1;
				q->scan = 1;
				continue;
			}
			q->scan++;
			if (q->in_str) {
				if (q->esc)
					q->esc = false;
				else if (c == '\\')
					q->esc = true;
				else if (c == '"')
					q->in_str = false;
				continue;
			}
			if (c == '"')
				q->in_str = true;
			else if (c == '{' || c == '[')
				q->depth++;
			else if (c == '}' || c == ']') {
				if (--q->depth == 0) {
					*mlen = q->scan;
					return QMP_OK;
				}
			}
		}
		if (!q->in_msg && q->scan > 0)
			consume(q, q->scan);
		if (q->in_msg && q->scan > QMP_MAX_MESSAGE)
			return set_err(q, QMP_ERR_PROTO, "reply longer than %u bytes",
				       QMP_MAX_MESSAGE);
		int rc = fill(q, deadline, waiting_for);

		if (rc != QMP_OK)
			return rc;
	}
}

/* Reads and parses the next message. */
static int read_json(struct qmp *q, long long deadline, const char *waiting_for,
		     struct jnode **out)
{
	size_t mlen = 0;
	char perr[128];
	int rc = next_message(q, deadline, waiting_for, &mlen);

	if (rc != QMP_OK)
		return rc;
	*out = qjson_parse(q->buf, mlen, perr, sizeof(perr));
	consume(q, mlen);
	if (*out == NULL)
		return set_err(q, QMP_ERR_PROTO, "%s", perr);
	return QMP_OK;
}

/*
 * Sends command (with args_json, or none) and waits for its reply; on
 * success *reply is the whole reply message (free with jfree).
 */
static int transact(struct qmp *q, const char *command, const char *args_json,
		    int timeout_ms, struct jnode **reply)
{
	long long deadline = deadline_of(timeout_ms);
	size_t cap = strlen(command) * 6 + (args_json ? strlen(args_json) : 0) + 96;
	char *msg, what[128];
	size_t len = 0;
	long id;
	int rc;

	*reply = NULL;
	q->timeout_ms = timeout_ms;
	if (q->broken)
		return set_err(q, QMP_ERR_UNUSABLE, "connection unusable after an "
			       "earlier error");
	msg = malloc(cap);
	if (msg == NULL)
		return set_err(q, QMP_ERR_NOMEM, "out of memory");
	id = ++q->next_id;
	len = (size_t)snprintf(msg, cap, "{\"execute\":");
	qjson_quote(msg, cap, &len, command);
	if (args_json)
		len += (size_t)snprintf(msg + len, cap - len, ",\"arguments\":%s", args_json);
	len += (size_t)snprintf(msg + len, cap - len, ",\"id\":%ld}\r\n", id);
	rc = write_all(q, msg, len, deadline);
	free(msg);
	if (rc != QMP_OK)
		return rc;

	snprintf(what, sizeof(what), "the reply to %s", command);
	for (;;) {
		struct jnode *m;
		const struct jnode *ret, *error, *rid;

		rc = read_json(q, deadline, what, &m);
		if (rc != QMP_OK)
			return rc;
		if (m->t != J_OBJ) {
			qjson_free(m);
			return set_err(q, QMP_ERR_PROTO, "a message that is not an object");
		}
		if (qjson_get(m, "event")) {
			q->events++;
			qjson_free(m);
			continue;
		}
		ret = qjson_get(m, "return");
		error = qjson_get(m, "error");
		rid = qjson_get(m, "id");
		if (!ret && !error) {
			qjson_free(m);
			return set_err(q, QMP_ERR_PROTO, "unexpected message while waiting "
				       "for %s", what);
		}
		/* A reply without an id is ours (QEMU's errors about the request
		 * itself carry none); one with another id answers an older command. */
		if (rid && (rid->t != J_NUM || qjson_int(rid, -1) != id)) {
			qjson_free(m);
			continue;
		}
		if (error) {
			const char *cls = qjson_str(qjson_get(error, "class"));
			const char *desc = qjson_str(qjson_get(error, "desc"));

			snprintf(q->err_class, sizeof(q->err_class), "%s", cls ? cls : "");
			rc = set_err(q, QMP_ERR_REPLY, "%s: %s%s%s%s", command,
				     desc ? desc : "error", cls ? " (" : "", cls ? cls : "",
				     cls ? ")" : "");
			qjson_free(m);
			return rc;
		}
		*reply = m;
		return QMP_OK;
	}
}

struct qmp *qmp_open(const char *path, int timeout_ms, int *result,
		     char *err, size_t errlen)
{
	long long deadline = deadline_of(timeout_ms);
	struct qmp *q = calloc(1, sizeof(*q));
	struct jnode *g = NULL, *reply = NULL;
	const struct jnode *v, *qemu;
	int rc;

	if (q == NULL) {
		snprintf(err, errlen, "%s: out of memory", path);
		if (result)
			*result = QMP_ERR_NOMEM;
		return NULL;
	}
	q->fd = -1;
	q->timeout_ms = timeout_ms;
	rc = connect_unix(q, path, deadline);
	if (rc == QMP_OK)
		rc = read_json(q, deadline, "the QMP greeting", &g);
	if (rc == QMP_OK) {
		v = qjson_get(qjson_get(g, "QMP"), "version");
		qemu = qjson_get(v, "qemu");
		if (qemu == NULL) {
			rc = set_err(q, QMP_ERR_PROTO, "no QMP greeting (not a QMP socket?)");
		} else {
			const char *pkg = qjson_str(qjson_get(v, "package"));

			q->major = qjson_int(qjson_get(qemu, "major"), -1);
			q->minor = qjson_int(qjson_get(qemu, "minor"), -1);
			q->micro = qjson_int(qjson_get(qemu, "micro"), -1);
			snprintf(q->package, sizeof(q->package), "%s", pkg ? pkg : "");
		}
		qjson_free(g);
	}
	if (rc == QMP_OK) {
		int left = remaining(deadline);

		rc = left > 0 ? transact(q, "qmp_capabilities", NULL, left, &reply)
			      : set_err(q, QMP_ERR_TIMEOUT, "timed out after %d ms before "
					"qmp_capabilities", timeout_ms);
		q->timeout_ms = timeout_ms;
		if (rc == QMP_ERR_TIMEOUT)
			set_err(q, rc, "timed out after %d ms waiting for the reply to "
				"qmp_capabilities", timeout_ms);
		qjson_free(reply);
	}
	if (result)
		*result = rc;
	if (rc != QMP_OK) {
		snprintf(err, errlen, "%s", q->err);
		qmp_close(q);
		return NULL;
	}
	return q;
}

void qmp_close(struct qmp *q)
{
	if (q == NULL)
		return;
	if (q->fd >= 0)
		close(q->fd);
	free(q->buf);
	free(q);
}

void qmp_version(const struct qmp *q, int *major, int *minor, int *micro)
{
	if (major)
		*major = q->major;
	if (minor)
		*minor = q->minor;
	if (micro)
		*micro = q->micro;
}

const char *qmp_package(const struct qmp *q) { return q->package; }
const char *qmp_error(const struct qmp *q) { return q->err; }
const char *qmp_error_class(const struct qmp *q) { return q->err_class; }
unsigned long qmp_events_skipped(const struct qmp *q) { return q->events; }

int qmp_execute_args(struct qmp *q, const char *command, const char *args_json,
		     int timeout_ms)
{
	struct jnode *reply;
	int rc = transact(q, command, args_json, timeout_ms, &reply);

	qjson_free(reply);
	return rc;
}

int qmp_execute(struct qmp *q, const char *command, int timeout_ms)
{
	return qmp_execute_args(q, command, NULL, timeout_ms);
}

/* In place: CRLF -> LF. */
static void crlf_to_lf(char *s)
{
	char *w = s;

	for (char *r = s; *r; r++) {
		if (r[0] == '\r' && r[1] == '\n')
			continue;
		*w++ = *r;
	}
	*w = '\0';
}

int qmp_hmp(struct qmp *q, const char *command_line, char **out, int timeout_ms)
{
	size_t cap = strlen(command_line) * 6 + 32, len = 0;
	char *args = malloc(cap);
	struct jnode *reply;
	const char *text;
	int rc;

	*out = NULL;
	if (args == NULL)
		return set_err(q, QMP_ERR_NOMEM, "out of memory");
	len = (size_t)snprintf(args, cap, "{\"command-line\":");
	qjson_quote(args, cap, &len, command_line);
	snprintf(args + len, cap - len, "}");
	rc = transact(q, "human-monitor-command", args, timeout_ms, &reply);
	free(args);
	if (rc != QMP_OK)
		return rc;
	text = qjson_str(qjson_get(reply, "return"));
	if (text == NULL) {
		qjson_free(reply);
		return set_err(q, QMP_ERR_PROTO, "human-monitor-command returned no text");
	}
	*out = malloc(strlen(text) + 1);
	if (*out == NULL) {
		qjson_free(reply);
		return set_err(q, QMP_ERR_NOMEM, "out of memory");
	}
	memcpy(*out, text, strlen(text) + 1);
	crlf_to_lf(*out);
	qjson_free(reply);
	return QMP_OK;
}

int qmp_query_status(struct qmp *q, bool *running, char *status, size_t statuslen,
		     int timeout_ms)
{
	struct jnode *reply;
	const struct jnode *ret, *run;
	const char *st;
	int rc = transact(q, "query-status", NULL, timeout_ms, &reply);

	if (rc != QMP_OK)
		return rc;
	ret = qjson_get(reply, "return");
	run = qjson_get(ret, "running");
	st = qjson_str(qjson_get(ret, "status"));
	if (run == NULL || (run->t != J_TRUE && run->t != J_FALSE) || st == NULL) {
		qjson_free(reply);
		return set_err(q, QMP_ERR_PROTO, "query-status: no running/status in reply");
	}
	if (running)
		*running = run->t == J_TRUE;
	if (status && statuslen)
		snprintf(status, statuslen, "%s", st);
	qjson_free(reply);
	return QMP_OK;
}

int qmp_set_link(struct qmp *q, const char *name, bool up, int timeout_ms)
{
	size_t cap = strlen(name) * 6 + 48, len = 0;
	char *args = malloc(cap);
	int rc;

	if (args == NULL)
		return set_err(q, QMP_ERR_NOMEM, "out of memory");
	len = (size_t)snprintf(args, cap, "{\"name\":");
	qjson_quote(args, cap, &len, name);
	snprintf(args + len, cap - len, ",\"up\":%s}", up ? "true" : "false");
	rc = qmp_execute_args(q, "set_link", args, timeout_ms);
	free(args);
	return rc;
}

/* ---- HMP ------------------------------------------------------------------ */

static bool ends_with_prompt(const struct qmp *q, size_t from)
{
	size_t n = strlen(HMP_PROMPT);

	return q->len >= from + n && memcmp(q->buf + q->len - n, HMP_PROMPT, n) == 0;
}

/* Reads until the buffer ends with the prompt past `from`; CLOSED is passed up. */
static int hmp_read_prompt(struct qmp *q, size_t from, long long deadline,
			   const char *waiting_for)
{
	while (!ends_with_prompt(q, from)) {
		if (q->len > QMP_MAX_MESSAGE)
			return set_err(q, QMP_ERR_PROTO, "output longer than %u bytes",
				       QMP_MAX_MESSAGE);
		int rc = fill(q, deadline, waiting_for);

		if (rc != QMP_OK)
			return rc;
	}
	return QMP_OK;
}

int hmp_command(const char *path, const char *command_line, char **out,
		int timeout_ms, char *err, size_t errlen)
{
	long long deadline = deadline_of(timeout_ms);
	struct qmp *q = calloc(1, sizeof(*q));
	size_t start, n;
	char *line = NULL, *text;
	int rc;

	*out = NULL;
	if (q == NULL) {
		snprintf(err, errlen, "%s: out of memory", path);
		return QMP_ERR_NOMEM;
	}
	q->fd = -1;
	q->timeout_ms = timeout_ms;
	if (strpbrk(command_line, "\r\n")) {
		snprintf(q->path, sizeof(q->path), "%s", path);
		rc = set_err(q, QMP_ERR_PROTO, "a command line cannot hold a newline");
		goto done;
	}
	rc = connect_unix(q, path, deadline);
	if (rc == QMP_OK)
		rc = hmp_read_prompt(q, 0, deadline, "the monitor prompt");
	if (rc != QMP_OK)
		goto done;
	start = q->len;
	n = strlen(command_line);
	line = malloc(n + 2);
	if (line == NULL) {
		rc = set_err(q, QMP_ERR_NOMEM, "out of memory");
		goto done;
	}
	memcpy(line, command_line, n);
	line[n] = '\n';
	rc = write_all(q, line, n + 1, deadline);
	if (rc == QMP_OK) {
		char what[96];

		snprintf(what, sizeof(what), "the output of %.60s", command_line);
		rc = hmp_read_prompt(q, start, deadline, what);
		if (rc == QMP_ERR_CLOSED && q->len > start)
			rc = QMP_OK;            /* "quit": output, then the close */
		else if (rc == QMP_OK)
			q->len -= strlen(HMP_PROMPT);
	}
	if (rc != QMP_OK)
		goto done;
	/* The echo of the command line (with terminal escapes) ends at the
	 * first newline. */
	text = memchr(q->buf + start, '\n', q->len - start);
	text = text ? text + 1 : q->buf + q->len;
	n = (size_t)(q->buf + q->len - text);
	*out = malloc(n + 1);
	if (*out == NULL) {
		rc = set_err(q, QMP_ERR_NOMEM, "out of memory");
		goto done;
	}
	memcpy(*out, text, n);
	(*out)[n] = '\0';
	/* A NUL in the output would cut the string: replace it. */
	for (size_t i = 0; i < n; i++)
		if ((*out)[i] == '\0')
			(*out)[i] = '?';
	crlf_to_lf(*out);
done:
	if (rc != QMP_OK)
		snprintf(err, errlen, "%s", q->err);
	free(line);
	qmp_close(q);
	return rc;
}
