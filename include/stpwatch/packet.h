/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * packet.h - one captured frame as the core sees it: where and when it was
 * seen, and its decoded link layer.  Sources (files, live capture) build
 * these; decoders, writers and the engine consume them.
 */
#ifndef STPWATCH_PACKET_H
#define STPWATCH_PACKET_H

#include <stdint.h>

#include "stpwatch/frame.h"

struct packet {
	int64_t ts_sec;
	uint32_t ts_nsec;
	uint64_t number;          /* 1-based record number within its source */
	const char *ifname;       /* the port it was seen on (label) */
	int ifindex;              /* interface index when known, else -1 */
	enum frame_direction direction;
	uint32_t caplen;
	uint32_t wirelen;
	const struct frame *frame;
};

#endif /* STPWATCH_PACKET_H */
