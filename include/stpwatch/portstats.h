/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * portstats.h - what was seen on each port: frame and BPDU counters and the
 * bridges heard (one entry per BPDU sender, with its last priority vector).
 * It is the input of the report writers; the diagnosis engine builds on it.
 * Tables are bounded: past the limits, entries are counted, not stored.
 */
#ifndef STPWATCH_PORTSTATS_H
#define STPWATCH_PORTSTATS_H

#include <stdint.h>

#include "stpwatch/bpdu.h"
#include "stpwatch/packet.h"
#include "stpwatch/sbuf.h"

#define PORTSTATS_MAX_PORTS    4096
#define PORTSTATS_MAX_SENDERS  64      /* distinct BPDU senders kept per port */
#define PORTSTATS_IFNAME_LEN   64

struct bpdu_sender {
	uint8_t mac[6];
	uint16_t port_id;
	uint64_t bridge_id;        /* CIST bridge id for MST/SPT */
	uint64_t root_id;
	uint32_t root_path_cost;
	uint64_t regional_root_id; /* MST/SPT only */
	const char *protocol;      /* static name */
	uint8_t flags;
	uint16_t max_age, hello_time, forward_delay;
	uint64_t count;
	int64_t first_sec, last_sec;
	uint32_t first_nsec, last_nsec;
};

struct port_stats {
	char ifname[PORTSTATS_IFNAME_LEN];
	uint64_t frames;
	uint64_t bytes;
	uint64_t frames_truncated;   /* link layer cut short */
	uint64_t frames_invalid;     /* link layer nonsense or unknown link type */
	uint64_t bpdus;
	uint64_t bpdus_by_protocol[6]; /* stp rstp mstp spt pvst unknown */
	uint64_t tcn;
	uint64_t tc_flagged;
	uint64_t bpdus_truncated;
	uint64_t bpdus_invalid;
	unsigned n_senders;
	uint64_t senders_dropped;
	struct bpdu_sender senders[PORTSTATS_MAX_SENDERS];
};

struct portstats {
	struct port_stats *ports;
	unsigned n_ports;
	unsigned cap_ports;
	uint64_t ports_dropped;      /* frames on ports past PORTSTATS_MAX_PORTS */
	uint64_t frames;
	int64_t first_sec, last_sec;
	uint32_t first_nsec, last_nsec;
};

void portstats_init(struct portstats *ps);
void portstats_free(struct portstats *ps);
/* b is NULL for frames that carry no BPDU. */
void portstats_add(struct portstats *ps, const struct packet *pkt, const struct bpdu *b);

/* Human-readable summary, and the same as one JSON object member set. */
void portstats_print_text(struct sbuf *out, const struct portstats *ps);
struct json;
void portstats_print_json(struct json *j, const struct portstats *ps);

#endif /* STPWATCH_PORTSTATS_H */
