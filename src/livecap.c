/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "livecap.h"

struct port_handle {
	char ifname[64];
	pcap_t *pcap;
	int fd;
	uint64_t received;
	struct pcap_stat last_stat;
};

struct livecap {
	int snaplen;
	int buffer_bytes;
	struct port_handle *ports;
	unsigned n, cap;
	/* What the ports closed since received and lost: totals never go back. */
	uint64_t closed_received, closed_dropped;
};

struct dispatch_ctx {
	struct port_handle *port;
	livecap_frame_fn frame;
	void *ctx;
};

struct livecap *livecap_new(int snaplen, int buffer_bytes)
{
	struct livecap *lc = calloc(1, sizeof(*lc));
	if (!lc)
		return NULL;
	lc->snaplen = snaplen;
	lc->buffer_bytes = buffer_bytes;
	return lc;
}

void livecap_set_buffer(struct livecap *lc, int buffer_bytes)
{
	lc->buffer_bytes = buffer_bytes;
}

void livecap_free(struct livecap *lc)
{
	if (!lc)
		return;
	for (unsigned i = 0; i < lc->n; i++)
		pcap_close(lc->ports[i].pcap);
	free(lc->ports);
	free(lc);
}

static int find(const struct livecap *lc, const char *ifname)
{
	for (unsigned i = 0; i < lc->n; i++)
		if (strcmp(lc->ports[i].ifname, ifname) == 0)
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

static pcap_t *open_port(const struct livecap *lc, const char *ifname, bool *not_now,
			 char *err, size_t errlen)
{
	char ebuf[PCAP_ERRBUF_SIZE] = "";
	struct bpf_program prog;
	pcap_t *p = pcap_create(ifname, ebuf);
	if (!p) {
		snprintf(err, errlen, "%s: %s", ifname, ebuf);
		return NULL;
	}
	pcap_set_snaplen(p, lc->snaplen);
	pcap_set_promisc(p, 0);           /* a bridge port is promiscuous already */
	/*
	 * Frames are handed over in batches, at the latest after 50 ms: a BPDU
	 * waits that long at most (hello times are seconds), and a broadcast
	 * storm costs one wakeup per batch instead of one per frame.
	 */
	pcap_set_immediate_mode(p, 0);
	pcap_set_timeout(p, 50);
	pcap_set_buffer_size(p, lc->buffer_bytes);
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
	    pcap_compile(p, &prog, LIVECAP_FILTER, 1, PCAP_NETMASK_UNKNOWN) < 0) {
		snprintf(err, errlen, "%s: %s", ifname, pcap_geterr(p));
		pcap_close(p);
		return NULL;
	}
	rc = pcap_setfilter(p, &prog);
	pcap_freecode(&prog);
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
		struct port_handle *n = realloc(lc->ports, cap * sizeof(*n));
		if (!n) {
			snprintf(err, errlen, "%s: out of memory", ifname);
			return -1;
		}
		lc->ports = n;
		lc->cap = cap;
	}
	bool not_now = false;
	pcap_t *p = open_port(lc, ifname, &not_now, err, errlen);
	if (!p)
		return not_now ? LIVECAP_NOT_NOW : -1;
	struct port_handle *h = &lc->ports[lc->n++];
	memset(h, 0, sizeof(*h));
	snprintf(h->ifname, sizeof(h->ifname), "%s", ifname);
	h->pcap = p;
	h->fd = pcap_get_selectable_fd(p);
	return 0;
}

/* The latest pcap_stats of a port (kept when the interface is gone). */
static void refresh_stats(struct port_handle *h)
{
	struct pcap_stat st;
	if (pcap_stats(h->pcap, &st) == 0)
		h->last_stat = st;
}

static uint64_t port_dropped(const struct port_handle *h)
{
	return (uint64_t)h->last_stat.ps_drop + h->last_stat.ps_ifdrop;
}

static void remove_at(struct livecap *lc, unsigned i)
{
	struct port_handle *h = &lc->ports[i];
	refresh_stats(h);
	lc->closed_received += h->received;
	lc->closed_dropped += port_dropped(h);
	pcap_close(h->pcap);
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
	unsigned n = 0;
	for (unsigned i = 0; i < lc->n && n < max; i++) {
		if (lc->ports[i].fd < 0)
			continue;
		fds[n].fd = lc->ports[i].fd;
		fds[n].events = POLLIN;
		fds[n].revents = 0;
		n++;
	}
	return n;
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
	d->port->received++;
	d->frame(d->ctx, d->port->ifname, &rec);
}

static bool is_ready(const struct port_handle *h, const struct pollfd *fds, unsigned nfds)
{
	if (!fds)
		return true;
	for (unsigned k = 0; k < nfds; k++)
		if (fds[k].fd == h->fd)
			return fds[k].revents != 0;
	return false;
}

static unsigned dispatch(struct livecap *lc, const struct pollfd *fds, unsigned nfds,
			 unsigned budget, livecap_frame_fn frame, livecap_gone_fn gone, void *ctx)
{
	unsigned total = 0;
	for (unsigned i = 0; i < lc->n;) {
		struct port_handle *h = &lc->ports[i];
		if (!is_ready(h, fds, nfds)) {
			i++;
			continue;
		}
		struct dispatch_ctx d = { h, frame, ctx };
		int n = pcap_dispatch(h->pcap, (int)budget, on_packet, (u_char *)&d);
		if (n < 0) {
			/* The interface went away (a VM stopped, a port was deleted). */
			char name[64], why[PCAP_ERRBUF_SIZE + 8];
			snprintf(name, sizeof(name), "%s", h->ifname);
			snprintf(why, sizeof(why), "%s", pcap_geterr(h->pcap));
			remove_at(lc, i);
			if (gone)
				gone(ctx, name, why);
			continue;
		}
		total += (unsigned)n;
		i++;
	}
	return total;
}

unsigned livecap_dispatch(struct livecap *lc, unsigned budget, livecap_frame_fn frame,
			  livecap_gone_fn gone, void *ctx)
{
	return dispatch(lc, NULL, 0, budget, frame, gone, ctx);
}

unsigned livecap_dispatch_ready(struct livecap *lc, const struct pollfd *fds, unsigned nfds,
				unsigned budget, livecap_frame_fn frame, livecap_gone_fn gone,
				void *ctx)
{
	return dispatch(lc, fds, nfds, budget, frame, gone, ctx);
}

unsigned livecap_stats(struct livecap *lc, struct livecap_port_stats *out, unsigned max)
{
	unsigned n = 0;
	for (unsigned i = 0; i < lc->n && n < max; i++) {
		struct port_handle *h = &lc->ports[i];
		refresh_stats(h);
		snprintf(out[n].ifname, sizeof(out[n].ifname), "%s", h->ifname);
		out[n].received = h->received;
		out[n].dropped = h->last_stat.ps_drop;
		out[n].ifdropped = h->last_stat.ps_ifdrop;
		n++;
	}
	return n;
}

void livecap_totals(struct livecap *lc, uint64_t *received, uint64_t *dropped)
{
	uint64_t r = lc->closed_received, d = lc->closed_dropped;
	for (unsigned i = 0; i < lc->n; i++) {
		refresh_stats(&lc->ports[i]);
		r += lc->ports[i].received;
		d += port_dropped(&lc->ports[i]);
	}
	*received = r;
	*dropped = d;
}
