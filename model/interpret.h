/* Interpreting an anomaly in the manner of DeepAID (Han et al., CCS 2021): the closest window
 * the model deems normal, found by the gradient of a fidelity loss with respect to the one-hot
 * input,
 *     L = max(0, b - p(target)) + λ·||x - x_anomaly||,   b = 1/(g+1),
 * greedily: the single-key change with the largest first-order drop in L (the top candidates
 * checked by the model itself), applied, then again, up to k changes. When no k input changes
 * make the window normal — the model is sure of a different next key and the inputs do not
 * move it — the next key itself is the anomaly: the reference changes the target to the
 * model's first choice. So it does for a key the model never saw. Every reference is checked
 * by running the model (fidelity). */
#ifndef TRACEAID_INTERPRET_H
#define TRACEAID_INTERPRET_H

#include "deeplog.h"
#include "nearest.h"
#include "seq2seq.h"

#define INTERPRET_MAX_KEYS 64

typedef struct InterpretOptions {
    int max_changes;    /* k: input keys the search may change (1, as DeepAID) */
    float lambda;       /* weight of ||x - x_anomaly|| (0.01) */
} InterpretOptions;

#define INTERPRET_DEFAULTS ((InterpretOptions){.max_changes = 1, .lambda = 0.01f})

typedef struct Interpretation {
    int n_inputs, n_keys;               /* keys: the inputs, then the target(s) */
    uint32_t keys[INTERPRET_MAX_KEYS];  /* the anomalous window */
    uint32_t reference[INTERPRET_MAX_KEYS];
    bool anomalous;                     /* the model missed the target */
    bool target_changed;                /* the reference changes the target, not the inputs */
    bool searched_inputs;               /* ... after no k input changes sufficed (else: unknown key) */
    int changes;                        /* keys that differ */
    float p_before, p_after;            /* the model's probability of the target, and of the reference's */
    int missed_before, missed_after;    /* targets the model does not predict, before and in the reference */
    bool ranked;                        /* one target, ranked among the model's candidates: */
    int rank_before, rank_after;        /* its rank (0 = first choice), else -1 */
    int top_g;                          /* candidates that count as a hit */
    bool fidelity;                      /* the model deems the reference normal */
    bool has_nearest;                   /* a normal window from the training data */
    uint32_t nearest[INTERPRET_MAX_KEYS];
    int nearest_distance;
    double seconds;
} Interpretation;

typedef struct Interpreter {
    const DeepLog *model;
    DeepLogWork work;                   /* batches of candidate windows */
    float *grad, *d_input;
    uint32_t *candidates;               /* [batch][window] */
    NearestIndex *nearest;              /* may be NULL: no second reference */
    InterpretOptions opt;
} Interpreter;

/* nearest (may be NULL) indexes normal windows of window + 1 keys (inputs and next key). */
bool interpreter_init(Interpreter *it, const DeepLog *m, NearestIndex *nearest,
                      const InterpretOptions *opt, Error *err);
void interpreter_free(Interpreter *it);
/* window: the model's window of inputs; target: the key that came next. */
void interpret_deeplog(Interpreter *it, const uint32_t *window, uint32_t target, Interpretation *out);

/* seq2seq: the window is Tx inputs and Ty targets; the model deems it normal when its greedy
 * predictions are the targets. L = -Σ p(target_s) under teacher forcing drives the search. */
typedef struct Seq2SeqInterpreter {
    const Seq2Seq *model;
    Seq2SeqWork work;
    float *grad;
    uint32_t *candidates, *targets, *predicted;    /* [batch][Tx], [batch][Ty], [batch][Ty] */
    NearestIndex *nearest;                          /* windows of Tx + Ty keys, or NULL */
    InterpretOptions opt;
} Seq2SeqInterpreter;

bool seq2seq_interpreter_init(Seq2SeqInterpreter *it, const Seq2Seq *m, NearestIndex *nearest,
                              const InterpretOptions *opt, Error *err);
void seq2seq_interpreter_free(Seq2SeqInterpreter *it);
/* inputs and targets in model ids, keys the model does not know as UNK (seq2seq_id): UNK is
 * never predicted, so an unknown target is always a miss. */
void interpret_seq2seq(Seq2SeqInterpreter *it, const uint32_t *inputs, const uint32_t *targets,
                       Interpretation *out);

#endif
