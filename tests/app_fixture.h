/* The small App the key tests drive: 800 events of one trace in 8 segments of 100, scored, with a
 * small seq2seq model behind it (tests/test_app_keys.c, tests/test_app_keys_marks.c). */
#ifndef TRACEAID_TEST_APP_FIXTURE_H
#define TRACEAID_TEST_APP_FIXTURE_H

#include "test_util.h"

#include "../tui/app.h"

#define N_EVENTS 800
#define SEGMENT 100

/* 800 events in 8 segments of 100; segments 2 and 5 miss half their events, the others a tenth:
 * at a threshold of 20% those two are flagged. */
typedef struct Fixture {
    ScoredSet scored;
    App app;
} Fixture;

static inline void add_event(Trace *t, Vocab *vocab, size_t e)
{
    const char *key = e % 50 == 0 ? "COMM/SEND" : e % 2 ? "IO/WRITE" : "IO/READ";
    uint32_t key_id, name_id;
    Error err = {0};
    assert_true(vocab_intern(vocab, key, strlen(key), &key_id, &err));
    assert_true(strpool_intern(&t->names, e % 3 ? "reader" : "writer", 6, &name_id, &err));
    assert_true(trace_append(t, key_id, (int64_t)e * 1000, 0, e % 3 ? 7 : 8, 1, name_id, &err));
    char fields[64]; /* as a kernel trace's reader keeps them */
    int len = snprintf(fields, sizeof fields, "fd=%zu peer=%s", e % 13, e % 3 ? "writer" : "reader");
    assert_true(fields_append(&t->fields, "io", 2, fields, (size_t)len, &err));
}

static inline Fixture *fixture_new(bool has_model)
{
    Fixture *f = calloc(1, sizeof *f);
    ScoredSet *s = &f->scored;
    Error err = {0};
    trace_set_init(&s->set);
    s->set.traces = calloc(1, sizeof *s->set.traces);
    s->set.n_traces = 1;
    Trace *t = &s->set.traces[0];
    assert_true(trace_begin(t, test_path("small.csv"), TRACE_FORMAT_CSV, &err));
    for (size_t e = 0; e < N_EVENTS; e++)
        add_event(t, &s->set.vocab, e);
    assert_true(trace_end_session(t, &err));
    s->outcomes = calloc(1, sizeof *s->outcomes);
    s->scores = calloc(1, sizeof *s->scores);
    assert_true(event_outcomes_init(s->outcomes, N_EVENTS, &err));
    for (size_t e = 0; e < N_EVENTS; e++) {
        size_t seg = e / SEGMENT, every = seg == 2 || seg == 5 ? 2 : 10;
        s->outcomes->outcome[e] = e % every == 0 ? OUTCOME_MISS : OUTCOME_HIT;
    }
    assert_true(scores_compute(s->scores, s->outcomes, SEGMENT, &err));
    const ModelKind *kind = model_kind_find("seq2seq");
    ModelHyper hp = {.hidden = 4, .embed = 2, .attn = 2, .holdout = -1};
    kind->defaults(&hp);
    const char *names[] = {"COMM/SEND", "IO/WRITE", "IO/READ"};
    assert_true(model_create(&s->model, kind, &hp, names, 3, 1, &err));
    s->model_loaded = true;
    *model_calibration(&s->model) = (Calibration){.segment = SEGMENT, .k = 3, .calibrated = true, .threshold = 0.2f};
    scores_set_threshold(s->scores, 0.2f);
    app_init(&f->app, s, has_model);
    return f;
}

static inline void fixture_free(Fixture *f)
{
    app_free(&f->app);
    scores_free(f->scored.scores);
    event_outcomes_free(f->scored.outcomes);
    free(f->scored.scores);
    free(f->scored.outcomes);
    trace_set_free(&f->scored.set);
    model_free(&f->scored.model);
    free(f);
}

static inline Reaction keys(App *app, const char *typed)
{
    Reaction r = REACT_NONE;
    for (const char *c = typed; *c; c++)
        r |= app_key(app, (unsigned char)*c);
    return r;
}

#endif
