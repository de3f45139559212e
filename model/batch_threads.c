#include "batch_threads.h"

#include <cblas.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "../io/workers.h"

static _Thread_local int scoring_threads = 1;

void model_set_threads(int n) { scoring_threads = n < 1 ? 1 : n; }

int model_threads(void) { return scoring_threads; }

int model_score_batch(int dflt)
{
    const char *env = getenv("TRACEAID_SCORE_BATCH");
    if (env && *env) {
        char *end;
        long n = strtol(env, &end, 10);
        if (!*end && n >= 1 && n < dflt)
            return (int)n;
    }
    return dflt;
}

static pthread_mutex_t blas_lock = PTHREAD_MUTEX_INITIALIZER;
static int blas_users;          /* callers between begin and end */
static int blas_saved;          /* the threads OpenBLAS had before the first of them */

void blas_single_begin(void)
{
    pthread_mutex_lock(&blas_lock);
    if (blas_users++ == 0) {
        blas_saved = openblas_get_num_threads();
        openblas_set_num_threads(1);
    }
    pthread_mutex_unlock(&blas_lock);
}

void blas_single_end(void)
{
    pthread_mutex_lock(&blas_lock);
    if (--blas_users == 0)
        openblas_set_num_threads(blas_saved);
    pthread_mutex_unlock(&blas_lock);
}

typedef struct BatchRun {
    const BatchJobs *jobs;
    const CancelFlag *cancel;
    atomic_size_t next;         /* the next batch not taken */
    atomic_bool stop;           /* a thread failed: the others take no more */
    pthread_mutex_t lock;       /* over err */
    bool failed;
    Error err;
} BatchRun;

static bool fail(BatchRun *run, const Error *err)
{
    pthread_mutex_lock(&run->lock);
    if (!run->failed)
        run->err = *err, run->failed = true;
    pthread_mutex_unlock(&run->lock);
    atomic_store(&run->stop, true);
    return false;
}

/* One thread's share: its work made once, then batches until none is left. */
static bool thread_job(size_t i, void *ctx)
{
    (void)i;
    BatchRun *run = ctx;
    const BatchJobs *jobs = run->jobs;
    Error err = {0};
    void *work = calloc(1, jobs->thread_size ? jobs->thread_size : 1);
    bool ok = work ? jobs->init(work, jobs->ctx, &err) : error_nomem(&err);
    while (ok && !atomic_load(&run->stop)) {
        size_t b = atomic_fetch_add(&run->next, 1);
        if (b >= jobs->n_batches)
            break;
        if (run->cancel && *run->cancel)
            ok = error_interrupted(&err);
        else
            jobs->batch(work, jobs->ctx, b);
    }
    if (work)
        jobs->release(work);
    free(work);
    return ok || fail(run, &err);
}

bool batch_jobs_run(const BatchJobs *jobs, const CancelFlag *cancel, Error *err)
{
    if (jobs->n_batches == 0)
        return true;
    BatchRun run = {.jobs = jobs, .cancel = cancel};
    atomic_init(&run.next, 0);
    atomic_init(&run.stop, false);
    pthread_mutex_init(&run.lock, NULL);
    int threads = model_threads();
    if ((size_t)threads > jobs->n_batches)
        threads = (int)jobs->n_batches;
    if (threads <= 1) {
        thread_job(0, &run);
    } else {
        blas_single_begin();
        workers_run((size_t)threads, threads, thread_job, &run);
        blas_single_end();
    }
    pthread_mutex_destroy(&run.lock);
    if (run.failed)
        *err = run.err;
    return !run.failed;
}
