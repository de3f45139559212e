/* Interpreting the window that covers an event, for `explain` and the explorer's i: the model's
 * interpreter, made once and reused, over the window model_window_for gives. */
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
/* The interpretation of the window covering event e of t; *first gets its first event. False
 * when no full window of the model's covers e in its session. */
bool explainer_at(Explainer *x, const Trace *t, size_t e, Interpretation *out, size_t *first);

/* The normal windows of t as the model reads them, indexed for the nearest-window search. */
bool explainer_index_normal(const Model *m, const Trace *t, WindowSet *ws, NearestIndex *ix, Error *err);

#endif
