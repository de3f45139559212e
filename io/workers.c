#define _GNU_SOURCE
#include "workers.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>

#define WORKERS_MAX 256

int workers_default(void)
{
    const char *env = getenv("TRACEAID_THREADS");
    if (env && *env) {
        char *end;
        long n = strtol(env, &end, 10);
        if (!*end && n >= 1 && n <= WORKERS_MAX)
            return (int)n;
    }
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0) {
        int n = CPU_COUNT(&set);
        return n < 1 ? 1 : n > WORKERS_MAX ? WORKERS_MAX : n;
    }
    return 1;
}

typedef struct Pool {
    size_t n_jobs;
    atomic_size_t next;
    atomic_bool failed;
    bool (*job)(size_t i, void *ctx);
    void *ctx;
} Pool;

static void *drain(void *arg)
{
    Pool *p = arg;
    for (;;) {
        if (atomic_load(&p->failed))
            break;
        size_t i = atomic_fetch_add(&p->next, 1);
        if (i >= p->n_jobs)
            break;
        if (!p->job(i, p->ctx))
            atomic_store(&p->failed, true);
    }
    return NULL;
}

bool workers_run(size_t n_jobs, int n_threads, bool (*job)(size_t i, void *ctx), void *ctx)
{
    if (n_threads < 1)
        n_threads = workers_default();
    if ((size_t)n_threads > n_jobs)
        n_threads = n_jobs ? (int)n_jobs : 1;
    if (n_threads > WORKERS_MAX)
        n_threads = WORKERS_MAX;
    Pool pool = {.n_jobs = n_jobs, .job = job, .ctx = ctx};
    atomic_init(&pool.next, 0);
    atomic_init(&pool.failed, false);
    pthread_t threads[WORKERS_MAX];
    int started = 0;
    for (int t = 1; t < n_threads; t++)
        if (pthread_create(&threads[started], NULL, drain, &pool) == 0)
            started++;
    drain(&pool);
    for (int t = 0; t < started; t++)
        pthread_join(threads[t], NULL);
    return !atomic_load(&pool.failed);
}
