/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * engine.c - the engine's registries (ports, bridges, VMs, BPDU senders)
 * and the intake of frames.  Conclusions are drawn in diagnose.c.
 */
#include <fnmatch.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine_int.h"
#include "hashtab.h"
#include "stpwatch/names.h"

void engine_config_defaults(struct engine_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	/* A QEMU hub copies a frame in well under a millisecond; bridges send
	 * at most one BPDU per port per hello time (>= 1 s, 802.1D 17.14), so
	 * an identical BPDU inside 100 ms is a copy, never the next hello. */
	cfg->echo_window = 0.1;
	cfg->echo_min = 2;
	cfg->mac_flap_moves = 5;
	cfg->mac_flap_window = 10.0;
	cfg->tc_storm_count = 5;
	cfg->tc_window = 60.0;
	cfg->root_change_count = 3;
	cfg->root_change_window = 60.0;
	cfg->evidence_hold = 0.0;     /* offline: keep all evidence */
	cfg->mac_table_size = 65536;
	cfg->tap_patterns = "tap*,vnet*";
}

bool engine_name_matches(const char *patterns, const char *name)
{
	char pat[64];
	const char *p = patterns;
	while (p && *p) {
		const char *comma = strchr(p, ',');
		size_t n = comma ? (size_t)(comma - p) : strlen(p);
		while (n > 0 && (*p == ' ' || *p == '\t')) {
			p++;
			n--;
		}
		while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
			n--;
		if (n > 0 && n < sizeof(pat)) {
			memcpy(pat, p, n);
			pat[n] = '\0';
			if (fnmatch(pat, name, 0) == 0)
				return true;
		}
		p = comma ? comma + 1 : NULL;
	}
	return false;
}

struct engine *engine_new(const struct engine_config *cfg)
{
	struct engine *e = calloc(1, sizeof(*e));
	if (!e)
		return NULL;
	e->cfg = *cfg;
	if (!e->cfg.tap_patterns)
		e->cfg.tap_patterns = "";
	/* Thresholds are counted in fixed rings: keep them within the rings. */
	if (e->cfg.echo_min < 1)
		e->cfg.echo_min = 1;
	if (e->cfg.mac_flap_moves > FLAP_HISTORY)
		e->cfg.mac_flap_moves = FLAP_HISTORY;
	if (e->cfg.tc_storm_count > TC_HISTORY)
		e->cfg.tc_storm_count = TC_HISTORY;
	if (e->cfg.root_change_count > ROOT_HISTORY)
		e->cfg.root_change_count = ROOT_HISTORY;
	e->senders = calloc(MAX_SENDERS, sizeof(*e->senders));
	e->pairs = calloc(MAX_ECHO_PAIRS, sizeof(*e->pairs));
	e->echo = calloc(ECHO_BUCKETS * ECHO_WAYS, sizeof(*e->echo));
	finding_list_init(&e->findings);
	if (!e->senders || !e->pairs || !e->echo || !mactable_init(e)) {
		engine_free(e);
		return NULL;
	}
	e->now = -INFINITY;
	return e;
}

void engine_free(struct engine *e)
{
	if (!e)
		return;
	free(e->ports);
	free(e->bridges);
	free(e->vms);
	free(e->senders);
	free(e->pairs);
	free(e->echo);
	free(e->macs);
	finding_list_free(&e->findings);
	free(e);
}

static void advance_clock(struct engine *e, double now)
{
	if (now > e->now)
		e->now = now;
}

static void *grow(void *arr, unsigned *cap, size_t elem)
{
	unsigned ncap = *cap ? *cap * 2 : 16;
	void *n = realloc(arr, ncap * elem);
	if (n)
		*cap = ncap;
	return n;
}

int engine_port_index(struct engine *e, const char *name, bool create)
{
	/* Names are kept to ENGINE_NAME_LEN - 1 characters: compare as kept. */
	for (unsigned i = 0; i < e->n_ports; i++)
		if (strncmp(e->ports[i].info.name, name, ENGINE_NAME_LEN - 1) == 0)
			return (int)i;
	if (!create || e->n_ports >= ENGINE_MAX_PORTS)
		return -1;
	if (e->n_ports == e->cap_ports) {
		struct port_rec *n = grow(e->ports, &e->cap_ports, sizeof(*n));
		if (!n)
			return -1;
		e->ports = n;
	}
	struct port_rec *p = &e->ports[e->n_ports];
	memset(p, 0, sizeof(*p));
	snprintf(p->info.name, sizeof(p->info.name), "%s", name);
	p->info.ifindex = -1;
	p->info.state = PORT_STATE_UNKNOWN;
	p->info.kind = engine_name_matches(e->cfg.tap_patterns, name) ? PORT_KIND_TAP
								       : PORT_KIND_UNKNOWN;
	p->present = true;
	return (int)e->n_ports++;
}

struct bridge_rec *engine_bridge_by_name(struct engine *e, const char *name)
{
	for (unsigned i = 0; i < e->n_bridges; i++)
		if (strcmp(e->bridges[i].info.name, name) == 0)
			return &e->bridges[i];
	return NULL;
}

static struct bridge_rec *bridge_create(struct engine *e, const char *name)
{
	struct bridge_rec *b = engine_bridge_by_name(e, name);
	if (b)
		return b;
	if (e->n_bridges == e->cap_bridges) {
		struct bridge_rec *n = grow(e->bridges, &e->cap_bridges, sizeof(*n));
		if (!n)
			return NULL;
		e->bridges = n;
	}
	b = &e->bridges[e->n_bridges++];
	memset(b, 0, sizeof(*b));
	snprintf(b->info.name, sizeof(b->info.name), "%s", name);
	b->present = true;
	return b;
}

uint16_t engine_bridge_index(const struct engine *e, unsigned port)
{
	const char *name = e->ports[port].info.bridge;
	if (!name[0])
		return 0;
	for (unsigned i = 0; i < e->n_bridges && i < 0xfffe; i++)
		if (strcmp(e->bridges[i].info.name, name) == 0)
			return (uint16_t)(i + 1);
	return 0;
}

bool engine_is_local_bridge_id(const struct engine *e, uint64_t id)
{
	return engine_bridge_name_of_id(e, id) != NULL;
}

/* Bridge ids compare without the priority's system id extension (802.1Q 13.24). */
static bool same_bridge(uint64_t a, uint64_t b)
{
	return (a & 0xffffffffffffULL) == (b & 0xffffffffffffULL) &&
	       ((a >> 60) == (b >> 60));
}

const char *engine_bridge_name_of_id(const struct engine *e, uint64_t id)
{
	for (unsigned i = 0; i < e->n_bridges; i++)
		if (e->bridges[i].info.bridge_id && e->bridges[i].present &&
		    same_bridge(e->bridges[i].info.bridge_id, id))
			return e->bridges[i].info.name;
	return NULL;
}

void engine_port(struct engine *e, const struct port_info *pi, double now)
{
	advance_clock(e, now);
	int i = engine_port_index(e, pi->name, true);
	if (i < 0)
		return;
	struct port_rec *p = &e->ports[i];
	enum port_kind kind = p->info.kind;
	p->info = *pi;
	if (pi->kind == PORT_KIND_UNKNOWN)
		p->info.kind = kind;
	p->from_snapshot = true;
	p->present = true;
	if (pi->bridge[0])
		bridge_create(e, pi->bridge);
	e->findings_dirty = true;
}

void engine_port_gone(struct engine *e, const char *name, double now)
{
	advance_clock(e, now);
	int i = engine_port_index(e, name, false);
	if (i >= 0) {
		e->ports[i].present = false;
		e->ports[i].info.state = PORT_STATE_UNKNOWN;
	}
	e->findings_dirty = true;
}

void engine_bridge(struct engine *e, const struct bridge_info *bi, double now)
{
	advance_clock(e, now);
	struct bridge_rec *b = bridge_create(e, bi->name);
	if (!b)
		return;
	/* The kernel announces no root change: compare the snapshots. */
	if (b->from_snapshot && b->info.root_id && bi->root_id && b->info.root_id != bi->root_id) {
		burst_add(&b->root, b->root_change_times, ROOT_HISTORY, now,
			  e->cfg.root_change_window, e->cfg.root_change_count);
		b->last_root_from = b->info.root_id;
		b->last_root_to = bi->root_id;
		b->last_root_change = now;
		snprintf(b->last_root_port, sizeof(b->last_root_port), "%s", bi->root_port);
	}
	b->info = *bi;
	b->from_snapshot = true;
	b->present = true;
	b->id_learned = false;
	e->findings_dirty = true;
}

void engine_bridge_gone(struct engine *e, const char *name, double now)
{
	advance_clock(e, now);
	struct bridge_rec *b = engine_bridge_by_name(e, name);
	if (b)
		b->present = false;
	e->findings_dirty = true;
}

void engine_set_capture_drops(struct engine *e, uint64_t drops)
{
	e->stats.capture_drops = drops;
}

/* Drops the echo evidence involving a port. */
static void forget_echoes(struct engine *e, unsigned port)
{
	unsigned kept = 0;
	for (unsigned i = 0; i < e->n_pairs; i++)
		if (e->pairs[i].from != port && e->pairs[i].to != port)
			e->pairs[kept++] = e->pairs[i];
	e->n_pairs = kept;
}

void engine_vm(struct engine *e, const struct vm_info *vm, double now)
{
	advance_clock(e, now);
	struct vm_rec *v = NULL;
	for (unsigned i = 0; i < e->n_vms; i++)
		if (e->vms[i].info.pid == vm->pid)
			v = &e->vms[i];
	if (!v) {
		if (e->n_vms == e->cap_vms) {
			struct vm_rec *n = grow(e->vms, &e->cap_vms, sizeof(*n));
			if (!n)
				return;
			e->vms = n;
		}
		v = &e->vms[e->n_vms++];
	}
	v->info = *vm;
	if (v->info.n_nics > ENGINE_MAX_VM_NICS)
		v->info.n_nics = ENGINE_MAX_VM_NICS;
	v->present = true;
	v->seen = now;
	for (unsigned k = 0; k < v->info.n_nics; k++) {
		if (!v->info.nics[k].tap[0])
			continue;   /* a NIC on a user-mode or socket backend: no port */
		int pi = engine_port_index(e, v->info.nics[k].tap, true);
		if (pi < 0)
			continue;
		e->ports[pi].info.kind = PORT_KIND_TAP;
		/* A new process on the tap: the old one's hub went with it. */
		if (e->ports[pi].owner_pid && e->ports[pi].owner_pid != vm->pid)
			forget_echoes(e, (unsigned)pi);
		e->ports[pi].owner_pid = vm->pid;
	}
	e->findings_dirty = true;
}

void engine_vm_gone(struct engine *e, int pid, double now)
{
	advance_clock(e, now);
	for (unsigned i = 0; i < e->n_vms; i++)
		if (e->vms[i].info.pid == pid)
			e->vms[i].present = false;
	e->findings_dirty = true;
}

void engine_fdb_move(struct engine *e, const uint8_t mac[6], int vlan,
		     const char *port, double now)
{
	advance_clock(e, now);
	int i = engine_port_index(e, port, true);
	if (i >= 0)
		mactable_arrival(e, mac, vlan, (unsigned)i, now);
	e->findings_dirty = true;
}

static struct sender_rec *sender_find(struct engine *e, uint64_t id, uint16_t port_id,
				      const char *protocol)
{
	for (unsigned i = 0; i < e->n_senders; i++) {
		struct sender_rec *s = &e->senders[i];
		if (s->bridge_id == id && s->port_id == port_id && s->protocol == protocol)
			return s;
	}
	if (e->n_senders == MAX_SENDERS)
		return NULL;
	struct sender_rec *s = &e->senders[e->n_senders++];
	memset(s, 0, sizeof(*s));
	s->bridge_id = id;
	s->port_id = port_id;
	s->protocol = protocol;
	return s;
}

uint64_t bpdu_sender_id(const struct bpdu *b)
{
	bool mst = b->type == BPDU_TYPE_MST || b->type == BPDU_TYPE_SPT;
	return mst && (b->have & BPDU_HAVE_MST) ? b->cist_bridge_id : b->bridge_id;
}

/*
 * 802.1D-2004 17.14: 2 x (Bridge Forward Delay - 1.0 s) >= Bridge Max Age
 * >= 2 x (Bridge Hello Time + 1.0 s).  Values in 1/256 s.
 */
static bool timers_valid(uint16_t max_age, uint16_t hello, uint16_t fdelay)
{
	long ma = max_age, h = hello, fd = fdelay;
	return 2 * (fd - 256) >= ma && ma >= 2 * (h + 256);
}

static void brief_from(struct bpdu_brief *br, const struct packet *pkt, const struct bpdu *b)
{
	br->valid = true;
	br->time = (double)pkt->ts_sec + pkt->ts_nsec / 1e9;
	br->direction = pkt->direction;
	br->protocol = bpdu_protocol_name(b);
	memcpy(br->src, pkt->frame->src, 6);
	br->sender_id = bpdu_sender_id(b);
	br->port_id = b->port_id;
	br->root_id = b->root_id;
	br->root_path_cost = b->root_path_cost;
	br->flags = b->flags;
	br->max_age = b->max_age;
	br->hello_time = b->hello_time;
	br->forward_delay = b->forward_delay;
}

static void note_heard(struct port_rec *p, const struct packet *pkt, const struct bpdu *b,
		       double t)
{
	uint64_t id = bpdu_sender_id(b);
	const char *proto = bpdu_protocol_name(b);
	struct heard_rec *h = NULL;
	for (unsigned i = 0; i < p->n_heard; i++)
		if (p->heard[i].sender_id == id && p->heard[i].port_id == b->port_id &&
		    p->heard[i].protocol == proto)
			h = &p->heard[i];
	if (!h) {
		if (p->n_heard == HEARD_MAX) {
			p->heard_dropped++;
			return;
		}
		h = &p->heard[p->n_heard++];
		memset(h, 0, sizeof(*h));
		h->sender_id = id;
		h->port_id = b->port_id;
		h->protocol = proto;
		h->first = t;
	}
	memcpy(h->src, pkt->frame->src, 6);
	if (pkt->direction == FRAME_DIR_IN)
		h->dir_in = true;
	else if (pkt->direction == FRAME_DIR_OUT)
		h->dir_out = true;
	else
		h->dir_unknown = true;
	if (b->have & BPDU_HAVE_TIMERS) {
		h->has_timers = true;
		h->root_id = b->root_id;
		h->max_age = b->max_age;
		h->hello_time = b->hello_time;
		h->forward_delay = b->forward_delay;
	}
	h->count++;
	h->last = t;
}

static void note_topology_change(struct engine *e, struct port_rec *p, double t)
{
	burst_add(&p->tc, p->tc_times, TC_HISTORY, t, e->cfg.tc_window, e->cfg.tc_storm_count);
}

/* Sender bookkeeping: root changes and TC edges, counted once per original BPDU. */
static void note_sender(struct engine *e, struct port_rec *p, const struct bpdu *b, double t)
{
	if (b->type == BPDU_TYPE_TCN) {
		note_topology_change(e, p, t);
		return;
	}
	if (!(b->have & BPDU_HAVE_TIMERS))
		return;
	struct sender_rec *s = sender_find(e, bpdu_sender_id(b), b->port_id, bpdu_protocol_name(b));
	if (!s)
		return;
	bool tc = b->flags & BPDU_FLAG_TC;
	if (s->bpdus == 0) {
		s->first = t;
	} else if (s->root_id != b->root_id) {
		burst_add(&s->root, s->root_change_times, ROOT_HISTORY, t,
			  e->cfg.root_change_window, e->cfg.root_change_count);
		s->last_root_from = s->root_id;
		s->last_root_to = b->root_id;
		s->last_root_change = t;
	}
	if (tc && (s->bpdus == 0 || !s->tc))
		note_topology_change(e, p, t);
	s->tc = tc;
	s->root_id = b->root_id;
	s->bpdus++;
	s->last = t;
	if (!timers_valid(b->max_age, b->hello_time, b->forward_delay)) {
		s->timers_invalid = true;
		s->timers_invalid_last = t;
		s->bad_max_age = b->max_age;
		s->bad_hello_time = b->hello_time;
		s->bad_forward_delay = b->forward_delay;
	}
	s->max_age = b->max_age;
	s->hello_time = b->hello_time;
	s->forward_delay = b->forward_delay;
}

/* A BPDU sent out of a port of a known bridge tells that bridge's id. */
void engine_learn_bridge_id(struct engine *e, const struct port_rec *p, uint64_t id)
{
	if (!p->info.bridge[0])
		return;
	struct bridge_rec *br = engine_bridge_by_name(e, p->info.bridge);
	if (br && !br->from_snapshot && !br->info.bridge_id) {
		br->info.bridge_id = id;
		br->id_learned = true;
	}
}

/*
 * A BPDU arriving from one of our own bridges names the port it was sent
 * from (802.1D-2004 9.2.7: the port identifier's low 12 bits are the port
 * number), so a capture that sees only incoming frames - the cheap way to
 * watch a live host - still tells which two ports are joined.
 */
static void note_local_bounce(struct engine *e, unsigned to, const struct packet *pkt,
			      const struct bpdu *b)
{
	const char *bridge = engine_bridge_name_of_id(e, bpdu_sender_id(b));
	if (!bridge)
		return;
	for (unsigned i = 0; i < e->n_ports; i++) {
		const struct port_rec *p = &e->ports[i];
		if (i != to && p->present && p->info.port_id &&
		    (p->info.port_id & 0x0fff) == (b->port_id & 0x0fff) &&
		    strcmp(p->info.bridge, bridge) == 0) {
			echo_add_pair(e, i, to, ECHO_BOUNCE, pkt, b, 0.0);
			return;
		}
	}
}

void engine_frame(struct engine *e, const struct packet *pkt, const struct bpdu *b)
{
	double t = (double)pkt->ts_sec + pkt->ts_nsec / 1e9;
	advance_clock(e, t);
	e->stats.frames++;
	if (pkt->frame->status != FRAME_OK)
		e->stats.frames_undecodable++;

	int pi = engine_port_index(e, pkt->ifname ? pkt->ifname : "-", true);
	if (pi < 0)
		return;
	struct port_rec *p = &e->ports[pi];
	p->frames++;

	bool use_bpdu = b && b->status == BPDU_OK && (b->have & BPDU_HAVE_TYPE);
	if (b) {
		e->stats.bpdus++;
		if (b->status == BPDU_TRUNCATED)
			e->stats.bpdus_truncated++;
		else if (b->status == BPDU_INVALID)
			e->stats.bpdus_invalid++;
	}

	/*
	 * Echoes: BPDUs always (bridges never forward them); other frames only
	 * when the capture says which way they went, since flooding copies a
	 * broadcast to every port and only the direction tells it from an echo.
	 */
	/*
	 * A bridge's own device (br0 in a `tcpdump -i any` capture) sees what
	 * the bridge hands to the host: copies of flooded frames, not a port.
	 */
	if (!b && !p->info.bridge[0] && engine_bridge_by_name(e, p->info.name))
		return;

	enum copy_kind copy = COPY_FIRST;
	if (use_bpdu || (pkt->direction != FRAME_DIR_UNKNOWN && pkt->frame->status == FRAME_OK))
		copy = echo_frame(e, (unsigned)pi, pkt, use_bpdu ? b : NULL,
				  echo_fingerprint(pkt, use_bpdu ? b : NULL));

	if (use_bpdu) {
		p->bpdus++;
		if (pkt->direction == FRAME_DIR_IN)
			p->bpdus_in++;
		else if (pkt->direction == FRAME_DIR_OUT)
			p->bpdus_out++;
		brief_from(&p->last_bpdu, pkt, b);
		if (copy == COPY_FIRST) {
			note_heard(p, pkt, b, t);
			note_sender(e, p, b, t);
			if (pkt->direction == FRAME_DIR_OUT)
				engine_learn_bridge_id(e, p, bpdu_sender_id(b));
		}
		if (pkt->direction != FRAME_DIR_OUT)
			brief_from(&p->last_bpdu_in, pkt, b);
		if (pkt->direction == FRAME_DIR_IN && copy == COPY_FIRST)
			note_local_bounce(e, (unsigned)pi, pkt, b);
	} else if (pkt->direction == FRAME_DIR_IN && pkt->frame->status == FRAME_OK) {
		mactable_arrival(e, pkt->frame->src, pkt->frame->vlan, (unsigned)pi, t);
	}
	e->findings_dirty = true;
}

void engine_tick(struct engine *e, double now)
{
	advance_clock(e, now);
	e->findings_dirty = true;
}

const struct finding_list *engine_findings(struct engine *e)
{
	if (e->findings_dirty) {
		diagnose(e);
		e->findings_dirty = false;
	}
	return &e->findings;
}

void engine_get_stats(const struct engine *e, struct engine_stats *st)
{
	*st = e->stats;
}

unsigned engine_port_count(const struct engine *e)
{
	return e->n_ports;
}

const struct port_info *engine_port_at(const struct engine *e, unsigned i)
{
	return i < e->n_ports ? &e->ports[i].info : NULL;
}

unsigned engine_bridge_count(const struct engine *e)
{
	return e->n_bridges;
}

const struct bridge_info *engine_bridge_at(const struct engine *e, unsigned i)
{
	return i < e->n_bridges ? &e->bridges[i].info : NULL;
}

bool engine_port_view(const struct engine *e, unsigned i, struct port_view *v)
{
	if (i >= e->n_ports)
		return false;
	const struct port_rec *p = &e->ports[i];
	memset(v, 0, sizeof(*v));
	v->info = &p->info;
	v->present = p->present;
	v->frames = p->frames;
	v->bpdus = p->bpdus;
	v->bpdus_in = p->bpdus_in;
	v->bpdus_out = p->bpdus_out;
	v->last_bpdu_time = -1;
	const struct bpdu_brief *b = p->last_bpdu_in.valid ? &p->last_bpdu_in : &p->last_bpdu;
	if (b->valid) {
		v->last_bpdu_time = b->time;
		v->last_bpdu_sender = b->sender_id;
		v->last_bpdu_port = b->port_id;
		v->last_bpdu_root = b->root_id;
		v->last_bpdu_cost = b->root_path_cost;
		v->last_bpdu_protocol = b->protocol;
	}
	for (unsigned k = 0; k < e->n_vms; k++) {
		const struct vm_rec *vm = &e->vms[k];
		if (!vm->present)
			continue;
		for (unsigned n = 0; n < vm->info.n_nics; n++) {
			if (strcmp(vm->info.nics[n].tap, p->info.name) == 0) {
				v->vm_pid = vm->info.pid;
				v->vm_name = vm->info.name;
			}
		}
	}
	return true;
}

unsigned engine_vm_count(const struct engine *e)
{
	return e->n_vms;
}

const struct vm_info *engine_vm_at(const struct engine *e, unsigned i)
{
	return i < e->n_vms && e->vms[i].present ? &e->vms[i].info : NULL;
}

double engine_now(const struct engine *e)
{
	return e->now;
}
