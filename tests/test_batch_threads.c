/* model/batch_threads.c: every batch run once whatever the threads, each thread's work made
 * and released once, the first error and a cancel stop it; OpenBLAS single-threaded while any
 * caller holds it, restored by the last; model_set_threads per thread. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <cblas.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "../model/batch_threads.h"

typedef struct Counts {
    atomic_int runs[100];       /* per batch */
    atomic_int inits, releases;
    size_t fail_init_after;     /* inits that succeed; 0: all */
    CancelFlag *cancel_at_10;
} Counts;

typedef struct Work {
    Counts *counts;             /* set by init, also when it fails */
    int batches;
    bool made;
} Work;

static bool count_init(void *work, void *ctx, Error *err)
{
    Counts *c = ctx;
    ((Work *)work)->counts = c;
    int n = atomic_fetch_add(&c->inits, 1);
    if (c->fail_init_after && (size_t)n >= c->fail_init_after)
        return error_set(err, "no work %d", n);
    ((Work *)work)->made = true;
    return true;
}

static void count_batch(void *work, void *ctx, size_t b)
{
    Counts *c = ctx;
    assert_true(((Work *)work)->made);
    ((Work *)work)->batches++;
    atomic_fetch_add(&c->runs[b], 1);
    if (c->cancel_at_10 && b == 10)
        atomic_store(c->cancel_at_10, 1);
}

static void count_release(void *work)
{
    Counts *c = ((Work *)work)->counts;
    atomic_fetch_add(&c->releases, 1);
}

static void every_batch_once(void **state)
{
    (void)state;
    for (int threads = 1; threads <= 4; threads++) {
        Counts c = {0};
        BatchJobs jobs = {.n_batches = 100, .thread_size = sizeof(Work), .ctx = &c, .init = count_init,
                          .batch = count_batch, .release = count_release};
        model_set_threads(threads);
        Error err = {0};
        assert_true(batch_jobs_run(&jobs, NULL, &err));
        for (int b = 0; b < 100; b++)
            assert_int_equal(atomic_load(&c.runs[b]), 1);
        assert_int_equal(atomic_load(&c.inits), threads); /* once per thread, not per batch */
        assert_int_equal(atomic_load(&c.releases), threads);
    }
    model_set_threads(1);
}

static void an_error_or_cancel_stops(void **state)
{
    (void)state;
    model_set_threads(3);
    Counts c = {.fail_init_after = 1};
    BatchJobs jobs = {.n_batches = 100, .thread_size = sizeof(Work), .ctx = &c, .init = count_init,
                      .batch = count_batch, .release = count_release};
    Error err = {0};
    assert_false(batch_jobs_run(&jobs, NULL, &err));
    assert_memory_equal(err.msg, "no work ", 8); /* the thread whose init failed first */
    assert_int_equal(atomic_load(&c.releases), atomic_load(&c.inits)); /* a failed init's work released too */

    CancelFlag cancel; /* raised before: no batch runs */
    atomic_init(&cancel, 1);
    Counts k = {0};
    jobs.ctx = &k;
    err = (Error){0};
    assert_false(batch_jobs_run(&jobs, &cancel, &err));
    assert_int_equal(err.code, ERROR_INTERRUPTED);
    for (int b = 0; b < 100; b++)
        assert_int_equal(atomic_load(&k.runs[b]), 0);

    model_set_threads(1); /* raised by batch 10 on one thread: the next does not run */
    atomic_store(&cancel, 0);
    Counts one = {.cancel_at_10 = &cancel};
    jobs.ctx = &one;
    err = (Error){0};
    assert_false(batch_jobs_run(&jobs, &cancel, &err));
    assert_int_equal(err.code, ERROR_INTERRUPTED);
    assert_int_equal(atomic_load(&one.runs[10]), 1);
    assert_int_equal(atomic_load(&one.runs[11]), 0);
    model_set_threads(1);
}

static void *threads_setting(void *arg)
{
    *(int *)arg = model_threads();
    return NULL;
}

static void threads_are_per_thread(void **state)
{
    (void)state;
    model_set_threads(4);
    int other = 0;
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, threads_setting, &other), 0);
    pthread_join(t, NULL);
    assert_int_equal(other, 1);
    assert_int_equal(model_threads(), 4);
    model_set_threads(0);
    assert_int_equal(model_threads(), 1);
}

static void blas_restored_by_the_last(void **state)
{
    (void)state;
    openblas_set_num_threads(2);
    int before = openblas_get_num_threads();
    blas_single_begin();
    assert_int_equal(openblas_get_num_threads(), 1);
    blas_single_begin(); /* a second scoring overlapping the first */
    blas_single_end();   /* the first ends: the second still runs single-threaded */
    assert_int_equal(openblas_get_num_threads(), 1);
    blas_single_end();
    assert_int_equal(openblas_get_num_threads(), before);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_batch_once),
        cmocka_unit_test(an_error_or_cancel_stops),
        cmocka_unit_test(threads_are_per_thread),
        cmocka_unit_test(blas_restored_by_the_last),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
