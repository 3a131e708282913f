/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * bpdu.c - BPDU decoder.
 *
 * Two questions are kept apart, as the standards and tcpdump keep them:
 *  - is the BPDU valid?  That is decided from the length the frame
 *    *declares* and from identifiers and versions (802.1D-2004 9.3.4,
 *    802.1Q-2014 14.4): a Config BPDU shorter than 35 octets is invalid
 *    however many bytes were captured;
 *  - was it captured whole?  That is the cursor's truncated flag: the
 *    fields read before the bytes ran out are kept, the rest are not.
 */
#include <string.h>

#include "stpwatch/bpdu.h"
#include "stpwatch/cursor.h"

#define BPDU_PROTOCOL_ID         0x0000
#define BPDU_CODE_CONFIG         0x00
#define BPDU_CODE_RST            0x02
#define BPDU_CODE_TCN            0x80

#define TCN_BPDU_LEN             4    /* 802.1D-2004 9.3.2 */
#define CONFIG_BPDU_LEN          35   /* 802.1D-2004 9.3.1 */
#define RST_BPDU_LEN             36   /* 802.1D-2004 9.3.3 */
#define MST_BPDU_MIN_LEN         102  /* 802.1Q-2014 14.4 b): 102 octets without MSTIs */
#define MST_CONFIG_INFO_LEN      64   /* v3 length counts these before the MSTIs */
#define MSTI_RECORD_LEN          16   /* 802.1Q-2014 14.6.1 */
#define SPT_V4_MIN_LEN           87   /* tcpdump's SPB_BPDU_MIN_LEN, counting the length field */
#define PVST_TLV_OFFSET          36   /* the originating-VLAN TLV follows an RST-sized BPDU */
#define PVST_TLV_VLAN            0x0000

static enum bpdu_protocol protocol_of_version(uint8_t version)
{
	switch (version) {
	case 0: return BPDU_PROTO_STP;
	case 2: return BPDU_PROTO_RSTP;
	case 3: return BPDU_PROTO_MSTP;
	case 4: return BPDU_PROTO_SPT;
	default: return BPDU_PROTO_UNKNOWN;
	}
}

static void set_invalid(struct bpdu *b, const char *why)
{
	b->status = BPDU_INVALID;
	b->reason = why;
}

static bool check_truncated(struct bpdu *b, const struct cursor *c)
{
	if (!c->truncated)
		return false;
	b->status = BPDU_TRUNCATED;
	b->reason = "capture ends inside the BPDU";
	return true;
}

static void read_config_id(struct cursor *c, struct mst_config_id *id)
{
	id->format = cursor_u8(c);
	cursor_copy(c, id->name, sizeof(id->name));
	id->revision = cursor_be16(c);
	cursor_copy(c, id->digest, sizeof(id->digest));
}

/* The fields shared by Config, RST and MST BPDUs (802.1D-2004 9.3.1). */
static bool read_priority_vector_and_timers(struct bpdu *b, struct cursor *c)
{
	b->flags = cursor_u8(c);
	if (check_truncated(b, c))
		return false;
	b->have |= BPDU_HAVE_FLAGS;

	b->root_id = cursor_be64(c);
	b->root_path_cost = cursor_be32(c);
	b->bridge_id = cursor_be64(c);
	b->port_id = cursor_be16(c);
	if (check_truncated(b, c))
		return false;
	b->have |= BPDU_HAVE_PRIORITY;

	b->message_age = cursor_be16(c);
	b->max_age = cursor_be16(c);
	b->hello_time = cursor_be16(c);
	b->forward_delay = cursor_be16(c);
	if (check_truncated(b, c))
		return false;
	b->have |= BPDU_HAVE_TIMERS;
	return true;
}

/* 802.1Q-2014 14.6: the MST part after the RST fields; the cursor sits on v1 length. */
static void read_mst(struct bpdu *b, struct cursor *c)
{
	b->v1_length = cursor_u8(c);
	b->v3_length = cursor_be16(c);
	read_config_id(c, &b->mst_config);
	b->cist_internal_root_path_cost = cursor_be32(c);
	b->cist_bridge_id = cursor_be64(c);
	b->cist_remaining_hops = cursor_u8(c);
	if (check_truncated(b, c))
		return;
	b->have |= BPDU_HAVE_MST;

	/* Whole 16-octet records only; a ragged tail is ignored, as tcpdump does. */
	unsigned records = b->v3_length > MST_CONFIG_INFO_LEN ?
		(unsigned)(b->v3_length - MST_CONFIG_INFO_LEN) / MSTI_RECORD_LEN : 0;
	for (unsigned i = 0; i < records; i++) {
		struct msti_record m;
		m.flags = cursor_u8(c);
		m.regional_root_id = cursor_be64(c);
		m.internal_root_path_cost = cursor_be32(c);
		m.bridge_priority = cursor_u8(c);
		m.port_priority = cursor_u8(c);
		m.remaining_hops = cursor_u8(c);
		if (check_truncated(b, c))
			return;
		if (b->n_msti < BPDU_MAX_MSTI)
			b->msti[b->n_msti++] = m;
		else
			b->msti_ignored++;
	}
	b->have |= BPDU_HAVE_MSTI;
}

/* 802.1Q-2014 14.7 (802.1aq): version 4 fields after the MSTIs. */
static void read_spt(struct bpdu *b, struct cursor *c)
{
	b->v4_length = cursor_be16(c);
	read_config_id(c, &b->aux_config);
	b->agreement_octet = cursor_u8(c);
	(void)cursor_u8(c); /* unused, sent as zero */
	b->agreement_format = cursor_u8(c);
	b->agreement_convention = cursor_u8(c);
	b->agreement_edge_count = cursor_be16(c);
	cursor_skip(c, 8); /* reserved */
	cursor_copy(c, b->agreement_digest, sizeof(b->agreement_digest));
	if (check_truncated(b, c))
		return;
	b->have |= BPDU_HAVE_SPT;
}

/*
 * Validity of a type-2 BPDU of version >= 3 from the declared length alone,
 * in the order tcpdump applies the same checks.  The two length fields are
 * read from the captured bytes; if they were not captured, the BPDU is
 * truncated rather than invalid.
 */
static bool validate_mst(struct bpdu *b, const struct cursor *bpdu_start)
{
	if (b->length < MST_BPDU_MIN_LEN) {
		set_invalid(b, "MST BPDU shorter than 102 octets");
		return false;
	}
	struct cursor c = *bpdu_start;
	cursor_skip(&c, RST_BPDU_LEN - 1);
	uint8_t v1_length = cursor_u8(&c);
	uint32_t v3_length = cursor_be16(&c);
	if (check_truncated(b, &c))
		return false;
	if (v1_length != 0) {
		set_invalid(b, "MST BPDU with non-zero version 1 length");
		return false;
	}
	uint32_t mst_end = RST_BPDU_LEN + 2 + v3_length;
	if (b->length < mst_end) {
		set_invalid(b, "version 3 length runs past the BPDU");
		return false;
	}
	if (b->version == 4) {
		if (b->length < mst_end + 2) {
			set_invalid(b, "version 4 length does not fit");
			return false;
		}
		cursor_skip(&c, v3_length);
		uint32_t v4_length = cursor_be16(&c);
		if (check_truncated(b, &c))
			return false;
		if (b->length < mst_end + 2 + v4_length || v4_length + 2 < SPT_V4_MIN_LEN) {
			set_invalid(b, "version 4 length does not fit");
			return false;
		}
	}
	return true;
}

static void read_pvst_tlv(struct bpdu *b, const struct cursor *bpdu_start)
{
	if (b->length < PVST_TLV_OFFSET + 6)
		return;
	struct cursor c = *bpdu_start;
	cursor_skip(&c, PVST_TLV_OFFSET);
	uint16_t type = cursor_be16(&c);
	uint16_t len = cursor_be16(&c);
	uint16_t vlan = cursor_be16(&c);
	if (c.truncated) {
		check_truncated(b, &c);
		return;
	}
	if (type != PVST_TLV_VLAN || len != 2)
		return;
	b->have_pvst_vlan = true;
	b->pvst_vlan = vlan;
}

void bpdu_decode(struct bpdu *b, const struct frame *f)
{
	memset(b, 0, sizeof(*b));
	b->status = BPDU_OK;
	b->protocol = BPDU_PROTO_UNKNOWN;
	b->type = BPDU_TYPE_UNKNOWN;
	b->pvst = f->payload_kind == PAYLOAD_PVST;
	b->length = f->payload_declared;

	const struct cursor start = f->payload;
	struct cursor c = start;

	/* 802.1D-2004 9.3.4: at least the protocol identifier, version and type. */
	if (b->length < TCN_BPDU_LEN) {
		set_invalid(b, "shorter than 4 octets");
		return;
	}
	b->protocol_id = cursor_be16(&c);
	if (check_truncated(b, &c))
		return;
	if (b->protocol_id != BPDU_PROTOCOL_ID) {
		set_invalid(b, "protocol identifier is not 0 (802.1D 9.3.4)");
		return;
	}
	b->version = cursor_u8(&c);
	if (check_truncated(b, &c))
		return;
	b->have |= BPDU_HAVE_VERSION;
	b->protocol = protocol_of_version(b->version);

	b->type_code = cursor_u8(&c);
	if (check_truncated(b, &c))
		return;
	b->have |= BPDU_HAVE_TYPE;

	switch (b->type_code) {
	case BPDU_CODE_TCN:
		/* 802.1D-2004 9.3.4 c): any version; nothing follows the type. */
		b->type = BPDU_TYPE_TCN;
		break;

	case BPDU_CODE_CONFIG:
		b->type = BPDU_TYPE_CONFIG;
		if (b->length < CONFIG_BPDU_LEN) {
			set_invalid(b, "Config BPDU shorter than 35 octets");
			return;
		}
		if (!read_priority_vector_and_timers(b, &c))
			return;
		break;

	case BPDU_CODE_RST:
		if (b->version < 2) {
			set_invalid(b, "RST/MST BPDU type with protocol version below 2");
			return;
		}
		if (b->version == 2 || b->protocol == BPDU_PROTO_UNKNOWN) {
			/*
			 * 802.1D-2004 9.3.4 d): a type-2 BPDU of version 2, or of a
			 * version this decoder does not know, is read as an RST BPDU.
			 */
			b->type = BPDU_TYPE_RST;
			if (b->length < RST_BPDU_LEN) {
				set_invalid(b, "RST BPDU shorter than 36 octets");
				return;
			}
			if (!read_priority_vector_and_timers(b, &c))
				return;
			b->v1_length = cursor_u8(&c);
			check_truncated(b, &c);
			break;
		}
		b->type = b->version == 3 ? BPDU_TYPE_MST : BPDU_TYPE_SPT;
		/* A capture cut short still yields the fields it holds. */
		if (!validate_mst(b, &start) && b->status == BPDU_INVALID)
			return;
		if (!read_priority_vector_and_timers(b, &c))
			return;
		read_mst(b, &c);
		if (b->status != BPDU_OK || b->version != 4)
			break;
		/* The SPT fields start right after what v3 length announces. */
		c = start;
		cursor_skip(&c, RST_BPDU_LEN + 2 + (size_t)b->v3_length);
		read_spt(b, &c);
		break;

	default:
		set_invalid(b, "unknown BPDU type");
		return;
	}

	b->octets = (uint32_t)c.pos;
	if (b->pvst && b->status == BPDU_OK)
		read_pvst_tlv(b, &start);
}
