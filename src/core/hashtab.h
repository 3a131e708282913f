/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * hashtab.h - hashing and bucket selection shared by the engine's bounded
 * tables.  Tables are arrays of fixed-size buckets; a full bucket evicts
 * its least recently used entry, so memory is fixed at creation whatever
 * the traffic (a flood of random source MACs included).
 */
#ifndef STPWATCH_HASHTAB_H
#define STPWATCH_HASHTAB_H

#include <stddef.h>
#include <stdint.h>

/* FNV-1a, 64 bit: cheap, good enough for frames an attacker cannot aim at a bucket with much gain. */
static inline uint64_t hash_bytes(uint64_t h, const void *data, size_t n)
{
	const uint8_t *p = data;
	for (size_t i = 0; i < n; i++) {
		h ^= p[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

#define HASH_SEED 0xcbf29ce484222325ULL

/* Final mix so that low bits (the bucket index) depend on every input bit. */
static inline uint64_t hash_mix(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	return h;
}

/* Smallest power of two >= n (n >= 1, n <= 2^31). */
static inline size_t round_pow2(size_t n)
{
	size_t p = 1;
	while (p < n)
		p <<= 1;
	return p;
}

#endif /* STPWATCH_HASHTAB_H */
