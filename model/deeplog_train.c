#include "deeplog_train.h"

#include <stdlib.h>
#include <string.h>


typedef struct DeepLogBatch {
    const DeepLog *m;
    DeepLogWork work;
    SoftmaxBlocks out;  /* the dense layer over the keys, a block at a time */
    uint32_t *inputs;   /* [B][window] */
    uint32_t *targets;  /* [B] */
} DeepLogBatch;

/* rows hold window + 1 keys: the inputs, then the next key */
static float batch_loss(void *ctx, const uint32_t *rows, const float *weights, int count, float *grad)
{
    DeepLogBatch *b = ctx;
    int window = b->m->cfg.window;
    for (int i = 0; i < count; i++) {
        memcpy(b->inputs + (size_t)i * window, rows + (size_t)i * (window + 1), window * sizeof *rows);
        b->targets[i] = rows[(size_t)i * (window + 1) + window];
    }
    deeplog_forward_hidden(b->m, &b->work, b->inputs, count);
    return deeplog_backward_blocked(b->m, &b->work, &b->out, b->targets, weights, count, grad);
}

bool deeplog_train(DeepLog *m, const WindowSet *ws, const TrainOptions *opt, TrainReport *report,
                   Error *err)
{
    memset(report, 0, sizeof *report);
    if (ws->width != m->cfg.window + 1)
        return error_set(err, "training windows hold %d keys; the model reads %d and predicts 1",
                         ws->width, m->cfg.window);
    DeepLogBatch b = {.m = m, .inputs = malloc((size_t)opt->batch_size * m->cfg.window * sizeof(uint32_t)),
                      .targets = malloc((size_t)opt->batch_size * sizeof(uint32_t))};
    bool ok = b.inputs && b.targets ? deeplog_work_init_hidden(&b.work, m, opt->batch_size, err)
                                    : error_set_code(err, ERROR_NOMEM, "out of memory for training");
    if (ok && softmax_blocks_init(&b.out, m->t.fc_weight, m->t.fc_bias, m->cfg.hidden, m->cfg.n_keys,
                                  opt->batch_size, softmax_block_size(opt->batch_size), err)) {
        Trainer tr = {.params = m->params, .n_params = m->n_params, .batch_loss = batch_loss, .ctx = &b};
        ok = train_windows(&tr, ws, opt, report, err);
        softmax_blocks_free(&b.out);
    } else
        ok = false;
    deeplog_work_free(&b.work);
    free(b.inputs), free(b.targets);
    return ok;
}
