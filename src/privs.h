/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * privs.h - dropping capabilities and switching user (-Z) once a mode has
 * opened what it needs.
 */
#ifndef STPWATCH_PRIVS_H
#define STPWATCH_PRIVS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Keeps only these capabilities (CAP_* numbers), effective and permitted;
 * drops every other one, from the bounding set too.  0 or -1 with err. */
int privs_keep(const int *keep, unsigned n, char *err, size_t errlen);

/* Becomes USER (its uid, gid and groups), keeping only `keep`. */
int privs_switch_user(const char *user, const int *keep, unsigned n, char *err, size_t errlen);

#endif /* STPWATCH_PRIVS_H */
