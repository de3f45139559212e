/* The training loop every model shares: epochs of Adam over distinct windows, shuffled, each
 * weighted by its count; the model supplies one function, the loss and gradient of a batch. */
#ifndef TRACEAID_TRAIN_H
#define TRACEAID_TRAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../io/cancel.h"
#include "../io/error.h"
#include "windows.h"

typedef struct TrainProgress {
    int epoch, epochs;          /* epoch just finished, from 1 */
    double loss;                /* its mean cross-entropy */
    double windows_per_s;       /* training windows (with repeats) per second */
    double elapsed_s, eta_s;
} TrainProgress;

typedef struct TrainOptions {
    int epochs;
    int batch_size;
    float learning_rate;
    uint64_t seed;              /* shuffling; the weights' seed is the model's creation */
    const CancelFlag *cancel;    /* stops after the current batch */
    void (*progress)(const TrainProgress *p, void *ctx);
    void *progress_ctx;
} TrainOptions;

typedef struct TrainReport {
    int epochs_done;
    double loss, seconds, windows_per_s;
    bool interrupted;
} TrainReport;

typedef struct Trainer {
    float *params;
    size_t n_params;
    /* rows [count][ws->width] of keys, weights [count]: the batch's weighted mean loss, its
     * gradient accumulated into grad */
    float (*batch_loss)(void *ctx, const uint32_t *rows, const float *weights, int count, float *grad);
    void *ctx;
} Trainer;

bool train_windows(const Trainer *tr, const WindowSet *ws, const TrainOptions *opt,
                   TrainReport *report, Error *err);

#endif
