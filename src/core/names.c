/* SPDX-License-Identifier: BSD-3-Clause */
#include <stdio.h>
#include <time.h>

#include "stpwatch/names.h"

const struct flag_name bpdu_flag_names[] = {
	{ BPDU_FLAG_TC, "tc" },
	{ BPDU_FLAG_PROPOSAL, "proposal" },
	{ BPDU_FLAG_LEARNING, "learning" },
	{ BPDU_FLAG_FORWARDING, "forwarding" },
	{ BPDU_FLAG_AGREEMENT, "agreement" },
	{ BPDU_FLAG_TCA, "tca" },
	{ 0, NULL },
};

const char *bpdu_protocol_name(const struct bpdu *b)
{
	static const char *const names[] = {
		[BPDU_PROTO_STP] = "stp",
		[BPDU_PROTO_RSTP] = "rstp",
		[BPDU_PROTO_MSTP] = "mstp",
		[BPDU_PROTO_SPT] = "spt",
		[BPDU_PROTO_UNKNOWN] = "unknown",
	};
	if (b->pvst)
		return "pvst";
	if ((unsigned)b->protocol >= sizeof(names) / sizeof(names[0]))
		return "unknown";
	return names[b->protocol];
}

const char *bpdu_type_name(enum bpdu_type t)
{
	static const char *const names[] = {
		[BPDU_TYPE_CONFIG] = "config",
		[BPDU_TYPE_TCN] = "tcn",
		[BPDU_TYPE_RST] = "rst",
		[BPDU_TYPE_MST] = "mst",
		[BPDU_TYPE_SPT] = "spt",
		[BPDU_TYPE_UNKNOWN] = "unknown",
	};
	if ((unsigned)t >= sizeof(names) / sizeof(names[0]))
		return "unknown";
	return names[t];
}

const char *bpdu_status_name(enum bpdu_status s)
{
	switch (s) {
	case BPDU_OK: return "ok";
	case BPDU_TRUNCATED: return "truncated";
	case BPDU_INVALID: return "invalid";
	}
	return "invalid";
}

const char *bpdu_role_name(uint8_t flags, int mst)
{
	switch (bpdu_flags_role(flags)) {
	case BPDU_ROLE_MASTER_OR_UNKNOWN: return mst ? "master" : "unknown";
	case BPDU_ROLE_ALTERNATE_OR_BACKUP: return "alternate";
	case BPDU_ROLE_ROOT: return "root";
	case BPDU_ROLE_DESIGNATED: return "designated";
	}
	return "unknown";
}

void format_bridge_id(char out[BRIDGE_ID_STRLEN], uint64_t id)
{
	snprintf(out, BRIDGE_ID_STRLEN, "%04x.%012llx",
		 (unsigned)(id >> 48), (unsigned long long)(id & 0xffffffffffffULL));
}

void format_mac(char out[MAC_STRLEN], const uint8_t mac[6])
{
	snprintf(out, MAC_STRLEN, "%02x:%02x:%02x:%02x:%02x:%02x",
		 mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
}

void format_time_utc(char out[TIME_STRLEN], int64_t sec, uint32_t nsec)
{
	struct tm tm;
	time_t t = (time_t)sec;
	if (!gmtime_r(&t, &tm)) {
		snprintf(out, TIME_STRLEN, "%lld.%06u", (long long)sec, nsec / 1000);
		return;
	}
	snprintf(out, TIME_STRLEN, "%04d-%02d-%02d %02d:%02d:%02d.%06u",
		 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
		 tm.tm_hour, tm.tm_min, tm.tm_sec, (nsec / 1000) % 1000000);
}

void escape_text(struct sbuf *out, const uint8_t *s, size_t n)
{
	for (size_t i = 0; i < n && s[i]; i++) {
		if (s[i] >= 0x20 && s[i] < 0x7f && s[i] != '\\' && s[i] != '"')
			sbuf_putc(out, (char)s[i]);
		else
			sbuf_printf(out, "\\x%02x", s[i]);
	}
}
