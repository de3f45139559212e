#include "nearest.h"

#include <stdlib.h>
#include <string.h>

bool nearest_index_build(NearestIndex *ix, const WindowSet *ws, uint32_t n_keys, Error *err)
{
    memset(ix, 0, sizeof *ix);
    ix->windows = ws;
    ix->n_keys = n_keys;
    size_t n_lists = (size_t)ws->width * n_keys;
    ix->start = calloc(n_lists + 1, sizeof *ix->start);
    ix->list = malloc((ws->n * ws->width + 1) * sizeof *ix->list);
    ix->shared = calloc(ws->n + 1, sizeof *ix->shared);
    ix->touched = malloc((ws->n + 1) * sizeof *ix->touched);
    if (!ix->start || !ix->list || !ix->shared || !ix->touched) {
        nearest_index_free(ix);
        return error_set_code(err, ERROR_NOMEM, "out of memory indexing %zu normal windows", ws->n);
    }
    for (size_t w = 0; w < ws->n; w++) /* counting sort of (position, key) pairs */
        for (int p = 0; p < ws->width; p++) {
            uint32_t key = ws->keys[w * ws->width + p];
            if (key < n_keys)
                ix->start[(size_t)p * n_keys + key + 1]++;
        }
    for (size_t i = 0; i < n_lists; i++)
        ix->start[i + 1] += ix->start[i];
    uint32_t *fill = malloc((n_lists + 1) * sizeof *fill);
    if (!fill) {
        nearest_index_free(ix);
        return error_set_code(err, ERROR_NOMEM, "out of memory indexing normal windows");
    }
    memcpy(fill, ix->start, (n_lists + 1) * sizeof *fill);
    for (size_t w = 0; w < ws->n; w++)
        for (int p = 0; p < ws->width; p++) {
            uint32_t key = ws->keys[w * ws->width + p];
            if (key < n_keys)
                ix->list[fill[(size_t)p * n_keys + key]++] = (uint32_t)w;
        }
    free(fill);
    return true;
}

void nearest_index_free(NearestIndex *ix)
{
    free(ix->start);
    free(ix->list);
    free(ix->shared);
    free(ix->touched);
    memset(ix, 0, sizeof *ix);
}

int64_t nearest_index_query(NearestIndex *ix, const uint32_t *keys, int *distance)
{
    const WindowSet *ws = ix->windows;
    size_t n_touched = 0;
    for (int p = 0; p < ws->width; p++) {
        if (keys[p] >= ix->n_keys)
            continue;
        size_t list = (size_t)p * ix->n_keys + keys[p];
        for (uint32_t i = ix->start[list]; i < ix->start[list + 1]; i++) {
            uint32_t w = ix->list[i];
            if (ix->shared[w]++ == 0)
                ix->touched[n_touched++] = w;
        }
    }
    int64_t best = -1;
    for (size_t i = 0; i < n_touched; i++) {
        uint32_t w = ix->touched[i];
        if (best < 0 || ix->shared[w] > ix->shared[best] ||
            (ix->shared[w] == ix->shared[best] && ws->count[w] > ws->count[best]))
            best = w;
    }
    *distance = best < 0 ? ws->width : ws->width - ix->shared[best];
    for (size_t i = 0; i < n_touched; i++)
        ix->shared[ix->touched[i]] = 0;
    return best;
}
