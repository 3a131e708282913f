/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * log.c - the replaceable log sink (see log.h).
 */
#include <stdio.h>
#include <string.h>

#include "log.h"

static log_sink_fn *sink_fn;
static void *sink_ctx;
static enum log_level threshold = LOG_LEVEL_INFO;
static const char *progname = "stpwatch";

void log_set_sink(log_sink_fn *fn, void *ctx)
{
	sink_fn = fn;
	sink_ctx = fn ? ctx : NULL;
}

void log_get_sink(log_sink_fn **fn, void **ctx)
{
	*fn = sink_fn;
	*ctx = sink_ctx;
}

void log_set_threshold(enum log_level level)
{
	threshold = level;
}

void log_set_progname(const char *name)
{
	progname = name && *name ? name : "stpwatch";
}

const char *log_level_name(enum log_level level)
{
	switch (level) {
	case LOG_LEVEL_ERROR: return "error";
	case LOG_LEVEL_WARNING: return "warning";
	case LOG_LEVEL_INFO: return "info";
	case LOG_LEVEL_DEBUG: return "debug";
	}
	return "unknown";
}

void log_vmsg(enum log_level level, const char *fmt, va_list ap)
{
	char msg[LOG_MSG_MAX];

	if ((int)level > (int)threshold)
		return;
	int n = vsnprintf(msg, sizeof(msg), fmt, ap);
	if (n < 0)
		snprintf(msg, sizeof(msg), "(unprintable message)");
	size_t len = strlen(msg);
	while (len > 0 && (msg[len - 1] == '\n' || msg[len - 1] == '\r'))
		msg[--len] = '\0';

	if (sink_fn) {
		sink_fn(sink_ctx, level, msg);
		return;
	}
	if (level == LOG_LEVEL_INFO)
		fprintf(stderr, "%s: %s\n", progname, msg);
	else
		fprintf(stderr, "%s: %s: %s\n", progname, log_level_name(level), msg);
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	log_vmsg(level, fmt, ap);
	va_end(ap);
}
