/* CSV kernel-event traces and loghub structured logs (io/csv_trace.c). */
#ifndef TRACEAID_CSV_TRACE_H
#define TRACEAID_CSV_TRACE_H

#include "trace_reader.h"

/* SNIFF_MAYBE for text whose first non-blank line is not only integers: a header row. */
SniffScore csv_sniff(const char *prefix, size_t len);
bool csv_load(Trace *t, InputStream *in, const TraceOptions *opt, Vocab *vocab,
              Meanings *meanings, Error *err);

#endif
