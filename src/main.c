/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * main.c - the command line: options, then one of the modes.
 *
 *   stpwatch -r FILE...          report: ports, BPDUs, findings
 *   stpwatch -r FILE... --bpdus  one line (or JSON object) per BPDU
 *   stpwatch -r FILE... --check  one monitoring-plugin line, exit 0/1/2/3
 */
#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "live.h"
#include "log.h"
#include "offline.h"
#include "privs.h"
#include "stpwatch/config.h"
#include "stpwatch/json.h"
#include "stpwatch/report.h"

#define EXIT_USAGE 2
#define MAX_SOURCES 256
#define MAX_IFNAMES 4096

struct options {
	struct offline_input inputs[MAX_SOURCES];
	unsigned n_inputs;
	struct ifindex_name ifnames[MAX_IFNAMES];
	char ifname_bridge[MAX_IFNAMES][64];
	unsigned n_ifnames;
	bool bpdus;
	bool json;
	bool check;
	bool report;
	bool daemon;
	bool repair;
	struct live_options live;
	const char *config_file;     /* -f, or NULL for the default */
	const char *taps;            /* --taps */
	const char *snaplen;         /* -s */
	const char *buffer_size;     /* -B */
	struct stpwatch_config cfg;
};

#define DEFAULT_CONFIG "/etc/stpwatch.conf"
#define MAX_CONFIG_BYTES (1 << 20)

static const char *progname = "stpwatch";

static void usage(FILE *to)
{
	fprintf(to,
		"Usage: %s [-i PORT|BRIDGE ...] [--check | --report | --bpdus | --daemon] [-j]\n"
		"       %s -r [[BRIDGE/]PORT=]FILE [-r ...] [--check | --bpdus] [-j]\n"
		"       %s -V | -h\n"
		"\n"
		"Finds spanning-tree trouble on Linux bridges and KVM/QEMU hosts.  Without -r it\n"
		"watches this host: the curses view, or one of --check, --report, --bpdus, --daemon.\n"
		"\n"
		"  -i, --interface NAME  watch only this port, or the ports of this bridge\n"
		"                       (repeatable, globs allowed; default: every bridge port)\n"
		"      --window SECONDS how long --check and --report sample (default: two\n"
		"                       hello times and a second)\n"
		"  -t, --timeout SECONDS give up after this long (--check: UNKNOWN)\n"
		"  -w, --warning RANGE  --check: WARNING when the count of warning findings is\n"
		"                       outside RANGE (monitoring-plugin syntax; default 0)\n"
		"  -c, --critical RANGE --check: CRITICAL likewise for critical findings\n"
		"      --report         sample for the window and print the report\n"
		"      --daemon         keep watching: log findings to syslog, write metrics\n"
		"      --repair         show how each VM whose NICs share a hub would be restarted\n"
		"                       with its corrected command line; --yes does it\n"
		"      --yes            carry the repair out\n"
		"      --force          may stop a guest that ignores the power button\n"
		"      --auto           keep watching and repair new critical shared hubs (with --yes)\n"
		"      --pid PID        repair only this VM\n"
		"      --shutdown-timeout SECONDS\n"
		"                       wait this long for a guest to power off (default 300)\n"
		"  -r, --read [[BRIDGE/]PORT=]FILE\n"
		"                       read a pcap or pcapng capture ('-' for stdin) taken on\n"
		"                       PORT (default: the file's base name), a port of BRIDGE.\n"
		"                       Repeat to merge captures in time order.\n"
		"      --ifmap IFINDEX=[BRIDGE/]NAME[,...]\n"
		"                       names for the interface indexes of 'tcpdump -i any'\n"
		"                       captures (Linux cooked v2)\n"
		"      --taps GLOBS     which port names are VM taps (default \"tap*,vnet*\")\n"
		"  -s, --snapshot-length SNAPLEN\n"
		"                       live: keep SNAPLEN octets of each frame (default 1536,\n"
		"                       a whole BPDU; 0: 262144); cut BPDUs count as truncated\n"
		"  -B, --buffer-size KiB live: kernel capture buffer per port (default: 16 MiB\n"
		"                       shared by the ports, 16 KiB to 4 MiB each); frames lost\n"
		"                       when it is full are counted and shown as dropped\n"
		"  -f, --config FILE    settings file (default " DEFAULT_CONFIG ", if present)\n"
		"  -Z, --user USER      with -r: become USER once the captures are open\n"
		"      --check          print one monitoring-plugin line and exit 0 OK,\n"
		"                       1 WARNING, 2 CRITICAL, 3 UNKNOWN\n"
		"      --bpdus          print one line per BPDU instead of the report\n"
		"  -j, --json           JSON output (JSON Lines with --bpdus)\n"
		"  -V, --version        print the version and exit\n"
		"  -h, --help           print this help and exit\n",
		progname, progname, progname);
}

/*
 * "br0/tap10=cap.pcap" names the port and its bridge; "tap10=cap.pcap" the
 * port; a plain path is labelled by its base name.  A '/' cannot occur in a
 * Linux interface name, so it separates bridge and port unambiguously.
 */
static int add_input(struct options *o, const char *arg)
{
	if (o->n_inputs == MAX_SOURCES) {
		fprintf(stderr, "%s: too many -r options (at most %d)\n", progname, MAX_SOURCES);
		return -1;
	}
	struct offline_input *in = &o->inputs[o->n_inputs];
	memset(in, 0, sizeof(*in));
	const char *eq = strchr(arg, '=');
	if (eq && eq != arg && eq[1] != '\0' && memchr(arg, '.', (size_t)(eq - arg)) == NULL &&
	    (eq - arg) < 128) {
		const char *slash = memchr(arg, '/', (size_t)(eq - arg));
		if (slash) {
			in->bridge = strndup(arg, (size_t)(slash - arg));
			in->label = strndup(slash + 1, (size_t)(eq - slash - 1));
		} else {
			in->label = strndup(arg, (size_t)(eq - arg));
		}
		in->path = strdup(eq + 1);
		in->label_explicit = true;
		if (!in->label || !in->label[0] || (slash && !in->bridge[0])) {
			fprintf(stderr, "%s: bad -r argument '%s': want [BRIDGE/]PORT=FILE\n",
				progname, arg);
			return -1;
		}
	} else {
		in->path = strdup(arg);
		char *copy = strdup(arg);
		if (copy) {
			char *base = basename(copy);
			char *dot = strrchr(base, '.');
			if (dot && dot != base)
				*dot = '\0';
			in->label = strdup(strcmp(arg, "-") == 0 ? "stdin" : base);
			free(copy);
		}
	}
	if (!in->path || !in->label) {
		fprintf(stderr, "%s: out of memory\n", progname);
		return -1;
	}
	o->n_inputs++;
	return 0;
}

/* --ifmap 5=tap10,7=br0/tap11 */
static int add_ifmap(struct options *o, const char *arg)
{
	char *copy = strdup(arg), *save = NULL;
	int rc = 0;
	if (!copy)
		return -1;
	for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(tok, '=');
		char *end = NULL;
		long idx = eq ? strtol(tok, &end, 10) : -1;
		if (!eq || end != eq || idx < 0 || idx > 0x7fffffff || !eq[1] ||
		    o->n_ifnames == MAX_IFNAMES) {
			fprintf(stderr, "%s: bad --ifmap entry '%s': want IFINDEX=[BRIDGE/]NAME\n",
				progname, tok);
			rc = -1;
			break;
		}
		const char *name = eq + 1;
		char *slash = strchr(name, '/');
		unsigned k = o->n_ifnames++;
		o->ifnames[k].ifindex = (int)idx;
		o->ifname_bridge[k][0] = '\0';
		if (slash) {
			snprintf(o->ifname_bridge[k], sizeof(o->ifname_bridge[k]), "%.*s",
				 (int)(slash - name), name);
			name = slash + 1;
		}
		snprintf(o->ifnames[k].name, sizeof(o->ifnames[k].name), "%s", name);
	}
	free(copy);
	return rc;
}

/*
 * The settings file: -f names one that must exist; the default is read
 * when it is there.  Returns false after saying what is wrong.
 */
static bool load_config(struct options *o)
{
	const char *path = o->config_file ? o->config_file : DEFAULT_CONFIG;
	FILE *fp = fopen(path, "r");
	if (!fp) {
		if (!o->config_file && errno == ENOENT)
			return true;
		fprintf(stderr, "%s: %s: %s\n", progname, path, strerror(errno));
		return false;
	}
	char *text = malloc(MAX_CONFIG_BYTES + 1);
	size_t n = text ? fread(text, 1, MAX_CONFIG_BYTES + 1, fp) : 0;
	bool ok = text && !ferror(fp) && n <= MAX_CONFIG_BYTES;
	fclose(fp);
	char err[300] = "cannot read it";
	if (ok)
		ok = config_parse(&o->cfg, text, n, err, sizeof(err));
	free(text);
	if (!ok)
		fprintf(stderr, "%s: %s:%s\n", progname, path, err);
	return ok;
}

static const char *switch_user;   /* -Z */
static bool privs_failed;

/* Reading captures needs no privilege at all once the files are open. */
static void drop_all_privileges(void)
{
	char err[256];
	int rc = switch_user ? privs_switch_user(switch_user, NULL, 0, err, sizeof(err))
			     : (geteuid() == 0 ? privs_keep(NULL, 0, err, sizeof(err)) : 0);
	if (rc < 0) {
		fprintf(stderr, "%s: %s\n", progname, err);
		privs_failed = true;
		exit(EXIT_FAILURE);
	}
}

static void flush_out(struct sbuf *out)
{
	if (out->len) {
		fwrite(out->buf, 1, out->len, stdout);
		sbuf_reset(out);
	}
}

/* What the command line says about ports: their bridges, before any frame. */
static void tell_engine_about_ports(struct engine *e, const struct options *o)
{
	for (unsigned i = 0; i < o->n_inputs; i++) {
		const struct offline_input *in = &o->inputs[i];
		if (!in->bridge)
			continue;
		struct port_info pi;
		memset(&pi, 0, sizeof(pi));
		snprintf(pi.name, sizeof(pi.name), "%s", in->label);
		snprintf(pi.bridge, sizeof(pi.bridge), "%s", in->bridge);
		pi.ifindex = -1;
		pi.state = PORT_STATE_UNKNOWN;
		engine_port(e, &pi, 0);
	}
	for (unsigned i = 0; i < o->n_ifnames; i++) {
		if (!o->ifname_bridge[i][0])
			continue;
		struct port_info pi;
		memset(&pi, 0, sizeof(pi));
		snprintf(pi.name, sizeof(pi.name), "%s", o->ifnames[i].name);
		snprintf(pi.bridge, sizeof(pi.bridge), "%s", o->ifname_bridge[i]);
		pi.ifindex = o->ifnames[i].ifindex;
		pi.state = PORT_STATE_UNKNOWN;
		engine_port(e, &pi, 0);
	}
}

static void write_json_report(struct sbuf *out, const struct options *o,
			      struct pipeline *pl, struct engine *e)
{
	struct json j;
	json_init(&j, out, true);
	json_object_begin(&j, NULL);
	json_string(&j, "version", STPWATCH_VERSION);
	json_array_begin(&j, "inputs");
	for (unsigned i = 0; i < o->n_inputs; i++) {
		const struct offline_input *in = &o->inputs[i];
		json_object_begin(&j, NULL);
		json_string(&j, "path", in->path);
		json_string(&j, "label", in->label);
		if (in->bridge)
			json_string(&j, "bridge", in->bridge);
		json_uint(&j, "records", in->records);
		json_bool(&j, "complete", !in->failed);
		if (in->failed)
			json_string(&j, "error", in->error);
		json_object_end(&j);
	}
	json_array_end(&j);
	portstats_print_json(&j, &pl->stats);
	report_findings_json(&j, e);
	json_object_end(&j);
	sbuf_putc(out, '\n');
}

static int run_offline(struct options *o)
{
	struct sbuf out;
	struct pipeline pl;
	struct engine *engine = NULL;

	sbuf_init(&out);
	if (!o->bpdus) {
		engine = engine_new(&o->cfg.engine);
		if (!engine) {
			fprintf(stderr, "%s: out of memory\n", progname);
			return o->check ? CHECK_UNKNOWN : EXIT_FAILURE;
		}
		tell_engine_about_ports(engine, o);
	}
	pipeline_init(&pl, !o->bpdus ? BPDU_OUTPUT_NONE :
		      o->json ? BPDU_OUTPUT_JSON : BPDU_OUTPUT_TEXT, &out, engine);
	pl.ifnames = o->ifnames;
	pl.n_ifnames = o->n_ifnames;

	offline_opened_hook = drop_all_privileges;
	unsigned failed = offline_run(o->inputs, o->n_inputs, &pl, flush_out);

	int status = failed ? EXIT_FAILURE : EXIT_SUCCESS;
	if (o->check) {
		char reason[160] = "";
		for (unsigned i = 0; i < o->n_inputs && !reason[0]; i++)
			if (o->inputs[i].failed)
				snprintf(reason, sizeof(reason), "could not read %s", o->inputs[i].path);
		if (o->json)
			write_json_report(&out, o, &pl, engine);
		struct sbuf line;
		sbuf_init(&line);
		status = report_check_line(&line, engine, &pl.stats, reason[0] ? reason : NULL);
		if (!o->json)
			sbuf_write(&out, line.buf, line.len);
		sbuf_free(&line);
	} else if (!o->bpdus) {
		if (o->json) {
			write_json_report(&out, o, &pl, engine);
		} else {
			portstats_print_text(&out, &pl.stats);
			report_findings_text(&out, engine);
		}
	}
	flush_out(&out);
	if (sbuf_failed(&out)) {
		fprintf(stderr, "%s: out of memory while writing output\n", progname);
		status = o->check ? CHECK_UNKNOWN : EXIT_FAILURE;
	}
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "%s: writing output: %s\n", progname, strerror(errno));
		status = o->check ? CHECK_UNKNOWN : EXIT_FAILURE;
	}
	for (unsigned i = 0; i < o->n_inputs; i++) {
		struct offline_input *in = &o->inputs[i];
		if (in->failed)
			fprintf(stderr, "%s: %s\n", progname, in->error);
		free(in->path);
		free(in->label);
		free(in->bridge);
	}
	pipeline_free(&pl);
	engine_free(engine);
	sbuf_free(&out);
	return status;
}

int main(int argc, char **argv)
{
	static struct options opts;
	enum { OPT_BPDUS = 256, OPT_CHECK, OPT_IFMAP, OPT_TAPS, OPT_WINDOW, OPT_REPORT, OPT_DAEMON,
	       OPT_REPAIR, OPT_YES, OPT_FORCE, OPT_AUTO, OPT_PID, OPT_SHUTDOWN_TIMEOUT };
	char err[300];
	static const struct option longopts[] = {
		{ "read", required_argument, NULL, 'r' },
		{ "bpdus", no_argument, NULL, OPT_BPDUS },
		{ "check", no_argument, NULL, OPT_CHECK },
		{ "ifmap", required_argument, NULL, OPT_IFMAP },
		{ "taps", required_argument, NULL, OPT_TAPS },
		{ "snapshot-length", required_argument, NULL, 's' },
		{ "buffer-size", required_argument, NULL, 'B' },
		{ "config", required_argument, NULL, 'f' },
		{ "user", required_argument, NULL, 'Z' },
		{ "interface", required_argument, NULL, 'i' },
		{ "window", required_argument, NULL, OPT_WINDOW },
		{ "timeout", required_argument, NULL, 't' },
		{ "warning", required_argument, NULL, 'w' },
		{ "critical", required_argument, NULL, 'c' },
		{ "report", no_argument, NULL, OPT_REPORT },
		{ "daemon", no_argument, NULL, OPT_DAEMON },
		{ "repair", no_argument, NULL, OPT_REPAIR },
		{ "yes", no_argument, NULL, OPT_YES },
		{ "force", no_argument, NULL, OPT_FORCE },
		{ "auto", no_argument, NULL, OPT_AUTO },
		{ "pid", required_argument, NULL, OPT_PID },
		{ "shutdown-timeout", required_argument, NULL, OPT_SHUTDOWN_TIMEOUT },
		{ "json", no_argument, NULL, 'j' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;
	bool bad = false;

	config_defaults(&opts.cfg);
	/* A usage error is UNKNOWN for a monitoring check: look for --check first. */
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "--check") == 0)
			opts.check = true;
	int usage_exit = opts.check ? CHECK_UNKNOWN : EXIT_USAGE;

	while ((ch = getopt_long(argc, argv, "r:f:i:t:w:c:Z:s:B:jVh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'r':
			bad |= add_input(&opts, optarg) < 0;
			break;
		case OPT_BPDUS:
			opts.bpdus = true;
			break;
		case OPT_CHECK:
			opts.check = true;
			break;
		case OPT_IFMAP:
			bad |= add_ifmap(&opts, optarg) < 0;
			break;
		case OPT_TAPS:
			opts.taps = optarg;
			break;
		case 's':
			opts.snaplen = optarg;
			break;
		case 'B':
			opts.buffer_size = optarg;
			break;
		case 'f':
			opts.config_file = optarg;
			break;
		case 'Z':
			switch_user = optarg;
			break;
		case 'i':
			if (opts.live.n_ifaces == LIVE_MAX_IFACES) {
				fprintf(stderr, "%s: too many -i options\n", progname);
				bad = true;
			} else {
				opts.live.ifaces[opts.live.n_ifaces++] = optarg;
			}
			break;
		case OPT_WINDOW:
		case 't': {
			char *end;
			double v = strtod(optarg, &end);
			if (end == optarg || *end || !(v > 0) || v > 86400) {
				fprintf(stderr, "%s: %s wants seconds, not '%s'\n", progname,
					ch == 't' ? "-t" : "--window", optarg);
				bad = true;
			} else if (ch == 't') {
				opts.live.timeout = v;
			} else {
				opts.live.window = v;
			}
			break;
		}
		case 'w':
		case 'c':
			if (!check_range_parse(optarg, ch == 'w' ? &opts.live.thresholds.warning :
						&opts.live.thresholds.critical)) {
				fprintf(stderr, "%s: -%c: bad range '%s' (e.g. 0, 5, 2:10, @1:3)\n",
					progname, ch, optarg);
				bad = true;
			}
			break;
		case OPT_REPORT:
			opts.report = true;
			break;
		case OPT_DAEMON:
			opts.daemon = true;
			break;
		case OPT_REPAIR:
			opts.repair = true;
			break;
		case OPT_YES:
			opts.live.yes = true;
			break;
		case OPT_FORCE:
			opts.live.force = true;
			break;
		case OPT_AUTO:
			opts.live.repair_auto = true;
			break;
		case OPT_PID: {
			char *end;
			long v = strtol(optarg, &end, 10);
			if (end == optarg || *end || v <= 0 || v > 0x3fffffff) {
				fprintf(stderr, "%s: --pid wants a process id, not '%s'\n", progname, optarg);
				bad = true;
			}
			opts.live.repair_pid = (int)v;
			break;
		}
		case OPT_SHUTDOWN_TIMEOUT: {
			char err2[200];
			if (!config_set(&opts.cfg, "shutdown_timeout", optarg, err2, sizeof(err2))) {
				fprintf(stderr, "%s: --shutdown-timeout: %s\n", progname, err2);
				bad = true;
			}
			break;
		}
		case 'j':
			opts.json = true;
			break;
		case 'V':
			printf("stpwatch %s\n", STPWATCH_VERSION);
			return EXIT_SUCCESS;
		case 'h':
			usage(stdout);
			return EXIT_SUCCESS;
		default:
			/* getopt_long has said what was wrong. */
			fprintf(stderr, "Try '%s --help' for more information.\n", progname);
			return usage_exit;
		}
	}
	if (bad || !load_config(&opts))
		return usage_exit;
	/* Command-line options win over the file. */
	if (opts.taps && !config_set(&opts.cfg, "taps", opts.taps, err, sizeof(err))) {
		fprintf(stderr, "%s: --taps: %s\n", progname, err);
		return usage_exit;
	}
	if (opts.snaplen && !config_set(&opts.cfg, "snaplen", opts.snaplen, err, sizeof(err))) {
		fprintf(stderr, "%s: -s: %s\n", progname, err);
		return usage_exit;
	}
	if (opts.buffer_size &&
	    !config_set(&opts.cfg, "buffer_size", opts.buffer_size, err, sizeof(err))) {
		fprintf(stderr, "%s: -B: %s\n", progname, err);
		return usage_exit;
	}
	if (optind < argc) {
		fprintf(stderr, "%s: unexpected argument '%s' (see '%s --help')\n",
			progname, argv[optind], progname);
		return usage_exit;
	}
	if (opts.check + opts.bpdus + opts.report + opts.daemon + opts.repair > 1) {
		fprintf(stderr, "%s: --check, --report, --bpdus, --daemon and --repair do not go "
			"together\n", progname);
		return usage_exit;
	}
	if ((opts.live.yes || opts.live.force || opts.live.repair_auto || opts.live.repair_pid) &&
	    !opts.repair) {
		fprintf(stderr, "%s: --yes, --force, --auto and --pid go with --repair\n", progname);
		return usage_exit;
	}
	if (opts.live.repair_auto && !opts.live.yes) {
		fprintf(stderr, "%s: --repair --auto changes VMs unattended: it needs --yes\n", progname);
		return usage_exit;
	}
	if (opts.n_inputs > 0) {
		if (opts.live.n_ifaces || opts.daemon || opts.report || opts.repair ||
		    opts.snaplen || opts.buffer_size) {
			fprintf(stderr, "%s: -i, -s, -B, --report and --daemon watch the host; "
				"they do not go with -r\n", progname);
			return usage_exit;
		}
		return run_offline(&opts);
	}
	opts.live.cfg = &opts.cfg;
	opts.live.json = opts.json;
	opts.live.proc_root = "/proc";
	if (opts.check)
		opts.live.mode = LIVE_CHECK;
	else if (opts.bpdus)
		opts.live.mode = LIVE_BPDUS;
	else if (opts.daemon)
		opts.live.mode = LIVE_DAEMON;
	else if (opts.repair)
		opts.live.mode = LIVE_REPAIR;
	else if (opts.report || opts.json)
		opts.live.mode = LIVE_REPORT;
	else if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(stderr, "%s: the live view needs a terminal; use --report, --check or "
			"-r FILE (see '%s --help')\n", progname, progname);
		return usage_exit;
	} else
		opts.live.mode = LIVE_VIEW;
	return live_run(&opts.live);
}
