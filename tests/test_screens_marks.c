/* The operator's marks in the explorer (F, A, u): on the real HDFS sessions and on a kernel trace,
 * at 80x24 and 200x50; the marks file they leave beside the trace, read back; and a reopened
 * trace showing its marks, a row that no longer matches reported and not applied. */
#include "screens_run.h"

#include <stdlib.h>
#include <string.h>

#include "../io/labels.h"

#define HDFS_FIXTURE FIXTURES_DIR "/hdfs-deeplog.safetensors"

/* A fresh copy's place for the HDFS file name (a link: the marks go beside it, in the test's
 * folder, never beside the shared data). */
static const char *hdfs_link(const char *dir, const char *name)
{
    char target[600], *path = malloc(800);
    assert_non_null(path);
    snprintf(target, sizeof target, "%s/hdfs/%s", SHARED_DATA, name);
    char folder[600];
    snprintf(folder, sizeof folder, "%s", test_path(dir));
    mkdir(folder, 0755);
    snprintf(path, 800, "%s/%s", folder, name);
    unlink(path);
    assert_int_equal(symlink(target, path), 0);
    return path;
}

static Labels read_marks(const char *trace_path)
{
    char path[900];
    Labels labels;
    Error err = {0};
    assert_true(labels_path(trace_path, path, sizeof path));
    assert_true(labels_load(&labels, path, &err));
    return labels;
}

/* The script over both HDFS files (in dir), labelled normal and abnormal; returns the normal
 * file's path (the caller frees it). */
static char *sessions_screens(const char *name, const char *dir)
{
    require_shared_data();
    char *normal = (char *)hdfs_link(dir, "hdfs_test_normal"), *abnormal = (char *)hdfs_link(dir, "hdfs_test_abnormal");
    const char *options[] = {"--normal", normal, "--abnormal", abnormal, "--model", HDFS_FIXTURE,
                             "--meanings", SHARED_DATA "/hdfs/log_key_meanings.txt", NULL};
    char *old = env_set("LC_ALL", "C");
    screens_with(name, options);
    env_restore("LC_ALL", old);
    free(abnormal);
    return normal;
}

/* After the script: session 22 (the first flagged) marked normal, session 28 anomalous; session
 * 1's mark undone. */
static void check_session_marks(const char *normal)
{
    Labels l = read_marks(normal);
    assert_int_equal(l.n_rows, 2);
    assert_int_equal(l.rows[0].unit, LABEL_UNIT_SESSION);
    assert_int_equal(l.rows[0].label, LABEL_NORMAL);
    assert_int_equal(l.rows[0].first_event, 583);
    assert_int_equal(l.rows[0].events, 37);
    assert_string_equal(l.rows[0].keys[0], "5");
    assert_string_equal(l.rows[0].keys[2], "22");
    assert_int_equal(l.rows[1].label, LABEL_ANOMALOUS);
    assert_int_equal(l.rows[1].first_event, 759);
    labels_free(&l);
}

static void screen_marks_sessions_80x24(void **state)
{
    (void)state;
    char *normal = sessions_screens("marks_sessions_80x24", "s80");
    check_session_marks(normal);
    free(normal);
}

static void screen_marks_sessions_200x50(void **state)
{
    (void)state;
    char *normal = sessions_screens("marks_sessions_200x50", "s200");
    check_session_marks(normal);
    free(normal);
}

/* A kernel trace generated in dir (fifo-ls, as the other screens' trace). */
static const char *kernel_trace(const char *dir)
{
    static char path[800];
    char folder[600];
    snprintf(folder, sizeof folder, "%s", test_path(dir));
    mkdir(folder, 0755);
    snprintf(path, sizeof path, "%s/fifo-ls.csv", folder);
    RunResult r = run_traceaid("gen", "--kind", "fifo-ls", "--seed", "12", "--events", "20000", "-o", path);
    assert_status(r, 0);
    run_result_free(&r);
    return path;
}

/* After the script: segment 1 marked normal; segment 3's mark undone. */
static void check_kernel_marks(const char *trace)
{
    Labels l = read_marks(trace);
    assert_int_equal(l.n_rows, 1);
    assert_int_equal(l.rows[0].unit, LABEL_UNIT_SEGMENT);
    assert_int_equal(l.rows[0].label, LABEL_NORMAL);
    assert_int_equal(l.rows[0].first_event, 0);
    assert_int_equal(l.rows[0].events, 1000);
    assert_string_equal(l.rows[0].keys[0], "CONTROL/BUFFER");
    labels_free(&l);
}

static void screen_marks_kernel_80x24(void **state)
{
    (void)state;
    const char *trace = kernel_trace("k80");
    screens_on("marks_kernel_80x24", trace, true);
    check_kernel_marks(trace);
}

static void screen_marks_kernel_200x50(void **state)
{
    (void)state;
    const char *trace = kernel_trace("k200");
    screens_on("marks_kernel_200x50", trace, true);
    check_kernel_marks(trace);
}

/* A marks file from an earlier run (segment 1 marked normal, segment 3 anomalous, by a script of
 * F and A) and a row that no longer matches: shown, and reported on the status line; u has nothing
 * of this run to undo, and the file is not written again. */
static void screen_marks_reopen(void **state)
{
    (void)state;
    const char *trace = kernel_trace("reopen");
    const char *script = write_text("reopen.script", "key F\nkey Right\nkey Right\nkey A\n");
    RunResult r = run_traceaid(trace, "--script", script, "--model", FIXTURES_DIR "/flight-small.safetensors");
    assert_status(r, 0);
    run_result_free(&r);
    Labels l = read_marks(trace);
    assert_int_equal(l.n_rows, 2);
    const char *stale_keys[] = {"NOT/THIS"};
    Error err = {0};
    assert_true(labels_add(&l, LABEL_UNIT_SEGMENT, 5000, 1, LABEL_ANOMALOUS, stale_keys, &err));
    char path[900];
    assert_true(labels_path(trace, path, sizeof path));
    assert_true(labels_save(&l, path, &err));
    labels_free(&l);
    char *before = slurp(path);
    screens_on("marks_reopen", trace, true);
    char *after = slurp(path);
    assert_string_equal(before, after);
    free(before);
    free(after);
}

/* U over a copy of the fixture model: the updated model beside it, the original untouched, and
 * the trace scored again with the updated one. */
static void update_screens(const char *name, const char *dir)
{
    const char *trace = kernel_trace(dir);
    char model[900], windows[900], updated[900], cmd[3000];
    snprintf(model, sizeof model, "%s/flight-small.safetensors", test_path(dir));
    snprintf(windows, sizeof windows, "%s/flight-small.windows.safetensors", test_path(dir));
    snprintf(updated, sizeof updated, "%s/flight-small.updated.safetensors", test_path(dir));
    snprintf(cmd, sizeof cmd, "cp '%s' '%s' && cp '%s' '%s'", FIXTURES_DIR "/flight-small.safetensors", model,
             FIXTURES_DIR "/flight-small.windows.safetensors", windows);
    assert_int_equal(system(cmd), 0);
    const char *options[] = {trace, "--model", model, NULL};
    char *old = env_set("LC_ALL", "C");
    screens_with(name, options);
    env_restore("LC_ALL", old);
    snprintf(cmd, sizeof cmd, "cmp -s '%s' '%s'", FIXTURES_DIR "/flight-small.safetensors", model);
    assert_int_equal(system(cmd), 0); /* the original untouched */
    assert_int_equal(access(updated, R_OK), 0);
    snprintf(updated, sizeof updated, "%s/flight-small.updated.windows.safetensors", test_path(dir));
    assert_int_equal(access(updated, R_OK), 0);
}

/* U after [ [ (segments of 250) and + (the threshold moved): the worker scores with the model's
 * own segments and threshold; the explorer sets the operator's again, and the selection (the
 * last of 80 segments) stays in range (it read past the 20 segments' scores). */
static void update_keeps_segments_and_threshold(void **state)
{
    (void)state;
    const char *trace = kernel_trace("ukeep");
    char model[900], cmd[3000];
    snprintf(model, sizeof model, "%s/flight-small.safetensors", test_path("ukeep"));
    snprintf(cmd, sizeof cmd, "cp '%s' '%s' && cp '%s' '%s/flight-small.windows.safetensors'",
             FIXTURES_DIR "/flight-small.safetensors", model, FIXTURES_DIR "/flight-small.windows.safetensors",
             test_path("ukeep"));
    assert_int_equal(system(cmd), 0);
    const char *script = write_text("ukeep.script", "size 200x50\nkey [\nkey [\nkey +\nkey End\nkey F\nkey U\ndump\n");
    RunResult r = run_traceaid(trace, "--model", model, "--script", script);
    assert_status(r, 0);
    const char *after = strstr(r.out, "updated: 1 mark learned");
    assert_non_null(after);
    assert_contains(after, "threshold 21.08% kept, segments of 250 kept");
    assert_contains(r.out, "segments of 250 events: miss rate");
    assert_contains(r.out, "threshold 21.08%  38 of 80 flagged");
    assert_contains(r.out, "segment 80: 13.60%, marked normal");
    run_result_free(&r);
}

/* Marks made with other segment lengths: only a segment a normal mark covers whole shows it. */
static void screen_marks_partial_80x24(void **state)
{
    (void)state;
    screens_on("marks_partial_80x24", kernel_trace("p80"), true);
}

static void screen_marks_partial_200x50(void **state)
{
    (void)state;
    screens_on("marks_partial_200x50", kernel_trace("p200"), true);
}

static void screen_marks_update_keep_80x24(void **state) { (void)state; update_screens("marks_update_keep_80x24", "uk80"); }
static void screen_marks_update_keep_200x50(void **state) { (void)state; update_screens("marks_update_keep_200x50", "uk200"); }

static void screen_marks_update_80x24(void **state) { (void)state; update_screens("marks_update_80x24", "u80"); }
static void screen_marks_update_200x50(void **state) { (void)state; update_screens("marks_update_200x50", "u200"); }

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(screen_marks_sessions_80x24), cmocka_unit_test(screen_marks_sessions_200x50),
        cmocka_unit_test(screen_marks_kernel_80x24), cmocka_unit_test(screen_marks_kernel_200x50),
        cmocka_unit_test(update_keeps_segments_and_threshold),
        cmocka_unit_test(screen_marks_partial_80x24), cmocka_unit_test(screen_marks_partial_200x50),
        cmocka_unit_test(screen_marks_update_keep_80x24), cmocka_unit_test(screen_marks_update_keep_200x50),
        cmocka_unit_test(screen_marks_reopen),
        cmocka_unit_test(screen_marks_update_80x24), cmocka_unit_test(screen_marks_update_200x50),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
