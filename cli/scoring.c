#include "scoring.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "interrupt.h"
#include "model_vocab.h"
#include "../io/clock.h"

bool model_args_load(const ModelArgs *ma, Model *m, Error *err)
{
    DeepLogConfig defaults = {.window = ma->window ? (int)ma->window : 10,
                              .top_g = ma->top_g ? (int)ma->top_g : 9};
    if (!model_load(m, ma->path, &defaults, err))
        return false;
    bool ok = true;
    if (ma->top_g && m->kind == MODEL_DEEPLOG) {
        m->deeplog.cfg.top_g = (int)ma->top_g;
        ok = deeplog_config_check(&m->deeplog.cfg, err);
    } else if (ma->top_g) {
        ok = error_set(err, "--top-g: a seq2seq model's hit is its one greedy prediction");
    }
    Calibration *cal = model_calibration(m);
    if (ma->segment && (int)ma->segment != cal->segment) {
        cal->segment = (int)ma->segment;
        cal->calibrated = false; /* a threshold holds for its segment length */
    }
    if (!ok)
        model_free(m);
    return ok;
}

bool scored_set_score(ScoredSet *s, const volatile sig_atomic_t *cancel, Error *err)
{
    double start = clock_seconds();
    size_t n = s->set.n_traces;
    s->outcomes = calloc(n + 1, sizeof *s->outcomes);
    s->scores = calloc(n + 1, sizeof *s->scores);
    s->unknown = calloc(n + 1, sizeof *s->unknown);
    if (!s->outcomes || !s->scores || !s->unknown)
        return error_set(err, "out of memory");
    const Calibration *cal = model_calibration(&s->model);
    int n_keys;
    model_key_names(&s->model, &n_keys);
    for (size_t i = 0; i < n; i++) {
        const Trace *t = &s->set.traces[i];
        for (size_t e = 0; e < t->n_events; e++)
            s->unknown[i] += t->key_id[e] >= (uint32_t)n_keys;
        if (!model_outcomes(&s->model, t, 0, t->n_events, &s->outcomes[i], cancel, err) ||
            !scores_compute(&s->scores[i], &s->outcomes[i], (size_t)cal->segment, err))
            return error_prefix(err, "%s: ", t->path);
        if (cal->calibrated)
            scores_set_threshold(&s->scores[i], cal->threshold);
    }
    s->seconds = clock_seconds() - start;
    return true;
}

bool scored_set_open(ScoredSet *s, const ModelArgs *ma, const TraceArgs *ta, Error *err)
{
    memset(s, 0, sizeof *s);
    trace_set_init(&s->set);
    if (ma->path) {
        if (!model_args_load(ma, &s->model, err))
            return false;
        s->model_loaded = true;
        int n_keys; /* model_key_names sets n_keys: call it before n_keys is read */
        char *const *names = model_key_names(&s->model, &n_keys);
        if (!model_vocab_seed(&s->set, names, n_keys, err))
            return false;
    }
    return !ta->meanings_path || meanings_load(&s->set.meanings, ta->meanings_path, err);
}

bool scored_set_add_traces(ScoredSet *s, const ArgInputs *inputs, const TraceOptions *opt, Error *err)
{
    return trace_set_load(&s->set, inputs->items, inputs->n, opt, err);
}

bool scored_set_load(ScoredSet *s, const Command *cmd, const ModelArgs *ma, TraceArgs *ta,
                     const ArgInputs *inputs)
{
    Error err = {0};
    bool ok = scored_set_open(s, ma, ta, &err) && scored_set_add_traces(s, inputs, &ta->opt, &err) &&
              scored_set_score(s, interrupt_install(), &err);
    if (!ok)
        fprintf(stderr, "traceaid %s: %s\n", cmd->name, err.msg);
    return ok;
}

void scored_set_free(ScoredSet *s)
{
    for (size_t i = 0; s->outcomes && i < s->set.n_traces; i++) {
        event_outcomes_free(&s->outcomes[i]);
        scores_free(&s->scores[i]);
    }
    free(s->outcomes);
    free(s->scores);
    free(s->unknown);
    trace_set_free(&s->set);
    if (s->model_loaded)
        model_free(&s->model);
    memset(s, 0, sizeof *s);
}
