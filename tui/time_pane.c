/* The time view, in the timeline's place while v shows it, as QNX's System Profiler, Trace
 * Compass and KernelShark draw a trace: a time axis, the flagged segments' time, a row per CPU
 * with the thread it runs (each thread's letter), then a row per thread, busiest first, with its
 * state. The cursor's event is a column through every row. Each column shows what covers the
 * most of its time. The schedule (core/sched.c) is built once per trace, at the first look. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "draw.h"

#define MAX_COLS 512
#define NAME_MIN 14
#define NAME_MAX 28

/* A row as it is drawn: a character (or UTF-8 text) and a style per column. */
typedef struct RowCells {
    const char *text[MAX_COLS];
    char letter[MAX_COLS][2];
    ThemeElement style[MAX_COLS];
    int n;
} RowCells;

/* ---- update: the schedule and the view ------------------------------------------------------ */

static bool timed_with_events(const App *app)
{
    return app_trace(app)->timed && app_trace(app)->n_events > 0;
}

static void build_schedule(App *app)
{
    if (app->sched && app->sched_trace == app->trace)
        return;
    if (app->sched)
        schedule_free(app->sched);
    free(app->sched);
    app->sched = calloc(1, sizeof *app->sched);
    Error err = {0};
    if (app->sched && !schedule_build(app->sched, app_trace(app), &app->scored->set.vocab, &err)) {
        free(app->sched);
        app->sched = NULL;
    }
    app->sched_trace = app->trace;
    app->tv_span = 0; /* a new trace: shown whole */
}

static int name_width(Rect in)
{
    int w = in.w / 4;
    return w < NAME_MIN ? NAME_MIN : w > NAME_MAX ? NAME_MAX : w;
}

static int plot_width(Rect in)
{
    int w = in.w - name_width(in) - 1;
    return w > MAX_COLS ? MAX_COLS : w;
}

/* Thread rows the pane has room for: below the axis, the flags and the CPUs. */
static int thread_rows(const App *app, Rect in)
{
    int rows = in.h - 2 - (app->sched ? (int)app->sched->n_cpus : 0);
    return rows > 0 ? rows : 0;
}

/* The whole trace at first; the cursor kept in view (centred when it left it); the thread rows
 * kept in range. */
static void time_update(App *app, Rect r)
{
    if (!timed_with_events(app))
        return;
    build_schedule(app);
    const Trace *t = app_trace(app);
    int64_t first = trace_time(t, 0), whole = trace_time(t, t->n_events - 1) - first, at = trace_time(t, app->cursor);
    whole = whole > 0 ? whole : 1;
    if (app->tv_span <= 0 || app->tv_span > whole)
        app->tv_start = first, app->tv_span = whole;
    if (at < app->tv_start || at > app->tv_start + app->tv_span) /* the last event is in the whole */
        app->tv_start = at - app->tv_span / 2;
    if (app->tv_start + app->tv_span > first + whole)
        app->tv_start = first + whole - app->tv_span;
    if (app->tv_start < first)
        app->tv_start = first;
    Rect in = {r.y + 1, r.x, r.h - 1, r.w};
    size_t n = app->sched ? app->sched->n_threads : 0, rows = (size_t)thread_rows(app, in);
    if (app->tv_top + rows > n)
        app->tv_top = n > rows ? n - rows : 0;
}

/* ---- columns: what covers the most of each --------------------------------------------------- */

static int64_t column_start(const App *app, int plot_w, int c)
{
    return app->tv_start + (int64_t)((double)app->tv_span * c / plot_w);
}

/* The column of time; -1 before the view, plot_w after it. */
static int column_of(const App *app, int plot_w, int64_t time)
{
    double c = (double)(time - app->tv_start) * plot_w / (double)app->tv_span;
    return c < 0 ? -1 : c >= plot_w ? plot_w : (int)c;
}

/* Running and ready count more than waiting: a thread that ran an eighth of a column's time
 * shows as running there, so short runs stay in sight when the view is wide. */
static int64_t state_weight(uint32_t state)
{
    return state == SCHED_RUNNING || state == SCHED_INTERRUPTED ? 8 : state == SCHED_READY ? 4 : 1;
}

/* For each column, the span's what that covers the most of it (*best, UINT32_MAX: none); for a
 * thread's states, the time in each state summed (and weighted) first. */
static int64_t in_state[MAX_COLS][SCHED_STATE_COUNT]; /* the last thread's weighted time per state */

static void cover_columns(const App *app, const SchedSpans *sp, int plot_w, bool states, uint32_t *best)
{
    int64_t longest[MAX_COLS];
    int64_t view_end = app->tv_start + app->tv_span;
    for (int c = 0; c < plot_w; c++) {
        best[c] = UINT32_MAX, longest[c] = 0;
        if (states)
            memset(in_state[c], 0, sizeof in_state[c]);
    }
    for (size_t i = sched_spans_from(sp, app->tv_start); i < sp->n && sp->span[i].start < view_end; i++) {
        const SchedSpan *s = &sp->span[i];
        int64_t from = s->start > app->tv_start ? s->start : app->tv_start, to = s->end < view_end ? s->end : view_end;
        int c0 = column_of(app, plot_w, from), c1 = column_of(app, plot_w, to - 1);
        for (int c = c0 < 0 ? 0 : c0; c <= c1 && c < plot_w; c++) {
            int64_t a = column_start(app, plot_w, c), b = column_start(app, plot_w, c + 1);
            int64_t cover = (to < b ? to : b) - (from > a ? from : a);
            if (cover <= 0)
                continue;
            int64_t weight = states ? (in_state[c][s->what] += cover * state_weight(s->what)) : cover;
            if (weight >= longest[c] || best[c] == UINT32_MAX)
                best[c] = s->what, longest[c] = weight;
        }
    }
}

/* ---- cells ------------------------------------------------------------------------------------ */

static char thread_letter(size_t rank)
{
    static const char letters[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    return rank < sizeof letters - 1 ? letters[rank] : '+';
}

static ThemeElement state_style(SchedState state)
{
    return state == SCHED_RUNNING ? EL_BAR : state == SCHED_INTERRUPTED ? EL_BAR_ALERT
         : state == SCHED_READY ? EL_THRESHOLD : EL_DIM;
}

/* A blocked state's letter at the start of its run, then dots. */
static char state_letter(SchedState state)
{
    static const char letters[SCHED_STATE_COUNT] = {'=', '!', '-', 'S', 'R', 'P', 'M', 'C', '.', 'I', 'D', 'T', 'B'};
    return letters[state];
}

static void set_cell(RowCells *row, int c, char letter, const char *utf8, ThemeElement style, bool use_utf8)
{
    row->letter[c][0] = letter, row->letter[c][1] = '\0';
    row->text[c] = use_utf8 && utf8 ? utf8 : row->letter[c];
    row->style[c] = style;
}

/* The share of column c's time the thread ran, in eighths (0: not at all, else 1 to 8). */
static int run_eighths(const App *app, int plot_w, int c)
{
    int64_t ran = in_state[c][SCHED_RUNNING] / state_weight(SCHED_RUNNING);
    int64_t width = column_start(app, plot_w, c + 1) - column_start(app, plot_w, c);
    if (ran <= 0 || width <= 0)
        return 0;
    int64_t eighths = (ran * 8 + width - 1) / width;
    return eighths > 8 ? 8 : (int)eighths;
}

static void state_cells(const App *app, const uint32_t *best, int plot_w, RowCells *row)
{
    /* a thread that ran for part of a column: how much, in eighth blocks (UTF-8), so a 400 Hz
     * thread's short runs still show when a column spans 100 ms; ':' in ASCII */
    static const char *const eighth[9] = {NULL, "\u2581", "\u2582", "\u2583", "\u2584", "\u2585", "\u2586", "\u2587", "\u2588"};
    row->n = plot_w;
    for (int c = 0; c < plot_w; c++) {
        if (best[c] == UINT32_MAX) {
            set_cell(row, c, ' ', NULL, EL_NORMAL, false);
            continue;
        }
        SchedState st = (SchedState)best[c];
        int ran = run_eighths(app, plot_w, c);
        if (ran > 0 && st != SCHED_INTERRUPTED && (app->utf8 || st != SCHED_RUNNING)) {
            set_cell(row, c, st == SCHED_RUNNING ? '=' : ':', eighth[ran], EL_BAR, app->utf8);
            continue;
        }
        bool run_start = c == 0 || best[c - 1] != best[c];
        char letter = state_letter(st);
        const char *glyph = st == SCHED_RUNNING ? "\u2588" : st == SCHED_INTERRUPTED ? "\u2593" : st == SCHED_READY ? "\u2591" : NULL;
        if (st > SCHED_READY && (!run_start || st == SCHED_SLEEP))
            letter = '.', glyph = "\u00b7";
        set_cell(row, c, letter, glyph, state_style(st), app->utf8);
    }
}

static void cpu_cells(const App *app, const uint8_t *rank_letter, const uint32_t *best, int plot_w, RowCells *row)
{
    row->n = plot_w;
    for (int c = 0; c < plot_w; c++) {
        if (best[c] == UINT32_MAX)
            set_cell(row, c, ' ', NULL, EL_NORMAL, false);
        else if (best[c] == SCHED_INTERRUPT)
            set_cell(row, c, '!', "\u2593", EL_BAR_ALERT, app->utf8);
        else
            set_cell(row, c, (char)rank_letter[best[c]], NULL, EL_BAR, false);
    }
}

/* The flagged segments' time, and the cursor's column. */
static void flag_cells(const App *app, int plot_w, RowCells *row)
{
    const Scores *sc = app_scores(app);
    const Trace *t = app_trace(app);
    row->n = plot_w;
    for (int c = 0; c < plot_w; c++)
        set_cell(row, c, ' ', NULL, EL_NORMAL, false);
    for (size_t s = 0; sc && s < sc->n_segments; s++) {
        if (!sc->flagged[s])
            continue;
        size_t first, last;
        scores_segment_range(sc, s, &first, &last);
        int c0 = column_of(app, plot_w, trace_time(t, first)), c1 = column_of(app, plot_w, trace_time(t, last));
        for (int c = c0 < 0 ? 0 : c0; c <= c1 && c < plot_w; c++)
            set_cell(row, c, '@', "\u2580", EL_BAR_ALERT, app->utf8);
    }
}

/* The cells, the cursor's column in its style (a line where the row has nothing). */
static void draw_cells(const App *app, Rect in, int y, int x, const RowCells *row, int cursor_col)
{
    for (int c = 0; c < row->n; c++) {
        const char *text = row->text[c];
        if (c == cursor_col && text[0] == ' ')
            text = app->utf8 ? "\u2502" : "|";
        draw_cell(app, in, y, x + c, c == cursor_col ? EL_CURSOR : row->style[c], text);
    }
}

/* ---- the rows --------------------------------------------------------------------------------- */

/* A nice step (1, 2, 5 times a power of ten, in ns) of at least min_step, and its decimals in s. */
static int64_t tick_step(int64_t min_step, int *decimals)
{
    int64_t unit = 1;
    int power = 0;
    for (; power < 18; unit *= 10, power++) /* 10^18 ns: 31 years, past any trace's span */
        for (int m = 1; m <= 5; m += m == 1 ? 1 : 3)
            if (unit * m >= min_step) {
                *decimals = power >= 9 ? 0 : 9 - power;
                return unit * m;
            }
    *decimals = 0;
    return unit;
}

static void draw_axis(const App *app, Rect in, int y, int x, int plot_w)
{
    const Trace *t = app_trace(app);
    int decimals;
    /* a label ~11 columns apart; divided first, so a span of epoch-scale ns cannot overflow */
    int64_t step = tick_step(app->tv_span / (plot_w > 0 ? plot_w : 1) * 11 + 1, &decimals);
    int64_t from = app->tv_start - trace_time(t, 0), first_tick = (from + step - 1) / step * step;
    draw_text(app, in, y, 0, EL_TITLE, "%-*.*s", x - 1, x - 1, "");
    draw_text(app, in, y, 0, EL_TITLE, "cursor %.6f s", (double)(trace_time(t, app->cursor) - trace_time(t, 0)) / 1e9);
    int free_from = 0;
    for (int64_t tick = first_tick; tick < from + app->tv_span; tick += step) {
        int c = column_of(app, plot_w, trace_time(t, 0) + tick);
        char label[32];
        int len = snprintf(label, sizeof label, "|%.*f", decimals, (double)tick / 1e9);
        if (c >= free_from && c + len <= plot_w) {
            draw_text(app, in, y, x + c, EL_DIM, "%s", label);
            free_from = c + len + 1;
        }
    }
}

/* A path's last part ("proc/boot/io-pkt-v6-hc" as traceprinter names a process), but not a
 * kernel thread's "kworker/u17:3" (as the timeline does). */
static const char *short_name(const char *name)
{
    const char *slash = strrchr(name, '/');
    bool path = slash && slash[1] && (name[0] == '/' || memchr(name, '/', (size_t)(slash - name)));
    return path ? slash + 1 : name;
}

/* "A fcs 36874/2": the thread's letter, name and ids in width columns. */
static void thread_label(const Schedule *s, const SchedThread *th, char letter, int width, char *buf, size_t size)
{
    char ids[32];
    if (th->pid != TRACE_NO_ID && th->pid != th->tid) /* a process's first thread: its pid alone */
        snprintf(ids, sizeof ids, "%d/%d", (int)th->pid, (int)th->tid);
    else
        snprintf(ids, sizeof ids, "%d", (int)th->tid);
    int name_w = width - 3 - (int)strlen(ids);
    snprintf(buf, size, "%c %-*.*s %s", letter, name_w > 0 ? name_w : 0, name_w > 0 ? name_w : 0, short_name(sched_thread_name(s, th)), ids);
}

static void draw_message(const App *app, Rect r, const char *line1, const char *line2)
{
    Rect in = draw_frame(app, r, "time view (v: back to the events)", app->focus == PANE_TIMELINE);
    draw_text(app, in, 1, 2, EL_NORMAL, "%s", line1);
    draw_text(app, in, 2, 2, EL_NORMAL, "%s", line2);
}

static void time_draw(const App *app, Rect r)
{
    const Schedule *s = app->sched;
    if (!app_trace(app)->timed) {
        draw_message(app, r, "This trace has no timestamps:", "the time view needs them.");
        return;
    }
    if (!s || s->n_sched_events == 0) {
        draw_message(app, r, s ? "No scheduling events in this trace: the time view needs" : "No memory for the time view.",
                     s ? "QNX THREAD/* events, or Linux sched_switch and sched_wakeup." : "");
        return;
    }
    char title[256], wide[32];
    snprintf(title, sizeof title, "time view: %s   %s run  %s ready  %s irq  S/R/P/M send/receive/reply/mutex  %s asleep  (v: events)",
             sched_format_span(app->tv_span, wide, sizeof wide), app->utf8 ? "\u2581-\u2588" : "= :", app->utf8 ? "\u2591" : "-",
             app->utf8 ? "\u2593" : "!", app->utf8 ? "\u00b7" : ".");
    Rect in = draw_frame(app, r, title, app->focus == PANE_TIMELINE);
    int name_w = name_width(in), plot_x = name_w + 1, plot_w = plot_width(in);
    if (plot_w < 4 || in.h < 3)
        return;
    const Trace *t = app_trace(app);
    int64_t at = trace_time(t, app->cursor);
    int cursor_col = at >= app->tv_start && at <= app->tv_start + app->tv_span ? column_of(app, plot_w, at) : -1;
    cursor_col = cursor_col == plot_w ? plot_w - 1 : cursor_col;
    static RowCells row;
    static uint32_t best[MAX_COLS];
    uint8_t *rank_letter = malloc(s->n_threads + 1);
    if (!rank_letter)
        return;
    for (size_t i = 0; i < s->n_threads; i++)
        rank_letter[s->by_cpu_time[i]] = (uint8_t)thread_letter(i);
    draw_axis(app, in, 0, plot_x, plot_w);
    draw_text(app, in, 1, 0, EL_DIM, "%-*s", name_w, app_scores(app) ? "@ flagged" : "");
    flag_cells(app, plot_w, &row);
    draw_cells(app, in, 1, plot_x, &row, cursor_col);
    int y = 2;
    for (size_t c = 0; c < s->n_cpus && y < in.h; c++, y++) {
        draw_text(app, in, y, 0, EL_TITLE, "cpu %-*zu", name_w - 4, c);
        cover_columns(app, &s->cpus[c], plot_w, false, best);
        cpu_cells(app, rank_letter, best, plot_w, &row);
        draw_cells(app, in, y, plot_x, &row, cursor_col);
    }
    for (size_t i = app->tv_top; i < s->n_threads && y < in.h; i++, y++) {
        const SchedThread *th = &s->threads[s->by_cpu_time[i]];
        char label[96];
        thread_label(s, th, thread_letter(i), name_w, label, sizeof label);
        draw_text(app, in, y, 0, EL_NORMAL, "%s", label);
        cover_columns(app, &th->states, plot_w, true, best);
        state_cells(app, best, plot_w, &row);
        draw_cells(app, in, y, plot_x, &row, cursor_col);
    }
    free(rank_letter);
}

/* A click in the plot puts the cursor on the first event of that column's time. */
static void time_click(App *app, Rect r, int y, int x)
{
    (void)y;
    Rect in = {r.y + 1, r.x, r.h - 1, r.w};
    int plot_x = name_width(in) + 1, plot_w = plot_width(in);
    if (!timed_with_events(app) || !app->tv_span || x < plot_x || x >= plot_x + plot_w)
        return;
    app_goto_event(app, sched_event_at(app_trace(app), column_start(app, plot_w, x - plot_x)));
}

const PaneOps time_ops = {.update = time_update, .draw = time_draw, .click = time_click};
