/* The traces a command works on, loaded together so that they share one vocabulary and one
 * table of key meanings. */
#ifndef TRACEAID_TRACE_SET_H
#define TRACEAID_TRACE_SET_H

#include "trace.h"

typedef struct TraceInput {
    const char *path;
    TraceFormat format;     /* AUTO, or SESSIONS for a file named by --sessions */
} TraceInput;

typedef struct TraceSet {
    Vocab vocab;
    Meanings meanings;
    Trace *traces;
    size_t n_traces;
    Warnings warnings;      /* what loading found worth a word; commands print them */
} TraceSet;

void trace_set_init(TraceSet *set);
void trace_set_free(TraceSet *set);
/* Loads each input in order; stops at the first that fails. Warnings (a key given two templates,
 * a --group-regex that matched nothing or left most events ungrouped) go to set->warnings. */
bool trace_set_load(TraceSet *set, const TraceInput *inputs, size_t n_inputs,
                    const TraceOptions *opt, Error *err);
size_t trace_set_events(const TraceSet *set);

#endif
