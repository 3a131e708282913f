/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * repair.h - restarting a VM whose NICs share a QEMU hub with its corrected
 * command line, losing nothing: a journal first, a graceful shutdown (never
 * a kill unless told --force or there is no writable disk), the same
 * executable, directory, environment and user, the taps put back on their
 * bridges, a verification, and a rollback to the original command line when
 * anything fails.
 */
#ifndef STPWATCH_REPAIR_H
#define STPWATCH_REPAIR_H

#include <stdbool.h>

#include "stpwatch/sbuf.h"
#include "vmwatch.h"

struct repair_options {
	const char *state_dir;       /* journal and QEMU logs */
	double shutdown_timeout;     /* seconds to wait for the guest to power off */
	double verify_timeout;       /* seconds for the new VM to come up and forward */
	bool force;                  /* may stop a VM that ignores the power button */
	bool dry_run;                /* print the plan only (no --yes) */
};

/* Exit codes of a repair (beyond 0 = done or nothing to do). */
#define REPAIR_REFUSED     3     /* nothing was touched: see the explanation */
#define REPAIR_ROLLED_BACK 4     /* the new VM failed: the original runs again */
#define REPAIR_FAILED      5     /* and the rollback failed too: the VM is down */

/*
 * Writes the plan for one VM (the old and new command lines as a diff, and
 * every step) into out.  Returns false when the VM cannot be repaired here,
 * with the reason in the plan text (libvirt: the virsh steps instead).
 */
bool repair_plan(const struct vm_record *vm, const struct repair_options *o,
		 struct sbuf *out);

/*
 * Carries the plan out.  Progress goes to the log (log.h); returns 0 when
 * the VM runs with its corrected command line, else one of REPAIR_*.
 */
int repair_run(const struct vm_record *vm, const struct repair_options *o);

#endif /* STPWATCH_REPAIR_H */
