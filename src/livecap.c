/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * livecap.c - per-port live capture: two libpcap handles per port (the
 * spanning-tree group addresses, and every other multicast), all of them
 * behind one epoll descriptor.
 */
#include <errno.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/if_packet.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "livecap.h"

/*
 * BPDUs get a handle and a ring of their own: a broadcast storm (the very
 * moment stpwatch is needed) fills the multicast ring and loses frames
 * there, never the BPDUs the diagnosis rests on.  The two filters split the
 * traffic without overlap.  Outgoing frames are left out by
 * pcap_setdirection(), not by "inbound" in the filter: the kernel's packet
 * type test drops the burst a tap receives when a paused QEMU resumes
 * (measured on Linux 6.18: tcpdump -Q in sees it, "inbound" does not), and
 * that burst is the first evidence of a shared hub.
 */
#define STP_GROUPS "(ether dst 01:80:c2:00:00:00 or ether dst 01:00:0c:cc:cc:cd)"
static const char *const filters[LIVECAP_RINGS] = {
	[LIVECAP_RING_BPDU] = STP_GROUPS,
	[LIVECAP_RING_MULTICAST] = "ether multicast and not " STP_GROUPS,
};

/*
 * libpcap's batched rings (TPACKET_V3) come in blocks of 256 KiB at the
 * least (a block must hold a frame of MAXIMUM_SNAPLEN), mapped into the
 * process: a thousand ports would take half a gigabyte.  A ring meant to
 * be smaller is an immediate one (TPACKET_V2: frames of the snapshot
 * length, a wakeup per frame) - always the BPDU ring, whose frames are few
 * and wanted at once, and the multicast ring when the budget spread over
 * many ports leaves it less than a block.
 */
#define BATCH_RING_MIN (256 * 1024)
/* The BPDU ring: a quarter of the other, between these (4 to 32 BPDUs). */
#define BPDU_RING_MIN (8 * 1024)
#define BPDU_RING_MAX (64 * 1024)
#define EPOLL_BATCH 256

struct port_handle;

struct ring {
	struct port_handle *port;
	pcap_t *pcap;
	uint64_t received;
	struct pcap_stat last_stat;
};

struct port_handle {
	char ifname[64];
	struct ring ring[LIVECAP_RINGS];
	bool failed;              /* a read failed: removed after the batch */
	char why[PCAP_ERRBUF_SIZE];
};

struct livecap {
	int snaplen;
	int buffer_bytes;
	int epfd;
	struct port_handle **ports;   /* pointers: epoll holds them */
	unsigned n, cap;
	/* What the ports closed since received and lost: totals never go back. */
	uint64_t closed_received, closed_dropped, closed_bpdu_dropped;
};

struct dispatch_ctx {
	struct ring *ring;
	livecap_frame_fn frame;
	void *ctx;
};

struct livecap *livecap_new(int snaplen, int buffer_bytes)
{
	struct livecap *lc = calloc(1, sizeof(*lc));
	if (!lc)
		return NULL;
	lc->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (lc->epfd < 0) {
		free(lc);
		return NULL;
	}
	lc->snaplen = snaplen;
	lc->buffer_bytes = buffer_bytes;
	return lc;
}

void livecap_set_buffer(struct livecap *lc, int buffer_bytes)
{
	lc->buffer_bytes = buffer_bytes;
}

static void close_port(int epfd, struct port_handle *h)
{
	for (unsigned r = 0; r < LIVECAP_RINGS; r++) {
		if (!h->ring[r].pcap)
			continue;
		epoll_ctl(epfd, EPOLL_CTL_DEL, pcap_get_selectable_fd(h->ring[r].pcap), NULL);
		pcap_close(h->ring[r].pcap);
	}
	free(h);
}

void livecap_free(struct livecap *lc)
{
	if (!lc)
		return;
	for (unsigned i = 0; i < lc->n; i++)
		close_port(lc->epfd, lc->ports[i]);
	free(lc->ports);
	close(lc->epfd);
	free(lc);
}

static int find(const struct livecap *lc, const char *ifname)
{
	for (unsigned i = 0; i < lc->n; i++)
		if (strcmp(lc->ports[i]->ifname, ifname) == 0)
			return (int)i;
	return -1;
}

bool livecap_has(const struct livecap *lc, const char *ifname)
{
	return find(lc, ifname) >= 0;
}

unsigned livecap_count(const struct livecap *lc)
{
	return lc->n;
}

static pcap_t *open_ring(const struct livecap *lc, const char *ifname, unsigned which,
			 bool *not_now, char *err, size_t errlen)
{
	char ebuf[PCAP_ERRBUF_SIZE] = "";
	struct bpf_program prog;
	pcap_t *p = pcap_create(ifname, ebuf);
	if (!p) {
		snprintf(err, errlen, "%s: %s", ifname, ebuf);
		return NULL;
	}
	int ring_bytes = lc->buffer_bytes;
	if (which == LIVECAP_RING_BPDU) {
		ring_bytes /= 4;
		ring_bytes = ring_bytes < BPDU_RING_MIN ? BPDU_RING_MIN :
			     ring_bytes > BPDU_RING_MAX ? BPDU_RING_MAX : ring_bytes;
	}
	bool batched = which == LIVECAP_RING_MULTICAST && ring_bytes >= BATCH_RING_MIN;
	pcap_set_snaplen(p, lc->snaplen);
	pcap_set_promisc(p, 0);           /* a bridge port is promiscuous already */
	/*
	 * Batched: frames are handed over at the latest after 50 ms (a storm
	 * costs one wakeup per batch instead of one per frame).
	 */
	pcap_set_immediate_mode(p, !batched);
	if (batched)
		pcap_set_timeout(p, 50);
	pcap_set_buffer_size(p, ring_bytes);
	pcap_set_tstamp_precision(p, PCAP_TSTAMP_PRECISION_NANO);
	int rc = pcap_activate(p);
	if (rc < 0) {
		snprintf(err, errlen, "%s: %s", ifname, pcap_geterr(p));
		pcap_close(p);
		*not_now = rc == PCAP_ERROR_IFACE_NOT_UP || rc == PCAP_ERROR_NO_SUCH_DEVICE;
		return NULL;
	}
	if (pcap_datalink(p) != DLT_EN10MB) {
		snprintf(err, errlen, "%s: not an Ethernet interface (link type %d)", ifname,
			 pcap_datalink(p));
		pcap_close(p);
		return NULL;
	}
	if (pcap_setdirection(p, PCAP_D_IN) < 0 ||
	    pcap_compile(p, &prog, filters[which], 1, PCAP_NETMASK_UNKNOWN) < 0) {
		snprintf(err, errlen, "%s: %s", ifname, pcap_geterr(p));
		pcap_close(p);
		return NULL;
	}
	rc = pcap_setfilter(p, &prog);
	pcap_freecode(&prog);
	/*
	 * And outgoing frames not even delivered (Linux 4.20): what the bridge
	 * sends or floods out of a thousand ports would otherwise wake us a
	 * thousand times over, to be thrown away by pcap_setdirection().
	 */
	int one = 1;
	if (rc == 0)
		(void)setsockopt(pcap_get_selectable_fd(p), SOL_PACKET, PACKET_IGNORE_OUTGOING,
				 &one, sizeof(one));
	if (rc < 0 || pcap_setnonblock(p, 1, ebuf) < 0) {
		snprintf(err, errlen, "%s: %s", ifname, rc < 0 ? pcap_geterr(p) : ebuf);
		pcap_close(p);
		return NULL;
	}
	return p;
}

int livecap_add(struct livecap *lc, const char *ifname, char *err, size_t errlen)
{
	if (find(lc, ifname) >= 0)
		return 0;
	if (lc->n == lc->cap) {
		unsigned cap = lc->cap ? lc->cap * 2 : 16;
		struct port_handle **n = realloc(lc->ports, cap * sizeof(*n));
		if (!n) {
			snprintf(err, errlen, "%s: out of memory", ifname);
			return -1;
		}
		lc->ports = n;
		lc->cap = cap;
	}
	struct port_handle *h = calloc(1, sizeof(*h));
	if (!h) {
		snprintf(err, errlen, "%s: out of memory", ifname);
		return -1;
	}
	snprintf(h->ifname, sizeof(h->ifname), "%s", ifname);
	for (unsigned r = 0; r < LIVECAP_RINGS; r++) {
		bool not_now = false;
		struct ring *ring = &h->ring[r];
		ring->port = h;
		ring->pcap = open_ring(lc, ifname, r, &not_now, err, errlen);
		if (!ring->pcap) {
			close_port(lc->epfd, h);
			return not_now ? LIVECAP_NOT_NOW : -1;
		}
		struct epoll_event ev = { .events = EPOLLIN, .data.ptr = ring };
		if (epoll_ctl(lc->epfd, EPOLL_CTL_ADD, pcap_get_selectable_fd(ring->pcap), &ev) < 0) {
			snprintf(err, errlen, "%s: epoll: %s", ifname, strerror(errno));
			close_port(lc->epfd, h);
			return -1;
		}
	}
	lc->ports[lc->n++] = h;
	return 0;
}

/* The latest pcap_stats of a ring (kept when the interface is gone). */
static void refresh_stats(struct port_handle *h)
{
	for (unsigned r = 0; r < LIVECAP_RINGS; r++) {
		struct pcap_stat st;
		if (pcap_stats(h->ring[r].pcap, &st) == 0)
			h->ring[r].last_stat = st;
	}
}

static uint64_t port_received(const struct port_handle *h)
{
	uint64_t n = 0;
	for (unsigned r = 0; r < LIVECAP_RINGS; r++)
		n += h->ring[r].received;
	return n;
}

static uint64_t ring_dropped(const struct ring *ring)
{
	return (uint64_t)ring->last_stat.ps_drop + ring->last_stat.ps_ifdrop;
}

static uint64_t port_dropped(const struct port_handle *h)
{
	uint64_t n = 0;
	for (unsigned r = 0; r < LIVECAP_RINGS; r++)
		n += ring_dropped(&h->ring[r]);
	return n;
}

static void remove_at(struct livecap *lc, unsigned i)
{
	struct port_handle *h = lc->ports[i];
	refresh_stats(h);
	lc->closed_received += port_received(h);
	lc->closed_dropped += port_dropped(h);
	lc->closed_bpdu_dropped += ring_dropped(&h->ring[LIVECAP_RING_BPDU]);
	close_port(lc->epfd, h);
	lc->ports[i] = lc->ports[lc->n - 1];
	lc->n--;
}

void livecap_remove(struct livecap *lc, const char *ifname)
{
	int i = find(lc, ifname);
	if (i >= 0)
		remove_at(lc, (unsigned)i);
}

unsigned livecap_pollfds(struct livecap *lc, struct pollfd *fds, unsigned max)
{
	if (max == 0)
		return 0;
	fds[0] = (struct pollfd){ .fd = lc->epfd, .events = POLLIN };
	return 1;
}

static void on_packet(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes)
{
	struct dispatch_ctx *d = (struct dispatch_ctx *)user;
	struct cap_record rec = {
		.ts_sec = h->ts.tv_sec,
		.ts_nsec = (uint32_t)h->ts.tv_usec,  /* nanoseconds: PCAP_TSTAMP_PRECISION_NANO */
		.caplen = h->caplen,
		.wirelen = h->len,
		.data = bytes,
		.linktype = LINKTYPE_ETHERNET,
		.direction = CAP_DIR_IN,
	};
	d->ring->received++;
	d->frame(d->ctx, d->ring->port->ifname, &rec);
}

static unsigned read_ring(struct ring *ring, unsigned budget, livecap_frame_fn frame, void *ctx)
{
	struct port_handle *h = ring->port;
	if (h->failed)
		return 0;
	struct dispatch_ctx d = { ring, frame, ctx };
	int n = pcap_dispatch(ring->pcap, (int)budget, on_packet, (u_char *)&d);
	if (n < 0) {
		/* The interface went away (a VM stopped, a port was deleted). */
		h->failed = true;
		snprintf(h->why, sizeof(h->why), "%s", pcap_geterr(ring->pcap));
		return 0;
	}
	return (unsigned)n;
}

/* After a batch: ports whose reads failed are closed and reported. */
static void reap_failed(struct livecap *lc, livecap_gone_fn gone, void *ctx)
{
	for (unsigned i = 0; i < lc->n;) {
		if (!lc->ports[i]->failed) {
			i++;
			continue;
		}
		char name[64], why[PCAP_ERRBUF_SIZE];
		snprintf(name, sizeof(name), "%s", lc->ports[i]->ifname);
		snprintf(why, sizeof(why), "%s", lc->ports[i]->why);
		remove_at(lc, i);
		if (gone)
			gone(ctx, name, why);
	}
}

unsigned livecap_dispatch_ready(struct livecap *lc, const struct pollfd *fds, unsigned nfds,
				unsigned budget, livecap_frame_fn frame, livecap_gone_fn gone,
				void *ctx)
{
	if (nfds == 0 || fds[0].fd != lc->epfd || !fds[0].revents)
		return 0;
	/*
	 * Only the rings with frames, however many ports: an idle port costs
	 * nothing.  Level-triggered: a ring with more than its budget comes
	 * back at the next poll(), after the other rings had their turn.
	 */
	struct epoll_event ev[EPOLL_BATCH];
	int n = epoll_wait(lc->epfd, ev, EPOLL_BATCH, 0);
	unsigned total = 0;
	/* BPDUs first: in a storm the multicast rings take the rest of the turn. */
	for (unsigned which = 0; which < LIVECAP_RINGS; which++)
		for (int k = 0; k < n; k++) {
			struct ring *ring = ev[k].data.ptr;
			if (ring == &ring->port->ring[which])
				total += read_ring(ring, budget, frame, ctx);
		}
	reap_failed(lc, gone, ctx);
	return total;
}

unsigned livecap_stats(struct livecap *lc, struct livecap_port_stats *out, unsigned max)
{
	unsigned n = 0;
	for (unsigned i = 0; i < lc->n && n < max; i++) {
		struct port_handle *h = lc->ports[i];
		refresh_stats(h);
		snprintf(out[n].ifname, sizeof(out[n].ifname), "%s", h->ifname);
		out[n].received = port_received(h);
		out[n].dropped = 0;
		out[n].ifdropped = 0;
		for (unsigned r = 0; r < LIVECAP_RINGS; r++) {
			out[n].dropped += h->ring[r].last_stat.ps_drop;
			out[n].ifdropped += h->ring[r].last_stat.ps_ifdrop;
		}
		n++;
	}
	return n;
}

void livecap_totals(struct livecap *lc, uint64_t *received, uint64_t *dropped,
		    uint64_t *bpdu_dropped)
{
	uint64_t r = lc->closed_received, d = lc->closed_dropped, b = lc->closed_bpdu_dropped;
	for (unsigned i = 0; i < lc->n; i++) {
		refresh_stats(lc->ports[i]);
		r += port_received(lc->ports[i]);
		d += port_dropped(lc->ports[i]);
		b += ring_dropped(&lc->ports[i]->ring[LIVECAP_RING_BPDU]);
	}
	*received = r;
	*dropped = d;
	if (bpdu_dropped)
		*bpdu_dropped = b;
}
