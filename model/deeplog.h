/* DeepLog (Du et al., CCS 2017): a stacked LSTM reads a window of h log keys, one-hot, and a
 * dense layer scores the next key. A next key outside the model's top-g candidates is a miss.
 * Parameters are one allocation in the order of PyTorch's state_dict for
 *   lstm = nn.LSTM(K, H, L, batch_first=True); fc = nn.Linear(H, K)
 * and gradients share that layout. deeplog_tensor_table lists the tensors once (names, shapes,
 * views, initialisation); the views, the parameter count, the initial weights and the files
 * all come from it. */
#ifndef TRACEAID_DEEPLOG_H
#define TRACEAID_DEEPLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../io/error.h"
#include "../io/safetensors.h"
#include "calibration.h"
#include "lstm.h"
#include "softmax_blocks.h"
#include "tensor_table.h"

#define DEEPLOG_MAX_LAYERS 8

typedef struct DeepLogConfig {
    int n_keys;     /* K: key ids 0..K-1 */
    int hidden;     /* H */
    int layers;     /* L */
    int window;     /* h: keys read to predict the next */
    int top_g;      /* g: candidates that count as a hit */
} DeepLogConfig;

/* Views into a parameter (or gradient) block. */
typedef struct DeepLogTensors {
    LstmWeights lstm[DEEPLOG_MAX_LAYERS];
    float *fc_weight;   /* [K, H] */
    float *fc_bias;     /* [K] */
} DeepLogTensors;

typedef struct DeepLog {
    DeepLogConfig cfg;
    Calibration calibration;
    size_t n_params;
    float *params;
    DeepLogTensors t;
    char **key_names;   /* K names in id order: the model's vocabulary */
    uint64_t learned_windows;   /* metadata learned_windows (model_learned_windows) */
} DeepLog;

/* Activations and scratch for batches of up to max_batch windows, in one allocation. */
typedef struct DeepLogWork {
    int max_batch;
    float *block;
    LstmCache cache[DEEPLOG_MAX_LAYERS];
    uint32_t *keys;     /* [T][B]: the batch's windows, time-major */
    float *logits, *probs, *d_logits;   /* [B][K]; NULL in a work made by deeplog_work_init_hidden */
    float *d_h, *d_below;               /* [T][B][H] each */
    float *d_gates;                     /* [T][B][4H] */
    float *d_carry;                     /* [B][H] */
} DeepLogWork;

bool deeplog_config_check(const DeepLogConfig *cfg, Error *err);
/* Allocates the model for cfg with PyTorch's default initialisation, drawn from seed. Key
 * names default to "1".."K" (session-file keys); key_names may give them instead. */
bool deeplog_create(DeepLog *m, const DeepLogConfig *cfg, const char *const *key_names,
                    uint64_t seed, Error *err);
void deeplog_free(DeepLog *m);
/* Appends n_new keys (model_grow_vocab): lstm.weight_ih_l0 gains columns, fc.weight rows and
 * fc.bias entries; the rest is kept. On failure m is as it was. */
bool deeplog_grow_vocab(DeepLog *m, const char *const *new_names, int n_new, uint64_t seed, Error *err);
/* The model's tensors in state_dict order (model/tensor_table.h), views into DeepLogTensors. */
void deeplog_tensor_table(const DeepLogConfig *cfg, TensorTable *table);
/* Lays views over a block of n_params floats (the parameters, or gradients). */
void deeplog_views(const DeepLogConfig *cfg, float *block, DeepLogTensors *views);

/* The model in a parsed file (path names it in errors). A file with metadata gives window,
 * top_g and the vocab; a bare PyTorch state_dict takes K, H and L from the shapes and window
 * and top_g from defaults, keys being "1".."K". */
bool deeplog_from_safetensors(DeepLog *m, const SafeTensors *st, const char *path,
                              const DeepLogConfig *defaults, Error *err);
/* Reads path and takes the model from it, as deeplog_from_safetensors. */
bool deeplog_load(DeepLog *m, const char *path, const DeepLogConfig *defaults, Error *err);
bool deeplog_save(const DeepLog *m, const char *path, Error *err);

bool deeplog_work_init(DeepLogWork *w, const DeepLog *m, int max_batch, Error *err);
void deeplog_work_free(DeepLogWork *w);
/* A work without the [B][K] outputs, for deeplog_forward_hidden and the output layer taken a
 * block of keys at a time (model/softmax_blocks.h): its memory is bounded by the batch. */
bool deeplog_work_init_hidden(DeepLogWork *w, const DeepLog *m, int max_batch, Error *err);

/* windows: batch rows of window key ids each (row-major). Fills w->logits and w->probs. */
void deeplog_forward(const DeepLog *m, DeepLogWork *w, const uint32_t *windows, int batch);
/* The LSTM layers only: returns the top layer's last hidden state [B][H], the dense layer's input. */
const float *deeplog_forward_hidden(const DeepLog *m, DeepLogWork *w, const uint32_t *windows, int batch);
/* After deeplog_forward_hidden: deeplog_backward's loss and gradient with the dense layer and
 * its softmax taken a block of keys at a time by out (made over m's fc.weight and fc.bias). */
float deeplog_backward_blocked(const DeepLog *m, DeepLogWork *w, SoftmaxBlocks *out, const uint32_t *targets,
                               const float *weights, int batch, float *grad);
/* After deeplog_forward: the weighted mean cross-entropy of the targets; accumulates its
 * gradient into grad (a block of n_params floats). weights may be NULL. */
float deeplog_backward(const DeepLog *m, DeepLogWork *w, const uint32_t *targets,
                       const float *weights, int batch, float *grad);

/* The backward pass from gradients the caller put in w->d_logits [B][K]: accumulates weight
 * gradients into grad and, unless NULL, writes the gradient with respect to the one-hot input
 * d_input [T][B][K] (time-major). */
void deeplog_backward_from_logits(const DeepLog *m, DeepLogWork *w, int batch, float *grad,
                                  float *d_input);

#endif
