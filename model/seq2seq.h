/* The kernel-trace model of the seed work: an encoder GRU reads Tx embedded keys; a decoder GRU,
 * started from the encoder's last state with a START token, predicts the next Ty keys one by one,
 * each step reading [attention context ; embedding of the previous key] (context first); a dense
 * layer gives logits over the vocabulary. Training feeds the true previous key (teacher forcing);
 * prediction feeds back its own greedy choice. Ids 0, 1, 2 are PAD, START and UNK.
 * Parameters are one allocation in the state_dict order of the PyTorch module documented in
 * docs/MODEL_FORMAT.md; gradients share the layout. seq2seq_tensor_table lists the tensors once
 * (names, shapes, views, initialisation); the views, the parameter count, the initial weights
 * and the files all come from it. */
#ifndef TRACEAID_SEQ2SEQ_H
#define TRACEAID_SEQ2SEQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../io/error.h"
#include "../io/safetensors.h"
#include "attention.h"
#include "calibration.h"
#include "gru.h"
#include "tensor_table.h"

enum { SEQ2SEQ_PAD = 0, SEQ2SEQ_START = 1, SEQ2SEQ_UNK = 2, SEQ2SEQ_FIRST_KEY = 3 };

/* The most keys read (Tx) or predicted (Ty): the work block keeps a cache per step. */
#define SEQ2SEQ_MAX_STEPS 64

typedef struct Seq2SeqConfig {
    int vocab;      /* V, the three special ids included */
    int embed;      /* E */
    int hidden;     /* H */
    int units;      /* U, attention */
    int tx, ty;     /* keys read, keys predicted */
    int stride;     /* events between scored windows */
} Seq2SeqConfig;

typedef struct Seq2SeqTensors {
    float *enc_embedding;   /* [V, E] */
    GruWeights enc_gru;     /* w_ih [3H, E] */
    AttentionWeights attn;
    float *dec_embedding;   /* [V, E] */
    GruWeights dec_gru;     /* w_ih [3H, H + E] */
    float *fc_weight;       /* [V, H] */
    float *fc_bias;         /* [V] */
} Seq2SeqTensors;

typedef struct Seq2Seq {
    Seq2SeqConfig cfg;
    int top_g;              /* a step's key is a hit when it ranks below top_g (1: the greedy choice) */
    Calibration calibration;
    size_t n_params;
    float *params;
    Seq2SeqTensors t;
    char **key_names;       /* V names in id order, "<pad>", "<start>", "<unk>" first */
    uint64_t learned_windows;   /* metadata learned_windows (model_learned_windows) */
} Seq2Seq;

/* Activations for batches of up to max_batch windows, in one allocation. */
typedef struct Seq2SeqWork {
    int max_batch;
    float *block;
    uint32_t *enc_ids;      /* [Tx][B] */
    uint32_t *prev_ids;     /* [Ty][B]: the key each decoder step read */
    uint32_t *step_targets; /* [Ty][B] */
    float *step_weights;    /* [Ty][B] */
    float *zero_h;          /* [B][H] of zeros: the encoder's initial state */
    float *enc_emb, *enc_xp, *enc_h;        /* [Tx][B][E], [Tx][B][3H], [Tx][B][H] */
    GruStepCache enc_cache[SEQ2SEQ_MAX_STEPS];
    float *enc_out, *keys;                  /* [B][Tx][H], [B][Tx][U] */
    AttentionStepCache attn_cache[SEQ2SEQ_MAX_STEPS];
    float *dec_x, *dec_xp, *dec_h;          /* [Ty][B][H+E], [Ty][B][3H], [Ty][B][H] */
    GruStepCache dec_cache[SEQ2SEQ_MAX_STEPS];
    float *logits, *probs;                  /* [Ty][B][V] */
    /* backward scratch */
    float *d_logits, *d_dec_h, *d_xp, *d_hh, *d_x, *d_carry, *d_keys, *d_enc_out, *d_e, *d_qp;
    float *d_enc_h, *d_enc_xp, *d_enc_emb;
} Seq2SeqWork;

/* Key id as the model reads it: ids the model does not know become UNK. */
static inline uint32_t seq2seq_id(const Seq2Seq *m, uint32_t key_id)
{
    return key_id < (uint32_t)m->cfg.vocab ? key_id : SEQ2SEQ_UNK;
}

bool seq2seq_config_check(const Seq2SeqConfig *cfg, Error *err);
/* top_g from 1 to the keys proper (the reserved ids are never a hit). */
bool seq2seq_check_top_g(const Seq2Seq *m, int top_g, Error *err);
/* key_names: V - 3 names of the keys proper; the specials are added in front. */
bool seq2seq_create(Seq2Seq *m, const Seq2SeqConfig *cfg, const char *const *key_names,
                    uint64_t seed, Error *err);
void seq2seq_free(Seq2Seq *m);
/* Appends n_new keys (model_grow_vocab) after the V ids: every tensor with a V dimension (both
 * embeddings' rows, decoder.fc's rows and bias) grows; the rest is kept. Ids the model read as
 * UNK before become the new keys'. On failure m is as it was. */
bool seq2seq_grow_vocab(Seq2Seq *m, const char *const *new_names, int n_new, uint64_t seed, Error *err);
/* The model's tensors in state_dict order (model/tensor_table.h), views into Seq2SeqTensors. */
void seq2seq_tensor_table(const Seq2SeqConfig *cfg, TensorTable *table);
/* Lays views over a block of n_params floats (the parameters, or gradients). */
void seq2seq_views(const Seq2SeqConfig *cfg, float *block, Seq2SeqTensors *views);

bool seq2seq_work_init(Seq2SeqWork *w, const Seq2Seq *m, int max_batch, Error *err);
void seq2seq_work_free(Seq2SeqWork *w);

/* inputs [B][Tx]; targets [B][Ty] for teacher forcing, or NULL to decode greedily. Fills
 * w->probs; predicted (may be NULL) gets each step's most likely key [B][Ty]. */
void seq2seq_forward(const Seq2Seq *m, Seq2SeqWork *w, const uint32_t *inputs,
                     const uint32_t *targets, uint32_t *predicted, int batch);
/* After a teacher-forced forward: the weighted mean cross-entropy over all B·Ty targets, its
 * gradient accumulated into grad. */
float seq2seq_backward(const Seq2Seq *m, Seq2SeqWork *w, const uint32_t *targets,
                       const float *weights, int batch, float *grad);

/* The backward pass from gradients the caller put in w->d_logits [Ty][B][V] (after a
 * teacher-forced forward): weight gradients into grad, and in w->d_enc_emb [Tx][B][E] the
 * gradient with respect to the embedded inputs. */
void seq2seq_backward_from_logits(const Seq2Seq *m, Seq2SeqWork *w, int batch, float *grad);

/* The model in a parsed file (path names it in errors). V, E, H and U come from the shapes;
 * tx, ty and stride from the metadata, 5 each when absent. */
bool seq2seq_from_safetensors(Seq2Seq *m, const SafeTensors *st, const char *path, Error *err);
/* Reads path and takes the model from it, as seq2seq_from_safetensors. */
bool seq2seq_load(Seq2Seq *m, const char *path, Error *err);
bool seq2seq_save(const Seq2Seq *m, const char *path, Error *err);

#endif
