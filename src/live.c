/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * live.c - the live loop.  One thread, one poll(): the netlink socket, one
 * capture handle per bridge port, the terminal in view mode, and a
 * one-second tick that ages the engine's windows, refreshes bridge state
 * (the kernel does not announce root changes) and rescans the VMs.
 */
#include <errno.h>
#include <fnmatch.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>
#include <linux/capability.h>

#include "clock.h"
#include "live.h"
#include "livecap.h"
#include "log.h"
#include "nlbridge.h"
#include "privs.h"
#include "repair.h"
#include "stpwatch/json.h"
#include "stpwatch/metrics.h"
#include "stpwatch/names.h"
#include "stpwatch/pipeline.h"
#include "tui.h"
#include "vmwatch.h"

/*
 * Kernel rings: a budget shared by all ports, each ring between 16 KiB and 4
 * MiB.  Only BPDUs and broadcasts pass the filter, a few per second on a
 * quiet port; 16 KiB still holds a burst of a dozen full-size frames, and a
 * thousand ports stay within the budget.  Drops are counted and shown.
 */
#define CAPTURE_BUDGET   (16 * 1024 * 1024)
#define CAPTURE_MIN      (16 * 1024)
#define CAPTURE_MAX      (4 * 1024 * 1024)
#define DISPATCH_BUDGET  512            /* frames per port per wakeup */
#define EARLY_TICK_SECONDS 0.2          /* the soonest a tick follows the last on new evidence */
#define REFRESH_SECONDS  5.0            /* netlink refresh (root changes are not announced) */
#define VM_RESCAN_SECONDS 30.0          /* /proc rescan; taps coming and going trigger one at once */
#define MAX_POLLFDS      (LIVE_MAX_IFACES * 8 + 4096)
#define MAX_FIXES        256

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

struct live {
	const struct live_options *o;
	struct engine *engine;
	struct nlbridge *nl;
	struct livecap *cap;
	struct vmwatch *vms;
	struct pipeline pl;
	struct sbuf out;
	struct tui *tui;
	const char *stage;            /* for -t: what we were doing */
	bool dumping;                 /* first dump: ports are opened after it, sized by count */
	bool sealed;                  /* --check: every capability dropped once all was open */
	uint64_t received;            /* frames captured, as last read with the drops */
	uint64_t drops;               /* capture drops, as last read from pcap_stats */
	uint64_t bpdu_drops;          /* of those, in the BPDU rings: evidence lost */
	double max_hello;             /* seconds, from the bridges seen */
	unsigned bridges;
	unsigned capture_errors;
	/* Bridges deleted while watching (the engine keeps them, marked gone). */
	char gone_bridges[64][64];
	unsigned n_gone_bridges;
	uint64_t drops_logged;        /* daemon: drops already reported */
	bool timed_out;               /* -t ran out (a duration for --bpdus and --daemon) */
	bool rescan_vms;              /* a new tap appeared */
	char last_error[256];
	struct vm_fix fixes[MAX_FIXES];
	unsigned n_fixes;
	/* daemon: findings already logged, as "kind subject severity" lines */
	char *logged;
	/* --repair --auto: when each VM was last repaired */
	int repaired_pid[64];
	double repaired_at[64];
	unsigned n_repaired;
	int repair_status;
};

/* -i names ports or bridges (globs allowed); without -i every bridge port is watched. */
static bool selected(const struct live_options *o, const char *port, const char *bridge)
{
	if (o->n_ifaces == 0)
		return true;
	for (unsigned i = 0; i < o->n_ifaces; i++)
		if (fnmatch(o->ifaces[i], port, 0) == 0 || (bridge && fnmatch(o->ifaces[i], bridge, 0) == 0))
			return true;
	return false;
}

/* Keeps the list of bridges gone (and back) that present_bridges() needs. */
static void note_bridge(struct live *lv, const char *name, bool gone)
{
	for (unsigned i = 0; i < lv->n_gone_bridges; i++)
		if (strcmp(lv->gone_bridges[i], name) == 0) {
			if (!gone)
				memcpy(lv->gone_bridges[i], lv->gone_bridges[--lv->n_gone_bridges],
				       sizeof(lv->gone_bridges[i]));
			return;
		}
	if (gone && lv->n_gone_bridges < sizeof(lv->gone_bridges) / sizeof(lv->gone_bridges[0]))
		snprintf(lv->gone_bridges[lv->n_gone_bridges++], sizeof(lv->gone_bridges[0]), "%s", name);
}

static bool bridge_is_gone(const struct live *lv, const char *name)
{
	for (unsigned i = 0; i < lv->n_gone_bridges; i++)
		if (strcmp(lv->gone_bridges[i], name) == 0)
			return true;
	return false;
}

static unsigned present_bridges(const struct live *lv)
{
	unsigned n = engine_bridge_count(lv->engine);
	return n > lv->n_gone_bridges ? n - lv->n_gone_bridges : 0;
}

static void on_netlink(const struct nlbridge_event *ev, void *ctx)
{
	struct live *lv = ctx;
	double now = clock_real();
	nlbridge_apply(lv->engine, ev, now);
	switch (ev->type) {
	case NLBRIDGE_EV_BRIDGE: {
		note_bridge(lv, ev->bridge.name, false);
		double hello = ev->bridge.hello_time / 256.0;
		if (hello > lv->max_hello)
			lv->max_hello = hello;
		break;
	}
	case NLBRIDGE_EV_PORT:
		/* A tap that changed (carrier: a VM started or stopped) may have a new owner. */
		if (ev->port.kind == PORT_KIND_TAP && !lv->sealed)
			lv->rescan_vms = true;
		if (!lv->dumping && !lv->sealed && !livecap_has(lv->cap, ev->port.name) &&
		    selected(lv->o, ev->port.name, ev->port.bridge)) {
			char err[512];
			int rc = livecap_add(lv->cap, ev->port.name, err, sizeof(err));
			if (rc == LIVECAP_NOT_NOW) {
				/* Not up yet (a new tap), or gone already: its next event says. */
			} else if (rc < 0) {
				lv->capture_errors++;
				snprintf(lv->last_error, sizeof(lv->last_error), "%s", err);
				log_msg(LOG_LEVEL_WARNING, "cannot capture on %s", err);
			} else if (ev->port.kind == PORT_KIND_TAP) {
				lv->rescan_vms = true;
			}
		}
		break;
	case NLBRIDGE_EV_PORT_GONE:
		if (livecap_has(lv->cap, ev->port.name)) {
			log_msg(LOG_LEVEL_INFO, "port %s left bridge %s (deleted or released): "
				"capture stopped", ev->port.name, ev->port.bridge[0] ? ev->port.bridge : "?");
			livecap_remove(lv->cap, ev->port.name);
		}
		lv->rescan_vms = true;
		break;
	case NLBRIDGE_EV_BRIDGE_GONE:
		log_msg(LOG_LEVEL_WARNING, "bridge %s was deleted", ev->bridge.name);
		note_bridge(lv, ev->bridge.name, true);
		break;
	case NLBRIDGE_EV_RESYNC:
		log_msg(LOG_LEVEL_WARNING, "netlink: %s; state read again", ev->reason ? ev->reason : "events lost");
		break;
	default:
		break;
	}
}

/* After the first dump: every selected port, each ring sized from the budget. */
static void open_captures(struct live *lv)
{
	unsigned n = 0;
	for (unsigned i = 0; i < engine_port_count(lv->engine); i++) {
		const struct port_info *p = engine_port_at(lv->engine, i);
		if (p->bridge[0] && selected(lv->o, p->name, p->bridge))
			n++;
	}
	int size = n ? CAPTURE_BUDGET / (int)n : CAPTURE_MAX;
	size = size < CAPTURE_MIN ? CAPTURE_MIN : size > CAPTURE_MAX ? CAPTURE_MAX : size;
	if (lv->o->cfg->buffer_size)     /* -B */
		size = (int)lv->o->cfg->buffer_size * 1024;
	livecap_set_buffer(lv->cap, size);
	for (unsigned i = 0; i < engine_port_count(lv->engine); i++) {
		const struct port_info *p = engine_port_at(lv->engine, i);
		char err[512];
		if (!p->bridge[0] || !selected(lv->o, p->name, p->bridge) || livecap_has(lv->cap, p->name))
			continue;
		int rc = livecap_add(lv->cap, p->name, err, sizeof(err));
		if (rc < 0 && rc != LIVECAP_NOT_NOW) {   /* a port down is opened when it comes up */
			lv->capture_errors++;
			snprintf(lv->last_error, sizeof(lv->last_error), "%s", err);
			log_msg(LOG_LEVEL_WARNING, "cannot capture on %s", err);
		}
	}
}

/*
 * -i names that select nothing after the first dump: a typo, or a VM not
 * started yet.  Returns false with lv->last_error saying which.
 */
static bool check_selection(struct live *lv, bool at_end)
{
	const struct live_options *o = lv->o;
	char missing[160] = "";
	size_t len = 0;
	for (unsigned k = 0; k < o->n_ifaces; k++) {
		bool hit = false;
		for (unsigned i = 0; i < engine_bridge_count(lv->engine) && !hit; i++) {
			const char *name = engine_bridge_at(lv->engine, i)->name;
			hit = fnmatch(o->ifaces[k], name, 0) == 0 && !bridge_is_gone(lv, name);
		}
		for (unsigned i = 0; i < engine_port_count(lv->engine) && !hit; i++) {
			struct port_view v;
			hit = engine_port_view(lv->engine, i, &v) && v.present && v.info->bridge[0] &&
			      fnmatch(o->ifaces[k], v.info->name, 0) == 0;
		}
		if (!hit && len < sizeof(missing))
			len += (size_t)snprintf(missing + len, sizeof(missing) - len, "%s%s",
						len ? ", " : "", o->ifaces[k]);
	}
	if (!missing[0])
		return true;
	snprintf(lv->last_error, sizeof(lv->last_error), "-i %.160s: no such bridge or bridge port%s",
		 missing, at_end ? " any more" : "");
	return false;
}

static void on_frame(void *ctx, const char *ifname, const struct cap_record *rec)
{
	struct live *lv = ctx;
	struct record_origin origin = { .label = ifname, .label_explicit = true, .number = 0 };
	pipeline_feed(&lv->pl, rec, &origin);
}

static void on_port_gone(void *ctx, const char *ifname, const char *why)
{
	struct live *lv = ctx;
	/* A VM stopped and its tap went, or a port was deleted: keep going. */
	log_msg(LOG_LEVEL_INFO, "capture on %s ended: %s", ifname, why);
	engine_port_gone(lv->engine, ifname, clock_real());
	lv->rescan_vms = true;
}

/* The capture's totals, ports gone since included, read again (pcap_stats). */
static void update_drops(struct live *lv)
{
	livecap_totals(lv->cap, &lv->received, &lv->drops, &lv->bpdu_drops);
	engine_set_capture_drops(lv->engine, lv->drops);
}

static void rescan_vms(struct live *lv)
{
	char err[256];
	lv->stage = "tap scan";
	if (vmwatch_scan(lv->vms, lv->engine, clock_real(), err, sizeof(err)) < 0)
		log_msg(LOG_LEVEL_WARNING, "cannot scan processes: %s", err);
	lv->n_fixes = vmwatch_fixes(lv->vms, lv->fixes, MAX_FIXES);
	lv->rescan_vms = false;
}

/*
 * Under systemd standard error is the journal already (JOURNAL_STREAM is
 * set); elsewhere the line goes to syslog and to standard error.
 */
static void daemon_log(int prio, const char *text)
{
	if (!getenv("JOURNAL_STREAM"))
		syslog(prio, "%s", text);
	fprintf(stderr, "stpwatch: %s\n", text);
}

/* Daemon: one log line per new, changed or cleared finding. */
static void log_changes(struct live *lv)
{
	const struct finding_list *l = engine_findings(lv->engine);
	struct sbuf now;
	sbuf_init(&now);
	for (unsigned i = 0; i < l->n; i++) {
		const struct finding *f = &l->items[i];
		char line[512];
		char pid[32] = "";
		if (f->vm_pid)
			snprintf(pid, sizeof(pid), " pid %d", f->vm_pid);
		snprintf(line, sizeof(line), "%s %s [%s]%s", finding_kind_name(f->kind), f->subject,
			 severity_name(f->severity), pid);
		sbuf_printf(&now, "%s\n", line);
		if (!lv->logged || !strstr(lv->logged, line)) {
			int prio = f->severity == SEVERITY_CRITICAL ? LOG_CRIT :
				   f->severity == SEVERITY_WARNING ? LOG_WARNING : LOG_INFO;
			/* The VM's name is as its command line has it: escaped here. */
			struct sbuf vm;
			sbuf_init(&vm);
			if (f->vm_pid)
				escape_text(&vm, (const uint8_t *)f->vm_name, sizeof(f->vm_name));
			char text[600];
			snprintf(text, sizeof(text), "%s %s: %s%s%s%s%s", severity_name(f->severity),
				 finding_kind_name(f->kind), f->subject, f->vm_pid ? " (VM " : "",
				 sbuf_str(&vm), pid, f->vm_pid ? ")" : "");
			sbuf_free(&vm);
			daemon_log(prio, text);
		}
	}
	/* Cleared: lines logged before that are not there now. */
	for (const char *p = lv->logged; p && *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		char line[512];
		snprintf(line, sizeof(line), "%.*s", (int)len, p);
		if (!strstr(sbuf_str(&now), line)) {
			char text[600];
			snprintf(text, sizeof(text), "cleared: %s", line);
			daemon_log(LOG_NOTICE, text);
		}
		p += len + (nl ? 1 : 0);
	}
	free(lv->logged);
	lv->logged = now.len ? strdup(sbuf_str(&now)) : NULL;
	sbuf_free(&now);
}

/* The Prometheus textfile, written to a temporary file and renamed. */
static void write_metrics(struct live *lv, const char *path)
{
	struct livecap_port_stats st[LIVE_MAX_IFACES * 4];
	struct metrics_capture mc[LIVE_MAX_IFACES * 4];
	unsigned n = livecap_stats(lv->cap, st, sizeof(st) / sizeof(st[0]));
	for (unsigned i = 0; i < n; i++)
		mc[i] = (struct metrics_capture){ st[i].ifname, st[i].received, st[i].dropped,
						  st[i].ifdropped };
	struct sbuf text;
	sbuf_init(&text);
	metrics_write(&text, lv->engine, &lv->pl.stats, mc, n, clock_real());
	char tmp[4096 + 16];
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	FILE *fp = fopen(tmp, "w");
	bool ok = fp && fwrite(text.buf, 1, text.len, fp) == text.len;
	if (fp && fclose(fp) != 0)
		ok = false;
	if (!ok || rename(tmp, path) != 0) {
		log_msg(LOG_LEVEL_ERROR, "cannot write metrics to %s: %s", path, strerror(errno));
		unlink(tmp);
	}
	sbuf_free(&text);
}

static void flush_out(struct sbuf *out)
{
	if (out->len) {
		fwrite(out->buf, 1, out->len, stdout);
		fflush(stdout);
		sbuf_reset(out);
	}
}

static void tui_log_sink(void *ctx, enum log_level level, const char *msg)
{
	(void)level;
	tui_message(ctx, msg);
}

static void repair_options_from(const struct live *lv, struct repair_options *ro, bool dry)
{
	memset(ro, 0, sizeof(*ro));
	ro->state_dir = lv->o->cfg->state_dir;
	ro->shutdown_timeout = lv->o->cfg->shutdown_timeout;
	ro->verify_timeout = 30.0;
	ro->force = lv->o->force;
	ro->dry_run = dry;
}

/* The VMs the shared-hub findings name (each once), filtered by --pid. */
static unsigned repair_targets(struct live *lv, int *pids, unsigned max, bool critical_only)
{
	const struct finding_list *l = engine_findings(lv->engine);
	unsigned n = 0;
	for (unsigned i = 0; i < l->n && n < max; i++) {
		const struct finding *f = &l->items[i];
		if (f->kind != FINDING_SHARED_HUB || !f->vm_pid ||
		    (critical_only && f->severity != SEVERITY_CRITICAL) ||
		    (lv->o->repair_pid && f->vm_pid != lv->o->repair_pid))
			continue;
		bool dup = false;
		for (unsigned k = 0; k < n; k++)
			dup |= pids[k] == f->vm_pid;
		if (!dup)
			pids[n++] = f->vm_pid;
	}
	return n;
}

/* --repair: print each plan; with --yes carry it out.  Returns the exit status. */
static int do_repairs(struct live *lv, bool critical_only)
{
	int pids[64], status = 0;
	unsigned n = repair_targets(lv, pids, 64, critical_only);
	struct repair_options ro;
	repair_options_from(lv, &ro, !lv->o->yes);
	struct json j;
	if (lv->o->json) {
		json_init(&j, &lv->out, true);
		json_object_begin(&j, NULL);
		json_array_begin(&j, "repairs");
	}
	if (n == 0 && !lv->o->json)
		sbuf_printf(&lv->out, "No VM to repair: no shared-hub finding%s.\n",
			    lv->o->repair_pid ? " for that pid" : "");
	for (unsigned i = 0; i < n; i++) {
		const struct vm_record *vm = vmwatch_find(lv->vms, pids[i]);
		struct sbuf plan;
		sbuf_init(&plan);
		bool possible = vm && repair_plan(vm, &ro, &plan);
		if (!vm)
			sbuf_printf(&plan, "VM pid %d: gone\n", pids[i]);
		int rc = possible ? 0 : REPAIR_REFUSED;
		if (!lv->o->json) {
			sbuf_puts(&lv->out, sbuf_str(&plan));
			sbuf_puts(&lv->out, possible ? (lv->o->yes ? "  carrying it out now\n" :
				  "  (nothing was changed: repeat with --yes to carry it out)\n") : "");
			flush_out(&lv->out);
		}
		if (possible && lv->o->yes)
			rc = repair_run(vm, &ro);
		if (lv->o->json) {
			json_object_begin(&j, NULL);
			json_int(&j, "pid", pids[i]);
			json_string(&j, "vm", vm ? vm->name : NULL);
			json_string(&j, "plan", sbuf_str(&plan));
			json_bool(&j, "possible", possible);
			if (vm && vm->fix_argv) {
				json_array_begin(&j, "argv");
				for (int k = 0; k < vm->fix_argc; k++)
					json_string(&j, NULL, vm->fix_argv[k]);
				json_array_end(&j);
			}
			json_string(&j, "result", !lv->o->yes ? (possible ? "planned" : "refused") :
				    rc == 0 ? "done" : rc == REPAIR_REFUSED ? "refused" :
				    rc == REPAIR_ROLLED_BACK ? "rolled-back" : "failed");
			json_object_end(&j);
		}
		if (rc > status)
			status = rc;
		sbuf_free(&plan);
	}
	if (lv->o->json) {
		json_array_end(&j);
		json_object_end(&j);
		sbuf_putc(&lv->out, '\n');
	}
	flush_out(&lv->out);
	return status;
}

/* --repair --auto: new critical shared hubs, each VM at most once per repair_interval. */
static void auto_repair(struct live *lv)
{
	int pids[64];
	unsigned n = repair_targets(lv, pids, 64, true);
	for (unsigned i = 0; i < n; i++) {
		double now = clock_mono();
		bool recent = false;
		for (unsigned k = 0; k < lv->n_repaired; k++)
			if (lv->repaired_pid[k] == pids[i] &&
			    now - lv->repaired_at[k] < lv->o->cfg->repair_interval)
				recent = true;
		const struct vm_record *vm = vmwatch_find(lv->vms, pids[i]);
		if (recent || !vm)
			continue;
		struct repair_options ro;
		repair_options_from(lv, &ro, false);
		struct sbuf plan;
		sbuf_init(&plan);
		bool possible = repair_plan(vm, &ro, &plan);
		log_msg(LOG_LEVEL_INFO, "auto repair: %s", sbuf_str(&plan));
		sbuf_free(&plan);
		unsigned slot = lv->n_repaired < 64 ? lv->n_repaired++ : 63;
		lv->repaired_pid[slot] = pids[i];
		lv->repaired_at[slot] = now;
		if (possible) {
			int rc = repair_run(vm, &ro);
			if (rc > lv->repair_status)
				lv->repair_status = rc;
			lv->rescan_vms = true;
		}
	}
}

static int finish(struct live *lv, const char *unknown)
{
	const struct live_options *o = lv->o;
	int status = 0;
	update_drops(lv);
	if (o->mode == LIVE_CHECK || o->mode == LIVE_REPORT) {
		lv->bridges = present_bridges(lv);
		if (!unknown && lv->bridges == 0 && lv->n_gone_bridges) {
			snprintf(lv->last_error, sizeof(lv->last_error),
				 "bridge %s was deleted while watching: no bridge left",
				 lv->gone_bridges[lv->n_gone_bridges - 1]);
			unknown = lv->last_error;
		}
		if (!unknown && lv->bridges == 0)
			unknown = "no bridge in this network namespace";
		/* -i named what is gone now (its bridge or port deleted during the window). */
		if (!unknown && o->n_ifaces && !check_selection(lv, true))
			unknown = lv->last_error;
		if (o->json) {
			struct json j;
			json_init(&j, &lv->out, true);
			json_object_begin(&j, NULL);
			json_string(&j, "version", STPWATCH_VERSION);
			json_fixed(&j, "time", clock_real(), 3);
			if (unknown)
				json_string(&j, "error", unknown);
			report_state_json(&j, lv->engine, lv->fixes, lv->n_fixes);
			report_findings_json_fixes(&j, lv->engine, lv->fixes, lv->n_fixes);
			json_object_end(&j);
			sbuf_putc(&lv->out, '\n');
		}
		if (o->mode == LIVE_CHECK) {
			struct sbuf line;
			sbuf_init(&line);
			status = report_check_line_thresholds(&line, lv->engine, &lv->pl.stats, unknown,
							      &o->thresholds);
			if (!o->json)
				sbuf_write(&lv->out, line.buf, line.len);
			sbuf_free(&line);
		} else if (!o->json) {
			portstats_print_text(&lv->out, &lv->pl.stats);
			sbuf_printf(&lv->out, "\nCapture: %llu frames received on %u ports, %llu dropped "
				    "by the kernel", (unsigned long long)lv->received,
				    livecap_count(lv->cap), (unsigned long long)lv->drops);
			if (lv->bpdu_drops)
				sbuf_printf(&lv->out, ", %llu of them BPDUs",
					    (unsigned long long)lv->bpdu_drops);
			sbuf_printf(&lv->out, "%s\n", lv->drops ? " (capture buffer full: evidence may be "
				    "missing; raise -B)" : "");
			report_findings_text_fixes(&lv->out, lv->engine, lv->fixes, lv->n_fixes);
		}
	}
	flush_out(&lv->out);
	if (unknown && o->mode != LIVE_CHECK) {
		log_msg(LOG_LEVEL_ERROR, "%s", unknown);
		/* Could not look (-j included); -t is a duration for the endless modes. */
		if (!lv->timed_out || o->mode == LIVE_REPORT || o->mode == LIVE_REPAIR)
			status = EXIT_FAILURE;
	}
	if (o->mode == LIVE_BPDUS || o->mode == LIVE_DAEMON) {
		/* As tcpdump does on exit: what was seen, and what was lost. */
		struct engine_stats es;
		engine_get_stats(lv->engine, &es);
		fprintf(stderr, "stpwatch: %u ports, %llu frames captured, %llu BPDUs, "
			"%llu dropped by the kernel", livecap_count(lv->cap),
			(unsigned long long)es.frames, (unsigned long long)es.bpdus,
			(unsigned long long)es.capture_drops);
		if (lv->bpdu_drops)
			fprintf(stderr, ", %llu of them BPDUs", (unsigned long long)lv->bpdu_drops);
		fputc('\n', stderr);
	}
	return status;
}

static int fail_early(const struct live_options *o, const char *what)
{
	if (o->mode == LIVE_CHECK) {
		printf("STPWATCH UNKNOWN - %.60s | critical=0;;;0 warning=0;;;0 info=0;;;0\n", what);
		return CHECK_UNKNOWN;
	}
	log_msg(LOG_LEVEL_ERROR, "%s", what);
	return EXIT_FAILURE;
}

int live_run(const struct live_options *o)
{
	struct live lv;
	char err[512];
	int status = EXIT_SUCCESS;
	const char *unknown = NULL;

	memset(&lv, 0, sizeof(lv));
	lv.o = o;
	lv.stage = "start";
	sbuf_init(&lv.out);

	struct engine_config ec = o->cfg->engine;
	/* One-shot modes judge everything they saw; the others let evidence age. */
	if (o->mode == LIVE_VIEW || o->mode == LIVE_DAEMON || o->mode == LIVE_BPDUS ||
	    (o->mode == LIVE_REPAIR && o->repair_auto))
		ec.evidence_hold = ec.evidence_hold > 0 ? ec.evidence_hold : 60.0;
	lv.engine = engine_new(&ec);
	lv.cap = livecap_new(o->cfg->snaplen == 0 ? CONFIG_SNAPLEN_MAX : (int)o->cfg->snaplen,
			     CAPTURE_MAX);   /* -s */
	lv.vms = vmwatch_new(o->proc_root ? o->proc_root : "/proc");
	if (!lv.engine || !lv.cap || !lv.vms) {
		status = fail_early(o, "out of memory");
		goto out;
	}
	pipeline_init(&lv.pl, o->mode != LIVE_BPDUS ? BPDU_OUTPUT_NONE :
		      o->json ? BPDU_OUTPUT_JSON : BPDU_OUTPUT_TEXT, &lv.out, lv.engine);

	lv.stage = "netlink";
	lv.nl = nlbridge_open(err, sizeof(err));
	if (!lv.nl) {
		char msg[600];
		snprintf(msg, sizeof(msg), "cannot open netlink: %s", err);
		status = fail_early(o, msg);
		goto out;
	}

	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	if (o->mode == LIVE_VIEW) {
		lv.tui = tui_open(err, sizeof(err));
		if (!lv.tui) {
			status = fail_early(o, err);
			goto out;
		}
		atexit(tui_restore_terminal);
		log_set_sink(tui_log_sink, lv.tui);
	}
	if (o->mode == LIVE_DAEMON)
		openlog("stpwatch", LOG_PID | LOG_NDELAY, LOG_DAEMON);

	double start = clock_mono();
	lv.stage = "netlink dump";
	lv.dumping = true;
	if (nlbridge_dump(lv.nl, on_netlink, &lv) < 0) {
		snprintf(lv.last_error, sizeof(lv.last_error), "netlink dump: %s", nlbridge_error(lv.nl));
		unknown = lv.last_error;
		goto done;
	}
	lv.dumping = false;
	open_captures(&lv);
	lv.bridges = present_bridges(&lv);
	if (!check_selection(&lv, false)) {
		/* A one-shot answer about nothing would mislead; a watcher waits for it. */
		if (o->mode == LIVE_CHECK || o->mode == LIVE_REPORT || o->mode == LIVE_REPAIR) {
			unknown = lv.last_error;
			goto done;
		}
		log_msg(LOG_LEVEL_WARNING, "%s (yet)", lv.last_error);
	}
	rescan_vms(&lv);

	/*
	 * The monitoring check judges the ports and VMs there are when it
	 * starts: with the captures open, netlink connected and the processes
	 * read, it needs no capability at all (a port that appears during its
	 * window is not captured).  Watching on (--report included, which may
	 * span a VM's restart) needs raw sockets
	 * for ports that appear later, reading other processes' fds and
	 * environment (/proc), and reaching monitor sockets that belong to
	 * other users.  Repair keeps everything (it stops and starts processes
	 * as their users).
	 */
	if (o->mode != LIVE_REPAIR && geteuid() == 0) {
		static const int keep[] = { CAP_NET_RAW, CAP_SYS_PTRACE, CAP_DAC_READ_SEARCH,
					    CAP_DAC_OVERRIDE };
		bool one_shot_look = o->mode == LIVE_CHECK;
		if (privs_keep(keep, one_shot_look ? 0 : sizeof(keep) / sizeof(keep[0]), err,
			       sizeof(err)) < 0)
			log_msg(LOG_LEVEL_WARNING, "cannot drop capabilities: %s", err);
		else
			lv.sealed = one_shot_look;
	}

	double window = o->window > 0 ? o->window : o->cfg->window > 0 ? o->cfg->window :
			2.0 * (lv.max_hello > 0 ? lv.max_hello : 2.0) + 1.0;
	double deadline = start + window;
	double last_tick = start, next_tick = start, next_refresh = start + REFRESH_SECONDS, next_metrics = start;
	double next_vm_rescan = start + VM_RESCAN_SECONDS;
	bool one_shot = o->mode == LIVE_CHECK || o->mode == LIVE_REPORT ||
			(o->mode == LIVE_REPAIR && !o->repair_auto);

	lv.stage = "sampling";
	while (!stop_requested) {
		struct pollfd fds[MAX_POLLFDS];
		unsigned n = 0;
		fds[n++] = (struct pollfd){ nlbridge_fd(lv.nl), POLLIN, 0 };
		if (lv.tui)
			fds[n++] = (struct pollfd){ tui_input_fd(), POLLIN, 0 };
		unsigned first_cap = n;
		n += livecap_pollfds(lv.cap, fds + n, MAX_POLLFDS - n);

		double mono = clock_mono();
		if (o->timeout > 0 && mono - start >= o->timeout) {
			snprintf(lv.last_error, sizeof(lv.last_error), "timed out after %g s while %s",
				 o->timeout, lv.stage);
			unknown = lv.last_error;
			lv.timed_out = true;
			break;
		}
		if (one_shot && mono >= deadline)
			break;
		double wake = next_tick;
		if (one_shot && deadline < wake)
			wake = deadline;
		int ms = (int)ceil((wake - mono) * 1000.0);
		if (ms < 0)
			ms = 0;
		if (ms > 1000)
			ms = 1000;
		int rc = poll(fds, n, ms);
		if (rc < 0 && errno != EINTR) {
			snprintf(lv.last_error, sizeof(lv.last_error), "poll: %s", strerror(errno));
			unknown = lv.last_error;
			break;
		}
		/*
		 * New BPDUs or a bridge or port that changed are what a finding
		 * turns on: diagnose soon, not at the next tick, so that a loop is
		 * reported within a fraction of a second of its BPDU - at most
		 * every EARLY_TICK_SECONDS, whatever arrives.
		 */
		bool fresh = false;
		if (rc > 0 && (fds[0].revents & POLLIN)) {
			int events = nlbridge_receive(lv.nl, on_netlink, &lv);
			if (events < 0)
				log_msg(LOG_LEVEL_WARNING, "netlink: %s", nlbridge_error(lv.nl));
			fresh = events > 0;
		}
		if (rc > 0) {
			struct engine_stats before, after;
			engine_get_stats(lv.engine, &before);
			livecap_dispatch_ready(lv.cap, fds + first_cap, n - first_cap, DISPATCH_BUDGET,
					       on_frame, on_port_gone, &lv);
			engine_get_stats(lv.engine, &after);
			fresh = fresh || after.bpdus != before.bpdus;
		}
		if (fresh && last_tick + EARLY_TICK_SECONDS < next_tick)
			next_tick = last_tick + EARLY_TICK_SECONDS;
		if (o->mode == LIVE_BPDUS)
			flush_out(&lv.out);
		else
			sbuf_reset(&lv.out);

		if (lv.tui) {
			struct tui_request req;
			enum tui_action act = tui_handle_keys(lv.tui, lv.engine, &req);
			if (act == TUI_QUIT)
				break;
			if (act == TUI_REPAIR) {
				/* The view gives the terminal back while the repair runs. */
				log_set_sink(NULL, NULL);
				tui_close(lv.tui);
				lv.tui = NULL;
				const struct vm_record *vm = vmwatch_find(lv.vms, req.vm_pid);
				struct repair_options ro;
				repair_options_from(&lv, &ro, false);
				struct sbuf plan;
				sbuf_init(&plan);
				if (vm && repair_plan(vm, &ro, &plan)) {
					printf("%s\n", sbuf_str(&plan));
					int res = repair_run(vm, &ro);
					printf("\nrepair %s.\n", res == 0 ? "done" : res == REPAIR_REFUSED ?
					       "refused: nothing was changed" : res == REPAIR_ROLLED_BACK ?
					       "FAILED: the original command line runs again" :
					       "FAILED and the rollback failed: the VM is down");
				} else {
					printf("%s\nnot repaired.\n", vm ? sbuf_str(&plan) : "the VM is gone");
				}
				sbuf_free(&plan);
				printf("Press Enter to return to the view.");
				fflush(stdout);
				int c;
				while ((c = getchar()) != EOF && c != '\n')
					;
				lv.tui = tui_open(err, sizeof(err));
				if (!lv.tui)
					break;
				log_set_sink(tui_log_sink, lv.tui);
				lv.rescan_vms = true;
				next_tick = 0;
				continue;
			}
			if (act == TUI_REDRAW)
				next_tick = 0;
		}

		double t = clock_mono();
		if (t >= next_tick) {
			last_tick = t;
			next_tick = t + 1.0;
			engine_tick(lv.engine, clock_real());
			/* pcap_stats is a system call per port: every few seconds is enough. */
			if (t >= next_refresh - 0.5 || one_shot)
				update_drops(&lv);
			if (o->mode == LIVE_DAEMON && lv.drops > lv.drops_logged) {
				log_msg(LOG_LEVEL_WARNING, "capture buffer full: %llu frames dropped by the "
					"kernel so far (raise -B)", (unsigned long long)lv.drops);
				lv.drops_logged = lv.drops;
			}
			uint64_t drops = lv.drops;
			lv.bridges = present_bridges(&lv);
			if (lv.rescan_vms && !lv.sealed)
				rescan_vms(&lv);
			lv.stage = "sampling";
			if (lv.tui && !tui_paused(lv.tui)) {
				char mode[96];
				snprintf(mode, sizeof(mode), "live, %u ports captured", livecap_count(lv.cap));
				struct tui_status st = {
					.mode = mode, .drops = drops,
					.ports_watched = livecap_count(lv.cap),
					.message = lv.last_error[0] ? lv.last_error : NULL,
					.repair_available = true,
				};
				tui_draw(lv.tui, lv.engine, &st);
			}
			if (o->mode == LIVE_REPAIR && o->repair_auto && t - start >= window)
				auto_repair(&lv);
			if (o->mode == LIVE_DAEMON) {
				log_changes(&lv);
				if (o->cfg->metrics_file[0] && t >= next_metrics) {
					write_metrics(&lv, o->cfg->metrics_file);
					next_metrics = t + o->cfg->interval;
				}
			}
		}
		if (t >= next_refresh) {
			next_refresh = t + REFRESH_SECONDS;
			lv.stage = "netlink refresh";
			if (nlbridge_refresh(lv.nl, on_netlink, &lv) < 0)
				log_msg(LOG_LEVEL_WARNING, "netlink: %s", nlbridge_error(lv.nl));
			if (t >= next_vm_rescan) {
				next_vm_rescan = t + VM_RESCAN_SECONDS;
				lv.rescan_vms = true;
			}
			lv.stage = "sampling";
		}
	}
	if (o->mode == LIVE_DAEMON && o->cfg->metrics_file[0])
		write_metrics(&lv, o->cfg->metrics_file);

done:
	if (lv.tui) {
		log_set_sink(NULL, NULL);
		tui_close(lv.tui);
		lv.tui = NULL;
	}
	if ((o->mode == LIVE_CHECK || o->mode == LIVE_REPORT || o->mode == LIVE_REPAIR) && !lv.sealed)
		rescan_vms(&lv);
	if (o->mode == LIVE_REPAIR && !unknown)
		status = o->repair_auto ? lv.repair_status : do_repairs(&lv, false);
	else
		status = finish(&lv, unknown);
	if (unknown && o->mode == LIVE_CHECK)
		status = CHECK_UNKNOWN;
out:
	if (lv.tui)
		tui_close(lv.tui);
	pipeline_free(&lv.pl);
	engine_free(lv.engine);
	livecap_free(lv.cap);
	vmwatch_free(lv.vms);
	if (lv.nl)
		nlbridge_close(lv.nl);
	sbuf_free(&lv.out);
	free(lv.logged);
	return status;
}
