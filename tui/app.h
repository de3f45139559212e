/* The explorer's state: what is loaded (read-only to the panes) and where the user is. Keys change
 * the state through the key table (tui/keys.c); app_update lays out the screen and brings the
 * panes' derived data up to date; the panes in tui/ draw it (app_draw) and change nothing. */
#ifndef TRACEAID_APP_H
#define TRACEAID_APP_H

#include <stdbool.h>
#include <stddef.h>

#include "../core/scored_set.h"
#include "../core/explainer.h"
#include "../core/marks.h"
#include "../io/truth.h"
#include "../core/sched.h"
#include "theme.h"

typedef enum Pane { PANE_CHART, PANE_TIMELINE, PANE_FLAGGED, PANE_EXPLAIN, PANE_COUNT } Pane;

/* What a key, a click or the wheel changed, so the loop knows what to do before the next
 * screen (as htop's Htop_Reaction). */
typedef unsigned Reaction;
enum {
    REACT_NONE = 0,             /* nothing: the screen stands */
    REACT_STATUS = 1u << 0,     /* the status line alone: a message, the prompt's text */
    REACT_VIEW = 1u << 1,       /* the panes: cursor, selection, focus, scores, overlays */
    REACT_THEME = 1u << 2,      /* another theme: its colours are set again, then everything drawn */
    REACT_QUIT = 1u << 3,
};

typedef struct Rect {
    int y, x, h, w;
} Rect;

/* Where everything goes at the terminal's size (computed by app_update, read by the drawing and
 * by the mouse's hit-testing). */
typedef struct Layout {
    int rows, cols;
    bool too_small;             /* below the minimum: only a request for a larger terminal */
    Rect header, status, help;  /* help.h is 0 unless ? shows it */
    Rect pane[PANE_COUNT];      /* h 0: not on screen (the chart without a model) */
    int divider_x;              /* the line between the timeline and the side panes; -1: none */
} Layout;

/* One key's count in the selected segment beside its mean over the segments not flagged. */
typedef struct KeyStat {
    uint32_t key;
    double here, clean_mean;
} KeyStat;

/* The statistics pane's data, computed again only when what it is computed from changes. */
typedef struct SegmentStats {
    KeyStat *keys;              /* every key of the vocabulary, by how far it strays */
    size_t n_keys;
    bool valid;
    /* what they were computed from */
    size_t trace, segment, segment_len;
    bool scored, has_threshold;
    float threshold;
} SegmentStats;

/* A pane of more lines than rows: the first line in view, kept while the pane is away (s shows
 * the other side pane, o zooms another, Tab moves on). */
typedef struct PaneScroll {
    int top;                    /* the first line in view */
    int lines, rows;            /* the pane's lines and the rows that show them, at the last app_update */
} PaneScroll;

/* Which of the timeline's columns the trace on show has (tui/timeline.c): found once per trace,
 * so that a format without cpus, ids or process names shows no column of '-'. */
typedef struct TimelineColumns {
    const uint32_t *of;         /* the key ids of the trace they were found in (they outlive a
                                 * move of the trace list); NULL: not yet */
    size_t of_events;
    bool cpu, pids, tids, process;
    size_t longest_session;     /* events in the longest session (sessions: the boundary's width) */
    size_t longest_name;        /* the longest session name (a grouped log's block id), 0: none */
} TimelineColumns;

/* The ground truth's marks under the chart's bars, for the segments they were made for. */
typedef struct TruthMarks {
    bool valid;
    size_t trace, segment_len, n_segments;
    uint8_t *bad;               /* per segment: 1 where the truth holds anomalous events; NULL: none */
} TruthMarks;

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
    TruthMarks truth_marks;     /* the chart's, kept between frames */
    size_t chart_step;          /* sessions a chart column holds (its last layout): Left/Right's step */
    Theme theme;
    int theme_index;
    bool color;                 /* colours in use (not NO_COLOR, terminal has them) */
    Interpretation interp;
    bool has_interp;
    Explainer explainer;        /* made at the first i */
    bool interp_ready;
    bool nearest_note_due;      /* the explainer's note on the windows file, not yet on the status line */
    size_t interp_first;        /* the interpreted window's first event */
    PaneScroll explain_scroll;  /* the interpretation's lines below its column heads */
    PaneScroll stats_scroll;    /* the statistics' keys */
    bool zoomed;                /* o: the focused pane fills the screen between header and status */
    char message[256];          /* the status line's last word */
    int prompt_for;             /* '/' search or 'f' filter while typing; 0 otherwise */
    char prompt[128];
    char search[128];           /* the last search: n/N repeat it in the timeline */
    char filter[128];           /* the timeline shows only these events when set */
    size_t *visible;            /* the filter's events, in order */
    size_t n_visible;
    uint8_t *bookmarked;        /* per event of the trace on show */
    int timeline_rows;          /* rows the timeline shows, at the last layout */
    TimelineColumns timeline_cols;
    Layout layout;              /* the last app_update's */
    SegmentStats stats;         /* the statistics pane's, while it shows */
    bool utf8;                  /* the locale's codeset is UTF-8: Unicode block characters */
    const Truth *truths;        /* per trace: the ground truth beside it (path NULL: none) */
    /* While the whole trace is scored behind its head (tui/preview.h): its scores, final for
     * the first filling_done segments, which the chart draws in the head's place, the rest as
     * not yet scored; NULL otherwise. */
    const Scores *filling;
    size_t filling_done;
    bool show_traces;           /* the trace list in place of the flagged list (l) */
    size_t trace_row;           /* the trace list's selected row */
    /* The time view (tui/time_pane.c), in the timeline's place while v shows it. */
    bool show_timeview;
    int64_t tv_start, tv_span;  /* the time shown, tv_span ns wide from tv_start; 0: not set yet */
    size_t tv_top;              /* its first thread row */
    Schedule *sched;            /* of trace sched_trace, built when the view first shows it */
    size_t sched_trace;
    Marks marks;                /* the operator's marks on every trace (F, A, u: tui/marks_keys.c) */
    char marks_note[200];       /* what of the marks files did not apply, said when they opened */
    /* U: the model learns the normal marks in the background (tui/updater.h, tui/marks_keys.c) */
    struct Updater *updater;    /* while an update runs or until its end is taken; NULL: none */
    struct UpdateSource *update_src;    /* what the traces were opened with; NULL: U not available */
    char model_path[4096];      /* the model in use (the updated one after U) */
    MarkChange *learned;        /* the normal marks the model in use has learned in this run */
    size_t n_learned, n_learning;   /* n_learning: the running update's, after them */
} App;

const Trace *app_trace(const App *app);
const Scores *app_scores(const App *app);            /* NULL without a model */
const EventOutcomes *app_outcomes(const App *app);   /* NULL without a model */
size_t app_segment_len(const App *app);
/* The session verdicts of the trace on show when it has sessions and is scored; else NULL (its
 * unit is then the segment). */
const SessionVerdicts *app_sessions(const App *app);
TraceLabel app_label(const App *app);
/* The first session of the row-th flagged distinct session (the flagged list's order); SIZE_MAX
 * past the last. */
size_t app_flagged_session(const App *app, size_t row);
/* Session s: the cursor on its first miss (its first event when it has none), the session in
 * view; the status line says why it is flagged. */
void app_goto_session(App *app, size_t s);
size_t app_n_segments(const App *app);

void app_init(App *app, ScoredSet *scored, bool has_model);
void app_free(App *app);
/* Drops what was built from the scored set on show (interpretation, schedule, stats, truth marks,
 * timeline columns), to be built again over another: the whole trace after its head, an updated
 * model's scores. */
void app_forget_derived(App *app);
/* A key as ncurses gives it (KEY_DOWN, 'j', 9 for Tab, ...): a look-up in the key table
 * (tui/keys.c). */
Reaction app_key(App *app, int key);
/* Moves the cursor to event e and the selection to its segment. */
void app_goto_event(App *app, size_t e);
/* Up (n < 0) or down by n in a pane: the selected segment, the flagged row, or the cursor's
 * event (among the filter's, with one). */
void app_move(App *app, Pane pane, long n);
/* Up (n < 0) or down by n in the trace list (l) (tui/keys.c). */
void app_move_trace_row(App *app, long n);
/* Next (dir 1) or previous (dir -1) flagged segment from the selected one. */
void app_jump_flagged(App *app, int dir);
/* The next theme of theme_cycle. */
void app_cycle_theme(App *app);
/* The threshold, the interpretation, the report and the segment length (tui/app.c). */
void app_move_threshold(App *app, float delta);
void app_interpret_cursor(App *app);
/* Enter: the selected segment's worst window (core/explainer.h), its missed event at the cursor;
 * the status line says which. Its first event when the model missed none there. */
void app_goto_worst(App *app);
/* o: the focused pane to the whole screen and back. */
void app_toggle_zoom(App *app);
void app_write_report(App *app, bool json);
void app_resize_segments(App *app, bool longer);

/* The timeline's events: filter, search, bookmarks (tui/events.c). */
/* Sets the filter (empty: none) and shows its events; the message says how many. */
void app_apply_filter(App *app, const char *text);
/* The place in app->visible of the first filtered event at or after e. */
size_t app_visible_index(const App *app, size_t e);
/* Does event e pass the filter (always, with none)? */
bool app_visible(const App *app, size_t e);
/* The event dir visible events away from the cursor (clamped). */
size_t app_visible_step(const App *app, long dir);
/* The session of the trace on show that holds event e (0 for a trace of one session). */
size_t app_session_of(const App *app, size_t e);
/* The next (dir 1) or previous event matching app->search. */
void app_search_next(App *app, int dir);
void app_toggle_bookmark(App *app);
void app_next_bookmark(App *app);

/* The screen (tui/layout.c): the layout for rows x cols and every pane's derived data, then the
 * drawing of them, which changes nothing. */
void app_update(App *app, int rows, int cols);
void app_draw(const App *app);
/* The status line alone (a key that only changed it). */
void app_draw_status(const App *app);
/* A click at screen row y, column x: focuses the pane there and selects what is under it. */
Reaction app_click(App *app, int y, int x);
/* The mouse wheel: lines down (positive) or up in the pane under the pointer (x < 0: the first
 * pane on its row). */
Reaction app_wheel(App *app, int y, int x, int lines);

#endif
