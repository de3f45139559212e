/* How a trace is scored with a model, kept in the model file's metadata: segments of events,
 * how a segment's score is made from its events' outcomes, and the threshold above which a
 * segment is flagged (model/scores.h). */
#ifndef TRACEAID_CALIBRATION_H
#define TRACEAID_CALIBRATION_H

#include <stdbool.h>

/* A segment's raw score over the events the model predicted in it. */
typedef enum ScoreRule {
    SCORE_MISS,         /* the share of misses (the misclassification rate) */
    SCORE_NLL,          /* the mean of -log(max(p, 1e-7)), p the model's probability of the true key */
} ScoreRule;

/* How the threshold is set from the scores of clean segments. */
typedef enum ThresholdRule {
    THRESHOLD_STD,      /* mean + k·std (population) */
    THRESHOLD_QUANTILE, /* Q_q + margin·(Q_0.75 - Q_0.25), quantiles linearly interpolated */
} ThresholdRule;

typedef struct Calibration {
    int segment;        /* events per segment */
    ScoreRule score;
    int smooth;         /* R: a segment scores the mean of its trace's segments s-R..s+R */
    ThresholdRule threshold_rule;
    float k;            /* std rule */
    float quantile, margin; /* quantile rule */
    bool calibrated;
    float threshold;
} Calibration;

/* The widest smoothing a file or an option may ask for, in segments each side. */
#define CALIBRATION_MAX_SMOOTH 1000

#define CALIBRATION_DEFAULT                                                                  \
    ((Calibration){.segment = 1000, .score = SCORE_MISS, .smooth = 0, .threshold_rule = THRESHOLD_STD, \
                   .k = 3.0f, .quantile = 0.99f, .margin = 0.5f})

/* Their names in files and options: "miss", "nll"; "std", "quantile". NULL when out of range. */
const char *score_rule_name(ScoreRule rule);
const char *threshold_rule_name(ThresholdRule rule);
/* False when name is none of them. */
bool score_rule_parse(const char *name, ScoreRule *rule);
bool threshold_rule_parse(const char *name, ThresholdRule *rule);

#endif
