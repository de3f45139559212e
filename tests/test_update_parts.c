/* What `update` keeps of a model's windows file: with --no-replay onto the model itself, its
 * training windows and held-back parts still go into the file written (they are not trained on);
 * and the held-back parts `train` keeps hold the events their first scores read, so that `update`
 * scores as many segments as train calibrated on, with train's very threshold, even when a
 * segment is shorter than DeepLog's window. Generated clean traces, the real binary. */
#include "test_util.h"

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

/* The number after label in text, "4,046" as commands print it. */
static long count_after(const char *text, const char *label)
{
    const char *at = strstr(text, label);
    if (!at)
        fail_msg("no \"%s\" in:\n%s", label, text);
    long n = 0;
    for (at += strlen(label); *at == ',' || (*at >= '0' && *at <= '9'); at++)
        if (*at != ',')
            n = n * 10 + (*at - '0');
    return n;
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(short_segments_keep_their_context),
        cmocka_unit_test(no_replay_keeps_the_windows_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
