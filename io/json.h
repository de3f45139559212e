/* A small JSON reader for file headers (safetensors, metadata): the whole document is parsed
 * into a tree held in one arena, freed at once. */
#ifndef TRACEAID_JSON_H
#define TRACEAID_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "error.h"

typedef enum JsonType { JSON_NULL, JSON_BOOL, JSON_NUMBER, JSON_STRING, JSON_ARRAY, JSON_OBJECT } JsonType;

typedef struct JsonValue {
    JsonType type;
    bool boolean;
    double number;
    char *string;               /* JSON_STRING: NUL-terminated UTF-8 */
    size_t length;              /* string bytes, or number of items / members */
    struct JsonValue *items;    /* JSON_ARRAY items, JSON_OBJECT member values */
    char **keys;                /* JSON_OBJECT member names */
} JsonValue;

typedef struct JsonDoc {
    JsonValue *root;
    char *arena;
    size_t arena_used, arena_cap;
} JsonDoc;

/* Parses text[0..len); errors say at which byte offset, prefixed by what (e.g. a file name). */
bool json_parse(JsonDoc *doc, const char *text, size_t len, const char *what, Error *err);
void json_free(JsonDoc *doc);
/* The member named key of an object, or NULL. */
const JsonValue *json_get(const JsonValue *object, const char *key);
/* Writes s as a JSON string literal, quotes included. */
void json_write_string(FILE *out, const char *s);

#endif
