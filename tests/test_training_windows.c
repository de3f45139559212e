/* The training windows file train writes beside a model (model/training_windows.h): what it
 * holds, explain's nearest normal window from it without --normal, and a file that is not the
 * model's (another model, other weights, corrupt) named in a warning, never fatal. */
#include "test_util.h"

#include <inttypes.h>

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

/* A windows file for m written as given, bypassing the writer's checks: n windows of width keys,
 * the metadata as the writer's but total as given, and omit (may be NULL) left out. */
static void write_raw(const Model *m, const char *path, const int32_t *keys, const int64_t *counts, size_t n,
                      int width, const char *omit, const char *total)
{
    int tx, ty, stride, n_keys;
    model_window_shape(m, &tx, &ty, &stride);
    model_key_names(m, &n_keys);
    char text_tx[16], text_ty[16], text_keys[16], vocab_hash[24], params_hash[24];
    snprintf(text_tx, sizeof text_tx, "%d", tx);
    snprintf(text_ty, sizeof text_ty, "%d", ty);
    snprintf(text_keys, sizeof text_keys, "%d", n_keys);
    snprintf(vocab_hash, sizeof vocab_hash, "%016" PRIx64, model_vocab_hash(m));
    snprintf(params_hash, sizeof params_hash, "%016" PRIx64, model_params_hash(m));
    const char *meta_keys[] = {"format", "version", "model", "tx", "ty", "vocab_size", "vocab_hash", "params_hash",
                               "total"};
    const char *meta_values[] = {TRAINING_WINDOWS_FORMAT, TRAINING_WINDOWS_VERSION, model_kind_name(m), text_tx,
                                 text_ty, text_keys, vocab_hash, params_hash, total};
    const char *kept_keys[9], *kept_values[9];
    size_t n_meta = 0;
    for (size_t i = 0; i < 9; i++)
        if (!omit || strcmp(meta_keys[i], omit) != 0)
            kept_keys[n_meta] = meta_keys[i], kept_values[n_meta++] = meta_values[i];
    int32_t no_key = 0;
    int64_t no_count = 0;
    StTensor tensors[] = {
        {.name = "windows", .ndim = 2, .shape = {(int64_t)n, width}, .numel = n * (size_t)width,
         .i32 = keys ? (int32_t *)keys : &no_key, .dtype = ST_I32},
        {.name = "counts", .ndim = 1, .shape = {(int64_t)n}, .numel = n, .i64 = counts ? (int64_t *)counts : &no_count,
         .dtype = ST_I64},
    };
    Error err = {0};
    assert_true(safetensors_save(path, tensors, 2, kept_keys, kept_values, n_meta, &err));
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

    /* the writer refuses what the reader would: a key id past the 6 keys, no window at all */
    ws.keys[5] = 6;
    assert_false(training_windows_save(&m, &ws, path, &err));
    assert_contains(err.msg, "window 1, position 2: key id 6 outside the model's 6 keys: not written");
    ws.keys[5] = 2, ws.count[0] = 0;
    assert_false(training_windows_save(&m, &ws, path, &err));
    assert_contains(err.msg, "window 0: count 0, expected 1 to 2^53: not written");
    ws.keys[5] = 6, ws.count[0] = 1;
    WindowSet empty;
    window_set_init(&empty, 4);
    assert_false(training_windows_save(&m, &empty, path, &err));
    assert_contains(err.msg, "no windows to write");
    window_set_free(&empty);

    int32_t keys[] = {0, 1, 2, 3, 1, 2, 6, 4};
    int64_t counts[] = {1, 2};
    write_raw(&m, path, keys, counts, 2, 4, NULL, "3");
    assert_false(training_windows_load(&m, path, &back, &info, &err));
    assert_contains(err.msg, "window 1, position 3: key id 6 outside the model's 6 keys");

    memcpy(keys + 4, keys, 4 * sizeof *keys); /* window 1 the same as window 0 */
    write_raw(&m, path, keys, counts, 2, 4, NULL, "3");
    assert_false(training_windows_load(&m, path, &back, &info, &err));
    assert_contains(err.msg, "window 1 repeats window 0");
    window_set_free(&ws);
    model_free(&m);
}

/* DeepLog's windows of traces with keys it does not know hold ids past its vocabulary: those are
 * left out (scripts/windows_file.c), the rest written and read back. */
static void unknown_keys_left_out(void **state)
{
    (void)state;
    const char *model = train_deeplog("unknown.safetensors", cyclic_sessions("unknown.txt", 20, 30, 6), "3", "1");
    Model m;
    Error err = {0};
    assert_true(model_load(&m, model, NULL, &err));
    TraceSet set;
    trace_set_init(&set);
    TraceInput input = {write_text("unknown-test.txt", "1 2 3 4 5 6 1 2 3\n1 2 9 4 5 6 1\n"), TRACE_FORMAT_AUTO};
    TraceOptions opt = {0};
    assert_true(model_vocab_seed(&set, &m, &err));
    assert_true(trace_set_load(&set, &input, 1, &opt, &err));
    WindowSet all, known;
    window_set_init(&all, 4);
    assert_true(model_add_windows(&m, &set.traces[0], 0, set.traces[0].n_events, &all, &err));
    size_t skipped;
    assert_true(training_windows_known(&m, &all, &known, &skipped, &err));
    assert_int_equal(skipped, 3); /* three of session 2's four windows hold key 9; its 4 5 6 1 is session 1's too */
    assert_int_equal(known.n, 6);
    assert_int_equal(known.total, 7);
    const char *path = test_path("unknown.windows.safetensors");
    assert_false(training_windows_save(&m, &all, path, &err)); /* what the reader would refuse */
    assert_contains(err.msg, "outside the model's 6 keys: not written");
    assert_true(training_windows_save(&m, &known, path, &err));
    WindowSet back;
    TrainingWindowsInfo info;
    assert_true(training_windows_load(&m, path, &back, &info, &err));
    assert_int_equal(back.n, 6);
    window_set_free(&back);
    window_set_free(&known);
    window_set_free(&all);
    trace_set_free(&set);
    model_free(&m);
}

/* Counts and metadata a hostile or damaged file may hold: each refused, saying what is wrong. */
static void hostile_counts_refused(void **state)
{
    (void)state;
    const char *model = train_deeplog("hostile.safetensors", cyclic_sessions("hostile.txt", 20, 30, 6), "5", "1");
    Model m;
    Error err = {0};
    assert_true(model_load(&m, model, NULL, &err));
    const char *path = test_path("hostile.windows.safetensors");
    WindowSet back;
    TrainingWindowsInfo info;

    write_raw(&m, path, NULL, NULL, 0, 6, NULL, "0");
    assert_false(training_windows_load(&m, path, &back, &info, &err));
    assert_contains(err.msg, path);
    assert_contains(err.msg, "no windows in it (an empty training windows file)");

    /* 2,049 distinct windows of 2^53 each: the 2,048th takes the sum to 2^64, which must not wrap to
     * agree with a total */
    size_t n = 2049;
    int32_t *keys = calloc(n * 6, sizeof *keys);
    int64_t *counts = calloc(n, sizeof *counts);
    assert_non_null(keys);
    assert_non_null(counts);
    for (size_t w = 0; w < n; w++) {
        for (size_t p = 0, v = w; p < 6; p++, v /= 6)
            keys[w * 6 + p] = (int32_t)(v % 6);
        counts[w] = TRAINING_WINDOWS_MAX_COUNT;
    }
    write_raw(&m, path, keys, counts, n, 6, NULL, "9007199254740992"); /* what a wrapped sum would give */
    assert_false(training_windows_load(&m, path, &back, &info, &err));
    assert_contains(err.msg, "window 2047: the counts' sum passes 2^64: the file is damaged");

    counts[0] = TRAINING_WINDOWS_MAX_COUNT + 1;
    write_raw(&m, path, keys, counts, 1, 6, NULL, "9007199254740993");
    assert_false(training_windows_load(&m, path, &back, &info, &err));
    assert_contains(err.msg, "window 0: count 9007199254740993, above the most a file holds (2^53)");

    counts[0] = 0;
    write_raw(&m, path, keys, counts, 1, 6, NULL, "0");
    assert_false(training_windows_load(&m, path, &back, &info, &err));
    assert_contains(err.msg, "window 0: count 0, expected at least 1");

    counts[0] = 3;
    const char *keys_needed[] = {"tx", "ty", "vocab_size"};
    for (size_t k = 0; k < 3; k++) {
        write_raw(&m, path, keys, counts, 1, 6, keys_needed[k], "3");
        assert_false(training_windows_load(&m, path, &back, &info, &err));
        assert_contains(err.msg, path);
        char want[96];
        snprintf(want, sizeof want, "no \"%s\" in its metadata", keys_needed[k]);
        assert_contains(err.msg, want);
        assert_true(strstr(err.msg, "option") == NULL);
    }
    write_raw(&m, path, keys, counts, 1, 6, NULL, "3"); /* and all well: read back */
    assert_true(training_windows_load(&m, path, &back, &info, &err));
    assert_int_equal(info.total, 3);
    window_set_free(&back);
    free(keys);
    free(counts);
    model_free(&m);
}

/* calibrate -o writes the model elsewhere: its windows go along (the parameters do not change), so
 * the new model keeps its nearest normal window; a stale file beside the source is not carried. */
static void calibrate_output_takes_the_windows(void **state)
{
    (void)state;
    const char *six = cyclic_sessions("cal.txt", 20, 30, 6);
    const char *model = train_deeplog("cal.safetensors", six, "3", "1");
    const char *other = test_path("cal-other.safetensors");
    RunResult r = run_traceaid("calibrate", "--model", model, "-o", other, "--sessions", six);
    assert_status(r, 0);
    assert_contains(r.err, "calibrate: copied its training windows to ");
    assert_contains(r.err, windows_of(other));
    run_result_free(&r);
    assert_true(same_bytes(windows_of(model), windows_of(other)));
    r = run_traceaid("explain", "--model", other, "--sessions", cyclic_sessions("cal-test.txt", 1, 30, 6), "--at", "10");
    assert_status(r, 0);
    assert_string_equal(r.err, "");
    assert_contains(r.out, "Nearest");
    run_result_free(&r);

    /* in place: nothing to copy */
    r = run_traceaid("calibrate", "--model", model, "--sessions", six);
    assert_status(r, 0);
    assert_true(strstr(r.err, "copied") == NULL);
    run_result_free(&r);

    /* another model's file beside the source: warned of, not carried on */
    const char *wider = train_deeplog("cal-wider.safetensors", six, "4", "1");
    copy_file(windows_of(wider), windows_of(model));
    const char *third = test_path("cal-third.safetensors");
    r = run_traceaid("calibrate", "--model", model, "-o", third, "--sessions", six);
    assert_status(r, 0);
    assert_contains(r.err, "the file is another model's; not copied beside");
    assert_int_equal(access(windows_of(third), F_OK), -1);
    run_result_free(&r);
}

/* A windows file given where the model goes is named as such, not by a tensor's dtype. */
static void windows_file_as_model_named(void **state)
{
    (void)state;
    const char *six = cyclic_sessions("asmodel.txt", 20, 30, 6);
    const char *windows = windows_of(train_deeplog("asmodel.safetensors", six, "3", "1"));
    char want[700];
    snprintf(want, sizeof want, "%s is a training windows file, not a model (give the model beside it)", windows);
    RunResult r = run_traceaid("info", windows);
    assert_status(r, 2);
    assert_contains(r.err, want);
    run_result_free(&r);
    r = run_traceaid("explain", "--model", windows, "--sessions", six, "--at", "10");
    assert_status(r, 2);
    assert_contains(r.err, want);
    run_result_free(&r);
    r = run_traceaid("score", "--model", windows, "--sessions", six);
    assert_status(r, 2);
    assert_contains(r.err, want);
    run_result_free(&r);
    Model m;
    Error err = {0};
    assert_false(model_load(&m, windows, NULL, &err));
    assert_contains(err.msg, want);
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
        cmocka_unit_test(hostile_counts_refused),
        cmocka_unit_test(unknown_keys_left_out),
        cmocka_unit_test(device_output_no_windows),
        cmocka_unit_test(calibrate_output_takes_the_windows),
        cmocka_unit_test(windows_file_as_model_named),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
