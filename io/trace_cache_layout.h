/* Which arrays of a Trace the cache holds, and how a trace read back from them is checked and
 * completed: the one place that follows the Trace struct (io/trace.h), so a change there is a
 * change here and a new CACHE_VERSION. */
#ifndef TRACEAID_TRACE_CACHE_LAYOUT_H
#define TRACEAID_TRACE_CACHE_LAYOUT_H

#include "trace.h"
#include "trace_cache_file.h"

/* The trace's scalars and the counts of its arrays, the cache's "meta" section. */
enum {
    META_FORMAT, META_STRUCTURED_LOG, META_TIMED, META_EVENTS, META_SESSIONS, META_SESSION_NAMES,
    META_WIDE_BLOCKS, META_CONTEXTS, META_CONTEXT_SLOTS, META_NAMES, META_NAMES_CHARS, META_RECORDS, META_FIELDS_LEN, META_SHAPES, META_SHAPES_CHARS,
    META_KEYS, META_KEYS_CHARS, META_NOTES, META_NOTES_CHARS, META_WARNINGS, META_WARNINGS_CHARS,
    META_COUNT
};

/* A string pool as the cache holds it: each string's length, then the NUL-terminated strings. */
typedef struct CachePool {
    uint32_t *length;
    char *chars;
} CachePool;

/* The pools a trace keeps, read into CachePools before they are interned again. */
typedef struct CacheTracePools {
    CachePool names, shapes;
} CacheTracePools;

#define CACHE_TRACE_ARRAYS 18

/* Sets the trace's entries of meta. */
void cache_trace_meta(const Trace *t, uint64_t *meta);
/* The trace's arrays with their counts from meta, into out (CACHE_TRACE_ARRAYS at most): to
 * write, data points into t; to read, the slots are t's arrays and pools' (the pools are interned
 * by cache_trace_finish). Returns how many. */
size_t cache_trace_arrays(Trace *t, CacheTracePools *pools, const uint64_t *meta, CacheArray *out);
/* After the arrays are read: checks that they hold together (ids within their tables, sessions
 * in order, the fields' index within its bytes) and makes t whole (its scalars, its pools, the
 * path). On failure t and the pools are freed. max_u32 of each array is set (cache_file_read). */
bool cache_trace_finish(Trace *t, CacheTracePools *pools, const uint64_t *meta,
                        const CacheArray *arrays, size_t n_arrays, const char *path);
/* Can this trace be written so that it reads back (the same checks on what is in memory)? */
bool cache_trace_writable(const Trace *t);

/* Checks a pool's lengths against its characters: each string NUL-terminated where its length
 * says, the last ending the characters. */
bool cache_pool_valid(const uint32_t *length, size_t n, const char *chars, size_t chars_len);
/* Interns a checked pool's strings into pool, which must then give them ids 0..n-1 in order. */
bool cache_pool_intern(StrPool *pool, const uint32_t *length, size_t n, const char *chars);

#endif
