/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * qemu_opts.c - the text QEMU speaks: QemuOpts option strings, the JSON
 * form of -device/-netdev/-blockdev, which options take an argument, NIC
 * model names, MAC addresses, the version banner and "info network".
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qemu_int.h"
#include "stpwatch/qemu.h"

/* ---- option strings --------------------------------------------------- */

/*
 * util/qemu-option.c get_opt_name_value(): a parameter runs to the first
 * ',' that is not doubled; without '=' before that comma it is the implied
 * first parameter, or else a flag.
 */
bool qemu_opts_next(const char *s, size_t *pos, struct qemu_kv *kv)
{
	size_t p = *pos;
	if (!s[p])
		return false;
	bool first = p == 0;
	memset(kv, 0, sizeof(*kv));
	kv->start = p;
	size_t name_end = p + strcspn(s + p, "=,");
	if (s[name_end] == '=') {
		kv->key = p;
		kv->key_len = name_end - p;
		p = name_end + 1;
	} else if (first) {
		kv->implied = true;
	} else {
		kv->flag = true;
		kv->key = p;
		kv->key_len = name_end - p;
	}
	if (kv->flag) {
		p = name_end;
	} else {
		/* get_opt_value(): ",," is a literal comma */
		kv->val = p;
		while (s[p]) {
			if (s[p] == ',') {
				if (s[p + 1] != ',')
					break;
				p += 2;
				continue;
			}
			p++;
		}
		kv->val_len = p - kv->val;
	}
	kv->end = p;
	if (s[p] == ',')
		p++;
	*pos = p;
	return true;
}

/* Unescapes ",," into buf; false if it does not fit. */
static bool unescape(const char *v, size_t n, char *buf, size_t len)
{
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		if (v[i] == ',' && i + 1 < n && v[i + 1] == ',')
			i++;
		if (o + 1 >= len)
			return false;
		buf[o++] = v[i];
	}
	if (len)
		buf[o] = '\0';
	return len > 0;
}

static bool key_is(const char *s, const struct qemu_kv *kv, const char *key)
{
	size_t n = strlen(key);
	return kv->key_len == n && memcmp(s + kv->key, key, n) == 0;
}

bool qemu_opts_get(const char *s, const char *implied, const char *key,
		   char *buf, size_t len)
{
	size_t pos = 0;
	struct qemu_kv kv;
	bool found = false;
	while (qemu_opts_next(s, &pos, &kv)) {
		bool match;
		if (kv.implied)
			match = implied && strcmp(implied, key) == 0;
		else
			match = key_is(s, &kv, key);
		if (!match)
			continue;
		if (kv.flag) {
			if (len < 3)
				return false;
			snprintf(buf, len, "on");
			found = true;
		} else {
			found = unescape(s + kv.val, kv.val_len, buf, len);
		}
	}
	/* "nokey" flags mean key=off */
	if (!found && strlen(key) + 2 < 64) {
		char no[64];
		snprintf(no, sizeof(no), "no%s", key);
		pos = 0;
		while (qemu_opts_next(s, &pos, &kv))
			if (kv.flag && key_is(s, &kv, no) && len >= 4) {
				snprintf(buf, len, "off");
				found = true;
			}
	}
	return found;
}

/* ---- a flat JSON object ----------------------------------------------- */

static const char *json_ws(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	return p;
}

/* Skips a string starting at the quote; copies it unescaped when buf. */
static const char *json_str(const char *p, char *buf, size_t len, bool *fit)
{
	size_t o = 0;
	p++;
	while (*p && *p != '"') {
		char c = *p++;
		if (c == '\\') {
			c = *p ? *p++ : '\0';
			switch (c) {
			case 'n': c = '\n'; break;
			case 't': c = '\t'; break;
			case 'r': c = '\r'; break;
			case 'b': c = '\b'; break;
			case 'f': c = '\f'; break;
			case 'u': {
				unsigned v = 0;
				int k;
				for (k = 0; k < 4 && isxdigit((unsigned char)*p); k++, p++)
					v = v * 16 + (unsigned)(isdigit((unsigned char)*p) ? *p - '0' :
							       (tolower((unsigned char)*p) - 'a' + 10));
				c = v < 0x80 ? (char)v : '?';
				break;
			}
			case '\0':
				return NULL;
			default:
				break;  /* \" \\ \/ */
			}
		}
		if (buf) {
			if (o + 1 < len)
				buf[o++] = c;
			else
				*fit = false;
		}
	}
	if (*p != '"')
		return NULL;
	if (buf && len)
		buf[o] = '\0';
	return p + 1;
}

/* Skips any value; copies a scalar's text when buf. */
static const char *json_value(const char *p, char *buf, size_t len, bool *fit)
{
	p = json_ws(p);
	if (*p == '"')
		return json_str(p, buf, len, fit);
	if (*p == '{' || *p == '[') {
		int depth = 0;
		while (*p) {
			if (*p == '"') {
				p = json_str(p, NULL, 0, fit);
				if (!p)
					return NULL;
				continue;
			}
			if (*p == '{' || *p == '[')
				depth++;
			else if (*p == '}' || *p == ']')
				if (--depth == 0)
					return p + 1;
			p++;
		}
		return NULL;
	}
	const char *s = p;
	while (*p && *p != ',' && *p != '}' && *p != ']' && *p != ' ' && *p != '\n' &&
	       *p != '\t' && *p != '\r')
		p++;
	if (p == s)
		return NULL;
	if (buf) {
		size_t n = (size_t)(p - s);
		if (n + 1 > len) {
			*fit = false;
			n = len ? len - 1 : 0;
		}
		if (len) {
			memcpy(buf, s, n);
			buf[n] = '\0';
		}
	}
	return p;
}

/* Where the value of top-level member `key` starts, or NULL. */
static const char *json_find(const char *s, const char *key)
{
	const char *p = json_ws(s);
	const char *hit = NULL;
	bool fit = true;
	if (*p != '{')
		return NULL;
	p = json_ws(p + 1);
	while (*p == '"') {
		char k[64];
		bool kfit = true;
		p = json_str(p, k, sizeof(k), &kfit);
		if (!p)
			return NULL;
		p = json_ws(p);
		if (*p != ':')
			return NULL;
		const char *v = json_ws(p + 1);
		if (kfit && strcmp(k, key) == 0)
			hit = v;        /* the last one wins */
		p = json_value(v, NULL, 0, &fit);
		if (!p)
			return NULL;
		p = json_ws(p);
		if (*p == ',')
			p = json_ws(p + 1);
	}
	return hit;
}

bool qemu_json_has(const char *s, const char *key)
{
	return json_find(s, key) != NULL;
}

bool qemu_json_get(const char *s, const char *key, char *buf, size_t len)
{
	const char *v = json_find(s, key);
	bool fit = true;
	if (!v || !len || *v == '{' || *v == '[')
		return false;
	return json_value(v, buf, len, &fit) && fit;
}

/* ---- options that take an argument ------------------------------------ */

/*
 * qemu-options.hx: DEF(name, HAS_ARG or 0, ...); softmmu/vl.c lookup_opt()
 * takes the next element as the argument when HAS_ARG.  The options with
 * no argument, from QEMU 7.2 (checked against the binary) and the older
 * qemu-options.hx / qemu-kvm ones since removed.  Every other option we
 * list takes one.
 */
static const char *const no_arg_opts[] = {
	"h", "help", "version", "mem-prealloc", "audio-help", "snapshot", "usb",
	"nographic", "portrait", "full-screen", "win2k-hack", "no-fd-bootchk",
	"no-acpi", "no-hpet", "singlestep", "preconfig", "S", "s", "enable-kvm",
	"xen-attach", "xen-domid-restrict", "no-reboot", "no-shutdown", "daemonize",
	"only-migratable", "nodefaults", "semihosting", "old-param", "no-user-config",
	"enable-sync-profile", "async-teardown", "perfmap", "jitdump",
	/* removed since, still found on old hosts */
	"virtfs_synth", "curses", "no-frame", "alt-grab", "ctrl-grab", "no-quit", "sdl",
	"rtc-td-hack", "xen-create", "localtime", "show-cursor", "nodefconfig",
	"enable-fips", "no-kvm", "no-kvm-pit-reinjection", "no-kvm-pit",
	"no-kvm-irqchip", "tdf", "enable-hax", "enable-nesting", "std-vga",
	"vmwarevga", "isa", "no-kqemu", "kernel-kqemu", "enable-kqemu",
};

static const char *const arg_opts[] = {
	"machine", "M", "cpu", "accel", "smp", "numa", "add-fd", "set", "global",
	"boot", "m", "mem-path", "k", "audio", "audiodev", "soundhw", "balloon",
	"device", "name", "uuid", "fda", "fdb", "hda", "hdb", "hdc", "hdd", "cdrom",
	"blockdev", "drive", "mtdblock", "sd", "pflash", "hdachs", "fsdev", "virtfs",
	"iscsi", "usbdevice", "display", "spice", "rotate", "vga", "g", "vnc",
	"acpitable", "smbios", "tftp", "bootp", "redir", "smb", "nic", "netdev", "net",
	"chardev", "bt", "tpmdev", "kernel", "append", "initrd", "dtb", "fw_cfg",
	"serial", "parallel", "monitor", "qmp", "qmp-pretty", "mon", "debugcon",
	"pidfile", "gdb", "d", "D", "dfilter", "seed", "L", "bios", "xen-domid",
	"action", "loadvm", "option-rom", "clock", "startdate", "rtc", "icount",
	"watchdog", "watchdog-action", "echr", "virtioconsole", "tb-size", "incoming",
	"chroot", "runas", "prom-env", "semihosting-config", "sandbox", "readconfig",
	"writeconfig", "trace", "plugin", "qtest", "qtest-log", "object", "msg",
	"dump-vmstate", "compat", "overcommit", "run-with", "realtime",
	"kvm-shadow-memory", "pcidevice", "p",
};

int qemu_option_takes_arg(const char *name)
{
	for (size_t i = 0; i < sizeof(no_arg_opts) / sizeof(no_arg_opts[0]); i++)
		if (strcmp(name, no_arg_opts[i]) == 0)
			return 0;
	for (size_t i = 0; i < sizeof(arg_opts) / sizeof(arg_opts[0]); i++)
		if (strcmp(name, arg_opts[i]) == 0)
			return 1;
	return -1;
}

/* ---- NIC models ------------------------------------------------------- */

/*
 * hw/pci/pci.c pci_nic_init_nofail(): "-net nic,model=virtio" becomes
 * virtio-net-pci; every other model is the name of a PCI network device
 * (qemu_get_nic_models(TYPE_PCI_DEVICE); QEMU <= 2.11 had a fixed list of
 * ne2k_pci i82551 i82557b i82559er rtl8139 e1000 pcnet virtio).  ne2k_isa
 * goes on the ISA bus (hw/i386/pc.c pc_nic_init()).
 */
static const char *const nic_devices[] = {
	"virtio-net-pci", "virtio-net-pci-transitional", "virtio-net-pci-non-transitional",
	"virtio-net-device", "virtio-net-ccw", "e1000", "e1000-82544gc", "e1000-82545em",
	"e1000e", "igb", "rtl8139", "ne2k_pci", "ne2k_isa", "pcnet", "i82550", "i82551",
	"i82557a", "i82557b", "i82557c", "i82558a", "i82558b", "i82559a", "i82559b",
	"i82559c", "i82559er", "i82562", "i82801", "vmxnet3", "tulip", "usb-net",
	"sungem", "sunhme", "spapr-vlan",
};

const char *qemu_nic_device(const char *model)
{
	if (strcmp(model, "virtio") == 0)
		return "virtio-net-pci";
	for (size_t i = 0; i < sizeof(nic_devices) / sizeof(nic_devices[0]); i++)
		if (strcmp(model, nic_devices[i]) == 0)
			return nic_devices[i];
	return NULL;
}

/*
 * The NIC a machine gives "-net nic"/"-nic" without model=: hw/i386/pc_piix.c
 * pc_i440fx_machine_options() default_nic_model "e1000"; hw/i386/pc_q35.c
 * pc_q35_machine_options() "e1000e" (since QEMU 2.12; pc-q35-2.11 and older
 * machine types keep "e1000").  Other machines: best effort.
 * major < 0: QEMU version unknown, taken as current.
 */
const char *qemu_default_nic(const char *machine, int major, int minor)
{
	if (strstr(machine, "q35")) {
		unsigned mx, mn;
		if (sscanf(machine, "pc-q35-%u.%u", &mx, &mn) == 2 &&
		    (mx < 2 || (mx == 2 && mn < 12)))
			return "e1000";
		if (major >= 0 && (major < 2 || (major == 2 && minor < 12)))
			return "e1000";
		return "e1000e";
	}
	if (strcmp(machine, "isapc") == 0)
		return "ne2k_isa";
	if (strncmp(machine, "virt", 4) == 0)
		return "virtio-net-pci";
	return "e1000";
}


/* ---- MAC addresses ---------------------------------------------------- */

bool qemu_parse_mac(const char *s, uint8_t mac[6])
{
	/* net/net.c net_parse_macaddr(): six hex octets split by ':' or '-' */
	for (int i = 0; i < 6; i++) {
		char *end;
		if (!isxdigit((unsigned char)s[0]))
			return false;
		unsigned long v = strtoul(s, &end, 16);
		if (v > 0xff || end - s > 2)
			return false;
		mac[i] = (uint8_t)v;
		s = end;
		if (i < 5) {
			if (*s != ':' && *s != '-')
				return false;
			s++;
		}
	}
	return *s == '\0';
}

/* ---- monitor text ----------------------------------------------------- */

size_t qemu_macs_from_info_network(const struct qemu_model *m, const char *text,
				   struct qemu_nic_mac *out, size_t max)
{
	/* net/net.c print_net_client(): "NAME: index=Q,type=nic,model=M,macaddr=MAC";
	 * net/hub.c net_hub_info() prefixes " \ " and, since QEMU 5.x, the port name. */
	size_t n = 0;
	const char *line = text;
	while (line && *line && n < max) {
		const char *eol = strchr(line, '\n');
		size_t len = eol ? (size_t)(eol - line) : strlen(line);
		char buf[512];
		if (len >= sizeof(buf))
			len = sizeof(buf) - 1;
		memcpy(buf, line, len);
		buf[len] = '\0';
		line = eol ? eol + 1 : NULL;
		char *t = strstr(buf, ": index=");
		char *mac = strstr(buf, ",macaddr=");
		if (!t || !mac || !strstr(t, "type=nic"))
			continue;
		if (!strstr(t, "index=0,"))
			continue;  /* one line per queue */
		*t = '\0';
		char *start = buf;
		char *sep;
		while ((sep = strstr(start, ": ")) != NULL)
			start = sep + 2;      /* "hub0port0: NAME" */
		while (*start == ' ' || *start == '\\')
			start++;
		uint8_t a[6];
		char mtxt[18];
		snprintf(mtxt, sizeof(mtxt), "%s", mac + 9);
		if (!qemu_parse_mac(mtxt, a))
			continue;
		for (unsigned i = 0; i < m->n_nics; i++)
			if (strcmp(m->nics[i].client, start) == 0) {
				out[n].nic = (int)i;
				memcpy(out[n].mac, a, 6);
				n++;
				break;
			}
	}
	return n;
}

static bool num_after(const char *p, const char *key, int *v)
{
	const char *k = strstr(p, key);
	if (!k)
		return false;
	k += strlen(key);
	while (*k == '"' || *k == ' ' || *k == ':')
		k++;
	if (!isdigit((unsigned char)*k))
		return false;
	*v = atoi(k);
	return true;
}

int qemu_version_from_banner(const char *text, int *major, int *minor)
{
	if (!text)
		return -1;
	/* QMP greeting / query-version (qapi/control.json VersionInfo) */
	const char *q = strstr(text, "\"qemu\"");
	if (q) {
		int a, b;
		if (num_after(q, "\"major\"", &a) && num_after(q, "\"minor\"", &b)) {
			*major = a;
			*minor = b;
			return 0;
		}
		/* QEMU 0.13 greeting: "qemu": "0.13.0" */
		const char *s = q + 6;
		while (*s == ' ' || *s == ':')
			s++;
		if (*s == '"' && sscanf(s + 1, "%d.%d", &a, &b) == 2) {
			*major = a;
			*minor = b;
			return 0;
		}
	}
	/* softmmu/vl.c version(): "QEMU emulator version X.Y.Z ..." */
	for (const char *p = strstr(text, "version"); p; p = strstr(p + 1, "version")) {
		const char *s = p + 7;
		while (*s == ' ')
			s++;
		int a, b;
		if (isdigit((unsigned char)*s) && sscanf(s, "%d.%d", &a, &b) == 2) {
			*major = a;
			*minor = b;
			return 0;
		}
	}
	return -1;
}

/* Copies src into dst[len], cut to fit and always terminated. */
void qemu_copy(char *dst, size_t len, const char *src)
{
	if (!len)
		return;
	size_t n = src ? strnlen(src, len - 1) : 0;
	if (n)
		memmove(dst, src, n);
	dst[n] = '\0';
}

void qemu_set_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	if (!err || !errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}
