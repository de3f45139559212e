/* DeepLog session files (io/session_file.c). */
#ifndef TRACEAID_SESSION_FILE_H
#define TRACEAID_SESSION_FILE_H

#include "trace_reader.h"

/* SNIFF_LIKELY when the first non-blank line holds only integers and blanks. */
SniffScore sessions_sniff(const char *prefix, size_t len);
/* Meanings are not used: session files carry none. */
bool sessions_load(Trace *t, InputStream *in, const TraceOptions *opt, Vocab *vocab,
                   Meanings *meanings, Error *err);

#endif
