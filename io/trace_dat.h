/* trace-cmd's binary trace.dat (io/trace_dat.c), read through libtracecmd and libtraceevent.
 * The file starts with 0x17 0x08 0x44 "tracing" and the file version ("6\0" or "7\0"). */
#ifndef TRACEAID_TRACE_DAT_H
#define TRACEAID_TRACE_DAT_H

#include "trace_reader.h"

/* SNIFF_SURE on the magic. */
SniffScore trace_dat_sniff(const char *prefix, size_t len);
bool trace_dat_load(Trace *t, InputStream *in, const TraceOptions *opt, Vocab *vocab,
                    Meanings *meanings, Error *err);

#endif
