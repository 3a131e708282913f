/* SPDX-License-Identifier: BSD-3-Clause */
#include <stdio.h>
#include <string.h>

#include "stpwatch/bpdu_print.h"
#include "stpwatch/json.h"
#include "stpwatch/names.h"

#define TIMER_UNITS_PER_SEC 256.0   /* 802.1D-2004 9.2.8: timers in 1/256 s */

static bool is_mst(const struct bpdu *b)
{
	return b->type == BPDU_TYPE_MST || b->type == BPDU_TYPE_SPT;
}

/* Role is carried from version 2 on (802.1D-2004 9.3.3); v0 BPDUs have none. */
static bool has_role(const struct bpdu *b)
{
	return b->version >= 2 && b->type != BPDU_TYPE_TCN && b->type != BPDU_TYPE_CONFIG;
}

static void text_flags(struct sbuf *out, uint8_t flags)
{
	const char *sep = "";
	sbuf_puts(out, " flags [");
	for (const struct flag_name *f = bpdu_flag_names; f->name; f++) {
		if (flags & f->bit) {
			sbuf_printf(out, "%s%s", sep, f->name);
			sep = ",";
		}
	}
	sbuf_puts(out, *sep ? "]" : "none]");
}

static void text_timer(struct sbuf *out, const char *name, uint16_t v)
{
	sbuf_printf(out, " %s %g", name, v / TIMER_UNITS_PER_SEC);
}

void bpdu_print_text(struct sbuf *out, const struct packet *pkt, const struct bpdu *b)
{
	char when[TIME_STRLEN], mac[MAC_STRLEN], id1[BRIDGE_ID_STRLEN], id2[BRIDGE_ID_STRLEN];
	const struct frame *f = pkt->frame;

	format_time_utc(when, pkt->ts_sec, pkt->ts_nsec);
	format_mac(mac, f->src);
	/* Interface names come from capture files and the network: escape them. */
	const char *ifname = pkt->ifname ? pkt->ifname : "-";
	sbuf_printf(out, "%s ", when);
	escape_text(out, (const uint8_t *)ifname, strlen(ifname));
	sbuf_printf(out, " %s", mac);
	if (f->vlan >= 0)
		sbuf_printf(out, " vlan %d", f->vlan);
	sbuf_printf(out, " %s", bpdu_protocol_name(b));
	if (b->have & BPDU_HAVE_TYPE)
		sbuf_printf(out, " %s", bpdu_type_name(b->type));
	if (b->have & BPDU_HAVE_FLAGS) {
		text_flags(out, b->flags);
		if (has_role(b))
			sbuf_printf(out, " role %s", bpdu_role_name(b->flags, is_mst(b)));
	}
	if (b->have & BPDU_HAVE_PRIORITY) {
		format_bridge_id(id1, b->root_id);
		format_bridge_id(id2, b->bridge_id);
		if (is_mst(b))
			sbuf_printf(out, " root %s ext-cost %u regional-root %s port %04x",
				    id1, b->root_path_cost, id2, b->port_id);
		else
			sbuf_printf(out, " root %s cost %u bridge %s port %04x",
				    id1, b->root_path_cost, id2, b->port_id);
	}
	if (b->have & BPDU_HAVE_MST) {
		format_bridge_id(id1, b->cist_bridge_id);
		sbuf_printf(out, " int-cost %u bridge %s hops %u region \"",
			    b->cist_internal_root_path_cost, id1, b->cist_remaining_hops);
		escape_text(out, b->mst_config.name, sizeof(b->mst_config.name));
		sbuf_printf(out, "\" rev %u", b->mst_config.revision);
		if (b->n_msti) {
			sbuf_puts(out, " msti ");
			for (unsigned i = 0; i < b->n_msti; i++)
				sbuf_printf(out, "%s%u", i ? "," : "", msti_id(&b->msti[i]));
		}
	}
	if (b->have & BPDU_HAVE_TIMERS) {
		text_timer(out, "age", b->message_age);
		text_timer(out, "max", b->max_age);
		text_timer(out, "hello", b->hello_time);
		text_timer(out, "fdelay", b->forward_delay);
	}
	if (b->have_pvst_vlan)
		sbuf_printf(out, " pvst-vlan %u", b->pvst_vlan);
	sbuf_printf(out, " length %u", b->length);
	if (b->status != BPDU_OK)
		sbuf_printf(out, " [%s: %s]", bpdu_status_name(b->status), b->reason);
	sbuf_putc(out, '\n');
}

static void json_flags(struct json *j, const char *key, uint8_t flags)
{
	json_array_begin(j, key);
	for (const struct flag_name *f = bpdu_flag_names; f->name; f++)
		if (flags & f->bit)
			json_string(j, NULL, f->name);
	json_array_end(j);
}

static void json_bridge_id(struct json *j, const char *key, uint64_t id)
{
	char buf[BRIDGE_ID_STRLEN];
	format_bridge_id(buf, id);
	json_string(j, key, buf);
}

static void json_hex(struct json *j, const char *key, const uint8_t *p, size_t n)
{
	char buf[2 * 32 + 1];
	static const char hex[] = "0123456789abcdef";
	if (n > 32)
		n = 32;
	for (size_t i = 0; i < n; i++) {
		buf[2 * i] = hex[p[i] >> 4];
		buf[2 * i + 1] = hex[p[i] & 15];
	}
	buf[2 * n] = '\0';
	json_string(j, key, buf);
}

static void json_config_id(struct json *j, const char *key, const struct mst_config_id *id)
{
	size_t n = strnlen((const char *)id->name, sizeof(id->name));
	json_object_begin(j, key);
	json_uint(j, "format", id->format);
	json_string_bytes(j, "name", id->name, n);
	json_uint(j, "revision", id->revision);
	json_hex(j, "digest", id->digest, sizeof(id->digest));
	json_object_end(j);
}

static void json_timer(struct json *j, const char *key, uint16_t v)
{
	json_fixed(j, key, v / TIMER_UNITS_PER_SEC, 8);
}

static void json_msti(struct json *j, const struct bpdu *b)
{
	json_array_begin(j, "msti");
	for (unsigned i = 0; i < b->n_msti; i++) {
		const struct msti_record *m = &b->msti[i];
		json_object_begin(j, NULL);
		json_uint(j, "msti", msti_id(m));
		json_flags(j, "flags", m->flags);
		json_string(j, "role", bpdu_role_name(m->flags, 1));
		json_bridge_id(j, "regional_root_id", m->regional_root_id);
		json_uint(j, "internal_root_path_cost", m->internal_root_path_cost);
		/* 802.1Q 14.6.1: the priorities travel as their upper four bits. */
		json_uint(j, "bridge_priority", (uint32_t)(m->bridge_priority >> 4) * 4096u);
		json_uint(j, "port_priority", (uint32_t)(m->port_priority >> 4) * 16u);
		json_uint(j, "remaining_hops", m->remaining_hops);
		json_object_end(j);
	}
	json_array_end(j);
}

static void json_spt(struct json *j, const struct bpdu *b)
{
	json_uint(j, "v4_length", b->v4_length);
	json_config_id(j, "aux_config_id", &b->aux_config);
	json_object_begin(j, "agreement");
	json_uint(j, "number", b->agreement_octet >> 6);
	json_uint(j, "discarded_number", (b->agreement_octet >> 4) & 3);
	json_bool(j, "valid", (b->agreement_octet >> 3) & 1);
	json_bool(j, "restricted_role", (b->agreement_octet >> 2) & 1);
	json_uint(j, "format_id", b->agreement_format >> 4);
	json_uint(j, "format_capabilities", b->agreement_format & 15);
	json_uint(j, "convention_id", b->agreement_convention >> 4);
	json_uint(j, "convention_capabilities", b->agreement_convention & 15);
	json_uint(j, "edge_count", b->agreement_edge_count);
	json_hex(j, "digest", b->agreement_digest, sizeof(b->agreement_digest));
	json_object_end(j);
}

static const char *direction_name(enum frame_direction d)
{
	switch (d) {
	case FRAME_DIR_IN: return "in";
	case FRAME_DIR_OUT: return "out";
	default: return NULL;
	}
}

void bpdu_print_json(struct sbuf *out, const struct packet *pkt, const struct bpdu *b)
{
	char mac[MAC_STRLEN], port[8];
	const struct frame *f = pkt->frame;
	struct json j;

	json_init(&j, out, false);
	json_object_begin(&j, NULL);
	json_uint(&j, "frame", pkt->number);
	/* Microseconds, cut like the text form's, not rounded up to the next second. */
	json_fixed(&j, "time", (double)pkt->ts_sec + (pkt->ts_nsec / 1000) / 1e6, 6);
	json_string(&j, "ifname", pkt->ifname);
	if (pkt->ifindex >= 0)
		json_int(&j, "ifindex", pkt->ifindex);
	if (direction_name(pkt->direction))
		json_string(&j, "direction", direction_name(pkt->direction));
	format_mac(mac, f->src);
	json_string(&j, "src", mac);
	if (f->have_dst) {
		format_mac(mac, f->dst);
		json_string(&j, "dst", mac);
	} else {
		json_null(&j, "dst");
	}
	if (f->vlan >= 0)
		json_int(&j, "vlan", f->vlan);
	else
		json_null(&j, "vlan");
	json_string(&j, "encap", f->payload_kind == PAYLOAD_PVST ? "snap" : "llc");
	json_uint(&j, "length", b->length);
	json_string(&j, "protocol", bpdu_protocol_name(b));
	if (b->have & BPDU_HAVE_VERSION)
		json_uint(&j, "version", b->version);
	if (b->have & BPDU_HAVE_TYPE)
		json_string(&j, "type", bpdu_type_name(b->type));
	if (b->have & BPDU_HAVE_FLAGS) {
		json_flags(&j, "flags", b->flags);
		if (has_role(b))
			json_string(&j, "role", bpdu_role_name(b->flags, is_mst(b)));
	}
	if (b->have & BPDU_HAVE_PRIORITY) {
		json_bridge_id(&j, "root_id", b->root_id);
		json_uint(&j, "root_path_cost", b->root_path_cost);
		if (is_mst(b)) {
			json_bridge_id(&j, "regional_root_id", b->bridge_id);
			if (b->have & BPDU_HAVE_MST)
				json_bridge_id(&j, "bridge_id", b->cist_bridge_id);
		} else {
			json_bridge_id(&j, "bridge_id", b->bridge_id);
		}
		snprintf(port, sizeof(port), "%04x", b->port_id);
		json_string(&j, "port_id", port);
	}
	if (b->have & BPDU_HAVE_TIMERS) {
		json_timer(&j, "message_age", b->message_age);
		json_timer(&j, "max_age", b->max_age);
		json_timer(&j, "hello_time", b->hello_time);
		json_timer(&j, "forward_delay", b->forward_delay);
	}
	if (b->have & BPDU_HAVE_MST) {
		json_uint(&j, "v3_length", b->v3_length);
		json_config_id(&j, "mst_config_id", &b->mst_config);
		json_uint(&j, "cist_internal_root_path_cost", b->cist_internal_root_path_cost);
		json_uint(&j, "cist_remaining_hops", b->cist_remaining_hops);
		json_msti(&j, b);
		if (b->msti_ignored)
			json_uint(&j, "msti_ignored", b->msti_ignored);
	}
	if (b->have & BPDU_HAVE_SPT)
		json_spt(&j, b);
	if (b->have_pvst_vlan)
		json_uint(&j, "pvst_vlan", b->pvst_vlan);
	json_string(&j, "status", bpdu_status_name(b->status));
	if (b->status != BPDU_OK)
		json_string(&j, "reason", b->reason);
	json_object_end(&j);
	sbuf_putc(out, '\n');
}
