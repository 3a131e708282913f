/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * engine_int.h - the engine's state, shared by its modules:
 *   engine.c    ports, bridges, VMs, frame intake, ticks
 *   echo.c      the short-lived table of recent frames that detects echoes
 *   mactable.c  source MACs and their moves
 *   diagnose.c  turning the state into findings
 */
#ifndef STPWATCH_ENGINE_INT_H
#define STPWATCH_ENGINE_INT_H

#include "stpwatch/engine.h"

#define TC_HISTORY        64   /* topology-change events kept per port */
#define ROOT_HISTORY      16   /* root changes kept per sender */
#define MAX_SENDERS       1024 /* BPDU senders tracked (bridge id + port id) */
#define MAX_ECHO_PAIRS    1024
#define ECHO_BUCKETS      1024
#define ECHO_WAYS         4
#define ECHO_COPIES       6    /* ports one frame may be seen on in one window */
#define MAC_WAYS          8
#define FLAP_HISTORY      8

/* The BPDU a port heard last, kept for reports and the blocked-tap finding. */
struct bpdu_brief {
	bool valid;
	double time;
	enum frame_direction direction;
	const char *protocol;
	uint8_t src[6];
	uint64_t sender_id;      /* bridge id (CIST bridge id for MST) */
	uint16_t port_id;
	uint64_t root_id;
	uint32_t root_path_cost;
	uint8_t flags;
	uint16_t max_age, hello_time, forward_delay;
};

/*
 * Events in a sliding window: the last few event times (a ring the owner
 * keeps) and what the bursts were.  Storms are remembered when they happen,
 * so a storm early in a long capture is still reported at its end.
 */
struct burst {
	unsigned next, total;
	unsigned peak;            /* most events within one window */
	bool storm;               /* a window held `threshold` events or more */
	double storm_first;       /* earliest event of the first such window */
	double storm_last;        /* latest event of any such window */
};

/* Records an event at t; returns how many fell in [t - window, t]. */
unsigned burst_add(struct burst *b, double *ring, unsigned cap, double t,
		   double window, unsigned threshold);

#define HEARD_MAX 8

/* A BPDU sender heard on a port, counting only first copies (not echoes). */
struct heard_rec {
	uint64_t sender_id;
	uint16_t port_id;
	const char *protocol;
	uint8_t src[6];
	bool dir_in, dir_out, dir_unknown;
	bool has_timers;         /* false for TCNs: no priority vector, no timers */
	uint64_t root_id;        /* the root its last BPDU named */
	uint16_t max_age, hello_time, forward_delay;
	uint64_t count;
	double first, last;
};

struct port_rec {
	struct port_info info;
	struct heard_rec heard[HEARD_MAX];
	unsigned n_heard;
	uint64_t heard_dropped;
	bool from_snapshot;      /* told by netlink or the command line */
	bool present;            /* false once the port is gone */
	int owner_pid;           /* the process holding the tap, 0 if none known */
	uint64_t frames, bpdus, bpdus_in, bpdus_out;
	struct bpdu_brief last_bpdu;      /* last BPDU seen on the port */
	struct bpdu_brief last_bpdu_in;   /* last one that was not our own */
	/* topology changes heard on this port (TCN BPDUs, rising TC flags) */
	double tc_times[TC_HISTORY];
	struct burst tc;
};

struct bridge_rec {
	struct bridge_info info;
	bool from_snapshot;
	bool present;
	bool id_learned;         /* bridge_id learned from BPDUs it sent */
	/* root changes between snapshots (live: the kernel announces none) */
	double root_change_times[ROOT_HISTORY];
	struct burst root;
	uint64_t last_root_from, last_root_to;
	char last_root_port[ENGINE_NAME_LEN];   /* root port after the change */
	double last_root_change;
};

struct vm_rec {
	struct vm_info info;
	bool present;
	double seen;
};

/* One bridge port as a BPDU sender, followed for root changes and TC edges. */
struct sender_rec {
	uint64_t bridge_id;
	uint16_t port_id;
	const char *protocol;
	uint64_t root_id;
	bool tc;                 /* TC flag in its last BPDU */
	uint64_t bpdus;
	double first, last;
	double root_change_times[ROOT_HISTORY];
	struct burst root;
	uint64_t last_root_from, last_root_to;
	double last_root_change;
	bool timers_invalid;     /* 802.1D 17.14 relation violated */
	uint16_t bad_max_age, bad_hello_time, bad_forward_delay; /* the violating timers */
	uint16_t max_age, hello_time, forward_delay;
	double timers_invalid_last;
};

enum echo_type {
	ECHO_BOUNCE,             /* left one port, came back in on another */
	ECHO_DUPLICATE,          /* arrived on two taps at once: a hub copied it */
};

struct echo_pair {
	unsigned from, to;       /* port indexes */
	enum echo_type type;
	bool bpdu;
	uint64_t sender_id;      /* for BPDUs */
	uint16_t sender_port;
	uint8_t src[6];          /* source MAC of the last echoed frame */
	uint64_t count;
	double first, last;
	double min_delay, max_delay;
};

struct echo_copy {
	uint16_t port;
	uint8_t dir;             /* enum frame_direction */
	double t;
};

struct echo_entry {
	uint64_t hash;           /* 0 = empty */
	double first;            /* time of the earliest copy */
	uint8_t n_copies;
	bool bpdu;
	struct echo_copy copies[ECHO_COPIES];
};

struct mac_entry {
	uint8_t mac[6];
	uint16_t vlan;           /* 0xffff: untagged */
	uint16_t domain;         /* learning domain: 1 + bridge index, 0 if unknown */
	bool used;
	uint16_t port;           /* where it was last seen arriving */
	double last;
	double move_times[FLAP_HISTORY];
	uint16_t move_ports[FLAP_HISTORY];
	struct burst moves;
};

struct engine {
	struct engine_config cfg;
	struct port_rec *ports;
	unsigned n_ports, cap_ports;
	struct bridge_rec *bridges;
	unsigned n_bridges, cap_bridges;
	struct vm_rec *vms;
	unsigned n_vms, cap_vms;
	struct sender_rec *senders;
	unsigned n_senders;
	struct echo_pair *pairs;
	unsigned n_pairs;
	struct echo_entry *echo;         /* ECHO_BUCKETS * ECHO_WAYS */
	struct mac_entry *macs;          /* mac_buckets * MAC_WAYS */
	size_t mac_buckets;
	/* The latest storm_last of any MAC: diagnose skips the table without one. */
	bool mac_storm_seen;
	double mac_storm_last;
	double now;
	struct engine_stats stats;
	struct finding_list findings;
	bool findings_dirty;
};

/* engine.c */
int engine_port_index(struct engine *e, const char *name, bool create);
struct bridge_rec *engine_bridge_by_name(struct engine *e, const char *name);
bool engine_is_local_bridge_id(const struct engine *e, uint64_t id);
const char *engine_bridge_name_of_id(const struct engine *e, uint64_t id);
void engine_learn_bridge_id(struct engine *e, const struct port_rec *p, uint64_t id);
/* 1 + the index of the port's bridge, or 0 when it is not known. */
uint16_t engine_bridge_index(const struct engine *e, unsigned port);
/* The bridge a BPDU speaks for: the CIST bridge id for MST/SPT. */
uint64_t bpdu_sender_id(const struct bpdu *b);

/* echo.c */
void echo_init(struct engine *e);
/* What a frame is relative to the frames seen just before it. */
enum copy_kind {
	COPY_FIRST,              /* first copy in the window: an original */
	COPY_ECHO,               /* came back after leaving another port (or a hub duplicate) */
	COPY_OTHER,              /* a flood copy or a repeat: says nothing */
};
enum copy_kind echo_frame(struct engine *e, unsigned port, const struct packet *pkt,
			  const struct bpdu *b, uint64_t hash);
uint64_t echo_fingerprint(const struct packet *pkt, const struct bpdu *b);
void echo_add_pair(struct engine *e, unsigned from, unsigned to, enum echo_type type,
		   const struct packet *pkt, const struct bpdu *b, double delay);

/* mactable.c */
bool mactable_init(struct engine *e);
void mactable_arrival(struct engine *e, const uint8_t mac[6], int vlan,
		      unsigned port, double now);

/* diagnose.c */
void diagnose(struct engine *e);

static inline bool port_is_tap(const struct port_rec *p)
{
	return p->info.kind == PORT_KIND_TAP;
}

#endif /* STPWATCH_ENGINE_INT_H */
