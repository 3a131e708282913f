/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * bpdu_print.h - writers for decoded BPDUs: a one-line text form in the
 * spirit of tcpdump, and one JSON object per BPDU (JSON Lines).  Both read
 * the same struct bpdu; neither decodes anything.
 */
#ifndef STPWATCH_BPDU_PRINT_H
#define STPWATCH_BPDU_PRINT_H

#include "stpwatch/bpdu.h"
#include "stpwatch/packet.h"
#include "stpwatch/sbuf.h"

/* Appends one line, with its newline. */
void bpdu_print_text(struct sbuf *out, const struct packet *pkt, const struct bpdu *b);
/* Appends one JSON object and a newline. */
void bpdu_print_json(struct sbuf *out, const struct packet *pkt, const struct bpdu *b);

#endif /* STPWATCH_BPDU_PRINT_H */
