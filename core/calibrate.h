/* The threshold from clean traces, the same for `calibrate` and for `train` on its held-back
 * part: by the model's threshold rule (mean + k·std, or a quantile rule) over the clean
 * segments' scores (by its score rule and smoothing), kept in the model's calibration. */
#ifndef TRACEAID_CALIBRATE_H
#define TRACEAID_CALIBRATE_H

#include <stdio.h>

#include "../io/trace_set.h"
#include "../model/model.h"
#include "../model/training_windows.h"

/* A mean and a standard deviation from fewer clean segments than this are too loose to trust:
 * the commands warn (and still store the threshold). */
#define CALIBRATE_MIN_SEGMENTS 30

/* The scoring and threshold choices a command is given (CALIBRATION_ARG_SPECS); what was not
 * given keeps the model's own. */
typedef struct CalibrationRequest {
    const char *score, *threshold_rule;     /* NULL: not given */
    int64_t smooth;                         /* < 0: not given */
    float k, quantile, margin;              /* < 0: not given */
} CalibrationRequest;

#define CALIBRATION_REQUEST_NONE ((CalibrationRequest){.smooth = -1, .k = -1, .quantile = -1, .margin = -1})

/* Sets the fields of cal that req gives; false (a usage error) for an unknown rule name. */
bool calibration_request_apply(const CalibrationRequest *req, Calibration *cal, Error *err);

/* The rules in words for messages. The threshold rule: "mean + 3 std", "0.99-quantile + 0.5 IQR";
 * the score: "miss rate", "NLL, smoothed over 1 segment each side"; both: the threshold rule,
 * followed by " of the segments' " and the score unless that is the plain miss rate. */
void calibration_rule_text(const Calibration *cal, char *out, size_t size);
void calibration_score_text(const Calibration *cal, char *out, size_t size);
void calibration_describe(const Calibration *cal, char *out, size_t size);

/* Sets cal's threshold from the scores of clean traces by cal's threshold rule; *segments (may
 * be NULL) gets the segments that held predictions. The scores must follow cal's score rule. */
bool calibrate_from_scores(Calibration *cal, const Scores *clean, size_t n_clean, size_t *segments, Error *err);

/* Warns on out, for command, when segments (the count calibrate_from_scores returned) is below
 * CALIBRATE_MIN_SEGMENTS; the threshold is kept all the same. */
void calibrate_warn_if_few(FILE *out, const char *command, size_t segments);

/* Where a trace's held-back part starts: the last holdout share, from a segment boundary. */
size_t holdout_start(const Trace *t, float holdout, size_t segment);

/* Scores the held-back part of each trace of set and calibrates m on it by its own rules;
 * cancel (may be NULL) stops the scoring with an "interrupted" error. */
bool calibrate_held_back(Model *m, const TraceSet *set, float holdout, const CancelFlag *cancel, size_t *segments,
                         Error *err);

/* The same over the held-back parts a windows file kept (model/training_windows.h), as
 * calibrate_held_back scored them at training: `update` sets the threshold again with them. */
bool calibrate_parts(Model *m, const CalibrationParts *cp, const CancelFlag *cancel, size_t *segments, Error *err);

#endif
