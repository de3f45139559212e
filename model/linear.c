#include "linear.h"

#include "tensor.h"

void linear_forward(float *out, const float *in, const float *weight, const float *bias, int rows,
                    int in_dim, int out_dim)
{
    copy_bias_rows(out, bias, rows, out_dim);
    mm_abt(out, in, weight, rows, out_dim, in_dim, 1.0f);
}

void linear_backward(float *d_in, float *d_weight, float *d_bias, const float *d_out,
                     const float *in, const float *weight, int rows, int in_dim, int out_dim)
{
    mm_atb(d_weight, d_out, in, out_dim, in_dim, rows, 1.0f);
    sum_rows_into(d_bias, d_out, rows, out_dim);
    if (d_in)
        mm_ab(d_in, d_out, weight, rows, in_dim, out_dim, 0.0f);
}
