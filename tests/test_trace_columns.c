/* The trace's packed columns (io/trace.h, io/trace_columns.c): times delta-coded in blocks
 * (narrow ones, wide ones for jumps, whatever the values), contexts interned, a permutation,
 * and what trace_bytes says is held. */
#include "test_util.h"

#include "../io/trace.h"

static void begin(Trace *t)
{
    Error err = {0};
    assert_true(trace_begin(t, "t.csv", TRACE_FORMAT_CSV, &err));
}

static void append_time(Trace *t, int64_t time)
{
    Error err = {0};
    assert_true(trace_append(t, (uint32_t)t->n_events, time, 1, 2, 3, 0, &err));
}

static void assert_times(const Trace *t, const int64_t *expected, size_t n)
{
    assert_int_equal(t->n_events, n);
    for (size_t i = 0; i < n; i++)
        if (trace_time(t, i) != expected[i])
            fail_msg("event %zu: time %lld, expected %lld", i, (long long)trace_time(t, i),
                     (long long)expected[i]);
}

/* ------------------------------------------------------------------------ times */

enum { N_TIMES = 1000 }; /* not a whole number of blocks */

/* Steps of 1 to 1000 ns, then jumps, backwards moves, negatives and the extremes. */
static void fill_awkward(int64_t *time)
{
    for (size_t i = 0; i < N_TIMES; i++)
        time[i] = 1700000000000000000 + (int64_t)(i * (i % 1000));
    time[70] = time[69] + ((int64_t)1 << 31);       /* one past an int32 offset */
    time[130] = time[129] - ((int64_t)1 << 31) - 1; /* back as far */
    time[200] = INT64_MIN;
    time[201] = INT64_MAX;
    time[202] = -5;
    time[260] = time[259] - 1000;                   /* backwards, narrow */
    time[400] = 0;                                  /* a block whose first time is far off ... */
    time[999] = INT64_MIN + 1;                      /* ... and the last, partial, block */
}

static void times_round_trip(void **state)
{
    (void)state;
    int64_t time[N_TIMES];
    fill_awkward(time);
    Trace t;
    begin(&t);
    for (size_t i = 0; i < N_TIMES; i++)
        append_time(&t, time[i]);
    assert_times(&t, time, N_TIMES);
    trace_shrink(&t);
    assert_times(&t, time, N_TIMES);
    assert_true(t.times.n_wide > 0);
    assert_true(t.times.n_wide <= 6); /* blocks 1, 2, 3, 6, 15: the others stay narrow */
    trace_free(&t);
}

static void small_steps_stay_narrow(void **state)
{
    (void)state;
    Trace t;
    begin(&t);
    for (size_t i = 0; i < N_TIMES; i++) /* 2^31 - 1 from a block's first time still fits */
        append_time(&t, -((int64_t)1 << 40) + (int64_t)(i % TRACE_TIME_BLOCK) * (INT32_MAX / 63));
    assert_int_equal(t.times.n_wide, 0);
    assert_int_equal(trace_time(&t, 63), -((int64_t)1 << 40) + 63 * (int64_t)(INT32_MAX / 63));
    append_time(&t, INT64_MAX); /* event 1000, in block 15 with 1 ns steps before it */
    assert_int_equal(t.times.n_wide, 1);
    assert_int_equal(trace_time(&t, N_TIMES), INT64_MAX);
    assert_int_equal(trace_time(&t, N_TIMES - 1), -((int64_t)1 << 40) + (int64_t)((N_TIMES - 1) % 64) * (INT32_MAX / 63));
    trace_free(&t);
}

static void times_rewritten_in_place(void **state)
{
    (void)state;
    int64_t time[N_TIMES];
    fill_awkward(time);
    Trace t;
    Error err = {0};
    begin(&t);
    for (size_t i = 0; i < N_TIMES; i++)
        append_time(&t, 1000 * (int64_t)i); /* all narrow */
    assert_int_equal(t.times.n_wide, 0);
    for (size_t i = 0; i < N_TIMES; i++) /* far from the blocks' bases: made wide */
        assert_true(trace_set_time(&t, i, time[i], &err));
    assert_times(&t, time, N_TIMES);
    for (size_t i = 0; i < N_TIMES; i++) /* positions: fit again once packed */
        assert_true(trace_set_time(&t, i, (int64_t)i, &err));
    assert_true(t.times.n_wide > 0);
    trace_shrink(&t);
    assert_int_equal(t.times.n_wide, 0);
    for (size_t i = 0; i < N_TIMES; i++)
        time[i] = (int64_t)i;
    assert_times(&t, time, N_TIMES);
    /* one wide block kept among narrow ones, found again after packing moved it */
    assert_true(trace_set_time(&t, 500, INT64_MIN, &err));
    trace_shrink(&t);
    assert_int_equal(t.times.n_wide, 1);
    time[500] = INT64_MIN;
    assert_times(&t, time, N_TIMES);
    trace_free(&t);
}

/* ------------------------------------------------------------------------ contexts */

static void contexts_interned(void **state)
{
    (void)state;
    Trace t;
    Error err = {0};
    begin(&t);
    uint32_t bash, sh;
    assert_true(strpool_intern(&t.names, "bash", 4, &bash, &err));
    assert_true(strpool_intern(&t.names, "sh", 2, &sh, &err));
    for (size_t i = 0; i < 300; i++) { /* three contexts, in turn, and runs of the same */
        size_t which = i / 7 % 3;
        assert_true(trace_append(&t, 7, (int64_t)i, which == 2 ? TRACE_NO_CPU : (uint16_t)which,
                                 which == 1 ? TRACE_NO_ID : 100, (int32_t)(100 + which),
                                 which == 0 ? bash : sh, &err));
    }
    assert_int_equal(t.contexts.n, 3);
    for (size_t i = 0; i < 300; i++) {
        size_t which = i / 7 % 3;
        assert_int_equal(trace_cpu(&t, i), which == 2 ? TRACE_NO_CPU : which);
        assert_int_equal(trace_pid(&t, i), which == 1 ? TRACE_NO_ID : 100);
        assert_int_equal(trace_tid(&t, i), 100 + which);
        assert_int_equal(trace_name_id(&t, i), which == 0 ? bash : sh);
    }
    trace_free(&t);
}

static void many_contexts(void **state)
{
    (void)state;
    Trace t;
    Error err = {0};
    begin(&t);
    for (int round = 0; round < 2; round++) /* the second round finds each one again */
        for (int32_t tid = 0; tid < 5000; tid++)
            assert_true(trace_append(&t, 0, tid, (uint16_t)(tid % 4), tid / 10, tid, 0, &err));
    assert_int_equal(t.contexts.n, 5000);
    trace_shrink(&t); /* drops the hash table; appending rebuilds it */
    assert_true(trace_append(&t, 0, 0, 3, 499, 4999, 0, &err));
    assert_true(trace_append(&t, 0, 0, 3, 499, 5000, 0, &err));
    assert_int_equal(t.contexts.n, 5001);
    for (size_t i = 0; i < t.n_events; i++) {
        int32_t tid = i < 10000 ? (int32_t)(i % 5000) : (int32_t)(i - 10000 + 4999);
        assert_int_equal(trace_tid(&t, i), tid);
        assert_int_equal(trace_cpu(&t, i), i < 10000 ? tid % 4 : 3);
        assert_int_equal(trace_pid(&t, i), i < 10000 ? tid / 10 : 499);
    }
    trace_free(&t);
}

/* ------------------------------------------------------------------------ permuting */

static void permute_moves_every_column(void **state)
{
    (void)state;
    int64_t time[N_TIMES];
    fill_awkward(time);
    Trace t;
    Error err = {0};
    begin(&t);
    for (size_t i = 0; i < N_TIMES; i++)
        assert_true(trace_append(&t, (uint32_t)i, time[i], (uint16_t)(i % 3), (int32_t)i % 5, (int32_t)i, 0, &err));
    size_t dest[N_TIMES];
    for (size_t i = 0; i < N_TIMES; i++) /* evens first, then odds, each reversed */
        dest[i] = i % 2 == 0 ? N_TIMES / 2 - 1 - i / 2 : N_TIMES - 1 - i / 2;
    assert_true(trace_permute(&t, dest, &err));
    for (size_t i = 0; i < N_TIMES; i++) {
        size_t j = dest[i];
        assert_int_equal(t.key_id[j], i);
        assert_int_equal(trace_time(&t, j), time[i]);
        assert_int_equal(trace_cpu(&t, j), i % 3);
        assert_int_equal(trace_pid(&t, j), (int32_t)i % 5);
        assert_int_equal(trace_tid(&t, j), i);
    }
    trace_free(&t);
}

/* ------------------------------------------------------------------------ bytes held */

static void about_twelve_bytes_an_event(void **state)
{
    (void)state;
    Trace t;
    Error err = {0};
    begin(&t);
    size_t n = 100000;
    for (size_t i = 0; i < n; i++) /* 2 threads on 2 cpus, 1 us apart */
        assert_true(trace_append(&t, (uint32_t)(i % 50), 1700000000000000000 + 1000 * (int64_t)i,
                                 (uint16_t)(i / 100 % 2), 10, (int32_t)(10 + i / 100 % 2), 0, &err));
    assert_true(trace_end_session(&t, &err));
    trace_shrink(&t);
    size_t held = trace_bytes(&t), fixed = strpool_bytes(&t.names) + fields_bytes(&t.fields) + 4096;
    if (held < 12 * n || held > 12 * n + n / 4 + fixed)
        fail_msg("%zu bytes held for %zu events", held, n);
    /* a wide block counts its whole times */
    assert_true(trace_set_time(&t, 5, INT64_MAX, &err));
    assert_int_equal(trace_bytes(&t), held + TRACE_TIME_BLOCK * sizeof(int64_t) * t.times.wide_cap);
    trace_free(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(times_round_trip),
        cmocka_unit_test(small_steps_stay_narrow),
        cmocka_unit_test(times_rewritten_in_place),
        cmocka_unit_test(contexts_interned),
        cmocka_unit_test(many_contexts),
        cmocka_unit_test(permute_moves_every_column),
        cmocka_unit_test(about_twelve_bytes_an_event),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
