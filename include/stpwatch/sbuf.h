/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sbuf.h - a growable text buffer.  Writers in the core produce text into
 * one of these; the edge decides where it goes (stdout, a file, curses).
 * An allocation failure is remembered, not fatal, so writers need not check
 * every call: the edge checks sbuf_failed() once.
 */
#ifndef STPWATCH_SBUF_H
#define STPWATCH_SBUF_H

#include <stdbool.h>
#include <stddef.h>

struct sbuf {
	char *buf;      /* always NUL-terminated when len > 0 */
	size_t len;
	size_t cap;
	bool failed;    /* an allocation failed; contents are incomplete */
};

void sbuf_init(struct sbuf *s);
void sbuf_free(struct sbuf *s);
void sbuf_reset(struct sbuf *s);
void sbuf_write(struct sbuf *s, const void *data, size_t n);
void sbuf_puts(struct sbuf *s, const char *str);
void sbuf_putc(struct sbuf *s, char ch);
void sbuf_printf(struct sbuf *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static inline const char *sbuf_str(const struct sbuf *s) { return s->len ? s->buf : ""; }
static inline bool sbuf_failed(const struct sbuf *s) { return s->failed; }

#endif /* STPWATCH_SBUF_H */
