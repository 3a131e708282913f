/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * nlbridge.c - the rtnetlink sockets of nlbridge, and nlbridge_apply().
 *
 * Parsing is in nlbridge_parse.c, the cache in nlbridge_cache.c.  libnl-3
 * does the sockets: connecting, group membership, building and sending
 * requests, and reading dump replies (multipart, sequence numbers, errors,
 * NLM_F_DUMP_INTR).  Notifications are read with recvmsg() directly so
 * that ENOBUFS and MSG_TRUNC are seen as what they are.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/if.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>

#include <netlink/attr.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>

#include "nlbridge.h"
#include "nlbridge_int.h"

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
	unsigned refreshes;       /* nlbridge_refresh() calls */
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
		nlbridge_cache_sync_abort(nl->cache, count_cb, nl);
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
 * A bridge again (RTM_GETLINK by index), then, if it changed, its ports (a
 * link dump filtered by IFLA_MASTER): a root change moves the ports'
 * designated root, bridge and cost without a notification.  A port's own
 * changes of state are announced, so an unchanged bridge needs its ports
 * asked for only now and then (with_ports).  A bridge gone meanwhile is no
 * error; its RTM_DELLINK is on the way.
 */
static int refresh_one(struct nlbridge *nl, int ifindex, bool with_ports)
{
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC, .ifi_index = ifindex };
	int before = nl->reported;
	int rc = request(nl, RTM_GETLINK, NLM_F_REQUEST, &ifi, sizeof(ifi),
			 RTEXT_FILTER_SKIP_STATS, 0);
	if (rc >= 0 && (with_ports || nl->reported != before)) {
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
	int n = 0, rc = 0;
	/* Collect first: the answers change the table. */
	int *bridges = nlbridge_cache_bridges(nl->cache, &n);

	if (!bridges) {
		snprintf(nl->err, sizeof(nl->err), "netlink: out of memory");
		return -1;
	}
	/*
	 * A thousand ports are a thousand messages of a few hundred octets
	 * each (the kernel adds its IPv6 state to every one): every
	 * PORTS_EVERY-th refresh only, unless the bridge changed.
	 */
	bool with_ports = nl->refreshes++ % NLBRIDGE_PORTS_EVERY == 0;
	begin_call(nl, cb, ctx);
	for (int k = 0; k < n; k++)
		if (refresh_one(nl, bridges[k], with_ports) < 0)
			rc = -1;
	nl->cb = NULL;
	free(bridges);
	return rc;
}

static void report_resync(struct nlbridge *nl, const char *why)
{
	struct nlbridge_event ev;
	nlbridge_event_init(&ev);
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
		if (refresh_one(nl, idx, false) < 0)
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
