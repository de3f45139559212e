/* DeepLog's verdict on each event of a trace, and its evaluation by the DeepLog protocol on
 * normal and abnormal session files. */
#ifndef TRACEAID_DEEPLOG_SCORE_H
#define TRACEAID_DEEPLOG_SCORE_H


#include "../io/cancel.h"
#include "../io/trace.h"
#include "deeplog.h"
#include "eval.h"
#include "scores.h"
#include "windows.h"

/* A session is anomalous when it is shorter than window + 1, holds a key the model does not
 * know, or has a next key outside the top-g predictions. Duplicate sessions count once. */
bool deeplog_eval(const DeepLog *m, const Trace *normal, const Trace *abnormal, EvalCounts *out,
                  const CancelFlag *cancel, Error *err);

/* Per event of t (whose key ids follow the model's vocabulary): hit when the key is among the
 * top-g predictions from the window before it, miss when not or when the key or a key in its
 * window is unknown to the model. The first window of each session is not predicted. */
bool deeplog_outcomes(const DeepLog *m, const Trace *t, EventOutcomes *out,
                      const CancelFlag *cancel, Error *err);

/* The verdict on each of ws's windows of window + 1 keys, the inputs then the key that came
 * next (out: ws->n of them), the dense layer taken a block of keys at a time. */
bool deeplog_verdicts(const DeepLog *m, const WindowSet *ws, SoftmaxVerdict *out, const CancelFlag *cancel,
                      Error *err);

#endif
