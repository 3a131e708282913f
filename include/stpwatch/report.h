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

/* Findings, most severe first, each with explanation, evidence and remedy. */
void report_findings_text(struct sbuf *out, struct engine *e);
/* Members "findings" (array) and "summary" (object) of an open JSON object. */
void report_findings_json(struct json *j, struct engine *e);
/* The status the findings call for. */
enum check_status report_status(struct engine *e);
/*
 * One line: "STPWATCH CRITICAL - shared-hub tap10,tap11 (VM web1) | ...".
 * `unknown_reason` non-NULL forces UNKNOWN with that text (the check could
 * not look).  Returns the exit code.
 */
enum check_status report_check_line(struct sbuf *out, struct engine *e,
				    const struct portstats *ps, const char *unknown_reason);

#endif /* STPWATCH_REPORT_H */
