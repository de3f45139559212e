/* Teaching a model what is normal after training: fine-tuning with replay. The windows of the
 * sessions, traces or marked ranges given are learned as normal, trained together with the
 * model's own training windows (its windows file, model/training_windows.h) so that it does not
 * forget what it knew; keys the model never saw grow its vocabulary (model_grow_vocab). Both
 * `traceaid update` and the explorer's background update (a worker thread) stand on it.
 *
 * In steps, each one short but update_run:
 *   Update u;
 *   update_begin(&u, &model, &replay_or_NULL);            the model is borrowed, replay taken over
 *   update_load_calibration(&u, windows_path, err);      optional: the held-back parts train kept
 *   update_learn_range(&u, trace, vocab, first, last, err) for each range to learn
 *   update_run(&u, &options, &report, err);              trains; options carry cancel + progress
 *   update_save(&u, out_path, err);                      OUT and OUT's windows file
 *   update_free(&u);
 * The traces are read against the model's vocabulary (core/model_vocab.h: model_vocab_seed), so
 * the keys it knows have its ids; a key past them is new, and is added to the model under the
 * next free id in the order update_learn_range first meets it. A caller that keeps traces loaded
 * (the explorer) reads them again against the updated model's vocabulary afterwards. The model
 * is the Update's until update_free: it grows and trains in place, so nothing else may use it
 * meanwhile, and after a failure or a cancel it may be grown or half-trained (load it again).
 * Nothing is shared between Updates: one per thread. */
#ifndef TRACEAID_UPDATE_H
#define TRACEAID_UPDATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../io/cancel.h"
#include "../io/vocab.h"
#include "../model/model.h"
#include "../model/training_windows.h"
#include "update_check.h"

/* The defaults, chosen on HDFS (README, "Teaching it: update"). */
#define UPDATE_DEFAULT_EPOCHS 10
#define UPDATE_DEFAULT_LR 0.0003f
#define UPDATE_DEFAULT_WEIGHT 1.0f

typedef struct UpdateOptions {
    int epochs;                 /* passes over replay ∪ learned */
    float learning_rate;
    float weight;               /* a learned window's count is multiplied by it in training */
    uint64_t seed;              /* shuffling */
    const CancelFlag *cancel;   /* may be NULL; stops after the current batch */
    void (*progress)(const TrainProgress *p, void *ctx);    /* per epoch; may be NULL */
    void *progress_ctx;
} UpdateOptions;

#define UPDATE_OPTIONS_DEFAULT \
    ((UpdateOptions){.epochs = UPDATE_DEFAULT_EPOCHS, .learning_rate = UPDATE_DEFAULT_LR, \
                     .weight = UPDATE_DEFAULT_WEIGHT, .seed = 1})

typedef struct Update {
    Model *model;               /* borrowed: grown and trained in place */
    WindowSet replay;           /* the model's training windows (none: width 0 ... n 0) */
    bool replaying;             /* false: replay is not trained on, only written on (--no-replay) */
    WindowSet learned;          /* in the model's ids; counts are occurrences */
    int base_keys;              /* the model's vocabulary (reserved ids included) at begin */
    int new_keys;               /* keys added since */
    size_t ranges;              /* update_learn_range calls that gave at least one window */
    bool trained;
    CalibrationParts calibration;   /* the windows file's held-back parts (n 0: none), carried on */
    LearnedUnits units;         /* what was learned, to judge before and after (core/update_check.h) */
} Update;

/* Starts an update of m. replay (may be NULL: fine-tuning on the learned windows alone, which
 * forgets) holds m's training windows, as training_windows_load read them; the Update takes it
 * over (the caller's is left empty). */
void update_begin(Update *u, Model *m, WindowSet *replay);

/* The windows file beside the model's path (path gets its name), read for update_begin. No file:
 * false with ERROR_USAGE and a message saying how to proceed. */
bool update_load_replay(const Model *m, WindowSet *replay, char *path, size_t path_size, Error *err);

/* The held-back parts train calibrated on, from the windows file at path (training_windows_path of
 * the model's), when it kept them: update_run then sets the threshold again from their scores
 * (when the model is calibrated), and update_save carries them on. None is not an error. */
bool update_load_calibration(Update *u, const char *path, Error *err);

/* Learns every window of t's events [first, last) (within its sessions) as normal. vocab is the
 * one t's key ids index (its TraceSet's, seeded with the model's names). */
bool update_learn_range(Update *u, const Trace *t, const Vocab *vocab, size_t first, size_t last, Error *err);

/* The same from key names alone (a marks file's row): n keys, one session (session true: judged
 * as a session) or a segment of a trace without sessions (judged by its segment's score). */
bool update_learn_names(Update *u, const char *const *names, size_t n, bool session, Error *err);

typedef struct UpdateReport {
    TrainReport train;
    size_t learned_total, learned_distinct;     /* window occurrences, distinct windows */
    size_t replayed_total, replayed_distinct;
    int new_keys;
    bool recalibrated;                          /* threshold_before -> threshold_after */
    float threshold_before, threshold_after;
    size_t calibration_segments;
    UpdateCheck before, after;                  /* what was learned, judged by the model before and after */
} UpdateReport;

/* Trains the model on replay ∪ learned (learned counts times opt->weight) and adds the learned
 * occurrences to its learned_windows; then, when the model is calibrated and
 * update_load_calibration found held-back parts, sets its threshold from their scores by the
 * model's own rule (core/calibrate.h). Before training and at the end it judges what was learned
 * (report->before, report->after: core/update_check.h), before as the model before the update,
 * its new keys unknown. Cancelled: false with ERROR_INTERRUPTED, the model's
 * weights then half-trained (do not save them). No learned window: false, saying so. A learned
 * window weighs in its batch's weighted mean (model/train.c), so a few learned windows beside many
 * replayed ones move the model little: weight and epochs are the caller's to raise. */
bool update_run(Update *u, const UpdateOptions *opt, UpdateReport *report, Error *err);

/* Writes the model to path and, beside it, its windows file (replay ∪ learned, counts added, and
 * the held-back parts). The model goes to a temporary file first, then the windows file (itself
 * through a temporary file), then the model is renamed into place: a failure before that last
 * step leaves the old model and, but for the windows file's own failure, the old windows file.
 * path may be the model's own. Only after update_run succeeded. */
bool update_save(const Update *u, const char *path, Error *err);

void update_free(Update *u);

#endif
