/* The marks in the explorer: F and A mark the unit at the cursor (in a trace of sessions its
 * session, else the selected segment) normal or anomalous, u undoes; each change is saved beside
 * the trace at once (core/marks.h). What the panes ask of them is answered here too. */
#include "marks_keys.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../io/format.h"

void app_open_marks(App *app)
{
    Error err = {0};
    if (app->marks.of) /* once: the traces are loaded once */
        return;
    if (!marks_open(&app->marks, &app->scored->set, app->marks_note, sizeof app->marks_note, &err))
        snprintf(app->marks_note, sizeof app->marks_note, "marks: %.180s", err.msg);
    if (app->marks_note[0])
        snprintf(app->message, sizeof app->message, "%s", app->marks_note);
}

int app_range_mark(const App *app, size_t first, size_t end)
{
    return marks_range_label(&app->marks, app->trace, first, end);
}

int app_session_mark(const App *app, size_t s)
{
    return marks_session_label(&app->marks, app->trace, app_trace(app), app_sessions(app), s);
}

int app_event_mark(const App *app, size_t e)
{
    if (marks_count_trace(&app->marks, app->trace) == 0)
        return MARK_NONE;
    if (trace_has_sessions(app_trace(app)))
        return app_session_mark(app, app_session_of(app, e));
    return app_range_mark(app, e, e + 1);
}

/* ---- the flagged list's rows ------------------------------------------------------------------ */

static bool segment_listed(const App *app, const Scores *sc, size_t s)
{
    if (sc->flagged[s])
        return true;
    size_t first, last;
    scores_segment_range(sc, s, &first, &last);
    return app_range_mark(app, first, last + 1) == LABEL_ANOMALOUS;
}

size_t app_flagged_segment(const App *app, size_t row)
{
    const Scores *sc = app_scores(app);
    if (!sc)
        return SIZE_MAX;
    bool any_marks = marks_count_trace(&app->marks, app->trace) > 0;
    for (size_t s = 0; s < sc->n_segments; s++)
        if ((any_marks ? segment_listed(app, sc, s) : sc->flagged[s]) && row-- == 0)
            return s;
    return SIZE_MAX;
}

size_t app_flagged_segment_row(const App *app, size_t s)
{
    const Scores *sc = app_scores(app);
    size_t row = 0;
    for (size_t i = 0; sc && i < s && i < sc->n_segments; i++)
        row += segment_listed(app, sc, i);
    return row;
}

static int by_index(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return (x > y) - (x < y);
}

/* The unflagged sessions marked anomalous, one per distinct session, by index: into out (room
 * for the trace's rows), returns how many. */
static size_t marked_anomalous(const App *app, size_t *out)
{
    const SessionVerdicts *v = app_sessions(app);
    const Labels *l = &app->marks.of[app->trace].labels;
    size_t n = 0;
    for (size_t i = 0; i < l->n_rows; i++) {
        const LabelRow *r = &l->rows[i];
        if (r->stale || r->unit != LABEL_UNIT_SESSION)
            continue;
        size_t s = session_verdicts_at(v, r->first_event);
        if (!session_flagged(v, s) && app_session_mark(app, s) == LABEL_ANOMALOUS)
            out[n++] = s;
    }
    qsort(out, n, sizeof *out, by_index);
    size_t kept = 0; /* the first of each distinct session */
    for (size_t i = 0; i < n; i++) {
        bool seen = false;
        for (size_t j = 0; j < kept && !seen; j++)
            seen = v->session[out[j]].distinct == v->session[out[i]].distinct;
        if (!seen)
            out[kept++] = out[i];
    }
    return kept;
}

size_t app_marked_anomalous_session(const App *app, size_t k)
{
    if (!app_sessions(app) || marks_count_trace(&app->marks, app->trace) == 0)
        return SIZE_MAX;
    size_t *found = malloc((app->marks.of[app->trace].labels.n_rows + 1) * sizeof *found);
    if (!found)
        return SIZE_MAX;
    size_t n = marked_anomalous(app, found), s = k < n ? found[k] : SIZE_MAX;
    free(found);
    return s;
}

size_t app_flagged_rows(const App *app)
{
    const SessionVerdicts *v = app_sessions(app);
    const Scores *sc = app_scores(app);
    if (!sc)
        return 0;
    if (!v && marks_count_trace(&app->marks, app->trace) == 0)
        return sc->n_flagged;
    if (!v)
        return app_flagged_segment_row(app, sc->n_segments);
    size_t extra = 0;
    while (app_marked_anomalous_session(app, extra) != SIZE_MAX)
        extra++;
    return v->n_flagged_distinct + extra;
}

/* ---- F, A, u -------------------------------------------------------------------------------- */

/* The unit F and A mark. */
typedef struct MarkUnit {
    LabelUnit unit;
    size_t index;           /* the session or segment */
    uint64_t first, events;
} MarkUnit;

/* In a trace of sessions the session at the cursor (the selected row's in the flagged list);
 * else the selected segment (the flagged row's in the flagged list). */
static bool unit_at_cursor(App *app, MarkUnit *u)
{
    const Trace *t = app_trace(app);
    bool in_list = app->focus == PANE_FLAGGED && !app->show_traces;
    if (trace_has_sessions(t)) {
        size_t s = in_list ? app_flagged_session(app, app->flagged_row) : SIZE_MAX;
        s = s != SIZE_MAX ? s : app_session_of(app, app->cursor);
        *u = (MarkUnit){LABEL_UNIT_SESSION, s, t->session_start[s], trace_session_length(t, s)};
        return true;
    }
    const Scores *sc = app_scores(app);
    if (!sc) {
        snprintf(app->message, sizeof app->message, "no model: no scored segment to mark (--model MODEL)");
        return false;
    }
    size_t seg = in_list ? app_flagged_segment(app, app->flagged_row) : SIZE_MAX, first, last;
    seg = seg != SIZE_MAX ? seg : app->segment;
    scores_segment_range(sc, seg, &first, &last);
    *u = (MarkUnit){LABEL_UNIT_SEGMENT, seg, first, last + 1 - first};
    return true;
}

Reaction marks_act_mark(App *app, int key)
{
    MarkUnit u;
    if (!app->marks.of) {
        snprintf(app->message, sizeof app->message, "marks: not loaded yet");
        return REACT_STATUS;
    }
    if (!unit_at_cursor(app, &u))
        return REACT_STATUS;
    LabelKind label = key == 'F' ? LABEL_NORMAL : LABEL_ANOMALOUS;
    Error err = {0};
    MarkResult r = marks_set(&app->marks, &app->scored->set, app->trace, app_sessions(app), u.unit, u.first, u.events,
                             label, &err);
    const char *unit = labels_unit_name(u.unit), *file = format_basename(app->marks.of[app->trace].path);
    if (r == MARK_FAILED)
        snprintf(app->message, sizeof app->message, "%.250s", err.msg);
    else if (r == MARK_ALREADY)
        snprintf(app->message, sizeof app->message, "%s %zu is already marked %s (u undoes the last mark)", unit,
                 u.index + 1, labels_kind_name(label));
    else
        snprintf(app->message, sizeof app->message, "%s %zu marked %s%s: %.100s (%zu mark%s)", unit, u.index + 1,
                 labels_kind_name(label), r == MARK_CHANGED ? " (was the other)" : "", file,
                 marks_count_trace(&app->marks, app->trace), marks_count_trace(&app->marks, app->trace) == 1 ? "" : "s");
    return REACT_VIEW;
}

Reaction marks_act_undo(App *app, int key)
{
    (void)key;
    MarkChange c;
    Error err = {0};
    if (!app->marks.of || !marks_undo(&app->marks, &c, &err)) {
        snprintf(app->message, sizeof app->message, "%.250s", err.failed ? err.msg : "no mark of this run to undo");
        return REACT_STATUS;
    }
    size_t rows = app_flagged_rows(app); /* a unit marked anomalous leaves the list: the row stays on it */
    if (app->flagged_row >= rows)
        app->flagged_row = rows ? rows - 1 : 0;
    const char *was = c.before == MARK_NONE ? "unmarked" : c.before == LABEL_NORMAL ? "normal again" : "anomalous again";
    size_t left = marks_count_trace(&app->marks, c.trace);
    snprintf(app->message, sizeof app->message, "undone: events %llu-%llu %s: %.100s (%zu mark%s)%s",
             (unsigned long long)c.first, (unsigned long long)(c.first + c.events - 1), was,
             format_basename(app->marks.of[c.trace].path), left, left == 1 ? "" : "s",
             c.trace != app->trace ? " (another trace)" : "");
    return REACT_VIEW;
}
