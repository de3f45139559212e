/* `score` where the session is the unit (a session file, a structured log grouped into
 * sessions): each distinct session with the verdict the model's rule gives it
 * (core/session_verdicts.h), the rule the explorer and eval judge by. Text: a summary line per
 * trace and its flagged distinct sessions; CSV and JSON: every distinct session (or only the
 * flagged ones) with its verdict. Traces without sessions keep the segment report (report.h). */
#ifndef TRACEAID_SESSION_SCORE_H
#define TRACEAID_SESSION_SCORE_H

#include <stdio.h>

#include "report.h"

/* Is trace i's unit the session? */
bool session_score_applies(const ScoredSet *s, size_t i);
/* How many traces of the scope have sessions (all, none, or a mix that one CSV cannot hold). */
size_t session_score_count_traces(const ScoredSet *s, ReportScope scope);

/* Trace i's summary line and its flagged distinct sessions: index (from 1, as `explain
 * --session` counts), length, identical sessions, first miss, reason. */
void session_score_text(FILE *out, const ScoredSet *s, size_t i);
void session_score_csv(FILE *out, const ScoredSet *s, ReportScope scope);
void session_score_json(FILE *out, const ScoredSet *s, ReportScope scope);

/* What is flagged, in each trace's unit: distinct sessions where it has sessions, else segments. */
size_t session_score_flagged(const ScoredSet *s);

#endif
