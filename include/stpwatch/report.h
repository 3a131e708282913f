/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * report.h - the diagnosis as text for a person, as one JSON document, and
 * as one monitoring-plugin line (Nagios/Icinga conventions: a status word,
 * at most 80 characters of text, then '|' and performance data).
 */
#ifndef STPWATCH_REPORT_H
#define STPWATCH_REPORT_H

#include "stpwatch/engine.h"
#include "stpwatch/json.h"
#include "stpwatch/portstats.h"
#include "stpwatch/sbuf.h"

/* Monitoring-plugin exit codes. */
enum check_status {
	CHECK_OK = 0,
	CHECK_WARNING = 1,
	CHECK_CRITICAL = 2,
	CHECK_UNKNOWN = 3,
};

const char *check_status_name(enum check_status s);   /* "OK" ... */

/* The corrected command line of a VM, as the live side worked it out. */
struct vm_fix {
	int pid;
	const char *name;
	const char *exe;
	int argc;
	const char *const *argv;     /* the command line it runs with */
	int status;                  /* QEMU_FIX_DONE 0, _NOTHING 1, _REFUSED -1, _ERROR -2 */
	const char *why;             /* when refused: what a person must decide */
	int fix_argc;
	const char *const *fix_argv; /* when done: the corrected command line */
	const char *diff;            /* when done: removed/added options, one per line */
	bool libvirt;                /* managed by libvirt: change it there */
	int qemu_major, qemu_minor;  /* -1 if unknown */
	bool paused;
};

/* Monitoring-plugin ranges (-w/-c): "10", "5:", "~:10", "10:20", "@10:20". */
struct check_range {
	bool set;
	bool inside;                 /* '@': alert inside the range */
	bool no_low, no_high;        /* '~' or omitted */
	double low, high;
};
bool check_range_parse(const char *text, struct check_range *r);
/* True when v should raise the alert. */
bool check_range_alert(const struct check_range *r, double v);

struct check_thresholds {
	struct check_range warning;  /* on the count of warning findings (default: > 0) */
	struct check_range critical; /* on the count of critical findings (default: > 0) */
};

/* Findings, most severe first, each with explanation, evidence and remedy. */
void report_findings_text(struct sbuf *out, struct engine *e);
/* The same, with the corrected command line under each shared-hub finding. */
void report_findings_text_fixes(struct sbuf *out, struct engine *e,
				const struct vm_fix *fixes, unsigned n_fixes);
/* Members "findings" (array) and "summary" (object) of an open JSON object. */
void report_findings_json(struct json *j, struct engine *e);
/* The same, each shared-hub finding with its "fix" (argv list and diff). */
void report_findings_json_fixes(struct json *j, struct engine *e,
				const struct vm_fix *fixes, unsigned n_fixes);
/* Members "bridges", "ports" and "vms" of an open JSON object: the live state. */
void report_state_json(struct json *j, struct engine *e,
		       const struct vm_fix *fixes, unsigned n_fixes);
/* The status the findings call for. */
enum check_status report_status(struct engine *e);
enum check_status report_status_thresholds(struct engine *e, const struct check_thresholds *t);
/*
 * One line: "STPWATCH CRITICAL - shared-hub tap10,tap11 (VM web1) | ...".
 * `unknown_reason` non-NULL forces UNKNOWN with that text (the check could
 * not look).  Returns the exit code.
 */
enum check_status report_check_line(struct sbuf *out, struct engine *e,
				    const struct portstats *ps, const char *unknown_reason);
/* The same with -w/-c thresholds (NULL: any warning/critical finding counts). */
enum check_status report_check_line_thresholds(struct sbuf *out, struct engine *e,
					       const struct portstats *ps,
					       const char *unknown_reason,
					       const struct check_thresholds *t);

#endif /* STPWATCH_REPORT_H */
