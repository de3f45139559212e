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

static const char *theme_lines =
    "normal      default      default\n"
    "title       default      default       bold\n"
    "header      white        blue          bold\n"
    "border      color244/white default\n"
    "selected    black        cyan\n"
    "cursor      black        white\n"
    "bar         color39/cyan default\n"
    "bar-alert   color196/red default       bold\n"
    "threshold   color214/yellow default    bold\n"
    "miss        color203/red default       bold\n"
    "segment     default      color236/black\n"
    "diff        black        color214/yellow bold\n"
    "status      black        white\n"
    "status-key  blue         white         bold\n"
    "dim         color244/white default\n"
    "progress    black        green\n";

/* A theme was read only to 64 KiB: lines past it were lost without a word. */
static void large_theme_is_read_whole_or_refused(void **state)
{
    (void)state;
    size_t pad = 100000, len = pad + strlen(theme_lines) + 2;
    char *text = malloc(len);
    assert_non_null(text);
    for (size_t i = 0; i < pad; i += 10)
        memcpy(text + i, "# padding\n", 10);
    snprintf(text + pad, len - pad, "%s", theme_lines);
    const char *script = write_text("dump.script", "dump\n");
    const char *trace = cyclic_trace("theme.csv", 50);
    RunResult r = run_traceaid(trace, "--theme", write_text("padded.theme", text), "--script", script);
    free(text);
    assert_status(r, 0); /* its lines past 64 KiB were lost: "no line for element ..." */
    run_result_free(&r);

    size_t huge = (2u << 20);
    text = malloc(huge + 1);
    assert_non_null(text);
    memset(text, '#', huge);
    text[huge] = '\0';
    r = run_traceaid(trace, "--theme", write_text("huge.theme", text), "--script", script);
    free(text);
    assert_status(r, 2);
    assert_contains(r.err, "huge.theme: larger than 1048576 bytes: not a theme file");
    run_result_free(&r);
}

/* CR-only line ends made a file one long line: every error named line 1. */
static void cr_only_line_ends_are_refused(void **state)
{
    (void)state;
    RunResult r = run_traceaid("stats", write_text("mac.csv", "timestamp,event\r1,a\r2,b\r"));
    assert_status(r, 2);
    assert_contains(r.err, "mac.csv: line ends are CR only (classic Mac OS)");
    run_result_free(&r);
    r = run_traceaid("stats", "--sessions", write_text("mac.txt", "1 2 3\r4 5 6\r"));
    assert_status(r, 2);
    assert_contains(r.err, "mac.txt: line ends are CR only (classic Mac OS)");
    run_result_free(&r);
    r = run_traceaid("stats", write_text("crlf.csv", "timestamp,event\r\n1,a\r\n2,b\r\n"));
    assert_status(r, 0);
    run_result_free(&r);
}

/* The reader skipped a BOM but the sniffer did not, so a session file with one went to CSV. */
static void session_file_with_bom_is_detected(void **state)
{
    (void)state;
    RunResult r = run_traceaid(write_text("bom.txt", "\xEF\xBB\xBF" "1 2 3\n4 5 6\n"));
    assert_status(r, 0);
    assert_contains(r.out, "sessions");
    assert_contains(r.out, "2 sessions");
    run_result_free(&r);
}

/* A column named for a second role took it, leaving the first (the key) empty. */
static void one_column_plays_one_part(void **state)
{
    (void)state;
    const char *log = write_text("log_structured.csv", "LineId,Pid,Content,EventId,EventTemplate\n"
                                 "1,7,open blk_1,E1,open <*>\n2,7,close blk_1,E2,close <*>\n3,8,open blk_2,E1,open <*>\n");
    RunResult r = run_traceaid("stats", "--key", "EventId", "--group-col", "EventId", log);
    assert_status(r, 2);
    assert_contains(r.err, "--group-col EventId: column 'EventId' is already a key column");
    run_result_free(&r);
    r = run_traceaid("stats", "--key", "EventId,EventId", log);
    assert_status(r, 2);
    assert_contains(r.err, "--key EventId,EventId: column 'EventId' is named twice");
    run_result_free(&r);
    r = run_traceaid("stats", "--key-cols", "EventId", "--time-col", "EventId", log);
    assert_status(r, 2);
    assert_contains(r.err, "--time-col EventId: column 'EventId' is already a key column");
    run_result_free(&r);
    /* Named outright, a column wins over the role its name suggests (Pid is found as the pid). */
    r = run_traceaid("--group-col", "Pid", log);
    assert_status(r, 0);
    assert_contains(r.out, "2 sessions");
    run_result_free(&r);
}

/* Traces too short for one window of the held-back split trained on nothing. */
static void training_without_a_window_is_refused_first(void **state)
{
    (void)state;
    const char *trace = cyclic_trace("short40.csv", 40), *model = test_path("none.st");
    RunResult r = run_traceaid("train", "--model", "seq2seq", "--epochs", "1", "-o", model, trace);
    assert_status(r, 2);
    assert_contains(r.err, "no training windows: every session or trace is shorter than 10 keys before its held-back part");
    assert_contains(r.err, "short40.csv: at most 0 of 40 events");
    assert_true(strstr(r.err, "epoch") == NULL); /* refused before training */
    assert_int_equal(access(model, F_OK), -1);
    run_result_free(&r);
    r = run_traceaid("train", "--model", "seq2seq", "--epochs", "1", "-o", model, cyclic_trace("short8.csv", 8));
    assert_status(r, 2);
    assert_contains(r.err, "no training windows: every session or trace is shorter than 10 keys (");
    assert_contains(r.err, "short8.csv: at most 8 events)");
    run_result_free(&r);
}

/* A threshold from a handful of segments was stored without a word; it still is, with a warning. */
static void few_calibration_segments_warn(void **state)
{
    (void)state;
    const char *trace = cyclic_trace("cal.csv", 400), *model = test_path("cal.st");
    RunResult r = run_traceaid("train", "--model", "seq2seq", "--embed", "4", "--hidden", "4", "--attn", "4",
                               "--epochs", "1", "--segment", "20", "-o", model, trace);
    assert_status(r, 0);
    assert_contains(r.err, "train: warning: the threshold rests on 4 segments with predictions, fewer than 30");
    run_result_free(&r);
    r = run_traceaid("calibrate", "--model", model, "--segment", "20", trace);
    assert_status(r, 0);
    assert_contains(r.err, "calibrate: warning: the threshold rests on 20 segments with predictions, fewer than 30");
    run_result_free(&r);
    r = run_traceaid("calibrate", "--model", model, "--segment", "10", trace);
    assert_status(r, 0);
    assert_true(strstr(r.err, "warning") == NULL);
    run_result_free(&r);
}

/* Nothing predicted read as "0.00% of predictions missed", a clean trace. */
static void score_without_predictions_says_so(void **state)
{
    (void)state;
    RunResult r = run_traceaid("score", "--model", FIXTURES_DIR "/flight-small.safetensors", cyclic_trace("tiny.csv", 4));
    assert_status(r, 0);
    assert_contains(r.out, "tiny.csv: 4 events, no event predicted (traces shorter than the model's window?)");
    assert_true(strstr(r.out, "0.00% of predictions missed") == NULL);
    run_result_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(summary_survives_extreme_timestamps),
        cmocka_unit_test(long_script_line_is_one_line),
        cmocka_unit_test(large_theme_is_read_whole_or_refused),
        cmocka_unit_test(cr_only_line_ends_are_refused),
        cmocka_unit_test(session_file_with_bom_is_detected),
        cmocka_unit_test(one_column_plays_one_part),
        cmocka_unit_test(training_without_a_window_is_refused_first),
        cmocka_unit_test(few_calibration_segments_warn),
        cmocka_unit_test(score_without_predictions_says_so),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
