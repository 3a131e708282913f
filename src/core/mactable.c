/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * mactable.c - where each source MAC last arrived, and how often it moved.
 * A fixed number of buckets of MAC_WAYS entries each; a full bucket drops
 * its least recently seen MAC, so a flood of random source addresses costs
 * a fixed amount of memory and evicts only the quiet entries.
 */
#include <stdlib.h>
#include <string.h>

#include "engine_int.h"
#include "hashtab.h"

bool mactable_init(struct engine *e)
{
	size_t want = e->cfg.mac_table_size ? e->cfg.mac_table_size : MAC_WAYS;
	if (want > (1u << 24))
		want = 1u << 24;
	/* Never more entries than asked for: round the bucket count down. */
	e->mac_buckets = want / MAC_WAYS ? want / MAC_WAYS : 1;
	e->macs = calloc(e->mac_buckets * MAC_WAYS, sizeof(*e->macs));
	return e->macs != NULL;
}

void mactable_arrival(struct engine *e, const uint8_t mac[6], int vlan,
		      unsigned port, double now)
{
	/*
	 * Each bridge learns on its own (a MAC on br0 and on br1 is two
	 * entries, as in the kernel's FDBs); ports of unknown bridges share one.
	 */
	/* VID 0 is a priority tag: the frame belongs to the untagged VLAN. */
	uint16_t v = vlan <= 0 ? 0xffff : (uint16_t)vlan;
	uint16_t domain = engine_bridge_index(e, port);
	uint64_t h = hash_bytes(hash_bytes(HASH_SEED, mac, 6), &v, sizeof(v));
	h = hash_mix(hash_bytes(h, &domain, sizeof(domain)));
	struct mac_entry *bucket = &e->macs[(h % e->mac_buckets) * MAC_WAYS];
	struct mac_entry *m = NULL, *victim = &bucket[0];

	for (unsigned w = 0; w < MAC_WAYS; w++) {
		struct mac_entry *en = &bucket[w];
		if (en->used && en->vlan == v && en->domain == domain &&
		    memcmp(en->mac, mac, 6) == 0) {
			m = en;
			break;
		}
		if (!en->used)
			victim = en;
		else if (victim->used && en->last < victim->last)
			victim = en;
	}
	if (!m) {
		if (victim->used)
			e->stats.macs_evicted++;
		else
			e->stats.macs_tracked++;
		m = victim;
		memset(m, 0, sizeof(*m));
		memcpy(m->mac, mac, 6);
		m->vlan = v;
		m->domain = domain;
		m->used = true;
		m->port = (uint16_t)port;
		m->last = now;
		return;
	}
	if (m->port != port) {
		m->move_ports[m->moves.next] = (uint16_t)port;
		burst_add(&m->moves, m->move_times, FLAP_HISTORY, now, e->cfg.mac_flap_window,
			  e->cfg.mac_flap_moves);
		if (m->moves.storm && (!e->mac_storm_seen || m->moves.storm_last > e->mac_storm_last)) {
			e->mac_storm_seen = true;
			e->mac_storm_last = m->moves.storm_last;
		}
		m->port = (uint16_t)port;
	}
	m->last = now;
}
