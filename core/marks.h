/* The operator's marks on the open traces: each trace's TRACE.labels.csv (io/labels.h), read when
 * the trace opens, checked against it (a row whose keys no longer match is reported and not
 * applied, but kept in the file), changed by marking and undoing, and saved after each change.
 *
 * A mark on a session stands for every session identical to it (the same keys): the detectors
 * judge identical sessions alike and eval counts them once, so the explorer shows the mark on
 * each of them and eval relabels them all. */
#ifndef TRACEAID_MARKS_H
#define TRACEAID_MARKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../io/labels.h"
#include "../io/trace_set.h"
#include "session_verdicts.h"

#define MARK_NONE (-1)  /* no mark: else a LabelKind */

typedef struct TraceMarks {
    char *path;             /* TRACE.labels.csv */
    Labels labels;          /* every row of the file, stale ones included */
    bool broken;            /* the file did not load: nothing is saved over it */
    bool out_of_memory;     /* broken for want of memory, not by its content */
    size_t n_applied;       /* rows not stale */
} TraceMarks;

/* One change, for u: the unit and the label it had before (MARK_NONE: unmarked). */
typedef struct MarkChange {
    size_t trace;
    LabelUnit unit;
    uint64_t first, events;
    int before, after;
} MarkChange;

typedef struct Marks {
    TraceMarks *of;         /* per trace */
    size_t n_traces;
    MarkChange *undo;       /* this run's changes, the last on top */
    size_t n_undo, undo_cap;
} Marks;

/* Reads every trace's marks file. What to tell the operator goes to note (empty when nothing:
 * no file, every row applied): rows that no longer match (file:line), a file that did not load.
 * False only when out of memory. */
bool marks_open(Marks *m, const TraceSet *set, char *note, size_t note_size, Error *err);
void marks_free(Marks *m);

/* Applied marks, over every trace or in trace t. */
size_t marks_count(const Marks *m);
static inline size_t marks_count_trace(const Marks *m, size_t t) { return t < m->n_traces ? m->of[t].n_applied : 0; }

/* The label of the last applied row of trace t that decides [first, end): a row marked anomalous
 * that overlaps it, or one marked normal that covers it whole (a normal mark says nothing of the
 * events it leaves out); MARK_NONE. eval --truth decides segments alike. */
int marks_range_label(const Marks *m, size_t t, uint64_t first, uint64_t end);
/* Session s's mark: its own or an identical session's (v's distinct sessions); v NULL: its own
 * range's. */
int marks_session_label(const Marks *m, size_t t, const Trace *trace, const SessionVerdicts *v, size_t s);

typedef enum MarkResult {
    MARK_FAILED,            /* err says why (the file could not be written, or is broken) */
    MARK_ADDED,             /* a new mark */
    MARK_CHANGED,           /* the unit had the other label */
    MARK_ALREADY,           /* it had this one: nothing changed */
} MarkResult;

/* Marks the unit [first, first + events) of trace t label, then saves the trace's file. A session
 * already marked through an identical one (v) has that row changed. A failed save takes the change
 * back (MARK_FAILED, err naming the file): a mark is applied only when it is in the file. */
MarkResult marks_set(Marks *m, const TraceSet *set, size_t t, const SessionVerdicts *v, LabelUnit unit,
                     uint64_t first, uint64_t events, LabelKind label, Error *err);
/* Undoes the last change of this run and saves; *undone says which. False with err unset when
 * there is none; with err set when the save failed (then nothing is undone). */
bool marks_undo(Marks *m, MarkChange *undone, Error *err);

/* ---- in eval (core/marks_eval.c): the marks file beside each trace, its rows checked (one that
 * no longer matches is a line of note, "FILE:LINE: ...\n", and is not applied) ---- */

/* eval --truth: the segments a row decides take its label, over the truth's: a row marked
 * anomalous sets (1) every segment it overlaps, one marked normal clears (0) only the segments it
 * covers whole; *applied grows by the rows applied. */
bool marks_apply_segments(const Trace *trace, const Vocab *vocab, size_t segment_len, size_t n_segments,
                          uint8_t *segment_bad, size_t *applied, char *note, size_t note_size, Error *err);
/* eval --normal/--abnormal: each session identical to one marked (beside either file) goes to
 * the side its mark names (normal's sessions marked anomalous to abnormal, and back); both
 * traces are rebuilt when any row applies. Identical sessions marked both ways: the mark read
 * last holds (the abnormal file's after the normal file's, a later row after an earlier), and a
 * line of note names both rows. */
bool marks_relabel_sessions(Trace *normal, Trace *abnormal, const Vocab *vocab, size_t *applied, char *note,
                            size_t note_size, Error *err);

#endif
