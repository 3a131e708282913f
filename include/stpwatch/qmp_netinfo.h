/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * qmp_netinfo.h - a reader for the text of QEMU's "info network".
 * Pure (src/core/qmp_netinfo.c); src/qmp.h includes it.
 */
#ifndef STPWATCH_QMP_NETINFO_H
#define STPWATCH_QMP_NETINFO_H

#include <stdbool.h>
#include <stdint.h>

/*
 * QEMU 7.2 prints (net/net.c hmp_info_network, net/hub.c net_hub_info):
 *
 *   hub 0
 *    \ hub0port1: #net108: index=0,type=tap,ifname=tap10,script=no,downscript=no
 *    \ hub0port0: virtio-net-pci.0: index=0,type=nic,model=virtio-net-pci,macaddr=52:54:00:12:34:56
 *    \ hp9                                  (a hub port with no peer)
 *   net0: index=0,type=nic,model=virtio-net-pci,macaddr=52:54:00:15:15:15
 *    \ hostnet0: index=0,type=tap,fd=25      (the NIC's peer)
 *   dangle: index=0,type=tap,ifname=tap17,script=no,downscript=no   (no peer)
 *
 * Each client is "NAME: index=Q,type=DRIVER,INFO"; a tap's INFO is
 * "ifname=X,script=..,downscript=..", "fd=N" (libvirt: look the fd up in
 * /proc, procvm_tap_by_fd()) or "helper=PATH"; a NIC's is
 * "model=M,macaddr=XX:..".  A multiqueue client prints one line per queue
 * (index=1.. ; a NIC's later queues with an empty INFO), merged here.
 * Newer QEMUs add "filters:" blocks, skipped.
 */
#define QMP_NET_MAX 64
#define QMP_NET_NAME 64

struct qmp_net_client {
	char name[QMP_NET_NAME];        /* QEMU's id: "net0", "#net108", "e1000.0" */
	char type[16];                  /* "nic", "tap", "user", "bridge", ... */
	char model[QMP_NET_NAME];       /* NIC: model= */
	bool have_mac;
	uint8_t mac[6];                 /* NIC: macaddr= */
	char ifname[16];                /* tap: ifname=, "" if not given */
	int fd;                         /* tap: fd= of queue 0, -1 if none */
	char helper[128];               /* tap/bridge: helper=, "" if none */
	char info[256];                 /* the INFO text of queue 0, as printed */
	int hub;                        /* hub it is plugged into, -1 if none */
	char hubport[QMP_NET_NAME];     /* that hub port's name */
	int peer;                       /* index of its peer in c[], -1 if none/hub */
	unsigned queues;                /* lines merged (1 + later queues) */
};

struct qmp_netinfo {
	unsigned n;
	struct qmp_net_client c[QMP_NET_MAX];
	unsigned n_hubs;
	int hubs[QMP_NET_MAX];          /* hub ids, in order printed */
	unsigned empty_ports;           /* hub ports with no peer */
	unsigned unparsed;              /* lines not understood */
	bool truncated;                 /* more than QMP_NET_MAX clients or hubs */
};

/*
 * Parses "info network" text (LF or CRLF).  Pure: no I/O.  Returns the
 * number of clients.
 */
unsigned qmp_parse_info_network(const char *text, struct qmp_netinfo *out);

/* A client by name, or -1. */
int qmp_netinfo_find(const struct qmp_netinfo *ni, const char *name);

#endif /* STPWATCH_QMP_NETINFO_H */
