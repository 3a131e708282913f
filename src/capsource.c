/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * capsource.c - capture files and pipes fed to the capfile parser.
 *
 * One read(2) per buffer's worth (1 MiB) and no copy per record: the
 * parser works on the buffer in place and rec->data points into it.  When
 * the parser needs more than is buffered, the unconsumed tail (less than
 * one record) moves to the front and the rest of the buffer is filled.
 */
#include "capsource.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CAPSOURCE_BUF_START (1024u * 1024u)

enum src_state { SRC_OK, SRC_EOF, SRC_ERROR };

struct capsource {
	int fd;
	bool own_fd;           /* false for stdin */
	bool eof;              /* read() returned 0 */
	enum src_state state;
	char *path;            /* as given */
	char *label;
	const char *name;      /* for messages: path, or "stdin" */
	uint8_t *buf;
	size_t cap;            /* bytes allocated */
	size_t start;          /* first unconsumed byte */
	size_t end;            /* one past the last byte read */
	struct cap_parser parser;
	char err[4352];        /* room for a PATH_MAX path and a message */
};

static char *dupstr(const char *s)
{
	size_t n = strlen(s) + 1;
	char *d = malloc(n);

	if (d)
		memcpy(d, s, n);
	return d;
}

struct capsource *capsource_open(const char *path, const char *label,
				 char *err, size_t errlen)
{
	bool is_stdin = strcmp(path, "-") == 0;
	const char *name = is_stdin ? "stdin" : path;
	struct capsource *s = calloc(1, sizeof(*s));
	struct stat st;

	if (s == NULL) {
		snprintf(err, errlen, "%s: %s", name, strerror(ENOMEM));
		return NULL;
	}
	s->fd = -1;
	cap_parser_init(&s->parser);
	s->path = dupstr(path);
	s->label = dupstr(label ? label : name);
	s->buf = malloc(CAPSOURCE_BUF_START);
	s->cap = CAPSOURCE_BUF_START;
	if (s->path == NULL || s->label == NULL || s->buf == NULL) {
		snprintf(err, errlen, "%s: %s", name, strerror(ENOMEM));
		goto fail;
	}
	s->name = is_stdin ? "stdin" : s->path;

	if (is_stdin) {
		s->fd = STDIN_FILENO;
	} else {
		s->fd = open(path, O_RDONLY | O_CLOEXEC);
		if (s->fd < 0) {
			snprintf(err, errlen, "%s: %s", name, strerror(errno));
			goto fail;
		}
		s->own_fd = true;
	}
	if (fstat(s->fd, &st) < 0) {
		snprintf(err, errlen, "%s: %s", name, strerror(errno));
		goto fail;
	}
	if (S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "%s: is a directory, not a capture file",
			 name);
		goto fail;
	}
	/* Read-ahead for a file read once from start to end; advisory, so
	 * its failure does not matter (pipes say ESPIPE). */
	if (S_ISREG(st.st_mode))
		(void)posix_fadvise(s->fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	return s;

fail:
	capsource_close(s);
	return NULL;
}

static int set_error(struct capsource *s, const char *msg)
{
	snprintf(s->err, sizeof(s->err), "%s: %s", s->name, msg);
	s->state = SRC_ERROR;
	return -1;
}

/*
 * Makes at least `need` unconsumed bytes available, or as many as the file
 * still has.  Returns 0, or -1 after a read error.
 */
static int fill(struct capsource *s, size_t need)
{
	size_t have = s->end - s->start;

	if (s->start > 0) {
		memmove(s->buf, s->buf + s->start, have);
		s->start = 0;
		s->end = have;
	}
	if (need > s->cap) {
		/* Only one record or block this large; the parser bounds
		 * need by CAP_MAX_BLOCK, so this doubles at most 4 times. */
		size_t cap = s->cap;
		while (cap < need)
			cap *= 2;
		uint8_t *b = realloc(s->buf, cap);
		if (b == NULL)
			return set_error(s, strerror(ENOMEM));
		s->buf = b;
		s->cap = cap;
	}
	while (s->end < need && !s->eof) {
		ssize_t n = read(s->fd, s->buf + s->end, s->cap - s->end);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			char msg[160];
			snprintf(msg, sizeof(msg), "read error at offset %"
				 PRIu64 ": %s", s->parser.offset + s->end,
				 strerror(errno));
			return set_error(s, msg);
		}
		if (n == 0)
			s->eof = true;
		s->end += (size_t)n;
	}
	return 0;
}

int capsource_next(struct capsource *s, struct cap_record *rec)
{
	for (;;) {
		if (s->state == SRC_ERROR)
			return -1;
		if (s->state == SRC_EOF)
			return 0;

		size_t have = s->end - s->start, used, need;
		enum cap_status st = cap_parser_next(&s->parser,
						     s->buf + s->start, have,
						     &used, &need, rec);
		switch (st) {
		case CAP_RECORD:
			s->start += used;
			return 1;
		case CAP_SKIP:
			s->start += used;
			break;
		case CAP_ERROR:
			return set_error(s, s->parser.error);
		case CAP_NEED_MORE:
			if (need <= have) /* would never make progress */
				return set_error(s, "internal error: parser "
						 "asked for bytes it has");
			if (s->eof) {
				if (!cap_parser_finish(&s->parser, have))
					return set_error(s, s->parser.error);
				s->state = SRC_EOF;
				return 0;
			}
			if (fill(s, need) < 0)
				return -1;
			break;
		}
	}
}

void capsource_close(struct capsource *s)
{
	if (s == NULL)
		return;
	if (s->own_fd && s->fd >= 0)
		close(s->fd);
	cap_parser_free(&s->parser);
	free(s->buf);
	free(s->path);
	free(s->label);
	free(s);
}

const char *capsource_error(const struct capsource *s)
{
	return s->err;
}

const char *capsource_path(const struct capsource *s)
{
	return s->path;
}

const char *capsource_label(const struct capsource *s)
{
	return s->label;
}

uint64_t capsource_records(const struct capsource *s)
{
	return s->parser.records;
}

uint64_t capsource_bytes(const struct capsource *s)
{
	return s->parser.offset;
}

const struct cap_parser *capsource_parser(const struct capsource *s)
{
	return &s->parser;
}
