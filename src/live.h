/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * live.h - watching the host itself: bridges and ports over netlink, BPDUs
 * and broadcasts on every port with libpcap, the VMs behind the taps from
 * /proc and their monitors, all fed to the engine; then one of the modes.
 */
#ifndef STPWATCH_LIVE_H
#define STPWATCH_LIVE_H

#include <stdbool.h>

#include "stpwatch/config.h"
#include "stpwatch/report.h"

enum live_mode {
	LIVE_VIEW,       /* the curses view */
	LIVE_CHECK,      /* sample for a window, one monitoring line (or -j), exit 0..3 */
	LIVE_REPORT,     /* sample for a window, the text report (or -j) */
	LIVE_BPDUS,      /* print BPDUs as they arrive, until interrupted */
	LIVE_DAEMON,     /* watch forever: log findings, write metrics */
	LIVE_REPAIR,     /* sample, then plan (and with --yes carry out) repairs */
};

#define LIVE_MAX_IFACES 256

struct live_options {
	enum live_mode mode;
	bool json;
	const char *ifaces[LIVE_MAX_IFACES];   /* -i: only these ports (and bridges' ports) */
	unsigned n_ifaces;
	double window;                /* seconds to sample (check/report); 0: 2 hellos + 1 s */
	double timeout;               /* -t: give up (UNKNOWN) after this many seconds; 0: never */
	struct check_thresholds thresholds;
	struct stpwatch_config *cfg;
	const char *proc_root;        /* "/proc" (tests may point elsewhere) */
	/* --repair */
	bool yes;                     /* carry the plan out */
	bool force;                   /* may stop a guest that ignores the power button */
	bool repair_auto;             /* keep watching and repair new critical shared hubs */
	int repair_pid;               /* only this VM (0: every VM with a shared hub) */
};

/* Runs a mode; returns the process exit status. */
int live_run(const struct live_options *o);

#endif /* STPWATCH_LIVE_H */
