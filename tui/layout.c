/* Where each pane goes at the terminal's size: header, chart, then the timeline beside (wide) or
 * above (narrow) the flagged list and the interpretation or statistics pane, then the status line.
 * app_update computes it and brings the panes' data up to date; app_draw draws them there; the
 * mouse finds the pane under it there. */
#include "draw.h"

#define MIN_ROWS 12
#define MIN_COLS 40

/* The side pane shows the statistics in place of the interpretation while s is on; the time
 * view takes the timeline's place while v shows it. */
static const PaneOps *ops_of(const App *app, Pane p)
{
    static const PaneOps *const ops[PANE_COUNT] = {&chart_ops, &timeline_ops, &flagged_ops, &explain_ops};
    if (p == PANE_FLAGGED && app->show_traces) /* and the trace list in place of the flagged list */
        return &tracelist_ops;
    if (p == PANE_TIMELINE && app->show_timeview)
        return &time_ops;
    return p == PANE_EXPLAIN && app->show_stats ? &stats_ops : ops[p];
}

/* The chart shows with a model; the other panes always (a narrow terminal may squeeze the
 * timeline to nothing: it still keeps its rows in view); zoomed, the focused pane alone. */
static bool on_screen(const App *app, Pane p)
{
    return !app->layout.too_small && (p != PANE_CHART || app->has_model) && (!app->zoomed || p == app->focus);
}

static Layout layout_for(const App *app, int rows, int cols)
{
    Layout l = {.rows = rows, .cols = cols, .divider_x = -1};
    if (rows < MIN_ROWS || cols < MIN_COLS) {
        l.too_small = true;
        return l;
    }
    l.header = (Rect){0, 0, 1, cols};
    l.status = (Rect){rows - 1, 0, 1, cols};
    int chart_h = app->has_model ? rows / 4 : 0;
    chart_h = app->has_model && chart_h < 5 ? 5 : chart_h > 12 ? 12 : chart_h;
    l.pane[PANE_CHART] = (Rect){1, 0, chart_h, cols};
    int top = 1 + chart_h, middle = rows - 1 - top;
    if (cols >= 110) {
        int side_w = cols * 2 / 5;
        l.pane[PANE_TIMELINE] = (Rect){top, 0, middle, cols - side_w - 1};
        l.pane[PANE_FLAGGED] = (Rect){top, cols - side_w, middle / 3, side_w};
        l.pane[PANE_EXPLAIN] = (Rect){top + middle / 3, cols - side_w, middle - middle / 3, side_w};
        l.divider_x = cols - side_w - 1;
    } else {
        /* the lower panel grows once it has an interpretation or statistics to show */
        int lower = app->has_interp || app->show_stats ? middle * 3 / 5 : middle * 2 / 5;
        lower = lower < 6 ? 6 : lower;
        l.pane[PANE_TIMELINE] = (Rect){top, 0, middle - lower, cols};
        l.pane[PANE_FLAGGED] = (Rect){top + middle - lower, 0, lower, cols * 2 / 5};
        l.pane[PANE_EXPLAIN] = (Rect){top + middle - lower, cols * 2 / 5 + 1, lower, cols - cols * 2 / 5 - 1};
    }
    if (app->zoomed) { /* o: the focused pane alone between the header and the status line */
        for (int p = 0; p < PANE_COUNT; p++)
            l.pane[p] = p == (int)app->focus ? (Rect){1, 0, rows - 2, cols} : (Rect){0};
        l.divider_x = -1;
    }
    if (app->show_help) /* from under the header to above the status line, 24 rows at most */
        l.help = (Rect){1, cols / 2 - 30 > 0 ? cols / 2 - 30 : 0, rows - 2 < 24 ? rows - 2 : 24, cols < 60 ? cols : 60};
    return l;
}

void app_update(App *app, int rows, int cols)
{
    app->layout = layout_for(app, rows, cols);
    for (int p = 0; p < PANE_COUNT; p++)
        if (on_screen(app, (Pane)p) && ops_of(app, (Pane)p)->update)
            ops_of(app, (Pane)p)->update(app, app->layout.pane[p]);
}

/* While a pane is zoomed, the status line's right end says so (as tmux's Z flag): the hints and
 * messages keep the rest of it. */
static void draw_zoom_mark(const App *app)
{
    static const char mark[] = " [zoom: o] ";
    Rect r = app->layout.status;
    if (app->zoomed && !app->prompt_for && r.w > 40)
        draw_text(app, r, 0, r.w - (int)sizeof mark + 1, EL_STATUS_KEY, "%s", mark);
}

void app_draw(const App *app)
{
    const Layout *l = &app->layout;
    erase();
    if (l->too_small) {
        Rect screen = {0, 0, l->rows, l->cols};
        draw_text(app, screen, 0, 0, EL_NORMAL, "traceaid needs %dx%d or more", MIN_COLS, MIN_ROWS);
        draw_text(app, screen, 1, 0, EL_NORMAL, "(now %dx%d)", l->cols, l->rows);
        return;
    }
    header_draw(app, l->header);
    status_draw(app, l->status);
    draw_zoom_mark(app);
    for (int p = 0; p < PANE_COUNT; p++) {
        if (on_screen(app, (Pane)p))
            ops_of(app, (Pane)p)->draw(app, l->pane[p]);
        if (p == PANE_CHART && l->divider_x >= 0) {
            attrset(draw_attr(app, EL_BORDER));
            mvvline(l->pane[PANE_TIMELINE].y, l->divider_x, ACS_VLINE, l->pane[PANE_TIMELINE].h);
            attrset(A_NORMAL);
        }
    }
    if (l->help.h)
        help_draw(app, l->help);
}

void app_draw_status(const App *app)
{
    if (!app->layout.too_small) {
        status_draw(app, app->layout.status);
        draw_zoom_mark(app);
    }
}

static bool inside(Rect r, int y, int x)
{
    return y >= r.y && y < r.y + r.h && x >= r.x && x < r.x + r.w;
}

static int pane_at(const App *app, int y, int x)
{
    for (int p = 0; p < PANE_COUNT; p++)
        if (on_screen(app, (Pane)p) && inside(app->layout.pane[p], y, x))
            return p;
    return -1;
}

Reaction app_click(App *app, int y, int x)
{
    int p = pane_at(app, y, x);
    if (p < 0)
        return REACT_NONE;
    app->focus = (Pane)p;
    Rect r = app->layout.pane[p];
    if (ops_of(app, (Pane)p)->click)
        ops_of(app, (Pane)p)->click(app, r, y - r.y, x - r.x);
    return REACT_VIEW;
}

Reaction app_wheel(App *app, int y, int x, int lines)
{
    int p = x >= 0 ? pane_at(app, y, x) : -1;
    for (int q = 0; q < PANE_COUNT && p < 0; q++) /* any column of the pointer's row */
        if (on_screen(app, (Pane)q) && y >= app->layout.pane[q].y && y < app->layout.pane[q].y + app->layout.pane[q].h)
            p = q;
    if (p == PANE_TIMELINE && app->show_timeview) { /* the time view's thread rows */
        app->tv_top = (long)app->tv_top + lines < 0 ? 0 : (size_t)((long)app->tv_top + lines);
        return REACT_VIEW;
    }
    if (p == PANE_FLAGGED && app->show_traces)
        app_move_trace_row(app, lines);
    else
        app_move(app, p == PANE_CHART || p == PANE_FLAGGED || p == PANE_EXPLAIN ? (Pane)p : PANE_TIMELINE, lines);
    return REACT_VIEW;
}
