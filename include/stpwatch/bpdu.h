/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * bpdu.h - Bridge Protocol Data Units: IEEE 802.1D Configuration and TCN,
 * RSTP (802.1D-2004 clause 9, version 2), MSTP (802.1Q-2014 clause 14,
 * version 3), SPT (802.1Q-2014 clause 14 / 802.1aq, version 4) and the
 * Cisco PVST+ encapsulation of the same.
 *
 * bpdu_decode() fills a plain host-order struct.  Timers stay in the wire's
 * unit (1/256 s, 802.1D 9.2.8) so nothing is lost; bridge identifiers are
 * 64-bit numbers (priority and system id extension in the top 16 bits, the
 * MAC address below) so that "lower is better" is a plain comparison, as in
 * 802.1D 17.6.
 */
#ifndef STPWATCH_BPDU_H
#define STPWATCH_BPDU_H

#include <stdbool.h>
#include <stdint.h>

#include "stpwatch/frame.h"

#define BPDU_MAX_MSTI 64    /* 802.1Q 13.14: at most 64 MSTIs per region */

enum bpdu_status {
	BPDU_OK,
	BPDU_TRUNCATED,   /* the capture ended before the BPDU did */
	BPDU_INVALID,     /* lengths, identifiers or versions do not fit (802.1D 9.3.4, 802.1Q 14.4) */
};

enum bpdu_protocol {
	BPDU_PROTO_STP,   /* version 0 */
	BPDU_PROTO_RSTP,  /* version 2 */
	BPDU_PROTO_MSTP,  /* version 3 */
	BPDU_PROTO_SPT,   /* version 4 */
	BPDU_PROTO_UNKNOWN,
};

enum bpdu_type {
	BPDU_TYPE_CONFIG,
	BPDU_TYPE_TCN,
	BPDU_TYPE_RST,
	BPDU_TYPE_MST,
	BPDU_TYPE_SPT,
	BPDU_TYPE_UNKNOWN,
};

/* 802.1D-2004 9.3.3 / 802.1Q 14.6: the flags octet. */
#define BPDU_FLAG_TC          0x01
#define BPDU_FLAG_PROPOSAL    0x02
#define BPDU_FLAG_ROLE_MASK   0x0c
#define BPDU_FLAG_LEARNING    0x10
#define BPDU_FLAG_FORWARDING  0x20
#define BPDU_FLAG_AGREEMENT   0x40
#define BPDU_FLAG_TCA         0x80

/* 802.1D-2004 9.2.9: port role encoding in flags bits 3..4. */
enum bpdu_role {
	BPDU_ROLE_MASTER_OR_UNKNOWN = 0,
	BPDU_ROLE_ALTERNATE_OR_BACKUP = 1,
	BPDU_ROLE_ROOT = 2,
	BPDU_ROLE_DESIGNATED = 3,
};

/* Which groups of fields were read completely (for truncated BPDUs). */
#define BPDU_HAVE_VERSION   0x01  /* protocol id, version */
#define BPDU_HAVE_TYPE      0x02
#define BPDU_HAVE_FLAGS     0x04
#define BPDU_HAVE_PRIORITY  0x08  /* root id, root path cost, bridge id, port id */
#define BPDU_HAVE_TIMERS    0x10
#define BPDU_HAVE_MST       0x20  /* the MST configuration and CIST fields */
#define BPDU_HAVE_MSTI      0x40  /* every MSTI record v3 length announces */
#define BPDU_HAVE_SPT       0x80

struct msti_record {          /* 802.1Q 14.6.1 */
	uint8_t flags;
	uint64_t regional_root_id;
	uint32_t internal_root_path_cost;
	uint8_t bridge_priority;  /* octet as sent: priority in the upper nibble */
	uint8_t port_priority;    /* octet as sent: priority in the upper nibble */
	uint8_t remaining_hops;
};

struct mst_config_id {        /* 802.1Q 13.8 */
	uint8_t format;
	uint8_t name[32];         /* raw octets, NOT NUL-terminated */
	uint16_t revision;
	uint8_t digest[16];
};

struct bpdu {
	enum bpdu_status status;
	const char *reason;        /* static text when status != BPDU_OK */
	unsigned have;             /* BPDU_HAVE_* */
	bool pvst;                 /* came in a Cisco PVST+ SNAP frame */
	uint32_t length;           /* octets the frame declares for the BPDU */
	uint32_t octets;           /* octets the decoded fields cover (no padding) */

	uint16_t protocol_id;
	uint8_t version;
	uint8_t type_code;         /* BPDU type octet as sent */
	enum bpdu_protocol protocol;
	enum bpdu_type type;

	uint8_t flags;
	uint64_t root_id;          /* CIST root for MST/SPT */
	uint32_t root_path_cost;   /* CIST external root path cost for MST/SPT */
	uint64_t bridge_id;        /* CIST regional root for MST/SPT */
	uint16_t port_id;
	uint16_t message_age;      /* 1/256 s */
	uint16_t max_age;
	uint16_t hello_time;
	uint16_t forward_delay;
	uint8_t v1_length;

	/* MSTP / SPT */
	uint16_t v3_length;
	struct mst_config_id mst_config;
	uint32_t cist_internal_root_path_cost;
	uint64_t cist_bridge_id;
	uint8_t cist_remaining_hops;
	unsigned n_msti;
	unsigned msti_ignored;     /* records beyond BPDU_MAX_MSTI, counted not kept */
	struct msti_record msti[BPDU_MAX_MSTI];

	/* SPT (802.1Q-2014 14.7 / 802.1aq) */
	uint16_t v4_length;
	struct mst_config_id aux_config;
	uint8_t agreement_octet;   /* number, discarded number, valid, restricted role */
	uint8_t agreement_format;  /* id in the upper nibble, capabilities in the lower */
	uint8_t agreement_convention;
	uint16_t agreement_edge_count;
	uint8_t agreement_digest[20];

	/* PVST+: the originating VLAN TLV after the BPDU */
	bool have_pvst_vlan;
	uint16_t pvst_vlan;
};

/* Decodes the BPDU in a frame whose payload_kind is PAYLOAD_STP or PAYLOAD_PVST. */
void bpdu_decode(struct bpdu *b, const struct frame *f);

static inline enum bpdu_role bpdu_flags_role(uint8_t flags)
{
	return (enum bpdu_role)((flags & BPDU_FLAG_ROLE_MASK) >> 2);
}

/* The MSTI number is the system id extension of the MSTI regional root (802.1Q 14.6.1). */
static inline unsigned msti_id(const struct msti_record *m)
{
	return (unsigned)(m->regional_root_id >> 48) & 0x0fffu;
}

#endif /* STPWATCH_BPDU_H */
