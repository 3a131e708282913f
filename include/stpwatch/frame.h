/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * frame.h - link-layer decoding: Ethernet, Linux cooked v1/v2, 802.1Q tags,
 * 802.2 LLC and SNAP, down to the point where a BPDU (or any other payload)
 * starts.  The result is a plain struct; nothing here prints.
 */
#ifndef STPWATCH_FRAME_H
#define STPWATCH_FRAME_H

#include <stdbool.h>
#include <stdint.h>

#include "stpwatch/cursor.h"

#define FRAME_MAX_TAGS 2   /* 802.1ad + 802.1Q; deeper stacks are left undecoded */

enum frame_status {
	FRAME_OK,
	FRAME_TRUNCATED,  /* the capture ends inside a link-layer header */
	FRAME_INVALID,    /* a header field does not make sense (e.g. cooked address length) */
};

/* What the payload is, as far as stpwatch cares. */
enum frame_payload {
	PAYLOAD_OTHER,      /* an ordinary frame: only addresses and type matter */
	PAYLOAD_STP,        /* 802.2 LLC DSAP/SSAP 0x42: an IEEE BPDU (802.1D 7.12.3) */
	PAYLOAD_PVST,       /* LLC/SNAP OUI 00000c PID 0x010b: Cisco PVST+/SSTP BPDU */
};

enum frame_direction {
	FRAME_DIR_UNKNOWN = 0,
	FRAME_DIR_IN,
	FRAME_DIR_OUT,
};

struct frame {
	enum frame_status status;
	enum frame_payload payload_kind;
	enum frame_direction direction;
	bool have_dst;          /* false for cooked captures: the kernel drops it */
	uint8_t dst[6];
	uint8_t src[6];
	int ifindex;            /* Linux cooked v2: the capturing interface; else -1 */
	uint8_t pkttype;        /* Linux cooked: PACKET_HOST .. PACKET_OUTGOING; else 0 */
	unsigned n_tags;
	uint16_t tag_tpid[FRAME_MAX_TAGS];
	uint16_t tag_tci[FRAME_MAX_TAGS];
	int vlan;               /* VID of the outermost tag, -1 if untagged (0 = priority tag) */
	uint16_t ethertype;     /* final EtherType, or 0 for an 802.3 length frame */
	bool is_8023;           /* the type field was a length (<= 1500) */
	uint16_t length_field;  /* the 802.3 length field as sent */
	uint8_t llc_dsap, llc_ssap, llc_control;
	uint32_t snap_oui;
	uint16_t snap_pid;
	/*
	 * The payload past LLC (and SNAP): the bytes captured, capped at the
	 * length the frame declares.  payload_declared is that declared length,
	 * which can exceed what was captured (snaplen) - that difference is
	 * what makes a BPDU "truncated".
	 */
	struct cursor payload;
	uint32_t payload_declared;
};

/*
 * Decodes the link layer of one captured frame.  linktype is a LINKTYPE_*
 * value; wirelen the frame's length on the wire.  Unknown link types give
 * FRAME_INVALID.
 */
void frame_decode(struct frame *f, uint32_t linktype, const uint8_t *data,
		  uint32_t caplen, uint32_t wirelen);

/* True for 01:80:c2:00:00:00 (802.1D bridge group address, table 7-9). */
bool mac_is_bridge_group(const uint8_t mac[6]);

#endif /* STPWATCH_FRAME_H */
