#include "scored_set.h"

#include <stdlib.h>
#include <string.h>

#include "../io/clock.h"
#include "model_templates.h"
#include "score_parts.h"
#include "model_vocab.h"

/* --score and --smooth at score time; a threshold set for other scores no longer holds. */
static bool apply_score_overrides(const ModelRequest *req, Calibration *cal, Error *err)
{
    ScoreRule rule = cal->score;
    if (req->score && !score_rule_parse(req->score, &rule))
        return error_set_code(err, ERROR_USAGE, "--score %s: the score rules are miss and nll", req->score);
    int smooth = cal->smooth;
    if (req->smooth) {
        char *end;
        long parsed = strtol(req->smooth, &end, 10);
        if (*end || end == req->smooth || parsed < 0 || parsed > CALIBRATION_MAX_SMOOTH)
            return error_set_code(err, ERROR_USAGE, "--smooth %s: expected an integer from 0 to %d", req->smooth,
                                  CALIBRATION_MAX_SMOOTH);
        smooth = (int)parsed;
    }
    if (rule != cal->score || smooth != cal->smooth)
        cal->calibrated = false;
    cal->score = rule, cal->smooth = smooth;
    return true;
}

bool model_request_load(const ModelRequest *req, Model *m, Error *err)
{
    ModelLoadDefaults defaults = {.window = req->window ? (int)req->window : 10,
                                  .top_g = req->top_g ? (int)req->top_g : 9};
    if (!model_load(m, req->path, &defaults, err))
        return false;
    int stored_top_g = model_top_g(m);
    if (req->top_g && !model_set_top_g(m, (int)req->top_g, err)) {
        model_free(m);
        return false;
    }
    Calibration *cal = model_calibration(m);
    if (cal->score == SCORE_MISS && model_top_g(m) != stored_top_g)
        cal->calibrated = false; /* a miss-rate threshold holds for the top-g it was set with */
    if (req->segment && (int)req->segment != cal->segment) {
        cal->segment = (int)req->segment;
        cal->calibrated = false; /* a threshold holds for its segment length */
    }
    if (!apply_score_overrides(req, cal, err)) {
        model_free(m);
        return false;
    }
    return true;
}

/* The scores of every segment, zero until scored, with the threshold they will be flagged
 * against: what a reader may look at while the parts are scored. */
static bool begin_scores(Scores *sc, size_t n_events, const Calibration *cal, Error *err)
{
    memset(sc, 0, sizeof *sc);
    if (cal->segment < 1)
        return error_set(err, "the segment length must be at least 1 event");
    sc->segment_len = (size_t)cal->segment;
    sc->n_events = n_events;
    sc->n_segments = (n_events + sc->segment_len - 1) / sc->segment_len;
    sc->rule = cal->score;
    sc->smooth = cal->smooth;
    sc->has_threshold = cal->calibrated;
    sc->threshold = cal->calibrated ? cal->threshold : 0.0f;
    sc->predicted = calloc(sc->n_segments + 1, sizeof *sc->predicted);
    sc->missed = calloc(sc->n_segments + 1, sizeof *sc->missed);
    sc->rate = calloc(sc->n_segments + 1, sizeof *sc->rate);
    sc->score = calloc(sc->n_segments + 1, sizeof *sc->score);
    sc->flagged = calloc(sc->n_segments + 1, sizeof *sc->flagged);
    if (!sc->predicted || !sc->missed || !sc->rate || !sc->score || !sc->flagged)
        return error_set_code(err, ERROR_NOMEM, "out of memory for %zu segments", sc->n_segments);
    return true;
}

bool scored_set_score_begin(ScoredSet *s, Error *err)
{
    if (s->score_begun)
        return true;
    size_t n = s->set.n_traces;
    s->outcomes = calloc(n + 1, sizeof *s->outcomes);
    s->scores = calloc(n + 1, sizeof *s->scores);
    s->unknown = calloc(n + 1, sizeof *s->unknown);
    s->sessions = calloc(n + 1, sizeof *s->sessions);
    s->scored_events = calloc(n + 1, sizeof *s->scored_events);
    if (!s->outcomes || !s->scores || !s->unknown || !s->sessions || !s->scored_events)
        return error_set_code(err, ERROR_NOMEM, "out of memory");
    s->score_begun = true;
    const Calibration *cal = model_calibration(&s->model);
    for (size_t i = 0; i < n; i++) {
        const Trace *t = &s->set.traces[i];
        atomic_init(&s->scored_events[i], 0);
        if (!event_outcomes_init(&s->outcomes[i], t->n_events, err) ||
            !begin_scores(&s->scores[i], t->n_events, cal, err))
            return error_prefix(err, "%s: ", t->path);
    }
    return true;
}

size_t scored_set_final_segments(const ScoredSet *s, size_t i, size_t n)
{
    const Scores *sc = &s->scores[i];
    return n >= sc->n_events ? sc->n_segments : n / sc->segment_len;
}

bool scored_set_score(ScoredSet *s, const CancelFlag *cancel, Error *err)
{
    double start = clock_seconds();
    if (!scored_set_score_begin(s, err) || !score_parts_run(s, cancel, err))
        return false;
    s->seconds = clock_seconds() - start;
    return true;
}

bool scored_set_open(ScoredSet *s, const ModelRequest *req, const TraceRequest *tr, Error *err)
{
    memset(s, 0, sizeof *s);
    pthread_mutex_init(&s->progress_lock, NULL);
    s->threads = (int)(tr->opt.threads > 256 ? 256 : tr->opt.threads);
    trace_set_init(&s->set);
    if (req->path) {
        if (!model_request_load(req, &s->model, err))
            return false;
        s->model_loaded = true;
        if (!model_vocab_seed(&s->set, &s->model, err))
            return false;
        if (!model_templates_beside(req->path, s->templates, sizeof s->templates))
            s->templates[0] = '\0';
    }
    return !tr->meanings_path || meanings_load(&s->set.meanings, tr->meanings_path, err);
}

bool scored_set_add_traces(ScoredSet *s, const TraceInput *inputs, size_t n_inputs, const TraceOptions *opt,
                           Error *err)
{
    TraceOptions with_templates = *opt; /* raw logs mined from the model's templates first */
    if (!with_templates.log.templates && s->templates[0])
        with_templates.log.templates = s->templates;
    return trace_set_load(&s->set, inputs, n_inputs, &with_templates, err);
}

bool scored_set_load(ScoredSet *s, const ModelRequest *req, const TraceRequest *tr, const TraceInput *inputs,
                     size_t n_inputs, const CancelFlag *cancel, Error *err)
{
    return scored_set_open(s, req, tr, err) && scored_set_add_traces(s, inputs, n_inputs, &tr->opt, err) &&
           scored_set_score(s, cancel, err);
}

void scored_set_free(ScoredSet *s)
{
    for (size_t i = 0; s->outcomes && i < s->set.n_traces; i++) {
        event_outcomes_free(&s->outcomes[i]);
        scores_free(&s->scores[i]);
        if (s->sessions)
            session_verdicts_free(&s->sessions[i]);
    }
    free(s->sessions);
    free(s->labels);
    free(s->outcomes);
    free(s->scores);
    free(s->unknown);
    free(s->scored_events);
    trace_set_free(&s->set);
    if (s->model_loaded)
        model_free(&s->model);
    pthread_mutex_destroy(&s->progress_lock);
    memset(s, 0, sizeof *s);
}

void scored_set_set_threshold(ScoredSet *s, float threshold)
{
    Calibration *cal = model_calibration(&s->model);
    cal->threshold = threshold;
    cal->calibrated = true;
    for (size_t i = 0; i < s->set.n_traces; i++) {
        scores_set_threshold(&s->scores[i], threshold);
        if (s->sessions)
            session_verdicts_set_threshold(&s->sessions[i], &s->model, true, threshold);
    }
}

bool scored_set_resegment(ScoredSet *s, size_t segment_len, Error *err)
{
    const Calibration *cal = model_calibration(&s->model);
    for (size_t i = 0; i < s->set.n_traces; i++) {
        Scores *sc = &s->scores[i];
        bool had = sc->has_threshold;
        float threshold = sc->threshold;
        scores_free(sc);
        if (!scores_compute_rule(sc, &s->outcomes[i], segment_len, cal->score, cal->smooth, err))
            return false;
        if (had)
            scores_set_threshold(sc, threshold);
    }
    return true;
}

size_t scored_set_flagged(const ScoredSet *s)
{
    size_t flagged = 0;
    for (size_t i = 0; s->scores && i < s->set.n_traces; i++)
        flagged += s->scores[i].n_flagged;
    return flagged;
}

bool scored_set_label(ScoredSet *s, TraceLabel label, Error *err)
{
    size_t n = s->set.n_traces;
    uint8_t *grown = realloc(s->labels, n + 1);
    if (!grown)
        return error_nomem(err);
    s->labels = grown;
    for (; s->n_labels < n; s->n_labels++)
        s->labels[s->n_labels] = (uint8_t)label;
    return true;
}

/* A name's label: "abnormal" in it first, as it holds "normal" too. */
static TraceLabel label_of_name(const char *path)
{
    const char *name = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    return strstr(name, "abnormal") ? TRACE_ABNORMAL : strstr(name, "normal") ? TRACE_NORMAL : TRACE_UNLABELLED;
}

bool scored_set_label_by_names(ScoredSet *s)
{
    size_t n = s->set.n_traces, seen[3] = {0};
    for (size_t i = 0; i < s->n_labels; i++)
        if (s->labels[i] != TRACE_UNLABELLED)
            return false; /* labels were given */
    uint8_t *labels = calloc(n + 1, 1);
    if (!labels)
        return false;
    for (size_t i = 0; i < n; i++) {
        const Trace *t = &s->set.traces[i];
        labels[i] = trace_has_sessions(t) && t->path ? (uint8_t)label_of_name(t->path) : TRACE_UNLABELLED;
        seen[labels[i]]++;
    }
    if (!seen[TRACE_NORMAL] || !seen[TRACE_ABNORMAL]) {
        free(labels);
        return false;
    }
    free(s->labels);
    s->labels = labels;
    s->n_labels = n;
    s->labels_by_name = true;
    return true;
}

bool scored_set_session_counts(const ScoredSet *s, EvalCounts *c)
{
    memset(c, 0, sizeof *c);
    bool seen[3] = {false};
    for (size_t i = 0; s->sessions && i < s->n_labels && i < s->set.n_traces; i++) {
        if (s->labels[i] == TRACE_UNLABELLED || s->sessions[i].n_sessions == 0)
            continue;
        session_verdicts_count(&s->sessions[i], s->labels[i] == TRACE_ABNORMAL, c);
        seen[s->labels[i]] = true;
    }
    return seen[TRACE_NORMAL] && seen[TRACE_ABNORMAL];
}
