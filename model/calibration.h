/* How a trace is scored with a model, kept in the model file's metadata: segments of events,
 * and the threshold above which a segment's miss rate is flagged (model/scores.h). */
#ifndef TRACEAID_CALIBRATION_H
#define TRACEAID_CALIBRATION_H

#include <stdbool.h>

typedef struct Calibration {
    int segment;        /* events per segment */
    float k;            /* threshold = mean + k·std of clean segment rates */
    bool calibrated;
    float threshold;
} Calibration;

#define CALIBRATION_DEFAULT ((Calibration){.segment = 1000, .k = 3.0f})

#endif
