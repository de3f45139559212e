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
    bool preview_ready;         /* the preview (the head of a big text trace, scored) may be read */
    bool preview_truth_ready;   /* and the truth beside it (read after, as a big one takes long) */
    bool past_preview;          /* the worker made its preview or found none to make */
    bool traces_ready;          /* the traces may be read (they no longer change) */
    bool scores_ready;          /* and the model's outcomes and scores */
    uint64_t bytes_done, bytes_total;
    uint64_t preview_bytes;     /* the head the preview holds */
    double preview_s;           /* when the preview was ready, from the start */
    double elapsed_s;
    Error err;                  /* when failed */
} LoadStatus;

typedef struct Loader {
    ScoredSet scored;           /* the result, owned */
    Truth *truths;              /* per trace: the ground truth beside it (path NULL: none), read
                                 * with the traces (ready with them) */
    size_t n_truths;
    char truth_note[200];       /* why a truth file beside a trace was not read ("" when none) */
    /* The preview: a big text trace's head, read and scored first so the explorer has something
     * to show at once; event i of the head is event i of the whole trace. Never written once
     * preview_ready is published. */
    ScoredSet preview;
    Truth preview_truth;
    bool preview_made;          /* preview holds a set (freed by loader_drop_preview) */
    bool hold;                  /* scripts: the worker waits after the preview until released */
    bool released;              /* under lock */
    size_t hold_scored;         /* scripts, under lock: a held worker's scoring waits once the
                                 * whole's first hold_scored events are scored, until released
                                 * (0: it does not), so an Esc after `wait scored N` repeats */
    pthread_cond_t changed;     /* with lock: the status changed, or the hold was released */
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
/* The same, and the worker holds after the preview until loader_release (the scripts' `wait`
 * commands see each stage at its place, so their screens repeat). */
bool loader_start_held(Loader *l, const ModelRequest *model, const TraceRequest *traces, const TraceInput *inputs,
                       const uint8_t *input_labels, size_t n_inputs, Error *err);
void loader_release(Loader *l);
/* Waits until the preview is ready or the worker is past the point of making one (a small file,
 * a binary or compressed one, a failure). */
LoadStatus loader_wait_preview(Loader *l);
/* While the whole is scored: events of its first trace scored so far (0 before), and the
 * segments final once that many are (core/scored_set.h's progress). */
size_t loader_scored_events(Loader *l);
size_t loader_final_segments(Loader *l, size_t events);
/* Scripts: lets a held worker go on and waits until events of the whole trace are scored (true)
 * or the worker ended first (false); the scoring then waits there until loader_release or
 * loader_cancel (hold_scored). */
bool loader_wait_scored(Loader *l, size_t events);
/* Frees the preview, once the explorer shows the whole trace instead. */
void loader_drop_preview(Loader *l);
/* The head a preview is made of for a file of size bytes: TRACEAID_PREVIEW_BYTES (tests set a
 * small one), else 4 MB; 0 when the file is too small to need one. */
uint64_t loader_preview_bytes(uint64_t size);
LoadStatus loader_status(Loader *l);
void loader_cancel(Loader *l);
/* Waits for the worker; then frees nothing (loader_free does). */
void loader_join(Loader *l);
void loader_free(Loader *l);

#endif
