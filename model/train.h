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
    int epoch, epochs;          /* epoch just finished (within an epoch: the one under way), from 1 */
    double loss;                /* its mean cross-entropy (within an epoch: of its batches so far) */
    double windows_per_s;       /* training windows (with repeats) per second */
    double elapsed_s, eta_s;
    size_t windows_done, windows_total;     /* distinct windows of the epoch trained on, and in all */
} TrainProgress;

typedef struct TrainOptions {
    int epochs;
    int batch_size;
    float learning_rate;
    uint64_t seed;              /* shuffling; the weights' seed is the model's creation */
    const CancelFlag *cancel;    /* stops after the current batch; the weights are put back as
                                  * the last completed epoch left them */
    void (*progress)(const TrainProgress *p, void *ctx);     /* after each epoch */
    void *progress_ctx;
    /* within an epoch, every within_epoch_s seconds (0: one), with progress_ctx; NULL: none */
    void (*within_epoch)(const TrainProgress *p, void *ctx);
    double within_epoch_s;
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
