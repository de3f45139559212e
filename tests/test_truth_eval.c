/* Ground truth and detection quality: the truth file's two forms and its errors, the segments
 * it marks, where it lies beside a trace and the kind a name tells; the ROC AUC and the figures
 * per kind on hand-made scores; and `eval --truth` through the real binary on generated traces. */
#include "test_util.h"

#include <math.h>

#include "../core/detection.h"
#include "../io/json.h"
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
    int64_t times[10];
    for (int i = 0; i < 10; i++)
        times[i] = 100 * i;
    Trace trace = {.path = "t.csv", .timed = true, .n_events = 10, .time = times};
    char text[512];
    snprintf(text, sizeof text, "start_ns,stop_ns,label\n%s", rows);
    Truth truth;
    Error err;
    assert_true(load_text(&truth, "time.truth", text, &err));
    assert_int_equal(truth.form, TRUTH_TIME);
    uint8_t bad[4];
    assert_true(truth_mark(&truth, &trace, 3, 4, bad, &err));
    if (memcmp(bad, expected, 4) != 0)
        fail_msg("rows %s marked %d%d%d%d, expected %d%d%d%d", rows, bad[0], bad[1], bad[2], bad[3], expected[0],
                 expected[1], expected[2], expected[3]);
    truth_free(&truth);
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
static Scores hand_scores(const float *rate, const uint32_t *predicted, size_t n)
{
    Scores s = {.segment_len = 10, .n_events = 10 * n, .n_segments = n};
    s.rate = calloc(n, sizeof *s.rate);
    s.predicted = calloc(n, sizeof *s.predicted);
    s.missed = calloc(n, sizeof *s.missed);
    s.flagged = calloc(n, 1);
    memcpy(s.rate, rate, n * sizeof *rate);
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

/* ------------------------------------------------------------- through the real binary */

static char dir[600], model[700], trace_paths[4][700];
static const char *const trace_names[] = {"clean-01", "clean-02", "fifo-ls-01", "full-while-01"};

/* Generated traces of 20,000 events with their truth beside them, and a DeepLog model trained
 * in one epoch on the first and calibrated on the second. */
static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "%s", test_path("eval"));
    mkdir(dir, 0755);
    snprintf(model, sizeof model, "%s/m.safetensors", dir);
    const char *kinds[] = {"clean", "clean", "fifo-ls", "full-while"};
    int ok = 1;
    for (int i = 0; i < 4; i++) {
        char seed[8];
        snprintf(seed, sizeof seed, "%d", 50 + i);
        snprintf(trace_paths[i], sizeof trace_paths[i], "%s/%s.csv", dir, trace_names[i]);
        RunResult r = run_traceaid("gen", "--kind", kinds[i], "--seed", seed, "--events", "20000", "-o", trace_paths[i]);
        ok = ok && r.status == 0;
        run_result_free(&r);
    }
    RunResult r = run_traceaid("train", "--model", "deeplog", "--epochs", "1", "--hidden", "8", "--layers", "1", "-o",
                               model, trace_paths[0]);
    ok = ok && r.status == 0;
    run_result_free(&r);
    r = run_traceaid("calibrate", "--model", model, trace_paths[1]);
    ok = ok && r.status == 0;
    run_result_free(&r);
    return ok ? 0 : -1;
}

#define run_eval(...) \
    run_traceaid("eval", "--model", model, "--truth", trace_paths[0], trace_paths[1], trace_paths[2], trace_paths[3], \
                 __VA_ARGS__)

/* The line of the table that starts with name and a space. */
static const char *row(const char *text, const char *name)
{
    size_t len = strlen(name);
    for (const char *line = text; line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL)
        if (strncmp(line, name, len) == 0 && line[len] == ' ')
            return line;
    fail_msg("no row %s in:\n%s", name, text);
    return NULL;
}

/* The nth space-separated field of a line (0: its name). */
static void field(const char *line, int n, char *out, size_t size)
{
    for (int i = 0; i < n; i++) {
        line += strcspn(line, " \n");
        line += strspn(line, " ");
    }
    snprintf(out, size, "%.*s", (int)strcspn(line, " \n"), line);
}

static void eval_truth_text(void **state)
{
    (void)state;
    RunResult r = run_eval(NULL);
    assert_status(r, 0);
    assert_contains(r.out, " (deeplog): segments of 1,000 events, threshold ");
    assert_contains(r.out, "kind        traces  segments  anomalous  flagged  precision   recall       F1  clean flagged     AUC\n");
    const char *clean = row(r.out, "clean"), *fifo = row(r.out, "fifo-ls"), *busy = row(r.out, "full-while"),
               *all = row(r.out, "all");
    assert_true(clean < fifo && fifo < busy && busy < all);
    char value[32];
    field(clean, 1, value, sizeof value);
    assert_string_equal(value, "2");            /* traces */
    field(clean, 3, value, sizeof value);
    assert_string_equal(value, "0");            /* anomalous */
    field(clean, 6, value, sizeof value);
    assert_string_equal(value, "-");            /* recall */
    field(clean, 9, value, sizeof value);
    assert_string_equal(value, "-");            /* AUC: nothing anomalous to rank */
    field(fifo, 9, value, sizeof value);
    assert_true(value[0] == '0' || value[0] == '1'); /* an AUC */
    field(all, 1, value, sizeof value);
    assert_string_equal(value, "4");
    field(all, 2, value, sizeof value);
    assert_string_equal(value, "80");           /* 4 traces of 20 segments, each holding predictions */
    assert_contains(r.out, "clean traces: ");
    assert_contains(r.out, " of 40 segments flagged; anomalous traces: ");
    run_result_free(&r);
}

static size_t json_size(const JsonValue *object, const char *key)
{
    const JsonValue *v = json_get(object, key);
    assert_non_null(v);
    assert_int_equal(v->type, JSON_NUMBER);
    return (size_t)v->number;
}

static void eval_truth_json(void **state)
{
    (void)state;
    RunResult r = run_eval("--json");
    assert_status(r, 0);
    JsonDoc doc;
    Error err = {0};
    if (!json_parse(&doc, r.out, strlen(r.out), "eval --json", &err))
        fail_msg("%s in:\n%s", err.msg, r.out);
    const JsonValue *kinds = json_get(doc.root, "kinds"), *all = json_get(doc.root, "all");
    assert_non_null(kinds);
    assert_non_null(all);
    assert_string_equal(json_get(doc.root, "model_kind")->string, "deeplog");
    assert_int_equal(json_size(doc.root, "segment"), 1000);
    assert_int_equal(json_get(doc.root, "threshold")->type, JSON_NUMBER);
    assert_int_equal(kinds->length, 3);
    assert_string_equal(json_get(&kinds->items[0], "kind")->string, "clean");
    assert_int_equal(json_get(&kinds->items[0], "recall")->type, JSON_NULL);
    assert_int_equal(json_get(&kinds->items[0], "auc")->type, JSON_NULL);
    assert_string_equal(json_get(&kinds->items[1], "kind")->string, "fifo-ls");
    assert_string_equal(json_get(&kinds->items[2], "kind")->string, "full-while");
    size_t segments = 0, anomalous = 0, flagged = 0;
    for (size_t k = 0; k < kinds->length; k++) {
        const JsonValue *f = &kinds->items[k];
        segments += json_size(f, "segments");
        anomalous += json_size(f, "anomalous");
        flagged += json_size(f, "flagged");
        assert_int_equal(json_size(f, "tp") + json_size(f, "fn"), json_size(f, "anomalous"));
        assert_int_equal(json_size(f, "tp") + json_size(f, "fp"), json_size(f, "flagged"));
    }
    assert_string_equal(json_get(all, "kind")->string, "all");
    assert_int_equal(json_size(all, "traces"), 4);
    assert_int_equal(json_size(all, "segments"), segments);
    assert_int_equal(json_size(all, "anomalous"), anomalous);
    assert_int_equal(json_size(all, "flagged"), flagged);
    assert_int_equal(json_size(all, "clean_segments"), 40);
    assert_true(anomalous > 0);
    const JsonValue *auc = json_get(all, "auc");
    assert_true(auc->type == JSON_NUMBER && auc->number >= 0 && auc->number <= 1);
    json_free(&doc);
    run_result_free(&r);
}

/* Another segment length drops the threshold: flags are "-", the AUC is still there. */
static void eval_truth_without_threshold(void **state)
{
    (void)state;
    RunResult r = run_eval("--segment", "500");
    assert_status(r, 0);
    assert_contains(r.out, "segments of 500 events, no threshold (calibrate the model");
    char value[32];
    field(row(r.out, "all"), 2, value, sizeof value);
    assert_string_equal(value, "160");
    field(row(r.out, "all"), 4, value, sizeof value);
    assert_string_equal(value, "-");
    field(row(r.out, "all"), 9, value, sizeof value);
    assert_true(value[0] == '0' || value[0] == '1');
    run_result_free(&r);
    r = run_eval("--segment", "500", "--json");
    assert_status(r, 0);
    assert_contains(r.out, "\"threshold\":null");
    assert_contains(r.out, "\"flagged\":null");
    run_result_free(&r);
}

/* A truth's '# kind:' names the row; a time truth marks through the trace's timestamps. */
static void eval_truth_kind_line_and_time(void **state)
{
    (void)state;
    char copy[700], truth[700], text[256];
    snprintf(copy, sizeof copy, "%s/renamed.csv", dir);
    snprintf(truth, sizeof truth, "%s/renamed.truth", dir);
    char *csv = slurp(trace_paths[1]);
    FILE *fp = fopen(copy, "w");
    assert_non_null(fp);
    fputs(csv, fp);
    fclose(fp);
    /* The timestamps of events 2,500 and 2,600 (rows 2,501 and 2,601 after the header). */
    long long times[2];
    const char *line = csv;
    for (int row_no = 0, t = 0; t < 2; row_no++) {
        line = strchr(line, '\n') + 1;
        if (row_no + 1 == 2501 || row_no + 1 == 2601)
            times[t++] = atoll(line);
    }
    free(csv);
    snprintf(text, sizeof text, "# kind: timed burst\nstart_ns,stop_ns,label\n%lld,%lld,by hand\n", times[0], times[1]);
    write_text("eval/renamed.truth", text);
    RunResult r = run_traceaid("eval", "--model", model, "--truth", copy, trace_paths[0]);
    assert_status(r, 0);
    char value[32];
    const char *timed = strstr(r.out, "\ntimed burst ");
    assert_non_null(timed);
    field(timed + 7, 3, value, sizeof value);
    assert_string_equal(value, "1"); /* traces, segments, then one anomalous segment */
    run_result_free(&r);
    /* A session file has no timestamps for a time truth. */
    const char *sessions = write_text("eval/sessions.txt", "1 2 3 4 5 6 7 8 9 10 11 12\n");
    write_text("eval/sessions.truth", "start_ns,stop_ns,label\n1,2,\n");
    r = run_traceaid("eval", "--model", model, "--truth", "--sessions", sessions);
    assert_status(r, 2);
    assert_contains(r.err, "sessions.truth: the ground truth is in time (start_ns,stop_ns,label), but ");
    run_result_free(&r);
}

static void eval_truth_refusals(void **state)
{
    (void)state;
    char lonely[700];
    snprintf(lonely, sizeof lonely, "%s/lonely.trace.csv", dir);
    char *csv = slurp(trace_paths[0]);
    FILE *fp = fopen(lonely, "w");
    assert_non_null(fp);
    fputs(csv, fp);
    fclose(fp);
    free(csv);
    RunResult r = run_traceaid("eval", "--model", model, "--truth", trace_paths[0], lonely);
    assert_status(r, 2);
    assert_contains(r.err, "no ground truth for ");
    assert_contains(r.err, "lonely.trace.csv: expected ");
    assert_contains(r.err, "/eval/lonely.truth\n");
    run_result_free(&r);
    r = run_traceaid("eval", "--model", model, "--truth", "--normal", trace_paths[0], trace_paths[1]);
    assert_status(r, 2);
    assert_contains(r.err, "--truth takes traces, not --normal and --abnormal");
    run_result_free(&r);
    r = run_traceaid("eval", "--model", model, "--truth");
    assert_status(r, 2);
    assert_contains(r.err, "name the traces to evaluate");
    run_result_free(&r);
    write_text("eval/broken.truth", "first_event,last_event,episode\n7,3,1\n");
    char broken[700];
    snprintf(broken, sizeof broken, "%s/broken.csv", dir);
    r = run_traceaid("eval", "--model", model, "--truth", broken);
    assert_status(r, 2);
    assert_contains(r.err, "broken.truth:2: last_event 3 is before first_event 7");
    run_result_free(&r);
}

/* The seq2seq kind is measured alike (the session protocol is DeepLog's alone). */
static void eval_truth_seq2seq(void **state)
{
    (void)state;
    char s2s[700];
    snprintf(s2s, sizeof s2s, "%s/s2s.safetensors", dir);
    RunResult r = run_traceaid("train", "--model", "seq2seq", "--embed", "8", "--hidden", "8", "--attn", "8", "--epochs",
                               "1", "-o", s2s, trace_paths[0], trace_paths[1]);
    assert_status(r, 0);
    run_result_free(&r);
    r = run_traceaid("eval", "--model", s2s, "--truth", trace_paths[1], trace_paths[2], "--json");
    assert_status(r, 0);
    assert_contains(r.out, "\"model_kind\":\"seq2seq\"");
    assert_contains(r.out, "{\"kind\":\"fifo-ls\",\"traces\":1,\"segments\":20,");
    run_result_free(&r);
}

int main(void)
{
    const struct CMUnitTest units[] = {
        cmocka_unit_test(auc_on_hand_made_scores),
        cmocka_unit_test(truth_in_event_indices),
        cmocka_unit_test(truth_in_time_overlaps_segment_spans),
        cmocka_unit_test(truth_header_alone_is_clean),
        cmocka_unit_test(time_truth_needs_a_timed_trace),
        cmocka_unit_test(malformed_truth_names_file_and_line),
        cmocka_unit_test(truth_beside_and_kind_from_name),
        cmocka_unit_test(figures_per_kind),
    };
    const struct CMUnitTest binary[] = {
        cmocka_unit_test(eval_truth_text),
        cmocka_unit_test(eval_truth_json),
        cmocka_unit_test(eval_truth_without_threshold),
        cmocka_unit_test(eval_truth_kind_line_and_time),
        cmocka_unit_test(eval_truth_refusals),
        cmocka_unit_test(eval_truth_seq2seq),
    };
    int failed = cmocka_run_group_tests_name("truth and detection", units, NULL, NULL);
    return failed + cmocka_run_group_tests_name("eval --truth", binary, setup, NULL);
}
