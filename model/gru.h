/* One GRU step as torch.nn.GRU computes it, gates in PyTorch's order r, z, n:
 *   r = σ(W_ir x + b_ir + W_hr h + b_hr),  z = σ(W_iz x + b_iz + W_hz h + b_hz)
 *   n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn)),  h' = (1 - z) ⊙ n + z ⊙ h
 * The input projection x·W_ihᵀ + b_ih is the caller's, so a sequence's projections can be one
 * matrix product; the step takes it ready-made and hands back its gradient. */
#ifndef TRACEAID_GRU_H
#define TRACEAID_GRU_H

typedef struct GruWeights {
    float *w_ih;    /* [3H, in] */
    float *w_hh;    /* [3H, H] */
    float *b_ih;    /* [3H] */
    float *b_hh;    /* [3H] */
} GruWeights;

/* What a step's backward needs from its forward, each [B][3H]. */
typedef struct GruStepCache {
    float *gates;   /* r, z, n after their nonlinearities */
    float *hh;      /* h·W_hhᵀ + b_hh (its n part is needed under r) */
} GruStepCache;

/* x_proj [B][3H], h_prev [B][H] -> h [B][H] */
void gru_step_forward(const GruWeights *w, GruStepCache *cache, const float *x_proj,
                      const float *h_prev, float *h, int batch, int hidden);

/* From d_h [B][H], the loss gradient at h: writes d_x_proj [B][3H] (the input projection's
 * gradient, for the caller to carry to W_ih, b_ih and x), adds into d_h_prev [B][H], and
 * accumulates W_hh and b_hh gradients. d_hh [B][3H] is scratch. */
void gru_step_backward(const GruWeights *w, GruWeights *grad, const GruStepCache *cache,
                       const float *h_prev, const float *h, const float *d_h, float *d_x_proj,
                       float *d_h_prev, float *d_hh, int batch, int hidden);

#endif
