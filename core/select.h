/* Choosing DeepLog's epochs and top-g on the training data alone: every k-th normal session of
 * the session files is held out, a first model trains on the rest, and after each of its epochs
 * the held-out sessions are predicted: their mean negative log-likelihood (the held-out loss)
 * and, for each g, how many of them top-g would flag. The epoch of the lowest held-out loss is
 * the epochs; the smallest g that flags at most a target share of the held-out sessions at that
 * epoch is the top-g. The model proper then trains on every session with them. */
#ifndef TRACEAID_SELECT_H
#define TRACEAID_SELECT_H

#include <stdbool.h>
#include <stddef.h>

#include "../io/error.h"
#include "../io/trace_set.h"
#include "../model/model.h"

#define SELECT_MAX_G 64

/* What one epoch of the first model made of the held-out sessions. */
typedef struct SelectEpoch {
    double loss;                        /* mean NLL of their predicted keys */
    size_t flagged[SELECT_MAX_G + 1];   /* [g]: sessions top-g flags, g = 1..SELECT_MAX_G */
} SelectEpoch;

/* The held-out sessions, as a session trace of their own. */
typedef struct HeldOut {
    Trace trace;
    size_t stride;              /* every stride-th session of each file, from the stride-th */
    size_t n_short;             /* of them, shorter than window + 1: flagged at any g */
} HeldOut;

typedef struct Selection {
    int n_epochs;               /* epochs recorded */
    SelectEpoch *epochs;        /* [n_epochs], epoch e at e - 1 */
    int best_epoch;             /* of the lowest held-out loss */
    int top_g;                  /* chosen at best_epoch; 0: none flags few enough (the default stays) */
} Selection;

/* Sessions s (counted over the files in order) with (s + 1) % stride == 0, stride = round(1 / share); the
 * rest of each file is what the first model trains on. */
bool held_out_split(const TraceSet *set, float share, int window, HeldOut *held, Error *err);
/* The windows m learns from the sessions not held out. */
bool held_out_add_rest(const Model *m, const TraceSet *set, const HeldOut *held, WindowSet *ws, Error *err);
void held_out_free(HeldOut *held);

/* Records what m, trained so far, makes of the held-out sessions, as epoch `epoch`. */
bool select_record(Selection *sel, int epoch, const Model *m, const HeldOut *held, Error *err);
/* No epoch of the last `patience` improved on the lowest held-out loss before them. */
bool select_stalled(const Selection *sel, int patience);
/* best_epoch (when choose_epochs; else the last recorded) and the smallest g whose flagged share
 * is at most max_flagged at that epoch. */
void select_choose(Selection *sel, const HeldOut *held, bool choose_epochs, double max_flagged, int n_keys);
void selection_free(Selection *sel);

#endif
