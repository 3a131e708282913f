/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_engine.c - the diagnosis engine driven by synthetic event sequences.
 *
 * Frames, BPDUs and packets are built here field by field (no decoder in
 * the way): a BPDU from bridge X port P with root R, cost C, flags F and
 * timers; a data frame from MAC M; a direction; a port name; a time.  The
 * payload bytes are a faithful encoding of the BPDU, so the echo
 * fingerprint sees exactly what a real capture would give it.
 *
 * Every finding kind is checked at the boundary of its threshold and its
 * window: one below gives nothing (or a lower severity), exactly at gives
 * the finding.
 *
 * Tests named test_* document an engine bug: they fail until the engine
 * is fixed (see the comment above each).
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "stpwatch/bpdu.h"
#include "stpwatch/engine.h"
#include "stpwatch/finding.h"
#include "stpwatch/frame.h"
#include "stpwatch/names.h"
#include "stpwatch/packet.h"

/* ---- identities -------------------------------------------------------- */

#define BR0   0x8000525400000a00ULL   /* local bridge br0 */
#define BR1   0x8000525400000b00ULL   /* local bridge br1 */
#define SW    0x1000001122334455ULL   /* an outside switch (the root) */
#define SW2   0x2000001122334466ULL   /* a second outside switch */
#define GUEST 0x8000525400abcdefULL   /* a bridge inside a VM */

#define S256(x) ((uint16_t)lround((x) * 256.0))

/* ---- the engine under test (freed by the teardown, even on failure) ----- */

static struct engine *E;

static int teardown(void **state)
{
	(void)state;
	engine_free(E);
	E = NULL;
	return 0;
}

static void start_cfg(const struct engine_config *cfg)
{
	engine_free(E);
	E = engine_new(cfg);
	assert_non_null(E);
}

static void start(void)
{
	struct engine_config c;
	engine_config_defaults(&c);
	start_cfg(&c);
}

/* ---- event builders ------------------------------------------------------ */

static void set_time(struct packet *p, double t)
{
	double s = floor(t);
	long long ns = llround((t - s) * 1e9);
	if (ns >= 1000000000LL) {
		s += 1.0;
		ns -= 1000000000LL;
	}
	p->ts_sec = (int64_t)s;
	p->ts_nsec = (uint32_t)ns;
}

struct bspec {
	enum bpdu_type type;
	enum bpdu_protocol proto;
	uint64_t bridge, root;
	uint16_t port;
	uint32_t cost;
	uint8_t flags;
	uint16_t max_age, hello, fdelay;   /* 1/256 s */
};

/* A configuration BPDU of `bridge` port `port`, root itself, default timers. */
static struct bspec cfgb(uint64_t bridge, uint16_t port)
{
	struct bspec s;
	memset(&s, 0, sizeof(s));
	s.type = BPDU_TYPE_CONFIG;
	s.proto = BPDU_PROTO_STP;
	s.bridge = bridge;
	s.root = bridge;
	s.port = port;
	s.max_age = S256(20);
	s.hello = S256(2);
	s.fdelay = S256(15);
	return s;
}

static struct bspec rstb(uint64_t bridge, uint16_t port)
{
	struct bspec s = cfgb(bridge, port);
	s.type = BPDU_TYPE_RST;
	s.proto = BPDU_PROTO_RSTP;
	s.flags = 0x3c;   /* designated, learning, forwarding */
	return s;
}

static struct bspec tcnb(uint64_t bridge)
{
	struct bspec s = cfgb(bridge, 0);
	s.type = BPDU_TYPE_TCN;
	return s;
}

static void be(uint8_t *p, size_t *n, uint64_t v, unsigned bytes)
{
	for (unsigned i = 0; i < bytes; i++)
		p[(*n)++] = (uint8_t)(v >> (8 * (bytes - 1 - i)));
}

static void mac_of_bridge(uint8_t mac[6], uint64_t id, uint16_t port)
{
	for (int i = 0; i < 6; i++)
		mac[i] = (uint8_t)(id >> (8 * (5 - i)));
	mac[5] = (uint8_t)(mac[5] + (port & 0xff));
}

/* One BPDU seen on `ifname` going `dir` at time t. */
static void feed_bpdu_at(struct engine *e, const char *ifname, enum frame_direction dir,
			 double t, const struct bspec *s)
{
	uint8_t pl[64];
	size_t n = 0;
	struct frame f;
	struct bpdu b;
	struct packet p;

	memset(&f, 0, sizeof(f));
	memset(&b, 0, sizeof(b));
	memset(&p, 0, sizeof(p));

	b.status = BPDU_OK;
	b.protocol = s->proto;
	b.type = s->type;
	b.version = s->proto == BPDU_PROTO_RSTP ? 2 : s->proto == BPDU_PROTO_MSTP ? 3 : 0;
	if (s->type == BPDU_TYPE_TCN) {
		b.type_code = 0x80;
		b.have = BPDU_HAVE_VERSION | BPDU_HAVE_TYPE;
		be(pl, &n, 0, 2);
		be(pl, &n, b.version, 1);
		be(pl, &n, 0x80, 1);
	} else {
		b.type_code = s->type == BPDU_TYPE_RST ? 0x02 : 0x00;
		b.have = BPDU_HAVE_VERSION | BPDU_HAVE_TYPE | BPDU_HAVE_FLAGS |
			 BPDU_HAVE_PRIORITY | BPDU_HAVE_TIMERS;
		b.flags = s->flags;
		b.root_id = s->root;
		b.root_path_cost = s->cost;
		b.bridge_id = s->bridge;
		b.port_id = s->port;
		b.message_age = s->root == s->bridge ? 0 : 256;
		b.max_age = s->max_age;
		b.hello_time = s->hello;
		b.forward_delay = s->fdelay;
		be(pl, &n, 0, 2);
		be(pl, &n, b.version, 1);
		be(pl, &n, b.type_code, 1);
		be(pl, &n, b.flags, 1);
		be(pl, &n, b.root_id, 8);
		be(pl, &n, b.root_path_cost, 4);
		be(pl, &n, b.bridge_id, 8);
		be(pl, &n, b.port_id, 2);
		be(pl, &n, b.message_age, 2);
		be(pl, &n, b.max_age, 2);
		be(pl, &n, b.hello_time, 2);
		be(pl, &n, b.forward_delay, 2);
		if (s->type == BPDU_TYPE_RST)
			be(pl, &n, 0, 1);   /* version 1 length */
	}
	b.length = (uint32_t)n;

	f.status = FRAME_OK;
	f.payload_kind = PAYLOAD_STP;
	f.direction = dir;
	f.have_dst = true;
	static const uint8_t group[6] = { 0x01, 0x80, 0xc2, 0x00, 0x00, 0x00 };
	memcpy(f.dst, group, 6);
	mac_of_bridge(f.src, s->bridge, s->port);
	f.ifindex = -1;
	f.vlan = -1;
	f.is_8023 = true;
	f.length_field = (uint16_t)(n + 3);
	f.llc_dsap = 0x42;
	f.llc_ssap = 0x42;
	f.llc_control = 0x03;
	f.payload = cursor_make(pl, n);
	f.payload_declared = (uint32_t)n;

	set_time(&p, t);
	p.number = 1;
	p.ifname = ifname;
	p.ifindex = -1;
	p.direction = dir;
	p.caplen = p.wirelen = (uint32_t)(n + 17);
	p.frame = &f;
	engine_frame(e, &p, &b);
}

static void feed_bpdu(const char *ifname, enum frame_direction dir, double t, const struct bspec *s)
{
	feed_bpdu_at(E, ifname, dir, t, s);
}

static void mac_of(uint8_t mac[6], uint32_t n)
{
	mac[0] = 0x02;
	mac[1] = 0x00;
	mac[2] = (uint8_t)(n >> 24);
	mac[3] = (uint8_t)(n >> 16);
	mac[4] = (uint8_t)(n >> 8);
	mac[5] = (uint8_t)n;
}

/* An IPv4-looking broadcast frame from `mac`; `seq` makes it unique. */
static void feed_data_at(struct engine *e, const char *ifname, enum frame_direction dir,
			 double t, const uint8_t mac[6], uint32_t seq)
{
	uint8_t pl[46];
	struct frame f;
	struct packet p;

	for (size_t i = 0; i < sizeof(pl); i++)
		pl[i] = (uint8_t)(0x45 + i);
	pl[4] = (uint8_t)(seq >> 24);
	pl[5] = (uint8_t)(seq >> 16);
	pl[6] = (uint8_t)(seq >> 8);
	pl[7] = (uint8_t)seq;

	memset(&f, 0, sizeof(f));
	memset(&p, 0, sizeof(p));
	f.status = FRAME_OK;
	f.payload_kind = PAYLOAD_OTHER;
	f.direction = dir;
	f.have_dst = true;
	memset(f.dst, 0xff, 6);
	memcpy(f.src, mac, 6);
	f.ifindex = -1;
	f.vlan = -1;
	f.ethertype = 0x0800;
	f.payload = cursor_make(pl, sizeof(pl));
	f.payload_declared = sizeof(pl);

	set_time(&p, t);
	p.number = 1;
	p.ifname = ifname;
	p.ifindex = -1;
	p.direction = dir;
	p.caplen = p.wirelen = 60;
	p.frame = &f;
	engine_frame(e, &p, NULL);
}

static void feed_data(const char *ifname, enum frame_direction dir, double t,
		      const uint8_t mac[6], uint32_t seq)
{
	feed_data_at(E, ifname, dir, t, mac, seq);
}

#define IN  FRAME_DIR_IN
#define OUT FRAME_DIR_OUT
#define UNK FRAME_DIR_UNKNOWN

/* The bridge sends a BPDU on `from` and the hub hands it back in on `to`. */
static void bpdu_echo(const char *from, const char *to, double t, const struct bspec *s)
{
	feed_bpdu(from, OUT, t, s);
	feed_bpdu(to, IN, t + 0.0005, s);
}

static void port_full(const char *name, const char *bridge, enum port_kind kind,
		      enum port_state state, int mtu, double t)
{
	struct port_info pi;
	memset(&pi, 0, sizeof(pi));
	snprintf(pi.name, sizeof(pi.name), "%s", name);
	snprintf(pi.bridge, sizeof(pi.bridge), "%s", bridge);
	pi.kind = kind;
	pi.ifindex = -1;
	pi.mtu = mtu;
	pi.state = state;
	engine_port(E, &pi, t);
}

static void port_on(const char *name, const char *bridge)
{
	port_full(name, bridge, PORT_KIND_UNKNOWN, PORT_STATE_FORWARDING, 0, 0);
}

static void bridge_full(const char *name, uint64_t id, const char *root_port, bool kernel_stp,
			double t)
{
	struct bridge_info bi;
	memset(&bi, 0, sizeof(bi));
	snprintf(bi.name, sizeof(bi.name), "%s", name);
	snprintf(bi.root_port, sizeof(bi.root_port), "%s", root_port ? root_port : "");
	bi.bridge_id = id;
	bi.root_id = id;
	bi.stp_enabled = true;
	bi.kernel_stp = kernel_stp;
	bi.hello_time = S256(2);
	bi.max_age = S256(20);
	bi.forward_delay = S256(15);
	bi.mtu = 1500;
	engine_bridge(E, &bi, t);
}

static void vm2(int pid, const char *name, const char *tap_a, int hub_a, const char *tap_b,
		int hub_b, double t)
{
	struct vm_info vm;
	memset(&vm, 0, sizeof(vm));
	vm.pid = pid;
	snprintf(vm.name, sizeof(vm.name), "%s", name);
	vm.n_nics = 2;
	snprintf(vm.nics[0].tap, sizeof(vm.nics[0].tap), "%s", tap_a);
	vm.nics[0].hub = hub_a;
	snprintf(vm.nics[1].tap, sizeof(vm.nics[1].tap), "%s", tap_b);
	vm.nics[1].hub = hub_b;
	engine_vm(E, &vm, t);
}

/* ---- finding queries --------------------------------------------------- */

static const struct finding_list *F(void)
{
	return engine_findings(E);
}

static unsigned nkind(enum finding_kind k)
{
	const struct finding_list *l = F();
	unsigned n = 0;
	for (unsigned i = 0; i < l->n; i++)
		n += l->items[i].kind == k;
	return n;
}

static const struct finding *kind_at(enum finding_kind k, unsigned idx)
{
	const struct finding_list *l = F();
	for (unsigned i = 0; i < l->n; i++)
		if (l->items[i].kind == k && idx-- == 0)
			return &l->items[i];
	fail_msg("no finding %s #%u", finding_kind_name(k), idx);
	return NULL;
}

static const struct finding *one(enum finding_kind k)
{
	unsigned n = nkind(k);
	if (n != 1)
		fail_msg("expected one %s finding, have %u", finding_kind_name(k), n);
	return kind_at(k, 0);
}

static const struct finding *by_port(enum finding_kind k, const char *port)
{
	const struct finding_list *l = F();
	for (unsigned i = 0; i < l->n; i++)
		if (l->items[i].kind == k && finding_has_port(&l->items[i], port))
			return &l->items[i];
	fail_msg("no %s finding with port %s", finding_kind_name(k), port);
	return NULL;
}

static void expect_ports(const struct finding *f, const char *const *names, unsigned n)
{
	if (f->n_ports != n)
		fail_msg("finding %s '%s' has %u ports, expected %u", finding_kind_name(f->kind),
			 f->subject, f->n_ports, n);
	for (unsigned i = 0; i < n; i++)
		if (!finding_has_port(f, names[i]))
			fail_msg("finding %s '%s' lacks port %s", finding_kind_name(f->kind),
				 f->subject, names[i]);
}

static void expect_bridges(const struct finding *f, const char *const *names, unsigned n)
{
	if (f->n_bridges != n)
		fail_msg("finding %s '%s' has %u bridges, expected %u", finding_kind_name(f->kind),
			 f->subject, f->n_bridges, n);
	for (unsigned i = 0; i < n; i++) {
		bool found = false;
		for (unsigned k = 0; k < f->n_bridges; k++)
			found |= strcmp(f->bridges[k], names[i]) == 0;
		if (!found)
			fail_msg("finding %s '%s' lacks bridge %s", finding_kind_name(f->kind),
				 f->subject, names[i]);
	}
}

#define NAMES(...) (const char *const[]){ __VA_ARGS__ }, \
	(unsigned)(sizeof((const char *const[]){ __VA_ARGS__ }) / sizeof(const char *))
#define EXPECT_PORTS(f, ...) expect_ports((f), NAMES(__VA_ARGS__))
#define EXPECT_BRIDGES(f, ...) expect_bridges((f), NAMES(__VA_ARGS__))

static void expect_none(void)
{
	const struct finding_list *l = F();
	if (l->n)
		fail_msg("expected no findings, first is %s %s '%s'", severity_name(l->items[0].severity),
			 finding_kind_name(l->items[0].kind), l->items[0].subject);
}

static void expect_text(const char *hay, const char *needle)
{
	if (!strstr(hay, needle))
		fail_msg("'%s' does not contain '%s'", hay, needle);
}

static struct engine_stats stats(void)
{
	struct engine_stats st;
	engine_get_stats(E, &st);
	return st;
}

/* ======================================================================== */
/* shared-hub                                                               */
/* ======================================================================== */

static void test_shared_hub_bpdu_echoed_twice_is_critical(void **state)
{
	(void)state;
	start();
	struct bspec s = cfgb(BR0, 0x8001);
	bpdu_echo("tap10", "tap11", 1000.0, &s);
	bpdu_echo("tap10", "tap11", 1002.0, &s);

	const struct finding *f = one(FINDING_SHARED_HUB);
	assert_int_equal(f->severity, SEVERITY_CRITICAL);
	EXPECT_PORTS(f, "tap10", "tap11");
	assert_int_equal(f->count, 2);
	assert_int_equal(f->vm_pid, 0);
	assert_true(f->first_seen >= 1000.0 && f->first_seen < 1000.001);
	assert_true(f->last_seen >= 1002.0 && f->last_seen < 1002.001);
	expect_text(f->evidence, "sent on tap10 came back on tap11");
	expect_text(f->evidence, "8000.525400000a00");
	assert_int_equal(stats().echoes, 2);
	assert_int_equal(stats().bpdus, 4);
	assert_int_equal(stats().frames, 4);
	/* Ports on no known bridge: no port-loop, no bridge-merge. */
	assert_int_equal(F()->n, 1);
}

/* A new process on the taps (the VM restarted, e.g. repaired): the old hub's evidence goes. */
static void test_shared_hub_evidence_dies_with_the_process(void **state)
{
	(void)state;
	start();
	vm2(4242, "web1", "tap10", 0, "tap11", 0, 999.0);
	struct bspec s = cfgb(BR0, 0x8001);
	bpdu_echo("tap10", "tap11", 1000.0, &s);
	bpdu_echo("tap10", "tap11", 1002.0, &s);
	assert_int_equal(one(FINDING_SHARED_HUB)->severity, SEVERITY_CRITICAL);
	/* The same VM seen again keeps its evidence ... */
	vm2(4242, "web1", "tap10", 0, "tap11", 0, 1003.0);
	assert_int_equal(one(FINDING_SHARED_HUB)->severity, SEVERITY_CRITICAL);
	/* ... a new process with one backend per NIC has none. */
	engine_vm_gone(E, 4242, 1004.0);
	vm2(4343, "web1", "tap10", -1, "tap11", -1, 1005.0);
	assert_int_equal(nkind(FINDING_SHARED_HUB), 0);
}

static void test_shared_hub_single_echo_is_nothing(void **state)
{
	(void)state;
	start();
	struct bspec s = cfgb(BR0, 0x8001);
	bpdu_echo("tap10", "tap11", 1000.0, &s);
	assert_int_equal(stats().echoes, 1);
	expect_none();
}

static void test_shared_hub_copy_after_window_is_nothing(void **state)
{
	(void)state;
	start();
	struct bspec s = cfgb(BR0, 0x8001);
	for (int i = 0; i < 5; i++) {
		feed_bpdu("tap10", OUT, 1000.0 + 2 * i, &s);
		feed_bpdu("tap11", IN, 1000.0 + 2 * i + 0.2, &s);
	}
	assert_int_equal(stats().echoes, 0);
	assert_int_equal(nkind(FINDING_SHARED_HUB), 0);
}

/* t - first <= echo_window: a copy exactly echo_window later is an echo. */
static void test_shared_hub_copy_exactly_at_window_is_echo(void **state)
{
	(void)state;
	start();
	struct bspec s = cfgb(BR0, 0x8001);
	feed_bpdu("tap10", OUT, 0.0, &s);
	feed_bpdu("tap11", IN, 0.1, &s);      /* 0 s + 100000000 ns: exactly the window */
	assert_int_equal(stats().echoes, 1);
	bpdu_echo("tap10", "tap11", 2.0, &s);
	const struct finding *f = one(FINDING_SHARED_HUB);
	assert_int_equal(f->severity, SEVERITY_CRITICAL);
	assert_int_equal(f->count, 2);
}

static void test_shared_hub_copy_one_ns_past_window_is_nothing(void **state)
{
	(void)state;
	start();
	struct bspec s = cfgb(BR0, 0x8001);
	feed_bpdu("tap10", OUT, 0.0, &s);
	feed_bpdu("tap11", IN, 0.100000001, &s);
	feed_bpdu("tap10", OUT, 2.0, &s);
	feed_bpdu("tap11", IN, 2.100000001, &s);
	assert_int_equal(stats().echoes, 0);
	assert_int_equal(nkind(FINDING_SHARED_HUB), 0);
}

static void test_shared_hub_not_on_non_tap_ports(void **state)
{
	(void)state;
	start();
	struct bspec s = cfgb(BR0, 0x8001);
	for (int i = 0; i < 4; i++)
		bpdu_echo("eth0", "eth1", 1000.0 + 2 * i, &s);
	assert_int_equal(stats().echoes, 4);
	assert_int_equal(nkind(FINDING_SHARED_HUB), 0);
	expect_none();   /* eth0/eth1 belong to no known bridge */
}

static void test_shared_hub_three_taps_one_finding(void **state)
{
	(void)state;
	start();
	struct bspec s = cfgb(BR0, 0x8001);
	for (int i = 0; i < 2; i++) {
		double t = 1000.0 + 2 * i;
		feed_bpdu("tap10", OUT, t, &s);
		feed_bpdu("tap11", IN, t + 0.0003, &s);
		feed_bpdu("tap12", IN, t + 0.0004, &s);
	}
	const struct finding *f = one(FINDING_SHARED_HUB);
	assert_int_equal(f->severity, SEVERITY_CRITICAL);
	EXPECT_PORTS(f, "tap10", "tap11", "tap12");
	assert_int_equal(f->count, 4);
	expect_text(f->explanation, "are all joined");
}

static void test_shared_hub_two_vms_two_findings(void **state)
{
	(void)state;
	start();
	vm2(100, "web1", "tap10", 0, "tap11", 0, 999.0);
	vm2(200, "db1", "tap20", 0, "tap21", 0, 999.0);
	struct bspec a = cfgb(BR0, 0x8001), b = cfgb(BR0, 0x8005);
	for (int i = 0; i < 2; i++) {
		bpdu_echo("tap10", "tap11", 1000.0 + 2 * i, &a);
		bpdu_echo("tap20", "tap21", 1000.5 + 2 * i, &b);
	}
	assert_int_equal(nkind(FINDING_SHARED_HUB), 2);
	const struct finding *f = by_port(FINDING_SHARED_HUB, "tap10");
	assert_int_equal(f->severity, SEVERITY_CRITICAL);
	EXPECT_PORTS(f, "tap10", "tap11");
	assert_int_equal(f->vm_pid, 100);
	assert_string_equal(f->vm_name, "web1");
	f = by_port(FINDING_SHARED_HUB, "tap20");
	assert_int_equal(f->severity, SEVERITY_CRITICAL);
	EXPECT_PORTS(f, "tap20", "tap21");
	assert_int_equal(f->vm_pid, 200);
	assert_string_equal(f->vm_name, "db1");
	/* No latent (warning) duplicates for VMs whose hub is proven. */
	assert_int_equal(F()->n, 2);
}

static void test_shared_hub_data_out_then_in_is_echo(void **state)
{
	(void)state;
	start();
	uint8_t m[6];
	mac_of(m, 0x10);
	for (uint32_t i = 0; i < 2; i++) {
		feed_data("tap10", OUT, 1000.0 + i, m, i);
		feed_data("tap11", IN, 1000.0 + i + 0.0002, m, i);
	}
	assert_int_equal(stats().echoes, 2);
	const struct finding *f = one(FINDING_SHARED_HUB);
	assert_int_equal(f->severity, SEVERITY_CRITICAL);
	EXPECT_PORTS(f, "tap10", "tap11");
	assert_int_equal(f->count, 2);
	expect_text(f->evidence, "02:00:00:00:00:10");
	expect_text(f->evidence, "left and came back");
}

static void test_shared_hub_data_in_on_two_taps_is_duplicate(void **state)
{
	(void)state;
	start();
	uint8_t m[6];
	mac_of(m, 0x11);
	for (uint32_t i = 0; i < 2; i++) {
		feed_data("tap10", IN, 1000.0 + i, m, i);
		feed_data("tap11", IN, 1000.0 + i + 0.0001, m, i);
	}
	assert_int_equal(stats().echoes, 2);
	const struct finding *f = one(FINDING_SHARED_HUB);
	assert_int_equal(f->severity, SEVERITY_CRITICAL);
	EXPECT_PORTS(f, "tap10", "tap11");
	expect_text(f->evidence, "arrived on both");
}

/* The bridge flooding a frame that came in on the uplink is no echo. */
static void test_shared_hub_flooding_is_nothing(void **state)
{
	(void)state;
	start();
	uint8_t m[6];
	mac_of(m, 0x12);
	for (uint32_t i = 0; i < 5; i++) {
		double t = 1000.0 + i;
		feed_data("eth0", IN, t, m, i);
		feed_data("tap10", OUT, t + 0.00001, m, i);
		feed_data("tap11", OUT, t + 0.00002, m, i);
	}
	assert_int_equal(stats().echoes, 0);
	expect_none();
}

static void test_shared_hub_data_without_direction_never_echoes(void **state)
{
	(void)state;
	start();
	uint8_t m[6];
	mac_of(m, 0x13);
	for (uint32_t i = 0; i < 10; i++) {
		feed_data("tap10", UNK, 1000.0 + i, m, i);
		feed_data("tap11", UNK, 1000.0 + i + 0.0001, m, i);
	}
	assert_int_equal(stats().echoes, 0);
	expect_none();
}

/* A BPDU has no direction to go by: bridges do not forward them, so a second copy is an echo. */
static void test_shared_hub_bpdu_without_direction_is_echo(void **state)
{
	(void)state;
	start();
	struct bspec s = cfgb(BR0, 0x8001);
	for (int i = 0; i < 2; i++) {
		feed_bpdu("tap10", UNK, 1000.0 + 2 * i, &s);
		feed_bpdu("tap11", UNK, 1000.0 + 2 * i + 0.0005, &s);
	}
	const struct finding *f = one(FINDING_SHARED_HUB);
	assert_int_equal(f->severity, SEVERITY_CRITICAL);
	EXPECT_PORTS(f, "tap10", "tap11");
}

static void test_shared_hub_vm_command_line_latent_warning(void **state)
{
	(void)state;
	start();
	vm2(4242, "web1", "tap10", 0, "tap11", 0, 1000.0);
	const struct finding *f = one(FINDING_SHARED_HUB);
	assert_int_equal(f->severity, SEVERITY_WARNING);
	EXPECT_PORTS(f, "tap10", "tap11");
	assert_int_equal(f->vm_pid, 4242);
	assert_string_equal(f->vm_name, "web1");
	expect_text(f->evidence, "VM web1 (pid 4242)");
	expect_text(f->evidence, "no frame has crossed it yet");
	assert_int_equal(F()->n, 1);
	/* The VM's taps are taps, whatever their names. */
	assert_int_equal(engine_port_count(E), 2);
	assert_int_equal(engine_port_at(E, 0)->kind, PORT_KIND_TAP);
}

static void test_shared_hub_vm_with_echoes_is_critical_and_named(void **state)
{
	(void)state;
	start();
	vm2(4242, "web1", "tap10", 0, "tap11", 0, 999.0);
	struct bspec s = cfgb(BR0, 0x8001);
	bpdu_echo("tap10", "tap11", 1000.0, &s);
	/* One echo: below echo_min, still the latent warning. */
	assert_int_equal(one(FINDING_SHARED_HUB)->severity, SEVERITY_WARNING);
	bpdu_echo("tap10", "tap11", 1002.0, &s);
	const struct finding *f = one(FINDING_SHARED_HUB);
	assert_int_equal(f->severity, SEVERITY_CRITICAL);
	assert_int_equal(f->vm_pid, 4242);
	assert_string_equal(f->vm_name, "web1");
	EXPECT_PORTS(f, "tap10", "tap11");
	expect_text(f->explanation, "VM web1 (pid 4242)");
}

/* The VM's command line adds the hub's taps that have not echoed yet. */
static void test_shared_hub_vm_adds_silent_taps(void **state)
{
	(void)state;
	start();
	struct vm_info vm;
	memset(&vm, 0, sizeof(vm));
	vm.pid = 77;
	snprintf(vm.name, sizeof(vm.name), "three");
	vm.n_nics = 3;
	snprintf(vm.nics[0].tap, sizeof(vm.nics[0].tap), "vnet0");
	snprintf(vm.nics[1].tap, sizeof(vm.nics[1].tap), "vnet1");
	snprintf(vm.nics[2].tap, sizeof(vm.nics[2].tap), "vnet2");
	engine_vm(E, &vm, 999.0);
	struct bspec s = cfgb(BR0, 0x8001);
	bpdu_echo("vnet0", "vnet1", 1000.0, &s);
	bpdu_echo("vnet0", "vnet1", 1002.0, &s);
	const struct finding *f = one(FINDING_SHARED_HUB);
	EXPECT_PORTS(f, "vnet0", "vnet1", "vnet2");
	assert_int_equal(f->vm_pid, 77);
}

static void test_shared_hub_vm_own_backends_is_nothing(void **state)
{
	(void)state;
	start();
	vm2(1, "a", "tap10", -1, "tap11", -1, 1000.0);
	vm2(2, "b", "tap20", 0, "tap21", 1, 1000.0);
	expect_none();
}

static void test_shared_hub_vm_gone_is_nothing(void **state)
{
	(void)state;
	start();
	vm2(4242, "web1", "tap10", 0, "tap11", 0, 1000.0);
	assert_int_equal(nkind(FINDING_SHARED_HUB), 1);
	engine_vm_gone(E, 4242, 1001.0);
	expect_none();
}

/* ======================================================================== */
/* port-loop                                                                */
/* ======================================================================== */

static void test_port_loop_taps_of_one_bridge_critical(void **state)
{
	(void)state;
	start();
	port_on("tap10", "br0");
	port_on("tap11", "br0");
	struct bspec s = cfgb(BR0, 0x8001);
	bpdu_echo("tap10", "tap11", 1000.0, &s);
	assert_int_equal(nkind(FINDING_PORT_LOOP), 0);   /* one echo: below echo_min */
	bpdu_echo("tap10", "tap11", 1002.0, &s);
	const struct finding *f = one(FINDING_PORT_LOOP);
	assert_int_equal(f->severity, SEVERITY_CRITICAL);
	EXPECT_BRIDGES(f, "br0");
	EXPECT_PORTS(f, "tap10", "tap11");
	assert_int_equal(f->count, 2);
	assert_string_equal(f->subject, "br0: tap10, tap11");
	expect_text(f->explanation, "inside a VM");
	/* The hub itself is named too. */
	const struct finding *h = one(FINDING_SHARED_HUB);
	EXPECT_BRIDGES(h, "br0");
	assert_int_equal(nkind(FINDING_BRIDGE_MERGE), 0);
}

static void test_port_loop_uplinks_of_one_bridge_warning(void **state)
{
	(void)state;
	start();
	port_full("eth0", "br0", PORT_KIND_OTHER, PORT_STATE_FORWARDING, 0, 0);
	port_full("eth1", "br0", PORT_KIND_OTHER, PORT_STATE_BLOCKING, 0, 0);
	struct bspec s = cfgb(BR0, 0x8001);
	bpdu_echo("eth0", "eth1", 1000.0, &s);
	bpdu_echo("eth0", "eth1", 1002.0, &s);
	const struct finding *f = one(FINDING_PORT_LOOP);
	assert_int_equal(f->severity, SEVERITY_WARNING);
	EXPECT_BRIDGES(f, "br0");
	EXPECT_PORTS(f, "eth0", "eth1");
	expect_text(f->explanation, "one LAN segment");
	assert_int_equal(nkind(FINDING_SHARED_HUB), 0);
	assert_int_equal(F()->n, 1);
}

/* Two uplinks both hearing one outside BPDU: a shared LAN, not our loop. */
static void test_port_loop_not_for_outside_bpdu_on_two_uplinks(void **state)
{
	(void)state;
	start();
	port_full("eth0", "br0", PORT_KIND_OTHER, PORT_STATE_FORWARDING, 0, 0);
	port_full("eth1", "br0", PORT_KIND_OTHER, PORT_STATE_BLOCKING, 0, 0);
	struct bspec s = cfgb(SW, 0x8001);
	for (int i = 0; i < 3; i++) {
		feed_bpdu("eth0", IN, 1000.0 + 2 * i, &s);
		feed_bpdu("eth1", IN, 1000.0 + 2 * i + 0.0001, &s);
	}
	assert_int_equal(nkind(FINDING_PORT_LOOP), 0);
	assert_int_equal(nkind(FINDING_SHARED_HUB), 0);
}

/* With direction: br0's own BPDU (id from the bridge snapshot) arriving on a port of br0. */
static void test_port_loop_own_bpdu_arriving(void **state)
{
	(void)state;
	start();
	bridge_full("br0", BR0, NULL, true, 0);
	port_on("tap10", "br0");
	port_on("eth1", "br0");
	struct bspec s = cfgb(BR0, 0x8001);
	feed_bpdu("tap10", IN, 1000.0, &s);
	assert_int_equal(nkind(FINDING_PORT_LOOP), 0);   /* echo_min (2) BPDUs are needed */
	feed_bpdu("tap10", IN, 1002.0, &s);
	const struct finding *f = by_port(FINDING_PORT_LOOP, "tap10");
	assert_int_equal(f->severity, SEVERITY_CRITICAL);
	EXPECT_BRIDGES(f, "br0");
	expect_text(f->subject, "br0");
	expect_text(f->evidence, "arrived on tap10");
	assert_int_equal(f->count, 2);

	struct bspec s2 = cfgb(BR0, 0x8002);
	feed_bpdu("eth1", IN, 1000.5, &s2);
	feed_bpdu("eth1", IN, 1002.5, &s2);
	f = by_port(FINDING_PORT_LOOP, "eth1");
	assert_int_equal(f->severity, SEVERITY_WARNING);
	assert_int_equal(nkind(FINDING_PORT_LOOP), 2);
	assert_int_equal(nkind(FINDING_FOREIGN_BPDU), 0);
}

/* The bridge sending its own BPDUs is what bridges do. */
static void test_port_loop_own_bpdu_leaving_is_nothing(void **state)
{
	(void)state;
	start();
	bridge_full("br0", BR0, NULL, true, 0);
	port_on("tap10", "br0");
	port_on("eth0", "br0");
	struct bspec a = cfgb(BR0, 0x8001), b = cfgb(BR0, 0x8002);
	for (int i = 0; i < 5; i++) {
		feed_bpdu("tap10", OUT, 1000.0 + 2 * i, &a);
		feed_bpdu("eth0", OUT, 1000.0 + 2 * i + 0.001, &b);
	}
	expect_none();
}

/*
 * echo_min applies to the port pair, whichever way the echoes went and
 * whichever BPDU they carried, for port-loop as for shared-hub: br0's
 * BPDU from tap10 echoed once and its BPDU from tap11 echoed once are two
 * echoes between tap10 and tap11.
 */
static void test_port_loop_threshold_per_port_pair(void **state)
{
	(void)state;
	start();
	port_on("tap10", "br0");
	port_on("tap11", "br0");
	struct bspec a = cfgb(BR0, 0x8001), b = cfgb(BR0, 0x8002);
	bpdu_echo("tap10", "tap11", 1000.0, &a);
	bpdu_echo("tap11", "tap10", 1000.5, &b);
	assert_int_equal(nkind(FINDING_SHARED_HUB), 1);
	assert_int_equal(nkind(FINDING_PORT_LOOP), 1);
}

/* br0 known from netlink, with tap10 (port 8001) and tap11 (port 8002). */
static void local_br0_two_taps(void)
{
	start();
	bridge_full("br0", BR0, NULL, true, 0);
	struct port_info pi;
	memset(&pi, 0, sizeof(pi));
	snprintf(pi.bridge, sizeof(pi.bridge), "br0");
	pi.ifindex = -1;
	pi.state = PORT_STATE_FORWARDING;
	snprintf(pi.name, sizeof(pi.name), "tap10");
	pi.port_id = 0x8001;
	engine_port(E, &pi, 0);
	snprintf(pi.name, sizeof(pi.name), "tap11");
	pi.port_id = 0x8002;
	engine_port(E, &pi, 0);
}

/*
 * Only incoming frames captured (the live mode): br0's BPDU from port 8001
 * (tap10, by the snapshot's port id) arriving on tap11 names both ports.
 */
static void test_port_loop_incoming_only_names_sending_port(void **state)
{
	(void)state;
	local_br0_two_taps();
	struct bspec s = cfgb(BR0, 0x8001);
	feed_bpdu("tap11", IN, 1000.0, &s);
	feed_bpdu("tap11", IN, 1002.0, &s);
	const struct finding *f = one(FINDING_PORT_LOOP);
	assert_int_equal(f->severity, SEVERITY_CRITICAL);
	EXPECT_PORTS(f, "tap10", "tap11");
	EXPECT_BRIDGES(f, "br0");
	f = one(FINDING_SHARED_HUB);
	EXPECT_PORTS(f, "tap10", "tap11");
	assert_int_equal(nkind(FINDING_FOREIGN_BPDU), 0);
}

/*
 * One of our own bridge's BPDUs back on another tap proves the shared hub
 * by itself (its ids say where it left); a guest frame arriving on two taps
 * once does not: echo_min (2) of those are needed.
 */
static void test_shared_hub_one_local_bpdu_is_proof(void **state)
{
	(void)state;
	local_br0_two_taps();
	struct bspec s = cfgb(BR0, 0x8001);
	feed_bpdu("tap11", IN, 1000.0, &s);
	const struct finding *f = one(FINDING_SHARED_HUB);
	assert_int_equal(f->severity, SEVERITY_CRITICAL);
	EXPECT_PORTS(f, "tap10", "tap11");

	/* A guest frame on both taps, once: no proof yet. */
	start();
	uint8_t m[6];
	mac_of(m, 0x13);
	feed_data("tap10", IN, 1000.0, m, 1);
	feed_data("tap11", IN, 1000.0001, m, 1);
	assert_int_equal(stats().echoes, 1);
	assert_int_equal(nkind(FINDING_SHARED_HUB), 0);
}

/* ======================================================================== */
/* bridge-merge                                                             */
/* ======================================================================== */

static void test_bridge_merge_tap_echo_critical(void **state)
{
	(void)state;
	start();
	port_on("tap10", "br0");
	port_on("tap11", "br1");
	struct bspec s = cfgb(BR0, 0x8001);
	bpdu_echo("tap10", "tap11", 1000.0, &s);
	bpdu_echo("tap10", "tap11", 1002.0, &s);
	const struct finding *f = one(FINDING_BRIDGE_MERGE);
	assert_int_equal(f->severity, SEVERITY_CRITICAL);
	EXPECT_BRIDGES(f, "br0", "br1");
	EXPECT_PORTS(f, "tap10", "tap11");
	expect_text(f->subject, "br0");
	expect_text(f->subject, "br1");
	assert_int_equal(nkind(FINDING_PORT_LOOP), 0);
	assert_int_equal(nkind(FINDING_SHARED_HUB), 1);
}

static void test_bridge_merge_uplink_echo_info(void **state)
{
	(void)state;
	start();
	port_full("eth0", "br0", PORT_KIND_OTHER, PORT_STATE_FORWARDING, 0, 0);
	port_full("eth1", "br1", PORT_KIND_OTHER, PORT_STATE_FORWARDING, 0, 0);
	struct bspec s = cfgb(BR0, 0x8001);
	bpdu_echo("eth0", "eth1", 1000.0, &s);
	assert_int_equal(nkind(FINDING_BRIDGE_MERGE), 0);
	bpdu_echo("eth0", "eth1", 1002.0, &s);
	const struct finding *f = one(FINDING_BRIDGE_MERGE);
	assert_int_equal(f->severity, SEVERITY_INFO);
	EXPECT_BRIDGES(f, "br0", "br1");
	EXPECT_PORTS(f, "eth0", "eth1");
}

static void test_bridge_merge_root_port_is_tap(void **state)
{
	(void)state;
	start();
	port_on("tap10", "br0");
	bridge_full("br0", BR0, "tap10", true, 1000.0);
	const struct finding *f = one(FINDING_BRIDGE_MERGE);
	assert_int_equal(f->severity, SEVERITY_CRITICAL);
	assert_string_equal(f->subject, "br0 root port tap10");
	EXPECT_PORTS(f, "tap10");
	EXPECT_BRIDGES(f, "br0");
	expect_text(f->evidence, "root port of br0 is tap tap10");
}

static void test_bridge_merge_root_port_uplink_is_nothing(void **state)
{
	(void)state;
	start();
	port_full("eth0", "br0", PORT_KIND_OTHER, PORT_STATE_FORWARDING, 0, 0);
	bridge_full("br0", BR0, "eth0", true, 1000.0);
	expect_none();
}

/* br1's BPDUs (id known) heard on a tap of br0: the VM joins them. */
static void test_bridge_merge_local_bridge_heard_on_tap(void **state)
{
	(void)state;
	start();
	bridge_full("br0", BR0, NULL, true, 0);
	bridge_full("br1", BR1, NULL, true, 0);
	port_on("tap10", "br0");
	struct bspec s = cfgb(BR1, 0x8003);
	feed_bpdu("tap10", IN, 1000.0, &s);
	const struct finding *f = one(FINDING_BRIDGE_MERGE);
	assert_int_equal(f->severity, SEVERITY_CRITICAL);
	EXPECT_BRIDGES(f, "br0", "br1");
	EXPECT_PORTS(f, "tap10");
	assert_int_equal(nkind(FINDING_FOREIGN_BPDU), 0);
}

/* ======================================================================== */
/* blocked-tap                                                              */
/* ======================================================================== */

static void test_blocked_tap_warning_names_last_bpdu(void **state)
{
	(void)state;
	start();
	port_full("tap10", "br0", PORT_KIND_TAP, PORT_STATE_BLOCKING, 1500, 999.0);
	struct bspec s = cfgb(GUEST, 0x8002);
	s.root = SW;
	s.cost = 4;
	feed_bpdu("tap10", IN, 1000.0, &s);
	const struct finding *f = one(FINDING_BLOCKED_TAP);
	assert_int_equal(f->severity, SEVERITY_WARNING);
	EXPECT_PORTS(f, "tap10");
	EXPECT_BRIDGES(f, "br0");
	assert_string_equal(f->subject, "tap10");
	expect_text(f->evidence, "tap10 is blocking");
	expect_text(f->evidence, "bridge 8000.525400abcdef port 8002");
	expect_text(f->evidence, "root 1000.001122334455");
	expect_text(f->evidence, "cost 4");
}

static void test_blocked_tap_without_bpdu(void **state)
{
	(void)state;
	start();
	port_full("tap10", "br0", PORT_KIND_UNKNOWN, PORT_STATE_BLOCKING, 0, 1000.0);
	const struct finding *f = one(FINDING_BLOCKED_TAP);   /* a tap by its name */
	expect_text(f->evidence, "tap10 is in state blocking");
	/* Our own BPDU leaving is not what the tap heard. */
	struct bspec s = cfgb(BR0, 0x8001);
	feed_bpdu("tap10", OUT, 1001.0, &s);
	f = one(FINDING_BLOCKED_TAP);
	expect_text(f->evidence, "tap10 is in state blocking");
}

static void test_blocked_tap_forwarding_or_non_tap_is_nothing(void **state)
{
	(void)state;
	start();
	port_full("tap10", "br0", PORT_KIND_TAP, PORT_STATE_FORWARDING, 0, 1000.0);
	port_full("eth0", "br0", PORT_KIND_OTHER, PORT_STATE_BLOCKING, 0, 1000.0);
	port_full("tap99", "br0", PORT_KIND_OTHER, PORT_STATE_BLOCKING, 0, 1000.0); /* told: not a tap */
	port_full("tap11", "br0", PORT_KIND_TAP, PORT_STATE_LISTENING, 0, 1000.0);
	expect_none();
	/* A later snapshot replaces the earlier one; a port that is gone blocks nothing. */
	port_full("tap10", "br0", PORT_KIND_TAP, PORT_STATE_BLOCKING, 0, 1001.0);
	assert_int_equal(nkind(FINDING_BLOCKED_TAP), 1);
	engine_port_gone(E, "tap10", 1002.0);
	expect_none();
}

/* ======================================================================== */
/* mac-flap                                                                 */
/* ======================================================================== */

/* `moves` moves of one MAC between tap10 and tap11, one every `step` s from t0. */
static void flap(uint32_t macn, unsigned moves, double t0, double step)
{
	uint8_t m[6];
	mac_of(m, macn);
	feed_data("tap10", IN, t0 - step, m, 0x1000);   /* first arrival: no move */
	for (unsigned i = 0; i < moves; i++)
		feed_data(i % 2 ? "tap10" : "tap11", IN, t0 + i * step, m, 0x1001 + i);
}

static void test_mac_flap_at_threshold_warning(void **state)
{
	(void)state;
	start();
	flap(0x20, 5, 1000.0, 1.0);
	const struct finding *f = one(FINDING_MAC_FLAP);
	assert_int_equal(f->severity, SEVERITY_WARNING);
	EXPECT_PORTS(f, "tap10", "tap11");
	assert_int_equal(f->count, 5);
	assert_string_equal(f->subject, "02:00:00:00:00:20");
	expect_text(f->evidence, "moved between ports up to 5 times");
	assert_int_equal(stats().echoes, 0);
	assert_int_equal(F()->n, 1);
}

static void test_mac_flap_below_threshold_nothing(void **state)
{
	(void)state;
	start();
	flap(0x21, 4, 1000.0, 1.0);
	expect_none();
}

/* Moves at 100, 102.5 ... 110: the window [now - 10, now] holds all five. */
static void test_mac_flap_window_boundary(void **state)
{
	(void)state;
	start();
	flap(0x22, 5, 100.0, 2.5);
	assert_int_equal(one(FINDING_MAC_FLAP)->severity, SEVERITY_WARNING);

	/* The same with the last move 1/1024 s later: the first falls out. */
	start();
	uint8_t m[6];
	mac_of(m, 0x23);
	feed_data("tap10", IN, 99.0, m, 0);
	for (unsigned i = 0; i < 4; i++)
		feed_data(i % 2 ? "tap10" : "tap11", IN, 100.0 + 2.5 * i, m, 1 + i);
	feed_data("tap11", IN, 110.0 + 1.0 / 1024, m, 9);
	expect_none();
}

static void test_mac_flap_spread_over_more_than_window_nothing(void **state)
{
	(void)state;
	start();
	flap(0x24, 5, 1000.0, 3.0);   /* 12 s for five moves */
	expect_none();
	/* Eight moves 3 s apart: never five within 10 s. */
	start();
	flap(0x25, 8, 1000.0, 3.0);
	expect_none();
}

static void test_mac_flap_fdb_moves_count(void **state)
{
	(void)state;
	start();
	port_on("tap10", "br0");
	port_on("eth0", "br0");
	uint8_t m[6];
	mac_of(m, 0x26);
	engine_fdb_move(E, m, -1, "eth0", 1000.0);
	for (int i = 0; i < 4; i++)
		engine_fdb_move(E, m, -1, i % 2 ? "eth0" : "tap10", 1001.0 + i);
	expect_none();
	engine_fdb_move(E, m, -1, "tap10", 1005.0);
	const struct finding *f = one(FINDING_MAC_FLAP);
	EXPECT_PORTS(f, "tap10", "eth0");
	EXPECT_BRIDGES(f, "br0");
	/* Frames and FDB events of one MAC add up. */
	start();
	feed_data("tap10", IN, 1000.0, m, 1);
	engine_fdb_move(E, m, -1, "eth0", 1001.0);
	feed_data("tap10", IN, 1002.0, m, 2);
	engine_fdb_move(E, m, -1, "eth0", 1003.0);
	feed_data("tap10", IN, 1004.0, m, 3);
	expect_none();
	engine_fdb_move(E, m, -1, "eth0", 1005.0);
	assert_int_equal(nkind(FINDING_MAC_FLAP), 1);
}

/* Frames the bridge sends (OUT) say nothing about where a MAC lives. */
static void test_mac_flap_outgoing_frames_ignored(void **state)
{
	(void)state;
	start();
	uint8_t m[6];
	mac_of(m, 0x27);
	for (uint32_t i = 0; i < 20; i++)
		feed_data(i % 2 ? "tap10" : "tap11", OUT, 1000.0 + i * 0.25, m, i);
	expect_none();
}

/* ======================================================================== */
/* tc-storm                                                                 */
/* ======================================================================== */

static void test_tc_storm_tcns_at_threshold(void **state)
{
	(void)state;
	start();
	struct bspec s = tcnb(GUEST);
	for (int i = 0; i < 4; i++)
		feed_bpdu("tap10", IN, 1000.0 + 2 * i, &s);
	assert_int_equal(nkind(FINDING_TC_STORM), 0);
	feed_bpdu("tap10", IN, 1008.0, &s);
	const struct finding *f = one(FINDING_TC_STORM);
	assert_int_equal(f->severity, SEVERITY_WARNING);
	EXPECT_PORTS(f, "tap10");
	assert_int_equal(f->count, 5);
	assert_string_equal(f->subject, "tap10");
}

/* TCNs at 0, 15, 30, 45, 60: all five in [now - 60, now]; 1/1024 s later only four. */
static void test_tc_storm_window_boundary(void **state)
{
	(void)state;
	start();
	struct bspec s = tcnb(GUEST);
	for (int i = 0; i < 5; i++)
		feed_bpdu("tap10", IN, 100.0 + 15 * i, &s);
	assert_int_equal(nkind(FINDING_TC_STORM), 1);
	/* Offline (evidence_hold 0) a storm stays reported after its window ... */
	engine_tick(E, 160.0 + 1.0 / 1024);
	assert_int_equal(nkind(FINDING_TC_STORM), 1);
	/* ... live, it goes evidence_hold after its last change. */
	struct engine_config c;
	engine_config_defaults(&c);
	c.evidence_hold = 30.0;
	start_cfg(&c);
	for (int i = 0; i < 5; i++)
		feed_bpdu("tap10", IN, 100.0 + 15 * i, &s);
	engine_tick(E, 190.0);
	assert_int_equal(nkind(FINDING_TC_STORM), 1);
	engine_tick(E, 190.0 + 1.0 / 1024);
	assert_int_equal(nkind(FINDING_TC_STORM), 0);
	/* Five changes spread wider than the window are no storm. */
	start();
	for (int i = 0; i < 5; i++)
		feed_bpdu("tap10", IN, 100.0 + 15.0 * i + (i == 4 ? 1.0 / 1024 : 0), &s);
	assert_int_equal(nkind(FINDING_TC_STORM), 0);
}

/* Rising edges of the TC flag: set, clear, set ... five rises. */
static void test_tc_storm_rising_tc_flags(void **state)
{
	(void)state;
	start();
	struct bspec s = cfgb(SW, 0x8001);
	double t = 1000.0;
	for (int i = 0; i < 4; i++) {
		s.flags = BPDU_FLAG_TC;
		feed_bpdu("eth0", IN, t, &s);
		t += 2;
		s.flags = 0;
		feed_bpdu("eth0", IN, t, &s);
		t += 2;
	}
	assert_int_equal(nkind(FINDING_TC_STORM), 0);
	s.flags = BPDU_FLAG_TC;
	feed_bpdu("eth0", IN, t, &s);
	const struct finding *f = one(FINDING_TC_STORM);
	EXPECT_PORTS(f, "eth0");
	assert_int_equal(f->count, 5);
}

static void test_tc_storm_flag_held_counts_once(void **state)
{
	(void)state;
	start();
	struct bspec s = cfgb(SW, 0x8001);
	s.flags = BPDU_FLAG_TC;
	for (int i = 0; i < 20; i++)
		feed_bpdu("eth0", IN, 1000.0 + 2 * i, &s);
	expect_none();
}

/* An echoed TCN is one topology change, not two. */
static void test_tc_storm_echo_counts_once(void **state)
{
	(void)state;
	start();
	struct bspec s = tcnb(GUEST);
	for (int i = 0; i < 4; i++) {
		feed_bpdu("tap10", IN, 1000.0 + 2 * i, &s);
		feed_bpdu("tap11", IN, 1000.0 + 2 * i + 0.0001, &s);
	}
	assert_int_equal(nkind(FINDING_TC_STORM), 0);
}

/* ======================================================================== */
/* root-change                                                              */
/* ======================================================================== */

static void root_changes(const char *port, unsigned changes, double t0, double step)
{
	struct bspec s = cfgb(SW2, 0x8001);
	s.root = SW;
	feed_bpdu(port, IN, t0 - step, &s);
	for (unsigned i = 0; i < changes; i++) {
		s.root = i % 2 ? SW : SW2;
		feed_bpdu(port, IN, t0 + i * step, &s);
	}
}

static void test_root_change_once_is_info(void **state)
{
	(void)state;
	start();
	root_changes("eth0", 0, 1000.0, 2.0);
	expect_none();
	root_changes("eth0", 1, 1100.0, 2.0);
	const struct finding *f = one(FINDING_ROOT_CHANGE);
	assert_int_equal(f->severity, SEVERITY_INFO);
	assert_int_equal(f->count, 1);
	assert_string_equal(f->subject, "2000.001122334466 port 8001");
	expect_text(f->evidence, "from 1000.001122334455 to 2000.001122334466");
}

static void test_root_change_three_within_window_is_warning(void **state)
{
	(void)state;
	start();
	root_changes("eth0", 2, 1000.0, 20.0);
	assert_int_equal(one(FINDING_ROOT_CHANGE)->severity, SEVERITY_INFO);
	start();
	root_changes("eth0", 3, 1000.0, 20.0);   /* 1000, 1020, 1040 */
	const struct finding *f = one(FINDING_ROOT_CHANGE);
	assert_int_equal(f->severity, SEVERITY_WARNING);
	assert_int_equal(f->count, 3);
	/* Offline the storm stays a warning after its window has passed. */
	engine_tick(E, 1060.0 + 1.0 / 1024);
	assert_int_equal(one(FINDING_ROOT_CHANGE)->severity, SEVERITY_WARNING);
	/* Boundary: three changes spanning more than the window are no storm. */
	start();
	root_changes("eth0", 3, 1000.0, 30.0 + 1.0 / 1024);
	assert_int_equal(one(FINDING_ROOT_CHANGE)->severity, SEVERITY_INFO);
}

static void test_root_change_spread_is_info(void **state)
{
	(void)state;
	start();
	root_changes("eth0", 3, 1000.0, 31.0);   /* 62 s for three */
	assert_int_equal(one(FINDING_ROOT_CHANGE)->severity, SEVERITY_INFO);
}

/* ======================================================================== */
/* foreign-bpdu                                                             */
/* ======================================================================== */

static void test_foreign_rstp_bpdu_on_tap(void **state)
{
	(void)state;
	start();
	bridge_full("br0", BR0, NULL, true, 0);
	port_on("tap10", "br0");
	struct bspec own = cfgb(BR0, 0x8001);
	feed_bpdu("tap10", OUT, 999.0, &own);
	expect_none();
	struct bspec g = rstb(GUEST, 0x8001);
	feed_bpdu("tap10", IN, 1000.0, &g);
	const struct finding *f = one(FINDING_FOREIGN_BPDU);
	assert_int_equal(f->severity, SEVERITY_WARNING);
	EXPECT_PORTS(f, "tap10");
	EXPECT_BRIDGES(f, "br0");
	expect_text(f->subject, "tap10 from 8000.525400abcdef");
	expect_text(f->evidence, "rstp BPDUs from bridge 8000.525400abcdef");
	expect_text(f->explanation, "kernel's 802.1D STP ignores");
	assert_int_equal(F()->n, 1);
}

static void test_foreign_stp_bpdu_not_ignored_by_kernel(void **state)
{
	(void)state;
	start();
	bridge_full("br0", BR0, NULL, true, 0);
	port_on("tap10", "br0");
	struct bspec g = cfgb(GUEST, 0x8001);
	feed_bpdu("tap10", IN, 1000.0, &g);
	const struct finding *f = one(FINDING_FOREIGN_BPDU);
	assert_null(strstr(f->explanation, "ignores"));
	/* With mstpd (not the kernel's STP) RSTP is understood. */
	start();
	bridge_full("br0", BR0, NULL, false, 0);
	port_on("tap10", "br0");
	g = rstb(GUEST, 0x8001);
	feed_bpdu("tap10", IN, 1000.0, &g);
	f = one(FINDING_FOREIGN_BPDU);
	assert_null(strstr(f->explanation, "ignores"));
}

/* An outside switch heard on an uplink is normal. */
static void test_foreign_not_on_uplink(void **state)
{
	(void)state;
	start();
	bridge_full("br0", BR0, NULL, true, 0);
	port_full("eth0", "br0", PORT_KIND_OTHER, PORT_STATE_FORWARDING, 0, 0);
	struct bspec s = rstb(SW, 0x8001);
	for (int i = 0; i < 3; i++)
		feed_bpdu("eth0", IN, 1000.0 + 2 * i, &s);
	expect_none();
}

/* A guest bridge with priority 0: better than every local bridge. */
#define ROGUE 0x0000525400abcdefULL

/* A snapshot of a bridge whose root is `root`, reached through `root_port`. */
static void bridge_rooted(const char *name, uint64_t id, uint64_t root, const char *root_port,
			  double t)
{
	struct bridge_info bi;
	memset(&bi, 0, sizeof(bi));
	snprintf(bi.name, sizeof(bi.name), "%s", name);
	snprintf(bi.root_port, sizeof(bi.root_port), "%s", root_port);
	bi.bridge_id = id;
	bi.root_id = root;
	bi.root_path_cost = 2;
	bi.stp_enabled = true;
	bi.kernel_stp = true;
	bi.hello_time = S256(2);
	bi.max_age = S256(20);
	bi.forward_delay = S256(15);
	engine_bridge(E, &bi, t);
}

/*
 * A guest claims the root: a warning while the bridge has not taken it
 * (root guard), critical once its root port is the tap; the bridge's root
 * change names the tap; no bridge-merge, since nothing is merged.
 */
static void test_foreign_root_claim(void **state)
{
	(void)state;
	start();
	bridge_full("br0", BR0, NULL, true, 0);
	port_full("tap10", "br0", PORT_KIND_TAP, PORT_STATE_FORWARDING, 0, 0);
	vm2(77, "vm7", "tap10", -1, "", -1, 0);
	struct bspec g = cfgb(ROGUE, 0x8001);
	feed_bpdu("tap10", IN, 1000.0, &g);
	const struct finding *f = one(FINDING_FOREIGN_BPDU);
	assert_int_equal(f->severity, SEVERITY_WARNING);
	expect_text(f->explanation, "claims to be the root 0000.525400abcdef, better than the "
		    "bridge's own id (8000.525400000a00)");
	expect_text(f->explanation, "has not taken it");
	expect_text(f->remedy, "root_block on");

	bridge_rooted("br0", BR0, ROGUE, "tap10", 1000.5);
	feed_bpdu("tap10", IN, 1002.0, &g);
	f = one(FINDING_FOREIGN_BPDU);
	assert_int_equal(f->severity, SEVERITY_CRITICAL);
	EXPECT_PORTS(f, "tap10");
	assert_int_equal(f->vm_pid, 77);
	expect_text(f->explanation, "now reaches its root through the VM");
	assert_int_equal(nkind(FINDING_BRIDGE_MERGE), 0);
	const struct finding *r = one(FINDING_ROOT_CHANGE);
	assert_int_equal(r->severity, SEVERITY_WARNING);
	assert_string_equal(r->subject, "br0");
	EXPECT_PORTS(r, "tap10");
	assert_int_equal(r->vm_pid, 77);
	expect_text(r->evidence, "from 8000.525400000a00 to 0000.525400abcdef through tap tap10");
}

/* A guest relaying another network's root is a merge through the VM, as before. */
static void test_root_through_tap_relayed_is_merge(void **state)
{
	(void)state;
	start();
	bridge_full("br0", BR0, NULL, true, 0);
	port_full("tap10", "br0", PORT_KIND_TAP, PORT_STATE_FORWARDING, 0, 0);
	struct bspec g = cfgb(GUEST, 0x8001);
	g.root = SW;
	g.cost = 4;
	feed_bpdu("tap10", IN, 1000.0, &g);
	bridge_rooted("br0", BR0, SW, "tap10", 1000.5);
	assert_int_equal(one(FINDING_BRIDGE_MERGE)->severity, SEVERITY_CRITICAL);
	const struct finding *f = one(FINDING_FOREIGN_BPDU);
	assert_int_equal(f->severity, SEVERITY_CRITICAL);
	expect_text(f->explanation, "announces root 1000.001122334455");
}

/* A local bridge's root changing between snapshots, through an uplink: info. */
static void test_bridge_root_change_between_snapshots(void **state)
{
	(void)state;
	start();
	bridge_full("br0", BR0, NULL, true, 0);
	port_full("eth0", "br0", PORT_KIND_OTHER, PORT_STATE_FORWARDING, 0, 0);
	bridge_full("br0", BR0, NULL, true, 5);
	assert_int_equal(nkind(FINDING_ROOT_CHANGE), 0);
	bridge_rooted("br0", BR0, SW, "eth0", 10);
	const struct finding *r = one(FINDING_ROOT_CHANGE);
	assert_int_equal(r->severity, SEVERITY_INFO);
	assert_string_equal(r->subject, "br0");
	EXPECT_PORTS(r, "eth0");
	/* Three within the window: a warning. */
	bridge_full("br0", BR0, NULL, true, 20);
	bridge_rooted("br0", BR0, SW, "eth0", 30);
	assert_int_equal(one(FINDING_ROOT_CHANGE)->severity, SEVERITY_WARNING);
}

/* TCNs carry no timers: a guest sending TCNs and Config BPDUs is no timer mismatch. */
static void test_tcn_is_no_timer_mismatch(void **state)
{
	(void)state;
	start();
	bridge_full("br0", BR0, NULL, true, 0);
	port_full("tap10", "br0", PORT_KIND_TAP, PORT_STATE_FORWARDING, 0, 0);
	struct bspec c = cfgb(GUEST, 0x8001), t = tcnb(GUEST);
	feed_bpdu("tap10", IN, 1000.0, &c);
	feed_bpdu("tap10", IN, 1000.5, &t);
	feed_bpdu("tap10", IN, 1001.0, &t);
	assert_int_equal(nkind(FINDING_TIMER_MISMATCH), 0);
	assert_int_equal(nkind(FINDING_FOREIGN_BPDU), 2);
	bool tcn = false;
	for (unsigned i = 0; i < F()->n; i++)
		if (strstr(F()->items[i].subject, "tap10 TCN from ")) {
			tcn = true;
			assert_null(strstr(F()->items[i].evidence, "0000.000000000000"));
		}
	assert_true(tcn);
}

/*
 * Interface names may hold ESC, quotes, backslashes and bytes that are not
 * UTF-8: the finding's text is printable ASCII (every consumer may print
 * it), the ports list keeps the name as it is.
 */
static void test_hostile_port_name_printable(void **state)
{
	(void)state;
	const char *name = "tap\x1b\"\\\xff";
	start();
	bridge_full("br0", BR0, NULL, true, 0);
	port_full(name, "br0", PORT_KIND_TAP, PORT_STATE_BLOCKING, 0, 0);
	struct bspec g = cfgb(GUEST, 0x8001);
	feed_bpdu(name, IN, 1000.0, &g);
	assert_true(F()->n >= 2);
	for (unsigned i = 0; i < F()->n; i++) {
		const struct finding *f = &F()->items[i];
		const char *texts[] = { f->subject, f->evidence, f->explanation, f->remedy };
		for (unsigned k = 0; k < 4; k++)
			for (const char *c = texts[k]; *c; c++)
				assert_true(*c >= 0x20 && *c < 0x7f);
		assert_string_equal(f->ports[0], name);
	}
	const struct finding *f = one(FINDING_FOREIGN_BPDU);
	assert_string_equal(f->subject, "tap\\x1b\"\\\\\\xff from 8000.525400abcdef");
	assert_string_equal(one(FINDING_BLOCKED_TAP)->subject, "tap\\x1b\"\\\\\\xff");
}

/* ======================================================================== */
/* timer-mismatch                                                           */
/* ======================================================================== */

static void timers(double max_age, double hello, double fdelay)
{
	struct bspec s = cfgb(SW, 0x8001);
	s.max_age = S256(max_age);
	s.hello = S256(hello);
	s.fdelay = S256(fdelay);
	feed_bpdu("eth0", IN, 1000.0, &s);
}

static void test_timer_mismatch_invalid_relation(void **state)
{
	(void)state;
	start();
	timers(20, 2, 4);   /* 2 x (4 - 1) = 6 < 20 */
	const struct finding *f = one(FINDING_TIMER_MISMATCH);
	assert_int_equal(f->severity, SEVERITY_WARNING);
	assert_string_equal(f->subject, "1000.001122334455");
	expect_text(f->evidence, "max-age 20 s, hello-time 2 s, forward-delay 4 s");
	start();
	timers(20, 2, 15);
	expect_none();
}

/* 2 x (fd - 1) >= max-age >= 2 x (hello + 1), each side exactly at and 1/256 s past. */
static void test_timer_mismatch_boundaries(void **state)
{
	(void)state;
	start();
	timers(20, 2, 11);                          /* 2 x 10 = 20: valid */
	expect_none();
	start();
	timers(20, 2, 11 - 1.0 / 256);
	assert_int_equal(nkind(FINDING_TIMER_MISMATCH), 1);
	start();
	timers(20, 9, 15);                          /* 2 x (9 + 1) = 20: valid */
	expect_none();
	start();
	timers(20, 9 + 1.0 / 256, 15);
	assert_int_equal(nkind(FINDING_TIMER_MISMATCH), 1);
}

static void test_timer_mismatch_two_senders_on_one_port(void **state)
{
	(void)state;
	start();
	struct bspec a = cfgb(SW, 0x8001), b = cfgb(SW2, 0x8002);
	b.max_age = S256(30);
	b.fdelay = S256(20);   /* valid: 38 >= 30 >= 6 */
	feed_bpdu("eth0", IN, 1000.0, &a);
	feed_bpdu("eth0", IN, 1000.5, &b);
	const struct finding *f = one(FINDING_TIMER_MISMATCH);
	assert_int_equal(f->severity, SEVERITY_WARNING);
	EXPECT_PORTS(f, "eth0");
	expect_text(f->subject, "eth0: ");
	expect_text(f->evidence, "max-age 20 hello 2 forward-delay 15");
	expect_text(f->evidence, "30/2/20");
	/* Equal timers from two senders: nothing. */
	start();
	b = cfgb(SW2, 0x8002);
	feed_bpdu("eth0", IN, 1000.0, &a);
	feed_bpdu("eth0", IN, 1000.5, &b);
	expect_none();
}

/* ======================================================================== */
/* mtu-mismatch                                                             */
/* ======================================================================== */

static void test_mtu_mismatch(void **state)
{
	(void)state;
	start();
	port_full("eth0", "br0", PORT_KIND_OTHER, PORT_STATE_FORWARDING, 9000, 1000.0);
	port_full("tap10", "br0", PORT_KIND_TAP, PORT_STATE_FORWARDING, 1500, 1000.0);
	port_full("tap11", "br0", PORT_KIND_TAP, PORT_STATE_FORWARDING, 9000, 1000.0);
	const struct finding *f = one(FINDING_MTU_MISMATCH);
	assert_int_equal(f->severity, SEVERITY_WARNING);
	assert_string_equal(f->subject, "br0");
	EXPECT_BRIDGES(f, "br0");
	EXPECT_PORTS(f, "tap10", "eth0");
	expect_text(f->evidence, "tap10 has MTU 1500, eth0 has MTU 9000");
}

static void test_mtu_equal_or_unknown_or_other_bridge_is_nothing(void **state)
{
	(void)state;
	start();
	port_full("eth0", "br0", PORT_KIND_OTHER, PORT_STATE_FORWARDING, 1500, 1000.0);
	port_full("tap10", "br0", PORT_KIND_TAP, PORT_STATE_FORWARDING, 1500, 1000.0);
	port_full("tap11", "br0", PORT_KIND_TAP, PORT_STATE_FORWARDING, 0, 1000.0);
	port_full("eth1", "br1", PORT_KIND_OTHER, PORT_STATE_FORWARDING, 9000, 1000.0);
	expect_none();
	/* A port that is gone no longer counts. */
	port_full("tap12", "br0", PORT_KIND_TAP, PORT_STATE_FORWARDING, 9000, 1001.0);
	assert_int_equal(nkind(FINDING_MTU_MISMATCH), 1);
	engine_port_gone(E, "tap12", 1002.0);
	expect_none();
}

/* ======================================================================== */
/* evidence_hold                                                            */
/* ======================================================================== */

static void test_evidence_hold_expires_shared_hub(void **state)
{
	(void)state;
	struct engine_config c;
	engine_config_defaults(&c);
	c.evidence_hold = 30.0;
	start_cfg(&c);
	port_on("tap10", "br0");
	port_on("tap11", "br0");
	struct bspec s = cfgb(BR0, 0x8001);
	feed_bpdu("tap10", OUT, 1000.0, &s);
	feed_bpdu("tap11", IN, 1000.5, &s);   /* 0.5 s is no echo ... */
	assert_int_equal(stats().echoes, 0);
	bpdu_echo("tap10", "tap11", 1002.0, &s);
	feed_bpdu("tap10", OUT, 1004.0, &s);
	feed_bpdu("tap11", IN, 1004.0625, &s);   /* last echo at exactly 1004.0625 */
	assert_int_equal(nkind(FINDING_SHARED_HUB), 1);
	assert_int_equal(nkind(FINDING_PORT_LOOP), 1);
	engine_tick(E, 1034.0625);                 /* exactly evidence_hold later: kept */
	assert_int_equal(nkind(FINDING_SHARED_HUB), 1);
	assert_int_equal(nkind(FINDING_PORT_LOOP), 1);
	engine_tick(E, 1034.0625 + 1.0 / 1024);
	assert_int_equal(nkind(FINDING_SHARED_HUB), 0);
	assert_int_equal(nkind(FINDING_PORT_LOOP), 0);
	/* Time never runs backwards: an older tick changes nothing. */
	engine_tick(E, 1000.0);
	assert_int_equal(nkind(FINDING_SHARED_HUB), 0);
	/* New echoes bring it back. */
	bpdu_echo("tap10", "tap11", 1100.0, &s);
	assert_int_equal(nkind(FINDING_SHARED_HUB), 1);
}

static void test_evidence_hold_zero_keeps_forever(void **state)
{
	(void)state;
	start();   /* evidence_hold 0 */
	struct bspec s = cfgb(BR0, 0x8001);
	bpdu_echo("tap10", "tap11", 1000.0, &s);
	bpdu_echo("tap10", "tap11", 1002.0, &s);
	engine_tick(E, 1e9);
	assert_int_equal(one(FINDING_SHARED_HUB)->severity, SEVERITY_CRITICAL);
}

/* ======================================================================== */
/* bounded memory                                                           */
/* ======================================================================== */

static uint64_t prng_state;

static uint64_t prng(void)   /* splitmix64 */
{
	uint64_t z = (prng_state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static void test_bounded_mac_table_under_random_flood(void **state)
{
	(void)state;
	struct engine_config c;
	engine_config_defaults(&c);
	c.mac_table_size = 4096;
	start_cfg(&c);
	prng_state = 42;
	const uint32_t n = 1000000;
	struct timespec a, b;
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (uint32_t i = 0; i < n; i++) {
		uint64_t r = prng();
		uint8_t m[6];
		for (int k = 0; k < 6; k++)
			m[k] = (uint8_t)(r >> (8 * k));
		m[0] = (uint8_t)((m[0] & 0xfe) | 0x02);   /* unicast, locally administered */
		feed_data(i % 3 ? "tap10" : "eth0", IN, 1000.0 + i * 1e-5, m, i);
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	struct engine_stats st = stats();
	assert_int_equal(st.frames, n);
	assert_true(st.macs_tracked <= 4096);
	assert_int_equal(st.macs_tracked, 4096);   /* the flood fills every slot */
	/* Every new MAC was either stored or pushed another out (random 48-bit MACs barely repeat). */
	assert_true(st.macs_tracked + st.macs_evicted <= n);
	assert_true(st.macs_tracked + st.macs_evicted >= n - 16);
	assert_int_equal(st.echoes, 0);
	expect_none();
	double secs = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
	assert_true(secs < 60.0);   /* ~0.2 s optimized; generous for sanitizers */
}

/* The echo table is bounded too: a flood of distinct BPDUs costs no memory, and a real echo still shows. */
static void test_bounded_echo_table_under_bpdu_flood(void **state)
{
	(void)state;
	start();
	for (uint32_t i = 0; i < 200000; i++) {
		struct bspec s = cfgb(0x8000000000000000ULL | i, 0x8001);
		feed_bpdu("eth0", IN, 1000.0 + i * 1e-5, &s);
	}
	struct bspec s = cfgb(BR0, 0x8001);
	bpdu_echo("tap10", "tap11", 1010.0, &s);
	bpdu_echo("tap10", "tap11", 1012.0, &s);
	assert_int_equal(nkind(FINDING_SHARED_HUB), 1);
}

/* ======================================================================== */
/* ordering, names                                                          */
/* ======================================================================== */

static void test_findings_sorted_most_severe_first(void **state)
{
	(void)state;
	start();
	/* info: root change */
	root_changes("eth9", 1, 990.0, 2.0);
	/* warning: mtu */
	port_full("eth0", "br0", PORT_KIND_OTHER, PORT_STATE_FORWARDING, 9000, 1000.0);
	port_full("tap12", "br0", PORT_KIND_TAP, PORT_STATE_FORWARDING, 1500, 1000.0);
	/* warning: latent hub; critical: echoing hub */
	vm2(5, "z", "tap30", 0, "tap31", 0, 1000.0);
	struct bspec s = cfgb(BR0, 0x8001);
	bpdu_echo("tap10", "tap11", 1000.0, &s);
	bpdu_echo("tap10", "tap11", 1002.0, &s);
	/* warning: timers */
	struct bspec t = cfgb(SW, 0x8003);
	t.fdelay = S256(4);
	feed_bpdu("eth5", IN, 1003.0, &t);

	const struct finding_list *l = F();
	assert_true(l->n >= 5);
	assert_int_equal(l->items[0].severity, SEVERITY_CRITICAL);
	assert_int_equal(l->items[0].kind, FINDING_SHARED_HUB);
	assert_int_equal(l->items[l->n - 1].severity, SEVERITY_INFO);
	for (unsigned i = 1; i < l->n; i++) {
		const struct finding *x = &l->items[i - 1], *y = &l->items[i];
		assert_true(x->severity >= y->severity);
		if (x->severity == y->severity) {
			assert_true(x->kind <= y->kind);
			if (x->kind == y->kind)
				assert_true(strcmp(x->subject, y->subject) <= 0);
		}
	}
	assert_int_equal(finding_list_worst(l), SEVERITY_CRITICAL);
}

static void test_name_matches(void **state)
{
	(void)state;
	assert_true(engine_name_matches("tap*,vnet*", "tap10"));
	assert_true(engine_name_matches("tap*,vnet*", "vnet0"));
	assert_true(engine_name_matches("tap*,vnet*", "tap"));
	assert_false(engine_name_matches("tap*,vnet*", "eth0"));
	assert_false(engine_name_matches("tap*,vnet*", "mytap0"));
	assert_false(engine_name_matches("tap*,vnet*", ""));
	assert_true(engine_name_matches("eth?", "eth1"));
	assert_false(engine_name_matches("eth?", "eth10"));
	assert_true(engine_name_matches(",,vnet*,", "vnet1"));
	assert_false(engine_name_matches("", "tap10"));
	assert_false(engine_name_matches(NULL, "tap10"));
	/* A pattern too long for the buffer is skipped, not truncated into a match. */
	char longpat[200];
	memset(longpat, 'a', 100);
	memcpy(longpat + 100, "*,tap*", 7);
	assert_false(engine_name_matches(longpat, "aaaa"));
	assert_true(engine_name_matches(longpat, "tap3"));
}

/* Ports are taps by name when the snapshot does not say. */
static void test_tap_patterns_from_config(void **state)
{
	(void)state;
	struct engine_config c;
	engine_config_defaults(&c);
	c.tap_patterns = "guest*";
	start_cfg(&c);
	struct bspec s = cfgb(BR0, 0x8001);
	bpdu_echo("tap10", "tap11", 1000.0, &s);
	bpdu_echo("tap10", "tap11", 1002.0, &s);
	assert_int_equal(nkind(FINDING_SHARED_HUB), 0);
	bpdu_echo("guest1", "guest2", 1004.0, &s);
	bpdu_echo("guest1", "guest2", 1006.0, &s);
	assert_int_equal(nkind(FINDING_SHARED_HUB), 1);
	c.tap_patterns = NULL;
	start_cfg(&c);
	bpdu_echo("tap10", "tap11", 1000.0, &s);
	bpdu_echo("tap10", "tap11", 1002.0, &s);
	expect_none();
}

/* Truncated and invalid BPDUs are counted and otherwise ignored. */
static void test_undecodable_bpdus_counted(void **state)
{
	(void)state;
	start();
	struct bpdu b;
	struct frame f;
	struct packet p;
	uint8_t pl[4] = { 0, 0, 0, 0 };
	memset(&b, 0, sizeof(b));
	memset(&f, 0, sizeof(f));
	memset(&p, 0, sizeof(p));
	f.status = FRAME_OK;
	f.payload_kind = PAYLOAD_STP;
	f.is_8023 = true;
	f.vlan = -1;
	f.payload = cursor_make(pl, sizeof(pl));
	p.frame = &f;
	p.ifname = "tap10";
	p.direction = IN;
	p.ts_sec = 1000;
	b.status = BPDU_TRUNCATED;
	engine_frame(E, &p, &b);
	b.status = BPDU_INVALID;
	p.ts_sec = 1001;
	engine_frame(E, &p, &b);
	f.status = FRAME_TRUNCATED;
	p.ifname = NULL;   /* an unlabelled frame lands on port "-" */
	p.ts_sec = 1002;
	engine_frame(E, &p, NULL);
	struct engine_stats st = stats();
	assert_int_equal(st.frames, 3);
	assert_int_equal(st.bpdus, 2);
	assert_int_equal(st.bpdus_truncated, 1);
	assert_int_equal(st.bpdus_invalid, 1);
	assert_int_equal(st.frames_undecodable, 1);
	assert_int_equal(engine_port_count(E), 2);
	assert_string_equal(engine_port_at(E, 1)->name, "-");
	assert_null(engine_port_at(E, 2));
	expect_none();
}

static void test_bridge_registry(void **state)
{
	(void)state;
	start();
	port_on("tap10", "br0");
	assert_int_equal(engine_bridge_count(E), 1);
	assert_string_equal(engine_bridge_at(E, 0)->name, "br0");
	assert_int_equal(engine_bridge_at(E, 0)->bridge_id, 0);
	bridge_full("br0", BR0, NULL, true, 1.0);
	bridge_full("br1", BR1, NULL, true, 1.0);
	assert_int_equal(engine_bridge_count(E), 2);
	assert_true(engine_bridge_at(E, 0)->bridge_id == BR0);
	assert_null(engine_bridge_at(E, 2));
}

/* ======================================================================== */
/* bugs                                                                     */
/* ======================================================================== */

/*
 * Regression test (a bug once in engine.c engine_port_index, lines 105-118): a port name of 64+
 * characters is stored truncated to 63 but looked up with strcmp against
 * the full name, so every frame from that port creates a new port record.
 * A MAC arriving there "moves" between these records: five frames make a
 * false mac-flap, and the port table fills towards ENGINE_MAX_PORTS.
 * (Offline, a capture labelled by a long file base name does this.)
 * portstats.c find_port compares with strncmp(.., IFNAME_LEN - 1).
 */
static void test_long_port_name_is_one_port(void **state)
{
	(void)state;
	start();
	char name[100];
	memset(name, 'p', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	uint8_t m[6];
	mac_of(m, 0x99);
	for (uint32_t i = 0; i < 8; i++)
		feed_data(name, IN, 1000.0 + i, m, i);
	assert_int_equal(nkind(FINDING_MAC_FLAP), 0);
	assert_int_equal(engine_port_count(E), 1);
}

/*
 * Regression test (a bug once in diagnose.c learn_ids_from_heard, from line 401): a bridge with no
 * known id takes as its own the id of any sender heard on two of its ports
 * under two port ids.  A switch with two links to br0 (redundant uplinks,
 * the case STP exists for) is such a sender: br0 then "hears its own BPDUs"
 * and diagnose_heard raises a port-loop on each uplink.  BPDUs that are
 * known to have *arrived* (direction IN) cannot be br0's own; only OUT or
 * unknown-direction records should teach the id.
 */
static void test_dual_homed_uplinks_are_not_a_port_loop(void **state)
{
	(void)state;
	start();
	port_full("eth0", "br0", PORT_KIND_OTHER, PORT_STATE_FORWARDING, 0, 0);
	port_full("eth1", "br0", PORT_KIND_OTHER, PORT_STATE_BLOCKING, 0, 0);
	struct bspec a = cfgb(SW, 0x8001), b = cfgb(SW, 0x8002);
	for (int i = 0; i < 3; i++) {
		feed_bpdu("eth0", IN, 1000.0 + 2 * i, &a);
		feed_bpdu("eth1", IN, 1000.0 + 2 * i + 0.001, &b);
	}
	assert_int_equal(nkind(FINDING_PORT_LOOP), 0);
	assert_int_equal(engine_bridge_at(E, 0)->bridge_id, 0);
}

/*
 * Regression test (a bug once in diagnose.c diagnose_macs lines 785/790 and diagnose_senders
 * line 756): mac-flap and tc-storm count only events in [now - window, now],
 * with now the latest time seen.  With evidence_hold 0 ("offline: keep all
 * evidence") a flap or TC storm early in a capture vanishes once the
 * capture (or a tick) runs on past the window: the offline report at the
 * end of a long capture says nothing.  Live, the finding vanishes after
 * the window, not after evidence_hold.  (root-change likewise drops from
 * warning to info.)  The peak count in any window should be kept.
 */
static void test_mac_flap_kept_with_evidence_hold_zero(void **state)
{
	(void)state;
	start();
	flap(0x30, 5, 1000.0, 1.0);
	assert_int_equal(nkind(FINDING_MAC_FLAP), 1);
	engine_tick(E, 2000.0);
	assert_int_equal(nkind(FINDING_MAC_FLAP), 1);
}

static void test_tc_storm_kept_with_evidence_hold_zero(void **state)
{
	(void)state;
	start();
	struct bspec s = tcnb(GUEST);
	for (int i = 0; i < 5; i++)
		feed_bpdu("tap10", IN, 1000.0 + 2 * i, &s);
	assert_int_equal(nkind(FINDING_TC_STORM), 1);
	uint8_t m[6];
	mac_of(m, 0x31);
	feed_data("eth0", IN, 3600.0, m, 1);   /* the capture goes on, quietly */
	assert_int_equal(nkind(FINDING_TC_STORM), 1);
}

/*
 * Regression test (a bug once in diagnose.c lines 767 and 812): tc-storm and mac-flap report
 * first_seen = now - window, a time before any evidence (and negative for
 * captures whose clock starts near 0; report.c text_time, line 41, then
 * converts a negative fraction to uint32_t: UBSan reports it).  first_seen should
 * be the first event counted.
 */
static void test_storm_first_seen_is_first_evidence(void **state)
{
	(void)state;
	start();
	struct bspec s = tcnb(GUEST);
	for (int i = 0; i < 5; i++)
		feed_bpdu("tap10", IN, 1000.0 + 2 * i, &s);
	flap(0x32, 5, 1000.0, 1.0);
	const struct finding *f = one(FINDING_TC_STORM);
	assert_true(f->first_seen >= 1000.0);
	f = one(FINDING_MAC_FLAP);
	assert_true(f->first_seen >= 999.0);
}

/*
 * Regression test (a bug once in diagnose.c count_since over FLAP_HISTORY = 8 entries): with
 * mac_flap_moves above 8 no MAC can ever flap, however fast it moves; the
 * same holds for tc_storm_count > TC_HISTORY (64) and root_change_count >
 * ROOT_HISTORY (16).  The configuration is accepted silently.
 */
static void test_mac_flap_moves_above_history(void **state)
{
	(void)state;
	struct engine_config c;
	engine_config_defaults(&c);
	c.mac_flap_moves = 9;
	start_cfg(&c);
	flap(0x33, 40, 1000.0, 0.1);   /* 40 moves in 4 s */
	assert_int_equal(nkind(FINDING_MAC_FLAP), 1);
}

/*
 * Regression test (a bug once in mactable.c mactable_init line 19): the table gets
 * round_pow2(size / 8) buckets of 8, so any mac_table_size that is not
 * 8 x a power of two is rounded *up*: 5000 gives 8192 slots, and
 * macs_tracked exceeds the configured bound by up to 2x.
 */
static void test_mac_table_size_is_a_bound(void **state)
{
	(void)state;
	struct engine_config c;
	engine_config_defaults(&c);
	c.mac_table_size = 5000;
	start_cfg(&c);
	prng_state = 7;
	for (uint32_t i = 0; i < 100000; i++) {
		uint64_t r = prng();
		uint8_t m[6];
		for (int k = 0; k < 6; k++)
			m[k] = (uint8_t)(r >> (8 * k));
		feed_data("eth0", IN, 1000.0 + i * 1e-4, m, i);
	}
	assert_true(stats().macs_tracked <= 5000);
}

/*
 * Regression test (a bug once in echo.c echo_frame line 140, "the same frame again on the same port"):
 * a broadcast the bridge floods OUT on tap10 and tap11 comes back IN on
 * tap11 and tap10 through the hub, but each port already holds the OUT
 * copy, so both returns count as repeats and no echo is seen.  With STP
 * off (no BPDUs) a hub is then never found from ordinary traffic.  An IN
 * copy on a port whose earlier copy went OUT is a bounce.
 */
static void test_flooded_broadcast_echo_is_seen(void **state)
{
	(void)state;
	start();
	uint8_t m[6];
	mac_of(m, 0x40);
	for (uint32_t i = 0; i < 3; i++) {
		double t = 1000.0 + i;
		feed_data("eth0", IN, t, m, i);
		feed_data("tap10", OUT, t + 0.00001, m, i);
		feed_data("tap11", OUT, t + 0.00002, m, i);
		feed_data("tap11", IN, t + 0.00010, m, i);   /* tap10's copy, via the hub */
		feed_data("tap10", IN, t + 0.00011, m, i);   /* tap11's copy */
	}
	assert_true(stats().echoes > 0);
	assert_int_equal(nkind(FINDING_SHARED_HUB), 1);
}

/*
 * Regression test (a bug once in echo.c slot_for line 105, `t >= en->first`): a copy whose timestamp is
 * earlier than the first copy processed is taken for a stale entry, which
 * is then wiped.  Live, livecap_dispatch_ready reads one ring's pending frames
 * after another's, so a hub duplicate seen on tap11 20 us after tap10 is
 * often processed first: the duplicate is lost.
 */
static void test_copies_processed_out_of_timestamp_order(void **state)
{
	(void)state;
	start();
	uint8_t m[6];
	mac_of(m, 0x41);
	for (uint32_t i = 0; i < 2; i++) {
		feed_data("tap11", IN, 1000.00002 + i, m, i);
		feed_data("tap10", IN, 1000.0 + i, m, i);
	}
	assert_int_equal(stats().echoes, 2);
	assert_int_equal(nkind(FINDING_SHARED_HUB), 1);
}

/*
 * Regression test (a bug once in engine.c engine_vm lines 248-252): a VM NIC without a tap (tap "",
 * e.g. -netdev user) is registered as a port named "" and marked a tap;
 * every such NIC of every VM shares that one phantom port.
 */
static void test_vm_nic_without_tap_is_no_port(void **state)
{
	(void)state;
	start();
	vm2(9, "user-net", "tap10", -1, "", -1, 1000.0);
	assert_int_equal(engine_port_count(E), 1);
}

#define T(fn) cmocka_unit_test_teardown(fn, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_shared_hub_bpdu_echoed_twice_is_critical),
		T(test_shared_hub_single_echo_is_nothing),
		T(test_shared_hub_copy_after_window_is_nothing),
		T(test_shared_hub_copy_exactly_at_window_is_echo),
		T(test_shared_hub_copy_one_ns_past_window_is_nothing),
		T(test_shared_hub_not_on_non_tap_ports),
		T(test_shared_hub_three_taps_one_finding),
		T(test_shared_hub_two_vms_two_findings),
		T(test_shared_hub_data_out_then_in_is_echo),
		T(test_shared_hub_data_in_on_two_taps_is_duplicate),
		T(test_shared_hub_flooding_is_nothing),
		T(test_shared_hub_data_without_direction_never_echoes),
		T(test_shared_hub_bpdu_without_direction_is_echo),
		T(test_shared_hub_vm_command_line_latent_warning),
		T(test_shared_hub_vm_with_echoes_is_critical_and_named),
		T(test_shared_hub_vm_adds_silent_taps),
		T(test_shared_hub_vm_own_backends_is_nothing),
		T(test_shared_hub_vm_gone_is_nothing),
		T(test_port_loop_taps_of_one_bridge_critical),
		T(test_port_loop_uplinks_of_one_bridge_warning),
		T(test_port_loop_not_for_outside_bpdu_on_two_uplinks),
		T(test_shared_hub_evidence_dies_with_the_process),
		T(test_port_loop_own_bpdu_arriving),
		T(test_port_loop_own_bpdu_leaving_is_nothing),
		T(test_port_loop_threshold_per_port_pair),
		T(test_port_loop_incoming_only_names_sending_port),
		T(test_shared_hub_one_local_bpdu_is_proof),
		T(test_bridge_merge_tap_echo_critical),
		T(test_bridge_merge_uplink_echo_info),
		T(test_bridge_merge_root_port_is_tap),
		T(test_bridge_merge_root_port_uplink_is_nothing),
		T(test_bridge_merge_local_bridge_heard_on_tap),
		T(test_blocked_tap_warning_names_last_bpdu),
		T(test_blocked_tap_without_bpdu),
		T(test_blocked_tap_forwarding_or_non_tap_is_nothing),
		T(test_mac_flap_at_threshold_warning),
		T(test_mac_flap_below_threshold_nothing),
		T(test_mac_flap_window_boundary),
		T(test_mac_flap_spread_over_more_than_window_nothing),
		T(test_mac_flap_fdb_moves_count),
		T(test_mac_flap_outgoing_frames_ignored),
		T(test_tc_storm_tcns_at_threshold),
		T(test_tc_storm_window_boundary),
		T(test_tc_storm_rising_tc_flags),
		T(test_tc_storm_flag_held_counts_once),
		T(test_tc_storm_echo_counts_once),
		T(test_root_change_once_is_info),
		T(test_root_change_three_within_window_is_warning),
		T(test_root_change_spread_is_info),
		T(test_foreign_rstp_bpdu_on_tap),
		T(test_foreign_stp_bpdu_not_ignored_by_kernel),
		T(test_foreign_not_on_uplink),
		T(test_foreign_root_claim),
		T(test_root_through_tap_relayed_is_merge),
		T(test_bridge_root_change_between_snapshots),
		T(test_tcn_is_no_timer_mismatch),
		T(test_hostile_port_name_printable),
		T(test_timer_mismatch_invalid_relation),
		T(test_timer_mismatch_boundaries),
		T(test_timer_mismatch_two_senders_on_one_port),
		T(test_mtu_mismatch),
		T(test_mtu_equal_or_unknown_or_other_bridge_is_nothing),
		T(test_evidence_hold_expires_shared_hub),
		T(test_evidence_hold_zero_keeps_forever),
		T(test_bounded_mac_table_under_random_flood),
		T(test_bounded_echo_table_under_bpdu_flood),
		T(test_findings_sorted_most_severe_first),
		T(test_name_matches),
		T(test_tap_patterns_from_config),
		T(test_undecodable_bpdus_counted),
		T(test_bridge_registry),
		T(test_long_port_name_is_one_port),
		T(test_dual_homed_uplinks_are_not_a_port_loop),
		T(test_mac_flap_kept_with_evidence_hold_zero),
		T(test_tc_storm_kept_with_evidence_hold_zero),
		T(test_storm_first_seen_is_first_evidence),
		T(test_mac_flap_moves_above_history),
		T(test_mac_table_size_is_a_bound),
		T(test_flooded_broadcast_echo_is_seen),
		T(test_copies_processed_out_of_timestamp_order),
		T(test_vm_nic_without_tap_is_no_port),
	};
	return cmocka_run_group_tests_name("engine", tests, NULL, NULL);
}
