/* The keys of a cached trace: its key ids are ids in the vocabulary the traces of a command share,
 * so the cache holds the names of the keys instead, and reading gives them to the caller's
 * vocabulary as the load did, remapping the column (one pass) only when the ids differ. */
#ifndef TRACEAID_TRACE_CACHE_KEYS_H
#define TRACEAID_TRACE_CACHE_KEYS_H

#include "trace.h"
#include "trace_cache.h"
#include "trace_cache_layout.h"

typedef struct CacheKeys {
    CachePool names;            /* to write: the vocabulary's own, or own's */
    size_t n, chars_len;
    uint8_t *used;              /* per name: an event of the trace has it */
    uint32_t *local_of;         /* vocabulary id -> id in the cache; NULL: the same */
    const uint32_t *key_id;     /* the column written through local_of */
    CacheStrings own;
} CacheKeys;

/* The names to write for t's keys: when the vocabulary was empty before the load (vocab_before
 * 0) it is all the load's and written as it is; else the keys the trace has (in order of first
 * appearance) and those the load added. Fails only when memory runs out. */
bool cache_keys_collect(CacheKeys *k, const Trace *t, const Vocab *vocab, uint32_t vocab_before);
/* CacheArray.fill of the key column through local_of (ctx: the CacheKeys). */
void cache_keys_fill(void *ctx, size_t first, size_t n, void *out);
void cache_keys_free(CacheKeys *k);

/* Are the names what a cache of that format writes (a session file's keys are 1..100000)? */
bool cache_keys_valid(const CachePool *names, size_t n, const uint8_t *used, TraceFormat format);
/* Gives the names to vocab as the load did (a session file's used keys through vocab_session_key,
 * others interned) and remaps t->key_id when their ids differ from the cache's. */
bool cache_keys_give(const CachePool *names, size_t n, const uint8_t *used, uint64_t max_key,
                     Trace *t, Vocab *vocab, int threads, Error *err);

#endif
