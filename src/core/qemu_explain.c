/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * qemu_explain.c - a short human diff of two QEMU command lines, an option
 * and its argument taken as one unit, for showing what qemu_fix_argv()
 * changed before anyone restarts a VM with it.
 */
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stpwatch/qemu.h"
#include "stpwatch/sbuf.h"

static bool printable(unsigned char c)
{
	return c >= 0x20 && c < 0x7f;
}

static void quoted(struct sbuf *sb, const char *s)
{
	bool plain = *s != '\0', text = true;
	for (const char *p = s; *p; p++) {
		plain = plain && (isalnum((unsigned char)*p) || strchr("_@%+=:,./-", *p));
		text = text && printable((unsigned char)*p);
	}
	if (plain) {
		sbuf_puts(sb, s);
		return;
	}
	if (!text) {
		/* A newline would split the diff's line, an escape sequence would
		 * reach the terminal: $'...' (bash, ksh, zsh) with \xHH for every
		 * byte that is not printable ASCII. */
		sbuf_puts(sb, "$'");
		for (const char *p = s; *p; p++) {
			unsigned char c = (unsigned char)*p;
			if (c == '\'' || c == '\\')
				sbuf_printf(sb, "\\%c", c);
			else if (printable(c))
				sbuf_putc(sb, (char)c);
			else
				sbuf_printf(sb, "\\x%02x", c);
		}
		sbuf_putc(sb, '\'');
		return;
	}
	sbuf_putc(sb, '\'');
	for (const char *p = s; *p; p++) {
		if (*p == '\'')
			sbuf_puts(sb, "'\\''");
		else
			sbuf_putc(sb, *p);
	}
	sbuf_putc(sb, '\'');
}

/* An option with its argument, or one lone element: the diff's unit. */
struct unit {
	int at, n;
};

static struct unit *units(const char *const *v, int n, int *count)
{
	struct unit *u = calloc((size_t)n + 1, sizeof(*u));
	int k = 0;
	if (!u)
		return NULL;
	for (int i = 0; i < n; i++) {
		u[k].at = i;
		u[k].n = 1;
		if (i > 0 && v[i][0] == '-' && i + 1 < n) {
			const char *name = v[i] + 1 + (v[i][1] == '-');
			if (!strchr(name, '=') && qemu_option_takes_arg(name) == 1) {
				u[k].n = 2;
				i++;
			}
		}
		k++;
	}
	*count = k;
	return u;
}

static bool unit_eq(const char *const *a, struct unit x, const char *const *b, struct unit y)
{
	if (x.n != y.n)
		return false;
	for (int i = 0; i < x.n; i++)
		if (strcmp(a[x.at + i], b[y.at + i]) != 0)
			return false;
	return true;
}

/* One line per option (or lone element) of units [from, to). */
static void run(struct sbuf *sb, char sign, const char *const *v, const struct unit *u,
		int from, int to)
{
	for (int k = from; k < to; k++) {
		int first = u[k].at, last = u[k].at + u[k].n - 1;
		if (first == last)
			sbuf_printf(sb, "%c argv[%d]:", sign, first);
		else
			sbuf_printf(sb, "%c argv[%d..%d]:", sign, first, last);
		for (int i = first; i <= last; i++) {
			sbuf_putc(sb, ' ');
			quoted(sb, v[i]);
		}
		sbuf_putc(sb, '\n');
	}
}

int qemu_explain(const char *const *a, int na, const char *const *b, int nb,
		 char *buf, size_t len)
{
	struct sbuf sb;
	int ua_n = 0, ub_n = 0;
	struct unit *ua = units(a, na, &ua_n), *ub = units(b, nb, &ub_n);
	sbuf_init(&sb);
	if (!ua || !ub) {
		free(ua);
		free(ub);
		return -1;
	}
	int pre = 0, suf = 0;
	while (pre < ua_n && pre < ub_n && unit_eq(a, ua[pre], b, ub[pre]))
		pre++;
	while (suf < ua_n - pre && suf < ub_n - pre &&
	       unit_eq(a, ua[ua_n - 1 - suf], b, ub[ub_n - 1 - suf]))
		suf++;
	int ra = ua_n - pre - suf, rb = ub_n - pre - suf;
	/* longest common subsequence of the middle, when it is small enough */
	int *L = NULL;
	if (ra > 0 && rb > 0 && (size_t)(ra + 1) * (size_t)(rb + 1) <= 1u << 22)
		L = calloc((size_t)(ra + 1) * (size_t)(rb + 1), sizeof(int));
	if (L) {
		int w = rb + 1;
		for (int i = ra - 1; i >= 0; i--)
			for (int j = rb - 1; j >= 0; j--)
				L[i * w + j] = unit_eq(a, ua[pre + i], b, ub[pre + j]) ?
					       L[(i + 1) * w + j + 1] + 1 :
					       (L[(i + 1) * w + j] > L[i * w + j + 1] ?
						L[(i + 1) * w + j] : L[i * w + j + 1]);
		/* walk it: between two matches, a's units [di, i) went, b's [dj, j) came */
		int i = 0, j = 0, di = 0, dj = 0;
		while (i < ra || j < rb) {
			if (i < ra && j < rb && unit_eq(a, ua[pre + i], b, ub[pre + j])) {
				run(&sb, '-', a, ua, pre + di, pre + i);
				run(&sb, '+', b, ub, pre + dj, pre + j);
				di = ++i;
				dj = ++j;
			} else if (j >= rb || (i < ra && L[(i + 1) * w + j] >= L[i * w + j + 1])) {
				i++;
			} else {
				j++;
			}
		}
		run(&sb, '-', a, ua, pre + di, pre + i);
		run(&sb, '+', b, ub, pre + dj, pre + j);
		free(L);
	} else {
		run(&sb, '-', a, ua, pre, pre + ra);
		run(&sb, '+', b, ub, pre, pre + rb);
	}
	free(ua);
	free(ub);
	int need = sbuf_failed(&sb) ? -1 : (int)sb.len;
	if (buf && len)
		snprintf(buf, len, "%s", sbuf_str(&sb));
	sbuf_free(&sb);
	return need;
}
