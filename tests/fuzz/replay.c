/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * replay.c - runs a fuzz harness without libFuzzer: once per input file.
 *
 *   replay-NAME [-n NAME] [-t SECONDS] FILE|DIR...
 *
 * Directories are walked (sorted, recursively; names starting with '.' and
 * README files are skipped).  Each input runs in a child process, so an
 * abort() or a sanitizer report fails that input and the rest still run;
 * an input that runs longer than SECONDS (default 30) fails too.  Prints
 * each failure as it happens and one closing line
 *
 *   fuzz-replay NAME: N passed, M failed
 *
 * and exits 1 if anything failed (2 on a usage or I/O error).  Built with the
 * ordinary compiler by `make check-fuzz` (tests/fuzz/fuzz.mk).
 */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fuzz_common.h"

struct tally {
	unsigned long passed, failed;
	unsigned timeout;
	bool io_error;
};

static int run_one(const char *path, unsigned timeout)
{
	FILE *fp = fopen(path, "rb");
	if (!fp) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	size_t cap = 4096, n = 0;
	uint8_t *buf = malloc(cap);
	while (buf) {
		if (n == cap) {
			uint8_t *b = realloc(buf, cap * 2);
			if (!b) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = b;
			cap *= 2;
		}
		size_t got = fread(buf + n, 1, cap - n, fp);
		n += got;
		if (got == 0)
			break;
	}
	bool bad = !buf || ferror(fp);
	fclose(fp);
	if (bad) {
		fprintf(stderr, "replay: %s: read error\n", path);
		free(buf);
		return -1;
	}

	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0) {
		fprintf(stderr, "replay: fork: %s\n", strerror(errno));
		free(buf);
		return -1;
	}
	if (pid == 0) {
		alarm(timeout);
		/* An exact-size copy, as libFuzzer passes it. */
		uint8_t *in = malloc(n ? n : 1);
		if (!in)
			_exit(3);
		memcpy(in, buf, n);
		free(buf);
		LLVMFuzzerTestOneInput(in, n);
		free(in);
		_exit(0);
	}
	free(buf);
	int status;
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			fprintf(stderr, "replay: waitpid: %s\n", strerror(errno));
			return -1;
		}
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (WIFSIGNALED(status))
		fprintf(stderr, "replay: FAIL %s (%s)\n", path,
			WTERMSIG(status) == SIGALRM ? "timeout" : strsignal(WTERMSIG(status)));
	else
		fprintf(stderr, "replay: FAIL %s (exit status %d)\n", path, WEXITSTATUS(status));
	return 1;
}

static bool skipped_name(const char *name)
{
	return name[0] == '.' || strncmp(name, "README", 6) == 0;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void walk(const char *path, struct tally *t);

static void walk_dir(const char *path, struct tally *t)
{
	DIR *d = opendir(path);
	if (!d) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		t->io_error = true;
		return;
	}
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		if (skipped_name(de->d_name))
			continue;
		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 64;
			char **nn = realloc(names, ncap * sizeof(*nn));
			if (!nn)
				break;
			names = nn;
			cap = ncap;
		}
		size_t len = strlen(path) + strlen(de->d_name) + 2;
		names[n] = malloc(len);
		if (!names[n])
			break;
		snprintf(names[n], len, "%s/%s", path, de->d_name);
		n++;
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), cmp_names);
	for (size_t i = 0; i < n; i++) {
		walk(names[i], t);
		free(names[i]);
	}
	free(names);
}

static void walk(const char *path, struct tally *t)
{
	struct stat st;
	if (stat(path, &st) < 0) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		t->io_error = true;
		return;
	}
	if (S_ISDIR(st.st_mode)) {
		walk_dir(path, t);
		return;
	}
	int r = run_one(path, t->timeout);
	if (r < 0)
		t->io_error = true;
	else if (r == 0)
		t->passed++;
	else
		t->failed++;
}

int main(int argc, char **argv)
{
	struct tally t = { 0, 0, 30, false };
	const char *name = "";
	int opt;

	while ((opt = getopt(argc, argv, "n:t:")) != -1) {
		switch (opt) {
		case 'n':
			name = optarg;
			break;
		case 't':
			t.timeout = (unsigned)strtoul(optarg, NULL, 10);
			break;
		default:
			fprintf(stderr, "usage: %s [-n NAME] [-t SECONDS] FILE|DIR...\n", argv[0]);
			return 2;
		}
	}
	for (int i = optind; i < argc; i++)
		walk(argv[i], &t);
	printf("fuzz-replay%s%s: %lu passed, %lu failed\n", *name ? " " : "", name,
	       t.passed, t.failed);
	if (t.io_error)
		return 2;
	return t.failed ? 1 : 0;
}
