/* `score` on a trace of sessions reports sessions, judged as eval judges them: a hand-written
 * session file through the binary (text, CSV, JSON, --flagged, the exit status), a mix of
 * sessions and a kernel trace refused for one CSV, the segment report kept for kernel traces, and
 * on the real HDFS files the flagged distinct sessions counted as eval counts FP and TP. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../io/json.h"
#include "test_util.h"

#define HDFS_MODEL FIXTURES_DIR "/hdfs-deeplog.safetensors"

/* HDFS sessions the fixture model judges: A normal, B with missed keys, S too short to predict
 * (window 10 + 1), U is A with a key the model never saw. Six sessions, four distinct. */
#define SESSION_A "22 5 5 5 26 11 9 11 9 11 9 2 26 26 4 4 4 4 4 4 4 4 4 4 3 4 4 4 4 4 23 23 23 21 21 21"
#define SESSION_B "5 5 22 5 11 9 26 26 26 11 9 11 9 25 18 5 16 6 26 26 21 25 18 5 6 16 26 26 21 25 18 5 6 16 26 26 21"
#define SESSION_S "5 5 22 5 11"
#define SESSION_U "22 5 5 5 26 11 9 11 9 11 9 2 26 26 4 4 4 4 4 4 4 4 4 4 3 4 4 99 4 4 23 23 23 21 21 21"

static const char *hand_sessions(void)
{
    return write_text("hand.txt", SESSION_A "\n" SESSION_B "\n" SESSION_S "\n" SESSION_A "\n" SESSION_U "\n" SESSION_B "\n");
}

static size_t count_lines(const char *text)
{
    size_t n = 0;
    for (; *text; text++)
        n += *text == '\n';
    return n;
}

static void parse_json(JsonDoc *doc, const char *text)
{
    Error err = {0};
    if (!json_parse(doc, text, strlen(text), "stdout", &err))
        fail_msg("%s in:\n%s", err.msg, text);
}

static double json_number(const JsonValue *object, const char *key)
{
    const JsonValue *v = json_get(object, key);
    assert_non_null(v);
    return v->number;
}

static void text_lists_the_flagged_distinct_sessions(void **state)
{
    (void)state;
    RunResult r = run_traceaid("score", "--model", HDFS_MODEL, "--sessions", hand_sessions());
    assert_status(r, 1);
    assert_contains(r.out, "hand.txt: 6 sessions (4 distinct), 187 events, 1 events with keys the model does not know; "
                           "3 of 4 distinct sessions flagged (4 sessions) by the session rule: a next key outside the "
                           "top 9, a key the model does not know, or shorter than 11 keys\n");
    /* session index (from 1), length, identical sessions, first missed event, reason; B's first
     * miss lies in its first copy (events 36-72) */
    assert_contains(r.out, " session  length   count  first miss  reason\n"
                           "       2      37       2          49  miss\n"
                           "       3       5       1           -  short\n"
                           "       5      36       1         141  unknown key\n");
    assert_null(strstr(r.out, "segment"));
    assert_int_equal(count_lines(r.out), 5);
    run_result_free(&r);

    const char *clean = write_text("clean.txt", SESSION_A "\n" SESSION_A "\n");
    r = run_traceaid("score", "--model", HDFS_MODEL, "--sessions", clean);
    assert_status(r, 0);
    assert_contains(r.out, "clean.txt: 2 sessions (1 distinct), 72 events; 0 of 1 distinct sessions flagged (0 sessions)");
    assert_int_equal(count_lines(r.out), 1);
    run_result_free(&r);
}

static void csv_has_every_distinct_session(void **state)
{
    (void)state;
    const char *sessions = hand_sessions();
    RunResult r = run_traceaid("score", "--csv", "--model", HDFS_MODEL, "--sessions", sessions);
    assert_status(r, 1);
    assert_contains(r.out, "file,session,first_event,length,count,flagged,reason,first_miss,predicted,missed,score\n");
    char row[700];
    snprintf(row, sizeof row, "\"%s\",1,0,36,2,0,,,26,0,", sessions);
    assert_contains(r.out, row);
    snprintf(row, sizeof row, "\"%s\",2,36,37,2,1,miss,49,27,", sessions);
    assert_contains(r.out, row);
    snprintf(row, sizeof row, "\"%s\",3,73,5,1,1,short,,0,0,", sessions);
    assert_contains(r.out, row);
    snprintf(row, sizeof row, "\"%s\",5,114,36,1,1,unknown key,141,26,", sessions);
    assert_contains(r.out, row);
    assert_int_equal(count_lines(r.out), 1 + 4);
    run_result_free(&r);

    r = run_traceaid("score", "--csv", "--flagged", "--model", HDFS_MODEL, "--sessions", sessions);
    assert_status(r, 1);
    assert_int_equal(count_lines(r.out), 1 + 3);
    snprintf(row, sizeof row, "\"%s\",1,", sessions);
    assert_null(strstr(r.out, row));
    run_result_free(&r);
}

static void json_has_every_distinct_session(void **state)
{
    (void)state;
    const char *sessions = hand_sessions();
    RunResult r = run_traceaid("score", "--json", "--model", HDFS_MODEL, "--sessions", sessions);
    assert_status(r, 1);
    JsonDoc doc;
    parse_json(&doc, r.out);
    assert_string_equal(json_get(doc.root, "unit")->string, "session");
    const JsonValue *file = &json_get(doc.root, "files")->items[0];
    assert_int_equal(json_number(file, "sessions"), 6);
    assert_int_equal(json_number(file, "distinct"), 4);
    assert_int_equal(json_number(file, "flagged"), 4);
    assert_int_equal(json_number(file, "flagged_distinct"), 3);
    assert_string_equal(json_get(file, "rule")->string, "session");
    const JsonValue *list = json_get(file, "distinct_sessions");
    assert_int_equal(list->length, 4);
    const int index[] = {1, 2, 3, 5}, count[] = {2, 2, 1, 1};
    const char *reason[] = {"", "miss", "short", "unknown key"};
    for (size_t d = 0; d < 4; d++) {
        const JsonValue *sv = &list->items[d];
        assert_int_equal(json_number(sv, "session"), index[d]);
        assert_int_equal(json_number(sv, "count"), count[d]);
        assert_string_equal(json_get(sv, "reason")->string, reason[d]);
        assert_int_equal(json_get(sv, "flagged")->boolean, d > 0);
    }
    assert_int_equal(json_get(&list->items[1], "first_miss")->number, 49);
    assert_int_equal(json_get(&list->items[0], "first_miss")->type, JSON_NULL);
    json_free(&doc);
    run_result_free(&r);

    r = run_traceaid("score", "--json", "--flagged", "--model", HDFS_MODEL, "--sessions", sessions);
    parse_json(&doc, r.out);
    assert_int_equal(json_get(&json_get(doc.root, "files")->items[0], "distinct_sessions")->length, 3);
    json_free(&doc);
    run_result_free(&r);
}

/* A kernel trace keeps its segments; one CSV or JSON cannot hold both units. */
static void kernel_traces_keep_segments(void **state)
{
    (void)state;
    const char *trace = generated_trace("clean", "3", "3000");
    RunResult r = run_traceaid("score", "--csv", "--model", FIXTURES_DIR "/flight-small.safetensors", trace);
    assert_true(r.status == 0 || r.status == 1);
    assert_contains(r.out, "file,segment,first_event,last_event,predicted,missed,rate,threshold,flagged,score\n");
    run_result_free(&r);

    const char *sessions = hand_sessions();
    r = run_traceaid("score", "--csv", "--model", HDFS_MODEL, "--sessions", sessions, trace);
    assert_status(r, 2);
    assert_contains(r.err, "score traces of sessions and other traces apart for --csv or --json");
    assert_string_equal(r.out, "");
    run_result_free(&r);
    /* text holds each in its own unit */
    r = run_traceaid("score", "--model", HDFS_MODEL, "--sessions", sessions, trace);
    assert_status(r, 1);
    assert_contains(r.out, "3 of 4 distinct sessions flagged");
    assert_contains(r.out, " segment  events ");
    run_result_free(&r);
}

/* The flagged distinct sessions of hdfs_test_normal are eval's FP, those of hdfs_test_abnormal its TP. */
static void hdfs_flagged_sessions_are_evals_counts(void **state)
{
    (void)state;
    require_shared_data();
    const char *normal = SHARED_DATA "/hdfs/hdfs_test_normal", *abnormal = SHARED_DATA "/hdfs/hdfs_test_abnormal";
    RunResult r = run_traceaid("eval", "--json", "--model", HDFS_MODEL, "--normal", normal, "--abnormal", abnormal);
    assert_status(r, 0);
    JsonDoc doc;
    parse_json(&doc, r.out);
    double fp = json_number(doc.root, "fp"), tp = json_number(doc.root, "tp");
    json_free(&doc);
    run_result_free(&r);
    assert_int_equal(fp, 860); /* tests/fixtures/README.md */

    r = run_traceaid("score", "--json", "--flagged", "--model", HDFS_MODEL, normal, abnormal);
    assert_status(r, 1);
    parse_json(&doc, r.out);
    const JsonValue *files = json_get(doc.root, "files");
    assert_int_equal(files->length, 2);
    assert_int_equal(json_number(&files->items[0], "flagged_distinct"), fp);
    assert_int_equal(json_get(&files->items[0], "distinct_sessions")->length, fp);
    assert_int_equal(json_number(&files->items[1], "flagged_distinct"), tp);
    assert_int_equal(json_number(&files->items[1], "distinct"), 4123);
    json_free(&doc);
    run_result_free(&r);

    r = run_traceaid("score", "--model", HDFS_MODEL, normal);
    assert_status(r, 1);
    assert_contains(r.out, "hdfs_test_normal: 14,177 sessions (14,177 distinct), 382,986 events");
    assert_contains(r.out, "; 860 of 14,177 distinct sessions flagged (860 sessions) by the session rule");
    assert_int_equal(count_lines(r.out), 2 + 860);
    run_result_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(text_lists_the_flagged_distinct_sessions),
        cmocka_unit_test(csv_has_every_distinct_session),
        cmocka_unit_test(json_has_every_distinct_session),
        cmocka_unit_test(kernel_traces_keep_segments),
        cmocka_unit_test(hdfs_flagged_sessions_are_evals_counts),
    };
    return cmocka_run_group_tests_name("score sessions", tests, NULL, NULL);
}
