/* core/explainer: the window that predicted an event (the one whose verdict its outcome is), and
 * a range's worst window, on a seq2seq model whose windows overlap (stride 3, 5 keys read and 5
 * predicted) over one session of 16 events: windows start at 0, 3 and 6; 9 would end past the
 * session. */
#include "test_util.h"

#include "../core/explainer.h"

#define N_EVENTS 16

typedef struct Fixture {
    Model model;
    Trace trace;
    EventOutcomes outcomes;
} Fixture;

static Fixture *fixture_new(void)
{
    Fixture *f = calloc(1, sizeof *f);
    Error err = {0};
    const char *names[] = {"1", "2", "3"}; /* as a sessions file names them */
    ModelHyper hp = {.hidden = 4, .embed = 2, .attn = 2, .tx = 5, .ty = 5, .stride = 3, .holdout = -1};
    const ModelKind *kind = model_kind_find("seq2seq");
    kind->defaults(&hp);
    assert_true(model_create(&f->model, kind, &hp, names, 3, 1, &err));
    assert_true(trace_begin(&f->trace, test_path("t.csv"), TRACE_FORMAT_CSV, &err));
    uint32_t name_id;
    assert_true(strpool_intern(&f->trace.names, "p", 1, &name_id, &err));
    for (size_t e = 0; e < N_EVENTS; e++)
        assert_true(trace_append(&f->trace, (uint32_t)(e % 3), (int64_t)e, 0, 1, 1, name_id, &err));
    assert_true(trace_end_session(&f->trace, &err));
    assert_true(event_outcomes_init(&f->outcomes, N_EVENTS, &err));
    for (size_t e = 0; e < N_EVENTS; e++)
        f->outcomes.outcome[e] = e < 5 ? OUTCOME_NONE : OUTCOME_HIT, f->outcomes.prob[e] = 0.5f;
    return f;
}

static void fixture_free(Fixture *f)
{
    event_outcomes_free(&f->outcomes);
    trace_free(&f->trace);
    model_free(&f->model);
    free(f);
}

/* Event e's window as explainer_at takes it: its first event, or -1 for none. */
static long window_of(Fixture *f, size_t e)
{
    Explainer x;
    Error err = {0};
    InterpretOptions opt = INTERPRET_DEFAULTS;
    assert_true(explainer_init(&x, &f->model, NULL, &opt, &err));
    Interpretation in;
    size_t first;
    bool found = explainer_at(&x, &f->trace, e, &in, &first);
    explainer_free(&x);
    return found ? (long)first : -1;
}

/* The last window holding e among its targets judged it; near the session's end that is an
 * earlier window than the stride's last, which does not fit. */
static void the_window_that_predicted_the_event(void **state)
{
    (void)state;
    Fixture *f = fixture_new();
    assert_int_equal(window_of(f, 4), -1); /* read, never predicted */
    assert_int_equal(window_of(f, 5), 0);
    assert_int_equal(window_of(f, 8), 3);  /* windows 0 and 3 predict it; 3 came last */
    assert_int_equal(window_of(f, 12), 6);
    uint32_t keys[INTERPRET_MAX_KEYS];
    int n_keys;
    size_t first;
    assert_false(model_window_for(&f->model, &f->trace, 15, keys, &n_keys, &first)); /* 9 + 10 > 16 */
    assert_int_equal(window_of(f, 14), 6);
    assert_int_equal(window_of(f, 15), 6);
    fixture_free(f);
}

static void the_worst_window_has_the_most_misses(void **state)
{
    (void)state;
    Fixture *f = fixture_new();
    EventOutcomes *o = &f->outcomes;
    WorstWindow w;
    assert_false(explainer_worst_window(&f->model, &f->trace, o, 0, N_EVENTS, &w)); /* no miss */
    for (size_t e = 11; e <= 15; e++)
        o->outcome[e] = OUTCOME_MISS;
    o->outcome[8] = OUTCOME_MISS, o->prob[8] = 0.0001f; /* the least likely, in a window of fewer misses */
    o->prob[13] = 0.01f;
    assert_true(explainer_worst_window(&f->model, &f->trace, o, 0, N_EVENTS, &w));
    assert_int_equal(w.first, 6);
    assert_int_equal(w.last, 15);
    assert_int_equal(w.misses, 5);
    assert_int_equal(w.event, 13);
    assert_true(w.interpretable);
    /* events before 11: window 3 (targets 8-12; of the misses 8, 11, 12 only 8 is its verdict, 11 and 12
     * window 6's) is the worst; its worst miss in range, 8 */
    assert_true(explainer_worst_window(&f->model, &f->trace, o, 0, 11, &w));
    assert_int_equal(w.first, 3);
    assert_int_equal(w.misses, 1); /* window 3's own: 11 and 12 are window 6's verdicts */
    assert_int_equal(w.event, 8);
    fixture_free(f);
}

/* Why an event has no window: read at its session's start, or in a session too short for one. */
static void why_no_window(void **state)
{
    (void)state;
    Fixture *f = fixture_new();
    assert_int_equal(explainer_no_window(&f->model, &f->trace, 4), NO_WINDOW_SESSION_START);
    Trace *t = &f->trace;
    Error err = {0};
    for (uint32_t k = 0; k < 4; k++) /* a second session of 4 events: shorter than 5 + 5 */
        assert_true(trace_append(t, k % 3, 100 + k, 0, 1, 1, trace_name_id(t, 0), &err));
    assert_true(trace_end_session(t, &err));
    assert_int_equal(explainer_no_window(&f->model, t, N_EVENTS + 2), NO_WINDOW_SHORT_SESSION);
    assert_contains(explainer_no_window_text(NO_WINDOW_SHORT_SESSION, 2), "sessions shorter than one window");
    fixture_free(f);
}

/* explain --all takes the window --at takes: the session's last events, whose stride window would
 * end past the session, are interpreted, not skipped (the model, untrained, misses about all). */
static void explain_all_takes_the_window_at_takes(void **state)
{
    (void)state;
    Fixture *f = fixture_new();
    const char *model = test_path("stride3.safetensors");
    Error err = {0};
    assert_true(model_save(&f->model, model, &err));
    fixture_free(f);
    const char *sessions = write_text("stride3.txt", "1 2 3 1 2 3 1 2 3 1 2 3 1 2 3 1\n");
    RunResult r = run_traceaid("explain", "--model", model, "--sessions", sessions, "--all");
    assert_status(r, 0);
    assert_true(strstr(r.out, " more ") == NULL);
    assert_true(strstr(r.out, "known keys") == NULL);
    run_result_free(&r);
    r = run_traceaid("explain", "--model", model, "--sessions", sessions, "--at", "15");
    assert_status(r, 0);
    assert_contains(r.out, "events 6-15");
    run_result_free(&r);
    r = run_traceaid("explain", "--model", model, "--sessions", sessions, "--at", "4");
    assert_status(r, 2);
    assert_contains(r.err, "no window of the model's predicts this event: it lies among its session's first keys");
    run_result_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_window_that_predicted_the_event),
        cmocka_unit_test(the_worst_window_has_the_most_misses),
        cmocka_unit_test(why_no_window),
        cmocka_unit_test(explain_all_takes_the_window_at_takes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
