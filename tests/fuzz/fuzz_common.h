/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fuzz_common.h - what the fuzz harnesses share: the libFuzzer entry point's
 * prototype, an invariant check that aborts (so libFuzzer and the replay
 * driver both see a crash), a strict JSON validator, output-line checks, a
 * small deterministic PRNG and a capture-file driver.
 *
 * Everything here is ordinary C11: the same files build under clang with
 * -fsanitize=fuzzer (tests/fuzz/fuzz.mk: make fuzz) and under $(CC) with the
 * replay driver (make check-fuzz).
 */
#ifndef STPWATCH_FUZZ_COMMON_H
#define STPWATCH_FUZZ_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stpwatch/capfile.h"
#include "stpwatch/sbuf.h"

/* The libFuzzer entry point every harness defines. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#if defined(__GNUC__) || defined(__clang__)
#define FUZZ_PRINTF(f, a) __attribute__((format(printf, f, a)))
#define FUZZ_NORETURN __attribute__((noreturn))
#else
#define FUZZ_PRINTF(f, a)
#define FUZZ_NORETURN
#endif

/* Prints "fuzz invariant violated at FILE:LINE: ..." (and, if given, the
 * offending text) and aborts. */
FUZZ_NORETURN void fuzz_fail(const char *file, int line, const char *text,
			     size_t text_len, const char *fmt, ...) FUZZ_PRINTF(5, 6);

#define FUZZ_CHECK(cond, ...) \
	do { if (!(cond)) fuzz_fail(__FILE__, __LINE__, NULL, 0, __VA_ARGS__); } while (0)
/* The same, quoting the text (an output line) that broke the rule. */
#define FUZZ_CHECK_TEXT(cond, text, len, ...) \
	do { if (!(cond)) fuzz_fail(__FILE__, __LINE__, (text), (len), __VA_ARGS__); } while (0)

/* A malloc'd copy of exactly n bytes (at least one byte is allocated so
 * n == 0 still gives a unique pointer ASan watches). */
uint8_t *fuzz_dup(const uint8_t *data, size_t n);

/*
 * Strict RFC 8259 JSON: one value, optional surrounding whitespace, valid
 * UTF-8, no raw control characters in strings, valid escapes (surrogates
 * paired), no duplicate keys within an object, nesting at most 64 deep.
 * Returns NULL if s[0..n) is one valid JSON text, else a static reason and
 * *at the offset where it went wrong.
 */
const char *fuzz_json_check(const char *s, size_t n, size_t *at);

/* Aborts unless s[0..n) is one valid JSON text. */
void fuzz_check_json(const char *s, size_t n, const char *what);

/*
 * Aborts unless s[0..n) is a sequence of lines, each ending in '\n', each
 * a valid JSON object (JSON Lines), no line empty.  Returns the line count.
 */
size_t fuzz_check_json_lines(const char *s, size_t n, const char *what);

/*
 * Aborts unless every byte of s[0..n) is printable ASCII (0x20..0x7e) or
 * '\n' and, if nonempty, s ends with '\n'.  For text meant for a
 * terminal: nothing a capture controls may reach it raw.
 */
void fuzz_check_text(const char *s, size_t n, const char *what);

/* FNV-1a, 64-bit. */
uint64_t fuzz_hash(const uint8_t *data, size_t n, uint64_t h);
#define FUZZ_HASH_INIT 0xcbf29ce484222325ull

/* splitmix64: deterministic per input, so every crash reproduces. */
struct fuzz_rng { uint64_t s; };
uint64_t fuzz_rng_next(struct fuzz_rng *r);
/* Uniform-ish in [lo, hi]. */
size_t fuzz_rng_range(struct fuzz_rng *r, size_t lo, size_t hi);

/*
 * Checks one record cap_parser_next() returned from buf[0..len): data
 * inside the buffer, caplen <= CAP_MAX_RECORD, ts_nsec < 10^9, if_name a
 * short NUL-terminated string, offset before the parser's offset.
 */
void fuzz_check_record(const struct cap_parser *p, const struct cap_record *rec,
		       const uint8_t *buf, size_t len, size_t used);

/* Aborts unless the parser's error is a nonempty single line without
 * control characters. */
void fuzz_check_parser_error(const struct cap_parser *p);

/*
 * Parses data[0..size) as one capture file with the whole file in one
 * exact-size buffer (as src/capsource.c does when the file fits its
 * buffer), checking every step, and calls fn for each record.  Returns
 * true if cap_parser_finish() (or the absence of an error) says the file
 * ended cleanly.  The parser is left for the caller to inspect and free.
 */
typedef void (*fuzz_record_fn)(void *ctx, const struct cap_record *rec);
bool fuzz_parse_capture(struct cap_parser *p, const uint8_t *data, size_t size,
			fuzz_record_fn fn, void *ctx);

#endif /* STPWATCH_FUZZ_COMMON_H */
