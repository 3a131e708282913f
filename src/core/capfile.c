/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * capfile.c - streaming parser for classic pcap and pcapng (see capfile.h).
 *
 * Formats as described in the IETF OPSAWG drafts "PCAP Capture File
 * Format" (draft-ietf-opsawg-pcap) and "PCAP Now Generic (pcapng) Capture
 * File Format" (draft-ietf-opsawg-pcapng); section numbers below refer to
 * those.  Every byte of the file is read through a cursor; nothing is
 * allocated from a length field that has not been checked against a limit.
 */
#include "stpwatch/capfile.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stpwatch/cursor.h"

/* pcap draft 4: the magic gives byte order and timestamp unit. */
#define PCAP_MAGIC_US     0xa1b2c3d4u
#define PCAP_MAGIC_NS     0xa1b23c4du
#define PCAP_FILE_HDR     24u
#define PCAP_REC_HDR      16u
#define PCAP_LINKTYPE_MASK 0x0000ffffu /* upper bits: FCS length, pcap draft 4 */

/* pcapng draft 3.1 and 4: block types and fixed sizes. */
#define PCAPNG_SHB        0x0a0d0d0au /* a palindrome: same in both orders */
#define PCAPNG_BOM        0x1a2b3c4du
#define PCAPNG_IDB        0x00000001u
#define PCAPNG_PB         0x00000002u /* obsolete Packet Block, appendix */
#define PCAPNG_SPB        0x00000003u
#define PCAPNG_EPB        0x00000006u
#define PCAPNG_BLOCK_HDR  8u          /* type + total length */
#define PCAPNG_BLOCK_MIN  12u         /* + trailing total length */
#define PCAPNG_SHB_MIN    28u         /* + BOM, version, section length */
#define PCAPNG_IDB_MIN    20u
#define PCAPNG_EPB_MIN    32u
#define PCAPNG_PB_MIN     32u
#define PCAPNG_SPB_MIN    16u

/* pcapng draft 3.5 and 4.2, 4.3: option codes used here. */
#define OPT_ENDOFOPT      0u
#define IDB_IF_NAME       2u
#define IDB_IF_TSRESOL    9u
#define IDB_IF_TSOFFSET   14u
#define EPB_FLAGS         2u          /* also pack_flags of the obsolete PB */

#define NSEC_PER_SEC      1000000000u
#define USEC_PER_SEC      1000000u

/* What the last CAP_NEED_MORE waited for (cap_parser.pending_kind). */
enum pending {
	PEND_NONE = 0,
	PEND_FILE_HDR,   /* magic, pcap file header or the first SHB's head */
	PEND_REC_HDR,    /* pcap record header */
	PEND_REC,        /* pcap record data; pending_len = caplen */
	PEND_BLOCK_HDR,  /* pcapng block type + length */
	PEND_BLOCK,      /* pcapng block body; pending_len = total length */
};

#if defined(__GNUC__) || defined(__clang__)
#define CAP_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define CAP_PRINTF(f, a)
#endif

static enum cap_status fail(struct cap_parser *p, uint64_t at,
			    const char *fmt, ...) CAP_PRINTF(3, 4);

static enum cap_status fail(struct cap_parser *p, uint64_t at,
			    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(p->error, sizeof(p->error), fmt, ap);
	va_end(ap);
	if (p->error[0] == '\0') /* keeps the error sticky whatever fmt was */
		snprintf(p->error, sizeof(p->error), "error");
	p->error_offset = at;
	return CAP_ERROR;
}

/* pending_len: the record's caplen, the block's total length, or for the
 * header kinds the header size.  n is at most CAP_MAX_BLOCK. */
static enum cap_status more(struct cap_parser *p, size_t *need, size_t n,
			    enum pending kind, uint32_t len)
{
	*need = n;
	p->pending_kind = (uint8_t)kind;
	p->pending_len = len;
	return CAP_NEED_MORE;
}

static enum cap_status consumed(struct cap_parser *p, size_t *used, size_t n)
{
	*used = n;
	p->offset += n;
	return CAP_SKIP;
}

static uint32_t bswap32(uint32_t v)
{
	return v >> 24 | (v >> 8 & 0xff00u) | (v << 8 & 0xff0000u) | v << 24;
}

static uint16_t rd16(struct cursor *c, bool be)
{
	return be ? cursor_be16(c) : cursor_le16(c);
}

static uint32_t rd32(struct cursor *c, bool be)
{
	return be ? cursor_be32(c) : cursor_le32(c);
}

/* A 64-bit option value (if_tsoffset) in the section's byte order. */
static uint64_t rd64(struct cursor *c, bool be)
{
	uint32_t a = rd32(c, be), b = rd32(c, be);

	return be ? (uint64_t)a << 32 | b : (uint64_t)b << 32 | a;
}

/* Two's complement reinterpretation without implementation-defined casts. */
static int64_t u64_to_i64(uint64_t v)
{
	if (v <= (uint64_t)INT64_MAX)
		return (int64_t)v;
	return -(int64_t)(~v) - 1;
}

static uint32_t pad4(uint32_t n)
{
	return (n + 3u) & ~3u; /* callers keep n <= CAP_MAX_BLOCK */
}

void cap_parser_init(struct cap_parser *p)
{
	memset(p, 0, sizeof(*p));
}

static void drop_ifaces(struct cap_parser *p)
{
	for (uint32_t i = 0; i < p->n_ifaces; i++) {
		free(p->ifaces[i].if_name);
		p->ifaces[i].if_name = NULL;
	}
	p->n_ifaces = 0;
}

void cap_parser_free(struct cap_parser *p)
{
	if (p->ifaces) {
		drop_ifaces(p);
		free(p->ifaces);
	}
	p->ifaces = NULL;
	p->n_ifaces = 0;
}

/* ------------------------------------------------------------------ */
/* Timestamps                                                          */

/*
 * floor(x * 10^9 / 2^k) for x < 2^k, k <= 63, exactly.  x * 10^9 needs up
 * to 93 bits, so the product is formed as a 128-bit pair from 32-bit
 * halves (no __int128 in C11).
 */
static uint32_t frac_pow2_to_ns(uint64_t x, unsigned k)
{
	uint64_t lo_p = (x & 0xffffffffu) * NSEC_PER_SEC;  /* < 2^62 */
	uint64_t hi_p = (x >> 32) * NSEC_PER_SEC;          /* < 2^62 */
	uint64_t lo = lo_p + (hi_p << 32);
	uint64_t hi = (hi_p >> 32) + (lo < lo_p ? 1u : 0u);

	if (k == 0)
		return 0; /* x < 1 */
	return (uint32_t)((hi << (64 - k)) | (lo >> k));
}

/*
 * pcapng draft 4.2 (if_tsresol) and 4.3: the timestamp counts units of the
 * interface's resolution since 1970 (plus if_tsoffset seconds).  Every
 * resolution pcapng allows, 10^-19 .. 2^-63, converts exactly to
 * seconds + nanoseconds (nanoseconds rounded down).
 */
static void convert_ts(const struct cap_iface *ifc, uint64_t ts,
		       struct cap_record *rec)
{
	uint64_t units = ifc->ts_units_per_sec;
	uint64_t sec = ts / units, rem = ts % units;
	uint32_t nsec;

	if (units <= NSEC_PER_SEC && NSEC_PER_SEC % units == 0) {
		nsec = (uint32_t)(rem * (NSEC_PER_SEC / units));
	} else if (units % NSEC_PER_SEC == 0) {
		nsec = (uint32_t)(rem / (units / NSEC_PER_SEC));
	} else {
		/* Not a power of 10 that divides or is divided by 10^9: a
		 * power of 2 (if_tsresol validated that). */
		unsigned k = 0;
		while (k < 63 && (UINT64_C(1) << k) < units)
			k++;
		nsec = frac_pow2_to_ns(rem, k);
	}

	/* A garbage 64-bit count at 1 unit per second cannot be a time;
	 * saturate rather than overflow, the frame is still worth decoding. */
	int64_t s = sec > (uint64_t)INT64_MAX ? INT64_MAX : (int64_t)sec;
	int64_t off = ifc->ts_offset_sec;
	if (off > 0 && s > INT64_MAX - off)
		s = INT64_MAX;
	else if (off < 0 && s < INT64_MIN - off)
		s = INT64_MIN;
	else
		s += off;
	rec->ts_sec = s;
	rec->ts_nsec = nsec;
}

/* ------------------------------------------------------------------ */
/* Classic pcap                                                        */

static enum cap_status pcap_file_header(struct cap_parser *p,
					const uint8_t *buf, size_t len,
					size_t *used, size_t *need)
{
	if (len < PCAP_FILE_HDR)
		return more(p, need, PCAP_FILE_HDR, PEND_FILE_HDR,
			    PCAP_FILE_HDR);

	struct cursor c = cursor_make(buf, len);
	uint32_t magic = cursor_le32(&c);
	bool be = magic != PCAP_MAGIC_US && magic != PCAP_MAGIC_NS;
	uint16_t major = rd16(&c, be), minor = rd16(&c, be);
	cursor_skip(&c, 8);               /* thiszone, sigfigs: always 0 */
	uint32_t snaplen = rd32(&c, be);
	uint32_t linktype = rd32(&c, be);

	/* pcap draft 4: 2.4 since 1998; libpcap also refuses older majors. */
	if (major != 2)
		return fail(p, 0, "pcap file has version %u.%u (only 2.x is "
			    "supported)", major, minor);

	p->format = CAP_FORMAT_PCAP;
	p->swapped = be;
	p->nanosecond = magic == PCAP_MAGIC_NS ||
			magic == bswap32(PCAP_MAGIC_NS);
	p->snaplen = snaplen;
	p->linktype = linktype & PCAP_LINKTYPE_MASK;
	return consumed(p, used, PCAP_FILE_HDR);
}

static enum cap_status pcap_record(struct cap_parser *p, const uint8_t *buf,
				   size_t len, size_t *used, size_t *need,
				   struct cap_record *rec)
{
	if (len < PCAP_REC_HDR)
		return more(p, need, PCAP_REC_HDR, PEND_REC_HDR, PCAP_REC_HDR);

	struct cursor c = cursor_make(buf, len);
	bool be = p->swapped;
	uint32_t sec = rd32(&c, be);
	uint32_t frac = rd32(&c, be);
	uint32_t caplen = rd32(&c, be);
	uint32_t wirelen = rd32(&c, be);

	/* Checked before asking for the data, so `need` stays bounded
	 * whatever the header says. */
	if (caplen > CAP_MAX_RECORD)
		return fail(p, p->offset, "record at offset %" PRIu64 " has "
			    "captured length %" PRIu32 " (more than the %u-byte "
			    "limit)", p->offset, caplen, CAP_MAX_RECORD);
	size_t total = PCAP_REC_HDR + (size_t)caplen;
	if (len < total)
		return more(p, need, total, PEND_REC, caplen);

	/* Writers seen in the wild put >= 10^6 in the microsecond field;
	 * carry it into the seconds so ts_nsec keeps its range. */
	uint32_t per_sec = p->nanosecond ? NSEC_PER_SEC : USEC_PER_SEC;
	rec->ts_sec = (int64_t)sec + frac / per_sec;
	frac %= per_sec;
	rec->ts_nsec = p->nanosecond ? frac : frac * 1000u;
	rec->caplen = caplen;
	/* Some writers store caplen > len; the frame had at least caplen. */
	rec->wirelen = wirelen < caplen ? caplen : wirelen;
	rec->data = cursor_peek(&c);
	rec->linktype = p->linktype;
	rec->interface_id = 0;
	rec->if_name = NULL;
	rec->direction = CAP_DIR_UNKNOWN;
	rec->offset = p->offset;
	p->records++;
	consumed(p, used, total);
	return CAP_RECORD;
}

/* ------------------------------------------------------------------ */
/* pcapng                                                              */

/* One option of a pcapng option list (pcapng draft 3.5). */
struct opt {
	uint16_t code;
	uint16_t len;
	uint64_t offset;      /* file offset of the option header */
	struct cursor val;    /* exactly len bytes */
};

/*
 * Reads the next option from c (which ends where the block's trailing
 * length begins).  Returns 1 with *o filled, 0 at the end of the list,
 * -1 after fail().  An option whose padded value runs past the block is an
 * error, never a read beyond it.
 */
static int next_option(struct cap_parser *p, struct cursor *c,
		       uint64_t block_at, const char *what, struct opt *o)
{
	size_t left = cursor_remaining(c);

	if (left == 0)
		return 0;
	o->offset = block_at + c->pos;
	if (left < 4) {
		fail(p, o->offset, "pcapng %s at offset %" PRIu64 ": option "
		     "at offset %" PRIu64 " is cut off (%zu bytes left)",
		     what, block_at, o->offset, left);
		return -1;
	}
	o->code = rd16(c, p->swapped);
	o->len = rd16(c, p->swapped);
	if (o->code == OPT_ENDOFOPT)
		return 0; /* draft 3.5: anything after it is not an option */
	uint32_t padded = pad4(o->len);
	if (padded > cursor_remaining(c)) {
		fail(p, o->offset, "pcapng %s at offset %" PRIu64 ": option "
		     "%u at offset %" PRIu64 " has length %u but only %zu "
		     "bytes are left in the block", what, block_at, o->code,
		     o->offset, o->len, cursor_remaining(c));
		return -1;
	}
	o->val = cursor_sub(c, o->len);
	cursor_skip(c, padded - o->len);
	return 1;
}

static enum cap_status bad_opt_len(struct cap_parser *p, uint64_t block_at,
				   const char *what, const char *name,
				   const struct opt *o, unsigned want)
{
	return fail(p, o->offset, "pcapng %s at offset %" PRIu64 ": %s "
		    "option at offset %" PRIu64 " has length %u (not %u)",
		    what, block_at, name, o->offset, o->len, want);
}

/*
 * Common checks of a block's total length (pcapng draft 3.1): a multiple
 * of 4, at least the block's fixed part, bounded so a hostile length can
 * neither make the caller allocate without limit nor wrap arithmetic.
 */
static enum cap_status check_block_len(struct cap_parser *p, uint64_t at,
				       uint32_t total, uint32_t min)
{
	if (total % 4 != 0)
		return fail(p, at, "pcapng block at offset %" PRIu64 " has "
			    "total length %" PRIu32 " (not a multiple of 4)",
			    at, total);
	if (total < min)
		return fail(p, at, "pcapng block at offset %" PRIu64 " has "
			    "total length %" PRIu32 " (less than the minimum "
			    "%" PRIu32 ")", at, total, min);
	if (total > CAP_MAX_BLOCK)
		return fail(p, at, "pcapng block at offset %" PRIu64 " has "
			    "total length %" PRIu32 " (more than the %u-byte "
			    "limit)", at, total, CAP_MAX_BLOCK);
	return CAP_SKIP;
}

static enum cap_status check_trailer(struct cap_parser *p, const uint8_t *buf,
				     uint32_t total, bool be)
{
	struct cursor c = cursor_make(buf, total);

	cursor_skip(&c, total - 4);
	uint32_t trailer = rd32(&c, be);
	if (trailer != total)
		return fail(p, p->offset, "pcapng block at offset %" PRIu64
			    " has total length %" PRIu32 " but its trailing "
			    "copy says %" PRIu32, p->offset, total, trailer);
	return CAP_SKIP;
}

/* pcapng draft 4.1: a Section Header Block starts a new section. */
static enum cap_status pcapng_shb(struct cap_parser *p, const uint8_t *buf,
				  size_t len, size_t *used, size_t *need)
{
	bool first = p->format == CAP_FORMAT_UNKNOWN;
	uint64_t at = p->offset;

	if (len < PCAPNG_BLOCK_MIN)
		return more(p, need, PCAPNG_BLOCK_MIN,
			    first ? PEND_FILE_HDR : PEND_BLOCK_HDR,
			    PCAPNG_BLOCK_MIN);

	struct cursor c = cursor_make(buf, len);
	cursor_skip(&c, 4);
	struct cursor lenc = cursor_sub(&c, 4);
	uint32_t bom = cursor_le32(&c);
	bool be;
	if (bom == PCAPNG_BOM)
		be = false;
	else if (bom == bswap32(PCAPNG_BOM))
		be = true;
	else
		return fail(p, at + 8, "pcapng section header block at offset "
			    "%" PRIu64 " has byte-order magic 0x%08" PRIx32
			    " (not 0x1a2b3c4d in either order)", at, bom);
	uint32_t total = rd32(&lenc, be);
	if (check_block_len(p, at, total, PCAPNG_SHB_MIN) == CAP_ERROR)
		return CAP_ERROR;
	if (len < total)
		return more(p, need, total,
			    first && len < PCAPNG_SHB_MIN ? PEND_FILE_HDR
							  : PEND_BLOCK,
			    total);

	uint16_t major = rd16(&c, be), minor = rd16(&c, be);
	/* Section length and options (shb_hardware, ...) are not needed. */
	if (check_trailer(p, buf, total, be) == CAP_ERROR)
		return CAP_ERROR;
	if (major != 1)
		return fail(p, at, "pcapng section header block at offset %"
			    PRIu64 " has version %u.%u (only 1.x is "
			    "supported)", at, major, minor);

	/* Interface ids are per section: the new one starts with none. */
	drop_ifaces(p);
	p->format = CAP_FORMAT_PCAPNG;
	p->swapped = be;
	return consumed(p, used, total);
}

static char *copy_name(struct cursor *val)
{
	size_t n = cursor_remaining(val);
	const uint8_t *s = cursor_peek(val);
	const void *nul = memchr(s, '\0', n); /* some writers NUL-terminate */

	if (nul)
		n = (size_t)((const uint8_t *)nul - s);
	if (n > CAP_MAX_IFNAME - 1)
		n = CAP_MAX_IFNAME - 1;
	char *name = malloc(n + 1);
	if (name) {
		cursor_copy(val, name, n);
		name[n] = '\0';
	}
	return name;
}

/* pcapng draft 4.2: if_tsresol, bit 7 set: 2^-v, else 10^-v seconds. */
static bool tsresol_units(uint8_t v, uint64_t *units)
{
	uint8_t e = v & 0x7f;
	uint64_t u = 1;

	if (v & 0x80) {
		if (e > 63)
			return false;
		*units = UINT64_C(1) << e;
		return true;
	}
	if (e > 19) /* 10^19 is the largest power of 10 in 64 bits */
		return false;
	while (e--)
		u *= 10;
	*units = u;
	return true;
}

/*
 * The table's capacity is implied by its count: 4 entries, grown to 2n
 * whenever n reaches a power of two >= 4, and re-sized to 4 when a new
 * section starts (n == 0).  n is bounded by CAP_MAX_IFACES.
 */
static bool add_iface(struct cap_parser *p, const struct cap_iface *ifc)
{
	uint32_t n = p->n_ifaces;

	if (n == 0 || (n >= 4 && (n & (n - 1)) == 0)) {
		size_t cap = n == 0 ? 4 : (size_t)n * 2;
		struct cap_iface *t = realloc(p->ifaces, cap * sizeof(*t));
		if (t == NULL)
			return false;
		p->ifaces = t;
	}
	p->ifaces[p->n_ifaces++] = *ifc;
	return true;
}

static enum cap_status pcapng_idb(struct cap_parser *p, const uint8_t *buf,
				  uint32_t total, size_t *used)
{
	static const char what[] = "interface description block";
	uint64_t at = p->offset;
	bool be = p->swapped;

	if (total < PCAPNG_IDB_MIN)
		return fail(p, at, "pcapng %s at offset %" PRIu64 " has total "
			    "length %" PRIu32 " (less than the minimum %u)",
			    what, at, total, PCAPNG_IDB_MIN);
	if (p->n_ifaces >= CAP_MAX_IFACES)
		return fail(p, at, "pcapng %s at offset %" PRIu64 " would be "
			    "interface %" PRIu32 " of its section (the limit "
			    "is %u)", what, at, p->n_ifaces, CAP_MAX_IFACES);

	struct cursor c = cursor_make(buf, total - 4);
	cursor_skip(&c, PCAPNG_BLOCK_HDR);
	struct cap_iface ifc = {
		.linktype = rd16(&c, be),
		.ts_units_per_sec = USEC_PER_SEC, /* draft 4.2 default */
	};
	cursor_skip(&c, 2); /* reserved */
	ifc.snaplen = rd32(&c, be);

	struct opt o;
	int r;
	while ((r = next_option(p, &c, at, what, &o)) > 0) {
		switch (o.code) {
		case IDB_IF_NAME: {
			char *name = copy_name(&o.val);
			if (name == NULL) {
				free(ifc.if_name);
				return fail(p, at, "out of memory");
			}
			free(ifc.if_name); /* a repeated if_name: last wins */
			ifc.if_name = name;
			break;
		}
		case IDB_IF_TSRESOL: {
			if (o.len != 1) {
				free(ifc.if_name);
				return bad_opt_len(p, at, what, "if_tsresol",
						   &o, 1);
			}
			uint8_t v = cursor_u8(&o.val);
			if (!tsresol_units(v, &ifc.ts_units_per_sec)) {
				free(ifc.if_name);
				return fail(p, o.offset, "pcapng %s at offset "
					    "%" PRIu64 ": if_tsresol 0x%02x is "
					    "finer than 64 bits can count",
					    what, at, v);
			}
			break;
		}
		case IDB_IF_TSOFFSET:
			if (o.len != 8) {
				free(ifc.if_name);
				return bad_opt_len(p, at, what, "if_tsoffset",
						   &o, 8);
			}
			ifc.ts_offset_sec = u64_to_i64(rd64(&o.val, be));
			break;
		default:
			break; /* other options do not matter here */
		}
	}
	if (r < 0) {
		free(ifc.if_name);
		return CAP_ERROR;
	}
	if (!add_iface(p, &ifc)) {
		free(ifc.if_name);
		return fail(p, at, "out of memory");
	}
	return consumed(p, used, total);
}

static void fill_rec(const struct cap_parser *p, uint32_t ifid,
		     struct cap_record *rec)
{
	const struct cap_iface *ifc = &p->ifaces[ifid];

	rec->linktype = ifc->linktype;
	rec->interface_id = ifid;
	rec->if_name = ifc->if_name;
	rec->direction = CAP_DIR_UNKNOWN;
	rec->offset = p->offset;
	if (rec->wirelen < rec->caplen)
		rec->wirelen = rec->caplen;
}

/*
 * pcapng draft 4.3 (Enhanced Packet Block) and the obsolete Packet Block
 * (appendix): the same layout except a 16-bit interface id followed by a
 * 16-bit drop count in the PB.
 */
static enum cap_status pcapng_epb(struct cap_parser *p, const uint8_t *buf,
				  uint32_t type, uint32_t total, size_t *used,
				  struct cap_record *rec)
{
	const char *what = type == PCAPNG_EPB ? "enhanced packet block"
					      : "packet block";
	uint64_t at = p->offset;
	bool be = p->swapped;

	if (total < PCAPNG_EPB_MIN)
		return fail(p, at, "pcapng %s at offset %" PRIu64 " has total "
			    "length %" PRIu32 " (less than the minimum %u)",
			    what, at, total, PCAPNG_EPB_MIN);

	struct cursor c = cursor_make(buf, total - 4);
	cursor_skip(&c, PCAPNG_BLOCK_HDR);
	uint32_t ifid;
	if (type == PCAPNG_EPB) {
		ifid = rd32(&c, be);
	} else {
		ifid = rd16(&c, be);
		cursor_skip(&c, 2); /* drops_count */
	}
	/* draft 4.3: the high word comes first in either byte order (it is
	 * two 32-bit fields, unlike if_tsoffset, which is one 64-bit one). */
	uint64_t ts_hi = rd32(&c, be);
	uint64_t ts = ts_hi << 32 | rd32(&c, be);
	uint32_t caplen = rd32(&c, be);
	uint32_t wirelen = rd32(&c, be);
	uint32_t room = total - PCAPNG_EPB_MIN;

	if (ifid >= p->n_ifaces)
		return fail(p, at, "pcapng %s at offset %" PRIu64 " refers to "
			    "interface %" PRIu32 ", but its section defines "
			    "%" PRIu32, what, at, ifid, p->n_ifaces);
	if (caplen > room)
		return fail(p, at, "pcapng %s at offset %" PRIu64 " has "
			    "captured length %" PRIu32 " but room for %" PRIu32
			    " bytes", what, at, caplen, room);
	if (caplen > CAP_MAX_RECORD)
		return fail(p, at, "pcapng %s at offset %" PRIu64 " has "
			    "captured length %" PRIu32 " (more than the %u-byte "
			    "limit)", what, at, caplen, CAP_MAX_RECORD);

	rec->data = cursor_peek(&c);
	rec->caplen = caplen;
	rec->wirelen = wirelen;
	cursor_skip(&c, pad4(caplen)); /* room is a multiple of 4 */

	enum cap_direction dir = CAP_DIR_UNKNOWN;
	struct opt o;
	int r;
	while ((r = next_option(p, &c, at, what, &o)) > 0) {
		if (o.code != EPB_FLAGS)
			continue;
		if (o.len != 4)
			return bad_opt_len(p, at, what, "flags", &o, 4);
		/* draft 4.3.1: bits 0-1, 01 inbound, 10 outbound */
		switch (rd32(&o.val, be) & 3u) {
		case 1:
			dir = CAP_DIR_IN;
			break;
		case 2:
			dir = CAP_DIR_OUT;
			break;
		default:
			dir = CAP_DIR_UNKNOWN;
			break;
		}
	}
	if (r < 0)
		return CAP_ERROR;

	fill_rec(p, ifid, rec);
	convert_ts(&p->ifaces[ifid], ts, rec);
	rec->direction = dir;
	p->records++;
	consumed(p, used, total);
	return CAP_RECORD;
}

/* pcapng draft 4.4: Simple Packet Block, always interface 0, no time. */
static enum cap_status pcapng_spb(struct cap_parser *p, const uint8_t *buf,
				  uint32_t total, size_t *used,
				  struct cap_record *rec)
{
	uint64_t at = p->offset;

	if (total < PCAPNG_SPB_MIN)
		return fail(p, at, "pcapng simple packet block at offset %"
			    PRIu64 " has total length %" PRIu32 " (less than "
			    "the minimum %u)", at, total, PCAPNG_SPB_MIN);
	if (p->n_ifaces == 0)
		return fail(p, at, "pcapng simple packet block at offset %"
			    PRIu64 " comes before any interface description "
			    "block of its section", at);

	struct cursor c = cursor_make(buf, total - 4);
	cursor_skip(&c, PCAPNG_BLOCK_HDR);
	uint32_t wirelen = rd32(&c, p->swapped);
	/* The captured length is not stored: it is what fits, draft 4.4. */
	uint32_t caplen = total - PCAPNG_SPB_MIN;
	uint32_t snaplen = p->ifaces[0].snaplen;
	if (caplen > wirelen)
		caplen = wirelen;
	if (snaplen != 0 && caplen > snaplen) /* snaplen 0: no limit */
		caplen = snaplen;
	if (caplen > CAP_MAX_RECORD)
		return fail(p, at, "pcapng simple packet block at offset %"
			    PRIu64 " has captured length %" PRIu32 " (more "
			    "than the %u-byte limit)", at, caplen,
			    CAP_MAX_RECORD);

	rec->data = cursor_peek(&c);
	rec->caplen = caplen;
	rec->wirelen = wirelen;
	rec->ts_sec = 0;
	rec->ts_nsec = 0;
	fill_rec(p, 0, rec);
	p->records++;
	consumed(p, used, total);
	return CAP_RECORD;
}

static enum cap_status pcapng_block(struct cap_parser *p, const uint8_t *buf,
				    size_t len, size_t *used, size_t *need,
				    struct cap_record *rec)
{
	if (len < 4)
		return more(p, need, PCAPNG_BLOCK_HDR, PEND_BLOCK_HDR,
			    PCAPNG_BLOCK_HDR);

	struct cursor c = cursor_make(buf, len);
	if (cursor_le32(&c) == PCAPNG_SHB)
		return pcapng_shb(p, buf, len, used, need);
	if (len < PCAPNG_BLOCK_HDR)
		return more(p, need, PCAPNG_BLOCK_HDR, PEND_BLOCK_HDR,
			    PCAPNG_BLOCK_HDR);

	c = cursor_make(buf, len);
	uint32_t type = rd32(&c, p->swapped);
	uint32_t total = rd32(&c, p->swapped);
	if (check_block_len(p, p->offset, total, PCAPNG_BLOCK_MIN) ==
	    CAP_ERROR)
		return CAP_ERROR;
	if (len < total)
		return more(p, need, total, PEND_BLOCK, total);
	if (check_trailer(p, buf, total, p->swapped) == CAP_ERROR)
		return CAP_ERROR;

	switch (type) {
	case PCAPNG_IDB:
		return pcapng_idb(p, buf, total, used);
	case PCAPNG_EPB:
	case PCAPNG_PB:
		return pcapng_epb(p, buf, type, total, used, rec);
	case PCAPNG_SPB:
		return pcapng_spb(p, buf, total, used, rec);
	default:
		/* Name resolution, statistics, decryption secrets, custom
		 * and local blocks: nothing stpwatch uses. */
		return consumed(p, used, total);
	}
}

/* ------------------------------------------------------------------ */

static enum cap_status file_start(struct cap_parser *p, const uint8_t *buf,
				  size_t len, size_t *used, size_t *need,
				  struct cap_record *rec)
{
	/* Decide on the magic alone, so a text file fails at once. */
	if (len < 4)
		return more(p, need, 4, PEND_FILE_HDR, 4);

	struct cursor c = cursor_make(buf, len);
	uint32_t magic = cursor_le32(&c);
	switch (magic) {
	case PCAP_MAGIC_US:
	case PCAP_MAGIC_NS:
	case 0xd4c3b2a1u: /* PCAP_MAGIC_US written big-endian */
	case 0x4d3cb2a1u: /* PCAP_MAGIC_NS written big-endian */
		return pcap_file_header(p, buf, len, used, need);
	case PCAPNG_SHB:
		return pcapng_block(p, buf, len, used, need, rec);
	default:
		return fail(p, 0, "not a pcap or pcapng file (it starts with "
			    "0x%08" PRIx32 ")", bswap32(magic));
	}
}

enum cap_status cap_parser_next(struct cap_parser *p, const uint8_t *buf,
				size_t len, size_t *used, size_t *need,
				struct cap_record *rec)
{
	*used = 0;
	*need = 0;
	if (p->error[0] != '\0')
		return CAP_ERROR;
	p->pending_kind = PEND_NONE;
	p->pending_len = 0;

	switch (p->format) {
	case CAP_FORMAT_PCAP:
		return pcap_record(p, buf, len, used, need, rec);
	case CAP_FORMAT_PCAPNG:
		return pcapng_block(p, buf, len, used, need, rec);
	case CAP_FORMAT_UNKNOWN:
	default:
		return file_start(p, buf, len, used, need, rec);
	}
}

bool cap_parser_finish(struct cap_parser *p, size_t leftover)
{
	uint64_t at = p->offset;

	if (p->error[0] != '\0')
		return false;
	if (leftover == 0 && p->format != CAP_FORMAT_UNKNOWN)
		return true;
	if (leftover == 0) {
		fail(p, 0, "empty file");
		return false;
	}

	switch (p->pending_kind) {
	case PEND_REC_HDR:
		fail(p, at, "truncated record header at offset %" PRIu64 ": "
		     "need %u bytes, file ends after %zu", at, PCAP_REC_HDR,
		     leftover);
		break;
	case PEND_REC:
		fail(p, at, "truncated record at offset %" PRIu64 ": header "
		     "says %" PRIu32 " bytes, file ends after %zu", at,
		     p->pending_len,
		     leftover > PCAP_REC_HDR ? leftover - PCAP_REC_HDR : 0);
		break;
	case PEND_BLOCK_HDR:
		fail(p, at, "truncated pcapng block header at offset %" PRIu64
		     ": need %" PRIu32 " bytes, file ends after %zu", at,
		     p->pending_len, leftover);
		break;
	case PEND_BLOCK:
		fail(p, at, "truncated pcapng block at offset %" PRIu64 ": "
		     "header says %" PRIu32 " bytes, file ends after %zu", at,
		     p->pending_len, leftover);
		break;
	case PEND_FILE_HDR:
		fail(p, 0, "not a pcap or pcapng file (%zu bytes, too short "
		     "for a file header)", leftover);
		break;
	default:
		/* The caller ended without the parser asking for more. */
		fail(p, at, "truncated file at offset %" PRIu64 ": %zu bytes "
		     "not parsed", at, leftover);
		break;
	}
	return false;
}
