/* Seconds on the monotonic clock, for timing and progress. */
#ifndef TRACEAID_CLOCK_H
#define TRACEAID_CLOCK_H

#include <time.h>

static inline double clock_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

#endif
