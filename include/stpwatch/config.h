/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * config.h - /etc/stpwatch.conf: "key = value" lines, '#' comments.
 * Parsing is pure (text in, settings out); a bad line gives its number and
 * the reason.  Command-line options are applied after the file, so they win.
 */
#ifndef STPWATCH_CONFIG_H
#define STPWATCH_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "stpwatch/engine.h"

#define CONFIG_STR_LEN 256

struct stpwatch_config {
	struct engine_config engine;
	char taps[CONFIG_STR_LEN];          /* globs: which ports are VM taps */
	char ignore_ports[CONFIG_STR_LEN];  /* globs: findings on these are dropped */
	char ignore_vms[CONFIG_STR_LEN];    /* globs on VM names (-name) */
	char state_dir[CONFIG_STR_LEN];
	char metrics_file[CONFIG_STR_LEN];
	double window;                      /* --check sampling window, s (0: automatic) */
	double interval;                    /* daemon: seconds between metrics writes */
	double repair_interval;             /* --repair --auto: min seconds between repairs of a VM */
	double shutdown_timeout;            /* repair: graceful shutdown wait, s */
	unsigned snaplen;                   /* live capture: octets kept per frame (0: 262144) */
	unsigned buffer_size;               /* live capture: KiB of kernel buffer per port (0: automatic) */
};

#define CONFIG_SNAPLEN_DEFAULT 1536         /* whole frames: an MST BPDU with 64 MSTIs is 1,102 octets (802.1Q 14.6) */
#define CONFIG_SNAPLEN_MAX     262144       /* tcpdump's maximum, and what -s 0 means */
#define CONFIG_BUFFER_MAX_KIB  (1024u * 1024u) /* 1 GiB per port */

void config_defaults(struct stpwatch_config *c);

/*
 * Parses the text of a configuration file.  On error returns false with
 * "LINE: reason" in err (the caller prefixes the file name).
 */
bool config_parse(struct stpwatch_config *c, const char *text, size_t len,
		  char *err, size_t errlen);

/* Applies one "key=value" setting (also used for command-line overrides). */
bool config_set(struct stpwatch_config *c, const char *key, const char *value,
		char *err, size_t errlen);

#endif /* STPWATCH_CONFIG_H */
