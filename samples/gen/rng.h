/* The generator's random numbers: xoshiro256** seeded through splitmix64. Everything random in
 * a trace comes from one stream in one fixed order of draws, which is what makes a
 * (kind, n_events, seed) give the same bytes every time. The functions are small and called
 * for every row, hence inline. */
#ifndef TRACEAID_GEN_RNG_H
#define TRACEAID_GEN_RNG_H

#include <stdbool.h>
#include <stdint.h>

typedef struct Rng {
    uint64_t s[4];
} Rng;

/* Also a hash on its own: the timers derive each tick's latency from it without a draw. */
static inline uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static inline void rng_seed(Rng *r, uint64_t seed)
{
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix64(&seed);
}

static inline uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

/* xoshiro256** */
static inline uint64_t rng_next(Rng *r)
{
    uint64_t *s = r->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

static inline uint64_t rng_below(Rng *r, uint64_t n) { return n ? rng_next(r) % n : 0; }
static inline uint64_t rng_span(Rng *r, uint64_t lo, uint64_t hi) { return lo + rng_below(r, hi - lo + 1); }
static inline bool rng_chance(Rng *r, unsigned per_mille) { return rng_below(r, 1000) < per_mille; }

#endif
