/* eval with the operator's marks beside the files (TRACE.labels.csv, made here by the explorer's
 * F and A through a script): with --truth a segment marked normal counts as normal and one marked
 * anomalous as anomalous, over the truth; with --normal/--abnormal a session marked anomalous
 * counts as abnormal; "(N marks applied)" and marks_applied say so, and a row that no longer
 * matches is reported, not applied. */
#include "test_util.h"

#define HDFS SHARED_DATA "/hdfs/"
#define HDFS_FIXTURE FIXTURES_DIR "/hdfs-deeplog.safetensors"
#define FLIGHT_MODEL FIXTURES_DIR "/flight-small.safetensors"

/* The explorer over args with the script's keys (no dumps): it leaves the marks file. */
static void explore(const char *keys, const char *a, const char *b, const char *c)
{
    const char *script = write_text("marks.script", keys);
    RunResult r = run_traceaid(a, b, c, "--script", script);
    assert_status(r, 0);
    run_result_free(&r);
}

static size_t json_count(const char *json, const char *name)
{
    char key[64];
    snprintf(key, sizeof key, "\"%s\":", name);
    const char *at = strstr(json, key);
    assert_non_null(at);
    return (size_t)strtoull(at + strlen(key), NULL, 10);
}

/* fifo-ls, seed 12: 20 segments, 9 anomalous by its truth (segment 8 among them, segment 1
 * not), 10 flagged of which 7 anomalous. */
static void truth_with_marks(void **state)
{
    (void)state;
    char trace[600];
    snprintf(trace, sizeof trace, "%s", test_path("fifo-ls.csv"));
    RunResult r = run_traceaid("gen", "--kind", "fifo-ls", "--seed", "12", "--events", "20000", "-o", trace);
    assert_status(r, 0);
    run_result_free(&r);
    r = run_traceaid("eval", "--model", FLIGHT_MODEL, "--truth", trace, "--json");
    assert_status(r, 0);
    assert_contains(r.out, "\"kind\":\"all\",\"traces\":1,\"segments\":20,\"anomalous\":9,\"flagged\":10,\"tp\":7,\"fp\":3,\"fn\":2");
    assert_contains(r.out, "\"marks_applied\":0}");
    run_result_free(&r);
    /* segment 1 (clean, not flagged) marked anomalous: a miss more */
    explore("key A\n", trace, "--model", FLIGHT_MODEL);
    r = run_traceaid("eval", "--model", FLIGHT_MODEL, "--truth", trace, "--json");
    assert_status(r, 0);
    assert_contains(r.out, "\"anomalous\":10,\"flagged\":10,\"tp\":7,\"fp\":3,\"fn\":3");
    assert_contains(r.out, "\"marks_applied\":1}");
    run_result_free(&r);
    /* segment 8 (anomalous by the truth, flagged) marked normal: the mark has the last word */
    explore("key Right\nkey Right\nkey Right\nkey Right\nkey Right\nkey Right\nkey Right\nkey F\n", trace, "--model",
            FLIGHT_MODEL);
    r = run_traceaid("eval", "--model", FLIGHT_MODEL, "--truth", trace);
    assert_status(r, 0);
    assert_contains(r.out, "(2 marks applied)\n");
    assert_contains(r.out, "fifo-ls       1        20          9       10     60.00%   66.67%");
    run_result_free(&r);
    /* a row whose keys are not the trace's there: reported with its line, not applied */
    char labels[700];
    snprintf(labels, sizeof labels, "%s.labels.csv", trace);
    FILE *fp = fopen(labels, "a");
    assert_non_null(fp);
    fputs("segment,3000,1,anomalous,NOT/THIS\n", fp);
    fclose(fp);
    r = run_traceaid("eval", "--model", FLIGHT_MODEL, "--truth", trace, "--json");
    assert_status(r, 0);
    assert_contains(r.err, "fifo-ls.csv.labels.csv:5: the segment at events 3000-3000 no longer matches the trace: not applied");
    assert_contains(r.out, "\"marks_applied\":2}");
    run_result_free(&r);
    /* a malformed marks file is an error naming file:line:column */
    fp = fopen(labels, "a");
    fputs("segment,x,1,anomalous,NOT/THIS\n", fp);
    fclose(fp);
    r = run_traceaid("eval", "--model", FLIGHT_MODEL, "--truth", trace);
    assert_status(r, 2);
    assert_contains(r.err, "fifo-ls.csv.labels.csv:6:9: first_event");
    run_result_free(&r);
}

/* "key Right" n times, into script. */
static void rights(char *script, size_t size, int n)
{
    for (int i = 0; i < n; i++)
        strncat(script, "key Right\n", size - strlen(script) - 1);
}

/* Marks made with other segment lengths ('[' halves them): a normal mark decides only the
 * segments it covers whole (a 250-event mark says nothing of the 750 unreviewed events beside it),
 * and F on a segment a larger normal mark covers is already marked. */
static void partial_segment_marks(void **state)
{
    (void)state;
    char trace[600], labels[700], keys[2000] = "key [\nkey [\n";
    snprintf(trace, sizeof trace, "%s", test_path("partial.csv"));
    snprintf(labels, sizeof labels, "%s.labels.csv", trace);
    RunResult r = run_traceaid("gen", "--kind", "fifo-ls", "--seed", "12", "--events", "20000", "-o", trace);
    assert_status(r, 0);
    run_result_free(&r);
    /* events 7000-7249 (a quarter of segment 8, anomalous by the truth) marked normal */
    rights(keys, sizeof keys, 28);
    strcat(keys, "key F\n");
    explore(keys, trace, "--model", FLIGHT_MODEL);
    char *text = slurp(labels);
    assert_contains(text, "\nsegment,7000,250,normal,");
    free(text);
    r = run_traceaid("eval", "--model", FLIGHT_MODEL, "--truth", trace, "--json");
    assert_status(r, 0);
    assert_contains(r.out, "\"anomalous\":9,\"flagged\":10,\"tp\":7,\"fp\":3,\"fn\":2");
    assert_contains(r.out, "\"marks_applied\":1}");
    run_result_free(&r);
    /* the whole of segment 8 marked normal: now it is */
    keys[0] = '\0';
    rights(keys, sizeof keys, 7);
    strcat(keys, "key F\n");
    explore(keys, trace, "--model", FLIGHT_MODEL);
    r = run_traceaid("eval", "--model", FLIGHT_MODEL, "--truth", trace, "--json");
    assert_status(r, 0);
    assert_contains(r.out, "\"anomalous\":8,");
    run_result_free(&r);
    /* events 7250-7499 under that mark: already marked, no row added */
    snprintf(keys, sizeof keys, "key [\nkey [\n");
    rights(keys, sizeof keys, 29);
    strcat(keys, "key F\ndump\n");
    r = run_traceaid(trace, "--model", FLIGHT_MODEL, "--script", write_text("marks.script", keys));
    assert_status(r, 0);
    assert_contains(r.out, "segment 30 is already marked normal");
    run_result_free(&r);
    text = slurp(labels);
    assert_null(strstr(text, ",7250,"));
    free(text);
}

/* The first 2,000 sessions of each HDFS test file: the normal file's first flagged session
 * marked anomalous in the explorer moves to the abnormal side, a false positive fewer and a true
 * positive more. */
static void sessions_with_marks(void **state)
{
    (void)state;
    require_shared_data();
    char normal[600], abnormal[600], cmd[1500];
    snprintf(normal, sizeof normal, "%s", test_path("normal-head"));
    snprintf(abnormal, sizeof abnormal, "%s", test_path("abnormal-head"));
    snprintf(cmd, sizeof cmd, "head -2000 '%s' > '%s' && head -2000 '%s' > '%s'", HDFS "hdfs_test_normal", normal,
             HDFS "hdfs_test_abnormal", abnormal);
    assert_int_equal(system(cmd), 0);
    RunResult r = run_traceaid("eval", "--model", HDFS_FIXTURE, "--normal", normal, "--abnormal", abnormal, "--json");
    assert_status(r, 0);
    size_t fp = json_count(r.out, "fp"), tp = json_count(r.out, "tp"), fn = json_count(r.out, "fn");
    assert_true(fp > 0);
    assert_int_equal(json_count(r.out, "marks_applied"), 0);
    run_result_free(&r);
    /* the flagged list's first row, marked anomalous (a copy of the explorer's keys) */
    explore("key Tab\nkey Tab\nkey A\n", "--normal", normal, "--model=" HDFS_FIXTURE);
    r = run_traceaid("eval", "--model", HDFS_FIXTURE, "--normal", normal, "--abnormal", abnormal, "--json");
    assert_status(r, 0);
    assert_int_equal(json_count(r.out, "fp"), fp - 1);
    assert_int_equal(json_count(r.out, "tp"), tp + 1);
    assert_int_equal(json_count(r.out, "fn"), fn);
    assert_int_equal(json_count(r.out, "marks_applied"), 1);
    run_result_free(&r);
    r = run_traceaid("eval", "--model", HDFS_FIXTURE, "--normal", normal, "--abnormal", abnormal);
    assert_status(r, 0);
    assert_contains(r.out, "top-g 9 (1 mark applied)\n");
    run_result_free(&r);
    /* F on the same row: normal again, as before any mark */
    explore("key Tab\nkey Tab\nkey F\n", "--normal", normal, "--model=" HDFS_FIXTURE);
    r = run_traceaid("eval", "--model", HDFS_FIXTURE, "--normal", normal, "--abnormal", abnormal, "--json");
    assert_status(r, 0);
    assert_int_equal(json_count(r.out, "fp"), fp);
    assert_int_equal(json_count(r.out, "marks_applied"), 1);
    run_result_free(&r);
}

/* A session marked anomalous beside the normal file and normal beside the abnormal one (here the
 * normal file's first session, copied first into the abnormal one): the mark read last (the
 * abnormal file's) holds, whatever order sorting leaves them in, and a note names both rows. */
static void opposite_marks_in_both_files(void **state)
{
    (void)state;
    require_shared_data();
    char normal[600], abnormal[600], cmd[4200];
    snprintf(normal, sizeof normal, "%s", test_path("both-normal"));
    snprintf(abnormal, sizeof abnormal, "%s", test_path("both-abnormal"));
    snprintf(cmd, sizeof cmd,
             "head -20 '%s' > '%s' && (head -1 '%s'; head -20 '%s') > '%s' && "
             "L=$(head -1 '%s' | wc -w) && K=$(head -1 '%s') && "
             "printf 'unit,first_event,events,label,keys\\nsession,0,%%s,anomalous,%%s\\n' $L \"$K\" > '%s.labels.csv' && "
             "printf 'unit,first_event,events,label,keys\\nsession,0,%%s,normal,%%s\\n' $L \"$K\" > '%s.labels.csv'",
             HDFS "hdfs_test_normal", normal, HDFS "hdfs_test_normal", HDFS "hdfs_test_abnormal", abnormal, normal, normal,
             normal, abnormal);
    assert_int_equal(system(cmd), 0);
    RunResult r = run_traceaid("eval", "--model", HDFS_FIXTURE, "--normal", normal, "--abnormal", abnormal, "--json");
    assert_status(r, 0);
    assert_contains(r.err, "both-normal.labels.csv:2: marks a session anomalous that ");
    assert_contains(r.err, "both-abnormal.labels.csv:2 marks normal: the latter holds (read last)");
    assert_int_equal(json_count(r.out, "marks_applied"), 2);
    assert_int_equal(json_count(r.out, "fp") + json_count(r.out, "tn"), 20); /* the copy counted normal: 20 distinct */
    run_result_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(truth_with_marks),
        cmocka_unit_test(partial_segment_marks),
        cmocka_unit_test(opposite_marks_in_both_files),
        cmocka_unit_test(sessions_with_marks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
