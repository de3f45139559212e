/* U in the explorer: the model learns the windows marked normal (core/update.h) in a worker
 * thread, with the epoch on the status line and Esc to cancel; the updated model is written under
 * a pending name, the traces are read and scored again with it in the same thread, and only then
 * is it renamed into place beside the one in use as NAME.updated.safetensors with its windows
 * file (the original untouched; a cancel or a failure leaves nothing). The explorer's thread then
 * puts the new scored set in place of the old (updater_take) and draws it. */
#ifndef TRACEAID_UPDATER_H
#define TRACEAID_UPDATER_H

#include <pthread.h>
#include <stdbool.h>

#include "../core/scored_set.h"
#include "../core/update.h"
#include "../io/labels.h"

/* What the explorer was opened with, to read and score the traces again. */
typedef struct UpdateSource {
    ModelRequest model;         /* path: the model in use */
    TraceRequest traces;
    const TraceInput *inputs;
    const uint8_t *input_labels;    /* per input its TraceLabel; NULL: by the files' names */
    size_t n_inputs;
} UpdateSource;

typedef enum UpdateStage { UPDATE_TRAINING, UPDATE_SCORING, UPDATE_DONE, UPDATE_FAILED, UPDATE_CANCELLED } UpdateStage;

typedef struct Updater {
    UpdateSource src;
    char model_path[4096];      /* the model updated from */
    char out_path[4096];        /* NAME.updated.safetensors beside it */
    Labels rows;                /* the marks to learn (copies) */
    CancelFlag cancel;
    pthread_t thread;
    bool started;
    pthread_mutex_t lock;
    /* under lock */
    UpdateStage stage;
    int epoch, epochs;
    Error err;
    UpdateReport report;
    ScoredSet scored;           /* the traces scored by the updated model, once UPDATE_DONE */
} Updater;

/* Where the update of model_path goes: NAME.updated.safetensors (NAME less .safetensors and a
 * trailing .updated: updating an updated model writes it again). False when it does not fit. */
bool updater_out_path(const char *model_path, char *out, size_t size);
/* Starts the worker over rows (taken over: the caller's is left empty). */
bool updater_start(Updater *u, const UpdateSource *src, const char *model_path, Labels *rows, Error *err);
/* A copy of the stage and epoch, for the status line. */
UpdateStage updater_stage(Updater *u, int *epoch, int *epochs);
bool updater_busy(Updater *u);
void updater_cancel(Updater *u);
/* The status line once UPDATE_DONE: the model written, and how many of the marks learned the
 * updated model still flags (core/update_check.h) -- first, as a U that seems to do nothing
 * usually did too little; rule: the score rule the threshold is shown in. */
void updater_done_message(const Updater *u, ScoreRule rule, char *out, size_t size);
/* Waits for the worker. */
void updater_join(Updater *u);
/* Frees what the worker made (its scored set unless taken) and the lock. */
void updater_free(Updater *u);

#endif
