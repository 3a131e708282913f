/* SPDX-License-Identifier: BSD-3-Clause */
#include <stdio.h>
#include <string.h>

#include "stpwatch/bpdu.h"
#include "stpwatch/bpdu_print.h"
#include "stpwatch/pipeline.h"

void pipeline_init(struct pipeline *pl, enum bpdu_output mode, struct sbuf *out,
		   struct engine *engine)
{
	memset(pl, 0, sizeof(*pl));
	pl->bpdu_output = mode;
	pl->out = out;
	pl->engine = engine;
	portstats_init(&pl->stats);
}

void pipeline_free(struct pipeline *pl)
{
	portstats_free(&pl->stats);
}

static bool linktype_supported(uint32_t lt)
{
	return lt == LINKTYPE_ETHERNET || lt == LINKTYPE_LINUX_SLL || lt == LINKTYPE_LINUX_SLL2;
}

/*
 * The port a frame was seen on.  An explicit IFACE= label wins; else the
 * interface name a pcapng file records; for `tcpdump -i any` captures in
 * cooked v2 form the interface index tells ports apart ("any#5").
 */
static const char *port_name(const struct pipeline *pl, char *buf, size_t len,
			     const struct cap_record *rec, const struct frame *f,
			     const struct record_origin *o)
{
	const char *base = o->label;
	if (!o->label_explicit && rec->if_name && rec->if_name[0])
		base = rec->if_name;
	if (f->ifindex >= 0) {
		for (unsigned i = 0; i < pl->n_ifnames; i++)
			if (pl->ifnames[i].ifindex == f->ifindex)
				return pl->ifnames[i].name;
		snprintf(buf, len, "%s#%d", base, f->ifindex);
		return buf;
	}
	return base;
}

void pipeline_feed(struct pipeline *pl, const struct cap_record *rec,
		   const struct record_origin *origin)
{
	struct frame f;
	struct bpdu b;
	char namebuf[96];

	pl->records++;
	if (!linktype_supported(rec->linktype))
		pl->unsupported_linktype++;
	frame_decode(&f, rec->linktype, rec->data, rec->caplen, rec->wirelen);

	struct packet pkt = {
		.ts_sec = rec->ts_sec,
		.ts_nsec = rec->ts_nsec,
		.number = origin->number,
		.ifname = port_name(pl, namebuf, sizeof(namebuf), rec, &f, origin),
		.ifindex = f.ifindex,
		.direction = f.direction,
		.caplen = rec->caplen,
		.wirelen = rec->wirelen,
		.frame = &f,
	};
	if (pkt.direction == FRAME_DIR_UNKNOWN && rec->direction != CAP_DIR_UNKNOWN)
		pkt.direction = rec->direction == CAP_DIR_IN ? FRAME_DIR_IN : FRAME_DIR_OUT;

	bool is_bpdu = f.status == FRAME_OK &&
		(f.payload_kind == PAYLOAD_STP || f.payload_kind == PAYLOAD_PVST);
	if (!is_bpdu) {
		portstats_add(&pl->stats, &pkt, NULL);
		if (pl->engine)
			engine_frame(pl->engine, &pkt, NULL);
		return;
	}
	bpdu_decode(&b, &f);
	portstats_add(&pl->stats, &pkt, &b);
	if (pl->engine)
		engine_frame(pl->engine, &pkt, &b);
	if (pl->bpdu_output == BPDU_OUTPUT_TEXT)
		bpdu_print_text(pl->out, &pkt, &b);
	else if (pl->bpdu_output == BPDU_OUTPUT_JSON)
		bpdu_print_json(pl->out, &pkt, &b);
}
