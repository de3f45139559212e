/* An embedding table as torch.nn.Embedding: out[r] = weight[ids[r]]; its gradient a scatter. */
#ifndef TRACEAID_EMBEDDING_H
#define TRACEAID_EMBEDDING_H

#include <stdint.h>
#include <string.h>

static inline void embedding_forward(float *out, const float *weight, const uint32_t *ids, int rows,
                                     int dim)
{
    for (int r = 0; r < rows; r++)
        memcpy(out + (size_t)r * dim, weight + (size_t)ids[r] * dim, (size_t)dim * sizeof *out);
}

static inline void embedding_backward(float *d_weight, const float *d_out, const uint32_t *ids,
                                      int rows, int dim)
{
    for (int r = 0; r < rows; r++)
        for (int j = 0; j < dim; j++)
            d_weight[(size_t)ids[r] * dim + j] += d_out[(size_t)r * dim + j];
}

#endif
