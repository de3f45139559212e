/* jansson behind a small interface of its own, private to io/json.c: jansson's type names
 * (JSON_NULL, JSON_OBJECT, ...) are also io/json.h's, so only io/json_jansson.c includes
 * <jansson.h>, and io/json.c walks the parsed tree through these calls. */
#ifndef TRACEAID_JSON_JANSSON_H
#define TRACEAID_JSON_JANSSON_H

#include <stdbool.h>
#include <stddef.h>

typedef struct JNode JNode; /* a jansson json_t */

typedef enum JKind { JK_NULL, JK_FALSE, JK_TRUE, JK_NUMBER, JK_STRING, JK_ARRAY, JK_OBJECT } JKind;

/* Parses text[0..len) strictly (duplicate keys and \u0000 refused); on failure NULL, with the
 * byte offset of the fault and jansson's message. */
JNode *jnode_parse(const char *text, size_t len, size_t *error_at, char *msg, size_t msg_size);
void jnode_free(JNode *root);

JKind jnode_kind(const JNode *n);
double jnode_number(const JNode *n);
const char *jnode_string(const JNode *n, size_t *length);
/* Items of an array or members of an object. */
size_t jnode_size(const JNode *n);
const JNode *jnode_item(const JNode *array, size_t i);
/* An object's members in document order: *iter starts NULL; false after the last. */
bool jnode_next_member(const JNode *object, void **iter, const char **key, size_t *key_length,
                       const JNode **value);

#endif
