/* Loading and scoring in a worker thread, so the explorer is never frozen: the traces first
 * (progress by bytes), then the scores; the explorer polls the stage and shows what is ready. */
#ifndef TRACEAID_LOADER_H
#define TRACEAID_LOADER_H

#include <pthread.h>

#include "../core/scored_set.h"
#include "../io/truth.h"

typedef enum LoadStage { LOAD_TRACES, LOAD_SCORING, LOAD_DONE, LOAD_FAILED, LOAD_CANCELLED } LoadStage;

typedef struct LoadStatus {
    LoadStage stage;
    bool traces_ready;          /* the traces may be read (they no longer change) */
    bool scores_ready;          /* and the model's outcomes and scores */
    uint64_t bytes_done, bytes_total;
    double elapsed_s;
    Error err;                  /* when failed */
} LoadStatus;

typedef struct Loader {
    ScoredSet scored;           /* the result, owned */
    Truth *truths;              /* per trace: the ground truth beside it (path NULL: none), read
                                 * with the traces (ready with them) */
    size_t n_truths;
    char truth_note[200];       /* why a truth file beside a trace was not read ("" when none) */
    ModelRequest model;
    TraceRequest traces;
    const TraceInput *inputs;   /* the files, in order */
    size_t n_inputs;
    const uint8_t *input_labels;/* per input: its TraceLabel (open's --normal, --abnormal); NULL:
                                 * labels from the files' names, when they tell */
    CancelFlag cancel;          /* set by the explorer's thread, read by the worker */
    pthread_t thread;
    pthread_mutex_t lock;
    LoadStatus status;          /* under lock */
    uint64_t bytes_before;      /* of the files already loaded (worker only) */
    double start;
    bool started;
} Loader;

/* Starts the worker; the arguments must outlive it. */
bool loader_start(Loader *l, const ModelRequest *model, const TraceRequest *traces, const TraceInput *inputs,
                  size_t n_inputs, Error *err);
/* The same, each input labelled (TraceLabel) as input_labels says. */
bool loader_start_labelled(Loader *l, const ModelRequest *model, const TraceRequest *traces, const TraceInput *inputs,
                           const uint8_t *input_labels, size_t n_inputs, Error *err);
LoadStatus loader_status(Loader *l);
void loader_cancel(Loader *l);
/* Waits for the worker; then frees nothing (loader_free does). */
void loader_join(Loader *l);
void loader_free(Loader *l);

#endif
