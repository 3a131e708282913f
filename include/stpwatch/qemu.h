/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * qemu.h - a pure model of a QEMU command line.
 *
 * qemu_parse() reads an argv (as /proc/PID/cmdline gives it) into plain
 * structs: every guest NIC with its model, MAC and the hub or backend it
 * sits on, every network backend (tap ifname, script, fd, vhost, queues),
 * every hub with its members, the monitors (QMP/HMP sockets), the pidfile,
 * -name, -daemonize, -S and whether a writable disk exists.  Nothing here
 * reads a file, a socket or /proc: the caller brings the text.
 *
 * The trouble it exists for: legacy "-net nic -net tap" pairs all land on
 * QEMU's hub 0 (the old "vlan 0"), and a hub copies every frame to every
 * other port, so two taps on one hub join the host bridges they sit on
 * through the VM.  qemu_fix_argv() writes the command line that gives each
 * NIC its own backend (QEMU needs a restart for that).
 *
 * Where a rule comes from QEMU, the comment names the QEMU file and
 * function (paths as in QEMU 7.2: net/net.c, net/hub.c, softmmu/vl.c,
 * hw/pci/pci.c, hw/i386/pc_piix.c, hw/i386/pc_q35.c, qemu-options.hx).
 */
#ifndef STPWATCH_QEMU_H
#define STPWATCH_QEMU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stpwatch/engine.h"

#define QEMU_MAX_NICS 32
#define QEMU_MAX_NETDEVS 64
#define QEMU_MAX_HUBS 32
#define QEMU_MAX_MONITORS 8
#define QEMU_ID_LEN 64          /* ids, names, ifnames, models */
#define QEMU_PATH_LEN 256       /* script, downscript */

/* ---- QemuOpts-style option strings ---------------------------------- */

/*
 * "nic,model=virtio,macaddr=52:54:00:12:34:56" is split at commas; ",," is
 * a literal comma inside a value (util/qemu-option.c get_opt_value()).  The
 * first parameter may lack "key=": it is then the value of the implied key
 * ("type" for -net/-netdev/-nic, "driver" for -device); a later one without
 * "=" is a flag: "key" means key=on, "nokey" key=off (get_opt_name_value()).
 */
struct qemu_kv {
	size_t start, end;      /* the parameter's span in the string (no comma) */
	size_t key, key_len;    /* offset and length of the key; key_len 0 if implied */
	size_t val, val_len;    /* offset and length of the raw (escaped) value */
	bool implied;           /* first parameter without "key=" */
	bool flag;              /* "key" or "nokey" without '=' */
};

/* The parameter at *pos (start at 0), *pos moved past it; false at the end. */
bool qemu_opts_next(const char *s, size_t *pos, struct qemu_kv *kv);
/* Copies the unescaped value of `key` (the implied key matches `implied`)
 * into buf; the last occurrence wins, as in QEMU.  False if absent or it
 * does not fit. */
bool qemu_opts_get(const char *s, const char *implied, const char *key,
		   char *buf, size_t len);
/* Top-level scalar member of a JSON object ("-device {...}"), as text
 * (strings unescaped, numbers and true/false as written); the last one wins. */
bool qemu_json_get(const char *s, const char *key, char *buf, size_t len);
bool qemu_json_has(const char *s, const char *key);

/* Whether the option named `name` (no dashes) takes an argument:
 * 1 yes, 0 no, -1 unknown to the table. */
int qemu_option_takes_arg(const char *name);

/* The -device driver a legacy "-net nic,model=" name becomes ("virtio" ->
 * "virtio-net-pci"), or NULL if it is not a NIC model we know. */
const char *qemu_nic_device(const char *model);

/* The NIC a machine type gets for "-net nic"/"-nic" without model=
 * ("" = the default "pc"); major < 0 means the QEMU version is unknown. */
const char *qemu_default_nic(const char *machine, int major, int minor);

/* "52:54:00:12:34:56" (or with '-'), as net/net.c net_parse_macaddr() takes it. */
bool qemu_parse_mac(const char *s, uint8_t mac[6]);

/* ---- the model -------------------------------------------------------- */

/* Where an option sits in argv. */
struct qemu_at {
	int opt;        /* index of "-net" (or of "-net=..."); -1 if implicit */
	int val;        /* index of its argument (opt + 1, or opt for -opt=value) */
};

enum qemu_nic_kind {
	QEMU_NIC_NET,           /* -net nic[,...] */
	QEMU_NIC_DEVICE,        /* -device MODEL,... */
	QEMU_NIC_DEVICE_JSON,   /* -device {"driver": MODEL, ...} */
	QEMU_NIC_NIC,           /* -nic TYPE[,model=][,mac=] */
	QEMU_NIC_DEFAULT,       /* the implicit "-net nic" (no network option at all) */
};

enum qemu_nd_kind {
	QEMU_ND_NET,            /* -net TYPE: a legacy backend, always on a hub */
	QEMU_ND_NETDEV,         /* -netdev TYPE,id=ID */
	QEMU_ND_NETDEV_JSON,    /* -netdev {"type": ..., "id": ...} */
	QEMU_ND_NIC,            /* the backend a -nic creates for its NIC */
	QEMU_ND_DEFAULT,        /* the implicit "-net user" */
};

struct qemu_netdev {
	struct qemu_at at;
	enum qemu_nd_kind kind;
	char type[16];                  /* tap, user, socket, bridge, hubport, ... */
	char id[QEMU_ID_LEN];           /* id= (or legacy name=); "" if none */
	int hub;                        /* hub it sits on; -1 if none */
	int peer;                       /* hubport: netdevs[] index of its netdev=; -1 */
	int nic;                        /* nics[] index it serves directly; -1 */
	char peer_id[QEMU_ID_LEN];      /* hubport netdev= */
	char ifname[QEMU_ID_LEN];       /* tap: ifname= ("" if QEMU picks one) */
	char br[QEMU_ID_LEN];           /* bridge: br= */
	char script[QEMU_PATH_LEN];     /* tap: script=, downscript= ("" if unset) */
	char downscript[QEMU_PATH_LEN];
	bool fd;                        /* fd=, fds=, vhostfd= or vhostfds=: */
	                                /* a descriptor the launcher passed in */
	bool vhost;                     /* vhost=on */
	unsigned queues;                /* queues= (0 if unset) */
};

struct qemu_nic {
	struct qemu_at at;
	enum qemu_nic_kind kind;
	char model[QEMU_ID_LEN];        /* model= or -device driver as written; "" if default */
	char device[QEMU_ID_LEN];       /* the device it is: virtio -> virtio-net-pci, */
	                                /* no model -> the machine's default NIC */
	char id[QEMU_ID_LEN];           /* -device id= */
	char netdev_id[QEMU_ID_LEN];    /* netdev= as written */
	int netdev;                     /* netdevs[] index of its peer (backend or hubport); -1 */
	int hub;                        /* hub it sits on; -1 if its own backend or none */
	int backend;                    /* netdevs[] index of its own backend (hub == -1); -1 */
	bool mac_explicit;              /* mac=/macaddr= given */
	bool have_mac;
	uint8_t mac[6];                 /* explicit, or QEMU's default rule (see qemu_parse) */
	int order;                      /* creation order: MAC assignment and naming */
	char client[QEMU_ID_LEN];       /* its name in "info network" (id, or MODEL.N) */
};

/*
 * A hub is shared when it holds two or more taps (frames between host
 * bridges go through it), or two or more NICs and a tap (a guest bridging
 * its NICs sends them back out).  One NIC with a tap and user-mode on one
 * hub is not: nothing of the host can loop through it.  A shared hub that
 * also holds a user/socket/... backend is reported, but qemu_fix_argv()
 * refuses it.
 */
struct qemu_hub {
	int id;
	unsigned n_nics, n_backends, n_taps;
	int nics[QEMU_MAX_NICS];        /* nics[] indices, command-line order */
	int backends[QEMU_MAX_NETDEVS]; /* netdevs[] indices of backends (not hubports) */
	bool shared;                    /* >= 2 taps, or >= 2 NICs and a tap */
};

enum qemu_mon_kind {
	QEMU_MON_UNIX, QEMU_MON_TCP, QEMU_MON_TELNET, QEMU_MON_STDIO, QEMU_MON_PTY,
	QEMU_MON_VC, QEMU_MON_OTHER,
};

struct qemu_monitor {
	int argi;                       /* -qmp/-monitor/-mon element */
	bool qmp;                       /* control (QMP) mode, else HMP */
	enum qemu_mon_kind kind;
	char *path;                     /* unix socket path (allocated) or NULL */
	char host[QEMU_ID_LEN];         /* tcp/telnet */
	char port[16];
	bool server;
};

/* How QEMU picks a MAC for a NIC without mac= (net/net.c
 * qemu_macaddr_default_if_unset()); always 52:54:00:12:34:XX. */
enum qemu_mac_rule {
	/* The mac_table[] rule (QEMU 2.x and later; checked on 7.2): XX is the
	 * lowest value from 0x56 no NIC created earlier holds, an explicit
	 * 52:54:00:12:34:XX of an earlier NIC holding its XX. */
	QEMU_MAC_RULE_FREE_SLOT,
	/* QEMU 1.1 to the mac_table rework: 0x56 + the number of NICs that got
	 * a default MAC before; explicit MACs take no number. */
	QEMU_MAC_RULE_COUNTER,
	/* QEMU <= 1.0: "-net nic" got 0x56 + its nd_table slot, explicit MAC or
	 * not (net.c net_init_nic()), -device NICs the counter above. */
	QEMU_MAC_RULE_NET_INDEX,
};

struct qemu_model {
	int argc;
	char *exe;                      /* argv[0] */
	char *name;                     /* -name guest=; NULL if none */
	char *pidfile;                  /* -pidfile; NULL */
	char *readconfig;               /* first -readconfig FILE; NULL */
	char machine[QEMU_ID_LEN];      /* -machine/-M type ("" = default "pc") */
	bool daemonize, paused, snapshot, nodefaults, default_net;
	unsigned n_disks;               /* -drive (with a file), -hdX, -fdX, -blockdev, positional */
	bool writable_disk;             /* one of them opened read-write */
	unsigned n_monitors;
	struct qemu_monitor monitors[QEMU_MAX_MONITORS];

	unsigned n_nics, n_netdevs, n_hubs;
	struct qemu_nic nics[QEMU_MAX_NICS];
	struct qemu_netdev netdevs[QEMU_MAX_NETDEVS];
	struct qemu_hub hubs[QEMU_MAX_HUBS];
	bool shares_hub;                /* one of hubs[] is shared */

	unsigned n_unknown;             /* options not in our table (kept opaque) */
	int first_unknown;              /* argv index of the first; -1 */
	unsigned n_eq_forms;            /* "-opt=value" elements: QEMU rejects them */
	bool truncated;                 /* more NICs/netdevs/hubs than the bounds */
};

/*
 * Parses argv[0..argc) into m (m is overwritten; free it with
 * qemu_model_free() even on error).  Returns 0, or -1 with a reason in err
 * for an argv QEMU itself would refuse to start with (an option missing its
 * argument, a NIC naming a netdev that does not exist).
 *
 * Default MACs follow QEMU_MAC_RULE_FREE_SLOT; see qemu_model_default_macs().
 */
int qemu_parse(struct qemu_model *m, const char *const *argv, int argc,
	       char *err, size_t errlen);
void qemu_model_free(struct qemu_model *m);

/* Links the NICs and netdevs of a model (netdev=, hubport netdev=), then
 * recomputes hubs, creation order, default MACs and names.  qemu_parse()
 * calls it; call it again after editing a model by hand.  -1 with err if
 * a netdev= names nothing (and no -readconfig could define it). */
int qemu_model_link(struct qemu_model *m, char *err, size_t errlen);

/* Recomputes every NIC's MAC without mac= under `rule`. */
void qemu_model_default_macs(struct qemu_model *m, enum qemu_mac_rule rule);

/* The hub with this id, or NULL. */
const struct qemu_hub *qemu_model_hub(const struct qemu_model *m, int id);

/* The NIC/tap pairs the engine knows a VM by: one entry per NIC with a
 * named tap (on a shared hub the i-th NIC with the i-th tap), plus taps
 * of a hub beyond its NICs (no MAC).  pid and name are left alone.
 * Returns the entries that did not fit in ENGINE_MAX_VM_NICS. */
unsigned qemu_model_to_vm_info(const struct qemu_model *m, struct vm_info *vi);

/* ---- what the monitor says -------------------------------------------- */

struct qemu_nic_mac {
	int nic;                        /* nics[] index */
	uint8_t mac[6];
};

/* Reads "info network" (HMP) text and returns the MACs of m's NICs found
 * in it, matched by the name QEMU gives each NIC (qemu_nic.client).
 * Returns how many were stored in out. */
size_t qemu_macs_from_info_network(const struct qemu_model *m, const char *text,
				   struct qemu_nic_mac *out, size_t max);

/* "QEMU emulator version 7.2.19 (Debian ...)", "QEMU PC emulator version
 * 0.12.5", a QMP greeting or query-version reply ("qemu": {"micro": 19,
 * "minor": 2, "major": 7}).  0 on success, -1 if none is found. */
int qemu_version_from_banner(const char *text, int *major, int *minor);

/* ---- the fix ---------------------------------------------------------- */

#define QEMU_FIX_DONE     0     /* *out_argv is the corrected command line */
#define QEMU_FIX_NOTHING  1     /* no shared hub: *out_argv is a copy of argv */
#define QEMU_FIX_REFUSED -1     /* why says what a human must decide */
#define QEMU_FIX_ERROR   -2     /* out of memory, or m is not argv's model */

/*
 * Gives every NIC on a shared hub its own backend.  Every other argv
 * element stays byte for byte and in order; the changed options keep their
 * place (an option's two elements are replaced by two).  Each fixed NIC
 * keeps its model, its tap (ifname, script, downscript and every other tap
 * option) and its MAC, pinned with mac=/macaddr=: for a NIC without mac=
 * the one in actual_macs when given (as read from "info network"), else the
 * one m has (an explicit mac= is what QEMU gives the NIC when it starts).
 *
 * QEMU >= 3.0:  "-netdev tap,id=stpwN,ifname=TAP,... -device MODEL,
 *               netdev=stpwN,mac=MAC" for each "-net nic"/"-net tap" pair.
 * QEMU <  3.0:  "-net nic,...,vlan=N,macaddr=MAC -net tap,...,vlan=N",
 *               each pair on its own vlan.
 * Both:         NICs on "-netdev hubport" get the tap's netdev directly and
 *               the hub's hubports go.
 * The i-th NIC on a hub pairs with the i-th tap, in command-line order;
 * other counts, or a backend that is not a tap, are refused.
 *
 * out_argv is NULL-terminated; free it with qemu_argv_free().
 */
int qemu_fix_argv(const struct qemu_model *m, const char *const *argv, int argc,
		  int qemu_major, int qemu_minor,
		  const struct qemu_nic_mac *actual_macs, size_t n_macs,
		  char ***out_argv, int *out_argc, char *why, size_t whylen);
void qemu_argv_free(char **argv, int argc);

/*
 * A short human diff between two argvs, an option and its argument taken
 * as one unit: "- argv[3..4]: -net nic,model=virtio" for each unit that
 * went, "+ argv[3..4]: -device ..." for each that came (indices in the
 * old and the new argv), elements shell-quoted where needed (as $'...' with
 * \xHH escapes when one holds a byte that is not printable ASCII, so the
 * text is printable ASCII, one line per unit).  Returns the
 * length the text needs (as snprintf does; -1 out of memory); buf gets as
 * much as fits.
 */
int qemu_explain(const char *const *old_argv, int old_argc,
		 const char *const *new_argv, int new_argc, char *buf, size_t len);

#endif /* STPWATCH_QEMU_H */
