/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * nlbridge.c - Linux bridges, their ports and FDB over rtnetlink.
 *
 * The parser walks attributes itself (attr_next() below) rather than with
 * libnl's nla_parse(): a policy violation there rejects the whole message,
 * while one short attribute should only cost that attribute; and parsing
 * in this file keeps every read where the sanitizers can see it.  libnl-3
 * does the sockets: connecting, group membership, building and sending
 * requests, and reading dump replies (multipart, sequence numbers, errors,
 * NLM_F_DUMP_INTR).  Notifications are read with recvmsg() directly so
 * that ENOBUFS and MSG_TRUNC are seen as what they are.
 *
 * Attribute numbers and payloads are the UAPI's (<linux/if_link.h>,
 * <linux/if_bridge.h>, <linux/neighbour.h>, <linux/rtnetlink.h>); sizes as
 * the kernel puts them (net/bridge/br_netlink.c), checked against the
 * recordings in tests/data/netlink/:
 *   IFLA_BR_FORWARD_DELAY/HELLO_TIME/MAX_AGE/AGEING_TIME  u32, centiseconds
 *   IFLA_BR_STP_STATE u32, IFLA_BR_PRIORITY u16, IFLA_BR_ROOT_PORT u16,
 *   IFLA_BR_ROOT_PATH_COST u32, IFLA_BR_TOPOLOGY_CHANGE(_DETECTED) u8,
 *   IFLA_BR_*_TIMER u64 centiseconds, IFLA_BR_BRIDGE_ID/ROOT_ID
 *   struct ifla_bridge_id; IFLA_BRPORT_STATE u8, PRIORITY u16, COST u32,
 *   ID/NO/DESIGNATED_PORT u16, DESIGNATED_COST u16 (sic), ROOT_ID and
 *   BRIDGE_ID (the designated root and bridge) struct ifla_bridge_id,
 *   GUARD/PROTECT/... u8, *_TIMER u64 centiseconds.  Integers are in host
 *   order, bridge ids in network order.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/if.h>
#include <linux/if_bridge.h>
#include <linux/if_link.h>
#include <linux/if_tun.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>

#include <netlink/attr.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>

#include "nlbridge.h"

/* ======================================================================= */
/* Attributes                                                               */

struct attr {
	uint16_t type;            /* without NLA_F_NESTED / NLA_F_NET_BYTEORDER */
	bool nested;              /* NLA_F_NESTED was set */
	const uint8_t *data;
	size_t len;
};

struct attr_iter {
	const uint8_t *p;
	size_t left;
	unsigned *bad;
};

static void iter_init(struct attr_iter *it, const void *p, size_t len, unsigned *bad)
{
	it->p = p;
	it->left = len;
	it->bad = bad;
}

/*
 * The next attribute, or false at the end.  An attribute shorter than its
 * own header or longer than what is left ends the walk (counted in *bad):
 * nothing after it can be trusted.  1..3 trailing bytes are counted too.
 */
static bool attr_next(struct attr_iter *it, struct attr *a)
{
	struct nlattr h;

	if (it->left < sizeof(h)) {
		if (it->left)
			(*it->bad)++;
		it->left = 0;
		return false;
	}
	memcpy(&h, it->p, sizeof(h));
	if (h.nla_len < NLA_HDRLEN || h.nla_len > it->left) {
		(*it->bad)++;
		it->left = 0;
		return false;
	}
	a->type = h.nla_type & NLA_TYPE_MASK;
	a->nested = (h.nla_type & NLA_F_NESTED) != 0;
	a->data = it->p + NLA_HDRLEN;
	a->len = h.nla_len - NLA_HDRLEN;
	size_t step = NLA_ALIGN(h.nla_len);
	if (step > it->left)
		step = it->left;
	it->p += step;
	it->left -= step;
	return true;
}

/* Getters: false (and counted) when the payload is shorter than the type. */
static bool need(const struct attr *a, size_t n, unsigned *bad)
{
	if (a->len >= n)
		return true;
	(*bad)++;
	return false;
}

static bool get_u8(const struct attr *a, uint8_t *v, unsigned *bad)
{
	if (!need(a, 1, bad))
		return false;
	*v = a->data[0];
	return true;
}

static bool get_u16(const struct attr *a, uint16_t *v, unsigned *bad)
{
	if (!need(a, sizeof(*v), bad))
		return false;
	memcpy(v, a->data, sizeof(*v));
	return true;
}

static bool get_u32(const struct attr *a, uint32_t *v, unsigned *bad)
{
	if (!need(a, sizeof(*v), bad))
		return false;
	memcpy(v, a->data, sizeof(*v));
	return true;
}

static bool get_u64(const struct attr *a, uint64_t *v, unsigned *bad)
{
	if (!need(a, sizeof(*v), bad))
		return false;
	memcpy(v, a->data, sizeof(*v));
	return true;
}

static bool get_bool(const struct attr *a, bool *v, unsigned *bad)
{
	uint8_t x;
	if (!get_u8(a, &x, bad))
		return false;
	*v = x != 0;
	return true;
}

static bool get_id(const struct attr *a, uint64_t *v, unsigned *bad)
{
	if (!need(a, 8, bad))      /* sizeof(struct ifla_bridge_id) */
		return false;
	*v = nlbridge_id(a->data);
	return true;
}

/* A u64 centisecond timer -> 1/256 s. */
static bool get_timer(const struct attr *a, uint32_t *v, unsigned *bad)
{
	uint64_t cs;
	if (!get_u64(a, &cs, bad))
		return false;
	*v = nlbridge_cs_to_256(cs);
	return true;
}

/* A u32 centisecond time -> 1/256 s, capped to what bridge_info holds. */
static bool get_time16(const struct attr *a, uint16_t *v, unsigned *bad)
{
	uint32_t cs;
	if (!get_u32(a, &cs, bad))
		return false;
	uint32_t t = nlbridge_cs_to_256(cs);
	*v = t > UINT16_MAX ? UINT16_MAX : (uint16_t)t;
	return true;
}

/* A string attribute into dst (NUL-terminated, zero-filled); false if empty. */
static bool get_str(const struct attr *a, char *dst, size_t dstlen)
{
	size_t n = 0;
	memset(dst, 0, dstlen);
	while (n < a->len && n + 1 < dstlen && a->data[n]) {
		dst[n] = (char)a->data[n];
		n++;
	}
	return n > 0;
}

uint32_t nlbridge_cs_to_256(uint64_t cs)
{
	if (cs > (UINT64_MAX - 50) / 256)
		return UINT32_MAX;
	uint64_t v = (cs * 256 + 50) / 100;
	return v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
}

/* Packed like a BPDU's identifier (bpdu.h): priority << 48 | MAC. */
uint64_t nlbridge_id(const uint8_t raw[8])
{
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v = v << 8 | raw[i];
	return v;
}

/* ======================================================================= */
/* Parsing                                                                  */

static enum port_state port_state_of(uint8_t s)
{
	switch (s) {
	case BR_STATE_DISABLED: return PORT_STATE_DISABLED;
	case BR_STATE_LISTENING: return PORT_STATE_LISTENING;
	case BR_STATE_LEARNING: return PORT_STATE_LEARNING;
	case BR_STATE_FORWARDING: return PORT_STATE_FORWARDING;
	case BR_STATE_BLOCKING: return PORT_STATE_BLOCKING;
	default: return PORT_STATE_UNKNOWN;
	}
}

/* IFLA_INFO_DATA of kind "bridge": IFLA_BR_* */
static void parse_br(const struct attr *data, struct nlbridge_event *ev)
{
	struct bridge_info *b = &ev->bridge;
	struct nlbridge_bridge_extra *x = &ev->bx;
	unsigned *bad = &ev->bad_attrs;
	struct attr_iter it;
	struct attr a;
	uint32_t u32;

	iter_init(&it, data->data, data->len, bad);
	while (attr_next(&it, &a)) {
		switch (a.type) {
		case IFLA_BR_FORWARD_DELAY: get_time16(&a, &b->forward_delay, bad); break;
		case IFLA_BR_HELLO_TIME: get_time16(&a, &b->hello_time, bad); break;
		case IFLA_BR_MAX_AGE: get_time16(&a, &b->max_age, bad); break;
		case IFLA_BR_AGEING_TIME:
			if (get_u32(&a, &u32, bad))
				x->ageing_time = nlbridge_cs_to_256(u32);
			break;
		case IFLA_BR_STP_STATE:
			if (get_u32(&a, &x->stp_state, bad)) {
				b->stp_enabled = x->stp_state != 0;
				b->kernel_stp = x->stp_state == 1;  /* BR_KERNEL_STP; 2 = BR_USER_STP */
			}
			break;
		case IFLA_BR_PRIORITY: get_u16(&a, &x->priority, bad); break;
		case IFLA_BR_VLAN_FILTERING: get_bool(&a, &x->vlan_filtering, bad); break;
		case IFLA_BR_GROUP_FWD_MASK: get_u16(&a, &x->group_fwd_mask, bad); break;
		case IFLA_BR_ROOT_ID: get_id(&a, &b->root_id, bad); break;
		case IFLA_BR_BRIDGE_ID: get_id(&a, &b->bridge_id, bad); break;
		case IFLA_BR_ROOT_PORT: get_u16(&a, &x->root_port_no, bad); break;
		case IFLA_BR_ROOT_PATH_COST: get_u32(&a, &b->root_path_cost, bad); break;
		case IFLA_BR_TOPOLOGY_CHANGE: get_bool(&a, &x->topology_change, bad); break;
		case IFLA_BR_TOPOLOGY_CHANGE_DETECTED:
			get_bool(&a, &x->topology_change_detected, bad);
			break;
		case IFLA_BR_HELLO_TIMER: get_timer(&a, &x->hello_timer, bad); break;
		case IFLA_BR_TCN_TIMER: get_timer(&a, &x->tcn_timer, bad); break;
		case IFLA_BR_TOPOLOGY_CHANGE_TIMER:
			get_timer(&a, &x->topology_change_timer, bad);
			break;
		case IFLA_BR_GC_TIMER: get_timer(&a, &x->gc_timer, bad); break;
		case IFLA_BR_GROUP_ADDR:
			if (need(&a, 6, bad)) {
				memcpy(x->group_addr, a.data, 6);
				x->have_group_addr = true;
			}
			break;
		default:
			break;    /* multicast, netfilter, VLAN ...: not ours */
		}
	}
	ev->have |= NLB_HAVE_BRIDGE;
}

/* IFLA_BRPORT_* (IFLA_INFO_SLAVE_DATA, or IFLA_PROTINFO in AF_BRIDGE) */
static void parse_brport(const struct attr *data, struct nlbridge_event *ev)
{
	struct port_info *p = &ev->port;
	struct nlbridge_port_extra *x = &ev->px;
	unsigned *bad = &ev->bad_attrs;
	struct attr_iter it;
	struct attr a;
	uint8_t u8;
	uint16_t u16;

	iter_init(&it, data->data, data->len, bad);
	while (attr_next(&it, &a)) {
		switch (a.type) {
		case IFLA_BRPORT_STATE:
			if (get_u8(&a, &u8, bad))
				p->state = port_state_of(u8);
			break;
		case IFLA_BRPORT_PRIORITY: get_u16(&a, &x->priority, bad); break;
		case IFLA_BRPORT_COST: get_u32(&a, &p->path_cost, bad); break;
		case IFLA_BRPORT_GUARD: get_bool(&a, &x->guard, bad); break;
		case IFLA_BRPORT_PROTECT: get_bool(&a, &x->root_block, bad); break;
		case IFLA_BRPORT_FAST_LEAVE: get_bool(&a, &x->fast_leave, bad); break;
		case IFLA_BRPORT_LEARNING: get_bool(&a, &x->learning, bad); break;
		case IFLA_BRPORT_UNICAST_FLOOD: get_bool(&a, &x->unicast_flood, bad); break;
		case IFLA_BRPORT_ROOT_ID: get_id(&a, &p->designated_root, bad); break;
		case IFLA_BRPORT_BRIDGE_ID: get_id(&a, &p->designated_bridge, bad); break;
		case IFLA_BRPORT_DESIGNATED_PORT: get_u16(&a, &p->designated_port, bad); break;
		case IFLA_BRPORT_DESIGNATED_COST:
			/* The kernel puts a u16; take a u32 should that change. */
			if (a.len >= 4)
				get_u32(&a, &x->designated_cost, bad);
			else if (get_u16(&a, &u16, bad))
				x->designated_cost = u16;
			break;
		case IFLA_BRPORT_ID: get_u16(&a, &p->port_id, bad); break;
		case IFLA_BRPORT_NO: get_u16(&a, &x->port_no, bad); break;
		case IFLA_BRPORT_TOPOLOGY_CHANGE_ACK:
			get_bool(&a, &x->topology_change_ack, bad);
			break;
		case IFLA_BRPORT_CONFIG_PENDING: get_bool(&a, &x->config_pending, bad); break;
		case IFLA_BRPORT_MESSAGE_AGE_TIMER:
			get_timer(&a, &x->message_age_timer, bad);
			break;
		case IFLA_BRPORT_FORWARD_DELAY_TIMER:
			get_timer(&a, &x->forward_delay_timer, bad);
			break;
		case IFLA_BRPORT_HOLD_TIMER: get_timer(&a, &x->hold_timer, bad); break;
		default:
			break;
		}
	}
	ev->have |= NLB_HAVE_STP;
}

/* IFLA_LINKINFO: kind, kind data, slave kind, slave data */
static void parse_linkinfo(const struct attr *li, struct nlbridge_event *ev,
			   bool *bridge_port)
{
	struct attr_iter it;
	struct attr a, data = { 0 }, slave_data = { 0 };
	bool have_data = false, have_slave_data = false;
	char slave_kind[16] = "";

	iter_init(&it, li->data, li->len, &ev->bad_attrs);
	while (attr_next(&it, &a)) {
		switch (a.type) {
		case IFLA_INFO_KIND: get_str(&a, ev->kind, sizeof(ev->kind)); break;
		case IFLA_INFO_DATA: data = a; have_data = true; break;
		case IFLA_INFO_SLAVE_KIND: get_str(&a, slave_kind, sizeof(slave_kind)); break;
		case IFLA_INFO_SLAVE_DATA: slave_data = a; have_slave_data = true; break;
		default: break;
		}
	}
	if (strcmp(ev->kind, "bridge") == 0 && have_data)
		parse_br(&data, ev);
	if (strcmp(ev->kind, "tun") == 0) {
		/* A tap is a "tun" link with IFLA_TUN_TYPE IFF_TAP; only taps can be
		 * bridged, so "tun" without IFLA_TUN_TYPE (kernels before 4.15) is one. */
		ev->port.kind = PORT_KIND_TAP;
		if (have_data) {
			struct attr_iter t;
			struct attr ta;
			uint8_t type;
			iter_init(&t, data.data, data.len, &ev->bad_attrs);
			while (attr_next(&t, &ta))
				if (ta.type == IFLA_TUN_TYPE && get_u8(&ta, &type, &ev->bad_attrs))
					ev->port.kind = type == IFF_TAP ? PORT_KIND_TAP : PORT_KIND_OTHER;
		}
	}
	if (strcmp(slave_kind, "bridge") == 0) {
		*bridge_port = true;
		if (have_slave_data)
			parse_brport(&slave_data, ev);
	}
}

static void event_init(struct nlbridge_event *ev)
{
	memset(ev, 0, sizeof(*ev));
	ev->port.ifindex = -1;
	ev->port.state = PORT_STATE_UNKNOWN;
	ev->fdb.vlan = -1;
}

static int malformed(struct nlbridge_event *ev, const char *why)
{
	ev->type = NLBRIDGE_EV_NONE;
	ev->reason = why;
	return -1;
}

static int parse_link(const struct nlmsghdr *nlh, struct nlbridge_event *ev)
{
	struct ifinfomsg ifi;
	struct attr_iter it;
	struct attr a;
	bool bridge_port = false, have_protinfo = false;
	struct attr protinfo = { 0 };
	uint32_t u32;
	unsigned *bad = &ev->bad_attrs;

	if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof(ifi)))
		return malformed(ev, "link message shorter than struct ifinfomsg");
	memcpy(&ifi, NLMSG_DATA(nlh), sizeof(ifi));
	ev->family = ifi.ifi_family;
	if (ifi.ifi_family != AF_UNSPEC && ifi.ifi_family != AF_BRIDGE)
		return 0;
	ev->ifindex = ifi.ifi_index;
	ev->ifi_flags = ifi.ifi_flags;

	size_t off = NLMSG_LENGTH(NLMSG_ALIGN(sizeof(ifi)));
	size_t end = nlh->nlmsg_len;
	iter_init(&it, (const uint8_t *)nlh + (off < end ? off : end),
		  off < end ? end - off : 0, bad);
	while (attr_next(&it, &a)) {
		switch (a.type) {
		case IFLA_IFNAME:
			if (get_str(&a, ev->name, sizeof(ev->name)))
				ev->have |= NLB_HAVE_NAME;
			break;
		case IFLA_MTU:
			if (get_u32(&a, &u32, bad) && u32 <= INT32_MAX) {
				ev->port.mtu = (int)u32;
				ev->have |= NLB_HAVE_MTU;
			}
			break;
		case IFLA_ADDRESS:
			if (a.len == 6) {  /* Ethernet only */
				memcpy(ev->port.mac, a.data, 6);
				ev->port.have_mac = true;
				ev->have |= NLB_HAVE_MAC;
			}
			break;
		case IFLA_MASTER:
			if (get_u32(&a, &u32, bad) && u32 > 0 && u32 <= INT32_MAX) {
				ev->master = (int)u32;
				ev->have |= NLB_HAVE_MASTER;
			}
			break;
		case IFLA_OPERSTATE:
			if (get_u8(&a, &ev->operstate, bad))
				ev->have |= NLB_HAVE_OPER;
			break;
		case IFLA_LINKINFO:
			if (ifi.ifi_family == AF_UNSPEC)
				parse_linkinfo(&a, ev, &bridge_port);
			break;
		case IFLA_PROTINFO:
			protinfo = a;
			have_protinfo = true;
			break;
		default:
			break;
		}
	}

	if (ifi.ifi_family == AF_UNSPEC) {
		/* No IFLA_INFO_KIND: a physical device, or another without rtnl_link_ops. */
		ev->have |= NLB_HAVE_KIND;
		if (ev->port.kind == PORT_KIND_UNKNOWN)
			ev->port.kind = PORT_KIND_OTHER;
	} else if (have_protinfo) {
		/* AF_BRIDGE: nested IFLA_BRPORT_*; before Linux 3.10 a bare u8 state. */
		uint8_t s;
		if (protinfo.nested || protinfo.len > 1) {
			parse_brport(&protinfo, ev);
		} else if (get_u8(&protinfo, &s, bad)) {
			ev->port.state = port_state_of(s);
			ev->have |= NLB_HAVE_STP;
		}
		bridge_port = true;
	}

	bool del = nlh->nlmsg_type == RTM_DELLINK;
	bool is_bridge = ifi.ifi_family == AF_UNSPEC && strcmp(ev->kind, "bridge") == 0;
	if (ifi.ifi_family == AF_BRIDGE && ev->master)
		bridge_port = true;    /* the bridge's own AF_BRIDGE message has no IFLA_MASTER */
	if (bridge_port && !ev->master) /* a port message must name its bridge */
		bridge_port = false;

	if (is_bridge)
		ev->type = del ? NLBRIDGE_EV_BRIDGE_GONE : NLBRIDGE_EV_BRIDGE;
	else if (bridge_port)
		ev->type = del ? NLBRIDGE_EV_PORT_GONE : NLBRIDGE_EV_PORT;
	else if (ifi.ifi_family == AF_UNSPEC)
		ev->type = del ? NLBRIDGE_EV_LINK_GONE : NLBRIDGE_EV_LINK;
	else
		return 0;          /* AF_BRIDGE and not a port: the bridge itself */

	snprintf(ev->port.name, sizeof(ev->port.name), "%s", ev->name);
	ev->port.ifindex = ev->ifindex;
	snprintf(ev->bridge.name, sizeof(ev->bridge.name), "%s", ev->name);
	ev->bridge.mtu = ev->port.mtu;
	return 1;
}

static int parse_neigh(const struct nlmsghdr *nlh, struct nlbridge_event *ev)
{
	struct ndmsg ndm;
	struct attr_iter it;
	struct attr a;
	bool have_mac = false;
	uint16_t vlan;
	uint32_t master;
	unsigned *bad = &ev->bad_attrs;

	if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof(ndm)))
		return malformed(ev, "neighbour message shorter than struct ndmsg");
	memcpy(&ndm, NLMSG_DATA(nlh), sizeof(ndm));
	ev->family = ndm.ndm_family;
	if (ndm.ndm_family != AF_BRIDGE)
		return 0;          /* ARP / NDP neighbours */
	ev->fdb.ifindex = ndm.ndm_ifindex;
	ev->fdb.state = ndm.ndm_state;
	ev->fdb.flags = ndm.ndm_flags;
	ev->ifindex = ndm.ndm_ifindex;

	size_t off = NLMSG_LENGTH(NLMSG_ALIGN(sizeof(ndm)));
	size_t end = nlh->nlmsg_len;
	iter_init(&it, (const uint8_t *)nlh + (off < end ? off : end),
		  off < end ? end - off : 0, bad);
	while (attr_next(&it, &a)) {
		switch (a.type) {
		case NDA_LLADDR:
			if (need(&a, 6, bad)) {
				memcpy(ev->fdb.mac, a.data, 6);
				have_mac = true;
			}
			break;
		case NDA_VLAN:
			if (get_u16(&a, &vlan, bad) && vlan >= 1 && vlan <= 4094)
				ev->fdb.vlan = vlan;
			break;
		case NDA_MASTER:
			if (get_u32(&a, &master, bad) && master <= INT32_MAX)
				ev->fdb.master = (int)master;
			break;
		default:
			break;
		}
	}
	if (!have_mac || ndm.ndm_ifindex <= 0)
		return 0;
	/* The bridge's and ports' own addresses (local: NUD_PERMANENT), static
	 * entries (NUD_NOARP), a device's own list (NTF_SELF alone), multicast. */
	if (ndm.ndm_state & (NUD_PERMANENT | NUD_NOARP))
		return 0;
	if ((ndm.ndm_flags & NTF_SELF) && !(ndm.ndm_flags & NTF_MASTER))
		return 0;
	if (ev->fdb.mac[0] & 1)
		return 0;
	ev->type = nlh->nlmsg_type == RTM_DELNEIGH ? NLBRIDGE_EV_FDB_GONE : NLBRIDGE_EV_FDB;
	return 1;
}

int nlbridge_parse(const struct nlmsghdr *nlh, size_t len, struct nlbridge_event *ev)
{
	event_init(ev);
	if (!nlh || len < sizeof(struct nlmsghdr))
		return malformed(ev, "shorter than a netlink header");
	if (nlh->nlmsg_len < sizeof(struct nlmsghdr))
		return malformed(ev, "nlmsg_len shorter than a netlink header");
	if (nlh->nlmsg_len > len)
		return malformed(ev, "nlmsg_len past the end of the buffer");
	ev->msg_type = nlh->nlmsg_type;
	switch (nlh->nlmsg_type) {
	case RTM_NEWLINK:
	case RTM_DELLINK:
		return parse_link(nlh, ev);
	case RTM_NEWNEIGH:
	case RTM_DELNEIGH:
		return parse_neigh(nlh, ev);
	default:
		return 0;          /* NLMSG_DONE, NLMSG_ERROR, addresses, routes ... */
	}
}

const char *nlbridge_state_name(enum port_state s)
{
	switch (s) {
	case PORT_STATE_DISABLED: return "disabled";
	case PORT_STATE_LISTENING: return "listening";
	case PORT_STATE_LEARNING: return "learning";
	case PORT_STATE_FORWARDING: return "forwarding";
	case PORT_STATE_BLOCKING: return "blocking";
	default: return "unknown";
	}
}

const char *nlbridge_role_name(enum nlbridge_role r)
{
	switch (r) {
	case NLBRIDGE_ROLE_NONE: return "none";
	case NLBRIDGE_ROLE_DISABLED: return "disabled";
	case NLBRIDGE_ROLE_ROOT: return "root";
	case NLBRIDGE_ROLE_DESIGNATED: return "designated";
	case NLBRIDGE_ROLE_ALTERNATE: return "alternate";
	case NLBRIDGE_ROLE_BACKUP: return "backup";
	default: return "unknown";
	}
}

const char *nlbridge_event_name(enum nlbridge_event_type t)
{
	switch (t) {
	case NLBRIDGE_EV_LINK: return "link";
	case NLBRIDGE_EV_LINK_GONE: return "link-gone";
	case NLBRIDGE_EV_BRIDGE: return "bridge";
	case NLBRIDGE_EV_BRIDGE_GONE: return "bridge-gone";
	case NLBRIDGE_EV_PORT: return "port";
	case NLBRIDGE_EV_PORT_GONE: return "port-gone";
	case NLBRIDGE_EV_FDB: return "fdb";
	case NLBRIDGE_EV_FDB_GONE: return "fdb-gone";
	case NLBRIDGE_EV_RESYNC: return "resync";
	default: return "none";
	}
}

/* ======================================================================= */
/* The cache                                                                */

struct link_rec {
	int ifindex;
	bool stale;               /* not seen yet in the sync going on */
	bool is_bridge, is_port;
	bool dirty;               /* bridge: a port changed since asked */
	int master;
	char name[NLBRIDGE_NAME_LEN];
	char kind[16];
	unsigned have;            /* NLB_HAVE_* ever seen */
	uint8_t operstate;
	unsigned ifi_flags;

	struct port_info port;
	struct nlbridge_port_extra px;
	struct bridge_info bridge;
	struct nlbridge_bridge_extra bx;
	bool tc_prev;
	uint32_t tc_count;

	/* What was last reported (the consumer's view). */
	bool rep_port, rep_bridge;
	struct port_info rport;
	struct nlbridge_port_extra rpx;
	struct bridge_info rbridge;
	struct nlbridge_bridge_extra rbx;
};

#define FDB_BUCKETS 1024u
#define FDB_WAYS 4u

struct fdb_slot {
	bool used;
	uint8_t mac[6];
	int vlan;
	int master;
	int ifindex;
	uint64_t last;
};

struct nlbridge_cache {
	struct link_rec *links;
	unsigned n, cap;
	bool syncing;
	struct fdb_slot fdb[FDB_BUCKETS * FDB_WAYS];
	uint64_t fdb_clock;
};

struct nlbridge_cache *nlbridge_cache_new(void)
{
	return calloc(1, sizeof(struct nlbridge_cache));
}

void nlbridge_cache_free(struct nlbridge_cache *c)
{
	if (!c)
		return;
	free(c->links);
	free(c);
}

static struct link_rec *find(struct nlbridge_cache *c, int ifindex)
{
	for (unsigned i = 0; i < c->n; i++)
		if (c->links[i].ifindex == ifindex)
			return &c->links[i];
	return NULL;
}

static struct link_rec *find_or_add(struct nlbridge_cache *c, int ifindex)
{
	struct link_rec *r = find(c, ifindex);
	if (r)
		return r;
	if (c->n == c->cap) {
		unsigned cap = c->cap ? c->cap * 2 : 64;
		struct link_rec *n = realloc(c->links, cap * sizeof(*n));
		if (!n)
			return NULL;
		c->links = n;
		c->cap = cap;
	}
	r = &c->links[c->n++];
	memset(r, 0, sizeof(*r));
	r->ifindex = ifindex;
	r->port.ifindex = ifindex;
	r->port.state = PORT_STATE_UNKNOWN;
	return r;
}

static void forget(struct nlbridge_cache *c, struct link_rec *r)
{
	unsigned i = (unsigned)(r - c->links);
	c->links[i] = c->links[--c->n];
}

static const char *bridge_name(struct nlbridge_cache *c, int ifindex)
{
	struct link_rec *b = ifindex > 0 ? find(c, ifindex) : NULL;
	return b && b->is_bridge ? b->name : "";
}

/* The port of bridge br whose port number is br's root port; "" if none. */
static const char *root_port_name(struct nlbridge_cache *c, const struct link_rec *br)
{
	if (!br->bx.root_port_no)
		return "";
	for (unsigned i = 0; i < c->n; i++) {
		const struct link_rec *p = &c->links[i];
		if (p->is_port && p->master == br->ifindex && (p->have & NLB_HAVE_STP) &&
		    p->px.port_no == br->bx.root_port_no)
			return p->name;
	}
	return "";
}

/* 802.1D roles from the priority vector (Linux exports none). */
static enum nlbridge_role infer_role(struct nlbridge_cache *c, const struct link_rec *p)
{
	struct link_rec *br = find(c, p->master);
	if (!(p->have & NLB_HAVE_STP) || !br || !br->is_bridge ||
	    !(br->have & NLB_HAVE_BRIDGE))
		return NLBRIDGE_ROLE_UNKNOWN;
	if (br->bx.stp_state == 0)
		return NLBRIDGE_ROLE_NONE;
	if (p->port.state == PORT_STATE_DISABLED)
		return NLBRIDGE_ROLE_DISABLED;
	if (br->bx.stp_state != 1)   /* user space STP: the kernel's vector is stale */
		return NLBRIDGE_ROLE_UNKNOWN;
	if (br->bx.root_port_no && p->px.port_no == br->bx.root_port_no)
		return NLBRIDGE_ROLE_ROOT;
	if (p->port.designated_bridge == br->bridge.bridge_id &&
	    p->port.designated_port == p->port.port_id)
		return NLBRIDGE_ROLE_DESIGNATED;
	if (p->port.state == PORT_STATE_BLOCKING)
		return p->port.designated_bridge == br->bridge.bridge_id ?
			NLBRIDGE_ROLE_BACKUP : NLBRIDGE_ROLE_ALTERNATE;
	return NLBRIDGE_ROLE_UNKNOWN;
}

static bool port_same(const struct port_info *a, const struct port_info *b,
		      const struct nlbridge_port_extra *x, const struct nlbridge_port_extra *y)
{
	return strcmp(a->name, b->name) == 0 && strcmp(a->bridge, b->bridge) == 0 &&
	       a->kind == b->kind && a->ifindex == b->ifindex && a->mtu == b->mtu &&
	       a->state == b->state && a->port_id == b->port_id &&
	       a->designated_root == b->designated_root &&
	       a->designated_bridge == b->designated_bridge &&
	       a->designated_port == b->designated_port && a->path_cost == b->path_cost &&
	       a->have_mac == b->have_mac && memcmp(a->mac, b->mac, 6) == 0 &&
	       x->port_no == y->port_no && x->priority == y->priority &&
	       x->designated_cost == y->designated_cost && x->guard == y->guard &&
	       x->root_block == y->root_block && x->fast_leave == y->fast_leave &&
	       x->learning == y->learning && x->unicast_flood == y->unicast_flood &&
	       x->role == y->role;   /* not timers, TC ack, config pending: transient */
}

static bool bridge_same(const struct bridge_info *a, const struct bridge_info *b,
			const struct nlbridge_bridge_extra *x,
			const struct nlbridge_bridge_extra *y)
{
	return strcmp(a->name, b->name) == 0 && a->bridge_id == b->bridge_id &&
	       a->root_id == b->root_id && a->root_path_cost == b->root_path_cost &&
	       strcmp(a->root_port, b->root_port) == 0 && a->stp_enabled == b->stp_enabled &&
	       a->kernel_stp == b->kernel_stp && a->hello_time == b->hello_time &&
	       a->max_age == b->max_age && a->forward_delay == b->forward_delay &&
	       a->topology_changes == b->topology_changes && a->mtu == b->mtu &&
	       x->stp_state == y->stp_state && x->priority == y->priority &&
	       x->root_port_no == y->root_port_no && x->topology_change == y->topology_change &&
	       x->topology_change_detected == y->topology_change_detected &&
	       x->vlan_filtering == y->vlan_filtering && x->group_fwd_mask == y->group_fwd_mask &&
	       x->ageing_time == y->ageing_time;
}

static void emit_link(const struct link_rec *r, enum nlbridge_event_type type,
		      const struct port_info *p, const struct nlbridge_port_extra *px,
		      const struct bridge_info *b, const struct nlbridge_bridge_extra *bx,
		      nlbridge_cb cb, void *ctx)
{
	struct nlbridge_event ev;
	event_init(&ev);
	ev.type = type;
	ev.ifindex = r->ifindex;
	ev.master = r->master;
	ev.have = r->have;
	ev.operstate = r->operstate;
	ev.ifi_flags = r->ifi_flags;
	snprintf(ev.kind, sizeof(ev.kind), "%s", r->kind);
	if (p) {
		ev.port = *p;
		ev.px = *px;
		snprintf(ev.name, sizeof(ev.name), "%s", p->name);
	}
	if (b) {
		ev.bridge = *b;
		ev.bx = *bx;
		snprintf(ev.name, sizeof(ev.name), "%s", b->name);
	}
	if (cb)
		cb(&ev, ctx);
}

/* Reports what changed of a port since reported last (everything if force). */
static void reconcile_port(struct nlbridge_cache *c, struct link_rec *r, bool force,
			   nlbridge_cb cb, void *ctx)
{
	bool want = r->is_port && !r->stale;
	if (want) {
		snprintf(r->port.name, sizeof(r->port.name), "%s", r->name);
		snprintf(r->port.bridge, sizeof(r->port.bridge), "%s", bridge_name(c, r->master));
		r->port.ifindex = r->ifindex;
		r->px.role = infer_role(c, r);
	}
	/* Gone, renamed or moved to another bridge: the old one goes first. */
	if (r->rep_port && (!want || strcmp(r->rport.name, r->port.name) != 0 ||
			    strcmp(r->rport.bridge, r->port.bridge) != 0)) {
		emit_link(r, NLBRIDGE_EV_PORT_GONE, &r->rport, &r->rpx, NULL, NULL, cb, ctx);
		r->rep_port = false;
	}
	if (want && (force || !r->rep_port || !port_same(&r->port, &r->rport, &r->px, &r->rpx))) {
		emit_link(r, NLBRIDGE_EV_PORT, &r->port, &r->px, NULL, NULL, cb, ctx);
		r->rport = r->port;
		r->rpx = r->px;
		r->rep_port = true;
	}
}

static void reconcile_bridge(struct nlbridge_cache *c, struct link_rec *r, bool force,
			     nlbridge_cb cb, void *ctx)
{
	bool want = r->is_bridge && !r->stale;
	if (want) {
		snprintf(r->bridge.name, sizeof(r->bridge.name), "%s", r->name);
		snprintf(r->bridge.root_port, sizeof(r->bridge.root_port), "%s",
			 root_port_name(c, r));
		r->bridge.topology_changes = r->tc_count;
	}
	if (r->rep_bridge && (!want || strcmp(r->rbridge.name, r->bridge.name) != 0)) {
		emit_link(r, NLBRIDGE_EV_BRIDGE_GONE, NULL, NULL, &r->rbridge, &r->rbx, cb, ctx);
		r->rep_bridge = false;
	}
	if (want && (force || !r->rep_bridge ||
		     !bridge_same(&r->bridge, &r->rbridge, &r->bx, &r->rbx))) {
		emit_link(r, NLBRIDGE_EV_BRIDGE, NULL, NULL, &r->bridge, &r->bx, cb, ctx);
		r->rbridge = r->bridge;
		r->rbx = r->bx;
		r->rep_bridge = true;
	}
}

/* A bridge changed: its ports' roles may have. */
static void reconcile_ports_of(struct nlbridge_cache *c, int bridge, nlbridge_cb cb, void *ctx)
{
	for (unsigned i = 0; i < c->n; i++)
		if (c->links[i].is_port && c->links[i].master == bridge)
			reconcile_port(c, &c->links[i], false, cb, ctx);
}

static void merge_common(struct link_rec *r, const struct nlbridge_event *ev)
{
	if (ev->have & NLB_HAVE_NAME)
		snprintf(r->name, sizeof(r->name), "%s", ev->name);
	if (ev->have & NLB_HAVE_MTU) {
		r->port.mtu = ev->port.mtu;
		r->bridge.mtu = ev->port.mtu;
	}
	if (ev->have & NLB_HAVE_MAC) {
		memcpy(r->port.mac, ev->port.mac, 6);
		r->port.have_mac = true;
	}
	if (ev->have & NLB_HAVE_OPER)
		r->operstate = ev->operstate;
	if (ev->have & NLB_HAVE_KIND) {
		snprintf(r->kind, sizeof(r->kind), "%s", ev->kind);
		r->port.kind = ev->port.kind;
	}
	if (ev->family == AF_UNSPEC)
		r->ifi_flags = ev->ifi_flags;
	r->have |= ev->have;
}

static void merge_stp(struct link_rec *r, const struct nlbridge_event *ev)
{
	if (!(ev->have & NLB_HAVE_STP))
		return;
	const struct port_info *p = &ev->port;
	r->port.state = p->state;
	r->port.port_id = p->port_id;
	r->port.designated_root = p->designated_root;
	r->port.designated_bridge = p->designated_bridge;
	r->port.designated_port = p->designated_port;
	r->port.path_cost = p->path_cost;
	enum nlbridge_role role = r->px.role;
	r->px = ev->px;
	r->px.role = role;
}

static void merge_bridge(struct link_rec *r, const struct nlbridge_event *ev)
{
	if (!(ev->have & NLB_HAVE_BRIDGE))
		return;
	char root_port[sizeof(r->bridge.root_port)];
	int mtu = r->bridge.mtu;
	memcpy(root_port, r->bridge.root_port, sizeof(root_port));
	r->bridge = ev->bridge;
	r->bridge.mtu = mtu;
	memcpy(r->bridge.root_port, root_port, sizeof(root_port));
	r->bx = ev->bx;
	if (r->bx.topology_change && !r->tc_prev)
		r->tc_count++;
	r->tc_prev = r->bx.topology_change;
}

static struct fdb_slot *fdb_lookup(struct nlbridge_cache *c, const uint8_t mac[6], int vlan,
				   int master, bool create)
{
	uint32_t h = 2166136261u;                  /* FNV-1a */
	for (int i = 0; i < 6; i++)
		h = (h ^ mac[i]) * 16777619u;
	h = (h ^ (uint32_t)vlan) * 16777619u;
	h = (h ^ (uint32_t)master) * 16777619u;
	struct fdb_slot *set = &c->fdb[(h % FDB_BUCKETS) * FDB_WAYS], *victim = &set[0];
	for (unsigned w = 0; w < FDB_WAYS; w++) {
		struct fdb_slot *s = &set[w];
		if (s->used && s->vlan == vlan && s->master == master && memcmp(s->mac, mac, 6) == 0)
			return s;
		if (!s->used)
			victim = s;
		else if (victim->used && s->last < victim->last)
			victim = s;
	}
	if (!create)
		return NULL;
	memset(victim, 0, sizeof(*victim));
	victim->used = true;
	memcpy(victim->mac, mac, 6);
	victim->vlan = vlan;
	victim->master = master;
	return victim;
}

static void feed_fdb(struct nlbridge_cache *c, const struct nlbridge_event *in,
		     nlbridge_cb cb, void *ctx)
{
	struct link_rec *p = find(c, in->fdb.ifindex);
	if (!p || !p->is_port)
		return;            /* entries of the bridge device itself, or unknown */
	struct nlbridge_event ev = *in;
	ev.fdb.master = p->master;
	snprintf(ev.fdb.port, sizeof(ev.fdb.port), "%s", p->name);
	snprintf(ev.fdb.bridge, sizeof(ev.fdb.bridge), "%s", bridge_name(c, p->master));
	ev.master = p->master;

	struct fdb_slot *s = fdb_lookup(c, ev.fdb.mac, ev.fdb.vlan, p->master,
					ev.type == NLBRIDGE_EV_FDB);
	if (ev.type == NLBRIDGE_EV_FDB) {
		if (s->ifindex && s->ifindex != p->ifindex) {
			struct link_rec *old = find(c, s->ifindex);
			ev.fdb.moved = true;
			snprintf(ev.fdb.from, sizeof(ev.fdb.from), "%s", old ? old->name : "");
		}
		s->ifindex = p->ifindex;
		s->last = ++c->fdb_clock;
	} else if (s && s->ifindex == p->ifindex) {
		s->used = false;
	}
	if (!c->syncing && cb)
		cb(&ev, ctx);
}

void nlbridge_cache_feed(struct nlbridge_cache *c, const struct nlbridge_event *ev,
			 nlbridge_cb cb, void *ctx)
{
	struct link_rec *r;
	bool quiet = c->syncing;

	switch (ev->type) {
	case NLBRIDGE_EV_LINK:
		r = find_or_add(c, ev->ifindex);
		if (!r)
			return;
		r->stale = false;
		merge_common(r, ev);
		/* An enslaved link without bridge slave data (old kernels) of a known bridge. */
		if (ev->master && bridge_name(c, ev->master)[0]) {
			r->is_port = true;
			r->master = ev->master;
		} else {
			r->is_port = false;    /* released from its bridge */
			r->master = ev->master;
		}
		r->is_bridge = false;
		break;
	case NLBRIDGE_EV_LINK_GONE:
	case NLBRIDGE_EV_BRIDGE_GONE:
		r = find(c, ev->ifindex);
		if (!r)
			return;
		r->is_port = r->is_bridge = false;
		if (!quiet) {
			int idx = r->ifindex;
			reconcile_port(c, r, false, cb, ctx);
			reconcile_bridge(c, r, false, cb, ctx);
			/* Its ports (the kernel releases them first, normally). */
			for (unsigned i = 0; i < c->n; i++)
				if (c->links[i].is_port && c->links[i].master == idx) {
					c->links[i].is_port = false;
					reconcile_port(c, &c->links[i], false, cb, ctx);
				}
			r = find(c, idx);
		}
		if (r && !quiet)
			forget(c, r);
		return;
	case NLBRIDGE_EV_BRIDGE:
		r = find_or_add(c, ev->ifindex);
		if (!r)
			return;
		r->stale = false;
		merge_common(r, ev);
		merge_bridge(r, ev);
		r->is_bridge = true;
		r->is_port = false;
		if (!quiet) {
			reconcile_port(c, r, false, cb, ctx);
			reconcile_bridge(c, r, false, cb, ctx);
			reconcile_ports_of(c, r->ifindex, cb, ctx);
		}
		return;
	case NLBRIDGE_EV_PORT:
		r = find_or_add(c, ev->ifindex);
		if (!r)
			return;
		r->stale = false;
		merge_common(r, ev);
		merge_stp(r, ev);
		r->is_port = true;
		r->is_bridge = false;
		r->master = ev->master;
		if (!quiet && ev->family == AF_BRIDGE) {
			/* STP changes come as AF_BRIDGE messages; the bridge's root
			 * may have changed with them, and the kernel does not say. */
			struct link_rec *b = find(c, r->master);
			if (b && b->is_bridge)
				b->dirty = true;
		}
		break;
	case NLBRIDGE_EV_PORT_GONE:
		r = find(c, ev->ifindex);
		if (!r)
			return;
		r->is_port = false;
		if (!quiet)
			reconcile_port(c, r, false, cb, ctx);
		if (ev->family == AF_UNSPEC && ev->msg_type == RTM_DELLINK)
			forget(c, r);  /* the link itself is gone */
		else
			r->master = 0;
		return;
	case NLBRIDGE_EV_FDB:
	case NLBRIDGE_EV_FDB_GONE:
		feed_fdb(c, ev, cb, ctx);
		return;
	case NLBRIDGE_EV_RESYNC:
		if (cb && !quiet)
			cb(ev, ctx);
		return;
	default:
		return;
	}

	/* LINK and PORT: the port, then its bridge (root port name) and roles. */
	if (quiet)
		return;
	int master = r->master;
	reconcile_port(c, r, false, cb, ctx);
	struct link_rec *b = master ? find(c, master) : NULL;
	if (b && b->is_bridge) {
		reconcile_bridge(c, b, false, cb, ctx);
		reconcile_ports_of(c, master, cb, ctx);
	}
}

int nlbridge_cache_feed_msg(struct nlbridge_cache *c, const struct nlmsghdr *nlh,
			    size_t len, nlbridge_cb cb, void *ctx)
{
	struct nlbridge_event ev;
	int rc = nlbridge_parse(nlh, len, &ev);
	if (rc > 0)
		nlbridge_cache_feed(c, &ev, cb, ctx);
	return rc;
}

void nlbridge_cache_sync_begin(struct nlbridge_cache *c)
{
	c->syncing = true;
	for (unsigned i = 0; i < c->n; i++)
		c->links[i].stale = true;
}

static void sync_finish(struct nlbridge_cache *c, bool complete, nlbridge_cb cb, void *ctx)
{
	c->syncing = false;
	if (!complete)
		for (unsigned i = 0; i < c->n; i++)
			c->links[i].stale = false;
	/* What went first (renamed, released, gone), then bridges, then ports. */
	for (unsigned i = 0; i < c->n; i++) {
		struct link_rec *r = &c->links[i];
		if (r->rep_port && (!r->is_port || r->stale)) {
			emit_link(r, NLBRIDGE_EV_PORT_GONE, &r->rport, &r->rpx, NULL, NULL, cb, ctx);
			r->rep_port = false;
		}
	}
	for (unsigned i = 0; i < c->n; i++) {
		struct link_rec *r = &c->links[i];
		if (r->rep_bridge && (!r->is_bridge || r->stale)) {
			emit_link(r, NLBRIDGE_EV_BRIDGE_GONE, NULL, NULL, &r->rbridge, &r->rbx,
				  cb, ctx);
			r->rep_bridge = false;
		}
	}
	for (unsigned i = 0; i < c->n;) {
		if (c->links[i].stale)
			forget(c, &c->links[i]);
		else
			i++;
	}
	for (unsigned i = 0; i < c->n; i++)
		if (c->links[i].is_bridge)
			reconcile_bridge(c, &c->links[i], complete, cb, ctx);
	for (unsigned i = 0; i < c->n; i++)
		if (c->links[i].is_port)
			reconcile_port(c, &c->links[i], complete, cb, ctx);
}

void nlbridge_cache_sync_end(struct nlbridge_cache *c, nlbridge_cb cb, void *ctx)
{
	sync_finish(c, true, cb, ctx);
}

/* A dump that failed half-way: report what changed, forget nothing. */
static void cache_sync_abort(struct nlbridge_cache *c, nlbridge_cb cb, void *ctx)
{
	sync_finish(c, false, cb, ctx);
}

int nlbridge_cache_next_dirty(struct nlbridge_cache *c)
{
	for (unsigned i = 0; i < c->n; i++)
		if (c->links[i].dirty) {
			c->links[i].dirty = false;
			if (c->links[i].is_bridge)
				return c->links[i].ifindex;
		}
	return 0;
}

/* ======================================================================= */
/* The sockets                                                              */

#define RECV_BUF (64 * 1024)
#define EVENT_RCVBUF (4 * 1024 * 1024)
#define DUMP_RETRIES 5
#define DRAIN_MAX 4096       /* datagrams per nlbridge_receive() */

struct nlbridge {
	struct nl_sock *ev;       /* notifications: RTNLGRP_LINK, RTNLGRP_NEIGH */
	struct nl_sock *rq;       /* requests: dumps and single links */
	struct nlbridge_cache *cache;
	uint8_t *buf;
	/* The callback of the call going on, for the libnl handler. */
	nlbridge_cb cb;
	void *ctx;
	int reported;
	char err[160];
};

static void count_cb(const struct nlbridge_event *ev, void *arg)
{
	struct nlbridge *nl = arg;
	nl->reported++;
	if (nl->cb)
		nl->cb(ev, nl->ctx);
}

static int rq_valid(struct nl_msg *msg, void *arg)
{
	struct nlbridge *nl = arg;
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	/* libnl copied exactly nlmsg_len bytes, checked against the datagram. */
	nlbridge_cache_feed_msg(nl->cache, nlh, nlh->nlmsg_len, count_cb, nl);
	return NL_OK;
}

static void set_err(struct nlbridge *nl, const char *what, int nlerr)
{
	snprintf(nl->err, sizeof(nl->err), "netlink: %s: %s", what, nl_geterror(nlerr));
}

const char *nlbridge_error(const struct nlbridge *nl)
{
	return nl ? nl->err : "";
}

int nlbridge_fd(const struct nlbridge *nl)
{
	return nl_socket_get_fd(nl->ev);
}

int nlbridge_set_rcvbuf(struct nlbridge *nl, int bytes)
{
	int fd = nl_socket_get_fd(nl->ev);
	/* SO_RCVBUFFORCE passes net.core.rmem_max, with CAP_NET_ADMIN. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &bytes, sizeof(bytes)) == 0)
		return 0;
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bytes, sizeof(bytes)) == 0)
		return 0;
	snprintf(nl->err, sizeof(nl->err), "netlink: SO_RCVBUF: %s", strerror(errno));
	return -1;
}

struct nlbridge *nlbridge_open(char *err, size_t errlen)
{
	struct nlbridge *nl = calloc(1, sizeof(*nl));
	const char *what = "out of memory";
	int rc = -NLE_NOMEM;

	if (!nl)
		goto fail;
	nl->cache = nlbridge_cache_new();
	nl->buf = malloc(RECV_BUF);
	nl->ev = nl_socket_alloc();
	nl->rq = nl_socket_alloc();
	if (!nl->cache || !nl->buf || !nl->ev || !nl->rq)
		goto fail;

	what = "connecting";
	if ((rc = nl_connect(nl->ev, NETLINK_ROUTE)) < 0 ||
	    (rc = nl_connect(nl->rq, NETLINK_ROUTE)) < 0)
		goto fail;
	what = "joining RTNLGRP_LINK and RTNLGRP_NEIGH";
	if ((rc = nl_socket_add_memberships(nl->ev, RTNLGRP_LINK, RTNLGRP_NEIGH, 0)) < 0)
		goto fail;
	what = "non-blocking mode";
	if ((rc = nl_socket_set_nonblocking(nl->ev)) < 0)
		goto fail;
	if (nlbridge_set_rcvbuf(nl, EVENT_RCVBUF) < 0) {
		what = "receive buffer";
		rc = -NLE_FAILURE;
		goto fail;
	}

	/* Requests: answers come at once; a timeout only guards against a bug. */
	struct timeval tv = { .tv_sec = 5 };
	setsockopt(nl_socket_get_fd(nl->rq), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	nl_socket_disable_auto_ack(nl->rq);
	what = "setting the handler";
	if ((rc = nl_socket_modify_cb(nl->rq, NL_CB_VALID, NL_CB_CUSTOM, rq_valid, nl)) < 0)
		goto fail;
	return nl;

fail:
	if (err && errlen)
		snprintf(err, errlen, "netlink: %s: %s", what, nl_geterror(rc));
	nlbridge_close(nl);
	return NULL;
}

void nlbridge_close(struct nlbridge *nl)
{
	if (!nl)
		return;
	if (nl->ev)
		nl_socket_free(nl->ev);
	if (nl->rq)
		nl_socket_free(nl->rq);
	nlbridge_cache_free(nl->cache);
	free(nl->buf);
	free(nl);
}

/* Sends one request (hdr is the family header) and reads every reply. */
static int request(struct nlbridge *nl, int type, int flags, const void *hdr,
		   size_t hdrlen, uint32_t ext_mask, int master)
{
	struct nl_msg *m = nlmsg_alloc_simple(type, flags);
	int rc;

	if (!m)
		return -NLE_NOMEM;
	if ((rc = nlmsg_append(m, (void *)(uintptr_t)hdr, hdrlen, NLMSG_ALIGNTO)) < 0 ||
	    (ext_mask && (rc = nla_put_u32(m, IFLA_EXT_MASK, ext_mask)) < 0) ||
	    (master && (rc = nla_put_u32(m, IFLA_MASTER, (uint32_t)master)) < 0)) {
		nlmsg_free(m);
		return rc;
	}
	rc = nl_send_auto(nl->rq, m);
	nlmsg_free(m);
	if (rc < 0)
		return rc;
	return nl_recvmsgs_default(nl->rq);
}

static int dump_links(struct nlbridge *nl, uint8_t family)
{
	struct ifinfomsg ifi = { .ifi_family = family };
	return request(nl, RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, &ifi, sizeof(ifi),
		       family == AF_UNSPEC ? RTEXT_FILTER_SKIP_STATS : 0, 0);
}

static int begin_call(struct nlbridge *nl, nlbridge_cb cb, void *ctx)
{
	int before = nl->reported;
	nl->cb = cb;
	nl->ctx = ctx;
	return before;
}

int nlbridge_dump(struct nlbridge *nl, nlbridge_cb cb, void *ctx)
{
	int rc = 0;
	nlbridge_cb saved_cb = nl->cb;
	void *saved_ctx = nl->ctx;

	begin_call(nl, cb, ctx);
	for (int attempt = 0; attempt < DUMP_RETRIES; attempt++) {
		nlbridge_cache_sync_begin(nl->cache);
		rc = dump_links(nl, AF_UNSPEC);
		if (rc >= 0)
			rc = dump_links(nl, AF_BRIDGE);
		if (rc != -NLE_DUMP_INTR)
			break;
	}
	if (rc < 0) {
		set_err(nl, "dumping links", rc);
		cache_sync_abort(nl->cache, count_cb, nl);
		goto out;
	}
	nlbridge_cache_sync_end(nl->cache, count_cb, nl);

	for (int attempt = 0; attempt < DUMP_RETRIES; attempt++) {
		struct ndmsg ndm = { .ndm_family = AF_BRIDGE };
		rc = request(nl, RTM_GETNEIGH, NLM_F_REQUEST | NLM_F_DUMP, &ndm, sizeof(ndm), 0, 0);
		if (rc != -NLE_DUMP_INTR)
			break;
	}
	if (rc < 0)
		set_err(nl, "dumping the FDB", rc);
out:
	nl->cb = saved_cb;
	nl->ctx = saved_ctx;
	return rc < 0 ? -1 : 0;
}

/*
 * A bridge again (RTM_GETLINK by index), then its ports (a link dump
 * filtered by IFLA_MASTER): a root change moves the ports' designated
 * root, bridge and cost without a notification.  A bridge gone meanwhile
 * is no error; its RTM_DELLINK is on the way.
 */
static int refresh_one(struct nlbridge *nl, int ifindex)
{
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC, .ifi_index = ifindex };
	int rc = request(nl, RTM_GETLINK, NLM_F_REQUEST, &ifi, sizeof(ifi),
			 RTEXT_FILTER_SKIP_STATS, 0);
	if (rc >= 0) {
		struct ifinfomsg all = { .ifi_family = AF_UNSPEC };
		for (int attempt = 0; attempt < DUMP_RETRIES; attempt++) {
			rc = request(nl, RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, &all,
				     sizeof(all), RTEXT_FILTER_SKIP_STATS, ifindex);
			if (rc != -NLE_DUMP_INTR)
				break;
		}
	}
	if (rc == -NLE_OBJ_NOTFOUND || rc == -NLE_NODEV)
		return 0;
	if (rc < 0)
		set_err(nl, "asking for a bridge", rc);
	return rc < 0 ? -1 : 0;
}

int nlbridge_refresh(struct nlbridge *nl, nlbridge_cb cb, void *ctx)
{
	struct nlbridge_cache *c = nl->cache;
	int *bridges = malloc((c->n + 1) * sizeof(*bridges)), n = 0, rc = 0;

	if (!bridges) {
		snprintf(nl->err, sizeof(nl->err), "netlink: out of memory");
		return -1;
	}
	/* Collect first: the answers change the table. */
	for (unsigned i = 0; i < c->n; i++)
		if (c->links[i].is_bridge)
			bridges[n++] = c->links[i].ifindex;
	begin_call(nl, cb, ctx);
	for (int k = 0; k < n; k++)
		if (refresh_one(nl, bridges[k]) < 0)
			rc = -1;
	nl->cb = NULL;
	free(bridges);
	return rc;
}

static void report_resync(struct nlbridge *nl, const char *why)
{
	struct nlbridge_event ev;
	event_init(&ev);
	ev.type = NLBRIDGE_EV_RESYNC;
	ev.reason = why;
	count_cb(&ev, nl);
}

int nlbridge_receive(struct nlbridge *nl, nlbridge_cb cb, void *ctx)
{
	int fd = nl_socket_get_fd(nl->ev);
	const char *lost = NULL;
	int start = begin_call(nl, cb, ctx);

	for (int i = 0; i < DRAIN_MAX; i++) {
		struct sockaddr_nl sa;
		struct iovec iov = { .iov_base = nl->buf, .iov_len = RECV_BUF };
		struct msghdr mh = { .msg_name = &sa, .msg_namelen = sizeof(sa),
				     .msg_iov = &iov, .msg_iovlen = 1 };
		ssize_t n = recvmsg(fd, &mh, MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			if (errno == ENOBUFS) {
				/* The kernel dropped notifications.  What is still
				 * queued is older than the dump to come: drop it too. */
				lost = "the kernel dropped notifications (ENOBUFS)";
				continue;
			}
			snprintf(nl->err, sizeof(nl->err), "netlink: receiving: %s",
				 strerror(errno));
			nl->cb = NULL;
			return -1;
		}
		if (mh.msg_flags & MSG_TRUNC) {
			lost = "a notification did not fit the buffer";
			continue;
		}
		if (lost || sa.nl_pid != 0)
			continue;  /* being dropped, or not from the kernel */

		size_t off = 0, len = (size_t)n;
		while (len - off >= sizeof(struct nlmsghdr)) {
			const struct nlmsghdr *nlh = (const struct nlmsghdr *)(nl->buf + off);
			if (nlh->nlmsg_len < sizeof(*nlh) || nlh->nlmsg_len > len - off)
				break;
			nlbridge_cache_feed_msg(nl->cache, nlh, nlh->nlmsg_len, count_cb, nl);
			off += NLMSG_ALIGN(nlh->nlmsg_len);
			if (off > len)
				break;
		}
	}

	int rc = 0;
	if (lost) {
		report_resync(nl, lost);
		rc = nlbridge_dump(nl, cb, ctx);
		nl->cb = cb;
		nl->ctx = ctx;
	}
	for (int idx; (idx = nlbridge_cache_next_dirty(nl->cache)) != 0;)
		if (refresh_one(nl, idx) < 0)
			rc = -1;
	nl->cb = NULL;
	return rc < 0 ? -1 : nl->reported - start;
}

/* ======================================================================= */
/* The engine                                                               */

void nlbridge_apply(struct engine *e, const struct nlbridge_event *ev, double now)
{
	switch (ev->type) {
	case NLBRIDGE_EV_BRIDGE:
		engine_bridge(e, &ev->bridge, now);
		break;
	case NLBRIDGE_EV_PORT:
		engine_port(e, &ev->port, now);
		break;
	case NLBRIDGE_EV_PORT_GONE:
		engine_port_gone(e, ev->port.name, now);
		break;
	case NLBRIDGE_EV_FDB:
		if (ev->fdb.port[0])
			engine_fdb_move(e, ev->fdb.mac, ev->fdb.vlan, ev->fdb.port, now);
		break;
	case NLBRIDGE_EV_BRIDGE_GONE:
		engine_bridge_gone(e, ev->bridge.name, now);
		break;
	default:
		break;
	}
}
