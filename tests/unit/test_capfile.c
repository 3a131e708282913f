/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_capfile.c - the pure pcap/pcapng parser, on files built in memory.
 *
 * Every input is written here byte by byte by small builders (classic pcap
 * records, pcapng blocks and options, in either byte order), so each test
 * shows exactly which field it breaks.  Each file is parsed both whole and
 * fed one byte more at a time, and the two runs must agree.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "stpwatch/capfile.h"

/* ------------------------------------------------------------------ */
/* Builders                                                            */

struct bld {
	uint8_t *d;
	size_t len, cap;
	bool be;      /* write multi-byte fields big-endian */
	size_t blk;   /* start of the pcapng block being written */
};

static void b_init(struct bld *b, bool be)
{
	b->cap = 4096;
	b->d = malloc(b->cap);
	assert_non_null(b->d);
	b->len = 0;
	b->be = be;
	b->blk = 0;
}

static void b_free(struct bld *b)
{
	free(b->d);
	b->d = NULL;
}

static void b_room(struct bld *b, size_t n)
{
	while (b->len + n > b->cap) {
		b->cap *= 2;
		b->d = realloc(b->d, b->cap);
		assert_non_null(b->d);
	}
}

static void put8(struct bld *b, uint8_t v)
{
	b_room(b, 1);
	b->d[b->len++] = v;
}

static void put16(struct bld *b, uint16_t v)
{
	put8(b, (uint8_t)(b->be ? v >> 8 : v));
	put8(b, (uint8_t)(b->be ? v : v >> 8));
}

static void put32(struct bld *b, uint32_t v)
{
	put16(b, (uint16_t)(b->be ? v >> 16 : v));
	put16(b, (uint16_t)(b->be ? v : v >> 16));
}

static void put64(struct bld *b, uint64_t v)
{
	put32(b, (uint32_t)(b->be ? v >> 32 : v));
	put32(b, (uint32_t)(b->be ? v : v >> 32));
}

static void put_bytes(struct bld *b, const void *p, size_t n)
{
	b_room(b, n);
	memcpy(b->d + b->len, p, n);
	b->len += n;
}

/* Packet bytes: a pattern that depends on the length, so a record that
 * points at the wrong place shows up. */
static uint8_t pat(size_t len, size_t i)
{
	return (uint8_t)(len * 7 + i);
}

static void put_pattern(struct bld *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		put8(b, pat(n, i));
}

static void pad4(struct bld *b)
{
	while (b->len % 4)
		put8(b, 0);
}

static void pcap_header(struct bld *b, uint32_t magic, uint32_t snaplen,
			uint32_t linktype)
{
	put32(b, magic);
	put16(b, 2);
	put16(b, 4);
	put32(b, 0);
	put32(b, 0);
	put32(b, snaplen);
	put32(b, linktype);
}

static void pcap_rec(struct bld *b, uint32_t sec, uint32_t frac,
		     uint32_t caplen, uint32_t wirelen)
{
	put32(b, sec);
	put32(b, frac);
	put32(b, caplen);
	put32(b, wirelen);
	put_pattern(b, caplen);
}

#define SHB 0x0a0d0d0au
#define IDB 1u
#define PB  2u
#define SPB 3u
#define NRB 4u
#define ISB 5u
#define EPB 6u

static void blk_begin(struct bld *b, uint32_t type)
{
	b->blk = b->len;
	put32(b, type);
	put32(b, 0); /* patched by blk_end() */
}

static void patch32(struct bld *b, size_t at, uint32_t v)
{
	size_t save = b->len;

	b->len = at;
	put32(b, v);
	b->len = save;
}

static uint32_t blk_end(struct bld *b)
{
	pad4(b);
	uint32_t total = (uint32_t)(b->len - b->blk + 4);
	put32(b, total);
	patch32(b, b->blk + 4, total);
	return total;
}

static void opt(struct bld *b, uint16_t code, const void *v, uint16_t n)
{
	put16(b, code);
	put16(b, n);
	put_bytes(b, v, n);
	pad4(b);
}

static void opt_u8(struct bld *b, uint16_t code, uint8_t v)
{
	opt(b, code, &v, 1);
}

static void opt_u32(struct bld *b, uint16_t code, uint32_t v)
{
	put16(b, code);
	put16(b, 4);
	put32(b, v);
}

static void opt_u64(struct bld *b, uint16_t code, uint64_t v)
{
	put16(b, code);
	put16(b, 8);
	put64(b, v);
}

static void opt_str(struct bld *b, uint16_t code, const char *s)
{
	opt(b, code, s, (uint16_t)strlen(s));
}

static void opt_end(struct bld *b)
{
	put32(b, 0);
}

static void shb(struct bld *b)
{
	blk_begin(b, SHB);
	put32(b, 0x1a2b3c4du);
	put16(b, 1);
	put16(b, 0);
	put64(b, UINT64_MAX); /* section length not given */
	opt_str(b, 2, "test hardware");
	opt_end(b);
	blk_end(b);
}

/* An IDB without options; add opt_*() and blk_end() yourself via idb_begin. */
static void idb_begin(struct bld *b, uint16_t linktype, uint32_t snaplen)
{
	blk_begin(b, IDB);
	put16(b, linktype);
	put16(b, 0);
	put32(b, snaplen);
}

static void idb(struct bld *b, uint16_t linktype, uint32_t snaplen)
{
	idb_begin(b, linktype, snaplen);
	blk_end(b);
}

static void epb_begin(struct bld *b, uint32_t ifid, uint64_t ts,
		      uint32_t caplen, uint32_t wirelen)
{
	blk_begin(b, EPB);
	put32(b, ifid);
	put32(b, (uint32_t)(ts >> 32));
	put32(b, (uint32_t)ts);
	put32(b, caplen);
	put32(b, wirelen);
	put_pattern(b, caplen);
	pad4(b);
}

static void epb(struct bld *b, uint32_t ifid, uint64_t ts, uint32_t caplen)
{
	epb_begin(b, ifid, ts, caplen, caplen);
	blk_end(b);
}

static void pb_begin(struct bld *b, uint16_t ifid, uint64_t ts,
		     uint32_t caplen, uint32_t wirelen)
{
	blk_begin(b, PB);
	put16(b, ifid);
	put16(b, 0); /* drops */
	put32(b, (uint32_t)(ts >> 32));
	put32(b, (uint32_t)ts);
	put32(b, caplen);
	put32(b, wirelen);
	put_pattern(b, caplen);
	pad4(b);
}

/* An SPB carrying `room` bytes of data (before padding). */
static void spb(struct bld *b, uint32_t wirelen, uint32_t room)
{
	blk_begin(b, SPB);
	put32(b, wirelen);
	put_pattern(b, room);
	blk_end(b);
}

static void other_block(struct bld *b, uint32_t type, size_t n)
{
	blk_begin(b, type);
	for (size_t i = 0; i < n; i++)
		put8(b, (uint8_t)i);
	blk_end(b);
}

/* ------------------------------------------------------------------ */
/* Driver                                                              */

#define MAXREC 64

struct got {
	size_t n;
	size_t skips;
	struct cap_record r[MAXREC];
	char name[MAXREC][CAP_MAX_IFNAME];
	bool ok;                 /* cap_parser_finish() said clean */
	bool failed_in_next;     /* CAP_ERROR from cap_parser_next() */
	char error[160];
	uint64_t error_offset;
	enum cap_format format;
	bool swapped;
	bool nanosecond;
	uint32_t linktype;
	uint32_t snaplen;
};

/*
 * Parses f[0..flen).  step 0 hands over everything at once; step 1 starts
 * with nothing and adds one byte after each CAP_NEED_MORE, which is the
 * worst a pipe can do.  Checks the contract on the way: `used` and
 * p.offset agree, `need` is more than was given and within CAP_MAX_BLOCK,
 * an error is sticky.
 */
static void run_step(const uint8_t *f, size_t flen, size_t step,
		     struct got *g)
{
	struct cap_parser p;
	size_t off = 0, have = step ? 0 : flen;

	memset(g, 0, sizeof(*g));
	cap_parser_init(&p);
	for (;;) {
		struct cap_record r;
		size_t used = 99, need = 99;

		if (have > flen - off)
			have = flen - off;
		enum cap_status st = cap_parser_next(&p, f + off, have, &used,
						     &need, &r);
		if (st == CAP_RECORD || st == CAP_SKIP) {
			assert_true(used > 0);
			assert_true(used <= have);
			off += used;
			have -= used;
			assert_int_equal(p.offset, off);
			if (!step)
				have = flen - off;
		}
		if (st == CAP_RECORD) {
			assert_true(g->n < MAXREC);
			assert_int_equal(p.records, g->n + 1);
			assert_true(r.data >= f && r.data + r.caplen <= f + off);
			assert_true(r.wirelen >= r.caplen);
			assert_true(r.ts_nsec < 1000000000u);
			g->r[g->n] = r;
			if (r.if_name)
				snprintf(g->name[g->n], CAP_MAX_IFNAME, "%s",
					 r.if_name);
			g->n++;
		} else if (st == CAP_SKIP) {
			g->skips++;
		} else if (st == CAP_NEED_MORE) {
			assert_int_equal(used, 0);
			assert_true(need > have);
			assert_true(need <= CAP_MAX_BLOCK);
			assert_int_equal(p.offset, off);
			if (off + have == flen) {
				g->ok = cap_parser_finish(&p, have);
				break;
			}
			have += step ? step : flen;
		} else {
			assert_int_equal(st, CAP_ERROR);
			assert_true(p.error[0] != '\0');
			g->failed_in_next = true;
			/* Sticky: the same call fails again, and so does
			 * finishing. */
			assert_int_equal(cap_parser_next(&p, f + off, have,
							 &used, &need, &r),
					 CAP_ERROR);
			assert_false(cap_parser_finish(&p, have));
			break;
		}
	}
	if (!g->ok)
		assert_true(p.error[0] != '\0');
	snprintf(g->error, sizeof(g->error), "%s", p.error);
	g->error_offset = p.error_offset;
	g->format = p.format;
	g->swapped = p.swapped;
	g->nanosecond = p.nanosecond;
	g->linktype = p.linktype;
	g->snaplen = p.snaplen;
	cap_parser_free(&p);
}

static void same_result(const struct got *a, const struct got *b)
{
	assert_int_equal(a->n, b->n);
	assert_int_equal(a->skips, b->skips);
	assert_int_equal(a->ok, b->ok);
	assert_string_equal(a->error, b->error);
	assert_int_equal(a->error_offset, b->error_offset);
	for (size_t i = 0; i < a->n; i++) {
		const struct cap_record *x = &a->r[i], *y = &b->r[i];
		assert_int_equal(x->ts_sec, y->ts_sec);
		assert_int_equal(x->ts_nsec, y->ts_nsec);
		assert_int_equal(x->caplen, y->caplen);
		assert_int_equal(x->wirelen, y->wirelen);
		assert_ptr_equal(x->data, y->data);
		assert_int_equal(x->linktype, y->linktype);
		assert_int_equal(x->interface_id, y->interface_id);
		assert_int_equal(x->if_name == NULL, y->if_name == NULL);
		assert_string_equal(a->name[i], b->name[i]);
		assert_int_equal(x->direction, y->direction);
		assert_int_equal(x->offset, y->offset);
	}
}

/* Parses whole and byte by byte; both must agree.  Result in *g. */
static void run(const struct bld *b, struct got *g)
{
	struct got *bytewise = malloc(sizeof(*bytewise));

	assert_non_null(bytewise);
	run_step(b->d, b->len, 0, g);
	run_step(b->d, b->len, 1, bytewise);
	same_result(g, bytewise);
	free(bytewise);
}

static void expect_error(const struct bld *b, const char *msg,
			 uint64_t offset)
{
	struct got *g = malloc(sizeof(*g));

	assert_non_null(g);
	run(b, g);
	assert_false(g->ok);
	if (strcmp(g->error, msg) != 0)
		print_error("got error \"%s\"\n", g->error);
	assert_string_equal(g->error, msg);
	assert_int_equal(g->error_offset, offset);
	free(g);
}

static void check_rec(const struct cap_record *r, int64_t sec, uint32_t nsec,
		      uint32_t caplen, uint32_t wirelen, uint32_t linktype,
		      uint64_t offset)
{
	assert_int_equal(r->ts_sec, sec);
	assert_int_equal(r->ts_nsec, nsec);
	assert_int_equal(r->caplen, caplen);
	assert_int_equal(r->wirelen, wirelen);
	assert_int_equal(r->linktype, linktype);
	assert_int_equal(r->offset, offset);
	for (uint32_t i = 0; i < caplen; i++)
		assert_int_equal(r->data[i], pat(caplen, i));
}

/* The pattern of a block whose data was written by put_pattern(room)
 * but only caplen bytes are reported (SPB with a snap length). */
static void check_prefix(const struct cap_record *r, uint32_t room)
{
	for (uint32_t i = 0; i < r->caplen; i++)
		assert_int_equal(r->data[i], pat(room, i));
}

/* ------------------------------------------------------------------ */
/* Classic pcap                                                        */

static void build_pcap(struct bld *b, bool be, uint32_t magic)
{
	b_init(b, be);
	/* Upper bits of the link type carry the FCS length (here 3 bytes +
	 * F bit, as in tcpdump's stp-heapoverflow files): not the link. */
	pcap_header(b, magic, 65535, 0x30000001u);
	pcap_rec(b, 1700000000u, 123456, 60, 60);
	pcap_rec(b, 1700000001u, 999999, 64, 1514);
	pcap_rec(b, 4000000000u, 7, 0, 0);        /* after 2038 */
	pcap_rec(b, 1700000002u, 1500000, 10, 5); /* odd but seen */
}

static void check_pcap_us(const struct got *g, bool be)
{
	assert_true(g->ok);
	assert_int_equal(g->format, CAP_FORMAT_PCAP);
	assert_int_equal(g->swapped, be);
	assert_false(g->nanosecond);
	assert_int_equal(g->linktype, LINKTYPE_ETHERNET);
	assert_int_equal(g->snaplen, 65535);
	assert_int_equal(g->n, 4);
	assert_int_equal(g->skips, 1);
	check_rec(&g->r[0], 1700000000, 123456000, 60, 60, 1, 24);
	check_rec(&g->r[1], 1700000001, 999999000, 64, 1514, 1, 100);
	check_rec(&g->r[2], 4000000000, 7000, 0, 0, 1, 180);
	/* frac >= 10^6 carries; caplen > wirelen keeps wirelen >= caplen */
	check_rec(&g->r[3], 1700000003, 500000000, 10, 10, 1, 196);
	for (size_t i = 0; i < g->n; i++) {
		assert_int_equal(g->r[i].interface_id, 0);
		assert_null(g->r[i].if_name);
		assert_int_equal(g->r[i].direction, CAP_DIR_UNKNOWN);
	}
}

static void test_pcap_le(void **state)
{
	struct bld b;
	struct got g;

	(void)state;
	build_pcap(&b, false, 0xa1b2c3d4u);
	assert_int_equal(b.d[0], 0xd4); /* really little-endian on disk */
	run(&b, &g);
	check_pcap_us(&g, false);
	b_free(&b);
}

static void test_pcap_be(void **state)
{
	struct bld b;
	struct got g;

	(void)state;
	build_pcap(&b, true, 0xa1b2c3d4u);
	assert_int_equal(b.d[0], 0xa1);
	run(&b, &g);
	check_pcap_us(&g, true);
	b_free(&b);
}

static void test_pcap_nanosecond(void **state)
{
	(void)state;
	for (int be = 0; be <= 1; be++) {
		struct bld b;
		struct got g;

		b_init(&b, be);
		pcap_header(&b, 0xa1b23c4du, 262144, LINKTYPE_LINUX_SLL);
		pcap_rec(&b, 1700000000u, 999999999, 20, 20);
		pcap_rec(&b, 1700000000u, 1000000001, 21, 22);
		run(&b, &g);
		assert_true(g.ok);
		assert_true(g.nanosecond);
		assert_int_equal(g.swapped, be);
		assert_int_equal(g.n, 2);
		check_rec(&g.r[0], 1700000000, 999999999, 20, 20, 113, 24);
		check_rec(&g.r[1], 1700000001, 1, 21, 22, 113, 60);
		b_free(&b);
	}
}

static void test_pcap_header_only(void **state)
{
	struct bld b;
	struct got g;

	(void)state;
	b_init(&b, false);
	pcap_header(&b, 0xa1b2c3d4u, 65535, 1);
	run(&b, &g);
	assert_true(g.ok);
	assert_int_equal(g.n, 0);
	assert_int_equal(g.format, CAP_FORMAT_PCAP);
	b_free(&b);
}

static void test_pcap_caplen_limit(void **state)
{
	struct bld b;
	struct got g;

	(void)state;
	/* Exactly the limit is fine. */
	b_init(&b, false);
	pcap_header(&b, 0xa1b2c3d4u, 65535, 1);
	pcap_rec(&b, 1, 2, CAP_MAX_RECORD, CAP_MAX_RECORD);
	run_step(b.d, b.len, 0, &g);
	assert_true(g.ok);
	assert_int_equal(g.n, 1);
	assert_int_equal(g.r[0].caplen, CAP_MAX_RECORD);
	b_free(&b);

	/* One more is an error, before any data is asked for. */
	b_init(&b, true);
	pcap_header(&b, 0xa1b2c3d4u, 65535, 1);
	pcap_rec(&b, 1, 2, 60, 60);
	put32(&b, 1);
	put32(&b, 2);
	put32(&b, CAP_MAX_RECORD + 1);
	put32(&b, 60);
	expect_error(&b, "record at offset 100 has captured length 262145 "
		     "(more than the 262144-byte limit)", 100);
	b_free(&b);

	b_init(&b, false);
	pcap_header(&b, 0xa1b2c3d4u, 65535, 1);
	put32(&b, 1);
	put32(&b, 2);
	put32(&b, UINT32_MAX);
	put32(&b, 60);
	expect_error(&b, "record at offset 24 has captured length 4294967295 "
		     "(more than the 262144-byte limit)", 24);
	b_free(&b);
}

static void test_pcap_bad_version(void **state)
{
	struct bld b;

	(void)state;
	b_init(&b, false);
	put32(&b, 0xa1b2c3d4u);
	put16(&b, 1);
	put16(&b, 0);
	for (int i = 0; i < 4; i++)
		put32(&b, 0);
	expect_error(&b, "pcap file has version 1.0 (only 2.x is supported)",
		     0);
	b_free(&b);
}

/* ------------------------------------------------------------------ */
/* File-level errors                                                   */

static void test_bad_magic(void **state)
{
	static const char text[] = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
	struct bld b;
	struct cap_parser p;
	struct cap_record r;
	size_t used, need;

	(void)state;
	/* Four bytes are enough to say no. */
	cap_parser_init(&p);
	assert_int_equal(cap_parser_next(&p, (const uint8_t *)text, 4, &used,
					 &need, &r), CAP_ERROR);
	assert_string_equal(p.error, "not a pcap or pcapng file (it starts "
			    "with 0x47455420)");
	assert_int_equal(p.error_offset, 0);
	cap_parser_free(&p);

	b_init(&b, false);
	put_bytes(&b, text, sizeof(text) - 1);
	expect_error(&b, "not a pcap or pcapng file (it starts with "
		     "0x47455420)", 0);
	b_free(&b);
}

static void test_empty(void **state)
{
	struct cap_parser p;
	struct cap_record r;
	size_t used, need;

	(void)state;
	cap_parser_init(&p);
	assert_int_equal(cap_parser_next(&p, NULL, 0, &used, &need, &r),
			 CAP_NEED_MORE);
	assert_int_equal(need, 4);
	assert_false(cap_parser_finish(&p, 0));
	assert_string_equal(p.error, "empty file");
	assert_int_equal(p.error_offset, 0);
	cap_parser_free(&p);
}

static void test_short_file_header(void **state)
{
	struct bld b;

	(void)state;
	b_init(&b, false);
	put8(&b, 0xd4);
	put8(&b, 0xc3);
	expect_error(&b, "not a pcap or pcapng file (2 bytes, too short for "
		     "a file header)", 0);
	put8(&b, 0xb2);
	put8(&b, 0xa1);
	put32(&b, 0x00040002u);
	put16(&b, 0);
	expect_error(&b, "not a pcap or pcapng file (10 bytes, too short for "
		     "a file header)", 0);
	b_free(&b);

	/* pcapng: a section header block cut before its minimum 28 bytes */
	b_init(&b, false);
	shb(&b);
	b.len = 20;
	expect_error(&b, "not a pcap or pcapng file (20 bytes, too short for "
		     "a file header)", 0);
	b.len = 8;
	expect_error(&b, "not a pcap or pcapng file (8 bytes, too short for "
		     "a file header)", 0);
	b_free(&b);
}

static void test_truncated_record_header(void **state)
{
	struct bld b;

	(void)state;
	b_init(&b, false);
	pcap_header(&b, 0xa1b2c3d4u, 65535, 1);
	pcap_rec(&b, 1, 2, 3, 3);
	size_t at = b.len;
	pcap_rec(&b, 1, 2, 60, 60);
	b.len = at + 10;
	expect_error(&b, "truncated record header at offset 43: need 16 "
		     "bytes, file ends after 10", 43);
	b_free(&b);
}

static void test_truncated_record_data(void **state)
{
	struct bld b;
	struct got g;

	(void)state;
	b_init(&b, true);
	pcap_header(&b, 0xa1b2c3d4u, 65535, 1);
	pcap_rec(&b, 1, 2, 1514, 1514);
	b.len = 24 + 16 + 100;
	expect_error(&b, "truncated record at offset 24: header says 1514 "
		     "bytes, file ends after 100", 24);
	b.len = 24 + 16;
	expect_error(&b, "truncated record at offset 24: header says 1514 "
		     "bytes, file ends after 0", 24);
	b.len = 24 + 16 + 1514;
	run(&b, &g);
	assert_true(g.ok);
	b_free(&b);
}

/* ------------------------------------------------------------------ */
/* Length boundaries: exactly enough vs one short                      */

/*
 * Feeds prefixes of the item at f[pre..pre+itemlen) to a parser that has
 * already consumed f[0..pre).  at[] holds pairs {below, need}: a prefix
 * shorter than `below` (and not shorter than the previous pair's) must get
 * CAP_NEED_MORE with exactly `need`; the whole item must be consumed in
 * one call.
 */
static void boundaries(const uint8_t *f, size_t pre, size_t itemlen,
		       const size_t *at, size_t n_at, enum cap_status whole)
{
	for (size_t k = 0; k <= itemlen; k++) {
		struct cap_parser p;
		struct cap_record r;
		size_t off = 0, used, need;

		cap_parser_init(&p);
		while (off < pre) {
			enum cap_status st = cap_parser_next(&p, f + off,
							     pre - off, &used,
							     &need, &r);
			assert_true(st == CAP_SKIP || st == CAP_RECORD);
			off += used;
		}
		assert_int_equal(off, pre);
		enum cap_status st = cap_parser_next(&p, f + pre, k, &used,
						     &need, &r);
		if (k == itemlen) {
			assert_int_equal(st, whole);
			assert_int_equal(used, itemlen);
		} else {
			size_t want = 0;
			for (size_t i = 0; i + 1 < n_at && !want; i += 2)
				if (k < at[i])
					want = at[i + 1];
			if (st != CAP_NEED_MORE || need != want)
				print_error("prefix %zu: status %d need %zu, "
					    "want %zu\n", k, st, need, want);
			assert_int_equal(st, CAP_NEED_MORE);
			assert_int_equal(need, want);
			assert_int_equal(used, 0);
			assert_int_equal(p.offset, pre);
		}
		cap_parser_free(&p);
	}
}

static void test_boundaries_pcap(void **state)
{
	struct bld b;

	(void)state;
	b_init(&b, false);
	pcap_header(&b, 0xa1b2c3d4u, 65535, 1);
	pcap_rec(&b, 1, 2, 33, 33);
	pcap_rec(&b, 1, 2, 0, 0);
	const size_t hdr[] = { 4, 4, 24, 24 };
	boundaries(b.d, 0, 24, hdr, 4, CAP_SKIP);
	const size_t rec[] = { 16, 16, 49, 49 };
	boundaries(b.d, 24, 49, rec, 4, CAP_RECORD);
	const size_t empty_rec[] = { 16, 16 };
	boundaries(b.d, 73, 16, empty_rec, 2, CAP_RECORD);
	b_free(&b);
}

static void test_boundaries_pcapng(void **state)
{
	(void)state;
	for (int be = 0; be <= 1; be++) {
		struct bld b;

		b_init(&b, be);
		shb(&b);
		size_t s1 = b.len;
		idb(&b, 1, 0);
		size_t s2 = b.len;
		epb(&b, 0, 1, 5);
		size_t s3 = b.len;
		shb(&b);
		size_t s4 = b.len;

		/* The magic first, then type + length + byte-order magic */
		const size_t first[] = { 4, 4, 12, 12, s1, s1 };
		boundaries(b.d, 0, s1, first, 6, CAP_SKIP);
		const size_t blk_idb[] = { 8, 8, s2 - s1, s2 - s1 };
		boundaries(b.d, s1, s2 - s1, blk_idb, 4, CAP_SKIP);
		const size_t blk_epb[] = { 8, 8, s3 - s2, s3 - s2 };
		boundaries(b.d, s2, s3 - s2, blk_epb, 4, CAP_RECORD);
		/* A later SHB: once its type is seen, 12 bytes are needed
		 * to know the byte order of its length. */
		const size_t second[] = { 4, 8, 12, 12, s4 - s3, s4 - s3 };
		boundaries(b.d, s3, s4 - s3, second, 6, CAP_SKIP);
		b_free(&b);
	}
}

/* ------------------------------------------------------------------ */
/* pcapng                                                              */

/*
 * Two sections (the second in the other byte order), three interfaces of
 * different resolutions and offsets, EPB/SPB/PB with and without flags,
 * and blocks that must be skipped.
 */
static void build_ng(struct bld *b, bool be)
{
	b_init(b, be);
	shb(b);
	idb_begin(b, LINKTYPE_ETHERNET, 0);          /* if 0: default us */
	opt_str(b, 2, "eth0");
	opt_end(b);
	blk_end(b);
	idb_begin(b, LINKTYPE_ETHERNET, 65535);      /* if 1: ns, +100 s */
	opt_str(b, 1, "a comment");
	opt_str(b, 2, "vnet0");
	opt_u8(b, 9, 9);
	opt_u64(b, 14, 100);
	opt_end(b);
	blk_end(b);
	idb_begin(b, LINKTYPE_LINUX_SLL, 128);       /* if 2: 2^-10, -1 h */
	opt_u8(b, 9, 0x80 | 10);
	opt_u64(b, 14, (uint64_t)-3600);
	blk_end(b);                                  /* no opt_endofopt */
	other_block(b, NRB, 20);
	epb_begin(b, 0, UINT64_C(1700000000123456), 60, 60);
	opt_u32(b, 2, 1);                            /* inbound */
	opt_end(b);
	blk_end(b);
	epb_begin(b, 1, UINT64_C(1700000000999999999), 61, 100);
	opt_u32(b, 2, 2 | 0x10);                     /* outbound, + junk */
	blk_end(b);
	epb(b, 2, UINT64_C(1700000000) * 1024 + 1, 3);
	other_block(b, ISB, 16);
	other_block(b, 0x00000bad, 4);
	other_block(b, 0x80000001u, 0);              /* local use */
	epb_begin(b, 0, 0, 7, 7);
	opt_str(b, 1, "comment before flags");
	opt_u32(b, 2, 3);                            /* 11: invalid */
	opt_end(b);
	blk_end(b);
	spb(b, 50, 50);
	pb_begin(b, 1, UINT64_C(2000000000000000000), 20, 20);
	opt_u32(b, 2, 1);
	opt_end(b);
	blk_end(b);

	b->be = !be;
	shb(b);
	idb_begin(b, LINKTYPE_LINUX_SLL2, 64);
	opt_str(b, 2, "br0");
	opt_u8(b, 9, 0x80 | 30);
	opt_end(b);
	blk_end(b);
	epb(b, 0, UINT64_C(5) << 30 | UINT64_C(1) << 29, 9);
	spb(b, 100, 100);
	b->be = be;
}

static void check_ng(const struct got *g, bool be)
{
	assert_true(g->ok);
	assert_int_equal(g->format, CAP_FORMAT_PCAPNG);
	assert_int_equal(g->swapped, !be); /* of the last section */
	assert_int_equal(g->n, 8);
	/* SHB, 3 IDB, NRB, ISB, custom, local; SHB, IDB */
	assert_int_equal(g->skips, 10);

	const struct cap_record *r = g->r;
	check_rec(&r[0], 1700000000, 123456000, 60, 60, 1, r[0].offset);
	assert_int_equal(r[0].interface_id, 0);
	assert_string_equal(g->name[0], "eth0");
	assert_int_equal(r[0].direction, CAP_DIR_IN);

	check_rec(&r[1], 1700000100, 999999999, 61, 100, 1, r[1].offset);
	assert_int_equal(r[1].interface_id, 1);
	assert_string_equal(g->name[1], "vnet0");
	assert_int_equal(r[1].direction, CAP_DIR_OUT);

	/* 1/1024 s = 976562.5 ns, rounded down */
	check_rec(&r[2], 1700000000 - 3600, 976562, 3, 3, 113, r[2].offset);
	assert_int_equal(r[2].interface_id, 2);
	assert_null(r[2].if_name);
	assert_int_equal(r[2].direction, CAP_DIR_UNKNOWN);

	check_rec(&r[3], 0, 0, 7, 7, 1, r[3].offset);
	assert_int_equal(r[3].direction, CAP_DIR_UNKNOWN);

	/* SPB: interface 0, no time, caplen = wirelen here */
	check_rec(&r[4], 0, 0, 50, 50, 1, r[4].offset);
	assert_int_equal(r[4].interface_id, 0);
	assert_string_equal(g->name[4], "eth0");

	/* obsolete PB on interface 1: ns resolution, +100 s */
	check_rec(&r[5], 2000000100, 0, 20, 20, 1, r[5].offset);
	assert_int_equal(r[5].interface_id, 1);
	assert_int_equal(r[5].direction, CAP_DIR_IN);

	/* second section: interfaces start over */
	check_rec(&r[6], 5, 500000000, 9, 9, 276, r[6].offset);
	assert_int_equal(r[6].interface_id, 0);
	assert_string_equal(g->name[6], "br0");

	/* SPB cut to the interface's snaplen 64 */
	assert_int_equal(r[7].caplen, 64);
	assert_int_equal(r[7].wirelen, 100);
	check_prefix(&r[7], 100);
	assert_int_equal(r[7].linktype, 276);

	for (size_t i = 1; i < g->n; i++)
		assert_true(r[i].offset > r[i - 1].offset);
}

static void test_pcapng_le(void **state)
{
	struct bld b;
	struct got g;

	(void)state;
	build_ng(&b, false);
	assert_int_equal(b.d[8], 0x4d); /* byte-order magic, little-endian */
	run(&b, &g);
	check_ng(&g, false);
	b_free(&b);
}

static void test_pcapng_be(void **state)
{
	struct bld b;
	struct got g;

	(void)state;
	build_ng(&b, true);
	assert_int_equal(b.d[8], 0x1a);
	run(&b, &g);
	check_ng(&g, true);
	b_free(&b);
}

static void test_pcapng_record_offsets(void **state)
{
	struct bld b;
	struct got g;

	(void)state;
	b_init(&b, false);
	shb(&b);
	idb(&b, 1, 0);
	size_t at = b.len;
	epb(&b, 0, 0, 14);
	run(&b, &g);
	assert_int_equal(g.n, 1);
	assert_int_equal(g.r[0].offset, at);
	assert_ptr_equal(g.r[0].data, b.d + at + 28);
	b_free(&b);
}

/* One interface with resolution byte `tsresol` and the given offset, one
 * EPB at ts; returns the record's time. */
static void ts_case(uint8_t tsresol, int64_t tsoffset, uint64_t ts,
		    int64_t want_sec, uint32_t want_nsec)
{
	struct bld b;
	struct got g;

	b_init(&b, false);
	shb(&b);
	idb_begin(&b, 1, 0);
	opt_u8(&b, 9, tsresol);
	opt_u64(&b, 14, (uint64_t)tsoffset);
	opt_end(&b);
	blk_end(&b);
	epb(&b, 0, ts, 1);
	run_step(b.d, b.len, 0, &g);
	assert_true(g.ok);
	assert_int_equal(g.n, 1);
	if (g.r[0].ts_sec != want_sec || g.r[0].ts_nsec != want_nsec)
		print_error("tsresol 0x%02x ts %llu: got %lld.%09u\n",
			    tsresol, (unsigned long long)ts,
			    (long long)g.r[0].ts_sec, g.r[0].ts_nsec);
	assert_int_equal(g.r[0].ts_sec, want_sec);
	assert_int_equal(g.r[0].ts_nsec, want_nsec);
	b_free(&b);
}

static void test_pcapng_timestamps(void **state)
{
	(void)state;
	ts_case(6, 0, UINT64_C(1700000000123456), 1700000000, 123456000);
	ts_case(9, 0, UINT64_C(1700000000999999999), 1700000000, 999999999);
	ts_case(3, 0, 1500, 1, 500000000);
	ts_case(0, 0, 42, 42, 0);                       /* seconds */
	ts_case(0x80, 0, 7, 7, 0);                      /* 2^0 */
	ts_case(0x81, 0, 3, 1, 500000000);              /* 2^-1 */
	ts_case(0x80 | 10, 0, 1024 + 512, 1, 500000000);
	ts_case(0x80 | 30, 0, (UINT64_C(5) << 30) + (UINT64_C(1) << 29), 5,
		500000000);
	ts_case(0x80 | 34, 0, (UINT64_C(1) << 34) + (UINT64_C(1) << 33), 1,
		500000000);
	/* The largest counts: (2^63-1)/2^63 s and 0.8446744073709551615 s */
	ts_case(0x80 | 63, 0, UINT64_MAX, 1, 999999999);
	ts_case(19, 0, UINT64_MAX, 1, 844674407);
	ts_case(12, 0, UINT64_C(1700000000123456789), 1700000, 123456);
	/* if_tsoffset, both signs, and saturation instead of overflow */
	ts_case(6, -5, 3000000, -2, 0);
	ts_case(6, 1000, 1, 1000, 1000);
	ts_case(6, INT64_MAX, UINT64_C(2000000), INT64_MAX, 0);
	ts_case(6, INT64_MIN, 0, INT64_MIN, 0);
	ts_case(6, INT64_MIN, UINT64_C(1000000), INT64_MIN + 1, 0);
	ts_case(0, 0, UINT64_MAX, INT64_MAX, 0);
}

#ifdef __SIZEOF_INT128__
/*
 * Every power-of-two and power-of-ten resolution against a 128-bit
 * reference on pseudo-random counts.
 */
static void test_pcapng_timestamps_exhaustive(void **state)
{
	struct bld b;
	struct got *g = malloc(sizeof(*g));
	uint64_t x = UINT64_C(0x9e3779b97f4a7c15);

	(void)state;
	assert_non_null(g);
	for (int r = 0; r < 64 + 20; r++) {
		uint8_t code = r < 64 ? (uint8_t)(0x80 | r) : (uint8_t)(r - 64);
		unsigned __int128 units = 1;
		for (int i = 0; i < (r < 64 ? r : r - 64); i++)
			units *= r < 64 ? 2 : 10;
		uint64_t ts[MAXREC];

		b_init(&b, r & 1);
		shb(&b);
		idb_begin(&b, 1, 0);
		opt_u8(&b, 9, code);
		blk_end(&b);
		for (size_t i = 0; i < MAXREC; i++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			ts[i] = x >> (i % 64);
			epb(&b, 0, ts[i], 0);
		}
		run_step(b.d, b.len, 0, g);
		assert_true(g->ok);
		assert_int_equal(g->n, MAXREC);
		for (size_t i = 0; i < MAXREC; i++) {
			unsigned __int128 sec = ts[i] / units;
			unsigned __int128 rem = ts[i] % units;
			uint64_t ns = (uint64_t)(rem * 1000000000u / units);
			int64_t s = sec > INT64_MAX ? INT64_MAX : (int64_t)sec;
			assert_int_equal(g->r[i].ts_sec, s);
			assert_int_equal(g->r[i].ts_nsec, ns);
		}
		b_free(&b);
	}
	free(g);
}
#endif

static void test_pcapng_if_name(void **state)
{
	struct bld b;
	struct got g;
	char longname[301];

	(void)state;
	memset(longname, 'x', 300);
	longname[300] = '\0';
	b_init(&b, false);
	shb(&b);
	idb_begin(&b, 1, 0);
	opt_str(&b, 2, longname);              /* kept to CAP_MAX_IFNAME-1 */
	opt_end(&b);
	blk_end(&b);
	idb_begin(&b, 1, 0);
	opt(&b, 2, "tap\0junk", 8);            /* a NUL ends it */
	opt_end(&b);
	blk_end(&b);
	idb_begin(&b, 1, 0);
	opt_str(&b, 2, "first");
	opt_str(&b, 2, "second");              /* repeated: the last wins */
	opt_end(&b);
	blk_end(&b);
	idb_begin(&b, 1, 0);
	opt(&b, 2, "", 0);                     /* empty */
	opt_end(&b);
	blk_end(&b);
	for (uint32_t i = 0; i < 4; i++)
		epb(&b, i, 0, 1);
	run(&b, &g);
	assert_true(g.ok);
	assert_int_equal(g.n, 4);
	assert_int_equal(strlen(g.r[0].if_name ? g.name[0] : ""),
			 CAP_MAX_IFNAME - 1);
	assert_memory_equal(g.name[0], longname, CAP_MAX_IFNAME - 1);
	assert_string_equal(g.name[1], "tap");
	assert_string_equal(g.name[2], "second");
	assert_non_null(g.r[3].if_name);
	assert_string_equal(g.name[3], "");
	b_free(&b);
}

static void test_pcapng_spb(void **state)
{
	struct bld b;
	struct got g;

	(void)state;
	b_init(&b, true);
	shb(&b);
	idb(&b, 1, 8);
	spb(&b, 20, 20);    /* snaplen 8 wins */
	spb(&b, 10, 12);    /* wirelen 10 wins over the room of 12 */
	spb(&b, 1500, 60);  /* the block's room wins */
	spb(&b, 0, 0);
	run(&b, &g);
	assert_true(g.ok);
	assert_int_equal(g.n, 4);
	assert_int_equal(g.r[0].caplen, 8);
	assert_int_equal(g.r[0].wirelen, 20);
	check_prefix(&g.r[0], 20);
	assert_int_equal(g.r[1].caplen, 8);
	assert_int_equal(g.r[2].caplen, 8);
	assert_int_equal(g.r[2].wirelen, 1500);
	assert_int_equal(g.r[3].caplen, 0);
	b_free(&b);

	b_init(&b, false);
	shb(&b);
	idb(&b, 1, 0);      /* snaplen 0: no limit */
	spb(&b, 10, 12);
	spb(&b, 1500, 60);
	run(&b, &g);
	assert_int_equal(g.n, 2);
	assert_int_equal(g.r[0].caplen, 10);
	check_prefix(&g.r[0], 12);
	assert_int_equal(g.r[1].caplen, 60);
	assert_int_equal(g.r[1].wirelen, 1500);
	b_free(&b);
}

static void test_pcapng_only_unknown_blocks(void **state)
{
	struct bld b;
	struct got g;

	(void)state;
	b_init(&b, false);
	shb(&b);
	other_block(&b, 0x00000bad, 0);
	other_block(&b, 10, 100); /* decryption secrets */
	run(&b, &g);
	assert_true(g.ok);
	assert_int_equal(g.n, 0);
	assert_int_equal(g.skips, 3);
	b_free(&b);
}

static void test_pcapng_max_interfaces(void **state)
{
	struct bld b;
	struct got g;

	(void)state;
	b_init(&b, false);
	shb(&b);
	for (unsigned i = 0; i < CAP_MAX_IFACES; i++)
		idb(&b, 1, 0);
	epb(&b, CAP_MAX_IFACES - 1, 0, 1);
	run_step(b.d, b.len, 0, &g);
	assert_true(g.ok);
	assert_int_equal(g.n, 1);
	assert_int_equal(g.r[0].interface_id, CAP_MAX_IFACES - 1);
	size_t at = b.len;
	idb(&b, 1, 0);
	char msg[160];
	snprintf(msg, sizeof(msg), "pcapng interface description block at "
		 "offset %zu would be interface 4096 of its section (the "
		 "limit is 4096)", at);
	run_step(b.d, b.len, 0, &g);
	assert_false(g.ok);
	assert_string_equal(g.error, msg);
	/* A new section starts counting again. */
	b.len = at;
	shb(&b);
	idb(&b, 1, 0);
	epb(&b, 0, 0, 1);
	run_step(b.d, b.len, 0, &g);
	assert_true(g.ok);
	assert_int_equal(g.n, 2);
	b_free(&b);
}

/* ------------------------------------------------------------------ */
/* pcapng errors                                                       */

static void ng_start(struct bld *b, bool be)
{
	b_init(b, be);
	shb(b);
	idb(b, 1, 0);
}

static void test_ng_len_not_multiple_of_4(void **state)
{
	struct bld b;

	(void)state;
	ng_start(&b, false);
	size_t at = b.len;
	epb(&b, 0, 0, 4);
	patch32(&b, at + 4, 7);
	char msg[160];
	snprintf(msg, sizeof(msg), "pcapng block at offset %zu has total "
		 "length 7 (not a multiple of 4)", at);
	expect_error(&b, msg, at);
	b_free(&b);
}

static void test_ng_len_too_small_or_large(void **state)
{
	struct bld b;
	char msg[160];

	(void)state;
	ng_start(&b, true);
	size_t at = b.len;
	other_block(&b, 0xbad, 0);
	patch32(&b, at + 4, 8);
	snprintf(msg, sizeof(msg), "pcapng block at offset %zu has total "
		 "length 8 (less than the minimum 12)", at);
	expect_error(&b, msg, at);
	patch32(&b, at + 4, CAP_MAX_BLOCK + 4);
	snprintf(msg, sizeof(msg), "pcapng block at offset %zu has total "
		 "length 16777220 (more than the 16777216-byte limit)", at);
	expect_error(&b, msg, at);
	patch32(&b, at + 4, 0xfffffffcu);
	snprintf(msg, sizeof(msg), "pcapng block at offset %zu has total "
		 "length 4294967292 (more than the 16777216-byte limit)", at);
	expect_error(&b, msg, at);
	b_free(&b);

	/* Block-specific minimums */
	static const struct {
		uint32_t type;
		size_t body;
		const char *name;
		unsigned min;
	} mins[] = {
		{ IDB, 4, "interface description block", 20 },
		{ EPB, 16, "enhanced packet block", 32 },
		{ PB, 16, "packet block", 32 },
		{ SPB, 0, "simple packet block", 16 },
	};
	for (size_t i = 0; i < sizeof(mins) / sizeof(mins[0]); i++) {
		ng_start(&b, i & 1);
		at = b.len;
		other_block(&b, mins[i].type, mins[i].body);
		snprintf(msg, sizeof(msg), "pcapng %s at offset %zu has total "
			 "length %zu (less than the minimum %u)", mins[i].name,
			 at, mins[i].body + 12, mins[i].min);
		expect_error(&b, msg, at);
		b_free(&b);
	}

	/* A section header block shorter than its fixed part */
	b_init(&b, false);
	shb(&b);
	at = b.len;
	blk_begin(&b, SHB);
	put32(&b, 0x1a2b3c4du);
	blk_end(&b);
	snprintf(msg, sizeof(msg), "pcapng block at offset %zu has total "
		 "length 16 (less than the minimum 28)", at);
	expect_error(&b, msg, at);
	b_free(&b);
}

static void test_ng_trailer_mismatch(void **state)
{
	struct bld b;
	char msg[160];

	(void)state;
	ng_start(&b, false);
	size_t at = b.len;
	epb(&b, 0, 0, 4);
	patch32(&b, b.len - 4, 40);
	snprintf(msg, sizeof(msg), "pcapng block at offset %zu has total "
		 "length 36 but its trailing copy says 40", at);
	expect_error(&b, msg, at);
	b_free(&b);

	/* The section header's trailer, read in the section's byte order */
	b_init(&b, true);
	shb(&b);
	patch32(&b, b.len - 4, 0);
	expect_error(&b, "pcapng block at offset 0 has total length 52 but "
		     "its trailing copy says 0", 0);
	b_free(&b);
}

static void test_ng_option_overrun(void **state)
{
	struct bld b;
	char msg[160];

	(void)state;
	/* IDB: if_name says 200 bytes, the block has 8 left */
	b_init(&b, false);
	shb(&b);
	size_t at = b.len;
	idb_begin(&b, 1, 0);
	put16(&b, 2);
	put16(&b, 200);
	put_bytes(&b, "eth0", 4);
	opt_end(&b);
	blk_end(&b);
	snprintf(msg, sizeof(msg), "pcapng interface description block at "
		 "offset %zu: option 2 at offset %zu has length 200 but only "
		 "8 bytes are left in the block", at, at + 16);
	expect_error(&b, msg, at + 16);
	b_free(&b);

	/* EPB: padding of an odd-length option runs past the end */
	ng_start(&b, true);
	at = b.len;
	epb_begin(&b, 0, 0, 4, 4);
	put16(&b, 1);
	put16(&b, 5);
	put_bytes(&b, "abcd", 4);
	blk_end(&b);
	snprintf(msg, sizeof(msg), "pcapng enhanced packet block at offset "
		 "%zu: option 1 at offset %zu has length 5 but only 4 bytes "
		 "are left in the block", at, at + 32);
	expect_error(&b, msg, at + 32);
	b_free(&b);
}

static void test_ng_bad_option_lengths(void **state)
{
	struct bld b;
	char msg[160];

	(void)state;
	b_init(&b, false);
	shb(&b);
	size_t at = b.len;
	idb_begin(&b, 1, 0);
	opt(&b, 9, "\x06\x00", 2);
	blk_end(&b);
	snprintf(msg, sizeof(msg), "pcapng interface description block at "
		 "offset %zu: if_tsresol option at offset %zu has length 2 "
		 "(not 1)", at, at + 16);
	expect_error(&b, msg, at + 16);
	b_free(&b);

	b_init(&b, true);
	shb(&b);
	at = b.len;
	idb_begin(&b, 1, 0);
	opt_u32(&b, 14, 5);
	blk_end(&b);
	snprintf(msg, sizeof(msg), "pcapng interface description block at "
		 "offset %zu: if_tsoffset option at offset %zu has length 4 "
		 "(not 8)", at, at + 16);
	expect_error(&b, msg, at + 16);
	b_free(&b);

	static const uint8_t bad_resol[] = { 20, 0x80 | 64, 0xff };
	for (size_t i = 0; i < sizeof(bad_resol); i++) {
		b_init(&b, false);
		shb(&b);
		at = b.len;
		idb_begin(&b, 1, 0);
		opt_u8(&b, 9, bad_resol[i]);
		blk_end(&b);
		snprintf(msg, sizeof(msg), "pcapng interface description "
			 "block at offset %zu: if_tsresol 0x%02x is finer "
			 "than 64 bits can count", at, bad_resol[i]);
		expect_error(&b, msg, at + 16);
		b_free(&b);
	}

	ng_start(&b, false);
	at = b.len;
	epb_begin(&b, 0, 0, 4, 4);
	opt(&b, 2, "\x01\x00", 2);
	blk_end(&b);
	snprintf(msg, sizeof(msg), "pcapng enhanced packet block at offset "
		 "%zu: flags option at offset %zu has length 2 (not 4)", at,
		 at + 32);
	expect_error(&b, msg, at + 32);
	b_free(&b);
}

static void test_ng_undefined_interface(void **state)
{
	struct bld b;
	char msg[160];

	(void)state;
	/* No interface at all */
	b_init(&b, false);
	shb(&b);
	size_t at = b.len;
	epb(&b, 0, 0, 4);
	snprintf(msg, sizeof(msg), "pcapng enhanced packet block at offset "
		 "%zu refers to interface 0, but its section defines 0", at);
	expect_error(&b, msg, at);
	b_free(&b);

	/* One interface, id 1 */
	ng_start(&b, true);
	at = b.len;
	pb_begin(&b, 1, 0, 4, 4);
	blk_end(&b);
	snprintf(msg, sizeof(msg), "pcapng packet block at offset %zu refers "
		 "to interface 1, but its section defines 1", at);
	expect_error(&b, msg, at);
	b_free(&b);

	/* Interfaces of an earlier section do not count */
	ng_start(&b, false);
	idb(&b, 1, 0);
	epb(&b, 1, 0, 4);
	shb(&b);
	idb(&b, 1, 0);
	at = b.len;
	epb(&b, 1, 0, 4);
	snprintf(msg, sizeof(msg), "pcapng enhanced packet block at offset "
		 "%zu refers to interface 1, but its section defines 1", at);
	expect_error(&b, msg, at);
	b_free(&b);

	/* SPB needs interface 0 */
	b_init(&b, true);
	shb(&b);
	at = b.len;
	spb(&b, 4, 4);
	snprintf(msg, sizeof(msg), "pcapng simple packet block at offset %zu "
		 "comes before any interface description block of its "
		 "section", at);
	expect_error(&b, msg, at);
	b_free(&b);
}

static void test_ng_caplen_overruns_block(void **state)
{
	struct bld b;
	char msg[160];

	(void)state;
	ng_start(&b, false);
	size_t at = b.len;
	epb(&b, 0, 0, 8);
	patch32(&b, at + 20, 9); /* caplen */
	snprintf(msg, sizeof(msg), "pcapng enhanced packet block at offset "
		 "%zu has captured length 9 but room for 8 bytes", at);
	expect_error(&b, msg, at);
	patch32(&b, at + 20, UINT32_MAX);
	snprintf(msg, sizeof(msg), "pcapng enhanced packet block at offset "
		 "%zu has captured length 4294967295 but room for 8 bytes",
		 at);
	expect_error(&b, msg, at);
	b_free(&b);

	/* Fits the block but not the record limit */
	ng_start(&b, true);
	at = b.len;
	epb(&b, 0, 0, CAP_MAX_RECORD + 1);
	snprintf(msg, sizeof(msg), "pcapng enhanced packet block at offset "
		 "%zu has captured length 262145 (more than the 262144-byte "
		 "limit)", at);
	struct got g;
	run_step(b.d, b.len, 0, &g);
	assert_string_equal(g.error, msg);
	b_free(&b);
}

static void test_ng_bad_section_header(void **state)
{
	struct bld b;

	(void)state;
	b_init(&b, false);
	shb(&b);
	patch32(&b, 8, 0x1a2b3c4eu);
	expect_error(&b, "pcapng section header block at offset 0 has "
		     "byte-order magic 0x1a2b3c4e (not 0x1a2b3c4d in either "
		     "order)", 8);
	b_free(&b);

	b_init(&b, true);
	shb(&b);
	b.d[12] = 0;
	b.d[13] = 2;
	expect_error(&b, "pcapng section header block at offset 0 has "
		     "version 2.0 (only 1.x is supported)", 0);
	b_free(&b);
}

static void test_ng_truncated(void **state)
{
	struct bld b;
	char msg[160];

	(void)state;
	ng_start(&b, false);
	size_t at = b.len;
	epb(&b, 0, 0, 20);
	size_t end = b.len;

	b.len = at + 5;
	snprintf(msg, sizeof(msg), "truncated pcapng block header at offset "
		 "%zu: need 8 bytes, file ends after 5", at);
	expect_error(&b, msg, at);
	b.len = at + 3;
	snprintf(msg, sizeof(msg), "truncated pcapng block header at offset "
		 "%zu: need 8 bytes, file ends after 3", at);
	expect_error(&b, msg, at);
	b.len = end - 1;
	snprintf(msg, sizeof(msg), "truncated pcapng block at offset %zu: "
		 "header says 52 bytes, file ends after 51", at);
	expect_error(&b, msg, at);
	b_free(&b);

	/* A second section header cut inside its first 12 bytes */
	ng_start(&b, true);
	at = b.len;
	shb(&b);
	b.len = at + 10;
	snprintf(msg, sizeof(msg), "truncated pcapng block header at offset "
		 "%zu: need 12 bytes, file ends after 10", at);
	expect_error(&b, msg, at);
	b_free(&b);

	/* The first section header, longer than its minimum, cut */
	b_init(&b, false);
	shb(&b);
	b.len = 40;
	expect_error(&b, "truncated pcapng block at offset 0: header says "
		     "52 bytes, file ends after 40", 0);
	b_free(&b);
}

/* ------------------------------------------------------------------ */
/* Robustness                                                          */

/* Whole vs byte-by-byte on all the good files, pcap and pcapng. */
static void test_bytewise_equals_whole(void **state)
{
	struct bld b;
	struct got g;

	(void)state;
	build_pcap(&b, true, 0xa1b23c4du);
	run(&b, &g); /* run() compares both ways */
	assert_true(g.ok);
	assert_int_equal(g.n, 4);
	b_free(&b);
	build_ng(&b, false);
	run(&b, &g);
	check_ng(&g, false);
	b_free(&b);

	/* And two bytes at a time, which splits fields differently. */
	struct got g2;
	build_ng(&b, true);
	run_step(b.d, b.len, 0, &g);
	run_step(b.d, b.len, 2, &g2);
	same_result(&g, &g2);
	b_free(&b);
}

/* Every prefix of a good file: never a crash; clean only at a boundary,
 * otherwise an error that names the cut. */
static void test_every_truncation(void **state)
{
	struct bld b;
	struct got *g = malloc(sizeof(*g));

	(void)state;
	assert_non_null(g);
	for (int ng = 0; ng <= 1; ng++) {
		if (ng)
			build_ng(&b, false);
		else
			build_pcap(&b, false, 0xa1b2c3d4u);
		size_t full = b.len, clean = 0;
		for (size_t k = 0; k <= full; k++) {
			run_step(b.d, k, 0, g);
			if (g->ok)
				clean++;
			else
				assert_true(strstr(g->error, "truncated") ||
					    strstr(g->error, "not a pcap") ||
					    strstr(g->error, "empty file"));
		}
		/* header + records, or pcapng: every block end */
		assert_int_equal(clean, ng ? 8 + 10 : 4 + 1);
		b_free(&b);
	}
	free(g);
}

/* Single-byte corruptions of a good pcapng file: the parser must end
 * (records or a clean error) without reading outside the buffer, which
 * the sanitizer build checks. */
static void test_corruptions(void **state)
{
	struct bld b;
	struct got *g = malloc(sizeof(*g));

	(void)state;
	assert_non_null(g);
	for (int be = 0; be <= 1; be++) {
		build_ng(&b, be);
		for (size_t i = 0; i < b.len; i++) {
			uint8_t orig = b.d[i];
			const uint8_t vals[] = { 0x00, 0xff, (uint8_t)(orig ^ 1),
						 (uint8_t)(orig ^ 0x80) };
			for (size_t v = 0; v < sizeof(vals); v++) {
				b.d[i] = vals[v];
				run_step(b.d, b.len, 0, g);
				assert_true(g->ok || g->error[0] != '\0');
			}
			b.d[i] = orig;
		}
		b_free(&b);
	}
	free(g);
}

static void test_free_and_reuse(void **state)
{
	struct cap_parser p;

	(void)state;
	cap_parser_init(&p);
	cap_parser_free(&p);
	cap_parser_free(&p); /* twice is harmless */
	assert_null(p.ifaces);
	assert_int_equal(p.n_ifaces, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pcap_le),
		cmocka_unit_test(test_pcap_be),
		cmocka_unit_test(test_pcap_nanosecond),
		cmocka_unit_test(test_pcap_header_only),
		cmocka_unit_test(test_pcap_caplen_limit),
		cmocka_unit_test(test_pcap_bad_version),
		cmocka_unit_test(test_bad_magic),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_short_file_header),
		cmocka_unit_test(test_truncated_record_header),
		cmocka_unit_test(test_truncated_record_data),
		cmocka_unit_test(test_boundaries_pcap),
		cmocka_unit_test(test_boundaries_pcapng),
		cmocka_unit_test(test_pcapng_le),
		cmocka_unit_test(test_pcapng_be),
		cmocka_unit_test(test_pcapng_record_offsets),
		cmocka_unit_test(test_pcapng_timestamps),
#ifdef __SIZEOF_INT128__
		cmocka_unit_test(test_pcapng_timestamps_exhaustive),
#endif
		cmocka_unit_test(test_pcapng_if_name),
		cmocka_unit_test(test_pcapng_spb),
		cmocka_unit_test(test_pcapng_only_unknown_blocks),
		cmocka_unit_test(test_pcapng_max_interfaces),
		cmocka_unit_test(test_ng_len_not_multiple_of_4),
		cmocka_unit_test(test_ng_len_too_small_or_large),
		cmocka_unit_test(test_ng_trailer_mismatch),
		cmocka_unit_test(test_ng_option_overrun),
		cmocka_unit_test(test_ng_bad_option_lengths),
		cmocka_unit_test(test_ng_undefined_interface),
		cmocka_unit_test(test_ng_caplen_overruns_block),
		cmocka_unit_test(test_ng_bad_section_header),
		cmocka_unit_test(test_ng_truncated),
		cmocka_unit_test(test_bytewise_equals_whole),
		cmocka_unit_test(test_every_truncation),
		cmocka_unit_test(test_corruptions),
		cmocka_unit_test(test_free_and_reuse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
