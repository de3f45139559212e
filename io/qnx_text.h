/* The text QNX's traceprinter prints from a tracelogger .kev file: a header of TRACE_<KEY>::
 * value lines, then one kernel event a line (or, in the default wide layout, an event line
 * followed by one indented line per argument):
 *
 *   TRACEPRINTER version 1.02
 *    -- HEADER FILE INFORMATION --
 *     TRACE_CYCLES_PER_SEC:: 736629000
 *    -- KERNEL EVENTS --
 *   t:0x4f821358 CPU:00 THREAD  :THREADY       pid:1 tid:1
 *
 * Events are keyed CLASS/EVENT as in kev.csv; see docs/TRACE_FORMATS.md. */
#ifndef TRACEAID_QNX_TEXT_H
#define TRACEAID_QNX_TEXT_H

#include "trace_reader.h"

SniffScore qnx_sniff(const char *prefix, size_t len);
bool qnx_load(Trace *t, InputStream *in, const TraceOptions *opt, Vocab *vocab,
              Meanings *meanings, Error *err);

#endif
