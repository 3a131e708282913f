/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * burst.c - counting events in a sliding window (MAC moves, topology
 * changes, root changes) with a fixed ring of recent times per subject.
 */
#include "engine_int.h"

unsigned burst_add(struct burst *b, double *ring, unsigned cap, double t,
		   double window, unsigned threshold)
{
	ring[b->next] = t;
	b->next = (b->next + 1) % cap;
	b->total++;

	unsigned held = b->total < cap ? b->total : cap, n = 0;
	double earliest = t;
	for (unsigned i = 0; i < held; i++) {
		if (ring[i] >= t - window && ring[i] <= t) {
			n++;
			if (ring[i] < earliest)
				earliest = ring[i];
		}
	}
	if (n > b->peak)
		b->peak = n;
	if (threshold && n >= threshold) {
		if (!b->storm) {
			b->storm = true;
			b->storm_first = earliest;
		}
		b->storm_last = t;
	}
	return n;
}
