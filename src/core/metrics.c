/* SPDX-License-Identifier: BSD-3-Clause */
#include <string.h>

#include "stpwatch/json.h"
#include "stpwatch/metrics.h"
#include "stpwatch/names.h"

/*
 * A label value (exposition format 0.0.4): \\, \" and \n escaped; it must be
 * UTF-8, so a control character or a byte that starts no valid UTF-8
 * sequence (interface names may hold either) is written as the text \\xNN.
 */
static void label_value(struct sbuf *out, const char *s)
{
	const uint8_t *u = (const uint8_t *)s;
	size_t n = strlen(s);
	for (size_t i = 0; i < n;) {
		uint8_t c = u[i];
		size_t seq = c >= 0x80 ? json_utf8_length(u + i, n - i) : 1;
		if (c == '\\' || c == '"') {
			sbuf_printf(out, "\\%c", c);
		} else if (c == '\n') {
			sbuf_puts(out, "\\n");
		} else if (c < 0x20 || c == 0x7f || seq == 0) {
			sbuf_printf(out, "\\\\x%02x", c);
		} else {
			sbuf_write(out, u + i, seq);
			i += seq;
			continue;
		}
		i++;
	}
}

static void header(struct sbuf *out, const char *name, const char *type, const char *help)
{
	sbuf_printf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static const struct port_stats *stats_for(const struct portstats *ps, const char *name)
{
	for (unsigned i = 0; i < ps->n_ports; i++)
		if (strcmp(ps->ports[i].ifname, name) == 0)
			return &ps->ports[i];
	return NULL;
}

static void port_labels(struct sbuf *out, const char *bridge, const char *port)
{
	sbuf_puts(out, "{bridge=\"");
	label_value(out, bridge);
	sbuf_puts(out, "\",port=\"");
	label_value(out, port);
	sbuf_puts(out, "\"}");
}

void metrics_write(struct sbuf *out, struct engine *e, const struct portstats *ps,
		   const struct metrics_capture *cap, unsigned n_cap, double now)
{
	unsigned nports = engine_port_count(e);

	header(out, "stpwatch_port_state", "gauge",
	       "STP port state: 0 disabled, 1 listening, 2 learning, 3 forwarding, 4 blocking, -1 unknown");
	for (unsigned i = 0; i < nports; i++) {
		const struct port_info *p = engine_port_at(e, i);
		sbuf_puts(out, "stpwatch_port_state");
		port_labels(out, p->bridge, p->name);
		sbuf_printf(out, " %d\n", (int)p->state);
	}
	header(out, "stpwatch_bpdus_received_total", "counter", "BPDUs seen on the port");
	for (unsigned i = 0; i < nports; i++) {
		const struct port_info *p = engine_port_at(e, i);
		const struct port_stats *s = stats_for(ps, p->name);
		sbuf_puts(out, "stpwatch_bpdus_received_total");
		port_labels(out, p->bridge, p->name);
		sbuf_printf(out, " %llu\n", (unsigned long long)(s ? s->bpdus : 0));
	}
	header(out, "stpwatch_tcn_received_total", "counter",
	       "Topology change notification BPDUs seen on the port");
	for (unsigned i = 0; i < nports; i++) {
		const struct port_info *p = engine_port_at(e, i);
		const struct port_stats *s = stats_for(ps, p->name);
		sbuf_puts(out, "stpwatch_tcn_received_total");
		port_labels(out, p->bridge, p->name);
		sbuf_printf(out, " %llu\n", (unsigned long long)(s ? s->tcn : 0));
	}
	header(out, "stpwatch_bpdus_malformed_total", "counter",
	       "BPDUs that were truncated or invalid");
	for (unsigned i = 0; i < nports; i++) {
		const struct port_info *p = engine_port_at(e, i);
		const struct port_stats *s = stats_for(ps, p->name);
		sbuf_puts(out, "stpwatch_bpdus_malformed_total");
		port_labels(out, p->bridge, p->name);
		sbuf_printf(out, " %llu\n", (unsigned long long)(s ? s->bpdus_truncated + s->bpdus_invalid : 0));
	}

	unsigned counts[FINDING_KIND_COUNT][SEVERITY_COUNT];
	memset(counts, 0, sizeof(counts));
	const struct finding_list *l = engine_findings(e);
	for (unsigned i = 0; i < l->n; i++)
		counts[l->items[i].kind][l->items[i].severity]++;
	header(out, "stpwatch_findings", "gauge", "Current findings by kind and severity");
	for (unsigned k = 0; k < FINDING_KIND_COUNT; k++)
		for (unsigned s = 0; s < SEVERITY_COUNT; s++)
			sbuf_printf(out, "stpwatch_findings{kind=\"%s\",severity=\"%s\"} %u\n",
				    finding_kind_name((enum finding_kind)k),
				    severity_name((enum severity)s), counts[k][s]);

	header(out, "stpwatch_capture_received_total", "counter", "Frames captured on the port");
	for (unsigned i = 0; i < n_cap; i++) {
		sbuf_puts(out, "stpwatch_capture_received_total{port=\"");
		label_value(out, cap[i].ifname);
		sbuf_printf(out, "\"} %llu\n", (unsigned long long)cap[i].received);
	}
	header(out, "stpwatch_capture_dropped_total", "counter",
	       "Frames the capture buffer dropped (pcap_stats ps_drop + ps_ifdrop)");
	for (unsigned i = 0; i < n_cap; i++) {
		sbuf_puts(out, "stpwatch_capture_dropped_total{port=\"");
		label_value(out, cap[i].ifname);
		sbuf_printf(out, "\"} %llu\n", (unsigned long long)(cap[i].dropped + cap[i].ifdropped));
	}

	struct engine_stats st;
	engine_get_stats(e, &st);
	header(out, "stpwatch_frames_total", "counter", "Frames analysed");
	sbuf_printf(out, "stpwatch_frames_total %llu\n", (unsigned long long)st.frames);
	header(out, "stpwatch_echoes_total", "counter",
		"Frames seen again on another port (loop evidence)");
	sbuf_printf(out, "stpwatch_echoes_total %llu\n", (unsigned long long)st.echoes);
	header(out, "stpwatch_last_update_timestamp_seconds", "gauge",
	       "When these metrics were written");
	sbuf_printf(out, "stpwatch_last_update_timestamp_seconds %.3f\n", now);
}
