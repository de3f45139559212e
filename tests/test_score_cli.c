/* The scoring choices through the binary: train stores them and score follows them, another
 * top-g drops a miss-rate threshold, calibrate --holdout, and DeepLog calibrated by train on
 * traces but not on session files (the rules themselves: test_score_rules.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"

static void train_stores_the_rules_and_score_follows_them(void **state)
{
    (void)state;
    const char *clean = generated_trace("clean", "3", "8000"), *anomalous = generated_trace("full-while", "4", "8000");
    const char *model = test_path("rules-model.safetensors");
    RunResult r = run_traceaid("train", "--model", "seq2seq", "--hidden", "16", "--embed", "8", "--attn", "16",
                               "--epochs", "2", "--segment", "200", "--score", "nll", "--smooth", "1",
                               "--threshold-rule", "quantile", "--quantile", "0.9", "--margin", "0.25", "--top-g", "2",
                               "-o", model, clean);
    assert_status(r, 0);
    assert_contains(r.err, "0.9-quantile + 0.25 IQR of the segments' NLL, smoothed over 1 segment each side");
    run_result_free(&r);
    r = run_traceaid("info", model);
    assert_status(r, 0);
    assert_contains(r.out, "(0.9-quantile + 0.25 IQR of clean segments of 200 events; score: NLL, smoothed over "
                           "1 segment each side)");
    assert_contains(r.out, "scoring: --score nll --smooth 1 --threshold-rule quantile --k 3 --quantile 0.9 "
                           "--margin 0.25 --top-g 2");
    run_result_free(&r);
    r = run_traceaid("score", "--model", model, anomalous);
    assert_true(r.status == 0 || r.status == 1);
    assert_contains(r.out, "; threshold NLL ");
    assert_contains(r.out, "rate       NLL");
    run_result_free(&r);
    r = run_traceaid("score", "--json", "--model", model, anomalous);
    assert_contains(r.out, "\"score_rule\":\"nll\",\"smooth\":1,");
    assert_contains(r.out, "\"score\":");
    run_result_free(&r);
    /* calibrate changes a rule and keeps the others */
    r = run_traceaid("calibrate", "--model", model, "--threshold-rule", "std", "--k", "2", clean);
    assert_status(r, 0);
    assert_contains(r.out, "(mean + 2 std of the segments' NLL, smoothed over 1 segment each side)");
    run_result_free(&r);
    r = run_traceaid("info", model);
    assert_contains(r.out, "scoring: --score nll --smooth 1 --threshold-rule std --k 2 --quantile 0.9");
    run_result_free(&r);
    /* score time: the rule the model has keeps its threshold; another scores without one */
    r = run_traceaid("score", "--model", model, "--score", "nll", "--smooth", "1", anomalous);
    assert_contains(r.out, "; threshold NLL ");
    run_result_free(&r);
    r = run_traceaid("score", "--model", model, "--score", "miss", "--smooth", "0", anomalous);
    assert_status(r, 0);
    assert_contains(r.out, "no threshold (calibrate the model on clean traces: traceaid calibrate)");
    assert_null(strstr(r.out, "NLL"));
    run_result_free(&r);
    r = run_traceaid("score", "--model", model, "--smooth", "x", anomalous);
    assert_status(r, 2);
    assert_contains(r.err, "--smooth x: expected an integer from 0 to 1000");
    run_result_free(&r);
    r = run_traceaid("calibrate", "--model", model, "--score", "hits", clean);
    assert_status(r, 2);
    assert_contains(r.err, "--score hits: the score rules are miss and nll");
    run_result_free(&r);
}

/* A miss-rate threshold was set for the model's top-g: scored with another, the trace gets no
 * threshold; with the same, it keeps it. */
static void another_top_g_drops_a_miss_rate_threshold(void **state)
{
    (void)state;
    const char *clean = generated_trace("clean", "7", "8000");
    const char *model = test_path("top-g-model.safetensors");
    RunResult r = run_traceaid("train", "--model", "seq2seq", "--hidden", "16", "--embed", "8", "--attn", "16",
                               "--epochs", "1", "--segment", "200", "-o", model, clean);
    assert_status(r, 0);
    run_result_free(&r);
    r = run_traceaid("score", "--model", model, "--top-g", "1", clean);
    assert_null(strstr(r.out, "no threshold"));
    run_result_free(&r);
    r = run_traceaid("score", "--model", model, "--top-g", "3", clean);
    assert_status(r, 0);
    assert_contains(r.out, "no threshold (calibrate the model on clean traces: traceaid calibrate)");
    run_result_free(&r);
    /* calibrate --holdout: the last half of the trace's 40 segments, as train holds back */
    r = run_traceaid("calibrate", "--model", model, "--holdout", "0.5", clean);
    assert_status(r, 0);
    assert_contains(r.out, "calibrated on 20 segments of 200 events in 1 clean trace");
    run_result_free(&r);
}

/* DeepLog holds back a part of traces to calibrate on, as seq2seq does; session files it takes
 * whole (HDFS is judged session by session). */
static void deeplog_calibrates_on_traces_not_on_sessions(void **state)
{
    (void)state;
    const char *clean = generated_trace("clean", "5", "6000");
    const char *model = test_path("deeplog-rules.safetensors");
    RunResult r = run_traceaid("train", "--hidden", "8", "--layers", "1", "--epochs", "1", "-o", model, clean);
    assert_status(r, 0);
    assert_contains(r.err, "from the first 80% of each trace");
    assert_contains(r.err, "train: calibrated on 2 held-back segments of 1,000 events: threshold");
    run_result_free(&r);
    r = run_traceaid("info", model);
    assert_contains(r.out, "(mean + 3 std of clean segments of 1,000 events");
    assert_contains(r.out, "scoring: --score nll --smooth 1 "); /* a new DeepLog's rules */
    run_result_free(&r);
    const char *sessions = write_text("normal.txt", "1 2 3 4 5 6 7 8 9 10 11 12\n2 3 4 5 6 7 8 9 10 11 12 1\n"
                                                    "3 4 5 6 7 8 9 10 11 12 1 2\n");
    r = run_traceaid("train", "--window", "3", "--hidden", "8", "--layers", "1", "--epochs", "1", "-o", model,
                     "--sessions", sessions);
    assert_status(r, 0);
    assert_null(strstr(r.err, "calibrated on"));
    assert_null(strstr(r.err, "held back"));
    run_result_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(train_stores_the_rules_and_score_follows_them),
        cmocka_unit_test(another_top_g_drops_a_miss_rate_threshold),
        cmocka_unit_test(deeplog_calibrates_on_traces_not_on_sessions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
