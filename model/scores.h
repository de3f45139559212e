/* Scoring a trace, the same for every model: each event the model predicted is a hit or a
 * miss, with the probability the model gave its key; a segment of events scores its share of
 * misses (its misclassification rate) or the mean negative log-likelihood of its keys, then,
 * when asked, the mean of its neighbours' scores; a threshold, calibrated on clean traces
 * (mean + k·std or a quantile rule, model/calibration.h), flags the segments above it. */
#ifndef TRACEAID_SCORES_H
#define TRACEAID_SCORES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../io/error.h"
#include "calibration.h"

typedef enum Outcome {
    OUTCOME_NONE,   /* not predicted (the first window of a session) */
    OUTCOME_HIT,
    OUTCOME_MISS,
} Outcome;

/* Per event of a trace: what the model made of it. */
typedef struct EventOutcomes {
    size_t n_events;
    uint8_t *outcome;   /* Outcome */
    uint32_t *rank;     /* the event's key among the model's candidates, 0 = first choice */
    float *prob;        /* the model's probability of the event's key */
    uint32_t *predicted;/* the model's first choice for the event */
} EventOutcomes;

typedef struct Scores {
    size_t segment_len;
    size_t n_events;
    size_t n_segments;              /* segment s covers events [s·len, min((s+1)·len, n)) */
    uint32_t *predicted, *missed;   /* per segment */
    float *rate;                    /* missed / predicted; 0 when nothing was predicted */
    ScoreRule rule;                 /* what score holds */
    int smooth;
    float *score;                   /* the rule's score, smoothed; 0 when nothing was predicted */
    bool has_threshold;
    float threshold;
    uint8_t *flagged;               /* score > threshold */
    size_t n_flagged;
} Scores;

bool event_outcomes_init(EventOutcomes *o, size_t n_events, Error *err);
void event_outcomes_free(EventOutcomes *o);

/* The probability below which a key counts as this one: -log of it is the most an event adds
 * to a segment's NLL (an unknown key's probability is 0). */
#define SCORES_PROB_FLOOR 1e-7f

/* Segments of segment_len events scored by rule, then smoothed over smooth segments each side
 * (within the trace, over the segments that hold predictions). */
bool scores_compute_rule(Scores *s, const EventOutcomes *o, size_t segment_len, ScoreRule rule, int smooth,
                         Error *err);
/* The same with the miss rate and no smoothing. */
bool scores_compute(Scores *s, const EventOutcomes *o, size_t segment_len, Error *err);
void scores_free(Scores *s);
/* The first and last event of segment seg: the last segment ends with the trace. */
void scores_segment_range(const Scores *s, size_t seg, size_t *first, size_t *last);
/* Flags the segments whose score exceeds threshold. */
void scores_set_threshold(Scores *s, float threshold);
/* The threshold by cal's rule (std: k; quantile: quantile, margin) over the scores of the
 * segments of clean traces that hold predictions. */
bool scores_calibrate(const Scores *clean, size_t n_clean, const Calibration *cal, float *threshold, Error *err);
/* The q-quantile of sorted[0..n), n >= 1, interpolated linearly between order statistics:
 * position q·(n-1). */
double scores_quantile(const float *sorted, size_t n, double q);

/* A score as its rule shows it: a miss rate as a percent with decimals ("12.34%" for 2), an NLL
 * as a number with two decimals more ("1.2345"); the label is "miss rate" or "NLL". */
const char *scores_format(ScoreRule rule, float value, int decimals, char *out, size_t size);
const char *score_rule_label(ScoreRule rule);

#endif
