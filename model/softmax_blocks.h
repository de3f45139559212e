/* A dense layer and its softmax over a large vocabulary, a block of classes at a time: the
 * logits of rows x block classes are all that is ever held, so a 100,000-key vocabulary costs
 * batch x block floats, not batch x vocabulary.
 *
 * Each block's logits are one matrix product (the layer's rows for those classes); three passes
 * over the blocks give the row's maximum, then its sum of exponentials in class order, then the
 * verdict (or the gradient). The numbers are those of linear_forward + softmax_forward +
 * softmax_rank on the whole row: the same maximum, the same sum added in the same order, the
 * same probabilities. Training takes the maximum and the sum in one pass (online softmax), its
 * numbers within rounding of the whole row's; then a pass for the gradient. With one block the
 * logits are computed once and kept between passes, and the numbers are the whole row's. */
#ifndef TRACEAID_SOFTMAX_BLOCKS_H
#define TRACEAID_SOFTMAX_BLOCKS_H

#include <stdbool.h>
#include <stdint.h>

#include "../io/error.h"

/* Classes per block for batches of max_rows: TRACEAID_VOCAB_BLOCK when set (a knob for tests, to
 * exercise several blocks on a small vocabulary), otherwise max_rows x block about 256K floats
 * (a 1 MB tile that stays in the cache between passes), 256 to 16384. */
int softmax_block_size(int max_rows);

typedef struct SoftmaxBlocks {
    const float *weight;        /* [n_classes][in_dim], PyTorch's nn.Linear layout */
    const float *bias;          /* [n_classes] */
    int in_dim, n_classes, block, max_rows;
    float *logits;              /* [max_rows][block]; training's gradient overwrites them */
    float *max, *sum, *target_logit;    /* [max_rows] */
} SoftmaxBlocks;

/* What judging a prediction needs, per row. */
typedef struct SoftmaxVerdict {
    uint32_t rank;      /* softmax_rank of the target: n_classes for a target past the vocabulary
                         * or a row with a NaN or infinite logit (a miss whatever top-g) */
    uint32_t best;      /* the first choice (the lowest id among equal probabilities); UINT32_MAX
                         * for a row with a NaN or infinite logit */
    float prob;         /* the target's probability, 0 past the vocabulary or for such a row */
} SoftmaxVerdict;

bool softmax_blocks_init(SoftmaxBlocks *s, const float *weight, const float *bias, int in_dim, int n_classes,
                         int max_rows, int block, Error *err);
void softmax_blocks_free(SoftmaxBlocks *s);

/* in [rows][in_dim]; targets [rows]. Reads only the layer; s holds the scratch. */
void softmax_blocks_judge(SoftmaxBlocks *s, const float *in, int rows, const uint32_t *targets,
                          SoftmaxVerdict *out);
/* The weighted mean cross-entropy of the targets, as softmax_xent_backward gives it to rounding (weights
 * NULL: all 1). Accumulates the layer's gradient into d_weight and d_bias and overwrites d_in
 * [rows][in_dim] (may be NULL) with the gradient with respect to in. */
float softmax_blocks_xent(SoftmaxBlocks *s, const float *in, int rows, const uint32_t *targets, const float *weights,
                          float *d_weight, float *d_bias, float *d_in);

#endif
