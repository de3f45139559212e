/* The explorer's state and the changes keys make to it: moves, jumps between flagged segments,
 * themes, the threshold, interpretations, reports, the segment length. */
#include "app.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../io/format.h"
#include "../core/report.h"
#include "../core/session_report.h"
#include "marks_keys.h"

const Trace *app_trace(const App *app) { return &app->scored->set.traces[app->trace]; }

const Scores *app_scores(const App *app)
{
    return app->has_model ? &app->scored->scores[app->trace] : NULL;
}

const EventOutcomes *app_outcomes(const App *app)
{
    return app->has_model ? &app->scored->outcomes[app->trace] : NULL;
}

const SessionVerdicts *app_sessions(const App *app)
{
    if (!app->has_model || !app->scored->sessions)
        return NULL;
    const SessionVerdicts *v = &app->scored->sessions[app->trace];
    return v->n_sessions ? v : NULL;
}

TraceLabel app_label(const App *app)
{
    const ScoredSet *s = app->scored;
    return s->labels && app->trace < s->n_labels ? (TraceLabel)s->labels[app->trace] : TRACE_UNLABELLED;
}

size_t app_flagged_session(const App *app, size_t row)
{
    const SessionVerdicts *v = app_sessions(app);
    if (v && row >= v->n_flagged_distinct) /* then the unflagged sessions marked anomalous */
        return app_marked_anomalous_session(app, row - v->n_flagged_distinct);
    return v ? v->flagged_first[row] : SIZE_MAX;
}

size_t app_segment_len(const App *app)
{
    return app->has_model ? app_scores(app)->segment_len : 1000;
}

size_t app_n_segments(const App *app)
{
    size_t len = app_segment_len(app);
    return (app_trace(app)->n_events + len - 1) / len;
}

void app_init(App *app, ScoredSet *scored, bool has_model)
{
    memset(app, 0, sizeof *app);
    app->scored = scored;
    app->has_model = has_model;
    app->focus = has_model ? PANE_CHART : PANE_TIMELINE;
    app->timeline_rows = 10;
    app->layout.divider_x = -1;
}

void app_free(App *app)
{
    free(app->visible);
    free(app->bookmarked);
    free(app->stats.keys);
    free(app->truth_marks.bad);
    marks_free(&app->marks);
    app_end_update(app);
    free(app->learned);
    if (app->interp_ready)
        explainer_free(&app->explainer);
}

void app_forget_derived(App *app)
{
    if (app->interp_ready)
        explainer_free(&app->explainer);
    app->interp_ready = app->has_interp = false;
    if (app->sched)
        schedule_free(app->sched);
    free(app->sched), app->sched = NULL;
    app->stats.valid = false;
    app->truth_marks.valid = false;
    app->timeline_cols.of = NULL;
}

void app_goto_event(App *app, size_t e)
{
    size_t n = app_trace(app)->n_events;
    app->cursor = e < n ? e : n - 1;
    app->segment = app->cursor / app_segment_len(app);
    if (!app->filter[0] && (app->cursor < app->top || app->cursor >= app->top + (size_t)app->timeline_rows))
        app->top = app->cursor > (size_t)app->timeline_rows / 2 ? app->cursor - (size_t)app->timeline_rows / 2 : 0;
}

static void select_segment(App *app, size_t seg)
{
    size_t n = app_n_segments(app);
    app->segment = seg < n ? seg : n - 1;
}

/* Up (n < 0) or down by n lines, within the pane's lines. */
static void scroll_by(PaneScroll *scroll, long n)
{
    long max = scroll->lines > scroll->rows ? scroll->lines - scroll->rows : 0, top = scroll->top + n;
    scroll->top = (int)(top < 0 ? 0 : top > max ? max : top);
}

void app_move(App *app, Pane pane, long n)
{
    const SessionVerdicts *v = app_sessions(app);
    if (pane == PANE_CHART && v) { /* the session at the cursor, a column's sessions a step */
        long step = app->chart_step > 1 ? (long)app->chart_step : 1;
        long at = (long)session_verdicts_at(v, app->cursor) + n * step, last = (long)v->n_sessions - 1;
        app_goto_event(app, v->session[at < 0 ? 0 : at > last ? last : at].first);
    } else if (pane == PANE_FLAGGED && v) {
        long row = (long)app->flagged_row + n, count = (long)app_flagged_rows(app);
        app->flagged_row = count == 0 ? 0 : (size_t)(row < 0 ? 0 : row >= count ? count - 1 : row);
    } else if (pane == PANE_CHART) {
        long seg = (long)app->segment + n;
        select_segment(app, seg < 0 ? 0 : (size_t)seg);
    } else if (pane == PANE_FLAGGED && app_scores(app)) {
        long row = (long)app->flagged_row + n, count = (long)app_flagged_rows(app);
        app->flagged_row = count == 0 ? 0 : (size_t)(row < 0 ? 0 : row >= count ? count - 1 : row);
    } else if (pane == PANE_EXPLAIN) {
        scroll_by(app->show_stats ? &app->stats_scroll : &app->explain_scroll, n);
    } else {
        app_goto_event(app, app_visible_step(app, n));
    }
}

void app_goto_session(App *app, size_t s)
{
    const SessionVerdicts *v = app_sessions(app);
    const SessionVerdict *sv = &v->session[s];
    size_t e = sv->first_miss != SESSION_NO_EVENT ? sv->first_miss : sv->first;
    app_goto_event(app, e);
    /* the session from its first event when its first miss fits in view with it */
    size_t rows = app->timeline_rows > 1 ? (size_t)app->timeline_rows : 1;
    if (!app->filter[0])
        app->top = e - sv->first < rows ? sv->first : e - rows / 2;
    uint32_t count = v->distinct_count[sv->distinct];
    char same[48] = "";
    if (count > 1)
        snprintf(same, sizeof same, " (%u identical)", count);
    if (sv->reason == SESSION_NORMAL)
        snprintf(app->message, sizeof app->message, "session %zu%s: %zu keys, not flagged", s + 1, same, sv->length);
    else if (sv->first_miss != SESSION_NO_EVENT)
        snprintf(app->message, sizeof app->message, "session %zu%s: %zu keys, %s; cursor on its first miss, event %zu",
                 s + 1, same, sv->length, session_reason_label(sv->reason), e);
    else
        snprintf(app->message, sizeof app->message, "session %zu%s: %zu keys, %s (shorter than a window + 1)", s + 1,
                 same, sv->length, session_reason_label(sv->reason));
}

/* n, N over the flagged distinct sessions, in the order the flagged list shows them. */
static void jump_flagged_session(App *app, const SessionVerdicts *v, int dir)
{
    if (v->n_flagged_distinct == 0) {
        snprintf(app->message, sizeof app->message, "no flagged sessions");
        return;
    }
    size_t here = session_verdicts_at(v, app->cursor), n = v->n_flagged_distinct, lo = 0, hi = n;
    while (lo < hi) { /* the first flagged row whose session lies past the cursor's */
        size_t mid = (lo + hi) / 2;
        if (v->flagged_first[mid] > here)
            hi = mid;
        else
            lo = mid + 1;
    }
    size_t row; /* the next one past it, or the one before (wrapping at either end) */
    if (dir > 0)
        row = lo < n ? lo : 0;
    else {
        size_t before = lo > 0 && v->flagged_first[lo - 1] == here ? lo - 1 : lo; /* not the cursor's own */
        row = before > 0 ? before - 1 : n - 1;
    }
    app->flagged_row = row;
    app_goto_session(app, app_flagged_session(app, row));
}

void app_jump_flagged(App *app, int dir)
{
    if (app_sessions(app)) {
        jump_flagged_session(app, app_sessions(app), dir);
        return;
    }
    const Scores *sc = app_scores(app);
    if (!sc || sc->n_flagged == 0) {
        snprintf(app->message, sizeof app->message, "no flagged segments");
        return;
    }
    size_t n = sc->n_segments, seg = app->segment;
    for (size_t step = 1; step <= n; step++) {
        size_t s = dir > 0 ? (seg + step) % n : (seg + n - step) % n;
        if (sc->flagged[s]) {
            app->segment = s;
            app_goto_event(app, s * sc->segment_len);
            app->flagged_row = app_flagged_segment_row(app, s);
            char value[32], threshold[32];
            snprintf(app->message, sizeof app->message, "segment %zu: %s, threshold %s", s + 1,
                     scores_format(sc->rule, sc->score[s], 2, value, sizeof value),
                     scores_format(sc->rule, sc->threshold, 2, threshold, sizeof threshold));
            return;
        }
    }
}

static void move_threshold(App *app, float delta)
{
    if (!app->has_model) {
        snprintf(app->message, sizeof app->message, "no model: no threshold");
        return;
    }
    const Calibration *cal = model_calibration(&app->scored->model);
    if (cal->score == SCORE_NLL)
        delta *= 10; /* NLL runs over a few nats, a rate over one: steps of 0.05 and half a point */
    float t = (cal->calibrated ? cal->threshold : 0.0f) + delta;
    scored_set_set_threshold(app->scored, t < 0 ? 0 : t);
    char threshold[32];
    const SessionVerdicts *v = app_sessions(app);
    if (v && app->flagged_row >= v->n_flagged_distinct) /* fewer flagged: the row stays on the list */
        app->flagged_row = v->n_flagged_distinct ? v->n_flagged_distinct - 1 : 0;
    if (v && !v->by_threshold) /* a session protocol's rule has no threshold */
        snprintf(app->message, sizeof app->message, "threshold %s: segments only; sessions are flagged by %s's own rule",
                 scores_format(cal->score, cal->threshold, 2, threshold, sizeof threshold), model_kind_name(&app->scored->model));
    else if (v)
        snprintf(app->message, sizeof app->message, "threshold %s: %zu of %zu distinct sessions flagged",
                 scores_format(cal->score, cal->threshold, 2, threshold, sizeof threshold), v->n_flagged_distinct, v->n_distinct);
    else
        snprintf(app->message, sizeof app->message, "threshold %s: %zu segments flagged",
                 scores_format(cal->score, cal->threshold, 2, threshold, sizeof threshold), app_scores(app)->n_flagged);
}

static bool ensure_interpreter(App *app)
{
    if (app->interp_ready)
        return true;
    Error err = {0};
    InterpretOptions opt = INTERPRET_DEFAULTS;
    /* the nearest normal window from the model's training windows file, when one lies beside it */
    bool ok = explainer_init_trained(&app->explainer, &app->scored->model, &opt, &err);
    if (!ok)
        snprintf(app->message, sizeof app->message, "%.250s", err.msg);
    app->interp_ready = ok;
    app->nearest_note_due = ok && app->explainer.nearest_note[0]; /* said once, with the first i */
    return ok;
}

/* Why i has no window at the cursor: a session shorter than a window and its targets (the keys
 * read + those predicted: anomalous by its length alone, as DeepLog counts it), or no full window
 * of known keys before it. */
static void not_interpretable(App *app)
{
    const Trace *t = app_trace(app);
    size_t s = app_session_of(app, app->cursor), len = trace_session_length(t, s);
    int tx, ty, stride;
    model_window_shape(&app->scored->model, &tx, &ty, &stride);
    if (trace_has_sessions(t) && len < (size_t)(tx + ty))
        snprintf(app->message, sizeof app->message,
                 "event %zu: session %zu has %zu events, fewer than %d + %d: no window to interpret",
                 app->cursor, s + 1, len, tx, ty);
    else
        snprintf(app->message, sizeof app->message, "event %zu %s", app->cursor,
                 explainer_no_window_text(explainer_no_window(&app->scored->model, t, app->cursor), 1));
}

static void interpret_cursor(App *app)
{
    size_t first;
    if (!app->has_model) {
        snprintf(app->message, sizeof app->message, "no model to interpret with (--model MODEL)");
        return;
    }
    if (!ensure_interpreter(app))
        return;
    if (!explainer_at(&app->explainer, app_trace(app), app->cursor, &app->interp, &first)) {
        not_interpretable(app);
        return;
    }
    app->has_interp = true;
    app->interp_first = first;
    app->explain_scroll.top = 0;
    app->focus = PANE_EXPLAIN;
    bool missed = app_outcomes(app)->outcome[app->cursor] == OUTCOME_MISS;
    snprintf(app->message, sizeof app->message, "event %zu%s: window %zu-%zu, %s", app->cursor,
             missed ? " (missed)" : "", first, first + (size_t)app->interp.n_keys - 1,
             !app->interp.anomalous ? "the model deems it normal"
             : app->interp.fidelity ? "reference found, fidelity passed" : "no reference passed fidelity");
    if (app->nearest_note_due) /* why the pane has no nearest window: the file beside the model */
        snprintf(app->message, sizeof app->message, "%.250s", app->explainer.nearest_note);
    app->nearest_note_due = false;
}

/* The timeline's row of event e: its place among the filter's events, with one. */
static size_t row_of(const App *app, size_t e)
{
    return app->filter[0] ? app_visible_index(app, e) : e;
}

/* The worst window's events from the timeline's top when they fit, else its event in the middle. */
static void show_window(App *app, size_t first, size_t e)
{
    size_t rows = app->timeline_rows > 1 ? (size_t)app->timeline_rows : 1, at = row_of(app, e);
    app->top = at - row_of(app, first) < rows ? row_of(app, first) : at - rows / 2;
}

static void goto_worst(App *app)
{
    const Scores *sc = app_scores(app);
    size_t first = app->segment * app_segment_len(app), last = first;
    WorstWindow w;
    if (sc)
        scores_segment_range(sc, app->segment, &first, &last);
    if (!sc || !explainer_worst_window(&app->scored->model, app_trace(app), app_outcomes(app), first, last + 1, &w)) {
        app_goto_event(app, first);
        app->top = row_of(app, app->cursor);
        if (sc)
            snprintf(app->message, sizeof app->message, "segment %zu: the model missed no event; its first", app->segment + 1);
        return;
    }
    size_t segment = app->segment;
    app_goto_event(app, w.event);
    show_window(app, w.first, w.event);
    if (w.interpretable)
        snprintf(app->message, sizeof app->message, "segment %zu: worst window %zu-%zu (%d missed), cursor on its worst miss %zu",
                 segment + 1, w.first, w.last, w.misses, w.event);
    else
        snprintf(app->message, sizeof app->message, "segment %zu: worst miss %zu (p %.4f) %s", segment + 1, w.event,
                 w.prob, explainer_no_window_text(explainer_no_window(&app->scored->model, app_trace(app), w.event), 1));
}

/* o: the zoom is the layout's (tui/layout.c); the status line says which pane fills the screen. */
static void toggle_zoom(App *app)
{
    static const char *const names[PANE_COUNT] = {"the chart", "the events", "the flagged segments", "the interpretation"};
    app->zoomed = !app->zoomed;
    const char *name = app->focus == PANE_EXPLAIN && app->show_stats ? "the statistics" : names[app->focus];
    if (app->zoomed)
        snprintf(app->message, sizeof app->message, "zoom: %s on the whole screen (o: back)", name);
    else
        snprintf(app->message, sizeof app->message, "zoom off: every pane");
}

static void cycle_theme(App *app)
{
    Theme next;
    Error err = {0};
    int index = (app->theme_index + 1) % theme_cycle_count;
    if (theme_load(&next, theme_cycle[index], &err)) {
        app->theme = next;
        app->theme_index = index;
        snprintf(app->message, sizeof app->message, "theme %s", next.name);
    } else {
        snprintf(app->message, sizeof app->message, "%.250s", err.msg);
    }
}

/* w and W: the flagged segments of the trace on show, beside it as TRACE.flagged.csv or .json. */
/* w/W in a trace of sessions: its flagged distinct sessions. */
static void write_session_report(App *app, bool json)
{
    char path[1100];
    size_t rows;
    Error err = {0};
    if (session_report_save_marked(app->scored, app->trace, app->marks.of ? &app->marks : NULL, json, path, sizeof path,
                                   &rows, &err))
        snprintf(app->message, sizeof app->message, "wrote %zu flagged distinct sessions to %.180s (beside the trace)", rows,
                 format_basename(path));
    else
        snprintf(app->message, sizeof app->message, "%.250s", err.msg);
}

static void write_report(App *app, bool json)
{
    if (app_sessions(app)) {
        write_session_report(app, json);
        return;
    }
    const Scores *sc = app_scores(app);
    if (!sc || !sc->has_threshold) {
        snprintf(app->message, sizeof app->message, "nothing to report: no threshold");
        return;
    }
    char path[1100];
    Error err = {0};
    if (report_save_flagged_marked(app->scored, app->trace, app->marks.of ? &app->marks : NULL, json, path, sizeof path,
                                   &err))
    {
        size_t rows = app->marks.of ? app_flagged_rows(app) : sc->n_flagged; /* the list's: unflagged marked anomalous too */
        char marked[64] = "";
        if (rows > sc->n_flagged)
            snprintf(marked, sizeof marked, " and %zu marked anomalous", rows - sc->n_flagged);
        snprintf(app->message, sizeof app->message, "wrote %zu flagged segments%.41s to %.140s (beside the trace)",
                 sc->n_flagged, marked, format_basename(path));
    }
    else
        snprintf(app->message, sizeof app->message, "%.250s", err.msg);
}

/* [ and ]: halve or double the segment length; every trace is scored again. */
static void resize_segments(App *app, bool longer)
{
    if (!app->has_model)
        return;
    const SessionVerdicts *v = app_sessions(app);
    if (v && !v->by_threshold) { /* a protocol judges whole sessions: no segment to resize */
        snprintf(app->message, sizeof app->message, "sessions are the unit here: %s judges each whole, not in segments",
                 model_kind_name(&app->scored->model));
        return;
    }
    size_t len = app_segment_len(app), next = longer ? len * 2 : len / 2;
    if (next < 50 || next > 1000000) {
        snprintf(app->message, sizeof app->message, "segments stay at %zu events", len);
        return;
    }
    Error err = {0};
    if (!scored_set_resegment(app->scored, next, &err)) {
        snprintf(app->message, sizeof app->message, "%.250s", err.msg);
        return;
    }
    app->segment = app->cursor / next;
    app->flagged_row = 0;
    snprintf(app->message, sizeof app->message, "segments of %zu events (the threshold was set for %d)", next,
             model_calibration(&app->scored->model)->segment);
}

/* The key table's way to the functions above (tui/keys.c). */
void app_cycle_theme(App *app) { cycle_theme(app); }
void app_move_threshold(App *app, float delta) { move_threshold(app, delta); }
void app_interpret_cursor(App *app) { interpret_cursor(app); }
void app_goto_worst(App *app) { goto_worst(app); }
void app_toggle_zoom(App *app) { toggle_zoom(app); }
void app_write_report(App *app, bool json) { write_report(app, json); }
void app_resize_segments(App *app, bool longer) { resize_segments(app, longer); }
