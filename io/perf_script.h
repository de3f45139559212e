/* perf's traces: the text `perf script` prints (io/perf_script.c, lines in io/perf_line.h) and
 * perf.data, read by running `perf script` on it (io/perf_data.c). */
#ifndef TRACEAID_PERF_SCRIPT_H
#define TRACEAID_PERF_SCRIPT_H

#include "trace_reader.h"

/* SNIFF_SURE for perf.data's magic "PERFILE2"; SNIFF_LIKELY when the first line that is not a
 * comment is a perf script event line (or the text begins with perf's "# ========" header). */
SniffScore perf_sniff(const char *prefix, size_t len);
/* Either; meanings are not used. */
bool perf_load(Trace *t, InputStream *in, const TraceOptions *opt, Vocab *vocab,
               Meanings *meanings, Error *err);

/* For io/perf_data.c: the text sniffer alone, and the text reader: reads in's perf script text
 * into t, begun with trace_begin; name is the input as errors name it. */
SniffScore perf_script_sniff(const char *prefix, size_t len);
bool perf_script_read(Trace *t, InputStream *in, const char *name, const TraceOptions *opt,
                      Vocab *vocab, Error *err);
/* The same, from a perf.data file at path, through `perf script`. */
bool perf_data_read(Trace *t, InputStream *in, const TraceOptions *opt, Vocab *vocab, Error *err);

#endif
