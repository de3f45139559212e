#include "app.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../cli/format.h"
#include "../io/safe_file.h"

const Trace *app_trace(const App *app) { return &app->scored->set.traces[app->trace]; }

const Scores *app_scores(const App *app)
{
    return app->has_model ? &app->scored->scores[app->trace] : NULL;
}

const EventOutcomes *app_outcomes(const App *app)
{
    return app->has_model ? &app->scored->outcomes[app->trace] : NULL;
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
}

void app_free(App *app)
{
    free(app->visible);
    free(app->bookmarked);
    if (app->interp_ready) {
        interpreter_free(&app->deeplog_interp);
        seq2seq_interpreter_free(&app->seq2seq_interp);
    }
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

/* Next (dir 1) or previous (dir -1) flagged segment from the selected one. */
static void jump_flagged(App *app, int dir)
{
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
            size_t row = 0;
            for (size_t i = 0; i < s; i++)
                row += sc->flagged[i];
            app->flagged_row = row;
            snprintf(app->message, sizeof app->message, "segment %zu: %.2f%%, threshold %.2f%%", s + 1,
                     100 * sc->rate[s], 100 * sc->threshold);
            return;
        }
    }
}

static void move_threshold(App *app, float delta)
{
    Calibration *cal = model_calibration(&app->scored->model);
    if (!app->has_model) {
        snprintf(app->message, sizeof app->message, "no model: no threshold");
        return;
    }
    float t = (cal->calibrated ? cal->threshold : 0.0f) + delta;
    cal->threshold = t < 0 ? 0 : t;
    cal->calibrated = true;
    for (size_t i = 0; i < app->scored->set.n_traces; i++)
        scores_set_threshold(&app->scored->scores[i], cal->threshold);
    snprintf(app->message, sizeof app->message, "threshold %.2f%%: %zu segments flagged", 100 * cal->threshold,
             app_scores(app)->n_flagged);
}

static bool ensure_interpreter(App *app)
{
    if (app->interp_ready)
        return true;
    Error err = {0};
    InterpretOptions opt = INTERPRET_DEFAULTS;
    Model *m = &app->scored->model;
    bool ok = m->kind == MODEL_DEEPLOG ? interpreter_init(&app->deeplog_interp, &m->deeplog, NULL, &opt, &err)
                                       : seq2seq_interpreter_init(&app->seq2seq_interp, &m->seq2seq, NULL, &opt, &err);
    if (!ok)
        snprintf(app->message, sizeof app->message, "%.250s", err.msg);
    app->interp_ready = ok;
    return ok;
}

static void interpret_cursor(App *app)
{
    uint32_t keys[INTERPRET_MAX_KEYS];
    int n;
    size_t first;
    if (!app->has_model) {
        snprintf(app->message, sizeof app->message, "no model to interpret with (--model MODEL)");
        return;
    }
    if (!model_window_for(&app->scored->model, app_trace(app), app->cursor, keys, &n, &first)) {
        snprintf(app->message, sizeof app->message, "event %zu: no full window of known keys covers it", app->cursor);
        return;
    }
    if (!ensure_interpreter(app))
        return;
    Model *m = &app->scored->model;
    if (m->kind == MODEL_SEQ2SEQ)
        interpret_seq2seq(&app->seq2seq_interp, keys, keys + m->seq2seq.cfg.tx, &app->interp);
    else
        interpret_deeplog(&app->deeplog_interp, keys, keys[m->deeplog.cfg.window], &app->interp);
    app->has_interp = true;
    app->focus = PANE_EXPLAIN;
    snprintf(app->message, sizeof app->message, "event %zu: %s", app->cursor,
             !app->interp.anomalous ? "the model deems its window normal"
             : app->interp.fidelity ? "reference found, fidelity passed" : "no reference passed fidelity");
}

static void cycle_theme(App *app)
{
    Theme next;
    Error err = {0};
    int index = (app->theme_index + 1) % theme_builtin_count;
    if (theme_load(&next, theme_builtin[index], &err)) {
        app->theme = next;
        app->theme_index = index;
        snprintf(app->message, sizeof app->message, "theme %s", next.name);
    } else {
        snprintf(app->message, sizeof app->message, "%.250s", err.msg);
    }
}

/* w and W: the flagged segments of the trace on show, beside it as TRACE.flagged.csv or .json. */
static void write_report(App *app, bool json)
{
    const Scores *sc = app_scores(app);
    if (!sc || !sc->has_threshold) {
        snprintf(app->message, sizeof app->message, "nothing to report: no threshold");
        return;
    }
    char path[1100];
    snprintf(path, sizeof path, "%s.flagged.%s", app_trace(app)->path, json ? "json" : "csv");
    SafeFile sf;
    Error err = {0};
    bool ok = safe_file_open(&sf, path, &err);
    if (ok) {
        fprintf(sf.fp, json ? "{\"threshold\":%.6f,\"segment\":%zu,\"flagged\":[" : "segment,first_event,last_event,rate,threshold,margin\n",
                sc->threshold, sc->segment_len);
        size_t written = 0;
        for (size_t s = 0; s < sc->n_segments; s++)
            if (sc->flagged[s] && json)
                fprintf(sf.fp, "%s{\"segment\":%zu,\"first_event\":%zu,\"last_event\":%zu,\"rate\":%.6f,\"margin\":%.6f}",
                        written++ ? "," : "", s + 1, s * sc->segment_len, (s + 1) * sc->segment_len - 1, sc->rate[s],
                        sc->rate[s] - sc->threshold);
            else if (sc->flagged[s])
                fprintf(sf.fp, "%zu,%zu,%zu,%.6f,%.6f,%.6f\n", s + 1, s * sc->segment_len,
                        (s + 1) * sc->segment_len - 1, sc->rate[s], sc->threshold, sc->rate[s] - sc->threshold);
        if (json)
            fprintf(sf.fp, "]}\n");
        ok = safe_file_commit(&sf, &err);
    }
    if (ok)
        snprintf(app->message, sizeof app->message, "wrote %zu flagged segments to %.180s (beside the trace)",
                 sc->n_flagged, format_basename(path));
    else
        snprintf(app->message, sizeof app->message, "%.250s", err.msg);
}

/* [ and ]: halve or double the segment length; every trace is scored again. */
static void resize_segments(App *app, bool longer)
{
    if (!app->has_model)
        return;
    size_t len = app_segment_len(app), next = longer ? len * 2 : len / 2;
    if (next < 50 || next > 1000000) {
        snprintf(app->message, sizeof app->message, "segments stay at %zu events", len);
        return;
    }
    Error err = {0};
    for (size_t i = 0; i < app->scored->set.n_traces; i++) {
        Scores *sc = &app->scored->scores[i];
        bool had = sc->has_threshold;
        float threshold = sc->threshold;
        scores_free(sc);
        if (!scores_compute(sc, &app->scored->outcomes[i], next, &err)) {
            snprintf(app->message, sizeof app->message, "%.250s", err.msg);
            return;
        }
        if (had)
            scores_set_threshold(sc, threshold);
    }
    app->segment = app->cursor / next;
    app->flagged_row = 0;
    snprintf(app->message, sizeof app->message, "segments of %zu events (the threshold was set for %d)", next,
             model_calibration(&app->scored->model)->segment);
}

/* Typing at the / or f prompt: Enter applies, Esc cancels. */
static void prompt_key(App *app, int key)
{
    size_t len = strlen(app->prompt);
    if (key == '\n' || key == KEY_ENTER) {
        int kind = app->prompt_for;
        app->prompt_for = 0;
        if (kind == 'f') {
            app_apply_filter(app, app->prompt);
        } else if (app->prompt[0]) {
            snprintf(app->search, sizeof app->search, "%s", app->prompt);
            app_search_next(app, 1);
        }
    } else if (key == 27) {
        app->prompt_for = 0;
    } else if ((key == KEY_BACKSPACE || key == 127 || key == 8) && len > 0) {
        app->prompt[len - 1] = '\0';
    } else if (key >= 32 && key < 127 && len + 1 < sizeof app->prompt) {
        app->prompt[len] = (char)key;
        app->prompt[len + 1] = '\0';
    }
}

/* Up/down by n in the focused pane. */
static void move_by(App *app, long n)
{
    if (app->focus == PANE_CHART) {
        long seg = (long)app->segment + n;
        select_segment(app, seg < 0 ? 0 : (size_t)seg);
    } else if (app->focus == PANE_FLAGGED && app_scores(app)) {
        long row = (long)app->flagged_row + n, count = (long)app_scores(app)->n_flagged;
        app->flagged_row = count == 0 ? 0 : (size_t)(row < 0 ? 0 : row >= count ? count - 1 : row);
    } else {
        app_goto_event(app, app_visible_step(app, n));
    }
}

/* Enter: from a bar or a flagged row into its events. */
static void drill_down(App *app)
{
    const Scores *sc = app_scores(app);
    if (app->focus == PANE_FLAGGED && sc) {
        size_t row = 0;
        for (size_t s = 0; s < sc->n_segments; s++)
            if (sc->flagged[s] && row++ == app->flagged_row)
                app->segment = s;
    }
    if (app->focus == PANE_CHART || app->focus == PANE_FLAGGED) {
        app_goto_event(app, app->segment * app_segment_len(app));
        app->top = app->cursor;
        app->focus = PANE_TIMELINE;
    }
}

void app_chart_view(const App *app, int plot_w, size_t *first, size_t *per_col, int *col_w)
{
    size_t n = app_scores(app) ? app_scores(app)->n_segments : 0, fit = plot_w > 0 ? (n + (size_t)plot_w - 1) / (size_t)plot_w : 1;
    *per_col = fit > 1 ? fit >> app->zoom : 1;
    *per_col = *per_col ? *per_col : 1;
    /* zoomed past one segment a column: a segment takes several columns */
    int shift = 0;
    for (size_t f = fit; f > 1; f >>= 1)
        shift++;
    *col_w = app->zoom > shift ? 1 << (app->zoom - shift) : 1;
    size_t shown = (size_t)(plot_w / *col_w) * *per_col;
    *first = app->segment >= shown / 2 ? app->segment - shown / 2 : 0;
    if (*first + shown > n)
        *first = n > shown ? n - shown : 0;
    *first -= *first % *per_col;
}

static int pane_at(const App *app, int y, int x)
{
    for (int p = 0; p < PANE_COUNT; p++)
        if (app->pane_h[p] && y >= app->pane_y[p] && y < app->pane_y[p] + app->pane_h[p] && x >= app->pane_x[p] &&
            x < app->pane_x[p] + app->pane_w[p])
            return p;
    return -1;
}

void app_click(App *app, int y, int x)
{
    int p = pane_at(app, y, x);
    if (p < 0)
        return;
    app->focus = (Pane)p;
    int row = y - app->pane_y[p] - 2; /* below the pane's title and column heads */
    if (p == PANE_CHART && app_scores(app)) {
        /* the chart's columns: as chart_draw lays them (6 columns of labels, then the bars) */
        int plot_w = app->pane_w[p] - 7, col = x - app->pane_x[p] - 6, col_w;
        size_t n = app_scores(app)->n_segments, first, per_col;
        app_chart_view(app, plot_w, &first, &per_col, &col_w);
        size_t seg = first + (size_t)(col / col_w) * per_col;
        if (col >= 0 && seg < n)
            app->segment = seg;
    } else if (p == PANE_TIMELINE && row >= 0) {
        size_t i = app->top + (size_t)row;
        size_t total = app->filter[0] ? app->n_visible : app_trace(app)->n_events;
        if (i < total)
            app_goto_event(app, app->filter[0] ? app->visible[i] : i);
    } else if (p == PANE_FLAGGED && row >= 0 && app_scores(app)) {
        size_t first = app->flagged_row >= (size_t)(app->pane_h[p] - 2) ? app->flagged_row - (size_t)(app->pane_h[p] - 2) + 1 : 0;
        if (first + (size_t)row < app_scores(app)->n_flagged)
            app->flagged_row = first + (size_t)row;
    }
}

void app_wheel(App *app, int y, int lines)
{
    int p = pane_at(app, y, 0 /* any column of its rows */);
    for (int q = 0; q < PANE_COUNT && p < 0; q++)
        if (app->pane_h[q] && y >= app->pane_y[q] && y < app->pane_y[q] + app->pane_h[q])
            p = q;
    Pane saved = app->focus;
    app->focus = p == PANE_CHART || p == PANE_FLAGGED ? (Pane)p : PANE_TIMELINE;
    move_by(app, lines);
    app->focus = saved;
}

void app_key(App *app, int key)
{
    if (app->prompt_for) {
        prompt_key(app, key);
        return;
    }
    app->message[0] = '\0';
    if (app->show_help && key != '?') {
        app->show_help = false;
        return;
    }
    long page = app->focus == PANE_CHART ? 10 : app->timeline_rows > 1 ? app->timeline_rows - 1 : 1;
    switch (key) {
    case 'q': app->quit = true; break;
    case '\t': app->focus = (Pane)((app->focus + 1) % PANE_COUNT); break;
    case KEY_BTAB: app->focus = (Pane)((app->focus + PANE_COUNT - 1) % PANE_COUNT); break;
    case KEY_DOWN: case 'j': move_by(app, 1); break;
    case KEY_UP: case 'k': move_by(app, -1); break;
    case KEY_RIGHT: case 'l': if (app->focus == PANE_CHART) move_by(app, 1); break;
    case KEY_LEFT: case 'h': if (app->focus == PANE_CHART) move_by(app, -1); break;
    case KEY_NPAGE: move_by(app, page); break;
    case KEY_PPAGE: move_by(app, -page); break;
    case 'g': case KEY_HOME: move_by(app, -(long)app_trace(app)->n_events); break;
    case 'G': case KEY_END: move_by(app, (long)app_trace(app)->n_events); break;
    case 'n': case 'N':
        if (app->focus == PANE_TIMELINE && app->search[0])
            app_search_next(app, key == 'n' ? 1 : -1);
        else
            jump_flagged(app, key == 'n' ? 1 : -1);
        break;
    case '/': case 'f':
        app->prompt_for = key;
        app->prompt[0] = '\0';
        app->focus = PANE_TIMELINE; /* both are about the events */
        break;
    case 'm': app_toggle_bookmark(app); break;
    case '\'': app_next_bookmark(app); break;
    case 'w': case 'W': write_report(app, key == 'W'); break;
    case 'z': case 'Z':
        app->zoom = key == 'z' ? (app->zoom < 8 ? app->zoom + 1 : 8) : (app->zoom > 0 ? app->zoom - 1 : 0);
        snprintf(app->message, sizeof app->message, "chart zoom %d%s", app->zoom, app->zoom ? " (Z zooms out)" : ": every segment");
        break;
    case '[': resize_segments(app, false); break;
    case ']': resize_segments(app, true); break;
    case '\n': case KEY_ENTER: drill_down(app); break;
    case 'i': interpret_cursor(app); break;
    case '+': move_threshold(app, 0.005f); break;
    case '-': move_threshold(app, -0.005f); break;
    case 't': cycle_theme(app); break;
    case 's': app->show_stats = !app->show_stats; break;
    case '?': app->show_help = !app->show_help; break;
    case '>': case '<':
        app->trace = (app->trace + (key == '>' ? 1 : app->scored->set.n_traces - 1)) % app->scored->set.n_traces;
        app_apply_filter(app, ""), app->message[0] = '\0';
        free(app->bookmarked), app->bookmarked = NULL;
        app->cursor = app->top = app->segment = app->flagged_row = 0;
        break;
    default: break;
    }
}
