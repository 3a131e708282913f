/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * nlbridge_int.h - what nlbridge_parse.c, nlbridge_cache.c and nlbridge.c
 * share.  Internal: not part of the API in nlbridge.h.
 */
#ifndef STPWATCH_NLBRIDGE_INT_H
#define STPWATCH_NLBRIDGE_INT_H

#include "nlbridge.h"

/* An empty event: no ifindex (-1), state unknown, no VLAN (-1). */
void nlbridge_event_init(struct nlbridge_event *ev);

/* A dump that failed half-way: report what changed, forget nothing. */
void nlbridge_cache_sync_abort(struct nlbridge_cache *c, nlbridge_cb cb, void *ctx);

/* The ifindex of every known bridge, *n of them; malloc()ed (free() it),
 * NULL when out of memory. */
int *nlbridge_cache_bridges(const struct nlbridge_cache *c, int *n);

#endif /* STPWATCH_NLBRIDGE_INT_H */
