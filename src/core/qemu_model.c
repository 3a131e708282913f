/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * qemu_model.c - what QEMU makes of the options qemu_argv.c read: which
 * NIC sits on which hub or backend, the hubs and whether one is shared,
 * the order NICs are created in, their default MACs and names; and the
 * model as the engine's struct vm_info.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qemu_int.h"
#include "stpwatch/qemu.h"


/* ---- links ------------------------------------------------------------ */

static int find_netdev(const struct qemu_model *m, const char *id)
{
	if (!id[0])
		return -1;
	for (unsigned i = 0; i < m->n_netdevs; i++)
		if (m->netdevs[i].kind != QEMU_ND_NET && strcmp(m->netdevs[i].id, id) == 0)
			return (int)i;
	return -1;
}

static int link_netdevs(struct qemu_model *m, char *err, size_t errlen)
{
	/* hubport netdev=ID joins backend ID to the hub (net/hub.c net_init_hubport()) */
	for (unsigned i = 0; i < m->n_netdevs; i++) {
		struct qemu_netdev *hp = &m->netdevs[i];
		if (strcmp(hp->type, "hubport") != 0 || !hp->peer_id[0])
			continue;
		int p = find_netdev(m, hp->peer_id);
		if (p < 0 && !m->readconfig) {
			qemu_set_err(err, errlen, "argv[%d]: hubport netdev=%s names no -netdev",
				hp->at.val, hp->peer_id);
			return -1;
		}
		hp->peer = p;
		if (p >= 0)
			m->netdevs[p].hub = hp->hub;
	}
	for (unsigned i = 0; i < m->n_nics; i++) {
		struct qemu_nic *n = &m->nics[i];
		if (!n->netdev_id[0] || n->kind == QEMU_NIC_NIC)
			continue;
		int p = find_netdev(m, n->netdev_id);
		if (p < 0) {
			if (m->readconfig)
				continue;
			qemu_set_err(err, errlen, "argv[%d]: netdev=%s names no -netdev",
				n->at.val, n->netdev_id);
			return -1;
		}
		struct qemu_netdev *nd = &m->netdevs[p];
		n->netdev = p;
		nd->nic = (int)i;
		if (strcmp(nd->type, "hubport") == 0) {
			n->hub = nd->hub;
		} else {
			n->backend = p;
			n->hub = -1;
		}
	}
	return 0;
}

/* ---- hubs ------------------------------------------------------------- */

static bool tap_like(const struct qemu_netdev *nd)
{
	/* bridge is a tap too: net/tap.c net_init_bridge() opens one */
	return strcmp(nd->type, "tap") == 0 || strcmp(nd->type, "bridge") == 0;
}

static struct qemu_hub *hub_get(struct qemu_model *m, int id)
{
	for (unsigned i = 0; i < m->n_hubs; i++)
		if (m->hubs[i].id == id)
			return &m->hubs[i];
	if (m->n_hubs >= QEMU_MAX_HUBS) {
		m->truncated = true;
		return NULL;
	}
	struct qemu_hub *h = &m->hubs[m->n_hubs++];
	memset(h, 0, sizeof(*h));
	h->id = id;
	return h;
}

static void build_hubs(struct qemu_model *m)
{
	/* members in command-line order: NICs and backends by argv index */
	for (unsigned i = 0; i < m->n_nics; i++) {
		struct qemu_nic *n = &m->nics[i];
		struct qemu_hub *h = n->hub >= 0 ? hub_get(m, n->hub) : NULL;
		if (h)
			h->nics[h->n_nics++] = (int)i;
	}
	for (unsigned i = 0; i < m->n_netdevs; i++) {
		struct qemu_netdev *nd = &m->netdevs[i];
		if (nd->hub < 0 || strcmp(nd->type, "hubport") == 0)
			continue;
		struct qemu_hub *h = hub_get(m, nd->hub);
		if (!h)
			continue;
		h->backends[h->n_backends++] = (int)i;
		if (tap_like(nd))
			h->n_taps++;
	}
	/* argv order within a hub (the implicit default members are last) */
	for (unsigned k = 0; k < m->n_hubs; k++) {
		struct qemu_hub *h = &m->hubs[k];
		for (unsigned a = 1; a < h->n_backends; a++)
			for (unsigned b = a; b > 0; b--) {
				int x = h->backends[b - 1], y = h->backends[b];
				int ox = m->netdevs[x].at.opt, oy = m->netdevs[y].at.opt;
				if ((ox < 0 ? 1 << 30 : ox) <= (oy < 0 ? 1 << 30 : oy))
					break;
				h->backends[b - 1] = y;
				h->backends[b] = x;
			}
		h->shared = h->n_taps >= 2 || (h->n_nics >= 2 && h->n_taps >= 1);
		if (h->shared)
			m->shares_hub = true;
	}
}

/*
 * Creation order of NICs (net/net.c net_init_clients(), softmmu/vl.c
 * qemu_create_cli_devices()): every -nic (net_param_nic()), then every
 * "-net nic" (net_init_nic()) or the implicit default one, each in argv
 * order and given its default MAC at that point; then, at machine init and
 * after, the -device NICs in argv order, those in QemuOpts syntax before
 * the JSON ones (device_opts).  Checked against QEMU 7.2.
 */
static int phase(enum qemu_nic_kind k)
{
	switch (k) {
	case QEMU_NIC_NIC: return 0;
	case QEMU_NIC_NET: case QEMU_NIC_DEFAULT: return 1;
	case QEMU_NIC_DEVICE: return 2;
	case QEMU_NIC_DEVICE_JSON: return 3;
	}
	return 4;
}

static void set_order(struct qemu_model *m)
{
	int next = 0;
	for (int p = 0; p < 4; p++)
		for (unsigned i = 0; i < m->n_nics; i++)
			if (phase(m->nics[i].kind) == p)
				m->nics[i].order = next++;
}

static int nic_at_order(const struct qemu_model *m, int order)
{
	for (unsigned i = 0; i < m->n_nics; i++)
		if (m->nics[i].order == order)
			return (int)i;
	return -1;
}

/*
 * net/net.c qemu_macaddr_default_if_unset(): a NIC without a MAC gets
 * 52:54:00:12:34:XX.  Since the mac_table[] rework (QEMU 2.x), XX is the
 * lowest value from 0x56 to 0xfe that no NIC created before holds, where a
 * NIC created before with an explicit 52:54:00:12:34:XX holds XX too
 * (qemu_macaddr_set_used(), qemu_macaddr_get_free()); a NIC created later
 * with that explicit MAC does not stop a duplicate.  With all slots taken
 * QEMU writes 0xff (get_free() returns -1).  Before the rework it was
 * "0x56 + index++" over the NICs that got a default MAC; before QEMU 1.1
 * (commit "net: Consistently use qemu_macaddr_default_if_unset") "-net nic"
 * had its own rule in net.c net_init_nic(): 0x56 + its nd_table slot.
 */
void qemu_model_default_macs(struct qemu_model *m, enum qemu_mac_rule rule)
{
	static const uint8_t base[5] = { 0x52, 0x54, 0x00, 0x12, 0x34 };
	int used[256] = { 0 };
	int counter = 0, slot_idx = 0;
	for (unsigned o = 0; o < m->n_nics; o++) {
		int i = nic_at_order(m, (int)o);
		if (i < 0)
			continue;
		struct qemu_nic *n = &m->nics[i];
		bool legacy = n->kind == QEMU_NIC_NET || n->kind == QEMU_NIC_DEFAULT ||
			      n->kind == QEMU_NIC_NIC;
		int my_slot = legacy ? slot_idx++ : -1;
		if (n->mac_explicit) {
			if (memcmp(n->mac, base, 5) == 0 && n->mac[5] >= 0x56 && n->mac[5] < 0xff)
				used[n->mac[5]]++;
			continue;
		}
		memcpy(n->mac, base, 5);
		n->have_mac = true;
		if (rule == QEMU_MAC_RULE_NET_INDEX && legacy) {
			n->mac[5] = (uint8_t)(0x56 + my_slot);
			continue;
		}
		if (rule != QEMU_MAC_RULE_FREE_SLOT) {
			n->mac[5] = (uint8_t)(0x56 + counter++);
			continue;
		}
		int slot = 0xff;
		for (int x = 0x56; x < 0xff; x++)
			if (!used[x]) {
				slot = x;
				break;
			}
		n->mac[5] = (uint8_t)slot;
		if (slot < 0xff)
			used[slot]++;
	}
}

/*
 * The name "info network" shows for a NIC: its -device id=, else
 * net/net.c assign_name() "MODEL.N", N counting the net clients of that
 * model created before it (every queue of a multiqueue NIC is one; a
 * "-net nic" has no id of its own, checked against QEMU 7.2).
 */
static void set_names(struct qemu_model *m)
{
	for (unsigned o = 0; o < m->n_nics; o++) {
		int i = nic_at_order(m, (int)o);
		if (i < 0)
			continue;
		struct qemu_nic *n = &m->nics[i];
		if (n->id[0] && (n->kind == QEMU_NIC_DEVICE || n->kind == QEMU_NIC_DEVICE_JSON)) {
			qemu_copy(n->client, sizeof(n->client), n->id);
			continue;
		}
		unsigned count = 0;
		for (unsigned q = 0; q < o; q++) {
			int j = nic_at_order(m, (int)q);
			if (j < 0 || strcmp(m->nics[j].device, n->device) != 0)
				continue;
			int b = m->nics[j].backend;
			unsigned queues = b >= 0 && m->netdevs[b].queues > 1 ? m->netdevs[b].queues : 1;
			count += queues;
		}
		char dev[QEMU_ID_LEN], name[QEMU_ID_LEN + 12];
		qemu_copy(dev, sizeof(dev), n->device);
		snprintf(name, sizeof(name), "%s.%u", dev, count);
		qemu_copy(n->client, sizeof(n->client), name);
	}
}

static void finish_models(struct qemu_model *m)
{
	for (unsigned i = 0; i < m->n_nics; i++) {
		struct qemu_nic *n = &m->nics[i];
		if (n->kind == QEMU_NIC_DEVICE || n->kind == QEMU_NIC_DEVICE_JSON)
			continue;
		const char *d = n->model[0] ? qemu_nic_device(n->model) : qemu_default_nic(m->machine, -1, 0);
		qemu_copy(n->device, sizeof(n->device), d ? d : n->model);
	}
}

const struct qemu_hub *qemu_model_hub(const struct qemu_model *m, int id)
{
	for (unsigned i = 0; i < m->n_hubs; i++)
		if (m->hubs[i].id == id)
			return &m->hubs[i];
	return NULL;
}


int qemu_model_link(struct qemu_model *m, char *err, size_t errlen)
{
	m->n_hubs = 0;
	m->shares_hub = false;
	if (link_netdevs(m, err, errlen) < 0)
		return -1;
	finish_models(m);
	build_hubs(m);
	set_order(m);
	qemu_model_default_macs(m, QEMU_MAC_RULE_FREE_SLOT);
	set_names(m);
	return 0;
}

/* ---- for the engine --------------------------------------------------- */

static bool vm_add(struct vm_info *vi, unsigned *dropped, const char *tap, int hub,
		   const struct qemu_nic *n)
{
	if (!tap || !tap[0])
		return false;
	if (vi->n_nics >= ENGINE_MAX_VM_NICS) {
		(*dropped)++;
		return false;
	}
	struct vm_nic *v = &vi->nics[vi->n_nics++];
	memset(v, 0, sizeof(*v));
	snprintf(v->tap, sizeof(v->tap), "%s", tap);
	v->hub = hub;
	if (n && n->have_mac) {
		v->have_mac = true;
		memcpy(v->mac, n->mac, 6);
	}
	return true;
}

unsigned qemu_model_to_vm_info(const struct qemu_model *m, struct vm_info *vi)
{
	unsigned dropped = 0;
	vi->n_nics = 0;
	for (unsigned i = 0; i < m->n_nics; i++) {
		const struct qemu_nic *n = &m->nics[i];
		if (n->hub >= 0 || n->backend < 0)
			continue;
		const struct qemu_netdev *nd = &m->netdevs[n->backend];
		if (strcmp(nd->type, "tap") == 0)
			vm_add(vi, &dropped, nd->ifname, -1, n);
	}
	for (unsigned h = 0; h < m->n_hubs; h++) {
		const struct qemu_hub *hub = &m->hubs[h];
		unsigned t = 0;
		for (unsigned b = 0; b < hub->n_backends; b++) {
			const struct qemu_netdev *nd = &m->netdevs[hub->backends[b]];
			if (strcmp(nd->type, "tap") != 0 && strcmp(nd->type, "bridge") != 0)
				continue;
			const struct qemu_nic *n = t < hub->n_nics ? &m->nics[hub->nics[t]] : NULL;
			vm_add(vi, &dropped, nd->ifname, hub->id, n);
			t++;
		}
	}
	return dropped;
}
