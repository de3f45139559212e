/* Softmax cross-entropy over logits[B,V] with one target class per row. */
#ifndef TRACEAID_SOFTMAX_H
#define TRACEAID_SOFTMAX_H

#include <stdint.h>

/* probs[r,:] = softmax(logits[r,:]) */
void softmax_forward(float *probs, const float *logits, int rows, int n_classes);
/* Returns the weighted mean loss Σ w_r·(-log p_r[target_r]) / Σ w_r (weights NULL: all 1) and sets
 * d_logits to its gradient. probs must hold softmax_forward's output. */
float softmax_xent_backward(float *d_logits, const float *probs, const uint32_t *targets,
                            const float *weights, int rows, int n_classes);
/* The rank of class key among scores[0..n_classes) (0 = the first choice); ties go against the
 * key, and a key past n_classes ranks n_classes (never a candidate). */
int softmax_rank(const float *scores, int n_classes, uint32_t key);

#endif
