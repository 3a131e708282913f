/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * qmp_json.c - the small strict JSON reader of the QMP client.
 *
 * Parses one framed reply (see qmp.c) into a tree.  Strings are decoded to
 * UTF-8: \uXXXX escapes and surrogate pairs (QEMU writes every non-ASCII
 * character that way), a lone surrogate or \u0000 becomes U+FFFD so that
 * every string is a C string.  Nesting is bounded (JSON_MAX_DEPTH).
 */
#include "qmp_json.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define JSON_MAX_DEPTH 64

struct jparser {
	const char *p, *end, *start;
	int depth;
	const char *err;
	size_t err_at;
};

void qjson_free(struct jnode *n)
{
	while (n) {
		struct jnode *next = n->next;

		qjson_free(n->child);
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
		qjson_free(n);
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
				qjson_free(n);
				return jfail(jp, "expected a member name");
			}
			key = jstring(jp);
			if (key == NULL) {
				qjson_free(n);
				return NULL;
			}
			jskip_ws(jp);
			if (jp->p >= jp->end || *jp->p != ':') {
				free(key);
				qjson_free(n);
				return jfail(jp, "expected ':'");
			}
			jp->p++;
		}
		v = jvalue(jp);
		if (v == NULL) {
			free(key);
			qjson_free(n);
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
		qjson_free(n);
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

struct jnode *qjson_parse(const char *s, size_t len, char *err, size_t errlen)
{
	struct jparser jp = { .p = s, .end = s + len, .start = s };
	struct jnode *n = jvalue(&jp);

	if (n) {
		jskip_ws(&jp);
		if (jp.p != jp.end) {
			qjson_free(n);
			n = jfail(&jp, "trailing data");
		}
	}
	if (n == NULL)
		snprintf(err, errlen, "invalid JSON at offset %zu: %s", jp.err_at,
			 jp.err ? jp.err : "?");
	return n;
}

const struct jnode *qjson_get(const struct jnode *obj, const char *key)
{
	if (obj == NULL || obj->t != J_OBJ)
		return NULL;
	for (const struct jnode *c = obj->child; c; c = c->next)
		if (c->key && strcmp(c->key, key) == 0)
			return c;
	return NULL;
}

int qjson_int(const struct jnode *n, int dflt)
{
	if (n == NULL || n->t != J_NUM || n->num < INT_MIN || n->num > INT_MAX)
		return dflt;
	return (int)n->num;
}

const char *qjson_str(const struct jnode *n)
{
	return n && n->t == J_STR ? n->s : NULL;
}

/* Appends s as a JSON string literal to out (cap bytes); false if no room. */
bool qjson_quote(char *out, size_t cap, size_t *len, const char *s)
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
