/* The trace list (l), in the flagged list's place: a row per trace opened, its name shortened in
 * the middle, its events and its flagged segments (distinct sessions, in a trace of sessions); the
 * trace on show marked with '>'. Enter shows the selected one (tui/keys.c), l or Esc goes back to
 * the flagged list. */
#include <stdio.h>
#include <string.h>

#include "../io/format.h"
#include "draw.h"

/* The first row in view when the pane shows rows of them: the selected row stays in view. */
static size_t first_shown(const App *app, int rows)
{
    return rows > 0 && app->trace_row >= (size_t)rows ? app->trace_row - (size_t)rows + 1 : 0;
}

/* "3/20": flagged of all segments, or of the distinct sessions in a trace of sessions; "-"
 * without a model, "?" without a threshold. */
static const char *flagged_text(const App *app, size_t t, char *buf, size_t size)
{
    const Scores *sc = app->has_model ? &app->scored->scores[t] : NULL;
    const SessionVerdicts *v = app->has_model && app->scored->sessions ? &app->scored->sessions[t] : NULL;
    if (v && v->n_sessions)
        snprintf(buf, size, "%zu/%zu", v->n_flagged_distinct, v->n_distinct);
    else if (!sc || !sc->has_threshold)
        snprintf(buf, size, "%s", sc ? "?" : "-");
    else
        snprintf(buf, size, "%zu/%zu", sc->n_flagged, sc->n_segments);
    return buf;
}

static void tracelist_draw(const App *app, Rect r)
{
    const TraceSet *set = &app->scored->set;
    char title[96];
    snprintf(title, sizeof title, "traces (%zu): Enter shows, l back", set->n_traces);
    Rect in = draw_frame(app, r, title, app->focus == PANE_FLAGGED);
    int events_w = (int)strlen("events"), flagged_w = (int)strlen("flagged");
    char events[32], flagged[48], name[512];
    for (size_t t = 0; t < set->n_traces; t++) {
        int e = (int)strlen(format_count(events, sizeof events, set->traces[t].n_events));
        int f = (int)strlen(flagged_text(app, t, flagged, sizeof flagged));
        events_w = e > events_w ? e : events_w;
        flagged_w = f > flagged_w ? f : flagged_w;
    }
    int name_w = in.w - 6 - events_w - flagged_w; /* "> " before, two spaces between */
    name_w = name_w < 5 ? 5 : name_w;
    draw_text(app, in, 0, 0, EL_TITLE, "  %-*s  %*s  %*s", name_w, "trace", events_w, "events", flagged_w, "flagged");
    int rows = in.h - 1;
    size_t first = first_shown(app, rows);
    for (size_t t = first; t < set->n_traces && t < first + (size_t)(rows > 0 ? rows : 0); t++) {
        int y = (int)(t - first) + 1;
        ThemeElement style = t == app->trace_row ? (app->focus == PANE_FLAGGED ? EL_SELECTED : EL_CURSOR) : EL_NORMAL;
        draw_fill(app, in, y, style);
        draw_text(app, in, y, 0, style, "%c %-*s  %*s  %*s", t == app->trace ? '>' : ' ', name_w,
                  format_shorten(name, sizeof name, format_basename(set->traces[t].path), (size_t)name_w), events_w,
                  format_count(events, sizeof events, set->traces[t].n_events), flagged_w,
                  flagged_text(app, t, flagged, sizeof flagged));
    }
}

/* A click on a trace's row selects it (Enter shows it). */
static void tracelist_click(App *app, Rect r, int y, int x)
{
    (void)x;
    int row = y - 2; /* below the title and the column heads */
    size_t t = first_shown(app, r.h - 2) + (size_t)row;
    if (row >= 0 && t < app->scored->set.n_traces)
        app->trace_row = t;
}

const PaneOps tracelist_ops = {.draw = tracelist_draw, .click = tracelist_click};
