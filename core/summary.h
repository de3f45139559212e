/* What was loaded, a line per file: the explorer's word when its output is not a terminal. */
#ifndef TRACEAID_SUMMARY_H
#define TRACEAID_SUMMARY_H

#include <stdio.h>

#include "../io/trace_set.h"

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
/* That, as a warning: "traceaid: warning: every session ...: nothing to score". */
void summary_warn_short_sessions(FILE *out, const TraceSet *set, int tx, int ty);
/* What loading found worth a word, a line each: "traceaid: warning: ...". */
void summary_print_warnings(FILE *out, const TraceSet *set);

#endif
