/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * nlbridge_parse.c - one rtnetlink message -> one raw nlbridge_event.
 *
 * Pure: no socket, no state.  The parser walks attributes itself
 * (attr_next() below) rather than with libnl's nla_parse(): a policy
 * violation there rejects the whole message, while one short attribute
 * should only cost that attribute; and parsing here keeps every read where
 * the sanitizers can see it.
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
#include <stdio.h>
#include <string.h>

#include <linux/if.h>
#include <linux/if_bridge.h>
#include <linux/if_link.h>
#include <linux/if_tun.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>

#include "nlbridge.h"
#include "nlbridge_int.h"

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

void nlbridge_event_init(struct nlbridge_event *ev)
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
	bool bridge_port = false, have_protinfo = false, have_linkinfo = false;
	struct attr protinfo = { 0 }, linkinfo = { 0 };
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
			/* The last one counts, as with nla_parse(): parsing each
			 * would mix one's kind with another's data. */
			linkinfo = a;
			have_linkinfo = true;
			break;
		case IFLA_PROTINFO:
			protinfo = a;
			have_protinfo = true;
			break;
		default:
			break;
		}
	}

	if (have_linkinfo && ifi.ifi_family == AF_UNSPEC)
		parse_linkinfo(&linkinfo, ev, &bridge_port);
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
	nlbridge_event_init(ev);
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
