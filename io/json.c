#include "json.h"

#include <stdalign.h>
#include <stdlib.h>
#include <string.h>

#include "json_jansson.h"
#include "text.h"

/* Deeper documents are refused before parsing: headers and metadata nest three levels, and
 * jansson's own limit (2048) is far above what a header needs. */
#define JSON_MAX_DEPTH 64

/* Parsing is jansson's (io/json_jansson.c); its tree is then copied into one arena, sized in a
 * first walk and filled in a second, so a document is freed at once and its values are plain
 * structs, as io/json.h promises. */
typedef struct Arena {
    char *base;
    size_t used;
} Arena;

static size_t aligned(size_t size)
{
    size_t a = alignof(max_align_t);
    return (size + a - 1) / a * a;
}

static void *take(Arena *a, size_t size)
{
    void *p = a->base + a->used;
    a->used += aligned(size);
    return p;
}

static size_t tree_size(const JNode *n)
{
    size_t len, size = 0, count = jnode_size(n);
    switch (jnode_kind(n)) {
    case JK_STRING:
        jnode_string(n, &len);
        return aligned(len + 1);
    case JK_ARRAY:
        for (size_t i = 0; i < count; i++)
            size += tree_size(jnode_item(n, i));
        return size + aligned(count * sizeof(JsonValue));
    case JK_OBJECT: {
        void *iter = NULL;
        const char *key;
        const JNode *value;
        while (jnode_next_member(n, &iter, &key, &len, &value))
            size += aligned(len + 1) + tree_size(value);
        return size + aligned(count * sizeof(JsonValue)) + aligned(count * sizeof(char *));
    }
    default:
        return 0;
    }
}

static char *copy_string(Arena *a, const char *s, size_t len)
{
    char *out = take(a, len + 1);
    memcpy(out, s, len + 1);
    return out;
}

static void fill(Arena *a, const JNode *n, JsonValue *out)
{
    memset(out, 0, sizeof *out);
    JKind kind = jnode_kind(n);
    size_t len, count = jnode_size(n);
    static const JsonType types[] = {[JK_NULL] = JSON_NULL, [JK_FALSE] = JSON_BOOL, [JK_TRUE] = JSON_BOOL,
                                     [JK_NUMBER] = JSON_NUMBER, [JK_STRING] = JSON_STRING,
                                     [JK_ARRAY] = JSON_ARRAY, [JK_OBJECT] = JSON_OBJECT};
    out->type = types[kind];
    out->boolean = kind == JK_TRUE;
    if (kind == JK_NUMBER)
        out->number = jnode_number(n);
    if (kind == JK_STRING) {
        const char *s = jnode_string(n, &len);
        out->string = copy_string(a, s, len);
        out->length = len;
    }
    if (kind == JK_ARRAY || kind == JK_OBJECT) {
        out->length = count;
        out->items = take(a, count * sizeof(JsonValue));
    }
    if (kind == JK_ARRAY)
        for (size_t i = 0; i < count; i++)
            fill(a, jnode_item(n, i), &out->items[i]);
    if (kind == JK_OBJECT) {
        out->keys = take(a, count * sizeof(char *));
        void *iter = NULL;
        const char *key;
        const JNode *value;
        for (size_t i = 0; jnode_next_member(n, &iter, &key, &len, &value); i++) {
            out->keys[i] = copy_string(a, key, len);
            fill(a, value, &out->items[i]);
        }
    }
}

/* The offset of the first bracket nested deeper than JSON_MAX_DEPTH, or len: brackets inside
 * strings do not count. */
static size_t too_deep_at(const char *text, size_t len)
{
    int depth = 0;
    bool in_string = false;
    for (size_t i = 0; i < len; i++) {
        char c = text[i];
        if (in_string) {
            if (c == '\\')
                i++;
            else if (c == '"')
                in_string = false;
        } else if (c == '"') {
            in_string = true;
        } else if (c == '[' || c == '{') {
            if (++depth > JSON_MAX_DEPTH)
                return i;
        } else if (c == ']' || c == '}') {
            depth--;
        }
    }
    return len;
}

bool json_parse(JsonDoc *doc, const char *text, size_t len, const char *what, Error *err)
{
    memset(doc, 0, sizeof *doc);
    size_t deep = too_deep_at(text, len);
    if (deep < len)
        return error_set(err, "%s: bad JSON at byte %zu: nested too deeply (more than %d levels)", what, deep,
                         JSON_MAX_DEPTH);
    size_t error_at = 0;
    char msg[160];
    JNode *root = jnode_parse(text, len, &error_at, msg, sizeof msg);
    if (!root)
        return error_set(err, "%s: bad JSON at byte %zu: %s", what, error_at, msg);
    size_t size = aligned(sizeof(JsonValue)) + tree_size(root);
    Arena a = {.base = malloc(size)};
    if (!a.base) {
        jnode_free(root);
        return error_nomem(err);
    }
    doc->root = take(&a, sizeof(JsonValue));
    fill(&a, root, doc->root);
    jnode_free(root);
    doc->arena = a.base;
    doc->arena_used = doc->arena_cap = size;
    return true;
}

void json_free(JsonDoc *doc)
{
    free(doc->arena);
    memset(doc, 0, sizeof *doc);
}

const JsonValue *json_get(const JsonValue *object, const char *key)
{
    if (!object || object->type != JSON_OBJECT)
        return NULL;
    for (size_t i = 0; i < object->length; i++)
        if (strcmp(object->keys[i], key) == 0)
            return &object->items[i];
    return NULL;
}

/* JSON text must be UTF-8: a byte that is not (a path can hold any bytes) is written as
 * U+FFFD, so the document stays valid and the rest of the string survives. */
void json_write_string(FILE *out, const char *s)
{
    static const char named[] = {['\b'] = 'b', ['\f'] = 'f', ['\n'] = 'n', ['\r'] = 'r', ['\t'] = 't'};
    size_t len = strlen(s);
    fputc('"', out);
    for (size_t i = 0; i < len;) {
        size_t valid = i + text_invalid_utf8(s + i, len - i);
        for (; i < valid; i++) {
            unsigned char c = (unsigned char)s[i];
            if (c == '"' || c == '\\')
                fprintf(out, "\\%c", c);
            else if (c < sizeof named && named[c])
                fprintf(out, "\\%c", named[c]);
            else if (c < 0x20)
                fprintf(out, "\\u%04x", c);
            else
                fputc(c, out);
        }
        if (i < len) {
            fputs("\\ufffd", out);
            i++;
        }
    }
    fputc('"', out);
}
