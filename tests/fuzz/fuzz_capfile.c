/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fuzz_capfile.c - libFuzzer harness for the pcap/pcapng parser.
 *
 * Input: a whole capture file.  It is parsed three times:
 *   1. whole: the file in one buffer of exactly its size (what
 *      src/capsource.c does with a file smaller than its buffer);
 *   2. stream: as a reader of a pipe would, in chunks whose sizes a PRNG
 *      seeded from the first 64 bytes chooses - sometimes exactly what
 *      CAP_NEED_MORE asked for, sometimes random reads of 1 byte to 64 KiB,
 *      sometimes more than needed;
 *   3. tight: always exactly the bytes CAP_NEED_MORE asked for.
 * Every call gets a buffer of exactly the bytes offered, so AddressSanitizer
 * sees a read past `len`.  Each record's data must lie inside the bytes
 * that call consumed, caplen <= CAP_MAX_RECORD, and all three passes must
 * give the same records, the same end (clean or the same error message at
 * the same offset) and the same final offset: how the bytes arrive must
 * never change what the file means.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "stpwatch/capfile.h"

struct rec_sum {
	int64_t ts_sec;
	uint32_t ts_nsec, caplen, wirelen, linktype, interface_id;
	enum cap_direction direction;
	uint64_t offset;
	uint64_t data_hash;
	uint64_t name_hash;      /* 0: no if_name */
};

struct outcome {
	struct rec_sum *recs;
	size_t n, cap;
	bool ok;
	char error[sizeof(((struct cap_parser *)0)->error)];
	uint64_t error_offset;
	uint64_t offset;
	uint64_t records;
};

static void summarise(struct rec_sum *s, const struct cap_record *rec)
{
	memset(s, 0, sizeof(*s));
	s->ts_sec = rec->ts_sec;
	s->ts_nsec = rec->ts_nsec;
	s->caplen = rec->caplen;
	s->wirelen = rec->wirelen;
	s->linktype = rec->linktype;
	s->interface_id = rec->interface_id;
	s->direction = rec->direction;
	s->offset = rec->offset;
	s->data_hash = fuzz_hash(rec->data, rec->caplen, FUZZ_HASH_INIT);
	if (rec->if_name)
		s->name_hash = fuzz_hash((const uint8_t *)rec->if_name,
					 strlen(rec->if_name) + 1, FUZZ_HASH_INIT);
}

static void add_record(void *ctx, const struct cap_record *rec)
{
	struct outcome *o = ctx;
	if (o->n == o->cap) {
		size_t cap = o->cap ? o->cap * 2 : 64;
		struct rec_sum *r = realloc(o->recs, cap * sizeof(*r));
		FUZZ_CHECK(r != NULL, "out of memory");
		o->recs = r;
		o->cap = cap;
	}
	summarise(&o->recs[o->n++], rec);
}

static void finish_outcome(struct outcome *o, const struct cap_parser *p, bool ok)
{
	o->ok = ok;
	memcpy(o->error, p->error, sizeof(o->error));
	o->error_offset = p->error_offset;
	o->offset = p->offset;
	o->records = p->records;
}

enum feed { FEED_MIXED, FEED_TIGHT };

/* Bytes a reader gets from one read(2) in the mixed strategy. */
static size_t read_size(struct fuzz_rng *rng)
{
	switch (fuzz_rng_next(rng) % 4) {
	case 0: return fuzz_rng_range(rng, 1, 16);
	case 1: return fuzz_rng_range(rng, 1, 512);
	case 2: return fuzz_rng_range(rng, 1, 4096);
	default: return fuzz_rng_range(rng, 1, 65536);
	}
}

/* Parses data as a stream and compares every record with the whole-buffer pass. */
static void stream_pass(const uint8_t *data, size_t size, enum feed how,
			const struct outcome *whole)
{
	struct cap_parser p;
	struct fuzz_rng rng = { fuzz_hash(data, size < 64 ? size : 64, FUZZ_HASH_INIT) ^ how };
	size_t start = 0, have = 0, k = 0;
	bool ok = false;
	const char *name = how == FEED_TIGHT ? "tight" : "stream";

	cap_parser_init(&p);
	for (;;) {
		size_t used = (size_t)-1, need = (size_t)-1;
		uint64_t before = p.offset;
		struct cap_record rec;
		memset(&rec, 0, sizeof(rec));

		FUZZ_CHECK(before == start, "%s: parser offset %llu, fed from %zu", name,
			   (unsigned long long)before, start);
		uint8_t *win = fuzz_dup(data + start, have);
		enum cap_status st = cap_parser_next(&p, win, have, &used, &need, &rec);

		if (st == CAP_RECORD) {
			struct rec_sum s;
			fuzz_check_record(&p, &rec, win, have, used);
			summarise(&s, &rec);
			FUZZ_CHECK(k < whole->n, "%s: record %zu that the whole-file pass "
				   "did not see (at offset %llu)", name, k + 1,
				   (unsigned long long)rec.offset);
			FUZZ_CHECK(memcmp(&s, &whole->recs[k], sizeof(s)) == 0,
				   "%s: record %zu (offset %llu) differs from the whole-file "
				   "pass", name, k + 1, (unsigned long long)rec.offset);
			k++;
			start += used;
			have -= used;
		} else if (st == CAP_SKIP) {
			FUZZ_CHECK(used > 0 && used <= have, "%s: skip of %zu of %zu bytes",
				   name, used, have);
			start += used;
			have -= used;
		} else if (st == CAP_ERROR) {
			fuzz_check_parser_error(&p);
			free(win);
			break;
		} else {
			FUZZ_CHECK(st == CAP_NEED_MORE, "%s: status %d", name, (int)st);
			FUZZ_CHECK(need > have, "%s: parser asked for %zu bytes with %zu there",
				   name, need, have);
			FUZZ_CHECK(need <= CAP_MAX_BLOCK, "%s: parser asked for %zu bytes",
				   name, need);
			FUZZ_CHECK(p.offset == before, "%s: NEED_MORE consumed bytes", name);
			if (start + have == size) {
				ok = cap_parser_finish(&p, have);
				if (!ok)
					fuzz_check_parser_error(&p);
				free(win);
				break;
			}
			if (how == FEED_TIGHT || fuzz_rng_next(&rng) % 4 == 0) {
				have = need;
			} else {
				while (have < need && start + have < size)
					have += read_size(&rng);
			}
			free(win);
			if (have > size - start)
				have = size - start;
			continue;
		}
		free(win);
		/* Sometimes the reader has read ahead before the next call. */
		if (how == FEED_MIXED && fuzz_rng_next(&rng) % 4 == 0) {
			have += read_size(&rng);
			if (have > size - start)
				have = size - start;
		}
	}

	FUZZ_CHECK(k == whole->n, "%s: %zu records, whole-file pass %zu", name, k, whole->n);
	FUZZ_CHECK(ok == whole->ok, "%s: file %s, whole-file pass says %s", name,
		   ok ? "clean" : p.error, whole->ok ? "clean" : whole->error);
	if (!ok) {
		FUZZ_CHECK(strcmp(p.error, whole->error) == 0,
			   "%s: error \"%s\", whole-file pass \"%s\"", name, p.error, whole->error);
		FUZZ_CHECK(p.error_offset == whole->error_offset,
			   "%s: error offset %llu, whole-file pass %llu", name,
			   (unsigned long long)p.error_offset,
			   (unsigned long long)whole->error_offset);
	}
	FUZZ_CHECK(p.offset == whole->offset && p.records == whole->records,
		   "%s: ended at offset %llu after %llu records, whole-file pass "
		   "%llu after %llu", name, (unsigned long long)p.offset,
		   (unsigned long long)p.records, (unsigned long long)whole->offset,
		   (unsigned long long)whole->records);
	cap_parser_free(&p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cap_parser p;
	struct outcome whole;

	memset(&whole, 0, sizeof(whole));
	cap_parser_init(&p);
	bool ok = fuzz_parse_capture(&p, data, size, add_record, &whole);
	finish_outcome(&whole, &p, ok);
	FUZZ_CHECK(whole.records == whole.n, "parser counted %llu records, returned %zu",
		   (unsigned long long)whole.records, whole.n);
	if (ok)
		FUZZ_CHECK(p.offset == size, "clean end at offset %llu of %zu",
			   (unsigned long long)p.offset, size);
	cap_parser_free(&p);

	stream_pass(data, size, FEED_MIXED, &whole);
	stream_pass(data, size, FEED_TIGHT, &whole);

	free(whole.recs);
	return 0;
}
