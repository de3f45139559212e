/* Prediction batches spread over threads. Scoring predicts each distinct window of a trace
 * once; the batches of distinct windows are independent, so they are where the threads go:
 * scoring a trace in parts on threads instead repeats the windows the parts share. */
#ifndef TRACEAID_BATCH_THREADS_H
#define TRACEAID_BATCH_THREADS_H

#include <stdbool.h>
#include <stddef.h>

#include "../io/cancel.h"
#include "../io/error.h"

/* Threads the calling thread's scoring predicts its batches on (model_outcomes and what it
 * calls): 1 until set. Per thread, so scorings running at once each keep their own; n < 1
 * means 1. */
void model_set_threads(int n);
int model_threads(void);

/* Windows per batch: dflt, or TRACEAID_SCORE_BATCH when it is a smaller number >= 1 (tests
 * force many batches out of small traces with it). */
int model_score_batch(int dflt);

/* OpenBLAS runs single-threaded between begin and end: our own threads are the parallelism,
 * and its threads besides would put two on each core. The setting is the process's, so
 * overlapping callers count under one lock: the first saves it, the last restores it. */
void blas_single_begin(void);
void blas_single_end(void);

/* Batches 0..n_batches-1 on up to model_threads() threads. Each thread has its own work,
 * thread_size zeroed bytes: init once, batch for every batch the thread takes, release once
 * (release must accept a work whose init failed). Batches write apart, so the results do not
 * depend on the threads. Returns false with the first error (ERROR_INTERRUPTED when cancel is
 * raised between batches). */
typedef struct BatchJobs {
    size_t n_batches, thread_size;
    void *ctx;
    bool (*init)(void *work, void *ctx, Error *err);
    void (*batch)(void *work, void *ctx, size_t b);
    void (*release)(void *work);
} BatchJobs;

bool batch_jobs_run(const BatchJobs *jobs, const CancelFlag *cancel, Error *err);

#endif
