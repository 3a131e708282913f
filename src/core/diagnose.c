/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * diagnose.c - from the engine's state to findings.  Findings are derived
 * afresh each time they are asked for, so there is no second copy of the
 * truth to keep in step: when the evidence ages out, the finding is gone.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine_int.h"
#include "stpwatch/names.h"

static bool recent(const struct engine *e, double last)
{
	return e->cfg.evidence_hold <= 0 || e->now - last <= e->cfg.evidence_hold;
}

static const char *port_name(const struct engine *e, unsigned i)
{
	return e->ports[i].info.name;
}

static const char *bridge_of(const struct engine *e, unsigned i)
{
	return e->ports[i].info.bridge;
}

static const struct vm_rec *vm_of_tap(const struct engine *e, const char *tap)
{
	for (unsigned i = 0; i < e->n_vms; i++) {
		const struct vm_rec *v = &e->vms[i];
		if (!v->present)
			continue;
		for (unsigned k = 0; k < v->info.n_nics; k++)
			if (strcmp(v->info.nics[k].tap, tap) == 0)
				return v;
	}
	return NULL;
}

static void set_vm(struct finding *f, const struct vm_rec *v)
{
	if (!v)
		return;
	f->vm_pid = v->info.pid;
	snprintf(f->vm_name, sizeof(f->vm_name), "%s", v->info.name);
}

/* "tap10, tap11 and tap12" */
static void list_ports(char *out, size_t len, const struct finding *f)
{
	size_t used = 0;
	out[0] = '\0';
	for (unsigned i = 0; i < f->n_ports && used < len; i++) {
		const char *sep = i == 0 ? "" : i + 1 == f->n_ports ? " and " : ", ";
		int n = snprintf(out + used, len - used, "%s%s", sep, f->ports[i]);
		if (n < 0)
			break;
		used += (size_t)n;
	}
}

static void list_bridges(char *out, size_t len, const struct finding *f)
{
	size_t used = 0;
	out[0] = '\0';
	for (unsigned i = 0; i < f->n_bridges && used < len; i++) {
		int n = snprintf(out + used, len - used, "%s%s", i ? (i + 1 == f->n_bridges ? " and " : ", ") : "",
				 f->bridges[i]);
		if (n < 0)
			break;
		used += (size_t)n;
	}
}

/* ---- shared-hub: taps joined by echoes, or by the VM's command line ---- */

static unsigned uf_find(unsigned *parent, unsigned x)
{
	while (parent[x] != x) {
		parent[x] = parent[parent[x]];
		x = parent[x];
	}
	return x;
}

struct hub_group {
	uint64_t echoes, bpdu_echoes, frame_echoes, duplicates;
	double first, last, min_delay;
	const struct echo_pair *example;
};

static void describe_shared_hub(const struct engine *e, struct finding *f,
				const struct hub_group *g, const struct vm_rec *vm, bool latent)
{
	char ports[200], bridges[120], id[BRIDGE_ID_STRLEN];

	for (unsigned i = 0; i < f->n_ports; i++) {
		int pi = engine_port_index((struct engine *)e, f->ports[i], false);
		if (pi >= 0)
			finding_add_bridge(f, bridge_of(e, (unsigned)pi));
	}
	list_ports(ports, sizeof(ports), f);
	list_bridges(bridges, sizeof(bridges), f);
	snprintf(f->subject, sizeof(f->subject), "%s", ports);

	char who[96];
	if (vm)
		snprintf(who, sizeof(who), "VM %s (pid %d)", vm->info.name[0] ? vm->info.name : "?",
			 vm->info.pid);
	else
		snprintf(who, sizeof(who), "the VM behind them");

	if (latent) {
		snprintf(f->evidence, sizeof(f->evidence),
			 "the command line of %s puts %s on one QEMU hub; no frame has crossed it yet",
			 who, ports);
	} else if (g->example && g->example->bpdu) {
		format_bridge_id(id, g->example->sender_id);
		char delay[40] = "";
		/* A live capture sees only the copy coming in: no delay is known then. */
		if (g->example->max_delay > 0)
			snprintf(delay, sizeof(delay), " %.1f ms later", g->example->min_delay * 1000.0);
		snprintf(f->evidence, sizeof(f->evidence),
			 "%llu frames echoed between %s (%llu BPDUs, %llu guest frames duplicated), "
			 "e.g. the BPDU of bridge %s port %04x sent on %s came back on %s%s",
			 (unsigned long long)g->echoes, ports, (unsigned long long)g->bpdu_echoes,
			 (unsigned long long)g->duplicates, id, g->example->sender_port,
			 port_name(e, g->example->from), port_name(e, g->example->to), delay);
	} else if (g->example) {
		char mac[MAC_STRLEN];
		format_mac(mac, g->example->src);
		snprintf(f->evidence, sizeof(f->evidence),
			 "%llu frames echoed between %s, e.g. frames from %s %s %s and %s within %.1f ms",
			 (unsigned long long)g->echoes, ports, mac,
			 g->example->type == ECHO_DUPLICATE ? "arrived on both" : "left and came back between",
			 port_name(e, g->example->from), port_name(e, g->example->to),
			 g->example->max_delay * 1000.0);
	}
	snprintf(f->explanation, sizeof(f->explanation),
		 "%s %s joined inside %s: its NICs share one QEMU hub (legacy -net nic/-net tap "
		 "options), which copies every frame between them, looping %s through the guest; "
		 "STP blocks one tap and the guest silently loses that NIC, or the LANs merge.",
		 ports, f->n_ports > 2 ? "are all" : "are", who, bridges[0] ? bridges : "the bridges");
	snprintf(f->remedy, sizeof(f->remedy),
		 "Give every NIC its own backend (-netdev tap,id=N,ifname=TAP + -device MODEL,netdev=N,"
		 "mac=MAC; vlan=N per NIC before QEMU 3.0) and restart the VM: stpwatch --repair "
		 "shows the corrected command line.");
}

/*
 * One of our own bridges' BPDUs coming back in on another port is proof
 * on its own: its bridge and port identifiers say where it left, so it
 * cannot be a coincidence.  Frames told apart by fingerprint alone need
 * echo_min.  (In a broadcast storm the guest frames that would make up the
 * second echo are the first to be lost.)
 */
static bool echo_is_proof(const struct engine *e, const struct echo_pair *p)
{
	return p->bpdu && p->type == ECHO_BOUNCE && engine_is_local_bridge_id(e, p->sender_id);
}

static void diagnose_shared_hub(struct engine *e)
{
	unsigned parent[ENGINE_MAX_PORTS];
	uint64_t pair_count[MAX_ECHO_PAIRS];
	bool pair_enough[MAX_ECHO_PAIRS];
	struct hub_group *groups = calloc(e->n_ports ? e->n_ports : 1, sizeof(*groups));

	if (!groups)
		return;
	for (unsigned i = 0; i < e->n_ports; i++)
		parent[i] = i;
	/* Count echoes per unordered tap pair first: echo_min applies to the pair. */
	for (unsigned i = 0; i < e->n_pairs; i++) {
		const struct echo_pair *p = &e->pairs[i];
		bool proof = false;
		pair_count[i] = 0;
		pair_enough[i] = false;
		if (!port_is_tap(&e->ports[p->from]) || !port_is_tap(&e->ports[p->to]) ||
		    !recent(e, p->last))
			continue;
		for (unsigned k = 0; k < e->n_pairs; k++) {
			const struct echo_pair *q = &e->pairs[k];
			if ((q->from == p->from && q->to == p->to) ||
			    (q->from == p->to && q->to == p->from)) {
				pair_count[i] += q->count;
				proof = proof || echo_is_proof(e, q);
			}
		}
		pair_enough[i] = pair_count[i] >= e->cfg.echo_min || proof;
	}
	for (unsigned i = 0; i < e->n_pairs; i++)
		if (pair_enough[i])
			parent[uf_find(parent, e->pairs[i].from)] = uf_find(parent, e->pairs[i].to);

	for (unsigned i = 0; i < e->n_pairs; i++) {
		const struct echo_pair *p = &e->pairs[i];
		if (!pair_enough[i])
			continue;
		struct hub_group *g = &groups[uf_find(parent, p->from)];
		if (g->echoes == 0 || p->first < g->first)
			g->first = p->first;
		if (g->echoes == 0 || p->last > g->last)
			g->last = p->last;
		if (g->echoes == 0 || p->min_delay < g->min_delay)
			g->min_delay = p->min_delay;
		g->echoes += p->count;
		if (p->type == ECHO_DUPLICATE)
			g->duplicates += p->count;
		if (p->bpdu)
			g->bpdu_echoes += p->count;
		else
			g->frame_echoes += p->count;
		if (!g->example || (p->bpdu && !g->example->bpdu) ||
		    (p->bpdu == g->example->bpdu && p->count > g->example->count))
			g->example = p;
	}

	for (unsigned root = 0; root < e->n_ports; root++) {
		struct hub_group *g = &groups[root];
		if (g->echoes == 0 || uf_find(parent, root) != root)
			continue;
		struct finding *f = finding_list_add(&e->findings, FINDING_SHARED_HUB, SEVERITY_CRITICAL);
		if (!f)
			break;
		const struct vm_rec *vm = NULL;
		for (unsigned i = 0; i < e->n_ports; i++) {
			if (uf_find(parent, i) != root)
				continue;
			finding_add_port(f, port_name(e, i));
			if (!vm)
				vm = vm_of_tap(e, port_name(e, i));
		}
		/* The VM's own view adds the taps of its hub that have not echoed yet. */
		if (vm) {
			for (unsigned k = 0; k < vm->info.n_nics; k++) {
				const struct vm_nic *nk = &vm->info.nics[k];
				for (unsigned j = 0; nk->hub >= 0 && nk->tap[0] && j < vm->info.n_nics; j++)
					if (vm->info.nics[j].hub == nk->hub &&
					    finding_has_port(f, vm->info.nics[j].tap))
						finding_add_port(f, nk->tap);
			}
		}
		f->count = g->echoes;
		f->first_seen = g->first;
		f->last_seen = g->last;
		set_vm(f, vm);
		describe_shared_hub(e, f, g, vm, false);
	}

	free(groups);

	/* Hubs that a VM's command line shares between taps, with no echo seen yet. */
	unsigned echo_findings = e->findings.n;
	for (unsigned i = 0; i < e->n_vms; i++) {
		const struct vm_rec *v = &e->vms[i];
		if (!v->present)
			continue;
		for (unsigned a = 0; a < v->info.n_nics; a++) {
			int hub = v->info.nics[a].hub;
			if (hub < 0)
				continue;
			unsigned on_hub = 0;
			for (unsigned b = 0; b < v->info.n_nics; b++)
				if (v->info.nics[b].hub == hub && v->info.nics[b].tap[0])
					on_hub++;
			bool first_of_hub = true;
			for (unsigned b = 0; b < a; b++)
				if (v->info.nics[b].hub == hub)
					first_of_hub = false;
			if (on_hub < 2 || !first_of_hub)
				continue;
			bool proven = false;
			for (unsigned k = 0; k < echo_findings && !proven; k++)
				if (e->findings.items[k].kind == FINDING_SHARED_HUB &&
				    finding_has_port(&e->findings.items[k], v->info.nics[a].tap))
					proven = true;
			if (proven)
				continue;
			struct finding *f = finding_list_add(&e->findings, FINDING_SHARED_HUB,
							     SEVERITY_WARNING);
			if (!f)
				return;
			for (unsigned b = 0; b < v->info.n_nics; b++)
				if (v->info.nics[b].hub == hub && v->info.nics[b].tap[0])
					finding_add_port(f, v->info.nics[b].tap);
			f->first_seen = f->last_seen = v->seen;
			set_vm(f, v);
			struct hub_group none = { 0 };
			describe_shared_hub(e, f, &none, v, true);
		}
	}
}

/* ---- port-loop and bridge-merge from echoes between known bridges ---- */

/* Echo pairs between two ports, either way round, summed; the best example kept. */
struct link_echo {
	unsigned a, b;              /* port indexes, a < b */
	uint64_t count;
	double first, last;
	const struct echo_pair *example;
};

static void describe_bridge_echo(const struct engine *e, struct finding *f,
				 const struct link_echo *le, bool same, bool tap)
{
	const struct echo_pair *p = le->example;
	const char *bx = bridge_of(e, p->from), *by = bridge_of(e, p->to);
	char id[BRIDGE_ID_STRLEN];

	format_bridge_id(id, p->sender_id);
	if (p->bpdu)
		snprintf(f->evidence, sizeof(f->evidence),
			 "%llu frames crossed between %s and %s, e.g. the BPDU of bridge %s port %04x "
			 "sent on %s came back on %s", (unsigned long long)le->count,
			 port_name(e, le->a), port_name(e, le->b), id, p->sender_port,
			 port_name(e, p->from), port_name(e, p->to));
	else
		snprintf(f->evidence, sizeof(f->evidence),
			 "%llu frames crossed between %s and %s, e.g. frames sent on %s came back on %s",
			 (unsigned long long)le->count, port_name(e, le->a), port_name(e, le->b),
			 port_name(e, p->from), port_name(e, p->to));
	if (same) {
		snprintf(f->explanation, sizeof(f->explanation),
			 "Bridge %s hears its own frames: ports %s and %s are joined outside the "
			 "kernel%s, so STP must keep one of them blocked.", bx,
			 port_name(e, le->a), port_name(e, le->b),
			 tap ? " (inside a VM)" : " (one LAN segment)");
		snprintf(f->remedy, sizeof(f->remedy), "%s", tap ?
			 "Give the VM one QEMU backend per NIC (see the shared-hub finding) and restart it." :
			 "Bond the two links or remove one of them from the bridge.");
	} else {
		snprintf(f->explanation, sizeof(f->explanation),
			 "Bridges %s and %s are joined outside the kernel through %s and %s: %s",
			 bx, by, port_name(e, p->from), port_name(e, p->to),
			 tap ? "a VM connects the two networks, which STP must then cut." :
			       "both reach the same LAN, a second path between the bridges.");
		snprintf(f->remedy, sizeof(f->remedy), "%s", tap ?
			 "Give the VM one QEMU backend per NIC (see the shared-hub finding) and restart it." :
			 "If the networks should be separate, separate the uplinks (VLANs or switches).");
	}
}

static void diagnose_bridge_echoes(struct engine *e)
{
	struct link_echo links[MAX_ECHO_PAIRS];
	unsigned n_links = 0;

	for (unsigned i = 0; i < e->n_pairs; i++) {
		const struct echo_pair *p = &e->pairs[i];
		if (!bridge_of(e, p->from)[0] || !bridge_of(e, p->to)[0] || !recent(e, p->last))
			continue;
		/* Two uplinks hearing one outside frame is a shared LAN, not our loop. */
		if (p->type == ECHO_DUPLICATE && !port_is_tap(&e->ports[p->from]))
			continue;
		unsigned a = p->from < p->to ? p->from : p->to, b = p->from < p->to ? p->to : p->from;
		struct link_echo *le = NULL;
		for (unsigned k = 0; k < n_links; k++)
			if (links[k].a == a && links[k].b == b)
				le = &links[k];
		if (!le) {
			le = &links[n_links++];
			memset(le, 0, sizeof(*le));
			le->a = a;
			le->b = b;
			le->first = p->first;
		}
		le->count += p->count;
		le->first = fmin(le->first, p->first);
		le->last = fmax(le->last, p->last);
		if (!le->example || (p->bpdu && !le->example->bpdu) ||
		    (p->bpdu == le->example->bpdu && p->count > le->example->count))
			le->example = p;
	}

	for (unsigned k = 0; k < n_links; k++) {
		const struct link_echo *le = &links[k];
		if (le->count < e->cfg.echo_min)
			continue;
		const char *ba = bridge_of(e, le->a), *bb = bridge_of(e, le->b);
		bool tap = port_is_tap(&e->ports[le->a]) || port_is_tap(&e->ports[le->b]);
		bool same = strcmp(ba, bb) == 0;
		struct finding *f = finding_list_add(&e->findings,
			same ? FINDING_PORT_LOOP : FINDING_BRIDGE_MERGE,
			tap ? SEVERITY_CRITICAL : same ? SEVERITY_WARNING : SEVERITY_INFO);
		if (!f)
			return;
		if (same)
			snprintf(f->subject, sizeof(f->subject), "%s: %s, %s", ba,
				 port_name(e, le->a), port_name(e, le->b));
		else
			snprintf(f->subject, sizeof(f->subject), "%s/%s, %s/%s", ba,
				 port_name(e, le->a), bb, port_name(e, le->b));
		finding_add_bridge(f, ba);
		finding_add_bridge(f, bb);
		finding_add_port(f, port_name(e, le->a));
		finding_add_port(f, port_name(e, le->b));
		f->count = le->count;
		f->first_seen = le->first;
		f->last_seen = le->last;
		const struct vm_rec *vm = vm_of_tap(e, port_name(e, le->a));
		set_vm(f, vm ? vm : vm_of_tap(e, port_name(e, le->b)));
		describe_bridge_echo(e, f, le, same, tap);
	}
}

/* Whether an echo already explains BPDUs of this sender arriving on this port. */
static bool echo_explains(const struct engine *e, unsigned port, uint64_t sender_id)
{
	for (unsigned i = 0; i < e->n_pairs; i++)
		if (e->pairs[i].to == port && e->pairs[i].bpdu &&
		    e->pairs[i].sender_id == sender_id)
			return true;
	return false;
}

/* Whether the guest behind a port says it is the root of the tree `root`. */
static bool guest_claims_root(const struct engine *e, const struct port_rec *p, uint64_t root)
{
	for (unsigned h = 0; h < p->n_heard; h++) {
		const struct heard_rec *hr = &p->heard[h];
		if (recent(e, hr->last) && hr->has_timers && hr->root_id == root &&
		    (hr->sender_id & 0xffffffffffffULL) == (root & 0xffffffffffffULL) &&
		    !engine_is_local_bridge_id(e, hr->sender_id))
			return true;
	}
	return false;
}

/*
 * A guest's BPDUs on a tap.  Those that name a root better than the bridge's
 * own (a guest claiming the root) are critical once the bridge has taken
 * that root through the tap, a warning while it has not (root guard).
 */
static bool foreign_bpdu(struct engine *e, const struct port_rec *p, const struct bridge_rec *own,
			 uint64_t own_id, const struct heard_rec *hr, const char *id)
{
	const char *own_bridge = p->info.bridge;
	bool kernel = !own || !own->from_snapshot || own->info.kernel_stp;
	bool ignored = kernel && strcmp(hr->protocol, "stp") != 0;
	uint64_t own_root = own && own->from_snapshot && own->info.root_id &&
			    strcmp(own->info.root_port, p->info.name) != 0 ? own->info.root_id : own_id;
	bool taken = own && own->from_snapshot && hr->has_timers &&
		     strcmp(own->info.root_port, p->info.name) == 0 && own->info.root_id == hr->root_id;
	bool superior = hr->has_timers && hr->root_id && own_root && hr->root_id < own_root;
	struct finding *f = finding_list_add(&e->findings, FINDING_FOREIGN_BPDU,
					     taken ? SEVERITY_CRITICAL : SEVERITY_WARNING);
	if (!f)
		return false;
	char mac[MAC_STRLEN], root[BRIDGE_ID_STRLEN];
	format_mac(mac, hr->src);
	format_bridge_id(root, hr->root_id);
	finding_add_port(f, p->info.name);
	finding_add_bridge(f, own_bridge);
	set_vm(f, vm_of_tap(e, p->info.name));
	f->count = hr->count;
	f->first_seen = hr->first;
	f->last_seen = hr->last;
	if (!hr->has_timers) {
		/* TCNs name no bridge: the source address is all there is. */
		snprintf(f->subject, sizeof(f->subject), "%s TCN from %s", p->info.name, mac);
		snprintf(f->evidence, sizeof(f->evidence),
			 "%llu %s TCN BPDUs (source %s) on tap %s",
			 (unsigned long long)hr->count, hr->protocol, mac, p->info.name);
	} else {
		snprintf(f->subject, sizeof(f->subject), "%s from %s", p->info.name, id);
		snprintf(f->evidence, sizeof(f->evidence),
			 "%llu %s BPDUs from bridge %s port %04x (source %s) on tap %s, root %s",
			 (unsigned long long)hr->count, hr->protocol, id, hr->port_id, mac,
			 p->info.name, root);
	}
	if (taken || superior) {
		bool self = (hr->sender_id & 0xffffffffffffULL) == (hr->root_id & 0xffffffffffffULL);
		char was[BRIDGE_ID_STRLEN];
		format_bridge_id(was, own_root);
		snprintf(f->explanation, sizeof(f->explanation),
			 "The guest behind %s %s root %s, better than %s (%s)%s",
			 p->info.name, self ? "claims to be the" : "announces", root,
			 own_root == own_id ? "the bridge's own id" : "the bridge's root", was,
			 taken ? ": the bridge now reaches its root through the VM, so the tree of "
				 "every bridge and LAN behind it is rebuilt around a guest, which can "
				 "see or drop their traffic." :
				 "; the bridge has not taken it (root guard, or a port not yet up).");
		snprintf(f->remedy, sizeof(f->remedy),
			 "Set root guard or BPDU guard on the tap (bridge link set dev %s root_block on, "
			 "or guard on) and stop STP in the guest.", p->info.name);
		return true;
	}
	snprintf(f->explanation, sizeof(f->explanation),
		 "The guest behind %s sends %s BPDUs: it bridges inside the VM.%s",
		 p->info.name, hr->protocol,
		 ignored ? " The kernel's 802.1D STP ignores RSTP/MSTP/PVST+ BPDUs, so a "
			   "loop through this guest would go unnoticed." : "");
	snprintf(f->remedy, sizeof(f->remedy),
		 "Stop STP/bridging in the guest, or set BPDU guard on the port "
		 "(bridge link set dev %s guard on).", p->info.name);
	return true;
}

/* ---- what each port heard: own BPDUs, other local bridges, guests ---- */

static void diagnose_heard(struct engine *e)
{
	for (unsigned i = 0; i < e->n_ports; i++) {
		const struct port_rec *p = &e->ports[i];
		const char *own_bridge = p->info.bridge;
		const struct bridge_rec *own = own_bridge[0] ?
			engine_bridge_by_name(e, own_bridge) : NULL;
		uint64_t own_id = own ? own->info.bridge_id : 0;

		for (unsigned h = 0; h < p->n_heard; h++) {
			const struct heard_rec *hr = &p->heard[h];
			if (!recent(e, hr->last))
				continue;
			bool sent_by_us = own_id && (hr->sender_id & 0xffffffffffffULL) ==
						    (own_id & 0xffffffffffffULL);
			bool arrived = hr->dir_in;   /* known to have come in on this port */
			const char *local = engine_bridge_name_of_id(e, hr->sender_id);
			char id[BRIDGE_ID_STRLEN];
			format_bridge_id(id, hr->sender_id);

			if (echo_explains(e, i, hr->sender_id))
				continue;
			if (sent_by_us && arrived && hr->count >= e->cfg.echo_min) {
				struct finding *f = finding_list_add(&e->findings, FINDING_PORT_LOOP,
					port_is_tap(p) ? SEVERITY_CRITICAL : SEVERITY_WARNING);
				if (!f)
					return;
				snprintf(f->subject, sizeof(f->subject), "%s: %04x, %s", own_bridge,
					 hr->port_id, p->info.name);
				finding_add_bridge(f, own_bridge);
				for (unsigned k = 0; k < e->n_ports; k++)
					if (strcmp(e->ports[k].info.bridge, own_bridge) == 0 &&
					    e->ports[k].info.port_id == hr->port_id)
						finding_add_port(f, e->ports[k].info.name);
				finding_add_port(f, p->info.name);
				f->count = hr->count;
				f->first_seen = hr->first;
				f->last_seen = hr->last;
				snprintf(f->evidence, sizeof(f->evidence),
					 "%llu BPDUs of %s (%s) sent from its port %04x arrived on %s",
					 (unsigned long long)hr->count, own_bridge, id, hr->port_id, p->info.name);
				snprintf(f->explanation, sizeof(f->explanation),
					 "Bridge %s hears its own BPDUs on %s: that port and port %04x are joined "
					 "outside the kernel, a loop STP must keep blocked.",
					 own_bridge, p->info.name, hr->port_id);
				snprintf(f->remedy, sizeof(f->remedy),
					 "Find what joins the two ports (a VM with one hub for both NICs, a cable, "
					 "a guest bridge) and separate them.");
				continue;
			}
			if (local && own_bridge[0] && strcmp(local, own_bridge) != 0 && (arrived || hr->dir_unknown)) {
				struct finding *f = finding_list_add(&e->findings, FINDING_BRIDGE_MERGE,
					port_is_tap(p) ? SEVERITY_CRITICAL : SEVERITY_INFO);
				if (!f)
					return;
				snprintf(f->subject, sizeof(f->subject), "%s hears %s on %s", own_bridge,
					 local, p->info.name);
				finding_add_bridge(f, own_bridge);
				finding_add_bridge(f, local);
				finding_add_port(f, p->info.name);
				set_vm(f, vm_of_tap(e, p->info.name));
				f->count = hr->count;
				f->first_seen = hr->first;
				f->last_seen = hr->last;
				snprintf(f->evidence, sizeof(f->evidence),
					 "%llu BPDUs of local bridge %s (%s port %04x) heard on %s, a port of %s",
					 (unsigned long long)hr->count, local, id, hr->port_id, p->info.name,
					 own_bridge);
				snprintf(f->explanation, sizeof(f->explanation),
					 "Bridges %s and %s are joined outside the kernel through %s%s.",
					 own_bridge, local, p->info.name,
					 port_is_tap(p) ? ", a VM NIC: the VM connects the two networks" :
							  ": they share a LAN");
				snprintf(f->remedy, sizeof(f->remedy), port_is_tap(p) ?
					 "Give the VM one QEMU backend per NIC and restart it; or stop the guest bridging." :
					 "If the networks should be separate, separate the uplinks.");
				continue;
			}
			/* A guest speaking STP: only judged when our own id is known. */
			if (port_is_tap(p) && !local && !sent_by_us && (arrived || (own_id && hr->dir_unknown))) {
				if (!foreign_bpdu(e, p, own, own_id, hr, id))
					return;
			}
		}

		/* Bridges on one segment should agree on the root's timers (802.1D 17.14). */
		for (unsigned a = 0; a < p->n_heard; a++) {
			for (unsigned b = a + 1; b < p->n_heard; b++) {
				const struct heard_rec *x = &p->heard[a], *y = &p->heard[b];
				if (!recent(e, x->last) || !recent(e, y->last) ||
				    !x->has_timers || !y->has_timers ||   /* TCNs carry none */
				    strcmp(x->protocol, "pvst") == 0 || strcmp(y->protocol, "pvst") == 0)
					continue;
				if (x->max_age == y->max_age && x->hello_time == y->hello_time &&
				    x->forward_delay == y->forward_delay)
					continue;
				struct finding *f = finding_list_add(&e->findings, FINDING_TIMER_MISMATCH,
								     SEVERITY_WARNING);
				if (!f)
					return;
				char ia[BRIDGE_ID_STRLEN], ib[BRIDGE_ID_STRLEN];
				format_bridge_id(ia, x->sender_id);
				format_bridge_id(ib, y->sender_id);
				snprintf(f->subject, sizeof(f->subject), "%s: %s, %s", p->info.name, ia, ib);
				finding_add_port(f, p->info.name);
				finding_add_bridge(f, own_bridge);
				f->count = x->count + y->count;
				f->first_seen = fmin(x->first, y->first);
				f->last_seen = fmax(x->last, y->last);
				snprintf(f->evidence, sizeof(f->evidence),
					 "on %s, %s sends max-age %g hello %g forward-delay %g; "
					 "%s sends %g/%g/%g", p->info.name, ia, x->max_age / 256.0,
					 x->hello_time / 256.0, x->forward_delay / 256.0, ib,
					 y->max_age / 256.0, y->hello_time / 256.0, y->forward_delay / 256.0);
				snprintf(f->explanation, sizeof(f->explanation),
					 "Bridges on one LAN disagree on the STP timers; every bridge should "
					 "use the root's, so they do not share a root: two trees meet here.");
				snprintf(f->remedy, sizeof(f->remedy),
					 "Find why the bridges have different roots (a merge, a filtered BPDU) "
					 "and set the same timers on the bridges meant to be roots.");
			}
		}
	}
}

/* ---- port and bridge snapshots ---- */

static void diagnose_snapshots(struct engine *e)
{
	for (unsigned i = 0; i < e->n_ports; i++) {
		const struct port_rec *p = &e->ports[i];
		if (!p->present || !port_is_tap(p) || p->info.state != PORT_STATE_BLOCKING)
			continue;
		struct finding *f = finding_list_add(&e->findings, FINDING_BLOCKED_TAP, SEVERITY_WARNING);
		if (!f)
			return;
		snprintf(f->subject, sizeof(f->subject), "%s", p->info.name);
		finding_add_port(f, p->info.name);
		finding_add_bridge(f, p->info.bridge);
		set_vm(f, vm_of_tap(e, p->info.name));
		f->count = 1;
		f->first_seen = f->last_seen = e->now;
		const struct bpdu_brief *bb = &p->last_bpdu_in;
		if (bb->valid) {
			char id[BRIDGE_ID_STRLEN], root[BRIDGE_ID_STRLEN];
			format_bridge_id(id, bb->sender_id);
			format_bridge_id(root, bb->root_id);
			snprintf(f->evidence, sizeof(f->evidence),
				 "%s is blocking; the last BPDU it heard came from bridge %s port %04x "
				 "(root %s, cost %u)", p->info.name, id, bb->port_id, root,
				 bb->root_path_cost);
		} else {
			snprintf(f->evidence, sizeof(f->evidence), "%s is in state blocking",
				 p->info.name);
		}
		snprintf(f->explanation, sizeof(f->explanation),
			 "STP blocks tap %s: the guest's NIC on it passes no traffic. A tap blocks "
			 "only when it hears a better BPDU, i.e. when something loops back through the VM.",
			 p->info.name);
		snprintf(f->remedy, sizeof(f->remedy),
			 "Look for a shared-hub finding on the same VM; otherwise find the guest bridge "
			 "or second path that makes %s hear BPDUs.", p->info.name);
	}

	/* Ports of one bridge with different MTUs: larger frames die silently. */
	for (unsigned bi = 0; bi < e->n_bridges; bi++) {
		const struct bridge_rec *br = &e->bridges[bi];
		int lo = 0, hi = 0;
		const char *lo_port = NULL, *hi_port = NULL;
		for (unsigned i = 0; i < e->n_ports; i++) {
			const struct port_rec *p = &e->ports[i];
			if (!p->present || p->info.mtu <= 0 || strcmp(p->info.bridge, br->info.name) != 0)
				continue;
			if (!lo_port || p->info.mtu < lo) {
				lo = p->info.mtu;
				lo_port = p->info.name;
			}
			if (!hi_port || p->info.mtu > hi) {
				hi = p->info.mtu;
				hi_port = p->info.name;
			}
		}
		if (!lo_port || lo == hi)
			continue;
		struct finding *f = finding_list_add(&e->findings, FINDING_MTU_MISMATCH, SEVERITY_WARNING);
		if (!f)
			return;
		snprintf(f->subject, sizeof(f->subject), "%s", br->info.name);
		finding_add_bridge(f, br->info.name);
		finding_add_port(f, lo_port);
		finding_add_port(f, hi_port);
		f->count = 1;
		f->first_seen = f->last_seen = e->now;
		snprintf(f->evidence, sizeof(f->evidence), "%s has MTU %d, %s has MTU %d",
			 lo_port, lo, hi_port, hi);
		snprintf(f->explanation, sizeof(f->explanation),
			 "Ports of bridge %s have different MTUs: frames larger than %d bytes that "
			 "must leave through %s are dropped without a word.", br->info.name, lo, lo_port);
		snprintf(f->remedy, sizeof(f->remedy), "Set one MTU on every port of %s "
			 "(ip link set dev PORT mtu %d).", br->info.name, hi);
	}

	for (unsigned bi = 0; bi < e->n_bridges; bi++) {
		const struct bridge_rec *br = &e->bridges[bi];
		if (!br->from_snapshot || !br->info.root_port[0])
			continue;
		int pi = engine_port_index(e, br->info.root_port, false);
		if (pi < 0 || !port_is_tap(&e->ports[pi]) ||
		    guest_claims_root(e, &e->ports[pi], br->info.root_id))
			continue;
		struct finding *f = finding_list_add(&e->findings, FINDING_BRIDGE_MERGE, SEVERITY_CRITICAL);
		if (!f)
			return;
		snprintf(f->subject, sizeof(f->subject), "%s root port %s", br->info.name,
			 br->info.root_port);
		finding_add_bridge(f, br->info.name);
		finding_add_port(f, br->info.root_port);
		set_vm(f, vm_of_tap(e, br->info.root_port));
		f->count = 1;
		f->first_seen = f->last_seen = e->now;
		char root[BRIDGE_ID_STRLEN];
		format_bridge_id(root, br->info.root_id);
		snprintf(f->evidence, sizeof(f->evidence), "the root port of %s is tap %s (root %s, cost %u)",
			 br->info.name, br->info.root_port, root, br->info.root_path_cost);
		snprintf(f->explanation, sizeof(f->explanation),
			 "Bridge %s reaches its root through a VM NIC (%s): the VM joins two networks "
			 "that should be separate, silently merging them.", br->info.name,
			 br->info.root_port);
		snprintf(f->remedy, sizeof(f->remedy),
			 "Give the VM one QEMU backend per NIC (see shared-hub) or stop the guest bridging.");
	}
}

/* A local bridge whose root changed between two snapshots (live). */
static bool bridge_root_change(struct engine *e, const struct bridge_rec *br)
{
	if (!br->root.total || !br->present || !recent(e, br->last_root_change))
		return true;
	bool storm = br->root.storm && recent(e, br->root.storm_last);
	int pi = br->last_root_port[0] ? engine_port_index(e, br->last_root_port, false) : -1;
	bool via_tap = pi >= 0 && port_is_tap(&e->ports[pi]);
	struct finding *f = finding_list_add(&e->findings, FINDING_ROOT_CHANGE,
					     storm || via_tap ? SEVERITY_WARNING : SEVERITY_INFO);
	if (!f)
		return false;
	char from[BRIDGE_ID_STRLEN], to[BRIDGE_ID_STRLEN], via[96] = "";
	format_bridge_id(from, br->last_root_from);
	format_bridge_id(to, br->last_root_to);
	snprintf(f->subject, sizeof(f->subject), "%s", br->info.name);
	finding_add_bridge(f, br->info.name);
	if (pi >= 0) {
		finding_add_port(f, br->last_root_port);
		set_vm(f, vm_of_tap(e, br->last_root_port));
		snprintf(via, sizeof(via), " through %s%s", via_tap ? "tap " : "port ",
			 br->last_root_port);
	}
	f->count = br->root.total;
	f->first_seen = storm ? br->root.storm_first : br->last_root_change;
	f->last_seen = storm ? br->root.storm_last : br->last_root_change;
	snprintf(f->evidence, sizeof(f->evidence),
		 "bridge %s changed its root %u times (at most %u within %g s), last from %s to %s%s",
		 br->info.name, br->root.total, br->root.peak, e->cfg.root_change_window, from, to, via);
	snprintf(f->explanation, sizeof(f->explanation), "%s", via_tap ?
		 "The bridge takes its root through a VM NIC: a guest claims the root or joins "
		 "this bridge to another network; every change flushes MAC tables." : storm ?
		 "The root bridge keeps changing: every change flushes MAC tables and "
		 "stops forwarding on the ports that change role." :
		 "The root bridge changed, e.g. a bridge started or a link to the root came up.");
	snprintf(f->remedy, sizeof(f->remedy), "%s", via_tap ?
		 "Set root guard on VM taps (bridge link set dev TAP root_block on) and pin the root "
		 "with the lowest bridge priority." :
		 "Pin the root: give the intended root the lowest bridge priority "
		 "(ip link set dev BRIDGE type bridge priority 4096).");
	return true;
}

/* ---- senders: root changes, timers; ports: topology-change storms ---- */

static void diagnose_senders(struct engine *e)
{
	for (unsigned i = 0; i < e->n_senders; i++) {
		const struct sender_rec *s = &e->senders[i];
		char id[BRIDGE_ID_STRLEN];
		format_bridge_id(id, s->bridge_id);
		if (s->root.total && recent(e, s->last_root_change)) {
			bool storm = s->root.storm && recent(e, s->root.storm_last);
			struct finding *f = finding_list_add(&e->findings, FINDING_ROOT_CHANGE,
							     storm ? SEVERITY_WARNING : SEVERITY_INFO);
			if (!f)
				return;
			snprintf(f->subject, sizeof(f->subject), "%s port %04x", id, s->port_id);
			f->count = s->root.total;
			f->first_seen = storm ? s->root.storm_first : s->last_root_change;
			f->last_seen = storm ? s->root.storm_last : s->last_root_change;
			char from[BRIDGE_ID_STRLEN], to[BRIDGE_ID_STRLEN];
			format_bridge_id(from, s->last_root_from);
			format_bridge_id(to, s->last_root_to);
			snprintf(f->evidence, sizeof(f->evidence),
				 "bridge %s port %04x changed its root %u times (at most %u within %g s), "
				 "last from %s to %s", id, s->port_id, s->root.total, s->root.peak,
				 e->cfg.root_change_window, from, to);
			snprintf(f->explanation, sizeof(f->explanation), "%s", storm ?
				 "The root bridge keeps changing: every change flushes MAC tables and "
				 "stops forwarding on the ports that change role." :
				 "The root bridge changed, e.g. a bridge started or a link to the root came up.");
			snprintf(f->remedy, sizeof(f->remedy),
				 "Pin the root: give the intended root the lowest bridge priority "
				 "(ip link set dev BRIDGE type bridge priority 4096).");
		}
		if (s->timers_invalid && recent(e, s->timers_invalid_last)) {
			struct finding *f = finding_list_add(&e->findings, FINDING_TIMER_MISMATCH,
							     SEVERITY_WARNING);
			if (!f)
				return;
			snprintf(f->subject, sizeof(f->subject), "%s", id);
			f->count = s->bpdus;
			f->first_seen = s->first;
			f->last_seen = s->timers_invalid_last;
			snprintf(f->evidence, sizeof(f->evidence),
				 "bridge %s sent max-age %g s, hello-time %g s, forward-delay %g s",
				 id, s->bad_max_age / 256.0, s->bad_hello_time / 256.0,
				 s->bad_forward_delay / 256.0);
			snprintf(f->explanation, sizeof(f->explanation),
				 "These timers break 802.1D 17.14 (2 x (forward-delay - 1) >= max-age >= "
				 "2 x (hello-time + 1)): ports may forward before loops are detected, or "
				 "information may age out between hellos.");
			snprintf(f->remedy, sizeof(f->remedy),
				 "Set timers that satisfy the relation on the root bridge, e.g. hello 2, "
				 "max-age 20, forward-delay 15 (the defaults).");
		}
	}

	for (unsigned i = 0; i < e->n_bridges; i++)
		if (!bridge_root_change(e, &e->bridges[i]))
			return;

	for (unsigned i = 0; i < e->n_ports; i++) {
		const struct port_rec *p = &e->ports[i];
		if (!p->tc.storm || !recent(e, p->tc.storm_last))
			continue;
		struct finding *f = finding_list_add(&e->findings, FINDING_TC_STORM, SEVERITY_WARNING);
		if (!f)
			return;
		snprintf(f->subject, sizeof(f->subject), "%s", p->info.name);
		finding_add_port(f, p->info.name);
		finding_add_bridge(f, p->info.bridge);
		set_vm(f, vm_of_tap(e, p->info.name));
		f->count = p->tc.peak;
		f->first_seen = p->tc.storm_first;
		f->last_seen = p->tc.storm_last;
		snprintf(f->evidence, sizeof(f->evidence),
			 "up to %u topology changes within %g s heard on %s (%u in all)",
			 p->tc.peak, e->cfg.tc_window, p->info.name, p->tc.total);
		snprintf(f->explanation, sizeof(f->explanation),
			 "Topology keeps changing: each change shortens MAC ageing to forward-delay, "
			 "so bridges flood unicast traffic; a flapping link or a guest sending TCNs is "
			 "the usual cause.");
		snprintf(f->remedy, sizeof(f->remedy),
			 "Find the port whose link flaps or the guest that sends TCNs; mark host-facing "
			 "ports as edge ports or set BPDU guard on taps.");
	}
}

static void diagnose_macs(struct engine *e)
{
	/* A hundred thousand entries are not read every second for nothing. */
	if (!e->mac_storm_seen || !recent(e, e->mac_storm_last))
		return;
	size_t n = e->mac_buckets * MAC_WAYS;
	for (size_t i = 0; i < n; i++) {
		const struct mac_entry *m = &e->macs[i];
		if (!m->used || !m->moves.storm || !recent(e, m->moves.storm_last))
			continue;
		struct finding *f = finding_list_add(&e->findings, FINDING_MAC_FLAP, SEVERITY_WARNING);
		if (!f)
			return;
		char mac[MAC_STRLEN];
		format_mac(mac, m->mac);
		const char *bridge = bridge_of(e, m->port);
		snprintf(f->subject, sizeof(f->subject), "%s%s%s", mac, bridge[0] ? " on " : "", bridge);
		if (m->vlan != 0xffff) {
			size_t len = strlen(f->subject);
			snprintf(f->subject + len, sizeof(f->subject) - len, " vlan %u", m->vlan);
		}
		for (unsigned k = 0; k < FLAP_HISTORY && k < m->moves.total; k++)
			finding_add_port(f, port_name(e, m->move_ports[k]));
		for (unsigned k = 0; k < f->n_ports; k++) {
			int pi = engine_port_index(e, f->ports[k], false);
			if (pi >= 0)
				finding_add_bridge(f, bridge_of(e, (unsigned)pi));
		}
		f->count = m->moves.peak;
		f->first_seen = m->moves.storm_first;
		f->last_seen = m->moves.storm_last;
		snprintf(f->evidence, sizeof(f->evidence),
			 "%s moved between ports up to %u times within %g s (%u moves in all)",
			 mac, m->moves.peak, e->cfg.mac_flap_window, m->moves.total);
		snprintf(f->explanation, sizeof(f->explanation),
			 "A MAC address keeps moving between ports: frames from it arrive on several "
			 "ports, the mark of a loop (or of two hosts using one address).");
		snprintf(f->remedy, sizeof(f->remedy),
			 "Look for shared-hub or port-loop findings on the ports named; otherwise check "
			 "for duplicate MAC addresses.");
	}
}

/* A firewall VM that bridges on purpose is no finding: the admin said so. */
static bool ignored(const struct engine *e, const struct finding *f)
{
	if (e->cfg.ignore_ports && *e->cfg.ignore_ports)
		for (unsigned i = 0; i < f->n_ports; i++)
			if (engine_name_matches(e->cfg.ignore_ports, f->ports[i]))
				return true;
	return e->cfg.ignore_vms && *e->cfg.ignore_vms && f->vm_name[0] &&
	       engine_name_matches(e->cfg.ignore_vms, f->vm_name);
}

static void drop_ignored(struct engine *e)
{
	unsigned kept = 0;
	for (unsigned i = 0; i < e->findings.n; i++)
		if (!ignored(e, &e->findings.items[i]))
			e->findings.items[kept++] = e->findings.items[i];
	e->findings.n = kept;
}

void diagnose(struct engine *e)
{
	finding_list_clear(&e->findings);
	diagnose_shared_hub(e);
	diagnose_bridge_echoes(e);
	diagnose_heard(e);
	diagnose_snapshots(e);
	diagnose_senders(e);
	diagnose_macs(e);
	drop_ignored(e);
	for (unsigned i = 0; i < e->findings.n; i++)
		finding_make_printable(&e->findings.items[i]);
	finding_list_sort(&e->findings);
}
