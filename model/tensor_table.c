#include "tensor_table.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "init.h"

void tensor_table_clear(TensorTable *t)
{
    t->n_rows = 0;
    t->n_params = 0;
}

/* Each model's _Static_assert keeps its rows within TENSOR_TABLE_MAX. */
void tensor_table_add(TensorTable *t, const char *name, int layer, size_t view, int64_t rows,
                      int64_t cols, TensorInit init)
{
    size_t numel = (size_t)rows * (size_t)(cols ? cols : 1);
    t->rows[t->n_rows++] = (TensorSpec){.name = name, .layer = layer, .ndim = cols ? 2 : 1,
                                        .shape = {rows, cols}, .view = view, .init = init,
                                        .numel = numel, .offset = t->n_params};
    t->n_params += numel;
}

void tensor_table_views(const TensorTable *t, float *block, void *views)
{
    for (size_t i = 0; i < t->n_rows; i++)
        *(float **)((char *)views + t->rows[i].view) = block + t->rows[i].offset;
}

void tensor_table_init(const TensorTable *t, float *block, uint64_t seed)
{
    uint64_t rng = seed;
    for (size_t i = 0; i < t->n_rows; i++) {
        const TensorSpec *r = &t->rows[i];
        if (r->init.kind == TENSOR_NORMAL)
            init_normal(block + r->offset, r->numel, &rng);
        else
            init_uniform(block + r->offset, r->numel, 1.0f / sqrtf((float)r->init.fan), &rng);
    }
}

void tensor_table_list(const TensorTable *t, float *block, TensorList *list)
{
    list->n = t->n_rows;
    for (size_t i = 0; i < t->n_rows; i++) {
        const TensorSpec *r = &t->rows[i];
        snprintf(list->names[i], TENSOR_NAME_MAX, r->name, r->layer);
        list->tensors[i] = (StTensor){.name = list->names[i], .ndim = r->ndim,
                                      .shape = {r->shape[0], r->shape[1]}, .numel = r->numel,
                                      .data = block + r->offset};
    }
}

void tensor_table_grow(const TensorTable *old, const float *old_block, const TensorTable *grown,
                       float *grown_block, uint64_t seed)
{
    tensor_table_init(grown, grown_block, seed);
    for (size_t i = 0; i < old->n_rows && i < grown->n_rows; i++) {
        const TensorSpec *from = &old->rows[i], *to = &grown->rows[i];
        size_t rows = (size_t)from->shape[0], cols = from->ndim == 2 ? (size_t)from->shape[1] : 1;
        size_t to_cols = to->ndim == 2 ? (size_t)to->shape[1] : 1;
        for (size_t r = 0; r < rows; r++)
            memcpy(grown_block + to->offset + r * to_cols, old_block + from->offset + r * cols,
                   cols * sizeof *grown_block);
    }
}

/* Why this bias: both kinds' output layer reads a recurrent state in (-1, 1) (an LSTM's
 * o·tanh(c), a GRU's blend of tanh and its start, itself such a state), so an old key's logit
 * never falls below b_k - Σ|W_k|. A new key with zero weights and the least of those as its bias
 * ranks below every old key (at worst level with one whose row is all zero) on every input: the
 * argmax, the ranks of old keys, the top-g hits and seq2seq's greedy decoding stay as they were,
 * and the old keys' probabilities only shrink by the small share the new keys take. A bias from
 * the old biases alone (their minimum) would not promise that: weights can push an old logit far
 * below any bias. Training lifts the new key where it is seen: the zero row gets gradients. */
void tensor_table_neutral_rows(float *weight, float *bias, size_t old_rows, size_t rows, size_t cols)
{
    float least = 0;
    for (size_t r = 0; r < old_rows; r++) {
        float low = bias[r];
        for (size_t c = 0; c < cols; c++)
            low -= fabsf(weight[r * cols + c]);
        if (r == 0 || low < least)
            least = low;
    }
    for (size_t r = old_rows; r < rows; r++) {
        memset(weight + r * cols, 0, cols * sizeof *weight);
        bias[r] = least;
    }
}
