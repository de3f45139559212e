/* Outputs against inputs, through the real binary: no command replaces one of its own inputs
 * or writes two outputs into one file; a model written through a link keeps the link and the
 * mode; a missing folder is found before any work; a failed write to standard output is an
 * error. */
#include "test_util.h"

#include <time.h>

#include "../core/report.h"

/* A small generated trace, and a model trained on it in one epoch. */
static const char *trace, *model;

static int setup(void **state)
{
    (void)state;
    static char trace_buf[512], model_buf[512];
    snprintf(trace_buf, sizeof trace_buf, "%s", test_path("t.csv"));
    snprintf(model_buf, sizeof model_buf, "%s", test_path("m.safetensors"));
    trace = trace_buf, model = model_buf;
    RunResult r = run_traceaid("gen", "--events", "3000", "-o", trace);
    int ok = r.status == 0;
    run_result_free(&r);
    r = run_traceaid("train", "--epochs", "1", "--hidden", "8", "--layers", "1", "-o", model, trace);
    ok = ok && r.status == 0;
    run_result_free(&r);
    return ok ? 0 : -1;
}

/* Fails unless path still holds exactly before. */
static void assert_unchanged(const char *path, const char *before)
{
    char *now = slurp(path);
    assert_string_equal(now, before);
    free(now);
}

/* Runs a command that must refuse, and checks that the file it would have replaced is as it was. */
#define assert_refused(path, fragment, ...)                                                   \
    do {                                                                                       \
        char *before_ = slurp(path);                                                           \
        RunResult r_ = run_traceaid(__VA_ARGS__);                                              \
        assert_status(r_, 2);                                                                  \
        assert_contains(r_.err, fragment);                                                     \
        assert_unchanged(path, before_);                                                       \
        free(before_);                                                                         \
        run_result_free(&r_);                                                                  \
    } while (0)

static void plot_refuses_its_inputs_as_output(void **state)
{
    (void)state;
    const char *truth = write_text("plot.truth", "first_event,last_event,episode\n");
    assert_refused(trace, "is the same file as the trace", "plot", "--model", model, "-o", trace, trace);
    assert_refused(model, "is the same file as --model", "plot", "--model", model, "-o", model, trace);
    assert_refused(truth, "is the same file as --truth", "plot", "--model", model, "--truth", truth, "-o", truth,
                   trace);
}

static void train_and_calibrate_refuse_their_inputs_as_output(void **state)
{
    (void)state;
    assert_refused(trace, "is the same file as the trace", "train", "--epochs", "1", "-o", trace, trace);
    const char *sessions = write_text("s.txt", "1 2 3 4 5 1 2 3 4 5\n2 3 4 5 1 2 3 4 5 1\n");
    assert_refused(sessions, "is the same file as --sessions", "train", "--epochs", "1", "-o", sessions,
                   "--sessions", sessions);
    /* Through a link too: the files are compared, not their names. */
    const char *link = test_path("trace-link.csv");
    assert_int_equal(symlink(trace, link), 0);
    assert_refused(trace, "is the same file as the trace", "calibrate", "--model", model, "-o", link, trace);
    const char *meanings = write_text("meanings.txt", "1\tone\n");
    assert_refused(meanings, "is the same file as --meanings", "calibrate", "--model", model, "--meanings",
                   meanings, "-o", meanings, trace);
}

static void gen_refuses_two_outputs_naming_one_file(void **state)
{
    (void)state;
    mkdir(test_path("gen"), 0755);
    /* Neither there yet: the same folder and name. */
    char same[600], other[600];
    snprintf(same, sizeof same, "%s", test_path("gen/same.csv"));
    snprintf(other, sizeof other, "%s", test_path("gen/../gen/./same.csv"));
    RunResult r = run_traceaid("gen", "--events", "2000", "-o", same, "--truth", other);
    assert_status(r, 2);
    assert_contains(r.err, "name the same file");
    assert_int_not_equal(access(same, F_OK), 0);
    run_result_free(&r);
    /* Already there: left as it was. */
    write_text("gen/same.csv", "the old contents\n");
    assert_refused(same, "name the same file", "gen", "--events", "2000", "-o", same, "--truth", other);
    /* A trace named .truth would get itself as its ground truth. */
    snprintf(same, sizeof same, "%s", test_path("gen/x.truth"));
    r = run_traceaid("gen", "--events", "2000", "-o", same);
    assert_status(r, 2);
    assert_contains(r.err, "name the same file");
    run_result_free(&r);
}

static void model_through_a_link_keeps_the_link_and_its_mode(void **state)
{
    (void)state;
    const char *target = test_path("private.safetensors"), *link = test_path("link.safetensors");
    RunResult r = run_traceaid("train", "--epochs", "1", "--hidden", "8", "--layers", "1", "-o", target, trace);
    assert_status(r, 0);
    run_result_free(&r);
    assert_int_equal(chmod(target, 0600), 0);
    assert_int_equal(symlink(target, link), 0);
    r = run_traceaid("calibrate", "--model", link, trace); /* writes the model it read: the link */
    assert_status(r, 0);
    run_result_free(&r);
    r = run_traceaid("train", "--epochs", "1", "--hidden", "8", "--layers", "1", "-o", link, trace);
    assert_status(r, 0);
    run_result_free(&r);
    struct stat st;
    assert_int_equal(lstat(link, &st), 0);
    assert_true(S_ISLNK(st.st_mode));
    assert_int_equal(stat(target, &st), 0);
    assert_true(S_ISREG(st.st_mode));
    assert_int_equal(st.st_mode & 07777, 0600);
}

static void output_to_a_device_writes_it(void **state)
{
    (void)state;
    RunResult r = run_traceaid("plot", "--model", model, "-o", "/dev/null", trace);
    assert_true(r.status == 0 || r.status == 1);
    run_result_free(&r);
    struct stat st;
    assert_int_equal(stat("/dev/null", &st), 0);
    assert_true(S_ISCHR(st.st_mode)); /* written, not replaced by a file (as root, it could be) */
}

static double seconds_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void train_into_a_missing_folder_fails_at_once(void **state)
{
    (void)state;
    const char *big = test_path("big.csv");
    RunResult r = run_traceaid("gen", "--events", "200000", "-o", big);
    assert_status(r, 0);
    run_result_free(&r);
    double start = seconds_now();
    r = run_traceaid("train", "-o", "/no/such/dir/m.safetensors", big);
    double took = seconds_now() - start;
    assert_status(r, 2);
    assert_contains(r.err, "/no/such/dir");
    assert_null(strstr(r.err, "epoch"));
    assert_null(strstr(r.err, "windows"));
    assert_true(took < 0.5);
    run_result_free(&r);
    r = run_traceaid("plot", "--model", model, "-o", test_path("no-such-dir/p.svg"), trace);
    assert_status(r, 2);
    assert_contains(r.err, "no-such-dir");
    run_result_free(&r);
    r = run_traceaid("train", "-o", test_path(""), trace); /* the test's folder itself */
    assert_status(r, 2);
    assert_contains(r.err, "is a directory");
    run_result_free(&r);
}

/* The explorer's w names its report after the trace: an open trace of that name stays. */
static void report_refuses_to_replace_an_open_trace(void **state)
{
    (void)state;
    char report_name[600];
    snprintf(report_name, sizeof report_name, "%s.flagged.csv", trace);
    const char *second = write_text("t.csv.flagged.csv", "timestamp,class,event\n1,a,b\n");
    assert_string_equal(second, report_name);
    Trace traces[2] = {{.path = (char *)trace}, {.path = (char *)second}};
    ScoredSet s = {.set = {.traces = traces, .n_traces = 2}};
    char path[1100];
    Error err = {0};
    assert_false(report_save_flagged(&s, 0, false, path, sizeof path, &err));
    assert_contains(err.msg, "is the same file as the trace");
    assert_unchanged(second, "timestamp,class,event\n1,a,b\n");
}

/* Exit 2 and a message, never 0 or 1 with the output lost. */
#define assert_full(...)                                                                      \
    do {                                                                                       \
        RunResult r_ = run_traceaid_to("/dev/full", __VA_ARGS__);                              \
        assert_status(r_, 2);                                                                  \
        assert_contains(r_.err, "standard output: No space left on device");                   \
        run_result_free(&r_);                                                                  \
    } while (0)

static void a_full_standard_output_is_an_error(void **state)
{
    (void)state;
    assert_full("score", "--events", "--model", model, trace);
    assert_full("score", "--model", model, trace);
    assert_full("stats", trace);
    assert_full("info", model);
    assert_full("explain", "--all", "--model", model, trace);
    assert_full("help");
    RunResult r = run_traceaid_to("/dev/full", "stats", trace);
    assert_contains(r.err, "traceaid stats: standard output");
    run_result_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(plot_refuses_its_inputs_as_output),
        cmocka_unit_test(train_and_calibrate_refuse_their_inputs_as_output),
        cmocka_unit_test(gen_refuses_two_outputs_naming_one_file),
        cmocka_unit_test(model_through_a_link_keeps_the_link_and_its_mode),
        cmocka_unit_test(output_to_a_device_writes_it),
        cmocka_unit_test(train_into_a_missing_folder_fails_at_once),
        cmocka_unit_test(report_refuses_to_replace_an_open_trace),
        cmocka_unit_test(a_full_standard_output_is_an_error),
    };
    return cmocka_run_group_tests_name("outputs against inputs", tests, setup, NULL);
}
