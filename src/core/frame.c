/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * frame.c - link-layer decoding down to the BPDU.
 *
 * Ethernet (LINKTYPE_ETHERNET), Linux "cooked" captures as written by
 * `tcpdump -i any` (LINKTYPE_LINUX_SLL, LINKTYPE_LINUX_SLL2), up to two
 * 802.1Q/802.1ad tags, then either an EtherType or an 802.3 length followed
 * by 802.2 LLC and, for DSAP/SSAP 0xaa, SNAP.
 */
#include <string.h>

#include "stpwatch/capfile.h"
#include "stpwatch/frame.h"

#define ETH_HDR_LEN        14
#define ETHERTYPE_8021Q    0x8100
#define ETHERTYPE_8021AD   0x88a8
#define ETHERTYPE_QINQ_OLD 0x9100
#define MAX_8023_LENGTH    1500   /* IEEE 802.3 3.2.6: larger values are types */

/* Linux <linux/if_ether.h>: protocol values in cooked headers for non-DIX frames. */
#define LINUX_ETH_P_802_3  0x0001
#define LINUX_ETH_P_802_2  0x0004
#define LINUX_PACKET_OUTGOING 4

#define LLC_SAP_BSPAN      0x42   /* 802.1D 7.12.3: bridge spanning tree SAP */
#define LLC_SAP_SNAP       0xaa
#define LLC_UI             0x03
#define OUI_CISCO          0x00000c
#define PID_CISCO_PVST     0x010b

static const uint8_t bridge_group_address[6] = { 0x01, 0x80, 0xc2, 0x00, 0x00, 0x00 };

bool mac_is_bridge_group(const uint8_t mac[6])
{
	return memcmp(mac, bridge_group_address, 6) == 0;
}

static bool is_tag_tpid(uint16_t t)
{
	return t == ETHERTYPE_8021Q || t == ETHERTYPE_8021AD || t == ETHERTYPE_QINQ_OLD;
}

/*
 * The type field is final here (tags removed).  `room` is how many octets
 * the frame has after the type field on the wire, which bounds what an
 * 802.3 length may claim (as tcpdump does: a length larger than the frame
 * is not believed).
 */
static void decode_after_type(struct frame *f, struct cursor *c, uint16_t type,
			      uint32_t room)
{
	if (type > MAX_8023_LENGTH) {
		f->ethertype = type;
		f->payload = cursor_sub(c, cursor_remaining(c));
		f->payload_declared = room;
		return;
	}

	/* IEEE 802.3 length: an 802.2 LLC header follows. */
	f->is_8023 = true;
	f->length_field = type;
	uint32_t declared = type < room ? type : room;
	struct cursor llc = cursor_sub(c, declared);

	f->llc_dsap = cursor_u8(&llc);
	f->llc_ssap = cursor_u8(&llc);
	f->llc_control = cursor_u8(&llc);
	if (llc.truncated) {
		f->status = declared < 3 ? FRAME_INVALID : FRAME_TRUNCATED;
		return;
	}
	uint32_t hdr = 3;

	if (f->llc_dsap == LLC_SAP_SNAP && f->llc_ssap == LLC_SAP_SNAP &&
	    f->llc_control == LLC_UI) {
		uint32_t oui = (uint32_t)cursor_u8(&llc) << 16;
		oui |= cursor_be16(&llc);
		f->snap_oui = oui;
		f->snap_pid = cursor_be16(&llc);
		if (llc.truncated) {
			f->status = declared < 8 ? FRAME_INVALID : FRAME_TRUNCATED;
			return;
		}
		hdr = 8;
		if (oui == OUI_CISCO && f->snap_pid == PID_CISCO_PVST)
			f->payload_kind = PAYLOAD_PVST;
	} else if (f->llc_dsap == LLC_SAP_BSPAN && f->llc_ssap == LLC_SAP_BSPAN &&
		   f->llc_control == LLC_UI) {
		f->payload_kind = PAYLOAD_STP;
	}
	f->payload = cursor_sub(&llc, cursor_remaining(&llc));
	f->payload_declared = declared - hdr;
}

static void decode_cooked_non_dix(struct frame *f, struct cursor *c, uint16_t proto,
				  uint32_t room);

/*
 * Tags, then the final type/length. `room` counts octets after the first
 * type field.  In a cooked capture libpcap re-inserts the VLAN tag in
 * front of the original protocol field, so after the tags a small value is
 * still a Linux protocol number (ETH_P_802_2), not an 802.3 length.
 */
static void decode_tags_and_type(struct frame *f, struct cursor *c, uint16_t type,
				 uint32_t room, bool cooked)
{
	while (is_tag_tpid(type)) {
		if (f->n_tags == FRAME_MAX_TAGS) {
			/* Deeper stacks: keep what we know, treat the rest as opaque. */
			f->ethertype = type;
			f->payload = cursor_sub(c, cursor_remaining(c));
			return;
		}
		uint16_t tci = cursor_be16(c);
		uint16_t inner = cursor_be16(c);
		if (c->truncated) {
			f->status = FRAME_TRUNCATED;
			return;
		}
		f->tag_tpid[f->n_tags] = type;
		f->tag_tci[f->n_tags] = tci;
		if (f->n_tags == 0)
			f->vlan = tci & 0x0fff;
		f->n_tags++;
		type = inner;
		room = room >= 4 ? room - 4 : 0;
	}
	if (cooked && type <= MAX_8023_LENGTH)
		decode_cooked_non_dix(f, c, type, room);
	else
		decode_after_type(f, c, type, room);
}

static void decode_ethernet(struct frame *f, struct cursor *c, uint32_t wirelen)
{
	cursor_copy(c, f->dst, 6);
	cursor_copy(c, f->src, 6);
	uint16_t type = cursor_be16(c);
	if (c->truncated) {
		f->status = FRAME_TRUNCATED;
		return;
	}
	f->have_dst = true;
	decode_tags_and_type(f, c, type, wirelen > ETH_HDR_LEN ? wirelen - ETH_HDR_LEN : 0, false);
}

/* A cooked header's protocol value that is not an EtherType (<linux/if_ether.h>). */
static void decode_cooked_non_dix(struct frame *f, struct cursor *c, uint16_t proto,
				  uint32_t room)
{
	if (proto == LINUX_ETH_P_802_2) {
		/* An 802.3 frame whose length field the kernel dropped: LLC follows. */
		decode_after_type(f, c, (uint16_t)(room > MAX_8023_LENGTH ? MAX_8023_LENGTH : room), room);
		f->length_field = 0;
		return;
	}
	if (proto == LINUX_ETH_P_802_3) {
		/* Novell raw 802.3: no LLC; nothing stpwatch decodes. */
		f->is_8023 = true;
		f->payload = cursor_sub(c, cursor_remaining(c));
		f->payload_declared = room;
		return;
	}
	/* Other Linux-internal protocol numbers carry nothing stpwatch decodes. */
	f->ethertype = proto;
	f->payload = cursor_sub(c, cursor_remaining(c));
	f->payload_declared = room;
}

/* The cooked header's protocol field names what follows, DIX or not. */
static void decode_cooked_payload(struct frame *f, struct cursor *c, uint16_t proto,
				  uint32_t room)
{
	decode_tags_and_type(f, c, proto, room, true);
}

static void set_cooked_addr(struct frame *f, uint16_t addrlen, const uint8_t addr[8])
{
	if (addrlen >= 6)
		memcpy(f->src, addr, 6);
	if (f->pkttype == LINUX_PACKET_OUTGOING)
		f->direction = FRAME_DIR_OUT;
	else
		f->direction = FRAME_DIR_IN;
}

/* LINKTYPE_LINUX_SLL: 16-octet header (pkttype, hatype, halen, addr[8], protocol). */
static void decode_sll(struct frame *f, struct cursor *c, uint32_t wirelen)
{
	uint8_t addr[8];
	f->pkttype = (uint8_t)cursor_be16(c);
	(void)cursor_be16(c); /* ARPHRD type */
	uint16_t addrlen = cursor_be16(c);
	cursor_copy(c, addr, 8);
	uint16_t proto = cursor_be16(c);
	if (c->truncated) {
		f->status = FRAME_TRUNCATED;
		return;
	}
	if (addrlen > 8) {
		f->status = FRAME_INVALID;
		return;
	}
	set_cooked_addr(f, addrlen, addr);
	decode_cooked_payload(f, c, proto, wirelen > 16 ? wirelen - 16 : 0);
}

/*
 * LINKTYPE_LINUX_SLL2: 20-octet header (protocol, reserved, ifindex,
 * hatype, pkttype, halen, addr[8]).  It keeps the interface index.
 */
static void decode_sll2(struct frame *f, struct cursor *c, uint32_t wirelen)
{
	uint8_t addr[8];
	uint16_t proto = cursor_be16(c);
	(void)cursor_be16(c); /* reserved */
	uint32_t ifindex = cursor_be32(c);
	(void)cursor_be16(c); /* ARPHRD type */
	f->pkttype = cursor_u8(c);
	uint8_t addrlen = cursor_u8(c);
	cursor_copy(c, addr, 8);
	if (c->truncated) {
		f->status = FRAME_TRUNCATED;
		return;
	}
	if (addrlen > 8 || ifindex > INT32_MAX) {
		f->status = FRAME_INVALID;
		return;
	}
	f->ifindex = (int)ifindex;
	set_cooked_addr(f, addrlen, addr);
	decode_cooked_payload(f, c, proto, wirelen > 20 ? wirelen - 20 : 0);
}

void frame_decode(struct frame *f, uint32_t linktype, const uint8_t *data,
		  uint32_t caplen, uint32_t wirelen)
{
	memset(f, 0, sizeof(*f));
	f->ifindex = -1;
	f->vlan = -1;
	if (wirelen < caplen)
		wirelen = caplen;
	struct cursor c = cursor_make(data, caplen);

	switch (linktype) {
	case LINKTYPE_ETHERNET:
		decode_ethernet(f, &c, wirelen);
		break;
	case LINKTYPE_LINUX_SLL:
		decode_sll(f, &c, wirelen);
		break;
	case LINKTYPE_LINUX_SLL2:
		decode_sll2(f, &c, wirelen);
		break;
	default:
		f->status = FRAME_INVALID;
		break;
	}
}
