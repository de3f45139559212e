/* Detection quality against ground truth, per anomaly kind and overall: a segment is truly
 * anomalous when its trace's truth marks it; the model's flag is the decision and its segment
 * score ranks the segments for the ROC AUC, which needs no threshold. Only segments that hold
 * predictions count (the model said nothing of the others). */
#ifndef TRACEAID_DETECTION_H
#define TRACEAID_DETECTION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../io/error.h"
#include "../model/scores.h"

/* One scored trace and what its truth says. */
typedef struct DetectionTrace {
    const Scores *scores;
    const uint8_t *segment_bad;     /* per segment: truly anomalous */
    const char *kind;               /* its anomaly kind ("clean" for the clean traces) */
    bool clean;                     /* its truth holds no interval */
} DetectionTrace;

/* The figures of a set of traces: a kind's, or all of them. */
typedef struct DetectionFigures {
    char *kind;                     /* "all" for the overall figures */
    size_t traces, segments;        /* segments holding predictions */
    size_t anomalous, flagged;
    size_t tp, fp, fn;
    size_t clean_segments, clean_flagged;   /* those of clean traces */
    size_t negatives, negatives_flagged;    /* truth-negative segments of the other traces */
    bool has_auc;                   /* there are anomalous and normal segments to rank */
    double auc;                     /* against the segments of every clean trace besides */
} DetectionFigures;

typedef struct Detection {
    bool has_threshold;             /* every trace was flagged against a threshold */
    size_t n_kinds;
    DetectionFigures *kinds;        /* "clean" first, then by name */
    DetectionFigures all;
} Detection;

bool detection_compute(Detection *d, const DetectionTrace *traces, size_t n_traces, Error *err);
void detection_free(Detection *d);

/* The ratios, each false when it is undefined (nothing to divide by): precision (nothing
 * flagged), recall and F1 (nothing anomalous), a flagged share (no such segments). */
bool detection_precision(const DetectionFigures *f, double *value);
bool detection_recall(const DetectionFigures *f, double *value);
bool detection_f1(const DetectionFigures *f, double *value);
bool detection_clean_flagged(const DetectionFigures *f, double *value);
bool detection_negatives_flagged(const DetectionFigures *f, double *value);

/* The area under the ROC curve of score for telling positive[i] from the rest: the chance that
 * an anomalous segment scores above a normal one, ties counted half (Mann-Whitney). False when
 * either side is empty. */
bool detection_auc(const float *score, const uint8_t *positive, size_t n, double *auc, Error *err);

#endif
