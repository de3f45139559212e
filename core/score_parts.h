/* Scoring in parts, for core/scored_set.c: each trace's events cut into parts scored on a worker
 * pool, each part through a view of the trace that holds the windows its events need, so the
 * outcomes are those of one pass over the whole trace; segment scores filled in behind the
 * parts as they come (core/scored_set.h, "Streaming"). */
#ifndef TRACEAID_SCORE_PARTS_H
#define TRACEAID_SCORE_PARTS_H

#include "scored_set.h"

/* Events per part: TRACEAID_SCORE_PART when set to a number >= 1, else SCORED_SET_PART_EVENTS. */
size_t score_part_events(void);

/* Events [first, last) of t, and around them the events the model's windows over them read, as a
 * trace of its own (*view, whose key_id points into t's; view->session_start is allocated: free
 * it): its outcomes over [*view_first, ...) are t's from first on. tx, ty, stride: the model's
 * window shape (model_window_shape). */
bool score_part_view(const Trace *t, size_t first, size_t last, int tx, int ty, int stride, Trace *view,
                     size_t *view_first, Error *err);

/* Scores every part of every trace of s on s->threads threads; s is begun (scored_set_score_begin). */
bool score_parts_run(ScoredSet *s, const CancelFlag *cancel, Error *err);

#endif
