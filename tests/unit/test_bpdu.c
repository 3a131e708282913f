/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_bpdu.c - bpdu_decode(): Config, TCN, RST, MST (0..65 MSTIs), SPT and
 * PVST+, every length boundary, and a capture cut at every octet.
 *
 * Each BPDU is written by a builder, wrapped in an 802.3/LLC (or SNAP)
 * frame and decoded through frame_decode() from a heap block of exactly
 * caplen octets, so AddressSanitizer catches any read past the capture.
 *
 * Tests named test_* document a decoder bug: they fail until the
 * decoder is fixed (see the comment above each).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "stpwatch/bpdu.h"
#include "stpwatch/capfile.h"
#include "stpwatch/frame.h"

/* ---- byte builder ---------------------------------------------------- */

#include "bytes.h"

static void patch8(struct fb *f, size_t at, unsigned v)
{
	assert_true(at < f->n);
	f->b[at] = (uint8_t)v;
}

static void patch16(struct fb *f, size_t at, unsigned v)
{
	assert_true(at + 2 <= f->n);
	f->b[at] = (uint8_t)(v >> 8);
	f->b[at + 1] = (uint8_t)v;
}

/* ---- BPDU body writers ---------------------------------------------- */

/* Offsets in a BPDU (802.1D-2004 9.3, 802.1Q-2014 14.6). */
#define OFF_VERSION   2
#define OFF_TYPE      3
#define OFF_FLAGS     4
#define OFF_V1LEN     35
#define OFF_V3LEN     36
#define MST_BASE_LEN  102
#define SPT_PART_LEN  87   /* v4 length field and what it counts */

struct pv {                /* flags, priority vector and timers */
	uint8_t flags;
	uint64_t root;
	uint32_t cost;
	uint64_t bridge;
	uint16_t port;
	uint16_t age, max, hello, fdelay;
};

static const struct pv PV = {
	0x7e, 0x8000525400000001ULL, 200000, 0x9001525400000002ULL, 0x8003,
	0x0180, 0x1400, 0x0200, 0x0f00,
};

static const uint8_t REGION[32] = "stpwatch-lab";
#define MST_REVISION  0x1234
#define CIST_INT_COST 0x00030d41u
#define CIST_BRIDGE   0x7000525400000003ULL
#define CIST_HOPS     20

static void w_head(struct fb *f, unsigned version, unsigned type)
{
	put16(f, 0x0000);
	put8(f, version);
	put8(f, type);
}

static void w_pv(struct fb *f, const struct pv *p)
{
	put8(f, p->flags);
	put64(f, p->root);
	put32(f, p->cost);
	put64(f, p->bridge);
	put16(f, p->port);
	put16(f, p->age);
	put16(f, p->max);
	put16(f, p->hello);
	put16(f, p->fdelay);
}

static void w_tcn(struct fb *f, unsigned version)
{
	f->n = 0;
	w_head(f, version, 0x80);
}

static void w_config(struct fb *f, unsigned version, const struct pv *p)
{
	f->n = 0;
	w_head(f, version, 0x00);
	w_pv(f, p);
}

static void w_rst(struct fb *f, unsigned version, const struct pv *p)
{
	f->n = 0;
	w_head(f, version, 0x02);
	w_pv(f, p);
	put8(f, 0); /* version 1 length */
}

static void w_config_id(struct fb *f, unsigned format, const uint8_t name[32],
			unsigned rev, unsigned digest_seed)
{
	put8(f, format);
	putn(f, name, 32);
	put16(f, rev);
	for (unsigned i = 0; i < 16; i++)
		put8(f, digest_seed + i);
}

/* The MSTI record number i (0-based) the builders write. */
static struct msti_record msti_rec(unsigned i)
{
	struct msti_record m;
	m.flags = (uint8_t)(i * 29u + 0x0d);
	m.regional_root_id = (uint64_t)(0x8000u | ((i + 1) & 0xfffu)) << 48 |
			     (0x525400000000ULL + i);
	m.internal_root_path_cost = 1000u * (i + 1);
	m.bridge_priority = (uint8_t)((i % 16) << 4);
	m.port_priority = (uint8_t)(((i + 3) % 16) << 4);
	m.remaining_hops = (uint8_t)(20 - i % 20);
	return m;
}

/* MST BPDU (version 3 unless told) with n MSTI records and `ragged` extra octets in v3 length. */
static void w_mst(struct fb *f, unsigned version, const struct pv *p, unsigned n, unsigned ragged)
{
	f->n = 0;
	w_head(f, version, 0x02);
	w_pv(f, p);
	put8(f, 0);
	put16(f, 64 + 16 * n + ragged);
	w_config_id(f, 0, REGION, MST_REVISION, 0xa0);
	put32(f, CIST_INT_COST);
	put64(f, CIST_BRIDGE);
	put8(f, CIST_HOPS);
	for (unsigned i = 0; i < n; i++) {
		struct msti_record m = msti_rec(i);
		put8(f, m.flags);
		put64(f, m.regional_root_id);
		put32(f, m.internal_root_path_cost);
		put8(f, m.bridge_priority);
		put8(f, m.port_priority);
		put8(f, m.remaining_hops);
	}
	for (unsigned i = 0; i < ragged; i++)
		put8(f, 0xee);
}

static const uint8_t AUX_NAME[32] = "aux";
#define AGREEMENT_OCTET      0xcc
#define AGREEMENT_FORMAT     0x21
#define AGREEMENT_CONVENTION 0x34
#define AGREEMENT_EDGES      0x0105

/* SPT BPDU: an MST BPDU of version 4 followed by the v4 fields. */
static void w_spt(struct fb *f, const struct pv *p, unsigned n, unsigned v4_length)
{
	w_mst(f, 4, p, n, 0);
	put16(f, v4_length);
	w_config_id(f, 1, AUX_NAME, 0x0102, 0xb0);
	put8(f, AGREEMENT_OCTET);
	put8(f, 0);
	put8(f, AGREEMENT_FORMAT);
	put8(f, AGREEMENT_CONVENTION);
	put16(f, AGREEMENT_EDGES);
	for (unsigned i = 0; i < 8; i++)
		put8(f, 0);
	for (unsigned i = 0; i < 20; i++)
		put8(f, 0xc0 + i);
}

/* The PVST+ originating-VLAN TLV: type 0, length 2, VLAN. */
static void w_pvst_tlv(struct fb *f, unsigned type, unsigned len, unsigned vlan)
{
	put16(f, type);
	put16(f, len);
	put16(f, vlan);
}

/* ---- framing and decoding ------------------------------------------- */

static const uint8_t MAC_STP[6] = { 0x01, 0x80, 0xc2, 0x00, 0x00, 0x00 };
static const uint8_t MAC_PVST[6] = { 0x01, 0x00, 0x0c, 0xcc, 0xcc, 0xcd };
static const uint8_t MAC_SRC[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };

/*
 * Decodes `body` as the BPDU of an 802.3 frame whose length field declares
 * `declared` BPDU octets, captured up to `cut` BPDU octets.  The frame is
 * copied into a heap block of exactly the captured size.
 */
static void run(struct bpdu *b, const struct fb *body, uint32_t declared, size_t cut, bool pvst)
{
	struct fb fr = { .n = 0 };
	size_t hdr = pvst ? 22 : 17;
	putn(&fr, pvst ? MAC_PVST : MAC_STP, 6);
	putn(&fr, MAC_SRC, 6);
	put16(&fr, (unsigned)(hdr - 14 + declared));
	if (pvst) {
		put8(&fr, 0xaa); put8(&fr, 0xaa); put8(&fr, 0x03);
		put8(&fr, 0x00); put16(&fr, 0x000c); put16(&fr, 0x010b);
	} else {
		put8(&fr, 0x42); put8(&fr, 0x42); put8(&fr, 0x03);
	}
	putn(&fr, body->b, body->n);

	assert_true(cut <= body->n);
	size_t caplen = hdr + cut;
	size_t wirelen = hdr + (body->n > declared ? body->n : declared);
	uint8_t *p = malloc(caplen);
	assert_non_null(p);
	memcpy(p, fr.b, caplen);

	struct frame f;
	frame_decode(&f, LINKTYPE_ETHERNET, p, (uint32_t)caplen, (uint32_t)wirelen);
	assert_int_equal(f.status, FRAME_OK);
	assert_int_equal(f.payload_kind, pvst ? PAYLOAD_PVST : PAYLOAD_STP);
	assert_int_equal(f.payload_declared, declared);
	bpdu_decode(b, &f);
	free(p);
	assert_int_equal(b->length, declared);
	assert_true(b->pvst == pvst);
	if (b->status == BPDU_OK)
		assert_null(b->reason);
	else
		assert_non_null(b->reason);
}

static void run_whole(struct bpdu *b, const struct fb *body)
{
	run(b, body, (uint32_t)body->n, body->n, false);
}

static void run_declared(struct bpdu *b, const struct fb *body, uint32_t declared)
{
	run(b, body, declared, body->n < declared ? body->n : declared, false);
}

/* ---- expectations --------------------------------------------------- */

enum kind { K_TCN, K_CONFIG, K_RST, K_MST, K_SPT };

#define HAVE_V3_ALL (BPDU_HAVE_VERSION | BPDU_HAVE_TYPE | BPDU_HAVE_FLAGS | \
		     BPDU_HAVE_PRIORITY | BPDU_HAVE_TIMERS)

/* Which field groups a BPDU of this kind, captured up to `cut` octets, has whole. */
static unsigned expected_have(enum kind k, size_t cut, unsigned nrec, size_t full)
{
	unsigned h = 0;
	if (cut >= 3)
		h |= BPDU_HAVE_VERSION;
	if (cut >= 4)
		h |= BPDU_HAVE_TYPE;
	if (k == K_TCN)
		return h;
	if (cut >= 5)
		h |= BPDU_HAVE_FLAGS;
	if (cut >= 27)
		h |= BPDU_HAVE_PRIORITY;
	if (cut >= 35)
		h |= BPDU_HAVE_TIMERS;
	if (k == K_CONFIG || k == K_RST)
		return h;
	if (cut >= MST_BASE_LEN)
		h |= BPDU_HAVE_MST;
	if (cut >= MST_BASE_LEN + 16 * (size_t)nrec)
		h |= BPDU_HAVE_MSTI;
	if (k == K_SPT && cut >= full)
		h |= BPDU_HAVE_SPT;
	return h;
}

static void check_msti(const struct msti_record *got, unsigned i)
{
	struct msti_record m = msti_rec(i);
	assert_int_equal(got->flags, m.flags);
	assert_true(got->regional_root_id == m.regional_root_id);
	assert_int_equal(got->internal_root_path_cost, m.internal_root_path_cost);
	assert_int_equal(got->bridge_priority, m.bridge_priority);
	assert_int_equal(got->port_priority, m.port_priority);
	assert_int_equal(got->remaining_hops, m.remaining_hops);
	assert_int_equal(msti_id(got), (i + 1) & 0xfff);
}

/* The fields of every group `have` reports complete equal what was encoded. */
static void check_groups(const struct bpdu *b, const struct pv *p, unsigned version,
			 unsigned type_code, size_t complete_records)
{
	if (b->have & BPDU_HAVE_VERSION) {
		assert_int_equal(b->protocol_id, 0);
		assert_int_equal(b->version, version);
	}
	if (b->have & BPDU_HAVE_TYPE)
		assert_int_equal(b->type_code, type_code);
	if (b->have & BPDU_HAVE_FLAGS)
		assert_int_equal(b->flags, p->flags);
	if (b->have & BPDU_HAVE_PRIORITY) {
		assert_true(b->root_id == p->root);
		assert_int_equal(b->root_path_cost, p->cost);
		assert_true(b->bridge_id == p->bridge);
		assert_int_equal(b->port_id, p->port);
	}
	if (b->have & BPDU_HAVE_TIMERS) {
		assert_int_equal(b->message_age, p->age);
		assert_int_equal(b->max_age, p->max);
		assert_int_equal(b->hello_time, p->hello);
		assert_int_equal(b->forward_delay, p->fdelay);
	}
	if (b->have & BPDU_HAVE_MST) {
		assert_int_equal(b->v1_length, 0);
		assert_int_equal(b->mst_config.format, 0);
		assert_memory_equal(b->mst_config.name, REGION, 32);
		assert_int_equal(b->mst_config.revision, MST_REVISION);
		for (unsigned i = 0; i < 16; i++)
			assert_int_equal(b->mst_config.digest[i], 0xa0 + i);
		assert_int_equal(b->cist_internal_root_path_cost, CIST_INT_COST);
		assert_true(b->cist_bridge_id == CIST_BRIDGE);
		assert_int_equal(b->cist_remaining_hops, CIST_HOPS);
	}
	size_t kept = complete_records < BPDU_MAX_MSTI ? complete_records : BPDU_MAX_MSTI;
	assert_int_equal(b->n_msti, kept);
	assert_int_equal(b->msti_ignored, complete_records - kept);
	for (unsigned i = 0; i < b->n_msti; i++)
		check_msti(&b->msti[i], i);
	if (b->have & BPDU_HAVE_SPT) {
		assert_int_equal(b->aux_config.format, 1);
		assert_memory_equal(b->aux_config.name, AUX_NAME, 32);
		assert_int_equal(b->aux_config.revision, 0x0102);
		for (unsigned i = 0; i < 16; i++)
			assert_int_equal(b->aux_config.digest[i], 0xb0 + i);
		assert_int_equal(b->agreement_octet, AGREEMENT_OCTET);
		assert_int_equal(b->agreement_format, AGREEMENT_FORMAT);
		assert_int_equal(b->agreement_convention, AGREEMENT_CONVENTION);
		assert_int_equal(b->agreement_edge_count, AGREEMENT_EDGES);
		for (unsigned i = 0; i < 20; i++)
			assert_int_equal(b->agreement_digest[i], 0xc0 + i);
	}
}

static size_t complete_records(size_t cut, unsigned nrec)
{
	size_t records = cut >= MST_BASE_LEN ? (cut - MST_BASE_LEN) / 16 : 0;
	return records > nrec ? nrec : records;
}

/*
 * Where the decoder currently loses the groups it did capture (see
 * test_mst_cut_before_length_fields_keeps_fields): MST and SPT BPDUs
 * cut before the end of the length fields validate_mst() reads (v1 and v3
 * length; for SPT also v4 length).
 */
static size_t bug_region_end(enum kind k, unsigned nrec)
{
	if (k == K_MST)
		return OFF_V3LEN + 2;
	if (k == K_SPT)
		return MST_BASE_LEN + 16 * (size_t)nrec + 2;
	return 0;
}

/*
 * Cuts the capture at every octet of the BPDU.  Inside bug_region_end()
 * only the status is checked here; the have mask there is checked by
 * test_mst_cut_before_length_fields_keeps_fields.
 */
static void check_every_cut(const struct fb *body, enum kind k, unsigned version,
			    unsigned type_code, unsigned nrec, bool pvst)
{
	for (size_t cut = 0; cut <= body->n; cut++) {
		struct bpdu b;
		run(&b, body, (uint32_t)body->n, cut, pvst);
		if (cut == body->n) {
			assert_int_equal(b.status, BPDU_OK);
		} else {
			assert_int_equal(b.status, BPDU_TRUNCATED);
			assert_string_equal(b.reason, "capture ends inside the BPDU");
		}
		if (cut >= 5 && cut < bug_region_end(k, nrec)) {
			assert_int_equal(b.have & (BPDU_HAVE_VERSION | BPDU_HAVE_TYPE),
					 BPDU_HAVE_VERSION | BPDU_HAVE_TYPE);
			continue;
		}
		assert_int_equal(b.have, expected_have(k, cut, nrec, body->n));
		check_groups(&b, &PV, version, type_code, complete_records(cut, nrec));
	}
}

/* ---- whole BPDUs ---------------------------------------------------- */

static void test_config(void **state)
{
	(void)state;
	struct fb body;
	struct bpdu b;
	w_config(&body, 0, &PV);
	assert_int_equal(body.n, 35);
	run_whole(&b, &body);
	assert_int_equal(b.status, BPDU_OK);
	assert_null(b.reason);
	assert_int_equal(b.protocol, BPDU_PROTO_STP);
	assert_int_equal(b.type, BPDU_TYPE_CONFIG);
	assert_int_equal(b.type_code, 0x00);
	assert_int_equal(b.have, HAVE_V3_ALL);
	assert_int_equal(b.length, 35);
	assert_false(b.pvst);
	assert_false(b.have_pvst_vlan);
	check_groups(&b, &PV, 0, 0x00, 0);
	/* Timers stay in 1/256 s. */
	assert_int_equal(b.message_age, 384);
	assert_int_equal(b.max_age, 20 * 256);
	assert_int_equal(b.hello_time, 2 * 256);
	assert_int_equal(b.forward_delay, 15 * 256);

	/* Any version: a Config BPDU is a Config BPDU (802.1D-2004 9.3.4 a). */
	static const struct { unsigned v; enum bpdu_protocol p; } vs[] = {
		{ 1, BPDU_PROTO_UNKNOWN }, { 2, BPDU_PROTO_RSTP }, { 3, BPDU_PROTO_MSTP },
		{ 4, BPDU_PROTO_SPT }, { 0xff, BPDU_PROTO_UNKNOWN },
	};
	for (size_t i = 0; i < sizeof(vs) / sizeof(vs[0]); i++) {
		w_config(&body, vs[i].v, &PV);
		run_whole(&b, &body);
		assert_int_equal(b.status, BPDU_OK);
		assert_int_equal(b.type, BPDU_TYPE_CONFIG);
		assert_int_equal(b.protocol, vs[i].p);
		assert_int_equal(b.version, vs[i].v);
	}
}

static void test_tcn(void **state)
{
	(void)state;
	struct fb body;
	struct bpdu b;
	w_tcn(&body, 0);
	run_whole(&b, &body);
	assert_int_equal(b.status, BPDU_OK);
	assert_int_equal(b.type, BPDU_TYPE_TCN);
	assert_int_equal(b.type_code, 0x80);
	assert_int_equal(b.protocol, BPDU_PROTO_STP);
	assert_int_equal(b.have, BPDU_HAVE_VERSION | BPDU_HAVE_TYPE);
	assert_int_equal(b.length, 4);

	/* A TCN of any version, and with octets after it. */
	w_tcn(&body, 3);
	for (unsigned i = 0; i < 32; i++)
		put8(&body, 0xff);
	run_whole(&b, &body);
	assert_int_equal(b.status, BPDU_OK);
	assert_int_equal(b.type, BPDU_TYPE_TCN);
	assert_int_equal(b.protocol, BPDU_PROTO_MSTP);
	assert_int_equal(b.have, BPDU_HAVE_VERSION | BPDU_HAVE_TYPE);
	assert_int_equal(b.flags, 0);
}

static void test_rst(void **state)
{
	(void)state;
	struct fb body;
	struct bpdu b;
	w_rst(&body, 2, &PV);
	assert_int_equal(body.n, 36);
	run_whole(&b, &body);
	assert_int_equal(b.status, BPDU_OK);
	assert_int_equal(b.protocol, BPDU_PROTO_RSTP);
	assert_int_equal(b.type, BPDU_TYPE_RST);
	assert_int_equal(b.type_code, 0x02);
	assert_int_equal(b.have, HAVE_V3_ALL);
	assert_int_equal(b.v1_length, 0);
	assert_int_equal(bpdu_flags_role(b.flags), BPDU_ROLE_DESIGNATED);
	check_groups(&b, &PV, 2, 0x02, 0);

	/* The version 1 length is kept, not judged, for RST BPDUs. */
	patch8(&body, OFF_V1LEN, 5);
	run_whole(&b, &body);
	assert_int_equal(b.status, BPDU_OK);
	assert_int_equal(b.v1_length, 5);
}

/* 802.1D-2004 9.3.4: a type-2 BPDU of an unknown later version is an RST BPDU. */
static void test_rst_future_version(void **state)
{
	(void)state;
	static const unsigned versions[] = { 5, 6, 0x7f, 0xff };
	for (size_t i = 0; i < sizeof(versions) / sizeof(versions[0]); i++) {
		struct fb body;
		struct bpdu b;
		w_rst(&body, versions[i], &PV);
		run_whole(&b, &body);
		assert_int_equal(b.status, BPDU_OK);
		assert_int_equal(b.type, BPDU_TYPE_RST);
		assert_int_equal(b.protocol, BPDU_PROTO_UNKNOWN);
		assert_int_equal(b.version, versions[i]);
		assert_int_equal(b.have, HAVE_V3_ALL);
		check_groups(&b, &PV, versions[i], 0x02, 0);

		/* Even with MST-looking octets after it: nothing past 36 is read. */
		w_mst(&body, versions[i], &PV, 1, 0);
		run_whole(&b, &body);
		assert_int_equal(b.status, BPDU_OK);
		assert_int_equal(b.type, BPDU_TYPE_RST);
		assert_int_equal(b.have, HAVE_V3_ALL);
		assert_int_equal(b.n_msti, 0);
		assert_int_equal(b.v3_length, 0);

		/* And 35 octets are one too few. */
		w_rst(&body, versions[i], &PV);
		run_declared(&b, &body, 35);
		assert_int_equal(b.status, BPDU_INVALID);
	}
}

static void test_type2_version_below_2_invalid(void **state)
{
	(void)state;
	for (unsigned v = 0; v < 2; v++) {
		struct fb body;
		struct bpdu b;
		w_rst(&body, v, &PV);
		run_whole(&b, &body);
		assert_int_equal(b.status, BPDU_INVALID);
		assert_string_equal(b.reason, "RST/MST BPDU type with protocol version below 2");
		assert_int_equal(b.have, BPDU_HAVE_VERSION | BPDU_HAVE_TYPE);
		assert_int_equal(b.type_code, 0x02);
		assert_int_equal(b.version, v);
		/* Cut anywhere from the type on: still invalid. */
		for (size_t cut = 4; cut < body.n; cut++) {
			run(&b, &body, (uint32_t)body.n, cut, false);
			assert_int_equal(b.status, BPDU_INVALID);
		}
	}
}

static void test_mst_counts(void **state)
{
	(void)state;
	static const unsigned counts[] = { 0, 1, 2, 63, 64 };
	for (size_t i = 0; i < sizeof(counts) / sizeof(counts[0]); i++) {
		struct fb body;
		struct bpdu b;
		unsigned n = counts[i];
		w_mst(&body, 3, &PV, n, 0);
		assert_int_equal(body.n, MST_BASE_LEN + 16 * n);
		run_whole(&b, &body);
		assert_int_equal(b.status, BPDU_OK);
		assert_int_equal(b.protocol, BPDU_PROTO_MSTP);
		assert_int_equal(b.type, BPDU_TYPE_MST);
		assert_int_equal(b.have, HAVE_V3_ALL | BPDU_HAVE_MST | BPDU_HAVE_MSTI);
		assert_int_equal(b.v3_length, 64 + 16 * n);
		assert_int_equal(b.n_msti, n);
		assert_int_equal(b.msti_ignored, 0);
		check_groups(&b, &PV, 3, 0x02, n);
	}
}

/* 802.1Q 13.14: at most 64 MSTIs are kept; more are counted. */
static void test_mst_65_mstis(void **state)
{
	(void)state;
	struct fb body;
	struct bpdu b;
	w_mst(&body, 3, &PV, 65, 0);
	assert_int_equal(body.n, 102 + 65 * 16);
	run_whole(&b, &body);
	assert_int_equal(b.status, BPDU_OK);
	assert_int_equal(b.have, HAVE_V3_ALL | BPDU_HAVE_MST | BPDU_HAVE_MSTI);
	assert_int_equal(b.n_msti, BPDU_MAX_MSTI);
	assert_int_equal(b.msti_ignored, 1);
	check_groups(&b, &PV, 3, 0x02, 65);
	assert_int_equal(msti_id(&b.msti[63]), 64);
}

/* A v3 length that is not 64 + a multiple of 16: the ragged tail is ignored. */
static void test_mst_ragged_v3_length(void **state)
{
	(void)state;
	for (unsigned ragged = 1; ragged < 16; ragged++) {
		struct fb body;
		struct bpdu b;
		w_mst(&body, 3, &PV, 2, ragged);
		run_whole(&b, &body);
		assert_int_equal(b.status, BPDU_OK);
		assert_int_equal(b.v3_length, 64 + 32 + ragged);
		assert_int_equal(b.n_msti, 2);
		assert_int_equal(b.have, HAVE_V3_ALL | BPDU_HAVE_MST | BPDU_HAVE_MSTI);
		check_groups(&b, &PV, 3, 0x02, 2);
	}
}

/* A v3 length below 64 is accepted, as tcpdump does: no MSTIs. */
static void test_mst_v3_length_below_64(void **state)
{
	(void)state;
	static const unsigned v3s[] = { 0, 1, 16, 63, 64 };
	for (size_t i = 0; i < sizeof(v3s) / sizeof(v3s[0]); i++) {
		struct fb body;
		struct bpdu b;
		w_mst(&body, 3, &PV, 0, 0);
		patch16(&body, OFF_V3LEN, v3s[i]);
		run_whole(&b, &body);
		assert_int_equal(b.status, BPDU_OK);
		assert_int_equal(b.v3_length, v3s[i]);
		assert_int_equal(b.n_msti, 0);
		assert_int_equal(b.have, HAVE_V3_ALL | BPDU_HAVE_MST | BPDU_HAVE_MSTI);
		check_groups(&b, &PV, 3, 0x02, 0);
	}
}

static void test_spt(void **state)
{
	(void)state;
	struct fb body;
	struct bpdu b;
	for (unsigned n = 0; n < 3; n++) {
		w_spt(&body, &PV, n, 85);
		assert_int_equal(body.n, MST_BASE_LEN + 16 * n + SPT_PART_LEN);
		run_whole(&b, &body);
		assert_int_equal(b.status, BPDU_OK);
		assert_int_equal(b.protocol, BPDU_PROTO_SPT);
		assert_int_equal(b.type, BPDU_TYPE_SPT);
		assert_int_equal(b.have, HAVE_V3_ALL | BPDU_HAVE_MST | BPDU_HAVE_MSTI | BPDU_HAVE_SPT);
		assert_int_equal(b.v4_length, 85);
		check_groups(&b, &PV, 4, 0x02, n);
	}

	/* A longer v4 length that fits the declared length is fine. */
	w_spt(&body, &PV, 1, 90);
	for (unsigned i = 0; i < 5; i++)
		put8(&body, 0);
	run_whole(&b, &body);
	assert_int_equal(b.status, BPDU_OK);
	assert_int_equal(b.v4_length, 90);
	check_groups(&b, &PV, 4, 0x02, 1);

	/* The SPT part follows what v3 length announces, ragged tail included. */
	w_mst(&body, 4, &PV, 1, 3);
	put16(&body, 85);
	w_config_id(&body, 1, AUX_NAME, 0x0102, 0xb0);
	put8(&body, AGREEMENT_OCTET);
	put8(&body, 0);
	put8(&body, AGREEMENT_FORMAT);
	put8(&body, AGREEMENT_CONVENTION);
	put16(&body, AGREEMENT_EDGES);
	for (unsigned i = 0; i < 8; i++)
		put8(&body, 0);
	for (unsigned i = 0; i < 20; i++)
		put8(&body, 0xc0 + i);
	run_whole(&b, &body);
	assert_int_equal(b.status, BPDU_OK);
	assert_true(b.have & BPDU_HAVE_SPT);
	assert_int_equal(b.n_msti, 1);
	check_groups(&b, &PV, 4, 0x02, 1);
}

static void test_spt_v4_length_does_not_fit(void **state)
{
	(void)state;
	struct fb body;
	struct bpdu b;

	/* v4 length one more than the declared length holds. */
	w_spt(&body, &PV, 1, 86);
	run_whole(&b, &body);
	assert_int_equal(b.status, BPDU_INVALID);
	assert_string_equal(b.reason, "version 4 length does not fit");
	assert_int_equal(b.type, BPDU_TYPE_SPT);

	/* v4 length below the SPT minimum (85 + its own 2 octets = 87). */
	w_spt(&body, &PV, 1, 84);
	run_whole(&b, &body);
	assert_int_equal(b.status, BPDU_INVALID);
	assert_string_equal(b.reason, "version 4 length does not fit");
	w_spt(&body, &PV, 1, 0);
	run_whole(&b, &body);
	assert_int_equal(b.status, BPDU_INVALID);

	/* Correct v4 length, declared length one short. */
	w_spt(&body, &PV, 1, 85);
	run_declared(&b, &body, (uint32_t)body.n - 1);
	assert_int_equal(b.status, BPDU_INVALID);
	assert_string_equal(b.reason, "version 4 length does not fit");
	run_declared(&b, &body, (uint32_t)body.n);
	assert_int_equal(b.status, BPDU_OK);

	/* Declared long enough, but the capture ends before v4 length: truncated. */
	run(&b, &body, (uint32_t)body.n, 118 + 1, false);
	assert_int_equal(b.status, BPDU_TRUNCATED);
}

/*
 * Regression test (a bug once in src/core/bpdu.c, validate_mst, the `b->version == 4` block):
 * the v4 length field is read through the payload cursor, which frame.c caps
 * at the declared length.  When the declared length ends at (or one octet
 * after) the end of the v3 part, so that the v4 length field is not inside
 * the BPDU at all, the read fails and the BPDU is reported TRUNCATED
 * ("capture ends inside the BPDU") although the capture is complete.  The
 * declared length cannot hold an SPT BPDU: it must be INVALID ("version 4
 * length does not fit"), since validity is judged from the declared length.
 */
static void test_spt_declared_length_ends_before_v4_length(void **state)
{
	(void)state;
	struct fb body;
	struct bpdu b;
	w_spt(&body, &PV, 1, 85);
	uint32_t mst_end = MST_BASE_LEN + 16;
	for (uint32_t declared = mst_end; declared < mst_end + 2; declared++) {
		run_declared(&b, &body, declared);
		assert_int_equal(b.status, BPDU_INVALID);   /* actual: BPDU_TRUNCATED */
		assert_string_equal(b.reason, "version 4 length does not fit");
	}
}

/* ---- length boundaries ---------------------------------------------- */

static void test_shorter_than_4_invalid(void **state)
{
	(void)state;
	struct fb body;
	struct bpdu b;
	w_config(&body, 0, &PV);
	for (uint32_t declared = 0; declared < 4; declared++) {
		/* Judged on the declared length, with or without the octets captured. */
		for (size_t cut = 0; cut <= declared; cut++) {
			run(&b, &body, declared, cut, false);
			assert_int_equal(b.status, BPDU_INVALID);
			assert_string_equal(b.reason, "shorter than 4 octets");
			assert_int_equal(b.have, 0);
		}
	}
	w_tcn(&body, 0);
	run_declared(&b, &body, 4);
	assert_int_equal(b.status, BPDU_OK);
}

static void test_config_length_boundary(void **state)
{
	(void)state;
	struct fb body;
	struct bpdu b;
	w_config(&body, 0, &PV);
	run_declared(&b, &body, 34);
	assert_int_equal(b.status, BPDU_INVALID);
	assert_string_equal(b.reason, "Config BPDU shorter than 35 octets");
	assert_int_equal(b.type, BPDU_TYPE_CONFIG);
	assert_int_equal(b.have, BPDU_HAVE_VERSION | BPDU_HAVE_TYPE);
	run_declared(&b, &body, 35);
	assert_int_equal(b.status, BPDU_OK);

	/* With the 35th octet captured but not declared: still invalid. */
	run(&b, &body, 34, 35, false);
	assert_int_equal(b.status, BPDU_INVALID);

	/* Declared 34, cut anywhere: truncated before the type, invalid from it on. */
	for (size_t cut = 0; cut <= 34; cut++) {
		run(&b, &body, 34, cut, false);
		assert_int_equal(b.status, cut < 4 ? BPDU_TRUNCATED : BPDU_INVALID);
	}
}

static void test_rst_length_boundary(void **state)
{
	(void)state;
	struct fb body;
	struct bpdu b;
	w_rst(&body, 2, &PV);
	run_declared(&b, &body, 35);
	assert_int_equal(b.status, BPDU_INVALID);
	assert_string_equal(b.reason, "RST BPDU shorter than 36 octets");
	assert_int_equal(b.type, BPDU_TYPE_RST);
	assert_int_equal(b.have, BPDU_HAVE_VERSION | BPDU_HAVE_TYPE);
	run_declared(&b, &body, 36);
	assert_int_equal(b.status, BPDU_OK);
	for (size_t cut = 0; cut <= 35; cut++) {
		run(&b, &body, 35, cut, false);
		assert_int_equal(b.status, cut < 4 ? BPDU_TRUNCATED : BPDU_INVALID);
	}
}

static void test_mst_length_boundary(void **state)
{
	(void)state;
	struct fb body;
	struct bpdu b;
	w_mst(&body, 3, &PV, 0, 0);
	run_declared(&b, &body, 101);
	assert_int_equal(b.status, BPDU_INVALID);
	assert_string_equal(b.reason, "MST BPDU shorter than 102 octets");
	assert_int_equal(b.type, BPDU_TYPE_MST);
	assert_int_equal(b.have, BPDU_HAVE_VERSION | BPDU_HAVE_TYPE);
	run_declared(&b, &body, 102);
	assert_int_equal(b.status, BPDU_OK);
	for (size_t cut = 0; cut <= 101; cut++) {
		run(&b, &body, 101, cut, false);
		assert_int_equal(b.status, cut < 4 ? BPDU_TRUNCATED : BPDU_INVALID);
	}

	/* SPT: the same 102-octet floor applies first. */
	w_spt(&body, &PV, 0, 85);
	run_declared(&b, &body, 101);
	assert_int_equal(b.status, BPDU_INVALID);
	assert_string_equal(b.reason, "MST BPDU shorter than 102 octets");
	assert_int_equal(b.type, BPDU_TYPE_SPT);
}

/* v3 length running one octet past the declared length; exactly fitting; with room to spare. */
static void test_mst_v3_length_boundary(void **state)
{
	(void)state;
	struct fb body;
	struct bpdu b;
	w_mst(&body, 3, &PV, 2, 0);
	uint32_t full = (uint32_t)body.n;
	run_declared(&b, &body, full - 1);
	assert_int_equal(b.status, BPDU_INVALID);
	assert_string_equal(b.reason, "version 3 length runs past the BPDU");
	run_declared(&b, &body, full);
	assert_int_equal(b.status, BPDU_OK);
	assert_int_equal(b.n_msti, 2);
	put8(&body, 0);
	run_declared(&b, &body, full + 1);
	assert_int_equal(b.status, BPDU_OK);
	assert_int_equal(b.n_msti, 2);

	/* v3 length 0xffff in a 102-octet BPDU. */
	w_mst(&body, 3, &PV, 0, 0);
	patch16(&body, OFF_V3LEN, 0xffff);
	run_whole(&b, &body);
	assert_int_equal(b.status, BPDU_INVALID);

	/* Validity needs the v3 length: before octet 38 the BPDU is only truncated. */
	w_mst(&body, 3, &PV, 2, 0);
	for (size_t cut = 0; cut < full - 1; cut++) {
		run(&b, &body, full - 1, cut, false);
		assert_int_equal(b.status, cut < 38 ? BPDU_TRUNCATED : BPDU_INVALID);
	}
}

static void test_mst_v1_length_nonzero_invalid(void **state)
{
	(void)state;
	static const unsigned v1s[] = { 1, 0x24, 0xff };
	for (size_t i = 0; i < 3; i++) {
		struct fb body;
		struct bpdu b;
		w_mst(&body, 3, &PV, 1, 0);
		patch8(&body, OFF_V1LEN, v1s[i]);
		run_whole(&b, &body);
		assert_int_equal(b.status, BPDU_INVALID);
		assert_string_equal(b.reason, "MST BPDU with non-zero version 1 length");
		w_spt(&body, &PV, 1, 85);
		patch8(&body, OFF_V1LEN, v1s[i]);
		run_whole(&b, &body);
		assert_int_equal(b.status, BPDU_INVALID);
		for (size_t cut = 0; cut < body.n; cut++) {
			run(&b, &body, (uint32_t)body.n, cut, false);
			assert_int_equal(b.status, cut < 38 ? BPDU_TRUNCATED : BPDU_INVALID);
		}
	}
}

static void test_spt_length_boundary(void **state)
{
	(void)state;
	struct fb body;
	struct bpdu b;
	w_spt(&body, &PV, 0, 85);
	assert_int_equal(body.n, 189);
	run_declared(&b, &body, 188);
	assert_int_equal(b.status, BPDU_INVALID);
	run_declared(&b, &body, 189);
	assert_int_equal(b.status, BPDU_OK);
}

/* ---- identifiers, types, roles -------------------------------------- */

static void test_protocol_id_nonzero_invalid(void **state)
{
	(void)state;
	static const unsigned ids[] = { 0x0001, 0x0100, 0x8000, 0xffff };
	for (size_t i = 0; i < 4; i++) {
		struct fb body;
		struct bpdu b;
		w_config(&body, 0, &PV);
		patch16(&body, 0, ids[i]);
		run_whole(&b, &body);
		assert_int_equal(b.status, BPDU_INVALID);
		assert_string_equal(b.reason, "protocol identifier is not 0 (802.1D 9.3.4)");
		assert_int_equal(b.protocol_id, ids[i]);
		assert_int_equal(b.have, 0);
		assert_int_equal(b.protocol, BPDU_PROTO_UNKNOWN);
		assert_int_equal(b.type, BPDU_TYPE_UNKNOWN);
		for (size_t cut = 0; cut < body.n; cut++) {
			run(&b, &body, (uint32_t)body.n, cut, false);
			assert_int_equal(b.status, cut < 2 ? BPDU_TRUNCATED : BPDU_INVALID);
			assert_int_equal(b.have, 0);
		}
	}
}

static void test_unknown_type_invalid(void **state)
{
	(void)state;
	static const unsigned types[] = { 0x01, 0x03, 0x04, 0x7f, 0x81, 0xfe, 0xff };
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		struct fb body;
		struct bpdu b;
		w_rst(&body, 2, &PV);
		patch8(&body, OFF_TYPE, types[i]);
		run_whole(&b, &body);
		assert_int_equal(b.status, BPDU_INVALID);
		assert_string_equal(b.reason, "unknown BPDU type");
		assert_int_equal(b.type, BPDU_TYPE_UNKNOWN);
		assert_int_equal(b.type_code, types[i]);
		assert_int_equal(b.have, BPDU_HAVE_VERSION | BPDU_HAVE_TYPE);
		assert_int_equal(b.protocol, BPDU_PROTO_RSTP);
	}
}

static void test_role_from_flags(void **state)
{
	(void)state;
	static const enum bpdu_role roles[] = {
		BPDU_ROLE_MASTER_OR_UNKNOWN, BPDU_ROLE_ALTERNATE_OR_BACKUP,
		BPDU_ROLE_ROOT, BPDU_ROLE_DESIGNATED,
	};
	for (unsigned r = 0; r < 4; r++) {
		struct fb body;
		struct bpdu b;
		struct pv p = PV;
		p.flags = (uint8_t)((PV.flags & ~BPDU_FLAG_ROLE_MASK) | r << 2);
		w_rst(&body, 2, &p);
		run_whole(&b, &body);
		assert_int_equal(b.status, BPDU_OK);
		assert_int_equal(b.flags, p.flags);
		assert_int_equal(bpdu_flags_role(b.flags), roles[r]);
	}
	for (unsigned flags = 0; flags < 256; flags++)
		assert_int_equal(bpdu_flags_role((uint8_t)flags), (flags >> 2) & 3);
	assert_int_equal(BPDU_ROLE_MASTER_OR_UNKNOWN, 0);
	assert_int_equal(BPDU_ROLE_ALTERNATE_OR_BACKUP, 1);
	assert_int_equal(BPDU_ROLE_ROOT, 2);
	assert_int_equal(BPDU_ROLE_DESIGNATED, 3);
}

static void test_msti_id(void **state)
{
	(void)state;
	struct msti_record m;
	memset(&m, 0, sizeof(m));
	m.regional_root_id = 0xf123525400000001ULL;
	assert_int_equal(msti_id(&m), 0x123);
	m.regional_root_id = 0x8fff000000000000ULL;
	assert_int_equal(msti_id(&m), 4095);
	m.regional_root_id = 0x0000ffffffffffffULL;
	assert_int_equal(msti_id(&m), 0);

	/* Through the decoder: MSTI ids 1..64 from the regional root ids. */
	struct fb body;
	struct bpdu b;
	w_mst(&body, 3, &PV, 64, 0);
	run_whole(&b, &body);
	for (unsigned i = 0; i < 64; i++)
		assert_int_equal(msti_id(&b.msti[i]), i + 1);
}

/* Timers are kept in the wire's 1/256 s units, all 16 bits of them. */
static void test_timers_raw(void **state)
{
	(void)state;
	struct fb body;
	struct bpdu b;
	struct pv p = PV;
	p.age = 0x0001;
	p.max = 0xffff;
	p.hello = 0x0080;
	p.fdelay = 0x8000;
	w_config(&body, 0, &p);
	run_whole(&b, &body);
	assert_int_equal(b.message_age, 1);
	assert_int_equal(b.max_age, 0xffff);
	assert_int_equal(b.hello_time, 0x80);
	assert_int_equal(b.forward_delay, 0x8000);

	/* Identifiers: all 64 bits, big-endian. */
	p.root = 0xffffffffffffffffULL;
	p.bridge = 0x0102030405060708ULL;
	p.cost = 0xfffffffeu;
	w_config(&body, 0, &p);
	run_whole(&b, &body);
	assert_true(b.root_id == 0xffffffffffffffffULL);
	assert_true(b.bridge_id == 0x0102030405060708ULL);
	assert_int_equal(b.root_path_cost, 0xfffffffeu);
}

/* ---- a capture cut at every octet ----------------------------------- */

static void test_cut_config(void **state)
{
	(void)state;
	struct fb body;
	w_config(&body, 0, &PV);
	check_every_cut(&body, K_CONFIG, 0, 0x00, 0, false);
}

static void test_cut_tcn(void **state)
{
	(void)state;
	struct fb body;
	w_tcn(&body, 0);
	check_every_cut(&body, K_TCN, 0, 0x80, 0, false);
}

static void test_cut_rst(void **state)
{
	(void)state;
	struct fb body;
	w_rst(&body, 2, &PV);
	check_every_cut(&body, K_RST, 2, 0x02, 0, false);
	check_every_cut(&body, K_RST, 2, 0x02, 0, true);
}

static void test_cut_mst(void **state)
{
	(void)state;
	struct fb body;
	for (unsigned n = 0; n < 3; n++) {
		w_mst(&body, 3, &PV, n, 0);
		check_every_cut(&body, K_MST, 3, 0x02, n, false);
	}
}

static void test_cut_mst_65(void **state)
{
	(void)state;
	struct fb body;
	w_mst(&body, 3, &PV, 65, 0);
	check_every_cut(&body, K_MST, 3, 0x02, 65, false);
}

static void test_cut_spt(void **state)
{
	(void)state;
	struct fb body;
	for (unsigned n = 0; n < 2; n++) {
		w_spt(&body, &PV, n, 85);
		check_every_cut(&body, K_SPT, 4, 0x02, n, false);
	}
}

/*
 * Regression test (a bug once in src/core/bpdu.c, bpdu_decode, case BPDU_CODE_RST: the call
 * to validate_mst() comes before read_priority_vector_and_timers()): for a
 * version 3 BPDU whose capture ends before octet 38 (end of the v1 and v3
 * length fields), and for a version 4 BPDU whose capture ends before the
 * end of the v4 length field (octet 38 + v3 length + 2), validate_mst()
 * reports "truncated" before the flags, priority vector, timers, MST part
 * and MSTIs are read, so `have` is only VERSION|TYPE although those groups
 * were captured whole (e.g. MST cut at 5: FLAGS expected; cut at 35:
 * FLAGS|PRIORITY|TIMERS; SPT with 1 MSTI cut at 118: ...|MST|MSTI and
 * n_msti 1 expected).  Config and RST BPDUs cut at the same octets do
 * report them.  The status (TRUNCATED) is right.
 */
static void test_mst_cut_before_length_fields_keeps_fields(void **state)
{
	(void)state;
	struct fb body;
	for (unsigned version = 3; version <= 4; version++) {
		enum kind k = version == 3 ? K_MST : K_SPT;
		if (version == 3)
			w_mst(&body, 3, &PV, 1, 0);
		else
			w_spt(&body, &PV, 1, 85);
		for (size_t cut = 5; cut < bug_region_end(k, 1); cut++) {
			struct bpdu b;
			run(&b, &body, (uint32_t)body.n, cut, false);
			assert_int_equal(b.status, BPDU_TRUNCATED);
			/* actual: BPDU_HAVE_VERSION | BPDU_HAVE_TYPE only */
			assert_int_equal(b.have, expected_have(k, cut, 1, body.n));
			check_groups(&b, &PV, version, 0x02, complete_records(cut, 1));
		}
	}
}

/* ---- PVST+ ---------------------------------------------------------- */

static void test_pvst_with_vlan_tlv(void **state)
{
	(void)state;
	struct fb body;
	struct bpdu b;

	/* RST + originating-VLAN TLV right after it. */
	w_rst(&body, 2, &PV);
	w_pvst_tlv(&body, 0, 2, 100);
	run(&b, &body, (uint32_t)body.n, body.n, true);
	assert_int_equal(b.status, BPDU_OK);
	assert_true(b.pvst);
	assert_int_equal(b.type, BPDU_TYPE_RST);
	assert_true(b.have_pvst_vlan);
	assert_int_equal(b.pvst_vlan, 100);
	check_groups(&b, &PV, 2, 0x02, 0);

	/* Config + one pad octet + TLV (the TLV sits at 36 for both). */
	w_config(&body, 0, &PV);
	put8(&body, 0);
	w_pvst_tlv(&body, 0, 2, 4094);
	run(&b, &body, (uint32_t)body.n, body.n, true);
	assert_int_equal(b.status, BPDU_OK);
	assert_int_equal(b.type, BPDU_TYPE_CONFIG);
	assert_true(b.have_pvst_vlan);
	assert_int_equal(b.pvst_vlan, 4094);

	/* TCN with room for a TLV. */
	w_tcn(&body, 0);
	for (unsigned i = 4; i < 36; i++)
		put8(&body, 0);
	w_pvst_tlv(&body, 0, 2, 1);
	run(&b, &body, (uint32_t)body.n, body.n, true);
	assert_int_equal(b.status, BPDU_OK);
	assert_true(b.have_pvst_vlan);
	assert_int_equal(b.pvst_vlan, 1);

	/* Cut anywhere before the TLV ends: the frame declares the TLV, so the BPDU is truncated. */
	w_rst(&body, 2, &PV);
	w_pvst_tlv(&body, 0, 2, 100);
	for (size_t cut = 0; cut <= body.n; cut++) {
		run(&b, &body, (uint32_t)body.n, cut, true);
		assert_int_equal(b.status, cut < body.n ? BPDU_TRUNCATED : BPDU_OK);
		assert_true(b.have_pvst_vlan == (cut == body.n));
	}
}

static void test_pvst_without_vlan_tlv(void **state)
{
	(void)state;
	struct fb body;
	struct bpdu b;

	/* No room for a TLV. */
	w_config(&body, 0, &PV);
	run(&b, &body, (uint32_t)body.n, body.n, true);
	assert_int_equal(b.status, BPDU_OK);
	assert_true(b.pvst);
	assert_false(b.have_pvst_vlan);

	w_rst(&body, 2, &PV);
	w_pvst_tlv(&body, 0, 2, 100);
	/* Declared one octet short of the TLV. */
	run(&b, &body, 41, 41, true);
	assert_int_equal(b.status, BPDU_OK);
	assert_false(b.have_pvst_vlan);

	/* Wrong TLV type, wrong TLV length. */
	w_rst(&body, 2, &PV);
	w_pvst_tlv(&body, 1, 2, 100);
	run(&b, &body, (uint32_t)body.n, body.n, true);
	assert_false(b.have_pvst_vlan);
	w_rst(&body, 2, &PV);
	w_pvst_tlv(&body, 0, 3, 100);
	run(&b, &body, (uint32_t)body.n, body.n, true);
	assert_false(b.have_pvst_vlan);

	/* Not a PVST+ frame: the same octets are not read. */
	w_rst(&body, 2, &PV);
	w_pvst_tlv(&body, 0, 2, 100);
	run(&b, &body, (uint32_t)body.n, body.n, false);
	assert_int_equal(b.status, BPDU_OK);
	assert_false(b.pvst);
	assert_false(b.have_pvst_vlan);

	/* Not for a BPDU that is not OK. */
	w_rst(&body, 2, &PV);
	w_pvst_tlv(&body, 0, 2, 100);
	patch8(&body, OFF_TYPE, 0x55);
	run(&b, &body, (uint32_t)body.n, body.n, true);
	assert_int_equal(b.status, BPDU_INVALID);
	assert_false(b.have_pvst_vlan);
}

/* A PVST+ MST BPDU (uncommon, but the path is the same). */
static void test_pvst_mst(void **state)
{
	(void)state;
	struct fb body;
	struct bpdu b;
	w_mst(&body, 3, &PV, 1, 0);
	check_every_cut(&body, K_MST, 3, 0x02, 1, true);
	run(&b, &body, (uint32_t)body.n, body.n, true);
	assert_int_equal(b.status, BPDU_OK);
	assert_true(b.pvst);
	/* Octets 36..41 are the v3 length and region format/name, not a TLV. */
	assert_false(b.have_pvst_vlan);
}

/* A frame that never had a BPDU (payload empty, nothing declared). */
static void test_empty_payload(void **state)
{
	(void)state;
	struct frame f;
	struct bpdu b;
	memset(&f, 0, sizeof(f));
	f.payload_kind = PAYLOAD_STP;
	bpdu_decode(&b, &f);
	assert_int_equal(b.status, BPDU_INVALID);
	assert_int_equal(b.length, 0);
	assert_int_equal(b.have, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_config),
		cmocka_unit_test(test_tcn),
		cmocka_unit_test(test_rst),
		cmocka_unit_test(test_rst_future_version),
		cmocka_unit_test(test_type2_version_below_2_invalid),
		cmocka_unit_test(test_mst_counts),
		cmocka_unit_test(test_mst_65_mstis),
		cmocka_unit_test(test_mst_ragged_v3_length),
		cmocka_unit_test(test_mst_v3_length_below_64),
		cmocka_unit_test(test_spt),
		cmocka_unit_test(test_spt_v4_length_does_not_fit),
		cmocka_unit_test(test_spt_declared_length_ends_before_v4_length),
		cmocka_unit_test(test_shorter_than_4_invalid),
		cmocka_unit_test(test_config_length_boundary),
		cmocka_unit_test(test_rst_length_boundary),
		cmocka_unit_test(test_mst_length_boundary),
		cmocka_unit_test(test_mst_v3_length_boundary),
		cmocka_unit_test(test_mst_v1_length_nonzero_invalid),
		cmocka_unit_test(test_spt_length_boundary),
		cmocka_unit_test(test_protocol_id_nonzero_invalid),
		cmocka_unit_test(test_unknown_type_invalid),
		cmocka_unit_test(test_role_from_flags),
		cmocka_unit_test(test_msti_id),
		cmocka_unit_test(test_timers_raw),
		cmocka_unit_test(test_cut_config),
		cmocka_unit_test(test_cut_tcn),
		cmocka_unit_test(test_cut_rst),
		cmocka_unit_test(test_cut_mst),
		cmocka_unit_test(test_cut_mst_65),
		cmocka_unit_test(test_cut_spt),
		cmocka_unit_test(test_mst_cut_before_length_fields_keeps_fields),
		cmocka_unit_test(test_pvst_with_vlan_tlv),
		cmocka_unit_test(test_pvst_without_vlan_tlv),
		cmocka_unit_test(test_pvst_mst),
		cmocka_unit_test(test_empty_payload),
	};
	return cmocka_run_group_tests_name("bpdu", tests, NULL, NULL);
}
