/* SPDX-License-Identifier: BSD-3-Clause */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stpwatch/json.h"
#include "stpwatch/names.h"
#include "stpwatch/portstats.h"

static const char *const protocol_columns[6] = { "stp", "rstp", "mstp", "spt", "pvst", "unknown" };

void portstats_init(struct portstats *ps)
{
	memset(ps, 0, sizeof(*ps));
}

void portstats_free(struct portstats *ps)
{
	free(ps->ports);
	memset(ps, 0, sizeof(*ps));
}

static struct port_stats *find_port(struct portstats *ps, const char *ifname)
{
	for (unsigned i = 0; i < ps->n_ports; i++)
		if (strncmp(ps->ports[i].ifname, ifname, PORTSTATS_IFNAME_LEN - 1) == 0)
			return &ps->ports[i];
	if (ps->n_ports >= PORTSTATS_MAX_PORTS)
		return NULL;
	if (ps->n_ports == ps->cap_ports) {
		unsigned cap = ps->cap_ports ? ps->cap_ports * 2 : 8;
		struct port_stats *np = realloc(ps->ports, cap * sizeof(*np));
		if (!np)
			return NULL;
		ps->ports = np;
		ps->cap_ports = cap;
	}
	struct port_stats *p = &ps->ports[ps->n_ports++];
	memset(p, 0, sizeof(*p));
	snprintf(p->ifname, sizeof(p->ifname), "%s", ifname);
	return p;
}

static unsigned protocol_column(const struct bpdu *b)
{
	const char *name = bpdu_protocol_name(b);
	for (unsigned i = 0; i < 6; i++)
		if (strcmp(name, protocol_columns[i]) == 0)
			return i;
	return 5;
}

static void note_sender(struct port_stats *p, const struct packet *pkt, const struct bpdu *b)
{
	if (!(b->have & BPDU_HAVE_PRIORITY))
		return;
	const struct frame *f = pkt->frame;
	bool mst = b->type == BPDU_TYPE_MST || b->type == BPDU_TYPE_SPT;
	uint64_t bridge = mst && (b->have & BPDU_HAVE_MST) ? b->cist_bridge_id : b->bridge_id;
	struct bpdu_sender *s = NULL;

	for (unsigned i = 0; i < p->n_senders; i++) {
		/* PVST+ and IEEE BPDUs of one port are separate instances (VLANs). */
		if (memcmp(p->senders[i].mac, f->src, 6) == 0 &&
		    p->senders[i].port_id == b->port_id && p->senders[i].bridge_id == bridge &&
		    strcmp(p->senders[i].protocol, bpdu_protocol_name(b)) == 0) {
			s = &p->senders[i];
			break;
		}
	}
	if (!s) {
		if (p->n_senders == PORTSTATS_MAX_SENDERS) {
			p->senders_dropped++;
			return;
		}
		s = &p->senders[p->n_senders++];
		memset(s, 0, sizeof(*s));
		memcpy(s->mac, f->src, 6);
		s->port_id = b->port_id;
		s->bridge_id = bridge;
		s->protocol = bpdu_protocol_name(b);
		s->first_sec = pkt->ts_sec;
		s->first_nsec = pkt->ts_nsec;
	}
	s->root_id = b->root_id;
	s->root_path_cost = b->root_path_cost;
	s->regional_root_id = mst ? b->bridge_id : 0;
	s->protocol = bpdu_protocol_name(b);
	s->flags = b->flags;
	if (b->have & BPDU_HAVE_TIMERS) {
		s->max_age = b->max_age;
		s->hello_time = b->hello_time;
		s->forward_delay = b->forward_delay;
	}
	s->count++;
	s->last_sec = pkt->ts_sec;
	s->last_nsec = pkt->ts_nsec;
}

void portstats_add(struct portstats *ps, const struct packet *pkt, const struct bpdu *b)
{
	if (ps->frames == 0) {
		ps->first_sec = pkt->ts_sec;
		ps->first_nsec = pkt->ts_nsec;
	}
	ps->frames++;
	ps->last_sec = pkt->ts_sec;
	ps->last_nsec = pkt->ts_nsec;

	struct port_stats *p = find_port(ps, pkt->ifname ? pkt->ifname : "-");
	if (!p) {
		ps->ports_dropped++;
		return;
	}
	p->frames++;
	p->bytes += pkt->wirelen;
	if (pkt->frame->status == FRAME_TRUNCATED)
		p->frames_truncated++;
	else if (pkt->frame->status == FRAME_INVALID)
		p->frames_invalid++;
	if (!b)
		return;
	p->bpdus++;
	p->bpdus_by_protocol[protocol_column(b)]++;
	if (b->status == BPDU_TRUNCATED)
		p->bpdus_truncated++;
	else if (b->status == BPDU_INVALID)
		p->bpdus_invalid++;
	if (b->type == BPDU_TYPE_TCN)
		p->tcn++;
	if ((b->have & BPDU_HAVE_FLAGS) && (b->flags & BPDU_FLAG_TC))
		p->tc_flagged++;
	if (b->status == BPDU_OK)
		note_sender(p, pkt, b);
}

void portstats_print_text(struct sbuf *out, const struct portstats *ps)
{
	char t1[TIME_STRLEN], t2[TIME_STRLEN];
	uint64_t bpdus = 0, trunc = 0, inval = 0, ftrunc = 0, finval = 0;

	for (unsigned i = 0; i < ps->n_ports; i++) {
		bpdus += ps->ports[i].bpdus;
		trunc += ps->ports[i].bpdus_truncated;
		inval += ps->ports[i].bpdus_invalid;
		ftrunc += ps->ports[i].frames_truncated;
		finval += ps->ports[i].frames_invalid;
	}
	format_time_utc(t1, ps->first_sec, ps->first_nsec);
	format_time_utc(t2, ps->last_sec, ps->last_nsec);
	sbuf_printf(out, "%llu frames on %u ports", (unsigned long long)ps->frames, ps->n_ports);
	if (ps->frames)
		sbuf_printf(out, ", %s to %s UTC", t1, t2);
	sbuf_printf(out, "\n%llu BPDUs: %llu truncated, %llu invalid; "
		    "%llu frames truncated, %llu undecodable\n",
		    (unsigned long long)bpdus, (unsigned long long)trunc,
		    (unsigned long long)inval, (unsigned long long)ftrunc,
		    (unsigned long long)finval);
	if (ps->ports_dropped)
		sbuf_printf(out, "%llu frames on ports beyond the first %u not counted\n",
			    (unsigned long long)ps->ports_dropped, PORTSTATS_MAX_PORTS);

	sbuf_printf(out, "\n%-16s %8s %7s %5s %5s %5s %5s %5s %5s %5s %5s\n",
		    "PORT", "FRAMES", "BPDUS", "STP", "RSTP", "MSTP", "SPT", "PVST", "TCN",
		    "TRUNC", "INVAL");
	for (unsigned i = 0; i < ps->n_ports; i++) {
		const struct port_stats *p = &ps->ports[i];
		escape_text(out, (const uint8_t *)p->ifname, strlen(p->ifname));
		size_t w = strlen(p->ifname);
		sbuf_printf(out, "%*s %8llu %7llu %5llu %5llu %5llu %5llu %5llu %5llu %5llu %5llu\n",
			    w < 16 ? (int)(16 - w) : 0, "",
			    (unsigned long long)p->frames, (unsigned long long)p->bpdus,
			    (unsigned long long)p->bpdus_by_protocol[0],
			    (unsigned long long)p->bpdus_by_protocol[1],
			    (unsigned long long)p->bpdus_by_protocol[2],
			    (unsigned long long)p->bpdus_by_protocol[3],
			    (unsigned long long)p->bpdus_by_protocol[4],
			    (unsigned long long)p->tcn,
			    (unsigned long long)p->bpdus_truncated,
			    (unsigned long long)p->bpdus_invalid);
	}

	bool header = false;
	for (unsigned i = 0; i < ps->n_ports; i++) {
		const struct port_stats *p = &ps->ports[i];
		for (unsigned k = 0; k < p->n_senders; k++) {
			const struct bpdu_sender *s = &p->senders[k];
			char mac[MAC_STRLEN], root[BRIDGE_ID_STRLEN], br[BRIDGE_ID_STRLEN];
			if (!header) {
				sbuf_printf(out, "\nBridges heard (last BPDU of each sender)\n"
					    "%-16s %-17s %-5s %-17s %9s %-17s %-4s %6s\n",
					    "PORT", "SENDER", "PROTO", "ROOT", "COST", "BRIDGE",
					    "PORT", "BPDUS");
				header = true;
			}
			format_mac(mac, s->mac);
			format_bridge_id(root, s->root_id);
			format_bridge_id(br, s->bridge_id);
			escape_text(out, (const uint8_t *)p->ifname, strlen(p->ifname));
			size_t w = strlen(p->ifname);
			sbuf_printf(out, "%*s %-17s %-5s %-17s %9u %-17s %04x %6llu\n",
				    w < 16 ? (int)(16 - w) : 0, "", mac, s->protocol, root,
				    s->root_path_cost, br, s->port_id,
				    (unsigned long long)s->count);
		}
		if (p->senders_dropped)
			sbuf_printf(out, "  (%llu BPDUs from further senders on this port not itemised)\n",
				    (unsigned long long)p->senders_dropped);
	}
}

static void json_time(struct json *j, const char *key, int64_t sec, uint32_t nsec)
{
	json_fixed(j, key, (double)sec + nsec / 1e9, 6);
}

void portstats_print_json(struct json *j, const struct portstats *ps)
{
	char buf[BRIDGE_ID_STRLEN > MAC_STRLEN ? BRIDGE_ID_STRLEN : MAC_STRLEN];
	char port[8];

	json_uint(j, "frames", ps->frames);
	if (ps->frames) {
		json_time(j, "first_time", ps->first_sec, ps->first_nsec);
		json_time(j, "last_time", ps->last_sec, ps->last_nsec);
	}
	json_uint(j, "frames_on_uncounted_ports", ps->ports_dropped);
	json_array_begin(j, "ports");
	for (unsigned i = 0; i < ps->n_ports; i++) {
		const struct port_stats *p = &ps->ports[i];
		json_object_begin(j, NULL);
		json_string(j, "ifname", p->ifname);
		json_uint(j, "frames", p->frames);
		json_uint(j, "bytes", p->bytes);
		json_uint(j, "frames_truncated", p->frames_truncated);
		json_uint(j, "frames_invalid", p->frames_invalid);
		json_uint(j, "bpdus", p->bpdus);
		json_object_begin(j, "bpdus_by_protocol");
		for (unsigned k = 0; k < 6; k++)
			json_uint(j, protocol_columns[k], p->bpdus_by_protocol[k]);
		json_object_end(j);
		json_uint(j, "tcn", p->tcn);
		json_uint(j, "tc_flagged", p->tc_flagged);
		json_uint(j, "bpdus_truncated", p->bpdus_truncated);
		json_uint(j, "bpdus_invalid", p->bpdus_invalid);
		json_array_begin(j, "senders");
		for (unsigned k = 0; k < p->n_senders; k++) {
			const struct bpdu_sender *s = &p->senders[k];
			json_object_begin(j, NULL);
			format_mac(buf, s->mac);
			json_string(j, "src", buf);
			json_string(j, "protocol", s->protocol);
			format_bridge_id(buf, s->root_id);
			json_string(j, "root_id", buf);
			json_uint(j, "root_path_cost", s->root_path_cost);
			format_bridge_id(buf, s->bridge_id);
			json_string(j, "bridge_id", buf);
			snprintf(port, sizeof(port), "%04x", s->port_id);
			json_string(j, "port_id", port);
			json_fixed(j, "max_age", s->max_age / 256.0, 8);
			json_fixed(j, "hello_time", s->hello_time / 256.0, 8);
			json_fixed(j, "forward_delay", s->forward_delay / 256.0, 8);
			json_uint(j, "bpdus", s->count);
			json_time(j, "first_time", s->first_sec, s->first_nsec);
			json_time(j, "last_time", s->last_sec, s->last_nsec);
			json_object_end(j);
		}
		json_array_end(j);
		json_uint(j, "senders_not_itemised", p->senders_dropped);
		json_object_end(j);
	}
	json_array_end(j);
}
