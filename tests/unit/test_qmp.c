/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_qmp.c - the QMP and HMP clients against a scripted fake QEMU, and
 * the "info network" reader over outputs recorded from QEMU 7.2
 * (tests/data/qmp/, see capture.sh there).
 *
 * The fake server is a child process listening on a unix socket in a
 * temporary directory; it plays a script of steps:
 *
 *   "> TEXT"    send TEXT
 *   "~ TEXT"    send TEXT one byte at a time
 *   "< WORD"    read one line from the client; it must contain WORD
 *   "! MS"      sleep MS milliseconds
 *   "B N"       send N bytes of an unterminated JSON string
 *   "x"         close the connection
 *
 * and exits 0 if the client said what was expected (checked by the test
 * after the client is done), so both sides of every dialogue are checked.
 * Every client call has a timeout of at most a few seconds: a client that
 * blocks fails the test instead of hanging it, and the server gives up on
 * its own after 10 s.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "qmp.h"

static const char *g_argv0;
static char g_dir[64];
static char g_sock[128];
static pid_t g_server = -1;

#define GREETING "{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 22, \"minor\": 2, " \
	"\"major\": 7}, \"package\": \"Debian 1:7.2+dfsg-7+deb12u18+b3\"}, " \
	"\"capabilities\": [\"oob\"]}}\r\n"
#define CAPS_OK "{\"return\": {}, \"id\": 1}\r\n"

/* ---- helpers ---------------------------------------------------------------- */

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* tests/data/qmp/NAME read whole (NUL added); *len its size. */
static char *data_file(const char *name, size_t *len)
{
	char path[4096];
	const char *slash = g_argv0 ? strrchr(g_argv0, '/') : NULL;
	FILE *f;

	snprintf(path, sizeof(path), "tests/data/qmp/%s", name);
	if (access(path, R_OK) != 0 && slash)
		snprintf(path, sizeof(path), "%.*s/../../tests/data/qmp/%s",
			 (int)(slash - g_argv0), g_argv0, name);
	f = fopen(path, "rb");
	if (f == NULL) {
		print_error("cannot open tests/data/qmp/%s; run from the source tree root\n",
			    name);
		fail();
	}
	char *buf = malloc(1 << 20);

	assert_non_null(buf);
	size_t n = fread(buf, 1, (1 << 20) - 1, f);

	fclose(f);
	buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
}

static int setup(void **state)
{
	(void)state;
	snprintf(g_dir, sizeof(g_dir), "/tmp/test_qmp.XXXXXX");
	if (mkdtemp(g_dir) == NULL)
		return -1;
	snprintf(g_sock, sizeof(g_sock), "%s/qmp.sock", g_dir);
	g_server = -1;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	if (g_server > 0) {
		kill(g_server, SIGKILL);
		waitpid(g_server, NULL, 0);
		g_server = -1;
	}
	unlink(g_sock);
	rmdir(g_dir);
	return 0;
}

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

static bool send_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return false;
		p += w;
		n -= (size_t)w;
	}
	return true;
}

/* One line from the client (up to LF), within 5 s. */
static bool read_line(int fd, char *buf, size_t cap)
{
	size_t n = 0;

	while (n + 1 < cap) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };

		if (poll(&pfd, 1, 5000) <= 0)
			return false;
		ssize_t r = read(fd, buf + n, 1);

		if (r <= 0)
			return false;
		if (buf[n++] == '\n')
			break;
	}
	buf[n] = '\0';
	return true;
}

static void server_child(int lfd, char **script)
{
	struct pollfd pfd = { .fd = lfd, .events = POLLIN };
	char line[65536];
	int fd;

	if (poll(&pfd, 1, 10000) <= 0)
		_exit(10);
	fd = accept(lfd, NULL, NULL);
	if (fd < 0)
		_exit(11);
	for (char **s = script; *s; s++) {
		const char *arg = (*s)[0] && (*s)[1] ? *s + 2 : "";

		switch ((*s)[0]) {
		case '>':
			if (!send_all(fd, arg, strlen(arg)))
				_exit(12);
			break;
		case '~':
			/* the client may close as soon as it has the closing
			 * brace, before the CRLF that follows it */
			for (const char *c = arg; *c; c++) {
				if (!send_all(fd, c, 1))
					_exit(strspn(c, "\r\n") == strlen(c) ? 0 : 12);
				sleep_ms(1);
			}
			break;
		case '<':
			if (!read_line(fd, line, sizeof(line)))
				_exit(13);
			if (strstr(line, arg) == NULL) {
				fprintf(stderr, "server: expected \"%s\", got \"%s\"\n", arg, line);
				_exit(14);
			}
			break;
		case '!':
			sleep_ms(atoi(arg));
			break;
		case 'B': {
			size_t n = strtoul(arg, NULL, 10);
			char chunk[65536];

			memset(chunk, 'a', sizeof(chunk));
			memcpy(chunk, "{\"return\": \"", 12);
			/* the client gives up and closes: a failed send ends it */
			for (size_t sent = 0; sent < n; sent += sizeof(chunk)) {
				if (!send_all(fd, chunk, sizeof(chunk)))
					break;
				memset(chunk, 'a', 12);
			}
			break;
		}
		case 'x':
			close(fd);
			_exit(0);
		default:
			_exit(15);
		}
	}
	/* wait for the client to close (bounded) */
	for (;;) {
		struct pollfd p2 = { .fd = fd, .events = POLLIN };

		if (poll(&p2, 1, 10000) <= 0)
			break;
		if (read(fd, line, sizeof(line)) <= 0)
			break;
	}
	close(fd);
	_exit(0);
}

/* Starts the fake server on g_sock with the NULL-terminated script. */
static void serve(char **script)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	assert_true(lfd >= 0);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", g_sock);
	unlink(g_sock);
	assert_int_equal(bind(lfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(lfd, 4), 0);
	fflush(NULL);
	g_server = fork();
	assert_true(g_server >= 0);
	if (g_server == 0)
		server_child(lfd, script);
	close(lfd);
}

#define SERVE(...) do { static const char *const s_[] = { __VA_ARGS__, NULL }; \
		serve((char **)s_); } while (0)

/* The server's verdict: it exited 0 (waits up to 5 s, then kills it). */
static void server_ok(void)
{
	int st = 0;

	for (int i = 0; i < 500; i++) {
		pid_t r = waitpid(g_server, &st, WNOHANG);

		if (r == g_server) {
			g_server = -1;
			if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
				print_error("server exit status %d\n",
					    WIFEXITED(st) ? WEXITSTATUS(st) : -1);
			assert_true(WIFEXITED(st));
			assert_int_equal(WEXITSTATUS(st), 0);
			return;
		}
		sleep_ms(10);
	}
	fail_msg("the fake server did not finish");
}

static struct qmp *open_ok(int timeout_ms)
{
	char err[512] = "";
	int rc = 99;
	struct qmp *q = qmp_open(g_sock, timeout_ms, &rc, err, sizeof(err));

	if (q == NULL)
		print_error("qmp_open: %s\n", err);
	assert_non_null(q);
	assert_int_equal(rc, QMP_OK);
	return q;
}

/* ---- replays of recorded QEMU 7.2 dialogues ------------------------------------ */

/* Replays tests/data/qmp/VM.qmp: greeting, then one reply for each of
 * qmp_capabilities, human-monitor-command, query-status. */
static void replay(const char *vm, bool bytewise)
{
	char name[64], *raw, *lines[4], *text, *out = NULL;
	const char *script[12];
	struct qmp *q;
	size_t n = 0;
	bool running = true;
	char status[32];
	int major, minor, micro;

	snprintf(name, sizeof(name), "%s.qmp", vm);
	raw = data_file(name, NULL);
	for (char *p = raw; n < 4 && p && *p; n++) {
		char *e = strstr(p, "\r\n");

		assert_non_null(e);
		/* keep the CRLF, prefix "> " or "~ " in place: copy */
		size_t len = (size_t)(e + 2 - p);

		lines[n] = malloc(len + 3);
		assert_non_null(lines[n]);
		lines[n][0] = bytewise ? '~' : '>';
		lines[n][1] = ' ';
		memcpy(lines[n] + 2, p, len);
		lines[n][len + 2] = '\0';
		p = e + 2;
	}
	assert_int_equal(n, 4);
	size_t k = 0;

	script[k++] = lines[0];
	script[k++] = "< qmp_capabilities";
	script[k++] = lines[1];
	script[k++] = "< human-monitor-command";
	script[k++] = lines[2];
	script[k++] = "< query-status";
	script[k++] = lines[3];
	script[k] = NULL;
	serve((char **)script);

	q = open_ok(5000);
	qmp_version(q, &major, &minor, &micro);
	assert_int_equal(major, 7);
	assert_int_equal(minor, 2);
	assert_int_equal(micro, 22);
	assert_string_equal(qmp_package(q), "Debian 1:7.2+dfsg-7+deb12u18+b3");
	assert_int_equal(qmp_hmp(q, "info network", &out, 5000), QMP_OK);
	snprintf(name, sizeof(name), "%s.txt", vm);
	text = data_file(name, NULL);
	assert_string_equal(out, text);
	assert_int_equal(qmp_query_status(q, &running, status, sizeof(status), 5000), QMP_OK);
	assert_false(running);
	assert_string_equal(status, "prelaunch");
	qmp_close(q);
	server_ok();
	free(out);
	free(text);
	free(raw);
	for (size_t i = 0; i < 4; i++)
		free(lines[i]);
}

static void test_replay_recorded(void **state)
{
	static const char *const vms[] = { "legacy", "netdev", "hubport", "fdpass",
					   "multiqueue" };

	for (size_t i = 0; i < sizeof(vms) / sizeof(vms[0]); i++) {
		replay(vms[i], false);
		teardown(state);
		setup(state);
	}
	/* one delivered a byte at a time */
	replay("legacy", true);
}

/* ---- dialogues ------------------------------------------------------------------ */

static void test_events_ids_and_framing(void **state)
{
	char *out = NULL;
	bool running = false;
	char status[32];
	struct qmp *q;

	(void)state;
	SERVE("> " GREETING, "< \"id\":1", "> " CAPS_OK,
	      "< human-monitor-command",
	      /* an event, a reply to an older command, then ours; in one write */
	      "> {\"timestamp\": {\"seconds\": 1, \"microseconds\": 2}, \"event\": \"STOP\"}\r\n"
	      "{\"return\": \"stale\", \"id\": 1}\r\n"
	      "{\"return\": \"hub 0\\r\\n \\\\ hub0port0: x: index=0,type=tap,ifname=t\\r\\n\", \"id\": 2}\r\n",
	      "< query-status",
	      /* pretty-printed over several lines, split across writes, an event
	       * whose data holds braces inside strings */
	      "> {\"event\": \"X\", \"data\": {\"s\": \"}{\\\"\"}}\n{\n  \"return\": {\n",
	      "! 50",
	      "> \"status\": \"running\",\n  \"running\": true\n  },\n  \"id\": 3\n}\n",
	      "< system_powerdown", "> {\"return\": {}, \"id\": 4}\r\n");
	q = open_ok(2000);
	assert_int_equal(qmp_hmp(q, "info network", &out, 2000), QMP_OK);
	assert_string_equal(out, "hub 0\n \\ hub0port0: x: index=0,type=tap,ifname=t\n");
	free(out);
	assert_int_equal(qmp_events_skipped(q), 1);
	assert_int_equal(qmp_query_status(q, &running, status, sizeof(status), 2000), QMP_OK);
	assert_true(running);
	assert_string_equal(status, "running");
	assert_int_equal(qmp_events_skipped(q), 2);
	assert_int_equal(qmp_execute(q, "system_powerdown", 2000), QMP_OK);
	qmp_close(q);
	server_ok();
}

static void test_error_reply(void **state)
{
	struct qmp *q;

	(void)state;
	SERVE("> " GREETING, "< qmp_capabilities", "> " CAPS_OK,
	      "< \"execute\":\"no-such\"",
	      "> {\"id\": 2, \"error\": {\"class\": \"CommandNotFound\", \"desc\": "
	      "\"The command no-such has not been found\"}}\r\n",
	      "< set_link",
	      "> {\"error\": {\"class\": \"GenericError\", \"desc\": \"JSON parse error\"}}\r\n",
	      "< stop", "> {\"return\": {}, \"id\": 4}\r\n");
	q = open_ok(2000);
	assert_int_equal(qmp_execute(q, "no-such", 2000), QMP_ERR_REPLY);
	assert_string_equal(qmp_error_class(q), "CommandNotFound");
	assert_non_null(strstr(qmp_error(q), "qmp.sock: no-such: The command no-such has "
				       "not been found (CommandNotFound)"));
	/* a reply without an id is taken as ours */
	assert_int_equal(qmp_set_link(q, "net0", false, 2000), QMP_ERR_REPLY);
	assert_string_equal(qmp_error_class(q), "GenericError");
	/* and the connection is still usable */
	assert_int_equal(qmp_execute(q, "stop", 2000), QMP_OK);
	qmp_close(q);
	server_ok();
}

static void test_greeting_never_comes(void **state)
{
	char err[512];
	int rc = 0;
	double t0;

	(void)state;
	SERVE("! 3000");
	t0 = now_ms();
	assert_null(qmp_open(g_sock, 200, &rc, err, sizeof(err)));
	double dt = now_ms() - t0;

	assert_int_equal(rc, QMP_ERR_TIMEOUT);
	assert_true(dt >= 190 && dt < 1500);
	assert_non_null(strstr(err, "qmp.sock: timed out after 200 ms waiting for the QMP "
			       "greeting"));
}

static void test_reply_timeout_then_late_reply(void **state)
{
	char *out = (char *)"unchanged";
	bool running = true;
	char status[32];
	struct qmp *q;
	double t0;

	(void)state;
	SERVE("> " GREETING, "< qmp_capabilities", "> " CAPS_OK,
	      "< human-monitor-command", "! 400",
	      "> {\"return\": \"late\", \"id\": 2}\r\n",
	      "< query-status",
	      "> {\"return\": {\"status\": \"paused\", \"running\": false}, \"id\": 3}\r\n");
	q = open_ok(2000);
	t0 = now_ms();
	assert_int_equal(qmp_hmp(q, "info network", &out, 100), QMP_ERR_TIMEOUT);
	assert_true(now_ms() - t0 < 1000);
	assert_null(out);
	assert_non_null(strstr(qmp_error(q), "qmp.sock: timed out after 100 ms waiting for "
			       "the reply to human-monitor-command"));
	/* the late answer to the first command is skipped by its id */
	assert_int_equal(qmp_query_status(q, &running, status, sizeof(status), 3000), QMP_OK);
	assert_false(running);
	assert_string_equal(status, "paused");
	qmp_close(q);
	server_ok();
}

static void test_server_closes(void **state)
{
	char err[512];
	int rc = 0;
	struct qmp *q;

	(void)state;
	/* before the greeting */
	SERVE("x");
	assert_null(qmp_open(g_sock, 2000, &rc, err, sizeof(err)));
	assert_int_equal(rc, QMP_ERR_CLOSED);
	assert_non_null(strstr(err, "connection closed by QEMU while waiting for the QMP greeting"));
	server_ok();

	/* half a greeting */
	SERVE("> {\"QMP\": {\"version\"", "x");
	assert_null(qmp_open(g_sock, 2000, &rc, err, sizeof(err)));
	assert_int_equal(rc, QMP_ERR_CLOSED);
	server_ok();

	/* in the middle of a command; later calls fail at once */
	SERVE("> " GREETING, "< qmp_capabilities", "> " CAPS_OK, "< quit",
	      "> {\"event\": \"SHUTDOWN\", \"data\": {\"guest\": false}}\r\n", "x");
	q = open_ok(2000);
	assert_int_equal(qmp_execute(q, "quit", 2000), QMP_ERR_CLOSED);
	assert_non_null(strstr(qmp_error(q), "closed by QEMU while waiting for the reply to quit"));
	assert_int_equal(qmp_execute(q, "cont", 2000), QMP_ERR_UNUSABLE);
	qmp_close(q);
	server_ok();
}

static void test_quit(void **state)
{
	struct qmp *q;

	(void)state;
	SERVE("> " GREETING, "< qmp_capabilities", "> " CAPS_OK, "< quit",
	      "> {\"return\": {}, \"id\": 2}\r\n"
	      "{\"timestamp\": {\"seconds\": 1, \"microseconds\": 2}, \"event\": \"SHUTDOWN\", "
	      "\"data\": {\"guest\": false, \"reason\": \"host-qmp-quit\"}}\r\n", "x");
	q = open_ok(2000);
	assert_int_equal(qmp_execute(q, "quit", 2000), QMP_OK);
	qmp_close(q);
	server_ok();
}

static void test_huge_reply(void **state)
{
	char *out = NULL;
	struct qmp *q;
	double t0;

	(void)state;
	/* past the bound: an error, soon, not a hang or a 4 GiB buffer */
	SERVE("> " GREETING, "< qmp_capabilities", "> " CAPS_OK,
	      "< human-monitor-command", "B 8388608");
	q = open_ok(2000);
	t0 = now_ms();
	assert_int_equal(qmp_hmp(q, "info network", &out, 5000), QMP_ERR_PROTO);
	assert_true(now_ms() - t0 < 4000);
	assert_null(out);
	assert_non_null(strstr(qmp_error(q), "reply longer than 4194304 bytes"));
	assert_int_equal(qmp_execute(q, "cont", 100), QMP_ERR_UNUSABLE);
	qmp_close(q);
	server_ok();
}

static void test_big_reply_within_bound(void **state)
{
	size_t n = 3u << 20;
	char *msg = malloc(n + 64), *out = NULL;
	struct qmp *q;

	(void)state;
	assert_non_null(msg);
	int k = snprintf(msg, 64, "> {\"id\": 2, \"return\": \"");

	memset(msg + k, 'z', n);
	strcpy(msg + k + n, "\"}\r\n");
	{
		const char *s[] = { "> " GREETING, "< qmp_capabilities", "> " CAPS_OK,
				    "< human-monitor-command", msg, NULL };

		serve((char **)s);
	}
	q = open_ok(2000);
	assert_int_equal(qmp_hmp(q, "info qtree", &out, 5000), QMP_OK);
	assert_int_equal(strlen(out), n);
	assert_true(out[0] == 'z' && out[n - 1] == 'z');
	free(out);
	qmp_close(q);
	server_ok();
	free(msg);
}

static void test_not_qmp(void **state)
{
	char err[512];
	int rc = 0;

	(void)state;
	SERVE("> hello\r\n");
	assert_null(qmp_open(g_sock, 2000, &rc, err, sizeof(err)));
	assert_int_equal(rc, QMP_ERR_PROTO);
	assert_non_null(strstr(err, "not a JSON object: byte 0x68"));
	server_ok();

	SERVE("> {\"foo\": 1}\r\n");
	assert_null(qmp_open(g_sock, 2000, &rc, err, sizeof(err)));
	assert_int_equal(rc, QMP_ERR_PROTO);
	assert_non_null(strstr(err, "no QMP greeting"));
	server_ok();

	SERVE("> {\"QMP\": {,}}\r\n");
	assert_null(qmp_open(g_sock, 2000, &rc, err, sizeof(err)));
	assert_int_equal(rc, QMP_ERR_PROTO);
	assert_non_null(strstr(err, "invalid JSON at offset 9: expected a member name"));
	server_ok();

	/* nested past the depth bound */
	{
		char deep[300] = "> {\"QMP\": ";
		size_t k = strlen(deep);

		for (int i = 0; i < 80; i++)
			deep[k++] = '[';
		for (int i = 0; i < 80; i++)
			deep[k++] = ']';
		strcpy(deep + k, "}\r\n");
		const char *s[] = { deep, NULL };

		serve((char **)s);
		assert_null(qmp_open(g_sock, 2000, &rc, err, sizeof(err)));
		assert_int_equal(rc, QMP_ERR_PROTO);
		assert_non_null(strstr(err, "nested too deep"));
		server_ok();
	}
}

static void test_no_socket(void **state)
{
	char err[512], path[300];
	int rc = 0;

	(void)state;
	assert_null(qmp_open(g_sock, 500, &rc, err, sizeof(err)));
	assert_int_equal(rc, QMP_ERR_IO);
	assert_non_null(strstr(err, "qmp.sock: connect: No such file or directory"));

	memset(path, 'a', sizeof(path) - 1);
	path[0] = '/';
	path[sizeof(path) - 1] = '\0';
	assert_null(qmp_open(path, 500, &rc, err, sizeof(err)));
	assert_int_equal(rc, QMP_ERR_IO);
	assert_non_null(strstr(err, "socket path longer than 107 bytes"));

	/* a socket file nobody listens on */
	{
		struct sockaddr_un sa = { .sun_family = AF_UNIX };
		int fd = socket(AF_UNIX, SOCK_STREAM, 0);

		snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", g_sock);
		assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
		close(fd);
		assert_null(qmp_open(g_sock, 500, &rc, err, sizeof(err)));
		assert_int_equal(rc, QMP_ERR_IO);
		assert_non_null(strstr(err, "Connection refused"));
	}
}

static void test_string_unescaping(void **state)
{
	char *out = NULL;
	struct qmp *q;

	(void)state;
	SERVE("> " GREETING, "< qmp_capabilities", "> " CAPS_OK,
	      "< \"command-line\":\"echo \\\"q\\\" \\\\ \\u0001\"",
	      "> {\"return\": \"a\\\"b\\\\c\\nd\\r\\ne\\u00e9\\u20AC\\ud83d\\ude00|"
	      "\\ud800x|\\udc00|\\u0000|\\/|\\t|\\b\\f|\\r\", \"id\": 2}\r\n");
	q = open_ok(2000);
	/* the command line goes out escaped */
	assert_int_equal(qmp_hmp(q, "echo \"q\" \\ \x01", &out, 2000), QMP_OK);
	assert_string_equal(out, "a\"b\\c\nd\ne\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80|"
			    "\xef\xbf\xbdx|\xef\xbf\xbd|\xef\xbf\xbd|/|\t|\b\f|\r");
	free(out);
	qmp_close(q);
	server_ok();
}

static void test_bad_escapes(void **state)
{
	static const char *const bad[] = {
		"{\"return\": \"\\x\", \"id\": 2}\r\n",
		"{\"return\": \"\\u12g4\", \"id\": 2}\r\n",
		"{\"return\": \"raw\ttab\", \"id\": 2}\r\n",
		"{\"return\": 01, \"id\": 2}\r\n",
		"{\"return\": tru, \"id\": 2}\r\n",
		"{\"return\": \"x\" \"id\": 2}\r\n",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char line[128], *out = NULL;
		struct qmp *q;

		snprintf(line, sizeof(line), "> %s", bad[i]);
		const char *s[] = { "> " GREETING, "< qmp_capabilities", "> " CAPS_OK,
				    "< human-monitor-command", line, NULL };

		serve((char **)s);
		q = open_ok(2000);
		assert_int_equal(qmp_hmp(q, "x", &out, 2000), QMP_ERR_PROTO);
		assert_non_null(strstr(qmp_error(q), "invalid JSON"));
		qmp_close(q);
		server_ok();
		teardown(state);
		setup(state);
	}
}

/* ---- the human monitor ------------------------------------------------------------- */

static void test_hmp_recorded(void **state)
{
	char *raw = data_file("legacy.hmp", NULL), *text = data_file("legacy.txt", NULL);
	char *prompt = strstr(raw, "(qemu) "), *out = NULL, err[512];
	char first[256], rest[4096];

	(void)state;
	assert_non_null(prompt);
	snprintf(first, sizeof(first), "> %.*s", (int)(prompt + 7 - raw), raw);
	snprintf(rest, sizeof(rest), "> %s", prompt + 7);
	{
		const char *s[] = { first, "< info network", rest, NULL };

		serve((char **)s);
	}
	assert_int_equal(hmp_command(g_sock, "info network", &out, 3000, err, sizeof(err)),
			 QMP_OK);
	assert_string_equal(out, text);
	free(out);
	server_ok();
	free(raw);
	free(text);
}

static void test_hmp_failures(void **state)
{
	char *out = (char *)"x", err[512];
	double t0;

	(void)state;
	/* no prompt ever */
	SERVE("> QEMU 7.2.22 monitor - type 'help' for more information\r\n", "! 3000");
	t0 = now_ms();
	assert_int_equal(hmp_command(g_sock, "info network", &out, 200, err, sizeof(err)),
			 QMP_ERR_TIMEOUT);
	assert_true(now_ms() - t0 < 1500);
	assert_null(out);
	assert_non_null(strstr(err, "the monitor prompt"));
	teardown(state);
	setup(state);

	/* prompt, but the output never ends with one */
	SERVE("> (qemu) ", "< info", "> info network\r\nhub 0\r\n", "! 3000");
	assert_int_equal(hmp_command(g_sock, "info network", &out, 200, err, sizeof(err)),
			 QMP_ERR_TIMEOUT);
	assert_non_null(strstr(err, "the output of info network"));
	teardown(state);
	setup(state);

	/* quit: the echo, then the close */
	SERVE("> (qemu) ", "< quit", "> quit\r\n", "x");
	assert_int_equal(hmp_command(g_sock, "quit", &out, 2000, err, sizeof(err)), QMP_OK);
	assert_string_equal(out, "");
	free(out);
	server_ok();

	/* a newline in the command */
	assert_int_equal(hmp_command(g_sock, "info network\nquit", &out, 200, err, sizeof(err)),
			 QMP_ERR_PROTO);
	assert_non_null(strstr(err, "newline"));

	/* closed before the prompt */
	SERVE("x");
	assert_int_equal(hmp_command(g_sock, "info", &out, 2000, err, sizeof(err)),
			 QMP_ERR_CLOSED);
	server_ok();
}

/* ---- "info network" --------------------------------------------------------------------- */

static const struct qmp_net_client *by_ifname(const struct qmp_netinfo *ni, const char *ifname)
{
	for (unsigned i = 0; i < ni->n; i++)
		if (strcmp(ni->c[i].ifname, ifname) == 0)
			return &ni->c[i];
	return NULL;
}

static const struct qmp_net_client *named(const struct qmp_netinfo *ni, const char *name)
{
	int k = qmp_netinfo_find(ni, name);

	assert_true(k >= 0);
	return &ni->c[k];
}

static void assert_mac(const struct qmp_net_client *c, const char *want)
{
	char got[32];

	assert_true(c->have_mac);
	snprintf(got, sizeof(got), "%02x:%02x:%02x:%02x:%02x:%02x", c->mac[0], c->mac[1],
		 c->mac[2], c->mac[3], c->mac[4], c->mac[5]);
	assert_string_equal(got, want);
}

static void test_parse_legacy_hub(void **state)
{
	char *text = data_file("legacy.txt", NULL);
	struct qmp_netinfo ni;
	const struct qmp_net_client *c;

	(void)state;
	assert_int_equal(qmp_parse_info_network(text, &ni), 4);
	assert_int_equal(ni.n_hubs, 1);
	assert_int_equal(ni.hubs[0], 0);
	assert_int_equal(ni.unparsed, 0);
	assert_int_equal(ni.empty_ports, 0);
	assert_false(ni.truncated);
	c = by_ifname(&ni, "tap10");
	assert_non_null(c);
	assert_string_equal(c->type, "tap");
	assert_int_equal(c->hub, 0);
	assert_string_equal(c->hubport, "hub0port1");
	assert_int_equal(c->peer, -1);
	assert_int_equal(c->fd, -1);
	assert_string_equal(c->info, "ifname=tap10,script=no,downscript=no");
	c = by_ifname(&ni, "tap11");
	assert_non_null(c);
	assert_int_equal(c->hub, 0);
	assert_string_equal(c->hubport, "hub0port3");
	c = named(&ni, "virtio-net-pci.0");
	assert_string_equal(c->type, "nic");
	assert_string_equal(c->model, "virtio-net-pci");
	assert_mac(c, "52:54:00:12:34:56");
	assert_int_equal(c->hub, 0);
	assert_string_equal(c->hubport, "hub0port0");
	c = named(&ni, "e1000.0");
	assert_string_equal(c->model, "e1000");
	assert_mac(c, "52:54:00:12:34:57");
	assert_int_equal(c->hub, 0);
	free(text);
}

static void test_parse_netdev_and_fd(void **state)
{
	char *text = data_file("netdev.txt", NULL);
	struct qmp_netinfo ni;
	const struct qmp_net_client *c;

	(void)state;
	assert_int_equal(qmp_parse_info_network(text, &ni), 2);
	assert_int_equal(ni.n_hubs, 0);
	c = named(&ni, "virtio-net-pci.0");
	assert_mac(c, "52:54:00:ab:cd:ef");
	assert_int_equal(c->hub, -1);
	assert_int_equal(c->peer, qmp_netinfo_find(&ni, "n0"));
	c = named(&ni, "n0");
	assert_string_equal(c->ifname, "tap12");
	assert_int_equal(c->peer, qmp_netinfo_find(&ni, "virtio-net-pci.0"));
	free(text);

	text = data_file("fdpass.txt", NULL);
	assert_int_equal(qmp_parse_info_network(text, &ni), 2);
	c = named(&ni, "hostnet0");
	assert_string_equal(c->type, "tap");
	assert_int_equal(c->fd, 25);
	assert_string_equal(c->ifname, "");
	assert_int_equal(c->peer, qmp_netinfo_find(&ni, "net0"));
	assert_mac(named(&ni, "net0"), "52:54:00:15:15:15");
	free(text);
}

static void test_parse_hubports_and_mix(void **state)
{
	char *text = data_file("hubport.txt", NULL);
	struct qmp_netinfo ni;
	const struct qmp_net_client *c;

	(void)state;
	assert_int_equal(qmp_parse_info_network(text, &ni), 11);
	assert_int_equal(ni.unparsed, 0);
	assert_int_equal(ni.n_hubs, 2);
	assert_int_equal(ni.hubs[0], 5);
	assert_int_equal(ni.hubs[1], 3);
	assert_int_equal(ni.empty_ports, 1);            /* hp9 */
	c = named(&ni, "t13");
	assert_string_equal(c->ifname, "tap13");
	assert_int_equal(c->hub, 3);
	assert_string_equal(c->hubport, "hp2");
	c = named(&ni, "e1000.1");
	assert_int_equal(c->hub, 3);
	assert_mac(c, "52:54:00:00:00:01");
	assert_int_equal(named(&ni, "virtio-net-pci.0")->hub, 3);
	c = named(&ni, "dangle");                       /* a netdev with no NIC */
	assert_string_equal(c->ifname, "tap17");
	assert_int_equal(c->peer, -1);
	assert_int_equal(c->hub, -1);
	c = by_ifname(&ni, "tap18");                    /* -nic: NIC and tap, no hub */
	assert_non_null(c);
	assert_int_equal(c->hub, -1);
	assert_mac(&ni.c[c->peer], "52:54:00:00:00:18");
	c = named(&ni, "t14");
	assert_string_equal(ni.c[c->peer].model, "rtl8139");
	c = named(&ni, "lonely");                       /* a NIC with no netdev */
	assert_int_equal(c->peer, -1);
	assert_mac(c, "52:54:00:00:00:09");
	c = named(&ni, "u0");
	assert_string_equal(c->type, "user");
	assert_string_equal(ni.c[c->peer].name, "virtio-net-pci.1");
	free(text);
}

static void test_parse_multiqueue(void **state)
{
	char *text = data_file("multiqueue.txt", NULL);
	struct qmp_netinfo ni;
	const struct qmp_net_client *c;

	(void)state;
	assert_int_equal(qmp_parse_info_network(text, &ni), 2);
	assert_int_equal(ni.unparsed, 0);
	c = named(&ni, "virtio-net-pci.0");
	assert_int_equal(c->queues, 2);
	assert_mac(c, "52:54:00:12:34:56");
	c = named(&ni, "mq0");
	assert_int_equal(c->queues, 2);
	assert_string_equal(c->ifname, "tap16");
	assert_int_equal(c->peer, qmp_netinfo_find(&ni, "virtio-net-pci.0"));
	free(text);
}

static void test_parse_synthetic(void **state)
{
	struct qmp_netinfo ni;
	char big[64 * 80 + 1];
	size_t k = 0;

	(void)state;
	assert_int_equal(qmp_parse_info_network("", &ni), 0);
	/* CRLF, filters (newer QEMU), junk */
	assert_int_equal(qmp_parse_info_network(
		"net0: index=0,type=nic,model=e1000,macaddr=52:54:00:aa:bb:cc\r\n"
		"filters:\r\n"
		"  - f0: type=filter-dump,file=/tmp/x\r\n"
		" \\ tap0: index=0,type=tap,fd=31\r\n"
		"garbage line\r\n"
		" \\ orphan: index=0,type=tap,ifname=t9\r\n"
		"   indented\r\n"
		"x: index=zero,type=tap\r\n"
		"m: index=0,type=nic,model=virtio,macaddr=52:54:00:zz:00:00\r\n", &ni), 3);
	assert_int_equal(ni.unparsed, 4);
	assert_int_equal(named(&ni, "tap0")->fd, 31);
	assert_int_equal(named(&ni, "tap0")->peer, 0);
	assert_false(named(&ni, "m")->have_mac);
	assert_mac(named(&ni, "net0"), "52:54:00:aa:bb:cc");

	/* more clients than kept */
	for (int i = 0; i < 80; i++)
		k += (size_t)snprintf(big + k, sizeof(big) - k, "d%d: index=0,type=user,x\n", i);
	assert_int_equal(qmp_parse_info_network(big, &ni), QMP_NET_MAX);
	assert_true(ni.truncated);
	assert_int_equal(ni.unparsed, 0);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_replay_recorded, setup, teardown),
		cmocka_unit_test_setup_teardown(test_events_ids_and_framing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_error_reply, setup, teardown),
		cmocka_unit_test_setup_teardown(test_greeting_never_comes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reply_timeout_then_late_reply, setup, teardown),
		cmocka_unit_test_setup_teardown(test_server_closes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_quit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_huge_reply, setup, teardown),
		cmocka_unit_test_setup_teardown(test_big_reply_within_bound, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_qmp, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_socket, setup, teardown),
		cmocka_unit_test_setup_teardown(test_string_unescaping, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_escapes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hmp_recorded, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hmp_failures, setup, teardown),
		cmocka_unit_test(test_parse_legacy_hub),
		cmocka_unit_test(test_parse_netdev_and_fd),
		cmocka_unit_test(test_parse_hubports_and_mix),
		cmocka_unit_test(test_parse_multiqueue),
		cmocka_unit_test(test_parse_synthetic),
	};

	(void)argc;
	g_argv0 = argv[0];
	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
