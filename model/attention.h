/* Bahdanau (additive) attention, as in the seq2seq model of the seed work:
 *   e_j = V·tanh(W1·enc_j + b1 + W2·q + b2) + bV,  a = softmax_j(e),  context = Σ_j a_j enc_j
 * over a batch of T encoder outputs enc [B][T][H] and queries q [B][H]. W1·enc + b1 does not
 * depend on the query, so it is computed once per batch (attention_keys) and shared by every
 * decoder step. */
#ifndef TRACEAID_ATTENTION_H
#define TRACEAID_ATTENTION_H

typedef struct AttentionWeights {
    float *w1_weight, *w1_bias;     /* [U, H], [U] */
    float *w2_weight, *w2_bias;     /* [U, H], [U] */
    float *v_weight, *v_bias;       /* [1, U], [1] */
} AttentionWeights;

typedef struct AttentionStepCache {
    float *query_proj;  /* [B][U] */
    float *hidden;      /* [B][T][U]: tanh(keys + query_proj) */
    float *weights;     /* [B][T]: a */
} AttentionStepCache;

/* keys [B][T][U] = enc·W1ᵀ + b1 */
void attention_keys(const AttentionWeights *w, const float *enc, float *keys, int batch, int steps,
                    int hidden, int units);
/* context [B][H] for queries q [B][H] */
void attention_forward(const AttentionWeights *w, AttentionStepCache *cache, const float *keys,
                       const float *enc, const float *query, float *context, int batch, int steps,
                       int hidden, int units);
/* From d_context [B][H]: adds into d_keys [B][T][U], d_enc [B][T][H] and d_query [B][H], and
 * accumulates W2, b2, V and bV gradients. d_e [B][T] and d_query_proj [B][U] are scratch. */
void attention_backward(const AttentionWeights *w, AttentionWeights *grad,
                        const AttentionStepCache *cache, const float *enc, const float *query,
                        const float *d_context, float *d_keys, float *d_enc, float *d_query,
                        float *d_e, float *d_query_proj, int batch, int steps, int hidden, int units);
/* After every step's backward: W1 and b1 gradients from d_keys, and their share of d_enc. */
void attention_keys_backward(const AttentionWeights *w, AttentionWeights *grad, const float *enc,
                             const float *d_keys, float *d_enc, int batch, int steps, int hidden,
                             int units);

#endif
