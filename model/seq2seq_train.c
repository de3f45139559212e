#include "seq2seq_train.h"

#include <stdlib.h>
#include <string.h>

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
                                    : error_set_code(err, ERROR_NOMEM, "out of memory for training");
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
    uint32_t row[2 * SEQ2SEQ_MAX_STEPS];
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
