/* DeepLog's verdict on each event of a trace, for scoring and the explorer. Traces repeat
 * themselves, so each distinct window is predicted once and its scores shared. */
#include <stdlib.h>
#include <string.h>

#include "deeplog_score.h"
#include "softmax.h"
#include "windows.h"

#define SCORE_BATCH 1024

static bool window_known(const uint32_t *keys, int window, int n_keys)
{
    for (int j = 0; j < window; j++)
        if (keys[j] >= (uint32_t)n_keys)
            return false;
    return true;
}

/* The distinct windows of t that can be predicted; window_of[i] = its index + 1, 0 for none. */
static bool collect(const DeepLog *m, const Trace *t, WindowSet *ws, uint32_t *window_of, Error *err)
{
    int h = m->cfg.window;
    for (size_t s = 0; s < t->n_sessions; s++)
        for (size_t i = t->session_start[s] + (size_t)h; i < t->session_start[s + 1]; i++) {
            size_t at;
            if (!window_known(t->key_id + i - h, h, m->cfg.n_keys))
                continue;
            if (!window_set_add(ws, t->key_id + i - h, &at, err))
                return false;
            window_of[i] = (uint32_t)at + 1;
        }
    return true;
}

static bool predict(const DeepLog *m, const WindowSet *ws, float *probs,
                    const CancelFlag *cancel, Error *err)
{
    DeepLogWork work;
    if (!deeplog_work_init(&work, m, SCORE_BATCH, err))
        return false;
    size_t k = (size_t)m->cfg.n_keys;
    for (size_t start = 0; start < ws->n; start += SCORE_BATCH) {
        if (cancel && *cancel) {
            deeplog_work_free(&work);
            return error_interrupted(err);
        }
        int count = (int)(ws->n - start < SCORE_BATCH ? ws->n - start : SCORE_BATCH);
        deeplog_forward(m, &work, ws->keys + start * ws->width, count);
        memcpy(probs + start * k, work.probs, (size_t)count * k * sizeof *probs);
    }
    deeplog_work_free(&work);
    return true;
}

static void judge(const DeepLog *m, const Trace *t, const uint32_t *window_of, const float *probs,
                  EventOutcomes *out)
{
    int h = m->cfg.window, k = m->cfg.n_keys;
    for (size_t s = 0; s < t->n_sessions; s++)
        for (size_t i = t->session_start[s] + (size_t)h; i < t->session_start[s + 1]; i++) {
            uint32_t key = t->key_id[i];
            if (!window_of[i]) { /* a window holding an unknown key cannot be predicted */
                out->outcome[i] = OUTCOME_MISS;
                out->rank[i] = (uint32_t)k;
                continue;
            }
            const float *row = probs + (size_t)(window_of[i] - 1) * k;
            out->rank[i] = (uint32_t)softmax_rank(row, k, key);
            out->prob[i] = key < (uint32_t)k ? row[key] : 0.0f;
            out->outcome[i] = out->rank[i] < (uint32_t)m->cfg.top_g ? OUTCOME_HIT : OUTCOME_MISS;
            uint32_t best = 0;
            for (int c = 1; c < k; c++)
                best = row[c] > row[best] ? (uint32_t)c : best;
            out->predicted[i] = best;
        }
}

bool deeplog_outcomes(const DeepLog *m, const Trace *t, EventOutcomes *out,
                      const CancelFlag *cancel, Error *err)
{
    WindowSet ws;
    window_set_init(&ws, m->cfg.window);
    uint32_t *window_of = calloc(t->n_events + 1, sizeof *window_of);
    float *probs = NULL;
    bool ok = window_of || error_set_code(err, ERROR_NOMEM, "out of memory");
    ok = ok && event_outcomes_init(out, t->n_events, err) && collect(m, t, &ws, window_of, err);
    if (ok) {
        probs = malloc((ws.n + 1) * (size_t)m->cfg.n_keys * sizeof *probs);
        ok = probs ? predict(m, &ws, probs, cancel, err)
                   : error_set_code(err, ERROR_NOMEM, "out of memory for %zu distinct windows", ws.n);
    }
    if (ok)
        judge(m, t, window_of, probs, out);
    else
        event_outcomes_free(out);
    free(probs);
    free(window_of);
    window_set_free(&ws);
    return ok;
}
