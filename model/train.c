#include "train.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "adam.h"
#include "../io/clock.h"

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
    uint32_t *rows;
    float *weights;
    float *grad;
    size_t *order;
    float *epoch_params;    /* the weights as the last completed epoch left them */
    double start, last_report;
} Batch;

/* About every second inside an epoch: long epochs (large vocabularies) are not silent. */
static void report_within(const TrainOptions *opt, Batch *b, int epoch, size_t done, size_t n, double loss_sum,
                          double weight_sum)
{
    double now = clock_seconds();
    if (!opt->within_epoch || now - b->last_report < (opt->within_epoch_s > 0 ? opt->within_epoch_s : 1.0))
        return;
    b->last_report = now;
    double elapsed = now - b->start, epochs_done = (epoch - 1) + (double)done / (double)n;
    TrainProgress p = {.epoch = epoch, .epochs = opt->epochs, .loss = weight_sum > 0 ? loss_sum / weight_sum : 0,
                       .elapsed_s = elapsed, .eta_s = elapsed / epochs_done * (opt->epochs - epochs_done),
                       .windows_done = done, .windows_total = n};
    opt->within_epoch(&p, opt->progress_ctx);
}

/* One pass over the distinct windows; returns the count-weighted mean loss. */
static double train_epoch(const Trainer *tr, Adam *adam, Batch *b, const WindowSet *ws,
                          const TrainOptions *opt, int epoch, uint64_t *rng, bool *interrupted)
{
    double loss_sum = 0, weight_sum = 0;
    size_t batch_size = (size_t)opt->batch_size;
    shuffle(b->order, ws->n, rng);
    for (size_t start = 0; start < ws->n; start += batch_size) {
        if (opt->cancel && *opt->cancel) {
            *interrupted = true;
            break;
        }
        size_t count = ws->n - start < batch_size ? ws->n - start : batch_size;
        double batch_weight = 0;
        for (size_t i = 0; i < count; i++) {
            size_t w = b->order[start + i];
            memcpy(b->rows + i * ws->width, ws->keys + w * ws->width, ws->width * sizeof *b->rows);
            b->weights[i] = ws->count[w];
            batch_weight += ws->count[w];
        }
        memset(b->grad, 0, tr->n_params * sizeof *b->grad);
        float loss = tr->batch_loss(tr->ctx, b->rows, b->weights, (int)count, b->grad);
        adam_update(adam, tr->params, b->grad);
        loss_sum += loss * batch_weight;
        weight_sum += batch_weight;
        report_within(opt, b, epoch, start + count, ws->n, loss_sum, weight_sum);
    }
    return weight_sum > 0 ? loss_sum / weight_sum : 0;
}

bool train_windows(const Trainer *tr, const WindowSet *ws, const TrainOptions *opt,
                   TrainReport *report, Error *err)
{
    memset(report, 0, sizeof *report);
    if (ws->n == 0)
        return error_set(err, "no training windows: every session or trace is shorter than %d keys", ws->width);
    size_t batch_size = (size_t)opt->batch_size;
    Batch b = {malloc(batch_size * ws->width * sizeof *b.rows), malloc(batch_size * sizeof *b.weights),
               malloc(tr->n_params * sizeof *b.grad), malloc(ws->n * sizeof *b.order),
               malloc(tr->n_params * sizeof *b.epoch_params), 0, 0};
    Adam adam;
    bool ok = b.rows && b.weights && b.grad && b.order && b.epoch_params &&
              adam_init(&adam, tr->n_params, opt->learning_rate);
    if (ok) {
        for (size_t i = 0; i < ws->n; i++)
            b.order[i] = i;
        uint64_t rng = opt->seed * 0x9E3779B97F4A7C15ull + 1;
        double start = clock_seconds();
        b.start = b.last_report = start;
        for (int epoch = 1; epoch <= opt->epochs; epoch++) {
            memcpy(b.epoch_params, tr->params, tr->n_params * sizeof *tr->params);
            double loss = train_epoch(tr, &adam, &b, ws, opt, epoch, &rng, &report->interrupted);
            if (report->interrupted) { /* a part of an epoch is no model: back to the last whole one */
                memcpy(tr->params, b.epoch_params, tr->n_params * sizeof *tr->params);
                break;
            }
            double elapsed = clock_seconds() - start;
            report->epochs_done = epoch;
            report->loss = loss;
            report->windows_per_s = (double)ws->total * epoch / elapsed;
            if (opt->progress) {
                TrainProgress p = {epoch, opt->epochs, loss, report->windows_per_s, elapsed,
                                   elapsed / epoch * (opt->epochs - epoch), ws->n, ws->n};
                opt->progress(&p, opt->progress_ctx);
            }
        }
        report->seconds = clock_seconds() - start;
        adam_free(&adam);
    }
    free(b.rows), free(b.weights), free(b.grad), free(b.order), free(b.epoch_params);
    return ok || error_set_code(err, ERROR_NOMEM, "out of memory for training");
}
