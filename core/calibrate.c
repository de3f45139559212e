#include "calibrate.h"

#include <stdlib.h>
#include <string.h>

bool calibration_request_apply(const CalibrationRequest *req, Calibration *cal, Error *err)
{
    if (req->score && !score_rule_parse(req->score, &cal->score))
        return error_set_code(err, ERROR_USAGE, "--score %s: the score rules are miss and nll", req->score);
    if (req->threshold_rule && !threshold_rule_parse(req->threshold_rule, &cal->threshold_rule))
        return error_set_code(err, ERROR_USAGE, "--threshold-rule %s: the threshold rules are std and quantile",
                              req->threshold_rule);
    if (req->smooth >= 0)
        cal->smooth = (int)req->smooth;
    if (req->k >= 0)
        cal->k = req->k;
    if (req->quantile >= 0)
        cal->quantile = req->quantile;
    if (req->margin >= 0)
        cal->margin = req->margin;
    return true;
}

void calibration_rule_text(const Calibration *cal, char *out, size_t size)
{
    if (cal->threshold_rule == THRESHOLD_QUANTILE)
        snprintf(out, size, "%g-quantile + %g IQR", cal->quantile, cal->margin);
    else
        snprintf(out, size, "mean + %g std", cal->k);
}

void calibration_score_text(const Calibration *cal, char *out, size_t size)
{
    int len = snprintf(out, size, "%s", score_rule_label(cal->score));
    if (cal->smooth && len >= 0 && (size_t)len < size)
        snprintf(out + len, size - (size_t)len, ", smoothed over %d segment%s each side", cal->smooth,
                 cal->smooth == 1 ? "" : "s");
}

void calibration_describe(const Calibration *cal, char *out, size_t size)
{
    char rule[64], score[96];
    calibration_rule_text(cal, rule, sizeof rule);
    calibration_score_text(cal, score, sizeof score);
    if (cal->score == SCORE_MISS && !cal->smooth)
        snprintf(out, size, "%s", rule);
    else
        snprintf(out, size, "%s of the segments' %s", rule, score);
}

bool calibrate_from_scores(Calibration *cal, const Scores *clean, size_t n_clean, size_t *segments, Error *err)
{
    float threshold;
    if (!scores_calibrate(clean, n_clean, cal, &threshold, err))
        return false;
    cal->threshold = threshold, cal->calibrated = true;
    if (segments) {
        *segments = 0;
        for (size_t i = 0; i < n_clean; i++)
            for (size_t s = 0; s < clean[i].n_segments; s++)
                *segments += clean[i].predicted[s] > 0;
    }
    return true;
}

void calibrate_warn_if_few(FILE *out, const char *command, size_t segments)
{
    if (segments < CALIBRATE_MIN_SEGMENTS)
        fprintf(out, "%s: warning: the threshold rests on %zu segment%s with predictions, fewer than %d: it "
                "may be far off; calibrate on more or longer clean traces\n", command, segments,
                segments == 1 ? "" : "s", CALIBRATE_MIN_SEGMENTS);
}

size_t holdout_start(const Trace *t, float holdout, size_t segment)
{
    if (holdout <= 0)
        return t->n_events;
    size_t start = (size_t)((double)t->n_events * (1.0 - (double)holdout) + 0.5); /* 0.2f is not 0.2 */
    start -= start % segment;
    return start;
}

/* t's segments from event first on, scored by the model's rule. */
static bool score_from(const Model *m, const Trace *t, size_t first, const CancelFlag *cancel, Scores *out, Error *err)
{
    const Calibration *cal = model_calibration_const(m);
    EventOutcomes outcomes = {0};
    bool ok = model_outcomes(m, t, first, t->n_events, &outcomes, cancel, err) &&
              scores_compute_rule(out, &outcomes, (size_t)cal->segment, cal->score, cal->smooth, err);
    event_outcomes_free(&outcomes);
    return ok;
}

bool calibrate_held_back(Model *m, const TraceSet *set, float holdout, const CancelFlag *cancel, size_t *segments,
                         Error *err)
{
    Calibration *cal = model_calibration(m);
    Scores *scores = calloc(set->n_traces + 1, sizeof *scores);
    size_t n_scored = 0;
    bool ok = scores || error_set_code(err, ERROR_NOMEM, "out of memory");
    for (size_t i = 0; ok && i < set->n_traces; i++) {
        const Trace *t = &set->traces[i];
        ok = score_from(m, t, holdout_start(t, holdout, (size_t)cal->segment), cancel, &scores[n_scored], err);
        n_scored += ok;
    }
    ok = ok && calibrate_from_scores(cal, scores, n_scored, segments, err);
    for (size_t i = 0; i < n_scored; i++)
        scores_free(&scores[i]);
    free(scores);
    return ok;
}

/* Part p of cp as a trace of one session, its key ids into ids (room for the part). */
static Trace part_trace(const CalibrationParts *cp, size_t p, uint32_t *ids, size_t *session_start, char *path)
{
    size_t first = (size_t)cp->starts[p], n = (size_t)cp->starts[p + 1] - first;
    for (size_t e = 0; e < n; e++)
        ids[e] = (uint32_t)cp->keys[first + e];
    session_start[0] = 0, session_start[1] = n;
    return (Trace){.path = path, .format = TRACE_FORMAT_CSV, .n_events = n, .key_id = ids, .n_sessions = 1,
                   .session_start = session_start};
}

bool calibrate_parts(Model *m, const CalibrationParts *cp, const CancelFlag *cancel, size_t *segments, Error *err)
{
    Calibration *cal = model_calibration(m);
    Scores *scores = calloc(cp->n + 1, sizeof *scores);
    uint32_t *ids = malloc(((cp->n ? (size_t)cp->starts[cp->n] : 0) + 1) * sizeof *ids);
    size_t n_scored = 0, session_start[2];
    char path[] = "(held-back part)";
    bool ok = (scores && ids) || error_nomem(err);
    for (size_t p = 0; ok && p < cp->n; p++) {
        Trace t = part_trace(cp, p, ids, session_start, path);
        ok = score_from(m, &t, (size_t)cp->scored_from[p], cancel, &scores[n_scored], err);
        n_scored += ok;
    }
    ok = ok && calibrate_from_scores(cal, scores, n_scored, segments, err);
    for (size_t i = 0; i < n_scored; i++)
        scores_free(&scores[i]);
    free(scores);
    free(ids);
    return ok;
}
