/* The explorer's state: what is loaded (read-only to the panes) and where the user is. Keys change
 * the state (app_key); the panes in tui/ draw it (app_draw); nothing else moves it. */
#ifndef TRACEAID_APP_H
#define TRACEAID_APP_H

#include <stdbool.h>
#include <stddef.h>

#include "../cli/scoring.h"
#include "../model/interpret.h"
#include "theme.h"

typedef enum Pane { PANE_CHART, PANE_TIMELINE, PANE_FLAGGED, PANE_EXPLAIN, PANE_COUNT } Pane;

typedef struct App {
    ScoredSet *scored;          /* the model, the traces and their scores; model may be absent */
    bool has_model;
    size_t trace;               /* the trace on show */
    Pane focus;
    size_t cursor;              /* event at the cursor in the timeline */
    size_t top;                 /* first event in view */
    size_t segment;             /* the selected segment */
    size_t flagged_row;         /* the selected row of the flagged list */
    bool show_stats, show_help;
    int zoom;                   /* the chart: 0 fits every segment; each step doubles the bars' width */
    Theme theme;
    int theme_index;
    bool color;                 /* colours in use (not NO_COLOR, terminal has them) */
    Interpretation interp;
    bool has_interp;
    Interpreter deeplog_interp;
    Seq2SeqInterpreter seq2seq_interp;
    bool interp_ready;
    char message[256];          /* the status line's last word */
    int prompt_for;             /* '/' search or 'f' filter while typing; 0 otherwise */
    char prompt[128];
    char search[128];           /* the last search: n/N repeat it in the timeline */
    char filter[128];           /* the timeline shows only these events when set */
    size_t *visible;            /* the filter's events, in order */
    size_t n_visible;
    uint8_t *bookmarked;        /* per event of the trace on show */
    int rows, cols;
    int timeline_rows;          /* set by the last draw: rows the timeline shows */
    int pane_y[PANE_COUNT], pane_x[PANE_COUNT], pane_h[PANE_COUNT], pane_w[PANE_COUNT]; /* last layout */
    bool quit;
} App;

const Trace *app_trace(const App *app);
const Scores *app_scores(const App *app);            /* NULL without a model */
const EventOutcomes *app_outcomes(const App *app);   /* NULL without a model */
size_t app_segment_len(const App *app);
size_t app_n_segments(const App *app);

void app_init(App *app, ScoredSet *scored, bool has_model);
void app_free(App *app);
/* A key as ncurses gives it (KEY_DOWN, 'j', 9 for Tab, ...). */
void app_key(App *app, int key);
/* Moves the cursor to event e and the selection to its segment. */
void app_goto_event(App *app, size_t e);
/* The chart's view at its plot width: the first segment shown and segments per column. */
void app_chart_view(const App *app, int plot_w, size_t *first, size_t *per_col, int *col_w);
/* A click at screen row y, column x: focuses the pane there and selects what is under it. */
void app_click(App *app, int y, int x);
/* The mouse wheel: lines down (positive) or up in the pane under the pointer's row. */
void app_wheel(App *app, int y, int lines);

/* The timeline's events: filter, search, bookmarks (tui/events.c). */
/* Sets the filter (empty: none) and shows its events; the message says how many. */
void app_apply_filter(App *app, const char *text);
/* The place in app->visible of the first filtered event at or after e. */
size_t app_visible_index(const App *app, size_t e);
/* Does event e pass the filter (always, with none)? */
bool app_visible(const App *app, size_t e);
/* The event dir visible events away from the cursor (clamped). */
size_t app_visible_step(const App *app, long dir);
/* The next (dir 1) or previous event matching app->search. */
void app_search_next(App *app, int dir);
void app_toggle_bookmark(App *app);
void app_next_bookmark(App *app);

#endif
