/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * nlbridge_cache.c - what is known of each bridge, port and FDB entry.
 *
 * Merges the raw events of nlbridge_parse() (AF_BRIDGE messages carry STP
 * state but no link kind; AF_UNSPEC ones both), names a port's bridge and
 * a bridge's root port, infers port roles, turns "released from the
 * bridge" into PORT_GONE, tells FDB moves, and reports only what changed.
 * No sockets: fed by src/nlbridge.c, or by recorded messages in tests.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/if.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>

#include "nlbridge.h"
#include "nlbridge_int.h"


/* ======================================================================= */
/* The cache                                                                */

struct link_rec {
	int ifindex;
	bool stale;               /* not seen yet in the sync going on */
	bool is_bridge, is_port;
	bool dirty;               /* bridge: a port changed since asked */
	int master;
	char name[NLBRIDGE_NAME_LEN];
	char kind[16];
	unsigned have;            /* NLB_HAVE_* ever seen */
	uint8_t operstate;
	unsigned ifi_flags;

	struct port_info port;
	struct nlbridge_port_extra px;
	struct bridge_info bridge;
	struct nlbridge_bridge_extra bx;
	bool tc_prev;
	uint32_t tc_count;

	/* Bridge: what its ports' roles were last inferred from (infer_role). */
	struct role_inputs {
		bool known;
		uint32_t stp_state;
		uint16_t root_port_no;
		uint64_t bridge_id;
	} roles_from;

	/* What was last reported (the consumer's view). */
	bool rep_port, rep_bridge;
	struct port_info rport;
	struct nlbridge_port_extra rpx;
	struct bridge_info rbridge;
	struct nlbridge_bridge_extra rbx;
};

#define FDB_BUCKETS 1024u
#define FDB_WAYS 4u

struct fdb_slot {
	bool used;
	uint8_t mac[6];
	int vlan;
	int master;
	int ifindex;
	uint64_t last;
};

struct nlbridge_cache {
	struct link_rec *links;
	unsigned n, cap;
	bool syncing;
	struct fdb_slot fdb[FDB_BUCKETS * FDB_WAYS];
	uint64_t fdb_clock;
};

struct nlbridge_cache *nlbridge_cache_new(void)
{
	return calloc(1, sizeof(struct nlbridge_cache));
}

void nlbridge_cache_free(struct nlbridge_cache *c)
{
	if (!c)
		return;
	free(c->links);
	free(c);
}

static struct link_rec *find(struct nlbridge_cache *c, int ifindex)
{
	for (unsigned i = 0; i < c->n; i++)
		if (c->links[i].ifindex == ifindex)
			return &c->links[i];
	return NULL;
}

static struct link_rec *find_or_add(struct nlbridge_cache *c, int ifindex)
{
	struct link_rec *r = find(c, ifindex);
	if (r)
		return r;
	if (c->n == c->cap) {
		unsigned cap = c->cap ? c->cap * 2 : 64;
		struct link_rec *n = realloc(c->links, cap * sizeof(*n));
		if (!n)
			return NULL;
		c->links = n;
		c->cap = cap;
	}
	r = &c->links[c->n++];
	memset(r, 0, sizeof(*r));
	r->ifindex = ifindex;
	r->port.ifindex = ifindex;
	r->port.state = PORT_STATE_UNKNOWN;
	return r;
}

static void forget(struct nlbridge_cache *c, struct link_rec *r)
{
	unsigned i = (unsigned)(r - c->links);
	c->links[i] = c->links[--c->n];
}

/* snprintf(dst, size, "%s", src) without the formatting: runs per port per message. */
static void copy_name(char *dst, size_t size, const char *src)
{
	size_t len = strnlen(src, size - 1);
	memcpy(dst, src, len);
	dst[len] = '\0';
}

static const char *bridge_name(struct nlbridge_cache *c, int ifindex)
{
	struct link_rec *b = ifindex > 0 ? find(c, ifindex) : NULL;
	return b && b->is_bridge ? b->name : "";
}

/* The port of bridge br whose port number is br's root port; "" if none. */
static const char *root_port_name(struct nlbridge_cache *c, const struct link_rec *br)
{
	if (!br->bx.root_port_no)
		return "";
	for (unsigned i = 0; i < c->n; i++) {
		const struct link_rec *p = &c->links[i];
		if (p->is_port && p->master == br->ifindex && (p->have & NLB_HAVE_STP) &&
		    p->px.port_no == br->bx.root_port_no)
			return p->name;
	}
	return "";
}

/* 802.1D roles from the priority vector (Linux exports none). */
static enum nlbridge_role infer_role(struct nlbridge_cache *c, const struct link_rec *p)
{
	struct link_rec *br = find(c, p->master);
	if (!(p->have & NLB_HAVE_STP) || !br || !br->is_bridge ||
	    !(br->have & NLB_HAVE_BRIDGE))
		return NLBRIDGE_ROLE_UNKNOWN;
	if (br->bx.stp_state == 0)
		return NLBRIDGE_ROLE_NONE;
	if (p->port.state == PORT_STATE_DISABLED)
		return NLBRIDGE_ROLE_DISABLED;
	if (br->bx.stp_state != 1)   /* user space STP: the kernel's vector is stale */
		return NLBRIDGE_ROLE_UNKNOWN;
	if (br->bx.root_port_no && p->px.port_no == br->bx.root_port_no)
		return NLBRIDGE_ROLE_ROOT;
	if (p->port.designated_bridge == br->bridge.bridge_id &&
	    p->port.designated_port == p->port.port_id)
		return NLBRIDGE_ROLE_DESIGNATED;
	if (p->port.state == PORT_STATE_BLOCKING)
		return p->port.designated_bridge == br->bridge.bridge_id ?
			NLBRIDGE_ROLE_BACKUP : NLBRIDGE_ROLE_ALTERNATE;
	return NLBRIDGE_ROLE_UNKNOWN;
}

static bool port_same(const struct port_info *a, const struct port_info *b,
		      const struct nlbridge_port_extra *x, const struct nlbridge_port_extra *y)
{
	return strcmp(a->name, b->name) == 0 && strcmp(a->bridge, b->bridge) == 0 &&
	       a->kind == b->kind && a->ifindex == b->ifindex && a->mtu == b->mtu &&
	       a->state == b->state && a->port_id == b->port_id &&
	       a->designated_root == b->designated_root &&
	       a->designated_bridge == b->designated_bridge &&
	       a->designated_port == b->designated_port && a->path_cost == b->path_cost &&
	       a->have_mac == b->have_mac && memcmp(a->mac, b->mac, 6) == 0 &&
	       x->port_no == y->port_no && x->priority == y->priority &&
	       x->designated_cost == y->designated_cost && x->guard == y->guard &&
	       x->root_block == y->root_block && x->fast_leave == y->fast_leave &&
	       x->learning == y->learning && x->unicast_flood == y->unicast_flood &&
	       x->role == y->role;   /* not timers, TC ack, config pending: transient */
}

static bool bridge_same(const struct bridge_info *a, const struct bridge_info *b,
			const struct nlbridge_bridge_extra *x,
			const struct nlbridge_bridge_extra *y)
{
	return strcmp(a->name, b->name) == 0 && a->bridge_id == b->bridge_id &&
	       a->root_id == b->root_id && a->root_path_cost == b->root_path_cost &&
	       strcmp(a->root_port, b->root_port) == 0 && a->stp_enabled == b->stp_enabled &&
	       a->kernel_stp == b->kernel_stp && a->hello_time == b->hello_time &&
	       a->max_age == b->max_age && a->forward_delay == b->forward_delay &&
	       a->topology_changes == b->topology_changes && a->mtu == b->mtu &&
	       x->stp_state == y->stp_state && x->priority == y->priority &&
	       x->root_port_no == y->root_port_no && x->topology_change == y->topology_change &&
	       x->topology_change_detected == y->topology_change_detected &&
	       x->vlan_filtering == y->vlan_filtering && x->group_fwd_mask == y->group_fwd_mask &&
	       x->ageing_time == y->ageing_time;
}

static void emit_link(const struct link_rec *r, enum nlbridge_event_type type,
		      const struct port_info *p, const struct nlbridge_port_extra *px,
		      const struct bridge_info *b, const struct nlbridge_bridge_extra *bx,
		      nlbridge_cb cb, void *ctx)
{
	struct nlbridge_event ev;
	nlbridge_event_init(&ev);
	ev.type = type;
	ev.ifindex = r->ifindex;
	ev.master = r->master;
	ev.have = r->have;
	ev.operstate = r->operstate;
	ev.ifi_flags = r->ifi_flags;
	snprintf(ev.kind, sizeof(ev.kind), "%s", r->kind);
	if (p) {
		ev.port = *p;
		ev.px = *px;
		snprintf(ev.name, sizeof(ev.name), "%s", p->name);
	}
	if (b) {
		ev.bridge = *b;
		ev.bx = *bx;
		snprintf(ev.name, sizeof(ev.name), "%s", b->name);
	}
	if (cb)
		cb(&ev, ctx);
}

/* Reports what changed of a port since reported last (everything if force). */
static void reconcile_port(struct nlbridge_cache *c, struct link_rec *r, bool force,
			   nlbridge_cb cb, void *ctx)
{
	bool want = r->is_port && !r->stale;
	if (want) {
		copy_name(r->port.name, sizeof(r->port.name), r->name);
		copy_name(r->port.bridge, sizeof(r->port.bridge), bridge_name(c, r->master));
		r->port.ifindex = r->ifindex;
		r->px.role = infer_role(c, r);
	}
	/* Gone, renamed or moved to another bridge: the old one goes first. */
	if (r->rep_port && (!want || strcmp(r->rport.name, r->port.name) != 0 ||
			    strcmp(r->rport.bridge, r->port.bridge) != 0)) {
		emit_link(r, NLBRIDGE_EV_PORT_GONE, &r->rport, &r->rpx, NULL, NULL, cb, ctx);
		r->rep_port = false;
	}
	if (want && (force || !r->rep_port || !port_same(&r->port, &r->rport, &r->px, &r->rpx))) {
		emit_link(r, NLBRIDGE_EV_PORT, &r->port, &r->px, NULL, NULL, cb, ctx);
		r->rport = r->port;
		r->rpx = r->px;
		r->rep_port = true;
	}
}

static void reconcile_bridge(struct nlbridge_cache *c, struct link_rec *r, bool force,
			     nlbridge_cb cb, void *ctx)
{
	bool want = r->is_bridge && !r->stale;
	if (want) {
		copy_name(r->bridge.name, sizeof(r->bridge.name), r->name);
		copy_name(r->bridge.root_port, sizeof(r->bridge.root_port), root_port_name(c, r));
		r->bridge.topology_changes = r->tc_count;
	}
	if (r->rep_bridge && (!want || strcmp(r->rbridge.name, r->bridge.name) != 0)) {
		emit_link(r, NLBRIDGE_EV_BRIDGE_GONE, NULL, NULL, &r->rbridge, &r->rbx, cb, ctx);
		r->rep_bridge = false;
	}
	if (want && (force || !r->rep_bridge ||
		     !bridge_same(&r->bridge, &r->rbridge, &r->bx, &r->rbx))) {
		emit_link(r, NLBRIDGE_EV_BRIDGE, NULL, NULL, &r->bridge, &r->bx, cb, ctx);
		r->rbridge = r->bridge;
		r->rbx = r->bx;
		r->rep_bridge = true;
	}
}

/*
 * A bridge changed: its ports' roles may have, but only if what infer_role
 * reads of the bridge did.  Reconciling every port on every message would
 * make a refresh of a thousand-port bridge quadratic.
 */
static void reconcile_ports_of(struct nlbridge_cache *c, struct link_rec *br, nlbridge_cb cb,
			       void *ctx)
{
	struct role_inputs now = {
		.known = br->is_bridge && (br->have & NLB_HAVE_BRIDGE),
		.stp_state = br->bx.stp_state,
		.root_port_no = br->bx.root_port_no,
		.bridge_id = br->bridge.bridge_id,
	};
	const struct role_inputs *was = &br->roles_from;
	if (now.known == was->known && now.stp_state == was->stp_state &&
	    now.root_port_no == was->root_port_no && now.bridge_id == was->bridge_id)
		return;
	br->roles_from = now;
	int bridge = br->ifindex;
	for (unsigned i = 0; i < c->n; i++)
		if (c->links[i].is_port && c->links[i].master == bridge)
			reconcile_port(c, &c->links[i], false, cb, ctx);
}

static void merge_common(struct link_rec *r, const struct nlbridge_event *ev)
{
	if (ev->have & NLB_HAVE_NAME)
		snprintf(r->name, sizeof(r->name), "%s", ev->name);
	if (ev->have & NLB_HAVE_MTU) {
		r->port.mtu = ev->port.mtu;
		r->bridge.mtu = ev->port.mtu;
	}
	if (ev->have & NLB_HAVE_MAC) {
		memcpy(r->port.mac, ev->port.mac, 6);
		r->port.have_mac = true;
	}
	if (ev->have & NLB_HAVE_OPER)
		r->operstate = ev->operstate;
	if (ev->have & NLB_HAVE_KIND) {
		snprintf(r->kind, sizeof(r->kind), "%s", ev->kind);
		r->port.kind = ev->port.kind;
	}
	if (ev->family == AF_UNSPEC)
		r->ifi_flags = ev->ifi_flags;
	r->have |= ev->have;
}

static void merge_stp(struct link_rec *r, const struct nlbridge_event *ev)
{
	if (!(ev->have & NLB_HAVE_STP))
		return;
	const struct port_info *p = &ev->port;
	r->port.state = p->state;
	r->port.port_id = p->port_id;
	r->port.designated_root = p->designated_root;
	r->port.designated_bridge = p->designated_bridge;
	r->port.designated_port = p->designated_port;
	r->port.path_cost = p->path_cost;
	enum nlbridge_role role = r->px.role;
	r->px = ev->px;
	r->px.role = role;
}

static void merge_bridge(struct link_rec *r, const struct nlbridge_event *ev)
{
	if (!(ev->have & NLB_HAVE_BRIDGE))
		return;
	char root_port[sizeof(r->bridge.root_port)];
	int mtu = r->bridge.mtu;
	memcpy(root_port, r->bridge.root_port, sizeof(root_port));
	r->bridge = ev->bridge;
	r->bridge.mtu = mtu;
	memcpy(r->bridge.root_port, root_port, sizeof(root_port));
	r->bx = ev->bx;
	if (r->bx.topology_change && !r->tc_prev)
		r->tc_count++;
	r->tc_prev = r->bx.topology_change;
}

static struct fdb_slot *fdb_lookup(struct nlbridge_cache *c, const uint8_t mac[6], int vlan,
				   int master, bool create)
{
	uint32_t h = 2166136261u;                  /* FNV-1a */
	for (int i = 0; i < 6; i++)
		h = (h ^ mac[i]) * 16777619u;
	h = (h ^ (uint32_t)vlan) * 16777619u;
	h = (h ^ (uint32_t)master) * 16777619u;
	struct fdb_slot *set = &c->fdb[(h % FDB_BUCKETS) * FDB_WAYS], *victim = &set[0];
	for (unsigned w = 0; w < FDB_WAYS; w++) {
		struct fdb_slot *s = &set[w];
		if (s->used && s->vlan == vlan && s->master == master && memcmp(s->mac, mac, 6) == 0)
			return s;
		if (!s->used)
			victim = s;
		else if (victim->used && s->last < victim->last)
			victim = s;
	}
	if (!create)
		return NULL;
	memset(victim, 0, sizeof(*victim));
	victim->used = true;
	memcpy(victim->mac, mac, 6);
	victim->vlan = vlan;
	victim->master = master;
	return victim;
}

static void feed_fdb(struct nlbridge_cache *c, const struct nlbridge_event *in,
		     nlbridge_cb cb, void *ctx)
{
	struct link_rec *p = find(c, in->fdb.ifindex);
	if (!p || !p->is_port)
		return;            /* entries of the bridge device itself, or unknown */
	struct nlbridge_event ev = *in;
	ev.fdb.master = p->master;
	snprintf(ev.fdb.port, sizeof(ev.fdb.port), "%s", p->name);
	snprintf(ev.fdb.bridge, sizeof(ev.fdb.bridge), "%s", bridge_name(c, p->master));
	ev.master = p->master;

	struct fdb_slot *s = fdb_lookup(c, ev.fdb.mac, ev.fdb.vlan, p->master,
					ev.type == NLBRIDGE_EV_FDB);
	if (ev.type == NLBRIDGE_EV_FDB) {
		if (s->ifindex && s->ifindex != p->ifindex) {
			struct link_rec *old = find(c, s->ifindex);
			ev.fdb.moved = true;
			snprintf(ev.fdb.from, sizeof(ev.fdb.from), "%s", old ? old->name : "");
		}
		s->ifindex = p->ifindex;
		s->last = ++c->fdb_clock;
	} else if (s && s->ifindex == p->ifindex) {
		s->used = false;
	}
	if (!c->syncing && cb)
		cb(&ev, ctx);
}

void nlbridge_cache_feed(struct nlbridge_cache *c, const struct nlbridge_event *ev,
			 nlbridge_cb cb, void *ctx)
{
	struct link_rec *r;
	bool quiet = c->syncing;

	switch (ev->type) {
	case NLBRIDGE_EV_LINK:
		r = find_or_add(c, ev->ifindex);
		if (!r)
			return;
		r->stale = false;
		merge_common(r, ev);
		/* An enslaved link without bridge slave data (old kernels) of a known bridge. */
		if (ev->master && bridge_name(c, ev->master)[0]) {
			r->is_port = true;
			r->master = ev->master;
		} else {
			r->is_port = false;    /* released from its bridge */
			r->master = ev->master;
		}
		r->is_bridge = false;
		break;
	case NLBRIDGE_EV_LINK_GONE:
	case NLBRIDGE_EV_BRIDGE_GONE:
		r = find(c, ev->ifindex);
		if (!r)
			return;
		r->is_port = r->is_bridge = false;
		if (!quiet) {
			int idx = r->ifindex;
			reconcile_port(c, r, false, cb, ctx);
			reconcile_bridge(c, r, false, cb, ctx);
			/* Its ports (the kernel releases them first, normally). */
			for (unsigned i = 0; i < c->n; i++)
				if (c->links[i].is_port && c->links[i].master == idx) {
					c->links[i].is_port = false;
					reconcile_port(c, &c->links[i], false, cb, ctx);
				}
			r = find(c, idx);
		}
		if (r && !quiet)
			forget(c, r);
		return;
	case NLBRIDGE_EV_BRIDGE:
		r = find_or_add(c, ev->ifindex);
		if (!r)
			return;
		r->stale = false;
		merge_common(r, ev);
		merge_bridge(r, ev);
		r->is_bridge = true;
		r->is_port = false;
		if (!quiet) {
			reconcile_port(c, r, false, cb, ctx);
			reconcile_bridge(c, r, false, cb, ctx);
			reconcile_ports_of(c, r, cb, ctx);
		}
		return;
	case NLBRIDGE_EV_PORT:
		r = find_or_add(c, ev->ifindex);
		if (!r)
			return;
		r->stale = false;
		merge_common(r, ev);
		merge_stp(r, ev);
		r->is_port = true;
		r->is_bridge = false;
		r->master = ev->master;
		if (!quiet && ev->family == AF_BRIDGE) {
			/* STP changes come as AF_BRIDGE messages; the bridge's root
			 * may have changed with them, and the kernel does not say. */
			struct link_rec *b = find(c, r->master);
			if (b && b->is_bridge)
				b->dirty = true;
		}
		break;
	case NLBRIDGE_EV_PORT_GONE:
		r = find(c, ev->ifindex);
		if (!r)
			return;
		r->is_port = false;
		if (!quiet)
			reconcile_port(c, r, false, cb, ctx);
		if (ev->family == AF_UNSPEC && ev->msg_type == RTM_DELLINK)
			forget(c, r);  /* the link itself is gone */
		else
			r->master = 0;
		return;
	case NLBRIDGE_EV_FDB:
	case NLBRIDGE_EV_FDB_GONE:
		feed_fdb(c, ev, cb, ctx);
		return;
	case NLBRIDGE_EV_RESYNC:
		if (cb && !quiet)
			cb(ev, ctx);
		return;
	default:
		return;
	}

	/* LINK and PORT: the port, then its bridge (root port name) and roles. */
	if (quiet)
		return;
	int master = r->master;
	reconcile_port(c, r, false, cb, ctx);
	struct link_rec *b = master ? find(c, master) : NULL;
	if (b && b->is_bridge) {
		reconcile_bridge(c, b, false, cb, ctx);
		reconcile_ports_of(c, b, cb, ctx);
	}
}

int nlbridge_cache_feed_msg(struct nlbridge_cache *c, const struct nlmsghdr *nlh,
			    size_t len, nlbridge_cb cb, void *ctx)
{
	struct nlbridge_event ev;
	int rc = nlbridge_parse(nlh, len, &ev);
	if (rc > 0)
		nlbridge_cache_feed(c, &ev, cb, ctx);
	return rc;
}

void nlbridge_cache_sync_begin(struct nlbridge_cache *c)
{
	c->syncing = true;
	for (unsigned i = 0; i < c->n; i++)
		c->links[i].stale = true;
}

static void sync_finish(struct nlbridge_cache *c, bool complete, nlbridge_cb cb, void *ctx)
{
	c->syncing = false;
	if (!complete)
		for (unsigned i = 0; i < c->n; i++)
			c->links[i].stale = false;
	/* What went first (renamed, released, gone), then bridges, then ports. */
	for (unsigned i = 0; i < c->n; i++) {
		struct link_rec *r = &c->links[i];
		if (r->rep_port && (!r->is_port || r->stale)) {
			emit_link(r, NLBRIDGE_EV_PORT_GONE, &r->rport, &r->rpx, NULL, NULL, cb, ctx);
			r->rep_port = false;
		}
	}
	for (unsigned i = 0; i < c->n; i++) {
		struct link_rec *r = &c->links[i];
		if (r->rep_bridge && (!r->is_bridge || r->stale)) {
			emit_link(r, NLBRIDGE_EV_BRIDGE_GONE, NULL, NULL, &r->rbridge, &r->rbx,
				  cb, ctx);
			r->rep_bridge = false;
		}
	}
	for (unsigned i = 0; i < c->n;) {
		if (c->links[i].stale)
			forget(c, &c->links[i]);
		else
			i++;
	}
	for (unsigned i = 0; i < c->n; i++)
		if (c->links[i].is_bridge)
			reconcile_bridge(c, &c->links[i], complete, cb, ctx);
	for (unsigned i = 0; i < c->n; i++)
		if (c->links[i].is_port)
			reconcile_port(c, &c->links[i], complete, cb, ctx);
}

void nlbridge_cache_sync_end(struct nlbridge_cache *c, nlbridge_cb cb, void *ctx)
{
	sync_finish(c, true, cb, ctx);
}

/* A dump that failed half-way: report what changed, forget nothing. */
void nlbridge_cache_sync_abort(struct nlbridge_cache *c, nlbridge_cb cb, void *ctx)
{
	sync_finish(c, false, cb, ctx);
}

int nlbridge_cache_next_dirty(struct nlbridge_cache *c)
{
	for (unsigned i = 0; i < c->n; i++)
		if (c->links[i].dirty) {
			c->links[i].dirty = false;
			if (c->links[i].is_bridge)
				return c->links[i].ifindex;
		}
	return 0;
}

int *nlbridge_cache_bridges(const struct nlbridge_cache *c, int *n)
{
	int *bridges = malloc((c->n + 1) * sizeof(*bridges));

	*n = 0;
	if (!bridges)
		return NULL;
	for (unsigned i = 0; i < c->n; i++)
		if (c->links[i].is_bridge)
			bridges[(*n)++] = c->links[i].ifindex;
	return bridges;
}
