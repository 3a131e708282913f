/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fuzz_netlink.c - libFuzzer harness for the rtnetlink message parser
 * (nlbridge_parse, src/nlbridge_parse.c) and the cache it feeds
 * (nlbridge_cache_*, src/nlbridge_cache.c).
 *
 * Input: raw netlink bytes, one or more messages (struct nlmsghdr first,
 * host byte order) as one recv() returns them; each next one starts at
 * NLMSG_ALIGN(nlmsg_len).  Every message is parsed from a heap block of
 * exactly its nlmsg_len, so AddressSanitizer sees any read past it, and
 * again with the rest of the input behind it (a datagram), which must give
 * the same result: what lies past nlmsg_len is not looked at.  A message
 * whose nlmsg_len is below a header or runs past the input, or a tail
 * shorter than a header, must be rejected (-1 with a reason).
 *
 * Then the messages go through a cache as nlbridge_dump() and
 * nlbridge_receive() feed it: all of them inside sync_begin/sync_end (a
 * dump), all again as notifications, then the dirty bridges are drained.
 *
 * What it checks (abort() on violation), each a promise of nlbridge.h:
 *   - nlbridge_parse() returns -1 (type NONE, a reason), 0 (type NONE) or
 *     1 (a link, bridge, port or FDB event of the message's own type);
 *   - every string in the event is NUL-terminated, `have` names only the
 *     NLB_HAVE_* bits and agrees with the fields it vouches for;
 *   - a bridge event is an AF_UNSPEC link of kind "bridge"; a port event
 *     names its bridge (master > 0); *_GONE exactly for RTM_DEL*;
 *   - an FDB event is AF_BRIDGE, on a port (ifindex > 0), unicast, neither
 *     permanent nor static, VLAN -1 or 1..4094;
 *   - the cache reports nothing while a dump goes on, then only bridge,
 *     port and FDB events with NUL-terminated names and a known role; its
 *     dirty list drains.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/if_bridge.h>
#include <linux/neighbour.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include "fuzz_common.h"
#include "nlbridge.h"

#define MAX_MSGS 512
#define NLB_HAVE_ALL 0x00ffu

static bool has_nul(const char *s, size_t n)
{
	return memchr(s, 0, n) != NULL;
}

static void check_strings(const struct nlbridge_event *ev)
{
	FUZZ_CHECK(has_nul(ev->name, sizeof(ev->name)) && has_nul(ev->kind, sizeof(ev->kind)) &&
		   has_nul(ev->port.name, sizeof(ev->port.name)) &&
		   has_nul(ev->port.bridge, sizeof(ev->port.bridge)) &&
		   has_nul(ev->bridge.name, sizeof(ev->bridge.name)) &&
		   has_nul(ev->bridge.root_port, sizeof(ev->bridge.root_port)) &&
		   has_nul(ev->fdb.port, sizeof(ev->fdb.port)) &&
		   has_nul(ev->fdb.bridge, sizeof(ev->fdb.bridge)) &&
		   has_nul(ev->fdb.from, sizeof(ev->fdb.from)),
		   "%s event with a string without NUL", nlbridge_event_name(ev->type));
	FUZZ_CHECK(ev->port.state >= PORT_STATE_UNKNOWN && ev->port.state <= PORT_STATE_BLOCKING,
		   "port state %d",
		   (int)ev->port.state);
}

static bool is_link_event(enum nlbridge_event_type t)
{
	return t == NLBRIDGE_EV_LINK || t == NLBRIDGE_EV_LINK_GONE || t == NLBRIDGE_EV_BRIDGE ||
	       t == NLBRIDGE_EV_BRIDGE_GONE || t == NLBRIDGE_EV_PORT || t == NLBRIDGE_EV_PORT_GONE;
}

/* One nlbridge_parse() result for the message nlh of len bytes. */
static void check_parsed(const struct nlmsghdr *nlh, size_t len, int rc,
			 const struct nlbridge_event *ev)
{
	check_strings(ev);
	FUZZ_CHECK(rc == -1 || rc == 0 || rc == 1, "nlbridge_parse returned %d", rc);
	if (rc < 0) {
		FUZZ_CHECK(ev->type == NLBRIDGE_EV_NONE, "rejected, but type %s",
			   nlbridge_event_name(ev->type));
		FUZZ_CHECK(ev->reason && ev->reason[0], "rejected without a reason");
		return;
	}
	FUZZ_CHECK(ev->reason == NULL, "accepted with reason \"%s\"", ev->reason);
	FUZZ_CHECK(ev->msg_type == nlh->nlmsg_type, "msg_type %u, message %u", ev->msg_type,
		   nlh->nlmsg_type);
	FUZZ_CHECK(ev->bad_attrs <= len, "%u bad attributes in %zu bytes", ev->bad_attrs, len);
	if (rc == 0) {
		FUZZ_CHECK(ev->type == NLBRIDGE_EV_NONE, "nothing for us, but type %s",
			   nlbridge_event_name(ev->type));
		return;
	}
	FUZZ_CHECK((ev->have & ~NLB_HAVE_ALL) == 0, "have %#x", ev->have);
	bool del = nlh->nlmsg_type == RTM_DELLINK || nlh->nlmsg_type == RTM_DELNEIGH;
	enum nlbridge_event_type t = ev->type;

	if (is_link_event(t)) {
		bool gone = t == NLBRIDGE_EV_LINK_GONE || t == NLBRIDGE_EV_BRIDGE_GONE ||
			    t == NLBRIDGE_EV_PORT_GONE;
		FUZZ_CHECK(nlh->nlmsg_type == RTM_NEWLINK || nlh->nlmsg_type == RTM_DELLINK,
			   "%s event from message type %u", nlbridge_event_name(t), nlh->nlmsg_type);
		FUZZ_CHECK(gone == del, "%s event from message type %u", nlbridge_event_name(t),
			   nlh->nlmsg_type);
		FUZZ_CHECK(ev->family == AF_UNSPEC || ev->family == AF_BRIDGE, "family %u",
			   ev->family);
		FUZZ_CHECK(ev->port.ifindex == ev->ifindex, "port ifindex %d, link %d",
			   ev->port.ifindex, ev->ifindex);
		FUZZ_CHECK(strcmp(ev->port.name, ev->name) == 0 &&
			   strcmp(ev->bridge.name, ev->name) == 0, "names disagree");
		FUZZ_CHECK(!ev->name[0] || (ev->have & NLB_HAVE_NAME), "a name without NLB_HAVE_NAME");
		FUZZ_CHECK(ev->port.mtu >= 0 && ev->bridge.mtu == ev->port.mtu, "mtu %d/%d",
			   ev->port.mtu, ev->bridge.mtu);
		FUZZ_CHECK(!!(ev->have & NLB_HAVE_MTU) || ev->port.mtu == 0, "mtu without NLB_HAVE_MTU");
		FUZZ_CHECK(!!(ev->have & NLB_HAVE_MAC) == ev->port.have_mac, "have_mac disagrees");
		FUZZ_CHECK(ev->master >= 0 && !!(ev->have & NLB_HAVE_MASTER) == (ev->master > 0),
			   "master %d, have %#x", ev->master, ev->have);
		FUZZ_CHECK(!!(ev->have & NLB_HAVE_KIND) == (ev->family == AF_UNSPEC),
			   "NLB_HAVE_KIND in family %u", ev->family);
		if (ev->family == AF_UNSPEC)
			FUZZ_CHECK(ev->port.kind != PORT_KIND_UNKNOWN, "AF_UNSPEC link of unknown kind");
		if (ev->have & NLB_HAVE_BRIDGE)
			FUZZ_CHECK(ev->family == AF_UNSPEC && strcmp(ev->kind, "bridge") == 0,
				   "bridge data on a %s link", ev->kind);
		bool bridge_link = ev->family == AF_UNSPEC && strcmp(ev->kind, "bridge") == 0;
		if (t == NLBRIDGE_EV_BRIDGE || t == NLBRIDGE_EV_BRIDGE_GONE)
			FUZZ_CHECK(bridge_link, "bridge event for a %s link of family %u", ev->kind,
				   ev->family);
		else
			FUZZ_CHECK(!bridge_link, "%s event for a bridge", nlbridge_event_name(t));
		if (t == NLBRIDGE_EV_PORT || t == NLBRIDGE_EV_PORT_GONE)
			FUZZ_CHECK(ev->master > 0, "port without its bridge");
		if (t == NLBRIDGE_EV_LINK || t == NLBRIDGE_EV_LINK_GONE)
			FUZZ_CHECK(ev->family == AF_UNSPEC, "link event of family %u", ev->family);
		FUZZ_CHECK(ev->fdb.vlan == -1, "FDB VLAN on a link event");
		return;
	}
	FUZZ_CHECK(t == NLBRIDGE_EV_FDB || t == NLBRIDGE_EV_FDB_GONE, "parser made a %s event",
		   nlbridge_event_name(t));
	FUZZ_CHECK(nlh->nlmsg_type == RTM_NEWNEIGH || nlh->nlmsg_type == RTM_DELNEIGH,
		   "FDB event from message type %u", nlh->nlmsg_type);
	FUZZ_CHECK((t == NLBRIDGE_EV_FDB_GONE) == del, "%s from message type %u",
		   nlbridge_event_name(t), nlh->nlmsg_type);
	FUZZ_CHECK(ev->family == AF_BRIDGE, "FDB event of family %u", ev->family);
	FUZZ_CHECK(ev->fdb.ifindex > 0 && ev->ifindex == ev->fdb.ifindex, "FDB on ifindex %d/%d",
		   ev->fdb.ifindex, ev->ifindex);
	FUZZ_CHECK(!(ev->fdb.state & (NUD_PERMANENT | NUD_NOARP)), "FDB state %#x",
		   ev->fdb.state);
	FUZZ_CHECK(!(ev->fdb.mac[0] & 1), "multicast FDB entry");
	FUZZ_CHECK(ev->fdb.vlan == -1 || (ev->fdb.vlan >= 1 && ev->fdb.vlan <= 4094),
		   "FDB VLAN %d", ev->fdb.vlan);
	FUZZ_CHECK(ev->fdb.master >= 0, "FDB master %d", ev->fdb.master);
	FUZZ_CHECK(!ev->fdb.moved, "the parser cannot know a move");
}

/* Parses data[0..n) from an exact copy; returns the copy (caller frees). */
static uint8_t *parse_copy(const uint8_t *data, size_t n, struct nlbridge_event *ev, int *rc)
{
	uint8_t *p = fuzz_dup(data, n);
	*rc = nlbridge_parse((const struct nlmsghdr *)p, n, ev);
	return p;
}

/* ---- the cache ------------------------------------------------------------- */

struct cache_ctx {
	unsigned long events;
};

static void on_cache_event(const struct nlbridge_event *ev, void *arg)
{
	struct cache_ctx *cc = arg;
	cc->events++;
	check_strings(ev);
	FUZZ_CHECK(ev->type > NLBRIDGE_EV_NONE && ev->type <= NLBRIDGE_EV_RESYNC &&
		   ev->type != NLBRIDGE_EV_LINK && ev->type != NLBRIDGE_EV_LINK_GONE,
		   "cache reported event type %d", (int)ev->type);
	FUZZ_CHECK((unsigned)ev->px.role <= NLBRIDGE_ROLE_BACKUP, "role %d", (int)ev->px.role);
	if (ev->type == NLBRIDGE_EV_PORT)
		FUZZ_CHECK(ev->port.ifindex == ev->ifindex, "port ifindex %d, event %d",
			   ev->port.ifindex, ev->ifindex);
}

static void run_cache(uint8_t *const *msgs, const size_t *lens, size_t n)
{
	struct nlbridge_cache *c = nlbridge_cache_new();
	struct cache_ctx cc = { 0 };
	FUZZ_CHECK(c != NULL, "out of memory");

	nlbridge_cache_sync_begin(c);
	for (size_t i = 0; i < n; i++)
		nlbridge_cache_feed_msg(c, (const struct nlmsghdr *)msgs[i], lens[i],
					on_cache_event, &cc);
	FUZZ_CHECK(cc.events == 0, "%lu events reported during a dump", cc.events);
	nlbridge_cache_sync_end(c, on_cache_event, &cc);
	for (size_t i = 0; i < n; i++)
		nlbridge_cache_feed_msg(c, (const struct nlmsghdr *)msgs[i], lens[i],
					on_cache_event, &cc);
	unsigned drained = 0;
	while (nlbridge_cache_next_dirty(c) != 0)
		FUZZ_CHECK(++drained <= n, "dirty list does not drain (%u of %zu messages)",
			   drained, n);
	/* A second dump of the same: the cache may only confirm itself. */
	nlbridge_cache_sync_begin(c);
	for (size_t i = 0; i < n; i++)
		nlbridge_cache_feed_msg(c, (const struct nlmsghdr *)msgs[i], lens[i],
					on_cache_event, &cc);
	nlbridge_cache_sync_end(c, on_cache_event, &cc);
	nlbridge_cache_free(c);
}

/* ---- the entry point ------------------------------------------------------- */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *msgs[MAX_MSGS];
	size_t lens[MAX_MSGS], n = 0, off = 0;
	struct nlbridge_event ev, ev2;
	int rc, rc2;

	if (size > 1 << 20)
		return 0;
	while (off < size && n < MAX_MSGS) {
		size_t rest = size - off;
		uint32_t nlmsg_len = 0;
		if (rest >= sizeof(nlmsg_len))
			memcpy(&nlmsg_len, data + off, sizeof(nlmsg_len));
		if (rest < sizeof(struct nlmsghdr) || nlmsg_len < sizeof(struct nlmsghdr) ||
		    nlmsg_len > rest) {
			free(parse_copy(data + off, rest, &ev, &rc));
			FUZZ_CHECK(rc == -1, "%zu bytes with nlmsg_len %u accepted (%d)", rest,
				   nlmsg_len, rc);
			FUZZ_CHECK(ev.type == NLBRIDGE_EV_NONE && ev.reason && ev.reason[0],
				   "rejected without a reason");
			break;
		}
		uint8_t *p = parse_copy(data + off, nlmsg_len, &ev, &rc);
		check_parsed((const struct nlmsghdr *)p, nlmsg_len, rc, &ev);
		/* The same message with the rest of the datagram behind it. */
		if (rest > nlmsg_len) {
			free(parse_copy(data + off, rest, &ev2, &rc2));
			FUZZ_CHECK(rc2 == rc && memcmp(&ev, &ev2, sizeof(ev)) == 0,
				   "bytes past nlmsg_len changed the result (%d, %d)", rc, rc2);
		}
		msgs[n] = p;
		lens[n++] = nlmsg_len;
		size_t step = NLMSG_ALIGN(nlmsg_len);
		off += step < rest ? step : rest;
	}
	run_cache(msgs, lens, n);
	for (size_t i = 0; i < n; i++)
		free(msgs[i]);
	return 0;
}
