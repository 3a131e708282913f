/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * qmp_netinfo.c - reads the text of QEMU's "info network" (HMP).  Pure:
 * no I/O; the text comes from qmp_hmp() or hmp_command() (src/qmp.c).
 * The format is described in stpwatch/qmp_netinfo.h.
 */
#include "stpwatch/qmp_netinfo.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void copy_n(char *dst, size_t cap, const char *src, size_t n)
{
	if (n >= cap)
		n = cap - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

static bool parse_mac(const char *s, size_t n, uint8_t mac[6])
{
	unsigned v[6];
	char tail;
	char tmp[32];

	if (n >= sizeof(tmp))
		return false;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	if (sscanf(tmp, "%2x:%2x:%2x:%2x:%2x:%2x%c", &v[0], &v[1], &v[2], &v[3], &v[4],
		   &v[5], &tail) != 6)
		return false;
	for (int i = 0; i < 6; i++)
		mac[i] = (uint8_t)v[i];
	return true;
}

/* INFO "k=v,k=v": the fields we know. */
static void parse_info(const char *info, struct qmp_net_client *c)
{
	const char *p = info;

	while (*p) {
		const char *end = strchr(p, ','), *eq;
		size_t n;

		if (end == NULL)
			end = p + strlen(p);
		eq = memchr(p, '=', (size_t)(end - p));
		if (eq) {
			size_t klen = (size_t)(eq - p);
			const char *v = eq + 1;

			n = (size_t)(end - v);
			if (klen == 5 && memcmp(p, "model", 5) == 0)
				copy_n(c->model, sizeof(c->model), v, n);
			else if (klen == 7 && memcmp(p, "macaddr", 7) == 0)
				c->have_mac = parse_mac(v, n, c->mac);
			else if (klen == 6 && memcmp(p, "ifname", 6) == 0)
				copy_n(c->ifname, sizeof(c->ifname), v, n);
			else if (klen == 6 && memcmp(p, "helper", 6) == 0)
				copy_n(c->helper, sizeof(c->helper), v, n);
			else if (klen == 2 && memcmp(p, "fd", 2) == 0 && c->fd < 0) {
				char *e;
				long fd = strtol(v, &e, 10);

				if (e != v && fd >= 0 && fd <= INT_MAX)
					c->fd = (int)fd;
			}
		}
		p = *end ? end + 1 : end;
	}
}

int qmp_netinfo_find(const struct qmp_netinfo *ni, const char *name)
{
	for (unsigned i = 0; i < ni->n; i++)
		if (strcmp(ni->c[i].name, name) == 0)
			return (int)i;
	return -1;
}

/*
 * "NAME: index=Q,type=T[,INFO]" into a client (new, or merged into an
 * earlier queue of the same client).  Returns its index, or -1.
 */
static int parse_client(struct qmp_netinfo *ni, const char *s, int last_nic)
{
	const char *colon = strstr(s, ": index=");
	const char *p, *type, *tend;
	char name[QMP_NET_NAME], typ[16];
	long q;
	char *e;

	if (colon == NULL || colon == s)
		return -1;
	copy_n(name, sizeof(name), s, (size_t)(colon - s));
	p = colon + strlen(": index=");
	q = strtol(p, &e, 10);
	if (e == p || q < 0 || strncmp(e, ",type=", 6) != 0)
		return -1;
	type = e + 6;
	tend = strchr(type, ',');
	if (tend == NULL)
		tend = type + strlen(type);
	copy_n(typ, sizeof(typ), type, (size_t)(tend - type));

	if (q > 0) {
		int k = qmp_netinfo_find(ni, name);

		if (k >= 0 && strcmp(ni->c[k].type, typ) == 0) {
			ni->c[k].queues++;
			return k;
		}
		/* a NIC's later queues get names of their own ("virtio-net-pci.1") */
		if (strcmp(typ, "nic") == 0 && last_nic >= 0) {
			ni->c[last_nic].queues++;
			return last_nic;
		}
	}
	if (ni->n >= QMP_NET_MAX) {
		ni->truncated = true;
		return -1;
	}
	struct qmp_net_client *c = &ni->c[ni->n];

	memset(c, 0, sizeof(*c));
	snprintf(c->name, sizeof(c->name), "%s", name);
	snprintf(c->type, sizeof(c->type), "%s", typ);
	c->fd = -1;
	c->hub = -1;
	c->peer = -1;
	c->queues = 1;
	if (*tend == ',') {
		snprintf(c->info, sizeof(c->info), "%s", tend + 1);
		parse_info(tend + 1, c);
	}
	return (int)ni->n++;
}

unsigned qmp_parse_info_network(const char *text, struct qmp_netinfo *out)
{
	enum { CTX_NONE, CTX_HUB, CTX_CLIENT } ctx = CTX_NONE;
	int hub = -1, cur = -1, last_nic = -1;
	const char *p = text;
	char line[1024];

	memset(out, 0, sizeof(*out));
	while (p && *p) {
		const char *e = strchr(p, '\n');
		size_t n = e ? (size_t)(e - p) : strlen(p);

		copy_n(line, sizeof(line), p, n);
		p = e ? e + 1 : NULL;
		n = strlen(line);
		while (n > 0 && (line[n - 1] == '\r' || line[n - 1] == ' '))
			line[--n] = '\0';
		if (n == 0)
			continue;

		int id;
		char tail;

		if (sscanf(line, "hub %d%c", &id, &tail) == 1) {
			ctx = CTX_HUB;
			hub = id;
			if (out->n_hubs < QMP_NET_MAX)
				out->hubs[out->n_hubs++] = id;
			else
				out->truncated = true;
			continue;
		}
		if (strcmp(line, "filters:") == 0 || strncmp(line, "  - ", 4) == 0)
			continue;
		if (strncmp(line, " \\ ", 3) == 0) {
			const char *rest = line + 3;

			if (ctx == CTX_HUB) {
				const char *sep = strstr(rest, ": ");
				int k;

				if (sep == NULL) {   /* a port with no peer */
					out->empty_ports++;
					continue;
				}
				k = parse_client(out, sep + 2, last_nic);
				if (k < 0) {
					if (!out->truncated)
						out->unparsed++;
					continue;
				}
				if (out->c[k].hub < 0) {
					out->c[k].hub = hub;
					copy_n(out->c[k].hubport, sizeof(out->c[k].hubport),
					       rest, (size_t)(sep - rest));
				}
				if (strcmp(out->c[k].type, "nic") == 0)
					last_nic = k;
			} else if (ctx == CTX_CLIENT && cur >= 0) {
				int k = parse_client(out, rest, -1);

				if (k < 0) {
					if (!out->truncated)
						out->unparsed++;
					continue;
				}
				if (k != cur && out->c[cur].peer < 0 && out->c[k].peer < 0) {
					out->c[cur].peer = k;
					out->c[k].peer = cur;
				}
			} else {
				out->unparsed++;
			}
			continue;
		}
		if (line[0] == ' ') {
			out->unparsed++;
			continue;
		}
		int k = parse_client(out, line, last_nic);

		if (k < 0) {
			if (!out->truncated)
				out->unparsed++;
			ctx = CTX_NONE;
			continue;
		}
		ctx = CTX_CLIENT;
		cur = k;
		if (strcmp(out->c[k].type, "nic") == 0)
			last_nic = k;
	}
	return out->n;
}
