/* Matrix products on OpenBLAS, named by the shapes they take. All matrices are row-major; weights
 * are in PyTorch's layout [out, in]. beta 0 overwrites the output, 1 accumulates into it. */
#ifndef TRACEAID_TENSOR_H
#define TRACEAID_TENSOR_H

#include <cblas.h>
#include <stddef.h>
#include <string.h>

/* C[M,N] = beta*C + A[M,K] · B[N,K]ᵀ  (a layer's forward: inputs times weightsᵀ) */
static inline void mm_abt(float *c, const float *a, const float *b, int m, int n, int k, float beta)
{
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, m, n, k, 1.0f, a, k, b, k, beta, c, n);
}

/* C[M,N] = beta*C + A[M,K] · B[K,N]  (a layer's input gradient: output gradients times weights) */
static inline void mm_ab(float *c, const float *a, const float *b, int m, int n, int k, float beta)
{
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, n, k, 1.0f, a, k, b, n, beta, c, n);
}

/* C[M,N] = beta*C + A[K,M]ᵀ · B[K,N]  (a weight gradient: output gradientsᵀ times inputs) */
static inline void mm_atb(float *c, const float *a, const float *b, int m, int n, int k, float beta)
{
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, m, n, k, 1.0f, a, m, b, n, beta, c, n);
}

/* out[r, :] += bias for each of rows rows */
static inline void add_bias_rows(float *out, const float *bias, int rows, int n)
{
    for (int r = 0; r < rows; r++)
        for (int j = 0; j < n; j++)
            out[(size_t)r * n + j] += bias[j];
}

/* out[r, :] = bias for each of rows rows: a layer's output before mm_abt adds the product with
 * beta 1 (one pass over the output, not a clear and another pass adding the bias) */
static inline void copy_bias_rows(float *out, const float *bias, int rows, int n)
{
    for (int r = 0; r < rows; r++)
        memcpy(out + (size_t)r * n, bias, (size_t)n * sizeof *out);
}

/* d_bias[:] += Σ_r d_out[r, :] */
static inline void sum_rows_into(float *d_bias, const float *d_out, int rows, int n)
{
    for (int r = 0; r < rows; r++)
        for (int j = 0; j < n; j++)
            d_bias[j] += d_out[(size_t)r * n + j];
}

#endif
