/* core/: the segment report's ranges, and what both front ends read off an interpretation. */
#include "test_util.h"

#include "../core/report.h"
#include "../io/json.h"

/* 2,500 events in segments of 1,000: the third is cut short by the end of the trace. */
static void last_segment_ends_with_the_trace(void **state)
{
    (void)state;
    Error err = {0};
    EventOutcomes o;
    assert_true(event_outcomes_init(&o, 2500, &err));
    for (size_t e = 0; e < o.n_events; e++)
        o.outcome[e] = e >= 2000 ? OUTCOME_MISS : OUTCOME_HIT;
    Scores sc;
    assert_true(scores_compute(&sc, &o, 1000, &err));
    scores_set_threshold(&sc, 0.5f);
    assert_int_equal(sc.n_flagged, 1);
    size_t first, last;
    scores_segment_range(&sc, 2, &first, &last);
    assert_int_equal(first, 2000);
    assert_int_equal(last, 2499);
    Trace trace = {.path = (char *)test_path("short.csv"), .n_events = 2500};
    size_t unknown = 0;
    ScoredSet s = {.set = {.traces = &trace, .n_traces = 1}, .outcomes = &o, .scores = &sc, .unknown = &unknown};
    assert_true(model_load(&s.model, FIXTURES_DIR "/flight-small.safetensors", NULL, &err));
    char path[1100];
    assert_true(report_save_flagged(&s, 0, false, path, sizeof path, &err));
    char *csv = slurp(path);
    assert_contains(csv, "short.csv\",3,2000,2499,500,500,1.000000,0.500000,1,1.000000\n");
    assert_null(strstr(csv, ",1,0,999,"));
    free(csv);
    assert_true(report_save_flagged(&s, 0, true, path, sizeof path, &err));
    char *json = slurp(path);
    assert_contains(json, "\"segment\":3,\"first_event\":2000,\"last_event\":2499");
    free(json);
    model_free(&s.model);
    scores_free(&sc);
    event_outcomes_free(&o);
}

/* explain --json on a seq2seq window: keys missed in their own fields, no rank. */
static void seq2seq_interpretation_reports_keys_missed(void **state)
{
    (void)state;
    const char *trace = test_path("fifo-ls.csv");
    RunResult r = run_traceaid("gen", "--kind", "fifo-ls", "--events", "20000", "--seed", "9", "-o", trace);
    assert_status(r, 0);
    run_result_free(&r);
    const char *model = FIXTURES_DIR "/flight-small.safetensors";
    r = run_traceaid("score", "--model", model, "--events", trace);
    const char *miss = strstr(r.out, ",miss,");
    assert_non_null(miss);
    while (miss[-1] != '\n')
        miss--;
    char at[32];
    assert_int_equal(sscanf(strchr(miss, ',') + 1, "%31[0-9]", at), 1);
    run_result_free(&r);
    r = run_traceaid("explain", "--json", "--model", model, trace, "--at", at);
    assert_status(r, 0);
    JsonDoc doc;
    Error err = {0};
    assert_true(json_parse(&doc, r.out, strlen(r.out), "explain --json", &err));
    assert_int_equal(json_get(doc.root, "rank_before")->type, JSON_NULL);
    const JsonValue *missed = json_get(doc.root, "missed_before");
    assert_non_null(missed);
    assert_true(missed->number >= 1 && missed->number <= 5);
    json_free(&doc);
    run_result_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(last_segment_ends_with_the_trace),
        cmocka_unit_test(seq2seq_interpretation_reports_keys_missed),
    };
    return cmocka_run_group_tests_name("core", tests, NULL, NULL);
}
