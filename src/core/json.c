/* SPDX-License-Identifier: BSD-3-Clause */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "stpwatch/json.h"

void json_init(struct json *j, struct sbuf *out, bool pretty)
{
	memset(j, 0, sizeof(*j));
	j->out = out;
	j->pretty = pretty;
}

static void newline_indent(struct json *j)
{
	if (!j->pretty)
		return;
	sbuf_putc(j->out, '\n');
	for (unsigned i = 0; i < j->depth; i++)
		sbuf_puts(j->out, "  ");
}

/* Length of a valid UTF-8 sequence at s (RFC 3629), or 0 if invalid. */
static size_t utf8_sequence(const uint8_t *s, size_t n)
{
	size_t need;
	uint32_t cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		need = 2;
		cp = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		need = 3;
		cp = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		need = 4;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	if (n < need)
		return 0;
	for (size_t i = 1; i < need; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	/* No overlong forms, no surrogates, nothing past U+10FFFF. */
	if ((need == 3 && cp < 0x800) || (need == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return need;
}

size_t json_utf8_length(const uint8_t *s, size_t n)
{
	return n ? utf8_sequence(s, n) : 0;
}

void json_escape_bytes(struct sbuf *out, const uint8_t *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		uint8_t ch = s[i];
		switch (ch) {
		case '"':  sbuf_puts(out, "\\\""); i++; continue;
		case '\\': sbuf_puts(out, "\\\\"); i++; continue;
		case '\n': sbuf_puts(out, "\\n"); i++; continue;
		case '\r': sbuf_puts(out, "\\r"); i++; continue;
		case '\t': sbuf_puts(out, "\\t"); i++; continue;
		default: break;
		}
		if (ch < 0x20 || ch == 0x7f) {
			sbuf_printf(out, "\\u%04x", ch);
			i++;
			continue;
		}
		size_t seq = utf8_sequence(s + i, n - i);
		if (seq == 0) {
			/* A stray byte is shown as the Latin-1 character of that value. */
			sbuf_printf(out, "\\u%04x", ch);
			i++;
			continue;
		}
		sbuf_write(out, s + i, seq);
		i += seq;
	}
}

static void member(struct json *j, const char *key)
{
	if (j->depth > 0 && j->depth <= JSON_MAX_DEPTH) {
		if (j->has_member[j->depth - 1])
			sbuf_putc(j->out, ',');
		j->has_member[j->depth - 1] = true;
		newline_indent(j);
	}
	if (key) {
		sbuf_putc(j->out, '"');
		json_escape_bytes(j->out, (const uint8_t *)key, strlen(key));
		sbuf_puts(j->out, j->pretty ? "\": " : "\":");
	}
}

static void open_container(struct json *j, const char *key, char ch)
{
	member(j, key);
	sbuf_putc(j->out, ch);
	if (j->depth < JSON_MAX_DEPTH)
		j->has_member[j->depth] = false;
	j->depth++;
}

static void close_container(struct json *j, char ch)
{
	if (j->depth == 0)
		return;
	bool had = j->depth <= JSON_MAX_DEPTH && j->has_member[j->depth - 1];
	j->depth--;
	if (had)
		newline_indent(j);
	sbuf_putc(j->out, ch);
}

void json_object_begin(struct json *j, const char *key) { open_container(j, key, '{'); }
void json_object_end(struct json *j) { close_container(j, '}'); }
void json_array_begin(struct json *j, const char *key) { open_container(j, key, '['); }
void json_array_end(struct json *j) { close_container(j, ']'); }

void json_string_bytes(struct json *j, const char *key, const uint8_t *value, size_t n)
{
	member(j, key);
	sbuf_putc(j->out, '"');
	json_escape_bytes(j->out, value, n);
	sbuf_putc(j->out, '"');
}

void json_string(struct json *j, const char *key, const char *value)
{
	if (!value) {
		json_null(j, key);
		return;
	}
	json_string_bytes(j, key, (const uint8_t *)value, strlen(value));
}

void json_uint(struct json *j, const char *key, uint64_t value)
{
	member(j, key);
	sbuf_printf(j->out, "%llu", (unsigned long long)value);
}

void json_int(struct json *j, const char *key, int64_t value)
{
	member(j, key);
	sbuf_printf(j->out, "%lld", (long long)value);
}

void json_fixed(struct json *j, const char *key, double value, int decimals)
{
	member(j, key);
	if (!isfinite(value)) {
		sbuf_puts(j->out, "null");
		return;
	}
	char buf[64];
	int n = snprintf(buf, sizeof(buf), "%.*f", decimals, value);
	if (n <= 0 || (size_t)n >= sizeof(buf)) {
		sbuf_puts(j->out, "null");
		return;
	}
	/* Trim trailing zeros but keep one digit after the point: 20.0, 0.00390625. */
	char *dot = strchr(buf, '.');
	if (dot) {
		char *end = buf + n - 1;
		while (end > dot + 1 && *end == '0')
			*end-- = '\0';
	}
	sbuf_puts(j->out, buf);
}

void json_bool(struct json *j, const char *key, bool value)
{
	member(j, key);
	sbuf_puts(j->out, value ? "true" : "false");
}

void json_null(struct json *j, const char *key)
{
	member(j, key);
	sbuf_puts(j->out, "null");
}
