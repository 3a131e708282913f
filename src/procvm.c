/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * procvm.c - tap holders from /proc (see procvm.h).
 *
 * Cost: one opendir of /proc/PID/fd per process and one readlink per
 * descriptor; a kernel thread has an empty fd directory, a process we may
 * not look into fails the opendir, and both are skipped right there.
 * Only a descriptor whose link reads "/dev/net/tun" costs a further read
 * (its fdinfo), and only a process holding a tap is read in full.  All
 * paths are opened relative to one descriptor on the proc root.
 */
#include "procvm.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define TUN_PATH "/dev/net/tun"
#define DELETED_SUFFIX " (deleted)"

/* ---- small readers, relative to the proc root ------------------------- */

static bool all_digits(const char *s)
{
	if (*s == '\0')
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

/*
 * Reads at most cap-1 bytes of root/rel into buf, NUL-terminated.
 * Returns the length, or -1 with errno set.
 */
static ssize_t read_small(int root, const char *rel, char *buf, size_t cap)
{
	int fd = openat(root, rel, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	size_t len = 0;

	if (fd < 0)
		return -1;
	while (len + 1 < cap) {
		ssize_t r = read(fd, buf + len, cap - 1 - len);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			int e = errno;

			close(fd);
			errno = e;
			return -1;
		}
		if (r == 0)
			break;
		len += (size_t)r;
	}
	close(fd);
	buf[len] = '\0';
	return (ssize_t)len;
}

/*
 * Reads up to max bytes of root/rel into a new buffer (one NUL added after
 * the data).  *truncated says the file had more.  Returns 0, or -1 with
 * errno set.
 */
static int read_bounded(int root, const char *rel, size_t max, char **out,
			size_t *outlen, bool *truncated)
{
	int fd = openat(root, rel, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	size_t cap = 4096, len = 0;
	char *buf;

	*out = NULL;
	*outlen = 0;
	*truncated = false;
	if (fd < 0)
		return -1;
	buf = malloc(cap + 1);
	if (buf == NULL) {
		close(fd);
		errno = ENOMEM;
		return -1;
	}
	for (;;) {
		if (len == cap) {
			if (cap >= max + 1)
				break;
			size_t ncap = cap * 2 > max + 1 ? max + 1 : cap * 2;
			char *nb = realloc(buf, ncap + 1);

			if (nb == NULL) {
				free(buf);
				close(fd);
				errno = ENOMEM;
				return -1;
			}
			buf = nb;
			cap = ncap;
		}
		ssize_t r = read(fd, buf + len, cap - len);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			int e = errno;

			free(buf);
			close(fd);
			errno = e;
			return -1;
		}
		if (r == 0)
			break;
		len += (size_t)r;
	}
	close(fd);
	if (len > max) {
		len = max;
		*truncated = true;
	}
	buf[len] = '\0';
	*out = buf;
	*outlen = len;
	return 0;
}

/* readlink into buf, NUL-terminated; -1 with errno (ENAMETOOLONG if cut). */
static ssize_t readlink_small(int root, const char *rel, char *buf, size_t cap)
{
	ssize_t n = readlinkat(root, rel, buf, cap);

	if (n < 0)
		return -1;
	if ((size_t)n >= cap) {
		errno = ENAMETOOLONG;
		return -1;
	}
	buf[n] = '\0';
	return n;
}

static char *dupstr(const char *s)
{
	size_t n = strlen(s) + 1;
	char *d = malloc(n);

	if (d)
		memcpy(d, s, n);
	return d;
}

static void copy_str(char *dst, size_t cap, const char *src, size_t n)
{
	if (cap == 0)
		return;
	if (n >= cap)
		n = cap - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

/*
 * Splits a NUL-separated block (cmdline, environ) into one allocation:
 * the pointer array (count + 1 entries, NULL last) then the strings.  A
 * last string without its NUL (cut by the bound) still counts.
 */
static char **split_nul(const char *data, size_t len, int *count)
{
	size_t n = 0;
	char **v, *s;

	for (size_t i = 0; i < len; i++)
		if (data[i] == '\0')
			n++;
	if (len > 0 && data[len - 1] != '\0')
		n++;
	if (n > (size_t)INT_MAX - 1)
		return NULL;
	v = malloc((n + 1) * sizeof(*v) + len + 1);
	if (v == NULL)
		return NULL;
	s = (char *)(v + n + 1);
	memcpy(s, data, len);
	s[len] = '\0';
	for (size_t i = 0, k = 0; k < n; k++) {
		v[k] = s + i;
		i += strlen(s + i) + 1;
	}
	v[n] = NULL;
	*count = (int)n;
	return v;
}

static void chomp(char *s)
{
	size_t n = strlen(s);

	while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r'))
		s[--n] = '\0';
}

/* ---- namespaces --------------------------------------------------------- */

static int netns_at(int root, const char *pid, ino_t *ino)
{
	char rel[64], link[64];
	unsigned long long v;
	char tail;
	struct stat st;

	snprintf(rel, sizeof(rel), "%s/ns/net", pid);
	if (readlink_small(root, rel, link, sizeof(link)) >= 0 &&
	    sscanf(link, "net:[%llu%c", &v, &tail) == 2 && tail == ']' && v != 0) {
		*ino = (ino_t)v;
		return 0;
	}
	if (fstatat(root, rel, &st, 0) == 0) {
		*ino = st.st_ino;
		return 0;
	}
	return -1;
}

int procvm_netns_inode(const char *proc_root, const char *pid_or_self, ino_t *ino)
{
	int root = open(proc_root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int rc, e;

	if (root < 0)
		return -1;
	rc = netns_at(root, pid_or_self, ino);
	e = errno;
	close(root);
	errno = e;
	return rc;
}

/* ---- tun descriptors ---------------------------------------------------- */

static bool valid_ifname(const char *s, size_t n)
{
	if (n == 0 || n >= PROCVM_IFNAMSIZ)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '/' || c == ':' || c <= ' ' || c == 0x7f)
			return false;
	}
	return true;
}

/* The "iff:" value of an fdinfo text; "" if none or not a name. */
static void fdinfo_iff(const char *text, char *out)
{
	const char *p = text;

	out[0] = '\0';
	while (p && *p) {
		if (strncmp(p, "iff:", 4) == 0) {
			const char *v = p + 4, *end;

			while (*v == '\t' || *v == ' ')
				v++;
			end = strchr(v, '\n');
			if (end == NULL)
				end = v + strlen(v);
			if (valid_ifname(v, (size_t)(end - v)))
				copy_str(out, PROCVM_IFNAMSIZ, v, (size_t)(end - v));
			return;
		}
		p = strchr(p, '\n');
		if (p)
			p++;
	}
}

static void add_tunfd(struct procvm_proc *p, int fd, const char *tap)
{
	if (p->n_tunfds < PROCVM_MAX_TUNFDS) {
		struct procvm_tunfd *t = &p->tunfds[p->n_tunfds++];

		t->fd = fd;
		copy_str(t->tap, sizeof(t->tap), tap, strlen(tap));
	} else {
		p->fds_truncated = true;
	}
	if (tap[0] == '\0')
		return;
	for (unsigned i = 0; i < p->n_taps; i++) {
		if (strcmp(p->taps[i].name, tap) == 0) {
			p->taps[i].queues++;
			if (fd < p->taps[i].fd)
				p->taps[i].fd = fd;
			return;
		}
	}
	if (p->n_taps < PROCVM_MAX_TAPS) {
		struct procvm_tap *t = &p->taps[p->n_taps++];

		copy_str(t->name, sizeof(t->name), tap, strlen(tap));
		t->fd = fd;
		t->queues = 1;
	} else {
		p->fds_truncated = true;
	}
}

/*
 * Fills p->tunfds/p->taps from pid's fd directory.  Returns the number of
 * named taps found, or -1 with errno (ENOENT: the process is gone).
 * *no_iff counts tun fds that name no device.
 */
static int scan_fds(int root, const char *pid, struct procvm_proc *p, unsigned *no_iff)
{
	char rel[96], link[32], info[4096];
	unsigned seen = 0;
	struct dirent *de;
	int dfd;
	DIR *d;

	snprintf(rel, sizeof(rel), "%s/fd", pid);
	dfd = openat(root, rel, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return -1;
	d = fdopendir(dfd);
	if (d == NULL) {
		int e = errno;

		close(dfd);
		errno = e;
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_type != DT_LNK && de->d_type != DT_UNKNOWN)
			continue;
		if (!all_digits(de->d_name))
			continue;
		if (++seen > PROCVM_MAX_FDS) {
			p->fds_truncated = true;
			break;
		}
		ssize_t n = readlinkat(dirfd(d), de->d_name, link, sizeof(link));

		if (n != (ssize_t)strlen(TUN_PATH) || memcmp(link, TUN_PATH, (size_t)n) != 0)
			continue;
		long fd = strtol(de->d_name, NULL, 10);
		char tap[PROCVM_IFNAMSIZ];

		snprintf(rel, sizeof(rel), "%s/fdinfo/%s", pid, de->d_name);
		if (read_small(root, rel, info, sizeof(info)) < 0)
			continue;       /* closed meanwhile */
		fdinfo_iff(info, tap);
		if (tap[0] == '\0')
			(*no_iff)++;
		add_tunfd(p, (int)fd, tap);
	}
	closedir(d);
	return (int)p->n_taps;
}

/* ---- a holder's details ------------------------------------------------- */

static void parse_status(const char *text, struct procvm_proc *p)
{
	const char *line = text;

	while (line && *line) {
		unsigned long a, b;
		int v;

		if (sscanf(line, "PPid: %d", &v) == 1)
			p->ppid = v;
		else if (sscanf(line, "Uid: %lu %lu", &a, &b) == 2) {
			p->uid = (uid_t)a;
			p->euid = (uid_t)b;
		} else if (sscanf(line, "Gid: %lu %lu", &a, &b) == 2) {
			p->gid = (gid_t)a;
			p->egid = (gid_t)b;
		}
		line = strchr(line, '\n');
		if (line)
			line++;
	}
}

/* Field 22 (starttime) of /proc/PID/stat; the comm (field 2) may hold
 * spaces and parentheses, so fields are counted after the last ')'. */
static bool parse_starttime(const char *text, unsigned long long *out)
{
	const char *p = strrchr(text, ')');
	int field = 2;

	if (p == NULL)
		return false;
	p++;
	while (*p) {
		while (*p == ' ')
			p++;
		if (*p == '\0' || *p == '\n')
			break;
		field++;
		if (field == 22) {
			char *end;

			errno = 0;
			*out = strtoull(p, &end, 10);
			return end != p && errno == 0;
		}
		while (*p && *p != ' ')
			p++;
	}
	return false;
}

static void read_comm(int root, const char *pid, char *out, size_t cap)
{
	char rel[64];

	snprintf(rel, sizeof(rel), "%s/comm", pid);
	if (read_small(root, rel, out, cap) < 0)
		out[0] = '\0';
	chomp(out);
}

static char *read_link_dup(int root, const char *rel)
{
	char buf[PATH_MAX + sizeof(DELETED_SUFFIX)];

	if (readlink_small(root, rel, buf, sizeof(buf)) < 0)
		return NULL;
	return dupstr(buf);
}

static bool contains(const char *hay, const char *needle)
{
	return hay && strstr(hay, needle) != NULL;
}

/* The line of text holding needle, into out. */
static void line_with(const char *text, const char *needle, char *out, size_t cap)
{
	const char *hit = strstr(text, needle), *b = hit, *e;

	while (b > text && b[-1] != '\n')
		b--;
	e = strchr(hit, '\n');
	if (e == NULL)
		e = hit + strlen(hit);
	copy_str(out, cap, b, (size_t)(e - b));
}

static void guess_libvirt(struct procvm_proc *p)
{
	static const char *const parents[] = { "libvirtd", "virtqemud" };
	static const char *const paths[] = { "/var/lib/libvirt/qemu/", "/run/libvirt/qemu/",
					     "/var/run/libvirt/qemu/" };
	char line[PROCVM_WHY_LEN - 16];

	for (size_t i = 0; i < sizeof(parents) / sizeof(parents[0]); i++) {
		if (strcmp(p->parent_comm, parents[i]) == 0) {
			snprintf(p->libvirt_why, sizeof(p->libvirt_why),
				 "parent %d is %s", p->ppid, parents[i]);
			p->libvirt = true;
			return;
		}
	}
	if (contains(p->cgroup, "machine-qemu")) {
		line_with(p->cgroup, "machine-qemu", line, sizeof(line));
		snprintf(p->libvirt_why, sizeof(p->libvirt_why), "cgroup %s", line);
		p->libvirt = true;
		return;
	}
	if (contains(p->cgroup, ".libvirt-qemu")) {
		line_with(p->cgroup, ".libvirt-qemu", line, sizeof(line));
		snprintf(p->libvirt_why, sizeof(p->libvirt_why), "cgroup %s", line);
		p->libvirt = true;
		return;
	}
	for (int i = 0; i < p->argc; i++) {
		for (size_t k = 0; k < sizeof(paths) / sizeof(paths[0]); k++) {
			if (strstr(p->argv[i], paths[k])) {
				snprintf(p->libvirt_why, sizeof(p->libvirt_why),
					 "argv[%d] names %s", i, paths[k]);
				p->libvirt = true;
				return;
			}
		}
	}
	/* systemd-machined puts nspawn containers in machine.slice too: only a
	 * QEMU there counts. */
	if (contains(p->cgroup, "machine.slice") &&
	    (strstr(p->comm, "qemu") || contains(p->exe, "qemu") ||
	     (p->argc > 0 && strstr(p->argv[0], "qemu")))) {
		line_with(p->cgroup, "machine.slice", line, sizeof(line));
		snprintf(p->libvirt_why, sizeof(p->libvirt_why), "QEMU in cgroup %s", line);
		p->libvirt = true;
	}
}

/*
 * Reads everything but the fds.  Returns 0, or -1 with errno (ENOENT: the
 * process is gone).  Only memory failure and a missing process are
 * errors; an unreadable detail stays empty.
 */
static int read_details(int root, const char *pid, struct procvm_proc *p)
{
	char rel[96], buf[16384], *data;
	size_t len;
	bool trunc;

	snprintf(rel, sizeof(rel), "%s/status", pid);
	if (read_small(root, rel, buf, sizeof(buf)) < 0)
		return -1;
	parse_status(buf, p);

	snprintf(rel, sizeof(rel), "%s/stat", pid);
	if (read_small(root, rel, buf, sizeof(buf)) >= 0)
		parse_starttime(buf, &p->starttime);

	read_comm(root, pid, p->comm, sizeof(p->comm));
	if (p->ppid > 0) {
		char ppid[24];

		snprintf(ppid, sizeof(ppid), "%d", p->ppid);
		read_comm(root, ppid, p->parent_comm, sizeof(p->parent_comm));
	}

	snprintf(rel, sizeof(rel), "%s/cmdline", pid);
	if (read_bounded(root, rel, PROCVM_MAX_ARGV, &data, &len, &trunc) == 0) {
		p->argv = split_nul(data, len, &p->argc);
		p->argv_truncated = trunc;
		free(data);
		if (p->argv == NULL)
			return errno = ENOMEM, -1;
	} else if (errno == ENOMEM) {
		return -1;
	}

	snprintf(rel, sizeof(rel), "%s/environ", pid);
	if (read_bounded(root, rel, PROCVM_MAX_ENVIRON, &data, &len, &trunc) == 0) {
		p->environ = split_nul(data, len, &p->envc);
		p->environ_truncated = trunc;
		free(data);
		if (p->environ == NULL)
			return errno = ENOMEM, -1;
	} else if (errno == ENOMEM) {
		return -1;
	}

	snprintf(rel, sizeof(rel), "%s/exe", pid);
	p->exe = read_link_dup(root, rel);
	if (p->exe) {
		size_t n = strlen(p->exe), s = strlen(DELETED_SUFFIX);

		if (n > s && strcmp(p->exe + n - s, DELETED_SUFFIX) == 0) {
			p->exe[n - s] = '\0';
			p->exe_deleted = true;
		}
	}
	snprintf(rel, sizeof(rel), "%s/cwd", pid);
	p->cwd = read_link_dup(root, rel);

	snprintf(rel, sizeof(rel), "%s/cgroup", pid);
	if (read_bounded(root, rel, PROCVM_MAX_CGROUP, &data, &len, &trunc) == 0) {
		chomp(data);
		p->cgroup = data;
	}

	if (p->argv)
		procvm_argv_name(p->argc, p->argv, p->name, sizeof(p->name));
	guess_libvirt(p);
	return 0;
}

static void proc_init(struct procvm_proc *p, int pid)
{
	memset(p, 0, sizeof(*p));
	p->pid = pid;
	p->ppid = -1;
	p->uid = p->euid = (uid_t)-1;
	p->gid = p->egid = (gid_t)-1;
}

void procvm_proc_free(struct procvm_proc *p)
{
	if (p == NULL)
		return;
	free(p->exe);
	free(p->cwd);
	free(p->argv);
	free(p->environ);
	free(p->cgroup);
	p->exe = p->cwd = p->cgroup = NULL;
	p->argv = p->environ = NULL;
	p->argc = p->envc = 0;
}

int procvm_read(const char *proc_root, int pid, struct procvm_proc *out,
		char *err, size_t errlen)
{
	char spid[24];
	unsigned no_iff = 0;
	int root, e;

	proc_init(out, pid);
	root = open(proc_root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (root < 0) {
		e = errno;
		snprintf(err, errlen, "%s: %s", proc_root, strerror(e));
		errno = e;
		return -1;
	}
	snprintf(spid, sizeof(spid), "%d", pid);
	if (read_details(root, spid, out) < 0) {
		e = errno;
		snprintf(err, errlen, "%s/%d: %s", proc_root, pid, strerror(e));
		procvm_proc_free(out);
		close(root);
		errno = e;
		return -1;
	}
	if (netns_at(root, spid, &out->netns) < 0)
		out->netns = 0;
	if (scan_fds(root, spid, out, &no_iff) < 0)
		out->fds_unreadable = true;
	close(root);
	return 0;
}

/* ---- the scan ----------------------------------------------------------- */

static int by_pid(const void *a, const void *b)
{
	const struct procvm_proc *x = a, *y = b;

	return (x->pid > y->pid) - (x->pid < y->pid);
}

void procvm_list_free(struct procvm_list *l)
{
	if (l == NULL)
		return;
	for (size_t i = 0; i < l->n; i++)
		procvm_proc_free(&l->procs[i]);
	free(l->procs);
	memset(l, 0, sizeof(*l));
}

int procvm_scan(const char *proc_root, ino_t netns_ino, struct procvm_list *out,
		char *err, size_t errlen)
{
	struct procvm_proc *scratch = NULL;
	size_t cap = 0;
	struct dirent *de;
	int root, dfd;
	DIR *d;

	memset(out, 0, sizeof(*out));
	root = open(proc_root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (root < 0) {
		snprintf(err, errlen, "%s: %s", proc_root, strerror(errno));
		return -1;
	}
	dfd = dup(root);
	d = dfd >= 0 ? fdopendir(dfd) : NULL;
	scratch = malloc(sizeof(*scratch));
	if (d == NULL || scratch == NULL) {
		snprintf(err, errlen, "%s: %s", proc_root, strerror(errno));
		if (d)
			closedir(d);
		else if (dfd >= 0)
			close(dfd);
		free(scratch);
		close(root);
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		if (!all_digits(de->d_name) || strlen(de->d_name) > 10)
			continue;
		if (out->scanned >= PROCVM_MAX_SCAN) {
			out->truncated = true;
			break;
		}
		out->scanned++;
		long pid = strtol(de->d_name, NULL, 10);

		if (pid <= 0 || pid > INT_MAX)
			continue;
		proc_init(scratch, (int)pid);
		int nt = scan_fds(root, de->d_name, scratch, &out->no_iff);

		if (nt < 0) {
			if (errno == ENOENT || errno == ESRCH)
				out->vanished++;
			else
				out->unreadable++;
			continue;
		}
		if (nt == 0)
			continue;
		if (netns_at(root, de->d_name, &scratch->netns) < 0) {
			scratch->netns = 0;
			if (netns_ino != 0) {
				if (errno == ENOENT)
					out->vanished++;
				else
					out->unreadable++;
				continue;
			}
		}
		if (netns_ino != 0 && scratch->netns != netns_ino) {
			out->other_netns++;
			continue;
		}
		if (out->n >= PROCVM_MAX_HOLDERS) {
			out->truncated = true;
			break;
		}
		if (read_details(root, de->d_name, scratch) < 0) {
			int e = errno;

			procvm_proc_free(scratch);
			if (e == ENOMEM) {
				snprintf(err, errlen, "%s: %s", proc_root, strerror(e));
				goto fail;
			}
			if (e == ENOENT || e == ESRCH)
				out->vanished++;
			else
				out->unreadable++;
			continue;
		}
		if (scratch->argc == 0) {
			/* kernel thread or zombie: no command line, no VM */
			procvm_proc_free(scratch);
			continue;
		}
		if (scratch->fds_truncated)
			out->truncated = true;
		if (out->n == cap) {
			size_t ncap = cap ? cap * 2 : 8;
			struct procvm_proc *np = realloc(out->procs, ncap * sizeof(*np));

			if (np == NULL) {
				procvm_proc_free(scratch);
				snprintf(err, errlen, "%s: %s", proc_root, strerror(ENOMEM));
				goto fail;
			}
			out->procs = np;
			cap = ncap;
		}
		out->procs[out->n++] = *scratch;
	}
	closedir(d);
	close(root);
	free(scratch);
	if (out->n > 1)
		qsort(out->procs, out->n, sizeof(out->procs[0]), by_pid);
	return 0;
fail:
	closedir(d);
	close(root);
	free(scratch);
	procvm_list_free(out);
	return -1;
}

/* ---- look-ups ----------------------------------------------------------- */

const struct procvm_proc *procvm_find_tap(const struct procvm_list *l, const char *name)
{
	for (size_t i = 0; i < l->n; i++)
		for (unsigned k = 0; k < l->procs[i].n_taps; k++)
			if (strcmp(l->procs[i].taps[k].name, name) == 0)
				return &l->procs[i];
	return NULL;
}

const char *procvm_tap_by_fd(const struct procvm_proc *p, int fd)
{
	for (unsigned i = 0; i < p->n_tunfds; i++)
		if (p->tunfds[i].fd == fd && p->tunfds[i].tap[0] != '\0')
			return p->tunfds[i].tap;
	return NULL;
}

/*
 * One QemuOpts element of s (up to an unescaped ','), unescaping ",,".
 * Returns a pointer past it (past the ',' too), writes it to el.
 */
static const char *opt_element(const char *s, char *el, size_t cap)
{
	size_t n = 0;

	while (*s) {
		if (*s == ',') {
			if (s[1] == ',') {
				if (n + 1 < cap)
					el[n++] = ',';
				s += 2;
				continue;
			}
			s++;
			break;
		}
		if (n + 1 < cap)
			el[n++] = *s;
		s++;
	}
	el[n] = '\0';
	return s;
}

bool procvm_argv_name(int argc, char *const argv[], char *out, size_t outlen)
{
	const char *val = NULL;

	for (int i = 0; i + 1 < argc; i++) {
		if (strcmp(argv[i], "-name") == 0 || strcmp(argv[i], "--name") == 0) {
			val = argv[i + 1];
			i++;
		}
	}
	if (val == NULL || outlen == 0)
		return false;

	char el[PROCVM_NAME_LEN * 4], name[PROCVM_NAME_LEN * 4];
	bool found = false, first = true;
	const char *s = val;

	while (*s) {
		s = opt_element(s, el, sizeof(el));
		char *eq = strchr(el, '=');

		if (eq == NULL) {
			if (first) {   /* implied key: guest */
				snprintf(name, sizeof(name), "%s", el);
				found = true;
			}
		} else if (eq - el == 5 && strncmp(el, "guest", 5) == 0) {
			snprintf(name, sizeof(name), "%s", eq + 1);
			found = true;
		}
		first = false;
	}
	if (!found || name[0] == '\0')
		return false;
	copy_str(out, outlen, name, strlen(name));
	return true;
}
