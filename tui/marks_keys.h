/* The marks' keys (F, A, u) and what the panes ask of the marks: the unit at the cursor, an
 * event's, a session's or a segment's mark, the flagged list's rows with the marks in (a unit
 * marked anomalous that the model does not flag is listed too). */
#ifndef TRACEAID_MARKS_KEYS_H
#define TRACEAID_MARKS_KEYS_H

#include "app.h"

/* The key table's actions (tui/keys.c): F marks the unit at the cursor normal, A anomalous, u
 * undoes the last mark. */
Reaction marks_act_mark(App *app, int key);
Reaction marks_act_undo(App *app, int key);

/* Reads the marks beside every trace once they are loaded; the status line says what did not
 * apply. */
void app_open_marks(App *app);
/* The mark on event e of the trace on show (its session's or a segment's that holds it);
 * MARK_NONE. */
int app_event_mark(const App *app, size_t e);
/* Session s's mark (its own or an identical session's). */
int app_session_mark(const App *app, size_t s);
/* The mark on a range of the trace on show, in the pieces the segments cut it into: anomalous when
 * a mark anomalous overlaps it, else normal when a normal mark covers a piece whole. */
int app_range_mark(const App *app, size_t first, size_t end);

/* U: the model learns the normal marks not yet learned (tui/updater.h). */
Reaction marks_act_update(App *app, int key);
/* Follows a running update: its epoch on the status line; at its end the traces scored by the
 * updated model in place of the old (or why not). Called by the explorer's loop. */
Reaction app_follow_update(App *app);
/* Whether an update runs; Esc cancels it. */
bool app_update_busy(App *app);
void app_cancel_update(App *app);
/* Waits for a running update (scripts see its end) and takes it. */
void app_wait_update(App *app);
/* Frees the updater (waiting for its thread). */
void app_end_update(App *app);

/* The flagged list's rows: the flagged units, then (sessions) or among them (segments) the units
 * marked anomalous that are not flagged. */
size_t app_flagged_rows(const App *app);
/* Row's segment (traces of segments); SIZE_MAX past the last. */
size_t app_flagged_segment(const App *app, size_t row);
/* The row of segment s in the list (its place among the listed ones). */
size_t app_flagged_segment_row(const App *app, size_t s);
/* The k-th unflagged session marked anomalous (distinct ones, by index); SIZE_MAX past the last. */
size_t app_marked_anomalous_session(const App *app, size_t k);

#endif
