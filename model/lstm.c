#include "lstm.h"

#include <math.h>
#include <string.h>

#include "tensor.h"

static inline float sigmoidf(float x) { return 1.0f / (1.0f + expf(-x)); }

/* pre[r, :] = W_ih[:, key_r] + b_ih + b_hh for every row r of all steps: read straight from
 * W_ih's column (gate_dim floats a row, K apart), so the work is the batch's, not the
 * vocabulary's. */
static void input_lookup(float *pre, const LstmWeights *w, const uint32_t *keys, int rows, int n_keys,
                         int gate_dim)
{
    for (int r = 0; r < rows; r++) {
        float *row = pre + (size_t)r * gate_dim;
        for (int j = 0; j < gate_dim; j++)
            row[j] = w->w_ih[(size_t)j * n_keys + keys[r]] + w->b_ih[j] + w->b_hh[j];
    }
}

/* Simple loops over contiguous gate blocks, so the compiler vectorises the exponentials
 * (this file is built with -ffast-math; see the Makefile). */
static void activate_step(float *gates, const float *c_prev, float *c, float *tanh_c, float *h,
                          int batch, int hidden)
{
    for (int b = 0; b < batch; b++) {
        float *i = gates + (size_t)b * 4 * hidden, *f = i + hidden, *g = f + hidden, *o = g + hidden;
        for (int j = 0; j < 2 * hidden; j++)
            i[j] = sigmoidf(i[j]); /* i and f */
        for (int j = 0; j < hidden; j++)
            g[j] = tanhf(g[j]);
        for (int j = 0; j < hidden; j++)
            o[j] = sigmoidf(o[j]);
        size_t at = (size_t)b * hidden;
        for (int j = 0; j < hidden; j++)
            c[at + j] = f[j] * (c_prev ? c_prev[at + j] : 0.0f) + i[j] * g[j];
        for (int j = 0; j < hidden; j++)
            tanh_c[at + j] = tanhf(c[at + j]);
        for (int j = 0; j < hidden; j++)
            h[at + j] = o[j] * tanh_c[at + j];
    }
}

void lstm_forward(const LstmWeights *w, LstmCache *cache, const float *x, const uint32_t *keys,
                  int steps, int batch, int in_dim, int hidden)
{
    int gate_dim = 4 * hidden, rows = steps * batch;
    size_t step_gates = (size_t)batch * gate_dim, step_state = (size_t)batch * hidden;
    if (x) {
        mm_abt(cache->gates, x, w->w_ih, rows, gate_dim, in_dim, 0.0f);
        for (int r = 0; r < rows; r++)
            for (int j = 0; j < gate_dim; j++)
                cache->gates[(size_t)r * gate_dim + j] += w->b_ih[j] + w->b_hh[j];
    } else {
        input_lookup(cache->gates, w, keys, rows, in_dim, gate_dim);
    }
    for (int t = 0; t < steps; t++) {
        float *gates = cache->gates + t * step_gates;
        const float *h_prev = t ? cache->h + (t - 1) * step_state : NULL;
        if (h_prev)
            mm_abt(gates, h_prev, w->w_hh, batch, gate_dim, hidden, 1.0f);
        activate_step(gates, t ? cache->c + (t - 1) * step_state : NULL, cache->c + t * step_state,
                      cache->tanh_c + t * step_state, cache->h + t * step_state, batch, hidden);
    }
}

/* Turns d_h (and the cell gradient carried from step t+1, d_c) into pre-activation gate
 * gradients for step t; leaves in d_c the cell gradient for step t-1. */
static void backward_step(float *d_pre, float *d_c, const float *d_h, const float *gates,
                          const float *tanh_c, const float *c_prev, int batch, int hidden)
{
    for (int b = 0; b < batch; b++) {
        const float *gate = gates + (size_t)b * 4 * hidden;
        float *d_gate = d_pre + (size_t)b * 4 * hidden;
        for (int j = 0; j < hidden; j++) {
            size_t at = (size_t)b * hidden + j;
            float i = gate[j], f = gate[hidden + j], g = gate[2 * hidden + j], o = gate[3 * hidden + j];
            float tc = tanh_c[at];
            float dc = d_c[at] + d_h[at] * o * (1.0f - tc * tc);
            d_gate[j] = dc * g * i * (1.0f - i);
            d_gate[hidden + j] = dc * (c_prev ? c_prev[at] : 0.0f) * f * (1.0f - f);
            d_gate[2 * hidden + j] = dc * i * (1.0f - g * g);
            d_gate[3 * hidden + j] = d_h[at] * tc * o * (1.0f - o);
            d_c[at] = dc * f;
        }
    }
}

static void input_gradients(const LstmWeights *w, LstmWeights *grad, const float *x,
                            const uint32_t *keys, const float *d_gates, float *d_x, int rows, int in_dim,
                            int gate_dim)
{
    if (x) {
        mm_atb(grad->w_ih, d_gates, x, gate_dim, in_dim, rows, 1.0f);
    } else { /* one-hot: each row's gate gradients go to its key's column, the batch's work only */
        for (int r = 0; r < rows; r++) {
            const float *d_gate = d_gates + (size_t)r * gate_dim;
            for (int j = 0; j < gate_dim; j++)
                grad->w_ih[(size_t)j * in_dim + keys[r]] += d_gate[j];
        }
    }
    if (d_x)
        mm_ab(d_x, d_gates, w->w_ih, rows, in_dim, gate_dim, 0.0f);
}

void lstm_backward(const LstmWeights *w, LstmWeights *grad, const LstmCache *cache,
                   const float *x, const uint32_t *keys, float *d_h, float *d_x, float *d_gates,
                   float *d_carry, int steps, int batch, int in_dim, int hidden)
{
    int gate_dim = 4 * hidden, rows = steps * batch;
    size_t step_gates = (size_t)batch * gate_dim, step_state = (size_t)batch * hidden;
    float *d_c = d_carry;
    memset(d_c, 0, step_state * sizeof *d_c);
    for (int t = steps - 1; t >= 0; t--) {
        float *d_pre = d_gates + t * step_gates;
        backward_step(d_pre, d_c, d_h + t * step_state, cache->gates + t * step_gates,
                      cache->tanh_c + t * step_state, t ? cache->c + (t - 1) * step_state : NULL,
                      batch, hidden);
        if (t > 0) /* the recurrent path: d_h[t-1] += d_pre · W_hh */
            mm_ab(d_h + (t - 1) * step_state, d_pre, w->w_hh, batch, hidden, gate_dim, 1.0f);
    }
    /* W_hh saw h[t-1] at steps 1..T-1: one product over all of them */
    if (steps > 1)
        mm_atb(grad->w_hh, d_gates + step_gates, cache->h, gate_dim, hidden, (steps - 1) * batch, 1.0f);
    sum_rows_into(grad->b_ih, d_gates, rows, gate_dim);
    sum_rows_into(grad->b_hh, d_gates, rows, gate_dim);
    input_gradients(w, grad, x, keys, d_gates, d_x, rows, in_dim, gate_dim);
}
