/* The explorer over a big trace's head while the rest loads (tui/loader.h's preview): its
 * screens, headless, with a small TRACEAID_PREVIEW_BYTES so that small traces get one. The
 * script's `wait preview` holds the loading after the preview; `wait loaded` lets it go on. */
#include "screens_run.h"

#include <stdbool.h>

static char trace[600];

static int make_trace(void **state)
{
    (void)state;
    return generate(trace, "fifo-ls.csv", "fifo-ls", "12", "20000"); /* 1.2 MB */
}

/* The script's screens with a preview of head bytes. */
static RunResult run_with_preview(const char *head, const char *path, const char *script)
{
    char *old = env_set("TRACEAID_PREVIEW_BYTES", head);
    RunResult r = run_traceaid(path, "--model", FIXTURES_DIR "/flight-small.safetensors", "--script", script);
    env_restore("TRACEAID_PREVIEW_BYTES", old);
    return r;
}

/* The preview screen, then the swap keeping the cursor, the focus and the threshold. */
static void screen_preview(void **state)
{
    (void)state;
    char *old = env_set("TRACEAID_PREVIEW_BYTES", "300000");
    screens_on("preview", trace, true);
    env_restore("TRACEAID_PREVIEW_BYTES", old);
}

/* The chart filling in as the whole trace's scores come, scored in small parts. */
static void screen_preview_filling(void **state)
{
    (void)state;
    char *old = env_set("TRACEAID_PREVIEW_BYTES", "300000"), *old_part = env_set("TRACEAID_SCORE_PART", "2000");
    screens_on("preview_filling", trace, true);
    env_restore("TRACEAID_SCORE_PART", old_part);
    env_restore("TRACEAID_PREVIEW_BYTES", old);
}

/* A moved threshold and a new segment length over the filling chart. */
static void screen_preview_filling_settings(void **state)
{
    (void)state;
    char *old = env_set("TRACEAID_PREVIEW_BYTES", "300000"), *old_part = env_set("TRACEAID_SCORE_PART", "2000");
    screens_on("preview_filling_settings", trace, true);
    env_restore("TRACEAID_SCORE_PART", old_part);
    env_restore("TRACEAID_PREVIEW_BYTES", old);
}

/* Esc while the whole is scored: the head stays. */
static void screen_preview_scoring_cancelled(void **state)
{
    (void)state;
    char *old = env_set("TRACEAID_PREVIEW_BYTES", "300000"), *old_part = env_set("TRACEAID_SCORE_PART", "2000");
    screens_on("preview_scoring_cancelled", trace, true);
    env_restore("TRACEAID_SCORE_PART", old_part);
    env_restore("TRACEAID_PREVIEW_BYTES", old);
}

/* `wait scored` past the whole trace's end: the whole trace, as `wait loaded` gives. */
static void waiting_past_the_end_gives_the_whole(void **state)
{
    (void)state;
    RunResult r = run_with_preview("300000", trace, write_text("s.script", "wait preview\nwait scored 999999\ndump\n"));
    assert_status(r, 0);
    assert_contains(r.out, "20,000 events");
    assert_null(strstr(r.out, "scored so far"));
    run_result_free(&r);
}

/* Without `wait preview` a script sees the whole trace, as it always did. */
static void scripts_wait_for_the_whole_trace(void **state)
{
    (void)state;
    RunResult r = run_with_preview("300000", trace, write_text("dump.script", "dump\n"));
    assert_status(r, 0);
    assert_contains(r.out, "20,000 events");
    assert_null(strstr(r.out, "the rest loading"));
    run_result_free(&r);
}

/* A file less than twice the head is read whole: `wait preview` then shows it all. */
static void small_trace_has_no_preview(void **state)
{
    (void)state;
    RunResult r = run_with_preview("700000", trace, write_text("p.script", "wait preview\ndump\n"));
    assert_status(r, 0);
    assert_contains(r.out, "20,000 events");
    assert_null(strstr(r.out, "the rest loading"));
    run_result_free(&r);
}

/* A compressed trace cannot be cut: no preview, the whole trace. */
static void compressed_trace_has_no_preview(void **state)
{
    (void)state;
    char cmd[1400];
    snprintf(cmd, sizeof cmd, "gzip -c '%s' > '%s'", trace, test_path("fifo-ls.csv.gz"));
    assert_int_equal(system(cmd), 0);
    RunResult r = run_with_preview("3000", test_path("fifo-ls.csv.gz"), write_text("p.script", "wait preview\ndump\n"));
    assert_status(r, 0);
    assert_contains(r.out, "20,000 events");
    assert_null(strstr(r.out, "the rest loading"));
    run_result_free(&r);
}

/* A head cut within its first line holds no event: no preview, and no failure. */
static void preview_of_a_header_alone_is_skipped(void **state)
{
    (void)state;
    RunResult r = run_with_preview("20", trace, write_text("p.script", "wait preview\ndump\n"));
    assert_status(r, 0);
    assert_contains(r.out, "20,000 events");
    run_result_free(&r);
}

/* A script that ends over the preview leaves at once, the rest unread (no hang on the held
 * worker), and so does one that names no script file it can open. */
static void script_ending_over_the_preview_exits(void **state)
{
    (void)state;
    RunResult r = run_with_preview("300000", trace, write_text("p.script", "wait preview\n"));
    assert_status(r, 0);
    run_result_free(&r);
    r = run_with_preview("300000", trace, test_path("no-such.script"));
    assert_status(r, 2);
    assert_contains(r.err, "cannot open the script");
    run_result_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(screen_preview),
        cmocka_unit_test(screen_preview_filling),
        cmocka_unit_test(screen_preview_filling_settings),
        cmocka_unit_test(screen_preview_scoring_cancelled),
        cmocka_unit_test(waiting_past_the_end_gives_the_whole),
        cmocka_unit_test(scripts_wait_for_the_whole_trace),
        cmocka_unit_test(small_trace_has_no_preview),
        cmocka_unit_test(compressed_trace_has_no_preview),
        cmocka_unit_test(preview_of_a_header_alone_is_skipped),
        cmocka_unit_test(script_ending_over_the_preview_exits),
    };
    return cmocka_run_group_tests(tests, make_trace, NULL);
}
