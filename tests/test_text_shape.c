/* Text that keeps its shape: counts with thousands separators in text and never in CSV or JSON,
 * long file names shortened in their middle so table columns stay aligned, and the summary's
 * time column named. */
#include "test_util.h"

#include "../io/format.h"

/* A CSV trace of n events cycling over k keys, a millisecond apart. */
static const char *write_cycle(const char *name, int n, int k)
{
    const char *path = test_path(name);
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fprintf(fp, "timestamp,class,event\n");
    for (int i = 0; i < n; i++)
        fprintf(fp, "%lld,A,E%d\n", (long long)i * 1000000, i % k);
    fclose(fp);
    return path;
}

/* A name of 120 characters: the start and the end tell files apart, the middle is filler. */
static const char *long_name(void)
{
    static char name[121];
    snprintf(name, sizeof name, "start-of-name-%0*d-end-of-name.csv", 120 - 14 - 16, 0);
    assert_int_equal(strlen(name), 120);
    return name;
}

/* The line of text holding needle, copied to line (without its newline). */
static void line_with(const char *text, const char *needle, char *line, size_t size)
{
    const char *hit = strstr(text, needle);
    if (!hit)
        fail_msg("no line with '%s' in:\n%s", needle, text);
    const char *start = hit;
    while (start > text && start[-1] != '\n')
        start--;
    const char *end = strchr(hit, '\n');
    size_t len = end ? (size_t)(end - start) : strlen(start);
    assert_true(len < size);
    memcpy(line, start, len);
    line[len] = '\0';
}

static void shorten_keeps_start_and_end(void **state)
{
    (void)state;
    char buf[64];
    assert_string_equal(format_shorten(buf, sizeof buf, "short.csv", 40), "short.csv");
    const char *name = long_name();
    format_shorten(buf, sizeof buf, name, 40);
    assert_int_equal(strlen(buf), 40);
    assert_true(strncmp(buf, "start-of-name-", 14) == 0);
    assert_non_null(strstr(buf, "..."));
    assert_string_equal(buf + strlen(buf) - 16, "-end-of-name.csv");
    /* never a cut inside a UTF-8 character */
    format_shorten(buf, sizeof buf, "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", 8);
    assert_string_equal(buf, "\xc3\xa9...\xc3\xa9");
}

static void summary_keeps_columns_with_a_long_name(void **state)
{
    (void)state;
    const char *a = write_cycle("a.csv", 3, 2);
    const char *b = write_cycle(long_name(), 3, 2);
    RunResult r = run_traceaid(a, b);
    assert_int_equal(r.status, 0);
    char line_a[512], line_b[512];
    line_with(r.out, "a.csv", line_a, sizeof line_a);
    line_with(r.out, "-end-of-name.csv", line_b, sizeof line_b);
    assert_non_null(strstr(line_b, "..."));
    assert_null(strstr(r.out, long_name()));
    /* the same columns: the format name starts at the same place, and the lines are as long */
    assert_int_equal(strstr(line_a, "  csv ") - line_a, strstr(line_b, "  csv ") - line_b);
    assert_int_equal(strlen(line_a), strlen(line_b));
    run_result_free(&r);
}

static void summary_names_the_time_span(void **state)
{
    (void)state;
    const char *timed = write_cycle("timed.csv", 3, 2);
    const char *sessions = write_text("sessions.txt", "1 2 3\n2 3 4\n");
    RunResult r = run_traceaid(timed, "--sessions", sessions);
    assert_int_equal(r.status, 0);
    char line[512];
    line_with(r.out, "timed.csv", line, sizeof line);
    assert_non_null(strstr(line, "keys  0.002 s span"));
    line_with(r.out, "sessions.txt", line, sizeof line);
    assert_non_null(strstr(line, "keys  untimed"));
    run_result_free(&r);
}

static void stats_keeps_columns_with_a_long_name(void **state)
{
    (void)state;
    const char *a = write_cycle("a.csv", 3, 2);
    const char *b = write_cycle(long_name(), 3, 2);
    RunResult r = run_traceaid("stats", a, b);
    assert_int_equal(r.status, 0);
    char heading[512], total[512];
    line_with(r.out, "key ", heading, sizeof heading);
    line_with(r.out, "total events", total, sizeof total);
    assert_non_null(strstr(heading, "start-of-name-"));
    assert_non_null(strstr(heading, "..."));
    assert_non_null(strstr(heading, "-end-of-name.csv"));
    assert_int_equal(strlen(heading), strlen(total));
    run_result_free(&r);
    /* CSV keeps the whole name */
    r = run_traceaid("stats", "--csv", a, b);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, long_name()));
    run_result_free(&r);
}

static void counts_have_separators_in_text_only(void **state)
{
    (void)state;
    const char *trace = write_cycle("big.csv", 2500, 5);
    RunResult r = run_traceaid(trace);
    assert_int_equal(r.status, 0);
    assert_contains(r.out, "2,500 events");
    run_result_free(&r);
    r = run_traceaid("stats", trace);
    assert_contains(r.out, "total events         2,500\n");
    run_result_free(&r);
    r = run_traceaid("stats", "--csv", trace);
    assert_contains(r.out, "\"A/E0\",500\n");
    assert_null(strstr(r.out, "2,500"));
    run_result_free(&r);

    const char *model = test_path("m.safetensors");
    r = run_traceaid("train", "--model", "deeplog", "--hidden", "8", "--layers", "1", "--window", "3", "--top-g", "1",
                     "--epochs", "2", "--holdout", "0", "--segment", "2", "-o", model, trace);
    assert_int_equal(r.status, 0);
    assert_contains(r.err, "train: 2,497 windows of 3 keys");
    run_result_free(&r);
    r = run_traceaid("calibrate", "--model", model, trace);
    assert_int_equal(r.status, 0);
    assert_contains(r.out, "calibrated on 1,250 segments of 2 events in 1 clean trace");
    run_result_free(&r);
    r = run_traceaid("score", "--model", model, trace);
    assert_contains(r.out, "big.csv: 2,500 events, ");
    assert_contains(r.out, " of 1,250 segments flagged\n");
    /* segment and event numbers are places, not counts: plain, as explain --at takes them */
    assert_contains(r.out, "    1250  2498-2499 ");
    run_result_free(&r);
    r = run_traceaid("score", "--model", model, "--csv", trace);
    assert_contains(r.out, ",1250,2498,2499,");
    assert_null(strstr(r.out, "1,250"));
    run_result_free(&r);
    r = run_traceaid("score", "--model", model, "--json", trace);
    assert_contains(r.out, "\"events\":2500");
    assert_null(strstr(r.out, "2,500"));
    run_result_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(shorten_keeps_start_and_end),
        cmocka_unit_test(summary_keeps_columns_with_a_long_name),
        cmocka_unit_test(summary_names_the_time_span),
        cmocka_unit_test(stats_keeps_columns_with_a_long_name),
        cmocka_unit_test(counts_have_separators_in_text_only),
    };
    return cmocka_run_group_tests_name("text shape", tests, NULL, NULL);
}
