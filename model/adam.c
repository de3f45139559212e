#include "adam.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

bool adam_init(Adam *adam, size_t n_params, float lr)
{
    memset(adam, 0, sizeof *adam);
    adam->lr = lr;
    adam->beta1 = 0.9f;
    adam->beta2 = 0.999f;
    adam->eps = 1e-8f;
    adam->n = n_params;
    adam->m = calloc(2 * n_params + 1, sizeof *adam->m);
    adam->v = adam->m ? adam->m + n_params : NULL;
    return adam->m != NULL;
}

void adam_free(Adam *adam)
{
    free(adam->m);
    memset(adam, 0, sizeof *adam);
}

void adam_update(Adam *adam, float *params, const float *grads)
{
    adam->step++;
    float correction1 = 1.0f - powf(adam->beta1, (float)adam->step);
    float correction2 = 1.0f - powf(adam->beta2, (float)adam->step);
    float step_size = adam->lr / correction1, root2 = sqrtf(correction2);
    for (size_t i = 0; i < adam->n; i++) {
        float g = grads[i];
        adam->m[i] = adam->beta1 * adam->m[i] + (1.0f - adam->beta1) * g;
        adam->v[i] = adam->beta2 * adam->v[i] + (1.0f - adam->beta2) * g * g;
        params[i] -= step_size * adam->m[i] / (sqrtf(adam->v[i]) / root2 + adam->eps);
    }
}
