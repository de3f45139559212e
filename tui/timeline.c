/* The event timeline: index, time, cpu, key, pid/tid, process, the columns that fit; events the
 * model missed marked; the selected segment's rows tinted; the cursor's row highlighted. A column
 * the trace does not have (no timestamps, cpus, ids or process names) is left out, its width
 * given to the key. Traces of sessions (session files, grouped logs) show where each session
 * starts and its length in a column of their own, and each key's meaning at the end of its row
 * (the meanings in place of a kernel event's fields); a log's rows end with the line's message
 * under its level instead: rows stay one an event, so the cursor, the search, the filter and the
 * mouse count them as before. */
#include <stdio.h>
#include <string.h>

#include "../core/keys.h"
#include "draw.h"
#include "marks_keys.h"

/* Where each column starts on a row of the pane's inside (-1: not shown) and how wide. */
typedef struct Columns {
    int session_x, time_x, cpu_x, key_x, key_w, ids_x, process_x, fields_x, meaning_x;
    int name_w;                 /* a grouped log's session names, at most this wide; 0: none */
    bool process_cut;           /* the process name cut to 12, a column following it */
    bool messages;              /* the fields are a log's messages, each under its level */
} Columns;

static void find_columns(TimelineColumns *c, const Trace *t)
{
    *c = (TimelineColumns){.of = t->key_id, .of_events = t->n_events};
    /* kernel traces have all three within their first events: the scan stops there */
    for (size_t e = 0; e < t->n_events && !(c->cpu && c->pids && c->tids && c->process); e++) {
        c->cpu |= trace_cpu(t, e) != TRACE_NO_CPU;
        c->pids |= trace_pid(t, e) != TRACE_NO_ID;
        c->tids |= trace_tid(t, e) != TRACE_NO_ID;
        c->process |= trace_name_id(t, e) != 0;
    }
    for (size_t s = 0; s < t->n_sessions; s++) {
        if (trace_session_length(t, s) > c->longest_session)
            c->longest_session = trace_session_length(t, s);
        size_t name = t->session_name ? strlen(strpool_get(&t->names, t->session_name[s])) : 0;
        c->longest_name = name > c->longest_name ? name : c->longest_name;
    }
}

static bool columns_of(const TimelineColumns *c, const Trace *t)
{
    return c->of == t->key_id && c->of_events == t->n_events;
}

static int digits(size_t n)
{
    int d = 1;
    for (; n >= 10; n /= 10)
        d++;
    return d;
}

static bool has_sessions(const Trace *t) { return trace_has_sessions(t); }

/* Meanings go beside the keys of session traces and structured logs (kernel traces show their
 * events' fields there). */
static bool shows_meanings(const App *app, const Trace *t)
{
    return (has_sessions(t) || t->structured_log) && meanings_count(&app->scored->set.meanings) > 0;
}

/* A log's events keep their messages (Content): shown in place of the meanings (the template
 * the message fills) at every width, since the message is what a log's reader looks for. */
static bool shows_messages(const Trace *t)
{
    return (t->structured_log || t->format == TRACE_FORMAT_LOG) && t->fields.n_records > 0;
}

/* The longest key name of the vocabulary, for a key column no wider than its keys. */
static int longest_key(const App *app)
{
    const Vocab *v = &app->scored->set.vocab;
    size_t longest = 0;
    for (uint32_t k = 0; k < vocab_size(v); k++)
        if (strlen(vocab_name(v, k)) > longest)
            longest = strlen(vocab_name(v, k));
    return (int)longest;
}

/* "N (len L)": session N (from 1, as explain --session counts) of L events; "N NAME (len L)"
 * with a grouped log's session names, name_w wide at most. */
static int session_width(const Trace *t, const TimelineColumns *has, int name_w)
{
    return has_sessions(t) ? digits(t->n_sessions) + digits(has->longest_session) + 8 + (name_w ? name_w + 1 : 0) : 0;
}

/* A block id cut here still tells sessions apart by its start; longer ones are rare. */
#define SESSION_NAME_MAX 24

static Columns lay_out(const App *app, const Trace *t, const TimelineColumns *has, int w)
{
    bool wide = w >= 70, widest = w >= 90, messages = shows_messages(t);
    bool meanings = !messages && shows_meanings(app, t);
    /* a log's pids come after its message below 90 columns: the message is what it is read for */
    bool cpu = wide && has->cpu, ids = (messages ? widest : wide) && (has->pids || has->tids);
    bool process = widest && has->process;
    /* session names where the row has room for them beside the meanings */
    size_t longest_name = has->longest_name < SESSION_NAME_MAX ? has->longest_name : SESSION_NAME_MAX;
    int name_w = widest ? (int)longest_name : 0;
    int session_w = session_width(t, has, name_w);
    int key_w = w - (wide ? 40 : 22) - (widest ? 16 : 0);
    /* what the columns left out would have taken goes to the key */
    key_w += (t->timed ? 0 : 13) + (wide && !cpu ? 4 : 0) + ((messages ? widest : wide) && !ids ? 13 : 0) + (widest && !process ? 16 : 0) -
             session_w;
    key_w = key_w > 30 ? 30 : key_w < 8 ? 8 : key_w;
    bool has_fields = (widest || messages) && t->fields.n_records > 0 && !meanings;
    if (has_fields && key_w > 26) /* the fields tell more than the end of a long key */
        key_w = 26;
    if (meanings || messages) { /* the meaning tells more than the room after a short key */
        int longest = longest_key(app) < 3 ? 3 : longest_key(app);
        key_w = longest < key_w ? longest : key_w;
    }
    Columns c = {.messages = messages, .session_x = -1, .time_x = -1, .cpu_x = -1, .ids_x = -1, .process_x = -1, .fields_x = -1,
                 .meaning_x = -1, .key_w = key_w, .name_w = name_w};
    int x = 2 + 9 + 2;
    if (session_w)
        c.session_x = x, x += session_w;
    if (t->timed)
        c.time_x = x, x += 13;
    if (cpu)
        c.cpu_x = x, x += 4;
    c.key_x = x, x += key_w + 1;
    if (ids)
        c.ids_x = x, x += 13;
    /* Kernel traces' event fields, or the keys' meanings, fill what is left of the row, after
     * the process column. */
    int rest_x = x + (process ? 13 : 0);
    bool rest = (has_fields || meanings) && w - rest_x >= 10;
    if (process)
        c.process_x = x, c.process_cut = rest;
    if (rest && meanings)
        c.meaning_x = rest_x;
    else if (rest)
        c.fields_x = rest_x;
    return c;
}

/* Seconds from the first event in the column's 12 characters: microseconds while they fit,
 * fewer decimals past 99,999 s (a log's days) rather than a cut last digit. */
static void format_time(char *buf, size_t size, const Trace *t, size_t e)
{
    double s = (double)(trace_time(t, e) - trace_time(t, 0)) / 1e9;
    for (int decimals = 6; decimals > 0; decimals--)
        if (snprintf(buf, size, "%.*f", decimals, s) <= 12)
            return;
    snprintf(buf, size, "%.0f", s);
}

/* Event e's process name; past width (0: any), a path's last part ("proc/boot/procnto-smp" is
 * told apart by its end), but not a kernel thread's "kworker/u17:3". */
static const char *process_name(const Trace *t, size_t e, size_t width)
{
    const char *name = strpool_get(&t->names, trace_name_id(t, e)), *slash = strrchr(name, '/');
    bool path = slash && slash[1] && (name[0] == '/' || memchr(name, '/', (size_t)(slash - name)));
    return width && strlen(name) > width && path ? slash + 1 : name;
}

/* pid/tid, "-" for an id the event does not have; the pid or the tid alone when the trace has
 * only those (a structured log's Pid). */
static void format_ids(char *buf, size_t size, const TimelineColumns *has, int32_t pid, int32_t tid)
{
    char p[12] = "-", t[12] = "-";
    if (pid != TRACE_NO_ID)
        snprintf(p, sizeof p, "%d", (int)pid);
    if (tid != TRACE_NO_ID)
        snprintf(t, sizeof t, "%d", (int)tid);
    snprintf(buf, size, "%s%s%s", has->pids ? p : "", has->pids && has->tids ? "/" : "", has->tids ? t : "");
}

static const char *ids_head(const TimelineColumns *has)
{
    return has->pids && has->tids ? "pid/tid" : has->pids ? "pid" : "tid";
}

/* The session column of a row: "N (len L)" (with its name, where the columns have room for one)
 * on the first row of session N (the first shown, under a filter), a bar below it, and the bar
 * with N on the pane's top row when its session began above. */
static void format_session(char *buf, size_t size, const App *app, const Columns *c, size_t e, size_t prev, bool top)
{
    const Trace *t = app_trace(app);
    size_t s = app_session_of(app, e);
    const char *bar = app->utf8 ? "\u2502" : "|";
    if ((prev == SIZE_MAX || app_session_of(app, prev) != s) && c->name_w)
        snprintf(buf, size, "%zu %.*s (len %zu)", s + 1, c->name_w, strpool_get(&t->names, t->session_name[s]),
                 trace_session_length(t, s));
    else if (prev == SIZE_MAX || app_session_of(app, prev) != s)
        snprintf(buf, size, "%zu (len %zu)", s + 1, trace_session_length(t, s));
    else if (top)
        snprintf(buf, size, "%s %zu", bar, s + 1);
    else
        snprintf(buf, size, "%s", bar);
}

/* Rows are events, or the filter's events: positions in app->visible. */
static size_t total_rows(const App *app)
{
    return app->filter[0] ? app->n_visible : app_trace(app)->n_events;
}

static size_t event_at_row(const App *app, size_t i)
{
    return app->filter[0] ? app->visible[i] : i;
}

/* The rows the pane has below its title and column heads, and the first row in view: the
 * cursor's row stays in view. The columns of a trace not seen before are found. */
static void timeline_update(App *app, Rect r)
{
    if (!columns_of(&app->timeline_cols, app_trace(app)))
        find_columns(&app->timeline_cols, app_trace(app));
    int rows = r.h - 2;
    app->timeline_rows = rows > 1 ? rows : 1;
    size_t total = total_rows(app), at = app->cursor;
    if (app->filter[0])
        at = app_visible_index(app, app->cursor);
    if (at < app->top)
        app->top = at;
    if (at >= app->top + (size_t)app->timeline_rows)
        app->top = at - (size_t)app->timeline_rows + 1;
    if (app->top >= total)
        app->top = total ? total - 1 : 0;
}

/* text at column x of line (cap bytes, spaces up to len), for the column heads */
static void put(char *line, size_t cap, size_t *len, int x, const char *text)
{
    if (x < 0 || (size_t)x >= cap - 1)
        return;
    while (*len < (size_t)x)
        line[(*len)++] = ' ';
    size_t n = strlen(text);
    n = n < cap - 1 - (size_t)x ? n : cap - 1 - (size_t)x;
    memcpy(line + x, text, n);
    if ((size_t)x + n > *len)
        *len = (size_t)x + n;
    line[*len] = '\0';
}

static void draw_heads(const App *app, Rect in, const Columns *c, const TimelineColumns *has)
{
    char head[256] = "";
    size_t len = 0;
    char event[16];
    snprintf(event, sizeof event, "  %9s", "event");
    put(head, sizeof head, &len, 0, event);
    put(head, sizeof head, &len, c->session_x, "session");
    put(head, sizeof head, &len, c->time_x, "time s");
    put(head, sizeof head, &len, c->cpu_x, "cpu");
    put(head, sizeof head, &len, c->key_x, "key");
    put(head, sizeof head, &len, c->ids_x, ids_head(has));
    put(head, sizeof head, &len, c->process_x, "process");
    put(head, sizeof head, &len, c->fields_x, c->messages ? "message" : "fields");
    put(head, sizeof head, &len, c->meaning_x, "meaning");
    draw_text(app, in, 0, 0, EL_TITLE, "%s", head);
}

static void draw_row(const App *app, Rect in, const Columns *c, const TimelineColumns *has, int y, size_t i)
{
    const Trace *t = app_trace(app);
    const EventOutcomes *o = app_outcomes(app);
    size_t e = event_at_row(app, i);
    bool missed = o && o->outcome[e] == OUTCOME_MISS;
    ThemeElement style = e == app->cursor                            ? EL_CURSOR
                         : e / app_segment_len(app) == app->segment ? EL_SEGMENT
                                                                    : EL_NORMAL;
    ThemeElement key_style = missed && e != app->cursor ? EL_MISS : style;
    draw_fill(app, in, y, style);
    draw_text(app, in, y, 0, key_style, "%c%c", missed ? '!' : ' ', app->bookmarked && app->bookmarked[e] ? '*' : ' ');
    draw_text(app, in, y, 2, style, "%9zu", e);
    int marked = app_event_mark(app, e);
    if (marked != MARK_NONE && e < 100000000) /* in the index's first column, blank below 10^8 */
        draw_text(app, in, y, 2, style, "%c", marked == LABEL_NORMAL ? 'N' : 'A');
    char text[512];
    if (c->session_x >= 0) {
        format_session(text, sizeof text, app, c, e, i > 0 ? event_at_row(app, i - 1) : SIZE_MAX, i == app->top);
        draw_text(app, in, y, c->session_x, style, "%s", text);
    }
    if (c->time_x >= 0) {
        format_time(text, sizeof text, t, e);
        draw_text(app, in, y, c->time_x, style, "%-12.12s", text);
    }
    if (c->cpu_x >= 0 && trace_cpu(t, e) != TRACE_NO_CPU)
        draw_text(app, in, y, c->cpu_x, style, "%u", trace_cpu(t, e));
    else if (c->cpu_x >= 0)
        draw_text(app, in, y, c->cpu_x, style, "-");
    draw_text(app, in, y, c->key_x, key_style, "%-*.*s", c->key_w, c->key_w,
              vocab_name(&app->scored->set.vocab, t->key_id[e]));
    if (c->ids_x >= 0) {
        format_ids(text, sizeof text, has, trace_pid(t, e), trace_tid(t, e));
        draw_text(app, in, y, c->ids_x, style, "%-12.12s", text);
    }
    if (c->process_x >= 0)
        draw_text(app, in, y, c->process_x, style, c->process_cut ? "%-12.12s" : "%s",
                  process_name(t, e, c->process_cut ? 12 : 0));
    if (c->fields_x >= 0) {
        const char *event;
        trace_event_fields(t, e, &event, text, sizeof text);
        if (c->messages && event[0]) /* the level (or component) first: "FATAL data TLB error" */
            draw_text(app, in, y, c->fields_x, style, "%.*s %.*s", in.w - c->fields_x, event,
                      in.w - c->fields_x - (int)strlen(event) - 1, text);
        else
            draw_text(app, in, y, c->fields_x, style, "%.*s", in.w - c->fields_x, text);
    }
    if (c->meaning_x >= 0)
        draw_text(app, in, y, c->meaning_x, style, "%s", key_meaning(&app->scored->set, t->key_id[e]));
}

static void timeline_draw(const App *app, Rect r)
{
    const Trace *t = app_trace(app);
    char title[260];
    snprintf(title, sizeof title, "events   ! = the model missed it   * = bookmark%s%s%.100s%s",
             marks_count_trace(&app->marks, app->trace) ? "   N/A = marked normal/anomalous" : "",
             app->filter[0] ? "   filter: " : "", app->filter, app->filter[0] ? " (f, then Enter alone, clears it)" : "");
    Rect in = draw_frame(app, r, title, app->focus == PANE_TIMELINE);
    TimelineColumns has = app->timeline_cols;
    if (!columns_of(&has, t)) /* not updated for this trace yet: found here, for this screen */
        find_columns(&has, t);
    Columns c = lay_out(app, t, &has, in.w);
    draw_heads(app, in, &c, &has);
    size_t total = total_rows(app);
    for (int row = 0; row + 1 < in.h && app->top + (size_t)row < total; row++)
        draw_row(app, in, &c, &has, row + 1, app->top + (size_t)row);
}

/* A click on an event's row puts the cursor on it. */
static void timeline_click(App *app, Rect r, int y, int x)
{
    (void)r, (void)x;
    int row = y - 2; /* below the title and the column heads */
    size_t i = app->top + (size_t)row;
    if (row >= 0 && i < total_rows(app))
        app_goto_event(app, event_at_row(app, i));
}

const PaneOps timeline_ops = {.update = timeline_update, .draw = timeline_draw, .click = timeline_click};
