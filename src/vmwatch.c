/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vmwatch.c - from /proc and the QEMU monitors to the engine's VMs and the
 * corrected command lines.
 *
 * A VM is asked its questions once (monitor, version), when it is first
 * seen; a process is the same VM while its pid and start time stay.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "procvm.h"
#include "qmp.h"
#include "vmwatch.h"

#define VERSION_TIMEOUT_MS 2000

struct vmwatch {
	char *proc_root;
	struct vm_record *vms;
	unsigned n, cap;
};

struct vmwatch *vmwatch_new(const char *proc_root)
{
	struct vmwatch *vw = calloc(1, sizeof(*vw));
	if (!vw)
		return NULL;
	vw->proc_root = strdup(proc_root ? proc_root : "/proc");
	if (!vw->proc_root) {
		free(vw);
		return NULL;
	}
	return vw;
}

static void free_strv(char **v, int n)
{
	for (int i = 0; v && i < n; i++)
		free(v[i]);
	free(v);
}

static void record_free(struct vm_record *r)
{
	free(r->exe);
	free(r->cwd);
	free_strv(r->argv, r->argc);
	free_strv(r->environ, r->envc);
	qemu_model_free(&r->model);
	if (r->fix_argv)
		qemu_argv_free(r->fix_argv, r->fix_argc);
	free(r->fix_diff);
	memset(r, 0, sizeof(*r));
}

void vmwatch_free(struct vmwatch *vw)
{
	if (!vw)
		return;
	for (unsigned i = 0; i < vw->n; i++)
		record_free(&vw->vms[i]);
	free(vw->vms);
	free(vw->proc_root);
	free(vw);
}

static char **copy_strv(char *const *v, int n)
{
	char **c = calloc((size_t)n + 1, sizeof(*c));
	if (!c)
		return NULL;
	for (int i = 0; i < n; i++) {
		c[i] = strdup(v[i] ? v[i] : "");
		if (!c[i]) {
			free_strv(c, i);
			return NULL;
		}
	}
	return c;
}

static bool looks_like_qemu(const struct procvm_proc *p)
{
	const char *exe = p->exe ? p->exe : (p->argc > 0 ? p->argv[0] : "");
	const char *base = strrchr(exe, '/');
	base = base ? base + 1 : exe;
	return strstr(base, "qemu") || strncmp(base, "kvm", 3) == 0 ||
	       strstr(p->comm, "qemu") || strncmp(p->comm, "kvm", 3) == 0;
}

/*
 * "EXE --version", run from the process's own executable (/proc/PID/exe
 * still works when the file on disk was replaced), with a deadline.
 */
static bool version_from_exe(const char *proc_root, int pid, int *major, int *minor)
{
	char exe[64], out[512];
	int fds[2];
	snprintf(exe, sizeof(exe), "%s/%d/exe", proc_root, pid);
	if (pipe(fds) < 0)
		return false;
	pid_t child = fork();
	if (child < 0) {
		close(fds[0]);
		close(fds[1]);
		return false;
	}
	if (child == 0) {
		int devnull = open("/dev/null", O_RDWR);
		dup2(fds[1], STDOUT_FILENO);
		if (devnull >= 0) {
			dup2(devnull, STDIN_FILENO);
			dup2(devnull, STDERR_FILENO);
		}
		close(fds[0]);
		execl(exe, "qemu", "--version", (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	size_t got = 0;
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		struct timespec t1;
		clock_gettime(CLOCK_MONOTONIC, &t1);
		long left = VERSION_TIMEOUT_MS - ((t1.tv_sec - t0.tv_sec) * 1000 +
						  (t1.tv_nsec - t0.tv_nsec) / 1000000);
		struct pollfd pfd = { fds[0], POLLIN, 0 };
		if (left <= 0 || poll(&pfd, 1, (int)left) <= 0)
			break;
		ssize_t n = read(fds[0], out + got, sizeof(out) - 1 - got);
		if (n <= 0)
			break;
		got += (size_t)n;
		if (got == sizeof(out) - 1)
			break;
	}
	out[got] = '\0';
	close(fds[0]);
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	return qemu_version_from_banner(out, major, minor) == 0;
}

/* Asks the VM's monitor for the MACs its NICs have, its version and its state. */
static void ask_monitor(struct vm_record *r)
{
	for (unsigned i = 0; i < r->model.n_monitors; i++) {
		const struct qemu_monitor *m = &r->model.monitors[i];
		if (m->kind != QEMU_MON_UNIX || !m->path || !m->server)
			continue;
		char err[256] = "", *text = NULL;
		snprintf(r->monitor, sizeof(r->monitor), "%s", m->path);
		r->monitor_qmp = m->qmp;
		if (m->qmp) {
			int res;
			struct qmp *q = qmp_open(m->path, VMWATCH_MONITOR_TIMEOUT_MS, &res, err, sizeof(err));
			if (!q) {
				snprintf(r->monitor_error, sizeof(r->monitor_error), "%s", err);
				continue;
			}
			int micro;
			qmp_version(q, &r->qemu_major, &r->qemu_minor, &micro);
			snprintf(r->version_source, sizeof(r->version_source), "QMP greeting");
			bool running;
			if (qmp_query_status(q, &running, r->status, sizeof(r->status),
					     VMWATCH_MONITOR_TIMEOUT_MS) == QMP_OK)
				r->paused = !running;
			if (qmp_hmp(q, "info network", &text, VMWATCH_MONITOR_TIMEOUT_MS) != QMP_OK)
				snprintf(r->monitor_error, sizeof(r->monitor_error), "%s", qmp_error(q));
			qmp_close(q);
		} else if (hmp_command(m->path, "info network", &text, VMWATCH_MONITOR_TIMEOUT_MS,
				       err, sizeof(err)) != QMP_OK) {
			snprintf(r->monitor_error, sizeof(r->monitor_error), "%s", err);
		}
		if (text) {
			r->n_macs = qemu_macs_from_info_network(&r->model, text, r->macs, QEMU_MAX_NICS);
			r->macs_from_monitor = r->n_macs > 0;
			free(text);
			r->monitor_error[0] = '\0';
			return;
		}
	}
}

static void compute_fix(struct vm_record *r)
{
	r->fix_status = QEMU_FIX_NOTHING;
	if (!r->is_qemu || !r->model.shares_hub)
		return;
	/* Without a version, assume a current QEMU (>= 3.0): -netdev/-device. */
	int major = r->qemu_major >= 0 ? r->qemu_major : 7, minor = r->qemu_major >= 0 ? r->qemu_minor : 0;
	r->fix_status = qemu_fix_argv(&r->model, (const char *const *)r->argv, r->argc, major, minor,
				      r->macs, r->n_macs, &r->fix_argv, &r->fix_argc,
				      r->fix_why, sizeof(r->fix_why));
	if (r->fix_status != QEMU_FIX_DONE) {
		if (r->fix_argv)
			qemu_argv_free(r->fix_argv, r->fix_argc);
		r->fix_argv = NULL;
		r->fix_argc = 0;
		return;
	}
	int need = qemu_explain((const char *const *)r->argv, r->argc,
				(const char *const *)r->fix_argv, r->fix_argc, NULL, 0);
	if (need >= 0) {
		r->fix_diff = malloc((size_t)need + 1);
		if (r->fix_diff)
			qemu_explain((const char *const *)r->argv, r->argc,
				     (const char *const *)r->fix_argv, r->fix_argc, r->fix_diff,
				     (size_t)need + 1);
	}
}

static bool record_from(struct vm_record *r, const char *proc_root, const struct procvm_proc *p)
{
	memset(r, 0, sizeof(*r));
	r->pid = p->pid;
	r->ppid = p->ppid;
	r->starttime = p->starttime;
	r->uid = p->uid;
	r->gid = p->gid;
	r->libvirt = p->libvirt;
	r->qemu_major = r->qemu_minor = -1;
	snprintf(r->libvirt_why, sizeof(r->libvirt_why), "%s", p->libvirt_why);
	snprintf(r->comm, sizeof(r->comm), "%s", p->comm);
	snprintf(r->name, sizeof(r->name), "%s", p->name[0] ? p->name : p->comm);
	r->exe = p->exe ? strdup(p->exe) : NULL;
	r->cwd = p->cwd ? strdup(p->cwd) : NULL;
	r->argv = copy_strv(p->argv, p->argc);
	r->argc = r->argv ? p->argc : 0;
	if (p->environ) {
		r->environ = copy_strv(p->environ, p->envc);
		r->envc = r->environ ? p->envc : 0;
	}
	if (looks_like_qemu(p) && r->argc > 0 && !p->argv_truncated) {
		char err[160];
		if (qemu_parse(&r->model, (const char *const *)r->argv, r->argc, err, sizeof(err)) == 0) {
			r->is_qemu = true;
			r->paused = r->model.paused;
			ask_monitor(r);
			if (r->qemu_major < 0 && version_from_exe(proc_root, p->pid, &r->qemu_major,
								  &r->qemu_minor))
				snprintf(r->version_source, sizeof(r->version_source), "--version");
		} else {
			snprintf(r->parse_error, sizeof(r->parse_error), "%s", err);
		}
	}
	compute_fix(r);
	return r->argv != NULL;
}

static void tell_engine(struct engine *e, const struct vm_record *r,
			const struct procvm_proc *p, double now)
{
	struct vm_info vi;
	memset(&vi, 0, sizeof(vi));
	vi.pid = r->pid;
	snprintf(vi.name, sizeof(vi.name), "%s", r->name);
	vi.paused = r->paused;
	if (r->is_qemu) {
		qemu_model_to_vm_info(&r->model, &vi);
		/* The monitor's MACs are the ones the NICs really have. */
		for (size_t k = 0; k < r->n_macs; k++) {
			const struct qemu_nic *nic = &r->model.nics[r->macs[k].nic];
			for (unsigned n = 0; n < vi.n_nics; n++)
				if (nic->have_mac && memcmp(vi.nics[n].mac, nic->mac, 6) == 0)
					memcpy(vi.nics[n].mac, r->macs[k].mac, 6);
		}
	}
	/* Taps the process holds that its command line does not name (fd=). */
	for (unsigned t = 0; t < p->n_taps && vi.n_nics < ENGINE_MAX_VM_NICS; t++) {
		bool known = false;
		for (unsigned n = 0; n < vi.n_nics; n++)
			if (strcmp(vi.nics[n].tap, p->taps[t].name) == 0)
				known = true;
		if (known)
			continue;
		struct vm_nic *nic = &vi.nics[vi.n_nics++];
		memset(nic, 0, sizeof(*nic));
		snprintf(nic->tap, sizeof(nic->tap), "%s", p->taps[t].name);
		nic->hub = -1;
	}
	engine_vm(e, &vi, now);
}

int vmwatch_scan(struct vmwatch *vw, struct engine *e, double now, char *err, size_t errlen)
{
	ino_t netns = 0;
	struct procvm_list list;

	if (procvm_netns_inode(vw->proc_root, "self", &netns) < 0)
		netns = 0;
	if (procvm_scan(vw->proc_root, netns, &list, err, errlen) < 0)
		return -1;
	for (unsigned i = 0; i < vw->n; i++)
		vw->vms[i].seen = false;

	for (size_t i = 0; i < list.n; i++) {
		const struct procvm_proc *p = &list.procs[i];
		if (p->n_taps == 0)
			continue;
		struct vm_record *r = NULL;
		for (unsigned k = 0; k < vw->n; k++)
			if (vw->vms[k].pid == p->pid && vw->vms[k].starttime == p->starttime)
				r = &vw->vms[k];
		if (!r) {
			if (vw->n == vw->cap) {
				unsigned cap = vw->cap ? vw->cap * 2 : 8;
				struct vm_record *nv = realloc(vw->vms, cap * sizeof(*nv));
				if (!nv)
					break;
				vw->vms = nv;
				vw->cap = cap;
			}
			r = &vw->vms[vw->n];
			if (!record_from(r, vw->proc_root, p)) {
				record_free(r);
				continue;
			}
			vw->n++;
		}
		r->seen = true;
		tell_engine(e, r, p, now);
	}
	procvm_list_free(&list);

	for (unsigned i = 0; i < vw->n;) {
		if (vw->vms[i].seen) {
			i++;
			continue;
		}
		engine_vm_gone(e, vw->vms[i].pid, now);
		record_free(&vw->vms[i]);
		vw->vms[i] = vw->vms[vw->n - 1];
		vw->n--;
	}
	return (int)vw->n;
}

unsigned vmwatch_count(const struct vmwatch *vw)
{
	return vw->n;
}

const struct vm_record *vmwatch_at(const struct vmwatch *vw, unsigned i)
{
	return i < vw->n ? &vw->vms[i] : NULL;
}

const struct vm_record *vmwatch_find(const struct vmwatch *vw, int pid)
{
	for (unsigned i = 0; i < vw->n; i++)
		if (vw->vms[i].pid == pid)
			return &vw->vms[i];
	return NULL;
}

unsigned vmwatch_fixes(const struct vmwatch *vw, struct vm_fix *out, unsigned max)
{
	unsigned n = 0;
	for (unsigned i = 0; i < vw->n && n < max; i++) {
		const struct vm_record *r = &vw->vms[i];
		struct vm_fix *f = &out[n++];
		memset(f, 0, sizeof(*f));
		f->pid = r->pid;
		f->name = r->name;
		f->exe = r->exe;
		f->argc = r->argc;
		f->argv = (const char *const *)r->argv;
		f->status = r->fix_status;
		f->why = r->fix_why[0] ? r->fix_why : NULL;
		f->fix_argc = r->fix_argc;
		f->fix_argv = (const char *const *)r->fix_argv;
		f->diff = r->fix_diff;
		f->libvirt = r->libvirt;
		f->qemu_major = r->qemu_major;
		f->qemu_minor = r->qemu_minor;
		f->paused = r->paused;
	}
	return n;
}
