/* A log's sessions, for the readers of structured and raw logs: events grouped by a field's
 * value (or a regex's first match in it), regrouped once loaded so each session is contiguous
 * (io/csv_sessions.c). */
#ifndef TRACEAID_GROUP_SESSIONS_H
#define TRACEAID_GROUP_SESSIONS_H

#include <regex.h>

#include "trace.h"

/* Compiles --group-regex (POSIX extended); a bad one is an error naming it. */
bool group_regex_compile(regex_t *re, const char *pattern, Error *err);
/* Reorders t's events so each group's are contiguous, groups in order of first appearance
 * (group_of[i] is event i's group in groups, whose strings name the sessions) and events in
 * file order within a group; the events' fields, when they have some, follow them. */
bool group_into_sessions(Trace *t, const StrPool *groups, const uint32_t *group_of, Error *err);

#endif
