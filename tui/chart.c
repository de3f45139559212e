/* The segment chart: a bar per segment (several to a column when they outnumber the columns),
 * bars over the threshold in the alert style, the threshold as a line across, the selected
 * segment marked under its bar. */
#include <math.h>
#include <stdio.h>

#include "draw.h"

void chart_draw(const App *app, Rect r)
{
    const Scores *sc = app_scores(app);
    char title[160];
    snprintf(title, sizeof title, "segments of %zu events: miss rate%s", sc->segment_len,
             sc->has_threshold ? "   - threshold   @ flagged" : "");
    Rect in = draw_frame(app, r, title, app->focus == PANE_CHART);
    int label_w = 6, plot_h = in.h - 1, plot_w = in.w - label_w - 1;
    if (plot_h < 2 || plot_w < 4 || sc->n_segments == 0)
        return;
    size_t first, per_col;
    int col_w;
    app_chart_view(app, plot_w, &first, &per_col, &col_w);
    int n_cols = (int)((sc->n_segments - first + per_col - 1) / per_col);
    n_cols = n_cols * col_w > plot_w ? plot_w / col_w : n_cols;
    float top = sc->has_threshold ? sc->threshold : 0;
    for (size_t s = 0; s < sc->n_segments; s++)
        top = sc->rate[s] > top ? sc->rate[s] : top;
    top = top > 0 ? top * 1.1f : 0.01f;
    draw_text(app, in, 0, 0, EL_DIM, "%4.0f%%", 100 * top);
    draw_text(app, in, plot_h - 1, 0, EL_DIM, "%4.0f%%", 0.0);
    int threshold_row = sc->has_threshold ? plot_h - 1 - (int)lroundf(sc->threshold / top * (float)(plot_h - 1)) : -1;
    for (int c = 0; c < n_cols; c++) {
        float value = 0;
        bool flagged = false;
        for (size_t s = first + (size_t)c * per_col; s < first + (size_t)(c + 1) * per_col && s < sc->n_segments; s++) {
            value = sc->rate[s] > value ? sc->rate[s] : value;
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
    char label[96];
    int len = snprintf(label, sizeof label, " segment %zu: %.2f%%%s ", app->segment + 1, 100 * sc->rate[app->segment],
                       sc->flagged[app->segment] ? " flagged" : "");
    int x = label_w + marker + 2;
    if (x + len > in.w)
        x = label_w + marker - len - 1;
    draw_text(app, in, plot_h, x < 0 ? 0 : x, EL_DIM, "%s", label);
}
