/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * cursor.h - the one way stpwatch reads bytes that came off the wire or out
 * of a file.
 *
 * A cursor is a window on a buffer.  Every read checks the bounds; a read
 * past the end returns zero and sets the sticky `truncated` flag instead of
 * touching memory outside the window.  Decoders read a run of fields and
 * test the flag once at each decision point, so there is no hidden control
 * flow (no longjmp) and no pointer arithmetic on packet memory elsewhere.
 *
 * "Truncated" means the bytes ran out: the capture ended before the field.
 * Whether a field that *is* present makes sense ("invalid") is the caller's
 * business, never the cursor's.
 */
#ifndef STPWATCH_CURSOR_H
#define STPWATCH_CURSOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct cursor {
	const uint8_t *data;
	size_t len;        /* bytes in the window */
	size_t pos;        /* next byte to read, always <= len */
	bool truncated;    /* a read wanted bytes beyond len */
};

static inline struct cursor cursor_make(const uint8_t *data, size_t len)
{
	struct cursor c = { data, len, 0, false };
	return c;
}

static inline size_t cursor_remaining(const struct cursor *c)
{
	return c->len - c->pos;
}

/* True if n more bytes are there; otherwise marks the cursor truncated. */
static inline bool cursor_need(struct cursor *c, size_t n)
{
	if (c->truncated || n > c->len - c->pos) {
		c->truncated = true;
		return false;
	}
	return true;
}

static inline uint8_t cursor_u8(struct cursor *c)
{
	if (!cursor_need(c, 1))
		return 0;
	return c->data[c->pos++];
}

static inline uint16_t cursor_be16(struct cursor *c)
{
	if (!cursor_need(c, 2))
		return 0;
	const uint8_t *p = c->data + c->pos;
	c->pos += 2;
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t cursor_be32(struct cursor *c)
{
	if (!cursor_need(c, 4))
		return 0;
	const uint8_t *p = c->data + c->pos;
	c->pos += 4;
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

/* Eight octets read as one big-endian number (bridge identifiers). */
static inline uint64_t cursor_be64(struct cursor *c)
{
	if (!cursor_need(c, 8))
		return 0;
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v = v << 8 | c->data[c->pos + (size_t)i];
	c->pos += 8;
	return v;
}

static inline uint16_t cursor_le16(struct cursor *c)
{
	if (!cursor_need(c, 2))
		return 0;
	const uint8_t *p = c->data + c->pos;
	c->pos += 2;
	return (uint16_t)(p[1] << 8 | p[0]);
}

static inline uint32_t cursor_le32(struct cursor *c)
{
	if (!cursor_need(c, 4))
		return 0;
	const uint8_t *p = c->data + c->pos;
	c->pos += 4;
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[1] << 8 | (uint32_t)p[0];
}

/* Copies n bytes out; on truncation the destination is zero-filled. */
static inline bool cursor_copy(struct cursor *c, void *dst, size_t n)
{
	if (!cursor_need(c, n)) {
		memset(dst, 0, n);
		return false;
	}
	memcpy(dst, c->data + c->pos, n);
	c->pos += n;
	return true;
}

static inline bool cursor_skip(struct cursor *c, size_t n)
{
	if (!cursor_need(c, n))
		return false;
	c->pos += n;
	return true;
}

/*
 * Splits off the next n bytes as a cursor of its own.  If fewer are there,
 * the sub-cursor gets what there is and this cursor is marked truncated, so
 * the sub-decoder sees exactly the bytes that exist and reports its own
 * truncation.
 */
static inline struct cursor cursor_sub(struct cursor *c, size_t n)
{
	size_t have = c->len - c->pos;
	struct cursor sub = cursor_make(c->data + c->pos, n < have ? n : have);
	if (n > have)
		c->truncated = true;
	c->pos += sub.len;
	return sub;
}

/* A pointer to the unread bytes, for hashing or copying as a block. */
static inline const uint8_t *cursor_peek(const struct cursor *c)
{
	return c->data + c->pos;
}

#endif /* STPWATCH_CURSOR_H */
