#include "json.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

#define JSON_MAX_DEPTH 64

typedef struct JsonParser {
    const char *text;
    size_t len, pos;
    const char *what;
    JsonDoc *doc;
    Error *err;
} JsonParser;

static bool parse_value(JsonParser *p, JsonValue *out, int depth);

static bool fail_at(JsonParser *p, const char *msg)
{
    return error_set(p->err, "%s: bad JSON at byte %zu: %s", p->what, p->pos, msg);
}

/* Arena allocation: every node and string of a document lives in one growing block, so
 * pointers are stored as offsets until parsing ends (see fix_pointers). */
static bool arena_alloc(JsonParser *p, size_t size, size_t *offset)
{
    JsonDoc *d = p->doc;
    size = (size + 15) & ~(size_t)15;
    if (d->arena_used + size > d->arena_cap) {
        size_t cap = d->arena_cap ? d->arena_cap : 4096;
        while (cap < d->arena_used + size)
            cap *= 2;
        char *grown = realloc(d->arena, cap);
        if (!grown)
            return fail_at(p, "out of memory");
        d->arena = grown;
        d->arena_cap = cap;
    }
    *offset = d->arena_used;
    d->arena_used += size;
    return true;
}

static void skip_space(JsonParser *p)
{
    while (p->pos < p->len && strchr(" \t\r\n", p->text[p->pos]) && p->text[p->pos])
        p->pos++;
}

static bool expect(JsonParser *p, char c)
{
    skip_space(p);
    if (p->pos >= p->len || p->text[p->pos] != c) {
        char msg[32];
        snprintf(msg, sizeof msg, "expected '%c'", c);
        return fail_at(p, msg);
    }
    p->pos++;
    return true;
}

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static bool read_hex4(JsonParser *p, unsigned *cp)
{
    if (p->pos + 4 > p->len)
        return fail_at(p, "short \\u escape");
    *cp = 0;
    for (int i = 0; i < 4; i++) {
        int d = hex_digit(p->text[p->pos++]);
        if (d < 0)
            return fail_at(p, "bad \\u escape");
        *cp = *cp * 16 + (unsigned)d;
    }
    return true;
}

static size_t put_utf8(char *out, unsigned cp)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

static bool read_escape(JsonParser *p, char *out, size_t *n)
{
    char c = p->text[p->pos++];
    const char *from = "\"\\/bfnrt", *to = "\"\\/\b\f\n\r\t";
    const char *hit = strchr(from, c);
    if (c && hit) {
        out[(*n)++] = to[hit - from];
        return true;
    }
    if (c != 'u')
        return fail_at(p, "bad escape");
    unsigned cp;
    if (!read_hex4(p, &cp))
        return false;
    if (cp >= 0xD800 && cp <= 0xDBFF) {
        unsigned low;
        if (p->pos + 2 > p->len || p->text[p->pos] != '\\' || p->text[p->pos + 1] != 'u')
            return fail_at(p, "lone surrogate");
        p->pos += 2;
        if (!read_hex4(p, &low) || low < 0xDC00 || low > 0xDFFF)
            return fail_at(p, "bad surrogate pair");
        cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
    } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
        return fail_at(p, "lone surrogate");
    }
    *n += put_utf8(out + *n, cp);
    return true;
}

/* Parses a string literal into the arena; *offset gets where it starts. */
static bool parse_string(JsonParser *p, size_t *offset, size_t *length)
{
    if (!expect(p, '"'))
        return false;
    size_t start = p->pos, end = start;
    while (end < p->len && p->text[end] != '"')
        end += p->text[end] == '\\' ? 2 : 1;
    if (end >= p->len)
        return fail_at(p, "unterminated string");
    if (!arena_alloc(p, end - start + 1, offset))
        return false;
    char *out = p->doc->arena + *offset;
    size_t n = 0;
    while (p->pos < end) {
        unsigned char c = (unsigned char)p->text[p->pos];
        if (c < 0x20)
            return fail_at(p, "control character in string");
        if (c == '\\') {
            p->pos++;
            if (!read_escape(p, out, &n))
                return false;
        } else {
            out[n++] = (char)c;
            p->pos++;
        }
    }
    p->pos++; /* closing quote */
    out[n] = '\0';
    if (text_invalid_utf8(out, n) < n)
        return fail_at(p, "invalid UTF-8 in string");
    *length = n;
    return true;
}

static bool parse_number(JsonParser *p, JsonValue *out)
{
    char buf[64];
    size_t n = 0;
    while (p->pos < p->len && n < sizeof buf - 1 && strchr("+-0123456789.eE", p->text[p->pos]) &&
           p->text[p->pos])
        buf[n++] = p->text[p->pos++];
    buf[n] = '\0';
    char *end;
    out->number = strtod(buf, &end);
    if (n == 0 || *end || !isfinite(out->number))
        return fail_at(p, "bad number");
    out->type = JSON_NUMBER;
    return true;
}

static bool parse_literal(JsonParser *p, JsonValue *out)
{
    static const struct { const char *word; JsonType type; bool value; } words[] = {
        {"true", JSON_BOOL, true}, {"false", JSON_BOOL, false}, {"null", JSON_NULL, false}};
    for (size_t i = 0; i < 3; i++) {
        size_t len = strlen(words[i].word);
        if (p->len - p->pos >= len && memcmp(p->text + p->pos, words[i].word, len) == 0) {
            p->pos += len;
            out->type = words[i].type;
            out->boolean = words[i].value;
            return true;
        }
    }
    return fail_at(p, "unexpected character");
}

/* Items and keys are first collected as offsets in a temporary list, then copied into the
 * arena as one array, so growing the arena never invalidates a pointer mid-parse. */
typedef struct Members {
    JsonValue *values;
    size_t *key_offsets;
    size_t n, cap;
} Members;

static bool members_push(JsonParser *p, Members *m, const JsonValue *v, size_t key_offset)
{
    if (m->n == m->cap) {
        size_t cap = m->cap ? m->cap * 2 : 8;
        JsonValue *values = realloc(m->values, cap * sizeof *values);
        if (values)
            m->values = values;
        size_t *keys = realloc(m->key_offsets, cap * sizeof *keys);
        if (keys)
            m->key_offsets = keys;
        if (!values || !keys)
            return fail_at(p, "out of memory");
        m->cap = cap;
    }
    m->values[m->n] = *v;
    m->key_offsets[m->n++] = key_offset;
    return true;
}

static bool store_members(JsonParser *p, Members *m, JsonValue *out, bool with_keys)
{
    size_t values_at, keys_at = 0;
    if (!arena_alloc(p, (m->n + 1) * sizeof(JsonValue), &values_at) ||
        (with_keys && !arena_alloc(p, (m->n + 1) * sizeof(char *), &keys_at)))
        return false;
    if (m->n)
        memcpy(p->doc->arena + values_at, m->values, m->n * sizeof(JsonValue));
    size_t *keys = (size_t *)(void *)(p->doc->arena + keys_at);
    for (size_t i = 0; with_keys && i < m->n; i++)
        keys[i] = m->key_offsets[i];
    out->items = (JsonValue *)(uintptr_t)values_at; /* offsets until fix_pointers */
    out->keys = with_keys ? (char **)(uintptr_t)keys_at : NULL;
    out->length = m->n;
    return true;
}

static bool parse_container(JsonParser *p, JsonValue *out, int depth, bool object)
{
    if (depth > JSON_MAX_DEPTH)
        return fail_at(p, "nested too deeply");
    p->pos++; /* [ or { */
    out->type = object ? JSON_OBJECT : JSON_ARRAY;
    Members m = {0};
    bool ok = true;
    skip_space(p);
    if (p->pos < p->len && p->text[p->pos] == (object ? '}' : ']')) {
        p->pos++;
    } else {
        for (;;) {
            size_t key_offset = 0, key_len;
            JsonValue v = {0};
            skip_space(p);
            ok = (!object || (parse_string(p, &key_offset, &key_len) && expect(p, ':'))) &&
                 parse_value(p, &v, depth + 1) && members_push(p, &m, &v, key_offset);
            if (!ok)
                break;
            skip_space(p);
            if (p->pos < p->len && p->text[p->pos] == ',') {
                p->pos++;
                continue;
            }
            ok = expect(p, object ? '}' : ']');
            break;
        }
    }
    ok = ok && store_members(p, &m, out, object);
    free(m.values);
    free(m.key_offsets);
    return ok;
}

static bool parse_value(JsonParser *p, JsonValue *out, int depth)
{
    skip_space(p);
    if (p->pos >= p->len)
        return fail_at(p, "unexpected end");
    char c = p->text[p->pos];
    if (c == '{' || c == '[')
        return parse_container(p, out, depth, c == '{');
    if (c == '"') {
        size_t offset;
        out->type = JSON_STRING;
        if (!parse_string(p, &offset, &out->length))
            return false;
        out->string = (char *)(uintptr_t)offset;
        return true;
    }
    if (c == '-' || (c >= '0' && c <= '9'))
        return parse_number(p, out);
    return parse_literal(p, out);
}

/* Turns the offsets stored during parsing into pointers into the final arena. */
static void fix_pointers(char *arena, JsonValue *v)
{
    if (v->type == JSON_STRING)
        v->string = arena + (uintptr_t)v->string;
    if (v->type != JSON_ARRAY && v->type != JSON_OBJECT)
        return;
    v->items = (JsonValue *)(void *)(arena + (uintptr_t)v->items);
    if (v->type == JSON_OBJECT) {
        v->keys = (char **)(void *)(arena + (uintptr_t)v->keys);
        size_t *offsets = (size_t *)(void *)v->keys;
        for (size_t i = 0; i < v->length; i++)
            v->keys[i] = arena + offsets[i];
    }
    for (size_t i = 0; i < v->length; i++)
        fix_pointers(arena, &v->items[i]);
}

bool json_parse(JsonDoc *doc, const char *text, size_t len, const char *what, Error *err)
{
    memset(doc, 0, sizeof *doc);
    JsonParser p = {.text = text, .len = len, .what = what, .doc = doc, .err = err};
    JsonValue root = {0};
    bool ok = parse_value(&p, &root, 0);
    skip_space(&p);
    if (ok && p.pos != len)
        ok = fail_at(&p, "text after the value");
    size_t root_at;
    if (ok && arena_alloc(&p, sizeof root, &root_at)) {
        memcpy(doc->arena + root_at, &root, sizeof root);
        doc->root = (JsonValue *)(void *)(doc->arena + root_at);
        fix_pointers(doc->arena, doc->root);
        return true;
    }
    json_free(doc);
    return false;
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
