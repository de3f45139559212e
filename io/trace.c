#include "trace.h"

#include <stdlib.h>
#include <string.h>

#include "trace_columns.h"

bool trace_begin(Trace *t, const char *path, TraceFormat format, Error *err)
{
    memset(t, 0, sizeof *t);
    strpool_init(&t->names);
    fields_init(&t->fields);
    t->format = format;
    t->path = strdup(path);
    t->session_start = calloc(1, sizeof *t->session_start);
    uint32_t empty_name;
    if (!t->path || !t->session_start || !strpool_intern(&t->names, "", 0, &empty_name, err)) {
        trace_free(t);
        return error_set_code(err, ERROR_NOMEM, "%s: out of memory", path);
    }
    return true;
}

void trace_free(Trace *t)
{
    free(t->path);
    free(t->key_id);
    times_free(&t->times);
    free(t->context_id);
    contexts_free(&t->contexts);
    free(t->session_start);
    free(t->session_name);
    strpool_free(&t->names);
    fields_free(&t->fields);
    memset(t, 0, sizeof *t);
}

static size_t whole_blocks(size_t n_events)
{
    return (n_events + TRACE_TIME_BLOCK - 1) / TRACE_TIME_BLOCK;
}

static bool resize_columns(Trace *t, size_t cap)
{
    /* Room for whole time blocks; each column is resized on its own, so a failure leaves the
     * old ones valid. */
    cap = whole_blocks(cap ? cap : 1) * TRACE_TIME_BLOCK;
    uint32_t *keys = realloc(t->key_id, cap * sizeof *keys);
    if (keys)
        t->key_id = keys;
    uint32_t *contexts = keys ? realloc(t->context_id, cap * sizeof *contexts) : NULL;
    if (contexts)
        t->context_id = contexts;
    if (!contexts || !times_resize(&t->times, cap))
        return false;
    t->cap = cap;
    return true;
}

bool trace_append(Trace *t, uint32_t key_id, int64_t time, uint16_t cpu, int32_t pid, int32_t tid,
                  uint32_t name_id, Error *err)
{
    if (t->n_events == t->cap && !resize_columns(t, t->cap ? t->cap + t->cap / 2 : 4096))
        return error_set_code(err, ERROR_NOMEM, "%s: out of memory after %zu events", t->path, t->n_events);
    size_t i = t->n_events;
    TraceContext context = {.pid = pid, .tid = tid, .name_id = name_id, .cpu = cpu};
    if (!times_append(&t->times, i, time) || !contexts_intern(&t->contexts, &context, &t->context_id[i]))
        return error_set_code(err, ERROR_NOMEM, "%s: out of memory after %zu events", t->path, t->n_events);
    t->key_id[i] = key_id;
    t->n_events++;
    return true;
}

bool trace_set_time(Trace *t, size_t i, int64_t v, Error *err)
{
    return times_set(&t->times, i, v, t->n_events) ||
           error_set_code(err, ERROR_NOMEM, "%s: out of memory", t->path);
}

bool trace_permute(Trace *t, const size_t *dest, Error *err)
{
    size_t n = t->n_events;
    size_t *src = malloc((n ? n : 1) * sizeof *src);
    uint32_t *keys = malloc(t->cap * sizeof *keys), *contexts = malloc(t->cap * sizeof *contexts);
    TraceTimes times = {0};
    bool ok = src && keys && contexts && times_resize(&times, t->cap);
    for (size_t i = 0; ok && i < n; i++)
        src[dest[i]] = i;
    for (size_t j = 0; ok && j < n; j++) {
        keys[j] = t->key_id[src[j]];
        contexts[j] = t->context_id[src[j]];
        ok = times_append(&times, j, trace_time(t, src[j]));
    }
    free(src);
    if (!ok) {
        free(keys);
        free(contexts);
        times_free(&times);
        return error_set_code(err, ERROR_NOMEM, "%s: out of memory", t->path);
    }
    free(t->key_id);
    free(t->context_id);
    times_free(&t->times);
    t->key_id = keys;
    t->context_id = contexts;
    t->times = times;
    return true;
}

bool trace_end_session(Trace *t, Error *err)
{
    size_t *grown = realloc(t->session_start, (t->n_sessions + 2) * sizeof *grown);
    if (!grown)
        return error_set_code(err, ERROR_NOMEM, "%s: out of memory", t->path);
    t->session_start = grown;
    t->session_start[++t->n_sessions] = t->n_events;
    return true;
}

void trace_reserve(Trace *t, size_t n_events)
{
    if (n_events > t->cap)
        resize_columns(t, n_events);
}

void trace_shrink(Trace *t)
{
    times_pack(&t->times, t->n_events);
    if (whole_blocks(t->n_events) * TRACE_TIME_BLOCK < t->cap)
        resize_columns(t, t->n_events); /* a failed shrink keeps the larger arrays: harmless */
    contexts_shrink(&t->contexts);
    fields_shrink(&t->fields);
}

size_t trace_bytes(const Trace *t)
{
    return t->cap * (sizeof *t->key_id + sizeof *t->context_id) + times_bytes(&t->times, t->cap) +
           contexts_bytes(&t->contexts) + (t->n_sessions + 1) * sizeof *t->session_start +
           (t->session_name ? t->n_sessions * sizeof *t->session_name : 0) +
           strpool_bytes(&t->names) + fields_bytes(&t->fields);
}

bool trace_end_load(Trace *t, bool ok, const char *why_empty, Error *err)
{
    if (ok && t->n_events == 0)
        ok = error_set(err, "%s: no events: %s", t->path, why_empty);
    if (ok && trace_end_session(t, err)) {
        trace_shrink(t);
        return true;
    }
    trace_free(t);
    return false;
}
