/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * offline.c - several captures (-r, repeatable) are merged in timestamp
 * order, the way mergecap would, so that a frame that left one port and
 * came back on another is seen in the order it happened.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capsource.h"
#include "offline.h"

void (*offline_opened_hook)(void);

struct reader {
	struct offline_input *in;
	struct capsource *src;
	struct cap_record rec;
	bool have_rec;
	bool warned_linktype;
};

static void fail(struct offline_input *in, const char *msg)
{
	if (!in->failed)
		snprintf(in->error, sizeof(in->error), "%s", msg);
	in->failed = true;
}

static void advance(struct reader *r)
{
	r->have_rec = false;
	if (!r->src)
		return;
	int rc = capsource_next(r->src, &r->rec);
	if (rc > 0) {
		r->have_rec = true;
		r->in->records++;
		return;
	}
	if (rc < 0)
		fail(r->in, capsource_error(r->src));
	capsource_close(r->src);
	r->src = NULL;
}

static bool record_before(const struct cap_record *a, const struct cap_record *b)
{
	return a->ts_sec < b->ts_sec || (a->ts_sec == b->ts_sec && a->ts_nsec < b->ts_nsec);
}

static void check_linktype(struct reader *r)
{
	uint32_t lt = r->rec.linktype;
	if (lt == LINKTYPE_ETHERNET || lt == LINKTYPE_LINUX_SLL || lt == LINKTYPE_LINUX_SLL2 ||
	    r->warned_linktype)
		return;
	char msg[512];
	snprintf(msg, sizeof(msg), "%s: link type %u is not supported (Ethernet, Linux cooked "
		 "v1 and v2 are); its frames are counted as undecodable", r->in->path, lt);
	fail(r->in, msg);
	r->warned_linktype = true;
}

unsigned offline_run(struct offline_input *inputs, unsigned n, struct pipeline *pl,
		     void (*flush)(struct sbuf *out))
{
	struct reader *readers = calloc(n ? n : 1, sizeof(*readers));
	unsigned failed = 0;

	if (!readers) {
		for (unsigned i = 0; i < n; i++)
			fail(&inputs[i], "out of memory");
		return n;
	}
	for (unsigned i = 0; i < n; i++) {
		struct reader *r = &readers[i];
		char err[512];
		r->in = &inputs[i];
		r->src = capsource_open(r->in->path, r->in->label, err, sizeof(err));
		if (!r->src)
			fail(r->in, err);
	}
	if (offline_opened_hook)
		offline_opened_hook();
	for (unsigned i = 0; i < n; i++)
		if (readers[i].src)
			advance(&readers[i]);

	for (;;) {
		struct reader *next = NULL;
		for (unsigned i = 0; i < n; i++)
			if (readers[i].have_rec && (!next || record_before(&readers[i].rec, &next->rec)))
				next = &readers[i];
		if (!next)
			break;
		struct record_origin origin = {
			.label = next->in->label,
			.label_explicit = next->in->label_explicit,
			.number = next->in->records,
		};
		check_linktype(next);
		pipeline_feed(pl, &next->rec, &origin);
		if (pl->out->len >= 1 << 16)
			flush(pl->out);
		advance(next);
	}

	for (unsigned i = 0; i < n; i++) {
		if (readers[i].src)
			capsource_close(readers[i].src);
		if (inputs[i].failed)
			failed++;
	}
	free(readers);
	return failed;
}
