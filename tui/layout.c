/* Where each pane goes at the terminal's size: header, chart, then the timeline beside (wide) or
 * above (narrow) the flagged list and the interpretation or statistics pane, then the status line. */
#include <string.h>

#include "draw.h"

#define MIN_ROWS 12
#define MIN_COLS 40

void app_draw(App *app)
{
    getmaxyx(stdscr, app->rows, app->cols);
    erase();
    Rect screen = {0, 0, app->rows, app->cols};
    memset(app->pane_h, 0, sizeof app->pane_h);
    if (app->rows < MIN_ROWS || app->cols < MIN_COLS) {
        draw_text(app, screen, 0, 0, EL_NORMAL, "traceaid needs %dx%d or more", MIN_COLS, MIN_ROWS);
        draw_text(app, screen, 1, 0, EL_NORMAL, "(now %dx%d)", app->cols, app->rows);
        return;
    }
    header_draw(app, (Rect){0, 0, 1, app->cols});
    status_draw(app, (Rect){app->rows - 1, 0, 1, app->cols});
    int chart_h = app->has_model ? app->rows / 4 : 0;
    chart_h = app->has_model && chart_h < 5 ? 5 : chart_h > 12 ? 12 : chart_h;
    if (chart_h)
        chart_draw(app, (Rect){1, 0, chart_h, app->cols});
    int top = 1 + chart_h, middle = app->rows - 1 - top;
    Rect timeline, flagged, side;
    if (app->cols >= 110) {
        int side_w = app->cols * 2 / 5;
        timeline = (Rect){top, 0, middle, app->cols - side_w - 1};
        flagged = (Rect){top, app->cols - side_w, middle / 3, side_w};
        side = (Rect){top + middle / 3, app->cols - side_w, middle - middle / 3, side_w};
        attrset(draw_attr(app, EL_BORDER));
        mvvline(top, app->cols - side_w - 1, ACS_VLINE, middle);
        attrset(A_NORMAL);
    } else {
        /* the lower panel grows once it has an interpretation or statistics to show */
        int lower = app->has_interp || app->show_stats ? middle * 3 / 5 : middle * 2 / 5;
        lower = lower < 6 ? 6 : lower;
        timeline = (Rect){top, 0, middle - lower, app->cols};
        flagged = (Rect){top + middle - lower, 0, lower, app->cols * 2 / 5};
        side = (Rect){top + middle - lower, app->cols * 2 / 5 + 1, lower, app->cols - app->cols * 2 / 5 - 1};
    }
    const Rect placed[PANE_COUNT] = {{1, 0, chart_h, app->cols}, timeline, flagged, side};
    for (int p = 0; p < PANE_COUNT; p++)
        app->pane_y[p] = placed[p].y, app->pane_x[p] = placed[p].x, app->pane_h[p] = placed[p].h, app->pane_w[p] = placed[p].w;
    timeline_draw(app, timeline);
    flagged_draw(app, flagged);
    if (app->show_stats)
        stats_draw(app, side);
    else
        explain_draw(app, side);
    if (app->show_help)
        help_draw(app, (Rect){2, app->cols / 2 - 30 > 0 ? app->cols / 2 - 30 : 0, app->rows - 3 < 21 ? app->rows - 3 : 21,
                              app->cols < 60 ? app->cols : 60});
}
