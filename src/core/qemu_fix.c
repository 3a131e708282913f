/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * qemu_fix.c - the command line that gives every NIC on a shared QEMU hub
 * its own backend.  The diff that shows it is in qemu_explain.c.
 *
 * The fix only edits the options of the NICs, taps and hubports of shared
 * hubs (and, where their default MAC would move, pins other NICs' MACs);
 * every other element is copied as it was.  It then reads its own output
 * back with qemu_parse() and refuses to return a command line that still
 * shares a hub or changed a tap, a model or a MAC.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stpwatch/qemu.h"
#include "stpwatch/sbuf.h"

/* One option rewritten: argv[opt..val] becomes name + value, or nothing. */
struct rep {
	int opt, val;
	bool drop;
	char *name;             /* NULL: keep argv[opt] (two-element form only) */
	char *value;
};

struct fix {
	const struct qemu_model *m;
	const char *const *argv;
	int argc;
	int major, minor;
	struct rep *reps;       /* indexed by argv position of the option */
	char *why;
	size_t whylen;
	bool oom;
	unsigned next_id;
	int vlans[QEMU_MAX_HUBS + QEMU_MAX_NICS];
	unsigned n_vlans;
	uint8_t want[QEMU_MAX_NICS][6];  /* the MAC each NIC must keep */
	bool pinned[QEMU_MAX_NICS];      /* this NIC's option now carries it */
};

static void say(struct fix *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void say(struct fix *f, const char *fmt, ...)
{
	va_list ap;
	if (!f->why || !f->whylen)
		return;
	va_start(ap, fmt);
	vsnprintf(f->why, f->whylen, fmt, ap);
	va_end(ap);
}

static char *xstrdup(struct fix *f, const char *s)
{
	char *d = strdup(s);
	if (!d)
		f->oom = true;
	return d;
}

static char *take(struct fix *f, struct sbuf *sb)
{
	char *s = NULL;
	if (sbuf_failed(sb))
		f->oom = true;
	else
		s = xstrdup(f, sbuf_str(sb));
	sbuf_free(sb);
	return s;
}

static void mac_text(const uint8_t mac[6], char out[18])
{
	snprintf(out, 18, "%02x:%02x:%02x:%02x:%02x:%02x",
		 mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
}

/* A value written into an option string: ',' doubled (get_opt_value()). */
static void put_escaped(struct sbuf *sb, const char *v)
{
	for (; *v; v++) {
		sbuf_putc(sb, *v);
		if (*v == ',')
			sbuf_putc(sb, ',');
	}
}

static bool kv_is(const char *s, const struct qemu_kv *kv, const char *key)
{
	size_t n = strlen(key);
	return !kv->implied && kv->key_len == n && memcmp(s + kv->key, key, n) == 0;
}

/* util/id.c id_wellformed(): a letter, then letters, digits, '-', '.', '_'. */
static bool id_ok(const char *id)
{
	if (!isalpha((unsigned char)id[0]))
		return false;
	for (const char *p = id + 1; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("-._", *p))
			return false;
	return true;
}

/* A -net name= that can become a -netdev id: well-formed, and no other
 * backend has it (QEMU refuses a duplicate netdev id, and netdev= would
 * find the first). */
static bool id_reusable(const struct qemu_model *m, const struct qemu_netdev *nd)
{
	if (!nd->id[0] || !id_ok(nd->id))
		return false;
	for (unsigned i = 0; i < m->n_netdevs; i++)
		if (&m->netdevs[i] != nd && strcmp(m->netdevs[i].id, nd->id) == 0)
			return false;
	return true;
}

/* The current text of the option at argv index opt (after earlier edits). */
static const char *cur_value(const struct fix *f, struct qemu_at at)
{
	const struct rep *r = &f->reps[at.opt];
	if (r->value)
		return r->value;
	const char *a = f->argv[at.val];
	if (at.val == at.opt) {         /* "-net=nic,..." */
		const char *eq = strchr(a, '=');
		return eq ? eq + 1 : "";
	}
	return a;
}

static struct rep *rep_at(struct fix *f, struct qemu_at at)
{
	struct rep *r = &f->reps[at.opt];
	r->opt = at.opt;
	r->val = at.val;
	return r;
}

/* "-net" -> "-device" keeping the dash count ("--net" -> "--device"). */
static char *opt_name(struct fix *f, struct qemu_at at, const char *name)
{
	char buf[64];
	bool two = f->argv[at.opt][1] == '-';
	snprintf(buf, sizeof(buf), "%s%s", two ? "--" : "-", name);
	return xstrdup(f, buf);
}

static void set_value(struct fix *f, struct qemu_at at, char *value)
{
	struct rep *r = rep_at(f, at);
	free(r->value);
	r->value = value;
	if (at.opt == at.val && !r->name) {
		/* "-net=..." comes back as two elements */
		char buf[64];
		const char *a = f->argv[at.opt];
		size_t n = strcspn(a, "=");
		snprintf(buf, sizeof(buf), "%.*s", (int)(n < 60 ? n : 60), a);
		r->name = xstrdup(f, buf);
	}
}

/*
 * Rewrites a QemuOpts string: each key in `keys` gets the matching value
 * (NULL: removed), in place of its first occurrence or appended; every
 * other parameter is copied as written.
 */
static char *set_kvs(struct fix *f, const char *s, const char *const *keys,
		     const char *const *vals, size_t n)
{
	struct sbuf sb;
	bool done[8] = { false };
	size_t pos = 0;
	struct qemu_kv kv;
	sbuf_init(&sb);
	while (qemu_opts_next(s, &pos, &kv)) {
		size_t k;
		for (k = 0; k < n; k++)
			if (kv_is(s, &kv, keys[k]))
				break;
		if (k < n && (done[k] || !vals[k])) {
			done[k] = true;
			continue;
		}
		if (sb.len)
			sbuf_putc(&sb, ',');
		if (k < n) {
			sbuf_printf(&sb, "%s=", keys[k]);
			put_escaped(&sb, vals[k]);
			done[k] = true;
		} else {
			sbuf_write(&sb, s + kv.start, kv.end - kv.start);
		}
	}
	for (size_t k = 0; k < n; k++) {
		if (done[k] || !vals[k])
			continue;
		if (sb.len)
			sbuf_putc(&sb, ',');
		sbuf_printf(&sb, "%s=", keys[k]);
		put_escaped(&sb, vals[k]);
	}
	return take(f, &sb);
}

/* A netdev id no element of argv contains. */
static char *new_id(struct fix *f)
{
	char id[32];
	for (;;) {
		snprintf(id, sizeof(id), "stpw%u", f->next_id++);
		bool used = false;
		for (int i = 0; i < f->argc && !used; i++)
			used = strstr(f->argv[i], id) != NULL;
		if (!used)
			return xstrdup(f, id);
	}
}

static bool vlan_used(const struct fix *f, int v)
{
	for (unsigned h = 0; h < f->m->n_hubs; h++)
		if (f->m->hubs[h].id == v)
			return true;
	for (unsigned i = 0; i < f->n_vlans; i++)
		if (f->vlans[i] == v)
			return true;
	return false;
}

static int new_vlan(struct fix *f)
{
	int v = 0;
	while (vlan_used(f, v))
		v++;
	if (f->n_vlans < sizeof(f->vlans) / sizeof(f->vlans[0]))
		f->vlans[f->n_vlans++] = v;
	return v;
}

/* ---- the pieces of a pair --------------------------------------------- */

/* "-net tap,vlan=0,name=x,ifname=tap10,..." -> "-netdev tap,id=ID,ifname=tap10,..." */
static void tap_to_netdev(struct fix *f, const struct qemu_netdev *nd, const char *id)
{
	const char *s = cur_value(f, nd->at);
	struct sbuf sb;
	size_t pos = 0;
	struct qemu_kv kv;
	sbuf_init(&sb);
	sbuf_printf(&sb, "%s,id=", nd->type);
	put_escaped(&sb, id);
	while (qemu_opts_next(s, &pos, &kv)) {
		if (kv.implied || kv_is(s, &kv, "type") || kv_is(s, &kv, "vlan") ||
		    kv_is(s, &kv, "name") || kv_is(s, &kv, "id"))
			continue;
		sbuf_putc(&sb, ',');
		sbuf_write(&sb, s + kv.start, kv.end - kv.start);
	}
	struct rep *r = rep_at(f, nd->at);
	free(r->name);
	r->name = opt_name(f, nd->at, "netdev");
	set_value(f, nd->at, take(f, &sb));
}

/* hw/pci/pci.c pci_parse_devaddr() takes "[[dom:]bus:]slot" for -net nic
 * addr=; the -device "addr" property is "slot[.fn]": only bus 0 maps. */
static bool devaddr(const char *addr, char *out, size_t len)
{
	const char *last = strrchr(addr, ':');
	if (!last) {
		snprintf(out, len, "%s", addr);
		return true;
	}
	for (const char *p = addr; p < last; p++)
		if (*p != '0' && *p != ':')
			return false;
	snprintf(out, len, "%s", last + 1);
	return last[1] != '\0';
}

/* "-net nic,model=virtio,macaddr=..,addr=5" -> "-device virtio-net-pci,netdev=ID,mac=..,addr=5" */
static bool nic_to_device(struct fix *f, const struct qemu_nic *n, const char *id, const char *mac)
{
	const char *s = cur_value(f, n->at);
	const char *dev = n->model[0] ? qemu_nic_device(n->model)
				      : qemu_default_nic(f->m->machine, f->major, f->minor);
	if (!dev) {
		say(f, "argv[%d]: NIC model '%s' has no -device equivalent we know; fix by hand",
		    n->at.val, n->model);
		return false;
	}
	struct sbuf sb;
	size_t pos = 0;
	struct qemu_kv kv;
	sbuf_init(&sb);
	sbuf_printf(&sb, "%s,netdev=", dev);
	put_escaped(&sb, id);
	sbuf_printf(&sb, ",mac=%s", mac);
	bool virtio = strncmp(dev, "virtio-net-pci", 14) == 0;
	while (qemu_opts_next(s, &pos, &kv)) {
		char v[QEMU_ID_LEN];
		if (kv.implied || kv_is(s, &kv, "type") || kv_is(s, &kv, "model") ||
		    kv_is(s, &kv, "macaddr") || kv_is(s, &kv, "vlan") || kv_is(s, &kv, "netdev"))
			continue;
		if (kv_is(s, &kv, "name") || kv_is(s, &kv, "id")) {
			/* net/net.c net_init_nic() keeps it as nd->name; as -device id= it
			 * must be well-formed */
			size_t l = kv.val_len < sizeof(v) - 1 ? kv.val_len : sizeof(v) - 1;
			memcpy(v, s + kv.val, l);
			v[l] = '\0';
			if (id_ok(v) && !strchr(v, ','))
				sbuf_printf(&sb, ",id=%s", v);
			continue;
		}
		if (kv_is(s, &kv, "addr")) {
			char a[QEMU_ID_LEN], o[QEMU_ID_LEN];
			if (!qemu_opts_get(s, "type", "addr", a, sizeof(a)) || !devaddr(a, o, sizeof(o))) {
				sbuf_free(&sb);
				say(f, "argv[%d]: NIC addr= is not on PCI bus 0; fix by hand", n->at.val);
				return false;
			}
			sbuf_puts(&sb, ",addr=");
			put_escaped(&sb, o);
			continue;
		}
		if (kv_is(s, &kv, "vectors") && !virtio)
			continue;  /* hw/core/qdev-properties-system.c: only where the device has it */
		sbuf_putc(&sb, ',');
		sbuf_write(&sb, s + kv.start, kv.end - kv.start);
	}
	struct rep *r = rep_at(f, n->at);
	free(r->name);
	r->name = opt_name(f, n->at, "device");
	set_value(f, n->at, take(f, &sb));
	return true;
}

/* Points a NIC that keeps its option at netdev ID, MAC pinned. */
static bool nic_to_netdev(struct fix *f, const struct qemu_nic *n, const char *id, const char *mac)
{
	const char *s = cur_value(f, n->at);
	if (n->kind == QEMU_NIC_NET) {
		const char *keys[] = { "netdev", "macaddr", "vlan" };
		const char *vals[] = { id, mac, NULL };
		set_value(f, n->at, set_kvs(f, s, keys, vals, 3));
		return true;
	}
	if (n->kind == QEMU_NIC_DEVICE) {
		const char *keys[] = { "netdev", "mac", "vlan" };
		const char *vals[] = { id, mac, NULL };
		set_value(f, n->at, set_kvs(f, s, keys, vals, 3));
		return true;
	}
	say(f, "argv[%d]: a %s NIC on a hub; fix by hand", n->at.val,
	    n->kind == QEMU_NIC_DEVICE_JSON ? "JSON -device" : "-nic");
	return false;
}

static bool fix_pair(struct fix *f, const struct qemu_hub *h, unsigned k)
{
	const struct qemu_model *m = f->m;
	int ni = h->nics[k];
	const struct qemu_nic *n = &m->nics[ni];
	const struct qemu_netdev *tap = &m->netdevs[h->backends[k]];
	char mac[18];
	mac_text(f->want[ni], mac);
	f->pinned[ni] = true;

	/* QEMU < 3.0: a "-net nic"/"-net tap" pair goes to a vlan of its own */
	if (f->major < 3 && n->kind == QEMU_NIC_NET && !n->netdev_id[0] &&
	    tap->kind == QEMU_ND_NET) {
		char v[16];
		if (k == 0) {
			snprintf(v, sizeof(v), "%d", h->id);
		} else {
			snprintf(v, sizeof(v), "%d", new_vlan(f));
		}
		const char *nkeys[] = { "vlan", "macaddr" };
		const char *nvals[] = { v, mac };
		set_value(f, n->at, set_kvs(f, cur_value(f, n->at), nkeys, nvals, 2));
		const char *tkeys[] = { "vlan" };
		const char *tvals[] = { v };
		set_value(f, tap->at, set_kvs(f, cur_value(f, tap->at), tkeys, tvals, 1));
		return true;
	}

	char *id = NULL;
	if (tap->kind == QEMU_ND_NET) {
		id = id_reusable(m, tap) ? xstrdup(f, tap->id) : new_id(f);
		if (!id)
			return false;
		tap_to_netdev(f, tap, id);
	} else {
		id = xstrdup(f, tap->id);   /* a -netdev joined through a hubport */
		if (!id)
			return false;
	}
	bool ok;
	if (n->kind == QEMU_NIC_NET && !n->netdev_id[0])
		ok = nic_to_device(f, n, id, mac);
	else
		ok = nic_to_netdev(f, n, id, mac);
	free(id);
	return ok;
}

static bool fix_hub(struct fix *f, const struct qemu_hub *h)
{
	const struct qemu_model *m = f->m;
	for (unsigned b = 0; b < h->n_backends; b++) {
		const struct qemu_netdev *nd = &m->netdevs[h->backends[b]];
		if (strcmp(nd->type, "tap") != 0 && strcmp(nd->type, "bridge") != 0) {
			say(f, "hub %d also holds a '%s' backend (argv[%d]); which NIC it serves "
			    "is not ours to guess: fix by hand", h->id, nd->type, nd->at.val);
			return false;
		}
		if (nd->fd) {
			say(f, "argv[%d]: the tap comes as fd=/vhostfd= from the program that "
			    "started QEMU; only that program can start it again", nd->at.val);
			return false;
		}
	}
	if (h->n_nics != h->n_taps) {
		say(f, "hub %d holds %u NIC%s and %u tap%s; pairing them would be a guess: "
		    "fix by hand", h->id, h->n_nics, h->n_nics == 1 ? "" : "s",
		    h->n_taps, h->n_taps == 1 ? "" : "s");
		return false;
	}
	for (unsigned k = 0; k < h->n_nics; k++) {
		int ni = h->nics[k];
		if (!m->nics[ni].have_mac && !f->pinned[ni]) {
			say(f, "argv[%d]: the NIC's MAC is not known", m->nics[ni].at.val);
			return false;
		}
	}
	for (unsigned k = 0; k < h->n_nics; k++)
		if (!fix_pair(f, h, k))
			return false;
	/* its hubports go: net/hub.c net_init_hubport() */
	for (unsigned i = 0; i < m->n_netdevs; i++) {
		const struct qemu_netdev *nd = &m->netdevs[i];
		if (strcmp(nd->type, "hubport") == 0 && nd->hub == h->id &&
		    nd->kind != QEMU_ND_NIC)
			rep_at(f, nd->at)->drop = true;
	}
	return true;
}

/* ---- building and checking -------------------------------------------- */

void qemu_argv_free(char **argv, int argc)
{
	if (!argv)
		return;
	for (int i = 0; i < argc; i++)
		free(argv[i]);
	free(argv);
}

static char **build(struct fix *f, int *out_argc)
{
	char **out = calloc((size_t)f->argc * 2 + 1, sizeof(char *));
	int n = 0;
	if (!out) {
		f->oom = true;
		return NULL;
	}
	for (int i = 0; i < f->argc; i++) {
		const struct rep *r = &f->reps[i];
		if (r->drop || r->value) {
			if (!r->drop) {
				out[n++] = xstrdup(f, r->name ? r->name : f->argv[r->opt]);
				out[n++] = xstrdup(f, r->value);
			}
			i = r->val > i ? r->val : i;
			continue;
		}
		out[n++] = xstrdup(f, f->argv[i]);
	}
	*out_argc = n;
	if (f->oom) {
		qemu_argv_free(out, n);
		return NULL;
	}
	return out;
}

/* Pins the MAC of a NIC the fix did not touch (its default would move). */
static bool pin_other(struct fix *f, int ni)
{
	const struct qemu_nic *n = &f->m->nics[ni];
	char mac[18];
	mac_text(f->want[ni], mac);
	f->pinned[ni] = true;
	const char *s = cur_value(f, n->at);
	const char *key = n->kind == QEMU_NIC_NET ? "macaddr" : "mac";
	if (n->kind == QEMU_NIC_DEVICE_JSON) {
		struct sbuf sb;
		const char *brace = strchr(s, '{');
		sbuf_init(&sb);
		sbuf_printf(&sb, "{\"mac\":\"%s\",", mac);
		sbuf_puts(&sb, brace ? brace + 1 : "");
		set_value(f, n->at, take(f, &sb));
		return !f->oom;
	}
	if (n->kind == QEMU_NIC_DEFAULT || n->at.opt < 0) {
		say(f, "the implicit default NIC would change its MAC");
		return false;
	}
	const char *keys[] = { key };
	const char *vals[] = { mac };
	set_value(f, n->at, set_kvs(f, s, keys, vals, 1));
	return !f->oom;
}

static int macs_changed(struct fix *f, struct qemu_model *nm, int *which)
{
	struct qemu_model *m = (struct qemu_model *)f->m;
	int count = 0;
	/* QEMU >= 3.0 has the mac_table rule; older ones may have any */
	int rules = f->major >= 3 ? 1 : 3;
	for (int rule = 0; rule < rules; rule++) {
		struct qemu_model *old = malloc(sizeof(*old));
		if (!old) {
			f->oom = true;
			return -1;
		}
		memcpy(old, m, sizeof(*old));
		qemu_model_default_macs(old, (enum qemu_mac_rule)rule);
		qemu_model_default_macs(nm, (enum qemu_mac_rule)rule);
		for (unsigned i = 0; i < nm->n_nics && i < old->n_nics; i++) {
			if (f->pinned[i] || m->nics[i].mac_explicit)
				continue;
			bool moved = memcmp(nm->nics[i].mac, old->nics[i].mac, 6) != 0 ||
				     (rule == 0 && memcmp(nm->nics[i].mac, f->want[i], 6) != 0);
			if (moved && !which[i]) {
				which[i] = 1;
				count++;
			}
		}
		free(old);
	}
	qemu_model_default_macs(nm, QEMU_MAC_RULE_FREE_SLOT);
	return count;
}

static bool same_taps(const struct qemu_model *a, const struct qemu_model *b)
{
	unsigned na = 0, nb = 0;
	for (unsigned i = 0; i < a->n_netdevs; i++)
		if (strcmp(a->netdevs[i].type, "tap") == 0)
			na++;
	for (unsigned i = 0; i < b->n_netdevs; i++)
		if (strcmp(b->netdevs[i].type, "tap") == 0)
			nb++;
	if (na != nb)
		return false;
	for (unsigned i = 0; i < a->n_netdevs; i++) {
		const struct qemu_netdev *x = &a->netdevs[i];
		if (strcmp(x->type, "tap") != 0)
			continue;
		bool found = false;
		for (unsigned j = 0; j < b->n_netdevs && !found; j++) {
			const struct qemu_netdev *y = &b->netdevs[j];
			found = strcmp(y->type, "tap") == 0 && strcmp(x->ifname, y->ifname) == 0 &&
				strcmp(x->script, y->script) == 0 &&
				strcmp(x->downscript, y->downscript) == 0 && x->vhost == y->vhost &&
				x->queues == y->queues;
		}
		if (!found)
			return false;
	}
	return true;
}

static int check(struct fix *f, struct qemu_model *nm)
{
	const struct qemu_model *m = f->m;
	if (nm->shares_hub) {
		say(f, "internal: the new command line still shares a hub");
		return QEMU_FIX_ERROR;
	}
	if (nm->n_nics != m->n_nics || !same_taps(m, nm)) {
		say(f, "internal: the new command line changed the NICs or taps");
		return QEMU_FIX_ERROR;
	}
	for (unsigned i = 0; i < m->n_nics; i++) {
		if (strcmp(nm->nics[i].device, m->nics[i].device) != 0 &&
		    !(m->nics[i].model[0] == '\0' && nm->nics[i].model[0])) {
			say(f, "internal: NIC %u changed model", i);
			return QEMU_FIX_ERROR;
		}
		if (m->nics[i].have_mac && memcmp(nm->nics[i].mac, f->want[i], 6) != 0) {
			say(f, "internal: NIC %u changed MAC", i);
			return QEMU_FIX_ERROR;
		}
	}
	return QEMU_FIX_DONE;
}

static int copy_argv(const char *const *argv, int argc, char ***out, int *out_argc)
{
	char **o = calloc((size_t)argc + 1, sizeof(char *));
	if (!o)
		return QEMU_FIX_ERROR;
	for (int i = 0; i < argc; i++) {
		o[i] = strdup(argv[i]);
		if (!o[i]) {
			qemu_argv_free(o, i);
			return QEMU_FIX_ERROR;
		}
	}
	*out = o;
	*out_argc = argc;
	return QEMU_FIX_NOTHING;
}

static int plan(struct fix *f, const struct qemu_nic_mac *actual, size_t n_macs)
{
	const struct qemu_model *m = f->m;
	for (unsigned i = 0; i < m->n_nics; i++)
		memcpy(f->want[i], m->nics[i].mac, 6);
	/* An explicit mac= is what QEMU gives the NIC when it starts; "info
	 * network" saying otherwise is the guest's doing, and pinning that
	 * would change the NIC.  The monitor settles the default MACs. */
	for (size_t k = 0; k < n_macs; k++)
		if (actual[k].nic >= 0 && (unsigned)actual[k].nic < m->n_nics &&
		    !m->nics[actual[k].nic].mac_explicit)
			memcpy(f->want[actual[k].nic], actual[k].mac, 6);
	for (unsigned h = 0; h < m->n_hubs; h++)
		if (m->hubs[h].shared && !fix_hub(f, &m->hubs[h]))
			return f->oom ? QEMU_FIX_ERROR : QEMU_FIX_REFUSED;
	return f->oom ? QEMU_FIX_ERROR : QEMU_FIX_DONE;
}

int qemu_fix_argv(const struct qemu_model *m, const char *const *argv, int argc,
		  int qemu_major, int qemu_minor,
		  const struct qemu_nic_mac *actual_macs, size_t n_macs,
		  char ***out_argv, int *out_argc, char *why, size_t whylen)
{
	*out_argv = NULL;
	*out_argc = 0;
	if (why && whylen)
		why[0] = '\0';
	if (!m || !argv || argc != m->argc || argc < 1) {
		if (why && whylen)
			snprintf(why, whylen, "the model is not this argv's");
		return QEMU_FIX_ERROR;
	}
	for (int i = 0; i < argc; i++)
		if (!argv[i])
			return QEMU_FIX_ERROR;
	if (!m->shares_hub) {
		if (why && whylen)
			snprintf(why, whylen, "nothing to fix: no hub is shared");
		return copy_argv(argv, argc, out_argv, out_argc);
	}
	struct fix f;
	memset(&f, 0, sizeof(f));
	f.m = m;
	f.argv = argv;
	f.argc = argc;
	f.major = qemu_major;
	f.minor = qemu_minor;
	f.why = why;
	f.whylen = whylen;
	if (m->readconfig) {
		say(&f, "QEMU also reads -readconfig %s, which can hold NICs we do not see: "
		    "fix by hand", m->readconfig);
		return QEMU_FIX_REFUSED;
	}
	if (m->truncated) {
		say(&f, "more NICs, netdevs or hubs than stpwatch models: fix by hand");
		return QEMU_FIX_REFUSED;
	}
	f.reps = calloc((size_t)argc, sizeof(*f.reps));
	if (!f.reps)
		return QEMU_FIX_ERROR;
	for (int i = 0; i < argc; i++)
		f.reps[i].val = -1;

	int rc = plan(&f, actual_macs, n_macs);
	char **out = NULL;
	int n = 0;
	struct qemu_model *nm = malloc(sizeof(*nm));
	if (!nm && rc == QEMU_FIX_DONE)
		rc = QEMU_FIX_ERROR;
	/* pin the MACs that the new creation order would move, then check */
	for (int round = 0; rc == QEMU_FIX_DONE && round < 3; round++) {
		out = build(&f, &n);
		if (!out) {
			rc = QEMU_FIX_ERROR;
			break;
		}
		char err[160];
		if (qemu_parse(nm, (const char *const *)out, n, err, sizeof(err)) < 0) {
			say(&f, "internal: the new command line does not parse: %s", err);
			qemu_model_free(nm);
			rc = QEMU_FIX_ERROR;
			break;
		}
		int moved[QEMU_MAX_NICS] = { 0 };
		int c = macs_changed(&f, nm, moved);
		if (c < 0) {
			rc = QEMU_FIX_ERROR;
		} else if (c == 0) {
			rc = check(&f, nm);
			qemu_model_free(nm);
			break;
		} else {
			for (unsigned i = 0; i < m->n_nics && rc == QEMU_FIX_DONE; i++)
				if (moved[i] && !pin_other(&f, (int)i))
					rc = f.oom ? QEMU_FIX_ERROR : QEMU_FIX_REFUSED;
		}
		qemu_model_free(nm);
		qemu_argv_free(out, n);
		out = NULL;
		if (round == 2 && rc == QEMU_FIX_DONE) {
			say(&f, "internal: MACs keep moving");
			rc = QEMU_FIX_ERROR;
		}
	}
	free(nm);
	for (int i = 0; i < argc; i++) {
		free(f.reps[i].name);
		free(f.reps[i].value);
	}
	free(f.reps);
	if (rc != QEMU_FIX_DONE) {
		qemu_argv_free(out, n);
		if (f.oom)
			say(&f, "out of memory");
		return rc;
	}
	*out_argv = out;
	*out_argc = n;
	return QEMU_FIX_DONE;
}
