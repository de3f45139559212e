/* A model of either kind, for the code that scores traces and does not care which: DeepLog
 * (next key from a window) or seq2seq (next Ty keys from Tx). */
#ifndef TRACEAID_MODEL_H
#define TRACEAID_MODEL_H

#include "deeplog_train.h"
#include "seq2seq_train.h"

typedef enum ModelKind { MODEL_DEEPLOG, MODEL_SEQ2SEQ } ModelKind;

typedef struct Model {
    ModelKind kind;
    DeepLog deeplog;
    Seq2Seq seq2seq;
} Model;

/* The kind comes from the metadata's "model", or else from the tensor names. deeplog_defaults
 * gives window and top-g for a DeepLog file without metadata. */
bool model_load(Model *m, const char *path, const DeepLogConfig *deeplog_defaults, Error *err);
bool model_save(const Model *m, const char *path, Error *err);
void model_free(Model *m);

const char *model_kind_name(const Model *m);
/* The vocabulary in id order. */
char *const *model_key_names(const Model *m, int *n_keys);
Calibration *model_calibration(Model *m);
/* Per event of t (key ids in the model's vocabulary), over events [first, last). */
bool model_outcomes(const Model *m, const Trace *t, size_t first, size_t last, EventOutcomes *out,
                    const volatile sig_atomic_t *cancel, Error *err);
/* The window whose prediction covers event e of t, within e's session, in model ids (keys gets
 * n_keys of them; first, its first event): DeepLog's h keys before e and e itself; seq2seq's
 * window at its stride holding e among its targets. False when there is none, or when DeepLog's
 * inputs hold a key it does not know. */
bool model_window_for(const Model *m, const Trace *t, size_t e, uint32_t *keys, int *n_keys, size_t *first);
/* Keys read, keys predicted per window, events between windows. */
void model_window_shape(const Model *m, int *tx, int *ty, int *stride);

#endif
