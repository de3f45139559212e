/* Ground truth beside a trace: the intervals an anomaly was injected in, as CSV in one of two
 * forms, told by the header line:
 *   first_event,last_event,episode   event indices (traceaid gen's runs of injected events)
 *   start_ns,stop_ns,label           times in the trace's own clock, as Trace.time holds them
 *                                    (a recording's injector); the label is free text
 * Both ends are included. Lines starting with '#' are comments, and `# kind: NAME` names the
 * anomaly kind of the trace. A file with the header alone is the truth of a clean trace. */
#ifndef TRACEAID_TRUTH_H
#define TRACEAID_TRUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "trace.h"

typedef enum TruthForm {
    TRUTH_EVENTS,   /* intervals of event indices */
    TRUTH_TIME,     /* intervals of nanoseconds */
} TruthForm;

typedef struct TruthInterval {
    int64_t start, stop;    /* first and last event, or start and stop time */
} TruthInterval;

typedef struct Truth {
    char *path;
    TruthForm form;
    char *kind;                 /* from `# kind: NAME`; NULL when the file names none */
    TruthInterval *intervals;
    size_t n_intervals, cap;
} Truth;

/* Reads a truth file; errors name file:line. */
bool truth_load(Truth *truth, const char *path, Error *err);
void truth_free(Truth *truth);

/* segment_bad[s] = 1 for each of trace's n_segments segments of segment_len events that an
 * interval touches: one holding an event of an index interval, or one whose time span (the times
 * of its first and last event) overlaps a time interval. A time truth needs a timed trace. */
bool truth_mark(const Truth *truth, const Trace *trace, size_t segment_len, size_t n_segments,
                uint8_t *segment_bad, Error *err);

/* truth_load and truth_mark at once, for a truth named on the command line. */
bool truth_mark_segments(const char *path, const Trace *trace, size_t segment_len, size_t n_segments,
                         uint8_t *segment_bad, Error *err);

/* Where a trace's truth lies: the trace's path with everything from the first '.' of its base
 * name replaced by ".truth" (dir/clean-01.perf-script.txt.xz -> dir/clean-01.truth). NULL when
 * out of memory; the caller frees it. */
char *truth_path_beside(const char *trace_path);

/* The anomaly kind a trace's name tells: its base name up to the first '.', less a trailing
 * -NN of digits (fifo-ls-sporadic-01.csv -> fifo-ls-sporadic). NULL when out of memory. */
char *truth_kind_from_name(const char *trace_path);

#endif
