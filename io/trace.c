#include "trace.h"

#include <stdlib.h>
#include <string.h>

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
    free(t->time);
    free(t->cpu);
    free(t->pid);
    free(t->tid);
    free(t->name_id);
    free(t->session_start);
    free(t->session_name);
    strpool_free(&t->names);
    fields_free(&t->fields);
    memset(t, 0, sizeof *t);
}

static bool resize_columns(Trace *t, size_t cap)
{
    /* Each column is resized on its own, so a failure leaves the old ones valid. */
#define RESIZE(col)                                                                 \
    do {                                                                            \
        void *grown = realloc(t->col, (cap ? cap : 1) * sizeof *t->col);            \
        if (!grown)                                                                 \
            return false;                                                           \
        t->col = grown;                                                             \
    } while (0)
    RESIZE(key_id);
    RESIZE(time);
    RESIZE(cpu);
    RESIZE(pid);
    RESIZE(tid);
    RESIZE(name_id);
#undef RESIZE
    t->cap = cap;
    return true;
}

bool trace_append(Trace *t, uint32_t key_id, int64_t time, uint16_t cpu, int32_t pid, int32_t tid,
                  uint32_t name_id, Error *err)
{
    if (t->n_events == t->cap && !resize_columns(t, t->cap ? t->cap + t->cap / 2 : 4096))
        return error_set_code(err, ERROR_NOMEM, "%s: out of memory after %zu events", t->path, t->n_events);
    size_t i = t->n_events++;
    t->key_id[i] = key_id;
    t->time[i] = time;
    t->cpu[i] = cpu;
    t->pid[i] = pid;
    t->tid[i] = tid;
    t->name_id[i] = name_id;
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
    if (t->n_events < t->cap)
        resize_columns(t, t->n_events); /* a failed shrink keeps the larger arrays: harmless */
    fields_shrink(&t->fields);
}

size_t trace_bytes(const Trace *t)
{
    size_t per_event = sizeof *t->key_id + sizeof *t->time + sizeof *t->cpu + sizeof *t->pid +
                       sizeof *t->tid + sizeof *t->name_id;
    return t->cap * per_event + (t->n_sessions + 1) * sizeof *t->session_start +
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
