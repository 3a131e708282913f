/* SPDX-License-Identifier: BSD-3-Clause */
/* qemu_int.h - helpers the QEMU command-line modules share. */
#ifndef STPWATCH_QEMU_INT_H
#define STPWATCH_QEMU_INT_H

#include <stddef.h>

void qemu_copy(char *dst, size_t len, const char *src);
void qemu_set_err(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif /* STPWATCH_QEMU_INT_H */
