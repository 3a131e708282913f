/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_procvm.c - procvm over the fake /proc tree in tests/data/proc/
 * (see make.sh there), over trees built at run time to hit the bounds,
 * and over this machine's own /proc.
 *
 * The binary has two more modes, not run by `make check`:
 *
 *   test_procvm --scan [PROC_ROOT] [RUNS]
 *       scans (all namespaces), prints the holders and the time per scan
 *   test_procvm --live PID QMP_SOCKET HMP_SOCKET NAME TAP...
 *       the driver of tests/ns/procvm.sh: run inside the namespace of a
 *       real QEMU (pid PID, -S, -name NAME, legacy NICs on hub 0 behind the
 *       TAPs); prints "ok - ..." / "not ok - ..." lines, exits 1 if any
 *       check failed.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "procvm.h"
#include "qmp.h"

#define NET_WATCHED 4026531840ull
#define NET_OTHER 4026532999ull

static const char *g_argv0;
static char g_root[4096];

/* ---- helpers ------------------------------------------------------------ */

/* tests/data/proc, from the source tree root or next to the binary. */
static int find_root(void **state)
{
	(void)state;
	snprintf(g_root, sizeof(g_root), "tests/data/proc");
	if (access("tests/data/proc/100/status", R_OK) == 0)
		return 0;
	const char *slash = g_argv0 ? strrchr(g_argv0, '/') : NULL;

	if (slash) {
		snprintf(g_root, sizeof(g_root), "%.*s/../../tests/data/proc",
			 (int)(slash - g_argv0), g_argv0);
		char probe[4200];

		snprintf(probe, sizeof(probe), "%s/100/status", g_root);
		if (access(probe, R_OK) == 0)
			return 0;
	}
	print_error("cannot find tests/data/proc; run from the source tree root\n");
	return -1;
}

static const struct procvm_proc *by_pid(const struct procvm_list *l, int pid)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->procs[i].pid == pid)
			return &l->procs[i];
	return NULL;
}

static const struct procvm_tap *tap_of(const struct procvm_proc *p, const char *name)
{
	for (unsigned i = 0; i < p->n_taps; i++)
		if (strcmp(p->taps[i].name, name) == 0)
			return &p->taps[i];
	return NULL;
}

static void scan_ok(const char *root, ino_t ns, struct procvm_list *l)
{
	char err[256] = "";
	int rc = procvm_scan(root, ns, l, err, sizeof(err));

	if (rc != 0)
		print_error("procvm_scan: %s\n", err);
	assert_int_equal(rc, 0);
}

/* ---- the fake tree ---------------------------------------------------------- */

static void test_netns_inode(void **state)
{
	ino_t ino = 0;

	(void)state;
	assert_int_equal(procvm_netns_inode(g_root, "self", &ino), 0);
	assert_true(ino == (ino_t)NET_WATCHED);
	assert_int_equal(procvm_netns_inode(g_root, "400", &ino), 0);
	assert_true(ino == (ino_t)NET_OTHER);
	errno = 0;
	assert_int_equal(procvm_netns_inode(g_root, "99999", &ino), -1);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(procvm_netns_inode("/nonexistent-proc", "self", &ino), -1);
}

static void test_scan_watched_namespace(void **state)
{
	struct procvm_list l;

	(void)state;
	scan_ok(g_root, (ino_t)NET_WATCHED, &l);
	/* 1 2 100 150 200 300 400 500 600 700 800 */
	assert_int_equal(l.scanned, 11);
	assert_int_equal(l.n, 4);
	assert_int_equal(l.procs[0].pid, 100);
	assert_int_equal(l.procs[1].pid, 200);
	assert_int_equal(l.procs[2].pid, 300);
	assert_int_equal(l.procs[3].pid, 800);
	assert_int_equal(l.other_netns, 1);     /* 400 */
	assert_int_equal(l.unreadable, 1);      /* 600 */
	assert_int_equal(l.no_iff, 2);          /* 200 fd 26, 500 fd 4 */
	assert_int_equal(l.vanished, 0);
	assert_false(l.truncated);
	procvm_list_free(&l);
	assert_int_equal(l.n, 0);
	assert_null(l.procs);
}

static void test_qemu_libvirt_cgroup(void **state)
{
	struct procvm_list l;
	const struct procvm_proc *p;
	const struct procvm_tap *t;

	(void)state;
	scan_ok(g_root, (ino_t)NET_WATCHED, &l);
	p = by_pid(&l, 100);
	assert_non_null(p);
	assert_int_equal(p->ppid, 1);
	assert_int_equal(p->uid, 64055);
	assert_int_equal(p->euid, 64055);
	assert_int_equal(p->gid, 106);
	assert_int_equal(p->egid, 106);
	assert_string_equal(p->comm, "qemu-system-x86");
	assert_string_equal(p->parent_comm, "systemd");
	assert_string_equal(p->exe, "/usr/bin/qemu-system-x86_64");
	assert_true(p->exe_deleted);
	assert_string_equal(p->cwd, "/");
	assert_true(p->starttime == 123456);
	assert_true(p->netns == (ino_t)NET_WATCHED);
	assert_int_equal(p->argc, 18);
	assert_string_equal(p->argv[0], "/usr/bin/qemu-system-x86_64");
	assert_string_equal(p->argv[1], "-name");
	assert_string_equal(p->argv[2], "guest=vm1,debug-threads=on");
	assert_null(p->argv[p->argc]);
	assert_false(p->argv_truncated);
	assert_string_equal(p->name, "vm1");
	assert_int_equal(p->envc, 4);
	assert_string_equal(p->environ[0], "LC_ALL=C");
	assert_null(p->environ[4]);
	assert_string_equal(p->cgroup,
			    "0::/machine.slice/machine-qemu\\x2d1\\x2dvm1.scope/libvirt/emulator");
	assert_true(p->libvirt);
	assert_non_null(strstr(p->libvirt_why, "cgroup 0::/machine.slice/machine-qemu"));

	/* fds 9 and 30 on tap10 (two queues), 11 on tap11; 31 is
	 * /dev/net/tunnel, not the tun device, whatever its fdinfo says */
	assert_int_equal(p->n_taps, 2);
	assert_int_equal(p->n_tunfds, 3);
	t = tap_of(p, "tap10");
	assert_non_null(t);
	assert_int_equal(t->fd, 9);
	assert_int_equal(t->queues, 2);
	t = tap_of(p, "tap11");
	assert_non_null(t);
	assert_int_equal(t->fd, 11);
	assert_int_equal(t->queues, 1);
	assert_null(tap_of(p, "bogus"));
	assert_string_equal(procvm_tap_by_fd(p, 30), "tap10");
	assert_string_equal(procvm_tap_by_fd(p, 11), "tap11");
	assert_null(procvm_tap_by_fd(p, 31));
	assert_null(procvm_tap_by_fd(p, 3));
	assert_false(p->fds_truncated);
	procvm_list_free(&l);
}

static void test_qemu_libvirt_parent(void **state)
{
	struct procvm_list l;
	const struct procvm_proc *p;

	(void)state;
	scan_ok(g_root, (ino_t)NET_WATCHED, &l);
	p = by_pid(&l, 200);
	assert_non_null(p);
	assert_int_equal(p->ppid, 150);
	assert_string_equal(p->parent_comm, "virtqemud");
	assert_true(p->libvirt);
	assert_string_equal(p->libvirt_why, "parent 150 is virtqemud");
	assert_string_equal(p->name, "vm2");
	assert_string_equal(p->exe, "/usr/bin/qemu-system-x86_64");
	assert_false(p->exe_deleted);
	assert_string_equal(p->cwd, "/var/lib/libvirt/qemu");
	/* fd 25 on tap12, 26 detached, 27 has no fdinfo (closed meanwhile) */
	assert_int_equal(p->n_taps, 1);
	assert_string_equal(p->taps[0].name, "tap12");
	assert_int_equal(p->n_tunfds, 2);
	assert_string_equal(procvm_tap_by_fd(p, 25), "tap12");
	assert_null(procvm_tap_by_fd(p, 26));
	assert_null(procvm_tap_by_fd(p, 27));
	assert_string_equal(p->cgroup, "12:pids:/\n1:name=systemd:/\n0::/");
	procvm_list_free(&l);
}

static void test_not_qemu_odd_comm(void **state)
{
	struct procvm_list l;
	const struct procvm_proc *p;

	(void)state;
	scan_ok(g_root, (ino_t)NET_WATCHED, &l);
	p = by_pid(&l, 300);
	assert_non_null(p);
	/* stat's comm "tap) sw (x": fields are counted after the last ')' */
	assert_string_equal(p->comm, "tap) sw (x");
	assert_true(p->starttime == 300300);
	assert_int_equal(p->uid, 1000);
	assert_false(p->libvirt);
	assert_string_equal(p->libvirt_why, "");
	assert_string_equal(p->name, "");
	assert_int_equal(p->argc, 3);
	assert_string_equal(p->taps[0].name, "tap13");
	procvm_list_free(&l);
}

static void test_libvirt_by_argv_no_environ(void **state)
{
	struct procvm_list l;
	const struct procvm_proc *p;

	(void)state;
	scan_ok(g_root, (ino_t)NET_WATCHED, &l);
	p = by_pid(&l, 800);
	assert_non_null(p);
	assert_true(p->libvirt);
	assert_string_equal(p->libvirt_why, "argv[4] names /var/lib/libvirt/qemu/");
	assert_null(p->environ);
	assert_int_equal(p->envc, 0);
	assert_string_equal(p->name, "");
	assert_string_equal(procvm_tap_by_fd(p, 40), "tap14");
	procvm_list_free(&l);
}

static void test_scan_all_namespaces(void **state)
{
	struct procvm_list l;
	const struct procvm_proc *p;

	(void)state;
	scan_ok(g_root, 0, &l);
	assert_int_equal(l.n, 5);
	assert_int_equal(l.other_netns, 0);
	p = by_pid(&l, 400);
	assert_non_null(p);
	assert_true(p->netns == (ino_t)NET_OTHER);
	assert_string_equal(p->name, "other");
	/* two processes hold a "tap10": the first by pid is returned */
	assert_int_equal(procvm_find_tap(&l, "tap10")->pid, 100);
	assert_int_equal(procvm_find_tap(&l, "tap13")->pid, 300);
	assert_null(procvm_find_tap(&l, "tap19"));    /* 700: no cmdline */
	assert_null(procvm_find_tap(&l, "tap99"));
	procvm_list_free(&l);

	/* the other namespace alone */
	scan_ok(g_root, (ino_t)NET_OTHER, &l);
	assert_int_equal(l.n, 1);
	assert_int_equal(l.procs[0].pid, 400);
	assert_int_equal(l.other_netns, 5);    /* 100 200 300 700 800 */
	procvm_list_free(&l);
}

static void test_read_one(void **state)
{
	struct procvm_proc p;
	char err[256];

	(void)state;
	assert_int_equal(procvm_read(g_root, 400, &p, err, sizeof(err)), 0);
	assert_int_equal(p.pid, 400);
	assert_true(p.netns == (ino_t)NET_OTHER);
	assert_int_equal(p.n_taps, 1);
	assert_string_equal(p.taps[0].name, "tap10");
	procvm_proc_free(&p);

	/* a process without taps reads too */
	assert_int_equal(procvm_read(g_root, 150, &p, err, sizeof(err)), 0);
	assert_string_equal(p.comm, "virtqemud");
	assert_int_equal(p.n_taps, 0);
	assert_int_equal(p.argc, 3);
	assert_false(p.fds_unreadable);
	procvm_proc_free(&p);

	/* 600: its fd "directory" is a file */
	assert_int_equal(procvm_read(g_root, 600, &p, err, sizeof(err)), 0);
	assert_true(p.fds_unreadable);
	assert_int_equal(p.n_taps, 0);
	assert_string_equal(p.comm, "secret");
	procvm_proc_free(&p);

	errno = 0;
	assert_int_equal(procvm_read(g_root, 4242, &p, err, sizeof(err)), -1);
	assert_int_equal(errno, ENOENT);
	assert_non_null(strstr(err, "/4242: No such file or directory"));
	assert_null(p.argv);
}

static void test_bad_root(void **state)
{
	struct procvm_list l;
	char err[256];

	(void)state;
	assert_int_equal(procvm_scan("/nonexistent-proc", 0, &l, err, sizeof(err)), -1);
	assert_string_equal(err, "/nonexistent-proc: No such file or directory");
	assert_int_equal(l.n, 0);
	assert_null(l.procs);
}

/* procvm_argv_name over the NULL-terminated argument list. */
static bool name_of(char *out, size_t outlen, ...)
{
	char *v[16];
	int n = 0;
	va_list ap;

	va_start(ap, outlen);
	while (n < 15 && (v[n] = va_arg(ap, char *)) != NULL)
		n++;
	va_end(ap);
	v[n] = NULL;
	out[0] = '\0';
	return procvm_argv_name(n, v, out, outlen);
}

static void test_argv_name(void **state)
{
	char name[64], small[4];

	(void)state;
#define NAME(...) name_of(name, sizeof(name), __VA_ARGS__, (char *)NULL)
	assert_true(NAME("qemu", "-name", "foo"));
	assert_string_equal(name, "foo");
	assert_true(NAME("qemu", "--name", "guest=bar,debug-threads=on"));
	assert_string_equal(name, "bar");
	assert_true(NAME("qemu", "-name", "a,,b,process=c"));
	assert_string_equal(name, "a,b");
	assert_true(NAME("qemu", "-name", "process=p,guest=g"));
	assert_string_equal(name, "g");
	assert_true(NAME("qemu", "-name", ",guest=z"));
	assert_string_equal(name, "z");
	assert_false(NAME("qemu", "-name", "process=p"));
	assert_false(NAME("qemu", "-name"));
	assert_false(NAME("qemu", "-m", "64"));
	assert_false(NAME("qemu", "-name", ""));
	assert_false(NAME("qemu"));
	/* the last -name wins */
	assert_true(NAME("qemu", "-name", "one", "-S", "-name", "two"));
	assert_string_equal(name, "two");
#undef NAME
	assert_true(name_of(small, sizeof(small), "qemu", "-name", "longname", (char *)NULL));
	assert_string_equal(small, "lon");
}

/* ---- bounds, on trees built here -------------------------------------------- */

static char g_tmp[64];

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static int tmp_setup(void **state)
{
	(void)state;
	snprintf(g_tmp, sizeof(g_tmp), "/tmp/test_procvm.XXXXXX");
	return mkdtemp(g_tmp) ? 0 : -1;
}

static int tmp_teardown(void **state)
{
	(void)state;
	return nftw(g_tmp, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static void write_file(const char *path, const void *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	close(fd);
}

static void mkpath(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void mkpath(const char *fmt, ...)
{
	char p[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(p, sizeof(p), fmt, ap);
	va_end(ap);
	assert_int_equal(mkdir(p, 0755), 0);
}

/* A minimal process PID in g_tmp with ntun tun fds on taps named tapN
 * (N = fd % ntaps), argv of argv_bytes bytes. */
static void fake_proc(int pid, unsigned ntun, unsigned ntaps, size_t argv_bytes)
{
	char p[512], q[512];

	mkpath("%s/%d", g_tmp, pid);
	mkpath("%s/%d/fd", g_tmp, pid);
	mkpath("%s/%d/fdinfo", g_tmp, pid);
	mkpath("%s/%d/ns", g_tmp, pid);
	snprintf(p, sizeof(p), "%s/%d/ns/net", g_tmp, pid);
	assert_int_equal(symlink("net:[77]", p), 0);
	snprintf(p, sizeof(p), "%s/%d/status", g_tmp, pid);
	static const char status[] = "PPid:\t1\nUid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\n";

	write_file(p, status, strlen(status));
	snprintf(p, sizeof(p), "%s/%d/comm", g_tmp, pid);
	write_file(p, "big\n", 4);

	char *args = malloc(argv_bytes);

	assert_non_null(args);
	memset(args, 'a', argv_bytes);
	for (size_t i = 99; i < argv_bytes; i += 100)
		args[i] = '\0';
	snprintf(p, sizeof(p), "%s/%d/cmdline", g_tmp, pid);
	write_file(p, args, argv_bytes);
	snprintf(p, sizeof(p), "%s/%d/environ", g_tmp, pid);
	write_file(p, args, argv_bytes);
	free(args);

	for (unsigned fd = 0; fd < ntun; fd++) {
		char info[96];
		int n = snprintf(info, sizeof(info), "pos:\t0\niff:\ttap%u\n", fd % ntaps);

		snprintf(p, sizeof(p), "%s/%d/fd/%u", g_tmp, pid, fd);
		assert_int_equal(symlink("/dev/net/tun", p), 0);
		snprintf(q, sizeof(q), "%s/%d/fdinfo/%u", g_tmp, pid, fd);
		write_file(q, info, (size_t)n);
	}
}

static void test_bounds(void **state)
{
	struct procvm_list l;
	const struct procvm_proc *p;

	(void)state;
	/* 10: argv and environ past the bound; 300 tun fds on 70 taps */
	fake_proc(10, 300, 70, PROCVM_MAX_ARGV + 5000);
	/* 11: exactly at the bound, ending without a NUL */
	fake_proc(11, 1, 1, PROCVM_MAX_ARGV);
	scan_ok(g_tmp, 77, &l);
	assert_int_equal(l.n, 2);
	assert_true(l.truncated);
	p = by_pid(&l, 10);
	assert_true(p->argv_truncated);
	assert_true(p->environ_truncated);
	/* 256 KiB = 2621 strings of 99 'a' + NUL, then 44 'a' without NUL */
	assert_int_equal(p->argc, PROCVM_MAX_ARGV / 100 + 1);
	assert_int_equal(strlen(p->argv[p->argc - 1]), PROCVM_MAX_ARGV % 100);
	assert_int_equal(p->n_tunfds, PROCVM_MAX_TUNFDS);
	assert_int_equal(p->n_taps, PROCVM_MAX_TAPS);
	assert_true(p->fds_truncated);
	assert_string_equal(p->comm, "big");
	assert_true(p->starttime == 0);       /* no stat file */
	assert_null(p->exe);
	assert_null(p->cwd);
	assert_null(p->cgroup);
	assert_false(p->libvirt);

	p = by_pid(&l, 11);
	assert_false(p->argv_truncated);
	assert_int_equal(p->argc, PROCVM_MAX_ARGV / 100 + 1);
	assert_false(p->fds_truncated);
	assert_string_equal(p->taps[0].name, "tap0");
	procvm_list_free(&l);
}

static void test_bad_iff_names(void **state)
{
	static const char *const infos[] = {
		"iff:\ttap0123456789abcdef\n",   /* 20 > IFNAMSIZ - 1 */
		"iff:\ta/b\n",
		"iff:\t\n",
		"pos:\t0\n",
		"iff:\tok15charsname12",            /* 15, no newline */
	};
	struct procvm_list l;
	char path[512];

	(void)state;
	mkpath("%s/5", g_tmp);
	mkpath("%s/5/fd", g_tmp);
	mkpath("%s/5/fdinfo", g_tmp);
	snprintf(path, sizeof(path), "%s/5/cmdline", g_tmp);
	write_file(path, "x\0", 2);
	snprintf(path, sizeof(path), "%s/5/status", g_tmp);
	write_file(path, "PPid:\t0\n", 8);
	for (unsigned i = 0; i < sizeof(infos) / sizeof(infos[0]); i++) {
		snprintf(path, sizeof(path), "%s/5/fd/%u", g_tmp, i);
		assert_int_equal(symlink("/dev/net/tun", path), 0);
		snprintf(path, sizeof(path), "%s/5/fdinfo/%u", g_tmp, i);
		write_file(path, infos[i], strlen(infos[i]));
	}
	/* no ns/net: unknown namespace, kept only when not filtering */
	scan_ok(g_tmp, 0, &l);
	assert_int_equal(l.n, 1);
	assert_int_equal(l.no_iff, 4);
	assert_int_equal(l.procs[0].n_taps, 1);
	assert_string_equal(l.procs[0].taps[0].name, "ok15charsname12");
	assert_true(l.procs[0].netns == 0);
	assert_int_equal(l.procs[0].ppid, 0);
	assert_string_equal(l.procs[0].parent_comm, "");
	procvm_list_free(&l);
	scan_ok(g_tmp, 77, &l);
	assert_int_equal(l.n, 0);
	assert_int_equal(l.vanished, 1);        /* no ns/net: as if it had exited */
	procvm_list_free(&l);
}

/* ---- this machine's /proc ------------------------------------------------------ */

static void test_real_proc(void **state)
{
	struct procvm_proc p;
	struct procvm_list l;
	struct stat st;
	char err[256], exe[4096];
	ino_t ino;
	ssize_t n;

	(void)state;
	assert_int_equal(procvm_netns_inode("/proc", "self", &ino), 0);
	assert_int_equal(stat("/proc/self/ns/net", &st), 0);
	assert_true(ino == st.st_ino);

	assert_int_equal(procvm_read("/proc", (int)getpid(), &p, err, sizeof(err)), 0);
	assert_int_equal(p.ppid, (int)getppid());
	assert_int_equal(p.uid, (int)getuid());
	assert_true(p.argc >= 1);
	assert_string_equal(p.argv[0], g_argv0);
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	assert_true(n > 0);
	exe[n] = '\0';
	assert_string_equal(p.exe, exe);
	assert_true(p.starttime > 0);
	assert_true(p.netns == ino);
	assert_non_null(p.environ);
	assert_non_null(p.cgroup);
	procvm_proc_free(&p);

	scan_ok("/proc", ino, &l);
	assert_true(l.scanned > 0);
	procvm_list_free(&l);
}

/* ---- --scan ----------------------------------------------------------------- */

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int scan_main(int argc, char **argv)
{
	const char *root = argc > 2 ? argv[2] : "/proc";
	int runs = argc > 3 ? atoi(argv[3]) : 10;
	double best = 1e9, total = 0;
	struct procvm_list l;
	char err[256];

	if (runs < 1)
		runs = 1;
	for (int r = 0; r < runs; r++) {
		double t0 = now_s();

		if (procvm_scan(root, 0, &l, err, sizeof(err)) != 0) {
			fprintf(stderr, "%s\n", err);
			return 1;
		}
		double dt = now_s() - t0;

		total += dt;
		if (dt < best)
			best = dt;
		if (r + 1 < runs)
			procvm_list_free(&l);
	}
	for (size_t i = 0; i < l.n; i++) {
		const struct procvm_proc *p = &l.procs[i];

		printf("pid %d ppid %d comm %s name \"%s\" netns %llu libvirt %s%s%s taps",
		       p->pid, p->ppid, p->comm, p->name, (unsigned long long)p->netns,
		       p->libvirt ? "yes (" : "no", p->libvirt_why, p->libvirt ? ")" : "");
		for (unsigned k = 0; k < p->n_taps; k++)
			printf(" %s(fd %d x%u)", p->taps[k].name, p->taps[k].fd, p->taps[k].queues);
		printf("\n");
	}
	printf("scanned %u processes: %zu holders, %u unreadable, %u vanished, %u tun fds "
	       "without a device; best %.2f ms, mean %.2f ms over %d runs\n",
	       l.scanned, l.n, l.unreadable, l.vanished, l.no_iff, best * 1e3,
	       total / runs * 1e3, runs);
	procvm_list_free(&l);
	return 0;
}

/* ---- --live ----------------------------------------------------------------- */

static unsigned g_pass, g_fail;

static void check(bool ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void check(bool ok, const char *fmt, ...)
{
	va_list ap;

	printf("%s - ", ok ? "ok" : "not ok");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	if (ok)
		g_pass++;
	else
		g_fail++;
}

static bool proc_alive(int pid)
{
	char p[64];
	char st[512];
	FILE *f;

	snprintf(p, sizeof(p), "/proc/%d/stat", pid);
	f = fopen(p, "r");
	if (f == NULL)
		return false;
	bool zombie = fgets(st, sizeof(st), f) && strstr(st, ") Z ");

	fclose(f);
	return !zombie;
}

static int live_main(int argc, char **argv)
{
	int pid, ntaps, rc;
	const char *qmp_path, *hmp_path, *name;
	char *const *taps;
	struct procvm_list l;
	const struct procvm_proc *p = NULL;
	char err[512];
	ino_t self_ns = 0, init_ns = 0;

	if (argc < 7) {
		fprintf(stderr, "usage: %s --live PID QMP HMP NAME TAP...\n", argv[0]);
		return 2;
	}
	pid = atoi(argv[2]);
	qmp_path = argv[3];
	hmp_path = argv[4];
	name = argv[5];
	taps = argv + 6;
	ntaps = argc - 6;

	/* 1. the scan finds the QEMU by its taps, in this namespace */
	rc = procvm_netns_inode("/proc", "self", &self_ns);
	check(rc == 0, "netns inode of self: %llu", (unsigned long long)self_ns);
	double t0 = now_s();

	rc = procvm_scan("/proc", self_ns, &l, err, sizeof(err));
	double dt = now_s() - t0;

	check(rc == 0, "scan /proc: %u processes in %.2f ms%s%s", l.scanned, dt * 1e3,
	      rc ? ": " : "", rc ? err : "");
	if (rc != 0)
		goto out;
	for (int i = 0; i < ntaps; i++) {
		const struct procvm_proc *h = procvm_find_tap(&l, taps[i]);

		check(h && h->pid == pid, "%s is held by pid %d (found %d)", taps[i], pid,
		      h ? h->pid : -1);
		if (h && h->pid == pid)
			p = h;
	}
	if (p == NULL) {
		check(false, "the QEMU was found");
		goto out_free;
	}
	check((int)p->n_taps == ntaps, "it holds %d taps (%u)", ntaps, p->n_taps);
	check(strcmp(p->name, name) == 0, "-name read: \"%s\"", p->name);
	check(p->exe && strstr(p->exe, "qemu-system-x86_64") != NULL, "exe %s",
	      p->exe ? p->exe : "(none)");
	check(p->argc > 5 && strstr(p->argv[0], "qemu-system-x86_64") != NULL,
	      "argv: %d args, argv[0] %s", p->argc, p->argc ? p->argv[0] : "");
	check(p->starttime > 0, "start time %llu ticks", p->starttime);
	check(p->netns == self_ns, "its namespace is ours");
	check(!p->libvirt, "not started by libvirt (%s)", p->libvirt_why);
	check(p->environ != NULL && p->envc > 0, "environment: %d strings", p->envc);

	/* 2. from the namespace of pid 1 the taps are not this QEMU's */
	if (procvm_netns_inode("/proc", "1", &init_ns) == 0 && init_ns != self_ns) {
		struct procvm_list other;

		if (procvm_scan("/proc", init_ns, &other, err, sizeof(err)) == 0) {
			bool seen = false;

			for (size_t i = 0; i < other.n; i++)
				seen = seen || other.procs[i].pid == pid;
			check(!seen, "a scan of pid 1's namespace leaves it out");
			procvm_list_free(&other);
		} else {
			check(false, "scan of pid 1's namespace: %s", err);
		}
	}

	/* 3. QMP */
	struct qmp *q = qmp_open(qmp_path, 5000, &rc, err, sizeof(err));
	int major = -1, minor = -1, micro = -1;

	check(q != NULL, "qmp_open %s%s%s", qmp_path, q ? "" : ": ", q ? "" : err);
	if (q == NULL)
		goto out_free;
	qmp_version(q, &major, &minor, &micro);
	check(major == 7 && minor == 2, "QEMU %d.%d.%d (%s)", major, minor, micro,
	      qmp_package(q));

	char *text = NULL;
	struct qmp_netinfo ni;

	rc = qmp_hmp(q, "info network", &text, 5000);
	check(rc == QMP_OK, "info network over QMP%s%s", rc ? ": " : "", rc ? qmp_error(q) : "");
	if (rc == QMP_OK) {
		qmp_parse_info_network(text, &ni);
		check(ni.n == 2u * (unsigned)ntaps && ni.n_hubs == 1 && ni.hubs[0] == 0 &&
		      ni.unparsed == 0, "%u clients on %u hub(s), %u lines not understood",
		      ni.n, ni.n_hubs, ni.unparsed);
		for (int i = 0; i < ntaps; i++) {
			bool found = false;

			for (unsigned k = 0; k < ni.n; k++)
				found = found || (strcmp(ni.c[k].ifname, taps[i]) == 0 &&
						  strcmp(ni.c[k].type, "tap") == 0 &&
						  ni.c[k].hub == 0);
			check(found, "%s is a tap backend on hub 0", taps[i]);
		}
		unsigned nics = 0;

		for (unsigned k = 0; k < ni.n; k++)
			if (strcmp(ni.c[k].type, "nic") == 0 && ni.c[k].hub == 0 &&
			    ni.c[k].have_mac)
				nics++;
		check((int)nics == ntaps, "%u NICs with a MAC on hub 0", nics);
	}

	bool running = true;
	char status[32] = "";

	rc = qmp_query_status(q, &running, status, sizeof(status), 5000);
	check(rc == QMP_OK && !running && strcmp(status, "prelaunch") == 0,
	      "query-status: %s, running %d", status, running);
	rc = qmp_execute(q, "no-such-command", 5000);
	check(rc == QMP_ERR_REPLY && strcmp(qmp_error_class(q), "CommandNotFound") == 0,
	      "an unknown command: %s", qmp_error(q));
	rc = qmp_set_link(q, "hub0port0", false, 5000);
	rc = rc == QMP_OK ? qmp_set_link(q, "hub0port0", true, 5000) : rc;
	check(rc == QMP_OK, "set_link hub0port0 down and up%s%s", rc ? ": " : "",
	      rc ? qmp_error(q) : "");

	/* 4. the human monitor gives the same text */
	char *htext = NULL;

	rc = hmp_command(hmp_path, "info network", &htext, 5000, err, sizeof(err));
	check(rc == QMP_OK && text && strcmp(htext, text) == 0,
	      "info network over the human monitor is the same text%s%s",
	      rc ? ": " : "", rc ? err : "");
	free(htext);
	free(text);

	/* 5. system_powerdown (no guest to act on it), then quit */
	rc = qmp_execute(q, "system_powerdown", 5000);
	check(rc == QMP_OK, "system_powerdown%s%s", rc ? ": " : "", rc ? qmp_error(q) : "");
	rc = qmp_execute(q, "quit", 5000);
	check(rc == QMP_OK || rc == QMP_ERR_CLOSED, "quit: %d %s", rc, rc ? qmp_error(q) : "");
	qmp_close(q);
	for (int i = 0; i < 100 && proc_alive(pid); i++)
		usleep(50 * 1000);
	check(!proc_alive(pid), "QEMU %d exited after quit", pid);

	/* 6. and the taps are free: no holder any more */
	struct procvm_list after;

	if (procvm_scan("/proc", self_ns, &after, err, sizeof(err)) == 0) {
		check(procvm_find_tap(&after, taps[0]) == NULL, "%s has no holder now", taps[0]);
		procvm_list_free(&after);
	}
out_free:
	procvm_list_free(&l);
out:
	printf("live: %u passed, %u failed\n", g_pass, g_fail);
	return g_fail ? 1 : 0;
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_netns_inode),
		cmocka_unit_test(test_scan_watched_namespace),
		cmocka_unit_test(test_qemu_libvirt_cgroup),
		cmocka_unit_test(test_qemu_libvirt_parent),
		cmocka_unit_test(test_not_qemu_odd_comm),
		cmocka_unit_test(test_libvirt_by_argv_no_environ),
		cmocka_unit_test(test_scan_all_namespaces),
		cmocka_unit_test(test_read_one),
		cmocka_unit_test(test_bad_root),
		cmocka_unit_test(test_argv_name),
		cmocka_unit_test_setup_teardown(test_bounds, tmp_setup, tmp_teardown),
		cmocka_unit_test_setup_teardown(test_bad_iff_names, tmp_setup, tmp_teardown),
		cmocka_unit_test(test_real_proc),
	};

	g_argv0 = argv[0];
	if (argc > 1 && strcmp(argv[1], "--live") == 0)
		return live_main(argc, argv);
	if (argc > 1 && strcmp(argv[1], "--scan") == 0)
		return scan_main(argc, argv);
	return cmocka_run_group_tests(tests, find_root, NULL);
}
