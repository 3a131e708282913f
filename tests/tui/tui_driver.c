/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tui_driver - the interactive view on synthetic data, for tests/tui/run.sh
 * and for trying the view without a host full of VMs.
 *
 * The engine is fed what a KVM host with a shared QEMU hub looks like:
 * bridge br0 (root port eth0 towards an outside switch) with taps tap10
 * and tap11 of VM web1 (pid 4242) on one hub; br0's BPDU leaves on tap10
 * and comes back on tap11 half a millisecond later, twice; tap11 is
 * blocking.  Bridge br1 carries --ports N more ports (vnet0...), two of
 * them of VM db1.  Time runs from 2024-05-14 09:30:00 UTC; unless
 * --freeze, a hello every two seconds keeps the ages moving.
 *
 * The loop is the one the live mode uses: poll() on the view's input with
 * a timeout, keys, draws; SIGINT/SIGTERM/SIGHUP set a flag (handlers
 * installed before tui_open()), fatal signals restore the terminal.
 *
 *   tui_driver [--ports N] [--freeze] [--no-repair] [--hostile] [--warn]
 *              [--mode TEXT] [--pidfile FILE]
 *   tui_driver --selftest      checks of the sanitiser, no terminal needed
 */
#include <errno.h>
#include <limits.h>
#include <locale.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "stpwatch/bpdu.h"
#include "stpwatch/engine.h"
#include "stpwatch/frame.h"
#include "stpwatch/packet.h"
#include "tui.h"

#define T0  1715679000.0               /* 2024-05-14 09:30:00 UTC */
#define SW  0x1000001122334455ULL      /* the outside switch: the root */
#define BR0 0x8000525400000a00ULL
#define BR1 0x8000525400000b00ULL
#define S256(s) ((uint16_t)((s) * 256))

static volatile sig_atomic_t stop_signal;

static void on_stop(int sig)
{
	stop_signal = sig;
}

static void on_fatal(int sig)
{
	tui_restore_terminal();
	signal(sig, SIG_DFL);
	raise(sig);
}

static double mono(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- synthetic input ------------------------------------------------------------ */

static void put_be(uint8_t *p, size_t *n, uint64_t v, unsigned bytes)
{
	while (bytes--)
		p[(*n)++] = (uint8_t)(v >> (8 * bytes));
}

/* A configuration BPDU of `bridge` port `port` (root `root`, cost) seen on ifname at t. */
static void bpdu(struct engine *e, const char *ifname, enum frame_direction dir, double t,
		 uint64_t bridge, uint16_t port, uint64_t root, uint32_t cost)
{
	uint8_t wire[40];
	size_t n = 0;
	struct bpdu b;
	struct frame f;
	struct packet pkt;

	memset(&b, 0, sizeof(b));
	b.status = BPDU_OK;
	b.have = BPDU_HAVE_VERSION | BPDU_HAVE_TYPE | BPDU_HAVE_FLAGS | BPDU_HAVE_PRIORITY |
		 BPDU_HAVE_TIMERS;
	b.protocol = BPDU_PROTO_STP;
	b.type = BPDU_TYPE_CONFIG;
	b.root_id = root;
	b.root_path_cost = cost;
	b.bridge_id = bridge;
	b.port_id = port;
	b.message_age = root == bridge ? 0 : 256;
	b.max_age = S256(20);
	b.hello_time = S256(2);
	b.forward_delay = S256(15);
	put_be(wire, &n, 0, 4);                 /* protocol id, version, type */
	put_be(wire, &n, b.flags, 1);
	put_be(wire, &n, b.root_id, 8);
	put_be(wire, &n, b.root_path_cost, 4);
	put_be(wire, &n, b.bridge_id, 8);
	put_be(wire, &n, b.port_id, 2);
	put_be(wire, &n, b.message_age, 2);
	put_be(wire, &n, b.max_age, 2);
	put_be(wire, &n, b.hello_time, 2);
	put_be(wire, &n, b.forward_delay, 2);
	b.length = b.octets = (uint32_t)n;

	memset(&f, 0, sizeof(f));
	f.status = FRAME_OK;
	f.payload_kind = PAYLOAD_STP;
	f.direction = dir;
	f.have_dst = true;
	memcpy(f.dst, (const uint8_t[6]){ 0x01, 0x80, 0xc2, 0, 0, 0 }, 6);
	for (int i = 0; i < 6; i++)
		f.src[i] = (uint8_t)(bridge >> (8 * (5 - i)));
	f.src[5] = (uint8_t)(f.src[5] + (port & 0xff));
	f.ifindex = -1;
	f.vlan = -1;
	f.is_8023 = true;
	f.length_field = (uint16_t)(n + 3);
	f.llc_dsap = f.llc_ssap = 0x42;
	f.llc_control = 0x03;
	f.payload = cursor_make(wire, n);
	f.payload_declared = (uint32_t)n;

	memset(&pkt, 0, sizeof(pkt));
	double s = floor(t);
	pkt.ts_sec = (int64_t)s;
	pkt.ts_nsec = (uint32_t)llround((t - s) * 1e9) % 1000000000u;
	pkt.number = 1;
	pkt.ifname = ifname;
	pkt.ifindex = -1;
	pkt.direction = dir;
	pkt.caplen = pkt.wirelen = (uint32_t)(n + 17);
	pkt.frame = &f;
	engine_frame(e, &pkt, &b);
}

static void port(struct engine *e, const char *name, const char *bridge, enum port_kind kind,
		 enum port_state state, uint16_t id, uint32_t cost, uint64_t dbridge, uint16_t dport)
{
	struct port_info p;
	memset(&p, 0, sizeof(p));
	snprintf(p.name, sizeof(p.name), "%s", name);
	snprintf(p.bridge, sizeof(p.bridge), "%s", bridge);
	p.kind = kind;
	p.ifindex = -1;
	p.mtu = 1500;
	p.state = state;
	p.port_id = id;
	p.path_cost = cost;
	p.designated_root = SW;
	p.designated_bridge = dbridge;
	p.designated_port = dport;
	engine_port(e, &p, T0);
}

static void bridge(struct engine *e, const char *name, uint64_t id, uint64_t root,
		   const char *root_port, uint32_t cost, uint32_t tcs)
{
	struct bridge_info b;
	memset(&b, 0, sizeof(b));
	snprintf(b.name, sizeof(b.name), "%s", name);
	snprintf(b.root_port, sizeof(b.root_port), "%s", root_port);
	b.bridge_id = id;
	b.root_id = root;
	b.root_path_cost = cost;
	b.stp_enabled = true;
	b.kernel_stp = true;
	b.hello_time = S256(2);
	b.max_age = S256(20);
	b.forward_delay = S256(15);
	b.topology_changes = tcs;
	b.mtu = 1500;
	engine_bridge(e, &b, T0);
}

static void vm(struct engine *e, int pid, const char *name, const char *tap_a, int hub_a,
	       const char *tap_b, int hub_b)
{
	struct vm_info v;
	memset(&v, 0, sizeof(v));
	v.pid = pid;
	snprintf(v.name, sizeof(v.name), "%s", name);
	v.n_nics = tap_b ? 2 : 1;
	snprintf(v.nics[0].tap, sizeof(v.nics[0].tap), "%s", tap_a);
	v.nics[0].hub = hub_a;
	v.nics[0].have_mac = true;
	memcpy(v.nics[0].mac, (const uint8_t[6]){ 0x52, 0x54, 0, 0x12, 0x34, 0x56 }, 6);
	v.nics[0].mac[5] = (uint8_t)(v.nics[0].mac[5] + pid);
	if (tap_b) {
		snprintf(v.nics[1].tap, sizeof(v.nics[1].tap), "%s", tap_b);
		v.nics[1].hub = hub_b;
	}
	engine_vm(e, &v, T0);
}

/* br0 sends its BPDU on tap10; the hub hands it back in on tap11. */
static void hello(struct engine *e, double t)
{
	bpdu(e, "eth0", FRAME_DIR_IN, t, SW, 0x8002, SW, 0);
	bpdu(e, "tap10", FRAME_DIR_OUT, t + 0.010, BR0, 0x8002, SW, 4);
	bpdu(e, "tap11", FRAME_DIR_IN, t + 0.0105, BR0, 0x8002, SW, 4);
}

static void build(struct engine *e, unsigned extra, bool hostile)
{
	bridge(e, "br0", BR0, SW, "eth0", 4, 3);
	bridge(e, "br1", BR1, BR1, "", 0, 0);
	port(e, "eth0", "br0", PORT_KIND_OTHER, PORT_STATE_FORWARDING, 0x8001, 4, SW, 0x8002);
	port(e, "tap10", "br0", PORT_KIND_TAP, PORT_STATE_FORWARDING, 0x8002, 100, BR0, 0x8002);
	port(e, "tap11", "br0", PORT_KIND_TAP, PORT_STATE_BLOCKING, 0x8003, 100, BR0, 0x8002);
	vm(e, 4242, "web1", "tap10", 0, "tap11", 0);
	for (unsigned k = 0; k < extra; k++) {
		char name[32];
		enum port_state st = PORT_STATE_FORWARDING;
		if (k % 200 == 199)
			st = PORT_STATE_DISABLED;
		else if (k % 97 == 96)
			st = PORT_STATE_LISTENING;
		else if (k % 50 == 49)
			st = PORT_STATE_LEARNING;
		uint16_t id = (uint16_t)(0x8000 | ((k + 1) & 0x0fff));
		snprintf(name, sizeof(name), "vnet%u", k);
		port(e, name, "br1", PORT_KIND_TAP, st, id, 100, BR1, id);
		bpdu(e, name, FRAME_DIR_OUT, T0 + 2 + k * 0.001, BR1, id, BR1, 0);
	}
	if (extra >= 2)
		vm(e, 4343, "db1", "vnet0", -1, "vnet1", -1);
	if (hostile) {
		/* Names a guest or a sloppy script controls: escapes must not reach the terminal. */
		port(e, "evil\x1b[31mtap\x07", "br1", PORT_KIND_TAP, PORT_STATE_FORWARDING, 0x8ffe,
		     100, BR1, 0x8ffe);
		vm(e, 6666, "bad\x1b]0;pwned\x07vm\x1b[2J\xff", "evil\x1b[31mtap\x07", -1, NULL, 0);
	}
	hello(e, T0 + 1);
	hello(e, T0 + 3);
	engine_tick(e, T0 + 5);
}

/* ---- sanitiser self-test ------------------------------------------------------------ */

static int selftest(void)
{
	static const struct {
		const char *in;
		int cols;
		bool utf8;
		const char *want;
	} cases[] = {
		{ "tap10", 80, false, "tap10" },
		{ "a\x1b[2Jb", 80, false, "a?[2Jb" },
		{ "t\x1b]0;x\x07", 80, true, "t?]0;x?" },
		{ "\r\n\t", 80, true, "???" },
		{ "\x7f", 80, true, "?" },
		{ "\xc2\x9b" "31m", 80, true, "?31m" },           /* C1 CSI */
		{ "\xff\xfe", 80, true, "??" },
		{ "\xc0\xaf", 80, true, "??" },                   /* overlong '/' */
		{ "\xed\xa0\x80", 80, true, "???" },              /* surrogate */
		{ "\xe2\x80\xae" "abc", 80, true, "?abc" },       /* bidi override */
		{ "caf\xc3\xa9", 80, true, "caf\xc3\xa9" },
		{ "caf\xc3\xa9", 80, false, "caf?" },
		{ "\xe6\x97\xa5\xe6\x9c\xac", 3, true, "\xe6\x97\xa5" },  /* wide: 2 columns each */
		{ "abcdef", 4, false, "abcd" },
		{ "abc\xe2\x82", 80, true, "abc??" },             /* cut sequence */
		{ "", 10, true, "" },
	};
	unsigned passed = 0, failed = 0;
	char out[64];
	bool have_utf8 = setlocale(LC_CTYPE, "C.UTF-8") != NULL;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (cases[i].utf8 && !have_utf8)
			continue;
		int cols = tui_sanitize(out, sizeof(out), cases[i].in, SIZE_MAX, cases[i].cols,
					cases[i].utf8);
		if (strcmp(out, cases[i].want) == 0 && cols <= cases[i].cols) {
			passed++;
		} else {
			failed++;
			printf("selftest: case %zu: got '%s' (%d columns)\n", i, out, cols);
		}
	}
	/* A small buffer is never overrun and always terminated. */
	char tiny[4];
	tui_sanitize(tiny, sizeof(tiny), "abcdef", SIZE_MAX, 80, true);
	if (strcmp(tiny, "abc") == 0)
		passed++;
	else
		failed++;
	printf("selftest: %u passed, %u failed\n", passed, failed);
	return failed ? 1 : 0;
}

/* ---- main ------------------------------------------------------------------------------ */

static void usage(void)
{
	fprintf(stderr, "usage: tui_driver [--ports N] [--freeze] [--no-repair] [--hostile] "
		"[--warn] [--mode TEXT] [--pidfile FILE] | --selftest\n");
}

int main(int argc, char **argv)
{
	unsigned extra = 0;
	bool freeze = false, repair = true, hostile = false, warn = false;
	const char *mode = "tui_driver (synthetic)", *pidfile = NULL;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--ports") == 0 && i + 1 < argc) {
			extra = (unsigned)strtoul(argv[++i], NULL, 10);
			if (extra > ENGINE_MAX_PORTS - 8)
				extra = ENGINE_MAX_PORTS - 8;
		} else if (strcmp(a, "--mode") == 0 && i + 1 < argc) {
			mode = argv[++i];
		} else if (strcmp(a, "--pidfile") == 0 && i + 1 < argc) {
			pidfile = argv[++i];
		} else if (strcmp(a, "--freeze") == 0) {
			freeze = true;
		} else if (strcmp(a, "--no-repair") == 0) {
			repair = false;
		} else if (strcmp(a, "--hostile") == 0) {
			hostile = true;
		} else if (strcmp(a, "--warn") == 0) {
			warn = true;
		} else if (strcmp(a, "--selftest") == 0) {
			return selftest();
		} else {
			usage();
			return 2;
		}
	}

	struct engine_config cfg;
	engine_config_defaults(&cfg);
	struct engine *e = engine_new(&cfg);
	if (!e) {
		fprintf(stderr, "tui_driver: out of memory\n");
		return 1;
	}
	build(e, extra, hostile);

	/* The signal handling the live mode uses: before tui_open(). */
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = on_fatal;
	sa.sa_flags = (int)SA_RESETHAND;
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
	sigaction(SIGFPE, &sa, NULL);
	sigaction(SIGABRT, &sa, NULL);
	atexit(tui_restore_terminal);

	if (pidfile) {
		FILE *f = fopen(pidfile, "w");
		if (f) {
			fprintf(f, "%ld\n", (long)getpid());
			fclose(f);
		}
	}

	char err[200];
	struct tui *t = tui_open(err, sizeof(err));
	if (!t) {
		fprintf(stderr, "tui_driver: %s\n", err);
		engine_free(e);
		return 1;
	}
	log_msg(LOG_LEVEL_INFO, "tui_driver: %u ports, %u VMs loaded", engine_port_count(e),
		engine_vm_count(e));
	if (warn)
		log_msg(LOG_LEVEL_WARNING, "a test warning from tui_driver");

	struct tui_status st = {
		.mode = mode,
		.drops = 0,
		.ports_watched = engine_port_count(e),
		.message = "synthetic data: press ? for help",
		.repair_available = repair,
	};
	struct tui_request req;
	unsigned repairs = 0;
	bool quit = false;
	double start = mono(), next_tick = 1.0;

	tui_draw(t, e, &st);
	while (!stop_signal) {
		struct pollfd pfd = { .fd = tui_input_fd(), .events = POLLIN };
		if (poll(&pfd, 1, 200) < 0 && errno != EINTR)
			break;
		if (stop_signal)
			break;
		bool redraw = false;
		enum tui_action a = tui_handle_keys(t, e, &req);
		if (a == TUI_QUIT) {
			quit = true;
			break;
		}
		if (a == TUI_REPAIR) {
			char msg[200];
			repairs++;
			snprintf(msg, sizeof(msg), "tui_driver: repair requested for VM %s pid %d "
				 "(finding %d)", req.finding.vm_name, req.vm_pid, req.finding_index);
			tui_message(t, msg);
			redraw = true;
		}
		redraw |= a == TUI_REDRAW;
		double el = mono() - start;
		if (!freeze && el >= next_tick) {
			double now = T0 + 5 + el;
			if ((long)next_tick % 2 == 0)
				hello(e, now);
			engine_tick(e, now);
			next_tick += 1.0;
			redraw = true;
		}
		if (redraw)
			tui_draw(t, e, &st);
	}
	tui_close(t);
	tui_close(t);          /* idempotent */
	if (quit)
		printf("tui_driver: quit, %u repair request%s\n", repairs, repairs == 1 ? "" : "s");
	else
		printf("tui_driver: stopped by signal %d\n", (int)stop_signal);
	engine_free(e);
	return 0;
}
