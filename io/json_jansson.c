#include "json_jansson.h"

#include <jansson.h>
#include <stdio.h>

JNode *jnode_parse(const char *text, size_t len, size_t *error_at, char *msg, size_t msg_size)
{
    json_error_t error;
    json_t *root = json_loadb(text, len, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, &error);
    if (!root) {
        *error_at = error.position > 0 ? (size_t)error.position : 0;
        snprintf(msg, msg_size, "%s", error.text);
    }
    return (JNode *)root;
}

void jnode_free(JNode *root)
{
    json_decref((json_t *)root);
}

JKind jnode_kind(const JNode *n)
{
    switch (json_typeof((const json_t *)n)) {
    case JSON_OBJECT: return JK_OBJECT;
    case JSON_ARRAY: return JK_ARRAY;
    case JSON_STRING: return JK_STRING;
    case JSON_INTEGER:
    case JSON_REAL: return JK_NUMBER;
    case JSON_TRUE: return JK_TRUE;
    case JSON_FALSE: return JK_FALSE;
    default: return JK_NULL;
    }
}

double jnode_number(const JNode *n)
{
    return json_number_value((const json_t *)n);
}

const char *jnode_string(const JNode *n, size_t *length)
{
    *length = json_string_length((const json_t *)n);
    return json_string_value((const json_t *)n);
}

size_t jnode_size(const JNode *n)
{
    const json_t *j = (const json_t *)n;
    return json_is_array(j) ? json_array_size(j) : json_is_object(j) ? json_object_size(j) : 0;
}

const JNode *jnode_item(const JNode *array, size_t i)
{
    return (const JNode *)json_array_get((const json_t *)array, i);
}

/* jansson keeps an object's members in the order they were read (since 2.8). */
bool jnode_next_member(const JNode *object, void **iter, const char **key, size_t *key_length,
                       const JNode **value)
{
    json_t *o = (json_t *)object; /* jansson's iterator takes a mutable object; nothing is changed */
    *iter = *iter ? json_object_iter_next(o, *iter) : json_object_iter(o);
    if (!*iter)
        return false;
    *key = json_object_iter_key(*iter);
    *key_length = json_object_iter_key_len(*iter);
    *value = (const JNode *)json_object_iter_value(*iter);
    return true;
}
