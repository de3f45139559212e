/* Detection quality over labelled sessions, as the DeepLog protocol counts it. */
#ifndef TRACEAID_EVAL_H
#define TRACEAID_EVAL_H

#include <stddef.h>

typedef struct EvalCounts {
    size_t tp, fp, tn, fn;          /* over distinct sessions; positive = anomalous */
    size_t windows;                 /* next-key predictions the protocol asks for */
    size_t distinct_windows;        /* of which distinct, each predicted once */
    double seconds;
} EvalCounts;

#endif
