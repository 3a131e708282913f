/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * main.c - command line and the offline reading loop.
 *
 * Several captures (-r, repeatable) are merged in timestamp order, the way
 * mergecap would, so that a frame that left one port and came back on
 * another is seen in the order it happened.
 */
#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capsource.h"
#include "stpwatch/json.h"
#include "stpwatch/pipeline.h"

#define EXIT_USAGE 2
#define MAX_SOURCES 256

struct input {
	char *path;
	char *label;
	bool label_explicit;
	struct capsource *src;
	struct cap_record rec;
	bool have_rec;
	bool done;
	bool failed;
	bool warned_linktype;
	uint64_t number;
};

struct options {
	struct input inputs[MAX_SOURCES];
	unsigned n_inputs;
	bool bpdus;
	bool json;
};

static const char *progname = "stpwatch";

static void usage(FILE *to)
{
	fprintf(to,
		"Usage: %s -r [IFACE=]FILE [-r ...] [--bpdus] [-j]\n"
		"       %s -V | -h\n"
		"\n"
		"Finds spanning-tree trouble on Linux bridges and KVM/QEMU hosts.\n"
		"\n"
		"  -r, --read [IFACE=]FILE  read a pcap or pcapng capture ('-' for stdin);\n"
		"                           IFACE names the port it was taken on (default:\n"
		"                           the file's base name). Repeat to merge captures.\n"
		"      --bpdus              print one line per BPDU instead of the summary\n"
		"  -j, --json               JSON output (JSON Lines with --bpdus)\n"
		"  -V, --version            print the version and exit\n"
		"  -h, --help               print this help and exit\n",
		progname, progname);
}

/* "br0=cap.pcap" labels the capture; a plain path is labelled by its base name. */
static int add_input(struct options *o, const char *arg)
{
	if (o->n_inputs == MAX_SOURCES) {
		fprintf(stderr, "%s: too many -r options (at most %d)\n", progname, MAX_SOURCES);
		return -1;
	}
	struct input *in = &o->inputs[o->n_inputs];
	memset(in, 0, sizeof(*in));
	const char *eq = strchr(arg, '=');
	const char *slash = strchr(arg, '/');
	if (eq && eq != arg && (!slash || eq < slash) && eq[1] != '\0') {
		in->label = strndup(arg, (size_t)(eq - arg));
		in->path = strdup(eq + 1);
		in->label_explicit = true;
	} else {
		in->path = strdup(arg);
		char *copy = strdup(arg);
		if (copy) {
			char *base = basename(copy);
			char *dot = strrchr(base, '.');
			if (dot && dot != base)
				*dot = '\0';
			in->label = strdup(strcmp(arg, "-") == 0 ? "stdin" : base);
			free(copy);
		}
	}
	if (!in->path || !in->label) {
		fprintf(stderr, "%s: out of memory\n", progname);
		return -1;
	}
	o->n_inputs++;
	return 0;
}

static void flush_out(struct sbuf *out)
{
	if (out->len) {
		fwrite(out->buf, 1, out->len, stdout);
		sbuf_reset(out);
	}
}

/* Fetches the next record of an input; false when it has none (EOF or error). */
static bool advance(struct input *in)
{
	in->have_rec = false;
	if (in->done)
		return false;
	int r = capsource_next(in->src, &in->rec);
	if (r > 0) {
		in->have_rec = true;
		in->number++;
		return true;
	}
	in->done = true;
	if (r < 0) {
		fprintf(stderr, "%s: %s\n", progname, capsource_error(in->src));
		in->failed = true;
	}
	return false;
}

static bool record_before(const struct cap_record *a, const struct cap_record *b)
{
	return a->ts_sec < b->ts_sec || (a->ts_sec == b->ts_sec && a->ts_nsec < b->ts_nsec);
}

static bool linktype_ok(struct input *in)
{
	uint32_t lt = in->rec.linktype;
	if (lt == LINKTYPE_ETHERNET || lt == LINKTYPE_LINUX_SLL || lt == LINKTYPE_LINUX_SLL2)
		return true;
	if (!in->warned_linktype) {
		fprintf(stderr, "%s: %s: link type %u is not supported "
			"(Ethernet, Linux cooked v1 and v2 are); its frames are counted as undecodable\n",
			progname, in->path, lt);
		in->warned_linktype = true;
		in->failed = true;
	}
	return false;
}

static int run_offline(struct options *o)
{
	struct sbuf out;
	struct pipeline pl;
	int status = EXIT_SUCCESS;

	sbuf_init(&out);
	pipeline_init(&pl, !o->bpdus ? BPDU_OUTPUT_NONE :
		      o->json ? BPDU_OUTPUT_JSON : BPDU_OUTPUT_TEXT, &out);

	for (unsigned i = 0; i < o->n_inputs; i++) {
		struct input *in = &o->inputs[i];
		char err[512];
		in->src = capsource_open(in->path, in->label, err, sizeof(err));
		if (!in->src) {
			fprintf(stderr, "%s: %s\n", progname, err);
			in->failed = true;
			in->done = true;
			continue;
		}
		advance(in);
	}

	for (;;) {
		struct input *next = NULL;
		for (unsigned i = 0; i < o->n_inputs; i++) {
			struct input *in = &o->inputs[i];
			if (in->have_rec && (!next || record_before(&in->rec, &next->rec)))
				next = in;
		}
		if (!next)
			break;
		struct record_origin origin = {
			.label = next->label,
			.label_explicit = next->label_explicit,
			.number = next->number,
		};
		linktype_ok(next);
		pipeline_feed(&pl, &next->rec, &origin);
		if (out.len >= 1 << 16)
			flush_out(&out);
		advance(next);
	}

	if (!o->bpdus) {
		if (o->json) {
			struct json j;
			json_init(&j, &out, true);
			json_object_begin(&j, NULL);
			json_string(&j, "version", STPWATCH_VERSION);
			json_array_begin(&j, "inputs");
			for (unsigned i = 0; i < o->n_inputs; i++) {
				const struct input *in = &o->inputs[i];
				json_object_begin(&j, NULL);
				json_string(&j, "path", in->path);
				json_string(&j, "label", in->label);
				json_uint(&j, "records", in->number);
				json_bool(&j, "complete", !in->failed);
				json_object_end(&j);
			}
			json_array_end(&j);
			portstats_print_json(&j, &pl.stats);
			json_object_end(&j);
			sbuf_putc(&out, '\n');
		} else {
			portstats_print_text(&out, &pl.stats);
		}
	}
	flush_out(&out);
	if (sbuf_failed(&out)) {
		fprintf(stderr, "%s: out of memory while writing output\n", progname);
		status = EXIT_FAILURE;
	}
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "%s: writing output: %s\n", progname, strerror(errno));
		status = EXIT_FAILURE;
	}

	for (unsigned i = 0; i < o->n_inputs; i++) {
		struct input *in = &o->inputs[i];
		if (in->failed)
			status = EXIT_FAILURE;
		if (in->src)
			capsource_close(in->src);
		free(in->path);
		free(in->label);
	}
	pipeline_free(&pl);
	sbuf_free(&out);
	return status;
}

int main(int argc, char **argv)
{
	static struct options opts;
	enum { OPT_BPDUS = 256 };
	static const struct option longopts[] = {
		{ "read", required_argument, NULL, 'r' },
		{ "bpdus", no_argument, NULL, OPT_BPDUS },
		{ "json", no_argument, NULL, 'j' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;

	while ((ch = getopt_long(argc, argv, "r:jVh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'r':
			if (add_input(&opts, optarg) < 0)
				return EXIT_USAGE;
			break;
		case OPT_BPDUS:
			opts.bpdus = true;
			break;
		case 'j':
			opts.json = true;
			break;
		case 'V':
			printf("stpwatch %s\n", STPWATCH_VERSION);
			return EXIT_SUCCESS;
		case 'h':
			usage(stdout);
			return EXIT_SUCCESS;
		default:
			/* getopt_long has said what was wrong. */
			fprintf(stderr, "Try '%s --help' for more information.\n", progname);
			return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "%s: unexpected argument '%s' (see '%s --help')\n",
			progname, argv[optind], progname);
		return EXIT_USAGE;
	}
	if (opts.n_inputs == 0) {
		fprintf(stderr, "%s: nothing to read: give a capture with -r FILE "
			"(see '%s --help')\n", progname, progname);
		return EXIT_USAGE;
	}
	return run_offline(&opts);
}
