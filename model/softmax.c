#include "softmax.h"

#include <math.h>
#include <stddef.h>

void softmax_forward(float *probs, const float *logits, int rows, int n_classes)
{
    for (int r = 0; r < rows; r++) {
        const float *z = logits + (size_t)r * n_classes;
        float *p = probs + (size_t)r * n_classes;
        float max = z[0], sum = 0.0f;
        for (int j = 1; j < n_classes; j++)
            max = z[j] > max ? z[j] : max;
        for (int j = 0; j < n_classes; j++) {
            p[j] = expf(z[j] - max);
            sum += p[j];
        }
        for (int j = 0; j < n_classes; j++)
            p[j] /= sum;
    }
}

float softmax_xent_backward(float *d_logits, const float *probs, const uint32_t *targets,
                            const float *weights, int rows, int n_classes)
{
    double total_weight = 0.0, loss = 0.0;
    for (int r = 0; r < rows; r++)
        total_weight += weights ? weights[r] : 1.0f;
    for (int r = 0; r < rows; r++) {
        const float *p = probs + (size_t)r * n_classes;
        float *d = d_logits + (size_t)r * n_classes;
        float scale = (float)((weights ? weights[r] : 1.0f) / total_weight);
        loss -= scale * log(fmax(p[targets[r]], 1e-30));
        for (int j = 0; j < n_classes; j++)
            d[j] = scale * p[j];
        d[targets[r]] -= scale;
    }
    return (float)loss;
}

int softmax_rank(const float *scores, int n_classes, uint32_t key)
{
    if (key >= (uint32_t)n_classes)
        return n_classes;
    int rank = 0;
    for (int k = 0; k < n_classes; k++)
        rank += scores[k] > scores[key] || (scores[k] == scores[key] && (uint32_t)k < key);
    return rank;
}
