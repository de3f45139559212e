#include "attention.h"

#include <math.h>
#include <stddef.h>

#include "tensor.h"

void attention_keys(const AttentionWeights *w, const float *enc, float *keys, int batch, int steps,
                    int hidden, int units)
{
    mm_abt(keys, enc, w->w1_weight, batch * steps, units, hidden, 0.0f);
    add_bias_rows(keys, w->w1_bias, batch * steps, units);
}

void attention_forward(const AttentionWeights *w, AttentionStepCache *cache, const float *keys,
                       const float *enc, const float *query, float *context, int batch, int steps,
                       int hidden, int units)
{
    mm_abt(cache->query_proj, query, w->w2_weight, batch, units, hidden, 0.0f);
    add_bias_rows(cache->query_proj, w->w2_bias, batch, units);
    for (int b = 0; b < batch; b++) {
        const float *qp = cache->query_proj + (size_t)b * units;
        float *a = cache->weights + (size_t)b * steps, max = 0, sum = 0;
        for (int t = 0; t < steps; t++) {
            const float *k = keys + ((size_t)b * steps + t) * units;
            float *hid = cache->hidden + ((size_t)b * steps + t) * units;
            float e = w->v_bias[0];
            for (int u = 0; u < units; u++) {
                hid[u] = tanhf(k[u] + qp[u]);
                e += w->v_weight[u] * hid[u];
            }
            a[t] = e;
            max = t == 0 || e > max ? e : max; /* no infinities: built with -ffast-math */
        }
        for (int t = 0; t < steps; t++)
            sum += a[t] = expf(a[t] - max);
        float *ctx = context + (size_t)b * hidden;
        for (int j = 0; j < hidden; j++)
            ctx[j] = 0;
        for (int t = 0; t < steps; t++) {
            a[t] /= sum;
            const float *e = enc + ((size_t)b * steps + t) * hidden;
            for (int j = 0; j < hidden; j++)
                ctx[j] += a[t] * e[j];
        }
    }
}

void attention_backward(const AttentionWeights *w, AttentionWeights *grad,
                        const AttentionStepCache *cache, const float *enc, const float *query,
                        const float *d_context, float *d_keys, float *d_enc, float *d_query,
                        float *d_e, float *d_query_proj, int batch, int steps, int hidden, int units)
{
    for (int b = 0; b < batch; b++) {
        const float *a = cache->weights + (size_t)b * steps, *dctx = d_context + (size_t)b * hidden;
        float *de = d_e + (size_t)b * steps, *dqp = d_query_proj + (size_t)b * units, weighted = 0;
        for (int t = 0; t < steps; t++) { /* context = Σ a_t enc_t */
            const float *e = enc + ((size_t)b * steps + t) * hidden;
            float *denc = d_enc + ((size_t)b * steps + t) * hidden, da = 0;
            for (int j = 0; j < hidden; j++) {
                da += dctx[j] * e[j];
                denc[j] += a[t] * dctx[j];
            }
            de[t] = da;
            weighted += a[t] * da;
        }
        for (int u = 0; u < units; u++)
            dqp[u] = 0;
        for (int t = 0; t < steps; t++) { /* softmax, then e = V·tanh(keys + qp) + bV */
            de[t] = a[t] * (de[t] - weighted);
            const float *hid = cache->hidden + ((size_t)b * steps + t) * units;
            float *dk = d_keys + ((size_t)b * steps + t) * units;
            grad->v_bias[0] += de[t];
            for (int u = 0; u < units; u++) {
                grad->v_weight[u] += de[t] * hid[u];
                float dpre = de[t] * w->v_weight[u] * (1.0f - hid[u] * hid[u]);
                dk[u] += dpre;
                dqp[u] += dpre;
            }
        }
    }
    mm_atb(grad->w2_weight, d_query_proj, query, units, hidden, batch, 1.0f);
    sum_rows_into(grad->w2_bias, d_query_proj, batch, units);
    mm_ab(d_query, d_query_proj, w->w2_weight, batch, hidden, units, 1.0f);
}

void attention_keys_backward(const AttentionWeights *w, AttentionWeights *grad, const float *enc,
                             const float *d_keys, float *d_enc, int batch, int steps, int hidden,
                             int units)
{
    int rows = batch * steps;
    mm_atb(grad->w1_weight, d_keys, enc, units, hidden, rows, 1.0f);
    sum_rows_into(grad->w1_bias, d_keys, rows, units);
    mm_ab(d_enc, d_keys, w->w1_weight, rows, hidden, units, 1.0f);
}
