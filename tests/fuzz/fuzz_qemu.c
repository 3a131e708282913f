/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fuzz_qemu.c - libFuzzer harness for the QEMU command-line model and the
 * fix: qemu_opts_next, qemu_parse (with qemu_model_link), the default MAC
 * rules, qemu_model_to_vm_info, qemu_macs_from_info_network,
 * qemu_version_from_banner, qemu_fix_argv and qemu_explain.
 *
 * Input: one selector byte, then a command line as /proc/PID/cmdline gives
 * it (elements separated by NUL bytes, one trailing NUL allowed).
 *   selector bits 0-2: the QEMU version handed to qemu_fix_argv()
 *                      (7.2 2.11 3.0 2.12 1.1 0.12 5.2 2.0)
 *   selector bit 3:    MAC records follow the selector: a count byte n,
 *                      then n & 7 records of 7 bytes (NIC index as int8,
 *                      6 bytes of MAC), as if the monitor had reported them
 *   selector bits 4-7: the size of a short buffer for qemu_explain()
 * An element that is the single byte 0x01 ends the command line; what
 * follows (up to a NUL) is the monitor's "info network" text, whose MACs
 * (qemu_macs_from_info_network) go to the fix before the records above.
 * Every element is a malloc'd copy of exactly its length + NUL, so
 * AddressSanitizer sees a read past its end.
 *
 * What it checks (abort() on violation), each a promise of qemu.h:
 *   - qemu_opts_next(): every parameter's spans inside its element, progress;
 *   - qemu_parse(): -1 only with a reason; else the model's bounds, indices
 *     and links hold, every NIC has a MAC (52:54:00:12:34:XX by default), a
 *     name and a creation order (a permutation), every hub's members sit on
 *     it and `shared` is the rule of struct qemu_hub;
 *   - qemu_fix_argv(): never QEMU_FIX_ERROR (no allocation fails here);
 *     NOTHING exactly when no hub is shared, with a copy of argv; REFUSED
 *     with a reason and no argv; DONE: the new argv parses, shares no hub,
 *     has the same NICs with the same device (unless the model was the
 *     default), the MAC each must keep (its mac=, else the monitor's when
 *     given, else the model's) and the
 *     same tap behind it (type, ifname, br, script, downscript, vhost,
 *     queues); every element that is not a NIC's or a backend's option
 *     stays byte for byte and in order, and the edited options keep their
 *     place; fixing the fixed argv again changes nothing;
 *   - qemu_explain(): printable ASCII, one "- argv[" or "+ argv[" line per
 *     unit; the length it returns is the text's, the same with a short
 *     buffer (cut, terminated), nothing for equal argvs, something for a
 *     fix that changed the command line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "stpwatch/engine.h"
#include "stpwatch/qemu.h"

#define MAX_ELEMS 2048
#define MAX_MACS (QEMU_MAX_NICS + 8)

static const int versions[8][2] = {
	{ 7, 2 }, { 2, 11 }, { 3, 0 }, { 2, 12 }, { 1, 1 }, { 0, 12 }, { 5, 2 }, { 2, 0 },
};

struct input {
	char **argv;
	int argc;
	char *info;                     /* "info network" text or NULL */
	struct qemu_nic_mac raw[8];
	size_t n_raw;
};

static char *dup_bytes(const uint8_t *p, size_t n)
{
	char *s = malloc(n + 1);
	FUZZ_CHECK(s != NULL, "out of memory");
	memcpy(s, p, n);
	s[n] = '\0';
	return s;
}

static void split(struct input *in, const uint8_t *p, size_t n)
{
	in->argv = calloc(MAX_ELEMS + 1, sizeof(char *));
	FUZZ_CHECK(in->argv != NULL, "out of memory");
	size_t i = 0;
	while (i < n && in->argc < MAX_ELEMS) {
		const uint8_t *z = memchr(p + i, 0, n - i);
		size_t len = z ? (size_t)(z - (p + i)) : n - i;
		if (len == 1 && p[i] == 0x01) {
			size_t from = i + 2 > n ? n : i + 2;
			const uint8_t *e = memchr(p + from, 0, n - from);
			in->info = dup_bytes(p + from, e ? (size_t)(e - (p + from)) : n - from);
			return;
		}
		in->argv[in->argc++] = dup_bytes(p + i, len);
		i += len + 1;
	}
}

static void input_free(struct input *in)
{
	for (int i = 0; i < in->argc; i++)
		free(in->argv[i]);
	free(in->argv);
	free(in->info);
}

static bool has_nul(const char *s, size_t n)
{
	return memchr(s, 0, n) != NULL;
}

/* ---- qemu_opts_next ---------------------------------------------------- */

static void check_opts(const char *s)
{
	size_t pos = 0, len = strlen(s), prev = 0;
	struct qemu_kv kv;
	unsigned n = 0;
	while (qemu_opts_next(s, &pos, &kv)) {
		FUZZ_CHECK(kv.start == prev, "parameter starts at %zu, previous ended at %zu",
			   kv.start, prev);
		FUZZ_CHECK(kv.start <= kv.end && kv.end <= len, "parameter [%zu, %zu) in %zu bytes",
			   kv.start, kv.end, len);
		FUZZ_CHECK(!kv.key_len || (kv.key >= kv.start && kv.key + kv.key_len <= kv.end),
			   "key [%zu, +%zu) outside [%zu, %zu)", kv.key, kv.key_len, kv.start, kv.end);
		FUZZ_CHECK(!kv.val_len || (kv.val >= kv.start && kv.val + kv.val_len <= kv.end),
			   "value [%zu, +%zu) outside [%zu, %zu)", kv.val, kv.val_len, kv.start,
			   kv.end);
		FUZZ_CHECK(!(kv.implied && kv.flag), "implied and flag");
		FUZZ_CHECK(!kv.implied || n == 0, "implied parameter %u", n);
		FUZZ_CHECK(pos > kv.start && pos <= len, "no progress at %zu", pos);
		prev = pos;
		FUZZ_CHECK(++n <= len, "more parameters than bytes");
	}
	FUZZ_CHECK(pos == len, "stopped at %zu of %zu", pos, len);
}

/* ---- the model ----------------------------------------------------------- */

static bool tap_like(const struct qemu_netdev *d)
{
	return strcmp(d->type, "tap") == 0 || strcmp(d->type, "bridge") == 0;
}

static void check_at(struct qemu_at at, int argc, bool implicit_ok, const char *what, unsigned i)
{
	if (at.opt < 0) {
		FUZZ_CHECK(implicit_ok && at.opt == -1 && at.val == -1, "%s %u at %d/%d", what, i,
			   at.opt, at.val);
		return;
	}
	FUZZ_CHECK(at.opt >= 1 && at.opt < argc && (at.val == at.opt || at.val == at.opt + 1) &&
		   at.val < argc, "%s %u at argv[%d..%d] of %d", what, i, at.opt, at.val, argc);
}

static void check_model(const struct qemu_model *m, const char *const *argv, int argc)
{
	static const uint8_t base[5] = { 0x52, 0x54, 0x00, 0x12, 0x34 };

	FUZZ_CHECK(m->argc == argc, "model argc %d, argv %d", m->argc, argc);
	FUZZ_CHECK(m->exe && strcmp(m->exe, argv[0]) == 0, "exe is not argv[0]");
	FUZZ_CHECK(m->n_nics <= QEMU_MAX_NICS && m->n_netdevs <= QEMU_MAX_NETDEVS &&
		   m->n_hubs <= QEMU_MAX_HUBS && m->n_monitors <= QEMU_MAX_MONITORS,
		   "%u NICs %u netdevs %u hubs %u monitors", m->n_nics, m->n_netdevs, m->n_hubs,
		   m->n_monitors);
	FUZZ_CHECK(has_nul(m->machine, sizeof(m->machine)), "machine without NUL");
	FUZZ_CHECK((m->n_unknown == 0) == (m->first_unknown == -1) &&
		   m->first_unknown < argc, "%u unknown, first at %d", m->n_unknown,
		   m->first_unknown);
	FUZZ_CHECK(!m->default_net || !m->nodefaults, "default net with -nodefaults");
	for (unsigned i = 0; i < m->n_monitors; i++) {
		const struct qemu_monitor *mon = &m->monitors[i];
		FUZZ_CHECK(mon->argi >= 1 && mon->argi < argc, "monitor %u at %d", i, mon->argi);
		FUZZ_CHECK(has_nul(mon->host, sizeof(mon->host)) &&
			   has_nul(mon->port, sizeof(mon->port)), "monitor %u without NUL", i);
	}

	bool order_seen[QEMU_MAX_NICS] = { false };
	for (unsigned i = 0; i < m->n_nics; i++) {
		const struct qemu_nic *n = &m->nics[i];
		check_at(n->at, argc, n->kind == QEMU_NIC_DEFAULT, "NIC", i);
		FUZZ_CHECK((unsigned)n->kind <= QEMU_NIC_DEFAULT, "NIC %u kind %d", i, (int)n->kind);
		FUZZ_CHECK(has_nul(n->model, sizeof(n->model)) && has_nul(n->device, sizeof(n->device)) &&
			   has_nul(n->id, sizeof(n->id)) && has_nul(n->netdev_id, sizeof(n->netdev_id)) &&
			   has_nul(n->client, sizeof(n->client)), "NIC %u string without NUL", i);
		FUZZ_CHECK(n->client[0] != '\0', "NIC %u has no name", i);
		FUZZ_CHECK(n->netdev >= -1 && n->netdev < (int)m->n_netdevs, "NIC %u netdev %d", i,
			   n->netdev);
		FUZZ_CHECK(n->backend >= -1 && n->backend < (int)m->n_netdevs, "NIC %u backend %d",
			   i, n->backend);
		FUZZ_CHECK(n->hub >= -1, "NIC %u hub %d", i, n->hub);
		if (n->backend >= 0)
			FUZZ_CHECK(n->hub == -1 && n->netdev == n->backend,
				   "NIC %u has backend %d, netdev %d and hub %d", i, n->backend,
				   n->netdev, n->hub);
		FUZZ_CHECK(n->order >= 0 && n->order < (int)m->n_nics && !order_seen[n->order],
			   "NIC %u creation order %d", i, n->order);
		order_seen[n->order] = true;
		FUZZ_CHECK(n->have_mac, "NIC %u has no MAC", i);
		if (!n->mac_explicit)
			FUZZ_CHECK(memcmp(n->mac, base, 5) == 0 && n->mac[5] >= 0x56,
				   "NIC %u default MAC %02x:%02x:%02x:%02x:%02x:%02x", i, n->mac[0],
				   n->mac[1], n->mac[2], n->mac[3], n->mac[4], n->mac[5]);
	}
	for (unsigned i = 0; i < m->n_netdevs; i++) {
		const struct qemu_netdev *d = &m->netdevs[i];
		check_at(d->at, argc, d->kind == QEMU_ND_DEFAULT, "netdev", i);
		FUZZ_CHECK((unsigned)d->kind <= QEMU_ND_DEFAULT, "netdev %u kind %d", i, (int)d->kind);
		FUZZ_CHECK(has_nul(d->type, sizeof(d->type)) && has_nul(d->id, sizeof(d->id)) &&
			   has_nul(d->peer_id, sizeof(d->peer_id)) &&
			   has_nul(d->ifname, sizeof(d->ifname)) && has_nul(d->br, sizeof(d->br)) &&
			   has_nul(d->script, sizeof(d->script)) &&
			   has_nul(d->downscript, sizeof(d->downscript)), "netdev %u string without NUL", i);
		FUZZ_CHECK(d->hub >= -1 && d->peer >= -1 && d->peer < (int)m->n_netdevs &&
			   d->nic >= -1 && d->nic < (int)m->n_nics, "netdev %u hub %d peer %d nic %d",
			   i, d->hub, d->peer, d->nic);
	}

	bool shares = false;
	for (unsigned h = 0; h < m->n_hubs; h++) {
		const struct qemu_hub *hub = &m->hubs[h];
		unsigned taps = 0, nics = 0;
		for (unsigned k = 0; k < h; k++)
			FUZZ_CHECK(m->hubs[k].id != hub->id, "hub %d listed twice", hub->id);
		FUZZ_CHECK(qemu_model_hub(m, hub->id) == hub, "qemu_model_hub(%d)", hub->id);
		FUZZ_CHECK(hub->n_nics <= QEMU_MAX_NICS && hub->n_backends <= QEMU_MAX_NETDEVS,
			   "hub %d: %u NICs %u backends", hub->id, hub->n_nics, hub->n_backends);
		for (unsigned k = 0; k < hub->n_nics; k++) {
			int ni = hub->nics[k];
			FUZZ_CHECK(ni >= 0 && ni < (int)m->n_nics && m->nics[ni].hub == hub->id,
				   "hub %d lists NIC %d", hub->id, ni);
			FUZZ_CHECK(k == 0 || hub->nics[k - 1] < ni, "hub %d NICs out of order", hub->id);
		}
		for (unsigned k = 0; k < hub->n_backends; k++) {
			int bi = hub->backends[k];
			FUZZ_CHECK(bi >= 0 && bi < (int)m->n_netdevs && m->netdevs[bi].hub == hub->id &&
				   strcmp(m->netdevs[bi].type, "hubport") != 0,
				   "hub %d lists backend %d", hub->id, bi);
			taps += tap_like(&m->netdevs[bi]);
		}
		for (unsigned i = 0; i < m->n_nics; i++)
			nics += m->nics[i].hub == hub->id;
		FUZZ_CHECK(nics == hub->n_nics && taps == hub->n_taps,
			   "hub %d: %u NICs (%u listed), %u taps (%u counted)", hub->id, nics,
			   hub->n_nics, taps, hub->n_taps);
		bool shared = hub->n_taps >= 2 || (hub->n_nics >= 2 && hub->n_taps >= 1);
		FUZZ_CHECK(hub->shared == shared, "hub %d shared %d, rule says %d", hub->id,
			   hub->shared, shared);
		shares |= shared;
	}
	FUZZ_CHECK(m->shares_hub == shares, "shares_hub %d, hubs say %d", m->shares_hub, shares);
	if (!m->truncated)
		for (unsigned i = 0; i < m->n_nics; i++)
			FUZZ_CHECK(m->nics[i].hub < 0 || qemu_model_hub(m, m->nics[i].hub),
				   "NIC %u on hub %d, which is not listed", i, m->nics[i].hub);
}

/* The other MAC rules on a shallow copy: a MAC for every NIC, explicit ones kept. */
static void check_mac_rules(const struct qemu_model *m)
{
	struct qemu_model *c = malloc(sizeof(*c));
	FUZZ_CHECK(c != NULL, "out of memory");
	for (int rule = QEMU_MAC_RULE_FREE_SLOT; rule <= QEMU_MAC_RULE_NET_INDEX; rule++) {
		memcpy(c, m, sizeof(*c));
		qemu_model_default_macs(c, (enum qemu_mac_rule)rule);
		for (unsigned i = 0; i < c->n_nics; i++) {
			FUZZ_CHECK(c->nics[i].have_mac, "rule %d: NIC %u without MAC", rule, i);
			if (m->nics[i].mac_explicit)
				FUZZ_CHECK(memcmp(c->nics[i].mac, m->nics[i].mac, 6) == 0,
					   "rule %d moved NIC %u's explicit MAC", rule, i);
			if (rule == QEMU_MAC_RULE_FREE_SLOT)
				FUZZ_CHECK(memcmp(c->nics[i].mac, m->nics[i].mac, 6) == 0,
					   "the default rule is not what qemu_parse() gave NIC %u", i);
		}
	}
	free(c);
}

static void check_vm_info(const struct qemu_model *m)
{
	struct vm_info vi;
	memset(&vi, 0, sizeof(vi));
	vi.pid = 4242;
	unsigned dropped = qemu_model_to_vm_info(m, &vi);
	FUZZ_CHECK(vi.pid == 4242, "pid touched");
	FUZZ_CHECK(vi.n_nics <= ENGINE_MAX_VM_NICS, "%u VM NICs", vi.n_nics);
	FUZZ_CHECK(dropped == 0 || vi.n_nics == ENGINE_MAX_VM_NICS, "%u dropped with room left",
		   dropped);
	for (unsigned i = 0; i < vi.n_nics; i++)
		FUZZ_CHECK(vi.nics[i].tap[0] && has_nul(vi.nics[i].tap, sizeof(vi.nics[i].tap)) &&
			   vi.nics[i].hub >= -1, "VM NIC %u", i);
}

/* ---- the tap behind a NIC --------------------------------------------- */

/* Its own backend, or on a hub the tap at its rank (the fix's pairing). */
static const struct qemu_netdev *nic_tap(const struct qemu_model *m, unsigned i)
{
	const struct qemu_nic *n = &m->nics[i];
	if (n->hub < 0)
		return n->backend >= 0 && tap_like(&m->netdevs[n->backend]) ?
		       &m->netdevs[n->backend] : NULL;
	const struct qemu_hub *h = qemu_model_hub(m, n->hub);
	if (!h)
		return NULL;
	unsigned k = 0, t = 0;
	while (k < h->n_nics && h->nics[k] != (int)i)
		k++;
	for (unsigned b = 0; b < h->n_backends; b++) {
		const struct qemu_netdev *d = &m->netdevs[h->backends[b]];
		if (tap_like(d) && t++ == k)
			return d;
	}
	return NULL;
}

static bool same_tap(const struct qemu_netdev *a, const struct qemu_netdev *b)
{
	if (!a || !b)
		return a == b;
	return strcmp(a->type, b->type) == 0 && strcmp(a->ifname, b->ifname) == 0 &&
	       strcmp(a->br, b->br) == 0 && strcmp(a->script, b->script) == 0 &&
	       strcmp(a->downscript, b->downscript) == 0 && a->vhost == b->vhost &&
	       a->queues == b->queues && a->fd == b->fd;
}

/* ---- the fix ------------------------------------------------------------- */

/*
 * Elements of argv that are no NIC's or backend's option must come out as
 * they were, in order; the options that are come out unchanged, as two
 * elements (rewritten), or not at all (a hubport that went).
 */
static void check_kept(const struct qemu_model *m, const char *const *argv, int argc,
		       char **out, int outc)
{
	int *span = calloc((size_t)argc, sizeof(int));   /* elements of the option there */
	bool *hubport = calloc((size_t)argc, sizeof(bool));
	FUZZ_CHECK(span && hubport, "out of memory");
	for (unsigned i = 0; i < m->n_nics; i++)
		if (m->nics[i].at.opt >= 0)
			span[m->nics[i].at.opt] = m->nics[i].at.val - m->nics[i].at.opt + 1;
	for (unsigned i = 0; i < m->n_netdevs; i++) {
		const struct qemu_netdev *d = &m->netdevs[i];
		if (d->at.opt < 0)
			continue;
		span[d->at.opt] = d->at.val - d->at.opt + 1;
		if (strcmp(d->type, "hubport") == 0 && d->kind != QEMU_ND_NIC)
			hubport[d->at.opt] = true;
	}
	int j = 0;
	for (int i = 0; i < argc; i++) {
		if (!span[i]) {
			FUZZ_CHECK(j < outc && strcmp(out[j], argv[i]) == 0,
				   "argv[%d] \"%s\" is out[%d] \"%s\"", i, argv[i], j,
				   j < outc ? out[j] : "(end)");
			j++;
			continue;
		}
		int s = span[i];
		bool same = j + s <= outc;
		for (int k = 0; k < s && same; k++)
			same = strcmp(out[j + k], argv[i + k]) == 0;
		if (same) {
			j += s;
		} else if (hubport[i]) {
			/* dropped: the fix never rewrites a hubport */
		} else {
			FUZZ_CHECK(j + 2 <= outc && out[j][0] == '-',
				   "the option at argv[%d] did not come out as two elements", i);
			j += 2;
		}
		i += s - 1;
	}
	FUZZ_CHECK(j == outc, "%d elements after the last of argv", outc - j);
	free(span);
	free(hubport);
}

static void check_explain(const char *const *a, int na, const char *const *b, int nb,
			  size_t small, bool differ)
{
	int need = qemu_explain(a, na, b, nb, NULL, 0);
	FUZZ_CHECK(need >= 0, "qemu_explain failed");
	FUZZ_CHECK(differ == (need > 0), "explain says %d bytes for argvs that %s", need,
		   differ ? "differ" : "are equal");
	char *buf = malloc((size_t)need + 1);
	FUZZ_CHECK(buf != NULL, "out of memory");
	FUZZ_CHECK(qemu_explain(a, na, b, nb, buf, (size_t)need + 1) == need &&
		   strlen(buf) == (size_t)need, "explain text is not %d bytes", need);
	fuzz_check_text(buf, (size_t)need, "qemu_explain");
	for (const char *l = buf; *l; ) {
		FUZZ_CHECK((l[0] == '-' || l[0] == '+') && strncmp(l + 1, " argv[", 6) == 0,
			   "explain line \"%.40s\"", l);
		const char *nl = strchr(l, '\n');
		FUZZ_CHECK(nl != NULL, "explain text does not end in a newline");
		l = nl + 1;
	}
	if (small) {
		char *s = malloc(small);
		FUZZ_CHECK(s != NULL, "out of memory");
		FUZZ_CHECK(qemu_explain(a, na, b, nb, s, small) == need, "explain length changed");
		size_t want = (size_t)need < small - 1 ? (size_t)need : small - 1;
		FUZZ_CHECK(strlen(s) == want && memcmp(s, buf, want) == 0,
			   "short explain buffer holds %zu bytes, want %zu", strlen(s), want);
		free(s);
	}
	free(buf);
}

static void check_fix(const struct qemu_model *m, const struct input *in, int major, int minor,
		      const struct qemu_nic_mac *macs, size_t n_macs, size_t small)
{
	const char *const *argv = (const char *const *)in->argv;
	int argc = in->argc;
	char **out = (char **)&out;
	int outc = -1;
	char why[400];

	int rc = qemu_fix_argv(m, argv, argc, major, minor, macs, n_macs, &out, &outc, why,
			       sizeof(why));
	FUZZ_CHECK(has_nul(why, sizeof(why)), "reason without NUL");
	FUZZ_CHECK(rc != QEMU_FIX_ERROR, "qemu_fix_argv @%d.%d: error: %s", major, minor, why);
	FUZZ_CHECK(rc == QEMU_FIX_DONE || rc == QEMU_FIX_NOTHING || rc == QEMU_FIX_REFUSED,
		   "qemu_fix_argv returned %d", rc);
	if (rc == QEMU_FIX_REFUSED) {
		FUZZ_CHECK(out == NULL && outc == 0, "refused with an argv");
		FUZZ_CHECK(why[0] != '\0', "refused without a reason");
		FUZZ_CHECK(m->shares_hub, "refused with no hub shared: %s", why);
		return;
	}
	FUZZ_CHECK(out != NULL && outc > 0 && out[outc] == NULL, "argv of %d not terminated", outc);
	if (rc == QEMU_FIX_NOTHING) {
		FUZZ_CHECK(!m->shares_hub, "nothing to fix, but a hub is shared");
		FUZZ_CHECK(outc == argc, "copy of %d elements, argv has %d", outc, argc);
		for (int i = 0; i < argc; i++)
			FUZZ_CHECK(strcmp(out[i], argv[i]) == 0, "copy differs at argv[%d]", i);
		check_explain(argv, argc, (const char *const *)out, outc, small, false);
		qemu_argv_free(out, outc);
		return;
	}
	FUZZ_CHECK(m->shares_hub, "fixed with no hub shared");

	/* The MAC each NIC must keep: its mac=, else the monitor's (the last
	 * record wins), else the model's. */
	uint8_t want[QEMU_MAX_NICS][6];
	for (unsigned i = 0; i < m->n_nics; i++)
		memcpy(want[i], m->nics[i].mac, 6);
	for (size_t k = 0; k < n_macs; k++)
		if (macs[k].nic >= 0 && (unsigned)macs[k].nic < m->n_nics &&
		    !m->nics[macs[k].nic].mac_explicit)
			memcpy(want[macs[k].nic], macs[k].mac, 6);

	struct qemu_model *fm = malloc(sizeof(*fm));
	FUZZ_CHECK(fm != NULL, "out of memory");
	char err[200];
	int prc = qemu_parse(fm, (const char *const *)out, outc, err, sizeof(err));
	FUZZ_CHECK(prc == 0, "the fixed argv does not parse: %s", err);
	check_model(fm, (const char *const *)out, outc);
	FUZZ_CHECK(!fm->shares_hub, "the fixed argv still shares a hub");
	FUZZ_CHECK(fm->n_nics == m->n_nics, "%u NICs became %u", m->n_nics, fm->n_nics);
	for (unsigned i = 0; i < m->n_nics; i++) {
		const struct qemu_nic *a = &m->nics[i], *b = &fm->nics[i];
		FUZZ_CHECK(strcmp(a->device, b->device) == 0 || a->model[0] == '\0',
			   "NIC %u: device %s became %s", i, a->device, b->device);
		FUZZ_CHECK(memcmp(b->mac, want[i], 6) == 0,
			   "NIC %u: MAC %02x:%02x:%02x:%02x:%02x:%02x became "
			   "%02x:%02x:%02x:%02x:%02x:%02x", i, want[i][0], want[i][1], want[i][2],
			   want[i][3], want[i][4], want[i][5], b->mac[0], b->mac[1], b->mac[2],
			   b->mac[3], b->mac[4], b->mac[5]);
		const struct qemu_netdev *ta = nic_tap(m, i), *tb = nic_tap(fm, i);
		FUZZ_CHECK(same_tap(ta, tb), "NIC %u: tap %s '%s' became %s '%s'", i,
			   ta ? ta->type : "-", ta ? ta->ifname : "", tb ? tb->type : "-",
			   tb ? tb->ifname : "");
	}
	check_kept(m, argv, argc, out, outc);
	check_explain(argv, argc, (const char *const *)out, outc, small, true);

	/* Fixing the fixed argv: nothing left to do. */
	char **again = NULL;
	int againc = 0;
	int rc2 = qemu_fix_argv(fm, (const char *const *)out, outc, major, minor, NULL, 0,
				&again, &againc, why, sizeof(why));
	FUZZ_CHECK(rc2 == QEMU_FIX_NOTHING && againc == outc,
		   "fixing the fixed argv returned %d (%s)", rc2, why);
	for (int i = 0; i < outc; i++)
		FUZZ_CHECK(strcmp(again[i], out[i]) == 0, "second fix changed argv[%d]", i);
	qemu_argv_free(again, againc);
	qemu_model_free(fm);
	free(fm);
	qemu_argv_free(out, outc);
}

/* ---- the entry point ------------------------------------------------------ */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in;
	struct qemu_nic_mac macs[MAX_MACS];
	size_t n_macs = 0;

	if (size < 1 || size > 65536)
		return 0;
	memset(&in, 0, sizeof(in));
	unsigned sel = data[0];
	size_t off = 1;
	int major = versions[sel & 7][0], minor = versions[sel & 7][1];
	size_t small = sel >> 4;
	if (sel & 8) {
		unsigned n = off < size ? data[off++] & 7u : 0;
		for (unsigned k = 0; k < n && off + 7 <= size; k++, off += 7) {
			in.raw[k].nic = (int8_t)data[off];
			memcpy(in.raw[k].mac, data + off + 1, 6);
			in.n_raw++;
		}
	}
	split(&in, data + off, size - off);

	for (int i = 0; i < in.argc; i++)
		check_opts(in.argv[i]);
	if (in.info) {
		int a = -7, b = -7;
		if (qemu_version_from_banner(in.info, &a, &b) < 0)
			FUZZ_CHECK(a == -7 && b == -7, "version written without success");
	}

	struct qemu_model *m = malloc(sizeof(*m));
	FUZZ_CHECK(m != NULL, "out of memory");
	char err[200];
	memset(err, 'x', sizeof(err));
	int rc = qemu_parse(m, (const char *const *)in.argv, in.argc, err, sizeof(err));
	FUZZ_CHECK(rc == 0 || rc == -1, "qemu_parse returned %d", rc);
	FUZZ_CHECK(has_nul(err, sizeof(err)), "error without NUL");
	if (rc < 0) {
		FUZZ_CHECK(err[0] != '\0', "qemu_parse failed without a reason");
		qemu_model_free(m);
		free(m);
		input_free(&in);
		return 0;
	}
	FUZZ_CHECK(err[0] == '\0', "qemu_parse succeeded with a reason: %s", err);
	check_model(m, (const char *const *)in.argv, in.argc);
	check_mac_rules(m);
	check_vm_info(m);

	if (in.info) {
		n_macs = qemu_macs_from_info_network(m, in.info, macs, QEMU_MAX_NICS);
		FUZZ_CHECK(n_macs <= QEMU_MAX_NICS, "%zu MACs from info network", n_macs);
		for (size_t k = 0; k < n_macs; k++)
			FUZZ_CHECK(macs[k].nic >= 0 && (unsigned)macs[k].nic < m->n_nics,
				   "info network MAC for NIC %d of %u", macs[k].nic, m->n_nics);
	}
	for (size_t k = 0; k < in.n_raw; k++)
		macs[n_macs++] = in.raw[k];
	check_fix(m, &in, major, minor, macs, n_macs, small);

	qemu_model_free(m);
	free(m);
	input_free(&in);
	return 0;
}
