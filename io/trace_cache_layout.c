#include "trace_cache_layout.h"

#include <stdlib.h>
#include <string.h>

_Static_assert(sizeof(size_t) == sizeof(uint64_t), "session_start and block_start are 64-bit");
_Static_assert(sizeof(TraceContext) == 16, "a context is written as four 4-byte words");

void cache_trace_meta(const Trace *t, uint64_t *meta)
{
    meta[META_FORMAT] = (uint64_t)t->format;
    meta[META_STRUCTURED_LOG] = t->structured_log;
    meta[META_TIMED] = t->timed;
    meta[META_EVENTS] = t->n_events;
    meta[META_SESSIONS] = t->n_sessions;
    meta[META_SESSION_NAMES] = t->session_name != NULL;
    meta[META_WIDE_BLOCKS] = t->times.n_wide;
    meta[META_CONTEXTS] = t->contexts.n;
    meta[META_CONTEXT_SLOTS] = t->contexts.n_slots;
    meta[META_NAMES] = t->names.count;
    meta[META_NAMES_CHARS] = t->names.chars_len;
    meta[META_RECORDS] = t->fields.n_records;
    meta[META_FIELDS_LEN] = t->fields.len;
    meta[META_SHAPES] = t->fields.strings.count;
    meta[META_SHAPES_CHARS] = t->fields.strings.chars_len;
}

static size_t n_blocks(uint64_t n_records) { return (size_t)((n_records + FIELDS_BLOCK - 1) / FIELDS_BLOCK); }

static size_t n_time_blocks(uint64_t n_events)
{
    return (size_t)((n_events + TRACE_TIME_BLOCK - 1) / TRACE_TIME_BLOCK);
}

size_t cache_trace_arrays(Trace *t, CacheTracePools *pools, const uint64_t *meta, CacheArray *out)
{
    size_t n = 0, events = (size_t)meta[META_EVENTS];
    size_t cap = n_time_blocks(events) * TRACE_TIME_BLOCK; /* trace.c keeps room for whole blocks */
    /* One row per array: its name in the file, where it is, its element's size and count. */
#define ARRAY(label, field, count_, room_)                                                         \
    out[n++] = (CacheArray){.name = label, .elem_size = sizeof *(field), .count = (size_t)(count_), \
                            .room = (room_), .data = (field), .slot = (void **)&(field)}
    ARRAY("key_id", t->key_id, events, cap);
    ARRAY("context_id", t->context_id, events, cap);
    ARRAY("times.offset", t->times.offset, events, cap);
    ARRAY("times.base", t->times.base, n_time_blocks(events), 0);
    ARRAY("times.wide_of", t->times.wide_of, n_time_blocks(events), 0);
    ARRAY("times.wide", t->times.wide, meta[META_WIDE_BLOCKS] * TRACE_TIME_BLOCK, 0);
    /* a context is four 4-byte words (pid, tid, name_id, cpu and padding) */
    out[n++] = (CacheArray){.name = "contexts.of", .elem_size = 4,
                            .count = (size_t)meta[META_CONTEXTS] * (sizeof(TraceContext) / 4),
                            .data = t->contexts.of, .slot = (void **)&t->contexts.of};
    ARRAY("contexts.slot", t->contexts.slot, meta[META_CONTEXT_SLOTS], 0);
    ARRAY("session_start", t->session_start, meta[META_SESSIONS] + 1, 0);
    ARRAY("session_name", t->session_name, meta[META_SESSION_NAMES] ? meta[META_SESSIONS] : 0, 0);
    ARRAY("fields.bytes", t->fields.bytes, meta[META_FIELDS_LEN], 0);
    ARRAY("fields.block_start", t->fields.block_start, n_blocks(meta[META_RECORDS]), 0);
    /* to write, the pools' own arrays; to read, the staging ones interned afterwards */
    if (pools->names.length == NULL && t->names.length != NULL) {
        pools->names = (CachePool){t->names.length, t->names.chars};
        pools->shapes = (CachePool){t->fields.strings.length, t->fields.strings.chars};
    }
    ARRAY("names.length", pools->names.length, meta[META_NAMES], 0);
    ARRAY("names.chars", pools->names.chars, meta[META_NAMES_CHARS], 0);
    ARRAY("shapes.length", pools->shapes.length, meta[META_SHAPES], 0);
    ARRAY("shapes.chars", pools->shapes.chars, meta[META_SHAPES_CHARS], 0);
#undef ARRAY
    return n;
}

bool cache_pool_valid(const uint32_t *length, size_t n, const char *chars, size_t chars_len)
{
    size_t at = 0;
    for (size_t i = 0; i < n; i++) {
        if (length[i] >= chars_len - at || chars[at + length[i]] != '\0')
            return false;
        at += (size_t)length[i] + 1;
    }
    return at == chars_len;
}

bool cache_pool_intern(StrPool *pool, const uint32_t *length, size_t n, const char *chars)
{
    size_t at = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t id;
        if (!strpool_intern(pool, chars + at, length[i], &id, NULL) || id != i)
            return false; /* a string given twice: no pool wrote that */
        at += (size_t)length[i] + 1;
    }
    return true;
}

static bool sessions_valid(const size_t *start, size_t n_sessions, size_t n_events)
{
    if (start[0] != 0 || start[n_sessions] != n_events)
        return false;
    for (size_t s = 0; s < n_sessions; s++)
        if (start[s] > start[s + 1])
            return false;
    return true;
}

static bool fields_valid(const FieldStore *f, size_t n_events)
{
    if (f->n_records != 0 && f->n_records != n_events)
        return false;
    for (size_t b = 0; b < n_blocks(f->n_records); b++)
        if (f->block_start[b] >= f->len || (b > 0 && f->block_start[b] <= f->block_start[b - 1]))
            return false;
    return true;
}

static uint32_t max_of(const uint32_t *v, size_t n)
{
    uint32_t m = 0;
    for (size_t i = 0; i < n; i++)
        m = v[i] > m ? v[i] : m;
    return m;
}

/* Contexts name processes in names; the hash table behind them (used only to append, dropped
 * once loaded) is none, or has room to spare and one slot per context, so a lookup ends. */
static bool contexts_valid(const TraceContexts *c, uint32_t n_names)
{
    for (size_t i = 0; i < c->n; i++)
        if (c->of[i].name_id >= n_names)
            return false;
    if (c->n_slots == 0)
        return true;
    if (c->n_slots & (c->n_slots - 1) || c->n_slots < 2 * c->n || c->n > UINT32_MAX - 1)
        return false;
    size_t used = 0;
    for (size_t s = 0; s < c->n_slots; s++) {
        if (c->slot[s] > c->n)
            return false;
        used += c->slot[s] != 0;
    }
    return used == c->n;
}

/* The checks both sides make: what is in memory before writing, what was read before use. */
static bool trace_valid(const Trace *t, uint64_t max_context, uint64_t max_wide_of)
{
    return t->n_events > 0 && t->names.count > 0 &&
           sessions_valid(t->session_start, t->n_sessions, t->n_events) &&
           fields_valid(&t->fields, t->n_events) && max_context < t->contexts.n &&
           max_wide_of <= t->times.n_wide && contexts_valid(&t->contexts, t->names.count) &&
           (!t->session_name || max_of(t->session_name, t->n_sessions) < t->names.count);
}

bool cache_trace_writable(const Trace *t)
{
    size_t blocks = n_time_blocks(t->n_events);
    return t->session_start && t->n_events > 0 &&
           trace_valid(t, max_of(t->context_id, t->n_events), max_of(t->times.wide_of, blocks));
}

/* The array of that name's largest element. */
static uint64_t array_max(const CacheArray *arrays, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(arrays[i].name, name) == 0)
            return arrays[i].max_u32;
    return UINT64_MAX;
}

bool cache_trace_finish(Trace *t, CacheTracePools *pools, const uint64_t *meta,
                        const CacheArray *arrays, size_t n_arrays, const char *path)
{
    t->format = (TraceFormat)meta[META_FORMAT];
    t->structured_log = meta[META_STRUCTURED_LOG] != 0;
    t->timed = meta[META_TIMED] != 0;
    t->n_events = (size_t)meta[META_EVENTS];
    t->cap = n_time_blocks(t->n_events) * TRACE_TIME_BLOCK;
    t->n_sessions = (size_t)meta[META_SESSIONS];
    if (!meta[META_SESSION_NAMES]) {
        free(t->session_name);
        t->session_name = NULL;
    }
    t->times.n_wide = t->times.wide_cap = (size_t)meta[META_WIDE_BLOCKS];
    t->contexts.n = t->contexts.cap = (size_t)meta[META_CONTEXTS];
    t->contexts.n_slots = (size_t)meta[META_CONTEXT_SLOTS];
    if (t->contexts.n_slots == 0) {
        free(t->contexts.slot);
        t->contexts.slot = NULL;
    }
    FieldStore *f = &t->fields;
    f->len = f->cap = (size_t)meta[META_FIELDS_LEN];
    f->n_records = (size_t)meta[META_RECORDS];
    f->blocks_cap = n_blocks(f->n_records);
    bool ok = meta[META_FORMAT] <= TRACE_FORMAT_LOG && meta[META_FORMAT] != TRACE_FORMAT_CTF &&
              cache_pool_valid(pools->names.length, meta[META_NAMES], pools->names.chars, meta[META_NAMES_CHARS]) &&
              cache_pool_valid(pools->shapes.length, meta[META_SHAPES], pools->shapes.chars,
                               meta[META_SHAPES_CHARS]) &&
              cache_pool_intern(&t->names, pools->names.length, meta[META_NAMES], pools->names.chars) &&
              cache_pool_intern(&f->strings, pools->shapes.length, meta[META_SHAPES], pools->shapes.chars) &&
              trace_valid(t, array_max(arrays, n_arrays, "context_id"), array_max(arrays, n_arrays, "times.wide_of")) &&
              (t->path = strdup(path)) != NULL;
    free(pools->names.length);
    free(pools->names.chars);
    free(pools->shapes.length);
    free(pools->shapes.chars);
    memset(pools, 0, sizeof *pools);
    if (!ok)
        trace_free(t);
    return ok;
}
