/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * repair.c - the repair executor.  Every step is written to the journal
 * before it is taken; a step that fails turns the rest into a rollback.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <netlink/route/link.h>

#include "clock.h"
#include "log.h"
#include "qmp.h"
#include "repair.h"
#include "stpwatch/json.h"

#define MONITOR_TIMEOUT_MS 3000
#define NOTHING_TO_LOSE_GRACE 2.0   /* s a diskless guest gets for the power button */
#define MAX_TAPS QEMU_MAX_NETDEVS

/* A test hook: STPWATCH_REPAIR_FAULT=start makes the corrected start fail. */
#define FAULT_ENV "STPWATCH_REPAIR_FAULT"

struct tap_home {
	char tap[IF_NAMESIZE];
	char bridge[IF_NAMESIZE];     /* "" if it was on none */
};

struct repair {
	const struct vm_record *vm;
	const struct repair_options *o;
	char journal[PATH_MAX];
	char log_path[PATH_MAX];
	struct tap_home taps[MAX_TAPS];
	unsigned n_taps;
	const char *qmp_path;         /* the original's QMP socket, or NULL */
	const char *hmp_path;
	const char *pidfile;
	bool daemonize;
};

static bool alive(pid_t pid)
{
	return pid > 0 && (kill(pid, 0) == 0 || errno == EPERM);
}

/* Reaps our own children; others (a daemonized QEMU) are polled. */
static bool wait_gone(pid_t pid, double seconds)
{
	double end = clock_mono() + seconds;
	for (;;) {
		waitpid(pid, NULL, WNOHANG);
		if (!alive(pid))
			return true;
		if (clock_mono() >= end)
			return false;
		usleep(50000);
	}
}

/* ---- the journal: one JSON object per line, written before each step ---- */

static void journal(struct repair *r, const char *step, const char *detail,
		    const char *const *argv, int argc)
{
	struct sbuf line;
	struct json j;
	sbuf_init(&line);
	json_init(&j, &line, false);
	json_object_begin(&j, NULL);
	json_fixed(&j, "time", clock_real(), 3);
	json_int(&j, "pid", r->vm->pid);
	json_string(&j, "vm", r->vm->name);
	json_string(&j, "step", step);
	if (detail)
		json_string(&j, "detail", detail);
	if (argv) {
		json_array_begin(&j, "argv");
		for (int i = 0; i < argc; i++)
			json_string(&j, NULL, argv[i]);
		json_array_end(&j);
	}
	if (strcmp(step, "saved") == 0) {
		json_string(&j, "exe", r->vm->exe);
		json_string(&j, "cwd", r->vm->cwd);
		json_int(&j, "uid", (int64_t)r->vm->uid);
		json_int(&j, "gid", (int64_t)r->vm->gid);
		json_bool(&j, "daemonize", r->daemonize);
		json_string(&j, "pidfile", r->pidfile);
		json_array_begin(&j, "environ");
		for (int i = 0; i < r->vm->envc; i++)
			json_string(&j, NULL, r->vm->environ[i]);
		json_array_end(&j);
		json_array_begin(&j, "taps");
		for (unsigned i = 0; i < r->n_taps; i++) {
			json_object_begin(&j, NULL);
			json_string(&j, "tap", r->taps[i].tap);
			json_string(&j, "bridge", r->taps[i].bridge);
			json_object_end(&j);
		}
		json_array_end(&j);
	}
	json_object_end(&j);
	sbuf_putc(&line, '\n');
	int fd = open(r->journal, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (fd < 0 || write(fd, line.buf, line.len) != (ssize_t)line.len || fsync(fd) != 0)
		log_msg(LOG_LEVEL_ERROR, "repair: cannot write the journal %s: %s", r->journal,
			strerror(errno));
	if (fd >= 0)
		close(fd);
	sbuf_free(&line);
}

/* ---- what the VM's command line says ---- */

static void read_setup(struct repair *r)
{
	const struct qemu_model *m = &r->vm->model;
	for (unsigned i = 0; i < m->n_monitors; i++) {
		const struct qemu_monitor *mon = &m->monitors[i];
		if (mon->kind != QEMU_MON_UNIX || !mon->path || !mon->server)
			continue;
		if (mon->qmp && !r->qmp_path)
			r->qmp_path = mon->path;
		if (!mon->qmp && !r->hmp_path)
			r->hmp_path = mon->path;
	}
	r->pidfile = m->pidfile;
	r->daemonize = m->daemonize;
	for (unsigned i = 0; i < m->n_netdevs && r->n_taps < MAX_TAPS; i++) {
		const struct qemu_netdev *nd = &m->netdevs[i];
		if (strcmp(nd->type, "tap") != 0 || !nd->ifname[0])
			continue;
		struct tap_home *t = &r->taps[r->n_taps++];
		snprintf(t->tap, sizeof(t->tap), "%s", nd->ifname);
		char link[PATH_MAX], target[PATH_MAX];
		snprintf(link, sizeof(link), "/sys/class/net/%s/master", nd->ifname);
		ssize_t n = readlink(link, target, sizeof(target) - 1);
		t->bridge[0] = '\0';
		if (n > 0) {
			target[n] = '\0';
			const char *base = strrchr(target, '/');
			snprintf(t->bridge, sizeof(t->bridge), "%s", base ? base + 1 : target);
		}
		/* With an ifup script the script attaches it; we do only for script=no. */
		if (nd->script[0] && strcmp(nd->script, "no") != 0)
			t->bridge[0] = '\0';
	}
}

/* ---- the plan ---- */

bool repair_plan(const struct vm_record *vm, const struct repair_options *o, struct sbuf *out)
{
	struct repair r;
	memset(&r, 0, sizeof(r));
	r.vm = vm;
	r.o = o;
	read_setup(&r);

	sbuf_printf(out, "VM %s (pid %d), %s\n", vm->name, vm->pid, vm->exe ? vm->exe : "?");
	if (vm->libvirt) {
		sbuf_printf(out, "  managed by libvirt (%s): stpwatch does not restart it behind "
			    "libvirt's back.  Do instead:\n"
			    "    virsh edit %s      # give every <interface> its own <source>/backend\n"
			    "    virsh shutdown %s  # and wait until it is off\n"
			    "    virsh start %s\n", vm->libvirt_why, vm->name, vm->name, vm->name);
		return false;
	}
	if (!vm->is_qemu) {
		sbuf_printf(out, "  not a QEMU command line stpwatch understands%s%s: nothing to do\n",
			    vm->parse_error[0] ? ": " : "", vm->parse_error);
		return false;
	}
	if (vm->fix_status != QEMU_FIX_DONE) {
		sbuf_printf(out, "  %s\n", vm->fix_status == QEMU_FIX_NOTHING ?
			    "its NICs do not share a hub: nothing to repair" :
			    vm->fix_why[0] ? vm->fix_why : "no corrected command line");
		return false;
	}
	sbuf_printf(out, "  corrected command line (changes only; QEMU %d.%d%s%s):\n",
		    vm->qemu_major, vm->qemu_minor, vm->version_source[0] ? ", from the " : "",
		    vm->version_source);
	for (const char *l = vm->fix_diff ? vm->fix_diff : ""; *l;) {
		const char *nl = strchr(l, '\n');
		int len = nl ? (int)(nl - l) : (int)strlen(l);
		sbuf_printf(out, "    %.*s\n", len, l);
		l += len + (nl ? 1 : 0);
	}
	bool monitor = r.qmp_path || r.hmp_path;
	bool disk = vm->model.writable_disk;
	sbuf_printf(out, "  steps:\n"
		    "    1. save argv, executable, directory, environment, uid %u/gid %u to %s/journal.jsonl\n",
		    (unsigned)vm->uid, (unsigned)vm->gid, o->state_dir);
	if (monitor)
		sbuf_printf(out, "    2. system_powerdown through %s, wait up to %g s for the guest to stop\n",
			    r.qmp_path ? r.qmp_path : r.hmp_path, disk ? o->shutdown_timeout :
			    NOTHING_TO_LOSE_GRACE);
	else
		sbuf_printf(out, "    2. no monitor to press the power button with\n");
	if (!disk)
		sbuf_printf(out, "       the VM has no writable disk (nothing to lose): if the guest does "
			    "not stop, quit through the monitor or SIGTERM\n");
	else if (o->force)
		sbuf_printf(out, "       --force: if the guest does not stop, quit through the monitor or SIGTERM\n");
	else
		sbuf_printf(out, "       if the guest does not stop, stop here and leave the VM running\n");
	sbuf_printf(out, "    3. wait until pid %d is gone (disk image locks)\n", vm->pid);
	sbuf_printf(out, "    4. start the corrected command line as uid %u in %s, %s, output to %s/\n",
		    (unsigned)vm->uid, vm->cwd ? vm->cwd : "/",
		    r.daemonize ? "daemonized by QEMU (-daemonize)" : "detached (new session)",
		    o->state_dir);
	sbuf_puts(out, "    5. put the taps back on their bridges:");
	for (unsigned i = 0; i < r.n_taps; i++)
		sbuf_printf(out, " %s->%s", r.taps[i].tap, r.taps[i].bridge[0] ? r.taps[i].bridge :
			    "(its script)");
	sbuf_printf(out, "\n    6. verify within %g s: the process runs, the monitor answers, every tap "
		    "is attached and forwarding, no shared hub\n", o->verify_timeout);
	sbuf_puts(out, "    7. on any failure: stop the new VM and start the original command line again\n");
	if (!monitor && disk && !o->force) {
		sbuf_puts(out, "  refused: the VM has a writable disk and no monitor stpwatch can reach, so "
			  "it cannot be shut down gracefully; stopping it would pull the power plug.  Give it "
			  "a QMP socket (-qmp unix:PATH,server=on,wait=off) or repeat with --force.\n");
		return false;
	}
	if (vm->model.writable_disk && vm->model.snapshot)
		sbuf_puts(out, "  note: -snapshot: the guest's writes since it started are lost on any restart\n");
	return true;
}

/* ---- stopping and starting ---- */

static bool monitor_command(struct repair *r, const char *cmd)
{
	char err[256];
	if (r->qmp_path) {
		int res;
		struct qmp *q = qmp_open(r->qmp_path, MONITOR_TIMEOUT_MS, &res, err, sizeof(err));
		if (q) {
			int rc = qmp_execute(q, cmd, MONITOR_TIMEOUT_MS);
			qmp_close(q);
			/* After "quit" QEMU may close before it answers. */
			return rc == QMP_OK || (strcmp(cmd, "quit") == 0 && rc == QMP_ERR_CLOSED);
		}
		log_msg(LOG_LEVEL_WARNING, "repair: %s", err);
	}
	if (r->hmp_path) {
		char *out = NULL;
		int rc = hmp_command(r->hmp_path, cmd, &out, MONITOR_TIMEOUT_MS, err, sizeof(err));
		free(out);
		return rc == QMP_OK || (strcmp(cmd, "quit") == 0 && rc == QMP_ERR_CLOSED);
	}
	return false;
}

/* Step 2 and 3.  Returns true when the old process is gone. */
static bool stop_vm(struct repair *r, pid_t pid, bool may_kill, const char **why)
{
	bool disk = r->vm->model.writable_disk;
	double grace = disk ? r->o->shutdown_timeout : NOTHING_TO_LOSE_GRACE;
	if (monitor_command(r, "system_powerdown")) {
		journal(r, "powerdown", "system_powerdown sent", NULL, 0);
		if (wait_gone(pid, grace))
			return true;
		journal(r, "powerdown-ignored", "the guest did not stop", NULL, 0);
	} else {
		journal(r, "no-monitor", "no monitor answered", NULL, 0);
	}
	if (!may_kill) {
		*why = "the guest did not power off (or no monitor answered) and it has a writable "
		       "disk: left running; repeat with --force to stop it anyway";
		return false;
	}
	if (monitor_command(r, "quit"))
		journal(r, "quit", "quit sent through the monitor", NULL, 0);
	else {
		journal(r, "sigterm", "SIGTERM", NULL, 0);
		kill(pid, SIGTERM);
	}
	if (wait_gone(pid, 10.0))
		return true;
	*why = "the process did not exit after quit/SIGTERM";
	return false;
}

static pid_t read_pidfile(const char *path, double seconds)
{
	double end = clock_mono() + seconds;
	do {
		FILE *fp = fopen(path, "r");
		if (fp) {
			long pid = 0;
			int n = fscanf(fp, "%ld", &pid);
			fclose(fp);
			if (n == 1 && pid > 0 && alive((pid_t)pid))
				return (pid_t)pid;
		}
		usleep(50000);
	} while (clock_mono() < end);
	return -1;
}

/*
 * Step 4: the command line with the same executable, directory, environment
 * and user; detached in a session of its own, output to the log.
 */
static pid_t start_vm(struct repair *r, char *const *argv, const char **why)
{
	const struct vm_record *vm = r->vm;
	int out = open(r->log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (out < 0) {
		*why = "cannot open the QEMU log";
		return -1;
	}
	if (r->pidfile)
		unlink(r->pidfile);   /* a stale pidfile must not be mistaken for the new VM */
	pid_t child = fork();
	if (child < 0) {
		close(out);
		*why = "fork failed";
		return -1;
	}
	if (child == 0) {
		int devnull = open("/dev/null", O_RDONLY);
		if (devnull >= 0)
			dup2(devnull, STDIN_FILENO);
		dup2(out, STDOUT_FILENO);
		dup2(out, STDERR_FILENO);
		setsid();
		if (vm->cwd && chdir(vm->cwd) < 0)
			_exit(126);
		if (getuid() == 0 && (vm->uid != 0 || vm->gid != 0)) {
			if (setgroups(0, NULL) < 0 || setgid(vm->gid) < 0 || setuid(vm->uid) < 0)
				_exit(126);
		}
		extern char **environ;
		char **env = vm->environ ? vm->environ : environ;
		execve(vm->exe ? vm->exe : argv[0], argv, env);
		_exit(127);
	}
	close(out);
	if (r->daemonize) {
		/* QEMU's first process exits once the VM is set up: 0 means it runs. */
		int status = 0;
		double end = clock_mono() + 30.0;
		while (waitpid(child, &status, WNOHANG) == 0) {
			if (clock_mono() > end) {
				kill(child, SIGKILL);
				waitpid(child, &status, 0);
				*why = "QEMU did not finish starting within 30 s";
				return -1;
			}
			usleep(50000);
		}
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
			*why = "QEMU refused to start (see its log)";
			return -1;
		}
		if (!r->pidfile) {
			*why = "QEMU daemonized without -pidfile: its pid is unknown";
			return -1;
		}
		pid_t pid = read_pidfile(r->pidfile, 5.0);
		if (pid < 0)
			*why = "QEMU wrote no pidfile";
		return pid;
	}
	/* Not daemonized: the child is the VM.  Give it a moment to fail early. */
	usleep(500000);
	if (waitpid(child, NULL, WNOHANG) == child) {
		*why = "QEMU exited at once (see its log)";
		return -1;
	}
	return child;
}

/* Step 5: taps with script=no stay on their bridge unless someone removed them. */
static bool attach_taps(struct repair *r, const char **why)
{
	struct nl_sock *sk = NULL;
	bool ok = true;
	for (unsigned i = 0; i < r->n_taps; i++) {
		const struct tap_home *t = &r->taps[i];
		if (!t->bridge[0])
			continue;
		char link[PATH_MAX], target[PATH_MAX];
		snprintf(link, sizeof(link), "/sys/class/net/%s/master", t->tap);
		ssize_t n = readlink(link, target, sizeof(target) - 1);
		if (n > 0) {
			target[n] = '\0';
			const char *base = strrchr(target, '/');
			if (strcmp(base ? base + 1 : target, t->bridge) == 0)
				continue;
		}
		if (!sk) {
			sk = nl_socket_alloc();
			if (!sk || nl_connect(sk, NETLINK_ROUTE) < 0) {
				*why = "cannot open rtnetlink to attach the taps";
				ok = false;
				break;
			}
		}
		int tap = (int)if_nametoindex(t->tap), br = (int)if_nametoindex(t->bridge);
		if (!tap || !br || rtnl_link_enslave_ifindex(sk, br, tap) < 0) {
			*why = "cannot put a tap back on its bridge";
			ok = false;
			continue;
		}
		journal(r, "attached", t->tap, NULL, 0);
	}
	if (sk)
		nl_socket_free(sk);
	return ok;
}

static int read_state(const char *tap)
{
	char path[PATH_MAX], buf[16] = "";
	snprintf(path, sizeof(path), "/sys/class/net/%s/brport/state", tap);
	FILE *fp = fopen(path, "r");
	if (!fp)
		return -1;
	if (!fgets(buf, sizeof(buf), fp))
		buf[0] = '\0';
	fclose(fp);
	return atoi(buf);
}

/* Step 6. */
static bool verify(struct repair *r, pid_t pid, char *const *argv, int argc, const char **why)
{
	struct qemu_model m;
	char err[256];
	bool shared = true;
	if (qemu_parse(&m, (const char *const *)argv, argc, err, sizeof(err)) == 0)
		shared = m.shares_hub;
	qemu_model_free(&m);
	if (shared) {
		*why = "the new command line still shares a hub";
		return false;
	}
	double end = clock_mono() + r->o->verify_timeout;
	for (;;) {
		waitpid(pid, NULL, WNOHANG);
		if (!alive(pid)) {
			*why = "the new VM exited";
			return false;
		}
		bool all = true;
		for (unsigned i = 0; i < r->n_taps; i++)
			if (r->taps[i].bridge[0] && read_state(r->taps[i].tap) != 3)   /* BR_STATE_FORWARDING */
				all = false;
		if (all)
			break;
		if (clock_mono() >= end) {
			*why = "a tap did not reach forwarding in time";
			return false;
		}
		usleep(200000);
	}
	if (r->qmp_path) {
		int res;
		struct qmp *q = qmp_open(r->qmp_path, MONITOR_TIMEOUT_MS, &res, err, sizeof(err));
		if (!q) {
			*why = "the new VM's monitor does not answer";
			return false;
		}
		qmp_close(q);
	}
	return true;
}

static int rollback(struct repair *r, pid_t new_pid, const char *why)
{
	const char *why2 = NULL;
	log_msg(LOG_LEVEL_ERROR, "repair of %s FAILED: %s; ROLLING BACK to the original command line",
		r->vm->name, why);
	journal(r, "rollback", why, NULL, 0);
	if (new_pid > 0 && alive(new_pid) && !stop_vm(r, new_pid, true, &why2)) {
		journal(r, "rollback-failed", why2, NULL, 0);
		return REPAIR_FAILED;
	}
	pid_t pid = start_vm(r, r->vm->argv, &why2);
	if (pid < 0) {
		log_msg(LOG_LEVEL_ERROR, "ROLLBACK FAILED: %s: the VM %s is DOWN; its original command "
			"line is in %s", why2, r->vm->name, r->journal);
		journal(r, "rollback-failed", why2, NULL, 0);
		return REPAIR_FAILED;
	}
	attach_taps(r, &why2);
	journal(r, "rolled-back", "the original command line runs again", NULL, 0);
	log_msg(LOG_LEVEL_ERROR, "ROLLED BACK: %s runs again with its original command line (pid %d)",
		r->vm->name, (int)pid);
	return REPAIR_ROLLED_BACK;
}

int repair_run(const struct vm_record *vm, const struct repair_options *o)
{
	struct repair r;
	const char *why = NULL;
	memset(&r, 0, sizeof(r));
	r.vm = vm;
	r.o = o;
	read_setup(&r);

	if (mkdir(o->state_dir, 0700) < 0 && errno != EEXIST) {
		log_msg(LOG_LEVEL_ERROR, "repair: cannot create %s: %s", o->state_dir, strerror(errno));
		return REPAIR_REFUSED;
	}
	snprintf(r.journal, sizeof(r.journal), "%s/journal.jsonl", o->state_dir);
	snprintf(r.log_path, sizeof(r.log_path), "%s/qemu-%s-%d.log", o->state_dir, vm->name, vm->pid);

	/* The new command line, with the test hook if asked. */
	char **argv = vm->fix_argv;
	int argc = vm->fix_argc;
	char **faulty = NULL;
	const char *fault = getenv(FAULT_ENV);
	if (fault && strcmp(fault, "start") == 0) {
		faulty = calloc((size_t)argc + 2, sizeof(*faulty));
		if (faulty) {
			memcpy(faulty, argv, (size_t)argc * sizeof(*faulty));
			faulty[argc] = (char *)"-stpwatch-fault-injected";
			argv = faulty;
			argc++;
		}
	}

	/* 1. Nothing is touched before the journal holds what is needed to undo it. */
	journal(&r, "saved", "original command line", (const char *const *)vm->argv, vm->argc);
	journal(&r, "plan", "corrected command line", (const char *const *)argv, argc);

	bool may_kill = o->force || !vm->model.writable_disk;
	if (!(r.qmp_path || r.hmp_path) && !may_kill) {
		log_msg(LOG_LEVEL_ERROR, "repair of %s refused: a writable disk and no monitor: it cannot "
			"be shut down gracefully (use --force to stop it anyway)", vm->name);
		journal(&r, "refused", "writable disk and no monitor", NULL, 0);
		free(faulty);
		return REPAIR_REFUSED;
	}
	/* 2, 3. */
	log_msg(LOG_LEVEL_INFO, "repair: shutting %s (pid %d) down", vm->name, vm->pid);
	if (!stop_vm(&r, vm->pid, may_kill, &why)) {
		log_msg(LOG_LEVEL_ERROR, "repair of %s refused: %s", vm->name, why);
		journal(&r, "refused", why, NULL, 0);
		free(faulty);
		return REPAIR_REFUSED;
	}
	journal(&r, "stopped", "the original process is gone", NULL, 0);

	/* 4, 5, 6. */
	log_msg(LOG_LEVEL_INFO, "repair: starting %s with its corrected command line", vm->name);
	journal(&r, "starting", "corrected command line", NULL, 0);
	pid_t pid = start_vm(&r, argv, &why);
	int rc = 0;
	if (pid < 0) {
		rc = rollback(&r, -1, why);
	} else {
		journal(&r, "started", "new process", NULL, 0);
		if (!attach_taps(&r, &why) || !verify(&r, pid, argv, argc, &why))
			rc = rollback(&r, pid, why);
	}
	if (rc == 0) {
		char detail[64];
		snprintf(detail, sizeof(detail), "new pid %d", (int)pid);
		journal(&r, "done", detail, NULL, 0);
		log_msg(LOG_LEVEL_INFO, "repair: %s runs with one backend per NIC (pid %d); every tap "
			"forwards", vm->name, (int)pid);
	}
	free(faulty);
	return rc;
}
