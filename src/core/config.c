/* SPDX-License-Identifier: BSD-3-Clause */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stpwatch/config.h"

void config_defaults(struct stpwatch_config *c)
{
	memset(c, 0, sizeof(*c));
	engine_config_defaults(&c->engine);
	snprintf(c->taps, sizeof(c->taps), "%s", c->engine.tap_patterns);
	c->engine.tap_patterns = c->taps;
	c->engine.ignore_ports = c->ignore_ports;
	c->engine.ignore_vms = c->ignore_vms;
	snprintf(c->state_dir, sizeof(c->state_dir), "/var/lib/stpwatch");
	c->interval = 10.0;
	c->repair_interval = 3600.0;
	c->shutdown_timeout = 300.0;
	c->snaplen = CONFIG_SNAPLEN_DEFAULT;
	c->buffer_size = 0;
}

enum kind { K_SECONDS, K_COUNT, K_STRING };

struct key {
	const char *name;
	enum kind kind;
	size_t offset;       /* into struct stpwatch_config */
	double min, max;
};

#define EC(field) (offsetof(struct stpwatch_config, engine) + offsetof(struct engine_config, field))
#define SC(field) offsetof(struct stpwatch_config, field)

static const struct key keys[] = {
	{ "echo_window", K_SECONDS, EC(echo_window), 0.001, 10 },
	{ "echo_min", K_COUNT, EC(echo_min), 1, 1000000 },
	{ "mac_flap_moves", K_COUNT, EC(mac_flap_moves), 1, 8 },   /* FLAP_HISTORY */
	{ "mac_flap_window", K_SECONDS, EC(mac_flap_window), 0.1, 86400 },
	{ "tc_storm_count", K_COUNT, EC(tc_storm_count), 1, 64 },  /* TC_HISTORY */
	{ "tc_window", K_SECONDS, EC(tc_window), 1, 86400 },
	{ "root_change_count", K_COUNT, EC(root_change_count), 1, 16 }, /* ROOT_HISTORY */
	{ "root_change_window", K_SECONDS, EC(root_change_window), 1, 86400 },
	{ "evidence_hold", K_SECONDS, EC(evidence_hold), 0, 86400 * 30 },
	{ "mac_table_size", K_COUNT, EC(mac_table_size), 64, 16777216 },
	{ "taps", K_STRING, SC(taps), 0, 0 },
	{ "ignore_ports", K_STRING, SC(ignore_ports), 0, 0 },
	{ "ignore_vms", K_STRING, SC(ignore_vms), 0, 0 },
	{ "state_dir", K_STRING, SC(state_dir), 0, 0 },
	{ "metrics_file", K_STRING, SC(metrics_file), 0, 0 },
	{ "window", K_SECONDS, SC(window), 0, 3600 },
	{ "interval", K_SECONDS, SC(interval), 0.1, 86400 },
	{ "repair_interval", K_SECONDS, SC(repair_interval), 0, 86400 * 30 },
	{ "shutdown_timeout", K_SECONDS, SC(shutdown_timeout), 1, 86400 },
	{ "snaplen", K_COUNT, SC(snaplen), 0, CONFIG_SNAPLEN_MAX },
	{ "buffer_size", K_COUNT, SC(buffer_size), 0, CONFIG_BUFFER_MAX_KIB },
};

bool config_set(struct stpwatch_config *c, const char *key, const char *value,
		char *err, size_t errlen)
{
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		const struct key *k = &keys[i];
		if (strcmp(k->name, key) != 0)
			continue;
		char *base = (char *)c + k->offset;
		if (k->kind == K_STRING) {
			if (strlen(value) >= CONFIG_STR_LEN) {
				snprintf(err, errlen, "value of %s is longer than %d characters",
					 key, CONFIG_STR_LEN - 1);
				return false;
			}
			snprintf(base, CONFIG_STR_LEN, "%s", value);
			return true;
		}
		char *end = NULL;
		errno = 0;
		double v = strtod(value, &end);
		if (end == value || *end || errno || !isfinite(v)) {
			snprintf(err, errlen, "%s wants a number, not '%s'", key, value);
			return false;
		}
		if (v < k->min || v > k->max) {
			snprintf(err, errlen, "%s must be between %.15g and %.15g", key, k->min, k->max);
			return false;
		}
		if (k->kind == K_COUNT) {
			if (v != floor(v)) {
				snprintf(err, errlen, "%s wants a whole number, not '%s'", key, value);
				return false;
			}
			unsigned u = (unsigned)v;
			memcpy(base, &u, sizeof(u));
		} else {
			memcpy(base, &v, sizeof(v));
		}
		return true;
	}
	snprintf(err, errlen, "unknown setting '%s'", key);
	return false;
}

static char *trim(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	char *end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		*--end = '\0';
	return s;
}

bool config_parse(struct stpwatch_config *c, const char *text, size_t len,
		  char *err, size_t errlen)
{
	char line[1024];
	unsigned lineno = 0;
	size_t pos = 0;

	while (pos < len) {
		size_t eol = pos;
		while (eol < len && text[eol] != '\n')
			eol++;
		lineno++;
		size_t n = eol - pos;
		if (n >= sizeof(line)) {
			snprintf(err, errlen, "%u: line longer than %zu characters", lineno,
				 sizeof(line) - 1);
			return false;
		}
		memcpy(line, text + pos, n);
		line[n] = '\0';
		pos = eol + 1;
		if (memchr(line, '\0', n)) {
			snprintf(err, errlen, "%u: NUL byte in the line", lineno);
			return false;
		}
		char *hash = strchr(line, '#');
		if (hash)
			*hash = '\0';
		char *s = trim(line);
		if (!*s)
			continue;
		char *eq = strchr(s, '=');
		if (!eq) {
			snprintf(err, errlen, "%u: expected 'key = value'", lineno);
			return false;
		}
		*eq = '\0';
		char *key = trim(s), *value = trim(eq + 1);
		size_t vl = strlen(value);
		if (vl >= 2 && value[0] == '"' && value[vl - 1] == '"') {
			value[vl - 1] = '\0';
			value++;
		}
		char why[200];
		if (!config_set(c, key, value, why, sizeof(why))) {
			snprintf(err, errlen, "%u: %s", lineno, why);
			return false;
		}
	}
	c->engine.tap_patterns = c->taps;
	c->engine.ignore_ports = c->ignore_ports;
	c->engine.ignore_vms = c->ignore_vms;
	return true;
}
