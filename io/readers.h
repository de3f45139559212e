/* Loading a trace: the table of readers, one row per format (io/readers.c), and trace_load,
 * which reads an input's first bytes once, lets the readers' sniffers choose, and hands the
 * chosen reader the whole input. */
#ifndef TRACEAID_READERS_H
#define TRACEAID_READERS_H

#include "trace_reader.h"

/* Loads path ("-": standard input; a pipe or FIFO is read once, as a file is) into t. Keys go
 * into vocab; a structured log's EventTemplates into meanings (may be NULL). opt->format picks
 * the reader, or with TRACE_FORMAT_AUTO the sniffers do. On failure t is left empty and err
 * names the file, line and column at fault. */
bool trace_load(Trace *t, const char *path, const TraceOptions *opt, Vocab *vocab,
                Meanings *meanings, Error *err);

/* The registered readers, in the table's order. */
const TraceReader *trace_readers(size_t *n);
/* The reader for an input beginning with prefix (the whole input if shorter than
 * INPUT_PREFIX_SIZE): the surest sniffer, or when none claims it the CSV reader, whose errors
 * say best what is wrong with an empty, binary or unknown input. */
const TraceReader *trace_reader_sniff(const char *prefix, size_t len);
/* The name of t's format as the summary shows it: its reader's name, "log" for a structured log. */
const char *trace_format_name(const Trace *t);
/* The reader of a format other than TRACE_FORMAT_AUTO. */
const TraceReader *trace_reader_for(TraceFormat format);

#endif
