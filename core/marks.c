#include "marks.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../io/format.h"
#include "../io/text.h"

/* Trace t's marks: a row that no longer fits the trace is kept (stale) and reported. */
static bool open_trace(TraceMarks *tm, const Trace *trace, const Vocab *vocab, char *note, size_t note_size, Error *err)
{
    if (!trace->path || strcmp(trace->path, "-") == 0) { /* standard input: no place beside it */
        tm->broken = true;
        return true;
    }
    size_t size = strlen(trace->path) + sizeof LABELS_SUFFIX;
    if (!(tm->path = malloc(size)))
        return error_nomem(err);
    labels_path(trace->path, tm->path, size);
    Error load_err = {0};
    if (!labels_load(&tm->labels, tm->path, &load_err)) { /* out of memory too: this trace's marks only */
        tm->broken = true;
        tm->out_of_memory = load_err.code == ERROR_NOMEM;
        text_append(note, note_size, "%s%s (its marks are not used nor saved)", note[0] ? "; " : "", load_err.msg);
        return true;
    }
    size_t stale = 0, first_line = 0;
    for (size_t i = 0; i < tm->labels.n_rows; i++) {
        LabelRow *row = &tm->labels.rows[i];
        row->stale = !labels_row_matches(row, trace, vocab);
        if (row->stale && stale++ == 0)
            first_line = row->line;
    }
    tm->n_applied = tm->labels.n_rows - stale;
    if (stale)
        text_append(note, note_size, "%s%s:%zu: %zu mark%s no longer match%s the trace, not applied", note[0] ? "; " : "",
                 format_basename(tm->path), first_line, stale, stale == 1 ? "" : "s", stale == 1 ? "es" : "");
    return true;
}

bool marks_open(Marks *m, const TraceSet *set, char *note, size_t note_size, Error *err)
{
    memset(m, 0, sizeof *m);
    if (note_size)
        note[0] = '\0';
    m->of = calloc(set->n_traces + 1, sizeof *m->of);
    if (!m->of)
        return error_nomem(err);
    m->n_traces = set->n_traces;
    for (size_t t = 0; t < set->n_traces; t++)
        if (!open_trace(&m->of[t], &set->traces[t], &set->vocab, note, note_size, err)) {
            marks_free(m);
            return false;
        }
    return true;
}

void marks_free(Marks *m)
{
    for (size_t t = 0; t < m->n_traces; t++) {
        free(m->of[t].path);
        labels_free(&m->of[t].labels);
    }
    free(m->of);
    free(m->undo);
    memset(m, 0, sizeof *m);
}

size_t marks_count(const Marks *m)
{
    size_t n = 0;
    for (size_t t = 0; t < m->n_traces; t++)
        n += m->of[t].n_applied;
    return n;
}

int marks_range_label(const Marks *m, size_t t, uint64_t first, uint64_t end)
{
    if (t >= m->n_traces)
        return MARK_NONE;
    const Labels *l = &m->of[t].labels;
    for (size_t i = l->n_rows; i-- > 0;) {
        const LabelRow *r = &l->rows[i];
        bool overlaps = r->first_event < end && r->first_event + r->events > first;
        bool covers = r->first_event <= first && r->first_event + r->events >= end;
        if (!r->stale && (r->label == LABEL_ANOMALOUS ? overlaps : covers))
            return (int)r->label;
    }
    return MARK_NONE;
}

/* The last applied session row of tm whose session is identical to session s; -1 when none. */
static int64_t identical_row(const TraceMarks *tm, const SessionVerdicts *v, size_t s)
{
    uint32_t distinct = v->session[s].distinct;
    for (size_t i = tm->labels.n_rows; i-- > 0;) {
        const LabelRow *r = &tm->labels.rows[i];
        if (!r->stale && r->unit == LABEL_UNIT_SESSION && v->session[session_verdicts_at(v, r->first_event)].distinct == distinct)
            return (int64_t)i;
    }
    return -1;
}

int marks_session_label(const Marks *m, size_t t, const Trace *trace, const SessionVerdicts *v, size_t s)
{
    if (t >= m->n_traces)
        return MARK_NONE;
    if (!v)
        return marks_range_label(m, t, trace->session_start[s], trace->session_start[s + 1]);
    int64_t i = identical_row(&m->of[t], v, s);
    return i < 0 ? MARK_NONE : (int)m->of[t].labels.rows[i].label;
}

/* The applied row marking exactly that unit; -1 when none. */
static int64_t exact_row(const TraceMarks *tm, LabelUnit unit, uint64_t first, uint64_t events)
{
    for (size_t i = tm->labels.n_rows; i-- > 0;) {
        const LabelRow *r = &tm->labels.rows[i];
        if (!r->stale && r->unit == unit && r->first_event == first && r->events == events)
            return (int64_t)i;
    }
    return -1;
}

static bool push_change(Marks *m, MarkChange change, Error *err)
{
    if (m->n_undo == m->undo_cap) {
        size_t cap = m->undo_cap ? 2 * m->undo_cap : 16;
        MarkChange *grown = realloc(m->undo, cap * sizeof *grown);
        if (!grown)
            return error_nomem(err);
        m->undo = grown;
        m->undo_cap = cap;
    }
    m->undo[m->n_undo++] = change;
    return true;
}

MarkResult marks_set(Marks *m, const TraceSet *set, size_t t, const SessionVerdicts *v, LabelUnit unit,
                     uint64_t first, uint64_t events, LabelKind label, Error *err)
{
    TraceMarks *tm = &m->of[t];
    if (tm->broken && !tm->path) {
        error_set(err, "a trace read from standard input has no place for marks beside it");
        return MARK_FAILED;
    }
    if (tm->broken) {
        error_set(err, tm->out_of_memory ? "%s did not load (out of memory): open the trace again to mark here"
                                         : "%s did not load: fix or remove it to mark here", tm->path);
        return MARK_FAILED;
    }
    int64_t i = unit == LABEL_UNIT_SESSION && v ? identical_row(tm, v, session_verdicts_at(v, first))
                                                : exact_row(tm, unit, first, events);
    if (i >= 0 && tm->labels.rows[i].label == label)
        return MARK_ALREADY;
    if (i < 0 && unit == LABEL_UNIT_SEGMENT && marks_range_label(m, t, first, first + events) == (int)label)
        return MARK_ALREADY; /* a larger mark decides it already (one made with longer segments) */
    MarkChange change = {t, unit, first, events, MARK_NONE, (int)label};
    if (!push_change(m, change, err)) /* room on the stack first: nothing to take back after the save */
        return MARK_FAILED;
    if (i >= 0) { /* the other label: the row changes, so undo finds it where it is */
        LabelRow *r = &tm->labels.rows[i];
        change.first = r->first_event, change.events = r->events, change.before = (int)r->label;
        r->label = label;
    } else if (!labels_add_from_trace(&tm->labels, unit, first, events, label, &set->traces[t], &set->vocab, err)) {
        m->n_undo--;
        return MARK_FAILED;
    } else {
        tm->n_applied++;
    }
    m->undo[m->n_undo - 1] = change;
    if (!labels_save(&tm->labels, tm->path, err)) { /* not in the file: not on screen nor learnable either */
        m->n_undo--;
        if (i >= 0) {
            tm->labels.rows[i].label = (LabelKind)change.before;
        } else {
            labels_remove(&tm->labels, tm->labels.n_rows - 1);
            tm->n_applied--;
        }
        return MARK_FAILED;
    }
    return i >= 0 ? MARK_CHANGED : MARK_ADDED;
}

bool marks_undo(Marks *m, MarkChange *undone, Error *err)
{
    if (m->n_undo == 0)
        return false;
    MarkChange c = m->undo[--m->n_undo];
    *undone = c;
    TraceMarks *tm = &m->of[c.trace];
    int64_t i = exact_row(tm, c.unit, c.first, c.events);
    if (i < 0)
        return error_set(err, "the mark to undo is no longer in %s", tm->path);
    bool saved;
    if (c.before == MARK_NONE) { /* the file without the row first: the row goes once it is saved */
        Labels without = {malloc((tm->labels.n_rows + 1) * sizeof *without.rows), 0, 0};
        if (!without.rows) {
            m->n_undo++;
            return error_nomem(err);
        }
        for (size_t r = 0; r < tm->labels.n_rows; r++)
            if (r != (size_t)i)
                without.rows[without.n_rows++] = tm->labels.rows[r]; /* shallow: the keys stay the file's */
        saved = labels_save(&without, tm->path, err);
        free(without.rows);
        if (saved) {
            labels_remove(&tm->labels, (size_t)i);
            tm->n_applied--;
        }
    } else {
        tm->labels.rows[i].label = (LabelKind)c.before;
        if (!(saved = labels_save(&tm->labels, tm->path, err)))
            tm->labels.rows[i].label = (LabelKind)c.after;
    }
    if (!saved) /* not undone: still on the stack, as on screen */
        m->n_undo++;
    return saved;
}
