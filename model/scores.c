#include "scores.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool event_outcomes_init(EventOutcomes *o, size_t n_events, Error *err)
{
    o->n_events = n_events;
    o->outcome = calloc(n_events + 1, sizeof *o->outcome);
    o->rank = calloc(n_events + 1, sizeof *o->rank);
    o->prob = calloc(n_events + 1, sizeof *o->prob);
    o->predicted = calloc(n_events + 1, sizeof *o->predicted);
    if (!o->outcome || !o->rank || !o->prob || !o->predicted) {
        event_outcomes_free(o);
        return error_set_code(err, ERROR_NOMEM, "out of memory for %zu event outcomes", n_events);
    }
    return true;
}

void event_outcomes_free(EventOutcomes *o)
{
    free(o->outcome);
    free(o->rank);
    free(o->prob);
    free(o->predicted);
    memset(o, 0, sizeof *o);
}

/* The raw score of each segment by rule; segments without predictions keep 0. */
static void raw_scores(Scores *s, const EventOutcomes *o, ScoreRule rule)
{
    for (size_t i = 0; i < o->n_events; i++) {
        size_t seg = i / s->segment_len;
        s->predicted[seg] += o->outcome[i] != OUTCOME_NONE;
        s->missed[seg] += o->outcome[i] == OUTCOME_MISS;
        if (rule == SCORE_NLL && o->outcome[i] != OUTCOME_NONE)
            s->score[seg] += -logf(fmaxf(o->prob[i], SCORES_PROB_FLOOR));
    }
    for (size_t seg = 0; seg < s->n_segments; seg++) {
        float predicted = (float)s->predicted[seg];
        s->rate[seg] = s->predicted[seg] ? (float)s->missed[seg] / predicted : 0.0f;
        if (rule == SCORE_MISS)
            s->score[seg] = s->rate[seg];
        else if (s->predicted[seg])
            s->score[seg] /= predicted;
    }
}

/* Each segment with predictions takes the mean of the raw scores of the segments with
 * predictions within radius of it: a burst that spans segments adds up, a lone blip fades. */
static bool smooth_scores(Scores *s, int radius, Error *err)
{
    if (radius <= 0 || s->n_segments < 2)
        return true;
    float *raw = malloc(s->n_segments * sizeof *raw);
    if (!raw)
        return error_set_code(err, ERROR_NOMEM, "out of memory for %zu segments", s->n_segments);
    memcpy(raw, s->score, s->n_segments * sizeof *raw);
    size_t r = (size_t)radius;
    for (size_t seg = 0; seg < s->n_segments; seg++) {
        if (!s->predicted[seg])
            continue;
        size_t first = seg > r ? seg - r : 0, last = seg + r < s->n_segments ? seg + r : s->n_segments - 1;
        double sum = 0;
        size_t n = 0;
        for (size_t j = first; j <= last; j++)
            if (s->predicted[j])
                sum += raw[j], n++;
        s->score[seg] = (float)(sum / (double)n);
    }
    free(raw);
    return true;
}

bool scores_compute_rule(Scores *s, const EventOutcomes *o, size_t segment_len, ScoreRule rule, int smooth,
                         Error *err)
{
    memset(s, 0, sizeof *s);
    if (segment_len == 0)
        return error_set(err, "the segment length must be at least 1 event");
    s->segment_len = segment_len;
    s->n_events = o->n_events;
    s->n_segments = (o->n_events + segment_len - 1) / segment_len;
    s->rule = rule;
    s->smooth = smooth;
    s->predicted = calloc(s->n_segments + 1, sizeof *s->predicted);
    s->missed = calloc(s->n_segments + 1, sizeof *s->missed);
    s->rate = calloc(s->n_segments + 1, sizeof *s->rate);
    s->score = calloc(s->n_segments + 1, sizeof *s->score);
    s->flagged = calloc(s->n_segments + 1, sizeof *s->flagged);
    if (!s->predicted || !s->missed || !s->rate || !s->score || !s->flagged) {
        scores_free(s);
        return error_set_code(err, ERROR_NOMEM, "out of memory for %zu segments", s->n_segments);
    }
    raw_scores(s, o, rule);
    if (!smooth_scores(s, smooth, err)) {
        scores_free(s);
        return false;
    }
    return true;
}

bool scores_compute(Scores *s, const EventOutcomes *o, size_t segment_len, Error *err)
{
    return scores_compute_rule(s, o, segment_len, SCORE_MISS, 0, err);
}

void scores_free(Scores *s)
{
    free(s->predicted);
    free(s->missed);
    free(s->rate);
    free(s->score);
    free(s->flagged);
    memset(s, 0, sizeof *s);
}

void scores_set_threshold(Scores *s, float threshold)
{
    s->has_threshold = true;
    s->threshold = threshold;
    s->n_flagged = 0;
    for (size_t seg = 0; seg < s->n_segments; seg++) {
        s->flagged[seg] = s->predicted[seg] > 0 && s->score[seg] > threshold;
        s->n_flagged += s->flagged[seg];
    }
}

/* The scores of the clean segments that hold predictions, sorted for the quantile rule. */
static float *clean_scores(const Scores *clean, size_t n_clean, size_t *n, Error *err)
{
    size_t total = 0;
    for (size_t c = 0; c < n_clean; c++)
        total += clean[c].n_segments;
    float *values = malloc((total + 1) * sizeof *values);
    if (!values) {
        error_set_code(err, ERROR_NOMEM, "out of memory for %zu segment scores", total);
        return NULL;
    }
    *n = 0;
    for (size_t c = 0; c < n_clean; c++)
        for (size_t seg = 0; seg < clean[c].n_segments; seg++)
            if (clean[c].predicted[seg])
                values[(*n)++] = clean[c].score[seg];
    return values;
}

static int compare_floats(const void *a, const void *b)
{
    float x = *(const float *)a, y = *(const float *)b;
    return (x > y) - (x < y);
}

double scores_quantile(const float *sorted, size_t n, double q)
{
    double position = q * (double)(n - 1);
    size_t below = (size_t)position;
    if (below + 1 >= n)
        return sorted[n - 1];
    double fraction = position - (double)below;
    return sorted[below] + fraction * ((double)sorted[below + 1] - sorted[below]);
}

static double std_threshold(const float *values, size_t n, double k)
{
    double sum = 0, sum_sq = 0;
    for (size_t i = 0; i < n; i++)
        sum += values[i], sum_sq += (double)values[i] * values[i];
    double mean = sum / (double)n, variance = fmax(0.0, sum_sq / (double)n - mean * mean);
    return mean + k * sqrt(variance);
}

bool scores_calibrate(const Scores *clean, size_t n_clean, const Calibration *cal, float *threshold, Error *err)
{
    size_t n;
    float *values = clean_scores(clean, n_clean, &n, err);
    if (!values)
        return false;
    if (n == 0) {
        free(values);
        return error_set(err, "no segments with predictions in the clean traces to calibrate on");
    }
    if (cal->threshold_rule == THRESHOLD_QUANTILE) {
        qsort(values, n, sizeof *values, compare_floats);
        double spread = scores_quantile(values, n, 0.75) - scores_quantile(values, n, 0.25);
        *threshold = (float)(scores_quantile(values, n, cal->quantile) + cal->margin * spread);
    } else {
        *threshold = (float)std_threshold(values, n, cal->k);
    }
    free(values);
    return true;
}

void scores_segment_range(const Scores *s, size_t seg, size_t *first, size_t *last)
{
    *first = seg * s->segment_len;
    size_t end = *first + s->segment_len;
    *last = (end < s->n_events ? end : s->n_events) - 1;
}

const char *score_rule_label(ScoreRule rule) { return rule == SCORE_NLL ? "NLL" : "miss rate"; }

const char *scores_format(ScoreRule rule, float value, int decimals, char *out, size_t size)
{
    if (rule == SCORE_NLL)
        snprintf(out, size, "%.*f", decimals + 2, value);
    else
        snprintf(out, size, "%.*f%%", decimals, 100 * value);
    return out;
}

const char *score_rule_name(ScoreRule rule)
{
    return rule == SCORE_MISS ? "miss" : rule == SCORE_NLL ? "nll" : NULL;
}

const char *threshold_rule_name(ThresholdRule rule)
{
    return rule == THRESHOLD_STD ? "std" : rule == THRESHOLD_QUANTILE ? "quantile" : NULL;
}

bool score_rule_parse(const char *name, ScoreRule *rule)
{
    for (ScoreRule r = SCORE_MISS; r <= SCORE_NLL; r++)
        if (strcmp(name, score_rule_name(r)) == 0)
            return *rule = r, true;
    return false;
}

bool threshold_rule_parse(const char *name, ThresholdRule *rule)
{
    for (ThresholdRule r = THRESHOLD_STD; r <= THRESHOLD_QUANTILE; r++)
        if (strcmp(name, threshold_rule_name(r)) == 0)
            return *rule = r, true;
    return false;
}
