/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fuzz_frame.c - libFuzzer harness for the link-layer and BPDU decoders and
 * both BPDU writers.
 *
 * Input: one selector byte, then one captured frame.
 *   selector bits 0-1: link type  0 Ethernet, 1 LINKTYPE_LINUX_SLL,
 *                                 2 LINKTYPE_LINUX_SLL2, 3 another (228)
 *   selector bits 2-7: wire length relative to the captured length
 *                      0 same, 1..47 +n, 48..60 +(n-47)*128,
 *                      61 zero, 62 half, 63 UINT32_MAX
 * The frame is copied to a buffer of exactly its size so that AddressSanitizer
 * sees any read past the captured bytes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "stpwatch/bpdu.h"
#include "stpwatch/bpdu_print.h"
#include "stpwatch/capfile.h"
#include "stpwatch/frame.h"
#include "stpwatch/names.h"
#include "stpwatch/packet.h"
#include "stpwatch/sbuf.h"

#define LINKTYPE_OTHER 228u   /* LINKTYPE_IPV4: not decoded by stpwatch */

static uint32_t wire_length(unsigned sel, uint32_t caplen)
{
	if (sel == 0)
		return caplen;
	if (sel <= 47)
		return caplen + sel;
	if (sel <= 60)
		return caplen + (sel - 47u) * 128u;
	if (sel == 61)
		return 0;
	if (sel == 62)
		return caplen / 2;
	return UINT32_MAX;
}

static bool in_buffer(const uint8_t *p, size_t n, const uint8_t *buf, size_t len)
{
	uintptr_t a = (uintptr_t)p, lo = (uintptr_t)buf;
	return n == 0 || (a >= lo && a <= lo + len && n <= lo + len - a);
}

static void check_frame(const struct frame *f, uint32_t lt, const uint8_t *buf,
			uint32_t caplen, uint32_t wirelen)
{
	FUZZ_CHECK(f->status == FRAME_OK || f->status == FRAME_TRUNCATED ||
		   f->status == FRAME_INVALID, "frame status %d", (int)f->status);
	FUZZ_CHECK(f->payload_kind == PAYLOAD_OTHER || f->payload_kind == PAYLOAD_STP ||
		   f->payload_kind == PAYLOAD_PVST, "payload kind %d", (int)f->payload_kind);
	FUZZ_CHECK(f->direction == FRAME_DIR_UNKNOWN || f->direction == FRAME_DIR_IN ||
		   f->direction == FRAME_DIR_OUT, "direction %d", (int)f->direction);
	FUZZ_CHECK(f->n_tags <= FRAME_MAX_TAGS, "%u tags", f->n_tags);
	if (f->n_tags == 0)
		FUZZ_CHECK(f->vlan == -1, "untagged frame with vlan %d", f->vlan);
	else
		FUZZ_CHECK(f->vlan == (f->tag_tci[0] & 0x0fff), "vlan %d, outer TCI %04x",
			   f->vlan, f->tag_tci[0]);
	if (lt != LINKTYPE_LINUX_SLL2)
		FUZZ_CHECK(f->ifindex == -1, "ifindex %d on link type %u", f->ifindex, lt);
	else
		FUZZ_CHECK(f->ifindex >= -1, "ifindex %d", f->ifindex);
	if (f->have_dst)
		FUZZ_CHECK(lt == LINKTYPE_ETHERNET, "destination on link type %u", lt);
	if (lt != LINKTYPE_ETHERNET && lt != LINKTYPE_LINUX_SLL && lt != LINKTYPE_LINUX_SLL2)
		FUZZ_CHECK(f->status == FRAME_INVALID, "link type %u decoded", lt);

	FUZZ_CHECK(f->payload.pos <= f->payload.len, "payload cursor pos %zu > len %zu",
		   f->payload.pos, f->payload.len);
	FUZZ_CHECK(in_buffer(f->payload.data, f->payload.len, buf, caplen),
		   "payload [%p, +%zu) outside the frame [%p, +%u)",
		   (const void *)f->payload.data, f->payload.len, (const void *)buf, caplen);

	if (f->payload_kind == PAYLOAD_OTHER)
		return;
	/* A BPDU: an 802.2 LLC (or SNAP) frame whose payload is bounded by
	 * what the frame declares, which cannot exceed the frame. */
	FUZZ_CHECK(f->status == FRAME_OK, "BPDU payload in a frame with status %d",
		   (int)f->status);
	FUZZ_CHECK(f->is_8023, "BPDU payload in a frame with EtherType %04x", f->ethertype);
	FUZZ_CHECK(f->payload.len <= f->payload_declared,
		   "payload captured %zu > declared %u", f->payload.len, f->payload_declared);
	uint32_t wire = wirelen < caplen ? caplen : wirelen;
	FUZZ_CHECK(f->payload_declared <= wire, "payload declared %u > wire length %u",
		   f->payload_declared, wire);
	if (f->payload_kind == PAYLOAD_STP)
		FUZZ_CHECK(f->llc_dsap == 0x42 && f->llc_ssap == 0x42 && f->llc_control == 3,
			   "STP payload under LLC %02x %02x %02x",
			   f->llc_dsap, f->llc_ssap, f->llc_control);
	else
		FUZZ_CHECK(f->llc_dsap == 0xaa && f->llc_ssap == 0xaa && f->llc_control == 3 &&
			   f->snap_oui == 0x00000c && f->snap_pid == 0x010b,
			   "PVST payload under SNAP %06x/%04x", f->snap_oui, f->snap_pid);
}

/* What each BPDU type must have when it decoded without complaint. */
static unsigned have_when_ok(const struct bpdu *b)
{
	const unsigned base = BPDU_HAVE_VERSION | BPDU_HAVE_TYPE;
	const unsigned rst = base | BPDU_HAVE_FLAGS | BPDU_HAVE_PRIORITY | BPDU_HAVE_TIMERS;

	switch (b->type) {
	case BPDU_TYPE_TCN: return base;
	case BPDU_TYPE_CONFIG: return rst;
	case BPDU_TYPE_RST: return rst;
	case BPDU_TYPE_MST: return rst | BPDU_HAVE_MST | BPDU_HAVE_MSTI;
	case BPDU_TYPE_SPT: return rst | BPDU_HAVE_MST | BPDU_HAVE_MSTI | BPDU_HAVE_SPT;
	default: return 0;
	}
}

static void check_bpdu(const struct bpdu *b, const struct frame *f)
{
	unsigned h = b->have;

	FUZZ_CHECK(b->status == BPDU_OK || b->status == BPDU_TRUNCATED ||
		   b->status == BPDU_INVALID, "BPDU status %d", (int)b->status);
	FUZZ_CHECK((b->status == BPDU_OK) == (b->reason == NULL),
		   "status %d with reason %s", (int)b->status, b->reason ? b->reason : "(none)");
	FUZZ_CHECK(b->length == f->payload_declared, "BPDU length %u, frame declares %u",
		   b->length, f->payload_declared);
	FUZZ_CHECK(b->pvst == (f->payload_kind == PAYLOAD_PVST), "pvst flag wrong");
	FUZZ_CHECK(!b->have_pvst_vlan || b->pvst, "PVST VLAN TLV in a non-PVST BPDU");

	/* "Truncated" means the capture ended before the bytes the BPDU declares. */
	if (b->status == BPDU_TRUNCATED)
		FUZZ_CHECK(f->payload.len < b->length,
			   "BPDU truncated although all %u declared octets were captured (%zu)",
			   b->length, f->payload.len);

	/* Field groups are read in order: each implies the ones before it. */
	FUZZ_CHECK(!(h & BPDU_HAVE_TYPE) || (h & BPDU_HAVE_VERSION), "have %#x", h);
	FUZZ_CHECK(!(h & BPDU_HAVE_FLAGS) || (h & BPDU_HAVE_TYPE), "have %#x", h);
	FUZZ_CHECK(!(h & BPDU_HAVE_PRIORITY) || (h & BPDU_HAVE_FLAGS), "have %#x", h);
	FUZZ_CHECK(!(h & BPDU_HAVE_TIMERS) || (h & BPDU_HAVE_PRIORITY), "have %#x", h);
	FUZZ_CHECK(!(h & BPDU_HAVE_MST) || (h & BPDU_HAVE_TIMERS), "have %#x", h);
	FUZZ_CHECK(!(h & BPDU_HAVE_MSTI) || (h & BPDU_HAVE_MST), "have %#x", h);
	FUZZ_CHECK(!(h & BPDU_HAVE_SPT) || (h & BPDU_HAVE_MSTI), "have %#x", h);
	if (h & BPDU_HAVE_VERSION)
		FUZZ_CHECK(b->protocol_id == 0, "protocol id %04x accepted", b->protocol_id);

	FUZZ_CHECK(b->n_msti <= BPDU_MAX_MSTI, "%u MSTIs kept", b->n_msti);
	if (h & BPDU_HAVE_MSTI) {
		unsigned want = b->v3_length > 64 ? (b->v3_length - 64u) / 16u : 0;
		FUZZ_CHECK(b->n_msti + b->msti_ignored == want,
			   "v3 length %u announces %u MSTIs, %u kept + %u ignored",
			   b->v3_length, want, b->n_msti, b->msti_ignored);
	}
	if (b->status == BPDU_OK) {
		unsigned must = have_when_ok(b);
		FUZZ_CHECK(b->type != BPDU_TYPE_UNKNOWN, "valid BPDU of unknown type");
		FUZZ_CHECK((h & must) == must, "valid BPDU of type %d has %#x, needs %#x",
			   (int)b->type, h, must);
	}
}

static void check_text_line(const struct sbuf *s, const struct bpdu *b)
{
	const char *t = sbuf_str(s);

	FUZZ_CHECK(!sbuf_failed(s), "text writer ran out of memory");
	fuzz_check_text(t, s->len, "bpdu_print_text");
	FUZZ_CHECK_TEXT(s->len >= 1 && memchr(t, '\n', s->len) == t + s->len - 1, t, s->len,
			"bpdu_print_text did not write exactly one line");
	if (b->status != BPDU_OK)
		FUZZ_CHECK_TEXT(strstr(t, bpdu_status_name(b->status)) != NULL, t, s->len,
				"text line does not say the BPDU is %s",
				bpdu_status_name(b->status));
}

static void check_json_line(const struct sbuf *s, const struct bpdu *b)
{
	const char *t = sbuf_str(s);
	char want[64];

	FUZZ_CHECK(!sbuf_failed(s), "JSON writer ran out of memory");
	FUZZ_CHECK_TEXT(s->len >= 3 && t[s->len - 2] == '}' && t[s->len - 1] == '\n', t, s->len,
			"JSON line does not end in \"}\\n\"");
	FUZZ_CHECK(fuzz_check_json_lines(t, s->len, "bpdu_print_json") == 1,
		   "bpdu_print_json wrote more than one line");
	snprintf(want, sizeof(want), "\"status\":\"%s\"", bpdu_status_name(b->status));
	FUZZ_CHECK_TEXT(strstr(t, want) != NULL, t, s->len, "JSON line lacks %s", want);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint32_t linktypes[4] = {
		LINKTYPE_ETHERNET, LINKTYPE_LINUX_SLL, LINKTYPE_LINUX_SLL2, LINKTYPE_OTHER,
	};
	struct frame f;
	struct bpdu b;

	if (size < 1 || size - 1 > CAP_MAX_RECORD)
		return 0;
	uint32_t lt = linktypes[data[0] & 3u];
	uint32_t caplen = (uint32_t)(size - 1);
	uint32_t wirelen = wire_length(data[0] >> 2, caplen);
	uint8_t *frame = fuzz_dup(data + 1, caplen);

	frame_decode(&f, lt, frame, caplen, wirelen);
	check_frame(&f, lt, frame, caplen, wirelen);

	if (f.payload_kind == PAYLOAD_STP || f.payload_kind == PAYLOAD_PVST) {
		struct packet pkt = {
			.ts_sec = 1213789445,          /* 2008-06-18 11:44:05 UTC */
			.ts_nsec = 787073000,
			.number = 1,
			.ifname = "fuzz0",
			.ifindex = f.ifindex,
			.direction = f.direction,
			.caplen = caplen,
			.wirelen = wirelen,
			.frame = &f,
		};
		struct sbuf text, json;

		bpdu_decode(&b, &f);
		check_bpdu(&b, &f);

		sbuf_init(&text);
		sbuf_init(&json);
		bpdu_print_text(&text, &pkt, &b);
		bpdu_print_json(&json, &pkt, &b);
		check_text_line(&text, &b);
		check_json_line(&json, &b);
		sbuf_free(&text);
		sbuf_free(&json);
	}
	free(frame);
	return 0;
}
