/* What both interpreters share: a candidate single-key change and its first-order gain. */
#ifndef TRACEAID_INTERPRET_SWAP_H
#define TRACEAID_INTERPRET_SWAP_H

#include <stdint.h>

#define INTERPRET_CANDIDATES 16 /* changes checked by the model at each greedy step */

typedef struct Swap {
    int position;
    uint32_t key;
    float gain;         /* first-order change in the loss: negative helps */
} Swap;

/* qsort order: the best gain first */
static inline int swap_by_gain(const void *a, const void *b)
{
    float x = ((const Swap *)a)->gain, y = ((const Swap *)b)->gain;
    return (x > y) - (x < y);
}

#endif
