/* DeepLog's verdict on each event of a trace, for scoring and the explorer. Traces repeat
 * themselves, so each distinct window with its next key is predicted once and its verdict
 * shared. Only the verdict is kept per distinct window (rank, probability, first choice), and
 * the dense layer is taken a block of keys at a time: memory is bounded by the batch, not by
 * windows x vocabulary. Work buffers are local, the model read-only: callers score parts of
 * traces on several threads at once. */
#include <stdlib.h>
#include <string.h>

#include "batch_threads.h"
#include "deeplog_score.h"
#include "windows.h"

#define SCORE_BATCH 1024

static bool window_known(const uint32_t *keys, int window, int n_keys)
{
    for (int j = 0; j < window; j++)
        if (keys[j] >= (uint32_t)n_keys)
            return false;
    return true;
}

/* The distinct windows of t with their next key (h + 1 keys) that can be predicted;
 * window_of[i] = its index + 1, 0 for none. */
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

/* The verdicts of batch windows from first, into out. */
static void judge_batch(const DeepLog *m, DeepLogWork *work, SoftmaxBlocks *blocks, const WindowSet *ws, size_t first,
                        int count, uint32_t *inputs, uint32_t *targets, SoftmaxVerdict *out)
{
    int h = m->cfg.window;
    for (int b = 0; b < count; b++) {
        const uint32_t *row = ws->keys + (first + (size_t)b) * ws->width;
        memcpy(inputs + (size_t)b * h, row, (size_t)h * sizeof *inputs);
        targets[b] = row[h];
    }
    const float *hidden = deeplog_forward_hidden(m, work, inputs, count);
    softmax_blocks_judge(blocks, hidden, count, targets, out + first);
}

/* The batches, on model_threads() threads (model/batch_threads.h). */
typedef struct VerdictJobs {
    const DeepLog *m;
    const WindowSet *ws;
    SoftmaxVerdict *out;
    int batch;
} VerdictJobs;

/* A thread's work, made once for all the batches it takes. */
typedef struct VerdictWork {
    DeepLogWork work;
    SoftmaxBlocks blocks;
    uint32_t *inputs, *targets;
} VerdictWork;

static bool verdict_work_init(void *work, void *ctx, Error *err)
{
    VerdictWork *w = work;
    const VerdictJobs *j = ctx;
    const DeepLog *m = j->m;
    w->inputs = malloc((size_t)j->batch * m->cfg.window * sizeof *w->inputs);
    w->targets = malloc((size_t)j->batch * sizeof *w->targets);
    return ((w->inputs && w->targets) || error_set_code(err, ERROR_NOMEM, "out of memory")) &&
           deeplog_work_init_hidden(&w->work, m, j->batch, err) &&
           softmax_blocks_init(&w->blocks, m->t.fc_weight, m->t.fc_bias, m->cfg.hidden, m->cfg.n_keys, j->batch,
                               softmax_block_size(j->batch), err);
}

static void verdict_batch(void *work, void *ctx, size_t b)
{
    VerdictWork *w = work;
    const VerdictJobs *j = ctx;
    size_t start = b * (size_t)j->batch, left = j->ws->n - start;
    judge_batch(j->m, &w->work, &w->blocks, j->ws, start, (int)(left < (size_t)j->batch ? left : (size_t)j->batch),
                w->inputs, w->targets, j->out);
}

static void verdict_work_release(void *work)
{
    VerdictWork *w = work;
    softmax_blocks_free(&w->blocks);
    deeplog_work_free(&w->work);
    free(w->inputs), free(w->targets);
}

bool deeplog_verdicts(const DeepLog *m, const WindowSet *ws, SoftmaxVerdict *out, const CancelFlag *cancel,
                      Error *err)
{
    int batch = model_score_batch(ws->n < SCORE_BATCH ? (int)ws->n + 1 : SCORE_BATCH);
    VerdictJobs j = {.m = m, .ws = ws, .out = out, .batch = batch};
    BatchJobs jobs = {.n_batches = (ws->n + (size_t)batch - 1) / (size_t)batch, .thread_size = sizeof(VerdictWork),
                      .ctx = &j, .init = verdict_work_init, .batch = verdict_batch, .release = verdict_work_release};
    return batch_jobs_run(&jobs, cancel, err);
}

static void judge(const DeepLog *m, const Trace *t, const uint32_t *window_of, const SoftmaxVerdict *verdicts,
                  EventOutcomes *out)
{
    int h = m->cfg.window, k = m->cfg.n_keys;
    for (size_t s = 0; s < t->n_sessions; s++)
        for (size_t i = t->session_start[s] + (size_t)h; i < t->session_start[s + 1]; i++) {
            if (!window_of[i]) { /* a window holding an unknown key cannot be predicted */
                out->outcome[i] = OUTCOME_MISS;
                out->rank[i] = (uint32_t)k;
                continue;
            }
            const SoftmaxVerdict *v = verdicts + window_of[i] - 1;
            out->rank[i] = v->rank;
            out->prob[i] = v->prob;
            out->outcome[i] = v->rank < (uint32_t)m->cfg.top_g ? OUTCOME_HIT : OUTCOME_MISS;
            out->predicted[i] = v->best == UINT32_MAX ? 0 : v->best; /* a NaN row names no key */
        }
}

bool deeplog_outcomes(const DeepLog *m, const Trace *t, EventOutcomes *out,
                      const CancelFlag *cancel, Error *err)
{
    WindowSet ws;
    window_set_init(&ws, m->cfg.window + 1);
    uint32_t *window_of = calloc(t->n_events + 1, sizeof *window_of);
    SoftmaxVerdict *verdicts = NULL;
    bool ok = window_of || error_set_code(err, ERROR_NOMEM, "out of memory");
    ok = ok && event_outcomes_init(out, t->n_events, err) && collect(m, t, &ws, window_of, err);
    if (ok) {
        verdicts = malloc((ws.n + 1) * sizeof *verdicts);
        ok = verdicts ? deeplog_verdicts(m, &ws, verdicts, cancel, err)
                      : error_set_code(err, ERROR_NOMEM, "out of memory for %zu distinct windows", ws.n);
    }
    if (ok)
        judge(m, t, window_of, verdicts, out);
    else
        event_outcomes_free(out);
    free(verdicts);
    free(window_of);
    window_set_free(&ws);
    return ok;
}
