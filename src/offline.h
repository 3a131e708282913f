/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * offline.h - reading capture files (-r): opening each, merging their
 * records in timestamp order and feeding them to the pipeline.
 */
#ifndef STPWATCH_OFFLINE_H
#define STPWATCH_OFFLINE_H

#include <stdbool.h>
#include <stdint.h>

#include "stpwatch/pipeline.h"

struct capsource;

struct offline_input {
	char *path;
	char *label;             /* the port name */
	char *bridge;            /* "br0" from -r br0/tap10=FILE, or NULL */
	bool label_explicit;
	/* filled while reading */
	uint64_t records;
	bool failed;
	char error[512];         /* one line, starting with the path */
};

/*
 * Reads every input to its end (or first error), feeding records in
 * timestamp order; after each record, if out->len exceeds a threshold,
 * flush(out) is called.  Returns the number of inputs that failed.
 */
unsigned offline_run(struct offline_input *inputs, unsigned n, struct pipeline *pl,
		     void (*flush)(struct sbuf *out));

/*
 * Called once every input is open and before a byte of any is parsed: the
 * moment to give up privileges (NULL: nothing).
 */
extern void (*offline_opened_hook)(void);

#endif /* STPWATCH_OFFLINE_H */
