/* Interpreting the window that predicted an event, for `explain` and the explorer's i: the model's
 * interpreter, made once and reused, over the window whose verdict the event's outcome is; and a
 * flagged segment's worst window, where the explorer's Enter lands. */
#ifndef TRACEAID_EXPLAINER_H
#define TRACEAID_EXPLAINER_H

#include "../model/model.h"
#include "../model/training_windows.h"

typedef struct Explainer {
    const Model *model;
    ModelInterpreter interpreter;
    TrainingNearest training;   /* the model's training windows, when explainer_init_trained found them */
    char nearest_note[512];     /* why a windows file beside the model was not used, or "" */
} Explainer;

/* nearest (may be NULL) indexes normal windows: the second reference beside the interpretation. */
bool explainer_init(Explainer *x, const Model *m, NearestIndex *nearest, const InterpretOptions *opt,
                    Error *err);
/* The same with the nearest window of the model's training data, from the windows file beside the
 * model's file (model/training_windows.h) when there is one. A file that is not the model's
 * gives no nearest window and a note saying why (nearest_note): the interpretation does not
 * need it, and a stale file left beside a model should not stop one. */
bool explainer_init_trained(Explainer *x, const Model *m, const InterpretOptions *opt, Error *err);
void explainer_free(Explainer *x);
/* The interpretation of the window that predicted event e of t (whose verdict e's outcome is:
 * where the model missed e, the window that missed it); *first gets its first event. False when
 * no full window of the model's predicts e in its session. */
bool explainer_at(Explainer *x, const Trace *t, size_t e, Interpretation *out, size_t *first);
/* That window itself, in model ids (keys gets n_keys of them), as explainer_at and `explain --all`
 * take it. False as explainer_at; explainer_no_window says why. */
bool explainer_window_for(const Model *m, const Trace *t, size_t e, uint32_t *keys, int *n_keys, size_t *first);

/* Why no window of the model's predicts event e of t. */
typedef enum ExplainerNoWindow {
    NO_WINDOW_SESSION_START,    /* e lies among its session's first tx events: read, never predicted */
    NO_WINDOW_SHORT_SESSION,    /* its session is shorter than one window */
    NO_WINDOW_UNKNOWN_KEY,      /* DeepLog: the keys it reads hold one the model does not know */
    NO_WINDOW_NOT_PREDICTED,    /* no window at the model's stride holds e among its targets */
} ExplainerNoWindow;
ExplainerNoWindow explainer_no_window(const Model *m, const Trace *t, size_t e);
/* The reason in words, for n events ("lie"/"lies" as n asks). */
const char *explainer_no_window_text(ExplainerNoWindow why, size_t n);

/* The worst window among those that predicted events [first, last) of t. */
typedef struct WorstWindow {
    size_t event;           /* its missed event of the lowest probability: the cursor goes there */
    size_t first, last;     /* its events, inputs and targets (event alone when not interpretable) */
    int misses;             /* its targets the model missed, of those whose verdict is its own (a later
                               window's verdict on a shared target overwrites it, stride < ty) */
    float prob;             /* the model's probability of event's key */
    bool interpretable;     /* a full window of known keys: i interprets it */
} WorstWindow;
/* The window with the most missed targets, then the highest loss (-log p summed over its
 * misses), preferring windows i can interpret. False when the model missed no event there. */
bool explainer_worst_window(const Model *m, const Trace *t, const EventOutcomes *o, size_t first, size_t last,
                            WorstWindow *out);

/* The normal windows of t as the model reads them, indexed for the nearest-window search. */
bool explainer_index_normal(const Model *m, const Trace *t, WindowSet *ws, NearestIndex *ix, Error *err);

#endif
