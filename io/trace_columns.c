#include "trace_columns.h"

#include <stdlib.h>
#include <string.h>

/* ---- times ------------------------------------------------------------------------------ */

bool times_resize(TraceTimes *tm, size_t cap)
{
    size_t blocks = cap / TRACE_TIME_BLOCK;
    int64_t *base = realloc(tm->base, blocks * sizeof *base);
    if (base)
        tm->base = base;
    uint32_t *wide_of = base ? realloc(tm->wide_of, blocks * sizeof *wide_of) : NULL;
    if (wide_of)
        tm->wide_of = wide_of;
    int32_t *offset = wide_of ? realloc(tm->offset, cap * sizeof *offset) : NULL;
    if (offset)
        tm->offset = offset;
    return offset != NULL;
}

void times_free(TraceTimes *tm)
{
    free(tm->base);
    free(tm->wide_of);
    free(tm->offset);
    free(tm->wide);
    memset(tm, 0, sizeof *tm);
}

bool times_widen(TraceTimes *tm, size_t b, size_t n_held)
{
    if (tm->n_wide == UINT32_MAX - 1)
        return false;
    if (tm->n_wide == tm->wide_cap) {
        size_t cap = tm->wide_cap ? tm->wide_cap * 2 : 4;
        int64_t *grown = realloc(tm->wide, cap * TRACE_TIME_BLOCK * sizeof *grown);
        if (!grown)
            return false;
        tm->wide = grown;
        tm->wide_cap = cap;
    }
    int64_t *whole = tm->wide + tm->n_wide * TRACE_TIME_BLOCK;
    for (size_t k = 0; k < n_held; k++)
        whole[k] = tm->base[b] + tm->offset[b * TRACE_TIME_BLOCK + k];
    tm->wide_of[b] = (uint32_t)++tm->n_wide;
    return true;
}

bool times_set(TraceTimes *tm, size_t i, int64_t v, size_t n_events)
{
    size_t b = i / TRACE_TIME_BLOCK, first = b * TRACE_TIME_BLOCK;
    if (!tm->wide_of[b] && times_fit(v, tm->base[b], &tm->offset[i]))
        return true;
    size_t n_held = n_events - first < TRACE_TIME_BLOCK ? n_events - first : TRACE_TIME_BLOCK;
    if (!tm->wide_of[b] && !times_widen(tm, b, n_held))
        return false;
    tm->wide[(size_t)(tm->wide_of[b] - 1) * TRACE_TIME_BLOCK + i % TRACE_TIME_BLOCK] = v;
    return true;
}

/* Block b's times, wide, narrow again when they fit around the first. */
static void try_narrow(TraceTimes *tm, size_t b, size_t n_held)
{
    const int64_t *whole = tm->wide + (size_t)(tm->wide_of[b] - 1) * TRACE_TIME_BLOCK;
    int32_t *offset = tm->offset + b * TRACE_TIME_BLOCK;
    for (size_t k = 0; k < n_held; k++)
        if (!times_fit(whole[k], whole[0], &offset[k]))
            return; /* the offsets written so far are not read while the block is wide */
    tm->base[b] = whole[0];
    tm->wide_of[b] = 0;
}

void times_pack(TraceTimes *tm, size_t n_events)
{
    if (!tm->n_wide)
        return;
    size_t kept = 0;
    for (size_t b = 0, first = 0; first < n_events; b++, first += TRACE_TIME_BLOCK) {
        if (!tm->wide_of[b])
            continue;
        size_t n_held = n_events - first < TRACE_TIME_BLOCK ? n_events - first : TRACE_TIME_BLOCK;
        try_narrow(tm, b, n_held);
        if (!tm->wide_of[b])
            continue;
        /* the wide blocks stay in block order, so the one kept moves down, never over another */
        size_t from = tm->wide_of[b] - 1;
        if (from != kept)
            memmove(tm->wide + kept * TRACE_TIME_BLOCK, tm->wide + from * TRACE_TIME_BLOCK,
                    TRACE_TIME_BLOCK * sizeof *tm->wide);
        tm->wide_of[b] = (uint32_t)++kept;
    }
    tm->n_wide = kept;
    if (kept == 0) {
        free(tm->wide);
        tm->wide = NULL;
        tm->wide_cap = 0;
    } else if (kept < tm->wide_cap) {
        int64_t *fit = realloc(tm->wide, kept * TRACE_TIME_BLOCK * sizeof *fit);
        if (fit) { /* a failed shrink keeps the larger array: harmless */
            tm->wide = fit;
            tm->wide_cap = kept;
        }
    }
}

size_t times_bytes(const TraceTimes *tm, size_t cap)
{
    return cap * sizeof *tm->offset + cap / TRACE_TIME_BLOCK * (sizeof *tm->base + sizeof *tm->wide_of) +
           tm->wide_cap * TRACE_TIME_BLOCK * sizeof *tm->wide;
}

/* ---- contexts --------------------------------------------------------------------------- */

void contexts_free(TraceContexts *c)
{
    free(c->of);
    free(c->slot);
    memset(c, 0, sizeof *c);
}

static size_t hash_of(const TraceContext *x)
{
    uint64_t h = (uint64_t)(uint32_t)x->pid * 0x9E3779B97F4A7C15u;
    h ^= ((uint64_t)(uint32_t)x->tid << 16 | x->cpu) * 0xC2B2AE3D27D4EB4Fu;
    h ^= (uint64_t)x->name_id * 0x165667B19E3779F9u;
    return (size_t)(h ^ h >> 29);
}

static size_t slot_of(const TraceContexts *c, const TraceContext *x)
{
    size_t mask = c->n_slots - 1, s = hash_of(x) & mask;
    while (c->slot[s] && !contexts_same(&c->of[c->slot[s] - 1], x))
        s = (s + 1) & mask;
    return s;
}

/* Keeps the table at most half full. */
static bool grow_slots(TraceContexts *c)
{
    if (2 * (c->n + 1) <= c->n_slots)
        return true;
    TraceContexts bigger = *c;
    for (bigger.n_slots = c->n_slots ? c->n_slots * 2 : 64; bigger.n_slots < 2 * (c->n + 1);)
        bigger.n_slots *= 2;
    bigger.slot = calloc(bigger.n_slots, sizeof *bigger.slot);
    if (!bigger.slot)
        return false;
    for (size_t id = 0; id < c->n; id++)
        bigger.slot[slot_of(&bigger, &c->of[id])] = (uint32_t)id + 1;
    free(c->slot);
    *c = bigger;
    return true;
}

bool contexts_find_or_add(TraceContexts *c, const TraceContext *context, uint32_t *id)
{
    if (!grow_slots(c))
        return false;
    size_t s = slot_of(c, context);
    if (!c->slot[s]) {
        if (c->n == UINT32_MAX - 1)
            return false;
        if (c->n == c->cap) {
            size_t cap = c->cap ? c->cap * 2 : 16;
            TraceContext *grown = realloc(c->of, cap * sizeof *grown);
            if (!grown)
                return false;
            c->of = grown;
            c->cap = cap;
        }
        c->of[c->n] = *context;
        c->slot[s] = (uint32_t)++c->n;
    }
    c->recent[context->cpu & (TRACE_RECENT_CONTEXTS - 1)] = c->slot[s];
    *id = c->slot[s] - 1;
    return true;
}

void contexts_shrink(TraceContexts *c)
{
    /* the hash table serves appending only: rebuilt (grow_slots) if one more comes */
    free(c->slot);
    c->slot = NULL;
    c->n_slots = 0;
    if (c->n && c->n < c->cap) {
        TraceContext *fit = realloc(c->of, c->n * sizeof *fit);
        if (fit) { /* a failed shrink keeps the larger array: harmless */
            c->of = fit;
            c->cap = c->n;
        }
    }
}

size_t contexts_bytes(const TraceContexts *c)
{
    return c->cap * sizeof *c->of + c->n_slots * sizeof *c->slot;
}
