/* The threshold from clean traces, the same for `calibrate` and for `train` on its held-back
 * part: mean + k·std of the clean segments' miss rates, kept in the model's calibration. */
#ifndef TRACEAID_CALIBRATE_H
#define TRACEAID_CALIBRATE_H

#include <stdio.h>

#include "../io/trace_set.h"
#include "../model/model.h"

/* A mean and a standard deviation from fewer clean segments than this are too loose to trust:
 * the commands warn (and still store the threshold). */
#define CALIBRATE_MIN_SEGMENTS 30

/* Sets cal's k and threshold from the scores of clean traces; *segments (may be NULL) gets the
 * segments that held predictions. */
bool calibrate_from_scores(Calibration *cal, const Scores *clean, size_t n_clean, float k, size_t *segments,
                           Error *err);

/* Warns on out, for command, when segments (the count calibrate_from_scores returned) is below
 * CALIBRATE_MIN_SEGMENTS; the threshold is kept all the same. */
void calibrate_warn_if_few(FILE *out, const char *command, size_t segments);

/* Where a trace's held-back part starts: the last holdout share, from a segment boundary. */
size_t holdout_start(const Trace *t, float holdout, size_t segment);

/* Scores the held-back part of each trace of set and calibrates m on it with its own k. */
bool calibrate_held_back(Model *m, const TraceSet *set, float holdout, size_t *segments, Error *err);

#endif
