/* What was loaded, a line per file: the explorer's word when its output is not a terminal. */
#ifndef TRACEAID_SUMMARY_H
#define TRACEAID_SUMMARY_H

#include <stdio.h>

#include "../io/trace_set.h"
#include "../model/model.h"

void summary_print(FILE *out, const TraceSet *set);
/* A trace of sessions' session lengths. */
typedef struct SessionLengths {
    size_t n, shortest, median, longest;
} SessionLengths;

/* t's sessions (n 0 when t is no trace of sessions: a kernel trace's one session is not one). */
SessionLengths summary_session_lengths(const Trace *t);
/* When the set has sessions and every one is shorter than a model's window of tx keys and the
 * ty it predicts after them, "every session is shorter than ..." with the longest's length into
 * buf and true; else false. */
bool summary_sessions_too_short(const TraceSet *set, int tx, int ty, char *buf, size_t size);
/* What stands between a model and the set, as warnings: every session too short for its window
 * ("traceaid: warning: every session ...: nothing to score"), or a structured log none of whose
 * keys the model knows while its keys look like EventIds (trained before logs were keyed by
 * template: --key EventId). */
void summary_warn_model_fit(FILE *out, const TraceSet *set, const Model *m);
/* What loading found worth a word, a line each: "traceaid: warning: ...". */
void summary_print_warnings(FILE *out, const TraceSet *set);

#endif
