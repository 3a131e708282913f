/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tui.c - the curses view: taking the terminal and giving it back (also
 * from fatal paths), capturing log messages, the snapshot of the engine
 * the view draws from, and the lists the filter lets through.
 */
#include <curses.h>
#include <langinfo.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "tui_int.h"

/* Curses owns one terminal, so there is one view. */
static struct tui the_tui;
static SCREEN *screen;

/* For tui_restore_terminal(): everything it needs, prepared in advance. */
static struct termios saved_tio;
static char restore_seq[256];
static size_t restore_len;
static volatile sig_atomic_t restore_armed;

double tui_mono_now(void)
{
	return clock_mono();
}

/* ---- the terminal ------------------------------------------------------------ */

/* Appends a terminfo string, without padding specifications ("$<5>"). */
static void add_cap(const char *name)
{
	const char *s = tigetstr(name);
	if (!s || s == (const char *)-1)
		return;
	while (*s && restore_len + 1 < sizeof(restore_seq)) {
		if (s[0] == '$' && s[1] == '<') {
			const char *end = strchr(s, '>');
			if (end) {
				s = end + 1;
				continue;
			}
		}
		restore_seq[restore_len++] = *s++;
	}
}

void tui_restore_terminal(void)
{
	if (!restore_armed)
		return;
	restore_armed = 0;
	size_t off = 0;
	while (off < restore_len) {
		ssize_t n = write(STDOUT_FILENO, restore_seq + off, restore_len - off);
		if (n <= 0)
			break;
		off += (size_t)n;
	}
	tcsetattr(STDIN_FILENO, TCSADRAIN, &saved_tio);
}

int tui_input_fd(void)
{
	return STDIN_FILENO;
}

static void init_colours(struct tui *t)
{
	const char *nc = getenv("NO_COLOR");
	if ((nc && *nc) || !has_colors() || start_color() != OK)
		return;
	short bg = COLOR_BLACK;
	if (use_default_colors() == OK)
		bg = -1;
	if (COLORS < 8 || COLOR_PAIRS < 8)
		return;
	init_pair(1, COLOR_GREEN, bg);
	init_pair(2, COLOR_YELLOW, bg);
	init_pair(3, COLOR_RED, bg);
	init_pair(4, COLOR_BLACK, COLOR_CYAN);
	init_pair(5, COLOR_CYAN, bg);
	init_pair(6, COLOR_WHITE, COLOR_RED);
	t->colour = true;
}

static void log_sink(void *ctx, enum log_level level, const char *msg)
{
	tui_add_msg(ctx, level, msg);
}

struct tui *tui_open(char *err, size_t errlen)
{
	struct tui *t = &the_tui;

	if (t->open) {
		snprintf(err, errlen, "the interactive view is already open");
		return NULL;
	}
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		snprintf(err, errlen, "the interactive view needs a terminal on stdin and stdout");
		return NULL;
	}
	const char *term = getenv("TERM");
	if (!term || !*term) {
		snprintf(err, errlen, "TERM is not set");
		return NULL;
	}
	if (tcgetattr(STDIN_FILENO, &saved_tio) != 0) {
		snprintf(err, errlen, "cannot read the terminal's settings");
		return NULL;
	}
	setlocale(LC_CTYPE, "");
	memset(t, 0, sizeof(*t));
	t->utf8 = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;

	screen = newterm(NULL, stdout, stdin);
	if (!screen) {
		snprintf(err, errlen, "cannot drive terminal type '%.60s'", term);
		return NULL;
	}
	set_term(screen);
	restore_len = 0;
	add_cap("sgr0");
	add_cap("cnorm");
	add_cap("rmkx");
	add_cap("rmcup");
	restore_armed = 1;

	cbreak();
	noecho();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
	init_colours(t);

	sbuf_init(&t->ovl_text);
	t->focus = PANE_PORTS;
	for (int p = 0; p < PANE_COUNT; p++)
		t->pane[p].rows = 1;
	t->open = true;
	log_get_sink(&t->prev_sink, &t->prev_ctx);
	log_set_sink(log_sink, t);
	return t;
}

void tui_close(struct tui *t)
{
	if (!t || !t->open)
		return;
	log_set_sink(t->prev_sink, t->prev_ctx);
	if (restore_armed) {
		restore_armed = 0;
		endwin();
	}
	if (screen) {
		delscreen(screen);
		screen = NULL;
	}
	/* What went wrong while the screen was ours is worth keeping. */
	for (unsigned i = 0; i < t->n_msgs; i++) {
		const struct tui_msg *m = tui_msg_at(t, i);
		if (m->level <= LOG_LEVEL_WARNING)
			log_msg(m->level, "%s", m->text);
	}
	free(t->ports);
	free(t->port_order);
	free(t->bridges);
	free(t->vms);
	free(t->findings);
	free(t->tc);
	for (int p = 0; p < PANE_COUNT; p++)
		free(t->vis[p]);
	free(t->vis_bridges);
	sbuf_free(&t->ovl_text);
	memset(t, 0, sizeof(*t));
}

bool tui_paused(const struct tui *t)
{
	return t && t->paused;
}

/* ---- messages ------------------------------------------------------------------ */

void tui_add_msg(struct tui *t, enum log_level level, const char *text)
{
	struct tui_msg *m = &t->msgs[t->next_msg];
	m->level = level;
	m->wall = time(NULL);
	m->mono = tui_mono_now();
	snprintf(m->text, sizeof(m->text), "%s", text ? text : "");
	t->next_msg = (t->next_msg + 1) % TUI_MSG_RING;
	if (t->n_msgs < TUI_MSG_RING)
		t->n_msgs++;
}

void tui_message(struct tui *t, const char *text)
{
	if (t && t->open)
		tui_add_msg(t, LOG_LEVEL_INFO, text);
}

const struct tui_msg *tui_msg_at(const struct tui *t, unsigned i)
{
	if (i >= t->n_msgs)
		return NULL;
	unsigned first = (t->next_msg + TUI_MSG_RING - t->n_msgs) % TUI_MSG_RING;
	return &t->msgs[(first + i) % TUI_MSG_RING];
}

const struct tui_msg *tui_latest_msg(const struct tui *t)
{
	return t->n_msgs ? tui_msg_at(t, t->n_msgs - 1) : NULL;
}

/* ---- the snapshot ---------------------------------------------------------------- */

static bool grow(void *arrp, unsigned *cap, unsigned need, size_t size)
{
	void **arr = arrp;
	if (need <= *cap && *arr)
		return true;
	unsigned n = *cap ? *cap : 16;
	while (n < need)
		n *= 2;
	void *p = realloc(*arr, (size_t)n * size);
	if (!p)
		return false;
	*arr = p;
	*cap = n;
	return true;
}

static const struct snap_port *sort_base;

/* Bridge by bridge (ports on no known bridge last), then by name. */
static int port_order_cmp(const void *a, const void *b)
{
	const struct snap_port *x = &sort_base[*(const unsigned *)a];
	const struct snap_port *y = &sort_base[*(const unsigned *)b];
	bool xb = x->info.bridge[0], yb = y->info.bridge[0];
	if (xb != yb)
		return xb ? -1 : 1;
	int c = tui_natural_cmp(x->info.bridge, y->info.bridge);
	return c ? c : tui_natural_cmp(x->info.name, y->info.name);
}

static void snap_ports(struct tui *t, struct engine *e)
{
	unsigned np = engine_port_count(e);
	if (!grow(&t->ports, &t->cap_ports, np, sizeof(*t->ports)) ||
	    !grow(&t->port_order, &t->cap_order, np, sizeof(*t->port_order))) {
		t->n_ports = 0;
		return;
	}
	unsigned k = 0;
	for (unsigned i = 0; i < np; i++) {
		struct port_view v;
		if (!engine_port_view(e, i, &v) || !v.info)
			continue;
		struct snap_port *s = &t->ports[k++];
		s->info = *v.info;
		s->present = v.present;
		s->frames = v.frames;
		s->bpdus = v.bpdus;
		s->bpdus_in = v.bpdus_in;
		s->bpdus_out = v.bpdus_out;
		s->last_bpdu_time = v.last_bpdu_time;
		s->last_bpdu_sender = v.last_bpdu_sender;
		s->last_bpdu_root = v.last_bpdu_root;
		s->last_bpdu_port = v.last_bpdu_port;
		s->last_bpdu_cost = v.last_bpdu_cost;
		s->last_bpdu_protocol = v.last_bpdu_protocol;
		s->vm_pid = v.vm_pid;
		snprintf(s->vm_name, sizeof(s->vm_name), "%s", v.vm_name ? v.vm_name : "");
	}
	t->n_ports = k;
	for (unsigned i = 0; i < k; i++)
		t->port_order[i] = i;
	sort_base = t->ports;
	qsort(t->port_order, k, sizeof(*t->port_order), port_order_cmp);
}

static void track_tc(struct tui *t, const struct bridge_info *b)
{
	for (unsigned i = 0; i < t->n_tc; i++) {
		struct tc_track *c = &t->tc[i];
		if (strcmp(c->bridge, b->name) != 0)
			continue;
		if (c->count != b->topology_changes) {
			c->count = b->topology_changes;
			c->changed = t->now;
		}
		return;
	}
	if (!grow(&t->tc, &t->cap_tc, t->n_tc + 1, sizeof(*t->tc)))
		return;
	struct tc_track *c = &t->tc[t->n_tc++];
	snprintf(c->bridge, sizeof(c->bridge), "%s", b->name);
	c->count = b->topology_changes;
	c->changed = -1;
}

static void take_snapshot(struct tui *t, struct engine *e)
{
	const struct finding_list *fl = engine_findings(e);

	struct engine_stats es;
	engine_get_stats(e, &es);
	t->bpdus_malformed = es.bpdus_truncated + es.bpdus_invalid;
	t->now = engine_now(e);
	if (!(t->now > 0))
		t->now = (double)time(NULL);
	snap_ports(t, e);

	unsigned nb = engine_bridge_count(e);
	t->n_bridges = 0;
	if (grow(&t->bridges, &t->cap_bridges, nb, sizeof(*t->bridges))) {
		for (unsigned i = 0; i < nb; i++) {
			const struct bridge_info *b = engine_bridge_at(e, i);
			if (b) {
				t->bridges[t->n_bridges++] = *b;
				track_tc(t, b);
			}
		}
	}

	unsigned nv = engine_vm_count(e);
	t->n_vms = 0;
	if (grow(&t->vms, &t->cap_vms, nv, sizeof(*t->vms))) {
		for (unsigned i = 0; i < nv; i++) {
			const struct vm_info *v = engine_vm_at(e, i);
			if (v)
				t->vms[t->n_vms++] = *v;
		}
	}

	t->n_findings = 0;
	/* No findings: items may be NULL, which memcpy must not be given. */
	if (fl && fl->n && grow(&t->findings, &t->cap_findings, fl->n, sizeof(*t->findings))) {
		memcpy(t->findings, fl->items, (size_t)fl->n * sizeof(*t->findings));
		t->n_findings = fl->n;
	}
	t->have_snapshot = true;
}

void tui_draw(struct tui *t, struct engine *e, const struct tui_status *st)
{
	if (!t || !t->open)
		return;
	if (st) {
		snprintf(t->mode, sizeof(t->mode), "%s", st->mode ? st->mode : "");
		t->drops = st->drops;
		t->ports_watched = st->ports_watched;
		snprintf(t->st_message, sizeof(t->st_message), "%s", st->message ? st->message : "");
		t->repair_available = st->repair_available;
	}
	if (e && (!t->paused || !t->have_snapshot))
		take_snapshot(t, e);
	tui_rebuild_lists(t);
	tui_draw_screen(t);
}

/* ---- lookups ------------------------------------------------------------------------- */

const struct snap_port *tui_find_port(const struct tui *t, const char *name)
{
	for (unsigned i = 0; i < t->n_ports; i++)
		if (strcmp(t->ports[i].info.name, name) == 0)
			return &t->ports[i];
	return NULL;
}

const struct bridge_info *tui_find_bridge(const struct tui *t, const char *name)
{
	for (unsigned i = 0; i < t->n_bridges; i++)
		if (strcmp(t->bridges[i].name, name) == 0)
			return &t->bridges[i];
	return NULL;
}

const struct vm_info *tui_find_vm(const struct tui *t, int pid)
{
	for (unsigned i = 0; i < t->n_vms; i++)
		if (t->vms[i].pid == pid)
			return &t->vms[i];
	return NULL;
}

static void finding_key(const struct finding *f, char *buf, size_t len)
{
	snprintf(buf, len, "%s:%s", finding_kind_name(f->kind), f->subject);
}

const struct finding *tui_find_finding(const struct tui *t, const char *key)
{
	char k[TUI_KEY_LEN];
	for (unsigned i = 0; i < t->n_findings; i++) {
		finding_key(&t->findings[i], k, sizeof(k));
		if (strcmp(k, key) == 0)
			return &t->findings[i];
	}
	return NULL;
}

const char *tui_item_key(const struct tui *t, enum tui_pane p, unsigned vi, char *buf, size_t len)
{
	buf[0] = '\0';
	if (vi >= t->n_vis[p])
		return buf;
	unsigned i = t->vis[p][vi];
	switch (p) {
	case PANE_PORTS:
		snprintf(buf, len, "%s", t->ports[i].info.name);
		break;
	case PANE_FINDINGS:
		finding_key(&t->findings[i], buf, len);
		break;
	case PANE_VMS:
		snprintf(buf, len, "%d", t->vms[i].pid);
		break;
	case PANE_COUNT:
		break;
	}
	return buf;
}

/* ---- the filter ---------------------------------------------------------------------- */

static bool port_matches(const struct tui *t, const struct snap_port *p)
{
	const char *f = t->filter;
	return tui_contains_ci(p->info.name, f) || tui_contains_ci(p->info.bridge, f) ||
	       tui_contains_ci(p->vm_name, f);
}

static bool finding_matches(const struct tui *t, const struct finding *fd)
{
	const char *f = t->filter;
	if (tui_contains_ci(fd->subject, f) || tui_contains_ci(fd->vm_name, f))
		return true;
	for (unsigned i = 0; i < fd->n_ports && i < FINDING_MAX_PORTS; i++)
		if (tui_contains_ci(fd->ports[i], f))
			return true;
	for (unsigned i = 0; i < fd->n_bridges && i < FINDING_MAX_BRIDGES; i++)
		if (tui_contains_ci(fd->bridges[i], f))
			return true;
	return false;
}

static bool vm_matches(const struct tui *t, const struct vm_info *v)
{
	if (tui_contains_ci(v->name, t->filter))
		return true;
	for (unsigned i = 0; i < v->n_nics && i < ENGINE_MAX_VM_NICS; i++)
		if (tui_contains_ci(v->nics[i].tap, t->filter))
			return true;
	return false;
}

static void follow_selection(struct tui *t, enum tui_pane p)
{
	struct pane_state *ps = &t->pane[p];
	char k[TUI_KEY_LEN];
	if (ps->key[0]) {
		for (unsigned i = 0; i < t->n_vis[p]; i++) {
			if (strcmp(tui_item_key(t, p, i, k, sizeof(k)), ps->key) == 0) {
				ps->sel = i;
				break;
			}
		}
	}
	tui_clamp_pane(t, p);
}

void tui_rebuild_lists(struct tui *t)
{
	unsigned want[PANE_COUNT] = { t->n_ports, t->n_findings, t->n_vms };
	for (int p = 0; p < PANE_COUNT; p++) {
		if (!grow(&t->vis[p], &t->cap_vis[p], want[p] ? want[p] : 1, sizeof(unsigned))) {
			t->n_vis[p] = 0;
			want[p] = 0;
		}
	}
	unsigned n = 0;
	for (unsigned k = 0; k < want[PANE_PORTS]; k++)
		if (port_matches(t, &t->ports[t->port_order[k]]))
			t->vis[PANE_PORTS][n++] = t->port_order[k];
	t->n_vis[PANE_PORTS] = n;

	n = 0;
	for (unsigned i = 0; i < want[PANE_FINDINGS]; i++)
		if (finding_matches(t, &t->findings[i]))
			t->vis[PANE_FINDINGS][n++] = i;
	t->n_vis[PANE_FINDINGS] = n;

	n = 0;
	for (unsigned i = 0; i < want[PANE_VMS]; i++)
		if (vm_matches(t, &t->vms[i]))
			t->vis[PANE_VMS][n++] = i;
	t->n_vis[PANE_VMS] = n;

	/* Bridges: those the filter names, and those of the ports it lets through. */
	t->n_vis_bridges = 0;
	bool ok = grow(&t->vis_bridges, &t->cap_vis_bridges, t->n_bridges ? t->n_bridges : 1,
		       sizeof(unsigned));
	for (unsigned i = 0; ok && i < t->n_bridges; i++) {
		bool show = tui_contains_ci(t->bridges[i].name, t->filter);
		for (unsigned k = 0; !show && k < t->n_vis[PANE_PORTS]; k++)
			show = strcmp(t->ports[t->vis[PANE_PORTS][k]].info.bridge,
				      t->bridges[i].name) == 0;
		if (show)
			t->vis_bridges[t->n_vis_bridges++] = i;
	}

	for (int p = 0; p < PANE_COUNT; p++)
		follow_selection(t, (enum tui_pane)p);
}
