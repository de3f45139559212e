#include "calibrate.h"

#include <stdlib.h>

bool calibrate_from_scores(Calibration *cal, const Scores *clean, size_t n_clean, float k, size_t *segments,
                           Error *err)
{
    float threshold;
    if (!scores_calibrate(clean, n_clean, k, &threshold, err))
        return false;
    cal->k = k, cal->threshold = threshold, cal->calibrated = true;
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

bool calibrate_held_back(Model *m, const TraceSet *set, float holdout, size_t *segments, Error *err)
{
    Calibration *cal = model_calibration(m);
    Scores *scores = calloc(set->n_traces + 1, sizeof *scores);
    size_t n_scored = 0;
    bool ok = scores || error_set_code(err, ERROR_NOMEM, "out of memory");
    for (size_t i = 0; ok && i < set->n_traces; i++) {
        const Trace *t = &set->traces[i];
        EventOutcomes outcomes = {0};
        ok = model_outcomes(m, t, holdout_start(t, holdout, (size_t)cal->segment), t->n_events, &outcomes, NULL, err) &&
             scores_compute(&scores[n_scored], &outcomes, (size_t)cal->segment, err);
        event_outcomes_free(&outcomes);
        n_scored += ok;
    }
    ok = ok && calibrate_from_scores(cal, scores, n_scored, cal->k, segments, err);
    for (size_t i = 0; i < n_scored; i++)
        scores_free(&scores[i]);
    free(scores);
    return ok;
}
