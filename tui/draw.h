/* What every pane draws with: rectangles of the screen, clipped text in a theme's style. */
#ifndef TRACEAID_DRAW_H
#define TRACEAID_DRAW_H

#include <curses.h>

#include "app.h"

typedef struct Rect {
    int y, x, h, w;
} Rect;

/* Colour pairs for the theme's elements (none when color is false: attributes only). */
void draw_apply_theme(const Theme *theme, bool color);
attr_t draw_attr(const App *app, ThemeElement el);
/* Text at (y, x) of r, clipped to r's width, in el's style. */
void draw_text(const App *app, Rect r, int y, int x, ThemeElement el, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
/* Fills row y of r with spaces in el's style. */
void draw_fill(const App *app, Rect r, int y, ThemeElement el);
/* A pane's frame: its title on the top row, highlighted when focused; returns the inside. */
Rect draw_frame(const App *app, Rect r, const char *title, bool focused);

/* The panes, each in its own file. */
void header_draw(const App *app, Rect r);
void chart_draw(const App *app, Rect r);
void timeline_draw(App *app, Rect r);
void flagged_draw(const App *app, Rect r);
void explain_draw(const App *app, Rect r);
void stats_draw(const App *app, Rect r);
void status_draw(const App *app, Rect r);
void help_draw(const App *app, Rect r);

/* The whole screen for the current size (tui/layout.c). */
void app_draw(App *app);

#endif
