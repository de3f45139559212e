/* Marks beside a trace: TRACE.labels.csv, the units an operator marked normal (a false positive)
 * or anomalous (a miss). A CSV with the header
 *   unit,first_event,events,label,keys
 * unit `session` (a trace of sessions: the session) or `segment` (other traces: the scored
 * segment when marked); the range [first_event, first_event + events) of the trace's events,
 * 0-based; label `normal` or `anomalous`; keys: the range's key names joined by single spaces, a
 * name's space, '%' and control characters percent-escaped (%20, %25, %0A), so that the file
 * alone says which windows were marked (`traceaid update --labels` learns from it). Lines
 * starting with '#' are comments. Written atomically; a missing file holds no marks. */
#ifndef TRACEAID_LABELS_H
#define TRACEAID_LABELS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "trace.h"
#include "vocab.h"

#define LABELS_HEADER "unit,first_event,events,label,keys"
#define LABELS_SUFFIX ".labels.csv"

typedef enum LabelUnit { LABEL_UNIT_SESSION, LABEL_UNIT_SEGMENT } LabelUnit;
typedef enum LabelKind { LABEL_NORMAL, LABEL_ANOMALOUS } LabelKind;

typedef struct LabelRow {
    LabelUnit unit;
    uint64_t first_event, events;   /* the range [first_event, first_event + events) */
    LabelKind label;
    char **keys;                    /* events names, unescaped */
    size_t line;                    /* where it was read (0: marked in this run) */
} LabelRow;

typedef struct Labels {
    LabelRow *rows;
    size_t n_rows, cap;
} Labels;

/* Where the marks of the trace opened as trace_path lie: trace_path + ".labels.csv" into
 * out[0..size). False when it does not fit. */
bool labels_path(const char *trace_path, char *out, size_t size);

/* Reads path into labels (emptied first). A missing file is no marks, not an error; a malformed
 * line is an error naming path:line:column. */
bool labels_load(Labels *labels, const char *path, Error *err);
/* Writes labels to path atomically (a temporary file renamed into place). */
bool labels_save(const Labels *labels, const char *path, Error *err);
void labels_free(Labels *labels);

/* Appends a row marking [first, first + events) of trace, its keys taken from the trace. */
bool labels_add_from_trace(Labels *labels, LabelUnit unit, uint64_t first, uint64_t events, LabelKind label,
                           const Trace *trace, const Vocab *vocab, Error *err);
/* Appends a row with the key names given (copied). */
bool labels_add(Labels *labels, LabelUnit unit, uint64_t first, uint64_t events, LabelKind label,
                const char *const *keys, Error *err);
/* Removes row i, keeping the others' order. */
void labels_remove(Labels *labels, size_t i);
/* The last row marking exactly that unit and range; -1 when none. */
int64_t labels_find(const Labels *labels, LabelUnit unit, uint64_t first, uint64_t events);

/* Whether row still describes trace: its range lies in the trace, a session row's range is one of
 * its sessions (when it has sessions), and the trace's key names there are the row's. */
bool labels_row_matches(const LabelRow *row, const Trace *trace, const Vocab *vocab);
/* The rows of labels that no longer match trace: their indices into stale[] (room for n_rows);
 * returns how many. */
size_t labels_check(const Labels *labels, const Trace *trace, const Vocab *vocab, size_t *stale);

/* A key name percent-escaped into out[0..size) (space, '%' and control characters as %XX);
 * returns the escaped length, which may exceed size - 1 (then out holds a cut prefix). */
size_t labels_escape_key(const char *name, char *out, size_t size);

static inline const char *labels_unit_name(LabelUnit u) { return u == LABEL_UNIT_SESSION ? "session" : "segment"; }
static inline const char *labels_kind_name(LabelKind k) { return k == LABEL_NORMAL ? "normal" : "anomalous"; }

#endif
