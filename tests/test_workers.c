/* The worker pool: every job runs once whatever the thread count, a failing job stops those not
 * yet started, and TRACEAID_THREADS sets the default. */
#include "test_util.h"

#include <stdatomic.h>
#include <stdlib.h>

#include "../io/workers.h"

typedef struct Count {
    atomic_int runs[1000];
    size_t fail_at;         /* SIZE_MAX: none fails */
} Count;

static bool count_job(size_t i, void *ctx)
{
    Count *c = ctx;
    atomic_fetch_add(&c->runs[i], 1);
    return i != c->fail_at;
}

static void every_job_runs_once(void **state)
{
    (void)state;
    for (int threads = 0; threads <= 5; threads++) {
        static Count c;
        memset(&c, 0, sizeof c);
        c.fail_at = SIZE_MAX;
        assert_true(workers_run(1000, threads, count_job, &c));
        for (size_t i = 0; i < 1000; i++)
            assert_int_equal(atomic_load(&c.runs[i]), 1);
    }
    assert_true(workers_run(0, 2, count_job, NULL)); /* no jobs: nothing runs */
}

static void a_failing_job_stops_the_rest(void **state)
{
    (void)state;
    static Count c;
    memset(&c, 0, sizeof c);
    c.fail_at = 0;
    assert_false(workers_run(1000, 1, count_job, &c));
    for (size_t i = 1; i < 1000; i++)
        assert_int_equal(atomic_load(&c.runs[i]), 0); /* one thread: nothing after job 0 */
    memset(&c, 0, sizeof c);
    c.fail_at = 10;
    assert_false(workers_run(1000, 4, count_job, &c));
    int ran = 0;
    for (size_t i = 0; i < 1000; i++)
        ran += atomic_load(&c.runs[i]);
    assert_true(ran < 1000);
}

static void threads_from_the_environment(void **state)
{
    (void)state;
    setenv("TRACEAID_THREADS", "3", 1);
    assert_int_equal(workers_default(), 3);
    setenv("TRACEAID_THREADS", "0", 1); /* out of range: the cores */
    assert_true(workers_default() >= 1);
    setenv("TRACEAID_THREADS", "x", 1);
    assert_true(workers_default() >= 1);
    unsetenv("TRACEAID_THREADS");
    assert_true(workers_default() >= 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_job_runs_once),
        cmocka_unit_test(a_failing_job_stops_the_rest),
        cmocka_unit_test(threads_from_the_environment),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
