/* The trace's packed columns (io/trace.h): times delta-coded in blocks, contexts interned. For
 * io/trace.c only; the rest reads them through trace.h's accessors. */
#ifndef TRACEAID_TRACE_COLUMNS_H
#define TRACEAID_TRACE_COLUMNS_H

#include "trace.h"

/* ---- times ------------------------------------------------------------------------------ */

/* Room for cap events (a whole number of blocks). False when out of memory, tm unchanged. */
bool times_resize(TraceTimes *tm, size_t cap);
void times_free(TraceTimes *tm);
/* Makes block b wide, its first n_held events' times copied there. */
bool times_widen(TraceTimes *tm, size_t b, size_t n_held);
/* Event i's time becomes v, in a trace of n_events (i < n_events). */
bool times_set(TraceTimes *tm, size_t i, int64_t v, size_t n_events);
/* Makes narrow again the wide blocks whose times fit, and frees the wide ones' room not used. */
void times_pack(TraceTimes *tm, size_t n_events);
size_t times_bytes(const TraceTimes *tm, size_t cap);

static inline bool times_fit(int64_t v, int64_t base, int32_t *offset)
{
    int64_t d;
    if (__builtin_sub_overflow(v, base, &d) || d < INT32_MIN || d > INT32_MAX)
        return false;
    *offset = (int32_t)d;
    return true;
}

/* Stores v as event i's, where i is the trace's next event (room made for it). */
static inline bool times_append(TraceTimes *tm, size_t i, int64_t v)
{
    size_t b = i / TRACE_TIME_BLOCK, in_block = i % TRACE_TIME_BLOCK;
    if (in_block == 0) { /* a new block, based on its first time */
        tm->base[b] = v;
        tm->wide_of[b] = 0;
        tm->offset[i] = 0;
        return true;
    }
    if (!tm->wide_of[b] && times_fit(v, tm->base[b], &tm->offset[i]))
        return true;
    if (!tm->wide_of[b] && !times_widen(tm, b, in_block))
        return false;
    tm->wide[(size_t)(tm->wide_of[b] - 1) * TRACE_TIME_BLOCK + in_block] = v;
    return true;
}

/* ---- contexts --------------------------------------------------------------------------- */

void contexts_free(TraceContexts *c);
/* Frees the room not used. */
void contexts_shrink(TraceContexts *c);
size_t contexts_bytes(const TraceContexts *c);
/* *id: the context's id, added when new. False when out of memory. */
bool contexts_find_or_add(TraceContexts *c, const TraceContext *context, uint32_t *id);

static inline bool contexts_same(const TraceContext *a, const TraceContext *b)
{
    return a->pid == b->pid && a->tid == b->tid && a->name_id == b->name_id && a->cpu == b->cpu;
}

/* As contexts_find_or_add, the common case (the last one's on this cpu again) without hashing. */
static inline bool contexts_intern(TraceContexts *c, const TraceContext *context, uint32_t *id)
{
    uint32_t recent = c->recent[context->cpu & (TRACE_RECENT_CONTEXTS - 1)];
    if (recent && contexts_same(&c->of[recent - 1], context)) {
        *id = recent - 1;
        return true;
    }
    return contexts_find_or_add(c, context, id);
}

#endif
