/* The timeline's events: the filter (by class, process or pid) and its list of events, the
 * search that n and N repeat, the bookmarks. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"

static bool filter_matches(const App *app, const char *filter, size_t e)
{
    const Trace *t = app_trace(app);
    const char *key = vocab_name(&app->scored->set.vocab, t->key_id[e]);
    size_t len = strlen(filter);
    bool digits = len > 0;
    for (size_t i = 0; i < len; i++)
        digits &= isdigit((unsigned char)filter[i]) != 0;
    /* a pid, or a tid where the trace has threads but no pids (perf script text); else a key
     * of digits (a session file's) */
    if (digits && (trace_pid(t, e) == atoi(filter) || (trace_pid(t, e) == TRACE_NO_ID && trace_tid(t, e) == atoi(filter))))
        return true;
    return strcmp(key, filter) == 0 || (strncmp(key, filter, len) == 0 && key[len] == '/') ||
           strcmp(strpool_get(&t->names, trace_name_id(t, e)), filter) == 0;
}

bool app_visible(const App *app, size_t e)
{
    return !app->filter[0] || filter_matches(app, app->filter, e);
}

void app_apply_filter(App *app, const char *text)
{
    const Trace *t = app_trace(app);
    free(app->visible);
    app->visible = NULL;
    app->n_visible = 0;
    snprintf(app->filter, sizeof app->filter, "%s", text);
    if (!text[0]) {
        snprintf(app->message, sizeof app->message, "filter off");
        return;
    }
    app->visible = malloc((t->n_events + 1) * sizeof *app->visible);
    for (size_t e = 0; app->visible && e < t->n_events; e++)
        if (filter_matches(app, text, e))
            app->visible[app->n_visible++] = e;
    if (app->n_visible == 0) {
        snprintf(app->message, sizeof app->message, "filter '%.60s': no event is of that class, process or pid", text);
        app->filter[0] = '\0';
        return;
    }
    size_t e = app->cursor, i = 0;
    while (i < app->n_visible && app->visible[i] < e)
        i++;
    app_goto_event(app, app->visible[i < app->n_visible ? i : app->n_visible - 1]);
    snprintf(app->message, sizeof app->message, "filter '%.60s': %zu events", text, app->n_visible);
}

size_t app_visible_index(const App *app, size_t e)
{
    size_t lo = 0, hi = app->n_visible;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (app->visible[mid] < e)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

size_t app_visible_step(const App *app, long dir)
{
    if (!app->filter[0]) {
        long e = (long)app->cursor + dir, last = (long)app_trace(app)->n_events - 1;
        return (size_t)(e < 0 ? 0 : e > last ? last : e);
    }
    size_t lo = app_visible_index(app, app->cursor);
    long i = (long)lo + dir - (dir > 0 && lo < app->n_visible && app->visible[lo] > app->cursor ? 1 : 0);
    i = i < 0 ? 0 : i >= (long)app->n_visible ? (long)app->n_visible - 1 : i;
    return app->visible[i];
}

size_t app_session_of(const App *app, size_t e) { return window_session_at(app_trace(app), e); }

/* The search looks in the key, the process name and a kernel event's fields ("next_comm=bash"). */
static bool search_matches(const App *app, size_t e)
{
    const Trace *t = app_trace(app);
    if (strstr(vocab_name(&app->scored->set.vocab, t->key_id[e]), app->search) ||
        strstr(strpool_get(&t->names, trace_name_id(t, e)), app->search))
        return true;
    char fields[1024];
    const char *event;
    return t->fields.n_records && trace_event_fields(t, e, &event, fields, sizeof fields) &&
           strstr(fields, app->search);
}

void app_search_next(App *app, int dir)
{
    size_t n = app_trace(app)->n_events;
    for (size_t step = 1; step <= n; step++) {
        size_t e = dir > 0 ? (app->cursor + step) % n : (app->cursor + n - step % n) % n;
        if (app_visible(app, e) && search_matches(app, e)) {
            app_goto_event(app, e);
            snprintf(app->message, sizeof app->message, "/%.60s: event %zu", app->search, e);
            return;
        }
    }
    snprintf(app->message, sizeof app->message, "/%.60s: no event's key, process or fields hold it", app->search);
}

void app_toggle_bookmark(App *app)
{
    if (!app->bookmarked)
        app->bookmarked = calloc(app_trace(app)->n_events + 1, 1);
    if (!app->bookmarked)
        return;
    app->bookmarked[app->cursor] ^= 1;
    snprintf(app->message, sizeof app->message, "event %zu %s", app->cursor,
             app->bookmarked[app->cursor] ? "bookmarked ('  jumps between bookmarks)" : "no longer bookmarked");
}

void app_next_bookmark(App *app)
{
    size_t n = app_trace(app)->n_events;
    for (size_t step = 1; app->bookmarked && step <= n; step++)
        if (app->bookmarked[(app->cursor + step) % n]) {
            app_goto_event(app, (app->cursor + step) % n);
            snprintf(app->message, sizeof app->message, "bookmark: event %zu", app->cursor);
            return;
        }
    snprintf(app->message, sizeof app->message, "no bookmarks (m marks the event at the cursor)");
}
