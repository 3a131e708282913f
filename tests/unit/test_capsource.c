/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_capsource.c - reading capture files and pipes through capsource.
 *
 * Inputs are written to temporary files (mkstemp under /tmp, removed at
 * the end of each test) or pushed through a pipe by a child process, plus
 * the small hand-made files in tests/data/capfile/ (see make.py there).
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "capsource.h"

static const char *g_argv0;

/* ------------------------------------------------------------------ */
/* Helpers                                                             */

struct bytes {
	uint8_t *d;
	size_t len, cap;
};

static void put(struct bytes *b, const void *p, size_t n)
{
	if (b->len + n > b->cap) {
		while (b->len + n > b->cap)
			b->cap = b->cap ? b->cap * 2 : 4096;
		b->d = realloc(b->d, b->cap);
		assert_non_null(b->d);
	}
	memcpy(b->d + b->len, p, n);
	b->len += n;
}

static void put32le(struct bytes *b, uint32_t v)
{
	uint8_t x[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16),
			 (uint8_t)(v >> 24) };
	put(b, x, 4);
}

static void pcap_header(struct bytes *b)
{
	put32le(b, 0xa1b2c3d4u);
	put32le(b, 0x00040002u); /* version 2.4 */
	put32le(b, 0);
	put32le(b, 0);
	put32le(b, 262144);
	put32le(b, 1);
}

/* A record whose data starts with its sequence number and then a pattern,
 * so a record read from the wrong place or a stale buffer shows up. */
static uint8_t pat(uint32_t seq, size_t i)
{
	return (uint8_t)(seq * 31 + i);
}

static void pcap_rec(struct bytes *b, uint32_t seq, uint32_t caplen)
{
	put32le(b, 1700000000u + seq);
	put32le(b, seq % 1000000);
	put32le(b, caplen);
	put32le(b, caplen);
	for (size_t i = 0; i < caplen; i++) {
		uint8_t v = i < 4 ? (uint8_t)(seq >> (8 * i)) : pat(seq, i);
		put(b, &v, 1);
	}
}

static void check_rec(const struct cap_record *r, uint32_t seq,
		      uint32_t caplen)
{
	assert_int_equal(r->caplen, caplen);
	assert_int_equal(r->ts_sec, 1700000000 + (int64_t)seq);
	assert_int_equal(r->ts_nsec, (seq % 1000000) * 1000u);
	for (size_t i = 0; i < caplen; i++) {
		uint8_t v = i < 4 ? (uint8_t)(seq >> (8 * i)) : pat(seq, i);
		if (r->data[i] != v)
			print_error("record %u byte %zu\n", seq, i);
		assert_int_equal(r->data[i], v);
	}
}

static void write_temp(const void *data, size_t len, char *path)
{
	strcpy(path, "/tmp/stpwatch-test-XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	const uint8_t *p = data;
	while (len > 0) {
		ssize_t n = write(fd, p, len);
		assert_true(n > 0);
		p += n;
		len -= (size_t)n;
	}
	assert_int_equal(close(fd), 0);
}

/* caplen of record i in the big files: small and large, and every 500th
 * one near the classic pcap limit, so records straddle buffer ends. */
static uint32_t big_caplen(uint32_t i)
{
	if (i % 500 == 499)
		return 200000 + i;
	return (i * 37) % 1600 + 4;
}

static void big_file(struct bytes *b, uint32_t n)
{
	memset(b, 0, sizeof(*b));
	pcap_header(b);
	for (uint32_t i = 0; i < n; i++)
		pcap_rec(b, i, big_caplen(i));
}

static void read_big(struct capsource *s, uint32_t n, size_t file_len)
{
	struct cap_record r;

	for (uint32_t i = 0; i < n; i++) {
		assert_int_equal(capsource_next(s, &r), 1);
		check_rec(&r, i, big_caplen(i));
	}
	assert_int_equal(capsource_next(s, &r), 0);
	assert_int_equal(capsource_records(s), n);
	assert_int_equal(capsource_bytes(s), file_len);
}

/* tests/data/capfile/NAME, from the source tree root or next to the
 * test binary (build/tests/../../tests/data/capfile). */
static void data_path(const char *name, char *out, size_t outlen)
{
	snprintf(out, outlen, "tests/data/capfile/%s", name);
	if (access(out, R_OK) == 0)
		return;
	const char *slash = g_argv0 ? strrchr(g_argv0, '/') : NULL;
	if (slash) {
		snprintf(out, outlen, "%.*s/../../tests/data/capfile/%s",
			 (int)(slash - g_argv0), g_argv0, name);
		if (access(out, R_OK) == 0)
			return;
	}
	print_error("cannot find tests/data/capfile/%s; run from the source "
		    "tree root\n", name);
	fail();
}

/* Runs `fn` with stdin replaced by a pipe that a child fills with
 * data[0..len) in writes of `chunk` bytes. */
static void with_pipe_stdin(const uint8_t *data, size_t len, size_t chunk,
			    void (*fn)(void *), void *arg)
{
	int fds[2];
	assert_int_equal(pipe(fds), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(fds[0]);
		for (size_t off = 0; off < len;) {
			size_t n = len - off < chunk ? len - off : chunk;
			ssize_t w = write(fds[1], data + off, n);
			if (w <= 0)
				_exit(1);
			off += (size_t)w;
		}
		_exit(0);
	}
	close(fds[1]);
	int saved = dup(STDIN_FILENO);
	assert_true(saved >= 0);
	assert_true(dup2(fds[0], STDIN_FILENO) >= 0);
	close(fds[0]);

	fn(arg);

	assert_true(dup2(saved, STDIN_FILENO) >= 0);
	close(saved);
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

/* ------------------------------------------------------------------ */
/* Tests                                                               */

static void test_read_records(void **state)
{
	struct bytes b = { 0 };
	char path[64], err[256];
	struct cap_record r;

	(void)state;
	pcap_header(&b);
	pcap_rec(&b, 0, 60);
	pcap_rec(&b, 1, 1514);
	pcap_rec(&b, 2, 0);
	write_temp(b.d, b.len, path);

	struct capsource *s = capsource_open(path, NULL, err, sizeof(err));
	assert_non_null(s);
	assert_string_equal(capsource_path(s), path);
	assert_string_equal(capsource_label(s), path);
	assert_string_equal(capsource_error(s), "");
	assert_int_equal(capsource_next(s, &r), 1);
	check_rec(&r, 0, 60);
	assert_int_equal(r.offset, 24);
	assert_int_equal(r.linktype, LINKTYPE_ETHERNET);
	assert_int_equal(capsource_next(s, &r), 1);
	check_rec(&r, 1, 1514);
	assert_int_equal(capsource_next(s, &r), 1);
	check_rec(&r, 2, 0);
	assert_int_equal(capsource_next(s, &r), 0);
	assert_int_equal(capsource_next(s, &r), 0); /* EOF stays EOF */
	assert_int_equal(capsource_records(s), 3);
	assert_int_equal(capsource_bytes(s), b.len);
	assert_int_equal(capsource_parser(s)->format, CAP_FORMAT_PCAP);
	assert_string_equal(capsource_error(s), "");
	capsource_close(s);

	s = capsource_open(path, "host-a", err, sizeof(err));
	assert_non_null(s);
	assert_string_equal(capsource_label(s), "host-a");
	capsource_close(s);
	capsource_close(NULL);

	unlink(path);
	free(b.d);
}

static void test_truncated_names_file_and_offset(void **state)
{
	struct bytes b = { 0 };
	char path[64], err[256], want[256];
	struct cap_record r;

	(void)state;
	pcap_header(&b);
	pcap_rec(&b, 0, 60);
	size_t at = b.len;
	pcap_rec(&b, 1, 1514);
	write_temp(b.d, at + 16 + 100, path);

	struct capsource *s = capsource_open(path, NULL, err, sizeof(err));
	assert_non_null(s);
	assert_int_equal(capsource_next(s, &r), 1);
	assert_int_equal(capsource_next(s, &r), -1);
	snprintf(want, sizeof(want), "%s: truncated record at offset %zu: "
		 "header says 1514 bytes, file ends after 100", path, at);
	assert_string_equal(capsource_error(s), want);
	assert_null(strchr(capsource_error(s), '\n'));
	assert_int_equal(capsource_next(s, &r), -1); /* errors stay */
	assert_int_equal(capsource_records(s), 1);
	capsource_close(s);
	unlink(path);
	free(b.d);
}

static void test_missing_file(void **state)
{
	char err[256];

	(void)state;
	struct capsource *s = capsource_open("/nonexistent/capture.pcap",
					     NULL, err, sizeof(err));
	assert_null(s);
	assert_string_equal(err, "/nonexistent/capture.pcap: No such file or "
			    "directory");
}

static void test_directory(void **state)
{
	char dir[] = "/tmp/stpwatch-test-dir-XXXXXX", err[256], want[256];

	(void)state;
	assert_non_null(mkdtemp(dir));
	struct capsource *s = capsource_open(dir, NULL, err, sizeof(err));
	assert_null(s);
	snprintf(want, sizeof(want), "%s: is a directory, not a capture file",
		 dir);
	assert_string_equal(err, want);
	rmdir(dir);
}

static void test_empty_and_not_pcap(void **state)
{
	char path[64], err[256], want[256];
	struct cap_record r;

	(void)state;
	write_temp("", 0, path);
	struct capsource *s = capsource_open(path, NULL, err, sizeof(err));
	assert_non_null(s);
	assert_int_equal(capsource_next(s, &r), -1);
	snprintf(want, sizeof(want), "%s: empty file", path);
	assert_string_equal(capsource_error(s), want);
	capsource_close(s);
	unlink(path);

	static const char text[] = "hello, this is text\n";
	write_temp(text, sizeof(text) - 1, path);
	s = capsource_open(path, NULL, err, sizeof(err));
	assert_non_null(s);
	assert_int_equal(capsource_next(s, &r), -1);
	snprintf(want, sizeof(want), "%s: not a pcap or pcapng file (it "
		 "starts with 0x68656c6c)", path);
	assert_string_equal(capsource_error(s), want);
	assert_int_equal(capsource_bytes(s), 0);
	capsource_close(s);
	unlink(path);
}

/* Thousands of records across many 1 MiB buffer refills, some of them
 * near the record limit: every byte must come out right. */
static void test_streaming_many_records(void **state)
{
	struct bytes b;
	char path[64], err[256];
	const uint32_t n = 3000;

	(void)state;
	big_file(&b, n);
	assert_true(b.len > 3 * 1024 * 1024);
	write_temp(b.d, b.len, path);
	struct capsource *s = capsource_open(path, NULL, err, sizeof(err));
	assert_non_null(s);
	read_big(s, n, b.len);
	capsource_close(s);
	unlink(path);
	free(b.d);
}

struct pipe_case {
	uint32_t n;
	size_t len;
	size_t truncated_at; /* 0: the whole file */
};

static void read_stdin(void *arg)
{
	const struct pipe_case *pc = arg;
	char err[256];
	struct cap_record r;

	struct capsource *s = capsource_open("-", NULL, err, sizeof(err));
	assert_non_null(s);
	assert_string_equal(capsource_path(s), "-");
	assert_string_equal(capsource_label(s), "stdin");
	if (pc->truncated_at == 0) {
		read_big(s, pc->n, pc->len);
	} else {
		int rc;
		while ((rc = capsource_next(s, &r)) == 1)
			;
		assert_int_equal(rc, -1);
		assert_true(strncmp(capsource_error(s), "stdin: truncated ",
				    17) == 0);
	}
	capsource_close(s);
}

static void test_pipe(void **state)
{
	struct bytes b;
	struct pipe_case pc = { 700, 0, 0 };

	(void)state;
	big_file(&b, pc.n);
	pc.len = b.len;
	/* Odd-sized writes: reads return partial records and headers. */
	with_pipe_stdin(b.d, b.len, 777, read_stdin, &pc);
	with_pipe_stdin(b.d, b.len, 65536, read_stdin, &pc);
	pc.truncated_at = b.len - 7;
	with_pipe_stdin(b.d, pc.truncated_at, 4093, read_stdin, &pc);
	free(b.d);
}

/* pcapng helpers for the block size tests (little-endian). */
static void ng_block(struct bytes *b, uint32_t type, size_t body_len)
{
	uint32_t total = (uint32_t)(12 + body_len);
	put32le(b, type);
	put32le(b, total);
	for (size_t i = 0; i < body_len; i += 4)
		put32le(b, (uint32_t)i);
	put32le(b, total);
}

static void ng_start(struct bytes *b)
{
	memset(b, 0, sizeof(*b));
	put32le(b, 0x0a0d0d0au);
	put32le(b, 28);
	put32le(b, 0x1a2b3c4du);
	put32le(b, 0x00000001u); /* version 1.0 */
	put32le(b, 0xffffffffu);
	put32le(b, 0xffffffffu);
	put32le(b, 28);
	put32le(b, 1);           /* IDB: ethernet, snaplen 0 */
	put32le(b, 20);
	put32le(b, 1);
	put32le(b, 0);
	put32le(b, 20);
}

static void ng_epb(struct bytes *b, uint32_t seq, uint32_t caplen)
{
	uint32_t padded = (caplen + 3) & ~3u;
	put32le(b, 6);
	put32le(b, 32 + padded);
	put32le(b, 0);
	put32le(b, 0);
	put32le(b, seq);
	put32le(b, caplen);
	put32le(b, caplen);
	for (size_t i = 0; i < padded; i++) {
		uint8_t v = i < caplen ? pat(seq, i) : 0;
		put(b, &v, 1);
	}
	put32le(b, 32 + padded);
}

/* Blocks bigger than the starting buffer make it grow, up to the
 * CAP_MAX_BLOCK limit; one past the limit is refused. */
static void test_big_blocks(void **state)
{
	struct bytes b;
	char path[64], err[256], want[256];
	struct cap_record r;

	(void)state;
	ng_start(&b);
	ng_epb(&b, 1, 100);
	ng_block(&b, 0x00000bad, 5 * 1024 * 1024);
	ng_epb(&b, 2, 1000);
	ng_block(&b, 0x00000bad, CAP_MAX_BLOCK - 12);
	ng_epb(&b, 3, CAP_MAX_RECORD);
	write_temp(b.d, b.len, path);

	struct capsource *s = capsource_open(path, NULL, err, sizeof(err));
	assert_non_null(s);
	for (uint32_t seq = 1; seq <= 3; seq++) {
		assert_int_equal(capsource_next(s, &r), 1);
		assert_int_equal(r.ts_nsec, seq * 1000u);
		uint32_t caplen = seq == 1 ? 100 : seq == 2 ? 1000
							    : CAP_MAX_RECORD;
		assert_int_equal(r.caplen, caplen);
		for (size_t i = 0; i < caplen; i++)
			assert_int_equal(r.data[i], pat(seq, i));
	}
	assert_int_equal(capsource_next(s, &r), 0);
	assert_int_equal(capsource_bytes(s), b.len);
	capsource_close(s);
	unlink(path);
	free(b.d);

	ng_start(&b);
	size_t at = b.len;
	put32le(&b, 0xbad);
	put32le(&b, CAP_MAX_BLOCK + 4);
	put32le(&b, 0);
	write_temp(b.d, b.len, path);
	s = capsource_open(path, NULL, err, sizeof(err));
	assert_non_null(s);
	assert_int_equal(capsource_next(s, &r), -1);
	snprintf(want, sizeof(want), "%s: pcapng block at offset %zu has total "
		 "length 16777220 (more than the 16777216-byte limit)", path,
		 at);
	assert_string_equal(capsource_error(s), want);
	capsource_close(s);
	unlink(path);
	free(b.d);
}

/* The hand-made files of tests/data/capfile (checked with tshark and
 * tcpdump when they were made). */
static void test_data_files(void **state)
{
	static const char *const names[] = { "bpdu-le.pcapng",
					     "bpdu-be.pcapng" };
	char path[4096], err[4352], want[4352];
	struct cap_record r;

	(void)state;
	for (size_t f = 0; f < 2; f++) {
		data_path(names[f], path, sizeof(path));
		struct capsource *s = capsource_open(path, NULL, err,
						     sizeof(err));
		assert_non_null(s);
		for (int i = 0; i < 6; i++) {
			assert_int_equal(capsource_next(s, &r), 1);
			assert_int_equal(r.ts_sec, 1700000000 + 2 * i);
			assert_int_equal(r.ts_nsec,
					 i % 2 ? 123456789 : 250000000);
			assert_string_equal(r.if_name, i % 2 ? "vnet3" : "eth0");
			assert_int_equal(r.direction,
					 i % 2 ? CAP_DIR_OUT : CAP_DIR_IN);
			assert_int_equal(r.caplen, 60);
			assert_int_equal(r.linktype, LINKTYPE_ETHERNET);
			assert_int_equal(r.data[0], 0x01); /* 01:80:c2:... */
			assert_int_equal(r.data[14], 0x42); /* LLC STP */
		}
		assert_int_equal(capsource_next(s, &r), 0);
		assert_int_equal(capsource_parser(s)->swapped, f == 1);
		capsource_close(s);
	}

	data_path("two-sections.pcapng", path, sizeof(path));
	struct capsource *s = capsource_open(path, "two", err, sizeof(err));
	assert_non_null(s);
	static const struct {
		int64_t sec;
		uint32_t nsec;
		const char *ifn;
		enum cap_direction dir;
	} two[] = {
		{ 1700000000, 0, "eth0", CAP_DIR_UNKNOWN },
		{ 1700000002, 1000, "eth0", CAP_DIR_IN },
		{ 1700003600, 500000000, "br0", CAP_DIR_OUT },
		{ 0, 0, "br0", CAP_DIR_UNKNOWN }, /* SPB: no time */
	};
	for (size_t i = 0; i < 4; i++) {
		assert_int_equal(capsource_next(s, &r), 1);
		assert_int_equal(r.ts_sec, two[i].sec);
		assert_int_equal(r.ts_nsec, two[i].nsec);
		assert_string_equal(r.if_name, two[i].ifn);
		assert_int_equal(r.direction, two[i].dir);
		assert_int_equal(r.caplen, 60);
	}
	assert_int_equal(capsource_next(s, &r), 0);
	capsource_close(s);

	data_path("bpdu-ns-be.pcap", path, sizeof(path));
	s = capsource_open(path, NULL, err, sizeof(err));
	assert_non_null(s);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(capsource_next(s, &r), 1);
		assert_int_equal(r.ts_sec, 1700000000 + 2 * i);
		assert_int_equal(r.ts_nsec, 999999999 - i);
	}
	assert_int_equal(capsource_next(s, &r), 0);
	assert_true(capsource_parser(s)->nanosecond);
	capsource_close(s);

	data_path("truncated.pcapng", path, sizeof(path));
	s = capsource_open(path, NULL, err, sizeof(err));
	assert_non_null(s);
	for (int i = 0; i < 5; i++)
		assert_int_equal(capsource_next(s, &r), 1);
	assert_int_equal(capsource_next(s, &r), -1);
	snprintf(want, sizeof(want), "%s: truncated pcapng block at offset "
		 "712: header says 104 bytes, file ends after 40", path);
	assert_string_equal(capsource_error(s), want);
	capsource_close(s);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_read_records),
		cmocka_unit_test(test_truncated_names_file_and_offset),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_directory),
		cmocka_unit_test(test_empty_and_not_pcap),
		cmocka_unit_test(test_streaming_many_records),
		cmocka_unit_test(test_pipe),
		cmocka_unit_test(test_big_blocks),
		cmocka_unit_test(test_data_files),
	};

	(void)argc;
	g_argv0 = argv[0];
	return cmocka_run_group_tests(tests, NULL, NULL);
}
