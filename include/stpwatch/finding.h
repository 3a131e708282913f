/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * finding.h - what the engine concludes: a kind, a severity, the ports,
 * bridges and VM involved, the evidence, and in plain words what it means
 * and what to do.  Writers (text, JSON, monitoring line, metrics, the
 * curses view) all read this one struct.
 */
#ifndef STPWATCH_FINDING_H
#define STPWATCH_FINDING_H

#include <stdbool.h>
#include <stdint.h>

enum finding_kind {
	FINDING_SHARED_HUB,
	FINDING_PORT_LOOP,
	FINDING_BRIDGE_MERGE,
	FINDING_BLOCKED_TAP,
	FINDING_MAC_FLAP,
	FINDING_TC_STORM,
	FINDING_ROOT_CHANGE,
	FINDING_FOREIGN_BPDU,
	FINDING_TIMER_MISMATCH,
	FINDING_MTU_MISMATCH,
	FINDING_KIND_COUNT
};

enum severity {
	SEVERITY_INFO,
	SEVERITY_WARNING,
	SEVERITY_CRITICAL,
	SEVERITY_COUNT
};

#define FINDING_MAX_PORTS   8
#define FINDING_MAX_BRIDGES 4
#define FINDING_NAME_LEN    64

struct finding {
	enum finding_kind kind;
	enum severity severity;
	char subject[160];          /* what it is about, unique within the kind */
	unsigned n_ports;
	char ports[FINDING_MAX_PORTS][FINDING_NAME_LEN];
	unsigned n_bridges;
	char bridges[FINDING_MAX_BRIDGES][FINDING_NAME_LEN];
	int vm_pid;                 /* 0 if no VM is known */
	char vm_name[FINDING_NAME_LEN];
	uint64_t count;             /* pieces of evidence */
	double first_seen, last_seen;
	char evidence[320];
	char explanation[400];
	char remedy[320];
};

struct finding_list {
	struct finding *items;
	unsigned n;
	unsigned cap;
};

const char *finding_kind_name(enum finding_kind k);   /* "shared-hub" ... */
const char *severity_name(enum severity s);           /* "critical" ... */
bool finding_kind_from_name(const char *name, enum finding_kind *k);

void finding_list_init(struct finding_list *l);
void finding_list_free(struct finding_list *l);
void finding_list_clear(struct finding_list *l);
/* A zeroed finding appended to the list, or NULL if memory ran out. */
struct finding *finding_list_add(struct finding_list *l, enum finding_kind k,
				 enum severity s);
/* Most severe first; then by kind, then by subject, so output is stable. */
void finding_list_sort(struct finding_list *l);
void finding_add_port(struct finding *f, const char *port);
void finding_add_bridge(struct finding *f, const char *bridge);
bool finding_has_port(const struct finding *f, const char *port);
/*
 * Makes the text of a finding (subject, evidence, explanation, remedy)
 * printable ASCII, so that every consumer (the daemon's log lines too) may
 * print it as it is: names in it (interface names may hold ESC, quotes,
 * bytes that are not UTF-8) appear with \xNN escapes and backslashes
 * doubled.  ports[], bridges[] and vm_name keep the names as they are, for
 * matching; every writer escapes those.
 */
void finding_make_printable(struct finding *f);
/* The most severe severity in the list, or -1 when it is empty. */
int finding_list_worst(const struct finding_list *l);

#endif /* STPWATCH_FINDING_H */
