/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vmwatch.h - the VMs behind the taps: which process holds each tap
 * (/proc), what its QEMU command line says about NICs and hubs (the pure
 * parser in qemu.h), what its monitor says (QMP/HMP: the MACs the NICs
 * really have, the version, paused or running), and the corrected command
 * line for a VM whose NICs share a hub.  The engine is told each VM.
 */
#ifndef STPWATCH_VMWATCH_H
#define STPWATCH_VMWATCH_H

#include <stdbool.h>
#include <sys/types.h>

#include "stpwatch/engine.h"
#include "stpwatch/qemu.h"
#include "stpwatch/report.h"

struct vm_record {
	int pid;
	int ppid;
	unsigned long long starttime;
	char name[64];               /* -name, else the process name */
	char comm[64];
	char *exe;
	char *cwd;
	int argc;
	char **argv;
	int envc;
	char **environ;
	uid_t uid;
	gid_t gid;
	bool libvirt;
	char libvirt_why[160];
	bool is_qemu;                /* its command line parsed as QEMU's */
	struct qemu_model model;
	char parse_error[160];
	int qemu_major, qemu_minor;  /* -1 if unknown */
	char version_source[32];     /* "QMP greeting", "--version" */
	char monitor[256];           /* the monitor socket used, "" if none */
	bool monitor_qmp;
	char monitor_error[200];     /* why the monitor could not be asked */
	bool macs_from_monitor;
	struct qemu_nic_mac macs[QEMU_MAX_NICS];
	size_t n_macs;
	bool paused;
	char status[32];             /* "running", "paused", "prelaunch" or "" */
	/* The fix (for VMs whose NICs share a hub) */
	int fix_status;              /* QEMU_FIX_* */
	char fix_why[256];
	char **fix_argv;
	int fix_argc;
	char *fix_diff;
	bool seen;                   /* mark for the scan's sweep */
};

struct vmwatch;

struct vmwatch *vmwatch_new(const char *proc_root);
void vmwatch_free(struct vmwatch *vw);

/* Rescans /proc, tells the engine about new, changed and vanished VMs. */
int vmwatch_scan(struct vmwatch *vw, struct engine *e, double now, char *err, size_t errlen);

unsigned vmwatch_count(const struct vmwatch *vw);
const struct vm_record *vmwatch_at(const struct vmwatch *vw, unsigned i);
const struct vm_record *vmwatch_find(const struct vmwatch *vw, int pid);

/* The fixes, for the report writers (valid until the next scan). */
unsigned vmwatch_fixes(const struct vmwatch *vw, struct vm_fix *out, unsigned max);

/* Monitor timeouts (ms) for each question asked of a VM. */
#define VMWATCH_MONITOR_TIMEOUT_MS 1500

#endif /* STPWATCH_VMWATCH_H */
