/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * capsource.h - reads a capture file (or stdin) through the capfile parser.
 *
 * The edge half of capture reading: it owns the file descriptor and one
 * buffer, the core parser (stpwatch/capfile.h) does the format.  Memory
 * stays bounded whatever the file's size: the buffer starts at 1 MiB and
 * grows only if a single record or block needs more (at most
 * CAP_MAX_BLOCK).  Works on regular files and pipes alike.
 */
#ifndef STPWATCH_CAPSOURCE_H
#define STPWATCH_CAPSOURCE_H

#include <stddef.h>
#include <stdint.h>

#include "stpwatch/capfile.h"

struct capsource;

/*
 * Opens path ("-" is standard input, shown as "stdin" in messages).  label
 * names the capture in reports; NULL means the path ("stdin" for "-").
 * On failure returns NULL and writes one line to err, e.g.
 * "capture.pcap: No such file or directory".  The file's format is first
 * looked at by capsource_next().
 */
struct capsource *capsource_open(const char *path, const char *label,
				 char *err, size_t errlen);

/*
 * Reads the next packet record.  Returns 1 with *rec filled (rec->data is
 * valid until the next call or capsource_close()), 0 at a clean end of
 * file, -1 on error: capsource_error() then says what, on one line that
 * starts with the file name as given, e.g.
 * "capture.pcap: truncated record at offset 4242: header says 1514 bytes,
 * file ends after 100".  After 0 or -1, later calls return the same.
 */
int capsource_next(struct capsource *s, struct cap_record *rec);

/* Closes the file (not stdin) and frees everything; NULL is fine. */
void capsource_close(struct capsource *s);

const char *capsource_error(const struct capsource *s); /* "" if none */
const char *capsource_path(const struct capsource *s);  /* as given */
const char *capsource_label(const struct capsource *s);
uint64_t capsource_records(const struct capsource *s);  /* returned so far */
uint64_t capsource_bytes(const struct capsource *s);    /* file bytes parsed */

/* Format, byte order, link type (pcap), interfaces (pcapng) so far. */
const struct cap_parser *capsource_parser(const struct capsource *s);

#endif /* STPWATCH_CAPSOURCE_H */
