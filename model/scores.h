/* Scoring a trace, the same for every model: each event the model predicted is a hit or a
 * miss; a segment of events scores its share of misses (its misclassification rate); a
 * threshold, calibrated on clean traces as mean + k·std of their segment rates, flags the
 * segments above it. */
#ifndef TRACEAID_SCORES_H
#define TRACEAID_SCORES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../io/error.h"

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
    bool has_threshold;
    float threshold;
    uint8_t *flagged;               /* rate > threshold */
    size_t n_flagged;
} Scores;

bool event_outcomes_init(EventOutcomes *o, size_t n_events, Error *err);
void event_outcomes_free(EventOutcomes *o);

bool scores_compute(Scores *s, const EventOutcomes *o, size_t segment_len, Error *err);
void scores_free(Scores *s);
/* The first and last event of segment seg: the last segment ends with the trace. */
void scores_segment_range(const Scores *s, size_t seg, size_t *first, size_t *last);
/* Flags the segments whose rate exceeds threshold. */
void scores_set_threshold(Scores *s, float threshold);
/* mean + k·std (population) of the rates of the segments of clean traces that hold predictions. */
bool scores_calibrate(const Scores *clean, size_t n_clean, float k, float *threshold, Error *err);

#endif
