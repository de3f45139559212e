#include "seq2seq_train.h"

#include <stdlib.h>
#include <string.h>

#define SCORE_BATCH 512

typedef struct Seq2SeqBatch {
    const Seq2Seq *m;
    Seq2SeqWork work;
    uint32_t *inputs, *targets;
} Seq2SeqBatch;

static float batch_loss(void *ctx, const uint32_t *rows, const float *weights, int count, float *grad)
{
    Seq2SeqBatch *b = ctx;
    int tx = b->m->cfg.tx, ty = b->m->cfg.ty;
    for (int i = 0; i < count; i++) {
        memcpy(b->inputs + (size_t)i * tx, rows + (size_t)i * (tx + ty), tx * sizeof *rows);
        memcpy(b->targets + (size_t)i * ty, rows + (size_t)i * (tx + ty) + tx, ty * sizeof *rows);
    }
    seq2seq_forward(b->m, &b->work, b->inputs, b->targets, NULL, count);
    return seq2seq_backward(b->m, &b->work, b->targets, weights, count, grad);
}

bool seq2seq_train(Seq2Seq *m, const WindowSet *ws, const TrainOptions *opt, TrainReport *report,
                   Error *err)
{
    memset(report, 0, sizeof *report);
    int tx = m->cfg.tx, ty = m->cfg.ty;
    if (ws->width != tx + ty)
        return error_set(err, "training windows hold %d keys; the model reads %d and predicts %d",
                         ws->width, tx, ty);
    Seq2SeqBatch b = {.m = m, .inputs = malloc((size_t)opt->batch_size * tx * sizeof(uint32_t)),
                      .targets = malloc((size_t)opt->batch_size * ty * sizeof(uint32_t))};
    bool ok = b.inputs && b.targets ? seq2seq_work_init(&b.work, m, opt->batch_size, err)
                                    : error_set(err, "out of memory for training");
    if (ok) {
        Trainer tr = {.params = m->params, .n_params = m->n_params, .batch_loss = batch_loss, .ctx = &b};
        ok = train_windows(&tr, ws, opt, report, err);
        seq2seq_work_free(&b.work);
    }
    free(b.inputs), free(b.targets);
    return ok;
}

bool seq2seq_add_windows(const Seq2Seq *m, const Trace *t, size_t first, size_t last, WindowSet *ws,
                         Error *err)
{
    int width = m->cfg.tx + m->cfg.ty;
    uint32_t row[128];
    for (size_t s = 0; s < t->n_sessions; s++) {
        size_t start = t->session_start[s] > first ? t->session_start[s] : first;
        size_t end = t->session_start[s + 1] < last ? t->session_start[s + 1] : last;
        for (size_t i = start; i + (size_t)width <= end; i++) {
            for (int j = 0; j < width; j++)
                row[j] = seq2seq_id(m, t->key_id[i + j]);
            if (!window_set_add(ws, row, NULL, err))
                return false;
        }
    }
    return true;
}

/* ---- scoring ----------------------------------------------------------------------------- */

typedef struct Predictions {
    WindowSet inputs;       /* distinct input windows */
    uint32_t *keys;         /* [n][ty] greedy predictions */
    float *probs;           /* [n][ty][V] */
} Predictions;

static bool predict_distinct(const Seq2Seq *m, Predictions *p, const volatile sig_atomic_t *cancel, Error *err)
{
    size_t n = p->inputs.n, ty = (size_t)m->cfg.ty, V = (size_t)m->cfg.vocab;
    p->keys = malloc((n + 1) * ty * sizeof *p->keys);
    p->probs = malloc((n + 1) * ty * V * sizeof *p->probs);
    Seq2SeqWork work;
    if (!p->keys || !p->probs)
        return error_set(err, "out of memory for %zu distinct windows", n);
    if (!seq2seq_work_init(&work, m, SCORE_BATCH, err))
        return false;
    for (size_t start = 0; start < n; start += SCORE_BATCH) {
        if (cancel && *cancel) {
            seq2seq_work_free(&work);
            return error_set(err, "interrupted");
        }
        int count = (int)(n - start < SCORE_BATCH ? n - start : SCORE_BATCH);
        seq2seq_forward(m, &work, p->inputs.keys + start * p->inputs.width, NULL, p->keys + start * ty, count);
        for (int b = 0; b < count; b++) /* work.probs is [Ty][B][V]; keep [window][Ty][V] */
            for (size_t s = 0; s < ty; s++)
                memcpy(p->probs + ((start + b) * ty + s) * V, work.probs + (s * count + b) * V, V * sizeof *p->probs);
    }
    seq2seq_work_free(&work);
    return true;
}

/* Visits i, the first event of each scored window of t[first, last), session by session. */
#define FOR_EACH_WINDOW(m, t, first, last, i)                                                       \
    for (size_t s_ = 0; s_ < (t)->n_sessions; s_++)                                                  \
        for (size_t i = ((t)->session_start[s_] > (first) ? (t)->session_start[s_] : (first)),      \
                    end_ = ((t)->session_start[s_ + 1] < (last) ? (t)->session_start[s_ + 1] : (last)); \
             i + (size_t)((m)->cfg.tx + (m)->cfg.ty) <= end_; i += (size_t)(m)->cfg.stride)

static bool collect_inputs(const Seq2Seq *m, const Trace *t, size_t first, size_t last, Predictions *p,
                           Error *err)
{
    uint32_t row[64];
    FOR_EACH_WINDOW(m, t, first, last, i) {
        for (int j = 0; j < m->cfg.tx; j++)
            row[j] = seq2seq_id(m, t->key_id[i + j]);
        if (!window_set_add(&p->inputs, row, NULL, err))
            return false;
    }
    return true;
}

static void judge(const Seq2Seq *m, const Trace *t, size_t first, size_t last, const Predictions *p,
                  EventOutcomes *out)
{
    int tx = m->cfg.tx, ty = m->cfg.ty, V = m->cfg.vocab;
    uint32_t row[64];
    FOR_EACH_WINDOW(m, t, first, last, i) {
        for (int j = 0; j < tx; j++)
            row[j] = seq2seq_id(m, t->key_id[i + j]);
        size_t w = (size_t)window_set_find(&p->inputs, row);
        for (int s = 0; s < ty; s++) {
            size_t e = i + (size_t)(tx + s);
            uint32_t key = t->key_id[e];
            const float *probs = p->probs + (w * ty + s) * V;
            out->predicted[e] = p->keys[w * ty + s];
            out->rank[e] = (uint32_t)deeplog_rank(probs, V, key);
            out->prob[e] = key < (uint32_t)V ? probs[key] : 0.0f;
            out->outcome[e] = key < (uint32_t)V && key != SEQ2SEQ_UNK && out->predicted[e] == key ? OUTCOME_HIT
                                                                                                 : OUTCOME_MISS;
        }
    }
}

bool seq2seq_outcomes(const Seq2Seq *m, const Trace *t, size_t first, size_t last,
                      EventOutcomes *out, const volatile sig_atomic_t *cancel, Error *err)
{
    Predictions p = {0};
    window_set_init(&p.inputs, m->cfg.tx);
    bool ok = event_outcomes_init(out, t->n_events, err) && collect_inputs(m, t, first, last, &p, err) &&
              predict_distinct(m, &p, cancel, err);
    if (ok)
        judge(m, t, first, last, &p, out);
    else
        event_outcomes_free(out);
    window_set_free(&p.inputs);
    free(p.keys);
    free(p.probs);
    return ok;
}
