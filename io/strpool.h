/* Interned strings: each distinct string is stored once and named by a dense id (0, 1, 2, ...
 * in order of first appearance), so columns of a trace hold 4-byte ids instead of strings. */
#ifndef TRACEAID_STRPOOL_H
#define TRACEAID_STRPOOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

typedef struct StrPool {
    char *chars;            /* NUL-terminated strings back to back */
    size_t chars_len, chars_cap;
    uint32_t *offset;       /* id -> start of its string in chars */
    uint32_t *length;       /* id -> its length, without the NUL */
    uint32_t count, cap;
    uint32_t *slots;        /* open-addressing table of id + 1; 0 marks an empty slot */
    uint32_t n_slots;       /* a power of two */
} StrPool;

void strpool_init(StrPool *pool);
void strpool_free(StrPool *pool);

/* The id of s[0..len), adding it if new. Fails only when memory runs out. */
bool strpool_intern(StrPool *pool, const char *s, size_t len, uint32_t *id, Error *err);
/* The id of s[0..len), or -1 when the pool does not hold it. */
int64_t strpool_find(const StrPool *pool, const char *s, size_t len);

static inline const char *strpool_get(const StrPool *pool, uint32_t id)
{
    return pool->chars + pool->offset[id];
}

size_t strpool_bytes(const StrPool *pool);

#endif
