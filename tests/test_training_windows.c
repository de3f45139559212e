/* The training windows file train writes beside a model (model/training_windows.h): what it
 * holds, explain's nearest normal window from it without --normal, and a file that is not the
 * model's (another model, other weights, corrupt) named in a warning, never fatal. */
#include "test_util.h"

#include "../core/calibrate.h"
#include "../core/explainer.h"
#include "../core/model_vocab.h"
#include "../io/trace_set.h"
#include "../model/training_windows.h"

#ifndef FIXTURES_DIR
#define FIXTURES_DIR "tests/fixtures"
#endif

static const char *NEAREST_LINE = "nearest normal window in the training data";

/* n sessions of the cycle 1..keys, each from a different start */
static const char *cyclic_sessions(const char *name, int n, int length, int keys)
{
    static char text[65536];
    size_t o = 0;
    for (int s = 0; s < n; s++) {
        for (int i = 0; i < length; i++)
            o += (size_t)snprintf(text + o, sizeof text - o, "%d ", (s + i) % keys + 1);
        text[o++] = '\n';
    }
    text[o] = '\0';
    return write_text(name, text);
}

static const char *train_deeplog(const char *name, const char *sessions, const char *window, const char *seed)
{
    const char *model = test_path(name);
    RunResult r = run_traceaid("train", "--hidden", "8", "--layers", "1", "--window", window, "--top-g", "2", "--epochs", "3",
                               "--seed", seed, "-o", model, "--sessions", sessions);
    assert_status(r, 0);
    run_result_free(&r);
    return model;
}

static const char *windows_of(const char *model)
{
    static char path[8][600];
    static int next;
    char *p = path[next++ % 8];
    assert_true(training_windows_path(model, p, 600));
    return p;
}

static void copy_file(const char *from, const char *to)
{
    char cmd[1300];
    snprintf(cmd, sizeof cmd, "cp '%s' '%s'", from, to);
    assert_int_equal(system(cmd), 0);
}

static bool same_bytes(const char *a, const char *b)
{
    char cmd[1300];
    snprintf(cmd, sizeof cmd, "cmp -s '%s' '%s'", a, b);
    return system(cmd) == 0;
}

static void names_beside_the_model(void **state)
{
    (void)state;
    char path[64];
    assert_true(training_windows_path("m.safetensors", path, sizeof path));
    assert_string_equal(path, "m.windows.safetensors");
    assert_true(training_windows_path("dir.v2/model", path, sizeof path));
    assert_string_equal(path, "dir.v2/model.windows.safetensors");
    assert_true(training_windows_path("a.pt", path, sizeof path));
    assert_string_equal(path, "a.pt.windows.safetensors");
    assert_false(training_windows_path("a-rather-long-name.safetensors", path, 16));
}

/* Integer tensors go out and come back; a model's reader still takes F32 alone. */
static void safetensors_integer_tensors(void **state)
{
    (void)state;
    int32_t keys[] = {1, -2, 3, 4, 5, 6};
    int64_t counts[] = {7, (int64_t)1 << 40};
    StTensor tensors[] = {{.name = "k", .ndim = 2, .shape = {2, 3}, .numel = 6, .i32 = keys, .dtype = ST_I32},
                          {.name = "c", .ndim = 1, .shape = {2}, .numel = 2, .i64 = counts, .dtype = ST_I64}};
    const char *path = test_path("ints.safetensors");
    Error err = {0};
    assert_true(safetensors_save(path, tensors, 2, NULL, NULL, 0, &err));
    SafeTensors st;
    assert_true(safetensors_load_dtypes(&st, path, ST_I32 | ST_I64, &err));
    const StTensor *k = safetensors_find(&st, "k"), *c = safetensors_find(&st, "c");
    assert_non_null(k);
    assert_non_null(c);
    assert_int_equal(k->dtype, ST_I32);
    assert_int_equal(k->i32[1], -2);
    assert_int_equal(c->dtype, ST_I64);
    assert_true(c->i64[1] == (int64_t)1 << 40);
    safetensors_free(&st);
    assert_false(safetensors_load(&st, path, &err));
    assert_contains(err.msg, "dtype I32, expected F32");
}

/* HDFS: the windows of the README's run, the model file exactly what the model saves, explain's
 * nearest window without --normal the same as with it. */
static void hdfs_windows_and_explain(void **state)
{
    (void)state;
    require_shared_data();
    const char *model = test_path("hdfs.safetensors");
    RunResult r = run_traceaid("train", "--model", "deeplog", "--epochs", "1", "-o", model, "--sessions",
                               SHARED_DATA "/hdfs/hdfs_train");
    assert_status(r, 0);
    assert_contains(r.err, "(4,092 distinct)");
    assert_contains(r.err, "train: wrote its 4,092 distinct training windows to");
    assert_contains(r.err, "hdfs.windows.safetensors");
    run_result_free(&r);

    Model m;
    WindowSet ws;
    TrainingWindowsInfo info;
    Error err = {0};
    assert_true(model_load(&m, model, NULL, &err));
    assert_true(training_windows_load(&m, windows_of(model), &ws, &info, &err));
    assert_int_equal(ws.width, 11);
    assert_int_equal(ws.n, 4092);
    assert_int_equal(info.total, 46575);
    assert_int_equal(ws.total, 46575);
    assert_true(info.same_params);
    /* the model file holds the model and nothing more: saving what was read gives the same bytes */
    const char *again = test_path("hdfs-again.safetensors");
    assert_true(model_save(&m, again, &err));
    assert_true(same_bytes(model, again));
    window_set_free(&ws);
    model_free(&m);

    r = run_traceaid("explain", "--model", model, "--sessions", SHARED_DATA "/hdfs/hdfs_test_abnormal", "--session", "1");
    assert_status(r, 0);
    assert_contains(r.out, "Nearest");
    assert_contains(r.out, NEAREST_LINE);
    assert_true(strstr(r.err, "warning") == NULL);
    run_result_free(&r);
    RunResult beside = run_traceaid("explain", "--model", model, "--sessions", SHARED_DATA "/hdfs/hdfs_test_abnormal",
                                    "--session", "1", "--json");
    RunResult normal = run_traceaid("explain", "--model", model, "--sessions", SHARED_DATA "/hdfs/hdfs_test_abnormal",
                                    "--session", "1", "--json", "--normal", SHARED_DATA "/hdfs/hdfs_train");
    assert_status(beside, 0);
    assert_status(normal, 0);
    assert_contains(beside.out, "\"nearest\":");
    char *cut_a = strstr(beside.out, ",\"seconds\""), *cut_b = strstr(normal.out, ",\"seconds\"");
    assert_non_null(cut_a);
    assert_non_null(cut_b);
    *cut_a = *cut_b = '\0'; /* the training data is the --normal file: the same nearest window */
    assert_string_equal(beside.out, normal.out);
    run_result_free(&beside);
    run_result_free(&normal);
}

/* Seq2seq's windows are Tx + Ty keys from the part of each trace it trained on: the file holds
 * exactly those, with their counts. */
static void seq2seq_windows_are_the_training_part(void **state)
{
    (void)state;
    const char *trace = generated_trace("clean", "3", "20000");
    const char *model = test_path("s2s.safetensors");
    RunResult r = run_traceaid("train", "--model", "seq2seq", "--hidden", "16", "--embed", "8", "--attn", "8",
                               "--epochs", "1", "-o", model, trace);
    assert_status(r, 0);
    assert_contains(r.err, "distinct training windows to");
    run_result_free(&r);

    Model m;
    Error err = {0};
    assert_true(model_load(&m, model, NULL, &err));
    TraceSet set;
    trace_set_init(&set);
    TraceInput input = {trace, TRACE_FORMAT_AUTO};
    TraceOptions opt = {0};
    assert_true(model_vocab_seed(&set, &m, &err));
    assert_true(trace_set_load(&set, &input, 1, &opt, &err));
    WindowSet want, got;
    window_set_init(&want, 10);
    assert_true(model_add_windows(&m, &set.traces[0], 0, holdout_start(&set.traces[0], 0.2f, 1000), &want, &err));
    TrainingWindowsInfo info;
    assert_true(training_windows_load(&m, windows_of(model), &got, &info, &err));
    assert_int_equal(got.width, 10);
    assert_int_equal(got.n, want.n);
    assert_int_equal(got.total, want.total);
    for (size_t w = 0; w < got.n; w++) {
        int64_t at = window_set_find(&want, got.keys + w * 10);
        assert_true(at >= 0);
        assert_true(want.count[at] == got.count[w]);
    }
    /* what the explorer's i does: the Explainer finds the file beside the model */
    Explainer x;
    InterpretOptions iopt = INTERPRET_DEFAULTS;
    assert_true(explainer_init_trained(&x, &m, &iopt, &err));
    assert_string_equal(x.nearest_note, "");
    assert_true(x.training.ready);
    Interpretation in;
    size_t first;
    assert_true(explainer_at(&x, &set.traces[0], 500, &in, &first));
    assert_true(in.has_nearest);
    explainer_free(&x);
    window_set_free(&want);
    window_set_free(&got);
    trace_set_free(&set);
    model_free(&m);
}

/* Models without the file (trained elsewhere, or the file removed) explain as before. */
static void no_windows_file_no_nearest(void **state)
{
    (void)state;
    const char *trace = generated_trace("fifo-ls", "5", "5000");
    const char *alone = test_path("alone.safetensors"); /* the fixture without the windows beside it */
    copy_file(FIXTURES_DIR "/flight-small.safetensors", alone);
    RunResult r = run_traceaid("explain", "--model", alone, trace, "--at", "1000");
    assert_status(r, 0);
    assert_string_equal(r.err, "");
    assert_true(strstr(r.out, "Nearest") == NULL);
    run_result_free(&r);

    const char *model = train_deeplog("gone.safetensors", cyclic_sessions("gone.txt", 20, 30, 6), "3", "1");
    assert_int_equal(unlink(windows_of(model)), 0);
    r = run_traceaid("explain", "--model", model, "--sessions", cyclic_sessions("gone-test.txt", 1, 30, 6), "--at", "10");
    assert_status(r, 0);
    assert_string_equal(r.err, "");
    assert_true(strstr(r.out, "Nearest") == NULL);
    run_result_free(&r);
}

/* The fixture model's windows file (make fixture-windows) is its own: the screens show it. */
static void fixture_has_its_windows(void **state)
{
    (void)state;
    const char *trace = generated_trace("fifo-ls", "12", "20000");
    RunResult r = run_traceaid("explain", "--model", FIXTURES_DIR "/flight-small.safetensors", trace, "--at", "15002");
    assert_status(r, 0);
    assert_string_equal(r.err, "");
    assert_contains(r.out, "Nearest");
    run_result_free(&r);
}

/* Explains event 10 of a cyclic session with model; stderr must hold fragment, and no nearest. */
static void explain_warns(const char *model, const char *fragment)
{
    const char *sessions = cyclic_sessions("warn-test.txt", 1, 30, 6);
    RunResult r = run_traceaid("explain", "--model", model, "--sessions", sessions, "--at", "10");
    assert_status(r, 0);
    assert_contains(r.err, "traceaid explain: warning: ");
    assert_contains(r.err, windows_of(model));
    assert_contains(r.err, fragment);
    assert_contains(r.err, "; no nearest normal window");
    assert_true(strstr(r.out, "Nearest") == NULL);
    assert_contains(r.out, "Ref."); /* the interpretation itself goes on */
    run_result_free(&r);
}

static void another_models_file_warns(void **state)
{
    (void)state;
    const char *six = cyclic_sessions("six.txt", 20, 30, 6), *seven = cyclic_sessions("seven.txt", 20, 30, 7);
    const char *model = train_deeplog("mine.safetensors", six, "3", "1");
    const char *wider = train_deeplog("wider.safetensors", six, "4", "1");
    const char *other_keys = train_deeplog("keys.safetensors", seven, "3", "1");
    char mine[600];
    snprintf(mine, sizeof mine, "%s", windows_of(model));
    copy_file(mine, test_path("mine.keep"));

    copy_file(windows_of(wider), mine);
    explain_warns(model, "windows of 4+1 keys for a deeplog model; the model reads 3+1 (deeplog): the file is another model's");
    copy_file(windows_of(other_keys), mine);
    explain_warns(model, "written for a vocabulary of 7 keys; the model has 6");
    /* --normal wins: the file beside the model is not read at all */
    RunResult r = run_traceaid("explain", "--model", model, "--sessions", cyclic_sessions("wins.txt", 1, 30, 6), "--at",
                               "10", "--normal", six);
    assert_status(r, 0);
    assert_string_equal(r.err, "");
    assert_contains(r.out, "Nearest");
    run_result_free(&r);

    /* trained again: the same vocabulary and shape, other weights */
    copy_file(test_path("mine.keep"), test_path("old.windows"));
    train_deeplog("mine.safetensors", six, "3", "2");
    copy_file(test_path("old.windows"), mine);
    explain_warns(model, "written for other weights of this model");
}

static void corrupt_file_warns(void **state)
{
    (void)state;
    const char *model = train_deeplog("bad.safetensors", cyclic_sessions("bad.txt", 20, 30, 6), "3", "1");
    const char *windows = windows_of(model);
    assert_int_equal(truncate(windows, 100), 0);
    explain_warns(model, "truncated");
    copy_file(model, windows);
    explain_warns(model, "not a training windows file");
}

/* A file damaged in its data: each refused by name and place. */
static void damaged_data_refused(void **state)
{
    (void)state;
    const char *model = train_deeplog("dmg.safetensors", cyclic_sessions("dmg.txt", 20, 30, 6), "3", "1");
    Model m;
    Error err = {0};
    assert_true(model_load(&m, model, NULL, &err));
    WindowSet ws;
    window_set_init(&ws, 4);
    uint32_t a[] = {0, 1, 2, 3}, b[] = {1, 2, 3, 4};
    assert_true(window_set_add(&ws, a, NULL, &err));
    assert_true(window_set_add(&ws, b, NULL, &err));
    assert_true(window_set_add(&ws, b, NULL, &err));
    const char *path = test_path("dmg.windows.safetensors");
    assert_true(training_windows_save(&m, &ws, path, &err));
    WindowSet back;
    TrainingWindowsInfo info;
    assert_true(training_windows_load(&m, path, &back, &info, &err));
    assert_int_equal(back.n, 2);
    assert_true(back.count[1] == 2.0f);
    assert_int_equal(info.total, 3);
    window_set_free(&back);

    ws.keys[5] = 6; /* window 1, position 2: past the 6 keys */
    assert_true(training_windows_save(&m, &ws, path, &err));
    assert_false(training_windows_load(&m, path, &back, &info, &err));
    assert_contains(err.msg, "window 1, position 2: key id 6 outside the model's 6 keys");

    memcpy(ws.keys + 4, a, sizeof a); /* window 1 the same as window 0 */
    assert_true(training_windows_save(&m, &ws, path, &err));
    assert_false(training_windows_load(&m, path, &back, &info, &err));
    assert_contains(err.msg, "window 1 repeats window 0");
    window_set_free(&ws);
    model_free(&m);
}

/* A model written where no file can lie beside it goes without; training still works. */
static void device_output_no_windows(void **state)
{
    (void)state;
    RunResult r = run_traceaid("train", "--hidden", "8", "--layers", "1", "--window", "3", "--top-g", "2", "--epochs", "1", "-o",
                               "/dev/null", "--sessions", cyclic_sessions("dev.txt", 5, 30, 6));
    assert_status(r, 0);
    assert_true(strstr(r.err, "training windows") == NULL);
    assert_int_equal(access("/dev/null.windows.safetensors", F_OK), -1);
    run_result_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(names_beside_the_model),
        cmocka_unit_test(safetensors_integer_tensors),
        cmocka_unit_test(hdfs_windows_and_explain),
        cmocka_unit_test(seq2seq_windows_are_the_training_part),
        cmocka_unit_test(no_windows_file_no_nearest),
        cmocka_unit_test(fixture_has_its_windows),
        cmocka_unit_test(another_models_file_warns),
        cmocka_unit_test(corrupt_file_warns),
        cmocka_unit_test(damaged_data_refused),
        cmocka_unit_test(device_output_no_windows),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
