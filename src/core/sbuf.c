/* SPDX-License-Identifier: BSD-3-Clause */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stpwatch/sbuf.h"

void sbuf_init(struct sbuf *s)
{
	memset(s, 0, sizeof(*s));
}

void sbuf_free(struct sbuf *s)
{
	free(s->buf);
	sbuf_init(s);
}

void sbuf_reset(struct sbuf *s)
{
	s->len = 0;
	if (s->buf)
		s->buf[0] = '\0';
	s->failed = false;
}

static bool sbuf_reserve(struct sbuf *s, size_t extra)
{
	if (s->failed)
		return false;
	if (extra >= ((size_t)-1) / 2 - s->len) {
		s->failed = true;
		return false;
	}
	size_t want = s->len + extra + 1;
	if (want <= s->cap)
		return true;
	size_t cap = s->cap ? s->cap : 256;
	while (cap < want)
		cap *= 2;
	char *nb = realloc(s->buf, cap);
	if (!nb) {
		s->failed = true;
		return false;
	}
	s->buf = nb;
	s->cap = cap;
	return true;
}

void sbuf_write(struct sbuf *s, const void *data, size_t n)
{
	if (!sbuf_reserve(s, n))
		return;
	memcpy(s->buf + s->len, data, n);
	s->len += n;
	s->buf[s->len] = '\0';
}

void sbuf_puts(struct sbuf *s, const char *str)
{
	sbuf_write(s, str, strlen(str));
}

void sbuf_putc(struct sbuf *s, char ch)
{
	sbuf_write(s, &ch, 1);
}

void sbuf_printf(struct sbuf *s, const char *fmt, ...)
{
	va_list ap;
	char small[256];

	va_start(ap, fmt);
	int n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0) {
		s->failed = true;
		return;
	}
	if ((size_t)n < sizeof(small)) {
		sbuf_write(s, small, (size_t)n);
		return;
	}
	if (!sbuf_reserve(s, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(s->buf + s->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	s->len += (size_t)n;
}
