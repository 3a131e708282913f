/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * qemu_argv.c - a QEMU command line read into a model: each option with
 * its argument, then NICs, backends, monitors, pidfile and disks.  The
 * links between them, hubs, default MACs and names are in qemu_model.c;
 * the fix in qemu_fix.c.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qemu_int.h"
#include "stpwatch/qemu.h"

/* ---- small helpers ---------------------------------------------------- */


static bool key_is(const char *s, const struct qemu_kv *kv, const char *key)
{
	size_t n = strlen(key);
	return kv->key_len == n && memcmp(s + kv->key, key, n) == 0;
}

static bool is_on(const char *v)
{
	return strcmp(v, "on") == 0 || strcmp(v, "true") == 0 || strcmp(v, "yes") == 0 ||
	       strcmp(v, "y") == 0;
}

/* One value of an option argument, QemuOpts or JSON. */
static bool get(const char *arg, bool json, const char *implied, const char *key,
		char *buf, size_t len)
{
	if (json)
		return qemu_json_get(arg, key, buf, len);
	return qemu_opts_get(arg, implied, key, buf, len);
}

static bool has(const char *arg, bool json, const char *implied, const char *key)
{
	if (json)
		return qemu_json_has(arg, key);
	size_t pos = 0;
	struct qemu_kv kv;
	while (qemu_opts_next(arg, &pos, &kv))
		if ((kv.implied && implied && strcmp(implied, key) == 0) ||
		    (!kv.implied && key_is(arg, &kv, key)))
			return true;
	return false;
}

static int get_int(const char *arg, bool json, const char *implied, const char *key, int dflt)
{
	char v[32];
	if (!get(arg, json, implied, key, v, sizeof(v)))
		return dflt;
	char *end;
	long n = strtol(v, &end, 0);
	if (end == v || *end || n < 0 || n > 1000000)
		return dflt;
	return (int)n;
}

/* ---- parse state ------------------------------------------------------ */

#define MAX_CHARDEVS 32
#define MAX_DRIVES 64

struct chardev {
	char id[QEMU_ID_LEN];
	enum qemu_mon_kind kind;
	char path[QEMU_PATH_LEN];
	bool have_path;
	char host[QEMU_ID_LEN], port[16];
	bool server;
};

struct mon_ref {
	int argi;
	bool qmp;
	char chardev[QEMU_ID_LEN];
};

struct drive {
	bool readonly;
	int snap;       /* -1 unset, 0 off, 1 on */
};

struct pstate {
	struct qemu_model *m;
	bool net_opt;                   /* any -net/-netdev/-nic */
	unsigned n_chardevs, n_monrefs, n_drives;
	struct chardev chardevs[MAX_CHARDEVS];
	struct mon_ref monrefs[QEMU_MAX_MONITORS];
	struct drive drives[MAX_DRIVES];
};

static struct qemu_netdev *new_netdev(struct pstate *ps, int opt, int val)
{
	struct qemu_model *m = ps->m;
	if (m->n_netdevs >= QEMU_MAX_NETDEVS) {
		m->truncated = true;
		return NULL;
	}
	struct qemu_netdev *nd = &m->netdevs[m->n_netdevs++];
	memset(nd, 0, sizeof(*nd));
	nd->at.opt = opt;
	nd->at.val = val;
	nd->hub = -1;
	nd->peer = -1;
	nd->nic = -1;
	return nd;
}

static struct qemu_nic *new_nic(struct pstate *ps, int opt, int val)
{
	struct qemu_model *m = ps->m;
	if (m->n_nics >= QEMU_MAX_NICS) {
		m->truncated = true;
		return NULL;
	}
	struct qemu_nic *n = &m->nics[m->n_nics++];
	memset(n, 0, sizeof(*n));
	n->at.opt = opt;
	n->at.val = val;
	n->netdev = -1;
	n->hub = -1;
	n->backend = -1;
	n->order = -1;
	return n;
}

/* Backend options: tap, bridge and the rest (net/tap.c net_init_tap(),
 * net/tap.c net_init_bridge(), qapi/net.json NetdevTapOptions). */
static void backend_opts(struct qemu_netdev *nd, const char *arg, bool json)
{
	const char *im = "type";
	get(arg, json, im, "ifname", nd->ifname, sizeof(nd->ifname));
	get(arg, json, im, "br", nd->br, sizeof(nd->br));
	get(arg, json, im, "script", nd->script, sizeof(nd->script));
	get(arg, json, im, "downscript", nd->downscript, sizeof(nd->downscript));
	nd->fd = has(arg, json, im, "fd") || has(arg, json, im, "fds") ||
		 has(arg, json, im, "vhostfd") || has(arg, json, im, "vhostfds");
	char v[16];
	nd->vhost = get(arg, json, im, "vhost", v, sizeof(v)) && is_on(v);
	nd->queues = (unsigned)get_int(arg, json, im, "queues", 0);
	if (strcmp(nd->type, "hubport") == 0) {
		nd->hub = get_int(arg, json, im, "hubid", -1);
		get(arg, json, im, "netdev", nd->peer_id, sizeof(nd->peer_id));
	}
}

static void nic_mac(struct qemu_nic *n, const char *arg, bool json, const char *implied,
		    const char *key)
{
	char v[40];
	if (get(arg, json, implied, key, v, sizeof(v)) && qemu_parse_mac(v, n->mac)) {
		n->mac_explicit = true;
		n->have_mac = true;
	}
}

/* -net TYPE[,...] (net/net.c net_client_init1(), !is_netdev branch) */
static void opt_net(struct pstate *ps, int opt, int val, const char *arg)
{
	char type[16] = "";
	ps->net_opt = true;
	qemu_opts_get(arg, "type", "type", type, sizeof(type));
	if (strcmp(type, "none") == 0)
		return;
	/* legacy "vlan=N" (QEMU < 3.0): hub N; otherwise hub 0 */
	int vlan = get_int(arg, false, "type", "vlan", 0);
	if (strcmp(type, "nic") == 0) {
		struct qemu_nic *n = new_nic(ps, opt, val);
		if (!n)
			return;
		n->kind = QEMU_NIC_NET;
		qemu_opts_get(arg, "type", "model", n->model, sizeof(n->model));
		nic_mac(n, arg, false, "type", "macaddr");
		/* "Do not add to a hub if it's a nic with a netdev= parameter." */
		if (qemu_opts_get(arg, "type", "netdev", n->netdev_id, sizeof(n->netdev_id)))
			return;
		n->hub = vlan;
		return;
	}
	struct qemu_netdev *nd = new_netdev(ps, opt, val);
	if (!nd)
		return;
	nd->kind = QEMU_ND_NET;
	qemu_copy(nd->type, sizeof(nd->type), type);
	if (!qemu_opts_get(arg, "type", "id", nd->id, sizeof(nd->id)))
		qemu_opts_get(arg, "type", "name", nd->id, sizeof(nd->id));
	backend_opts(nd, arg, false);
	nd->hub = vlan;
}

/* -netdev TYPE,id=ID[,...] or -netdev {JSON} (net/net.c net_client_init1()) */
static void opt_netdev(struct pstate *ps, int opt, int val, const char *arg)
{
	ps->net_opt = true;
	bool json = arg[0] == '{';
	struct qemu_netdev *nd = new_netdev(ps, opt, val);
	if (!nd)
		return;
	nd->kind = json ? QEMU_ND_NETDEV_JSON : QEMU_ND_NETDEV;
	get(arg, json, "type", "type", nd->type, sizeof(nd->type));
	get(arg, json, "type", "id", nd->id, sizeof(nd->id));
	backend_opts(nd, arg, json);
}

/* -nic TYPE[,model=][,mac=] (net/net.c net_param_nic()): its own backend */
static void opt_nic(struct pstate *ps, int opt, int val, const char *arg)
{
	char type[16] = "user";
	ps->net_opt = true;
	qemu_opts_get(arg, "type", "type", type, sizeof(type));
	if (strcmp(type, "none") == 0)
		return;
	struct qemu_nic *n = new_nic(ps, opt, val);
	if (!n)
		return;
	n->kind = QEMU_NIC_NIC;
	qemu_opts_get(arg, "type", "model", n->model, sizeof(n->model));
	nic_mac(n, arg, false, "type", "mac");
	struct qemu_netdev *nd = new_netdev(ps, opt, val);
	if (!nd)
		return;
	nd->kind = QEMU_ND_NIC;
	qemu_copy(nd->type, sizeof(nd->type), type);
	qemu_opts_get(arg, "type", "id", nd->id, sizeof(nd->id));
	backend_opts(nd, arg, false);
	int ni = (int)(n - ps->m->nics), di = (int)(nd - ps->m->netdevs);
	if (strcmp(type, "hubport") == 0) {
		n->netdev = di;
		n->hub = nd->hub;
		nd->nic = ni;
	} else {
		n->netdev = n->backend = di;
		nd->nic = ni;
	}
}

/* -device DRIVER,... : a NIC if the driver is one, or it names a netdev */
static void opt_device(struct pstate *ps, int opt, int val, const char *arg)
{
	bool json = arg[0] == '{';
	char drv[QEMU_ID_LEN] = "";
	get(arg, json, "driver", "driver", drv, sizeof(drv));
	bool netdev = has(arg, json, "driver", "netdev");
	if (!qemu_nic_device(drv) && !netdev)
		return;
	struct qemu_nic *n = new_nic(ps, opt, val);
	if (!n)
		return;
	n->kind = json ? QEMU_NIC_DEVICE_JSON : QEMU_NIC_DEVICE;
	qemu_copy(n->model, sizeof(n->model), drv);
	qemu_copy(n->device, sizeof(n->device), drv);
	get(arg, json, "driver", "id", n->id, sizeof(n->id));
	get(arg, json, "driver", "netdev", n->netdev_id, sizeof(n->netdev_id));
	nic_mac(n, arg, json, "driver", "mac");
	/* the "vlan" property NICs had until QEMU 3.0 (include/net/net.h
	 * DEFINE_NIC_PROPERTIES(), DEFINE_PROP_VLAN): that hub */
	if (!json)
		n->hub = get_int(arg, false, "driver", "vlan", -1);
}

/* ---- monitors --------------------------------------------------------- */

/* chardev/char.c qemu_chr_parse_compat(): "unix:PATH,server,nowait",
 * "tcp:HOST:PORT,server", "telnet:...", "stdio", "pty", "vc[:WxH]". */
static void compat_chardev(struct chardev *c, const char *s)
{
	const char *p;
	memset(c, 0, sizeof(*c));
	c->kind = QEMU_MON_OTHER;
	if (strncmp(s, "unix:", 5) == 0) {
		p = s + 5;
		c->kind = QEMU_MON_UNIX;
		c->have_path = qemu_opts_get(p, "path", "path", c->path, sizeof(c->path));
		char v[8];
		c->server = qemu_opts_get(p, "path", "server", v, sizeof(v)) && is_on(v);
		return;
	}
	bool tcp = strncmp(s, "tcp:", 4) == 0, telnet = strncmp(s, "telnet:", 7) == 0;
	if (tcp || telnet) {
		p = s + (tcp ? 4 : 7);
		c->kind = tcp ? QEMU_MON_TCP : QEMU_MON_TELNET;
		size_t n = strcspn(p, ",");
		const char *colon = NULL;
		for (const char *q = p; q < p + n; q++)
			if (*q == ':')
				colon = q;
		if (colon) {
			snprintf(c->host, sizeof(c->host), "%.*s", (int)(colon - p), p);
			snprintf(c->port, sizeof(c->port), "%.*s", (int)(p + n - colon - 1), colon + 1);
		}
		char v[8];
		c->server = p[n] && qemu_opts_get(p + n + 1, NULL, "server", v, sizeof(v)) &&
			    is_on(v);
		return;
	}
	if (strcmp(s, "stdio") == 0)
		c->kind = QEMU_MON_STDIO;
	else if (strcmp(s, "pty") == 0)
		c->kind = QEMU_MON_PTY;
	else if (strncmp(s, "vc", 2) == 0 && (s[2] == '\0' || s[2] == ':'))
		c->kind = QEMU_MON_VC;
}

static void add_monitor(struct qemu_model *m, int argi, bool qmp, const struct chardev *c)
{
	if (m->n_monitors >= QEMU_MAX_MONITORS) {
		m->truncated = true;
		return;
	}
	struct qemu_monitor *mon = &m->monitors[m->n_monitors++];
	memset(mon, 0, sizeof(*mon));
	mon->argi = argi;
	mon->qmp = qmp;
	mon->kind = c->kind;
	mon->server = c->server;
	qemu_copy(mon->host, sizeof(mon->host), c->host);
	qemu_copy(mon->port, sizeof(mon->port), c->port);
	if (c->have_path)
		mon->path = strdup(c->path);
}

/* softmmu/vl.c monitor_parse(): "chardev:ID" names a -chardev, else compat */
static void opt_monitor(struct pstate *ps, int argi, const char *arg, bool qmp)
{
	if (!qmp && strncmp(arg, "none", 4) == 0)
		return;
	if (strncmp(arg, "chardev:", 8) == 0) {
		if (ps->n_monrefs < QEMU_MAX_MONITORS) {
			struct mon_ref *r = &ps->monrefs[ps->n_monrefs++];
			r->argi = argi;
			r->qmp = qmp;
			qemu_copy(r->chardev, sizeof(r->chardev), arg + 8);
		}
		return;
	}
	struct chardev c;
	compat_chardev(&c, arg);
	add_monitor(ps->m, argi, qmp, &c);
}

static void opt_chardev(struct pstate *ps, const char *arg)
{
	if (ps->n_chardevs >= MAX_CHARDEVS)
		return;
	struct chardev *c = &ps->chardevs[ps->n_chardevs];
	memset(c, 0, sizeof(*c));
	char backend[16] = "";
	qemu_opts_get(arg, "backend", "backend", backend, sizeof(backend));
	if (!qemu_opts_get(arg, "backend", "id", c->id, sizeof(c->id)))
		return;
	ps->n_chardevs++;
	char v[8];
	c->kind = QEMU_MON_OTHER;
	if (strcmp(backend, "socket") == 0) {
		if (qemu_opts_get(arg, "backend", "path", c->path, sizeof(c->path))) {
			c->kind = QEMU_MON_UNIX;
			c->have_path = true;
		} else if (qemu_opts_get(arg, "backend", "port", c->port, sizeof(c->port))) {
			c->kind = qemu_opts_get(arg, "backend", "telnet", v, sizeof(v)) && is_on(v) ?
				  QEMU_MON_TELNET : QEMU_MON_TCP;
			qemu_opts_get(arg, "backend", "host", c->host, sizeof(c->host));
		}
		c->server = qemu_opts_get(arg, "backend", "server", v, sizeof(v)) && is_on(v);
	} else if (strcmp(backend, "stdio") == 0) {
		c->kind = QEMU_MON_STDIO;
	} else if (strcmp(backend, "pty") == 0) {
		c->kind = QEMU_MON_PTY;
	} else if (strcmp(backend, "vc") == 0) {
		c->kind = QEMU_MON_VC;
	}
}

/* -mon [chardev=]ID[,mode=readline|control] (monitor/monitor.c monitor_init_opts()) */
static void opt_mon(struct pstate *ps, int argi, const char *arg)
{
	if (ps->n_monrefs >= QEMU_MAX_MONITORS)
		return;
	struct mon_ref *r = &ps->monrefs[ps->n_monrefs];
	char mode[16] = "readline";
	if (!qemu_opts_get(arg, "chardev", "chardev", r->chardev, sizeof(r->chardev)))
		return;
	qemu_opts_get(arg, "chardev", "mode", mode, sizeof(mode));
	r->argi = argi;
	r->qmp = strcmp(mode, "control") == 0;
	ps->n_monrefs++;
}

/* ---- disks ------------------------------------------------------------ */

static void add_drive(struct pstate *ps, bool readonly, int snap)
{
	ps->m->n_disks++;
	if (ps->n_drives < MAX_DRIVES) {
		ps->drives[ps->n_drives].readonly = readonly;
		ps->drives[ps->n_drives].snap = snap;
		ps->n_drives++;
	} else if (!readonly) {
		ps->m->writable_disk = true;
	}
}

/* -drive: media=cdrom, readonly=on and snapshot=on keep it from being
 * written; -snapshot sets snapshot=on on every -drive that has no snapshot=
 * (softmmu/vl.c drive_enable_snapshot()), -blockdev is not touched by it. */
static void opt_drive(struct pstate *ps, const char *arg)
{
	bool file = false;
	size_t pos = 0;
	struct qemu_kv kv;
	while (qemu_opts_next(arg, &pos, &kv))
		if (!kv.implied && (key_is(arg, &kv, "file") ||
				    (kv.key_len > 5 && memcmp(arg + kv.key, "file.", 5) == 0)))
			file = true;
	if (!file)
		return;  /* an empty drive (no medium) */
	char v[16];
	bool ro = (qemu_opts_get(arg, NULL, "readonly", v, sizeof(v)) && is_on(v)) ||
		  (qemu_opts_get(arg, NULL, "media", v, sizeof(v)) && strcmp(v, "cdrom") == 0);
	int snap = -1;
	if (qemu_opts_get(arg, NULL, "snapshot", v, sizeof(v)))
		snap = is_on(v);
	add_drive(ps, ro, snap);
}

static void opt_blockdev(struct pstate *ps, const char *arg)
{
	bool json = arg[0] == '{';
	char v[16];
	bool ro = get(arg, json, "driver", "read-only", v, sizeof(v)) && is_on(v);
	ps->m->n_disks++;
	if (!ro)
		ps->m->writable_disk = true;
}

/* ---- the option loop -------------------------------------------------- */

static char *dup_str(const char *s)
{
	return s ? strdup(s) : NULL;
}

static void dispatch(struct pstate *ps, const char *name, int opt, int val, const char *arg)
{
	struct qemu_model *m = ps->m;
	char v[QEMU_ID_LEN];
	if (strcmp(name, "net") == 0) {
		opt_net(ps, opt, val, arg);
	} else if (strcmp(name, "netdev") == 0) {
		opt_netdev(ps, opt, val, arg);
	} else if (strcmp(name, "nic") == 0) {
		opt_nic(ps, opt, val, arg);
	} else if (strcmp(name, "device") == 0) {
		opt_device(ps, opt, val, arg);
	} else if (strcmp(name, "name") == 0) {
		char guest[256];
		if (qemu_opts_get(arg, "guest", "guest", guest, sizeof(guest))) {
			free(m->name);
			m->name = dup_str(guest);
		}
	} else if (strcmp(name, "pidfile") == 0) {
		free(m->pidfile);
		m->pidfile = dup_str(arg);
	} else if (strcmp(name, "readconfig") == 0) {
		if (!m->readconfig)
			m->readconfig = dup_str(arg);
	} else if (strcmp(name, "machine") == 0 || strcmp(name, "M") == 0) {
		if (qemu_opts_get(arg, "type", "type", v, sizeof(v)))
			qemu_copy(m->machine, sizeof(m->machine), v);
	} else if (strcmp(name, "daemonize") == 0) {
		m->daemonize = true;
	} else if (strcmp(name, "S") == 0) {
		m->paused = true;
	} else if (strcmp(name, "snapshot") == 0) {
		m->snapshot = true;
	} else if (strcmp(name, "nodefaults") == 0) {
		m->nodefaults = true;
	} else if (strcmp(name, "qmp") == 0 || strcmp(name, "qmp-pretty") == 0) {
		opt_monitor(ps, opt, arg, true);
	} else if (strcmp(name, "monitor") == 0) {
		opt_monitor(ps, opt, arg, false);
	} else if (strcmp(name, "serial") == 0 && strncmp(arg, "mon:", 4) == 0) {
		opt_monitor(ps, opt, arg + 4, false);
	} else if (strcmp(name, "mon") == 0) {
		opt_mon(ps, opt, arg);
	} else if (strcmp(name, "chardev") == 0) {
		opt_chardev(ps, arg);
	} else if (strcmp(name, "drive") == 0) {
		opt_drive(ps, arg);
	} else if (strcmp(name, "blockdev") == 0) {
		opt_blockdev(ps, arg);
	} else if (strcmp(name, "cdrom") == 0) {
		add_drive(ps, true, -1);
	} else if (strcmp(name, "hda") == 0 || strcmp(name, "hdb") == 0 ||
		   strcmp(name, "hdc") == 0 || strcmp(name, "hdd") == 0 ||
		   strcmp(name, "fda") == 0 || strcmp(name, "fdb") == 0 ||
		   strcmp(name, "mtdblock") == 0 || strcmp(name, "sd") == 0 ||
		   strcmp(name, "pflash") == 0) {
		add_drive(ps, false, -1);
	}
}


static void resolve_monitors(struct pstate *ps)
{
	for (unsigned r = 0; r < ps->n_monrefs; r++) {
		const struct mon_ref *ref = &ps->monrefs[r];
		for (unsigned c = 0; c < ps->n_chardevs; c++)
			if (strcmp(ps->chardevs[c].id, ref->chardev) == 0) {
				add_monitor(ps->m, ref->argi, ref->qmp, &ps->chardevs[c]);
				break;
			}
	}
}

/* The implicit "-net nic -net user" (softmmu/vl.c qemu_create_default_devices()):
 * only without any -net/-netdev/-nic and without -nodefaults. */
static void add_default_net(struct pstate *ps)
{
	struct qemu_model *m = ps->m;
	if (ps->net_opt || m->nodefaults)
		return;
	m->default_net = true;
	struct qemu_nic *n = new_nic(ps, -1, -1);
	if (n) {
		n->kind = QEMU_NIC_DEFAULT;
		n->hub = 0;
	}
	struct qemu_netdev *nd = new_netdev(ps, -1, -1);
	if (nd) {
		nd->kind = QEMU_ND_DEFAULT;
		qemu_copy(nd->type, sizeof(nd->type), "user");
		nd->hub = 0;
	}
}


void qemu_model_free(struct qemu_model *m)
{
	if (!m)
		return;
	free(m->exe);
	free(m->name);
	free(m->pidfile);
	free(m->readconfig);
	for (unsigned i = 0; i < m->n_monitors && i < QEMU_MAX_MONITORS; i++)
		free(m->monitors[i].path);
	memset(m, 0, sizeof(*m));
	m->first_unknown = -1;
}

int qemu_parse(struct qemu_model *m, const char *const *argv, int argc,
	       char *err, size_t errlen)
{
	memset(m, 0, sizeof(*m));
	m->first_unknown = -1;
	if (err && errlen)
		err[0] = '\0';
	if (!argv || argc < 1 || !argv[0]) {
		qemu_set_err(err, errlen, "empty argv");
		return -1;
	}
	struct pstate *ps = calloc(1, sizeof(*ps));
	if (!ps) {
		qemu_set_err(err, errlen, "out of memory");
		return -1;
	}
	ps->m = m;
	m->argc = argc;
	m->exe = dup_str(argv[0]);
	int rc = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!a) {
			qemu_set_err(err, errlen, "argv[%d] is NULL", i);
			rc = -1;
			break;
		}
		/* softmmu/vl.c qemu_init(): an element not starting with '-' is a
		 * disk image for IDE index 0 (drive_add(IF_DEFAULT, 0, ..)). */
		if (a[0] != '-') {
			add_drive(ps, false, -1);
			continue;
		}
		/* lookup_opt(): "--foo" is "-foo" */
		const char *name = a + 1;
		if (name[0] == '-')
			name++;
		char nm[32];
		const char *arg = NULL;
		int opt = i, val = -1;
		const char *eq = strchr(name, '=');
		size_t nlen = eq ? (size_t)(eq - name) : strlen(name);
		int takes = -1;
		if (nlen < sizeof(nm)) {
			memcpy(nm, name, nlen);
			nm[nlen] = '\0';
			takes = qemu_option_takes_arg(nm);
		}
		if (eq && takes == 1) {
			/* "-net=nic,...": QEMU says "invalid option"; read it anyway */
			arg = eq + 1;
			val = i;
			m->n_eq_forms++;
		} else if (eq || takes < 0) {
			m->n_unknown++;
			if (m->first_unknown < 0)
				m->first_unknown = i;
			/* unknown: a following non-option element is taken as its argument */
			if (!eq && i + 1 < argc && argv[i + 1] && argv[i + 1][0] != '-')
				i++;
			continue;
		} else if (takes == 1) {
			if (i + 1 >= argc || !argv[i + 1]) {
				qemu_set_err(err, errlen, "argv[%d]: %s requires an argument", i, a);
				rc = -1;
				break;
			}
			arg = argv[++i];
			val = i;
		}
		dispatch(ps, nm, opt, val, arg ? arg : "");
	}
	if (rc == 0) {
		for (unsigned d = 0; d < ps->n_drives; d++) {
			const struct drive *dr = &ps->drives[d];
			bool snap = dr->snap >= 0 ? dr->snap == 1 : m->snapshot;
			if (!dr->readonly && !snap)
				m->writable_disk = true;
		}
		resolve_monitors(ps);
		add_default_net(ps);
		rc = qemu_model_link(m, err, errlen);
	}
	free(ps);
	return rc;
}


