/* One LSTM layer as torch.nn.LSTM computes it, gates in PyTorch's order i, f, g, o:
 *   pre = x·W_ihᵀ + b_ih + h_prev·W_hhᵀ + b_hh,  i,f,o = σ(pre), g = tanh(pre)
 *   c = f⊙c_prev + i⊙g,  h = o⊙tanh(c)
 * over a whole sequence from zero state. Activations are time-major, [T][B][...], so a time
 * step's batch is contiguous; the input products of all steps are one matrix product. */
#ifndef TRACEAID_LSTM_H
#define TRACEAID_LSTM_H

#include <stdint.h>

typedef struct LstmWeights {
    float *w_ih;    /* [4H, in] */
    float *w_hh;    /* [4H, H] */
    float *b_ih;    /* [4H] */
    float *b_hh;    /* [4H] */
} LstmWeights;

/* What a layer's backward needs from its forward, each [T][B][...]. */
typedef struct LstmCache {
    float *gates;   /* [T][B][4H] after their nonlinearities */
    float *c;       /* [T][B][H] */
    float *tanh_c;  /* [T][B][H] */
    float *h;       /* [T][B][H]: the layer's output */
} LstmCache;

/* The input is either dense x [T][B][in] or, when x is NULL, one-hot keys [T][B] over in
 * classes: the product with W_ih is then a column lookup, not a multiply. */
void lstm_forward(const LstmWeights *w, LstmCache *cache, const float *x, const uint32_t *keys,
                  int steps, int batch, int in_dim, int hidden);

/* d_h [T][B][H] holds the loss gradient with respect to each output h and is consumed
 * (overwritten). Accumulates weight gradients into grad; writes d_x [T][B][in] unless NULL.
 * d_gates [T][B][4H] and d_carry [B][H] are scratch. */
void lstm_backward(const LstmWeights *w, LstmWeights *grad, const LstmCache *cache,
                   const float *x, const uint32_t *keys, float *d_h, float *d_x, float *d_gates,
                   float *d_carry, int steps, int batch, int in_dim, int hidden);

#endif
