/* Distinct windows of keys with how often each occurred. Log sessions repeat the same windows
 * many times over, so training and evaluation work on each distinct window once, weighting
 * by its count: the same loss as the full list, at a fraction of the work. */
#ifndef TRACEAID_WINDOWS_H
#define TRACEAID_WINDOWS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../io/error.h"
#include "../io/trace.h"

typedef struct WindowSet {
    int width;              /* keys per window */
    size_t n, cap;
    uint32_t *keys;         /* [n][width] */
    float *count;           /* [n]: occurrences */
    size_t total;           /* Σ count */
    uint32_t *slots;        /* open addressing: index + 1, 0 empty */
    size_t n_slots;
} WindowSet;

void window_set_init(WindowSet *ws, int width);
void window_set_free(WindowSet *ws);
/* Adds one occurrence of keys[0..width); *index (may be NULL) gets its place. */
bool window_set_add(WindowSet *ws, const uint32_t *keys, size_t *index, Error *err);
/* The place of keys, or -1. */
int64_t window_set_find(const WindowSet *ws, const uint32_t *keys);
/* Every run of width consecutive keys within each session of t. */
bool window_set_add_trace(WindowSet *ws, const Trace *t, Error *err);
/* The same, for the windows that lie within events [first, last). */
bool window_set_add_range(WindowSet *ws, const Trace *t, size_t first, size_t last, Error *err);
/* The session of t that holds event e. */
size_t window_session_at(const Trace *t, size_t e);

#endif
