/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * metrics.h - Prometheus text exposition format (version 0.0.4) for the
 * node_exporter textfile collector.  Names are prefixed stpwatch_;
 * counters end in _total; label values are escaped (\\, \", \n).
 */
#ifndef STPWATCH_METRICS_H
#define STPWATCH_METRICS_H

#include "stpwatch/engine.h"
#include "stpwatch/portstats.h"
#include "stpwatch/sbuf.h"

struct metrics_capture {
	const char *ifname;
	uint64_t received, dropped, ifdropped;
};

/* `now` is the time of this snapshot (seconds since the epoch). */
void metrics_write(struct sbuf *out, struct engine *e, const struct portstats *ps,
		   const struct metrics_capture *cap, unsigned n_cap, double now);

#endif /* STPWATCH_METRICS_H */
