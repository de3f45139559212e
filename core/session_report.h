/* The flagged sessions of a trace of sessions, for the explorer's w/W where the session is the
 * unit: a row per flagged distinct session -- its index (from 1, as `explain --session` counts),
 * first event, length, how many sessions are it, its first missed event, why it is flagged, and
 * the file's label (normal, abnormal, or none) when known. */
#ifndef TRACEAID_SESSION_REPORT_H
#define TRACEAID_SESSION_REPORT_H

#include "report.h"

/* Beside trace i as TRACE.flagged-sessions.csv (or .json), written whole or not at all; path
 * gets the file's name, *rows the sessions written. */
bool session_report_save(const ScoredSet *s, size_t i, bool json, char *path, size_t path_size, size_t *rows,
                         Error *err);
/* The same with a mark column (normal, anomalous or empty: the explorer's marks, an identical
 * session's included), the unflagged distinct sessions marked anomalous listed too; marks may be
 * NULL (no column). */
bool session_report_save_marked(const ScoredSet *s, size_t i, const Marks *marks, bool json, char *path, size_t path_size,
                                size_t *rows, Error *err);

#endif
