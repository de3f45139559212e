#include "windows.h"

#include <stdlib.h>
#include <string.h>

void window_set_init(WindowSet *ws, int width)
{
    memset(ws, 0, sizeof *ws);
    ws->width = width;
}

void window_set_free(WindowSet *ws)
{
    free(ws->keys);
    free(ws->count);
    free(ws->slots);
    window_set_init(ws, ws->width);
}

static uint64_t hash_keys(const uint32_t *keys, int width)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (int i = 0; i < width; i++)
        h = (h ^ keys[i]) * 0x100000001b3ull;
    return h ^ (h >> 29);
}

static size_t find_slot(const WindowSet *ws, const uint32_t *keys)
{
    size_t mask = ws->n_slots - 1, i = hash_keys(keys, ws->width) & mask;
    while (ws->slots[i] &&
           memcmp(ws->keys + (size_t)(ws->slots[i] - 1) * ws->width, keys, ws->width * sizeof *keys))
        i = (i + 1) & mask;
    return i;
}

int64_t window_set_find(const WindowSet *ws, const uint32_t *keys)
{
    if (!ws->n_slots)
        return -1;
    size_t slot = find_slot(ws, keys);
    return ws->slots[slot] ? (int64_t)ws->slots[slot] - 1 : -1;
}

static bool grow(WindowSet *ws, Error *err)
{
    if (ws->n == ws->cap) {
        size_t cap = ws->cap ? ws->cap * 2 : 1024;
        uint32_t *keys = realloc(ws->keys, cap * ws->width * sizeof *keys);
        if (keys)
            ws->keys = keys;
        float *count = realloc(ws->count, cap * sizeof *count);
        if (count)
            ws->count = count;
        if (!keys || !count)
            return error_set_code(err, ERROR_NOMEM, "out of memory collecting windows");
        ws->cap = cap;
    }
    if ((ws->n + 1) * 2 > ws->n_slots) {
        size_t n_slots = ws->n_slots ? ws->n_slots * 2 : 2048;
        uint32_t *slots = calloc(n_slots, sizeof *slots);
        if (!slots)
            return error_set_code(err, ERROR_NOMEM, "out of memory collecting windows");
        free(ws->slots);
        ws->slots = slots;
        ws->n_slots = n_slots;
        for (size_t i = 0; i < ws->n; i++)
            ws->slots[find_slot(ws, ws->keys + i * ws->width)] = (uint32_t)(i + 1);
    }
    return true;
}

bool window_set_add(WindowSet *ws, const uint32_t *keys, size_t *index, Error *err)
{
    int64_t found = window_set_find(ws, keys);
    if (found < 0) {
        if (!grow(ws, err))
            return false;
        found = (int64_t)ws->n++;
        memcpy(ws->keys + (size_t)found * ws->width, keys, ws->width * sizeof *keys);
        ws->count[found] = 0;
        ws->slots[find_slot(ws, keys)] = (uint32_t)(found + 1);
    }
    ws->count[found] += 1;
    ws->total++;
    if (index)
        *index = (size_t)found;
    return true;
}

bool window_set_add_trace(WindowSet *ws, const Trace *t, Error *err)
{
    return window_set_add_range(ws, t, 0, t->n_events, err);
}

bool window_set_add_range(WindowSet *ws, const Trace *t, size_t first, size_t last, Error *err)
{
    for (size_t s = 0; s < t->n_sessions; s++) {
        size_t start = t->session_start[s], end = t->session_start[s + 1];
        start = start > first ? start : first;
        end = end < last ? end : last;
        for (size_t i = start; i + (size_t)ws->width <= end; i++)
            if (!window_set_add(ws, t->key_id + i, NULL, err))
                return false;
    }
    return true;
}

size_t window_session_at(const Trace *t, size_t e)
{
    size_t lo = 0, hi = t->n_sessions; /* the last session whose start is at or before e */
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        if (t->session_start[mid] <= e)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}
