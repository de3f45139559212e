/* `eval --truth` through the real binary, on generated traces with their truth beside them and
 * models trained on them in an epoch: the table and the JSON and that their figures agree, a
 * model without a threshold, a truth's kind line, a time truth, and the refusals. */
#include "test_util.h"

#include "../io/json.h"

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
        char seed[16];
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
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(eval_truth_text),
        cmocka_unit_test(eval_truth_json),
        cmocka_unit_test(eval_truth_without_threshold),
        cmocka_unit_test(eval_truth_kind_line_and_time),
        cmocka_unit_test(eval_truth_refusals),
        cmocka_unit_test(eval_truth_seq2seq),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
