/* The DeepLog evaluation protocol: each distinct session judged once, each distinct window
 * predicted once with each next key that follows it. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../io/clock.h"
#include "deeplog_score.h"
#include "windows.h"

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

/* The distinct windows of the sessions that get predicted: inputs alone (ws, counted in the
 * report) and with their next key (next, judged once each). */
static bool collect_windows(const Trace *t, const DistinctSessions *ds, int window, int n_keys,
                            WindowSet *ws, WindowSet *next, size_t *n_windows, Error *err)
{
    for (size_t d = 0; d < ds->n; d++) {
        size_t start = t->session_start[ds->first[d]], len = trace_session_length(t, ds->first[d]);
        if (len < (size_t)window + 1 || !known_keys(t->key_id + start, len, n_keys))
            continue;
        for (size_t i = 0; i + window < len; i++) {
            if (!window_set_add(ws, t->key_id + start + i, NULL, err) ||
                !window_set_add(next, t->key_id + start + i, NULL, err))
                return false;
            (*n_windows)++;
        }
    }
    return true;
}

/* A next key is a hit when it is among the top-g candidates: its rank below g. */
static bool session_anomalous(const DeepLog *m, const Trace *t, size_t s, const WindowSet *next,
                              const SoftmaxVerdict *verdicts)
{
    int h = m->cfg.window, g = m->cfg.top_g;
    size_t start = t->session_start[s], len = trace_session_length(t, s);
    const uint32_t *keys = t->key_id + start;
    if (len < (size_t)h + 1 || !known_keys(keys, len, m->cfg.n_keys))
        return true;
    for (size_t i = 0; i + h < len; i++)
        if (verdicts[window_set_find(next, keys + i)].rank >= (uint32_t)g)
            return true;
    return false;
}

bool deeplog_eval(const DeepLog *m, const Trace *normal, const Trace *abnormal, EvalCounts *out,
                  const CancelFlag *cancel, Error *err)
{
    memset(out, 0, sizeof *out);
    double start = clock_seconds();
    DistinctSessions dn = {0}, da = {0};
    WindowSet ws, next;
    window_set_init(&ws, m->cfg.window);
    window_set_init(&next, m->cfg.window + 1);
    SoftmaxVerdict *verdicts = NULL;
    int h = m->cfg.window, k = m->cfg.n_keys;
    bool ok = distinct_sessions(normal, &dn, err) && distinct_sessions(abnormal, &da, err) &&
              collect_windows(normal, &dn, h, k, &ws, &next, &out->windows, err) &&
              collect_windows(abnormal, &da, h, k, &ws, &next, &out->windows, err);
    if (ok) {
        verdicts = malloc((next.n + 1) * sizeof *verdicts);
        ok = verdicts ? deeplog_verdicts(m, &next, verdicts, cancel, err)
                      : error_set_code(err, ERROR_NOMEM, "out of memory");
    }
    for (size_t d = 0; ok && d < dn.n; d++)
        session_anomalous(m, normal, dn.first[d], &next, verdicts) ? out->fp++ : out->tn++;
    for (size_t d = 0; ok && d < da.n; d++)
        session_anomalous(m, abnormal, da.first[d], &next, verdicts) ? out->tp++ : out->fn++;
    out->distinct_windows = ws.n;
    free(verdicts);
    window_set_free(&next);
    free(dn.first);
    free(da.first);
    window_set_free(&ws);
    out->seconds = clock_seconds() - start;
    return ok;
}
