/* What every pane draws with: rectangles of the screen, clipped text in a theme's style. */
#ifndef TRACEAID_DRAW_H
#define TRACEAID_DRAW_H

#include <curses.h>

#include "app.h"

/* Colour pairs for the theme's elements (none when color is false: attributes only). */
void draw_apply_theme(const Theme *theme, bool color);
attr_t draw_attr(const App *app, ThemeElement el);
/* Text at (y, x) of r, clipped to r's width, in el's style. */
void draw_text(const App *app, Rect r, int y, int x, ThemeElement el, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
/* One character cell at (y, x) of r in el's style: glyph is one character, a UTF-8 one (drawn
 * whole: draw_text clips by bytes) where app->utf8 allows it. */
void draw_cell(const App *app, Rect r, int y, int x, ThemeElement el, const char *glyph);
/* Fills row y of r with spaces in el's style. */
void draw_fill(const App *app, Rect r, int y, ThemeElement el);
/* A pane's frame: its title on the top row, highlighted when focused; returns the inside. */
Rect draw_frame(const App *app, Rect r, const char *title, bool focused);

/* A pane's operations, as tig's view_ops: each pane file defines one table. app_update runs
 * update with the pane's place before drawing; draw changes nothing; click gets a click at row y,
 * column x inside the pane (it is focused already). update and click may be NULL. */
typedef struct PaneOps {
    void (*update)(App *app, Rect r);
    void (*draw)(const App *app, Rect r);
    void (*click)(App *app, Rect r, int y, int x);
} PaneOps;

extern const PaneOps chart_ops, timeline_ops, flagged_ops, explain_ops, stats_ops;
extern const PaneOps tracelist_ops; /* in the flagged list's place while l shows it */
extern const PaneOps time_ops; /* tui/time_pane.c: in the timeline's place while v shows it */

/* The lines above and below the panes, and the ? screen over them. */
void header_draw(const App *app, Rect r);
void status_draw(const App *app, Rect r);
void help_draw(const App *app, Rect r);

#endif
