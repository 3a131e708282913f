/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * bytes.h - the byte builder the decoder tests write frames and BPDUs with
 * (big-endian, as on the wire).  Include after <cmocka.h>.
 */
#ifndef STPWATCH_TEST_BYTES_H
#define STPWATCH_TEST_BYTES_H

#include <stddef.h>
#include <stdint.h>

struct fb {
	uint8_t b[2048];
	size_t n;
};

static inline void put8(struct fb *f, unsigned v)
{
	assert_true(f->n < sizeof(f->b));
	f->b[f->n++] = (uint8_t)v;
}

static inline void put16(struct fb *f, unsigned v)
{
	put8(f, (v >> 8) & 0xff);
	put8(f, v & 0xff);
}

static inline void put32(struct fb *f, uint32_t v)
{
	put16(f, v >> 16);
	put16(f, v & 0xffff);
}

static inline void put64(struct fb *f, uint64_t v)
{
	put32(f, (uint32_t)(v >> 32));
	put32(f, (uint32_t)v);
}

static inline void putn(struct fb *f, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		put8(f, p[i]);
}

#endif /* STPWATCH_TEST_BYTES_H */
