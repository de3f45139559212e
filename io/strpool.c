#include "strpool.h"

#include <stdlib.h>
#include <string.h>

/* Strings are limited to what a uint32_t offset can address in one pool. */
#define STRPOOL_MAX_CHARS 0xFFFFFFF0u

void strpool_init(StrPool *pool) { memset(pool, 0, sizeof *pool); }

void strpool_free(StrPool *pool)
{
    free(pool->chars);
    free(pool->offset);
    free(pool->length);
    free(pool->slots);
    memset(pool, 0, sizeof *pool);
}

static uint32_t hash_bytes(const char *s, size_t len)
{
    uint32_t h = 2166136261u; /* FNV-1a */
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)s[i];
        h *= 16777619u;
    }
    return h;
}

static bool slot_matches(const StrPool *pool, uint32_t id, const char *s, size_t len)
{
    return pool->length[id] == len && memcmp(pool->chars + pool->offset[id], s, len) == 0;
}

/* The slot holding s, or the empty slot where it would go. */
static uint32_t find_slot(const StrPool *pool, const char *s, size_t len, uint32_t hash)
{
    uint32_t mask = pool->n_slots - 1;
    uint32_t i = hash & mask;
    while (pool->slots[i] != 0 && !slot_matches(pool, pool->slots[i] - 1, s, len))
        i = (i + 1) & mask;
    return i;
}

int64_t strpool_find(const StrPool *pool, const char *s, size_t len)
{
    if (pool->n_slots == 0)
        return -1;
    uint32_t slot = find_slot(pool, s, len, hash_bytes(s, len));
    return pool->slots[slot] ? (int64_t)pool->slots[slot] - 1 : -1;
}

static bool grow_table(StrPool *pool, Error *err)
{
    uint32_t n_slots = pool->n_slots ? pool->n_slots * 2 : 64;
    uint32_t *slots = calloc(n_slots, sizeof *slots);
    if (!slots)
        return error_set_code(err, ERROR_NOMEM, "out of memory interning strings");
    free(pool->slots);
    pool->slots = slots;
    pool->n_slots = n_slots;
    for (uint32_t id = 0; id < pool->count; id++) {
        const char *s = pool->chars + pool->offset[id];
        slots[find_slot(pool, s, pool->length[id], hash_bytes(s, pool->length[id]))] = id + 1;
    }
    return true;
}

static bool reserve(StrPool *pool, size_t more_chars, Error *err)
{
    if (pool->chars_len + more_chars > STRPOOL_MAX_CHARS)
        return error_set(err, "too many distinct strings (over 4 GiB)");
    if (pool->chars_len + more_chars > pool->chars_cap) {
        size_t cap = pool->chars_cap ? pool->chars_cap : 1024;
        while (cap < pool->chars_len + more_chars)
            cap *= 2;
        char *chars = realloc(pool->chars, cap);
        if (!chars)
            return error_set_code(err, ERROR_NOMEM, "out of memory interning strings");
        pool->chars = chars;
        pool->chars_cap = cap;
    }
    if (pool->count == pool->cap) {
        uint32_t cap = pool->cap ? pool->cap * 2 : 64;
        uint32_t *offset = realloc(pool->offset, cap * sizeof *offset);
        if (offset)
            pool->offset = offset;
        uint32_t *length = realloc(pool->length, cap * sizeof *length);
        if (length)
            pool->length = length;
        if (!offset || !length)
            return error_set_code(err, ERROR_NOMEM, "out of memory interning strings");
        pool->cap = cap;
    }
    if ((pool->count + 1) * 4 > pool->n_slots * 3)
        return grow_table(pool, err);
    return true;
}

bool strpool_intern(StrPool *pool, const char *s, size_t len, uint32_t *id, Error *err)
{
    uint32_t hash = hash_bytes(s, len);
    if (pool->n_slots) {
        uint32_t slot = find_slot(pool, s, len, hash);
        if (pool->slots[slot]) {
            *id = pool->slots[slot] - 1;
            return true;
        }
    }
    if (!reserve(pool, len + 1, err))
        return false;
    uint32_t new_id = pool->count++;
    pool->offset[new_id] = (uint32_t)pool->chars_len;
    pool->length[new_id] = (uint32_t)len;
    memcpy(pool->chars + pool->chars_len, s, len);
    pool->chars[pool->chars_len + len] = '\0';
    pool->chars_len += len + 1;
    pool->slots[find_slot(pool, s, len, hash)] = new_id + 1;
    *id = new_id;
    return true;
}

size_t strpool_bytes(const StrPool *pool)
{
    return pool->chars_cap + (size_t)pool->cap * 2 * sizeof(uint32_t) +
           (size_t)pool->n_slots * sizeof(uint32_t);
}
