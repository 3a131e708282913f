/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * echo.c - remembers every frame of interest for a short window and tells
 * when the same frame turns up on another port: the signature of a QEMU
 * hub (or any other device) joining two bridge ports outside the kernel.
 *
 * The table is a fixed array of small buckets; an entry lives for
 * echo_window seconds and a full bucket reuses its oldest entry, so a
 * flood cannot grow memory, only shorten what is remembered.
 */
#include <math.h>
#include <string.h>

#include "engine_int.h"
#include "hashtab.h"

#define FINGERPRINT_BYTES 256  /* enough to tell frames apart; bounded cost per frame */

/*
 * What a hub leaves unchanged, and what capture points agree on.  Link
 * headers differ between a per-port and a cooked capture of one frame, and
 * a frame captured on its way out has not been padded to the 60-octet
 * minimum yet while its copy coming in has: so a BPDU is identified by the
 * octets its fields cover, and a short frame by its first octets only.
 */
#define SHORT_PAYLOAD 46   /* payloads up to this size may carry padding */
#define SHORT_HASHED  28   /* an ARP packet; an IPv4 header and 8 octets more */

uint64_t echo_fingerprint(const struct packet *pkt, const struct bpdu *b)
{
	const struct frame *f = pkt->frame;
	uint64_t h = HASH_SEED;
	uint16_t type = f->is_8023 ? 0 : f->ethertype;
	size_t n = cursor_remaining(&f->payload);

	h = hash_bytes(h, f->src, 6);
	h = hash_bytes(h, &type, sizeof(type));
	if (b) {
		if (b->octets && b->octets < n)
			n = b->octets;
	} else if (n <= SHORT_PAYLOAD) {
		n = n < SHORT_HASHED ? n : SHORT_HASHED;
	} else {
		h = hash_bytes(h, &n, sizeof(n));
		if (n > FINGERPRINT_BYTES)
			n = FINGERPRINT_BYTES;
	}
	h = hash_bytes(h, cursor_peek(&f->payload), n);
	return h ? h : 1;
}

static double packet_time(const struct packet *pkt)
{
	return (double)pkt->ts_sec + pkt->ts_nsec / 1e9;
}

void echo_add_pair(struct engine *e, unsigned from, unsigned to, enum echo_type type,
		   const struct packet *pkt, const struct bpdu *b, double delay)
{
	double t = packet_time(pkt);
	uint64_t sender = b ? bpdu_sender_id(b) : 0;
	uint16_t sport = b ? b->port_id : 0;
	struct echo_pair *p = NULL;

	for (unsigned i = 0; i < e->n_pairs; i++) {
		struct echo_pair *q = &e->pairs[i];
		if (q->from == from && q->to == to && q->type == type && q->bpdu == (b != NULL) &&
		    q->sender_id == sender && q->sender_port == sport) {
			p = q;
			break;
		}
	}
	if (!p) {
		if (e->n_pairs == MAX_ECHO_PAIRS)
			return;
		p = &e->pairs[e->n_pairs++];
		memset(p, 0, sizeof(*p));
		p->from = from;
		p->to = to;
		p->type = type;
		p->bpdu = b != NULL;
		p->sender_id = sender;
		p->sender_port = sport;
		p->first = t;
		p->min_delay = delay;
		p->max_delay = delay;
	}
	memcpy(p->src, pkt->frame->src, 6);
	p->count++;
	p->last = t;
	if (delay < p->min_delay)
		p->min_delay = delay;
	if (delay > p->max_delay)
		p->max_delay = delay;
	e->stats.echoes++;
}

static struct echo_entry *slot_for(struct engine *e, uint64_t hash, double t, bool *found)
{
	struct echo_entry *bucket = &e->echo[(hash_mix(hash) & (ECHO_BUCKETS - 1)) * ECHO_WAYS];
	struct echo_entry *victim = &bucket[0];
	double w = e->cfg.echo_window;

	*found = false;
	for (unsigned wy = 0; wy < ECHO_WAYS; wy++) {
		struct echo_entry *en = &bucket[wy];
		/*
		 * Copies may be handed over out of time order (live capture reads
		 * one port's queue, then the next): a copy counts if it lies within
		 * the window on either side.
		 */
		bool live = en->hash && fabs(t - en->first) <= w;
		if (live && en->hash == hash) {
			*found = true;
			return en;
		}
		if (!live) {
			victim = en;
			en->hash = 0;
		} else if (victim->hash && en->first < victim->first) {
			victim = en;
		}
	}
	return victim;
}

static const struct vm_rec *vm_of_port(const struct engine *e, unsigned port)
{
	const char *name = e->ports[port].info.name;
	for (unsigned i = 0; i < e->n_vms; i++)
		for (unsigned k = 0; e->vms[i].present && k < e->vms[i].info.n_nics; k++)
			if (strcmp(e->vms[i].info.nics[k].tap, name) == 0)
				return &e->vms[i];
	return NULL;
}

enum copy_kind echo_frame(struct engine *e, unsigned port, const struct packet *pkt,
			  const struct bpdu *b, uint64_t hash)
{
	double t = packet_time(pkt);
	enum frame_direction dir = pkt->direction;
	bool found;
	struct echo_entry *en = slot_for(e, hash, t, &found);

	if (!found) {
		memset(en, 0, sizeof(*en));
		en->hash = hash;
		en->first = t;
		en->bpdu = b != NULL;
		en->n_copies = 1;
		en->copies[0] = (struct echo_copy){ (uint16_t)port, (uint8_t)dir, t };
		return COPY_FIRST;
	}

	/* The same frame again, the same way, on the same port: a repeat. */
	for (unsigned i = 0; i < en->n_copies; i++)
		if (en->copies[i].port == port && en->copies[i].dir == dir)
			return COPY_OTHER;

	/*
	 * Which earlier copy explains this one?  Candidates are copies on
	 * other ports: sent ones (a bounce), arrivals on taps (a hub
	 * duplicate), and for BPDUs without direction the earliest copy.
	 */
	const struct vm_rec *my_vm = vm_of_port(e, port);
	int sent = -1, arrived_tap = -1, earliest = -1;
	unsigned n_sent = 0;
	for (unsigned i = 0; i < en->n_copies; i++) {
		const struct echo_copy *c = &en->copies[i];
		if (c->port == port)
			continue;
		if (c->dir == FRAME_DIR_OUT) {
			/* Several ports flooded it: prefer the one of this port's VM. */
			if (sent < 0 || (my_vm && vm_of_port(e, c->port) == my_vm))
				sent = (int)i;
			n_sent++;
		}
		if (c->dir == FRAME_DIR_IN && arrived_tap < 0 && port_is_tap(&e->ports[c->port]))
			arrived_tap = (int)i;
		if (earliest < 0 || c->t < en->copies[earliest].t)
			earliest = (int)i;
	}

	enum copy_kind kind = COPY_OTHER;
	/*
	 * A frame the host sent and that comes back in is a bounce - if the
	 * host was its source (its earliest copy went out), or if it went out
	 * to a guest and came back from a guest.  A frame that entered from a
	 * LAN and arrives again on another uplink may simply have reached that
	 * LAN twice (two bridges on one switch): that says nothing about a VM.
	 */
	bool host_sent_first = earliest >= 0 && en->copies[earliest].dir == FRAME_DIR_OUT;
	bool tap_to_tap = sent >= 0 && port_is_tap(&e->ports[en->copies[sent].port]) &&
			  port_is_tap(&e->ports[port]);
	bool vm_known = sent >= 0 && my_vm && vm_of_port(e, en->copies[sent].port) == my_vm;
	if (earliest < 0 || dir == FRAME_DIR_OUT) {
		/* Sending a frame that arrived elsewhere is forwarding: normal. */
		kind = COPY_OTHER;
	} else if (sent >= 0 && n_sent > 1 && !b && !vm_known) {
		/* Flooded out of several ports: which copy came back is unknowable. */
		kind = COPY_OTHER;
	} else if (sent >= 0 && (host_sent_first || tap_to_tap || b)) {
		echo_add_pair(e, en->copies[sent].port, port, ECHO_BOUNCE, pkt, b,
			      fabs(t - en->copies[sent].t));
		kind = COPY_ECHO;
	} else if (dir == FRAME_DIR_IN && arrived_tap >= 0 && port_is_tap(&e->ports[port])) {
		echo_add_pair(e, en->copies[arrived_tap].port, port, ECHO_DUPLICATE, pkt, b,
			      fabs(t - en->copies[arrived_tap].t));
		kind = COPY_ECHO;
	} else if (b) {
		/*
		 * A BPDU on a second port with no direction to go by: bridges do
		 * not forward BPDUs, so the earliest copy is where it was sent.
		 */
		const struct echo_copy *first = &en->copies[earliest];
		unsigned from = first->port, to = port;
		if (t < first->t) {       /* this copy is the earlier one */
			from = port;
			to = first->port;
		}
		enum echo_type type = first->dir == FRAME_DIR_IN && dir == FRAME_DIR_IN ?
			ECHO_DUPLICATE : ECHO_BOUNCE;
		echo_add_pair(e, from, to, type, pkt, b, fabs(t - first->t));
		if (type == ECHO_BOUNCE && first->dir == FRAME_DIR_UNKNOWN && dir == FRAME_DIR_UNKNOWN)
			engine_learn_bridge_id(e, &e->ports[from], bpdu_sender_id(b));
		kind = COPY_ECHO;
	}

	if (en->n_copies < ECHO_COPIES)
		en->copies[en->n_copies++] = (struct echo_copy){ (uint16_t)port, (uint8_t)dir, t };
	if (t < en->first)
		en->first = t;
	return kind;
}

void echo_init(struct engine *e)
{
	memset(e->echo, 0, ECHO_BUCKETS * ECHO_WAYS * sizeof(*e->echo));
}
