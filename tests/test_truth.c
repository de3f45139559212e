/* Ground truth and detection quality, in the library: the truth file's two forms and its
 * errors, the segments it marks, where it lies beside a trace and the kind a name tells; the ROC
 * AUC and the figures per kind on hand-made scores. (tests/test_eval_truth.c: through the
 * binary.) */
#include "test_util.h"

#include <math.h>

#include "../core/detection.h"
#include "../io/truth.h"

/* ------------------------------------------------------------------------ the ROC AUC */

static double auc_of(const float *score, const uint8_t *positive, size_t n)
{
    Error err = {0};
    double auc = -1;
    assert_true(detection_auc(score, positive, n, &auc, &err));
    return auc;
}

static void auc_on_hand_made_scores(void **state)
{
    (void)state;
    const float ranked[] = {0.1f, 0.2f, 0.8f, 0.9f};
    const uint8_t high_bad[] = {0, 0, 1, 1}, low_bad[] = {1, 1, 0, 0};
    assert_true(auc_of(ranked, high_bad, 4) == 1.0);
    assert_true(auc_of(ranked, low_bad, 4) == 0.0);
    const float same[] = {0.3f, 0.3f, 0.3f, 0.3f};
    assert_true(auc_of(same, high_bad, 4) == 0.5); /* every pair a tie, counted half */
    /* Anomalous 0.5 and 0.9 against normal 0.1, 0.5 and 0.7: 0.5 beats one, ties one and loses
     * one (1.5 pairs), 0.9 beats all three: 4.5 of 6 pairs. */
    const float mixed[] = {0.7f, 0.5f, 0.1f, 0.9f, 0.5f};
    const uint8_t mixed_bad[] = {0, 1, 0, 1, 0};
    assert_true(fabs(auc_of(mixed, mixed_bad, 5) - 0.75) < 1e-12);
    /* a diverged model's NaN ranks below every number, NaNs tied, and the ranking ends */
    const float with_nan[] = {NAN, 0.2f, NAN, 0.9f};
    assert_true(auc_of(with_nan, (const uint8_t[]){0, 0, 1, 1}, 4) == 0.625);
    Error err = {0};
    double auc = -1;
    assert_false(detection_auc(ranked, (const uint8_t[]){1, 1, 1, 1}, 4, &auc, &err)); /* no normal side */
    assert_false(detection_auc(ranked, (const uint8_t[]){0, 0, 0, 0}, 4, &auc, &err));
    assert_false(err.failed);
}

/* --------------------------------------------------------------------- the truth file */

/* Loads text as a truth file named name; returns whether it loaded, *err saying why not. */
static bool load_text(Truth *truth, const char *name, const char *text, Error *err)
{
    memset(err, 0, sizeof *err);
    return truth_load(truth, write_text(name, text), err);
}

static void truth_in_event_indices(void **state)
{
    (void)state;
    Truth truth;
    Error err;
    assert_true(load_text(&truth, "events.truth",
                          "# injected by hand\n# kind: fifo-ls\nfirst_event,last_event,episode\n"
                          "5,5,1\n\n2990,3001,2\n9000,9999,3\n", &err));
    assert_int_equal(truth.form, TRUTH_EVENTS);
    assert_string_equal(truth.kind, "fifo-ls");
    assert_int_equal(truth.n_intervals, 3);
    Trace trace = {.path = "t.csv", .n_events = 4500};
    uint8_t bad[5];
    assert_true(truth_mark(&truth, &trace, 1000, 5, bad, &err));
    /* 5 in the first segment, 2990-3001 across the third and fourth, 9000 past the end. */
    assert_memory_equal(bad, ((uint8_t[]){1, 0, 1, 1, 0}), 5);
    truth_free(&truth);
}

/* A trace of 10 events 100 ns apart in segments of 3: spans [0,200] [300,500] [600,800] [900,900]. */
static void mark_times(const char *rows, const uint8_t expected[4])
{
    Trace trace;
    Error err;
    assert_true(trace_begin(&trace, "t.csv", TRACE_FORMAT_CSV, &err));
    trace.timed = true;
    for (int i = 0; i < 10; i++)
        assert_true(trace_append(&trace, 0, 100 * i, TRACE_NO_CPU, TRACE_NO_ID, TRACE_NO_ID, 0, &err));
    char text[512];
    snprintf(text, sizeof text, "start_ns,stop_ns,label\n%s", rows);
    Truth truth;
    assert_true(load_text(&truth, "time.truth", text, &err));
    assert_int_equal(truth.form, TRUTH_TIME);
    uint8_t bad[4];
    assert_true(truth_mark(&truth, &trace, 3, 4, bad, &err));
    if (memcmp(bad, expected, 4) != 0)
        fail_msg("rows %s marked %d%d%d%d, expected %d%d%d%d", rows, bad[0], bad[1], bad[2], bad[3], expected[0],
                 expected[1], expected[2], expected[3]);
    truth_free(&truth);
    trace_free(&trace);
}

static void truth_in_time_overlaps_segment_spans(void **state)
{
    (void)state;
    mark_times("200,300,touching both ends\n", (uint8_t[]){1, 1, 0, 0});
    mark_times("201,299,between two segments\n", (uint8_t[]){0, 0, 0, 0});
    mark_times("250,250,\n", (uint8_t[]){0, 0, 0, 0});
    mark_times("-50,0,before the first event\n", (uint8_t[]){1, 0, 0, 0});
    mark_times("900,5000,\n", (uint8_t[]){0, 0, 0, 1});
    mark_times("350,360,inside one\n", (uint8_t[]){0, 1, 0, 0});
    mark_times("0,10000,all of it\n", (uint8_t[]){1, 1, 1, 1});
    /* Unsorted and nested: a long interval ahead of a short one still reaches past it. */
    mark_times("650,660,short\n100,700,long, with commas\n", (uint8_t[]){1, 1, 1, 0});
    mark_times("950,990\n", (uint8_t[]){0, 0, 0, 0}); /* no label at all; after the last event */
}

static void truth_header_alone_is_clean(void **state)
{
    (void)state;
    Truth truth;
    Error err;
    assert_true(load_text(&truth, "clean.truth", "\xEF\xBB\xBF" "first_event,last_event,episode\r\n", &err));
    assert_int_equal(truth.n_intervals, 0);
    assert_null(truth.kind);
    truth_free(&truth);
    assert_true(load_text(&truth, "clean-time.truth", "# kind: clean\nstart_ns,stop_ns,label\n", &err));
    assert_int_equal(truth.form, TRUTH_TIME);
    assert_int_equal(truth.n_intervals, 0);
    assert_string_equal(truth.kind, "clean");
    truth_free(&truth);
}

static void time_truth_needs_a_timed_trace(void **state)
{
    (void)state;
    Truth truth;
    Error err;
    assert_true(load_text(&truth, "needs-time.truth", "start_ns,stop_ns,label\n1,2,x\n", &err));
    Trace trace = {.path = "sessions.txt", .n_events = 10};
    uint8_t bad[1];
    assert_false(truth_mark(&truth, &trace, 10, 1, bad, &err));
    assert_contains(err.msg, "needs-time.truth: the ground truth is in time");
    assert_contains(err.msg, "but sessions.txt has no timestamps");
    truth_free(&truth);
}

/* Fails unless text is refused with a message holding fragment. */
static void assert_truth_refused(const char *text, const char *fragment)
{
    Truth truth;
    Error err;
    if (load_text(&truth, "bad.truth", text, &err))
        fail_msg("loaded: %s", text);
    assert_contains(err.msg, fragment);
    assert_int_equal(err.code, ERROR_INPUT);
}

static void malformed_truth_names_file_and_line(void **state)
{
    (void)state;
    assert_truth_refused("first,last\n1,2\n", "bad.truth:1: expected the header first_event,last_event,episode or "
                                              "start_ns,stop_ns,label, found 'first,last'");
    assert_truth_refused("1,2,3\n", "bad.truth:1: expected the header");
    assert_truth_refused("# kind: x\n", "bad.truth:2: no header");
    assert_truth_refused("", "bad.truth:1: no header");
    assert_truth_refused("first_event,last_event,episode\n1,2,1\nabc,5,1\n",
                         "bad.truth:3: first_event 'abc' is not a whole number of 0 or more");
    assert_truth_refused("first_event,last_event,episode\n-4,5,1\n", "bad.truth:2: first_event '-4' is not");
    assert_truth_refused("first_event,last_event,episode\n1,5\n", "bad.truth:2: expected first_event,last_event,episode");
    assert_truth_refused("first_event,last_event,episode\n1,5,one\n", "bad.truth:2: episode 'one' is not a whole number");
    assert_truth_refused("first_event,last_event,episode\n9,5,1\n", "bad.truth:2: last_event 5 is before first_event 9");
    assert_truth_refused("start_ns,stop_ns,label\n\n10,5,x\n", "bad.truth:3: stop_ns 5 is before start_ns 10");
    assert_truth_refused("start_ns,stop_ns,label\n1.5,7,x\n", "bad.truth:2: start_ns '1.5' is not a whole number of nanoseconds");
    assert_truth_refused("start_ns,stop_ns,label\n12\n", "bad.truth:2: expected start_ns,stop_ns,label, found '12'");
    assert_truth_refused("# kind:   \nstart_ns,stop_ns,label\n", "bad.truth:1: expected a kind's name");
    assert_truth_refused("# kind: a\n# kind: b\nstart_ns,stop_ns,label\n", "bad.truth:2: a second '# kind:' line");
}

static void truth_beside_and_kind_from_name(void **state)
{
    (void)state;
    const char *cases[][3] = {
        {"samples/x/clean-01.perf-script.txt.xz", "samples/x/clean-01.truth", "clean"},
        {"traces/fifo-ls-01.csv", "traces/fifo-ls-01.truth", "fifo-ls"},
        {"fifo-ls-sporadic-01.csv", "fifo-ls-sporadic-01.truth", "fifo-ls-sporadic"},
        {"clean-03.csv", "clean-03.truth", "clean"},
        {"a.b/run", "a.b/run.truth", "run"},
        {"dir/full-while.csv", "dir/full-while.truth", "full-while"},
        {"dir/flight-2024.csv", "dir/flight-2024.truth", "flight"},
        {"dir/-01.csv", "dir/-01.truth", "-01"},
        {"dir/.hidden-02.csv", "dir/.hidden-02.truth", ".hidden"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *beside = truth_path_beside(cases[i][0]), *kind = truth_kind_from_name(cases[i][0]);
        assert_string_equal(beside, cases[i][1]);
        assert_string_equal(kind, cases[i][2]);
        free(beside);
        free(kind);
    }
}

/* ------------------------------------------------------------------ figures per kind */

/* Hand-made scores of n segments: rates, flags at threshold 0.5, predictions where given. */
/* Scores whose segment score is its rate (the miss rule, unsmoothed). */
static Scores hand_scores(const float *rate, const uint32_t *predicted, size_t n)
{
    Scores s = {.segment_len = 10, .n_events = 10 * n, .n_segments = n};
    s.rate = calloc(n, sizeof *s.rate);
    s.score = calloc(n, sizeof *s.score);
    s.predicted = calloc(n, sizeof *s.predicted);
    s.missed = calloc(n, sizeof *s.missed);
    s.flagged = calloc(n, 1);
    memcpy(s.rate, rate, n * sizeof *rate);
    memcpy(s.score, rate, n * sizeof *rate);
    memcpy(s.predicted, predicted, n * sizeof *predicted);
    scores_set_threshold(&s, 0.5f);
    return s;
}

static void figures_per_kind(void **state)
{
    (void)state;
    uint32_t all4[] = {10, 10, 10, 10};
    Scores clean = hand_scores((float[]){0.1f, 0.6f, 0.2f, 0.9f}, (uint32_t[]){10, 10, 10, 0}, 4);
    Scores fifo = hand_scores((float[]){0.2f, 0.7f, 0.8f, 0.3f}, all4, 4);
    Scores busy = hand_scores((float[]){0.4f, 0.3f, 0.1f, 0.6f}, all4, 4);
    uint8_t clean_bad[4] = {0}, fifo_bad[] = {0, 1, 1, 1}, busy_bad[] = {0, 1, 0, 0};
    DetectionTrace traces[] = {
        {.scores = &busy, .segment_bad = busy_bad, .kind = "full-while"},
        {.scores = &fifo, .segment_bad = fifo_bad, .kind = "fifo-ls"},
        {.scores = &clean, .segment_bad = clean_bad, .kind = "clean", .clean = true},
    };
    Detection d;
    Error err = {0};
    assert_true(detection_compute(&d, traces, 3, &err));
    assert_true(d.has_threshold);
    assert_int_equal(d.n_kinds, 3);
    assert_string_equal(d.kinds[0].kind, "clean");
    assert_string_equal(d.kinds[1].kind, "fifo-ls");
    assert_string_equal(d.kinds[2].kind, "full-while");
    const DetectionFigures *c = &d.kinds[0], *f = &d.kinds[1], *b = &d.kinds[2];
    /* The clean trace's last segment holds no prediction: three count, one flagged. */
    assert_int_equal(c->segments, 3);
    assert_int_equal(c->flagged, 1);
    assert_int_equal(c->clean_flagged, 1);
    double value;
    assert_false(detection_recall(c, &value));
    assert_false(detection_f1(c, &value));
    assert_true(detection_clean_flagged(c, &value) && fabs(value - 1.0 / 3) < 1e-12);
    assert_false(c->has_auc);
    /* fifo-ls: anomalous 0.7, 0.8, 0.3 (flagged 0.7 and 0.8), normal 0.2. */
    assert_int_equal(f->anomalous, 3);
    assert_int_equal(f->tp, 2);
    assert_int_equal(f->fp, 0);
    assert_int_equal(f->fn, 1);
    assert_true(detection_precision(f, &value) && value == 1.0);
    assert_true(detection_recall(f, &value) && fabs(value - 2.0 / 3) < 1e-12);
    assert_true(detection_f1(f, &value) && fabs(value - 0.8) < 1e-12);
    assert_true(detection_negatives_flagged(f, &value) && value == 0.0);
    /* Its AUC: anomalous 0.7, 0.8, 0.3 against 0.2 and the clean 0.1, 0.6, 0.2 (not the busy
     * trace's): 4 + 4 + 3 of 12 pairs. */
    assert_true(f->has_auc && fabs(f->auc - 11.0 / 12) < 1e-12);
    /* full-while: anomalous 0.3 (missed), normal 0.4, 0.1, 0.6 (a false flag). */
    assert_int_equal(b->tp, 0);
    assert_int_equal(b->fp, 1);
    assert_true(detection_precision(b, &value) && value == 0.0);
    assert_true(detection_f1(b, &value) && value == 0.0);
    assert_true(detection_negatives_flagged(b, &value) && fabs(value - 1.0 / 3) < 1e-12);
    /* 0.3 against 0.4, 0.1, 0.6 and 0.1, 0.6, 0.2: beats 0.1 twice and 0.2: 3 of 6. */
    assert_true(b->has_auc && fabs(b->auc - 0.5) < 1e-12);
    const DetectionFigures *all = &d.all;
    assert_int_equal(all->traces, 3);
    assert_int_equal(all->segments, 11);
    assert_int_equal(all->anomalous, 4);
    assert_int_equal(all->flagged, 4);
    assert_int_equal(all->clean_segments, 3);
    assert_int_equal(all->negatives, 4);
    assert_true(all->has_auc);
    detection_free(&d);
    /* Without a threshold on one trace nothing is counted as flagged; the AUC stays. */
    busy.has_threshold = false;
    assert_true(detection_compute(&d, traces, 3, &err));
    assert_false(d.has_threshold);
    assert_int_equal(d.all.flagged, 0);
    assert_true(d.all.has_auc);
    detection_free(&d);
    scores_free(&clean);
    scores_free(&fifo);
    scores_free(&busy);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(auc_on_hand_made_scores),
        cmocka_unit_test(truth_in_event_indices),
        cmocka_unit_test(truth_in_time_overlaps_segment_spans),
        cmocka_unit_test(truth_header_alone_is_clean),
        cmocka_unit_test(time_truth_needs_a_timed_trace),
        cmocka_unit_test(malformed_truth_names_file_and_line),
        cmocka_unit_test(truth_beside_and_kind_from_name),
        cmocka_unit_test(figures_per_kind),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
