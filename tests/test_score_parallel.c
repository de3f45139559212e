/* Scoring in parts on several threads (core/score_parts.c) gives what one pass over each trace
 * gives: the same hits, misses, ranks and predictions (probabilities to the last bit or so: the
 * products depend on the batch a window falls in), for DeepLog and seq2seq, on kernel traces
 * and on sessions that cross the parts' boundaries; segments published as final never change;
 * progress only grows and ends at the total; a cancel stops it. TRACEAID_SCORE_PART forces
 * tiny parts, TRACEAID_SCORE_BATCH batches of a few windows, so a trace's batches run on the
 * threads too (one trace: its parts in turn, the batches of each on the threads). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/scored_set.h"
#include "test_util.h"

#define HDFS SHARED_DATA "/hdfs/hdfs_test_normal"

typedef struct Case {
    const char *model;
    TraceInput input;
    const char *score, *smooth;
    uint64_t segment;
} Case;

/* What a reader polling the set saw as final, first time seen, per segment of trace 0. */
typedef struct Watch {
    ScoredSet *s;
    size_t calls, last_scored, total;
    bool monotone;
    size_t *seen_events;        /* per trace: the last scored_events read */
    float *score;               /* trace 0's segments as first published final */
    uint32_t *predicted;
    uint8_t *flagged;
    size_t published;           /* trace 0's segments published final so far */
    CancelFlag *cancel_after_first;
} Watch;

static void watch_progress(size_t scored, size_t total, void *ctx)
{
    Watch *w = ctx;
    if (w->calls++ && scored < w->last_scored)
        w->monotone = false;
    w->last_scored = scored, w->total = total;
    for (size_t i = 0; i < w->s->set.n_traces; i++) {
        size_t n = atomic_load_explicit(&w->s->scored_events[i], memory_order_acquire);
        if (n < w->seen_events[i] || n > w->s->set.traces[i].n_events)
            w->monotone = false;
        w->seen_events[i] = n;
    }
    size_t final = scored_set_final_segments(w->s, 0, w->seen_events[0]);
    const Scores *sc = &w->s->scores[0];
    for (; w->published < final; w->published++) {
        w->score[w->published] = sc->score[w->published];
        w->predicted[w->published] = sc->predicted[w->published];
        w->flagged[w->published] = sc->flagged[w->published];
    }
    if (w->cancel_after_first && scored > 0)
        atomic_store(w->cancel_after_first, 1);
}

static bool score_case(ScoredSet *s, const Case *c, uint64_t threads, const char *part, Watch *w,
                       CancelFlag *cancel, Error *err)
{
    ModelRequest req = {.path = c->model, .segment = c->segment, .score = c->score, .smooth = c->smooth};
    TraceRequest tr = {.opt = {.threads = threads, .no_cache = true}};
    char *old = env_set("TRACEAID_SCORE_PART", part);
    bool ok = scored_set_open(s, &req, &tr, err) && scored_set_add_traces(s, &c->input, 1, &tr.opt, err);
    if (ok) {
        /* a threshold, so flags are streamed too: the trace's mean miss rate or so */
        Calibration *cal = model_calibration(&s->model);
        cal->calibrated = true;
        cal->threshold = c->score && !strcmp(c->score, "nll") ? 1.0f : 0.1f;
        ok = scored_set_score_begin(s, err);
    }
    if (ok && w) {
        size_t n_segments = s->scores[0].n_segments + 1;
        *w = (Watch){.s = s, .monotone = true, .seen_events = calloc(s->set.n_traces, sizeof(size_t)),
                     .score = calloc(n_segments, sizeof(float)), .predicted = calloc(n_segments, sizeof(uint32_t)),
                     .flagged = calloc(n_segments, 1), .cancel_after_first = w->cancel_after_first};
        s->progress = watch_progress, s->progress_ctx = w, s->progress_every = 0;
    }
    ok = ok && scored_set_score(s, cancel, err);
    env_restore("TRACEAID_SCORE_PART", old);
    return ok;
}

static void watch_free(Watch *w)
{
    free(w->seen_events);
    free(w->score);
    free(w->predicted);
    free(w->flagged);
}

static void assert_same_outcomes(const EventOutcomes *want, const EventOutcomes *got, const char *what)
{
    assert_int_equal(want->n_events, got->n_events);
    for (size_t e = 0; e < want->n_events; e++) {
        if (want->outcome[e] != got->outcome[e] || want->rank[e] != got->rank[e] ||
            want->predicted[e] != got->predicted[e] || fabsf(want->prob[e] - got->prob[e]) > 1e-5f)
            fail_msg("%s: event %zu: outcome %d rank %u predicted %u prob %.8g, one pass gives %d %u %u %.8g", what,
                     e, got->outcome[e], got->rank[e], got->predicted[e], got->prob[e], want->outcome[e],
                     want->rank[e], want->predicted[e], want->prob[e]);
    }
}

/* The streamed scores are scores_compute_rule's over the same outcomes, to the bit. */
static void assert_scores_as_computed(const ScoredSet *s, size_t i, const char *what)
{
    const Scores *got = &s->scores[i];
    Scores want;
    Error err = {0};
    if (!scores_compute_rule(&want, &s->outcomes[i], got->segment_len, got->rule, got->smooth, &err))
        fail_msg("%s", err.msg);
    if (got->has_threshold)
        scores_set_threshold(&want, got->threshold);
    assert_int_equal(want.n_segments, got->n_segments);
    assert_int_equal(want.n_flagged, got->n_flagged);
    for (size_t seg = 0; seg < want.n_segments; seg++)
        if (want.predicted[seg] != got->predicted[seg] || want.missed[seg] != got->missed[seg] ||
            want.rate[seg] != got->rate[seg] || want.score[seg] != got->score[seg] ||
            want.flagged[seg] != got->flagged[seg])
            fail_msg("%s: segment %zu: score %.9g, computed %.9g", what, seg, got->score[seg], want.score[seg]);
    scores_free(&want);
}

static void assert_published_final(const Watch *w, const char *what)
{
    const Scores *sc = &w->s->scores[0];
    assert_true(w->monotone);
    assert_int_equal(w->last_scored, w->total);
    assert_int_equal(w->seen_events[0], w->s->set.traces[0].n_events);
    assert_int_equal(w->published, sc->n_segments);
    for (size_t seg = 0; seg < sc->n_segments; seg++)
        if (w->score[seg] != sc->score[seg] || w->predicted[seg] != sc->predicted[seg] ||
            w->flagged[seg] != sc->flagged[seg])
            fail_msg("%s: segment %zu published as %.9g, ends %.9g", what, seg, w->score[seg], sc->score[seg]);
}

static void check_case(const Case *c)
{
    ScoredSet one;
    Error err = {0};
    char *old_batch = env_set("TRACEAID_SCORE_BATCH", "5");
    if (!score_case(&one, c, 1, "100000000", NULL, NULL, &err))
        fail_msg("%s", err.msg);
    const Trace *t = &one.set.traces[0];
    EventOutcomes pass; /* one call over the whole trace */
    if (!model_outcomes(&one.model, t, 0, t->n_events, &pass, NULL, &err))
        fail_msg("%s", err.msg);
    assert_same_outcomes(&pass, &one.outcomes[0], "one part");
    const char *parts[] = {"13", "100000000", "64", "7"}; /* on 1, 2, 3, 4 threads */
    for (uint64_t threads = 1; threads <= 4; threads++) {
        const char *part = parts[threads - 1];
        char what[128];
        snprintf(what, sizeof what, "%s on %s, %d threads, parts of %s", c->model, c->input.path, (int)threads, part);
        ScoredSet s;
        Watch w = {0};
        if (!score_case(&s, c, threads, part, &w, NULL, &err))
            fail_msg("%s: %s", what, err.msg);
        assert_same_outcomes(&pass, &s.outcomes[0], what);
        assert_scores_as_computed(&s, 0, what);
        assert_published_final(&w, what);
        assert_int_equal(s.unknown[0], one.unknown[0]);
        assert_int_equal(s.sessions[0].n_sessions, one.sessions[0].n_sessions);
        watch_free(&w);
        scored_set_free(&s);
    }
    event_outcomes_free(&pass);
    scored_set_free(&one);
    env_restore("TRACEAID_SCORE_BATCH", old_batch);
}

/* A session file of the generated trace's keys (their ids from 1), cut into sessions of 1 to 40
 * events. */
static const char *sessions_of(const char *trace, const char *name)
{
    TraceSet set;
    trace_set_init(&set);
    TraceInput in = {.path = trace};
    TraceOptions opt = {.no_cache = true};
    Error err = {0};
    if (!trace_set_load(&set, &in, 1, &opt, &err))
        fail_msg("%s", err.msg);
    const Trace *t = &set.traces[0];
    const char *path = test_path(name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    unsigned seed = 7;
    for (size_t e = 0, left = 0; e < t->n_events; e++) {
        if (left == 0)
            left = 1 + (seed = seed * 1103515245u + 12345u) / 65536 % 40;
        fprintf(f, "%u%c", t->key_id[e] + 1, --left == 0 || e + 1 == t->n_events ? '\n' : ' ');
    }
    fclose(f);
    trace_set_free(&set);
    return path;
}

static void deeplog_parts_match_one_pass(void **state)
{
    (void)state;
    require_shared_data();
    const char *trace = generated_trace("fifo-ls", "7", "2000");
    /* the shared HDFS sessions' first 300 */
    const char *hdfs = test_path("hdfs300");
    char cmd[512];
    snprintf(cmd, sizeof cmd, "head -300 '%s' > '%s'", HDFS, hdfs);
    assert_int_equal(system(cmd), 0);
    Case cases[] = {
        {FIXTURES_DIR "/hdfs-deeplog.safetensors", {hdfs, TRACE_FORMAT_SESSIONS}, "miss", "2", 50},
        {FIXTURES_DIR "/hdfs-deeplog.safetensors", {hdfs, TRACE_FORMAT_SESSIONS}, "nll", "0", 64},
        {FIXTURES_DIR "/deeplog_small.safetensors", {trace, TRACE_FORMAT_AUTO}, "nll", "3", 40},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        check_case(&cases[i]);
}

static void seq2seq_parts_match_one_pass(void **state)
{
    (void)state;
    const char *trace = generated_trace("fifo-ls", "8", "2000");
    const char *sessions = sessions_of(trace, "flight.sessions");
    /* windows that overlap (stride 2 < ty 3), so a later window's prediction overwrites */
    const char *overlapping = test_path("overlap.safetensors");
    RunResult r = run_traceaid("train", "--model", "seq2seq", "--tx", "4", "--ty", "3", "--stride", "2", "--hidden", "8",
                               "--embed", "4", "--attn", "8", "--epochs", "1", "-o", overlapping, "--sessions", sessions);
    assert_status(r, 0);
    run_result_free(&r);
    Case cases[] = {
        {FIXTURES_DIR "/flight-small.safetensors", {trace, TRACE_FORMAT_AUTO}, "nll", "2", 50},
        {FIXTURES_DIR "/flight-small.safetensors", {trace, TRACE_FORMAT_AUTO}, "miss", "0", 64},
        {overlapping, {sessions, TRACE_FORMAT_SESSIONS}, "nll", "2", 33},
        {overlapping, {sessions, TRACE_FORMAT_SESSIONS}, "miss", "1", 45},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        check_case(&cases[i]);
}

/* Several traces, each a job's share or more: every one scored, progress ending at their sum. */
static void many_traces_many_threads(void **state)
{
    (void)state;
    TraceInput inputs[] = {{generated_trace("clean", "21", "900"), TRACE_FORMAT_AUTO},
                           {generated_trace("fifo-ls", "22", "1500"), TRACE_FORMAT_AUTO},
                           {generated_trace("full-while", "23", "40"), TRACE_FORMAT_AUTO}};
    ModelRequest req = {.path = FIXTURES_DIR "/flight-small.safetensors", .segment = 100};
    size_t want_flagged = 0;
    for (uint64_t threads = 1; threads <= 3; threads += 2) {
        TraceRequest tr = {.opt = {.threads = threads, .no_cache = true}};
        char *old = env_set("TRACEAID_SCORE_PART", threads == 1 ? "100000000" : "11");
        ScoredSet s;
        Error err = {0};
        if (!scored_set_load(&s, &req, &tr, inputs, 3, NULL, &err))
            fail_msg("%s", err.msg);
        env_restore("TRACEAID_SCORE_PART", old);
        for (size_t i = 0; i < 3; i++) {
            assert_int_equal(atomic_load(&s.scored_events[i]), s.set.traces[i].n_events);
            assert_scores_as_computed(&s, i, inputs[i].path);
        }
        if (threads == 1)
            want_flagged = scored_set_flagged(&s);
        assert_int_equal(scored_set_flagged(&s), want_flagged);
        scored_set_free(&s);
    }
}

static void cancel_stops_the_parts(void **state)
{
    (void)state;
    Case c = {FIXTURES_DIR "/flight-small.safetensors", {generated_trace("fifo-ls", "9", "3000"), TRACE_FORMAT_AUTO},
              "miss", "0", 100};
    CancelFlag cancel;
    atomic_init(&cancel, 0);
    ScoredSet s;
    Watch w = {.cancel_after_first = &cancel};
    Error err = {0};
    assert_false(score_case(&s, &c, 2, "10", &w, &cancel, &err));
    assert_int_equal(err.code, ERROR_INTERRUPTED);
    assert_true(w.last_scored < w.total);
    watch_free(&w);
    scored_set_free(&s);
}

/* Through the binary: the same report on one thread in one part as on four in tiny ones. */
static void score_command_same_on_threads(void **state)
{
    (void)state;
    const char *trace = generated_trace("full-while", "5", "4000");
    const char *model = FIXTURES_DIR "/flight-small.safetensors";
    RunResult one = run_traceaid("score", "--csv", "--segment", "200", "--threads", "1", "--model", model, trace);
    char *old = env_set("TRACEAID_SCORE_PART", "9");
    char *old_every = env_set("TRACEAID_PROGRESS_SECONDS", "0");
    RunResult four = run_traceaid("score", "--csv", "--segment", "200", "--threads", "4", "--model", model, trace);
    env_restore("TRACEAID_PROGRESS_SECONDS", old_every);
    env_restore("TRACEAID_SCORE_PART", old);
    assert_true(one.status == 0 || one.status == 1);
    assert_int_equal(one.status, four.status);
    assert_string_equal(one.out, four.out);
    /* Progress every 0 s: lines while the parts come in, and the last one at 100%. */
    assert_non_null(strstr(four.err, "scoring:"));
    assert_non_null(strstr(four.err, "scoring: 100%"));
    run_result_free(&one);
    run_result_free(&four);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(deeplog_parts_match_one_pass),
        cmocka_unit_test(seq2seq_parts_match_one_pass),
        cmocka_unit_test(many_traces_many_threads),
        cmocka_unit_test(cancel_stops_the_parts),
        cmocka_unit_test(score_command_same_on_threads),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    test_dir_cleanup();
    return failed;
}
