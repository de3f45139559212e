#include "trace_cache_keys.h"

#include <stdlib.h>
#include <string.h>

#include "workers.h"

#define REMAP_JOB_EVENTS ((size_t)1 << 22)

static bool collect_used(CacheKeys *k, const Trace *t)
{
    k->used = calloc(k->n ? k->n : 1, 1);
    if (!k->used)
        return false;
    if (t->format != TRACE_FORMAT_SESSIONS) {
        memset(k->used, 1, k->n); /* every name is interned again: which are used is no matter */
        return true;
    }
    for (size_t i = 0; i < t->n_events; i++)
        k->used[t->key_id[i]] = 1;
    return true;
}

static bool add_name(CacheKeys *k, const Vocab *vocab, uint32_t id)
{
    const char *name = vocab_name(vocab, id);
    return cache_strings_add(&k->own, name, vocab->keys.length[id]);
}

/* A vocabulary that held other keys first: the trace's own in order of first appearance, then
 * the names the load added that no event has (a session file's keys below its first). */
static bool collect_remapped(CacheKeys *k, const Trace *t, const Vocab *vocab, uint32_t vocab_before)
{
    uint32_t size = vocab_size(vocab);
    k->local_of = malloc((size ? size : 1) * sizeof *k->local_of);
    uint8_t *used = calloc(size ? size : 1, 1);
    bool ok = k->local_of && used;
    if (ok)
        memset(k->local_of, 0xFF, size * sizeof *k->local_of);
    for (size_t i = 0; ok && i < t->n_events; i++) {
        uint32_t id = t->key_id[i];
        if (k->local_of[id] == UINT32_MAX) {
            k->local_of[id] = (uint32_t)k->own.n;
            used[k->own.n] = 1;
            ok = add_name(k, vocab, id);
        }
    }
    for (uint32_t id = vocab_before; ok && id < size; id++)
        if (k->local_of[id] == UINT32_MAX) {
            k->local_of[id] = (uint32_t)k->own.n;
            ok = add_name(k, vocab, id);
        }
    k->used = used;
    k->n = k->own.n;
    k->names = (CachePool){k->own.length, k->own.chars};
    k->chars_len = k->own.len;
    k->key_id = t->key_id;
    return ok;
}

bool cache_keys_collect(CacheKeys *k, const Trace *t, const Vocab *vocab, uint32_t vocab_before)
{
    memset(k, 0, sizeof *k);
    if (vocab_before > 0)
        return collect_remapped(k, t, vocab, vocab_before);
    k->n = vocab_size(vocab);
    k->names = (CachePool){vocab->keys.length, vocab->keys.chars};
    k->chars_len = vocab->keys.chars_len;
    return collect_used(k, t);
}

void cache_keys_fill(void *ctx, size_t first, size_t n, void *out)
{
    const CacheKeys *k = ctx;
    uint32_t *ids = out;
    for (size_t i = 0; i < n; i++)
        ids[i] = k->local_of[k->key_id[first + i]];
}

void cache_keys_free(CacheKeys *k)
{
    free(k->used);
    free(k->local_of);
    cache_strings_free(&k->own);
    memset(k, 0, sizeof *k);
}

/* A session file's key: 1..VOCAB_MAX_SESSION_KEY written as vocab_session_key writes it. */
static bool session_key(const char *name, uint32_t len, uint32_t *k)
{
    uint32_t v = 0;
    if (len == 0 || len > 6 || name[0] == '0')
        return false;
    for (uint32_t i = 0; i < len; i++) {
        if (name[i] < '0' || name[i] > '9')
            return false;
        v = v * 10 + (uint32_t)(name[i] - '0');
    }
    *k = v;
    return v >= 1 && v <= VOCAB_MAX_SESSION_KEY;
}

bool cache_keys_valid(const CachePool *names, size_t n, const uint8_t *used, TraceFormat format)
{
    if (format != TRACE_FORMAT_SESSIONS)
        return true;
    size_t at = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t k;
        if (used[i] && !session_key(names->chars + at, names->length[i], &k))
            return false;
        at += (size_t)names->length[i] + 1;
    }
    return true;
}

typedef struct Remap {
    uint32_t *key_id;
    size_t n_events;
    const uint32_t *map;
} Remap;

static bool remap_job(size_t job, void *ctx)
{
    Remap *r = ctx;
    size_t end = (job + 1) * REMAP_JOB_EVENTS;
    end = end < r->n_events ? end : r->n_events;
    for (size_t i = job * REMAP_JOB_EVENTS; i < end; i++)
        r->key_id[i] = r->map[r->key_id[i]];
    return true;
}

bool cache_keys_give(const CachePool *names, size_t n, const uint8_t *used, uint64_t max_key,
                     Trace *t, Vocab *vocab, int threads, Error *err)
{
    uint32_t *map = malloc((n ? n : 1) * sizeof *map);
    if (!map)
        return error_nomem(err);
    bool same = true, ok = true;
    size_t at = 0;
    for (size_t i = 0; ok && i < n; i++) {
        const char *name = names->chars + at;
        uint32_t len = names->length[i], k;
        at += (size_t)len + 1;
        map[i] = 0; /* a name no event has, not given (a session file's): never looked up */
        if (t->format != TRACE_FORMAT_SESSIONS)
            ok = vocab_intern(vocab, name, len, &map[i], err);
        else if (used[i])
            ok = session_key(name, len, &k) && vocab_session_key(vocab, k, &map[i], err);
        same = same && (map[i] == i || !used[i]);
    }
    /* a column naming a key no event was written with (only a forged cache does) is remapped:
     * to key 0, inside the vocabulary */
    same = same && max_key < vocab_size(vocab);
    if (ok && !same) {
        Remap r = {t->key_id, t->n_events, map};
        workers_run((t->n_events + REMAP_JOB_EVENTS - 1) / REMAP_JOB_EVENTS, threads, remap_job, &r);
    }
    free(map);
    return ok;
}
