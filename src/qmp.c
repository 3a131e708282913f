/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * qmp.c - QMP and HMP clients over unix sockets, "info network" reader.
 *
 * The socket is non-blocking; every wait is a poll() with what is left of
 * the call's deadline (CLOCK_MONOTONIC).  Replies are framed by counting
 * braces outside strings, incrementally (a reply that arrives a byte at a
 * time is scanned once), then parsed by a small strict JSON parser into a
 * tree.  Strings are decoded to UTF-8: \uXXXX escapes and surrogate pairs
 * (QEMU writes every non-ASCII character that way), a lone surrogate or
 * \u0000 becomes U+FFFD so that every string is a C string.
 */
#include "qmp.h"

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

#define JSON_MAX_DEPTH 64
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

/* ---- JSON ------------------------------------------------------------- */

enum jtype { J_NULL, J_FALSE, J_TRUE, J_NUM, J_STR, J_ARR, J_OBJ };

struct jnode {
	enum jtype t;
	char *key;              /* member name, in an object */
	char *s;                /* J_STR */
	double num;             /* J_NUM */
	struct jnode *child;    /* J_ARR, J_OBJ: first element */
	struct jnode *next;     /* next sibling */
};

struct jparser {
	const char *p, *end, *start;
	int depth;
	const char *err;
	size_t err_at;
};

static void jfree(struct jnode *n)
{
	while (n) {
		struct jnode *next = n->next;

		jfree(n->child);
		free(n->key);
		free(n->s);
		free(n);
		n = next;
	}
}

static void jskip_ws(struct jparser *jp)
{
	while (jp->p < jp->end &&
	       (*jp->p == ' ' || *jp->p == '\t' || *jp->p == '\n' || *jp->p == '\r'))
		jp->p++;
}

static void *jfail(struct jparser *jp, const char *why)
{
	if (jp->err == NULL) {
		jp->err = why;
		jp->err_at = (size_t)(jp->p - jp->start);
	}
	return NULL;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static bool read_hex4(const char *p, const char *end, unsigned *out)
{
	unsigned v = 0;

	if (end - p < 4)
		return false;
	for (int i = 0; i < 4; i++) {
		int h = hexval(p[i]);

		if (h < 0)
			return false;
		v = v << 4 | (unsigned)h;
	}
	*out = v;
	return true;
}

static size_t put_utf8(char *o, unsigned cp)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xc0 | cp >> 6);
		o[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xe0 | cp >> 12);
		o[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		o[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | cp >> 18);
	o[1] = (char)(0x80 | (cp >> 12 & 0x3f));
	o[2] = (char)(0x80 | (cp >> 6 & 0x3f));
	o[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* At the opening quote; returns the decoded string (malloc'd). */
static char *jstring(struct jparser *jp)
{
	const char *p = jp->p + 1, *q = p;
	size_t n = 0;
	char *out;

	/* Sized by the raw text: every escape decodes to no more bytes than
	 * it takes. */
	while (q < jp->end && *q != '"')
		q += *q == '\\' && q + 1 < jp->end ? 2 : 1;
	out = malloc((size_t)(q - p) + 1);
	if (out == NULL)
		return jfail(jp, "out of memory");
	while (p < jp->end && *p != '"') {
		unsigned char c = (unsigned char)*p;

		if (c < 0x20) {
			jp->p = p;
			free(out);
			return jfail(jp, "control character in string");
		}
		if (c != '\\') {
			out[n++] = (char)c;
			p++;
			continue;
		}
		if (p + 1 >= jp->end)
			break;
		switch (p[1]) {
		case '"': out[n++] = '"'; break;
		case '\\': out[n++] = '\\'; break;
		case '/': out[n++] = '/'; break;
		case 'b': out[n++] = '\b'; break;
		case 'f': out[n++] = '\f'; break;
		case 'n': out[n++] = '\n'; break;
		case 'r': out[n++] = '\r'; break;
		case 't': out[n++] = '\t'; break;
		case 'u': {
			unsigned cp, lo;

			if (!read_hex4(p + 2, jp->end, &cp)) {
				jp->p = p;
				free(out);
				return jfail(jp, "bad \\u escape");
			}
			p += 4;
			if (cp >= 0xd800 && cp <= 0xdbff && p + 2 + 6 <= jp->end &&
			    p[2] == '\\' && p[3] == 'u' && read_hex4(p + 4, jp->end, &lo) &&
			    lo >= 0xdc00 && lo <= 0xdfff) {
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
				p += 6;
			} else if ((cp >= 0xd800 && cp <= 0xdfff) || cp == 0) {
				cp = 0xfffd;
			}
			n += put_utf8(out + n, cp);
			break;
		}
		default:
			jp->p = p;
			free(out);
			return jfail(jp, "bad escape");
		}
		p += 2;
	}
	if (p >= jp->end) {
		jp->p = p;
		free(out);
		return jfail(jp, "unterminated string");
	}
	out[n] = '\0';
	jp->p = p + 1;
	return out;
}

static struct jnode *jvalue(struct jparser *jp);

static struct jnode *jnew(struct jparser *jp, enum jtype t)
{
	struct jnode *n = calloc(1, sizeof(*n));

	if (n == NULL)
		return jfail(jp, "out of memory");
	n->t = t;
	return n;
}

static bool jliteral(struct jparser *jp, const char *word)
{
	size_t n = strlen(word);

	if ((size_t)(jp->end - jp->p) < n || memcmp(jp->p, word, n) != 0)
		return false;
	jp->p += n;
	return true;
}

static struct jnode *jnumber(struct jparser *jp)
{
	const char *p = jp->p;
	char tmp[64];
	struct jnode *n;

	if (p < jp->end && *p == '-')
		p++;
	if (p >= jp->end || *p < '0' || *p > '9')
		return jfail(jp, "unexpected character");
	if (*p == '0')
		p++;
	else
		while (p < jp->end && *p >= '0' && *p <= '9')
			p++;
	if (p < jp->end && *p == '.') {
		p++;
		if (p >= jp->end || *p < '0' || *p > '9')
			return jfail(jp, "bad number");
		while (p < jp->end && *p >= '0' && *p <= '9')
			p++;
	}
	if (p < jp->end && (*p == 'e' || *p == 'E')) {
		p++;
		if (p < jp->end && (*p == '+' || *p == '-'))
			p++;
		if (p >= jp->end || *p < '0' || *p > '9')
			return jfail(jp, "bad number");
		while (p < jp->end && *p >= '0' && *p <= '9')
			p++;
	}
	if ((size_t)(p - jp->p) >= sizeof(tmp))
		return jfail(jp, "number too long");
	memcpy(tmp, jp->p, (size_t)(p - jp->p));
	tmp[p - jp->p] = '\0';
	n = jnew(jp, J_NUM);
	if (n)
		n->num = strtod(tmp, NULL);
	jp->p = p;
	return n;
}

/* At '[' or '{'. */
static struct jnode *jcontainer(struct jparser *jp, bool obj)
{
	struct jnode *n = jnew(jp, obj ? J_OBJ : J_ARR), **tail;
	char close = obj ? '}' : ']';

	if (n == NULL)
		return NULL;
	if (++jp->depth > JSON_MAX_DEPTH) {
		jfree(n);
		return jfail(jp, "nested too deep");
	}
	tail = &n->child;
	jp->p++;
	jskip_ws(jp);
	if (jp->p < jp->end && *jp->p == close) {
		jp->p++;
		jp->depth--;
		return n;
	}
	for (;;) {
		char *key = NULL;
		struct jnode *v;

		jskip_ws(jp);
		if (obj) {
			if (jp->p >= jp->end || *jp->p != '"') {
				jfree(n);
				return jfail(jp, "expected a member name");
			}
			key = jstring(jp);
			if (key == NULL) {
				jfree(n);
				return NULL;
			}
			jskip_ws(jp);
			if (jp->p >= jp->end || *jp->p != ':') {
				free(key);
				jfree(n);
				return jfail(jp, "expected ':'");
			}
			jp->p++;
		}
		v = jvalue(jp);
		if (v == NULL) {
			free(key);
			jfree(n);
			return NULL;
		}
		v->key = key;
		*tail = v;
		tail = &v->next;
		jskip_ws(jp);
		if (jp->p < jp->end && *jp->p == ',') {
			jp->p++;
			continue;
		}
		if (jp->p < jp->end && *jp->p == close) {
			jp->p++;
			jp->depth--;
			return n;
		}
		jfree(n);
		return jfail(jp, obj ? "expected ',' or '}'" : "expected ',' or ']'");
	}
}

static struct jnode *jvalue(struct jparser *jp)
{
	struct jnode *n;

	jskip_ws(jp);
	if (jp->p >= jp->end)
		return jfail(jp, "unexpected end");
	switch (*jp->p) {
	case '{':
		return jcontainer(jp, true);
	case '[':
		return jcontainer(jp, false);
	case '"':
		n = jnew(jp, J_STR);
		if (n && (n->s = jstring(jp)) == NULL) {
			free(n);
			return NULL;
		}
		return n;
	case 't':
		if (jliteral(jp, "true"))
			return jnew(jp, J_TRUE);
		break;
	case 'f':
		if (jliteral(jp, "false"))
			return jnew(jp, J_FALSE);
		break;
	case 'n':
		if (jliteral(jp, "null"))
			return jnew(jp, J_NULL);
		break;
	default:
		return jnumber(jp);
	}
	return jfail(jp, "unexpected character");
}

static struct jnode *json_parse(const char *s, size_t len, char *err, size_t errlen)
{
	struct jparser jp = { .p = s, .end = s + len, .start = s };
	struct jnode *n = jvalue(&jp);

	if (n) {
		jskip_ws(&jp);
		if (jp.p != jp.end) {
			jfree(n);
			n = jfail(&jp, "trailing data");
		}
	}
	if (n == NULL)
		snprintf(err, errlen, "invalid JSON at offset %zu: %s", jp.err_at,
			 jp.err ? jp.err : "?");
	return n;
}

static const struct jnode *jget(const struct jnode *obj, const char *key)
{
	if (obj == NULL || obj->t != J_OBJ)
		return NULL;
	for (const struct jnode *c = obj->child; c; c = c->next)
		if (c->key && strcmp(c->key, key) == 0)
			return c;
	return NULL;
}

static int jint(const struct jnode *n, int dflt)
{
	if (n == NULL || n->t != J_NUM || n->num < INT_MIN || n->num > INT_MAX)
		return dflt;
	return (int)n->num;
}

static const char *jstr(const struct jnode *n)
{
	return n && n->t == J_STR ? n->s : NULL;
}

/* Appends s as a JSON string literal to out (cap bytes); false if no room. */
static bool json_quote(char *out, size_t cap, size_t *len, const char *s)
{
	size_t n = *len;

#define PUT(c) do { if (n + 1 >= cap) return false; out[n++] = (c); } while (0)
	PUT('"');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"': PUT('\\'); PUT('"'); break;
		case '\\': PUT('\\'); PUT('\\'); break;
		case '\n': PUT('\\'); PUT('n'); break;
		case '\r': PUT('\\'); PUT('r'); break;
		case '\t': PUT('\\'); PUT('t'); break;
		default:
			if (*p < 0x20 || *p == 0x7f) {
				static const char hex[] = "0123456789abcdef";

				PUT('\\'); PUT('u'); PUT('0'); PUT('0');
				PUT(hex[*p >> 4]); PUT(hex[*p & 15]);
			} else {
				PUT((char)*p);
			}
		}
	}
	PUT('"');
#undef PUT
	out[n] = '\0';
	*len = n;
	return true;
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
	*out = json_parse(q->buf, mlen, perr, sizeof(perr));
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
	json_quote(msg, cap, &len, command);
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
			jfree(m);
			return set_err(q, QMP_ERR_PROTO, "a message that is not an object");
		}
		if (jget(m, "event")) {
			q->events++;
			jfree(m);
			continue;
		}
		ret = jget(m, "return");
		error = jget(m, "error");
		rid = jget(m, "id");
		if (!ret && !error) {
			jfree(m);
			return set_err(q, QMP_ERR_PROTO, "unexpected message while waiting "
				       "for %s", what);
		}
		/* A reply without an id is ours (QEMU's errors about the request
		 * itself carry none); one with another id answers an older command. */
		if (rid && (rid->t != J_NUM || jint(rid, -1) != id)) {
			jfree(m);
			continue;
		}
		if (error) {
			const char *cls = jstr(jget(error, "class"));
			const char *desc = jstr(jget(error, "desc"));

			snprintf(q->err_class, sizeof(q->err_class), "%s", cls ? cls : "");
			rc = set_err(q, QMP_ERR_REPLY, "%s: %s%s%s%s", command,
				     desc ? desc : "error", cls ? " (" : "", cls ? cls : "",
				     cls ? ")" : "");
			jfree(m);
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
		v = jget(jget(g, "QMP"), "version");
		qemu = jget(v, "qemu");
		if (qemu == NULL) {
			rc = set_err(q, QMP_ERR_PROTO, "no QMP greeting (not a QMP socket?)");
		} else {
			const char *pkg = jstr(jget(v, "package"));

			q->major = jint(jget(qemu, "major"), -1);
			q->minor = jint(jget(qemu, "minor"), -1);
			q->micro = jint(jget(qemu, "micro"), -1);
			snprintf(q->package, sizeof(q->package), "%s", pkg ? pkg : "");
		}
		jfree(g);
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
		jfree(reply);
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

	jfree(reply);
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
	json_quote(args, cap, &len, command_line);
	snprintf(args + len, cap - len, "}");
	rc = transact(q, "human-monitor-command", args, timeout_ms, &reply);
	free(args);
	if (rc != QMP_OK)
		return rc;
	text = jstr(jget(reply, "return"));
	if (text == NULL) {
		jfree(reply);
		return set_err(q, QMP_ERR_PROTO, "human-monitor-command returned no text");
	}
	*out = malloc(strlen(text) + 1);
	if (*out == NULL) {
		jfree(reply);
		return set_err(q, QMP_ERR_NOMEM, "out of memory");
	}
	memcpy(*out, text, strlen(text) + 1);
	crlf_to_lf(*out);
	jfree(reply);
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
	ret = jget(reply, "return");
	run = jget(ret, "running");
	st = jstr(jget(ret, "status"));
	if (run == NULL || (run->t != J_TRUE && run->t != J_FALSE) || st == NULL) {
		jfree(reply);
		return set_err(q, QMP_ERR_PROTO, "query-status: no running/status in reply");
	}
	if (running)
		*running = run->t == J_TRUE;
	if (status && statuslen)
		snprintf(status, statuslen, "%s", st);
	jfree(reply);
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
	json_quote(args, cap, &len, name);
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

/* ---- "info network" ------------------------------------------------------- */

static void copy_n(char *dst, size_t cap, const char *src, size_t n)
{
	if (n >= cap)
		n = cap - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

static bool parse_mac(const char *s, size_t n, uint8_t mac[6])
{
	unsigned v[6];
	char tail;
	char tmp[32];

	if (n >= sizeof(tmp))
		return false;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	if (sscanf(tmp, "%2x:%2x:%2x:%2x:%2x:%2x%c", &v[0], &v[1], &v[2], &v[3], &v[4],
		   &v[5], &tail) != 6)
		return false;
	for (int i = 0; i < 6; i++)
		mac[i] = (uint8_t)v[i];
	return true;
}

/* INFO "k=v,k=v": the fields we know. */
static void parse_info(const char *info, struct qmp_net_client *c)
{
	const char *p = info;

	while (*p) {
		const char *end = strchr(p, ','), *eq;
		size_t n;

		if (end == NULL)
			end = p + strlen(p);
		eq = memchr(p, '=', (size_t)(end - p));
		if (eq) {
			size_t klen = (size_t)(eq - p);
			const char *v = eq + 1;

			n = (size_t)(end - v);
			if (klen == 5 && memcmp(p, "model", 5) == 0)
				copy_n(c->model, sizeof(c->model), v, n);
			else if (klen == 7 && memcmp(p, "macaddr", 7) == 0)
				c->have_mac = parse_mac(v, n, c->mac);
			else if (klen == 6 && memcmp(p, "ifname", 6) == 0)
				copy_n(c->ifname, sizeof(c->ifname), v, n);
			else if (klen == 6 && memcmp(p, "helper", 6) == 0)
				copy_n(c->helper, sizeof(c->helper), v, n);
			else if (klen == 2 && memcmp(p, "fd", 2) == 0 && c->fd < 0) {
				char *e;
				long fd = strtol(v, &e, 10);

				if (e != v && fd >= 0 && fd <= INT_MAX)
					c->fd = (int)fd;
			}
		}
		p = *end ? end + 1 : end;
	}
}

int qmp_netinfo_find(const struct qmp_netinfo *ni, const char *name)
{
	for (unsigned i = 0; i < ni->n; i++)
		if (strcmp(ni->c[i].name, name) == 0)
			return (int)i;
	return -1;
}

/*
 * "NAME: index=Q,type=T[,INFO]" into a client (new, or merged into an
 * earlier queue of the same client).  Returns its index, or -1.
 */
static int parse_client(struct qmp_netinfo *ni, const char *s, int last_nic)
{
	const char *colon = strstr(s, ": index=");
	const char *p, *type, *tend;
	char name[QMP_NET_NAME], typ[16];
	long q;
	char *e;

	if (colon == NULL || colon == s)
		return -1;
	copy_n(name, sizeof(name), s, (size_t)(colon - s));
	p = colon + strlen(": index=");
	q = strtol(p, &e, 10);
	if (e == p || q < 0 || strncmp(e, ",type=", 6) != 0)
		return -1;
	type = e + 6;
	tend = strchr(type, ',');
	if (tend == NULL)
		tend = type + strlen(type);
	copy_n(typ, sizeof(typ), type, (size_t)(tend - type));

	if (q > 0) {
		int k = qmp_netinfo_find(ni, name);

		if (k >= 0 && strcmp(ni->c[k].type, typ) == 0) {
			ni->c[k].queues++;
			return k;
		}
		/* a NIC's later queues get names of their own ("virtio-net-pci.1") */
		if (strcmp(typ, "nic") == 0 && last_nic >= 0) {
			ni->c[last_nic].queues++;
			return last_nic;
		}
	}
	if (ni->n >= QMP_NET_MAX) {
		ni->truncated = true;
		return -1;
	}
	struct qmp_net_client *c = &ni->c[ni->n];

	memset(c, 0, sizeof(*c));
	snprintf(c->name, sizeof(c->name), "%s", name);
	snprintf(c->type, sizeof(c->type), "%s", typ);
	c->fd = -1;
	c->hub = -1;
	c->peer = -1;
	c->queues = 1;
	if (*tend == ',') {
		snprintf(c->info, sizeof(c->info), "%s", tend + 1);
		parse_info(tend + 1, c);
	}
	return (int)ni->n++;
}

unsigned qmp_parse_info_network(const char *text, struct qmp_netinfo *out)
{
	enum { CTX_NONE, CTX_HUB, CTX_CLIENT } ctx = CTX_NONE;
	int hub = -1, cur = -1, last_nic = -1;
	const char *p = text;
	char line[1024];

	memset(out, 0, sizeof(*out));
	while (p && *p) {
		const char *e = strchr(p, '\n');
		size_t n = e ? (size_t)(e - p) : strlen(p);

		copy_n(line, sizeof(line), p, n);
		p = e ? e + 1 : NULL;
		n = strlen(line);
		while (n > 0 && (line[n - 1] == '\r' || line[n - 1] == ' '))
			line[--n] = '\0';
		if (n == 0)
			continue;

		int id;
		char tail;

		if (sscanf(line, "hub %d%c", &id, &tail) == 1) {
			ctx = CTX_HUB;
			hub = id;
			if (out->n_hubs < QMP_NET_MAX)
				out->hubs[out->n_hubs++] = id;
			else
				out->truncated = true;
			continue;
		}
		if (strcmp(line, "filters:") == 0 || strncmp(line, "  - ", 4) == 0)
			continue;
		if (strncmp(line, " \\ ", 3) == 0) {
			const char *rest = line + 3;

			if (ctx == CTX_HUB) {
				const char *sep = strstr(rest, ": ");
				int k;

				if (sep == NULL) {   /* a port with no peer */
					out->empty_ports++;
					continue;
				}
				k = parse_client(out, sep + 2, last_nic);
				if (k < 0) {
					if (!out->truncated)
						out->unparsed++;
					continue;
				}
				if (out->c[k].hub < 0) {
					out->c[k].hub = hub;
					copy_n(out->c[k].hubport, sizeof(out->c[k].hubport),
					       rest, (size_t)(sep - rest));
				}
				if (strcmp(out->c[k].type, "nic") == 0)
					last_nic = k;
			} else if (ctx == CTX_CLIENT && cur >= 0) {
				int k = parse_client(out, rest, -1);

				if (k < 0) {
					if (!out->truncated)
						out->unparsed++;
					continue;
				}
				if (k != cur && out->c[cur].peer < 0 && out->c[k].peer < 0) {
					out->c[cur].peer = k;
					out->c[k].peer = cur;
				}
			} else {
				out->unparsed++;
			}
			continue;
		}
		if (line[0] == ' ') {
			out->unparsed++;
			continue;
		}
		int k = parse_client(out, line, last_nic);

		if (k < 0) {
			if (!out->truncated)
				out->unparsed++;
			ctx = CTX_NONE;
			continue;
		}
		ctx = CTX_CLIENT;
		cur = k;
		if (strcmp(out->c[k].type, "nic") == 0)
			last_nic = k;
	}
	return out->n;
}
