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
