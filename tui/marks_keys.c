/* The marks in the explorer: F and A mark the unit at the cursor (in a trace of sessions its
 * session, else the selected segment) normal or anomalous, u undoes; each change is saved beside
 * the trace at once (core/marks.h). What the panes ask of them is answered here too. */
#include "marks_keys.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../io/format.h"
#include "updater.h"

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

/* Piece by piece within the segments it spans (a chart column may hold several): anomalous when
 * one is, else normal when a normal mark covers one whole (marks_range_label). */
int app_range_mark(const App *app, size_t first, size_t end)
{
    size_t len = app_segment_len(app);
    int mark = MARK_NONE;
    for (size_t from = first; from < end && mark != LABEL_ANOMALOUS;) {
        size_t to = (from / len + 1) * len < end ? (from / len + 1) * len : end;
        int piece = marks_range_label(&app->marks, app->trace, from, to);
        mark = piece != MARK_NONE ? piece : mark;
        from = to;
    }
    return mark;
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

/* A session row: its session and that session's distinct one. */
typedef struct SessionRow {
    uint32_t distinct;
    size_t row, session;
} SessionRow;

/* By distinct session, then the last row first (the one whose label holds). */
static int by_distinct_last_row(const void *a, const void *b)
{
    const SessionRow *x = a, *y = b;
    if (x->distinct != y->distinct)
        return (x->distinct > y->distinct) - (x->distinct < y->distinct);
    return (x->row < y->row) - (x->row > y->row);
}

/* The unflagged sessions marked anomalous, one per distinct session (the first marked), by index:
 * into out (room for the trace's rows), returns how many. Sorted once, not searched per row:
 * the list asks for it at each redraw. */
static size_t marked_anomalous(const App *app, size_t *out)
{
    const SessionVerdicts *v = app_sessions(app);
    const Labels *l = &app->marks.of[app->trace].labels;
    SessionRow *rows = malloc((l->n_rows + 1) * sizeof *rows);
    if (!rows)
        return 0;
    size_t n_rows = 0, n = 0;
    for (size_t i = 0; i < l->n_rows; i++) {
        const LabelRow *r = &l->rows[i];
        if (r->stale || r->unit != LABEL_UNIT_SESSION)
            continue;
        size_t s = session_verdicts_at(v, r->first_event);
        rows[n_rows++] = (SessionRow){v->session[s].distinct, i, s};
    }
    qsort(rows, n_rows, sizeof *rows, by_distinct_last_row);
    for (size_t g = 0; g < n_rows;) { /* a group: one distinct session, its last row first */
        size_t end = g, first = SIZE_MAX;
        while (end < n_rows && rows[end].distinct == rows[g].distinct) {
            if (!session_flagged(v, rows[end].session) && rows[end].session < first)
                first = rows[end].session;
            end++;
        }
        if (l->rows[rows[g].row].label == LABEL_ANOMALOUS && first != SIZE_MAX)
            out[n++] = first;
        g = end;
    }
    free(rows);
    qsort(out, n, sizeof *out, by_index);
    return n;
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
    if (marks_count_trace(&app->marks, app->trace) == 0)
        return v->n_flagged_distinct;
    size_t extra = 0, *found = malloc((app->marks.of[app->trace].labels.n_rows + 1) * sizeof *found);
    if (found)
        extra = marked_anomalous(app, found); /* once: not a search per row */
    free(found);
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
    const char *unit = labels_unit_name(u.unit), *path = app->marks.of[app->trace].path;
    const char *file = path ? format_basename(path) : "";
    if (r == MARK_FAILED)
        snprintf(app->message, sizeof app->message, "not marked: %.240s", err.msg);
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
        snprintf(app->message, sizeof app->message, "%s%.240s", err.failed ? "not undone: " : "",
                 err.failed ? err.msg : "no mark of this run to undo");
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

/* ---- U: the model learns the normal marks --------------------------------------------------- */

static bool learned_already(const App *app, size_t t, const LabelRow *row)
{
    for (size_t i = 0; i < app->n_learned; i++) {
        const MarkChange *c = &app->learned[i];
        if (c->trace == t && c->unit == row->unit && c->first == row->first_event && c->events == row->events)
            return true;
    }
    return false;
}

/* The applied rows marked normal not learned yet, copied into rows; learned grows by them (after
 * n_learned, counted in n_learning until the update ends). */
static bool normal_marks(App *app, Labels *rows, Error *err)
{
    for (size_t t = 0; t < app->marks.n_traces; t++) {
        const Labels *l = &app->marks.of[t].labels;
        for (size_t i = 0; i < l->n_rows; i++) {
            const LabelRow *r = &l->rows[i];
            if (r->stale || r->label != LABEL_NORMAL || learned_already(app, t, r))
                continue;
            MarkChange *grown = realloc(app->learned, (app->n_learned + app->n_learning + 1) * sizeof *grown);
            if (!grown)
                return error_nomem(err);
            app->learned = grown;
            app->learned[app->n_learned + app->n_learning++] =
                (MarkChange){t, r->unit, r->first_event, r->events, MARK_NONE, LABEL_NORMAL};
            if (!labels_add(rows, r->unit, r->first_event, r->events, r->label, (const char *const *)r->keys, err))
                return false;
        }
    }
    return true;
}

Reaction marks_act_update(App *app, int key)
{
    (void)key;
    if (!app->has_model || !app->update_src) {
        snprintf(app->message, sizeof app->message, "%s", app->has_model ? "update: not available here" : "no model to update");
        return REACT_STATUS;
    }
    if (app->updater) {
        snprintf(app->message, sizeof app->message, "the model is being updated (Esc cancels)");
        return REACT_STATUS;
    }
    Labels rows = {0};
    Error err = {0};
    app->n_learning = 0;
    if (!normal_marks(app, &rows, &err) || rows.n_rows == 0) {
        snprintf(app->message, sizeof app->message, "%.250s",
                 err.failed ? err.msg : "no normal mark to learn (F marks a false positive; each is learned once)");
        labels_free(&rows);
        app->n_learning = 0;
        return REACT_STATUS;
    }
    size_t n = rows.n_rows;
    app->updater = calloc(1, sizeof *app->updater);
    if (!app->updater || !updater_start(app->updater, app->update_src, app->model_path, &rows, &err)) {
        snprintf(app->message, sizeof app->message, "%.250s", app->updater ? err.msg : "out of memory");
        free(app->updater), app->updater = NULL;
        labels_free(&rows);
        app->n_learning = 0;
        return REACT_STATUS;
    }
    snprintf(app->message, sizeof app->message, "updating the model from %zu normal mark%s... (Esc cancels)", n, n == 1 ? "" : "s");
    return REACT_STATUS;
}

bool app_update_busy(App *app) { return app->updater && updater_busy(app->updater); }

void app_cancel_update(App *app)
{
    if (app->updater)
        updater_cancel(app->updater);
}

void app_end_update(App *app)
{
    if (!app->updater)
        return;
    updater_cancel(app->updater); /* quitting mid-update: the worker stops at its next batch */
    updater_free(app->updater);
    free(app->updater);
    app->updater = NULL;
}

/* What the operator set on the old scored set ([ ] and + -), set again on the new one: the worker
 * scored with the model's own segment length and threshold. A threshold counts as moved when it is
 * not the one the model file had before the update (then recalibrated: the new one holds). Into
 * kept, what was set again ("" when nothing). False: out of memory resegmenting (err). */
static bool keep_settings(App *app, ScoredSet *old, const UpdateReport *r, char *kept, size_t size, Error *err)
{
    kept[0] = '\0';
    const Calibration *was = model_calibration(&old->model), *now = model_calibration(&app->scored->model);
    size_t len = old->scores && app->trace < old->set.n_traces ? old->scores[app->trace].segment_len : 0;
    float file_threshold = r->recalibrated ? r->threshold_before : now->threshold;
    if (was->calibrated && was->threshold != file_threshold) {
        scored_set_set_threshold(app->scored, was->threshold);
        char value[32];
        snprintf(kept, size, ", threshold %s kept", scores_format(was->score, was->threshold, 2, value, sizeof value));
    }
    if (len && app_segment_len(app) != len) {
        if (!scored_set_resegment(app->scored, len, err))
            return false;
        size_t used = strlen(kept);
        snprintf(kept + used, size - used, ", segments of %zu kept", len);
    }
    return true;
}

/* The updated model's scored set in place of the old one: what was made from the old (the
 * interpretation, the time view, the statistics, the truth's marks) is made again when asked. */
static void take_scores(App *app, Updater *u, char *kept, size_t kept_size)
{
    ScoredSet old = *app->scored;
    *app->scored = u->scored;
    u->scored = old; /* freed with the updater */
    Error err = {0};
    if (!keep_settings(app, &u->scored, &u->report, kept, kept_size, &err))
        snprintf(kept, kept_size, " (%.100s)", err.msg);
    size_t n_segments = app_scores(app) ? app_scores(app)->n_segments : 0;
    if (app->segment >= n_segments)
        app->segment = n_segments ? n_segments - 1 : 0;
    app_forget_derived(app);
    size_t rows = app_flagged_rows(app);
    app->flagged_row = app->flagged_row < rows ? app->flagged_row : rows ? rows - 1 : 0;
    snprintf(app->model_path, sizeof app->model_path, "%s", u->out_path);
    app->n_learned += app->n_learning;
    app->n_learning = 0;
}

static void say_done(App *app, const Updater *u)
{
    updater_done_message(u, model_calibration(&app->scored->model)->score, app->message, sizeof app->message);
}

Reaction app_follow_update(App *app)
{
    if (!app->updater)
        return REACT_NONE;
    Updater *u = app->updater;
    int epoch, epochs;
    UpdateStage stage = updater_stage(u, &epoch, &epochs);
    char before[sizeof app->message];
    snprintf(before, sizeof before, "%s", app->message);
    if (stage == UPDATE_TRAINING && epochs)
        snprintf(app->message, sizeof app->message, "updating the model: epoch %d/%d (Esc cancels)", epoch, epochs);
    else if (stage == UPDATE_SCORING)
        snprintf(app->message, sizeof app->message, "model trained: scoring the traces again, then writing %.100s... (Esc cancels)",
                 format_basename(u->out_path));
    if (stage == UPDATE_TRAINING || stage == UPDATE_SCORING)
        return strcmp(before, app->message) ? REACT_STATUS : REACT_NONE;
    updater_join(u);
    if (stage == UPDATE_DONE) {
        char kept[160];
        take_scores(app, u, kept, sizeof kept);
        say_done(app, u);
        size_t used = strlen(app->message);
        snprintf(app->message + used, sizeof app->message - used, "%s", kept);
    } else {
        app->n_learning = 0; /* not learned: U tries them again */
        if (stage == UPDATE_CANCELLED)
            snprintf(app->message, sizeof app->message, "update cancelled: the model in use is unchanged");
        else
            snprintf(app->message, sizeof app->message, "update failed: %.230s", u->err.msg);
    }
    app_end_update(app);
    return REACT_VIEW;
}

void app_wait_update(App *app)
{
    if (!app->updater)
        return;
    updater_join(app->updater);
    app_follow_update(app);
}
