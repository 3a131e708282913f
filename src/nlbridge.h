/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * nlbridge.h - Linux bridges, their ports and FDB over rtnetlink.
 *
 * Three layers, each usable alone:
 *
 *   nlbridge_parse()     one netlink message -> one raw event.  Pure: no
 *                        socket, no state, so recorded messages replay in
 *                        tests.  Every length is checked; a short or
 *                        overrunning attribute is skipped, never over-read.
 *   nlbridge_cache_*()   merges raw events into what is known of each
 *                        bridge and port (AF_BRIDGE messages carry STP
 *                        state but no link kind; AF_UNSPEC ones both), names
 *                        a port's bridge and a bridge's root port, turns
 *                        "released from the bridge" into PORT_GONE, tells
 *                        FDB moves, and reports only what changed.
 *   nlbridge_open() ...  the sockets (libnl-3): dumps, notifications,
 *                        overflow recovery.
 *
 * What the kernel exports (verified on Linux 6.x, recorded in
 * tests/data/netlink/): bridge and port STP data of the in-kernel 802.1D
 * implementation - port state (BR_STATE_*), port id and number, designated
 * root/bridge/port/cost, bridge and root ids, root port number and cost,
 * timers.  No port roles and nothing of RSTP/MSTP: with stp_state 2 a user
 * space daemon (mstpd) runs the protocol and sets only the port states; the
 * designated_* fields are then stale.  The role in nlbridge_port_extra is
 * inferred from the 802.1D priority vector.  The kernel sends no
 * notification when a bridge's root id, root port or root path cost
 * changes, only when a port's state does: nlbridge_receive() asks for a
 * bridge again after any of its ports changed, and nlbridge_refresh() asks
 * for all of them (call it every few seconds), and for the ports of a
 * bridge that changed.
 */
#ifndef STPWATCH_NLBRIDGE_H
#define STPWATCH_NLBRIDGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/netlink.h>

#include "stpwatch/engine.h"

#define NLBRIDGE_NAME_LEN 16          /* IFNAMSIZ */

enum nlbridge_event_type {
	NLBRIDGE_EV_NONE,         /* nothing for us (other family, NLMSG_DONE ...) */
	NLBRIDGE_EV_LINK,         /* from nlbridge_parse() only: a link that is */
	NLBRIDGE_EV_LINK_GONE,    /*   neither bridge nor bridge port (yet), or gone */
	NLBRIDGE_EV_BRIDGE,       /* a bridge, new or changed */
	NLBRIDGE_EV_BRIDGE_GONE,
	NLBRIDGE_EV_PORT,         /* a bridge port, new or changed */
	NLBRIDGE_EV_PORT_GONE,    /* link deleted, or released from its bridge */
	NLBRIDGE_EV_FDB,          /* a MAC learned (or moved: fdb.moved) on a port */
	NLBRIDGE_EV_FDB_GONE,     /* an FDB entry aged out or was flushed */
	NLBRIDGE_EV_RESYNC,       /* events were lost; a full dump follows */
};

/* Which parts a message carried (nlbridge_event.have). */
#define NLB_HAVE_NAME    0x0001
#define NLB_HAVE_MTU     0x0002
#define NLB_HAVE_MAC     0x0004
#define NLB_HAVE_OPER    0x0008
#define NLB_HAVE_MASTER  0x0010
#define NLB_HAVE_KIND    0x0020   /* IFLA_INFO_KIND: kind and port.kind are known */
#define NLB_HAVE_BRIDGE  0x0040   /* IFLA_INFO_DATA of a bridge (IFLA_BR_*) */
#define NLB_HAVE_STP     0x0080   /* IFLA_BRPORT_* (slave data or IFLA_PROTINFO) */

/* Inferred from the 802.1D priority vector: Linux exports no roles. */
enum nlbridge_role {
	NLBRIDGE_ROLE_UNKNOWN,    /* no STP data, user space STP, or in transition */
	NLBRIDGE_ROLE_NONE,       /* STP off on the bridge */
	NLBRIDGE_ROLE_DISABLED,   /* port state disabled */
	NLBRIDGE_ROLE_ROOT,       /* port number is the bridge's root port */
	NLBRIDGE_ROLE_DESIGNATED, /* designated bridge/port are this bridge/port */
	NLBRIDGE_ROLE_ALTERNATE,  /* blocking; designated port on another bridge */
	NLBRIDGE_ROLE_BACKUP,     /* blocking; another port of this bridge is designated */
};

/* IFLA_BR_* beyond struct bridge_info.  Timers in 1/256 s. */
struct nlbridge_bridge_extra {
	uint32_t stp_state;       /* 0 off, 1 kernel 802.1D, 2 user space (mstpd) */
	uint16_t priority;
	uint16_t root_port_no;    /* IFLA_BR_ROOT_PORT: a port number, 0 = root */
	bool topology_change;
	bool topology_change_detected;
	bool vlan_filtering;
	uint16_t group_fwd_mask;
	bool have_group_addr;
	uint8_t group_addr[6];
	uint32_t ageing_time;
	uint32_t hello_timer, tcn_timer, topology_change_timer, gc_timer;
};

/* IFLA_BRPORT_* beyond struct port_info.  Timers in 1/256 s. */
struct nlbridge_port_extra {
	uint16_t port_no;         /* IFLA_BRPORT_NO */
	uint16_t priority;        /* IFLA_BRPORT_PRIORITY (0..63; port id = prio << 10 | no) */
	uint32_t designated_cost; /* IFLA_BRPORT_DESIGNATED_COST (a u16 on the wire) */
	bool guard;               /* IFLA_BRPORT_GUARD: BPDU guard */
	bool root_block;          /* IFLA_BRPORT_PROTECT: root port protection */
	bool fast_leave, learning, unicast_flood;
	bool topology_change_ack, config_pending;
	uint32_t message_age_timer, forward_delay_timer, hold_timer;
	enum nlbridge_role role;  /* filled by the cache */
};

struct nlbridge_fdb {
	uint8_t mac[6];
	int vlan;                 /* NDA_VLAN, -1 without */
	int ifindex;              /* the port (ndm_ifindex) */
	int master;               /* NDA_MASTER: the bridge, 0 if absent */
	uint16_t state;           /* NUD_* */
	uint8_t flags;            /* NTF_* */
	char port[NLBRIDGE_NAME_LEN];   /* names: filled by the cache */
	char bridge[NLBRIDGE_NAME_LEN];
	bool moved;               /* last seen on another port of the bridge: */
	char from[NLBRIDGE_NAME_LEN];   /* that port */
};

struct nlbridge_event {
	enum nlbridge_event_type type;
	uint16_t msg_type;        /* RTM_NEWLINK ... the message's; 0 if made by the cache */
	uint8_t family;           /* AF_UNSPEC or AF_BRIDGE */
	unsigned have;            /* NLB_HAVE_* */
	unsigned bad_attrs;       /* attributes skipped as too short or overrunning */

	/* The link (bridges, ports, other links) */
	int ifindex;
	int master;               /* IFLA_MASTER, 0 if none */
	char name[NLBRIDGE_NAME_LEN];
	char kind[16];            /* IFLA_INFO_KIND: "bridge", "veth", "tun" ... */
	unsigned ifi_flags;       /* IFF_* */
	uint8_t operstate;        /* IF_OPER_* */

	struct port_info port;    /* PORT, PORT_GONE, LINK: name, kind, mtu, mac ... */
	struct nlbridge_port_extra px;
	struct bridge_info bridge;  /* BRIDGE, BRIDGE_GONE */
	struct nlbridge_bridge_extra bx;
	struct nlbridge_fdb fdb;  /* FDB, FDB_GONE */

	const char *reason;       /* RESYNC: why; nlbridge_parse() -1: what was wrong */
};

typedef void (*nlbridge_cb)(const struct nlbridge_event *ev, void *ctx);

/*
 * Decodes one message of at most len bytes (its nlmsg_len may be less; the
 * rest is not looked at).  RTM_NEWLINK/RTM_DELLINK of families AF_UNSPEC
 * and AF_BRIDGE, RTM_NEWNEIGH/RTM_DELNEIGH of AF_BRIDGE (permanent, static,
 * device-own and multicast FDB entries are ignored).  Returns 1 with *ev
 * filled, 0 when the message is nothing for us (ev->type NONE), -1 when
 * it is malformed (header or family header cut short; ev->reason says).
 */
int nlbridge_parse(const struct nlmsghdr *nlh, size_t len, struct nlbridge_event *ev);

/* centiseconds (USER_HZ clock_t, as the kernel reports timers) -> 1/256 s */
uint32_t nlbridge_cs_to_256(uint64_t cs);

/* struct ifla_bridge_id (prio[2], addr[6], network order) -> BPDU-style id */
uint64_t nlbridge_id(const uint8_t raw[8]);

const char *nlbridge_state_name(enum port_state s);
const char *nlbridge_role_name(enum nlbridge_role r);
const char *nlbridge_event_name(enum nlbridge_event_type t);

/* ---- the cache --------------------------------------------------------- */

struct nlbridge_cache;

struct nlbridge_cache *nlbridge_cache_new(void);
void nlbridge_cache_free(struct nlbridge_cache *c);

/* Feeds one event from nlbridge_parse(); cb gets what changed (0..n events). */
void nlbridge_cache_feed(struct nlbridge_cache *c, const struct nlbridge_event *ev,
			 nlbridge_cb cb, void *ctx);
/* nlbridge_parse() + nlbridge_cache_feed(); returns nlbridge_parse()'s result. */
int nlbridge_cache_feed_msg(struct nlbridge_cache *c, const struct nlmsghdr *nlh,
			    size_t len, nlbridge_cb cb, void *ctx);

/*
 * A full link dump: between begin and end, fed link messages are merged
 * silently; end reports every bridge, then every port, then BRIDGE_GONE /
 * PORT_GONE for those the dump no longer showed.
 */
void nlbridge_cache_sync_begin(struct nlbridge_cache *c);
void nlbridge_cache_sync_end(struct nlbridge_cache *c, nlbridge_cb cb, void *ctx);

/* Bridges whose ports changed since asked last: ifindex, 0 when none left. */
int nlbridge_cache_next_dirty(struct nlbridge_cache *c);

/* ---- the sockets --------------------------------------------------------- */

struct nlbridge;

/* Opens rtnetlink in the current network namespace; NULL and err on failure. */
struct nlbridge *nlbridge_open(char *err, size_t errlen);
void nlbridge_close(struct nlbridge *nl);
int nlbridge_fd(const struct nlbridge *nl);   /* poll it for POLLIN */
const char *nlbridge_error(const struct nlbridge *nl);

/* Receive buffer of the notification socket (bytes); for tests and tuning. */
int nlbridge_set_rcvbuf(struct nlbridge *nl, int bytes);

/*
 * Full dump: links (AF_UNSPEC, then AF_BRIDGE) and the bridge FDB; reports
 * like nlbridge_cache_sync_end(), then the FDB entries.  0 or -1.
 */
int nlbridge_dump(struct nlbridge *nl, nlbridge_cb cb, void *ctx);

/*
 * Drains pending notifications without blocking.  When the kernel dropped
 * some (ENOBUFS) reports RESYNC and dumps everything again.  Then asks again
 * for bridges whose ports changed.  Returns events reported, or -1.
 */
int nlbridge_receive(struct nlbridge *nl, nlbridge_cb cb, void *ctx);

/*
 * Asks for every known bridge again, and for the ports of those that
 * changed (of all of them on the first call and every NLBRIDGE_PORTS_EVERY-th
 * after); reports what changed.  0 or -1.
 */
#define NLBRIDGE_PORTS_EVERY 6
int nlbridge_refresh(struct nlbridge *nl, nlbridge_cb cb, void *ctx);

/* ---- the engine ---------------------------------------------------------- */

/* BRIDGE, PORT, PORT_GONE, FDB -> engine_bridge/port/port_gone/fdb_move. */
void nlbridge_apply(struct engine *e, const struct nlbridge_event *ev, double now);

#endif /* STPWATCH_NLBRIDGE_H */
