/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * engine.h - the diagnosis engine.
 *
 * Pure: it is told what the sources saw (frames with their BPDU, port and
 * bridge snapshots, FDB moves, VMs) and what time it is; it keeps bounded
 * state and says what is wrong (findings).  It never reads a clock, a
 * socket or a file, so every test drives it with synthetic sequences and
 * the same captures always give the same findings.
 *
 * The strongest evidence it uses is the echo: a frame that leaves one port
 * and comes back, unchanged, on another within a short window.  Linux
 * bridges with STP on never forward BPDUs (802.1D 7.12.3: the bridge group
 * address is filtered), so one BPDU heard on two ports means the two ports
 * are joined outside the kernel - on a KVM host, by a QEMU hub.
 */
#ifndef STPWATCH_ENGINE_H
#define STPWATCH_ENGINE_H

#include <stdbool.h>
#include <stdint.h>

#include "stpwatch/bpdu.h"
#include "stpwatch/finding.h"
#include "stpwatch/packet.h"

#define ENGINE_NAME_LEN 64     /* port, bridge and VM names (IFNAMSIZ is 16) */
#define ENGINE_MAX_PORTS 4096

/* Port states as Linux reports them (BR_STATE_*, <linux/if_bridge.h>). */
enum port_state {
	PORT_STATE_UNKNOWN = -1,
	PORT_STATE_DISABLED = 0,
	PORT_STATE_LISTENING = 1,
	PORT_STATE_LEARNING = 2,
	PORT_STATE_FORWARDING = 3,
	PORT_STATE_BLOCKING = 4,
};

enum port_kind {
	PORT_KIND_UNKNOWN,
	PORT_KIND_TAP,     /* a tun/tap device: a VM NIC behind it */
	PORT_KIND_OTHER,   /* veth, physical, bond, vlan ... */
};

/* What is known of a port, from netlink, the command line or the capture label. */
struct port_info {
	char name[ENGINE_NAME_LEN];
	char bridge[ENGINE_NAME_LEN];   /* "" if unknown */
	enum port_kind kind;
	int ifindex;                    /* -1 if unknown */
	int mtu;                        /* 0 if unknown */
	enum port_state state;
	uint16_t port_id;               /* 0 if unknown */
	uint64_t designated_root;       /* 0 if unknown */
	uint64_t designated_bridge;
	uint16_t designated_port;
	uint32_t path_cost;
	bool have_mac;
	uint8_t mac[6];
};

/* What is known of a local bridge (netlink, or learned from labelled captures). */
struct bridge_info {
	char name[ENGINE_NAME_LEN];
	uint64_t bridge_id;             /* 0 if unknown */
	uint64_t root_id;
	uint32_t root_path_cost;
	char root_port[ENGINE_NAME_LEN]; /* "" if it is the root or unknown */
	bool stp_enabled;
	bool kernel_stp;                /* 802.1D in the kernel (not mstpd/RSTP) */
	uint16_t hello_time, max_age, forward_delay; /* 1/256 s; 0 if unknown */
	uint32_t topology_changes;
	int mtu;
};

/* One VM NIC, as read from the QEMU command line or its monitor. */
struct vm_nic {
	char tap[ENGINE_NAME_LEN];
	int hub;                        /* hub id the backend sits on; -1 if its own */
	bool have_mac;
	uint8_t mac[6];
};

#define ENGINE_MAX_VM_NICS 16

struct vm_info {
	int pid;
	char name[ENGINE_NAME_LEN];     /* -name, or "" */
	unsigned n_nics;
	struct vm_nic nics[ENGINE_MAX_VM_NICS];
	bool paused;
};

struct engine_config {
	double echo_window;             /* s: a copy later than this is not an echo */
	unsigned echo_min;              /* echoes before shared-hub/port-loop is raised */
	unsigned mac_flap_moves;        /* moves within mac_flap_window that make a flap */
	double mac_flap_window;
	unsigned tc_storm_count;        /* topology-change BPDUs within tc_window */
	double tc_window;
	unsigned root_change_count;     /* root changes within root_change_window */
	double root_change_window;
	double evidence_hold;           /* s a finding stays after its last evidence (live) */
	unsigned mac_table_size;        /* bound on tracked MACs (ageing beyond it) */
	const char *tap_patterns;       /* comma-separated globs for tap names */
	const char *ignore_ports;       /* globs: findings naming such a port are dropped */
	const char *ignore_vms;         /* globs on VM names: e.g. a firewall VM that bridges */
};

void engine_config_defaults(struct engine_config *cfg);

struct engine;

struct engine *engine_new(const struct engine_config *cfg);
void engine_free(struct engine *e);

/* Snapshots; a later call for the same name replaces the earlier one. */
void engine_port(struct engine *e, const struct port_info *p, double now);
void engine_port_gone(struct engine *e, const char *name, double now);
void engine_bridge(struct engine *e, const struct bridge_info *b, double now);
void engine_bridge_gone(struct engine *e, const char *name, double now);
/* Frames the capture lost (pcap_stats), so that every output can say so. */
void engine_set_capture_drops(struct engine *e, uint64_t drops);
void engine_vm(struct engine *e, const struct vm_info *vm, double now);
void engine_vm_gone(struct engine *e, int pid, double now);
/* The kernel moved a MAC to another port (netlink FDB event). */
void engine_fdb_move(struct engine *e, const uint8_t mac[6], int vlan,
		     const char *port, double now);

/* A frame seen on a port; b is its decoded BPDU or NULL. */
void engine_frame(struct engine *e, const struct packet *pkt, const struct bpdu *b);

/* Lets windows expire; call at least once a second in live mode. */
void engine_tick(struct engine *e, double now);

/* The current findings, most severe first; valid until the next engine call. */
const struct finding_list *engine_findings(struct engine *e);

/* Counters for reports and metrics. */
struct engine_stats {
	uint64_t frames, bpdus, bpdus_truncated, bpdus_invalid, frames_undecodable;
	uint64_t echoes, macs_tracked, macs_evicted;
	uint64_t capture_drops;
};
void engine_get_stats(const struct engine *e, struct engine_stats *st);

/* Read access for reports: the ports and bridges the engine knows. */
unsigned engine_port_count(const struct engine *e);
const struct port_info *engine_port_at(const struct engine *e, unsigned i);
unsigned engine_bridge_count(const struct engine *e);
const struct bridge_info *engine_bridge_at(const struct engine *e, unsigned i);

/* What a view shows of a port: its snapshot plus what was heard on it. */
struct port_view {
	const struct port_info *info;
	bool present;
	uint64_t frames, bpdus, bpdus_in, bpdus_out;
	double last_bpdu_time;          /* -1 if none */
	uint64_t last_bpdu_sender;      /* bridge id of the last BPDU heard (0 if none) */
	uint16_t last_bpdu_port;
	uint64_t last_bpdu_root;
	uint32_t last_bpdu_cost;
	const char *last_bpdu_protocol; /* "stp" ... or NULL */
	int vm_pid;                     /* 0 if no VM owns it */
	const char *vm_name;
};
bool engine_port_view(const struct engine *e, unsigned i, struct port_view *v);
unsigned engine_vm_count(const struct engine *e);
const struct vm_info *engine_vm_at(const struct engine *e, unsigned i);
double engine_now(const struct engine *e);

/* glob match for tap name patterns ("tap*,vnet*"), exposed for tests. */
bool engine_name_matches(const char *patterns, const char *name);

#endif /* STPWATCH_ENGINE_H */
