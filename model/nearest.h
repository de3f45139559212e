/* The nearest normal window to a query by Hamming distance, through an index built once: for
 * every (position, key), the windows holding that key there. A query counts, over its own
 * positions' lists, how many positions each window shares, and the most shared is nearest:
 * the work touches only windows that share something, never the whole set. */
#ifndef TRACEAID_NEAREST_H
#define TRACEAID_NEAREST_H

#include "windows.h"

typedef struct NearestIndex {
    const WindowSet *windows;
    uint32_t n_keys;
    uint32_t *start;        /* [width · n_keys + 1]: where each (position, key) list begins */
    uint32_t *list;         /* window indices, list after list */
    uint16_t *shared;       /* per window: positions shared with the current query (scratch) */
    uint32_t *touched;      /* windows whose count the query raised (scratch) */
} NearestIndex;

/* Keys at or above n_keys match nothing. */
bool nearest_index_build(NearestIndex *ix, const WindowSet *ws, uint32_t n_keys, Error *err);
void nearest_index_free(NearestIndex *ix);
/* The index of the nearest window (the most frequent among equals), or -1 when none shares a
 * position; *distance gets the Hamming distance. */
int64_t nearest_index_query(NearestIndex *ix, const uint32_t *keys, int *distance);

#endif
