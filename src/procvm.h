/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * procvm.h - which processes hold which tap devices, read from /proc.
 *
 * A process that owns a tap has a file descriptor on /dev/net/tun; the
 * tun driver names the device in that descriptor's fdinfo, one line
 * "iff:\t<name>\n" (drivers/net/tun.c, tun_chr_show_fdinfo()).  So for
 * every process: readlink /proc/PID/fd/N, and where the link reads
 * "/dev/net/tun", the "iff:" line of /proc/PID/fdinfo/N names the tap.
 * Only the holders are then read in full (status, stat, cmdline, environ,
 * exe, cwd, cgroup, the parent's comm): raw facts, no QEMU knowledge
 * beyond a minimal -name reader and a libvirt guess.
 *
 * A tap name is unique only inside its network namespace.  The scan keeps
 * the processes whose own namespace (/proc/PID/ns/net) is the one asked
 * for.  That is the tap's namespace when the process opened and attached
 * the tun file in its own namespace, which is what QEMU and libvirt do; a
 * process that changed namespace after attaching, or a tap moved to
 * another namespace after creation ("ip link set tapX netns Y"), is
 * misattributed.  The exact answer needs the descriptor itself
 * (pidfd_getfd(2) + TUNGETDEVNETNS), which this module does not take.
 *
 * The proc root is a parameter: "/proc" in production, a fake tree in the
 * tests (symlinks there may dangle: only readlink is used on fd links and
 * namespace links).  Every read is bounded; processes that vanish or
 * cannot be read during the scan are counted and skipped, never fatal.
 */
#ifndef STPWATCH_PROCVM_H
#define STPWATCH_PROCVM_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define PROCVM_IFNAMSIZ      16               /* IFNAMSIZ, with the NUL */
#define PROCVM_COMM_LEN      64               /* TASK_COMM_LEN is 16 */
#define PROCVM_NAME_LEN      64               /* -name value kept */
#define PROCVM_WHY_LEN       160
#define PROCVM_MAX_SCAN      (1u << 20)       /* /proc entries looked at */
#define PROCVM_MAX_FDS       65536u           /* fds looked at per process */
#define PROCVM_MAX_TUNFDS    256u             /* tun fds kept per process */
#define PROCVM_MAX_TAPS      64u              /* distinct taps per process */
#define PROCVM_MAX_HOLDERS   4096u            /* processes kept */
#define PROCVM_MAX_ARGV      (256u * 1024u)   /* bytes of cmdline read */
#define PROCVM_MAX_ENVIRON   (256u * 1024u)   /* bytes of environ read */
#define PROCVM_MAX_CGROUP    8192u            /* bytes of cgroup read */

/* One tun descriptor of a process. */
struct procvm_tunfd {
	int fd;
	char tap[PROCVM_IFNAMSIZ];      /* "" if not attached to a device */
};

/* One tap a process holds (several fds for a multiqueue tap). */
struct procvm_tap {
	char name[PROCVM_IFNAMSIZ];
	int fd;                         /* its lowest fd */
	unsigned queues;                /* fds attached to it */
};

struct procvm_proc {
	int pid;
	int ppid;                       /* -1 if unknown */
	uid_t uid, euid;                /* real and effective (status Uid:) */
	gid_t gid, egid;
	char comm[PROCVM_COMM_LEN];     /* /proc/PID/comm */
	char parent_comm[PROCVM_COMM_LEN]; /* "" if unknown */
	char *exe;                      /* readlink exe, " (deleted)" cut; NULL if unreadable */
	bool exe_deleted;               /* the binary was replaced or removed */
	char *cwd;                      /* NULL if unreadable */
	int argc;
	char **argv;                    /* argc strings and a NULL */
	bool argv_truncated;            /* cmdline longer than PROCVM_MAX_ARGV */
	int envc;
	char **environ;                 /* NULL if unreadable; else envc strings and a NULL */
	bool environ_truncated;
	unsigned long long starttime;   /* clock ticks after boot (stat field 22) */
	ino_t netns;                    /* inode of /proc/PID/ns/net; 0 if unknown */
	char *cgroup;                   /* /proc/PID/cgroup, trailing newline cut; NULL if unreadable */
	bool libvirt;                   /* looks started by libvirt */
	char libvirt_why[PROCVM_WHY_LEN]; /* the evidence, "" if not */
	char name[PROCVM_NAME_LEN];     /* the -name guest name, "" if none */
	unsigned n_taps;
	struct procvm_tap taps[PROCVM_MAX_TAPS];
	unsigned n_tunfds;
	struct procvm_tunfd tunfds[PROCVM_MAX_TUNFDS];
	bool fds_truncated;             /* more fds than PROCVM_MAX_FDS / kept */
	bool fds_unreadable;            /* procvm_read(): the fd directory was not readable */
};

struct procvm_list {
	size_t n;
	struct procvm_proc *procs;      /* by ascending pid */
	/* What the scan saw. */
	unsigned scanned;               /* /proc/PID entries looked at */
	unsigned unreadable;            /* fd directory (or a holder's details) not readable */
	unsigned vanished;              /* exited during the scan */
	unsigned other_netns;           /* tap holders left out: another namespace */
	unsigned no_iff;                /* tun fds naming no device */
	bool truncated;                 /* a PROCVM_MAX_* bound was reached */
};

/*
 * Scans proc_root ("/proc") for tap holders in the network namespace whose
 * inode is netns_ino (0: every namespace).  Returns 0 with *out filled
 * (free it with procvm_list_free()), or -1 with one line in err when the
 * proc root cannot be read or memory runs out.
 */
int procvm_scan(const char *proc_root, ino_t netns_ino, struct procvm_list *out,
		char *err, size_t errlen);
void procvm_list_free(struct procvm_list *l);

/*
 * Reads one process in full, taps included, whatever its namespace.
 * Returns 0, or -1 with err (and errno ENOENT if it does not exist).
 * Free with procvm_proc_free().
 */
int procvm_read(const char *proc_root, int pid, struct procvm_proc *out,
		char *err, size_t errlen);
void procvm_proc_free(struct procvm_proc *p);

/*
 * The inode of the network namespace of pid_or_self ("self", "1", "4242"),
 * from the "net:[N]" link, else stat().  Returns 0, or -1 with errno set.
 */
int procvm_netns_inode(const char *proc_root, const char *pid_or_self, ino_t *ino);

/* The first process holding tap `name`, or NULL. */
const struct procvm_proc *procvm_find_tap(const struct procvm_list *l, const char *name);

/* The tap attached to fd of p ("fd=25" in QEMU's info network), or NULL. */
const char *procvm_tap_by_fd(const struct procvm_proc *p, int fd);

/*
 * The guest name of a QEMU command line: the last -name (or --name)
 * option's guest= value, or its leading value without a key
 * ("-name foo,process=bar"); ",," is a literal comma.  Returns true and
 * writes it (truncated to outlen) if there is one.
 */
bool procvm_argv_name(int argc, char *const argv[], char *out, size_t outlen);

#endif /* STPWATCH_PROCVM_H */
