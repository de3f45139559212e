/* The event timeline: index, time, cpu, key, pid/tid, process, the columns that fit; events the
 * model missed marked; the selected segment's rows tinted; the cursor's row highlighted. */
#include <stdio.h>
#include <string.h>

#include "draw.h"

static void format_time(char *buf, size_t size, const Trace *t, size_t e)
{
    if (t->timed)
        snprintf(buf, size, "%.6f", (double)(t->time[e] - t->time[0]) / 1e9);
    else
        snprintf(buf, size, "-");
}

/* Event e's process name; past width (0: any), a path's last part ("proc/boot/procnto-smp" is
 * told apart by its end), but not a kernel thread's "kworker/u17:3". */
static const char *process_name(const Trace *t, size_t e, size_t width)
{
    const char *name = strpool_get(&t->names, t->name_id[e]), *slash = strrchr(name, '/');
    bool path = slash && slash[1] && (name[0] == '/' || memchr(name, '/', (size_t)(slash - name)));
    return width && strlen(name) > width && path ? slash + 1 : name;
}

/* pid/tid, "-" for an id the trace does not have. */
static void format_ids(char *buf, size_t size, int32_t pid, int32_t tid)
{
    char p[12] = "-", t[12] = "-";
    if (pid != TRACE_NO_ID)
        snprintf(p, sizeof p, "%d", (int)pid);
    if (tid != TRACE_NO_ID)
        snprintf(t, sizeof t, "%d", (int)tid);
    snprintf(buf, size, "%s/%s", p, t);
}

/* Rows are events, or the filter's events: positions in app->visible. */
static size_t total_rows(const App *app)
{
    return app->filter[0] ? app->n_visible : app_trace(app)->n_events;
}

/* The rows the pane has below its title and column heads, and the first row in view: the
 * cursor's row stays in view. */
static void timeline_update(App *app, Rect r)
{
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

static void timeline_draw(const App *app, Rect r)
{
    const Trace *t = app_trace(app);
    const EventOutcomes *o = app_outcomes(app);
    char title[200];
    snprintf(title, sizeof title, "events   ! = the model missed it   * = bookmark%s%.100s%s", app->filter[0] ? "   filter: " : "",
             app->filter, app->filter[0] ? " (f, then Enter alone, clears it)" : "");
    Rect in = draw_frame(app, r, title, app->focus == PANE_TIMELINE);
    int rows = in.h - 1;
    size_t total = total_rows(app);
    bool wide = in.w >= 70, widest = in.w >= 90;
    int key_w = in.w - (wide ? 40 : 22) - (widest ? 16 : 0);
    key_w = key_w > 30 ? 30 : key_w < 8 ? 8 : key_w;
    bool has_fields = widest && t->fields.n_records > 0;
    if (has_fields && key_w > 26) /* the fields tell more than the end of a long key */
        key_w = 26;
    char head[256];
    /* Kernel traces' event fields fill what is left of the row, after a process column. */
    int fields_x = 2 + 9 + 2 + 13 + 4 + key_w + 1 + 13 + 13;
    bool fields = has_fields && in.w - fields_x >= 10;
    snprintf(head, sizeof head, "  %9s  %-12s %s%-*s %s%-12s %s", "event", "time s", wide ? "cpu " : "", key_w, "key",
             wide ? "pid/tid      " : "", widest ? "process" : "", fields ? "fields" : "");
    draw_text(app, in, 0, 0, EL_TITLE, "%s", head);
    size_t segment_len = app_segment_len(app);
    for (int row = 0; row < rows; row++) {
        size_t i = app->top + (size_t)row;
        if (i >= total)
            break;
        size_t e = app->filter[0] ? app->visible[i] : i;
        bool missed = o && o->outcome[e] == OUTCOME_MISS;
        ThemeElement style = e == app->cursor ? EL_CURSOR : e / segment_len == app->segment ? EL_SEGMENT : EL_NORMAL;
        draw_fill(app, in, row + 1, style);
        char time[32], cpu[8] = "-", ids[32];
        format_time(time, sizeof time, t, e);
        if (t->cpu[e] != TRACE_NO_CPU)
            snprintf(cpu, sizeof cpu, "%u", t->cpu[e]);
        format_ids(ids, sizeof ids, t->pid[e], t->tid[e]);
        draw_text(app, in, row + 1, 0, missed && e != app->cursor ? EL_MISS : style, "%c%c", missed ? '!' : ' ',
                  app->bookmarked && app->bookmarked[e] ? '*' : ' ');
        draw_text(app, in, row + 1, 2, style, "%9zu  %-12.12s %s%s", e, time, wide ? cpu : "", wide ? (strlen(cpu) < 2 ? "   " : "  ") : "");
        int key_x = 2 + 9 + 2 + 13 + (wide ? 4 : 0);
        draw_text(app, in, row + 1, key_x, missed && e != app->cursor ? EL_MISS : style, "%-*.*s", key_w, key_w,
                  vocab_name(&app->scored->set.vocab, t->key_id[e]));
        if (wide)
            draw_text(app, in, row + 1, key_x + key_w + 1, style, fields ? "%-12.12s %-12.12s" : "%-12.12s %s", ids,
                      widest ? process_name(t, e, fields ? 12 : 0) : "");
        if (fields) {
            char text[512];
            const char *event;
            trace_event_fields(t, e, &event, text, sizeof text);
            draw_text(app, in, row + 1, fields_x, style, "%.*s", in.w - fields_x, text);
        }
    }
}

/* A click on an event's row puts the cursor on it. */
static void timeline_click(App *app, Rect r, int y, int x)
{
    (void)r, (void)x;
    int row = y - 2; /* below the title and the column heads */
    size_t i = app->top + (size_t)row;
    if (row >= 0 && i < total_rows(app))
        app_goto_event(app, app->filter[0] ? app->visible[i] : i);
}

const PaneOps timeline_ops = {.update = timeline_update, .draw = timeline_draw, .click = timeline_click};
