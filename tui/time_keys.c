/* The time view's keys (tui/time_pane.c draws it): the view moves, the cursor follows. Actions
 * of the key table (tui/keys.c). */
#include "time_keys.h"

#include <curses.h> /* the KEY_* codes only: no terminal here */
#include <stdlib.h>

Reaction act_time_view(App *app, int key)
{
    (void)key;
    app->show_timeview = !app->show_timeview;
    app->focus = PANE_TIMELINE;
    return REACT_VIEW;
}

/* The view kept inside the trace's time. */
static void time_view_clamp(App *app)
{
    const Trace *t = app_trace(app);
    int64_t first = trace_time(t, 0), whole = trace_time(t, t->n_events - 1) - first;
    whole = whole > 0 ? whole : 1;
    app->tv_span = app->tv_span > whole ? whole : app->tv_span < 1000 ? 1000 : app->tv_span;
    if (app->tv_start + app->tv_span > first + whole)
        app->tv_start = first + whole - app->tv_span;
    if (app->tv_start < first)
        app->tv_start = first;
}

/* Left, Right: a quarter of the view; the cursor moves as far, so it keeps its place on screen. */
Reaction act_time_pan(App *app, int key)
{
    if (!app->tv_span) /* not drawn yet */
        return REACT_NONE;
    const Trace *t = app_trace(app);
    int64_t step = app->tv_span / 4 * (key == KEY_LEFT ? -1 : 1), before = app->tv_start;
    app->tv_start += step;
    time_view_clamp(app);
    int64_t moved = app->tv_start - before;
    app_goto_event(app, sched_event_at(t, trace_time(t, app->cursor) + (moved ? moved : step)));
    return REACT_VIEW;
}

/* z, Z: half or twice the time, around the cursor (which keeps its column). */
Reaction act_time_zoom(App *app, int key)
{
    if (!app->tv_span)
        return REACT_NONE;
    int64_t at = trace_time(app_trace(app), app->cursor), span = app->tv_span, next = key == 'z' ? span / 2 : span * 2;
    app->tv_span = next;
    time_view_clamp(app);
    app->tv_start = at - (int64_t)((double)(at - app->tv_start) * (double)app->tv_span / (double)span);
    time_view_clamp(app);
    const Trace *t = app_trace(app);
    bool whole = app->tv_start == trace_time(t, 0) && app->tv_start + app->tv_span >= trace_time(t, t->n_events - 1);
    char wide[32];
    snprintf(app->message, sizeof app->message, "time view: %s wide%s", sched_format_span(app->tv_span, wide, sizeof wide),
             whole ? ", the whole trace" : key == 'z' && app->tv_span == span ? " (the closest it goes)" : "");
    return REACT_VIEW;
}

/* n, N: the next match or flagged segment, centred in the view. */
Reaction act_time_next(App *app, int key)
{
    Reaction r = act_next_match(app, key);
    if (app->tv_span) {
        app->tv_start = trace_time(app_trace(app), app->cursor) - app->tv_span / 2;
        time_view_clamp(app);
    }
    return r;
}

/* j, k, PgDn, PgUp: the thread rows (the pane keeps the last ones in view). */
Reaction act_time_rows(App *app, int key)
{
    long step = key == 'j' || key == KEY_DOWN ? 1 : key == 'k' || key == KEY_UP ? -1 : key == KEY_NPAGE ? 10 : -10;
    app->tv_top = (long)app->tv_top + step < 0 ? 0 : (size_t)((long)app->tv_top + step);
    return REACT_VIEW;
}

