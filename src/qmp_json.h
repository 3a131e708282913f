/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * qmp_json.h - the JSON reader and quoter of the QMP client (qmp_json.c).
 * Internal to qmp.c: not part of the API in qmp.h.
 */
#ifndef STPWATCH_QMP_JSON_H
#define STPWATCH_QMP_JSON_H

#include <stdbool.h>
#include <stddef.h>

enum jtype { J_NULL, J_FALSE, J_TRUE, J_NUM, J_STR, J_ARR, J_OBJ };

struct jnode {
	enum jtype t;
	char *key;              /* member name, in an object */
	char *s;                /* J_STR */
	double num;             /* J_NUM */
	struct jnode *child;    /* J_ARR, J_OBJ: first element */
	struct jnode *next;     /* next sibling */
};

/* Parses exactly len bytes; NULL with one line in err if they are not one JSON value. */
struct jnode *qjson_parse(const char *s, size_t len, char *err, size_t errlen);
void qjson_free(struct jnode *n);

/* A member of an object, or NULL (also when obj is NULL or no object). */
const struct jnode *qjson_get(const struct jnode *obj, const char *key);
/* A number that fits an int, else dflt. */
int qjson_int(const struct jnode *n, int dflt);
/* A string's text, or NULL. */
const char *qjson_str(const struct jnode *n);

/* Appends s as a JSON string literal to out (cap bytes); false if no room. */
bool qjson_quote(char *out, size_t cap, size_t *len, const char *s);

#endif /* STPWATCH_QMP_JSON_H */
