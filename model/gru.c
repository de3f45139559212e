#include "gru.h"

#include <math.h>
#include <stddef.h>

#include "tensor.h"

static inline float sigmoidf(float x) { return 1.0f / (1.0f + expf(-x)); }

void gru_step_forward(const GruWeights *w, GruStepCache *cache, const float *x_proj,
                      const float *h_prev, float *h, int batch, int hidden)
{
    int g = 3 * hidden;
    mm_abt(cache->hh, h_prev, w->w_hh, batch, g, hidden, 0.0f);
    add_bias_rows(cache->hh, w->b_hh, batch, g);
    for (int b = 0; b < batch; b++) {
        const float *xp = x_proj + (size_t)b * g, *hh = cache->hh + (size_t)b * g;
        const float *hp = h_prev + (size_t)b * hidden;
        float *r = cache->gates + (size_t)b * g, *z = r + hidden, *n = z + hidden;
        float *out = h + (size_t)b * hidden;
        for (int j = 0; j < 2 * hidden; j++)
            r[j] = sigmoidf(xp[j] + hh[j]); /* r and z */
        for (int j = 0; j < hidden; j++)
            n[j] = tanhf(xp[2 * hidden + j] + r[j] * hh[2 * hidden + j]);
        for (int j = 0; j < hidden; j++)
            out[j] = (1.0f - z[j]) * n[j] + z[j] * hp[j];
    }
}

void gru_step_backward(const GruWeights *w, GruWeights *grad, const GruStepCache *cache,
                       const float *h_prev, const float *h, const float *d_h, float *d_x_proj,
                       float *d_h_prev, float *d_hh, int batch, int hidden)
{
    (void)h;
    int g = 3 * hidden;
    for (int b = 0; b < batch; b++) {
        const float *r = cache->gates + (size_t)b * g, *z = r + hidden, *n = z + hidden;
        const float *hh_n = cache->hh + (size_t)b * g + 2 * hidden;
        const float *hp = h_prev + (size_t)b * hidden, *dh = d_h + (size_t)b * hidden;
        float *dxp = d_x_proj + (size_t)b * g, *dhh = d_hh + (size_t)b * g;
        float *dhp = d_h_prev + (size_t)b * hidden;
        for (int j = 0; j < hidden; j++) {
            float dn_pre = dh[j] * (1.0f - z[j]) * (1.0f - n[j] * n[j]);
            float dz_pre = dh[j] * (hp[j] - n[j]) * z[j] * (1.0f - z[j]);
            float dr_pre = dn_pre * hh_n[j] * r[j] * (1.0f - r[j]);
            dxp[j] = dr_pre, dxp[hidden + j] = dz_pre, dxp[2 * hidden + j] = dn_pre;
            dhh[j] = dr_pre, dhh[hidden + j] = dz_pre, dhh[2 * hidden + j] = dn_pre * r[j];
            dhp[j] += dh[j] * z[j];
        }
    }
    mm_atb(grad->w_hh, d_hh, h_prev, g, hidden, batch, 1.0f);
    sum_rows_into(grad->b_hh, d_hh, batch, g);
    mm_ab(d_h_prev, d_hh, w->w_hh, batch, hidden, g, 1.0f);
}
