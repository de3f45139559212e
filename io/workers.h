/* Work spread over the machine's cores: jobs 0..n-1 run on up to n_threads threads (the calling
 * thread is one of them), each thread taking the next job not yet taken, so uneven jobs even out.
 * The parallel CSV parse (chunks of a file) and scoring (traces, or parts of one) stand on it. */
#ifndef TRACEAID_WORKERS_H
#define TRACEAID_WORKERS_H

#include <stdbool.h>
#include <stddef.h>

/* The threads to use: TRACEAID_THREADS when set to a number from 1 to 256, else the cores this
 * process may run on (sched_getaffinity), at least 1. */
int workers_default(void);

/* Runs job(i, ctx) for every i in [0, n_jobs); returns true when every job did. A job returning
 * false stops the jobs not yet started (those running finish); the job keeps its own error, in
 * ctx. n_threads < 1 means workers_default(). Threads that cannot be started leave their share
 * to the others, so the jobs always run. */
bool workers_run(size_t n_jobs, int n_threads, bool (*job)(size_t i, void *ctx), void *ctx);

#endif
