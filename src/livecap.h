/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * livecap.h - live capture on bridge ports with libpcap.
 *
 * Two handles per port, incoming frames only, with kernel-side filters
 * that pass BPDUs (one ring) and other multicast and broadcast (ARP,
 * neighbour discovery: the other ring) and nothing else: ordinary unicast
 * traffic never reaches user space, and
 * what a bridge sends itself is known from netlink.  Incoming is enough:
 * a looped BPDU or a guest frame copied by a QEMU hub arrives on the other
 * port, and the BPDU's bridge and port identifiers name where it left.
 */
#ifndef STPWATCH_LIVECAP_H
#define STPWATCH_LIVECAP_H

#include <poll.h>
#include <stdbool.h>
#include <stdint.h>

#include "stpwatch/capfile.h"

/* The two rings of a port (see livecap.c for why BPDUs have their own). */
enum {
	LIVECAP_RING_BPDU,        /* 01:80:c2:00:00:00 and PVST+ 01:00:0c:cc:cc:cd */
	LIVECAP_RING_MULTICAST,   /* every other multicast and broadcast */
	LIVECAP_RINGS
};

struct livecap;

struct livecap_port_stats {
	char ifname[64];
	uint64_t received;       /* frames handed to stpwatch */
	uint64_t dropped;        /* pcap_stats ps_drop: the buffer was full */
	uint64_t ifdropped;      /* pcap_stats ps_ifdrop */
};

/* snaplen: bytes kept per frame; buffer_bytes: kernel ring per port. */
struct livecap *livecap_new(int snaplen, int buffer_bytes);
void livecap_free(struct livecap *lc);

/* The kernel ring for ports opened from now on. */
void livecap_set_buffer(struct livecap *lc, int buffer_bytes);

/*
 * Starts capturing on a port: 0, or with err set LIVECAP_NOT_NOW (the
 * interface is down or already gone: a VM's tap between its creation and
 * `ip link set up`, or a port deleted while its event was on the way; try
 * again on its next netlink event) or -1 (any other failure).  Adding twice
 * is a no-op.
 */
#define LIVECAP_NOT_NOW (-2)
int livecap_add(struct livecap *lc, const char *ifname, char *err, size_t errlen);
void livecap_remove(struct livecap *lc, const char *ifname);
bool livecap_has(const struct livecap *lc, const char *ifname);
unsigned livecap_count(const struct livecap *lc);

/*
 * Fills fds (at most max) with what poll() should watch for the captures:
 * one epoll descriptor for all of them.  Returns how many (1).
 */
unsigned livecap_pollfds(struct livecap *lc, struct pollfd *fds, unsigned max);

typedef void (*livecap_frame_fn)(void *ctx, const char *ifname, const struct cap_record *rec);
/* A port whose capture failed (interface gone); the handle is already closed. */
typedef void (*livecap_gone_fn)(void *ctx, const char *ifname, const char *why);

/*
 * Reads what is pending in the rings that have frames, at most `budget`
 * frames a ring, once poll() reported fds (as filled by livecap_pollfds)
 * ready: an idle port costs no system call at all, which matters with a
 * thousand of them.
 */
unsigned livecap_dispatch_ready(struct livecap *lc, const struct pollfd *fds, unsigned nfds,
				unsigned budget, livecap_frame_fn frame, livecap_gone_fn gone,
				void *ctx);

/* Drop counters, per port, refreshed from pcap_stats. Returns the number of ports. */
unsigned livecap_stats(struct livecap *lc, struct livecap_port_stats *out, unsigned max);

/*
 * Totals over every port ever opened, those closed since included (a port
 * deleted after a burst keeps its drops in the total): frames received and
 * dropped (ps_drop + ps_ifdrop), and of those how many in the BPDU rings
 * (bpdu_dropped may be NULL).  Refreshes the open ports' pcap_stats.
 */
void livecap_totals(struct livecap *lc, uint64_t *received, uint64_t *dropped,
		    uint64_t *bpdu_dropped);

#endif /* STPWATCH_LIVECAP_H */
