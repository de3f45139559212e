/* Adam, as torch.optim.Adam with its defaults (betas 0.9, 0.999; eps 1e-8; no weight decay). */
#ifndef TRACEAID_ADAM_H
#define TRACEAID_ADAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct Adam {
    float lr, beta1, beta2, eps;
    int64_t step;
    size_t n;
    float *m, *v;           /* one allocation: m then v */
} Adam;

bool adam_init(Adam *adam, size_t n_params, float lr);
void adam_free(Adam *adam);
void adam_update(Adam *adam, float *params, const float *grads);

#endif
