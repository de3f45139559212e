/* The segment chart: a bar per segment (several to a column when they outnumber the columns),
 * bars over the threshold in the alert style, the threshold as a line across with its value at
 * the left, the ground truth's anomalous segments (a .truth file beside the trace) marked under
 * the bars, the selected segment marked under them. A trace with sessions is charted by session
 * instead: a bar per session, or when they outnumber the columns, per column the share of its
 * sessions flagged by the model's rule (core/session_verdicts.h), the session at the cursor
 * marked under them; the rule has no threshold line (a session is flagged or not). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "draw.h"
#include "marks_keys.h"

/* A column's mark under the bars: N (marked normal), A (anomalous; A wins a column holding both). */
static void mark_cell(const App *app, Rect in, int row, int x, int mark)
{
    if (mark != MARK_NONE)
        draw_text(app, in, row, x, mark == LABEL_ANOMALOUS ? EL_MISS : EL_TITLE, "%c", mark == LABEL_NORMAL ? 'N' : 'A');
}

static int stronger_mark(int a, int b)
{
    return a == LABEL_ANOMALOUS || b == LABEL_ANOMALOUS ? LABEL_ANOMALOUS : a != MARK_NONE ? a : b;
}

static const char *mark_words(int mark)
{
    return mark == LABEL_NORMAL ? ", marked normal" : mark == LABEL_ANOMALOUS ? ", marked anomalous" : "";
}

/* Inside the frame: the labels of the rate axis, then the bars, a column spare at the right. */
#define LABEL_W 6

static int plot_width(Rect in) { return in.w - LABEL_W - 1; }

/* The chart's view at its plot width: the first segment shown and segments per column, and
 * columns per segment when zoomed past one segment a column. */
/* The whole's scores filling in, while its segments are the head's: once the user resegments the
 * head (app->segment then counts the head's segments), the head's own scores. */
static const Scores *filling(const App *app)
{
    const Scores *f = app->filling;
    return f && f->segment_len == app_scores(app)->segment_len ? f : NULL;
}

static const Scores *chart_scores(const App *app) { return filling(app) ? filling(app) : app_scores(app); }

static void chart_view(const App *app, int plot_w, size_t *first, size_t *per_col, int *col_w)
{
    size_t n = chart_scores(app) ? chart_scores(app)->n_segments : 0, fit = plot_w > 0 ? (n + (size_t)plot_w - 1) / (size_t)plot_w : 1;
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

/* The chart's characters: ASCII, or in a UTF-8 locale Unicode eighth blocks, which give a bar
 * eight heights a row. */
static const char *const eighth_blocks[9] = {" ", "\u2581", "\u2582", "\u2583", "\u2584", "\u2585", "\u2586", "\u2587", "\u2588"};

static const char *threshold_glyph(const App *app) { return app->utf8 ? "\u2500" : "-"; }
static const char *flagged_glyph(const App *app) { return app->utf8 ? "\u2588" : "@"; }
static const char *truth_glyph(const App *app) { return app->utf8 ? "\u2501" : "="; }

/* The ground truth's anomalous segments of the trace on show (1 each) in app->truth_marks, marked
 * again only when the trace or its segments change (not at each frame: marking reads every
 * event); NULL without a truth file beside the trace. */
static void update_truth_marks(App *app, const Scores *sc)
{
    const Truth *truth = app->truths ? &app->truths[app->trace] : NULL;
    TruthMarks *tm = &app->truth_marks;
    if (tm->valid && tm->trace == app->trace && tm->segment_len == sc->segment_len && tm->n_segments == sc->n_segments)
        return;
    free(tm->bad);
    *tm = (TruthMarks){.valid = true, .trace = app->trace, .segment_len = sc->segment_len, .n_segments = sc->n_segments};
    if (!truth || !truth->path || sc->n_segments == 0)
        return;
    tm->bad = malloc(sc->n_segments + 1);
    Error err = {0};
    if (tm->bad && !truth_mark(truth, app_trace(app), sc->segment_len, sc->n_segments, tm->bad, &err))
        memset(tm->bad, 0, sc->n_segments); /* checked when loaded: not expected */
}

/* The title and its legend, each legend glyph drawn over its ASCII stand-in in its own style. */
static void chart_title(const App *app, Rect r, const Scores *sc, bool has_truth)
{
    char title[200], smoothed[32] = "";
    if (sc->smooth > 0) /* the bars are a mean over neighbours, not one segment's own rate */
        snprintf(smoothed, sizeof smoothed, ", smoothed over +-%d", sc->smooth);
    int len = snprintf(title, sizeof title, "segments of %zu events: %s%s", sc->segment_len, score_rule_label(sc->rule), smoothed);
    int at_threshold = -1, at_flagged = -1, at_truth = -1;
    if (sc->has_threshold) {
        at_threshold = len + 3;
        len += snprintf(title + len, sizeof title - (size_t)len, "   - threshold");
        at_flagged = len + 3;
        len += snprintf(title + len, sizeof title - (size_t)len, "   @ flagged");
    }
    if (has_truth) {
        at_truth = len + 3;
        snprintf(title + len, sizeof title - (size_t)len, "   = truth");
    }
    draw_frame(app, r, title, app->focus == PANE_CHART);
    if (at_threshold >= 0) {
        draw_cell(app, r, 0, 1 + at_threshold, EL_THRESHOLD, threshold_glyph(app));
        draw_cell(app, r, 0, 1 + at_flagged, EL_BAR_ALERT, flagged_glyph(app));
    }
    if (at_truth >= 0)
        draw_cell(app, r, 0, 1 + at_truth, EL_MISS, truth_glyph(app));
}

/* The rate axis: its top and zero, and the threshold's value at the threshold's row. */
static void axis_labels(const App *app, Rect in, const Scores *sc, float threshold, float top, int plot_h,
                        int threshold_row)
{
    if (sc->rule == SCORE_NLL) {
        draw_text(app, in, 0, 0, EL_DIM, "%4.1f", top);
        draw_text(app, in, plot_h - 1, 0, EL_DIM, "%4.1f", 0.0);
    } else {
        draw_text(app, in, 0, 0, EL_DIM, "%4.0f%%", 100 * top);
        draw_text(app, in, plot_h - 1, 0, EL_DIM, "%4.0f%%", 0.0);
    }
    if (threshold_row < 0)
        return;
    double t = sc->rule == SCORE_NLL ? threshold : 100.0 * threshold;
    draw_text(app, in, threshold_row, 0, EL_THRESHOLD, sc->rule == SCORE_NLL ? "%5.2f " : t < 99.95 ? "%4.1f%% " : "%4.0f%% ", t);
}

/* One column's cell at row (0 the top of plot_h rows) for a bar `height` rows high: ASCII fills
 * the rows it rounds to, UTF-8 the eighths of the top one. */
static void bar_cell(const App *app, Rect in, int row, int x, int plot_h, float height, bool flagged, bool on_threshold)
{
    int above_bottom = plot_h - 1 - row, eighths = (int)lroundf(height * 8) - 8 * above_bottom;
    eighths = eighths < 0 ? 0 : eighths > 8 ? 8 : eighths;
    if (!app->utf8)
        eighths = above_bottom < (int)lroundf(height) ? 8 : 0;
    ThemeElement style = flagged ? EL_BAR_ALERT : EL_BAR;
    if (eighths > 0)
        draw_cell(app, in, row, x, style, app->utf8 ? eighth_blocks[eighths] : flagged ? "@" : "#");
    else if (on_threshold)
        draw_cell(app, in, row, x, EL_THRESHOLD, threshold_glyph(app));
}

/* The sessions' view at plot width: the first session shown and sessions per column (fewer as
 * z zooms in), the cursor's session in view. */
static void sessions_view(const App *app, const SessionVerdicts *v, int plot_w, size_t *first, size_t *per_col)
{
    size_t n = v->n_sessions, cols = plot_w > 0 ? (size_t)plot_w : 1;
    *per_col = ((n + cols - 1) / cols) >> app->zoom; /* z halves the sessions a column holds */
    *per_col = *per_col ? *per_col : 1;
    size_t shown = cols * *per_col, here = session_verdicts_at(v, app->cursor);
    *first = here >= shown / 2 ? here - shown / 2 : 0;
    *first -= *first % *per_col;
    if (*first + shown > n) /* the last columns end with the last session, on a column's edge */
        *first = n > shown ? (n - shown + *per_col - 1) / *per_col * *per_col : 0;
}

static void sessions_title(const App *app, Rect r, size_t per_col)
{
    char title[160];
    int len = per_col > 1 ? snprintf(title, sizeof title, "sessions: share flagged, %zu a column", per_col)
                          : snprintf(title, sizeof title, "sessions: flagged, a bar each");
    int at_flagged = len + 3;
    snprintf(title + len, sizeof title - (size_t)len, "   @ flagged");
    draw_frame(app, r, title, app->focus == PANE_CHART);
    draw_cell(app, r, 0, 1 + at_flagged, EL_BAR_ALERT, flagged_glyph(app));
}

/* Under the bars: the cursor's session, whether flagged, and why. */
static void session_marker(const App *app, Rect in, const SessionVerdicts *v, int marker)
{
    size_t here = session_verdicts_at(v, app->cursor);
    const SessionVerdict *sv = &v->session[here];
    char label[120];
    int len = snprintf(label, sizeof label, " session %zu: %zu key%s, %s%s%s%s ", here + 1, sv->length, sv->length == 1 ? "" : "s",
                       sv->reason != SESSION_NORMAL ? "flagged (" : "not flagged",
                       session_reason_label(sv->reason), sv->reason != SESSION_NORMAL ? ")" : "",
                       mark_words(app_session_mark(app, here)));
    int marker_row = in.h - 1, x = LABEL_W + marker + 2;
    draw_text(app, in, marker_row, LABEL_W + marker, EL_CURSOR, "^");
    if (x + len > in.w)
        x = LABEL_W + marker - len - 1;
    draw_text(app, in, marker_row, x < 0 ? 0 : x, EL_DIM, "%s", label);
}

/* The share of sessions [from, from + per_col) flagged. */
static float column_share(const SessionVerdicts *v, size_t from, size_t per_col)
{
    size_t flagged = 0, shown = 0;
    for (size_t s = from; s < from + per_col && s < v->n_sessions; s++, shown++)
        flagged += session_flagged(v, s);
    return shown ? (float)flagged / (float)shown : 0;
}

/* The marks row under the sessions' columns: a column of few sessions asks of each (identical
 * sessions share a mark), one of many shows where the marked sessions themselves lie. */
static void session_marks_row(const App *app, Rect in, const SessionVerdicts *v, int row, size_t first, size_t per_col,
                              int n_cols)
{
    draw_text(app, in, row, 0, EL_DIM, "marks");
    if (per_col <= 16) {
        for (int c = 0; c < n_cols; c++) {
            int mark = MARK_NONE;
            for (size_t s = first + (size_t)c * per_col; s < first + (size_t)(c + 1) * per_col && s < v->n_sessions; s++)
                mark = stronger_mark(mark, app_session_mark(app, s));
            mark_cell(app, in, row, LABEL_W + c, mark);
        }
        return;
    }
    const Labels *l = &app->marks.of[app->trace].labels;
    int *col_mark = malloc(((size_t)n_cols + 1) * sizeof *col_mark);
    if (!col_mark)
        return;
    for (int c = 0; c < n_cols; c++)
        col_mark[c] = MARK_NONE;
    for (size_t i = 0; i < l->n_rows; i++) {
        size_t s = l->rows[i].stale ? first : session_verdicts_at(v, l->rows[i].first_event);
        size_t c = (s - first) / per_col;
        if (!l->rows[i].stale && s >= first && c < (size_t)n_cols)
            col_mark[c] = stronger_mark(col_mark[c], app_session_mark(app, s));
    }
    for (int c = 0; c < n_cols; c++)
        mark_cell(app, in, row, LABEL_W + c, col_mark[c]);
    free(col_mark);
}

static void sessions_draw(const App *app, Rect r, const SessionVerdicts *v)
{
    Rect in = {r.y + 1, r.x, r.h - 1, r.w};
    bool has_marks = marks_count_trace(&app->marks, app->trace) > 0;
    int plot_h = in.h - 1 - has_marks, plot_w = plot_width(in);
    size_t first, per_col;
    sessions_view(app, v, plot_w, &first, &per_col);
    sessions_title(app, r, per_col);
    if (plot_h < 2 || plot_w < 4)
        return;
    int n_cols = (int)((v->n_sessions - first + per_col - 1) / per_col);
    n_cols = n_cols > plot_w ? plot_w : n_cols;
    /* the axis reaches a tenth past the highest share on show (as the segments' chart does), so
     * 6% flagged a column is a bar, not a sliver under a 100% axis */
    float top = 0;
    for (int c = 0; c < n_cols; c++)
        top = fmaxf(top, column_share(v, first + (size_t)c * per_col, per_col));
    top = top > 0 ? fminf(1.0f, top * 1.1f) : 1.0f;
    draw_text(app, in, 0, 0, EL_DIM, "%4.0f%%", 100.0 * top);
    draw_text(app, in, plot_h - 1, 0, EL_DIM, "%4.0f%%", 0.0);
    for (int c = 0; c < n_cols; c++) {
        size_t from = first + (size_t)c * per_col, flagged = 0;
        for (size_t s = from; s < from + per_col && s < v->n_sessions; s++)
            flagged += session_flagged(v, s);
        float height = column_share(v, from, per_col) / top * (float)plot_h;
        if (flagged && height < 1.0f / 8) /* one flagged session among many still shows */
            height = 1.0f / 8;
        for (int row = 0; row < plot_h; row++)
            bar_cell(app, in, row, LABEL_W + c, plot_h, app->utf8 || flagged == 0 || height >= 0.5f ? height : 0.5f,
                     flagged > 0, false);
    }
    if (has_marks)
        session_marks_row(app, in, v, plot_h, first, per_col, n_cols);
    session_marker(app, in, v, (int)((session_verdicts_at(v, app->cursor) - first) / per_col));
}

static void chart_draw(const App *app, Rect r)
{
    if (app_sessions(app)) {
        sessions_draw(app, r, app_sessions(app));
        return;
    }
    const Scores *sc = chart_scores(app);
    /* filling in: the segments scored so far (the truth's and the marks' rows are the head's),
     * flagged against the threshold on show: the head's, which the user may have moved */
    float threshold = app_scores(app)->threshold;
    bool has_threshold = app_scores(app)->has_threshold;
    size_t done = filling(app) ? app->filling_done : sc->n_segments;
    const uint8_t *truth_bad = filling(app) ? NULL : app->truth_marks.bad;
    chart_title(app, r, sc, truth_bad != NULL);
    Rect in = {r.y + 1, r.x, r.h - 1, r.w};
    bool has_marks = !filling(app) && marks_count_trace(&app->marks, app->trace) > 0;
    int label_w = LABEL_W, plot_h = in.h - 1 - (truth_bad != NULL) - has_marks, plot_w = plot_width(in);
    if (plot_h < 2 || plot_w < 4 || sc->n_segments == 0)
        return;
    size_t first, per_col;
    int col_w;
    chart_view(app, plot_w, &first, &per_col, &col_w);
    int n_cols = (int)((sc->n_segments - first + per_col - 1) / per_col);
    n_cols = n_cols * col_w > plot_w ? plot_w / col_w : n_cols;
    float top = has_threshold ? threshold : 0;
    for (size_t s = 0; s < done; s++)
        top = sc->score[s] > top ? sc->score[s] : top;
    top = top > 0 ? top * 1.1f : 0.01f;
    int threshold_row = has_threshold ? plot_h - 1 - (int)lroundf(threshold / top * (float)(plot_h - 1)) : -1;
    axis_labels(app, in, sc, threshold, top, plot_h, threshold_row);
    if (truth_bad)
        draw_text(app, in, plot_h, 0, EL_DIM, "truth");
    int marks_row = plot_h + (truth_bad != NULL);
    if (has_marks)
        draw_text(app, in, marks_row, 0, EL_DIM, "marks");
    for (int c = 0; c < n_cols; c++) {
        float value = 0;
        bool flagged = false, truly = false;
        if (first + (size_t)c * per_col >= done) { /* not yet scored */
            for (int w = 0; w < col_w; w++)
                draw_text(app, in, plot_h - 1, label_w + c * col_w + w, EL_DIM, ".");
            continue;
        }
        for (size_t s = first + (size_t)c * per_col; s < first + (size_t)(c + 1) * per_col && s < done; s++) {
            value = sc->score[s] > value ? sc->score[s] : value;
            /* the flags of a filling chart are set at the end: the threshold says it at once */
            flagged |= filling(app) ? has_threshold && sc->score[s] > threshold : sc->flagged[s];
            truly |= truth_bad && truth_bad[s];
        }
        float height = value / top * (float)plot_h;
        int mark = MARK_NONE;
        if (has_marks) { /* any mark on the column's events */
            size_t from, to, unused;
            size_t last_seg = first + (size_t)(c + 1) * per_col - 1;
            scores_segment_range(sc, first + (size_t)c * per_col, &from, &unused);
            scores_segment_range(sc, last_seg < sc->n_segments ? last_seg : sc->n_segments - 1, &unused, &to);
            mark = app_range_mark(app, from, to + 1);
        }
        for (int w = 0; w < col_w; w++) {
            int x = label_w + c * col_w + w;
            for (int row = 0; row < plot_h; row++)
                bar_cell(app, in, row, x, plot_h, height, flagged, row == threshold_row);
            if (truly)
                draw_cell(app, in, plot_h, x, EL_MISS, truth_glyph(app));
            mark_cell(app, in, marks_row, x, mark);
        }
    }
    int marker = (int)((app->segment - first) / per_col) * col_w, marker_row = in.h - 1;
    draw_text(app, in, marker_row, label_w + marker, EL_CURSOR, "^");
    char label[96], value[32];
    size_t seg_first, seg_last;
    scores_segment_range(sc, app->segment, &seg_first, &seg_last);
    bool scored = app->segment < done;
    bool flagged = !scored ? false : filling(app) ? has_threshold && sc->score[app->segment] > threshold
                                                  : sc->flagged[app->segment];
    int len = snprintf(label, sizeof label, " segment %zu: %s%s%s ", app->segment + 1,
                       scored ? scores_format(sc->rule, sc->score[app->segment], 2, value, sizeof value) : "not yet scored",
                       flagged ? " flagged" : "", has_marks ? mark_words(app_range_mark(app, seg_first, seg_last + 1)) : "");
    int x = label_w + marker + 2;
    if (x + len > in.w)
        x = label_w + marker - len - 1;
    draw_text(app, in, marker_row, x < 0 ? 0 : x, EL_DIM, "%s", label);
}

/* A click over a column selects its (first) segment. */
static void chart_click(App *app, Rect r, int y, int x)
{
    (void)y;
    const Scores *sc = app_scores(app);
    const SessionVerdicts *v = app_sessions(app);
    if (v) { /* a column's first session */
        size_t first, per_col, s;
        sessions_view(app, v, plot_width(r), &first, &per_col);
        s = first + (size_t)(x - LABEL_W) * per_col;
        if (x >= LABEL_W && s < v->n_sessions)
            app_goto_event(app, v->session[s].first);
        return;
    }
    if (!sc)
        return;
    int plot_w = plot_width(r), col = x - LABEL_W, col_w; /* the frame's inside is as wide as r */
    size_t first, per_col;
    chart_view(app, plot_w, &first, &per_col, &col_w);
    size_t seg = first + (size_t)(col / col_w) * per_col;
    if (col >= 0 && seg < sc->n_segments && (!filling(app) || seg < app->filling_done))
        app->segment = seg;
}

/* The sessions a column holds at this width, so that Left/Right step a column (app->chart_step). */
static void chart_update(App *app, Rect r)
{
    if (app_scores(app))
        update_truth_marks(app, app_scores(app));
    const SessionVerdicts *v = app_sessions(app);
    size_t first, per_col = 1;
    if (v)
        sessions_view(app, v, plot_width((Rect){r.y + 1, r.x, r.h - 1, r.w}), &first, &per_col);
    app->chart_step = per_col;
}

const PaneOps chart_ops = {.update = chart_update, .draw = chart_draw, .click = chart_click};
