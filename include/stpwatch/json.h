/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * json.h - a small streaming JSON writer over an sbuf.  It places commas,
 * escapes every string (control characters, quotes, backslashes and any
 * byte that is not valid UTF-8 become \u escapes, so hostile input can
 * never break the document), and writes numbers as numbers.
 */
#ifndef STPWATCH_JSON_H
#define STPWATCH_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stpwatch/sbuf.h"

#define JSON_MAX_DEPTH 32

struct json {
	struct sbuf *out;
	unsigned depth;
	bool pretty;                    /* newline + indent per member */
	bool has_member[JSON_MAX_DEPTH];
};

void json_init(struct json *j, struct sbuf *out, bool pretty);

/* `key` is NULL inside arrays and for the top-level value. */
void json_object_begin(struct json *j, const char *key);
void json_object_end(struct json *j);
void json_array_begin(struct json *j, const char *key);
void json_array_end(struct json *j);
void json_string(struct json *j, const char *key, const char *value);
/* Raw bytes, not NUL-terminated: escaped as needed. */
void json_string_bytes(struct json *j, const char *key, const uint8_t *value, size_t n);
void json_uint(struct json *j, const char *key, uint64_t value);
void json_int(struct json *j, const char *key, int64_t value);
/* A fixed-point number written with up to `decimals` digits after the point. */
void json_fixed(struct json *j, const char *key, double value, int decimals);
void json_bool(struct json *j, const char *key, bool value);
void json_null(struct json *j, const char *key);

/* Length of the valid UTF-8 sequence (RFC 3629) starting s[0..n), or 0. */
size_t json_utf8_length(const uint8_t *s, size_t n);

/* Appends s[0..n) to out as the inside of a JSON string. */
void json_escape_bytes(struct sbuf *out, const uint8_t *s, size_t n);

#endif /* STPWATCH_JSON_H */
