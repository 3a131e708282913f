/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tui_text.c - text for the curses view: the sanitiser every untrusted
 * string goes through, short forms of times and states, column fitting and
 * word wrapping.  No curses calls here.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <wchar.h>

#include "tui_int.h"

/* ---- sanitiser ---------------------------------------------------------- */

/* One strict UTF-8 sequence: no overlongs, no surrogates, at most U+10FFFF. */
static bool utf8_decode(const unsigned char *s, size_t n, uint32_t *cp, size_t *len)
{
	unsigned char c = s[0];
	size_t need;
	uint32_t v, min;

	if (c >= 0xc2 && c <= 0xdf) {
		need = 2; v = c & 0x1fu; min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		need = 3; v = c & 0x0fu; min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		need = 4; v = c & 0x07u; min = 0x10000;
	} else {
		return false;
	}
	if (need > n)
		return false;
	for (size_t i = 1; i < need; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return false;
		v = v << 6 | (s[i] & 0x3fu);
	}
	if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
		return false;
	*cp = v;
	*len = need;
	return true;
}

/* Columns of a code point, or <= 0 if it must not be drawn as it is. */
static int cp_width(uint32_t cp)
{
	if (cp < 0xa0)        /* C0, DEL and C1 controls (0x80-0x9f: CSI, OSC ...) */
		return cp >= 0x20 && cp < 0x7f ? 1 : -1;
	return wcwidth((wchar_t)cp);
}

int tui_sanitize(char *out, size_t outsize, const char *s, size_t n, int maxcols, bool utf8)
{
	size_t o = 0;
	int cols = 0;

	if (!out || outsize == 0)
		return 0;
	if (!s)
		s = "";
	const unsigned char *u = (const unsigned char *)s;
	size_t len = strnlen(s, n);
	size_t i = 0;
	while (i < len && cols < maxcols) {
		unsigned char c = u[i];
		if (c >= 0x20 && c < 0x7f) {
			if (o + 1 >= outsize)
				break;
			out[o++] = (char)c;
			cols++;
			i++;
			continue;
		}
		uint32_t cp;
		size_t l;
		if (c >= 0x80 && utf8_decode(u + i, len - i, &cp, &l)) {
			int w = cp_width(cp);
			if (utf8 && w > 0) {
				if (cols + w > maxcols || o + l >= outsize)
					break;
				memcpy(out + o, u + i, l);
				o += l;
				cols += w;
				i += l;
				continue;
			}
			i += l;          /* one '?' for the whole character */
		} else {
			i++;             /* a control or a byte that starts no character */
		}
		if (o + 1 >= outsize)
			break;
		out[o++] = '?';
		cols++;
	}
	out[o] = '\0';
	return cols;
}

/* Decodes one code point of sanitised text (valid UTF-8) and its width. */
static size_t next_cp(const char *s, int *w)
{
	const unsigned char *u = (const unsigned char *)s;
	uint32_t cp;
	size_t l;
	if (u[0] < 0x80) {
		*w = 1;
		return 1;
	}
	if (!utf8_decode(u, strnlen(s, 4), &cp, &l)) {
		*w = 1;
		return 1;
	}
	*w = cp_width(cp);
	if (*w < 1)
		*w = 1;
	return l;
}

int tui_text_cols(const char *s, size_t n)
{
	int cols = 0, w;
	for (size_t i = 0; i < n && s[i];) {
		i += next_cp(s + i, &w);
		cols += w;
	}
	return cols;
}

size_t tui_wrap_span(const char *s, int cols, size_t *next)
{
	size_t i = 0, brk = 0;
	int used = 0, w;
	bool have_brk = false;

	if (cols < 1)
		cols = 1;
	while (s[i]) {
		size_t l = next_cp(s + i, &w);
		if (used + w > cols)
			break;
		if (s[i] == ' ') {
			brk = i;
			have_brk = true;
		}
		used += w;
		i += l;
	}
	if (!s[i]) {
		*next = i;
		return i;
	}
	size_t end = have_brk && brk > 0 ? brk : i;
	if (end == 0)                      /* one character wider than the row */
		end = next_cp(s, &w);
	size_t nx = end;
	while (s[nx] == ' ')
		nx++;
	*next = nx;
	return end;
}

/* ---- short forms ---------------------------------------------------------- */

void tui_fmt_age(char *out, size_t len, double s)
{
	if (!(s >= 0) || !isfinite(s))
		snprintf(out, len, "-");
	else if (s < 10)
		snprintf(out, len, "%.1fs", s);
	else if (s < 120)
		snprintf(out, len, "%ds", (int)s);
	else if (s < 7200)
		snprintf(out, len, "%dm", (int)(s / 60));
	else if (s < 172800)
		snprintf(out, len, "%dh", (int)(s / 3600));
	else if (s < 1e9)
		snprintf(out, len, "%dd", (int)(s / 86400));
	else
		snprintf(out, len, "long");
}

void tui_fmt_time(char *out, size_t len, double t)
{
	struct tm tm;
	time_t sec = (time_t)floor(t);
	if (!(t > 0) || !isfinite(t) || !gmtime_r(&sec, &tm)) {
		snprintf(out, len, "-");
		return;
	}
	snprintf(out, len, "%04d-%02d-%02d %02d:%02d:%02d UTC", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

static void fmt_timer(char *out, size_t len, uint16_t v)
{
	if (v == 0)
		snprintf(out, len, "?");
	else if (v % 256 == 0)
		snprintf(out, len, "%u", v / 256u);
	else
		snprintf(out, len, "%.1f", v / 256.0);
}

void tui_fmt_timers(char *out, size_t len, uint16_t hello, uint16_t max_age, uint16_t fdelay)
{
	char a[16], b[16], c[16];
	fmt_timer(a, sizeof(a), hello);
	fmt_timer(b, sizeof(b), max_age);
	fmt_timer(c, sizeof(c), fdelay);
	snprintf(out, len, "%s/%s/%s", a, b, c);
}

const char *tui_state_name(enum port_state s)
{
	switch (s) {
	case PORT_STATE_DISABLED: return "disabled";
	case PORT_STATE_LISTENING: return "listening";
	case PORT_STATE_LEARNING: return "learning";
	case PORT_STATE_FORWARDING: return "forwarding";
	case PORT_STATE_BLOCKING: return "blocking";
	case PORT_STATE_UNKNOWN: break;
	}
	return "unknown";
}

enum tui_look tui_state_look(enum port_state s)
{
	switch (s) {
	case PORT_STATE_FORWARDING: return LOOK_GOOD;
	case PORT_STATE_LEARNING:
	case PORT_STATE_LISTENING: return LOOK_CAUTION;
	case PORT_STATE_BLOCKING:
	case PORT_STATE_DISABLED: return LOOK_BAD;
	case PORT_STATE_UNKNOWN: break;
	}
	return LOOK_NORMAL;
}

/*
 * The role follows from the kernel's view (802.1D 8.6): the bridge's root
 * port; a designated port names its own bridge as designated bridge; a
 * blocked port is a backup when the better BPDU is its own bridge's (it
 * hears itself), otherwise an alternate.
 */
const char *tui_port_role(const struct tui *t, const struct snap_port *p, bool shortname)
{
	const struct bridge_info *b = p->info.bridge[0] ? tui_find_bridge(t, p->info.bridge) : NULL;
	bool own = b && b->bridge_id && p->info.designated_bridge == b->bridge_id;

	if (p->info.state == PORT_STATE_DISABLED)
		return shortname ? "dis" : "disabled";
	if (b && b->root_port[0] && strcmp(b->root_port, p->info.name) == 0)
		return "root";
	if (p->info.state == PORT_STATE_BLOCKING)
		return own ? (shortname ? "bkup" : "backup") : (shortname ? "alt" : "alternate");
	if (own)
		return shortname ? "desg" : "designated";
	return "-";
}

bool tui_contains_ci(const char *hay, const char *needle)
{
	size_t n = strlen(needle);
	if (n == 0)
		return true;
	for (; *hay; hay++) {
		size_t i = 0;
		while (i < n && hay[i] &&
		       tolower((unsigned char)hay[i]) == tolower((unsigned char)needle[i]))
			i++;
		if (i == n)
			return true;
	}
	return false;
}

/* "tap9" before "tap10": runs of digits compare as numbers. */
int tui_natural_cmp(const char *a, const char *b)
{
	while (*a && *b) {
		if (isdigit((unsigned char)*a) && isdigit((unsigned char)*b)) {
			while (*a == '0' && isdigit((unsigned char)a[1]))
				a++;
			while (*b == '0' && isdigit((unsigned char)b[1]))
				b++;
			size_t la = 0, lb = 0;
			while (isdigit((unsigned char)a[la]))
				la++;
			while (isdigit((unsigned char)b[lb]))
				lb++;
			if (la != lb)
				return la < lb ? -1 : 1;
			int c = memcmp(a, b, la);
			if (c)
				return c;
			a += la;
			b += lb;
			continue;
		}
		if (*a != *b)
			return (unsigned char)*a < (unsigned char)*b ? -1 : 1;
		a++;
		b++;
	}
	return *a ? 1 : *b ? -1 : 0;
}

/* ---- columns ---------------------------------------------------------------- */

static int shown_width(const struct tui_col *c, unsigned n)
{
	int total = 0, shown = 0;
	for (unsigned i = 0; i < n; i++) {
		if (c[i].w > 0) {
			total += c[i].w;
			shown++;
		}
	}
	return total + (shown > 1 ? shown - 1 : 0);
}

/*
 * Every column at its minimum; the least important dropped until the rest
 * fits; then columns widened toward their preferred width, most important
 * first; what is left goes to the last flexible column.
 */
void tui_fit_columns(struct tui_col *c, unsigned n, int width)
{
	int max_rank = 0;
	if (width < 1)
		width = 1;
	for (unsigned i = 0; i < n; i++) {
		c[i].w = c[i].min > 0 ? c[i].min : 1;
		if (c[i].rank > max_rank)
			max_rank = c[i].rank;
	}
	for (;;) {
		int shown = 0, worst = -1;
		for (unsigned i = 0; i < n; i++) {
			if (c[i].w == 0)
				continue;
			shown++;
			if (worst < 0 || c[i].rank > c[worst].rank)
				worst = (int)i;
		}
		if (shown <= 1 || shown_width(c, n) <= width)
			break;
		c[worst].w = 0;
	}
	int spare = width - shown_width(c, n);
	for (int r = 0; r <= max_rank && spare > 0; r++) {
		for (unsigned i = 0; i < n && spare > 0; i++) {
			if (c[i].w == 0 || c[i].rank != r || c[i].pref <= c[i].w)
				continue;
			int grow = c[i].pref - c[i].w;
			if (grow > spare)
				grow = spare;
			c[i].w += grow;
			spare -= grow;
		}
	}
	if (spare > 0) {
		for (unsigned i = n; i-- > 0;) {
			if (c[i].w > 0 && c[i].flex) {
				c[i].w += spare;
				break;
			}
		}
	}
	int x = 0;
	for (unsigned i = 0; i < n; i++) {
		if (c[i].w == 0)
			continue;
		if (x + c[i].w > width)          /* one column alone, wider than the screen */
			c[i].w = width - x > 0 ? width - x : 0;
		c[i].x = x;
		x += c[i].w + 1;
	}
}
