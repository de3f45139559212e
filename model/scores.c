#include "scores.h"

#include <math.h>
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

bool scores_compute(Scores *s, const EventOutcomes *o, size_t segment_len, Error *err)
{
    memset(s, 0, sizeof *s);
    if (segment_len == 0)
        return error_set(err, "the segment length must be at least 1 event");
    s->segment_len = segment_len;
    s->n_events = o->n_events;
    s->n_segments = (o->n_events + segment_len - 1) / segment_len;
    s->predicted = calloc(s->n_segments + 1, sizeof *s->predicted);
    s->missed = calloc(s->n_segments + 1, sizeof *s->missed);
    s->rate = calloc(s->n_segments + 1, sizeof *s->rate);
    s->flagged = calloc(s->n_segments + 1, sizeof *s->flagged);
    if (!s->predicted || !s->missed || !s->rate || !s->flagged) {
        scores_free(s);
        return error_set_code(err, ERROR_NOMEM, "out of memory for %zu segments", s->n_segments);
    }
    for (size_t i = 0; i < o->n_events; i++) {
        size_t seg = i / segment_len;
        s->predicted[seg] += o->outcome[i] != OUTCOME_NONE;
        s->missed[seg] += o->outcome[i] == OUTCOME_MISS;
    }
    for (size_t seg = 0; seg < s->n_segments; seg++)
        s->rate[seg] = s->predicted[seg] ? (float)s->missed[seg] / (float)s->predicted[seg] : 0.0f;
    return true;
}

void scores_free(Scores *s)
{
    free(s->predicted);
    free(s->missed);
    free(s->rate);
    free(s->flagged);
    memset(s, 0, sizeof *s);
}

void scores_set_threshold(Scores *s, float threshold)
{
    s->has_threshold = true;
    s->threshold = threshold;
    s->n_flagged = 0;
    for (size_t seg = 0; seg < s->n_segments; seg++) {
        s->flagged[seg] = s->predicted[seg] > 0 && s->rate[seg] > threshold;
        s->n_flagged += s->flagged[seg];
    }
}

bool scores_calibrate(const Scores *clean, size_t n_clean, float k, float *threshold, Error *err)
{
    double sum = 0, sum_sq = 0;
    size_t n = 0;
    for (size_t c = 0; c < n_clean; c++)
        for (size_t seg = 0; seg < clean[c].n_segments; seg++) {
            if (!clean[c].predicted[seg])
                continue;
            sum += clean[c].rate[seg];
            sum_sq += (double)clean[c].rate[seg] * clean[c].rate[seg];
            n++;
        }
    if (n == 0)
        return error_set(err, "no segments with predictions in the clean traces to calibrate on");
    double mean = sum / (double)n, variance = fmax(0.0, sum_sq / (double)n - mean * mean);
    *threshold = (float)(mean + k * sqrt(variance));
    return true;
}

void scores_segment_range(const Scores *s, size_t seg, size_t *first, size_t *last)
{
    *first = seg * s->segment_len;
    size_t end = *first + s->segment_len;
    *last = (end < s->n_events ? end : s->n_events) - 1;
}
