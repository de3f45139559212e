/* The DeepLog evaluation protocol: each distinct session judged once, each distinct window
 * predicted once. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../io/clock.h"
#include "deeplog_score.h"
#include "softmax.h"
#include "windows.h"

#define EVAL_BATCH 1024

/* The first occurrence of each distinct session of a trace. */
typedef struct DistinctSessions {
    size_t *first;      /* session index of each distinct session */
    size_t n;
} DistinctSessions;

static uint64_t hash_session(const uint32_t *keys, size_t len)
{
    uint64_t h = 0xcbf29ce484222325ull ^ len;
    for (size_t i = 0; i < len; i++)
        h = (h ^ keys[i]) * 0x100000001b3ull;
    return h;
}

static bool distinct_sessions(const Trace *t, DistinctSessions *out, Error *err)
{
    size_t n_slots = 16;
    while (n_slots < 2 * t->n_sessions)
        n_slots *= 2;
    size_t *slots = calloc(n_slots, sizeof *slots);
    out->first = malloc((t->n_sessions + 1) * sizeof *out->first);
    out->n = 0;
    if (!slots || !out->first) {
        free(slots);
        free(out->first);
        return error_set_code(err, ERROR_NOMEM, "out of memory");
    }
    for (size_t s = 0; s < t->n_sessions; s++) {
        const uint32_t *keys = t->key_id + t->session_start[s];
        size_t len = trace_session_length(t, s);
        size_t i = hash_session(keys, len) & (n_slots - 1);
        for (; slots[i]; i = (i + 1) & (n_slots - 1)) {
            size_t other = out->first[slots[i] - 1];
            if (trace_session_length(t, other) == len &&
                !memcmp(t->key_id + t->session_start[other], keys, len * sizeof *keys))
                break;
        }
        if (!slots[i]) {
            out->first[out->n++] = s;
            slots[i] = out->n;
        }
    }
    free(slots);
    return true;
}

static bool known_keys(const uint32_t *keys, size_t len, int n_keys)
{
    for (size_t i = 0; i < len; i++)
        if (keys[i] >= (uint32_t)n_keys)
            return false;
    return true;
}

/* The distinct input windows of the sessions that get predicted. */
static bool collect_windows(const Trace *t, const DistinctSessions *ds, int window, int n_keys,
                            WindowSet *ws, size_t *n_windows, Error *err)
{
    for (size_t d = 0; d < ds->n; d++) {
        size_t start = t->session_start[ds->first[d]], len = trace_session_length(t, ds->first[d]);
        if (len < (size_t)window + 1 || !known_keys(t->key_id + start, len, n_keys))
            continue;
        for (size_t i = 0; i + window < len; i++) {
            if (!window_set_add(ws, t->key_id + start + i, NULL, err))
                return false;
            (*n_windows)++;
        }
    }
    return true;
}

/* top[w][0..g) = the g most likely next keys of distinct window w */
static void top_candidates(uint32_t *top, const float *probs, int n_keys, int g)
{
    for (int j = 0; j < g; j++)
        top[j] = UINT32_MAX;
    for (int k = 0; k < n_keys; k++) {
        int at = g;
        while (at > 0 && (top[at - 1] == UINT32_MAX || probs[k] > probs[top[at - 1]]))
            at--;
        if (at == g)
            continue;
        memmove(top + at + 1, top + at, (size_t)(g - at - 1) * sizeof *top);
        top[at] = (uint32_t)k;
    }
}

static bool predict_all(const DeepLog *m, const WindowSet *ws, uint32_t *top,
                        const CancelFlag *cancel, Error *err)
{
    DeepLogWork work;
    if (!deeplog_work_init(&work, m, EVAL_BATCH, err))
        return false;
    int g = m->cfg.top_g;
    for (size_t start = 0; start < ws->n; start += EVAL_BATCH) {
        if (cancel && *cancel) {
            deeplog_work_free(&work);
            return error_interrupted(err);
        }
        int count = (int)(ws->n - start < EVAL_BATCH ? ws->n - start : EVAL_BATCH);
        deeplog_forward(m, &work, ws->keys + start * ws->width, count);
        for (int b = 0; b < count; b++)
            top_candidates(top + (start + b) * g, work.probs + (size_t)b * m->cfg.n_keys,
                           m->cfg.n_keys, g);
    }
    deeplog_work_free(&work);
    return true;
}

static bool session_anomalous(const DeepLog *m, const Trace *t, size_t s, const WindowSet *ws,
                              const uint32_t *top)
{
    int h = m->cfg.window, g = m->cfg.top_g;
    size_t start = t->session_start[s], len = trace_session_length(t, s);
    const uint32_t *keys = t->key_id + start;
    if (len < (size_t)h + 1 || !known_keys(keys, len, m->cfg.n_keys))
        return true;
    for (size_t i = 0; i + h < len; i++) {
        const uint32_t *candidates = top + (size_t)window_set_find(ws, keys + i) * g;
        bool hit = false;
        for (int j = 0; j < g && !hit; j++)
            hit = candidates[j] == keys[i + h];
        if (!hit)
            return true;
    }
    return false;
}

bool deeplog_eval(const DeepLog *m, const Trace *normal, const Trace *abnormal, EvalCounts *out,
                  const CancelFlag *cancel, Error *err)
{
    memset(out, 0, sizeof *out);
    double start = clock_seconds();
    DistinctSessions dn = {0}, da = {0};
    WindowSet ws;
    window_set_init(&ws, m->cfg.window);
    uint32_t *top = NULL;
    bool ok = distinct_sessions(normal, &dn, err) && distinct_sessions(abnormal, &da, err) &&
              collect_windows(normal, &dn, m->cfg.window, m->cfg.n_keys, &ws, &out->windows, err) &&
              collect_windows(abnormal, &da, m->cfg.window, m->cfg.n_keys, &ws, &out->windows, err);
    if (ok) {
        top = malloc((ws.n + 1) * m->cfg.top_g * sizeof *top);
        ok = top ? predict_all(m, &ws, top, cancel, err) : error_set_code(err, ERROR_NOMEM, "out of memory");
    }
    for (size_t d = 0; ok && d < dn.n; d++)
        session_anomalous(m, normal, dn.first[d], &ws, top) ? out->fp++ : out->tn++;
    for (size_t d = 0; ok && d < da.n; d++)
        session_anomalous(m, abnormal, da.first[d], &ws, top) ? out->tp++ : out->fn++;
    out->distinct_windows = ws.n;
    free(top);
    free(dn.first);
    free(da.first);
    window_set_free(&ws);
    out->seconds = clock_seconds() - start;
    return ok;
}
