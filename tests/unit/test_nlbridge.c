/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_nlbridge.c - src/nlbridge.c: rtnetlink bridge, port and FDB messages.
 *
 * Replays the kernel messages recorded in tests/data/netlink/ (see make.sh
 * there for the setup) through nlbridge_parse() and the cache and checks
 * every field; then hand-made malformed messages, every recorded message
 * cut at every length and a deterministic bit-flip run.  Each message is
 * parsed from a heap block of exactly its size, so AddressSanitizer sees
 * any read past it.  Run from the repository root (or the data directory
 * is looked for relative to the binary).
 *
 * With --live it is the driver of tests/ns/nlbridge.sh instead: it opens
 * rtnetlink in the current namespace, dumps, prints one line per bridge,
 * port and FDB entry, "ready", then every event for --seconds:
 *
 *   test_nlbridge --live [--seconds N] [--rcvbuf BYTES] [--stall S]
 *                        [--refresh S]
 */
#include <errno.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include <linux/if_bridge.h>
#include <linux/if_link.h>
#include <linux/if_tun.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include "nlbridge.h"
#include "stpwatch/bpdu.h"
#include "stpwatch/capfile.h"
#include "stpwatch/frame.h"

static char g_datadir[4096] = "tests/data/netlink";

/* ---- recordings ------------------------------------------------------- */

struct rec {
	uint8_t **msg;
	size_t *len;
	size_t n;
};

/* Reads FILE: 4-byte little-endian length, then that many bytes, repeated. */
static void rec_load(struct rec *r, const char *file)
{
	char path[4200];
	snprintf(path, sizeof(path), "%s/%s", g_datadir, file);
	FILE *f = fopen(path, "rb");
	if (!f)
		fail_msg("%s: %s", path, strerror(errno));
	memset(r, 0, sizeof(*r));
	size_t cap = 0;
	uint8_t h[4];
	while (fread(h, 1, 4, f) == 4) {
		size_t n = (size_t)h[0] | (size_t)h[1] << 8 | (size_t)h[2] << 16 |
			   (size_t)h[3] << 24;
		assert_true(n >= 16 && n < 1 << 20);
		if (r->n == cap) {
			cap = cap ? cap * 2 : 64;
			r->msg = realloc(r->msg, cap * sizeof(*r->msg));
			r->len = realloc(r->len, cap * sizeof(*r->len));
			assert_non_null(r->msg);
			assert_non_null(r->len);
		}
		r->msg[r->n] = malloc(n);
		assert_non_null(r->msg[r->n]);
		assert_int_equal(fread(r->msg[r->n], 1, n, f), n);
		r->len[r->n++] = n;
	}
	fclose(f);
	assert_true(r->n > 0);
}

static void rec_free(struct rec *r)
{
	for (size_t i = 0; i < r->n; i++)
		free(r->msg[i]);
	free(r->msg);
	free(r->len);
}

static const struct nlmsghdr *hdr(const struct rec *r, size_t i)
{
	return (const struct nlmsghdr *)r->msg[i];
}

/* ---- collected events --------------------------------------------------- */

struct evlist {
	struct nlbridge_event *ev;
	size_t n, cap;
};

static void collect(const struct nlbridge_event *ev, void *arg)
{
	struct evlist *l = arg;
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 64;
		l->ev = realloc(l->ev, l->cap * sizeof(*l->ev));
		assert_non_null(l->ev);
	}
	l->ev[l->n++] = *ev;
}

static const struct nlbridge_event *find_ev(const struct evlist *l, size_t from,
					    enum nlbridge_event_type type, const char *name)
{
	for (size_t i = from; i < l->n; i++)
		if (l->ev[i].type == type && strcmp(l->ev[i].name, name) == 0)
			return &l->ev[i];
	return NULL;
}

static size_t count_ev(const struct evlist *l, enum nlbridge_event_type type)
{
	size_t n = 0;
	for (size_t i = 0; i < l->n; i++)
		n += l->ev[i].type == type;
	return n;
}

/* Feeds the whole dump recording into c, as nlbridge_dump() does. */
static void replay_dump(struct nlbridge_cache *c, struct evlist *out)
{
	struct rec r;
	rec_load(&r, "dump.bin");
	nlbridge_cache_sync_begin(c);
	size_t i = 0;
	for (; i < r.n && hdr(&r, i)->nlmsg_type != RTM_NEWNEIGH; i++)
		assert_true(nlbridge_cache_feed_msg(c, hdr(&r, i), r.len[i], collect, out) >= 0);
	assert_int_equal(out->n, 0);        /* nothing before the end of the sync */
	nlbridge_cache_sync_end(c, collect, out);
	for (; i < r.n; i++)
		assert_true(nlbridge_cache_feed_msg(c, hdr(&r, i), r.len[i], collect, out) >= 0);
	rec_free(&r);
}

#define ID(prio, mac) (((uint64_t)(prio) << 48) | (uint64_t)(mac))
#define BR0_ID ID(0x1000, 0x020000000b00ULL)
#define BR1_ID ID(0x8000, 0x020000000b01ULL)
#define BR1_ID0 ID(0x0000, 0x020000000b01ULL)   /* after priority 0 */
#define BR2_ID ID(0x8000, 0x020000000b02ULL)

/* ---- the recorded dump ---------------------------------------------------- */

static void test_dump_bridges(void **state)
{
	(void)state;
	struct nlbridge_cache *c = nlbridge_cache_new();
	struct evlist l = { 0 };
	replay_dump(c, &l);
	assert_int_equal(count_ev(&l, NLBRIDGE_EV_BRIDGE), 3);
	assert_int_equal(count_ev(&l, NLBRIDGE_EV_BRIDGE_GONE), 0);

	const struct nlbridge_event *e = find_ev(&l, 0, NLBRIDGE_EV_BRIDGE, "br0");
	assert_non_null(e);
	const struct bridge_info *b = &e->bridge;
	assert_string_equal(b->name, "br0");
	assert_int_equal(e->ifindex, 2);
	assert_true(b->bridge_id == BR0_ID);
	assert_true(b->root_id == BR0_ID);           /* br0 is the root */
	assert_int_equal(b->root_path_cost, 0);
	assert_string_equal(b->root_port, "");
	assert_true(b->stp_enabled);
	assert_true(b->kernel_stp);
	assert_int_equal(b->hello_time, 384);        /* 150 cs = 1.5 s */
	assert_int_equal(b->max_age, 1536);          /* 600 cs = 6 s */
	assert_int_equal(b->forward_delay, 1024);    /* 400 cs = 4 s */
	assert_int_equal(b->mtu, 1500);              /* min of its ports (tap0 9000) */
	assert_int_equal(e->bx.stp_state, 1);
	assert_int_equal(e->bx.priority, 4096);
	assert_int_equal(e->bx.root_port_no, 0);
	assert_false(e->bx.topology_change);
	assert_int_equal(e->bx.ageing_time, 300 * 256);
	assert_int_equal(e->bx.group_fwd_mask, 0);
	assert_true(e->bx.have_group_addr);
	assert_memory_equal(e->bx.group_addr, "\x01\x80\xc2\x00\x00\x00", 6);
	assert_string_equal(e->kind, "bridge");
	assert_int_equal(e->bad_attrs, 0);

	e = find_ev(&l, 0, NLBRIDGE_EV_BRIDGE, "br1");
	assert_non_null(e);
	b = &e->bridge;
	assert_true(b->bridge_id == BR1_ID);
	assert_true(b->root_id == BR0_ID);
	assert_int_equal(b->root_path_cost, 2);      /* one veth hop */
	assert_string_equal(b->root_port, "vA1");    /* IFLA_BR_ROOT_PORT 1 -> port no 1 */
	assert_int_equal(e->bx.root_port_no, 1);
	assert_true(b->stp_enabled);
	assert_true(b->kernel_stp);
	/* br1 is configured 2/20/15 s but reports what it took from the root. */
	assert_int_equal(b->hello_time, 384);
	assert_int_equal(b->max_age, 1536);
	assert_int_equal(b->forward_delay, 1024);
	assert_int_equal(b->mtu, 1500);

	e = find_ev(&l, 0, NLBRIDGE_EV_BRIDGE, "br2");
	assert_non_null(e);
	b = &e->bridge;
	assert_true(b->bridge_id == BR2_ID);
	assert_true(b->root_id == BR2_ID);
	assert_false(b->stp_enabled);
	assert_false(b->kernel_stp);
	assert_int_equal(e->bx.stp_state, 0);
	assert_int_equal(b->hello_time, 512);        /* defaults 2/20/15 s */
	assert_int_equal(b->max_age, 5120);
	assert_int_equal(b->forward_delay, 3840);
	assert_int_equal(b->mtu, 1400);              /* vC0 has 1400 */
	assert_string_equal(b->root_port, "");

	/* Bridges come before ports. */
	size_t last_bridge = 0, first_port = l.n;
	for (size_t i = 0; i < l.n; i++) {
		if (l.ev[i].type == NLBRIDGE_EV_BRIDGE)
			last_bridge = i;
		if (l.ev[i].type == NLBRIDGE_EV_PORT && i < first_port)
			first_port = i;
	}
	assert_true(last_bridge < first_port);
	free(l.ev);
	nlbridge_cache_free(c);
}

static void check_port(const struct evlist *l, const char *name, const char *bridge,
		       int ifindex, enum port_kind kind, int mtu, enum port_state st,
		       uint16_t port_id, uint16_t port_no, uint32_t cost, uint64_t droot,
		       uint64_t dbridge, uint16_t dport, enum nlbridge_role role, uint64_t mac)
{
	const struct nlbridge_event *e = find_ev(l, 0, NLBRIDGE_EV_PORT, name);
	if (!e)
		fail_msg("no PORT event for %s", name);
	const struct port_info *p = &e->port;
	assert_string_equal(p->name, name);
	assert_string_equal(p->bridge, bridge);
	assert_int_equal(p->ifindex, ifindex);
	assert_int_equal(e->ifindex, ifindex);
	assert_int_equal(p->kind, kind);
	assert_int_equal(p->mtu, mtu);
	assert_int_equal(p->state, st);
	assert_int_equal(p->port_id, port_id);
	assert_int_equal(e->px.port_no, port_no);
	assert_int_equal(p->path_cost, cost);
	assert_true(p->designated_root == droot);
	assert_true(p->designated_bridge == dbridge);
	assert_int_equal(p->designated_port, dport);
	assert_int_equal(e->px.role, role);
	assert_true(p->have_mac);
	uint8_t m[6];
	for (int i = 0; i < 6; i++)
		m[i] = (uint8_t)(mac >> (40 - 8 * i));
	assert_memory_equal(p->mac, m, 6);
	assert_int_equal(e->bad_attrs, 0);
	assert_true(e->have & NLB_HAVE_STP);
	assert_true(e->have & NLB_HAVE_KIND);
}

static void test_dump_ports(void **state)
{
	(void)state;
	struct nlbridge_cache *c = nlbridge_cache_new();
	struct evlist l = { 0 };
	replay_dump(c, &l);
	assert_int_equal(count_ev(&l, NLBRIDGE_EV_PORT), 9);
	assert_int_equal(count_ev(&l, NLBRIDGE_EV_PORT_GONE), 0);
	assert_int_equal(count_ev(&l, NLBRIDGE_EV_LINK), 0);  /* never reported */

	/* br0 (the root): both veths designated, tap0 forwarding. */
	check_port(&l, "vA0", "br0", 6, PORT_KIND_OTHER, 1500, PORT_STATE_FORWARDING,
		   0x8001, 1, 2, BR0_ID, BR0_ID, 0x8001, NLBRIDGE_ROLE_DESIGNATED,
		   0x020000000a00ULL);
	check_port(&l, "vB0", "br0", 8, PORT_KIND_OTHER, 1500, PORT_STATE_FORWARDING,
		   0x8002, 2, 2, BR0_ID, BR0_ID, 0x8002, NLBRIDGE_ROLE_DESIGNATED,
		   0x020000000a10ULL);
	check_port(&l, "tap0", "br0", 13, PORT_KIND_TAP, 9000, PORT_STATE_FORWARDING,
		   0x8003, 3, 2, BR0_ID, BR0_ID, 0x8003, NLBRIDGE_ROLE_DESIGNATED,
		   0xfe5400000000ULL);
	/* br1: root port vA1, vB1 (priority 48, cost 150) blocks, tap1 no carrier. */
	check_port(&l, "vA1", "br1", 5, PORT_KIND_OTHER, 1500, PORT_STATE_FORWARDING,
		   0x8001, 1, 2, BR0_ID, BR0_ID, 0x8001, NLBRIDGE_ROLE_ROOT,
		   0x020000000a01ULL);
	check_port(&l, "vB1", "br1", 7, PORT_KIND_OTHER, 1500, PORT_STATE_BLOCKING,
		   0xc002, 2, 150, BR0_ID, BR0_ID, 0x8002, NLBRIDGE_ROLE_ALTERNATE,
		   0x020000000a11ULL);
	check_port(&l, "tap1", "br1", 14, PORT_KIND_TAP, 1500, PORT_STATE_DISABLED,
		   0x8003, 3, 2, BR1_ID, BR1_ID, 0x8003, NLBRIDGE_ROLE_DISABLED,
		   0xfe5400000001ULL);
	/* br2: STP off. */
	check_port(&l, "vC0", "br2", 10, PORT_KIND_OTHER, 1400, PORT_STATE_FORWARDING,
		   0x8001, 1, 2, BR2_ID, BR2_ID, 0x8001, NLBRIDGE_ROLE_NONE,
		   0x020000000a20ULL);
	check_port(&l, "tap2", "br2", 15, PORT_KIND_TAP, 1500, PORT_STATE_DISABLED,
		   0x8002, 2, 2, BR2_ID, BR2_ID, 0x8002, NLBRIDGE_ROLE_NONE,
		   0xfe5400000002ULL);
	check_port(&l, "vD0", "br2", 12, PORT_KIND_OTHER, 1500, PORT_STATE_FORWARDING,
		   0x8003, 3, 2, BR2_ID, BR2_ID, 0x8003, NLBRIDGE_ROLE_NONE,
		   0x020000000a30ULL);

	const struct nlbridge_event *e = find_ev(&l, 0, NLBRIDGE_EV_PORT, "vB1");
	assert_int_equal(e->px.priority, 48);
	assert_int_equal(e->px.designated_cost, 0);
	assert_false(e->px.guard);
	e = find_ev(&l, 0, NLBRIDGE_EV_PORT, "tap1");
	assert_true(e->px.guard);                  /* BPDU guard */
	assert_false(e->px.root_block);
	assert_string_equal(e->kind, "tun");
	e = find_ev(&l, 0, NLBRIDGE_EV_PORT, "tap0");
	assert_true(e->px.root_block);             /* IFLA_BRPORT_PROTECT */
	assert_false(e->px.guard);
	assert_int_equal(e->operstate, 6);         /* IF_OPER_UP: the tap is held open */
	e = find_ev(&l, 0, NLBRIDGE_EV_PORT, "vA1");
	assert_int_equal(e->px.priority, 32);
	assert_true(e->px.learning);
	assert_true(e->px.unicast_flood);
	assert_int_equal(e->master, 3);
	assert_string_equal(e->kind, "veth");
	assert_null(find_ev(&l, 0, NLBRIDGE_EV_PORT, "vC1"));  /* not enslaved */
	assert_null(find_ev(&l, 0, NLBRIDGE_EV_PORT, "lo"));
	free(l.ev);
	nlbridge_cache_free(c);
}

static void test_dump_fdb(void **state)
{
	(void)state;
	struct nlbridge_cache *c = nlbridge_cache_new();
	struct evlist l = { 0 };
	replay_dump(c, &l);
	/* Learned entries only: no local, permanent, multicast or NTF_SELF ones. */
	size_t n = 0;
	bool vc1 = false, br1_mac = false;
	for (size_t i = 0; i < l.n; i++) {
		const struct nlbridge_event *e = &l.ev[i];
		if (e->type != NLBRIDGE_EV_FDB)
			continue;
		n++;
		assert_false(e->fdb.mac[0] & 1);
		assert_false(e->fdb.state & (NUD_PERMANENT | NUD_NOARP));
		assert_false(e->fdb.moved);
		assert_int_equal(e->fdb.vlan, -1);  /* no VLAN filtering */
		assert_true(e->fdb.port[0] != 0);
		if (memcmp(e->fdb.mac, "\x02\x00\x00\x00\x0a\x21", 6) == 0) {
			vc1 = true;
			assert_string_equal(e->fdb.port, "vC0");
			assert_string_equal(e->fdb.bridge, "br2");
			assert_int_equal(e->fdb.ifindex, 10);
			assert_int_equal(e->fdb.master, 4);
		}
		if (memcmp(e->fdb.mac, "\x02\x00\x00\x00\x0b\x01", 6) == 0) {
			br1_mac = true;
			assert_string_equal(e->fdb.port, "vA0");
			assert_string_equal(e->fdb.bridge, "br0");
		}
	}
	assert_true(n >= 6);                         /* 7 in this recording */
	assert_true(vc1);
	assert_true(br1_mac);
	free(l.ev);
	nlbridge_cache_free(c);
}

/* The AF_BRIDGE message of a port says the same about STP as its AF_UNSPEC one. */
static void test_af_bridge_matches_af_unspec(void **state)
{
	(void)state;
	struct rec r;
	rec_load(&r, "dump.bin");
	unsigned pairs = 0, bridge_msgs = 0;
	for (size_t i = 0; i < r.n; i++) {
		struct nlbridge_event a;
		if (nlbridge_parse(hdr(&r, i), r.len[i], &a) != 1 || a.family != AF_BRIDGE ||
		    a.msg_type != RTM_NEWLINK)
			continue;
		bridge_msgs++;
		assert_int_equal(a.type, NLBRIDGE_EV_PORT);
		assert_int_equal(a.port.kind, PORT_KIND_UNKNOWN);  /* no IFLA_LINKINFO */
		assert_false(a.have & NLB_HAVE_KIND);
		assert_true(a.have & NLB_HAVE_STP);
		for (size_t j = 0; j < r.n; j++) {
			struct nlbridge_event u;
			if (nlbridge_parse(hdr(&r, j), r.len[j], &u) != 1 ||
			    u.family != AF_UNSPEC || u.ifindex != a.ifindex)
				continue;
			assert_int_equal(u.type, NLBRIDGE_EV_PORT);
			assert_string_equal(u.name, a.name);
			assert_int_equal(u.master, a.master);
			assert_int_equal(u.port.mtu, a.port.mtu);
			assert_int_equal(u.port.state, a.port.state);
			assert_int_equal(u.port.port_id, a.port.port_id);
			assert_true(u.port.designated_root == a.port.designated_root);
			assert_true(u.port.designated_bridge == a.port.designated_bridge);
			assert_int_equal(u.port.designated_port, a.port.designated_port);
			assert_int_equal(u.port.path_cost, a.port.path_cost);
			assert_int_equal(u.px.port_no, a.px.port_no);
			assert_int_equal(u.px.guard, a.px.guard);
			assert_int_equal(u.px.root_block, a.px.root_block);
			assert_memory_equal(u.port.mac, a.port.mac, 6);
			pairs++;
		}
	}
	assert_int_equal(bridge_msgs, 9);
	assert_int_equal(pairs, 9);
	rec_free(&r);
}

/* Raw results of nlbridge_parse() for the messages that are not ports. */
static void test_parse_raw(void **state)
{
	(void)state;
	struct rec r;
	rec_load(&r, "dump.bin");
	unsigned links = 0, dones = 0, ignored_neigh = 0;
	for (size_t i = 0; i < r.n; i++) {
		struct nlbridge_event e;
		int rc = nlbridge_parse(hdr(&r, i), r.len[i], &e);
		assert_true(rc >= 0);
		assert_int_equal(e.bad_attrs, 0);
		if (hdr(&r, i)->nlmsg_type == NLMSG_DONE) {
			assert_int_equal(rc, 0);
			assert_int_equal(e.type, NLBRIDGE_EV_NONE);
			dones++;
		} else if (e.type == NLBRIDGE_EV_LINK) {
			links++;
			assert_true(strcmp(e.name, "lo") == 0 || strcmp(e.name, "vC1") == 0 ||
				    strcmp(e.name, "vD1") == 0);
			assert_int_equal(e.master, 0);
		} else if (hdr(&r, i)->nlmsg_type == RTM_NEWNEIGH && rc == 0) {
			ignored_neigh++;
		}
		if (e.type == NLBRIDGE_EV_BRIDGE)
			assert_true(e.have & NLB_HAVE_BRIDGE);
	}
	assert_int_equal(links, 3);
	assert_int_equal(dones, 3);
	assert_true(ignored_neigh > 40);
	rec_free(&r);
}

/* ---- the recorded events ----------------------------------------------------- */

static size_t expect_in_order(const struct evlist *l, size_t from,
			      enum nlbridge_event_type type, const char *name)
{
	const struct nlbridge_event *e = find_ev(l, from, type, name);
	if (!e)
		fail_msg("no %s %s after event %zu", nlbridge_event_name(type), name, from);
	return (size_t)(e - l->ev);
}

static void test_events_replay(void **state)
{
	(void)state;
	struct nlbridge_cache *c = nlbridge_cache_new();
	struct evlist dump = { 0 }, l = { 0 };
	replay_dump(c, &dump);
	free(dump.ev);

	struct rec r;
	rec_load(&r, "events.bin");
	unsigned dellinks = 0;
	for (size_t i = 0; i < r.n; i++) {
		assert_true(nlbridge_cache_feed_msg(c, hdr(&r, i), r.len[i], collect, &l) >= 0);
		dellinks += hdr(&r, i)->nlmsg_type == RTM_DELLINK;
	}
	assert_true(dellinks >= 5);   /* 3 AF_BRIDGE releases, tap2 and br2 deleted */

	/* br1 took over as root: vB1 (on br1) listens, vB0 (on br0) blocks. */
	size_t at = expect_in_order(&l, 0, NLBRIDGE_EV_PORT, "vB1");
	assert_int_equal(l.ev[at].port.state, PORT_STATE_LISTENING);
	assert_true(l.ev[at].port.designated_root == BR1_ID0);
	at = expect_in_order(&l, at, NLBRIDGE_EV_PORT, "vB0");
	assert_int_equal(l.ev[at].port.state, PORT_STATE_BLOCKING);
	assert_int_equal(l.ev[at].port.kind, PORT_KIND_OTHER);   /* kept from the dump */
	assert_int_equal(l.ev[at].px.role, NLBRIDGE_ROLE_ALTERNATE);
	at = expect_in_order(&l, at, NLBRIDGE_EV_BRIDGE, "br1");
	const struct bridge_info *b = &l.ev[at].bridge;
	assert_true(b->bridge_id == BR1_ID0);
	assert_true(b->root_id == BR1_ID0);
	assert_string_equal(b->root_port, "");
	assert_int_equal(b->root_path_cost, 0);
	assert_true(l.ev[at].bx.topology_change);
	assert_int_equal(b->topology_changes, 1);
	assert_int_equal(b->hello_time, 512);      /* the root's own 2/20/15 s now */
	assert_int_equal(b->max_age, 5120);
	assert_int_equal(b->forward_delay, 3840);
	assert_true(l.ev[at].bx.topology_change_timer > 0);

	/* MTU of vC0, then br2 follows. */
	at = expect_in_order(&l, at, NLBRIDGE_EV_PORT, "vC0");
	assert_int_equal(l.ev[at].port.mtu, 1300);
	at = expect_in_order(&l, at, NLBRIDGE_EV_BRIDGE, "br2");
	assert_int_equal(l.ev[at].bridge.mtu, 1300);

	/* vC1's MAC seen behind vD0: an FDB move. */
	size_t k;
	for (k = at; k < l.n; k++)
		if (l.ev[k].type == NLBRIDGE_EV_FDB && l.ev[k].fdb.moved)
			break;
	assert_true(k < l.n);
	assert_memory_equal(l.ev[k].fdb.mac, "\x02\x00\x00\x00\x0a\x21", 6);
	assert_string_equal(l.ev[k].fdb.port, "vD0");
	assert_string_equal(l.ev[k].fdb.from, "vC0");
	assert_string_equal(l.ev[k].fdb.bridge, "br2");
	at = k;

	/* Released, deleted, the bridge deleted. */
	at = expect_in_order(&l, at, NLBRIDGE_EV_PORT_GONE, "vD0");
	assert_string_equal(l.ev[at].port.bridge, "br2");
	at = expect_in_order(&l, at, NLBRIDGE_EV_PORT_GONE, "tap2");
	assert_int_equal(l.ev[at].port.kind, PORT_KIND_TAP);
	at = expect_in_order(&l, at, NLBRIDGE_EV_PORT_GONE, "vC0");
	at = expect_in_order(&l, at, NLBRIDGE_EV_BRIDGE_GONE, "br2");
	assert_int_equal(count_ev(&l, NLBRIDGE_EV_PORT_GONE), 3);
	assert_int_equal(count_ev(&l, NLBRIDGE_EV_BRIDGE_GONE), 1);
	assert_true(count_ev(&l, NLBRIDGE_EV_FDB_GONE) >= 2);

	/* STP moved on br1 and br0: both are to be asked again. */
	int d1 = nlbridge_cache_next_dirty(c), d2 = nlbridge_cache_next_dirty(c);
	assert_true((d1 == 2 && d2 == 3) || (d1 == 3 && d2 == 2));
	assert_int_equal(nlbridge_cache_next_dirty(c), 0);

	/* A later dump no longer showing br2 and its ports reports nothing gone twice. */
	struct evlist again = { 0 };
	nlbridge_cache_sync_begin(c);
	struct rec d;
	rec_load(&d, "dump.bin");
	for (size_t i = 0; i < d.n && hdr(&d, i)->nlmsg_type != RTM_NEWNEIGH; i++) {
		struct nlbridge_event e;
		if (nlbridge_parse(hdr(&d, i), d.len[i], &e) == 1 && e.master != 4 &&
		    e.ifindex != 4 && e.ifindex != 15)
			nlbridge_cache_feed(c, &e, collect, &again);
	}
	nlbridge_cache_sync_end(c, collect, &again);
	assert_int_equal(count_ev(&again, NLBRIDGE_EV_BRIDGE_GONE), 0);
	assert_int_equal(count_ev(&again, NLBRIDGE_EV_PORT_GONE), 0);
	assert_int_equal(count_ev(&again, NLBRIDGE_EV_BRIDGE), 2);
	rec_free(&d);
	free(again.ev);

	rec_free(&r);
	free(l.ev);
	nlbridge_cache_free(c);
}

/* A resync whose dump lacks some links reports them gone, once. */
static void test_resync_reports_gone(void **state)
{
	(void)state;
	struct nlbridge_cache *c = nlbridge_cache_new();
	struct evlist l = { 0 };
	replay_dump(c, &l);
	l.n = 0;

	struct rec r;
	rec_load(&r, "dump.bin");
	nlbridge_cache_sync_begin(c);
	for (size_t i = 0; i < r.n; i++) {
		struct nlbridge_event e;
		if (nlbridge_parse(hdr(&r, i), r.len[i], &e) != 1 || e.msg_type != RTM_NEWLINK)
			continue;
		if (e.ifindex == 3 || e.master == 3)       /* br1 and its ports vanish */
			continue;
		if (strcmp(e.name, "vD0") == 0 && e.family == AF_UNSPEC) {
			/* vD0 released meanwhile: its link without master and slave data. */
			struct nlbridge_event u = e;
			u.type = NLBRIDGE_EV_LINK;
			u.master = 0;
			nlbridge_cache_feed(c, &u, collect, &l);
			continue;
		}
		if (strcmp(e.name, "vD0") == 0)
			continue;
		nlbridge_cache_feed(c, &e, collect, &l);
	}
	assert_int_equal(l.n, 0);
	nlbridge_cache_sync_end(c, collect, &l);
	assert_non_null(find_ev(&l, 0, NLBRIDGE_EV_BRIDGE_GONE, "br1"));
	assert_non_null(find_ev(&l, 0, NLBRIDGE_EV_PORT_GONE, "vA1"));
	assert_non_null(find_ev(&l, 0, NLBRIDGE_EV_PORT_GONE, "vB1"));
	assert_non_null(find_ev(&l, 0, NLBRIDGE_EV_PORT_GONE, "tap1"));
	assert_non_null(find_ev(&l, 0, NLBRIDGE_EV_PORT_GONE, "vD0"));
	assert_int_equal(count_ev(&l, NLBRIDGE_EV_PORT_GONE), 4);
	assert_int_equal(count_ev(&l, NLBRIDGE_EV_BRIDGE_GONE), 1);
	assert_int_equal(count_ev(&l, NLBRIDGE_EV_BRIDGE), 2);
	assert_int_equal(count_ev(&l, NLBRIDGE_EV_PORT), 5);
	/* Gone before anything is reported again. */
	assert_true(l.ev[0].type == NLBRIDGE_EV_PORT_GONE);
	rec_free(&r);
	free(l.ev);
	nlbridge_cache_free(c);
}

/* ---- units, ids, the engine -------------------------------------------------- */

static void test_units_and_ids(void **state)
{
	(void)state;
	assert_int_equal(nlbridge_cs_to_256(0), 0);
	assert_int_equal(nlbridge_cs_to_256(100), 256);
	assert_int_equal(nlbridge_cs_to_256(150), 384);
	assert_int_equal(nlbridge_cs_to_256(200), 512);
	assert_int_equal(nlbridge_cs_to_256(1500), 3840);
	assert_int_equal(nlbridge_cs_to_256(1), 3);          /* 2.56 rounds up */
	assert_int_equal(nlbridge_cs_to_256(UINT64_MAX), UINT32_MAX);

	static const uint8_t raw[8] = { 0x80, 0x00, 0x02, 0x00, 0x00, 0x00, 0x0b, 0x01 };
	assert_true(nlbridge_id(raw) == BR1_ID);

	/* The same bridge id read from a Config BPDU compares equal. */
	uint8_t fr[60] = {
		0x01, 0x80, 0xc2, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x0a, 0x11,
		0x00, 0x26, 0x42, 0x42, 0x03,                   /* 802.3 length, LLC */
		0x00, 0x00, 0x00, 0x00, 0x00,                   /* proto, version, type, flags */
		0x10, 0x00, 0x02, 0x00, 0x00, 0x00, 0x0b, 0x00, /* root */
		0x00, 0x00, 0x00, 0x02,                         /* cost */
		0x80, 0x00, 0x02, 0x00, 0x00, 0x00, 0x0b, 0x01, /* bridge */
		0x80, 0x02, 0x00, 0x00, 0x14, 0x00, 0x02, 0x00, 0x0f, 0x00,
	};
	struct frame f;
	struct bpdu b;
	frame_decode(&f, LINKTYPE_ETHERNET, fr, sizeof(fr), sizeof(fr));
	bpdu_decode(&b, &f);
	assert_int_equal(b.status, BPDU_OK);
	assert_true(b.bridge_id == nlbridge_id(raw));
	assert_true(b.root_id == BR0_ID);

	assert_string_equal(nlbridge_state_name(PORT_STATE_BLOCKING), "blocking");
	assert_string_equal(nlbridge_state_name(PORT_STATE_UNKNOWN), "unknown");
	assert_string_equal(nlbridge_role_name(NLBRIDGE_ROLE_ALTERNATE), "alternate");
	assert_string_equal(nlbridge_event_name(NLBRIDGE_EV_PORT_GONE), "port-gone");
}

struct apply_ctx {
	struct engine *e;
};

static void apply_cb(const struct nlbridge_event *ev, void *arg)
{
	struct apply_ctx *a = arg;
	nlbridge_apply(a->e, ev, 100.0);
}

static const struct port_info *engine_port_named(struct engine *e, const char *name)
{
	for (unsigned i = 0; i < engine_port_count(e); i++)
		if (strcmp(engine_port_at(e, i)->name, name) == 0)
			return engine_port_at(e, i);
	return NULL;
}

static void test_apply_engine(void **state)
{
	(void)state;
	struct engine_config cfg;
	engine_config_defaults(&cfg);
	struct apply_ctx a = { engine_new(&cfg) };
	assert_non_null(a.e);
	struct nlbridge_cache *c = nlbridge_cache_new();
	struct rec r;
	rec_load(&r, "dump.bin");
	nlbridge_cache_sync_begin(c);
	size_t i = 0;
	for (; i < r.n && hdr(&r, i)->nlmsg_type != RTM_NEWNEIGH; i++)
		nlbridge_cache_feed_msg(c, hdr(&r, i), r.len[i], apply_cb, &a);
	nlbridge_cache_sync_end(c, apply_cb, &a);
	for (; i < r.n; i++)
		nlbridge_cache_feed_msg(c, hdr(&r, i), r.len[i], apply_cb, &a);
	rec_free(&r);

	assert_int_equal(engine_bridge_count(a.e), 3);
	bool br1 = false;
	for (unsigned k = 0; k < engine_bridge_count(a.e); k++) {
		const struct bridge_info *b = engine_bridge_at(a.e, k);
		if (strcmp(b->name, "br1") == 0) {
			br1 = true;
			assert_string_equal(b->root_port, "vA1");
			assert_true(b->root_id == BR0_ID);
		}
	}
	assert_true(br1);
	const struct port_info *p = engine_port_named(a.e, "tap0");
	assert_non_null(p);
	assert_int_equal(p->kind, PORT_KIND_TAP);
	assert_int_equal(p->mtu, 9000);
	assert_string_equal(p->bridge, "br0");
	p = engine_port_named(a.e, "vB1");
	assert_non_null(p);
	assert_int_equal(p->state, PORT_STATE_BLOCKING);

	/* The events: vB0 blocks, vD0 is released, FDB moves reach the engine. */
	rec_load(&r, "events.bin");
	for (i = 0; i < r.n; i++)
		nlbridge_cache_feed_msg(c, hdr(&r, i), r.len[i], apply_cb, &a);
	rec_free(&r);
	p = engine_port_named(a.e, "vB0");
	assert_int_equal(p->state, PORT_STATE_BLOCKING);
	assert_int_equal(p->kind, PORT_KIND_OTHER);
	p = engine_port_named(a.e, "vD0");
	assert_non_null(p);
	assert_int_equal(p->state, PORT_STATE_UNKNOWN);   /* engine_port_gone() */

	nlbridge_cache_free(c);
	engine_free(a.e);
}

/* ---- hand-made messages ------------------------------------------------------- */

struct mb {
	uint8_t b[4096];
	size_t n;
	size_t nest[8];
	int depth;
};

static void mb_put(struct mb *m, const void *p, size_t n)
{
	assert_true(m->n + n <= sizeof(m->b));
	if (n)
		memcpy(m->b + m->n, p, n);
	m->n += n;
}

static void mb_pad(struct mb *m)
{
	static const uint8_t z[4];
	mb_put(m, z, NLA_ALIGN(m->n) - m->n);
}

static void mb_start(struct mb *m, uint16_t type)
{
	memset(m, 0, sizeof(*m));
	struct nlmsghdr h = { .nlmsg_type = type };
	mb_put(m, &h, sizeof(h));
}

static void mb_ifinfo(struct mb *m, uint8_t family, int ifindex)
{
	struct ifinfomsg ifi = { .ifi_family = family, .ifi_index = ifindex };
	mb_put(m, &ifi, sizeof(ifi));
}

static void mb_ndmsg(struct mb *m, uint8_t family, int ifindex, uint16_t state, uint8_t flags)
{
	struct ndmsg nd = { .ndm_family = family, .ndm_ifindex = ifindex,
			    .ndm_state = state, .ndm_flags = flags };
	mb_put(m, &nd, sizeof(nd));
}

/* An attribute of n payload bytes whose nla_len says nla_len. */
static void mb_attr_len(struct mb *m, uint16_t type, const void *p, size_t n,
			uint16_t nla_len)
{
	struct nlattr a = { .nla_len = nla_len, .nla_type = type };
	mb_put(m, &a, sizeof(a));
	mb_put(m, p, n);
	mb_pad(m);
}

static void mb_attr(struct mb *m, uint16_t type, const void *p, size_t n)
{
	mb_attr_len(m, type, p, n, (uint16_t)(4 + n));
}

static void mb_u8(struct mb *m, uint16_t type, uint8_t v) { mb_attr(m, type, &v, 1); }
static void mb_u16(struct mb *m, uint16_t type, uint16_t v) { mb_attr(m, type, &v, 2); }
static void mb_u32(struct mb *m, uint16_t type, uint32_t v) { mb_attr(m, type, &v, 4); }
static void mb_str(struct mb *m, uint16_t type, const char *s) { mb_attr(m, type, s, strlen(s) + 1); }

static void mb_nest(struct mb *m, uint16_t type)
{
	assert_true(m->depth < 8);
	m->nest[m->depth++] = m->n;
	struct nlattr a = { .nla_len = 0, .nla_type = type | NLA_F_NESTED };
	mb_put(m, &a, sizeof(a));
}

static void mb_end(struct mb *m)
{
	size_t at = m->nest[--m->depth];
	uint16_t len = (uint16_t)(m->n - at);
	memcpy(m->b + at, &len, 2);
}

/* Parses m from a heap copy of exactly its length (nlmsg_len set to it unless given). */
static int mb_parse_len(const struct mb *m, uint32_t nlmsg_len, struct nlbridge_event *ev)
{
	uint8_t *p = malloc(m->n ? m->n : 1);
	assert_non_null(p);
	memcpy(p, m->b, m->n);
	if (m->n >= 4)
		memcpy(p, &nlmsg_len, 4);
	int rc = nlbridge_parse((const struct nlmsghdr *)p, m->n, ev);
	free(p);
	return rc;
}

static int mb_parse(const struct mb *m, struct nlbridge_event *ev)
{
	return mb_parse_len(m, (uint32_t)m->n, ev);
}

static void mb_bridge_id(struct mb *m, uint16_t type, uint16_t prio, uint64_t mac)
{
	uint8_t id[8] = { (uint8_t)(prio >> 8), (uint8_t)prio };
	for (int i = 0; i < 6; i++)
		id[2 + i] = (uint8_t)(mac >> (40 - 8 * i));
	mb_attr(m, type, id, 8);
}

static void test_malformed_headers(void **state)
{
	(void)state;
	struct nlbridge_event ev;
	struct mb m;

	assert_int_equal(nlbridge_parse(NULL, 0, &ev), -1);
	mb_start(&m, RTM_NEWLINK);
	/* Shorter than a netlink header. */
	uint8_t *p = malloc(8);
	memcpy(p, m.b, 8);
	assert_int_equal(nlbridge_parse((const struct nlmsghdr *)p, 8, &ev), -1);
	assert_non_null(ev.reason);
	free(p);
	/* nlmsg_len below the header, and past the buffer. */
	mb_ifinfo(&m, AF_UNSPEC, 7);
	assert_int_equal(mb_parse_len(&m, 8, &ev), -1);
	assert_int_equal(mb_parse_len(&m, (uint32_t)m.n + 4, &ev), -1);
	assert_int_equal(mb_parse_len(&m, 0xffffffffu, &ev), -1);
	/* ifinfomsg cut short. */
	assert_int_equal(mb_parse_len(&m, 16 + 8, &ev), -1);
	assert_string_equal(ev.reason, "link message shorter than struct ifinfomsg");
	/* Exactly the headers: a nameless link. */
	assert_int_equal(mb_parse(&m, &ev), 1);
	assert_int_equal(ev.type, NLBRIDGE_EV_LINK);
	assert_int_equal(ev.ifindex, 7);
	assert_int_equal(ev.have & NLB_HAVE_NAME, 0);
	/* ndmsg cut short. */
	mb_start(&m, RTM_NEWNEIGH);
	mb_ndmsg(&m, AF_BRIDGE, 5, NUD_REACHABLE, 0);
	assert_int_equal(mb_parse_len(&m, 16 + 11, &ev), -1);
	/* Other families and types are nothing for us. */
	mb_start(&m, RTM_NEWLINK);
	mb_ifinfo(&m, AF_INET6, 3);
	mb_str(&m, IFLA_IFNAME, "eth0");
	assert_int_equal(mb_parse(&m, &ev), 0);
	mb_start(&m, RTM_NEWROUTE);
	mb_put(&m, "\0\0\0\0\0\0\0\0\0\0\0\0", 12);
	assert_int_equal(mb_parse(&m, &ev), 0);
	/* A longer buffer than nlmsg_len: the rest is not looked at. */
	mb_start(&m, RTM_NEWLINK);
	mb_ifinfo(&m, AF_UNSPEC, 9);
	size_t first = m.n;
	mb_str(&m, IFLA_IFNAME, "hidden");
	assert_int_equal(mb_parse_len(&m, (uint32_t)first, &ev), 1);
	assert_string_equal(ev.name, "");
}

static void test_malformed_attributes(void **state)
{
	(void)state;
	struct nlbridge_event ev;
	struct mb m;

	/* An attribute whose length runs past the message: skipped, earlier ones kept. */
	mb_start(&m, RTM_NEWLINK);
	mb_ifinfo(&m, AF_UNSPEC, 4);
	mb_str(&m, IFLA_IFNAME, "eth1");
	mb_attr_len(&m, IFLA_MTU, "\xdc\x05\0\0", 4, 200);
	assert_int_equal(mb_parse(&m, &ev), 1);
	assert_string_equal(ev.name, "eth1");
	assert_int_equal(ev.port.mtu, 0);
	assert_int_equal(ev.bad_attrs, 1);

	/* nla_len below the attribute header (0 and 2): the walk ends there. */
	for (uint16_t bogus = 0; bogus < 4; bogus += 2) {
		mb_start(&m, RTM_NEWLINK);
		mb_ifinfo(&m, AF_UNSPEC, 4);
		mb_attr_len(&m, IFLA_MTU, "\0\0\0\0", 4, bogus);
		mb_str(&m, IFLA_IFNAME, "never");
		assert_int_equal(mb_parse(&m, &ev), 1);
		assert_string_equal(ev.name, "");
		assert_int_equal(ev.bad_attrs, 1);
	}

	/* Zero-length and short payloads: ignored one by one. */
	mb_start(&m, RTM_NEWLINK);
	mb_ifinfo(&m, AF_UNSPEC, 4);
	mb_attr(&m, IFLA_MTU, NULL, 0);
	mb_attr(&m, IFLA_MASTER, "\x02\0", 2);
	mb_attr(&m, IFLA_IFNAME, NULL, 0);
	mb_attr(&m, IFLA_OPERSTATE, NULL, 0);
	mb_attr(&m, IFLA_ADDRESS, "\x02\0\0", 3);
	mb_u32(&m, 999, 1);                          /* unknown: skipped */
	mb_attr(&m, 0x7fff & ~NLA_F_NESTED, "x", 1); /* unknown, odd length */
	mb_str(&m, IFLA_IFNAME, "ok0");
	assert_int_equal(mb_parse(&m, &ev), 1);
	assert_int_equal(ev.type, NLBRIDGE_EV_LINK);
	assert_string_equal(ev.name, "ok0");
	assert_int_equal(ev.port.mtu, 0);
	assert_int_equal(ev.master, 0);
	assert_false(ev.port.have_mac);
	assert_int_equal(ev.bad_attrs, 3);           /* MTU, MASTER, OPERSTATE */

	/* A name without NUL, longer than IFNAMSIZ: cut, terminated. */
	mb_start(&m, RTM_NEWLINK);
	mb_ifinfo(&m, AF_UNSPEC, 4);
	mb_attr(&m, IFLA_IFNAME, "abcdefghijklmnopqrstuvwxyz", 26);
	assert_int_equal(mb_parse(&m, &ev), 1);
	assert_string_equal(ev.name, "abcdefghijklmno");

	/* A bridge whose IFLA_INFO_DATA has short and overrunning attributes. */
	mb_start(&m, RTM_NEWLINK);
	mb_ifinfo(&m, AF_UNSPEC, 20);
	mb_str(&m, IFLA_IFNAME, "brx");
	mb_nest(&m, IFLA_LINKINFO);
	mb_str(&m, IFLA_INFO_KIND, "bridge");
	mb_nest(&m, IFLA_INFO_DATA);
	mb_attr(&m, IFLA_BR_BRIDGE_ID, "\x80\0\x02\0\0\0\0", 7);  /* 7 of 8 bytes */
	mb_bridge_id(&m, IFLA_BR_ROOT_ID, 0x1000, 0x020000000001ULL);
	mb_attr(&m, IFLA_BR_HELLO_TIME, "\xc8\0", 2);             /* u32 cut to 2 */
	mb_u32(&m, IFLA_BR_MAX_AGE, 2000);
	mb_attr(&m, IFLA_BR_HELLO_TIMER, "\0\0\0\0", 4);          /* u64 cut to 4 */
	mb_u16(&m, IFLA_BR_ROOT_PORT, 3);
	mb_attr(&m, IFLA_BR_STP_STATE, NULL, 0);
	mb_u32(&m, 200, 5);                                        /* unknown */
	mb_attr_len(&m, IFLA_BR_FORWARD_DELAY, "\xdc\x05\0\0", 4, 64); /* past the nest */
	mb_end(&m);
	mb_end(&m);
	mb_u32(&m, IFLA_MTU, 1500);                  /* after the nest: still read */
	assert_int_equal(mb_parse(&m, &ev), 1);
	assert_int_equal(ev.type, NLBRIDGE_EV_BRIDGE);
	assert_true(ev.bridge.bridge_id == 0);
	assert_true(ev.bridge.root_id == ID(0x1000, 0x020000000001ULL));
	assert_int_equal(ev.bridge.hello_time, 0);
	assert_int_equal(ev.bridge.max_age, 5120);
	assert_int_equal(ev.bridge.forward_delay, 0);
	assert_int_equal(ev.bx.root_port_no, 3);
	assert_false(ev.bridge.stp_enabled);
	assert_int_equal(ev.bridge.mtu, 1500);
	assert_int_equal(ev.bad_attrs, 5);

	/* A port whose slave data nest is shorter than an attribute header. */
	mb_start(&m, RTM_NEWLINK);
	mb_ifinfo(&m, AF_UNSPEC, 21);
	mb_str(&m, IFLA_IFNAME, "p0");
	mb_u32(&m, IFLA_MASTER, 20);
	mb_nest(&m, IFLA_LINKINFO);
	mb_str(&m, IFLA_INFO_SLAVE_KIND, "bridge");
	mb_attr(&m, IFLA_INFO_SLAVE_DATA | NLA_F_NESTED, "\x08\0", 2);
	mb_end(&m);
	assert_int_equal(mb_parse(&m, &ev), 1);
	assert_int_equal(ev.type, NLBRIDGE_EV_PORT);
	assert_int_equal(ev.port.state, PORT_STATE_UNKNOWN);
	assert_int_equal(ev.bad_attrs, 1);

	/* Port attributes: zero-length state, short ids, a u16 designated cost. */
	mb_start(&m, RTM_NEWLINK);
	mb_ifinfo(&m, AF_BRIDGE, 21);
	mb_str(&m, IFLA_IFNAME, "p0");
	mb_u32(&m, IFLA_MASTER, 20);
	mb_nest(&m, IFLA_PROTINFO);
	mb_attr(&m, IFLA_BRPORT_STATE, NULL, 0);
	mb_attr(&m, IFLA_BRPORT_ROOT_ID, "\x80\0", 2);
	mb_bridge_id(&m, IFLA_BRPORT_BRIDGE_ID, 0x8000, 0x0200000000aaULL);
	mb_u16(&m, IFLA_BRPORT_DESIGNATED_COST, 19);
	mb_attr(&m, IFLA_BRPORT_ID, "\x01", 1);
	mb_u8(&m, IFLA_BRPORT_GUARD, 1);
	mb_u8(&m, 250, 1);                           /* unknown */
	mb_end(&m);
	assert_int_equal(mb_parse(&m, &ev), 1);
	assert_int_equal(ev.type, NLBRIDGE_EV_PORT);
	assert_int_equal(ev.port.state, PORT_STATE_UNKNOWN);
	assert_true(ev.port.designated_root == 0);
	assert_true(ev.port.designated_bridge == ID(0x8000, 0x0200000000aaULL));
	assert_int_equal(ev.px.designated_cost, 19);
	assert_int_equal(ev.port.port_id, 0);
	assert_true(ev.px.guard);
	assert_int_equal(ev.bad_attrs, 3);

	/* A state the kernel does not have. */
	mb_start(&m, RTM_NEWLINK);
	mb_ifinfo(&m, AF_BRIDGE, 21);
	mb_u32(&m, IFLA_MASTER, 20);
	mb_nest(&m, IFLA_PROTINFO);
	mb_u8(&m, IFLA_BRPORT_STATE, 9);
	mb_end(&m);
	assert_int_equal(mb_parse(&m, &ev), 1);
	assert_int_equal(ev.port.state, PORT_STATE_UNKNOWN);

	/* 1..3 bytes of trailing garbage after the last attribute. */
	mb_start(&m, RTM_NEWLINK);
	mb_ifinfo(&m, AF_UNSPEC, 4);
	mb_str(&m, IFLA_IFNAME, "t");
	mb_put(&m, "\x01\x02", 2);
	assert_int_equal(mb_parse(&m, &ev), 1);
	assert_string_equal(ev.name, "t");
	assert_int_equal(ev.bad_attrs, 1);

	/* Two IFLA_LINKINFO: the last counts (as with nla_parse()), never one's
	 * kind with the other's bridge data (found by fuzz_netlink.c). */
	for (int bridge_last = 0; bridge_last < 2; bridge_last++) {
		mb_start(&m, RTM_NEWLINK);
		mb_ifinfo(&m, AF_UNSPEC, 5);
		mb_str(&m, IFLA_IFNAME, "x0");
		for (int k = 0; k < 2; k++) {
			mb_nest(&m, IFLA_LINKINFO);
			if ((k == 1) == (bridge_last == 1)) {
				mb_str(&m, IFLA_INFO_KIND, "bridge");
				mb_nest(&m, IFLA_INFO_DATA);
				mb_u32(&m, IFLA_BR_STP_STATE, 1);
				mb_end(&m);
			} else {
				mb_str(&m, IFLA_INFO_KIND, "veth");
			}
			mb_end(&m);
		}
		assert_int_equal(mb_parse(&m, &ev), 1);
		if (bridge_last) {
			assert_int_equal(ev.type, NLBRIDGE_EV_BRIDGE);
			assert_true(ev.have & NLB_HAVE_BRIDGE);
			assert_true(ev.bridge.kernel_stp);
		} else {
			assert_int_equal(ev.type, NLBRIDGE_EV_LINK);
			assert_string_equal(ev.kind, "veth");
			assert_false(ev.have & NLB_HAVE_BRIDGE);
			assert_false(ev.bridge.stp_enabled);
		}
	}
}

static void test_tap_tun_and_old_kernels(void **state)
{
	(void)state;
	struct nlbridge_event ev;
	struct mb m;

	/* kind "tun" with IFLA_TUN_TYPE IFF_TUN: not a tap. */
	mb_start(&m, RTM_NEWLINK);
	mb_ifinfo(&m, AF_UNSPEC, 30);
	mb_str(&m, IFLA_IFNAME, "tun0");
	mb_nest(&m, IFLA_LINKINFO);
	mb_str(&m, IFLA_INFO_KIND, "tun");
	mb_nest(&m, IFLA_INFO_DATA);
	mb_u8(&m, IFLA_TUN_TYPE, IFF_TUN);
	mb_end(&m);
	mb_end(&m);
	assert_int_equal(mb_parse(&m, &ev), 1);
	assert_int_equal(ev.port.kind, PORT_KIND_OTHER);
	/* "tun" without IFLA_INFO_DATA (before 4.15): bridged, so a tap. */
	mb_start(&m, RTM_NEWLINK);
	mb_ifinfo(&m, AF_UNSPEC, 31);
	mb_str(&m, IFLA_IFNAME, "vnet0");
	mb_u32(&m, IFLA_MASTER, 20);
	mb_nest(&m, IFLA_LINKINFO);
	mb_str(&m, IFLA_INFO_KIND, "tun");
	mb_str(&m, IFLA_INFO_SLAVE_KIND, "bridge");
	mb_end(&m);
	assert_int_equal(mb_parse(&m, &ev), 1);
	assert_int_equal(ev.type, NLBRIDGE_EV_PORT);
	assert_int_equal(ev.port.kind, PORT_KIND_TAP);
	assert_false(ev.have & NLB_HAVE_STP);
	/* No IFLA_LINKINFO at all: a physical NIC. */
	mb_start(&m, RTM_NEWLINK);
	mb_ifinfo(&m, AF_UNSPEC, 2);
	mb_str(&m, IFLA_IFNAME, "eno1");
	mb_u32(&m, IFLA_MASTER, 20);
	assert_int_equal(mb_parse(&m, &ev), 1);
	assert_int_equal(ev.type, NLBRIDGE_EV_LINK);    /* the cache decides (master known?) */
	assert_int_equal(ev.port.kind, PORT_KIND_OTHER);
	/* A bond slave is no bridge port. */
	mb_start(&m, RTM_NEWLINK);
	mb_ifinfo(&m, AF_UNSPEC, 3);
	mb_str(&m, IFLA_IFNAME, "eno2");
	mb_u32(&m, IFLA_MASTER, 40);
	mb_nest(&m, IFLA_LINKINFO);
	mb_str(&m, IFLA_INFO_SLAVE_KIND, "bond");
	mb_end(&m);
	assert_int_equal(mb_parse(&m, &ev), 1);
	assert_int_equal(ev.type, NLBRIDGE_EV_LINK);
	/* AF_BRIDGE IFLA_PROTINFO as a bare u8 state (before Linux 3.10). */
	mb_start(&m, RTM_NEWLINK);
	mb_ifinfo(&m, AF_BRIDGE, 2);
	mb_str(&m, IFLA_IFNAME, "eth0");
	mb_u32(&m, IFLA_MASTER, 20);
	mb_u8(&m, IFLA_PROTINFO, BR_STATE_LEARNING);
	assert_int_equal(mb_parse(&m, &ev), 1);
	assert_int_equal(ev.type, NLBRIDGE_EV_PORT);
	assert_int_equal(ev.port.state, PORT_STATE_LEARNING);
	/* The bridge's own AF_BRIDGE message (no IFLA_MASTER): nothing. */
	mb_start(&m, RTM_NEWLINK);
	mb_ifinfo(&m, AF_BRIDGE, 20);
	mb_str(&m, IFLA_IFNAME, "br9");
	assert_int_equal(mb_parse(&m, &ev), 0);

	/* stp_state 2: user space STP (mstpd); roles unknown. */
	struct nlbridge_cache *c = nlbridge_cache_new();
	struct evlist l = { 0 };
	mb_start(&m, RTM_NEWLINK);
	mb_ifinfo(&m, AF_UNSPEC, 20);
	mb_str(&m, IFLA_IFNAME, "br9");
	mb_nest(&m, IFLA_LINKINFO);
	mb_str(&m, IFLA_INFO_KIND, "bridge");
	mb_nest(&m, IFLA_INFO_DATA);
	mb_u32(&m, IFLA_BR_STP_STATE, 2);
	mb_bridge_id(&m, IFLA_BR_BRIDGE_ID, 0x8000, 0x020000000009ULL);
	mb_end(&m);
	mb_end(&m);
	assert_int_equal(mb_parse(&m, &ev), 1);
	assert_true(ev.bridge.stp_enabled);
	assert_false(ev.bridge.kernel_stp);
	nlbridge_cache_feed(c, &ev, collect, &l);
	mb_start(&m, RTM_NEWLINK);
	mb_ifinfo(&m, AF_BRIDGE, 21);
	mb_str(&m, IFLA_IFNAME, "vnet1");
	mb_u32(&m, IFLA_MASTER, 20);
	mb_nest(&m, IFLA_PROTINFO);
	mb_u8(&m, IFLA_BRPORT_STATE, BR_STATE_FORWARDING);
	mb_u16(&m, IFLA_BRPORT_NO, 1);
	mb_end(&m);
	assert_int_equal(mb_parse(&m, &ev), 1);
	nlbridge_cache_feed(c, &ev, collect, &l);
	const struct nlbridge_event *p = find_ev(&l, 0, NLBRIDGE_EV_PORT, "vnet1");
	assert_non_null(p);
	assert_string_equal(p->port.bridge, "br9");
	assert_int_equal(p->px.role, NLBRIDGE_ROLE_UNKNOWN);
	assert_int_equal(nlbridge_cache_next_dirty(c), 20);
	/* The same again: nothing changed, nothing reported. */
	size_t before = l.n;
	nlbridge_cache_feed(c, &ev, collect, &l);
	assert_int_equal(l.n, before);
	/* Renamed: the old name goes, the new one comes. */
	snprintf(ev.name, sizeof(ev.name), "vnet7");
	nlbridge_cache_feed(c, &ev, collect, &l);
	assert_int_equal(l.n, before + 2);
	assert_int_equal(l.ev[before].type, NLBRIDGE_EV_PORT_GONE);
	assert_string_equal(l.ev[before].name, "vnet1");
	assert_int_equal(l.ev[before + 1].type, NLBRIDGE_EV_PORT);
	assert_string_equal(l.ev[before + 1].name, "vnet7");
	/* The bridge deleted without its ports released first: they go too. */
	mb_start(&m, RTM_DELLINK);
	mb_ifinfo(&m, AF_UNSPEC, 20);
	mb_str(&m, IFLA_IFNAME, "br9");
	mb_nest(&m, IFLA_LINKINFO);
	mb_str(&m, IFLA_INFO_KIND, "bridge");
	mb_end(&m);
	assert_int_equal(mb_parse(&m, &ev), 1);
	assert_int_equal(ev.type, NLBRIDGE_EV_BRIDGE_GONE);
	before = l.n;
	nlbridge_cache_feed(c, &ev, collect, &l);
	assert_non_null(find_ev(&l, before, NLBRIDGE_EV_PORT_GONE, "vnet7"));
	assert_non_null(find_ev(&l, before, NLBRIDGE_EV_BRIDGE_GONE, "br9"));
	free(l.ev);
	nlbridge_cache_free(c);
}

/* br20 (kernel STP, bridge id 8000.020000000020) with root port number root_port. */
static void feed_bridge20(struct nlbridge_cache *c, uint16_t root_port, struct evlist *l)
{
	struct nlbridge_event ev;
	struct mb m;
	mb_start(&m, RTM_NEWLINK);
	mb_ifinfo(&m, AF_UNSPEC, 20);
	mb_str(&m, IFLA_IFNAME, "br20");
	mb_nest(&m, IFLA_LINKINFO);
	mb_str(&m, IFLA_INFO_KIND, "bridge");
	mb_nest(&m, IFLA_INFO_DATA);
	mb_u32(&m, IFLA_BR_STP_STATE, 1);
	mb_bridge_id(&m, IFLA_BR_BRIDGE_ID, 0x8000, 0x020000000020ULL);
	mb_u16(&m, IFLA_BR_ROOT_PORT, root_port);
	mb_end(&m);
	mb_end(&m);
	assert_int_equal(mb_parse(&m, &ev), 1);
	nlbridge_cache_feed(c, &ev, collect, l);
}

/* Port number no of br20, designated by br20 itself, in state. */
static void feed_port20(struct nlbridge_cache *c, uint16_t no, uint8_t state, struct evlist *l)
{
	struct nlbridge_event ev;
	struct mb m;
	char name[16];
	snprintf(name, sizeof(name), "vnet%u", no);
	mb_start(&m, RTM_NEWLINK);
	mb_ifinfo(&m, AF_BRIDGE, 100 + no);
	mb_str(&m, IFLA_IFNAME, name);
	mb_u32(&m, IFLA_MASTER, 20);
	mb_nest(&m, IFLA_PROTINFO);
	mb_u8(&m, IFLA_BRPORT_STATE, state);
	mb_u16(&m, IFLA_BRPORT_NO, no);
	mb_u16(&m, IFLA_BRPORT_ID, (uint16_t)(0x8000 | no));
	mb_u16(&m, IFLA_BRPORT_DESIGNATED_PORT, (uint16_t)(0x8000 | no));
	mb_bridge_id(&m, IFLA_BRPORT_BRIDGE_ID, 0x8000, 0x020000000020ULL);
	mb_end(&m);
	assert_int_equal(mb_parse(&m, &ev), 1);
	nlbridge_cache_feed(c, &ev, collect, l);
}

/*
 * The cache re-infers its ports' roles only when what infer_role() reads of
 * the bridge changes (not on every port message: a refresh of a thousand
 * ports would be quadratic).  What it reports must not suffer from that:
 * a port message reports that port, and a bridge message that moves the
 * root port re-infers the roles.
 */
static void test_roles_follow_the_bridge(void **state)
{
	(void)state;
	struct nlbridge_cache *c = nlbridge_cache_new();
	struct evlist l = { 0 };

	feed_bridge20(c, 0, &l);
	for (uint16_t no = 1; no <= 50; no++)
		feed_port20(c, no, BR_STATE_FORWARDING, &l);
	const struct nlbridge_event *p = find_ev(&l, 0, NLBRIDGE_EV_PORT, "vnet7");
	assert_non_null(p);
	assert_int_equal(p->px.role, NLBRIDGE_ROLE_DESIGNATED);
	/* Each port was reported once, when it came. */
	assert_int_equal(count_ev(&l, NLBRIDGE_EV_PORT), 50);

	/* One port changes: one event. */
	size_t before = l.n;
	feed_port20(c, 9, BR_STATE_LEARNING, &l);
	assert_int_equal(l.n - before, 1);
	assert_string_equal(l.ev[before].name, "vnet9");

	/* The bridge again, unchanged: nothing. */
	before = l.n;
	feed_bridge20(c, 0, &l);
	assert_int_equal(l.n, before);

	/* Its root port is now port 3: br20 and vnet3 (root) are reported, no other port. */
	feed_bridge20(c, 3, &l);
	assert_non_null(find_ev(&l, before, NLBRIDGE_EV_BRIDGE, "br20"));
	p = find_ev(&l, before, NLBRIDGE_EV_PORT, "vnet3");
	assert_non_null(p);
	assert_int_equal(p->px.role, NLBRIDGE_ROLE_ROOT);
	assert_null(find_ev(&l, before, NLBRIDGE_EV_PORT, "vnet4"));
	free(l.ev);
	nlbridge_cache_free(c);
}

static void test_fdb_filters(void **state)
{
	(void)state;
	struct nlbridge_event ev;
	struct mb m;
	static const uint8_t mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
	static const uint8_t mcast[6] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x01 };

	mb_start(&m, RTM_NEWNEIGH);
	mb_ndmsg(&m, AF_BRIDGE, 5, NUD_REACHABLE, NTF_MASTER);
	mb_attr(&m, NDA_LLADDR, mac, 6);
	mb_u16(&m, NDA_VLAN, 100);
	mb_u32(&m, NDA_MASTER, 3);
	assert_int_equal(mb_parse(&m, &ev), 1);
	assert_int_equal(ev.type, NLBRIDGE_EV_FDB);
	assert_memory_equal(ev.fdb.mac, mac, 6);
	assert_int_equal(ev.fdb.vlan, 100);
	assert_int_equal(ev.fdb.master, 3);
	assert_int_equal(ev.fdb.ifindex, 5);

	struct { uint16_t state; uint8_t flags; uint8_t family; const uint8_t *mac;
		 size_t maclen; } skip[] = {
		{ NUD_PERMANENT, 0, AF_BRIDGE, mac, 6 },     /* local */
		{ NUD_NOARP, NTF_MASTER, AF_BRIDGE, mac, 6 },/* static */
		{ NUD_REACHABLE, NTF_SELF, AF_BRIDGE, mac, 6 }, /* the device's own */
		{ NUD_REACHABLE, 0, AF_BRIDGE, mcast, 6 },
		{ NUD_REACHABLE, 0, AF_INET, mac, 6 },       /* ARP */
		{ NUD_REACHABLE, 0, AF_BRIDGE, mac, 4 },     /* short address */
		{ NUD_REACHABLE, 0, AF_BRIDGE, mac, 0 },
	};
	for (size_t i = 0; i < sizeof(skip) / sizeof(skip[0]); i++) {
		mb_start(&m, RTM_NEWNEIGH);
		mb_ndmsg(&m, skip[i].family, 5, skip[i].state, skip[i].flags);
		mb_attr(&m, NDA_LLADDR, skip[i].mac, skip[i].maclen);
		assert_int_equal(mb_parse(&m, &ev), 0);
	}
	/* No NDA_LLADDR at all; a VLAN out of range is none. */
	mb_start(&m, RTM_DELNEIGH);
	mb_ndmsg(&m, AF_BRIDGE, 5, NUD_STALE, 0);
	assert_int_equal(mb_parse(&m, &ev), 0);
	mb_attr(&m, NDA_LLADDR, mac, 6);
	mb_u16(&m, NDA_VLAN, 4095);
	assert_int_equal(mb_parse(&m, &ev), 1);
	assert_int_equal(ev.type, NLBRIDGE_EV_FDB_GONE);
	assert_int_equal(ev.fdb.vlan, -1);
	/* An FDB entry of a port the cache does not know is dropped. */
	struct nlbridge_cache *c = nlbridge_cache_new();
	struct evlist l = { 0 };
	nlbridge_cache_feed(c, &ev, collect, &l);
	assert_int_equal(l.n, 0);
	nlbridge_cache_free(c);
}

/* Every recorded message cut at every length: never an over-read. */
static void test_truncation_sweep(void **state)
{
	(void)state;
	const char *files[] = { "dump.bin", "events.bin" };
	unsigned rejected = 0, parsed = 0;
	for (size_t f = 0; f < 2; f++) {
		struct rec r;
		rec_load(&r, files[f]);
		for (size_t i = 0; i < r.n; i++) {
			for (size_t cut = 0; cut <= r.len[i]; cut++) {
				uint8_t *p = malloc(cut ? cut : 1);
				assert_non_null(p);
				memcpy(p, r.msg[i], cut);
				struct nlbridge_event ev;
				/* nlmsg_len as recorded: past the buffer unless whole. */
				int rc = nlbridge_parse((const struct nlmsghdr *)p, cut, &ev);
				if (cut < r.len[i])
					assert_int_equal(rc, -1);
				/* nlmsg_len = the cut: attributes run past the end. */
				if (cut >= 4) {
					uint32_t l32 = (uint32_t)cut;
					memcpy(p, &l32, 4);
					rc = nlbridge_parse((const struct nlmsghdr *)p, cut, &ev);
					rejected += rc < 0;
					parsed += rc > 0;
				}
				free(p);
			}
		}
		rec_free(&r);
	}
	assert_true(rejected > 0);
	assert_true(parsed > 0);
}

static uint64_t xorshift(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* Bit flips and byte smashes in recorded messages, fed through the cache too. */
static void test_bitflips(void **state)
{
	(void)state;
	struct rec r;
	rec_load(&r, "dump.bin");
	struct nlbridge_cache *c = nlbridge_cache_new();
	struct evlist l = { 0 };
	uint64_t seed = 0x5eed5eed12345678ULL;
	for (unsigned round = 0; round < 30000; round++) {
		size_t i = xorshift(&seed) % r.n, len = r.len[i];
		uint8_t *p = malloc(len);
		assert_non_null(p);
		memcpy(p, r.msg[i], len);
		unsigned flips = 1 + (unsigned)(xorshift(&seed) % 8);
		for (unsigned k = 0; k < flips; k++) {
			size_t at = 4 + xorshift(&seed) % (len - 4);  /* keep nlmsg_len */
			if (xorshift(&seed) & 1)
				p[at] ^= (uint8_t)(1u << (xorshift(&seed) % 8));
			else
				p[at] = (uint8_t)xorshift(&seed);
		}
		nlbridge_cache_feed_msg(c, (const struct nlmsghdr *)p, len, collect, &l);
		l.n = 0;
		free(p);
	}
	free(l.ev);
	nlbridge_cache_free(c);
	rec_free(&r);
}

/* ======================================================================= */
/* --live: the driver of tests/ns/nlbridge.sh                               */

static volatile sig_atomic_t g_stop;

static void on_signal(int sig)
{
	(void)sig;
	g_stop = 1;
}

static void fmt_id(char *out, size_t n, uint64_t id)
{
	snprintf(out, n, "%04x.%012llx", (unsigned)(id >> 48),
		 (unsigned long long)(id & 0xffffffffffffULL));
}

static const char *kind_name(enum port_kind k)
{
	return k == PORT_KIND_TAP ? "tap" : k == PORT_KIND_OTHER ? "other" : "unknown";
}

struct live {
	struct engine *engine;
	double now;
};

static void print_event(const struct nlbridge_event *ev, void *arg)
{
	struct live *lv = arg;
	char a[32], b[32], m[18];
	const struct port_info *p = &ev->port;
	const struct bridge_info *br = &ev->bridge;

	switch (ev->type) {
	case NLBRIDGE_EV_BRIDGE:
		fmt_id(a, sizeof(a), br->bridge_id);
		fmt_id(b, sizeof(b), br->root_id);
		printf("bridge %s ifindex=%d id=%s root=%s root_port=%s cost=%u stp=%u "
		       "hello=%u max_age=%u fwd_delay=%u tc=%d tcs=%u mtu=%d\n",
		       br->name, ev->ifindex, a, b, br->root_port[0] ? br->root_port : "-",
		       br->root_path_cost, ev->bx.stp_state, br->hello_time, br->max_age,
		       br->forward_delay, ev->bx.topology_change, br->topology_changes, br->mtu);
		break;
	case NLBRIDGE_EV_BRIDGE_GONE:
		printf("bridge-gone %s\n", br->name);
		break;
	case NLBRIDGE_EV_PORT:
		fmt_id(a, sizeof(a), p->designated_bridge);
		printf("port %s bridge=%s ifindex=%d kind=%s state=%s role=%s id=%04x no=%u "
		       "cost=%u dbridge=%s dport=%04x mtu=%d guard=%d root_block=%d\n",
		       p->name, p->bridge, p->ifindex, kind_name(p->kind),
		       nlbridge_state_name(p->state), nlbridge_role_name(ev->px.role),
		       p->port_id, ev->px.port_no, p->path_cost, a, p->designated_port, p->mtu,
		       ev->px.guard, ev->px.root_block);
		break;
	case NLBRIDGE_EV_PORT_GONE:
		printf("port-gone %s bridge=%s\n", p->name, p->bridge);
		break;
	case NLBRIDGE_EV_FDB:
	case NLBRIDGE_EV_FDB_GONE:
		snprintf(m, sizeof(m), "%02x:%02x:%02x:%02x:%02x:%02x", ev->fdb.mac[0],
			 ev->fdb.mac[1], ev->fdb.mac[2], ev->fdb.mac[3], ev->fdb.mac[4],
			 ev->fdb.mac[5]);
		printf("%s %s vlan=%d port=%s bridge=%s%s%s\n", nlbridge_event_name(ev->type), m,
		       ev->fdb.vlan, ev->fdb.port, ev->fdb.bridge,
		       ev->fdb.moved ? " moved-from=" : "", ev->fdb.moved ? ev->fdb.from : "");
		break;
	case NLBRIDGE_EV_RESYNC:
		printf("resync %s\n", ev->reason ? ev->reason : "");
		break;
	default:
		break;
	}
	nlbridge_apply(lv->engine, ev, lv->now);
}

static double mono(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int live_main(int argc, char **argv)
{
	double seconds = 30, stall = 0, refresh = 1;
	int rcvbuf = 0;
	for (int i = 2; i < argc; i++) {
		if (i + 1 < argc && strcmp(argv[i], "--seconds") == 0)
			seconds = atof(argv[++i]);
		else if (i + 1 < argc && strcmp(argv[i], "--stall") == 0)
			stall = atof(argv[++i]);
		else if (i + 1 < argc && strcmp(argv[i], "--refresh") == 0)
			refresh = atof(argv[++i]);
		else if (i + 1 < argc && strcmp(argv[i], "--rcvbuf") == 0)
			rcvbuf = atoi(argv[++i]);
		else {
			fprintf(stderr, "usage: %s --live [--seconds N] [--rcvbuf BYTES] "
				"[--stall S] [--refresh S]\n", argv[0]);
			return 2;
		}
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);

	char err[256];
	struct nlbridge *nl = nlbridge_open(err, sizeof(err));
	if (!nl) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	if (rcvbuf && nlbridge_set_rcvbuf(nl, rcvbuf) < 0) {
		fprintf(stderr, "%s\n", nlbridge_error(nl));
		nlbridge_close(nl);
		return 1;
	}
	struct engine_config cfg;
	engine_config_defaults(&cfg);
	struct live lv = { engine_new(&cfg), 0 };
	double t0 = mono();
	int rc = 0;
	if (nlbridge_dump(nl, print_event, &lv) < 0) {
		fprintf(stderr, "%s\n", nlbridge_error(nl));
		rc = 1;
		goto out;
	}
	printf("ready\n");
	if (stall > 0)
		usleep((useconds_t)(stall * 1e6));   /* let notifications pile up */

	double next_refresh = mono() + refresh, end = mono() + seconds;
	while (!g_stop && mono() < end) {
		struct pollfd pfd = { .fd = nlbridge_fd(nl), .events = POLLIN };
		int n = poll(&pfd, 1, 100);
		lv.now = mono() - t0;
		if (n < 0 && errno != EINTR) {
			perror("poll");
			rc = 1;
			break;
		}
		if (n > 0 && nlbridge_receive(nl, print_event, &lv) < 0) {
			fprintf(stderr, "%s\n", nlbridge_error(nl));
			rc = 1;
			break;
		}
		if (refresh > 0 && mono() >= next_refresh) {
			if (nlbridge_refresh(nl, print_event, &lv) < 0)
				fprintf(stderr, "%s\n", nlbridge_error(nl));
			next_refresh = mono() + refresh;
		}
	}
	printf("engine ports=%u bridges=%u\n", engine_port_count(lv.engine),
	       engine_bridge_count(lv.engine));
out:
	engine_free(lv.engine);
	nlbridge_close(nl);
	return rc;
}

/* Finds tests/data/netlink from the repository root or next to the binary. */
static void find_datadir(const char *argv0)
{
	if (access("tests/data/netlink/dump.bin", R_OK) == 0)
		return;
	const char *slash = strrchr(argv0, '/');
	if (!slash)
		return;
	/* build/tests/test_nlbridge -> build/tests/../../tests/data/netlink */
	snprintf(g_datadir, sizeof(g_datadir), "%.*s/../../tests/data/netlink",
		 (int)(slash - argv0), argv0);
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "--live") == 0)
		return live_main(argc, argv);
	find_datadir(argv[0]);

	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dump_bridges),
		cmocka_unit_test(test_dump_ports),
		cmocka_unit_test(test_dump_fdb),
		cmocka_unit_test(test_af_bridge_matches_af_unspec),
		cmocka_unit_test(test_parse_raw),
		cmocka_unit_test(test_events_replay),
		cmocka_unit_test(test_resync_reports_gone),
		cmocka_unit_test(test_units_and_ids),
		cmocka_unit_test(test_apply_engine),
		cmocka_unit_test(test_malformed_headers),
		cmocka_unit_test(test_malformed_attributes),
		cmocka_unit_test(test_tap_tun_and_old_kernels),
		cmocka_unit_test(test_roles_follow_the_bridge),
		cmocka_unit_test(test_fdb_filters),
		cmocka_unit_test(test_truncation_sweep),
		cmocka_unit_test(test_bitflips),
	};
	return cmocka_run_group_tests_name("nlbridge", tests, NULL, NULL);
}
