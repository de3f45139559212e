/* A model's tensors, listed once. Each model builds its table from its config, in the order of
 * PyTorch's state_dict; one row a tensor:
 *   name     the state_dict name, "fc.weight", or per layer "lstm.weight_ih_l%d" with .layer
 *   shape    [rows, cols], or [rows] when cols is 0
 *   view     offsetof, in the model's views struct, of the float * that points at the tensor
 *   init     PyTorch's default initialisation: U(±1/√fan) or N(0, 1)
 * and the table gives everything else from those rows: each tensor's offset in the parameter
 * block (tensors lie back to back in table order), the parameter count, the views over a
 * block, the initial weights, and the named tensors a safetensors file holds.
 *
 * Initialisation draws from one generator through the rows in order, element by element, so a
 * seed gives the same weights whatever the rows' grouping.
 *
 * Work blocks (activations and scratch) are cut from one allocation by a BlockCarver: a model's
 * carving function runs once without a block to count and once over the allocation to lay
 * the pointers, so the size and the layout come from the same lines. */
#ifndef TRACEAID_TENSOR_TABLE_H
#define TRACEAID_TENSOR_TABLE_H

#include <stddef.h>
#include <stdint.h>

#include "../io/safetensors.h"

#define TENSOR_TABLE_MAX 40     /* rows: DeepLog's 8 layers take 34 */
#define TENSOR_NAME_MAX 48

typedef enum TensorInitKind { TENSOR_UNIFORM, TENSOR_NORMAL } TensorInitKind;

typedef struct TensorInit {
    TensorInitKind kind;
    int fan;                /* TENSOR_UNIFORM: U(±1/√fan) */
} TensorInit;

/* PyTorch's defaults: LSTM and GRU tensors U(±1/√hidden); a Linear's U(±1/√in); embeddings
 * N(0, 1). */
#define TENSOR_INIT_UNIFORM(fan) ((TensorInit){TENSOR_UNIFORM, (int)(fan)})
#define TENSOR_INIT_NORMAL ((TensorInit){TENSOR_NORMAL, 0})

typedef struct TensorSpec {
    const char *name;       /* a printf format when it takes .layer */
    int layer;
    int ndim;
    int64_t shape[2];
    size_t view;
    TensorInit init;
    size_t numel, offset;   /* in floats, from the shape and the rows before */
} TensorSpec;

typedef struct TensorTable {
    TensorSpec rows[TENSOR_TABLE_MAX];
    size_t n_rows;
    size_t n_params;        /* floats in the parameter block */
} TensorTable;

/* The tensors as a safetensors file names them, over a block laid out by the table. */
typedef struct TensorList {
    StTensor tensors[TENSOR_TABLE_MAX];
    char names[TENSOR_TABLE_MAX][TENSOR_NAME_MAX];
    size_t n;
} TensorList;

void tensor_table_clear(TensorTable *t);
/* Appends a row [rows, cols] (cols 0: a vector [rows]) after the rows already there. */
void tensor_table_add(TensorTable *t, const char *name, int layer, size_t view, int64_t rows,
                      int64_t cols, TensorInit init);

/* Points each row's view member of views (the model's views struct) into block. */
void tensor_table_views(const TensorTable *t, float *block, void *views);
/* Fills a parameter block with each row's initialisation, drawn from seed. */
void tensor_table_init(const TensorTable *t, float *block, uint64_t seed);
/* Names and shapes in table order, data in block: for safetensors_save and for copying a
 * file's tensors in (model_copy_tensors). */
void tensor_table_list(const TensorTable *t, float *block, TensorList *list);

/* Growing a model (model_grow_vocab): grown is the table of the same model with more keys, its
 * rows those of old with some dimensions larger. Fills grown_block with the initialisation a new
 * model of grown's sizes draws from seed, then copies each old tensor into the leading rows and
 * columns of its row in grown: old values keep their place in PyTorch's layout, the new rows and
 * columns hold PyTorch's default init. The rows must match in name and order; shapes may only
 * grow. */
void tensor_table_grow(const TensorTable *old, const float *old_block, const TensorTable *grown,
                       float *grown_block, uint64_t seed);
/* New output rows that leave the old keys' predictions as they were: rows [old_rows, rows) of
 * weight [rows, cols] zero, their bias entries at the least logit any old row can give an input
 * in (-1, 1)^cols, min over old rows of bias - sum |weight| (see tensor_table.c for why). */
void tensor_table_neutral_rows(float *weight, float *bias, size_t old_rows, size_t rows, size_t cols);

typedef struct BlockCarver {
    float *base;            /* NULL: only count */
    size_t used;            /* floats handed out so far */
} BlockCarver;

/* The next n floats of the block (NULL while counting). */
static inline float *block_carve(BlockCarver *c, size_t n)
{
    float *piece = c->base ? c->base + c->used : NULL;
    c->used += n;
    return piece;
}

#endif
