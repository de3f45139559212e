/* Seeded weight initialisation as PyTorch's defaults draw it (uniform and normal), so a model
 * is the same for the same seed. */
#ifndef TRACEAID_INIT_H
#define TRACEAID_INIT_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>

static inline uint64_t init_next(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15ull); /* splitmix64 */
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* U(-bound, bound) */
static inline void init_uniform(float *p, size_t n, float bound, uint64_t *state)
{
    for (size_t i = 0; i < n; i++)
        p[i] = bound * ((float)(init_next(state) >> 40) / (float)(1ull << 24) * 2.0f - 1.0f);
}

/* N(0, 1), by Box-Muller */
static inline void init_normal(float *p, size_t n, uint64_t *state)
{
    for (size_t i = 0; i < n; i++) {
        double u1 = ((double)(init_next(state) >> 11) + 1.0) / 9007199254740993.0;
        double u2 = (double)(init_next(state) >> 11) / 9007199254740992.0;
        p[i] = (float)(sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2));
    }
}

#endif
