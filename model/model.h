/* A sequence model of any kind behind one interface: a Model is a table of operations (its
 * ModelKind, as tig's view_ops or htop's ObjectClass) and the kind's own state. Code outside
 * model/ calls the model_* functions below and never asks which kind it holds.
 *
 * A kind reads tx keys and predicts the ty after them, for windows every stride events:
 * DeepLog reads a window of h keys and ranks the next (tx = h, ty = 1, stride = 1); seq2seq
 * reads 5 and predicts 5 at a stride of 5. Each predicted event is a hit or a miss
 * (model/scores.h); the interpretation sets an anomalous window beside the nearest window the
 * model deems normal (model/interpret.h).
 *
 * A new kind is its own files (the network, its file format, an adapter filling a ModelKind)
 * and one row in model/model.c's kinds[]: docs/ARCHITECTURE.md shows how. */
#ifndef TRACEAID_MODEL_H
#define TRACEAID_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../io/cancel.h"
#include "../io/error.h"
#include "../io/safetensors.h"
#include "../io/trace.h"
#include "calibration.h"
#include "eval.h"
#include "interpret.h"
#include "scores.h"
#include "train.h"
#include "windows.h"

/* What a new model is made of; 0 (or a negative holdout) leaves the kind's default. */
typedef struct ModelHyper {
    int hidden;             /* recurrent units */
    int layers;             /* deeplog: stacked LSTM layers */
    int window, top_g;      /* deeplog: keys read; candidates that count as a hit */
    int embed, attn;        /* seq2seq: embedding and attention sizes */
    int tx, ty, stride;     /* seq2seq: keys read, keys predicted, events between windows */
    int epochs, batch;      /* training */
    float holdout;          /* the last share of each trace held back to calibrate on */
} ModelHyper;

/* For files that leave them out: a bare PyTorch state_dict has no window or top-g. */
typedef struct ModelLoadDefaults {
    int window, top_g;
} ModelLoadDefaults;

typedef struct Model Model;
typedef struct ModelInterpreter ModelInterpreter;

typedef struct ModelKind {
    const char *name;               /* the metadata's "model" */
    const char *marker_tensor;      /* a tensor that tells a bare state_dict of this kind */
    const char *summary;            /* one line for --help */
    size_t state_size;              /* bytes of the kind's state, allocated by model.c */
    int n_reserved;                 /* ids before the keys proper, named reserved_names */
    const char *const *reserved_names;

    void (*defaults)(ModelHyper *hp);
    bool (*create)(void *state, const ModelHyper *hp, const char *const *key_names, int n_keys,
                   uint64_t seed, Error *err);
    bool (*load)(void *state, const SafeTensors *st, const char *path, const ModelLoadDefaults *d,
                 Error *err);
    bool (*save)(const void *state, const char *path, Error *err);
    void (*free)(void *state);
    /* One line: the kind and its sizes, "DeepLog: 6 keys, 1 layer of 8 LSTM units, ..." */
    void (*describe)(const void *state, char *out, size_t size);

    char *const *(*key_names)(const void *state, int *n_keys);
    Calibration *(*calibration)(void *state);
    uint64_t *(*learned_windows)(void *state);  /* the metadata's learned_windows */
    size_t (*n_params)(const void *state);
    const float *(*params)(const void *state);     /* n_params of them, in state_dict order */
    void (*window_shape)(const void *state, int *tx, int *ty, int *stride);
    int (*top_g)(const void *state);
    /* NULL when a kind's hit is not a choice among candidates */
    bool (*set_top_g)(void *state, int top_g, Error *err);

    bool (*add_windows)(const void *state, const Trace *t, size_t first, size_t last, WindowSet *ws,
                        Error *err);
    bool (*train)(void *state, const WindowSet *ws, const TrainOptions *opt, TrainReport *report,
                  Error *err);
    bool (*outcomes)(const void *state, const Trace *t, size_t first, size_t last, EventOutcomes *out,
                     const CancelFlag *cancel, Error *err);
    /* NULL when the kind has no session protocol */
    bool (*eval)(const void *state, const Trace *normal, const Trace *abnormal, EvalCounts *out,
                 const CancelFlag *cancel, Error *err);
    bool (*window_for)(const void *state, const Trace *t, size_t e, uint32_t *keys, int *n_keys,
                       size_t *first);
    bool (*next_anomaly)(const void *state, const Trace *t, const EventOutcomes *o, const Scores *sc,
                         size_t *cursor, size_t *e);
    const char *anomaly_unit;       /* what next_anomaly visits, for reports */
    /* Appends n_new keys after the current ids: the tensors with a key dimension grow
     * (model/tensor_table.h's tensor_table_grow), the rest is kept. */
    bool (*grow)(void *state, const char *const *new_names, int n_new, uint64_t seed, Error *err);

    size_t interpreter_size;
    bool (*interpreter_init)(void *it, const void *state, NearestIndex *nearest,
                             const InterpretOptions *opt, Error *err);
    void (*interpret)(void *it, const uint32_t *keys, Interpretation *out);
    void (*interpreter_free)(void *it);
} ModelKind;

struct Model {
    const ModelKind *kind;
    void *state;
    char *path;                 /* the file it was read from; NULL for a new model */
};

struct ModelInterpreter {
    const ModelKind *kind;
    void *state;
};

/* The kinds, in the order help lists them; NULL past the last. */
const ModelKind *model_kind_at(size_t i);
const ModelKind *model_kind_find(const char *name);
/* Their names, "deeplog, seq2seq". */
void model_kind_names(char *out, size_t size);

/* A new model of kind with hp's sizes (hp as the kind's defaults completed them). Key names
 * are the keys proper, without the kind's reserved ids. */
bool model_create(Model *m, const ModelKind *kind, const ModelHyper *hp, const char *const *key_names,
                  int n_keys, uint64_t seed, Error *err);
/* The file is read once; the kind comes from the metadata's "model", or else from the tensor
 * names. d gives window and top-g for a bare DeepLog state_dict. */
bool model_load(Model *m, const char *path, const ModelLoadDefaults *d, Error *err);
/* The same from a file already read (path names it in messages). */
bool model_from_safetensors(Model *m, const SafeTensors *st, const char *path, const ModelLoadDefaults *d,
                            Error *err);
bool model_save(const Model *m, const char *path, Error *err);
void model_free(Model *m);

const char *model_kind_name(const Model *m);
void model_describe(const Model *m, char *out, size_t size);
/* The vocabulary in id order (reserved ids first). */
char *const *model_key_names(const Model *m, int *n_keys);
/* Keys proper: the vocabulary less the reserved ids. */
int model_n_reserved(const Model *m);
Calibration *model_calibration(Model *m);
const Calibration *model_calibration_const(const Model *m);
size_t model_n_params(const Model *m);
/* The window occurrences `traceaid update` has taught the model since it was trained, summed
 * over updates: the metadata's learned_windows, 0 when absent. */
uint64_t model_learned_windows(const Model *m);
void model_add_learned_windows(Model *m, uint64_t n);
/* Grows the vocabulary by n_new keys named new_names, given ids after the current ones, so the
 * ids already known keep their meaning (and their weights). The new input columns (DeepLog) or
 * embedding rows (seq2seq) take PyTorch's default initialisation, drawn from seed; the new output
 * rows start with zero weights and a bias below any logit an old key can reach, so on windows of
 * old keys the old keys' logits are unchanged, rank as before, and each new key ranks below them
 * all (model/tensor_table.c says why). Calibration and metadata stay; the layout stays PyTorch's.
 * A name the vocabulary already holds, or given twice, is an error and leaves m as it was; so is
 * running out of memory. Work buffers and interpreters made for m before must be made again. */
bool model_grow_vocab(Model *m, const char *const *new_names, int n_new, uint64_t seed, Error *err);
/* A hash of the parameters' bits (FNV-1a 64): the same for a model and its file read back, and
 * another for other weights, so a file made for this model can be told from a stale one. */
uint64_t model_params_hash(const Model *m);
/* A hash of the vocabulary, the key names in id order. */
uint64_t model_vocab_hash(const Model *m);
/* The file the model was read from, or NULL. */
const char *model_path(const Model *m);
/* Keys read, keys predicted per window, events between windows. */
void model_window_shape(const Model *m, int *tx, int *ty, int *stride);
int model_top_g(const Model *m);
bool model_set_top_g(Model *m, int top_g, Error *err);

/* Every window of t[first, last) the model learns from, in model ids. */
bool model_add_windows(const Model *m, const Trace *t, size_t first, size_t last, WindowSet *ws, Error *err);
bool model_train(Model *m, const WindowSet *ws, const TrainOptions *opt, TrainReport *report, Error *err);
/* Per event of t (key ids in the model's vocabulary), over events [first, last). */
bool model_outcomes(const Model *m, const Trace *t, size_t first, size_t last, EventOutcomes *out,
                    const CancelFlag *cancel, Error *err);
bool model_has_eval(const Model *m);
bool model_eval(const Model *m, const Trace *normal, const Trace *abnormal, EvalCounts *out,
                const CancelFlag *cancel, Error *err);
/* The window whose prediction covers event e of t, within e's session, in model ids (keys gets
 * n_keys of them; first, its first event): DeepLog's h keys before e and e itself; seq2seq's
 * window at its stride holding e among its targets. False when there is none, or when DeepLog's
 * inputs hold a key it does not know. */
bool model_window_for(const Model *m, const Trace *t, size_t e, uint32_t *keys, int *n_keys, size_t *first);
/* The anomalies worth interpreting one by one, from *cursor on (start it at 0): DeepLog's first
 * miss of each session, seq2seq's every miss in a flagged segment (in any, when none is). */
bool model_next_anomaly(const Model *m, const Trace *t, const EventOutcomes *o, const Scores *sc,
                        size_t *cursor, size_t *e);
const char *model_anomaly_unit(const Model *m);

/* The interpreter of m's kind; nearest (may be NULL) indexes normal windows of tx + ty keys. */
bool model_interpreter_init(ModelInterpreter *it, const Model *m, NearestIndex *nearest,
                            const InterpretOptions *opt, Error *err);
/* keys: a window as model_window_for gives it, the inputs then the targets. */
void model_interpret(ModelInterpreter *it, const uint32_t *keys, Interpretation *out);
void model_interpreter_free(ModelInterpreter *it);

#endif
