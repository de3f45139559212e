#include "keys.h"
#include "marks_keys.h"
#include "time_keys.h"

#include <curses.h> /* the KEY_* codes only: no terminal here */
#include <stdlib.h>
#include <string.h>

#define PANE(p) (1u << (p))

/* ---- the actions: each changes the state and says what to draw again ---------------------- */

static Reaction act_quit(App *app, int key)
{
    (void)app, (void)key;
    return REACT_QUIT;
}

static Reaction act_next_pane(App *app, int key)
{
    do /* past the chart when there is none (no model): focus never rests on an absent pane */
        app->focus = (Pane)((app->focus + (key == KEY_BTAB ? PANE_COUNT - 1 : 1)) % PANE_COUNT);
    while (app->focus == PANE_CHART && !app->has_model);
    return REACT_VIEW;
}

void app_move_trace_row(App *app, long n)
{
    long row = (long)app->trace_row + n, count = (long)app->scored->set.n_traces;
    app->trace_row = (size_t)(row < 0 ? 0 : row >= count ? count - 1 : row);
}

/* Moves in the trace list when it shows in the flagged list's place (false: it does not). */
static bool move_in_trace_list(App *app, long n)
{
    if (app->focus != PANE_FLAGGED || !app->show_traces)
        return false;
    app_move_trace_row(app, n);
    return true;
}

/* Trace t on show: the filter, the bookmarks and the places in the one before do not carry over. */
static void show_trace(App *app, size_t t)
{
    app->trace = t;
    app_apply_filter(app, ""), app->message[0] = '\0';
    free(app->bookmarked), app->bookmarked = NULL;
    app->cursor = app->top = app->segment = app->flagged_row = 0;
    /* the interpretation and the time view were of the other trace's events */
    app->has_interp = false, app->interp_first = 0;
    app->explain_scroll = (PaneScroll){0};
    app->tv_start = app->tv_span = 0, app->tv_top = 0;
}

static Reaction act_move_line(App *app, int key)
{
    if (!move_in_trace_list(app, key == 'j' || key == KEY_DOWN ? 1 : -1))
        app_move(app, app->focus, key == 'j' || key == KEY_DOWN ? 1 : -1);
    return REACT_VIEW;
}

static Reaction act_move_segment(App *app, int key)
{
    app_move(app, PANE_CHART, key == KEY_RIGHT ? 1 : -1);
    return REACT_VIEW;
}

static Reaction act_move_page(App *app, int key)
{
    long page = app->focus == PANE_CHART ? 10 : app->timeline_rows > 1 ? app->timeline_rows - 1 : 1;
    const PaneScroll *scroll = app->show_stats ? &app->stats_scroll : &app->explain_scroll;
    if (app->focus == PANE_EXPLAIN) /* the side pane's own rows, less one */
        page = scroll->rows > 1 ? scroll->rows - 1 : 1;
    if (!move_in_trace_list(app, key == KEY_NPAGE ? page : -page))
        app_move(app, app->focus, key == KEY_NPAGE ? page : -page);
    return REACT_VIEW;
}

static Reaction act_move_to_end(App *app, int key)
{
    long n = (long)app_trace(app)->n_events;
    if (!move_in_trace_list(app, key == 'G' || key == KEY_END ? n : -n))
        app_move(app, app->focus, key == 'G' || key == KEY_END ? n : -n);
    return REACT_VIEW;
}

static Reaction act_next_flagged(App *app, int key)
{
    app_jump_flagged(app, key == 'n' ? 1 : -1);
    return REACT_VIEW;
}

/* n and N in the timeline: the search again, once there is one */
Reaction act_next_match(App *app, int key)
{
    if (!app->search[0])
        return act_next_flagged(app, key);
    app_search_next(app, key == 'n' ? 1 : -1);
    return REACT_VIEW;
}

/* Enter: from a bar or a flagged row into its events (a flagged segment's worst window, another
 * segment's first event); in the trace list, that trace on show. */
static Reaction act_drill_down(App *app, int key)
{
    (void)key;
    if (app->focus == PANE_FLAGGED && app->show_traces) {
        show_trace(app, app->trace_row);
        app->show_traces = false;
        snprintf(app->message, sizeof app->message, "trace %zu of %zu", app->trace + 1, app->scored->set.n_traces);
        return REACT_VIEW;
    }
    const SessionVerdicts *v = app_sessions(app);
    if (v) { /* sessions: a flagged row's or the chart's session, at its first miss */
        size_t s = app->focus == PANE_FLAGGED ? app_flagged_session(app, app->flagged_row) : SIZE_MAX;
        app_goto_session(app, s != SIZE_MAX ? s : session_verdicts_at(v, app->cursor));
        app->focus = PANE_TIMELINE;
        return REACT_VIEW;
    }
    const Scores *sc = app_scores(app);
    if (app->focus == PANE_FLAGGED && sc) {
        size_t s = app_flagged_segment(app, app->flagged_row);
        app->segment = s != SIZE_MAX ? s : app->segment;
    }
    if (sc && sc->flagged[app->segment]) {
        app_goto_worst(app);
    } else {
        app_goto_event(app, app->segment * app_segment_len(app));
        app->top = app->cursor;
    }
    app->focus = PANE_TIMELINE;
    return REACT_VIEW;
}

static Reaction act_interpret(App *app, int key)
{
    (void)key;
    app_interpret_cursor(app);
    return REACT_VIEW;
}

/* / and f: the prompt for a search or a filter, both about the events */
static Reaction act_prompt(App *app, int key)
{
    app->prompt_for = key;
    app->prompt[0] = '\0';
    app->focus = PANE_TIMELINE;
    return REACT_VIEW;
}

static Reaction act_bookmark(App *app, int key)
{
    if (key == 'm')
        app_toggle_bookmark(app);
    else
        app_next_bookmark(app);
    return REACT_VIEW;
}

static Reaction act_report(App *app, int key)
{
    app_write_report(app, key == 'W');
    return REACT_STATUS;
}

static Reaction act_zoom(App *app, int key)
{
    app->zoom = key == 'z' ? (app->zoom < 8 ? app->zoom + 1 : 8) : (app->zoom > 0 ? app->zoom - 1 : 0);
    snprintf(app->message, sizeof app->message, "chart zoom %d%s", app->zoom, app->zoom ? " (Z zooms out)" : ": every segment");
    return REACT_VIEW;
}

static Reaction act_resize_segments(App *app, int key)
{
    app_resize_segments(app, key == ']');
    return REACT_VIEW;
}

static Reaction act_threshold(App *app, int key)
{
    app_move_threshold(app, key == '+' ? 0.005f : -0.005f);
    return REACT_VIEW;
}

static Reaction act_zoom_pane(App *app, int key)
{
    (void)key;
    app_toggle_zoom(app);
    return REACT_VIEW;
}

static Reaction act_stats(App *app, int key)
{
    (void)key;
    app->show_stats = !app->show_stats;
    return REACT_VIEW;
}

static Reaction act_theme(App *app, int key)
{
    (void)key;
    app_cycle_theme(app);
    return REACT_THEME | REACT_VIEW;
}

static Reaction act_help(App *app, int key)
{
    (void)key;
    app->show_help = !app->show_help;
    return REACT_VIEW;
}

static Reaction act_next_trace(App *app, int key)
{
    show_trace(app, (app->trace + (key == '>' ? 1 : app->scored->set.n_traces - 1)) % app->scored->set.n_traces);
    return REACT_VIEW;
}

/* l: the trace list in place of the flagged list, focused on the trace on show; l or Esc back. */
static Reaction act_trace_list(App *app, int key)
{
    if (key == 27 && !app->show_traces)
        return REACT_NONE;
    app->show_traces = !app->show_traces;
    if (app->show_traces) {
        app->trace_row = app->trace;
        app->focus = PANE_FLAGGED;
    }
    return REACT_VIEW;
}

/* ---- the table: the ? screen's lines and docs/KEYS.md's rows in this order ------------------ */

/* hint_slot: {chart, events, flagged, interpretation, time view} */
const KeyBinding key_table[] = {
    {.keys = {'j', KEY_DOWN, 'k', KEY_UP}, .panes = ALL_PANES, .action = act_move_line,
     .hint = "j/k move", .hint_slot = {0, 1, 1, 0},
     .help_keys = "j/k, arrows", .help = "move in the focused pane",
     .doc_keys = "`j` `k`, Down Up", .doc = "move in the focused pane: the cursor's event, the selected segment, the flagged row; scroll the interpretation or the statistics"},
    {.keys = {KEY_LEFT, KEY_RIGHT}, .panes = PANE(PANE_CHART), .action = act_move_segment,
     .hint = "<- -> segment", .session_hint = "<- -> session", .hint_slot = {1, 0, 0, 0},
     .doc_keys = "Left Right", .doc = "the previous or next segment (chart)"},
    {.keys = {KEY_NPAGE, KEY_PPAGE}, .panes = ALL_PANES, .action = act_move_page,
     .help_keys = "PgUp/PgDn g/G", .help = "page, first, last",
     .doc_keys = "PgDn PgUp", .doc = "a page down or up (of the interpretation or statistics too)"},
    {.keys = {'g', KEY_HOME, 'G', KEY_END}, .panes = ALL_PANES, .action = act_move_to_end,
     .doc_keys = "`g` `G`, Home End", .doc = "the first or last event (segment)"},
    {.keys = {'\t', KEY_BTAB}, .panes = ALL_PANES, .action = act_next_pane,
     .hint = "Tab pane", .hint_slot = {5, 0, 4, 3},
     .help_keys = "Tab, S-Tab", .help = "next, previous pane",
     .doc_keys = "Tab, Shift-Tab", .doc = "the next or previous pane: chart, events, flagged list, interpretation"},
    {.keys = {'n', 'N'}, .panes = PANE(PANE_TIMELINE), .action = act_next_match,
     .hint = "n/N next", .hint_slot = {0, 6, 0, 0}}, /* described with / */
    {.keys = {'n', 'N'}, .panes = ALL_PANES & ~PANE(PANE_TIMELINE), .action = act_next_flagged,
     .hint = "n/N flagged", .hint_slot = {2, 0, 3, 0},
     .help_keys = "n / N", .help = "next / previous flagged segment",
     .doc_keys = "`n` `N`", .doc = "the next or previous flagged segment; in a trace of sessions, the next or previous flagged distinct session, the cursor on its first miss"},
    {.keys = {'\n', KEY_ENTER}, .panes = PANE(PANE_CHART) | PANE(PANE_FLAGGED), .action = act_drill_down,
     .hint = "Enter events", .hint_slot = {3, 0, 2, 0},
     .help_keys = "Enter", .help = "from a bar or flagged row to its events",
     .doc_keys = "Enter", .doc = "from a bar or a flagged row into its events: a flagged segment's worst window (the most events missed, then the highest loss) with its worst miss at the cursor, another segment's first event; in a trace of sessions, the flagged row's (or the chart's) session with the cursor on its first miss (its first event when it has none) and the session in view"},
    {.keys = {'i'}, .panes = PANE(PANE_EXPLAIN), .action = act_interpret,
     .hint = "i interpret at the cursor", .hint_slot = {0, 0, 0, 1}},
    {.keys = {'i'}, .panes = ALL_PANES & ~PANE(PANE_EXPLAIN), .action = act_interpret,
     .hint = "i interpret", .hint_slot = {0, 5, 0, 0},
     .help_keys = "i", .help = "interpret the window at the cursor",
     .doc_keys = "`i`", .doc = "interpret the window that predicted the event at the cursor (where the model missed it, the window that missed it): beside it, the closest window the model deems normal, the keys' meanings, and the nearest normal window of the training data when it is indexed"},
    {.keys = {'/'}, .panes = ALL_PANES, .action = act_prompt,
     .hint = "/ search", .hint_slot = {0, 2, 0, 0},
     .help_keys = "/ then n, N", .help = "search a key or process; repeat",
     .doc_keys = "`/` then `n` `N`", .doc = "search a key, process name or a kernel event's fields, e.g. `next_comm=bash` (in the timeline, `n`/`N` then repeat the search)"},
    {.keys = {'f'}, .panes = ALL_PANES, .action = act_prompt,
     .hint = "f filter", .hint_slot = {0, 3, 0, 0},
     .help_keys = "f", .help = "filter by class, process or pid",
     .doc_keys = "`f`", .doc = "filter the timeline by class (`COMM`), key, process name or pid (a tid where the trace has no pids); `f` and Enter alone clear it"},
    {.keys = {'m', '\''}, .panes = ALL_PANES, .action = act_bookmark,
     .hint = "m mark", .hint_slot = {0, 4, 0, 0},
     .help_keys = "m / '", .help = "bookmark the event / next bookmark",
     .doc_keys = "`m`, `'`", .doc = "bookmark the event at the cursor; jump to the next bookmark"},
    {.keys = {'w', 'W'}, .panes = ALL_PANES, .action = act_report,
     .help_keys = "w / W", .help = "write the flagged segments (CSV / JSON)",
     .doc_keys = "`w`, `W`", .doc = "write the flagged segments to `TRACE.flagged.csv`, or `TRACE.flagged.json`; in a trace of sessions, its flagged distinct sessions (session, first event, length, count, first miss, reason, label) to `TRACE.flagged-sessions.csv` or `.json`; both with a `mark` column (`normal`, `anomalous` or empty), the units marked anomalous listed too"},
    {.keys = {'F', 'A'}, .panes = ALL_PANES, .action = marks_act_mark,
     .help_keys = "F / A, u, U", .help = "mark normal / anomalous; undo; learn",
     .doc_keys = "`F`, `A`", .doc = "mark the unit at the cursor normal (a false positive) or anomalous (a miss): in a trace of sessions the cursor's session (the selected row's in the flagged list; identical sessions share the mark), else the selected segment (the selected row's in the flagged list). Marks go to `TRACE.labels.csv` beside the trace at once; the events show `N` or `A` before the event's index, the chart a row of them under the bars, the flagged list `marked normal` in place of the reason and the unflagged units marked anomalous after (segments: among) the flagged ones; the header counts them. A second `F` on a unit marked normal says so and changes nothing; `A` on it changes its mark"},
    {.keys = {'U'}, .panes = ALL_PANES, .action = marks_act_update,
     .doc_keys = "`U`", .doc = "update the model from the marks normal not yet learned, in the background (the status line says the epoch; Esc cancels): the updated model goes beside the one in use as `NAME.updated.safetensors` with its training windows file (the original untouched), then replaces it: every trace is scored again and drawn, the threshold set again from the held-back parts when the model kept them (`traceaid update`)"},
    {.keys = {'u'}, .panes = ALL_PANES, .action = marks_act_undo,
     .doc_keys = "`u`", .doc = "undo the last mark of this run (a stack: again for the one before); the file is saved again"},
    {.keys = {'z', 'Z'}, .panes = ALL_PANES, .action = act_zoom,
     .help_keys = "z / Z", .help = "zoom the chart in / out",
     .doc_keys = "`z` `Z`", .doc = "zoom the chart in (around the selected segment) or out (back to every segment)"},
    {.keys = {'[', ']'}, .panes = ALL_PANES, .action = act_resize_segments,
     .help_keys = "[ / ]", .help = "halve / double the segment length",
     .doc_keys = "`[` `]`", .doc = "halve or double the segment length (the trace is scored again)"},
    {.keys = {'+', '-'}, .panes = ALL_PANES, .action = act_threshold,
     .hint = "+/- threshold", .hidden_in = HINTS_NO_THRESHOLD, .hint_slot = {4, 0, 0, 0},
     .help_keys = "+ / -", .help = "raise / lower the threshold",
     .doc_keys = "`+` `-`", .doc = "raise or lower the threshold by half a point (0.05 for an NLL score); the flags follow"},
    {.keys = {'s'}, .panes = ALL_PANES, .action = act_stats,
     .hint = "s stats", .hint_slot = {0, 7, 0, 2},
     .help_keys = "s", .help = "segment statistics",
     .doc_keys = "`s`", .doc = "the statistics of the selected segment (each key's count beside its mean in clean segments)"},
    {.keys = {'o'}, .panes = ALL_PANES, .action = act_zoom_pane,
     .hint = "o zoom", .hint_slot = {0, 0, 0, 7},
     .help_keys = "o", .help = "zoom the pane to the screen and back",
     .doc_keys = "`o`", .doc = "zoom the focused pane to the whole screen (header and status line kept) and back, as tmux's zoom; Tab moves the zoom to the next pane"},
    {.keys = {'v'}, .panes = ALL_PANES, .action = act_time_view,
     .help_keys = "v", .help = "time view: CPUs and threads over time",
     .doc_keys = "`v`", .doc = "the time view in place of the events, and back (Enter too): a row per CPU with the thread it runs, a row per thread with its state, flagged time marked, the cursor's time as a line"},
    /* the time view's own: looked up before the timeline's, whose other keys it has too */
    {.keys = {KEY_LEFT, KEY_RIGHT}, .panes = PANE(PANE_TIMEVIEW), .action = act_time_pan,
     .hint = "<- -> pan", .hint_slot = {[PANE_TIMEVIEW] = 1},
     .doc_keys = "Left Right (time view)", .doc = "pan the time view by a quarter of its width; the cursor moves with it"},
    {.keys = {'z', 'Z'}, .panes = PANE(PANE_TIMEVIEW), .action = act_time_zoom,
     .hint = "z/Z zoom", .hint_slot = {[PANE_TIMEVIEW] = 2},
     .doc_keys = "`z` `Z` (time view)", .doc = "zoom the time view in or out around the cursor"},
    {.keys = {'j', KEY_DOWN, 'k', KEY_UP}, .panes = PANE(PANE_TIMEVIEW), .action = act_time_rows,
     .hint = "j/k threads", .hint_slot = {[PANE_TIMEVIEW] = 3},
     .doc_keys = "`j` `k`, PgDn PgUp (time view)", .doc = "scroll the time view's thread rows"},
    {.keys = {KEY_NPAGE, KEY_PPAGE}, .panes = PANE(PANE_TIMEVIEW), .action = act_time_rows},
    {.keys = {'n', 'N'}, .panes = PANE(PANE_TIMEVIEW), .action = act_time_next,
     .hint = "n/N next", .hint_slot = {[PANE_TIMEVIEW] = 4}},
    {.keys = {'\n', KEY_ENTER, 'v'}, .panes = PANE(PANE_TIMEVIEW), .action = act_time_view,
     .hint = "v events", .hint_slot = {[PANE_TIMEVIEW] = 5}},
    {.keys = {'t'}, .panes = ALL_PANES, .action = act_theme,
     .hint = "t theme", .hint_slot = {0, 0, 0, 4},
     .help_keys = "t", .help = "next theme",
     .doc_keys = "`t`", .doc = "the next theme (default, dark, light, high-contrast, mono)"},
    {.keys = {'<', '>'}, .panes = ALL_PANES, .action = act_next_trace,
     .help_keys = "< / >", .help = "previous / next trace",
     .doc_keys = "`<` `>`", .doc = "the previous or next trace"},
    {.keys = {'l', 27}, .panes = ALL_PANES, .action = act_trace_list,
     .help_keys = "l", .help = "the trace list (Enter shows one)",
     .doc_keys = "`l`, Esc", .doc = "the trace list in place of the flagged list: each trace's events and flagged segments, the one on show marked `>`; `j` `k` select, Enter shows the selected trace, `l` or Esc goes back"},
    {.keys = {'?'}, .panes = ALL_PANES, .action = act_help, /* the ? screen's title says it */
     .hint = "? help", .hint_slot = {6, 8, 5, 5, 6},
     .doc_keys = "`?`", .doc = "these keys"},
    {.keys = {27}, .panes = 0, /* the terminal loop's, while it loads */
     .doc_keys = "Esc", .doc = "while loading or scoring: cancel (during scoring, the events stay on show)"},
    {.panes = 0, .doc_keys = "mouse", .doc = "a click selects a bar, an event row, a flagged row or a time in the time view; the wheel scrolls"},
    {.keys = {'q'}, .panes = ALL_PANES, .action = act_quit,
     .hint = "q quit", .hint_slot = {7, 9, 6, 6, 7},
     .help_keys = "q", .help = "quit",
     .doc_keys = "`q`", .doc = "quit"},
};
const size_t key_table_len = sizeof key_table / sizeof key_table[0];

const KeyBinding *keys_find(int key, Pane pane)
{
    for (size_t i = 0; i < key_table_len; i++)
        for (int k = 0; k < KEYS_PER_BINDING && key_table[i].keys[k]; k++)
            if (key_table[i].keys[k] == key && key_table[i].panes & PANE(pane))
                return &key_table[i];
    return NULL;
}

Pane keys_pane(const App *app)
{
    return app->focus == PANE_TIMELINE && app->show_timeview ? (Pane)PANE_TIMEVIEW : app->focus;
}

/* Typing at the / or f prompt: Enter applies, Esc cancels. */
static Reaction prompt_key(App *app, int key)
{
    size_t len = strlen(app->prompt);
    if (key == '\n' || key == KEY_ENTER) {
        int kind = app->prompt_for;
        app->prompt_for = 0;
        if (kind == 'f') {
            app_apply_filter(app, app->prompt);
        } else if (app->prompt[0]) {
            snprintf(app->search, sizeof app->search, "%s", app->prompt);
            app_search_next(app, 1);
        }
        return REACT_VIEW;
    }
    if (key == 27) {
        app->prompt_for = 0;
    } else if ((key == KEY_BACKSPACE || key == 127 || key == 8) && len > 0) {
        app->prompt[len - 1] = '\0';
    } else if (key >= 32 && key < 127 && len + 1 < sizeof app->prompt) {
        app->prompt[len] = (char)key;
        app->prompt[len + 1] = '\0';
    }
    return REACT_STATUS;
}

Reaction app_key(App *app, int key)
{
    if (app->prompt_for)
        return prompt_key(app, key);
    Reaction cleared = app->message[0] ? REACT_STATUS : REACT_NONE;
    app->message[0] = '\0';
    if (app->show_help && key != '?') {
        app->show_help = false;
        return REACT_VIEW;
    }
    const KeyBinding *b = keys_pane(app) == PANE_TIMEVIEW ? keys_find(key, PANE_TIMEVIEW) : NULL;
    b = b ? b : keys_find(key, app->focus);
    return b && b->action ? cleared | b->action(app, key) : cleared;
}

/* ---- what is written from the table ------------------------------------------------------- */

void keys_status_hints(Pane pane, unsigned context, char *buf, size_t size)
{
    size_t len = 0;
    buf[0] = '\0';
    for (unsigned slot = 1; slot <= key_table_len; slot++)
        for (size_t i = 0; i < key_table_len; i++) {
            const KeyBinding *b = &key_table[i];
            const char *hint = context & HINTS_SESSIONS && b->session_hint ? b->session_hint : b->hint;
            if (b->hint_slot[pane] == slot && !(b->hidden_in & context) && len < size)
                len += (size_t)snprintf(buf + len, size - len, "%s%s", len ? "  " : "", hint);
        }
}

bool keys_help_line(size_t i, char *buf, size_t size)
{
    for (size_t b = 0; b < key_table_len; b++)
        if (key_table[b].help && i-- == 0) {
            snprintf(buf, size, "%-16s%s", key_table[b].help_keys, key_table[b].help);
            return true;
        }
    return false;
}

void keys_write_markdown(FILE *out)
{
    fprintf(out, "| key | what it does |\n| --- | --- |\n");
    for (size_t i = 0; i < key_table_len; i++)
        if (key_table[i].doc)
            fprintf(out, "| %s | %s |\n", key_table[i].doc_keys, key_table[i].doc);
}
