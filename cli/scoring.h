/* A model and the traces it scores, loaded together for score and calibrate. */
#ifndef TRACEAID_SCORING_H
#define TRACEAID_SCORING_H

#include "../model/model.h"
#include "args.h"
#include "model_ranges.h"

typedef struct ScoredSet {
    Model model;
    TraceSet set;
    EventOutcomes *outcomes;    /* per trace */
    Scores *scores;             /* per trace */
    size_t *unknown;            /* per trace: events whose key the model does not know */
    bool model_loaded;
    double seconds;             /* spent scoring, loading excluded */
} ScoredSet;

typedef struct ModelArgs {
    const char *path;
    uint64_t window, top_g, segment;    /* 0 (not given): the model's */
} ModelArgs;

#define MODEL_ARG_SPECS(ma)                                                                      \
    {"model", 'm', ARG_STRING, &(ma)->path, "MODEL", "the model file"},                           \
    {"top-g", 'g', ARG_TOP_G, &(ma)->top_g, "G", "candidates that count as a hit (the model's)"}, \
    {"window", 0, ARG_WINDOW, &(ma)->window, "H", "window of a model file without metadata (10)"}

#define SEGMENT_ARG_SPEC(ma) \
    {"segment", 0, ARG_SEGMENT, &(ma)->segment, "N", "events per segment (the model's, else 1000)"}

/* Loads the model ma names with its options applied (top-g, segment; window and top-g defaults
 * for a bare DeepLog state_dict). */
bool model_args_load(const ModelArgs *ma, Model *m, Error *err);

/* Loads the model and the inputs and scores every trace; prints the error and returns false. */
bool scored_set_load(ScoredSet *s, const Command *cmd, const ModelArgs *ma, TraceArgs *ta,
                     const ArgInputs *inputs);

/* The same in steps, for a worker that reports between them: the model (ma->path NULL: none)
 * and its vocabulary with the meanings; the traces; the scores. */
bool scored_set_open(ScoredSet *s, const ModelArgs *ma, const TraceArgs *ta, Error *err);
bool scored_set_add_traces(ScoredSet *s, const ArgInputs *inputs, const TraceOptions *opt, Error *err);
bool scored_set_score(ScoredSet *s, const volatile sig_atomic_t *cancel, Error *err);
void scored_set_free(ScoredSet *s);

#endif
