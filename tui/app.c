#include "app.h"

#include <curses.h>
#include <stdio.h>
#include <string.h>

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
    if (app->cursor < app->top || app->cursor >= app->top + (size_t)app->timeline_rows)
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

/* The model's window whose prediction covers the cursor's event, in model ids. */
static bool cursor_window(const App *app, uint32_t *keys, int *n_keys)
{
    const Trace *t = app_trace(app);
    const Model *m = &app->scored->model;
    size_t e = app->cursor, s = 0;
    while (s + 1 < t->n_sessions && t->session_start[s + 1] <= e)
        s++;
    size_t start = t->session_start[s], end = t->session_start[s + 1];
    if (m->kind == MODEL_SEQ2SEQ) {
        size_t tx = (size_t)m->seq2seq.cfg.tx, ty = (size_t)m->seq2seq.cfg.ty, stride = (size_t)m->seq2seq.cfg.stride;
        if (e < start + tx)
            return false;
        size_t i = start + (e - start - tx) / stride * stride;
        if (e >= i + tx + ty || i + tx + ty > end)
            return false;
        for (size_t j = 0; j < tx + ty; j++)
            keys[j] = seq2seq_id(&m->seq2seq, t->key_id[i + j]);
        *n_keys = (int)(tx + ty);
        return true;
    }
    int h = m->deeplog.cfg.window;
    if (e < start + (size_t)h)
        return false;
    for (int i = 0; i <= h; i++) {
        keys[i] = t->key_id[e - h + i];
        if (i < h && keys[i] >= (uint32_t)m->deeplog.cfg.n_keys)
            return false;
    }
    *n_keys = h + 1;
    return true;
}

static void interpret_cursor(App *app)
{
    uint32_t keys[INTERPRET_MAX_KEYS];
    int n;
    if (!app->has_model) {
        snprintf(app->message, sizeof app->message, "no model to interpret with (--model MODEL)");
        return;
    }
    if (!cursor_window(app, keys, &n)) {
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
        long e = (long)app->cursor + n, last = (long)app_trace(app)->n_events - 1;
        app_goto_event(app, (size_t)(e < 0 ? 0 : e > last ? last : e));
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

void app_key(App *app, int key)
{
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
    case 'n': jump_flagged(app, 1); break;
    case 'N': jump_flagged(app, -1); break;
    case '\n': case KEY_ENTER: drill_down(app); break;
    case 'i': interpret_cursor(app); break;
    case '+': move_threshold(app, 0.005f); break;
    case '-': move_threshold(app, -0.005f); break;
    case 't': cycle_theme(app); break;
    case 's': app->show_stats = !app->show_stats; break;
    case '?': app->show_help = !app->show_help; break;
    case '>': app->trace = (app->trace + 1) % app->scored->set.n_traces, app_goto_event(app, 0); break;
    case '<': app->trace = (app->trace + app->scored->set.n_traces - 1) % app->scored->set.n_traces, app_goto_event(app, 0); break;
    default: break;
    }
}
