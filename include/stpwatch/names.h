/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * names.h - names for protocol values (with range checks: an out-of-range
 * value gets "unknown", never an out-of-bounds read) and the text forms
 * of identifiers that every writer shares.
 */
#ifndef STPWATCH_NAMES_H
#define STPWATCH_NAMES_H

#include <stdint.h>

#include "stpwatch/bpdu.h"
#include "stpwatch/sbuf.h"

#define BRIDGE_ID_STRLEN 18   /* "8000.0019b9cdb57d" + NUL */
#define MAC_STRLEN       18   /* "00:19:b9:cd:b5:7d" + NUL */
#define TIME_STRLEN      80   /* "2008-06-18 11:44:05.787073" + NUL, with room */

const char *bpdu_protocol_name(const struct bpdu *b);  /* stp rstp mstp spt pvst unknown */
const char *bpdu_type_name(enum bpdu_type t);         /* config tcn rst mst spt unknown */
const char *bpdu_status_name(enum bpdu_status s);     /* ok truncated invalid */
/* Role from a flags octet; `mst` selects "master" for encoding 0. */
const char *bpdu_role_name(uint8_t flags, int mst);
/* Names of the set flags, e.g. "tc", "proposal"; NULL-terminated table order. */
extern const struct flag_name { uint8_t bit; const char *name; } bpdu_flag_names[];

/* sysfs/brctl form: 8000.0019b9cdb57d */
void format_bridge_id(char out[BRIDGE_ID_STRLEN], uint64_t id);
void format_mac(char out[MAC_STRLEN], const uint8_t mac[6]);
/* UTC, microseconds: 2008-06-18 11:44:05.787073 */
void format_time_utc(char out[TIME_STRLEN], int64_t sec, uint32_t nsec);
/* Writes bytes up to the first NUL (at most n) with non-printables as \xNN. */
void escape_text(struct sbuf *out, const uint8_t *s, size_t n);

#endif /* STPWATCH_NAMES_H */
