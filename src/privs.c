/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * privs.c - giving up what a mode does not need, once its sockets and files
 * are open, the way tcpdump does: a guest controls much of what stpwatch
 * parses, so a bug there should find as little power as possible.
 */
#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "privs.h"

static int capget_raw(struct __user_cap_header_struct *h, struct __user_cap_data_struct *d)
{
	return (int)syscall(SYS_capget, h, d);
}

static int capset_raw(struct __user_cap_header_struct *h, struct __user_cap_data_struct *d)
{
	return (int)syscall(SYS_capset, h, d);
}

/* The highest capability number this kernel knows. */
static int last_cap(void)
{
	FILE *fp = fopen("/proc/sys/kernel/cap_last_cap", "r");
	int n = 40;
	if (fp) {
		if (fscanf(fp, "%d", &n) != 1)
			n = 40;
		fclose(fp);
	}
	return n;
}

int privs_keep(const int *keep, unsigned n, char *err, size_t errlen)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];
	memset(d, 0, sizeof(d));
	if (capget_raw(&h, d) < 0) {
		snprintf(err, errlen, "capget: %s", strerror(errno));
		return -1;
	}
	struct __user_cap_data_struct want[2];
	memset(want, 0, sizeof(want));
	for (unsigned i = 0; i < n; i++) {
		int c = keep[i];
		if (c < 0 || c >= 64)
			continue;
		uint32_t bit = 1u << (c % 32);
		/* Only what we have can be kept. */
		if (d[c / 32].permitted & bit) {
			want[c / 32].permitted |= bit;
			want[c / 32].effective |= bit;
		}
	}
	/* The bounding set too, so that nothing we exec gets more back. */
	for (int c = 0; c <= last_cap(); c++) {
		bool kept = false;
		for (unsigned i = 0; i < n; i++)
			kept |= keep[i] == c;
		if (!kept && prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0 && errno != EINVAL && errno != EPERM) {
			snprintf(err, errlen, "PR_CAPBSET_DROP %d: %s", c, strerror(errno));
			return -1;
		}
	}
	if (capset_raw(&h, want) < 0) {
		snprintf(err, errlen, "capset: %s", strerror(errno));
		return -1;
	}
	return 0;
}

int privs_switch_user(const char *user, const int *keep, unsigned n, char *err, size_t errlen)
{
	struct passwd *pw = getpwnam(user);
	if (!pw) {
		snprintf(err, errlen, "-Z %s: no such user", user);
		return -1;
	}
	/* Keep the permitted set across setuid, then trim it to `keep`. */
	if (n && prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0) {
		snprintf(err, errlen, "PR_SET_KEEPCAPS: %s", strerror(errno));
		return -1;
	}
	if (initgroups(pw->pw_name, pw->pw_gid) < 0 || setgid(pw->pw_gid) < 0 ||
	    setuid(pw->pw_uid) < 0) {
		snprintf(err, errlen, "-Z %s: cannot switch user: %s", user, strerror(errno));
		return -1;
	}
	if (setuid(0) == 0) {
		snprintf(err, errlen, "-Z %s: could switch back to root: refusing to go on", user);
		return -1;
	}
	return privs_keep(keep, n, err, errlen);
}
