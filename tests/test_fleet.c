/* The fleet scripts (scripts/fleet/): one task per trace, each writing its record, then the merge,
 * run for real with the binary on small generated traces and the fixture model. The merged
 * report must count what one `traceaid score --json` over the same traces counts, and a trace
 * that cannot be scored, or whose task wrote nothing, must show as failed. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"

#define FLEET_DIR FIXTURES_DIR "/../../scripts/fleet"
#define MODEL FIXTURES_DIR "/flight-small.safetensors"

/* Runs a fleet script with bash: script, then its arguments up to NULL. */
static RunResult run_script(const char *script, ...)
{
    const char *argv[32] = {"/bin/bash"};
    char path[512];
    snprintf(path, sizeof path, "%s/%s", FLEET_DIR, script);
    int argc = 1;
    argv[argc++] = path;
    va_list ap;
    va_start(ap, script);
    for (const char *a = va_arg(ap, const char *); a && argc < 31; a = va_arg(ap, const char *))
        argv[argc++] = a;
    va_end(ap);
    argv[argc] = NULL;
    return run_traceaid_argv(-1, NULL, argv);
}

static json_t *load_json(const char *path)
{
    json_error_t error;
    json_t *root = json_load_file(path, 0, &error);
    if (!root)
        fail_msg("%s: %s (line %d)", path, error.text, error.line);
    return root;
}

static json_t *parse_json(const char *text)
{
    json_error_t error;
    json_t *root = json_loads(text, 0, &error);
    if (!root)
        fail_msg("not JSON: %s:\n%.500s", error.text, text);
    return root;
}

static json_int_t int_at(const json_t *object, const char *key)
{
    json_t *value = json_object_get(object, key);
    if (!json_is_integer(value))
        fail_msg("no integer \"%s\"", key);
    return json_integer_value(value);
}

/* The file of report whose path is path. */
static json_t *file_named(const json_t *report, const char *path)
{
    size_t i;
    json_t *file;
    json_array_foreach(json_object_get(report, "files"), i, file)
        if (strcmp(json_string_value(json_object_get(file, "path")), path) == 0)
            return file;
    fail_msg("no file %s in the report", path);
    return NULL;
}

static void segment_sums(const json_t *file, json_int_t *predicted, json_int_t *missed)
{
    size_t i;
    json_t *segment;
    *predicted = *missed = 0;
    json_array_foreach(json_object_get(file, "segments"), i, segment) {
        *predicted += int_at(segment, "predicted");
        *missed += int_at(segment, "missed");
    }
}

/* The same counts, file by file, in the merged report as in one score over the traces. */
static void assert_counts_equal(const json_t *merged, const json_t *single)
{
    assert_int_equal(json_array_size(json_object_get(merged, "files")), json_array_size(json_object_get(single, "files")));
    assert_int_equal(int_at(merged, "windows"), int_at(single, "windows"));
    assert_int_equal(int_at(merged, "segment"), int_at(single, "segment"));
    size_t i;
    json_t *file;
    json_int_t flagged = 0, flagged_traces = 0;
    json_array_foreach(json_object_get(single, "files"), i, file) {
        const json_t *ours = file_named(merged, json_string_value(json_object_get(file, "path")));
        assert_int_equal(int_at(ours, "events"), int_at(file, "events"));
        assert_int_equal(int_at(ours, "flagged"), int_at(file, "flagged"));
        assert_int_equal(json_array_size(json_object_get(ours, "segments")), json_array_size(json_object_get(file, "segments")));
        json_int_t predicted, missed, their_predicted, their_missed;
        segment_sums(ours, &predicted, &missed);
        segment_sums(file, &their_predicted, &their_missed);
        assert_int_equal(predicted, their_predicted);
        assert_int_equal(missed, their_missed);
        flagged += int_at(file, "flagged");
        flagged_traces += int_at(file, "flagged") > 0;
    }
    const json_t *fleet = json_object_get(merged, "fleet");
    assert_int_equal(int_at(fleet, "flagged"), flagged);
    assert_int_equal(int_at(fleet, "flagged_traces"), flagged_traces);
}

typedef struct Fleet {
    const char *traces[3], *missing, *list, *out;
} Fleet;

static Fleet fleet;

static int make_fleet(void **state)
{
    (void)state;
    /* a test run inside a Slurm array or a Kubernetes job must not choose the traces */
    unsetenv("SLURM_ARRAY_TASK_ID");
    unsetenv("JOB_COMPLETION_INDEX");
    setenv("TRACEAID_BIN", traceaid_bin(), 1);
    fleet.traces[0] = generated_trace("clean", "3", "5000");
    fleet.traces[1] = generated_trace("full-while", "4", "5000");
    fleet.traces[2] = generated_trace("fifo-ls", "5", "5000");
    fleet.missing = test_path("no-such-trace.csv");
    char text[2048];
    snprintf(text, sizeof text, "%s\n%s\n%s\n%s", fleet.traces[0], fleet.missing, fleet.traces[1], fleet.traces[2]);
    fleet.list = write_text("traces.txt", text); /* the last line without its newline */
    fleet.out = test_path("out");
    return 0;
}

/* One score over the three traces that exist. */
static json_t *single_score(int *status)
{
    RunResult r = run_traceaid("score", "--json", "--model", MODEL, fleet.traces[0], fleet.traces[1], fleet.traces[2]);
    assert_true(r.status == 0 || r.status == 1);
    *status = r.status;
    json_t *report = parse_json(r.out);
    run_result_free(&r);
    return report;
}

static void the_merge_counts_what_one_score_counts(void **state)
{
    (void)state;
    RunResult r = run_script("local.sh", "-j", "2", MODEL, fleet.list, fleet.out, NULL);
    assert_status(r, 2); /* a trace failed */
    assert_contains(r.out, "fleet: 4 traces: 3 scored, 1 failed;");
    char failed[600];
    snprintf(failed, sizeof failed, "FAILED   %s (task 1, exit 2): ", fleet.missing);
    assert_contains(r.out, failed);
    assert_contains(r.out, "cannot open");
    run_result_free(&r);

    int status;
    json_t *single = single_score(&status);
    char path[600];
    snprintf(path, sizeof path, "%s/fleet.json", fleet.out);
    json_t *merged = load_json(path);
    assert_counts_equal(merged, single);
    const json_t *counts = json_object_get(merged, "fleet");
    assert_int_equal(int_at(counts, "traces"), 4);
    assert_int_equal(int_at(counts, "scored"), 3);
    assert_int_equal(int_at(counts, "failed"), 1);
    const json_t *failure = json_array_get(json_object_get(counts, "failures"), 0);
    assert_string_equal(json_string_value(json_object_get(failure, "trace")), fleet.missing);
    assert_int_equal(int_at(failure, "index"), 1);
    assert_int_equal(int_at(failure, "exit"), 2);
    assert_contains(json_string_value(json_object_get(failure, "error")), "cannot open");
    /* the worst first: flagged segments never rise down the list */
    const json_t *worst = json_object_get(counts, "worst_first");
    assert_int_equal(json_array_size(worst), 3);
    for (size_t i = 1; i < json_array_size(worst); i++)
        assert_true(int_at(json_array_get(worst, i - 1), "flagged") >= int_at(json_array_get(worst, i), "flagged"));
    json_decref(merged);
    json_decref(single);
}

/* The records are renamed into place whole: no temporary file is left beside them. */
static void no_temporary_file_is_left(void **state)
{
    (void)state;
    DIR *dir = opendir(fleet.out);
    assert_non_null(dir);
    int records = 0;
    for (struct dirent *e; (e = readdir(dir));) {
        if (e->d_name[0] == '.' && strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            fail_msg("left in %s: %s", fleet.out, e->d_name);
        records += strstr(e->d_name, ".json") != NULL;
    }
    closedir(dir);
    assert_int_equal(records, 5); /* four records and the report */
}

static const char *record_of(const char *out, int index, const char *trace)
{
    static char path[600];
    const char *base = strrchr(trace, '/');
    snprintf(path, sizeof path, "%s/%06d-%s.json", out, index, base ? base + 1 : trace);
    return path;
}

/* The trace is the line the engine's index names: Slurm's array task, Kubernetes' completion
 * index, through the Slurm job file itself too. */
static void the_index_comes_from_the_engine(void **state)
{
    (void)state;
    const char *out = test_path("by-index");
    char *old = env_set("SLURM_ARRAY_TASK_ID", "2");
    RunResult r = run_script("score-one.sh", MODEL, fleet.list, out, NULL);
    env_restore("SLURM_ARRAY_TASK_ID", old);
    assert_status(r, 0); /* a flagged trace is a task done */
    run_result_free(&r);
    json_t *record = load_json(record_of(out, 2, fleet.traces[1]));
    const json_t *task = json_object_get(record, "fleet");
    assert_string_equal(json_string_value(json_object_get(task, "trace")), fleet.traces[1]);
    const json_t *files = json_object_get(json_object_get(record, "score"), "files");
    assert_string_equal(json_string_value(json_object_get(json_array_get(files, 0), "path")), fleet.traces[1]);
    json_decref(record);

    old = env_set("JOB_COMPLETION_INDEX", "3"); /* the last line, without its newline */
    r = run_script("score-one.sh", MODEL, fleet.list, out, NULL);
    env_restore("JOB_COMPLETION_INDEX", old);
    assert_status(r, 0);
    run_result_free(&r);
    assert_int_equal(access(record_of(out, 3, fleet.traces[2]), R_OK), 0);

    char *old_dir = env_set("FLEET_DIR", FLEET_DIR);
    old = env_set("SLURM_ARRAY_TASK_ID", "0");
    r = run_script("fleet.slurm", MODEL, fleet.list, out, NULL);
    env_restore("SLURM_ARRAY_TASK_ID", old);
    env_restore("FLEET_DIR", old_dir);
    assert_status(r, 0);
    run_result_free(&r);
    record = load_json(record_of(out, 0, fleet.traces[0]));
    /* the record keeps traceaid's exit status: 1 when flagged */
    const json_t *scored = json_array_get(json_object_get(json_object_get(record, "score"), "files"), 0);
    assert_int_equal(int_at(json_object_get(record, "fleet"), "exit"), int_at(scored, "flagged") > 0);
    json_decref(record);

    r = run_script("score-one.sh", "--index", "4", MODEL, fleet.list, out, NULL);
    assert_status(r, 2);
    assert_contains(r.err, "index 4: ");
    assert_contains(r.err, "has 4 traces");
    run_result_free(&r);
    r = run_script("score-one.sh", MODEL, fleet.list, out, NULL);
    assert_status(r, 2);
    assert_contains(r.err, "which trace?");
    run_result_free(&r);
}

/* Without a failure the merge exits as score does over the same traces; a task that wrote nothing,
 * or a record cut short, is a failed trace. */
static void merge_status_and_lost_records(void **state)
{
    (void)state;
    char text[2048];
    snprintf(text, sizeof text, "%s\n%s\n%s\n", fleet.traces[0], fleet.traces[1], fleet.traces[2]);
    const char *list = write_text("scored.txt", text), *out = test_path("scored");
    RunResult r = run_script("local.sh", "-j", "2", MODEL, list, out, NULL);
    int status;
    json_t *single = single_score(&status);
    assert_status(r, status);
    run_result_free(&r);
    char path[600];
    snprintf(path, sizeof path, "%s/fleet.json", out);
    json_t *merged = load_json(path);
    assert_counts_equal(merged, single);
    json_decref(merged);
    json_decref(single);

    /* the first task never ran, the second's record was cut short */
    assert_int_equal(unlink(record_of(out, 0, fleet.traces[0])), 0);
    char *whole = slurp(record_of(out, 1, fleet.traces[1]));
    whole[strlen(whole) / 2] = '\0';
    write_bytes("scored/000001-full-while-4.csv.json", whole, strlen(whole));
    free(whole);
    const char *report = test_path("lost.json");
    r = run_script("merge.sh", "-o", report, list, out, NULL);
    assert_status(r, 2);
    assert_contains(r.out, "fleet: 3 traces: 1 scored, 2 failed;");
    assert_contains(r.out, "no record: the task did not run");
    assert_contains(r.out, "unreadable record: ");
    run_result_free(&r);
    merged = load_json(report);
    assert_int_equal(int_at(json_object_get(merged, "fleet"), "failed"), 2);
    assert_int_equal(json_array_size(json_object_get(merged, "files")), 1);
    json_decref(merged);

    /* the second task run again; the third's record JSON, but not a record */
    r = run_script("score-one.sh", "--index", "1", MODEL, list, out, NULL);
    assert_status(r, 0);
    run_result_free(&r);
    write_text("scored/000002-fifo-ls-5.csv.json", "{}\n");
    r = run_script("merge.sh", "-o", report, list, out, NULL);
    assert_status(r, 2);
    assert_contains(r.out, "fleet: 3 traces: 1 scored, 2 failed;");
    char failed[600];
    snprintf(failed, sizeof failed, "FAILED   %s (task 2, exit -1): unreadable record: ", fleet.traces[2]);
    assert_contains(r.out, failed);
    run_result_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_merge_counts_what_one_score_counts),
        cmocka_unit_test(no_temporary_file_is_left),
        cmocka_unit_test(the_index_comes_from_the_engine),
        cmocka_unit_test(merge_status_and_lost_records),
    };
    return cmocka_run_group_tests(tests, make_fleet, NULL);
}
