/* The options that name, shape or tune a model, with the ranges the models accept, so a value
 * outside is refused naming its option before a model is built or loaded. */
#ifndef TRACEAID_MODEL_ARGS_H
#define TRACEAID_MODEL_ARGS_H

#include "../model/deeplog.h"
#include "../model/seq2seq.h"
#include "args.h"
#include "calibrate.h"

#define ARG_WINDOW ARG_UINT(1, 1000)                /* deeplog_config_check */
#define ARG_TOP_G ARG_UINT(1, 1000000)              /* the most keys a model has; it checks its own */
#define ARG_LAYERS ARG_UINT(1, DEEPLOG_MAX_LAYERS)
#define ARG_UNITS ARG_UINT(1, 4096)                 /* hidden, embedding and attention sizes */
#define ARG_STEPS ARG_UINT(1, SEQ2SEQ_MAX_STEPS)    /* seq2seq Tx, Ty */
#define ARG_STRIDE ARG_UINT(1, 100000)              /* seq2seq_config_check */
#define ARG_SEGMENT ARG_UINT(1, 1000000)            /* what a model file's "segment" may hold */
#define ARG_K ARG_FLOAT(0, 100)                     /* threshold = mean + K std */
#define ARG_SMOOTH ARG_INT(0, CALIBRATION_MAX_SMOOTH)
#define ARG_QUANTILE ARG_FLOAT(0, 1)
#define ARG_MARGIN ARG_FLOAT(0, 100)

/* The model file and the overrides every command that loads one takes (ModelRequest). */
#define MODEL_ARG_SPECS(ma)                                                                      \
    {"model", 'm', ARG_STRING, &(ma)->path, "MODEL", "the model file"},                           \
    {"top-g", 'g', ARG_TOP_G, &(ma)->top_g, "G", "candidates that count as a hit (the model's)"}, \
    {"window", 0, ARG_WINDOW, &(ma)->window, "H", "window of a model file without metadata (10)"}

/* How segments are scored and the threshold set (CalibrationRequest), for train and calibrate;
 * what is left out keeps the model's (a new model's: today's defaults in model/calibration.h). */
#define CALIBRATION_ARG_SPECS(cr)                                                                             \
    {"score", 0, ARG_STRING, &(cr)->score, "RULE",                                                            \
     "a segment's score: miss (share of predicted events missed) or nll (mean -log p of the true keys) (train: deeplog nll, seq2seq miss; calibrate: the model's)"}, \
    {"smooth", 0, ARG_SMOOTH, &(cr)->smooth, "R", "score a segment by the mean of its trace's segments within R (train: 1; calibrate: the model's)"}, \
    {"threshold-rule", 0, ARG_STRING, &(cr)->threshold_rule, "RULE",                                          \
     "std (mean + K std of clean segment scores) or quantile (Q-quantile + M IQR) (std)"},                    \
    {"k", 0, ARG_K, &(cr)->k, "K", "std rule: threshold = mean + K std of clean segment scores (3)"},          \
    {"quantile", 0, ARG_QUANTILE, &(cr)->quantile, "Q", "quantile rule: the quantile of clean scores (0.99)"}, \
    {"margin", 0, ARG_MARGIN, &(cr)->margin, "M", "quantile rule: interquartile ranges added to it (0.5)"}

/* The score rule and smoothing at score time (ModelRequest): other than the model's, they leave
 * it uncalibrated. Not for calibrate and train, which take CALIBRATION_ARG_SPECS. */
#define SCORE_OVERRIDE_ARG_SPECS(ma)                                                                   \
    {"score", 0, ARG_STRING, &(ma)->score, "RULE", "score segments by miss or nll (the model's; another drops its threshold)"}, \
    {"smooth", 0, ARG_STRING, &(ma)->smooth, "R", "smooth over R segments each side (the model's; another drops its threshold)"}

#define SEGMENT_ARG_SPEC(ma) \
    {"segment", 0, ARG_SEGMENT, &(ma)->segment, "N", "events per segment (the model's, else 1000)"}

#endif
