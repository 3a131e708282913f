/* SPDX-License-Identifier: BSD-3-Clause */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stpwatch/finding.h"

static const char *const kind_names[FINDING_KIND_COUNT] = {
	[FINDING_SHARED_HUB] = "shared-hub",
	[FINDING_PORT_LOOP] = "port-loop",
	[FINDING_BRIDGE_MERGE] = "bridge-merge",
	[FINDING_BLOCKED_TAP] = "blocked-tap",
	[FINDING_MAC_FLAP] = "mac-flap",
	[FINDING_TC_STORM] = "tc-storm",
	[FINDING_ROOT_CHANGE] = "root-change",
	[FINDING_FOREIGN_BPDU] = "foreign-bpdu",
	[FINDING_TIMER_MISMATCH] = "timer-mismatch",
	[FINDING_MTU_MISMATCH] = "mtu-mismatch",
};

const char *finding_kind_name(enum finding_kind k)
{
	if ((unsigned)k >= FINDING_KIND_COUNT)
		return "unknown";
	return kind_names[k];
}

bool finding_kind_from_name(const char *name, enum finding_kind *k)
{
	for (unsigned i = 0; i < FINDING_KIND_COUNT; i++) {
		if (strcmp(kind_names[i], name) == 0) {
			*k = (enum finding_kind)i;
			return true;
		}
	}
	return false;
}

const char *severity_name(enum severity s)
{
	switch (s) {
	case SEVERITY_INFO: return "info";
	case SEVERITY_WARNING: return "warning";
	case SEVERITY_CRITICAL: return "critical";
	default: return "unknown";
	}
}

void finding_list_init(struct finding_list *l)
{
	memset(l, 0, sizeof(*l));
}

void finding_list_free(struct finding_list *l)
{
	free(l->items);
	finding_list_init(l);
}

void finding_list_clear(struct finding_list *l)
{
	l->n = 0;
}

struct finding *finding_list_add(struct finding_list *l, enum finding_kind k,
				 enum severity s)
{
	if (l->n == l->cap) {
		unsigned cap = l->cap ? l->cap * 2 : 16;
		struct finding *ni = realloc(l->items, cap * sizeof(*ni));
		if (!ni)
			return NULL;
		l->items = ni;
		l->cap = cap;
	}
	struct finding *f = &l->items[l->n++];
	memset(f, 0, sizeof(*f));
	f->kind = k;
	f->severity = s;
	return f;
}

static int compare_findings(const void *a, const void *b)
{
	const struct finding *x = a, *y = b;
	if (x->severity != y->severity)
		return x->severity > y->severity ? -1 : 1;
	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	return strcmp(x->subject, y->subject);
}

void finding_list_sort(struct finding_list *l)
{
	if (l->n > 1)
		qsort(l->items, l->n, sizeof(l->items[0]), compare_findings);
}

void finding_add_port(struct finding *f, const char *port)
{
	if (!port || !*port || finding_has_port(f, port) || f->n_ports == FINDING_MAX_PORTS)
		return;
	snprintf(f->ports[f->n_ports++], FINDING_NAME_LEN, "%s", port);
}

void finding_add_bridge(struct finding *f, const char *bridge)
{
	if (!bridge || !*bridge || f->n_bridges == FINDING_MAX_BRIDGES)
		return;
	for (unsigned i = 0; i < f->n_bridges; i++)
		if (strcmp(f->bridges[i], bridge) == 0)
			return;
	snprintf(f->bridges[f->n_bridges++], FINDING_NAME_LEN, "%s", bridge);
}

bool finding_has_port(const struct finding *f, const char *port)
{
	for (unsigned i = 0; i < f->n_ports; i++)
		if (strcmp(f->ports[i], port) == 0)
			return true;
	return false;
}

int finding_list_worst(const struct finding_list *l)
{
	int worst = -1;
	for (unsigned i = 0; i < l->n; i++)
		if ((int)l->items[i].severity > worst)
			worst = (int)l->items[i].severity;
	return worst;
}

/*
 * Rewrites s in place so that it holds printable ASCII only: every byte
 * outside 0x20..0x7e becomes \xNN and a backslash becomes \\, so that an
 * escaped name cannot pass for another.  What does not fit is cut, never in
 * the middle of an escape.
 */
static void make_printable(char *s, size_t size)
{
	char out[512];
	size_t o = 0;
	if (size > sizeof(out))
		size = sizeof(out);
	for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
		char esc[5];
		size_t n;
		if (*c >= 0x20 && *c < 0x7f && *c != '\\') {
			esc[0] = (char)*c;
			n = 1;
		} else if (*c == '\\') {
			esc[0] = esc[1] = '\\';
			n = 2;
		} else {
			snprintf(esc, sizeof(esc), "\\x%02x", *c);
			n = 4;
		}
		if (o + n >= size)
			break;
		memcpy(out + o, esc, n);
		o += n;
	}
	out[o] = '\0';
	memcpy(s, out, o + 1);
}

void finding_make_printable(struct finding *f)
{
	make_printable(f->subject, sizeof(f->subject));
	make_printable(f->evidence, sizeof(f->evidence));
	make_printable(f->explanation, sizeof(f->explanation));
	make_printable(f->remedy, sizeof(f->remedy));
}
