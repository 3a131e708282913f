/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fuzz_common.c - checks shared by the fuzz harnesses (see fuzz_common.h).
 */
#include "fuzz_common.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void fuzz_fail(const char *file, int line, const char *text, size_t text_len,
	       const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "fuzz invariant violated at %s:%d: ", file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (text) {
		/* Quoted byte by byte: the text is what broke the rules. */
		size_t n = text_len > 4096 ? 4096 : text_len;
		fputs("  text: \"", stderr);
		for (size_t i = 0; i < n; i++) {
			unsigned char c = (unsigned char)text[i];
			if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\')
				fputc(c, stderr);
			else
				fprintf(stderr, "\\x%02x", c);
		}
		fprintf(stderr, "\"%s\n", n < text_len ? " ..." : "");
	}
	fflush(stderr);
	abort();
}

uint8_t *fuzz_dup(const uint8_t *data, size_t n)
{
	uint8_t *p = malloc(n ? n : 1);
	FUZZ_CHECK(p != NULL, "out of memory (%zu bytes)", n);
	if (n)
		memcpy(p, data, n);
	return p;
}

uint64_t fuzz_hash(const uint8_t *data, size_t n, uint64_t h)
{
	for (size_t i = 0; i < n; i++) {
		h ^= data[i];
		h *= 0x100000001b3ull;
	}
	return h;
}

uint64_t fuzz_rng_next(struct fuzz_rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

size_t fuzz_rng_range(struct fuzz_rng *r, size_t lo, size_t hi)
{
	if (hi <= lo)
		return lo;
	return lo + (size_t)(fuzz_rng_next(r) % (uint64_t)(hi - lo + 1));
}

/* ------------------------------------------------------------------ */
/* A strict JSON validator (RFC 8259), written for these checks.       */

#define JSON_CHECK_MAX_DEPTH 64
#define JSON_CHECK_MAX_KEYS  64   /* keys per object checked for duplicates */

struct jparse {
	const unsigned char *s;
	size_t n, i;
	const char *why;
};

static bool jfail(struct jparse *p, const char *why)
{
	if (!p->why)
		p->why = why;
	return false;
}

static void jws(struct jparse *p)
{
	while (p->i < p->n && (p->s[p->i] == ' ' || p->s[p->i] == '\t' ||
			       p->s[p->i] == '\n' || p->s[p->i] == '\r'))
		p->i++;
}

static bool jliteral(struct jparse *p, const char *word)
{
	size_t k = strlen(word);
	if (p->n - p->i < k || memcmp(p->s + p->i, word, k) != 0)
		return jfail(p, "bad literal");
	p->i += k;
	return true;
}

static bool jdigit(const struct jparse *p)
{
	return p->i < p->n && p->s[p->i] >= '0' && p->s[p->i] <= '9';
}

static bool jnumber(struct jparse *p)
{
	if (p->i < p->n && p->s[p->i] == '-')
		p->i++;
	if (!jdigit(p))
		return jfail(p, "number without digits");
	if (p->s[p->i] == '0') {
		p->i++;
		if (jdigit(p))
			return jfail(p, "number with a leading zero");
	} else {
		while (jdigit(p))
			p->i++;
	}
	if (p->i < p->n && p->s[p->i] == '.') {
		p->i++;
		if (!jdigit(p))
			return jfail(p, "no digit after the decimal point");
		while (jdigit(p))
			p->i++;
	}
	if (p->i < p->n && (p->s[p->i] == 'e' || p->s[p->i] == 'E')) {
		p->i++;
		if (p->i < p->n && (p->s[p->i] == '+' || p->s[p->i] == '-'))
			p->i++;
		if (!jdigit(p))
			return jfail(p, "no digit in the exponent");
		while (jdigit(p))
			p->i++;
	}
	return true;
}

static bool jhex4(struct jparse *p, unsigned *v)
{
	*v = 0;
	if (p->n - p->i < 4)
		return jfail(p, "short \\u escape");
	for (int k = 0; k < 4; k++) {
		unsigned char c = p->s[p->i++];
		unsigned d;
		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10u;
		else if (c >= 'A' && c <= 'F')
			d = c - 'A' + 10u;
		else
			return jfail(p, "bad hex digit in \\u escape");
		*v = *v << 4 | d;
	}
	return true;
}

/* One UTF-8 sequence starting with a byte >= 0x80 (RFC 3629 section 4). */
static bool jutf8(struct jparse *p)
{
	unsigned char c = p->s[p->i];
	unsigned len;
	uint32_t cp, min;

	if (c >= 0xc0 && c < 0xe0) {
		len = 2; cp = c & 0x1fu; min = 0x80;
	} else if (c >= 0xe0 && c < 0xf0) {
		len = 3; cp = c & 0x0fu; min = 0x800;
	} else if (c >= 0xf0 && c < 0xf8) {
		len = 4; cp = c & 0x07u; min = 0x10000;
	} else {
		return jfail(p, "invalid UTF-8 lead byte");
	}
	if (p->n - p->i < len)
		return jfail(p, "UTF-8 sequence cut short");
	for (unsigned k = 1; k < len; k++) {
		unsigned char cc = p->s[p->i + k];
		if ((cc & 0xc0) != 0x80)
			return jfail(p, "invalid UTF-8 continuation byte");
		cp = cp << 6 | (cc & 0x3fu);
	}
	if (cp < min)
		return jfail(p, "overlong UTF-8");
	if (cp >= 0xd800 && cp <= 0xdfff)
		return jfail(p, "UTF-8 encoded surrogate");
	if (cp > 0x10ffff)
		return jfail(p, "UTF-8 beyond U+10FFFF");
	p->i += len;
	return true;
}

/* A string; [*a, *b) is its raw content between the quotes. */
static bool jstring(struct jparse *p, size_t *a, size_t *b)
{
	if (p->i >= p->n || p->s[p->i] != '"')
		return jfail(p, "expected a string");
	p->i++;
	*a = p->i;
	for (;;) {
		if (p->i >= p->n)
			return jfail(p, "unterminated string");
		unsigned char c = p->s[p->i];
		if (c == '"') {
			*b = p->i++;
			return true;
		}
		if (c < 0x20)
			return jfail(p, "raw control character in a string");
		if (c >= 0x80) {
			if (!jutf8(p))
				return false;
			continue;
		}
		if (c != '\\') {
			p->i++;
			continue;
		}
		p->i++;
		if (p->i >= p->n)
			return jfail(p, "string ends in a backslash");
		c = p->s[p->i++];
		if (strchr("\"\\/bfnrt", c) && c != '\0')
			continue;
		if (c != 'u')
			return jfail(p, "bad escape");
		unsigned v, w;
		if (!jhex4(p, &v))
			return false;
		if (v >= 0xdc00 && v <= 0xdfff)
			return jfail(p, "lone low surrogate escape");
		if (v >= 0xd800 && v <= 0xdbff) {
			if (p->n - p->i < 6 || p->s[p->i] != '\\' || p->s[p->i + 1] != 'u')
				return jfail(p, "high surrogate escape without a low one");
			p->i += 2;
			if (!jhex4(p, &w))
				return false;
			if (w < 0xdc00 || w > 0xdfff)
				return jfail(p, "high surrogate escape without a low one");
		}
	}
}

static bool jvalue(struct jparse *p, unsigned depth);

static bool jobject(struct jparse *p, unsigned depth)
{
	size_t ka[JSON_CHECK_MAX_KEYS], kb[JSON_CHECK_MAX_KEYS];
	unsigned nk = 0;

	p->i++; /* '{' */
	jws(p);
	if (p->i < p->n && p->s[p->i] == '}') {
		p->i++;
		return true;
	}
	for (;;) {
		size_t a, b;
		jws(p);
		if (!jstring(p, &a, &b))
			return jfail(p, "expected a member name");
		/* Duplicates compared as written (escapes not decoded). */
		for (unsigned k = 0; k < nk; k++)
			if (kb[k] - ka[k] == b - a && memcmp(p->s + a, p->s + ka[k], b - a) == 0)
				return jfail(p, "duplicate member name");
		if (nk < JSON_CHECK_MAX_KEYS) {
			ka[nk] = a;
			kb[nk] = b;
			nk++;
		}
		jws(p);
		if (p->i >= p->n || p->s[p->i] != ':')
			return jfail(p, "expected ':'");
		p->i++;
		if (!jvalue(p, depth + 1))
			return false;
		jws(p);
		if (p->i >= p->n)
			return jfail(p, "unterminated object");
		if (p->s[p->i] == ',') {
			p->i++;
			continue;
		}
		if (p->s[p->i] == '}') {
			p->i++;
			return true;
		}
		return jfail(p, "expected ',' or '}'");
	}
}

static bool jarray(struct jparse *p, unsigned depth)
{
	p->i++; /* '[' */
	jws(p);
	if (p->i < p->n && p->s[p->i] == ']') {
		p->i++;
		return true;
	}
	for (;;) {
		if (!jvalue(p, depth + 1))
			return false;
		jws(p);
		if (p->i >= p->n)
			return jfail(p, "unterminated array");
		if (p->s[p->i] == ',') {
			p->i++;
			continue;
		}
		if (p->s[p->i] == ']') {
			p->i++;
			return true;
		}
		return jfail(p, "expected ',' or ']'");
	}
}

static bool jvalue(struct jparse *p, unsigned depth)
{
	size_t a, b;

	if (depth > JSON_CHECK_MAX_DEPTH)
		return jfail(p, "nested too deep");
	jws(p);
	if (p->i >= p->n)
		return jfail(p, "expected a value");
	switch (p->s[p->i]) {
	case '{': return jobject(p, depth);
	case '[': return jarray(p, depth);
	case '"': return jstring(p, &a, &b);
	case 't': return jliteral(p, "true");
	case 'f': return jliteral(p, "false");
	case 'n': return jliteral(p, "null");
	default:  return jnumber(p);
	}
}

const char *fuzz_json_check(const char *s, size_t n, size_t *at)
{
	struct jparse p = { (const unsigned char *)s, n, 0, NULL };

	if (jvalue(&p, 0)) {
		jws(&p);
		if (p.i != p.n)
			jfail(&p, "text after the value");
	}
	if (at)
		*at = p.i;
	return p.why;
}

void fuzz_check_json(const char *s, size_t n, const char *what)
{
	size_t at;
	const char *why = fuzz_json_check(s, n, &at);
	FUZZ_CHECK_TEXT(why == NULL, s, n, "%s: invalid JSON at offset %zu: %s",
			what, at, why);
}

size_t fuzz_check_json_lines(const char *s, size_t n, const char *what)
{
	size_t lines = 0, i = 0;

	FUZZ_CHECK_TEXT(n == 0 || s[n - 1] == '\n', s, n,
			"%s: JSON lines do not end in a newline", what);
	while (i < n) {
		const char *nl = memchr(s + i, '\n', n - i);
		size_t len = (size_t)(nl - (s + i));
		FUZZ_CHECK_TEXT(len > 0 && s[i] == '{' && s[i + len - 1] == '}',
				s + i, len + 1, "%s: a JSON line is not one object "
				"ending in \"}\\n\"", what);
		fuzz_check_json(s + i, len, what);
		i += len + 1;
		lines++;
	}
	return lines;
}

void fuzz_check_text(const char *s, size_t n, const char *what)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		FUZZ_CHECK_TEXT(c == '\n' || (c >= 0x20 && c < 0x7f), s, n,
				"%s: byte 0x%02x at offset %zu is not printable ASCII",
				what, c, i);
	}
	FUZZ_CHECK_TEXT(n == 0 || s[n - 1] == '\n', s, n,
			"%s: text does not end in a newline", what);
}

/* ------------------------------------------------------------------ */
/* Capture files                                                       */

void fuzz_check_parser_error(const struct cap_parser *p)
{
	size_t n = strnlen(p->error, sizeof(p->error));
	FUZZ_CHECK(n < sizeof(p->error), "parser error not NUL-terminated");
	FUZZ_CHECK(n > 0, "parser failed without an error message");
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p->error[i];
		FUZZ_CHECK_TEXT(c >= 0x20 && c < 0x7f, p->error, n,
				"parser error has byte 0x%02x at %zu", c, i);
	}
}

void fuzz_check_record(const struct cap_parser *p, const struct cap_record *rec,
		       const uint8_t *buf, size_t len, size_t used)
{
	uintptr_t lo = (uintptr_t)buf, hi = lo + used;

	FUZZ_CHECK(used > 0 && used <= len, "record consumed %zu of %zu bytes", used, len);
	FUZZ_CHECK(rec->caplen <= CAP_MAX_RECORD, "caplen %u > CAP_MAX_RECORD", rec->caplen);
	if (rec->caplen > 0) {
		uintptr_t d = (uintptr_t)rec->data;
		FUZZ_CHECK(rec->data != NULL, "record with caplen %u and no data", rec->caplen);
		FUZZ_CHECK(d >= lo && d <= hi && rec->caplen <= hi - d,
			   "record data [%p, +%u) outside the consumed bytes [%p, +%zu)",
			   (const void *)rec->data, rec->caplen, (const void *)buf, used);
	}
	FUZZ_CHECK(rec->ts_nsec < 1000000000u, "ts_nsec %u >= 10^9", rec->ts_nsec);
	FUZZ_CHECK(rec->linktype <= 0xffffu, "linktype %u has more than 16 bits", rec->linktype);
	FUZZ_CHECK(rec->direction == CAP_DIR_UNKNOWN || rec->direction == CAP_DIR_IN ||
		   rec->direction == CAP_DIR_OUT, "direction %d", (int)rec->direction);
	if (rec->if_name)
		FUZZ_CHECK(strnlen(rec->if_name, CAP_MAX_IFNAME) < CAP_MAX_IFNAME,
			   "if_name longer than CAP_MAX_IFNAME");
	FUZZ_CHECK(rec->offset + used == p->offset,
		   "record at offset %llu, %zu bytes used, parser now at %llu",
		   (unsigned long long)rec->offset, used, (unsigned long long)p->offset);
	if (p->format == CAP_FORMAT_PCAPNG)
		FUZZ_CHECK(rec->interface_id < p->n_ifaces, "interface %u of %u",
			   rec->interface_id, p->n_ifaces);
	else
		FUZZ_CHECK(rec->interface_id == 0, "pcap record on interface %u",
			   rec->interface_id);
}

bool fuzz_parse_capture(struct cap_parser *p, const uint8_t *data, size_t size,
			fuzz_record_fn fn, void *ctx)
{
	uint8_t *buf = fuzz_dup(data, size);
	size_t off = 0;
	bool ok = false;

	for (;;) {
		size_t have = size - off, used = (size_t)-1, need = (size_t)-1;
		uint64_t before = p->offset, records = p->records;
		struct cap_record rec;
		memset(&rec, 0, sizeof(rec));

		FUZZ_CHECK(before == off, "parser offset %llu, fed from %zu",
			   (unsigned long long)before, off);
		enum cap_status st = cap_parser_next(p, buf + off, have, &used, &need, &rec);
		if (st == CAP_RECORD) {
			fuzz_check_record(p, &rec, buf + off, have, used);
			FUZZ_CHECK(p->records == records + 1, "records count not advanced");
			if (fn)
				fn(ctx, &rec);
			off += used;
		} else if (st == CAP_SKIP) {
			FUZZ_CHECK(used > 0 && used <= have, "skip of %zu of %zu bytes", used, have);
			FUZZ_CHECK(p->offset == before + used, "offset not advanced by used");
			off += used;
		} else if (st == CAP_NEED_MORE) {
			FUZZ_CHECK(need > have, "parser asked for %zu bytes with %zu there", need, have);
			FUZZ_CHECK(need <= CAP_MAX_BLOCK, "parser asked for %zu bytes", need);
			FUZZ_CHECK(p->offset == before, "NEED_MORE consumed bytes");
			ok = cap_parser_finish(p, have);
			if (!ok)
				fuzz_check_parser_error(p);
			break;
		} else {
			FUZZ_CHECK(st == CAP_ERROR, "status %d", (int)st);
			fuzz_check_parser_error(p);
			st = cap_parser_next(p, buf + off, have, &used, &need, &rec);
			FUZZ_CHECK(st == CAP_ERROR, "error not sticky");
			break;
		}
	}
	free(buf);
	return ok;
}
