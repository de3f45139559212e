/* What `update` keeps of a model's windows file and does with its held-back parts: train's parts
 * give train's very threshold, update sets the threshold again on them and its "still flagged"
 * count of a trace equals score's; damaged parts are refused; with --no-replay onto the model
 * itself its training windows and parts still go into the file written (not trained on); and the
 * parts hold the events their first scores read, so that update scores as many segments as train
 * calibrated on even when a segment is shorter than DeepLog's window. Generated clean traces and
 * the HDFS fixture's windows file, the real binary. */
#include "update_helpers.h"

#include "../core/calibrate.h"
#include "../model/training_windows.h"

static const char *clean_trace(int seed)
{
    char name[32], seed_text[16];
    snprintf(name, sizeof name, "clean-%d.csv", seed);
    snprintf(seed_text, sizeof seed_text, "%d", seed);
    const char *path = test_path(name);
    RunResult r = run_traceaid("gen", "--kind", "clean", "--seed", seed_text, "--events", "6000", "-o", path);
    assert_status(r, 0);
    run_result_free(&r);
    return path;
}

static void short_segments_keep_their_context(void **state)
{
    (void)state;
    const char *a = clean_trace(1), *b = clean_trace(2), *model = test_path("short.safetensors");
    RunResult r = run_traceaid("train", "--model", "deeplog", "--epochs", "1", "--segment", "4", "-o", model, a, b);
    assert_status(r, 0);
    long segments = count_after(r.err, "calibrated on ");
    run_result_free(&r);
    Model m;
    Error err = {0};
    CalibrationParts parts;
    assert_true(model_load(&m, model, NULL, &err));
    assert_true(training_windows_load_calibration(&m, test_path("short.windows.safetensors"), &parts, &err));
    float threshold = model_calibration(&m)->threshold;
    model_calibration(&m)->threshold = -1;
    size_t scored;
    assert_true(calibrate_parts(&m, &parts, NULL, &scored, &err));
    assert_int_equal((long)scored, segments);
    assert_true(model_calibration(&m)->threshold == threshold);
    calibration_parts_free(&parts);
    model_free(&m);
}

static void no_replay_keeps_the_windows_file(void **state)
{
    (void)state;
    const char *a = clean_trace(3), *b = clean_trace(4), *model = test_path("keep.safetensors");
    RunResult r = run_traceaid("train", "--model", "deeplog", "--epochs", "1", "-o", model, a);
    assert_status(r, 0);
    run_result_free(&r);
    Model m;
    Error err = {0};
    WindowSet before, after;
    TrainingWindowsInfo info;
    assert_true(model_load(&m, model, NULL, &err));
    assert_true(training_windows_load(&m, test_path("keep.windows.safetensors"), &before, &info, &err));
    model_free(&m);
    r = run_traceaid("update", "--model", model, "-o", model, "--no-replay", "--epochs", "1", b);
    assert_status(r, 0);
    assert_contains(r.err, "--no-replay");
    assert_contains(r.err, "replayed no windows");
    run_result_free(&r);
    assert_true(model_load(&m, model, NULL, &err));
    assert_true(training_windows_load(&m, test_path("keep.windows.safetensors"), &after, &info, &err));
    assert_true(after.total > before.total); /* the old windows and the learned ones */
    CalibrationParts parts;
    assert_true(training_windows_load_calibration(&m, test_path("keep.windows.safetensors"), &parts, &err));
    assert_true(parts.n > 0);
    calibration_parts_free(&parts);
    window_set_free(&before), window_set_free(&after);
    model_free(&m);
}

#define FIXTURE_MODEL FIXTURES_DIR "/hdfs-deeplog.safetensors"
#define FIXTURE_WINDOWS FIXTURES_DIR "/hdfs-deeplog.windows.safetensors"

static void update_sets_the_threshold_again(void **state)
{
    (void)state;
    const char *traces[3];
    for (int i = 0; i < 3; i++) {
        char name[32], seed[16];
        snprintf(name, sizeof name, "clean-%d.csv", i + 1);
        snprintf(seed, sizeof seed, "%d", i + 1);
        traces[i] = test_path(name);
        RunResult r = run_traceaid("gen", "--kind", "clean", "--seed", seed, "--events", "20000", "-o", traces[i]);
        assert_status(r, 0);
        run_result_free(&r);
    }
    const char *model = test_path("traces.safetensors"), *out = test_path("traces-updated.safetensors");
    RunResult r = run_traceaid("train", "--model", "deeplog", "--epochs", "2", "-o", model, traces[0], traces[1]);
    assert_status(r, 0);
    run_result_free(&r);
    Model m;
    Error err = {0};
    CalibrationParts parts;
    assert_true(model_load(&m, model, NULL, &err));
    assert_true(training_windows_load_calibration(&m, test_path("traces.windows.safetensors"), &parts, &err));
    assert_int_equal(parts.n, 2);
    float threshold = model_calibration(&m)->threshold;
    model_calibration(&m)->threshold = -1;
    size_t segments;
    assert_true(calibrate_parts(&m, &parts, NULL, &segments, &err));
    assert_true(model_calibration(&m)->threshold == threshold);
    calibration_parts_free(&parts);
    model_free(&m);
    r = run_traceaid("update", "--model", model, "-o", out, "--epochs", "1", "--lr", "0.01", traces[2]);
    assert_status(r, 0);
    assert_contains(r.err, "update: threshold ");
    assert_contains(r.err, ", set again on the 8 held-back segments train calibrated on");
    /* a trace learned whole: its segments over the threshold (set again), as score flags them */
    long after, before;
    still_flagged(r.err, "segments learned", &after, &before);
    run_result_free(&r);
    assert_int_equal(after, flagged_segments(out, traces[2]));
    assert_int_equal(before, flagged_segments(model, traces[2]));
    /* carried on: the updated model's windows file holds them too */
    assert_true(model_load(&m, out, NULL, &err));
    assert_true(training_windows_load_calibration(&m, test_path("traces-updated.windows.safetensors"), &parts, &err));
    assert_int_equal(parts.n, 2);
    calibration_parts_free(&parts);
    model_free(&m);
}

/* The fixture's windows file with calibration tensors as given, written by hand (the writer
 * refuses damaged ones). */
static void write_parts_by_hand(const char *path, int32_t *keys, size_t n_keys_held, int64_t *starts,
                                int64_t *scored_from, size_t parts)
{
    SafeTensors st;
    Error err = {0};
    assert_true(safetensors_load_dtypes(&st, FIXTURE_WINDOWS, ST_F32 | ST_I32 | ST_I64, &err));
    StTensor tensors[5] = {st.tensors[0], st.tensors[1]};
    tensors[2] = (StTensor){.name = "calibration_keys", .ndim = 1, .shape = {(int64_t)n_keys_held},
                            .numel = n_keys_held, .i32 = keys, .dtype = ST_I32};
    tensors[3] = (StTensor){.name = "calibration_starts", .ndim = 1, .shape = {(int64_t)parts + 1},
                            .numel = parts + 1, .i64 = starts, .dtype = ST_I64};
    tensors[4] = (StTensor){.name = "calibration_scored_from", .ndim = 1, .shape = {(int64_t)parts},
                            .numel = parts, .i64 = scored_from, .dtype = ST_I64};
    assert_true(safetensors_save(path, tensors, 5, (const char *const *)st.meta_keys,
                                 (const char *const *)st.meta_values, st.n_meta, &err));
    safetensors_free(&st);
}

/* Calibration parts that disagree with themselves or the model: the writer does not write them,
 * the reader refuses them naming the file; whole ones read back as written. */
static void damaged_calibration_parts_refused(void **state)
{
    (void)state;
    Model m;
    Error err = {0};
    assert_true(model_load(&m, FIXTURE_MODEL, NULL, &err));
    WindowSet ws;
    TrainingWindowsInfo info;
    assert_true(training_windows_load(&m, FIXTURE_WINDOWS, &ws, &info, &err));
    int32_t keys[] = {4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4};
    int64_t starts[] = {0, 12}, scored_from[] = {1};
    CalibrationParts parts = {.n = 1, .starts = starts, .scored_from = scored_from, .keys = keys};
    const char *path = test_path("parts.windows.safetensors");
    assert_true(training_windows_save_calibrated(&m, &ws, &parts, path, &err));
    CalibrationParts back;
    assert_true(training_windows_load_calibration(&m, path, &back, &err));
    assert_int_equal(back.n, 1);
    assert_int_equal(back.scored_from[0], 1);
    assert_int_equal(back.keys[11], 4);
    calibration_parts_free(&back);
    const char *damaged[] = {"scored from past its part", "a key outside the vocabulary", "starts past the keys"};
    for (int i = 0; i < 3; i++) {
        scored_from[0] = i == 0 ? 12 : 1;
        keys[5] = i == 1 ? 26 : 4; /* the model's ids are 0..25 */
        starts[1] = i == 2 ? 13 : 12;
        err = (Error){0};
        /* the writer takes its key count from the starts: a file's tensors can disagree, its arrays not */
        if (i < 2 && training_windows_save_calibrated(&m, &ws, &parts, test_path("refused.windows.safetensors"), &err))
            fail_msg("%s: written", damaged[i]);
        write_parts_by_hand(path, keys, 12, starts, scored_from, 1);
        err = (Error){0};
        if (training_windows_load_calibration(&m, path, &back, &err))
            fail_msg("%s: read", damaged[i]);
        assert_contains(err.msg, "parts.windows.safetensors: calibration");
    }
    window_set_free(&ws);
    model_free(&m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(short_segments_keep_their_context),
        cmocka_unit_test(no_replay_keeps_the_windows_file),
        cmocka_unit_test(update_sets_the_threshold_again),
        cmocka_unit_test(damaged_calibration_parts_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
