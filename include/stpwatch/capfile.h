/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * capfile.h - pure, streaming parser for capture files (pcap and pcapng).
 *
 * The parser does no I/O.  The caller hands it the unconsumed bytes of the
 * file, starting at file offset `parser->offset`; the parser says how many
 * it used and what they were.  This keeps file offsets exact for error
 * messages ("truncated record at offset 4242"), lets the same code serve
 * files, pipes and fuzzers, and avoids one copy per record.
 *
 * Formats: classic pcap (both byte orders, microsecond and nanosecond
 * magic) and pcapng (any number of sections, both byte orders, several
 * interfaces with if_tsresol/if_tsoffset, EPB/SPB/obsolete PB; other blocks
 * are skipped).  Link types are reported, not filtered: choosing what to
 * decode is the caller's job.
 */
#ifndef STPWATCH_CAPFILE_H
#define STPWATCH_CAPFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* DLT/LINKTYPE values stpwatch decodes. */
#define LINKTYPE_ETHERNET   1
#define LINKTYPE_LINUX_SLL  113
#define LINKTYPE_LINUX_SLL2 276

/* Limits that turn a hostile length field into an error, not a huge malloc. */
#define CAP_MAX_RECORD   (256u * 1024u)       /* caplen of one packet */
#define CAP_MAX_BLOCK    (16u * 1024u * 1024u) /* one pcapng block */
#define CAP_MAX_IFACES   4096u                /* IDBs per section */
#define CAP_MAX_IFNAME   128u                 /* if_name bytes kept, with the NUL */

enum cap_status {
	CAP_RECORD,     /* *rec holds a packet; `used` bytes consumed */
	CAP_SKIP,       /* `used` bytes consumed, nothing to report (headers, other blocks) */
	CAP_NEED_MORE,  /* give at least `need` bytes starting at the same offset */
	CAP_ERROR,      /* parser->error and parser->error_offset say what and where */
};

enum cap_direction {
	CAP_DIR_UNKNOWN = 0,
	CAP_DIR_IN,
	CAP_DIR_OUT,
};

struct cap_record {
	int64_t ts_sec;           /* seconds since the epoch (UTC) */
	uint32_t ts_nsec;         /* 0..999999999 */
	uint32_t caplen;          /* bytes present at data */
	uint32_t wirelen;         /* bytes the frame had on the wire */
	const uint8_t *data;      /* points into the caller's buffer */
	uint32_t linktype;        /* LINKTYPE_* of the interface (low 16 bits) */
	uint32_t interface_id;    /* pcapng interface index, 0 for pcap */
	const char *if_name;      /* pcapng if_name option, or NULL; owned by the
				     parser, valid until the next section header */
	enum cap_direction direction; /* pcapng epb_flags, or unknown */
	uint64_t offset;          /* file offset of the record's header */
};

struct cap_iface {
	uint32_t linktype;
	uint32_t snaplen;          /* 0: no limit */
	uint64_t ts_units_per_sec; /* from if_tsresol, default 1000000 */
	int64_t ts_offset_sec;     /* if_tsoffset */
	char *if_name;             /* NUL-terminated copy, control characters kept as-is */
};

enum cap_format {
	CAP_FORMAT_UNKNOWN = 0,
	CAP_FORMAT_PCAP,
	CAP_FORMAT_PCAPNG,
};

struct cap_parser {
	enum cap_format format;
	bool swapped;              /* file (pcapng: current section) is big-endian;
				      fields are read explicitly, so host order never matters */
	bool nanosecond;           /* classic pcap: nanosecond magic */
	uint32_t linktype;         /* classic pcap: the file's link type */
	uint32_t snaplen;          /* classic pcap */
	struct cap_iface *ifaces;  /* pcapng: interfaces of the current section */
	uint32_t n_ifaces;
	uint64_t offset;           /* file offset of the next unconsumed byte */
	uint64_t records;          /* packets returned so far */
	char error[160];           /* set on CAP_ERROR */
	uint64_t error_offset;     /* file offset the error refers to */

	/* Private: what the last CAP_NEED_MORE waited for, so that
	 * cap_parser_finish() can say what the file was cut in. */
	uint8_t pending_kind;
	uint32_t pending_len;
};

void cap_parser_init(struct cap_parser *p);
void cap_parser_free(struct cap_parser *p);

/*
 * Parses the next item from buf[0..len), which must be the file's bytes
 * from offset p->offset on.  On CAP_RECORD and CAP_SKIP, *used bytes were
 * consumed (p->offset advanced by as much) and rec->data stays valid while
 * buf does.  On CAP_NEED_MORE nothing was consumed and *need is the number
 * of bytes (from the same offset) the next call must at least provide;
 * it is never more than CAP_MAX_BLOCK.  After CAP_ERROR every later call
 * returns CAP_ERROR again.  SPB records carry no timestamp (ts 0).
 */
enum cap_status cap_parser_next(struct cap_parser *p, const uint8_t *buf,
				size_t len, size_t *used, size_t *need,
				struct cap_record *rec);

/*
 * Called at end of file with the count of bytes still unconsumed.  Returns
 * true for a clean end; otherwise sets p->error ("truncated ... at offset N",
 * "empty file", "not a pcap or pcapng file") and returns false.
 */
bool cap_parser_finish(struct cap_parser *p, size_t leftover);

#endif /* STPWATCH_CAPFILE_H */
