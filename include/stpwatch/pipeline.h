/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * pipeline.h - from a captured record to everything the core makes of it:
 * link-layer decoding, BPDU decoding, per-port statistics and, on request,
 * one printed line per BPDU.  Pure: records in, text in an sbuf out.  The
 * program, the tests and the fuzz harness all drive this one function.
 */
#ifndef STPWATCH_PIPELINE_H
#define STPWATCH_PIPELINE_H

#include <stdbool.h>
#include <stdint.h>

#include "stpwatch/capfile.h"
#include "stpwatch/engine.h"
#include "stpwatch/portstats.h"
#include "stpwatch/sbuf.h"

enum bpdu_output {
	BPDU_OUTPUT_NONE,
	BPDU_OUTPUT_TEXT,
	BPDU_OUTPUT_JSON,
};

/* Names for interface indexes of cooked (`tcpdump -i any`) captures. */
struct ifindex_name {
	int ifindex;
	char name[64];
};

struct pipeline {
	enum bpdu_output bpdu_output;
	struct sbuf *out;           /* where per-BPDU lines go */
	struct portstats stats;
	struct engine *engine;      /* NULL: decode and count only */
	const struct ifindex_name *ifnames;
	unsigned n_ifnames;
	uint64_t records;
	uint64_t unsupported_linktype;
};

/* Where a record came from: the port label and how it was chosen. */
struct record_origin {
	const char *label;          /* IFACE= or the file's base name */
	bool label_explicit;        /* given as IFACE=: it wins over names in the file */
	uint64_t number;            /* 1-based record number within the file */
};

void pipeline_init(struct pipeline *pl, enum bpdu_output mode, struct sbuf *out,
		   struct engine *engine);
void pipeline_free(struct pipeline *pl);
void pipeline_feed(struct pipeline *pl, const struct cap_record *rec,
		   const struct record_origin *origin);

#endif /* STPWATCH_PIPELINE_H */
