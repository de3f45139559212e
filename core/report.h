/* The segment report, in one CSV and one JSON schema for every writer: `score --csv/--json`
 * and the explorer's w/W. A row per segment: its events (the last segment ends with its
 * trace), predictions, misses, rate, the threshold, whether it is flagged, and its score (what
 * the threshold is compared with: the rate by default, else the model's NLL or smoothed score). */
#ifndef TRACEAID_REPORT_H
#define TRACEAID_REPORT_H

#include <stdio.h>

#include "marks.h"
#include "scored_set.h"

typedef struct ReportScope {
    size_t first_trace, n_traces;   /* the traces of the set to report */
    bool flagged_only;              /* only the flagged segments */
    const Marks *marks;             /* the explorer's marks: a mark column (normal, anomalous or
                                     * empty), and with flagged_only the unflagged segments marked
                                     * anomalous too; NULL: no such column */
} ReportScope;

#define REPORT_ALL(s) ((ReportScope){.first_trace = 0, .n_traces = (s)->set.n_traces})

void report_csv(FILE *out, const ScoredSet *s, ReportScope scope);
void report_json(FILE *out, const ScoredSet *s, ReportScope scope);

/* The flagged segments of trace i, beside it as TRACE.flagged.csv (or .json), written whole or
 * not at all; path gets the file's name. */
bool report_save_flagged(const ScoredSet *s, size_t i, bool json, char *path, size_t path_size, Error *err);
/* The same with the marks' column (marks may be NULL). */
bool report_save_flagged_marked(const ScoredSet *s, size_t i, const Marks *marks, bool json, char *path, size_t path_size,
                                Error *err);
/* A report is named after its trace, so it may be another trace that is open (a.csv and
 * a.csv.flagged.csv): that one is refused, not replaced. */
bool report_differs_from_traces(const ScoredSet *s, const char *path, Error *err);

#endif
