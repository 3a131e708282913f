/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_print.c - the BPDU writers (bpdu_print_text, bpdu_print_json) and
 * the shared formatters (format_bridge_id, format_mac, format_time_utc,
 * escape_text), compared against exact expected strings.
 *
 * The BPDUs are built as frames and decoded from exact-size heap copies,
 * so the writers see what the decoders really produce.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "stpwatch/bpdu.h"
#include "stpwatch/bpdu_print.h"
#include "stpwatch/capfile.h"
#include "stpwatch/frame.h"
#include "stpwatch/names.h"
#include "stpwatch/packet.h"
#include "stpwatch/sbuf.h"

/* ---- builders ------------------------------------------------------- */

#include "bytes.h"

struct pv {
	uint8_t flags;
	uint64_t root;
	uint32_t cost;
	uint64_t bridge;
	uint16_t port;
	uint16_t age, max, hello, fdelay;
};

static void w_pv(struct fb *f, unsigned version, unsigned type, const struct pv *p)
{
	put16(f, 0);
	put8(f, version);
	put8(f, type);
	put8(f, p->flags);
	put64(f, p->root);
	put32(f, p->cost);
	put64(f, p->bridge);
	put16(f, p->port);
	put16(f, p->age);
	put16(f, p->max);
	put16(f, p->hello);
	put16(f, p->fdelay);
}

struct msti_in {
	uint8_t flags;
	uint64_t root;
	uint32_t cost;
	uint8_t bprio, pprio, hops;
};

/* MST BPDU: the RST part, then the MST part and n MSTI records. */
static void w_mst(struct fb *f, const struct pv *p, const uint8_t name[32], unsigned rev,
		  uint32_t int_cost, uint64_t cist_bridge, unsigned hops,
		  const struct msti_in *m, unsigned n)
{
	w_pv(f, 3, 0x02, p);
	put8(f, 0);
	put16(f, 64 + 16 * n);
	put8(f, 0);
	putn(f, name, 32);
	put16(f, rev);
	for (unsigned i = 0; i < 16; i++)
		put8(f, i * 0x11);
	put32(f, int_cost);
	put64(f, cist_bridge);
	put8(f, hops);
	for (unsigned i = 0; i < n; i++) {
		put8(f, m[i].flags);
		put64(f, m[i].root);
		put32(f, m[i].cost);
		put8(f, m[i].bprio);
		put8(f, m[i].pprio);
		put8(f, m[i].hops);
	}
}

static const uint8_t MAC_STP[6] = { 0x01, 0x80, 0xc2, 0x00, 0x00, 0x00 };
static const uint8_t MAC_PVST[6] = { 0x01, 0x00, 0x0c, 0xcc, 0xcc, 0xcd };

struct wrap {
	const uint8_t *src;
	int vlan;               /* -1: untagged */
	bool pvst;
	uint32_t declared;      /* 0: the body's length */
	size_t cut;             /* 0: the whole body */
};

/* A decoded BPDU and the packet that carries it; the frame buffer is gone by then. */
struct decoded {
	struct frame f;
	struct bpdu b;
	struct packet pkt;
};

static void decode(struct decoded *d, const struct fb *body, const struct wrap *w)
{
	struct fb fr = { .n = 0 };
	uint32_t declared = w->declared ? w->declared : (uint32_t)body->n;
	putn(&fr, w->pvst ? MAC_PVST : MAC_STP, 6);
	putn(&fr, w->src, 6);
	if (w->vlan >= 0) {
		put16(&fr, 0x8100);
		put16(&fr, (unsigned)w->vlan);
	}
	put16(&fr, (w->pvst ? 8 : 3) + declared);
	if (w->pvst) {
		put8(&fr, 0xaa); put8(&fr, 0xaa); put8(&fr, 0x03);
		put8(&fr, 0x00); put16(&fr, 0x000c); put16(&fr, 0x010b);
	} else {
		put8(&fr, 0x42); put8(&fr, 0x42); put8(&fr, 0x03);
	}
	size_t hdr = fr.n;
	putn(&fr, body->b, body->n);
	size_t caplen = hdr + (w->cut ? w->cut : body->n);

	uint8_t *p = malloc(caplen);
	assert_non_null(p);
	memcpy(p, fr.b, caplen);
	frame_decode(&d->f, LINKTYPE_ETHERNET, p, (uint32_t)caplen, (uint32_t)fr.n);
	assert_int_equal(d->f.status, FRAME_OK);
	bpdu_decode(&d->b, &d->f);
	free(p);
	d->f.payload = cursor_make(NULL, 0); /* nothing may look at the freed bytes */

	memset(&d->pkt, 0, sizeof(d->pkt));
	d->pkt.ifindex = -1;
	d->pkt.caplen = (uint32_t)caplen;
	d->pkt.wirelen = (uint32_t)fr.n;
	d->pkt.frame = &d->f;
}

static void expect_text(const struct decoded *d, const char *want)
{
	struct sbuf s;
	sbuf_init(&s);
	bpdu_print_text(&s, &d->pkt, &d->b);
	assert_false(sbuf_failed(&s));
	assert_string_equal(sbuf_str(&s), want);
	sbuf_free(&s);
}

static void expect_json(const struct decoded *d, const char *want)
{
	struct sbuf s;
	sbuf_init(&s);
	bpdu_print_json(&s, &d->pkt, &d->b);
	assert_false(sbuf_failed(&s));
	assert_string_equal(sbuf_str(&s), want);
	sbuf_free(&s);
}

/* Returns the writer's output in a heap string the caller frees. */
static char *text_of(const struct decoded *d, bool json)
{
	struct sbuf s;
	sbuf_init(&s);
	if (json)
		bpdu_print_json(&s, &d->pkt, &d->b);
	else
		bpdu_print_text(&s, &d->pkt, &d->b);
	assert_false(sbuf_failed(&s));
	char *out = strdup(sbuf_str(&s));
	assert_non_null(out);
	sbuf_free(&s);
	return out;
}

static void assert_contains(const char *hay, const char *needle)
{
	if (!strstr(hay, needle))
		fail_msg("\"%s\" not found in \"%s\"", needle, hay);
}

/* ---- fixtures -------------------------------------------------------- */

static const uint8_t SRC_CONFIG[6] = { 0x00, 0x19, 0xb9, 0xcd, 0xb5, 0x7d };
static const uint8_t SRC_RST[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
static const uint8_t SRC_MST[6] = { 0x00, 0x00, 0x00, 0x00, 0x00, 0x03 };

static const struct pv PV_CONFIG = {
	0x81, 0x8000001122334455ULL, 4, 0x8001001122334466ULL, 0x8002,
	256, 20 * 256, 2 * 256, 15 * 256,
};

static const struct pv PV_RST = {
	0x7e, 0x1000525400000001ULL, 200000, 0x2000525400000002ULL, 0x8003,
	0x80, 20 * 256, 2 * 256, 15 * 256,
};

static const struct pv PV_MST = {
	0x39, 0x8000000000000001ULL, 0, 0x8000000000000002ULL, 0x8001,
	0, 20 * 256, 2 * 256, 15 * 256,
};

static const struct msti_in MSTI5 = {
	0x7c, 0x9005000000000002ULL, 2000, 0x90, 0x80, 19,
};

static void config_packet(struct decoded *d, uint32_t declared)
{
	struct fb body = { .n = 0 };
	w_pv(&body, 0, 0x00, &PV_CONFIG);
	struct wrap w = { SRC_CONFIG, -1, false, declared, 0 };
	decode(d, &body, &w);
	d->pkt.ts_sec = 1213789445;
	d->pkt.ts_nsec = 787073000;
	d->pkt.number = 1;
	d->pkt.ifname = "eth0";
}

static void rst_packet(struct decoded *d, size_t cut)
{
	struct fb body = { .n = 0 };
	w_pv(&body, 2, 0x02, &PV_RST);
	put8(&body, 0);
	struct wrap w = { SRC_RST, 100, false, 0, cut };
	decode(d, &body, &w);
	d->pkt.ts_sec = 2000000000;
	d->pkt.ts_nsec = 5000;
	d->pkt.number = 42;
	d->pkt.ifname = "vnet0";
	d->pkt.ifindex = 7;
	d->pkt.direction = FRAME_DIR_OUT;
}

static void mst_packet(struct decoded *d, const uint8_t name[32])
{
	struct fb body = { .n = 0 };
	w_mst(&body, &PV_MST, name, 7, 20000, 0x8000000000000003ULL, 20, &MSTI5, 1);
	struct wrap w = { SRC_MST, -1, false, 0, 0 };
	decode(d, &body, &w);
	d->pkt.ts_sec = 1700000000;
	d->pkt.ts_nsec = 250000000;
	d->pkt.number = 3;
	d->pkt.ifname = "br0";
	d->pkt.direction = FRAME_DIR_IN;
}

static const uint8_t REGION1[32] = "region1";

/* ---- the writers ----------------------------------------------------- */

static void test_config_text_and_json(void **state)
{
	(void)state;
	struct decoded d;
	config_packet(&d, 0);
	assert_int_equal(d.b.status, BPDU_OK);
	expect_text(&d,
		"2008-06-18 11:44:05.787073 eth0 00:19:b9:cd:b5:7d stp config flags [tc,tca]"
		" root 8000.001122334455 cost 4 bridge 8001.001122334466 port 8002"
		" age 1 max 20 hello 2 fdelay 15 length 35\n");
	expect_json(&d,
		"{\"frame\":1,\"time\":1213789445.787073,\"ifname\":\"eth0\","
		"\"src\":\"00:19:b9:cd:b5:7d\",\"dst\":\"01:80:c2:00:00:00\",\"vlan\":null,"
		"\"encap\":\"llc\",\"length\":35,\"protocol\":\"stp\",\"version\":0,"
		"\"type\":\"config\",\"flags\":[\"tc\",\"tca\"],"
		"\"root_id\":\"8000.001122334455\",\"root_path_cost\":4,"
		"\"bridge_id\":\"8001.001122334466\",\"port_id\":\"8002\","
		"\"message_age\":1.0,\"max_age\":20.0,\"hello_time\":2.0,\"forward_delay\":15.0,"
		"\"status\":\"ok\"}\n");
}

static void test_rst_text_and_json(void **state)
{
	(void)state;
	struct decoded d;
	rst_packet(&d, 0);
	assert_int_equal(d.b.status, BPDU_OK);
	expect_text(&d,
		"2033-05-18 03:33:20.000005 vnet0 52:54:00:12:34:56 vlan 100 rstp rst"
		" flags [proposal,learning,forwarding,agreement] role designated"
		" root 1000.525400000001 cost 200000 bridge 2000.525400000002 port 8003"
		" age 0.5 max 20 hello 2 fdelay 15 length 36\n");
	expect_json(&d,
		"{\"frame\":42,\"time\":2000000000.000005,\"ifname\":\"vnet0\",\"ifindex\":7,"
		"\"direction\":\"out\",\"src\":\"52:54:00:12:34:56\",\"dst\":\"01:80:c2:00:00:00\","
		"\"vlan\":100,\"encap\":\"llc\",\"length\":36,\"protocol\":\"rstp\",\"version\":2,"
		"\"type\":\"rst\",\"flags\":[\"proposal\",\"learning\",\"forwarding\",\"agreement\"],"
		"\"role\":\"designated\",\"root_id\":\"1000.525400000001\",\"root_path_cost\":200000,"
		"\"bridge_id\":\"2000.525400000002\",\"port_id\":\"8003\","
		"\"message_age\":0.5,\"max_age\":20.0,\"hello_time\":2.0,\"forward_delay\":15.0,"
		"\"status\":\"ok\"}\n");
}

static void test_mst_text_and_json(void **state)
{
	(void)state;
	struct decoded d;
	mst_packet(&d, REGION1);
	assert_int_equal(d.b.status, BPDU_OK);
	assert_int_equal(d.b.n_msti, 1);
	expect_text(&d,
		"2023-11-14 22:13:20.250000 br0 00:00:00:00:00:03 mstp mst"
		" flags [tc,learning,forwarding] role root"
		" root 8000.000000000001 ext-cost 0 regional-root 8000.000000000002 port 8001"
		" int-cost 20000 bridge 8000.000000000003 hops 20 region \"region1\" rev 7 msti 5"
		" age 0 max 20 hello 2 fdelay 15 length 118\n");
	expect_json(&d,
		"{\"frame\":3,\"time\":1700000000.25,\"ifname\":\"br0\",\"direction\":\"in\","
		"\"src\":\"00:00:00:00:00:03\",\"dst\":\"01:80:c2:00:00:00\",\"vlan\":null,"
		"\"encap\":\"llc\",\"length\":118,\"protocol\":\"mstp\",\"version\":3,"
		"\"type\":\"mst\",\"flags\":[\"tc\",\"learning\",\"forwarding\"],\"role\":\"root\","
		"\"root_id\":\"8000.000000000001\",\"root_path_cost\":0,"
		"\"regional_root_id\":\"8000.000000000002\",\"bridge_id\":\"8000.000000000003\","
		"\"port_id\":\"8001\","
		"\"message_age\":0.0,\"max_age\":20.0,\"hello_time\":2.0,\"forward_delay\":15.0,"
		"\"v3_length\":80,\"mst_config_id\":{\"format\":0,\"name\":\"region1\",\"revision\":7,"
		"\"digest\":\"00112233445566778899aabbccddeeff\"},"
		"\"cist_internal_root_path_cost\":20000,\"cist_remaining_hops\":20,"
		"\"msti\":[{\"msti\":5,\"flags\":[\"learning\",\"forwarding\",\"agreement\"],"
		"\"role\":\"designated\",\"regional_root_id\":\"9005.000000000002\","
		"\"internal_root_path_cost\":2000,\"bridge_priority\":36864,\"port_priority\":128,"
		"\"remaining_hops\":19}],"
		"\"status\":\"ok\"}\n");
}

static void test_truncated_text_and_json(void **state)
{
	(void)state;
	struct decoded d;
	rst_packet(&d, 20); /* inside the root identifier */
	assert_int_equal(d.b.status, BPDU_TRUNCATED);
	expect_text(&d,
		"2033-05-18 03:33:20.000005 vnet0 52:54:00:12:34:56 vlan 100 rstp rst"
		" flags [proposal,learning,forwarding,agreement] role designated"
		" length 36 [truncated: capture ends inside the BPDU]\n");
	expect_json(&d,
		"{\"frame\":42,\"time\":2000000000.000005,\"ifname\":\"vnet0\",\"ifindex\":7,"
		"\"direction\":\"out\",\"src\":\"52:54:00:12:34:56\",\"dst\":\"01:80:c2:00:00:00\","
		"\"vlan\":100,\"encap\":\"llc\",\"length\":36,\"protocol\":\"rstp\",\"version\":2,"
		"\"type\":\"rst\",\"flags\":[\"proposal\",\"learning\",\"forwarding\",\"agreement\"],"
		"\"role\":\"designated\",\"status\":\"truncated\","
		"\"reason\":\"capture ends inside the BPDU\"}\n");

	/* Cut before the version: nothing but the length and the status. */
	rst_packet(&d, 2);
	expect_text(&d,
		"2033-05-18 03:33:20.000005 vnet0 52:54:00:12:34:56 vlan 100 unknown"
		" length 36 [truncated: capture ends inside the BPDU]\n");
	expect_json(&d,
		"{\"frame\":42,\"time\":2000000000.000005,\"ifname\":\"vnet0\",\"ifindex\":7,"
		"\"direction\":\"out\",\"src\":\"52:54:00:12:34:56\",\"dst\":\"01:80:c2:00:00:00\","
		"\"vlan\":100,\"encap\":\"llc\",\"length\":36,\"protocol\":\"unknown\","
		"\"status\":\"truncated\",\"reason\":\"capture ends inside the BPDU\"}\n");
}

static void test_invalid_text_and_json(void **state)
{
	(void)state;
	struct decoded d;
	config_packet(&d, 34);
	assert_int_equal(d.b.status, BPDU_INVALID);
	expect_text(&d,
		"2008-06-18 11:44:05.787073 eth0 00:19:b9:cd:b5:7d stp config"
		" length 34 [invalid: Config BPDU shorter than 35 octets]\n");
	expect_json(&d,
		"{\"frame\":1,\"time\":1213789445.787073,\"ifname\":\"eth0\","
		"\"src\":\"00:19:b9:cd:b5:7d\",\"dst\":\"01:80:c2:00:00:00\",\"vlan\":null,"
		"\"encap\":\"llc\",\"length\":34,\"protocol\":\"stp\",\"version\":0,"
		"\"type\":\"config\",\"status\":\"invalid\","
		"\"reason\":\"Config BPDU shorter than 35 octets\"}\n");

	/* A bad protocol identifier: neither version nor type is shown. */
	struct fb body = { .n = 0 };
	w_pv(&body, 0, 0x00, &PV_CONFIG);
	body.b[1] = 0x01;
	struct wrap w = { SRC_CONFIG, -1, false, 0, 0 };
	decode(&d, &body, &w);
	d.pkt.number = 9;
	expect_text(&d,
		"1970-01-01 00:00:00.000000 - 00:19:b9:cd:b5:7d unknown"
		" length 35 [invalid: protocol identifier is not 0 (802.1D 9.3.4)]\n");
	expect_json(&d,
		"{\"frame\":9,\"time\":0.0,\"ifname\":null,"
		"\"src\":\"00:19:b9:cd:b5:7d\",\"dst\":\"01:80:c2:00:00:00\",\"vlan\":null,"
		"\"encap\":\"llc\",\"length\":35,\"protocol\":\"unknown\","
		"\"status\":\"invalid\","
		"\"reason\":\"protocol identifier is not 0 (802.1D 9.3.4)\"}\n");
}

/* TCN: no flags, no role, no vectors. */
static void test_tcn_text_and_json(void **state)
{
	(void)state;
	struct decoded d;
	struct fb body = { .n = 0 };
	put16(&body, 0);
	put8(&body, 0);
	put8(&body, 0x80);
	struct wrap w = { SRC_CONFIG, 0, false, 0, 0 };
	decode(&d, &body, &w);
	d.pkt.ts_sec = 1213789445;
	d.pkt.number = 2;
	d.pkt.ifname = "eth0";
	expect_text(&d,
		"2008-06-18 11:44:05.000000 eth0 00:19:b9:cd:b5:7d vlan 0 stp tcn length 4\n");
	expect_json(&d,
		"{\"frame\":2,\"time\":1213789445.0,\"ifname\":\"eth0\","
		"\"src\":\"00:19:b9:cd:b5:7d\",\"dst\":\"01:80:c2:00:00:00\",\"vlan\":0,"
		"\"encap\":\"llc\",\"length\":4,\"protocol\":\"stp\",\"version\":0,"
		"\"type\":\"tcn\",\"status\":\"ok\"}\n");
}

/* PVST+ with its VLAN TLV, from a cooked capture (no destination address). */
static void test_pvst_sll2_text_and_json(void **state)
{
	(void)state;
	struct fb fr = { .n = 0 };
	put16(&fr, 0x0004);          /* SLL2: protocol ETH_P_802_2 */
	put16(&fr, 0);
	put32(&fr, 5);               /* ifindex */
	put16(&fr, 1);
	put8(&fr, 0);                /* PACKET_HOST */
	put8(&fr, 6);
	putn(&fr, SRC_RST, 6);
	put16(&fr, 0);
	put8(&fr, 0xaa); put8(&fr, 0xaa); put8(&fr, 0x03);
	put8(&fr, 0x00); put16(&fr, 0x000c); put16(&fr, 0x010b);
	struct pv p = PV_RST;
	p.flags = 0x08 | 0x01; /* root port, tc */
	w_pv(&fr, 2, 0x02, &p);
	put8(&fr, 0);
	put16(&fr, 0); put16(&fr, 2); put16(&fr, 20);   /* originating VLAN 20 */

	uint8_t *buf = malloc(fr.n);
	assert_non_null(buf);
	memcpy(buf, fr.b, fr.n);
	struct decoded d;
	frame_decode(&d.f, LINKTYPE_LINUX_SLL2, buf, (uint32_t)fr.n, (uint32_t)fr.n);
	assert_int_equal(d.f.status, FRAME_OK);
	bpdu_decode(&d.b, &d.f);
	free(buf);
	d.f.payload = cursor_make(NULL, 0);
	assert_int_equal(d.b.status, BPDU_OK);
	memset(&d.pkt, 0, sizeof(d.pkt));
	d.pkt.ts_sec = 1213789445;
	d.pkt.ts_nsec = 1000;
	d.pkt.number = 5;
	d.pkt.ifname = "any";
	d.pkt.ifindex = d.f.ifindex;
	d.pkt.direction = d.f.direction;
	d.pkt.frame = &d.f;

	expect_text(&d,
		"2008-06-18 11:44:05.000001 any 52:54:00:12:34:56 pvst rst flags [tc] role root"
		" root 1000.525400000001 cost 200000 bridge 2000.525400000002 port 8003"
		" age 0.5 max 20 hello 2 fdelay 15 pvst-vlan 20 length 42\n");
	expect_json(&d,
		"{\"frame\":5,\"time\":1213789445.000001,\"ifname\":\"any\",\"ifindex\":5,"
		"\"direction\":\"in\",\"src\":\"52:54:00:12:34:56\",\"dst\":null,\"vlan\":null,"
		"\"encap\":\"snap\",\"length\":42,\"protocol\":\"pvst\",\"version\":2,"
		"\"type\":\"rst\",\"flags\":[\"tc\"],\"role\":\"root\","
		"\"root_id\":\"1000.525400000001\",\"root_path_cost\":200000,"
		"\"bridge_id\":\"2000.525400000002\",\"port_id\":\"8003\","
		"\"message_age\":0.5,\"max_age\":20.0,\"hello_time\":2.0,\"forward_delay\":15.0,"
		"\"pvst_vlan\":20,\"status\":\"ok\"}\n");
}

/* An MST region name with a quote, a backslash, ESC and 0xff. */
static void test_region_name_escaped(void **state)
{
	(void)state;
	static const uint8_t name[32] = { 'a', '"', 'b', '\\', 'c', 0x1b, 'd', 0xff };
	struct decoded d;
	mst_packet(&d, name);
	assert_int_equal(d.b.status, BPDU_OK);

	char *text = text_of(&d, false);
	assert_contains(text, " region \"a\\x22b\\x5cc\\x1bd\\xff\" rev 7 ");
	assert_null(strchr(text, 0x1b));
	assert_null(strchr(text, (char)0xff));
	free(text);

	char *json = text_of(&d, true);
	assert_contains(json, "\"name\":\"a\\\"b\\\\c\\u001bd\\u00ff\",\"revision\":7,");
	assert_null(strchr(json, 0x1b));
	assert_null(strchr(json, (char)0xff));
	free(json);
}

/*
 * A region name of 32 octets and no NUL: exactly 32 octets come out.  The
 * octets after the name inside struct mst_config_id (padding, revision) are
 * set to 'Z' so that reading past the name would show.
 */
static void test_region_name_32_octets(void **state)
{
	(void)state;
	static const uint8_t name[32] = {
		'A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J', 'K', 'L', 'M', 'N', 'O', 'P',
		'Q', 'R', 'S', 'T', 'U', 'V', 'W', 'X', 'Y', 'Z', '0', '1', '2', '3', '4', '5',
	};
	struct decoded d;
	mst_packet(&d, name);
	assert_int_equal(d.b.status, BPDU_OK);
	assert_memory_equal(d.b.mst_config.name, name, 32);

	uint8_t *cfg = (uint8_t *)&d.b.mst_config;
	size_t name_end = offsetof(struct mst_config_id, name) + 32;
	for (size_t i = name_end; i < offsetof(struct mst_config_id, revision); i++)
		cfg[i] = 'Z';
	d.b.mst_config.revision = 0x5a5a;

	char *text = text_of(&d, false);
	assert_contains(text, " region \"ABCDEFGHIJKLMNOPQRSTUVWXYZ012345\" rev 23130 ");
	free(text);
	char *json = text_of(&d, true);
	assert_contains(json, "\"name\":\"ABCDEFGHIJKLMNOPQRSTUVWXYZ012345\",\"revision\":23130,");
	free(json);

	/* escape_text straight from an exact 32-octet heap block. */
	uint8_t *h = malloc(32);
	assert_non_null(h);
	memcpy(h, name, 32);
	struct sbuf s;
	sbuf_init(&s);
	escape_text(&s, h, 32);
	assert_string_equal(sbuf_str(&s), "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345");
	sbuf_free(&s);
	free(h);
}

static void test_escape_text(void **state)
{
	(void)state;
	static const uint8_t in[] = { 'o', 'k', ' ', '~', 0x7f, 0x80, 0x01, '\n', '"', '\\', 0, 'x' };
	struct sbuf s;
	sbuf_init(&s);
	escape_text(&s, in, sizeof(in));
	assert_string_equal(sbuf_str(&s), "ok ~\\x7f\\x80\\x01\\x0a\\x22\\x5c");
	sbuf_reset(&s);
	escape_text(&s, in, 2);
	assert_string_equal(sbuf_str(&s), "ok");
	sbuf_reset(&s);
	escape_text(&s, in, 0);
	assert_string_equal(sbuf_str(&s), "");
	sbuf_free(&s);
}

/* More than 64 MSTIs: JSON reports how many were dropped; text lists the kept ones. */
static void test_msti_ignored(void **state)
{
	(void)state;
	struct msti_in m[65];
	for (unsigned i = 0; i < 65; i++) {
		m[i].flags = 0x04; /* alternate */
		m[i].root = (uint64_t)(0x8000 + i + 1) << 48;
		m[i].cost = i;
		m[i].bprio = 0x80;
		m[i].pprio = 0x80;
		m[i].hops = 20;
	}
	struct fb body = { .n = 0 };
	w_mst(&body, &PV_MST, REGION1, 7, 20000, 0x8000000000000003ULL, 20, m, 65);
	struct wrap w = { SRC_MST, -1, false, 0, 0 };
	struct decoded d;
	decode(&d, &body, &w);
	assert_int_equal(d.b.n_msti, 64);
	assert_int_equal(d.b.msti_ignored, 1);

	char *json = text_of(&d, true);
	assert_contains(json, "\"remaining_hops\":20}],\"msti_ignored\":1,\"status\":\"ok\"}");
	assert_contains(json, "\"msti\":64,\"flags\":[],\"role\":\"alternate\"");
	free(json);
	char *text = text_of(&d, false);
	assert_contains(text, " msti 1,2,3,4,5,6,7,8,9,10,");
	assert_contains(text, ",63,64 age ");
	free(text);
}

/* ---- formatters ------------------------------------------------------ */

static void test_format_bridge_id(void **state)
{
	(void)state;
	char buf[BRIDGE_ID_STRLEN];
	format_bridge_id(buf, 0x80000019b9cdb57dULL);
	assert_string_equal(buf, "8000.0019b9cdb57d");
	format_bridge_id(buf, 0);
	assert_string_equal(buf, "0000.000000000000");
	format_bridge_id(buf, 0xffffffffffffffffULL);
	assert_string_equal(buf, "ffff.ffffffffffff");
	format_bridge_id(buf, 0x1001000000000001ULL);
	assert_string_equal(buf, "1001.000000000001");
	assert_int_equal(strlen(buf) + 1, BRIDGE_ID_STRLEN);
}

static void test_format_mac(void **state)
{
	(void)state;
	char buf[MAC_STRLEN];
	static const uint8_t a[6] = { 0x00, 0x19, 0xb9, 0xcd, 0xb5, 0x7d };
	static const uint8_t b[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	static const uint8_t z[6] = { 0 };
	format_mac(buf, a);
	assert_string_equal(buf, "00:19:b9:cd:b5:7d");
	format_mac(buf, b);
	assert_string_equal(buf, "ff:ff:ff:ff:ff:ff");
	assert_int_equal(strlen(buf) + 1, MAC_STRLEN);
	format_mac(buf, z);
	assert_string_equal(buf, "00:00:00:00:00:00");
}

static void test_format_time_utc(void **state)
{
	(void)state;
	char buf[TIME_STRLEN];
	format_time_utc(buf, 0, 0);
	assert_string_equal(buf, "1970-01-01 00:00:00.000000");
	/* Nanoseconds are cut to microseconds, not rounded. */
	format_time_utc(buf, 1213789445, 787073999);
	assert_string_equal(buf, "2008-06-18 11:44:05.787073");
	format_time_utc(buf, 1213789445, 999);
	assert_string_equal(buf, "2008-06-18 11:44:05.000000");
	format_time_utc(buf, 1213789445, 999999999);
	assert_string_equal(buf, "2008-06-18 11:44:05.999999");
	/* Past 2^31 seconds (2038) and in 2033. */
	format_time_utc(buf, 2000000000, 123456000);
	assert_string_equal(buf, "2033-05-18 03:33:20.123456");
	format_time_utc(buf, 4102444800LL, 0);
	assert_string_equal(buf, "2100-01-01 00:00:00.000000");
	format_time_utc(buf, 951782400, 0); /* leap day */
	assert_string_equal(buf, "2000-02-29 00:00:00.000000");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_config_text_and_json),
		cmocka_unit_test(test_rst_text_and_json),
		cmocka_unit_test(test_mst_text_and_json),
		cmocka_unit_test(test_truncated_text_and_json),
		cmocka_unit_test(test_invalid_text_and_json),
		cmocka_unit_test(test_tcn_text_and_json),
		cmocka_unit_test(test_pvst_sll2_text_and_json),
		cmocka_unit_test(test_region_name_escaped),
		cmocka_unit_test(test_region_name_32_octets),
		cmocka_unit_test(test_escape_text),
		cmocka_unit_test(test_msti_ignored),
		cmocka_unit_test(test_format_bridge_id),
		cmocka_unit_test(test_format_mac),
		cmocka_unit_test(test_format_time_utc),
	};
	return cmocka_run_group_tests_name("print", tests, NULL, NULL);
}
