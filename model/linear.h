/* A dense layer in PyTorch's nn.Linear layout: out[B,N] = in[B,K] · W[N,K]ᵀ + bias[N]. */
#ifndef TRACEAID_LINEAR_H
#define TRACEAID_LINEAR_H

void linear_forward(float *out, const float *in, const float *weight, const float *bias, int rows,
                    int in_dim, int out_dim);
/* Accumulates d_weight and d_bias; d_in (may be NULL) is overwritten. */
void linear_backward(float *d_in, float *d_weight, float *d_bias, const float *d_out,
                     const float *in, const float *weight, int rows, int in_dim, int out_dim);

#endif
