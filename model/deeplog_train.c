#include "deeplog_train.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "adam.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t next_random(uint64_t *state)
{
    *state ^= *state << 13, *state ^= *state >> 7, *state ^= *state << 17;
    return *state;
}

static void shuffle(size_t *order, size_t n, uint64_t *rng)
{
    for (size_t i = n; i > 1; i--) {
        size_t j = next_random(rng) % i, tmp = order[i - 1];
        order[i - 1] = order[j], order[j] = tmp;
    }
}

typedef struct Batch {
    uint32_t *inputs;   /* [B][window] */
    uint32_t *targets;  /* [B] */
    float *weights;     /* [B] */
} Batch;

static void gather(Batch *b, const WindowSet *ws, const size_t *order, size_t count, int window)
{
    for (size_t i = 0; i < count; i++) {
        const uint32_t *row = ws->keys + order[i] * ws->width;
        memcpy(b->inputs + i * window, row, window * sizeof *row);
        b->targets[i] = row[window];
        b->weights[i] = ws->count[order[i]];
    }
}

/* One pass over the distinct windows; returns the count-weighted mean loss. */
static double train_epoch(DeepLog *m, DeepLogWork *work, Adam *adam, float *grad, Batch *batch,
                          const WindowSet *ws, size_t *order, const TrainOptions *opt,
                          uint64_t *rng, bool *interrupted)
{
    int window = m->cfg.window;
    double loss_sum = 0, weight_sum = 0;
    shuffle(order, ws->n, rng);
    for (size_t start = 0; start < ws->n; start += (size_t)opt->batch_size) {
        if (opt->cancel && *opt->cancel) {
            *interrupted = true;
            break;
        }
        size_t count = ws->n - start < (size_t)opt->batch_size ? ws->n - start : (size_t)opt->batch_size;
        gather(batch, ws, order + start, count, window);
        memset(grad, 0, m->n_params * sizeof *grad);
        deeplog_forward(m, work, batch->inputs, (int)count);
        float loss = deeplog_backward(m, work, batch->targets, batch->weights, (int)count, grad);
        adam_update(adam, m->params, grad);
        double batch_weight = 0;
        for (size_t i = 0; i < count; i++)
            batch_weight += batch->weights[i];
        loss_sum += loss * batch_weight;
        weight_sum += batch_weight;
    }
    return weight_sum > 0 ? loss_sum / weight_sum : 0;
}

bool deeplog_train(DeepLog *m, const WindowSet *ws, const TrainOptions *opt, TrainReport *report,
                   Error *err)
{
    memset(report, 0, sizeof *report);
    if (ws->width != m->cfg.window + 1)
        return error_set(err, "training windows hold %d keys; the model reads %d and predicts 1",
                         ws->width, m->cfg.window);
    if (ws->n == 0)
        return error_set(err, "no training windows: every session is shorter than %d keys",
                         m->cfg.window + 1);
    int batch_size = opt->batch_size;
    DeepLogWork work;
    Adam adam;
    Batch batch = {malloc((size_t)batch_size * m->cfg.window * sizeof(uint32_t)),
                   malloc((size_t)batch_size * sizeof(uint32_t)), malloc((size_t)batch_size * sizeof(float))};
    float *grad = malloc(m->n_params * sizeof *grad);
    size_t *order = malloc(ws->n * sizeof *order);
    bool ok = batch.inputs && batch.targets && batch.weights && grad && order;
    ok = ok && deeplog_work_init(&work, m, batch_size, err);
    if (ok && !adam_init(&adam, m->n_params, opt->learning_rate)) {
        deeplog_work_free(&work);
        ok = false;
    }
    if (!ok) {
        free(batch.inputs), free(batch.targets), free(batch.weights), free(grad), free(order);
        return err && err->failed ? false : error_set(err, "out of memory for training");
    }
    for (size_t i = 0; i < ws->n; i++)
        order[i] = i;
    uint64_t rng = opt->seed * 0x9E3779B97F4A7C15ull + 1;
    double start = now_s();
    for (int epoch = 1; epoch <= opt->epochs && !report->interrupted; epoch++) {
        double loss = train_epoch(m, &work, &adam, grad, &batch, ws, order, opt, &rng, &report->interrupted);
        if (report->interrupted)
            break;
        report->epochs_done = epoch;
        report->loss = loss;
        double elapsed = now_s() - start;
        report->windows_per_s = (double)ws->total * epoch / elapsed;
        if (opt->progress) {
            TrainProgress p = {epoch, opt->epochs, loss, report->windows_per_s, elapsed,
                               elapsed / epoch * (opt->epochs - epoch)};
            opt->progress(&p, opt->progress_ctx);
        }
    }
    report->seconds = now_s() - start;
    adam_free(&adam);
    deeplog_work_free(&work);
    free(batch.inputs), free(batch.targets), free(batch.weights), free(grad), free(order);
    return true;
}
