/* The segment chart: a bar per segment (several to a column when they outnumber the columns),
 * bars over the threshold in the alert style, the threshold as a line across, the selected
 * segment marked under its bar. */
#include <math.h>
#include <stdio.h>

#include "draw.h"

/* Inside the frame: the labels of the rate axis, then the bars, a column spare at the right. */
#define LABEL_W 6

static int plot_width(Rect in) { return in.w - LABEL_W - 1; }

/* The chart's view at its plot width: the first segment shown and segments per column, and
 * columns per segment when zoomed past one segment a column. */
static void chart_view(const App *app, int plot_w, size_t *first, size_t *per_col, int *col_w)
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

static void chart_draw(const App *app, Rect r)
{
    const Scores *sc = app_scores(app);
    char title[160], smoothed[32] = "";
    if (sc->smooth > 0) /* the bars are a mean over neighbours, not one segment's own rate */
        snprintf(smoothed, sizeof smoothed, ", smoothed over +-%d", sc->smooth);
    snprintf(title, sizeof title, "segments of %zu events: %s%s%s", sc->segment_len, score_rule_label(sc->rule),
             smoothed, sc->has_threshold ? "   - threshold   @ flagged" : "");
    Rect in = draw_frame(app, r, title, app->focus == PANE_CHART);
    int label_w = LABEL_W, plot_h = in.h - 1, plot_w = plot_width(in);
    if (plot_h < 2 || plot_w < 4 || sc->n_segments == 0)
        return;
    size_t first, per_col;
    int col_w;
    chart_view(app, plot_w, &first, &per_col, &col_w);
    int n_cols = (int)((sc->n_segments - first + per_col - 1) / per_col);
    n_cols = n_cols * col_w > plot_w ? plot_w / col_w : n_cols;
    float top = sc->has_threshold ? sc->threshold : 0;
    for (size_t s = 0; s < sc->n_segments; s++)
        top = sc->score[s] > top ? sc->score[s] : top;
    top = top > 0 ? top * 1.1f : 0.01f;
    if (sc->rule == SCORE_NLL) {
        draw_text(app, in, 0, 0, EL_DIM, "%4.1f", top);
        draw_text(app, in, plot_h - 1, 0, EL_DIM, "%4.1f", 0.0);
    } else {
        draw_text(app, in, 0, 0, EL_DIM, "%4.0f%%", 100 * top);
        draw_text(app, in, plot_h - 1, 0, EL_DIM, "%4.0f%%", 0.0);
    }
    int threshold_row = sc->has_threshold ? plot_h - 1 - (int)lroundf(sc->threshold / top * (float)(plot_h - 1)) : -1;
    for (int c = 0; c < n_cols; c++) {
        float value = 0;
        bool flagged = false;
        for (size_t s = first + (size_t)c * per_col; s < first + (size_t)(c + 1) * per_col && s < sc->n_segments; s++) {
            value = sc->score[s] > value ? sc->score[s] : value;
            flagged |= sc->flagged[s];
        }
        int height = (int)lroundf(value / top * (float)plot_h);
        for (int row = 0; row < plot_h; row++)
            for (int w = 0; w < col_w; w++) {
                bool bar = plot_h - row <= height;
                if (bar)
                    draw_text(app, in, row, label_w + c * col_w + w, flagged ? EL_BAR_ALERT : EL_BAR, "%c", flagged ? '@' : '#');
                else if (row == threshold_row)
                    draw_text(app, in, row, label_w + c * col_w + w, EL_THRESHOLD, "-");
            }
    }
    int marker = (int)((app->segment - first) / per_col) * col_w;
    draw_text(app, in, plot_h, label_w + marker, EL_CURSOR, "^");
    char label[96], value[32];
    int len = snprintf(label, sizeof label, " segment %zu: %s%s ", app->segment + 1,
                       scores_format(sc->rule, sc->score[app->segment], 2, value, sizeof value),
                       sc->flagged[app->segment] ? " flagged" : "");
    int x = label_w + marker + 2;
    if (x + len > in.w)
        x = label_w + marker - len - 1;
    draw_text(app, in, plot_h, x < 0 ? 0 : x, EL_DIM, "%s", label);
}

/* A click over a column selects its (first) segment. */
static void chart_click(App *app, Rect r, int y, int x)
{
    (void)y;
    const Scores *sc = app_scores(app);
    if (!sc)
        return;
    int plot_w = plot_width(r), col = x - LABEL_W, col_w; /* the frame's inside is as wide as r */
    size_t first, per_col;
    chart_view(app, plot_w, &first, &per_col, &col_w);
    size_t seg = first + (size_t)(col / col_w) * per_col;
    if (col >= 0 && seg < sc->n_segments)
        app->segment = seg;
}

const PaneOps chart_ops = {.draw = chart_draw, .click = chart_click};
