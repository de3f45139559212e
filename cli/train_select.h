/* traceaid train's choice of DeepLog's epochs and top-g on held-out normal sessions
 * (core/select.h): run before the model proper trains, it fills in what the options left out. */
#ifndef TRACEAID_TRAIN_SELECT_H
#define TRACEAID_TRAIN_SELECT_H

#include <stdbool.h>
#include <stdint.h>

#include "../io/trace_set.h"
#include "../model/model.h"

typedef struct SelectArgs {
    const char *mode;           /* "held-out" or "off" */
    float share;                /* of the sessions held out */
    float max_flagged;          /* share of held-out sessions top-g may flag */
    uint64_t max_epochs;             /* the first model's, when --epochs is not given */
    int patience;               /* it stops after this many epochs without a lower held-out loss */
} SelectArgs;

#define SELECT_ARGS_DEFAULT {.mode = "off", .share = 0.1f, .max_flagged = 0.005f, .max_epochs = 100, .patience = 10}

/* Does the selection apply: deeplog, every input a session file, selection on, and epochs or
 * top-g left to choose? */
bool train_select_applies(const SelectArgs *s, const ModelKind *kind, const TraceSet *set, bool epochs_given,
                          bool top_g_given);
/* Trains the first model on all but the held-out sessions, and sets hp's epochs (unless given) and
 * top-g (unless given), saying what it chose and why. False with err set on failure; *interrupted
 * when Ctrl-C stopped it (hp is then left as it was). */
bool train_select(const SelectArgs *s, const ModelKind *kind, const TraceSet *set, const char *const *names,
                  int n_keys, uint64_t seed, float learning_rate, bool epochs_given, bool top_g_given,
                  ModelHyper *hp, bool *interrupted, Error *err);

#endif
