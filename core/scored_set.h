/* The scored set: a model, the traces it scores (loaded against its vocabulary, so key ids
 * match), each event's outcome and each trace's segment scores. What `score`, `calibrate`,
 * `plot` and the explorer all stand on. */
#ifndef TRACEAID_SCORED_SET_H
#define TRACEAID_SCORED_SET_H

#include <pthread.h>
#include <stdatomic.h>

#include "../io/cancel.h"
#include "../io/trace_set.h"
#include "../model/model.h"
#include "session_verdicts.h"

/* The model a command asks for and its overrides; 0 keeps the model's own. */
typedef struct ModelRequest {
    const char *path;
    uint64_t window, top_g;     /* window and top-g of a bare DeepLog state_dict; top-g overrides */
    uint64_t segment;           /* events per segment */
    const char *score, *smooth; /* the score rule and smoothing, as given (NULL: the model's) */
} ModelRequest;

/* How traces are read, and the meanings of their keys. */
typedef struct TraceRequest {
    TraceOptions opt;
    const char *meanings_path;
} TraceRequest;

/* What a trace is known to be, for counting the sessions flagged as eval does. */
typedef enum TraceLabel { TRACE_UNLABELLED, TRACE_NORMAL, TRACE_ABNORMAL } TraceLabel;

/* Scoring's progress: events of every trace scored so far, of total. Called once with scored 0
 * before any part is scored (from the thread calling scored_set_score), then from the scoring
 * threads, one call at a time (under the set's progress lock, so scored only grows), after a
 * part is scored, at most every progress_every seconds, and always once with scored ==
 * total when every part is. It must be quick and not touch the set. */
typedef void (*ScoreProgress)(size_t scored, size_t total, void *ctx);
#define SCORED_SET_PROGRESS_SECONDS 0.2

/* Events per part when TRACEAID_SCORE_PART does not say: a scoring thread's work memory is
 * bounded by a part (plus the model's window), whatever the trace's length. Large, as each
 * part predicts its distinct windows apart: windows it shares with other parts are predicted
 * again (a part of 1M events cost a 3M-event seq2seq run 40% more than one pass). */
#define SCORED_SET_PART_EVENTS ((size_t)8 << 20)

typedef struct ScoredSet {
    Model model;
    TraceSet set;
    EventOutcomes *outcomes;    /* per trace */
    Scores *scores;             /* per trace */
    size_t *unknown;            /* per trace: events whose key the model does not know */
    SessionVerdicts *sessions;  /* per trace: each session's verdict (n_sessions 0: one session) */
    uint8_t *labels;            /* per trace: TraceLabel; NULL: none known */
    size_t n_labels;
    bool labels_by_name;        /* the labels are guesses from the files' names */
    bool model_loaded;
    char templates[4096];       /* the model's templates file (core/model_templates.h), or "" */
    double seconds;             /* spent scoring, loading excluded */

    /* Streaming. Scoring cuts each trace into parts scored on `threads` threads (from the
     * TraceRequest's opt.threads; 0: every core), giving the outcomes one pass over the trace
     * gives: several traces with a part per thread, threads over parts; else the parts in
     * turn, each predicting its batches of distinct windows on the threads. scored_set_score_begin allocates outcomes, scores (every segment, zero) and
     * scored_events before any part is scored, so another thread may read while scoring goes
     * on: for trace i, after n = atomic_load(&scored_events[i]) (acquire), events [0, n) have
     * their final outcomes and segments [0, scored_set_final_segments(s, i, n)) their final
     * predicted, missed, rate, score and flagged. A segment's smoothed score reads its
     * neighbours within the smoothing radius, so it is final only once they are scored: n runs
     * that many segments behind the scored parts, and reaches n_events at the end. unknown,
     * sessions and n_flagged hold once scored_set_score has returned. */
    int threads;
    ScoreProgress progress;     /* NULL: none */
    void *progress_ctx;
    double progress_every;      /* seconds between calls (scored_set_open: SCORED_SET_PROGRESS_SECONDS); 0: every part */
    atomic_size_t *scored_events; /* per trace */
    pthread_mutex_t progress_lock;
    bool score_begun;
} ScoredSet;

/* Loads the model req names with its overrides applied (top-g, segment, score rule, smoothing);
 * a threshold holds for the segments and scores it was set on, so changing those drops it. */
bool model_request_load(const ModelRequest *req, Model *m, Error *err);

/* In steps, for a worker that reports between them: the model (req->path NULL: none) and its
 * vocabulary with the meanings; the traces; the scores. */
bool scored_set_open(ScoredSet *s, const ModelRequest *req, const TraceRequest *tr, Error *err);
bool scored_set_add_traces(ScoredSet *s, const TraceInput *inputs, size_t n_inputs, const TraceOptions *opt,
                           Error *err);
/* Allocates what scoring fills in (see Streaming above); scored_set_score does it when not done. */
bool scored_set_score_begin(ScoredSet *s, Error *err);
bool scored_set_score(ScoredSet *s, const CancelFlag *cancel, Error *err);
/* The leading segments of trace i final once scored_events[i] is n. */
size_t scored_set_final_segments(const ScoredSet *s, size_t i, size_t n);
/* All three. */
bool scored_set_load(ScoredSet *s, const ModelRequest *req, const TraceRequest *tr, const TraceInput *inputs,
                     size_t n_inputs, const CancelFlag *cancel, Error *err);
void scored_set_free(ScoredSet *s);

/* Every trace's segments flagged against threshold, which the model keeps. */
void scored_set_set_threshold(ScoredSet *s, float threshold);
/* Every trace scored again in segments of segment_len events by the model's score rule and
 * smoothing, flagged against the threshold each had. */
bool scored_set_resegment(ScoredSet *s, size_t segment_len, Error *err);
size_t scored_set_flagged(const ScoredSet *s);

/* Labels the traces from n_labels on (those loaded since) as label. */
bool scored_set_label(ScoredSet *s, TraceLabel label, Error *err);
/* With no label given: a trace with sessions whose file's name holds "abnormal" is labelled
 * abnormal, else one whose name holds "normal" normal (hdfs_test_abnormal, hdfs_test_normal), when
 * both kinds are found; labels_by_name says so. False: no labels. */
bool scored_set_label_by_names(ScoredSet *s);
/* The distinct sessions of the labelled traces, counted as eval counts them; false when no trace
 * of each label has sessions. */
bool scored_set_session_counts(const ScoredSet *s, EvalCounts *c);

#endif
